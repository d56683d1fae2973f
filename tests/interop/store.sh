#!/usr/bin/env bash
# Store interoperability: rmq-store and Java's DefaultMessageStore (rocketmq-store 5.3.3) read
# each other's stores.
#
#   bash tests/interop/store.sh
#
# 1. Java writes N messages (StoreTool write); Java and rmq dump the store by queue and by key.
# 2. rmq writes the same N messages (store_interop write); rmq and Java dump it.
# All four dumps must be identical apart from store timestamps, which are not printed: same
# records (byte layout, offsets, message ids, CRCs, hosts, properties), same ConsumeQueues,
# same index answers.
#
# Environment: N (default 3000), JAVA, KEEP_TMP=1, CARGO_TARGET_DIR.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
N=${N:-3000}
JAVA=${JAVA:-java}
TARGET=${CARGO_TARGET_DIR:-$REPO/target}
TMP=$(mktemp -d)
trap '[ "${KEEP_TMP:-}" = 1 ] && echo "kept $TMP" || rm -rf "$TMP"' EXIT

echo "== build"
(cd "$REPO" && cargo build -q --release -p rmq-store --example store_interop)
if [ ! -d "$HERE/java5/target/lib" ]; then
  mvn -q -B -Dstyle.color=never -f "$HERE/java5/pom.xml" compile
else
  mvn -q -B -Dstyle.color=never -o -f "$HERE/java5/pom.xml" compile \
    || mvn -q -B -Dstyle.color=never -f "$HERE/java5/pom.xml" compile
fi
RMQ="$TARGET/release/examples/store_interop"
CP="$HERE/java5/target/classes:$HERE/java5/target/lib/*"
java_tool() {
  "$JAVA" -Xms64m -Xmx512m -Duser.home="$TMP/home" \
    -Drmq.logback.configurationFile=rmq.client.logback.xml \
    -cp "$CP" rmq.interop.store.StoreTool "$@" 2>"$TMP/java-stderr.log"
}

fail=0
check() { # name file-a file-b
  if diff -q "$2" "$3" >/dev/null; then
    echo "ok   $1 ($(grep -c '^key ' "$2") keys, $(grep -vc '^key \|^queue ' "$2") records)"
  else
    echo "FAIL $1"; diff "$2" "$3" | head -20; fail=1
  fi
}

echo "== Java writes, both read"
java_tool write "$TMP/java-store" "$N"
java_tool dump "$TMP/java-store" "$N" >"$TMP/java-store.java.txt"
"$RMQ" dump "$TMP/java-store" "$N" >"$TMP/java-store.rmq.txt"
check "Java-written store read by Java and rmq" "$TMP/java-store.java.txt" "$TMP/java-store.rmq.txt"
# The store is still readable by Java after rmq opened and closed it.
java_tool dump "$TMP/java-store" "$N" >"$TMP/java-store.java2.txt"
check "Java-written store reopened by Java after rmq" "$TMP/java-store.java.txt" "$TMP/java-store.java2.txt"

echo "== rmq writes, both read"
"$RMQ" write "$TMP/rmq-store" "$N"
"$RMQ" dump "$TMP/rmq-store" "$N" >"$TMP/rmq-store.rmq.txt"
java_tool dump "$TMP/rmq-store" "$N" >"$TMP/rmq-store.java.txt"
check "rmq-written store read by rmq and Java" "$TMP/rmq-store.rmq.txt" "$TMP/rmq-store.java.txt"

echo "== same input, same bytes"
check "Java-written and rmq-written stores dump identically" "$TMP/java-store.java.txt" "$TMP/rmq-store.java.txt"
cmp -s "$TMP/java-store/commitlog/00000000000000000000" "$TMP/rmq-store/commitlog/00000000000000000000" \
  && echo "note first CommitLog files are byte-identical" \
  || echo "note first CommitLog files differ (store timestamps)"

[ "$fail" = 0 ] && echo "store interop: all passed" || { echo "store interop: FAILED"; exit 1; }
