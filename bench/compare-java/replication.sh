#!/usr/bin/env bash
# Replication modes of bench/compare-java (run through run.sh with MODE=replication or
# MODE=catchup, or directly: bash bench/compare-java/replication.sh replication|catchup).
#
# replication: for Java 5.3.3 (first) and rmq, a master (SYNC_MASTER, inSyncReplicas=2) and
#   a slave (SLAVE, brokerId 1) on this machine with an rmq NameServer, Java's default store
#   settings (1 GiB CommitLog files, ASYNC_FLUSH), topic CompareTopic (8 queues, mqadmin
#   updateTopic). Warm-up: batches of WARMUP_MSGS until WARMUP_S seconds have passed (30; the
#   JVM needs >= 25 s). Measured: `benchmark-producer -w 64 -s 1024 -q MSGS` (64 tasks, sync
#   1 KiB sends; each is answered once the slave has it). Reported: TPS and p99 from the tool's
#   [Summary], failed sends, and the master's CPU per message = utime+stime (/proc/PID/stat)
#   over the measured batch / MSGS (the slave's beside it).
# catchup: a master (ASYNC_MASTER) alone is filled with CATCHUP_MIB MiB of CommitLog (1024;
#   4 KiB bodies, benchmark-producer), then an empty slave is started; reported: seconds from
#   the slave's boot line until its commitLogMaxOffset (mqadmin brokerStatus, polled every
#   0.1 s) equals the master's, and MB/s. A fresh slave starts at the master's last CommitLog
#   file (Java's rule), so the master's mappedFileSizeCommitLog is set above CATCHUP_MIB to
#   keep everything in one file.
#
# Environment: MSGS (200000), WARMUP_S (30), WARMUP_MSGS (20000), CATCHUP_MIB (1024),
# IMPLS ("java rmq"), JAVA_HEAP (1g per broker JVM; two brokers run at once), RMQ_BIN_DIR
# (<repo>/target/release; built unless SKIP_BUILD=1), JAVA, BENCH_DIR, KEEP_TMP=1.
set -euo pipefail

MODE=${1:-${MODE:-replication}}
case "$MODE" in replication|catchup) ;; *) echo "mode must be replication or catchup" >&2; exit 2 ;; esac
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
INTEROP=$REPO/tests/interop
MSGS=${MSGS:-200000}
WARMUP_S=${WARMUP_S:-30}
WARMUP_MSGS=${WARMUP_MSGS:-20000}
CATCHUP_MIB=${CATCHUP_MIB:-1024}
IMPLS=${IMPLS:-java rmq}
JAVA=${JAVA:-java}
JAVA_HEAP=${JAVA_HEAP:-1g}
RMQ_BIN_DIR=${RMQ_BIN_DIR:-${CARGO_TARGET_DIR:-$REPO/target}/release}
TMP=${BENCH_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/rmq-compare-repl.XXXXXX")}
mkdir -p "$TMP"
CLK_TCK=$(getconf CLK_TCK)

. "$REPO/bench/lib.sh"

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  (cd "$REPO" && cargo build -q --release -p mqnamesrv -p mqbroker -p mqadmin -p rmq-benchmark)
  mvn -q -B -Dstyle.color=never -o -f "$INTEROP/java5/pom.xml" compile \
    || mvn -q -B -Dstyle.color=never -f "$INTEROP/java5/pom.xml" compile
fi
for b in mqnamesrv mqbroker mqadmin benchmark-producer; do
  [ -x "$RMQ_BIN_DIR/$b" ] || fail "missing $RMQ_BIN_DIR/$b"
done
CP="$INTEROP/java5/target/classes:$INTEROP/java5/target/lib/*"
JAVA_DEFAULTS=(mappedFileSizeConsumeQueue=6000000 mappedFileSizeTimerLog=104857600
  maxHashSlotNum=5000000 maxIndexNum=20000000
  sendMessageThreadPoolNums="$(( $(nproc) < 4 ? $(nproc) : 4 ))"
  pullMessageThreadPoolNums="$((16 + $(nproc) * 2))")

start_namesrv() { # impl: sets NS, NS_PID
  local port
  port=$(pick_port)
  NS=127.0.0.1:$port
  mkdir -p "$TMP/$1/home-namesrv"
  printf 'listenPort=%s\nbindAddress=127.0.0.1\n' "$port" >"$TMP/$1/namesrv.properties"
  HOME="$TMP/$1/home-namesrv" "$RMQ_BIN_DIR/mqnamesrv" -c "$TMP/$1/namesrv.properties" >"$TMP/$1/namesrv.log" 2>&1 &
  NS_PID=$!
  PIDS+=("$NS_PID")
  wait_line "$TMP/$1/namesrv.log" "boot success" "$NS_PID" 60
}

# start_broker impl name port commitlog_file_size key=value...: sets BPID (pid), BLOG
start_broker() {
  local impl=$1 name=$2 port=$3 cl=$4 kv
  shift 4
  local home="$TMP/$impl/home-$name" store="$TMP/$impl/store-$name"
  BLOG="$TMP/$impl/$name.log"
  mkdir -p "$home" "$store"
  if [ "$impl" = java ]; then
    HOME="$home" "$JAVA" -server -Xms"$JAVA_HEAP" -Xmx"$JAVA_HEAP" -XX:+UseG1GC -XX:MaxDirectMemorySize=1g \
      -Duser.home="$home" -Djava.io.tmpdir="$TMP" -cp "$CP" rmq.interop.JavaBroker \
      --namesrv "$NS" --port "$port" --broker-name broker-a --cluster DefaultCluster --store "$store" \
      "${JAVA_DEFAULTS[@]}" mappedFileSizeCommitLog="$cl" "$@" >"$BLOG" 2>&1 &
    BPID=$!
    PIDS+=("$BPID")
    wait_line "$BLOG" JAVA_BROKER_READY "$BPID" 120
  else
    {
      printf 'brokerClusterName=DefaultCluster\nbrokerName=broker-a\nlistenPort=%s\n' "$port"
      printf 'brokerIP1=127.0.0.1\nbrokerIP2=127.0.0.1\nbindAddress=127.0.0.1\nnamesrvAddr=%s\n' "$NS"
      printf 'storePathRootDir=%s\nflushDiskType=ASYNC_FLUSH\nmappedFileSizeCommitLog=%s\n' "$store" "$cl"
      for kv in "$@"; do echo "$kv"; done
    } >"$TMP/$impl/$name.properties"
    HOME="$home" "$RMQ_BIN_DIR/mqbroker" -c "$TMP/$impl/$name.properties" >"$BLOG" 2>&1 &
    BPID=$!
    PIDS+=("$BPID")
    wait_line "$BLOG" "boot success" "$BPID" 60
  fi
}

max_offset() { # addr
  "$RMQ_BIN_DIR/mqadmin" brokerStatus -n "$NS" -b "$1" 2>/dev/null |
    awk -F: '/^commitLogMaxOffset/ { gsub(/[ \t]/, "", $2); print $2 }'
}

producer() { # log args...: benchmark-producer to CompareTopic; fails without a summary
  local log=$1
  shift
  "$RMQ_BIN_DIR/benchmark-producer" -n "$NS" -t CompareTopic -ri 100000 "$@" >"$log" 2>&1 || true
  grep -q '^\[Summary\]' "$log" || { tail -20 "$log" >&2; fail "benchmark-producer printed no summary ($log)"; }
}

create_topic() {
  for _ in $(seq 1 100); do
    "$RMQ_BIN_DIR/mqadmin" updateTopic -n "$NS" -c DefaultCluster -t CompareTopic -r 8 -w 8 >/dev/null 2>&1 && return 0
    sleep 0.3
  done
  fail "updateTopic failed"
}

field() { sed -n "s/.*| $2: \([0-9.]*\).*/\1/p" <<<"$1"; }
declare -A R

replication_run() { # impl
  local impl=$1 mport sport mpid spid start t0 t1 s0 s1 line
  mkdir -p "$TMP/$impl"
  start_namesrv "$impl"
  mport=$(pick_port)
  start_broker "$impl" master "$mport" 1073741824 brokerId=0 brokerRole=SYNC_MASTER inSyncReplicas=2
  mpid=$BPID
  sport=$(pick_port)
  while [ $((sport - mport)) -lt 4 ] && [ $((mport - sport)) -lt 4 ]; do sport=$(pick_port); done
  start_broker "$impl" slave "$sport" 1073741824 brokerId=1 brokerRole=SLAVE
  spid=$BPID
  create_topic
  start=$(date +%s)
  while :; do
    producer "$TMP/$impl/warmup.log" -w 64 -s 1024 -q "$WARMUP_MSGS"
    local so
    so=$(max_offset "127.0.0.1:$sport")
    [ "${so:-0}" -gt 0 ] && [ $(($(date +%s) - start)) -ge "$WARMUP_S" ] && break
    [ $(($(date +%s) - start)) -ge $((WARMUP_S + 120)) ] && fail "$impl: the slave holds nothing after the warm-up"
  done
  echo "$impl: warm-up $(($(date +%s) - start)) s, slave at offset $(max_offset "127.0.0.1:$sport")"
  t0=$(cpu_ticks "$mpid"); s0=$(cpu_ticks "$spid")
  producer "$TMP/$impl/measure.log" -w 64 -s 1024 -q "$MSGS"
  t1=$(cpu_ticks "$mpid"); s1=$(cpu_ticks "$spid")
  line=$(grep '^\[Summary\]' "$TMP/$impl/measure.log")
  echo "$impl: $line"
  R[$impl.tps]=$(field "$line" TPS)
  R[$impl.p99]=$(field "$line" p99)
  R[$impl.failed]=$(sed -n 's/.*| Failed: \([0-9]*\).*/\1/p' <<<"$line")
  R[$impl.cpu]=$(awk -v d=$((t1 - t0)) -v hz="$CLK_TCK" -v n="$MSGS" 'BEGIN { printf "%.2f", d / hz / n * 1e6 }')
  R[$impl.scpu]=$(awk -v d=$((s1 - s0)) -v hz="$CLK_TCK" -v n="$MSGS" 'BEGIN { printf "%.2f", d / hz / n * 1e6 }')
  stop_pid "$spid"
  stop_pid "$mpid"
  stop_pid "$NS_PID"
  rm -rf "$TMP/$impl/store-master" "$TMP/$impl/store-slave"
}

catchup_run() { # impl
  local impl=$1 mport sport mpid spid cl target mo so t0 t1 body=4096
  mkdir -p "$TMP/$impl"
  start_namesrv "$impl"
  # One CommitLog file holds everything (a fresh slave starts at the master's last file).
  cl=$(( (CATCHUP_MIB + 256) * 1024 * 1024 ))
  mport=$(pick_port)
  start_broker "$impl" master "$mport" "$cl" brokerId=0 brokerRole=ASYNC_MASTER
  mpid=$BPID
  create_topic
  target=$((CATCHUP_MIB * 1024 * 1024))
  mo=0
  while [ "${mo:-0}" -lt "$target" ]; do
    producer "$TMP/$impl/fill.log" -w 32 -s "$body" -q $(( (target - ${mo:-0}) / (body + 200) + 1 ))
    mo=$(max_offset "127.0.0.1:$mport")
  done
  echo "$impl: master filled, commitLogMaxOffset $mo"
  sport=$(pick_port)
  while [ $((sport - mport)) -lt 4 ] && [ $((mport - sport)) -lt 4 ]; do sport=$(pick_port); done
  start_broker "$impl" slave "$sport" "$cl" brokerId=1 brokerRole=SLAVE
  spid=$BPID
  t0=$(date +%s.%N)
  so=0
  until [ "${so:-0}" = "$mo" ]; do
    alive "$spid" || fail "$impl slave exited"
    awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { exit !(b - a > 900) }' && fail "$impl slave at $so of $mo after 900 s"
    sleep 0.1
    so=$(max_offset "127.0.0.1:$sport")
  done
  t1=$(date +%s.%N)
  R[$impl.secs]=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
  R[$impl.mbs]=$(awk -v a="$t0" -v b="$t1" -v n="$mo" 'BEGIN { printf "%.1f", n / 1e6 / (b - a) }')
  R[$impl.bytes]=$mo
  echo "$impl: slave caught up $mo bytes in ${R[$impl.secs]} s (${R[$impl.mbs]} MB/s)"
  stop_pid "$spid"
  stop_pid "$mpid"
  stop_pid "$NS_PID"
  rm -rf "$TMP/$impl/store-master" "$TMP/$impl/store-slave"
}

for impl in $IMPLS; do
  echo "=== $impl ($MODE)"
  "${MODE}_run" "$impl"
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0 || b == "") print "-"; else printf "%.2f", a / b }'; }
echo
if [ "$MODE" = replication ]; then
  echo "compare-java replication: SYNC_MASTER inSyncReplicas=2 + SLAVE, $MSGS x 1 KiB sync sends (64 tasks), $(nproc) cores"
  printf '%-10s %12s %10s %8s %18s %17s\n' broker "TPS(msg/s)" "p99(ms)" failed "master CPU us/msg" "slave CPU us/msg"
  for b in $IMPLS; do
    printf '%-10s %12s %10s %8s %18s %17s\n' "$b" "${R[$b.tps]}" "${R[$b.p99]}" "${R[$b.failed]}" "${R[$b.cpu]}" "${R[$b.scpu]}"
  done
  if [[ " $IMPLS " == *" java "* && " $IMPLS " == *" rmq "* ]]; then
    printf '%-10s %12s %10s %8s %18s %17s\n' rmq/java "$(ratio "${R[rmq.tps]}" "${R[java.tps]}")" \
      "$(ratio "${R[rmq.p99]}" "${R[java.p99]}")" "" "$(ratio "${R[rmq.cpu]}" "${R[java.cpu]}")" \
      "$(ratio "${R[rmq.scpu]}" "${R[java.scpu]}")"
  fi
else
  echo "compare-java catchup: empty slave next to a master with ${CATCHUP_MIB} MiB of CommitLog, $(nproc) cores"
  printf '%-10s %14s %10s %8s\n' broker bytes seconds "MB/s"
  for b in $IMPLS; do
    printf '%-10s %14s %10s %8s\n' "$b" "${R[$b.bytes]}" "${R[$b.secs]}" "${R[$b.mbs]}"
  done
fi
