#!/usr/bin/env bash
# rmq-client acceptance: every scenario of tests/interop/rust-client against two NameServers
# and one broker, plus the cross-language checks with the Java 5.3.3 client (or XLANG_JAVA_VERSION).
#
#   SERVERS=java|rmq  bash tests/interop/client.sh [SCENARIO...]
#
# SCENARIOs (default: all, in this order):
#   admin send-modes tag-filter sql-filter lite-pull orderly retry-dlq delay broadcast
#   xlang-rust-to-java xlang-java-to-rust transaction transaction-crash broker-restart
#   namesrv-restart
#
# transaction-crash: 10 half messages answered UNKNOW (locally and to the broker's checks) until
# each was checked once; then the broker is killed with SIGKILL and restarted on the same store
# and port, and the checks answer COMMIT: all 10 must reach the consumer, none before that.
# By default it runs only with SERVERS=rmq; naming it runs it against the Java servers too
# (control). Both brokers check every 2 s, half messages older than 2 s, and write the op
# records of ended ones within 500 ms (transactionCheckInterval=2000, transactionTimeOut=2000,
# transactionOpBatchInterval=500; with Java's 3 s an answered copy may be checked again).
#
# Environment:
#   SERVERS          java (default): Java NameServer + broker 5.3.3 from tests/interop/java5;
#                    rmq: mqnamesrv and mqbroker from RMQ_BIN_DIR
#   XLANG_JAVA_VERSION  RocketMQ version of the Java client in xlang-rust-to-java and
#                    xlang-java-to-rust: 5.3.3 (default, java5/target) or any V with a profile
#                    rocketmq-V in java5/pom.xml (java5/target-V, built here when missing or
#                    stale). The Java servers stay 5.3.3.
#   RMQ_BIN_DIR      where mqnamesrv/mqbroker are (default <repo>/target/release)
#   SCENARIOS_BIN    a prebuilt rmq-client-scenarios (default: cargo build it)
#   SEND_COUNT       messages per send mode (default 10000)
#   KEEP_TMP=1       keep the temp dir (logs, stores)
#   KEEP_GOING=1     run every scenario even after a failure (exit 1 at the end)
#   JAVA             java binary (default: java on PATH)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
SERVERS=${SERVERS:-java}
RMQ_BIN_DIR=${RMQ_BIN_DIR:-$REPO/target/release}
SEND_COUNT=${SEND_COUNT:-10000}
JAVA=${JAVA:-java}
XLANG_JAVA_VERSION=${XLANG_JAVA_VERSION:-5.3.3}
if [ "$XLANG_JAVA_VERSION" = 5.3.3 ]; then
  XLANG_DIR=target
else
  grep -q "<id>rocketmq-$XLANG_JAVA_VERSION</id>" "$HERE/java5/pom.xml" ||
    { echo "XLANG_JAVA_VERSION=$XLANG_JAVA_VERSION: java5/pom.xml has no profile rocketmq-$XLANG_JAVA_VERSION" >&2; exit 2; }
  XLANG_DIR="target-$XLANG_JAVA_VERSION"
fi
export MAVEN_OPTS=${MAVEN_OPTS:--Xmx512m}

ALL=(admin send-modes tag-filter sql-filter lite-pull orderly retry-dlq delay broadcast
  xlang-rust-to-java xlang-java-to-rust transaction transaction-crash broker-restart namesrv-restart)
STEPS=("$@")
if [ ${#STEPS[@]} -eq 0 ]; then
  for s in "${ALL[@]}"; do
    [ "$s" = transaction-crash ] && [ "${SERVERS:-java}" != rmq ] && continue
    STEPS+=("$s")
  done
fi
for s in "${STEPS[@]}"; do
  case " ${ALL[*]} " in *" $s "*) ;; *) echo "unknown scenario '$s' (${ALL[*]})" >&2; exit 2 ;; esac
done
case "$SERVERS" in java|rmq) ;; *) echo "SERVERS must be java or rmq" >&2; exit 2 ;; esac

TMP=$(mktemp -d "${TMPDIR:-/tmp}/rmq-client.XXXXXX")
mkdir -p "$TMP/logs" "$TMP/jtmp"
RUN_START=$(date +%s)
PIDS=() PNAMES=() PLOGS=()
RESULTS=()
FAILED=0

alive() { kill -0 "$1" 2>/dev/null; }

start_proc() { # name log cmd...
  local name=$1 log=$2
  shift 2
  "$@" >"$log" 2>&1 &
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
    echo "===== client suite FAILED (exit $rc)"
    local i
    for i in "${!PNAMES[@]}"; do
      echo "----- ${PNAMES[$i]}: last lines of ${PLOGS[$i]}"
      tail -n 20 "${PLOGS[$i]}" 2>/dev/null
    done
  fi
  stop_all
  if [ "${KEEP_TMP:-0}" = "1" ]; then echo "temp dir kept: $TMP"; else rm -rf "$TMP"; fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail() { echo "FAIL: $*" >&2; exit 1; }

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pick_port() { # P with P-2..P+1 free
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
    sleep 0.2
  done
}

wait_line() { # log pattern pid name timeout_s
  local start
  start=$(date +%s)
  until grep -q "$2" "$1" 2>/dev/null; do
    alive "$3" || fail "$4 exited before printing '$2'"
    [ $(($(date +%s) - start)) -ge "$5" ] && fail "$4 did not print '$2' within $5 s"
    sleep 0.2
  done
}

# ---------------------------------------------------------------- build

CP5="$HERE/java5/target/classes:$HERE/java5/target/lib/*"
CP_XLANG="$HERE/java5/$XLANG_DIR/classes:$HERE/java5/$XLANG_DIR/lib/*"
JAVA_COMMON=(-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.io.tmpdir="$TMP/jtmp" -Dfile.encoding=UTF-8)

echo "rmq-client suite: SERVERS=$SERVERS XLANG_JAVA_VERSION=$XLANG_JAVA_VERSION scenarios=${STEPS[*]} tmp=$TMP"
java5_build() { # target-dir [mvn profile args...]: mvn package into java5/<target-dir> when missing or stale
  local dir=$1
  shift
  if [ ! -f "$HERE/java5/$dir/classes/rmq/interop/CrossLang.class" ] || [ ! -d "$HERE/java5/$dir/lib" ] ||
     [ "$HERE/java5/src/main/java/rmq/interop/CrossLang.java" -nt "$HERE/java5/$dir/classes/rmq/interop/CrossLang.class" ]; then
    echo "building tests/interop/java5 into $dir (mvn $*)"
    mvn -q -B -Dstyle.color=never "$@" -f "$HERE/java5/pom.xml" package -DskipTests >"$TMP/logs/mvn-$dir.out" 2>&1 ||
      { tail -n 40 "$TMP/logs/mvn-$dir.out"; fail "mvn package of java5 ($dir) failed"; }
  fi
}
java5_build target
[ "$XLANG_DIR" = target ] || java5_build "$XLANG_DIR" -P "rocketmq-$XLANG_JAVA_VERSION"
if [ -z "${SCENARIOS_BIN:-}" ]; then
  echo "building rmq-client-scenarios (cargo)"
  (cd "$REPO" && cargo build -q -p rmq-client-scenarios) || fail "cargo build failed"
  SCENARIOS_BIN="${CARGO_TARGET_DIR:-$REPO/target}/debug/rmq-client-scenarios"
fi
[ -x "$SCENARIOS_BIN" ] || fail "no scenarios binary at $SCENARIOS_BIN"

# ---------------------------------------------------------------- servers

NS1_PORT=$(pick_port)
NS2_PORT=$(pick_port)
while [ "$NS2_PORT" = "$NS1_PORT" ]; do NS2_PORT=$(pick_port); done
BR_PORT=$(pick_port)
NS="127.0.0.1:$NS1_PORT;127.0.0.1:$NS2_PORT"
BROKER_NAME=client-broker-a
CLUSTER=ClientCluster

start_namesrv() { # name port
  local name=$1 port=$2 home="$TMP/home-$1"
  mkdir -p "$home/namesrv"
  if [ "$SERVERS" = java ]; then
    start_proc "$name" "$TMP/logs/$name.out" "$JAVA" -Xms64m -Xmx256m "${JAVA_COMMON[@]}" -Duser.home="$home" \
      -cp "$CP5" rmq.interop.JavaNamesrv "$port" "$home/namesrv/kvConfig.json"
  else
    printf 'listenPort=%s\nbindAddress=127.0.0.1\nkvConfigPath=%s\n' "$port" "$home/namesrv/kvConfig.json" >"$TMP/$name.properties"
    start_proc "$name" "$TMP/logs/$name.out" env HOME="$home" "$RMQ_BIN_DIR/mqnamesrv" -c "$TMP/$name.properties"
  fi
  wait_port "$port" "$(proc_pid "$name")" "$name" 60
}

start_broker() {
  local home="$TMP/home-broker" log="$TMP/logs/broker-$(date +%s%N).out"
  mkdir -p "$home"
  if [ "$SERVERS" = java ]; then
    start_proc broker "$log" "$JAVA" -Xms128m -Xmx512m -XX:MaxDirectMemorySize=256m "${JAVA_COMMON[@]}" \
      -Duser.home="$home" -cp "$CP5" rmq.interop.JavaBroker --namesrv "$NS" --port "$BR_PORT" \
      --broker-name "$BROKER_NAME" --cluster "$CLUSTER" --store "$TMP/broker-store" \
      transactionCheckInterval=2000 transactionTimeOut=2000 transactionOpBatchInterval=500 enablePropertyFilter=true
    wait_line "$log" JAVA_BROKER_READY "$(proc_pid broker)" broker 120
  else
    {
      echo "brokerClusterName=$CLUSTER"
      echo "brokerName=$BROKER_NAME"
      echo "brokerId=0"
      echo "namesrvAddr=$NS"
      echo "listenPort=$BR_PORT"
      echo "brokerIP1=127.0.0.1"
      echo "autoCreateTopicEnable=true"
      echo "enablePropertyFilter=true"
      echo "transactionCheckInterval=2000"
      echo "transactionTimeOut=2000"
      echo "transactionOpBatchInterval=500"
      echo "storePathRootDir=$TMP/broker-store"
      echo "storePathCommitLog=$TMP/broker-store/commitlog"
      echo "mappedFileSizeCommitLog=67108864"
    } >"$TMP/broker.conf"
    start_proc broker "$log" env HOME="$home" "$RMQ_BIN_DIR/mqbroker" -c "$TMP/broker.conf"
    wait_port "$BR_PORT" "$(proc_pid broker)" broker 120
  fi
  # Ready when both name servers route TBW102 to it.
  "$SCENARIOS_BIN" wait-broker -n "$NS" --timeout-s 60 >"$TMP/logs/wait-broker.out" 2>&1 ||
    { cat "$TMP/logs/wait-broker.out"; fail "the broker did not register"; }
}

start_namesrv ns1 "$NS1_PORT"
start_namesrv ns2 "$NS2_PORT"
start_broker
echo "servers ($SERVERS): namesrv $NS, broker $BROKER_NAME on 127.0.0.1:$BR_PORT"

# ---------------------------------------------------------------- scenarios

run() { # name cmd...  (records the result, output in logs/<name>.log)
  local name=$1 t0 rc
  shift
  echo
  echo "=== $name"
  t0=$(date +%s)
  set +e
  (set -e; "$@") 2>"$TMP/logs/$name.err" | tee "$TMP/logs/$name.log"
  rc=${PIPESTATUS[0]}
  set -e
  RESULTS+=("$(printf '%-22s %4ss  %s' "$name" "$(($(date +%s) - t0))" "$([ "$rc" -eq 0 ] && echo PASS || echo "FAIL ($rc)")")")
  if [ "$rc" -ne 0 ]; then
    echo "--- stderr of $name (last 30 lines)"
    tail -n 30 "$TMP/logs/$name.err"
    FAILED=$((FAILED + 1))
    [ "${KEEP_GOING:-0}" = "1" ] || fail "scenario $name failed"
  fi
}

run_here() { # name fn args...  (like run, but in this shell: the function starts processes)
  local name=$1 t0 rc=0
  shift
  echo
  echo "=== $name"
  t0=$(date +%s)
  "$@" >"$TMP/logs/$name.log" 2>"$TMP/logs/$name.err" || rc=$?
  cat "$TMP/logs/$name.log"
  RESULTS+=("$(printf '%-22s %4ss  %s' "$name" "$(($(date +%s) - t0))" "$([ "$rc" -eq 0 ] && echo PASS || echo "FAIL ($rc)")")")
  if [ "$rc" -ne 0 ]; then
    echo "--- stderr of $name (last 30 lines)"
    tail -n 30 "$TMP/logs/$name.err"
    FAILED=$((FAILED + 1))
    [ "${KEEP_GOING:-0}" = "1" ] || fail "scenario $name failed"
  fi
}

java_client() { # home args...
  local home=$1
  shift
  mkdir -p "$home"
  timeout -k 10 400 "$JAVA" -Xms32m -Xmx256m "${JAVA_COMMON[@]}" -Duser.home="$home" -cp "$CP_XLANG" rmq.interop.CrossLang "$@"
}

S=("$SCENARIOS_BIN")
export HOME="$TMP/home-rust" # broadcasting offsets land in $HOME/.rocketmq_offsets
mkdir -p "$HOME"

xlang_r2j() {
  local t="XRustToJava_$RANDOM"
  "${S[@]}" xlang-produce -n "$NS" -t "$t" -c 1000 --out "$TMP/r2j.jsonl"
  java_client "$TMP/home-java" consume -n "$NS" -t "$t" --expect "$TMP/r2j.jsonl" --timeout-s 120 | grep -v '|-INFO\||-WARN in org.apache.rocketmq.logging\|^$'
}

xlang_j2r() {
  local t="XJavaToRust_$RANDOM"
  java_client "$TMP/home-java" produce -n "$NS" -t "$t" -c 1000 --out "$TMP/j2r.jsonl" | grep -v '|-INFO\||-WARN in org.apache.rocketmq.logging\|^$'
  "${S[@]}" xlang-consume -n "$NS" -t "$t" --expect "$TMP/j2r.jsonl" --timeout-s 120
}

soak_with() { # action: broker|namesrv
  local action=$1 ready="$TMP/soak-$1.ready" out="$TMP/logs/soak-$1.out" pid
  rm -f "$ready"
  "${S[@]}" soak -n "$NS" --duration-s 30 --rate 200 --drain-timeout-s 120 --ready-file "$ready" >"$out" 2>&1 &
  pid=$!
  for _ in $(seq 1 600); do [ -f "$ready" ] && break; alive "$pid" || break; sleep 0.1; done
  sleep 8
  if [ "$action" = broker ]; then
    echo "kill -9 broker (pid $(proc_pid broker))"
    kill -KILL "$(proc_pid broker)"
    wait "$(proc_pid broker)" 2>/dev/null || true
    sleep 3
    echo "restarting the broker on the same store"
    start_broker
  else
    echo "stopping namesrv ns1 (pid $(proc_pid ns1))"
    kill -KILL "$(proc_pid ns1)"
    wait "$(proc_pid ns1)" 2>/dev/null || true
    sleep 10
    echo "restarting namesrv ns1"
    start_namesrv ns1 "$NS1_PORT"
  fi
  local rc=0
  wait "$pid" || rc=$?
  grep -v ' WARN \| ERROR \|^See \|^$' "$out" | sed 's/\x1b\[[0-9;]*m//g' || true
  return $rc
}

tx_crash() { # the scenario prints KILL-BROKER-NOW; the broker is killed, restarted, released
  local release="$TMP/tx-crash.release" out="$TMP/logs/tx-crash.out" pid rc=0
  rm -f "$release"
  "${S[@]}" transaction-crash -n "$NS" -c 10 --release-file "$release" --timeout-s 120 >"$out" 2>&1 &
  pid=$!
  until grep -q KILL-BROKER-NOW "$out"; do
    alive "$pid" || { wait "$pid" || true; cat "$out"; echo "transaction-crash ended before KILL-BROKER-NOW"; return 1; }
    sleep 0.2
  done
  grep KILL-BROKER-NOW "$out"
  echo "kill -9 broker (pid $(proc_pid broker))"
  kill -KILL "$(proc_pid broker)"
  wait "$(proc_pid broker)" 2>/dev/null || true
  echo "restarting the broker on the same store"
  start_broker
  touch "$release"
  wait "$pid" || rc=$?
  grep -v ' WARN \| ERROR \|^See \|^$\|KILL-BROKER-NOW' "$out" | sed 's/\x1b\[[0-9;]*m//g' || true
  return $rc
}

for s in "${STEPS[@]}"; do
  case "$s" in
    admin) run admin "${S[@]}" admin -n "$NS" ;;
    send-modes) run send-modes "${S[@]}" send-modes -n "$NS" -c "$SEND_COUNT" ;;
    tag-filter) run tag-filter "${S[@]}" tag-filter -n "$NS" ;;
    sql-filter) run sql-filter "${S[@]}" sql-filter -n "$NS" ;;
    lite-pull) run lite-pull "${S[@]}" lite-pull -n "$NS" ;;
    orderly) run orderly "${S[@]}" orderly -n "$NS" ;;
    retry-dlq) run retry-dlq "${S[@]}" retry-dlq -n "$NS" ;;
    delay) run delay "${S[@]}" delay -n "$NS" ;;
    broadcast) run broadcast "${S[@]}" broadcast -n "$NS" ;;
    transaction) run transaction "${S[@]}" transaction -n "$NS" --timeout-s 90 ;;
    transaction-crash) run_here transaction-crash tx_crash ;;
    xlang-rust-to-java) run xlang-rust-to-java xlang_r2j ;;
    xlang-java-to-rust) run xlang-java-to-rust xlang_j2r ;;
    broker-restart) run_here broker-restart soak_with broker ;;
    namesrv-restart) run_here namesrv-restart soak_with namesrv ;;
  esac
done

echo
echo "=== summary (SERVERS=$SERVERS, XLANG_JAVA_VERSION=$XLANG_JAVA_VERSION, $(($(date +%s) - RUN_START))s total)"
printf '%s\n' "${RESULTS[@]}"
[ "$FAILED" -eq 0 ] || fail "$FAILED scenario(s) failed"
echo "client suite PASSED"
