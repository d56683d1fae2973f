#!/usr/bin/env bash
# rmq-store vs Java's DefaultMessageStore (rocketmq-store 5.3.3), same machine, same run.
#
#   bash bench/store-compare.sh
#
# Workloads (default config, ASYNC_FLUSH, 1 GiB CommitLog files, 1 KiB bodies):
#   put, 1 writer and 4 writers, PUT_MSGS messages each run
#   get: fill a GET_MSGS backlog (8 queues), then read it all back, 32 per call
# Prints one line per run and the rmq/Java ratios.
#
# Environment: PUT_MSGS (500000), GET_MSGS (1000000), BODY (1024), BENCH_DIR (a temp dir on
# the same disk as /tmp), JAVA, CARGO_TARGET_DIR.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
INTEROP="$REPO/tests/interop"
PUT_MSGS=${PUT_MSGS:-500000}
GET_MSGS=${GET_MSGS:-1000000}
BODY=${BODY:-1024}
JAVA=${JAVA:-java}
TARGET=${CARGO_TARGET_DIR:-$REPO/target}
BASE=${BENCH_DIR:-$(mktemp -d)}
trap 'rm -rf "$BASE"' EXIT

(cd "$REPO" && cargo build -q --release -p rmq-store --example store_bench)
mvn -q -B -Dstyle.color=never -o -f "$INTEROP/java5/pom.xml" compile \
  || mvn -q -B -Dstyle.color=never -f "$INTEROP/java5/pom.xml" compile
RMQ="$TARGET/release/examples/store_bench"
CP="$INTEROP/java5/target/classes:$INTEROP/java5/target/lib/*"
java_bench() {
  "$JAVA" -Xms1g -Xmx1g -XX:+UseG1GC -Duser.home="$BASE/home" \
    -Drmq.logback.configurationFile=rmq.client.logback.xml \
    -cp "$CP" rmq.interop.store.StoreBench "$@" 2>>"$BASE/java-stderr.log"
}

rate() { sed -n 's/.*msgs_per_sec=\([0-9]*\).*/\1/p' <<<"$1"; }
fresh() { rm -rf "$BASE/store"; sync; echo "$BASE/store"; }

echo "store-compare: put $PUT_MSGS x ${BODY}B, get backlog $GET_MSGS x ${BODY}B, $(nproc) cores"
declare -A R
for w in 1 4; do
  out=$("$RMQ" put "$(fresh)" "$w" "$PUT_MSGS" "$BODY"); echo "$out"; R[rmq_put$w]=$(rate "$out")
  out=$(java_bench put "$(fresh)" "$w" "$PUT_MSGS" "$BODY"); echo "$out"; R[java_put$w]=$(rate "$out")
done
out=$("$RMQ" get "$(fresh)" "$GET_MSGS" "$BODY"); echo "$out"; R[rmq_get]=$(rate "$out")
out=$(java_bench get "$(fresh)" "$GET_MSGS" "$BODY"); echo "$out"; R[java_get]=$(rate "$out")
rm -rf "$BASE/store"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo "ratio put 1 writer : rmq/java = $(ratio "${R[rmq_put1]}" "${R[java_put1]}")"
echo "ratio put 4 writers: rmq/java = $(ratio "${R[rmq_put4]}" "${R[java_put4]}")"
echo "ratio get backlog  : rmq/java = $(ratio "${R[rmq_get]}" "${R[java_get]}")"
