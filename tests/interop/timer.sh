#!/usr/bin/env bash
# Timer messages (RocketMQ 5.x TIMER_DELAY_SEC / TIMER_DELAY_MS / TIMER_DELIVER_MS) with the Java
# 5.3.3 client (rmq.interop.timer.TimerTool) against one NameServer and one broker.
#
#   SERVERS=rmq|java  bash tests/interop/timer.sh [STEP...]
#
# STEPs (default: accuracy kill9):
#   accuracy  a push consumer (new group) is started, then TIMER_COUNT (10000) timer messages are
#             sent from 4 threads with delays spread evenly over 1..60 s, in turn with
#             setDelayTimeSec, setDelayTimeMs and setDeliverTimeMs. Every message must arrive
#             once (by index), with its body, tag, keys and user properties, never before its
#             time and at most timerPrecisionMs + 1 s after it, and carry TIMER_OUT_MS = Java's
#             slot of its time. "Its time" T is the requested one (deliver time, or the broker's
#             receive time + delay, known to within the send round trip); Java 5.3.3
#             (HookUtils.transformTimerMessage) stores the slot S = T floored to timerPrecisionMs
#             (T - precision when T is a multiple of it) and delivers slot S once its write time
#             has passed it, i.e. at or after S + precision >= T. Prints min/p50/p99/max lateness.
#   kill9     KILL_COUNT (2000) timer messages with delays 10..40 s; right after the last SEND_OK
#             the producer itself SIGKILLs the broker; the broker is restarted on the same store
#             dir and port; a new consumer group must receive every acknowledged message (by key)
#             with its content, on or after its time (and within the bound for those due after
#             the consumer was ready).
#
# Environment:
#   SERVERS        rmq (default): mqnamesrv + mqbroker from RMQ_BIN_DIR;
#                  java: Java 5.3.3 NameServer + broker (tests/interop/java5), the control that
#                  shows the checks are Java's semantics
#   RMQ_BIN_DIR    where mqnamesrv/mqbroker are (default <repo>/target/release)
#   TIMER_COUNT    messages of accuracy (default 10000)
#   KILL_COUNT     messages of kill9 (default 2000)
#   SLACK_MS       allowed lateness beyond timerPrecisionMs (default 1000)
#   RMQ_SKIP_MVN=1 do not run mvn compile of java5
#   KEEP_TMP=1     keep the temp dir (logs, stores)
#   JAVA           java binary (default: java on PATH)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
SERVERS=${SERVERS:-rmq}
RMQ_BIN_DIR=${RMQ_BIN_DIR:-$REPO/target/release}
TIMER_COUNT=${TIMER_COUNT:-10000}
KILL_COUNT=${KILL_COUNT:-2000}
SLACK_MS=${SLACK_MS:-1000}
PRECISION_MS=1000 # timerPrecisionMs, the default of both brokers
JAVA=${JAVA:-java}
export MAVEN_OPTS=${MAVEN_OPTS:--Xmx512m}

ALL=(accuracy kill9)
STEPS=("$@")
[ ${#STEPS[@]} -eq 0 ] && STEPS=("${ALL[@]}")
for s in "${STEPS[@]}"; do
  case " ${ALL[*]} " in *" $s "*) ;; *) echo "unknown step '$s' (${ALL[*]})" >&2; exit 2 ;; esac
done
case "$SERVERS" in java|rmq) ;; *) echo "SERVERS must be java or rmq" >&2; exit 2 ;; esac

TMP=$(mktemp -d "${TMPDIR:-/tmp}/rmq-timer.XXXXXX")
mkdir -p "$TMP/logs" "$TMP/jtmp"
RUN_START=$(date +%s)
PIDS=() PNAMES=() PLOGS=()
RESULTS=()

alive() { kill -0 "$1" 2>/dev/null; }

start_proc() { # name log cmd...
  local name=$1 log=$2
  shift 2
  "$@" >>"$log" 2>&1 &
  PIDS+=($!) PNAMES+=("$name") PLOGS+=("$log")
  echo "started $name (pid $!)"
}

proc_pid() { # name -> pid of its latest start
  local i pid=
  for i in "${!PNAMES[@]}"; do [ "${PNAMES[$i]}" = "$1" ] && pid=${PIDS[$i]}; done
  echo "$pid"
}

stop_all() {
  local pid
  for pid in "${PIDS[@]}"; do alive "$pid" && kill -TERM "$pid" 2>/dev/null || true; done
  for _ in $(seq 1 50); do
    local any=0
    for pid in "${PIDS[@]}"; do alive "$pid" && any=1; done
    [ $any -eq 0 ] && break
    sleep 0.2
  done
  for pid in "${PIDS[@]}"; do
    alive "$pid" && kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
}

cleanup() {
  local rc=$?
  set +e
  trap - EXIT INT TERM
  if [ $rc -ne 0 ]; then
    echo "===== timer suite FAILED (exit $rc)"
    local i f
    for i in "${!PNAMES[@]}"; do
      echo "----- ${PNAMES[$i]}: last lines of ${PLOGS[$i]}"
      tail -n 20 "${PLOGS[$i]}" 2>/dev/null
    done
    for f in "$TMP"/home-*/logs/rocketmqlogs/{namesrv,broker}.log; do
      [ -f "$f" ] && { echo "----- ERROR/WARN lines of $f"; grep -E ' (ERROR|WARN) ' "$f" | tail -n 30; }
    done
  fi
  [ ${#PIDS[@]} -gt 0 ] && stop_all
  if [ "${KEEP_TMP:-0}" = "1" ]; then echo "temp dir kept: $TMP"; else rm -rf "$TMP"; fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail() { echo "FAIL: $*" >&2; exit 1; }

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pick_port() { # P with P-2..P+1 free (a broker uses P-2, P and P+1)
  local p
  for _ in $(seq 1 200); do
    p=$((20000 + RANDOM % 12000))
    if ! port_in_use $((p - 2)) && ! port_in_use $((p - 1)) && ! port_in_use "$p" && ! port_in_use $((p + 1)); then
      echo "$p"; return 0
    fi
  done
  fail "no free port found"
}

wait_port() { # port pid name timeout_s
  local start
  start=$(date +%s)
  until port_in_use "$1"; do
    alive "$2" || fail "$3 exited before listening on $1"
    [ $(($(date +%s) - start)) -ge "$4" ] && fail "$3 not listening on $1 after $4 s"
    sleep 0.1
  done
}

wait_count() { # log pattern count pid name timeout_s: until the log has count lines matching
  local start
  start=$(date +%s)
  until [ "$(grep -c "$2" "$1" 2>/dev/null || true)" -ge "$3" ]; do
    alive "$4" || fail "$5 exited before printing '$2'"
    [ $(($(date +%s) - start)) -ge "$6" ] && fail "$5 did not print '$2' within $6 s"
    sleep 0.1
  done
}

# ---------------------------------------------------------------- build

echo "timer suite: SERVERS=$SERVERS steps=${STEPS[*]} tmp=$TMP"
T0=$(date +%s)
if [ "${RMQ_SKIP_MVN:-0}" != 1 ]; then
  (cd "$HERE/java5" && { mvn -q -B -o -Dstyle.color=never compile || mvn -q -B -Dstyle.color=never compile; }) \
    >"$TMP/logs/mvn.out" 2>&1 || { tail -n 40 "$TMP/logs/mvn.out"; fail "mvn compile of java5 failed"; }
fi
if [ "$SERVERS" = rmq ]; then
  for b in mqnamesrv mqbroker; do [ -x "$RMQ_BIN_DIR/$b" ] || fail "no $b in $RMQ_BIN_DIR (cargo build --release -p mqnamesrv -p mqbroker)"; done
fi
echo "build: $(($(date +%s) - T0)) s"

CP5="$HERE/java5/target/classes:$HERE/java5/target/lib/*"
JAVA_COMMON=(-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.io.tmpdir="$TMP/jtmp" -Dfile.encoding=UTF-8)

# ---------------------------------------------------------------- servers

NS_PORT=$(pick_port)
BR_PORT=$(pick_port)
while [ $((BR_PORT - NS_PORT)) -le 2 ] && [ $((NS_PORT - BR_PORT)) -le 2 ]; do BR_PORT=$(pick_port); done
NS="127.0.0.1:$NS_PORT"
STORE="$TMP/broker-store"

start_namesrv() {
  local home="$TMP/home-namesrv"
  mkdir -p "$home/namesrv"
  if [ "$SERVERS" = java ]; then
    start_proc namesrv "$TMP/logs/namesrv.out" "$JAVA" -Xms64m -Xmx256m "${JAVA_COMMON[@]}" -Duser.home="$home" \
      -cp "$CP5" rmq.interop.JavaNamesrv "$NS_PORT" "$home/namesrv/kvConfig.json"
  else
    printf 'listenPort=%s\nbindAddress=127.0.0.1\nkvConfigPath=%s\n' "$NS_PORT" "$home/namesrv/kvConfig.json" \
      >"$TMP/namesrv.properties"
    start_proc namesrv "$TMP/logs/namesrv.out" env HOME="$home" "$RMQ_BIN_DIR/mqnamesrv" -c "$TMP/namesrv.properties"
  fi
  wait_port "$NS_PORT" "$(proc_pid namesrv)" namesrv 60
}

BOOTS=0
start_broker() { # (re)start the broker on $STORE and $BR_PORT; waits for its ready line
  local home="$TMP/home-broker" log="$TMP/logs/broker.out" t0
  mkdir -p "$home"
  t0=$(date +%s%N)
  BOOTS=$((BOOTS + 1))
  if [ "$SERVERS" = java ]; then
    start_proc broker "$log" "$JAVA" -Xms128m -Xmx512m -XX:MaxDirectMemorySize=256m "${JAVA_COMMON[@]}" \
      -Duser.home="$home" -cp "$CP5" rmq.interop.JavaBroker --namesrv "$NS" --port "$BR_PORT" \
      --broker-name timer-broker --cluster TimerCluster --store "$STORE"
    wait_count "$log" JAVA_BROKER_READY "$BOOTS" "$(proc_pid broker)" broker 120
  else
    {
      echo "brokerClusterName=TimerCluster"
      echo "brokerName=timer-broker"
      echo "brokerId=0"
      echo "namesrvAddr=$NS"
      echo "listenPort=$BR_PORT"
      echo "brokerIP1=127.0.0.1"
      echo "bindAddress=127.0.0.1"
      echo "autoCreateTopicEnable=true"
      echo "autoCreateSubscriptionGroup=true"
      echo "storePathRootDir=$STORE"
      echo "storePathCommitLog=$STORE/commitlog"
      echo "mappedFileSizeCommitLog=67108864"
      echo "mappedFileSizeTimerLog=16777216"
    } >"$TMP/broker.conf"
    start_proc broker "$log" env HOME="$home" "$RMQ_BIN_DIR/mqbroker" -c "$TMP/broker.conf"
    wait_count "$log" 'boot success' "$BOOTS" "$(proc_pid broker)" broker 120
  fi
  echo "broker ($SERVERS) ready on 127.0.0.1:$BR_PORT in $((($(date +%s%N) - t0) / 1000000)) ms"
}

T0=$(date +%s)
start_namesrv
start_broker
echo "servers ($SERVERS): namesrv $NS, broker on 127.0.0.1:$BR_PORT, ready in $(($(date +%s) - T0)) s"

# ---------------------------------------------------------------- steps

tool() { # log args...
  local log=$1
  shift
  timeout -k 10 600 "$JAVA" -Xms64m -Xmx512m "${JAVA_COMMON[@]}" -Duser.home="$TMP/home-client" \
    -cp "$CP5" rmq.interop.timer.TimerTool "$@" 2>"$log.err" | tee -a "$log"
  return "${PIPESTATUS[0]}"
}

record() { RESULTS+=("$(printf '%-10s %4ss  %s' "$1" "$2" "$3")"); }

step_accuracy() {
  local log="$TMP/logs/accuracy.log" t0 rc=0
  echo; echo "=== accuracy ($TIMER_COUNT messages, 1..60 s; load: $(cut -d' ' -f1-3 /proc/loadavg))"
  t0=$(date +%s)
  tool "$log" accuracy -n "$NS" -t TimerAcc -c "$TIMER_COUNT" --min-ms 1000 --max-ms 60000 \
    --precision-ms "$PRECISION_MS" --slack-ms "$SLACK_MS" || rc=$?
  echo "load after accuracy: $(cut -d' ' -f1-3 /proc/loadavg)"
  record accuracy $(($(date +%s) - t0)) "$([ $rc -eq 0 ] && echo PASS || echo "FAIL ($rc)")"
  [ $rc -eq 0 ] || fail "accuracy failed"
  alive "$(proc_pid broker)" || fail "the broker died during accuracy"
}

step_kill9() {
  local log="$TMP/logs/kill9.log" t0 rc=0 pid
  echo; echo "=== kill9 ($KILL_COUNT messages, 10..40 s, SIGKILL right after the last SEND_OK)"
  t0=$(date +%s)
  pid=$(proc_pid broker)
  tool "$log" produce -n "$NS" -t TimerKill -c "$KILL_COUNT" --min-ms 10000 --max-ms 40000 \
    --out "$TMP/kill9.sent" --kill-pid "$pid" || rc=$?
  wait "$pid" 2>/dev/null || true
  [ $rc -eq 0 ] || fail "kill9: the producer failed"
  alive "$pid" && fail "kill9: the broker (pid $pid) is still alive"
  echo "broker pid $pid killed; restarting on the same store and port"
  start_broker
  tool "$log" consume -n "$NS" -t TimerKill --in "$TMP/kill9.sent" --precision-ms "$PRECISION_MS" \
    --slack-ms "$SLACK_MS" --skip-late-check-before-ready || rc=$?
  if [ "$SERVERS" = rmq ]; then
    grep -i 'abnormal\|normally=false\|recover' "$TMP/home-broker/logs/rocketmqlogs/broker.log" 2>/dev/null | tail -n 3 || true
  fi
  record kill9 $(($(date +%s) - t0)) "$([ $rc -eq 0 ] && echo PASS || echo "FAIL ($rc)")"
  [ $rc -eq 0 ] || fail "kill9 failed"
}

for s in "${STEPS[@]}"; do
  "step_$s"
done

echo
echo "=== summary (SERVERS=$SERVERS, $(($(date +%s) - RUN_START)) s total)"
printf '%s\n' "${RESULTS[@]}"
echo "timer suite PASSED"
