#!/usr/bin/env bash
# The official Go client (github.com/apache/rocketmq-client-go/v2, tests/interop/go) against
# one NameServer and one broker: every scenario of the goclient binary, each in its own process,
# all sharing one server start-up.
#
#   SERVERS=java|rmq  bash tests/interop/go.sh [SCENARIO...]
#
# SCENARIOs (default: all, in this order):
#   admin send clustering broadcasting tag-filter sql-filter orderly retry delay pull
#   large-body start-position transaction transaction-crash
#
# transaction: TransactionProducer with a push consumer subscribed first: COMMIT delivered once,
# ROLLBACK never, UNKNOW delivered after the broker's check-back answered COMMIT, nothing
# visible before its commit. Both brokers check half messages every 2 s once they are 2 s old
# and write the op records of ended ones within 500 ms (transactionCheckInterval=2000,
# transactionTimeOut=2000, transactionOpBatchInterval=500; Java's defaults are 30 s, 6 s and
# 3 s: an op record written after the check looked makes a committed message checked again).
#
# transaction-crash: 10 half messages answered UNKNOW (locally and to the broker's checks) until
# each was checked once; the scenario prints KILL-BROKER-NOW, the broker is killed with SIGKILL
# and restarted on the same store and port, then the release file is created and the checks
# answer COMMIT: all 10 must reach the consumer (sharing the producer's client), none before.
# Duplicates are allowed (the restarted broker may check a copy again). The Go client fails a
# long-polling pull on the killed connection only after its fixed 30 s timeout, so the
# messages arrive about 30 s after the restart.
# By default it runs only with SERVERS=rmq; naming it runs it against the Java servers too
# (control).
#
# Environment:
#   SERVERS          rmq (default): mqnamesrv and mqbroker from RMQ_BIN_DIR;
#                    java: the Java 5.3.3 NameServer + broker from tests/interop/java5 (control)
#   RMQ_BIN_DIR      where mqnamesrv/mqbroker are (default <repo>/target/release)
#   GOCLIENT_BIN     a prebuilt goclient (default: go build it into the temp dir)
#   START_ROUNDS     rounds of the start-position scenario (default 10)
#   KEEP_TMP=1       keep the temp dir (logs, stores)
#   KEEP_GOING=1     run every scenario even after a failure (exit 1 at the end)
#   JAVA             java binary (default: java on PATH)
#   ROCKETMQ_GO_LOG_LEVEL  the Go client's log level (default warn), logs in <tmp>/logs/<scenario>.err
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
SERVERS=${SERVERS:-rmq}
RMQ_BIN_DIR=${RMQ_BIN_DIR:-$REPO/target/release}
JAVA=${JAVA:-java}
export MAVEN_OPTS=${MAVEN_OPTS:--Xmx512m}

ALL=(admin send clustering broadcasting tag-filter sql-filter orderly retry delay pull large-body start-position
  transaction transaction-crash)
STEPS=("$@")
if [ ${#STEPS[@]} -eq 0 ]; then
  for s in "${ALL[@]}"; do
    [ "$s" = transaction-crash ] && [ "$SERVERS" != rmq ] && continue
    STEPS+=("$s")
  done
fi
for s in "${STEPS[@]}"; do
  case " ${ALL[*]} " in *" $s "*) ;; *) echo "unknown scenario '$s' (${ALL[*]})" >&2; exit 2 ;; esac
done
case "$SERVERS" in java|rmq) ;; *) echo "SERVERS must be java or rmq" >&2; exit 2 ;; esac

TMP=$(mktemp -d "${TMPDIR:-/tmp}/rmq-go.XXXXXX")
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
    echo "===== Go client suite FAILED (exit $rc)"
    local i f
    for i in "${!PNAMES[@]}"; do
      echo "----- ${PNAMES[$i]}: last lines of ${PLOGS[$i]}"
      tail -n 20 "${PLOGS[$i]}" 2>/dev/null
    done
    for f in "$TMP"/home-*/logs/rocketmqlogs/{namesrv,broker}.log; do
      [ -f "$f" ] && { echo "----- ERROR/WARN lines of $f"; grep -E ' (ERROR|WARN) ' "$f" | tail -n 30; }
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

echo "Go client suite: SERVERS=$SERVERS scenarios=${STEPS[*]} tmp=$TMP"
T0=$(date +%s)
if [ -z "${GOCLIENT_BIN:-}" ]; then
  echo "building tests/interop/go (go build)"
  (cd "$HERE/go" && go build -o "$TMP/goclient" .) || fail "go build of tests/interop/go failed"
  GOCLIENT_BIN="$TMP/goclient"
fi
[ -x "$GOCLIENT_BIN" ] || fail "no goclient binary at $GOCLIENT_BIN"

CP5="$HERE/java5/target/classes:$HERE/java5/target/lib/*"
JAVA_COMMON=(-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.io.tmpdir="$TMP/jtmp" -Dfile.encoding=UTF-8)
if [ "$SERVERS" = java ]; then
  echo "building tests/interop/java5 (mvn)"
  (cd "$HERE/java5" && mvn -q -B -Dstyle.color=never compile) >"$TMP/logs/mvn.out" 2>&1 ||
    { tail -n 40 "$TMP/logs/mvn.out"; fail "mvn compile of java5 failed"; }
else
  for b in mqnamesrv mqbroker; do [ -x "$RMQ_BIN_DIR/$b" ] || fail "no $b in $RMQ_BIN_DIR (cargo build --release --workspace --bins)"; done
fi
echo "build: $(($(date +%s) - T0)) s"

# ---------------------------------------------------------------- servers

NS_PORT=$(pick_port)
BR_PORT=$(pick_port)
while [ $((BR_PORT - NS_PORT)) -le 2 ] && [ $((NS_PORT - BR_PORT)) -le 2 ]; do BR_PORT=$(pick_port); done
NS="127.0.0.1:$NS_PORT"
BROKER_NAME=go-broker-a
CLUSTER=GoCluster
T0=$(date +%s)

home="$TMP/home-namesrv"
mkdir -p "$home/namesrv"
if [ "$SERVERS" = java ]; then
  start_proc namesrv "$TMP/logs/namesrv.out" "$JAVA" -Xms64m -Xmx256m "${JAVA_COMMON[@]}" -Duser.home="$home" \
    -cp "$CP5" rmq.interop.JavaNamesrv "$NS_PORT" "$home/namesrv/kvConfig.json"
else
  printf 'listenPort=%s\nbindAddress=127.0.0.1\nkvConfigPath=%s\n' "$NS_PORT" "$home/namesrv/kvConfig.json" >"$TMP/namesrv.properties"
  start_proc namesrv "$TMP/logs/namesrv.out" env HOME="$home" "$RMQ_BIN_DIR/mqnamesrv" -c "$TMP/namesrv.properties"
fi
wait_port "$NS_PORT" "$(proc_pid namesrv)" namesrv 60

start_broker() { # log: start the broker (again, on the same store and port) and wait until it serves
  local home="$TMP/home-broker" log=$1
  mkdir -p "$home"
  if [ "$SERVERS" = java ]; then
    start_proc broker "$log" "$JAVA" -Xms128m -Xmx512m -XX:MaxDirectMemorySize=256m "${JAVA_COMMON[@]}" \
      -Duser.home="$home" -cp "$CP5" rmq.interop.JavaBroker --namesrv "$NS" --port "$BR_PORT" \
      --broker-name "$BROKER_NAME" --cluster "$CLUSTER" --store "$TMP/broker-store" enablePropertyFilter=true \
      transactionCheckInterval=2000 transactionTimeOut=2000 transactionOpBatchInterval=500
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
      echo "autoCreateSubscriptionGroup=true"
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
}
start_broker "$TMP/logs/broker.out"

# The Go client keeps broadcasting offsets under $HOME/.rocketmq_client_go.
export HOME="$TMP/home-go"
mkdir -p "$HOME"
G=("$GOCLIENT_BIN")
"${G[@]}" wait-broker -n "$NS" --cluster "$CLUSTER" >"$TMP/logs/wait-broker.log" 2>&1 ||
  { cat "$TMP/logs/wait-broker.log"; fail "the broker did not register with the name server"; }
echo "servers ($SERVERS): namesrv $NS, broker $BROKER_NAME on 127.0.0.1:$BR_PORT, ready in $(($(date +%s) - T0)) s"

# ---------------------------------------------------------------- scenarios

run() { # name cmd...  (output in logs/<name>.log, the client's log in logs/<name>.err)
  local name=$1 t0 rc
  shift
  echo
  echo "=== $name"
  t0=$(date +%s)
  set +e
  timeout -k 10 300 "$@" 2>"$TMP/logs/$name.err" | tee "$TMP/logs/$name.log"
  rc=${PIPESTATUS[0]}
  set -e
  RESULTS+=("$(printf '%-16s %4ss  %s' "$name" "$(($(date +%s) - t0))" "$([ "$rc" -eq 0 ] && echo PASS || echo "FAIL ($rc)")")")
  if [ "$rc" -ne 0 ]; then
    echo "--- stderr of $name (last 30 lines)"
    tail -n 30 "$TMP/logs/$name.err"
    FAILED=$((FAILED + 1))
    [ "${KEEP_GOING:-0}" = "1" ] || fail "scenario $name failed"
  fi
  for p in namesrv broker; do alive "$(proc_pid $p)" || fail "$p died during $name"; done
}

# transaction-crash: the scenario runs in the background while this shell kills the broker with
# SIGKILL at its KILL-BROKER-NOW, restarts it (logs/broker-restart.out) and creates the release
# file. Not through run(): the restarted broker must be started by this shell to be stopped.
tx_crash() {
  local name=transaction-crash t0 rc pid release="$TMP/tx-crash.release" log="$TMP/logs/transaction-crash.log"
  local blog="$TMP/home-broker/logs/rocketmqlogs/broker.log" abnormal start pid_b
  echo
  echo "=== $name"
  t0=$(date +%s)
  abnormal=$(grep -c 'last shutdown.*normally=false' "$blog" 2>/dev/null || true)
  rm -f "$release"
  timeout -k 10 300 "${G[@]}" "$name" -n "$NS" --cluster "$CLUSTER" --release-file "$release" \
    >"$log" 2>"$TMP/logs/$name.err" &
  pid=$!
  start=$(date +%s)
  until grep -q KILL-BROKER-NOW "$log"; do
    alive "$pid" || break
    [ $(($(date +%s) - start)) -ge 120 ] && break
    sleep 0.2
  done
  if grep -q KILL-BROKER-NOW "$log"; then
    pid_b=$(proc_pid broker)
    kill -KILL "$pid_b"
    wait "$pid_b" 2>/dev/null || true
    echo "broker (pid $pid_b) killed with SIGKILL $(($(date +%s) - t0)) s into $name; restarting it on the same store"
    start_broker "$TMP/logs/broker-restart.out"
    echo "broker restarted (pid $(proc_pid broker)) $(($(date +%s) - t0)) s into $name"
    touch "$release"
  else
    kill "$pid" 2>/dev/null || true
  fi
  set +e
  wait "$pid"
  rc=$?
  set -e
  cat "$log"
  if [ "$rc" -eq 0 ] && [ "$SERVERS" = rmq ] &&
    ! [ "$(grep -c 'last shutdown.*normally=false' "$blog" 2>/dev/null || true)" -gt "${abnormal:-0}" ]; then
    echo "FAIL $name: the restarted broker did not log a recovery from an abnormal shutdown ($blog)"
    rc=1
  fi
  RESULTS+=("$(printf '%-16s %4ss  %s' "$name" "$(($(date +%s) - t0))" "$([ "$rc" -eq 0 ] && echo PASS || echo "FAIL ($rc)")")")
  if [ "$rc" -ne 0 ]; then
    echo "--- stderr of $name (last 30 lines)"
    tail -n 30 "$TMP/logs/$name.err"
    FAILED=$((FAILED + 1))
    [ "${KEEP_GOING:-0}" = "1" ] || fail "scenario $name failed"
  fi
  for p in namesrv broker; do alive "$(proc_pid $p)" || fail "$p died during $name"; done
}

for s in "${STEPS[@]}"; do
  case "$s" in
    transaction-crash) tx_crash ;;
    admin) run admin "${G[@]}" admin -n "$NS" -b "127.0.0.1:$BR_PORT" --broker-name "$BROKER_NAME" --cluster "$CLUSTER" ;;
    start-position) run start-position "${G[@]}" start-position -n "$NS" --rounds "${START_ROUNDS:-10}" ;;
    *) run "$s" "${G[@]}" "$s" -n "$NS" --cluster "$CLUSTER" ;;
  esac
done

echo
echo "=== summary (SERVERS=$SERVERS, $(($(date +%s) - RUN_START)) s total)"
printf '%s\n' "${RESULTS[@]}"
[ "$FAILED" -eq 0 ] || fail "$FAILED scenario(s) failed"
echo "Go client suite PASSED"
