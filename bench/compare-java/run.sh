#!/usr/bin/env bash
# rmq's broker vs Apache RocketMQ's broker 5.3.3 (from Maven, through tests/interop/java5),
# on this machine, in one run, under the same load generator with the same flags:
#
#   bash bench/compare-java/run.sh
#
# For each broker (Java first, then rmq), on a fresh store, with an rmq NameServer:
#   warm-up  benchmark-producer -w 64 -s 1024, WARMUP seconds (not reported; >= 25 s gives
#            the JVM's JIT time to compile the hot paths)
#   sync     benchmark-producer -w 64 -s 1024            (64 tasks, sync sends, 1 KiB)
#   async    benchmark-producer -y true -s 1024          (async sends, <= 10000 in flight)
#   batch    benchmark-batchproducer -w 64 -s 1024 -b 16 (64 tasks, batches of 16 x 1 KiB)
#   consume  benchmark-consumer -cf true                 (a fresh group draining the backlog
#            the three modes above left; 20 consume tasks)
# each for DURATION seconds, stopped with SIGTERM; the tool's [Summary] line gives TPS
# (messages/s), average, p99 and max send time (per batch for batch; born-to-consume for
# consume, which on a backlog is its age, so not compared), and the messages counted. CPU per
# message: utime+stime from /proc of the broker, and of the load generator, over the mode,
# divided by the messages the tool counted. The broker's VmRSS/RssAnon are sampled every
# 0.5 s (peak reported). Both brokers run with Java's
# default store settings (1 GiB CommitLog files, ASYNC_MASTER, ASYNC_FLUSH); the Java broker
# gets -Xms2g -Xmx2g (G1) and 2 GiB of direct memory. The load generator is rmq's
# benchmark tool for both, on the same machine (it shares the CPUs with the broker).
#
# MODE=replication / MODE=catchup run replication.sh instead (master + slave; see there);
# MODE=transaction / MODE=timer / MODE=timer-pending run txn-timer.sh (see there).
#
# Environment: DURATION (30), WARMUP (30), RMQ_BIN_DIR (<repo>/target/release; built unless
# SKIP_BUILD=1), JAVA, BENCH_DIR (temp dir), KEEP_TMP=1.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# MODE=replication (master+slave, SYNC_MASTER) or MODE=catchup (empty slave catching up):
# see replication.sh. The default (throughput) is this script.
case "${MODE:-throughput}" in
  throughput) ;;
  replication|catchup) exec bash "$HERE/replication.sh" "$MODE" ;;
  transaction|timer|timer-pending) exec bash "$HERE/txn-timer.sh" "$MODE" ;;
  *) echo "MODE must be throughput, replication, catchup, transaction, timer or timer-pending" >&2; exit 2 ;;
esac
REPO=$(cd "$HERE/../.." && pwd)
INTEROP=$REPO/tests/interop
DURATION=${DURATION:-30}
WARMUP=${WARMUP:-30}
JAVA=${JAVA:-java}
RMQ_BIN_DIR=${RMQ_BIN_DIR:-${CARGO_TARGET_DIR:-$REPO/target}/release}
TMP=${BENCH_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/rmq-compare-java.XXXXXX")}
mkdir -p "$TMP"

. "$REPO/bench/lib.sh"

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  (cd "$REPO" && cargo build -q --release -p mqnamesrv -p mqbroker -p mqadmin -p rmq-benchmark)
  mvn -q -B -Dstyle.color=never -o -f "$INTEROP/java5/pom.xml" compile \
    || mvn -q -B -Dstyle.color=never -f "$INTEROP/java5/pom.xml" compile
fi
for b in mqnamesrv mqbroker mqadmin benchmark-producer benchmark-batchproducer benchmark-consumer; do
  [ -x "$RMQ_BIN_DIR/$b" ] || fail "missing $RMQ_BIN_DIR/$b"
done
CP="$INTEROP/java5/target/classes:$INTEROP/java5/target/lib/*"

# Java's defaults where the interop launcher shrinks them for a shared machine.
JAVA_DEFAULTS=(mappedFileSizeCommitLog=1073741824 mappedFileSizeConsumeQueue=6000000
  mappedFileSizeTimerLog=104857600 maxHashSlotNum=5000000 maxIndexNum=20000000
  sendMessageThreadPoolNums="$(( $(nproc) < 4 ? $(nproc) : 4 ))"
  pullMessageThreadPoolNums="$((16 + $(nproc) * 2))")

# rss_sampler PID OUT: writes "peak_vmrss_kb peak_rssanon_kb" to OUT when PID's sampler stops.
start_rss_sampler() {
  local pid=$1 out=$2
  (
    peak=0; anon=0
    trap 'echo "$peak $anon" > "$out"; exit 0' TERM
    while kill -0 "$pid" 2>/dev/null; do
      r=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo 0)
      a=$(awk '/^RssAnon:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo 0)
      [ "${r:-0}" -gt "$peak" ] && peak=$r
      [ "${a:-0}" -gt "$anon" ] && anon=$a
      echo "$peak $anon" > "$out"
      sleep 0.5
    done
  ) &
  SAMPLER=$!
}

# run_load NAME TOOL ARGS...: runs the tool for DURATION s, echoes its [Summary] line; the
# CPU ticks the tool and the broker (BROKER_PID) used meanwhile go to $TMP/ticks-NAME.
run_load() {
  local name=$1 tool=$2
  shift 2
  local log="$TMP/$BROKER_IMPL-$name.log" b0 b1 t1
  b0=$(cpu_ticks "$BROKER_PID")
  "$RMQ_BIN_DIR/$tool" -n "$NS" -t CompareTopic -ri 10000 "$@" > "$log" 2>&1 &
  local pid=$!
  sleep "$DURATION"
  t1=$(cpu_ticks "$pid")
  kill -TERM "$pid"
  wait "$pid" || true
  b1=$(cpu_ticks "$BROKER_PID")
  echo "$((b1 - b0)) $t1" > "$TMP/ticks-$name"
  grep '^\[Summary\]' "$log" || { tail -20 "$log" >&2; fail "$tool printed no summary"; }
}

# us_per_msg TICKS MSGS: CPU microseconds per message.
us_per_msg() { awk -v t="$1" -v n="$2" -v hz="$(getconf CLK_TCK)" 'BEGIN { if (n == 0) print "-"; else printf "%.1f", t / hz * 1e6 / n }'; }

# field LINE LABEL: the number after "LABEL: " in a [Summary] line.
field() { sed -n "s/.*| $2: \([0-9.]*\).*/\1/p" <<<"$1"; }

declare -A R
for BROKER_IMPL in java rmq; do
  echo "=== $BROKER_IMPL broker"
  NS_PORT=$(pick_port)
  BROKER_PORT=$(pick_port)
  NS=127.0.0.1:$NS_PORT
  rm -rf "$TMP/store" "$TMP/home-$BROKER_IMPL"
  mkdir -p "$TMP/home-$BROKER_IMPL"
  printf 'listenPort=%s\nbindAddress=127.0.0.1\n' "$NS_PORT" > "$TMP/namesrv.properties"
  HOME="$TMP/home-$BROKER_IMPL" "$RMQ_BIN_DIR/mqnamesrv" -c "$TMP/namesrv.properties" > "$TMP/$BROKER_IMPL-namesrv.log" 2>&1 &
  NS_PID=$!
  PIDS+=("$NS_PID")
  wait_line "$TMP/$BROKER_IMPL-namesrv.log" "boot success" "$NS_PID" 60
  if [ "$BROKER_IMPL" = java ]; then
    HOME="$TMP/home-java" "$JAVA" -server -Xms2g -Xmx2g -XX:+UseG1GC -XX:MaxDirectMemorySize=2g \
      -Duser.home="$TMP/home-java" -Djava.io.tmpdir="$TMP" -cp "$CP" rmq.interop.JavaBroker \
      --namesrv "$NS" --port "$BROKER_PORT" --broker-name broker-a --cluster DefaultCluster \
      --store "$TMP/store" "${JAVA_DEFAULTS[@]}" > "$TMP/java-broker.log" 2>&1 &
    BROKER_PID=$!
    PIDS+=("$BROKER_PID")
    wait_line "$TMP/java-broker.log" JAVA_BROKER_READY "$BROKER_PID" 120
  else
    printf 'brokerClusterName=DefaultCluster\nbrokerName=broker-a\nbrokerId=0\nlistenPort=%s\nbrokerIP1=127.0.0.1\nbindAddress=127.0.0.1\nnamesrvAddr=%s\nstorePathRootDir=%s\nbrokerRole=ASYNC_MASTER\nflushDiskType=ASYNC_FLUSH\n' \
      "$BROKER_PORT" "$NS" "$TMP/store" > "$TMP/broker.properties"
    HOME="$TMP/home-rmq" "$RMQ_BIN_DIR/mqbroker" -c "$TMP/broker.properties" > "$TMP/rmq-broker.log" 2>&1 &
    BROKER_PID=$!
    PIDS+=("$BROKER_PID")
    wait_line "$TMP/rmq-broker.log" "boot success" "$BROKER_PID" 60
  fi
  for _ in $(seq 1 100); do
    HOME="$TMP/home-$BROKER_IMPL" "$RMQ_BIN_DIR/mqadmin" updateTopic -n "$NS" -c DefaultCluster -t CompareTopic > /dev/null 2>&1 && break
    sleep 0.3
  done
  start_rss_sampler "$BROKER_PID" "$TMP/$BROKER_IMPL-rss"
  if [ "$WARMUP" -gt 0 ]; then
    DURATION=$WARMUP run_load warmup benchmark-producer -w 64 -s 1024 > /dev/null
  fi
  for mode in sync async batch consume; do
    case $mode in
      sync) line=$(run_load sync benchmark-producer -w 64 -s 1024) ;;
      async) line=$(run_load async benchmark-producer -y true -s 1024) ;;
      batch) line=$(run_load batch benchmark-batchproducer -w 64 -s 1024 -b 16) ;;
      consume) line=$(run_load consume benchmark-consumer -g "compare_drain_$BROKER_IMPL" -cf true) ;;
    esac
    echo "$mode: $line"
    read -r bt tt < "$TMP/ticks-$mode"
    msgs=$(sed -n 's/.*| Success: \([0-9]*\).*/\1/p' <<<"$line")
    R[$BROKER_IMPL.$mode.bcpu]=$(us_per_msg "$bt" "$msgs")
    R[$BROKER_IMPL.$mode.tcpu]=$(us_per_msg "$tt" "$msgs")
    R[$BROKER_IMPL.$mode.tps]=$(field "$line" TPS)
    R[$BROKER_IMPL.$mode.avg]=$(field "$line" "RT(ms) avg")
    R[$BROKER_IMPL.$mode.p99]=$(field "$line" p99)
    R[$BROKER_IMPL.$mode.max]=$(field "$line" max)
    R[$BROKER_IMPL.$mode.failed]=$(sed -n 's/.*| Failed: \([0-9]*\).*/\1/p' <<<"$line")
  done
  kill -TERM "$SAMPLER" 2>/dev/null; wait "$SAMPLER" 2>/dev/null || true
  read -r rss anon < "$TMP/$BROKER_IMPL-rss"
  R[$BROKER_IMPL.rss]=$rss
  R[$BROKER_IMPL.anon]=$anon
  stop_pid "$BROKER_PID"
  stop_pid "$NS_PID"
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "-"; else printf "%.2f", a / b }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }
echo
echo "compare-java: ${DURATION}s per mode, 1 KiB bodies, $(nproc) cores, load generator rmq benchmark tools"
FMT='%-7s %-8s %11s %9s %9s %9s %7s %14s %13s\n'
printf "$FMT" mode broker "TPS(msg/s)" "avg(ms)" "p99(ms)" "max(ms)" failed "broker(us/msg)" "loadgen(us/msg)"
for mode in sync async batch consume; do
  for b in java rmq; do
    printf "$FMT" "$mode" "$b" "${R[$b.$mode.tps]}" "${R[$b.$mode.avg]}" "${R[$b.$mode.p99]}" \
      "${R[$b.$mode.max]}" "${R[$b.$mode.failed]}" "${R[$b.$mode.bcpu]}" "${R[$b.$mode.tcpu]}"
  done
  printf "$FMT" "$mode" rmq/java "$(ratio "${R[rmq.$mode.tps]}" "${R[java.$mode.tps]}")" \
    "$(ratio "${R[rmq.$mode.avg]}" "${R[java.$mode.avg]}")" "$(ratio "${R[rmq.$mode.p99]}" "${R[java.$mode.p99]}")" \
    "$(ratio "${R[rmq.$mode.max]}" "${R[java.$mode.max]}")" "" \
    "$(ratio "${R[rmq.$mode.bcpu]}" "${R[java.$mode.bcpu]}")" "$(ratio "${R[rmq.$mode.tcpu]}" "${R[java.$mode.tcpu]}")"
done
printf 'broker peak RSS: java %s MiB (anon %s MiB), rmq %s MiB (anon %s MiB), rmq/java %s (anon %s)\n' \
  "$(mib "${R[java.rss]}")" "$(mib "${R[java.anon]}")" "$(mib "${R[rmq.rss]}")" "$(mib "${R[rmq.anon]}")" \
  "$(ratio "${R[rmq.rss]}" "${R[java.rss]}")" "$(ratio "${R[rmq.anon]}" "${R[java.anon]}")"
echo "(batch: RT per batch of 16; consume: RT is born-to-consume, the backlog's age; RSS includes the mapped"
echo " CommitLog pages the broker touched; loadgen: rmq's benchmark tool, the same for both brokers)"
