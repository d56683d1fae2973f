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
# 3. Timer interchange (pending timer messages survive a swap of broker implementation), with
#    rmq's mqnamesrv and the Java 5.3.3 client (rmq.interop.timer.TimerTool):
#    a. Java -> rmq: the Java 5.3.3 broker (JavaBroker, timerWheelEnable=true, Java's default)
#       gets TIMER_SWAP_COUNT timer messages (delaySec/delayMs/deliverMs in turn) with delays of
#       TIMER_SWAP_MIN_MS..TIMER_SWAP_MAX_MS, is stopped (SIGTERM), rmq's mqbroker starts on the
#       same store dir, port and broker name, and a new consumer group must get every one of them
#       by key with its original body, tag, keys and user properties, TIMER_OUT_MS = Java's slot,
#       never before its time and at most timerPrecisionMs + 1 s after it (the upper bound is
#       skipped, and counted, for messages due before the consumer was ready).
#    b. rmq -> Java: the same with rmq's broker writing the pending timers and Java's delivering;
#       the delays are TIMER_SWAP_JAVA_START_MS (10000) longer, as Java's broker starts slowly.
#
# Environment: N (default 3000), JAVA, KEEP_TMP=1, CARGO_TARGET_DIR; TIMER_SWAP_COUNT (300),
# TIMER_SWAP_MIN_MS (30000), TIMER_SWAP_MAX_MS (45000), TIMER_SWAP_JAVA_START_MS; RMQ_BIN_DIR (mqnamesrv, mqbroker: when
# unset they are built with cargo into $CARGO_TARGET_DIR/release); SKIP_TIMER=1 skips step 3.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
N=${N:-3000}
JAVA=${JAVA:-java}
TARGET=${CARGO_TARGET_DIR:-$REPO/target}
TMP=$(mktemp -d)
PIDS=()
cleanup() {
  local rc=$? pid
  set +e
  for pid in "${PIDS[@]:-}"; do [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null; done
  for pid in "${PIDS[@]:-}"; do
    [ -n "$pid" ] || continue
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  if [ "$rc" -ne 0 ]; then
    for f in "$TMP"/logs/*.out; do [ -f "$f" ] && { echo "----- last lines of $f"; tail -n 20 "$f"; }; done
  fi
  [ "${KEEP_TMP:-}" = 1 ] && echo "kept $TMP" || rm -rf "$TMP"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "== build"
if [ "${SKIP_TIMER:-0}" = 1 ] || [ -n "${RMQ_BIN_DIR:-}" ]; then
  (cd "$REPO" && cargo build -q --release -p rmq-store --example store_interop)
else
  (cd "$REPO" && cargo build -q --release -p rmq-store --example store_interop -p mqnamesrv -p mqbroker)
fi
RMQ_BIN_DIR=${RMQ_BIN_DIR:-$TARGET/release}
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

# ---------------------------------------------------------------- 3. timer interchange
if [ "${SKIP_TIMER:-0}" != 1 ]; then
  SWAP_COUNT=${TIMER_SWAP_COUNT:-300}
  SWAP_MIN=${TIMER_SWAP_MIN_MS:-30000}
  SWAP_MAX=${TIMER_SWAP_MAX_MS:-45000}
  SWAP_JAVA_START=${TIMER_SWAP_JAVA_START_MS:-10000}
  for b in mqnamesrv mqbroker; do [ -x "$RMQ_BIN_DIR/$b" ] || { echo "no $b in $RMQ_BIN_DIR"; exit 1; }; done
  mkdir -p "$TMP/logs" "$TMP/jtmp"
  JCOMMON=(-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.io.tmpdir="$TMP/jtmp" -Dfile.encoding=UTF-8)
  port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
  pick_port() { # P with P-2..P+1 free (a broker uses P-2, P and P+1)
    local p
    for _ in $(seq 1 200); do
      p=$((20000 + RANDOM % 12000))
      port_free $((p - 2)) && port_free $((p - 1)) && port_free "$p" && port_free $((p + 1)) && { echo "$p"; return 0; }
    done
    echo "no free port" >&2; return 1
  }
  wait_for() { # what pid timeout_s cmd...: until cmd succeeds
    local what=$1 pid=$2 timeout=$3 start
    shift 3
    start=$(date +%s)
    until "$@"; do
      kill -0 "$pid" 2>/dev/null || { echo "FAIL: $what exited"; return 1; }
      [ $(($(date +%s) - start)) -ge "$timeout" ] && { echo "FAIL: $what not ready after ${timeout}s"; return 1; }
      sleep 0.1
    done
  }
  ns_port=$(pick_port)
  ns_home="$TMP/home-namesrv"
  mkdir -p "$ns_home/namesrv"
  printf 'listenPort=%s\nbindAddress=127.0.0.1\nkvConfigPath=%s\n' "$ns_port" "$ns_home/namesrv/kvConfig.json" >"$TMP/namesrv.properties"
  env HOME="$ns_home" "$RMQ_BIN_DIR/mqnamesrv" -c "$TMP/namesrv.properties" >"$TMP/logs/namesrv.out" 2>&1 &
  PIDS+=($!)
  wait_for namesrv $! 60 eval '! port_free '"$ns_port"
  NS="127.0.0.1:$ns_port"

  BROKER_PID=
  start_broker() { # impl store port name: starts it and waits until it is ready
    local impl=$1 store=$2 port=$3 name=$4 log="$TMP/logs/$4-$1.out" t0
    t0=$(date +%s%N)
    mkdir -p "$TMP/home-$name-$impl"
    if [ "$impl" = java ]; then
      "$JAVA" -Xms128m -Xmx512m -XX:MaxDirectMemorySize=256m "${JCOMMON[@]}" -Duser.home="$TMP/home-$name-$impl" \
        -cp "$CP" rmq.interop.JavaBroker --namesrv "$NS" --port "$port" --broker-name "$name" \
        --cluster TimerSwap --store "$store" timerWheelEnable=true >"$log" 2>&1 &
      BROKER_PID=$!
      PIDS+=("$BROKER_PID")
      wait_for "Java broker $name" "$BROKER_PID" 120 grep -q JAVA_BROKER_READY "$log"
    else
      printf '%s\n' "brokerClusterName=TimerSwap" "brokerName=$name" "brokerId=0" "namesrvAddr=$NS" \
        "listenPort=$port" "brokerIP1=127.0.0.1" "brokerIP2=127.0.0.1" "bindAddress=127.0.0.1" \
        "autoCreateTopicEnable=true" "autoCreateSubscriptionGroup=true" "storePathRootDir=$store" \
        "storePathCommitLog=$store/commitlog" "mappedFileSizeCommitLog=67108864" \
        "mappedFileSizeConsumeQueue=600000" "mappedFileSizeTimerLog=16777216" "timerWheelEnable=true" \
        >"$TMP/$name-rmq.conf"
      env HOME="$TMP/home-$name-$impl" "$RMQ_BIN_DIR/mqbroker" -c "$TMP/$name-rmq.conf" >"$log" 2>&1 &
      BROKER_PID=$!
      PIDS+=("$BROKER_PID")
      wait_for "rmq broker $name" "$BROKER_PID" 120 grep -q 'boot success' "$log"
    fi
    echo "$impl broker $name ready on 127.0.0.1:$port (store $store) in $((($(date +%s%N) - t0) / 1000000)) ms"
  }
  stop_broker() {
    local t0
    t0=$(date +%s%N)
    kill -TERM "$BROKER_PID"
    wait "$BROKER_PID" 2>/dev/null || true
    echo "broker (pid $BROKER_PID) stopped with SIGTERM in $((($(date +%s%N) - t0) / 1000000)) ms"
  }
  timer_tool() {
    timeout -k 10 300 "$JAVA" -Xms64m -Xmx512m "${JCOMMON[@]}" -Duser.home="$TMP/home-client" \
      -cp "$CP" rmq.interop.timer.TimerTool "$@" 2>>"$TMP/logs/timer-tool.err"
  }
  swap() { # writer reader
    local w=$1 r=$2 name="swap-$1-$2" store="$TMP/timer-store-$1" port t0 min=$SWAP_MIN max=$SWAP_MAX
    # Java's broker takes 20-27 s to start on a loaded 2-core machine (rmq's well under 1 s):
    # the pending timers must outlive that start, or they cannot be delivered on time.
    if [ "$r" = java ]; then min=$((min + SWAP_JAVA_START)); max=$((max + SWAP_JAVA_START)); fi
    t0=$(date +%s)
    port=$(pick_port)
    echo "== timer: $w writes $SWAP_COUNT pending timer messages, $r delivers them"
    start_broker "$w" "$store" "$port" "$name"
    timer_tool produce -n "$NS" -t "TimerSwap_$w" -c "$SWAP_COUNT" --min-ms "$min" --max-ms "$max" \
      --out "$TMP/$name.sent"
    stop_broker
    ls "$store/timerlog" "$store/timerwheel" "$store/config/timercheck" >/dev/null
    start_broker "$r" "$store" "$port" "$name"
    if timer_tool consume -n "$NS" -t "TimerSwap_$w" --in "$TMP/$name.sent" --skip-late-check-before-ready; then
      echo "ok   pending timers written by $w delivered by $r ($(($(date +%s) - t0)) s)"
    else
      echo "FAIL pending timers written by $w delivered by $r"; fail=1
    fi
    stop_broker
  }
  swap java rmq
  swap rmq java
fi


[ "$fail" = 0 ] && echo "store interop: all passed" || { echo "store interop: FAILED"; exit 1; }
