#!/usr/bin/env bash
# Controller mode (automatic failover) interop: three rmq controllers (mqcontroller, one Raft
# group) and rmq's NameServer with three Java 5.3.3 brokers of one broker set in controller
# mode (enableControllerMode, brokerId=-1, allAckInSyncStateSet=true), driven by the Java
# 5.3.3 producer (rmq.interop.ha.HaTool) and Java's mqadmin (getSyncStateSet,
# getControllerMetaData). CONTROLLER_IMPL=java runs the same steps with Java's controller
# (the control: it checks this script against Java alone, and gives Java's failover time).
# BROKER_IMPL=rmq runs rmq's mqbroker in controller mode instead of the Java brokers (with
# either controller).
#
#   bash tests/interop/controller.sh
#
# Steps:
#   1. the brokers get ids 1..3 from the controller, one is elected master, and the master
#      grows the SyncStateSet to all three (ALTER_SYNC_STATE_SET);
#   2. a producer sends continuously (every SEND_OK recorded); kill -9 the master: a new master
#      is elected and sends succeed again (the time from the kill to the first SEND_OK after
#      it is printed: RESULT failover-1);
#   3. the old master restarts (same store: it keeps its id) and rejoins as a slave;
#   4. kill the controller leader: another controller becomes leader;
#   5. kill -9 the master again: the new controller leader elects another (RESULT failover-2);
#   6. every SEND_OK message is read back by a Java push consumer (new group).
# KILLS=N (default 0) adds N more rounds of step 2 + 3 (kill -9 the master, restart it, wait
# until all three are in sync again) before step 6 and prints the median and the maximum
# time from kill to first SEND_OK over all failovers (RESULT failover-summary).
# After steps 1 and 5, rmq's mqadmin must print what Java's prints for getControllerMetaData
# and getSyncStateSet (skipped when RMQ_BIN_DIR has no mqadmin).
#
# Environment: RMQ_BIN_DIR (default <repo>/target/release: mqnamesrv, mqcontroller),
# CONTROLLER_IMPL=rmq|java (rmq), BROKER_IMPL=java|rmq (java), KILLS (0), SKIP_BUILD=1 (no mvn compile), KEEP_TMP=1, JAVA.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
RMQ_BIN_DIR=${RMQ_BIN_DIR:-$REPO/target/release}
JAVA=${JAVA:-java}
CONTROLLER_IMPL=${CONTROLLER_IMPL:-rmq}
BROKER_IMPL=${BROKER_IMPL:-java}
KILLS=${KILLS:-0}
export MAVEN_OPTS=${MAVEN_OPTS:--Xmx512m}
TOPIC=CtrlTopic
BROKER=broker-a

TMP=$(mktemp -d "${TMPDIR:-/tmp}/rmq-controller-interop.XXXXXX")
mkdir -p "$TMP/jtmp"
PIDS=()
NAMES=()

alive() { kill -0 "$1" 2>/dev/null; }

cleanup() {
  local rc=$? i
  for i in "${!PIDS[@]}"; do
    if alive "${PIDS[$i]}"; then kill -KILL "${PIDS[$i]}" 2>/dev/null || true; fi
  done
  wait 2>/dev/null || true
  if [ $rc -ne 0 ]; then
    for i in "${!NAMES[@]}"; do
      echo "----- last lines of ${NAMES[$i]}.log"
      tail -n 15 "$TMP/${NAMES[$i]}.log" 2>/dev/null || true
    done
  fi
  if [ "${KEEP_TMP:-0}" = 1 ] || [ $rc -ne 0 ]; then
    echo "kept $TMP"
  else
    rm -rf "$TMP"
  fi
  exit $rc
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

start_proc() { # name home cmd...
  local name=$1 home=$2 log="$TMP/$1.log"
  shift 2
  mkdir -p "$home"
  [ -f "$log" ] && mv "$log" "$log.$(date +%s%N)"
  HOME="$home" "$@" >"$log" 2>&1 &
  PIDS+=($!)
  NAMES+=("$name")
  echo "started $name (pid $!)"
}

pid_of() { # name: pid of its latest start
  local i pid=
  for i in "${!NAMES[@]}"; do [ "${NAMES[$i]}" = "$1" ] && pid=${PIDS[$i]}; done
  echo "$pid"
}

wait_line() { # name pattern timeout_s
  local log="$TMP/$1.log" pid start
  pid=$(pid_of "$1")
  start=$(date +%s)
  until grep -q "$2" "$log" 2>/dev/null; do
    alive "$pid" || fail "$1 exited before printing '$2'"
    [ $(($(date +%s) - start)) -ge "$3" ] && fail "$1 did not print '$2' within ${3}s"
    sleep 0.2
  done
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
pick_port() { # a port P in [20000, 32000) with P-2..P+1 free (broker: P, P-2, P+1)
  local p
  for _ in $(seq 1 200); do
    p=$((20000 + RANDOM % 12000))
    if ! port_in_use $((p - 2)) && ! port_in_use $((p - 1)) && ! port_in_use "$p" && ! port_in_use $((p + 1)); then
      echo "$p"
      return 0
    fi
  done
  fail "no free port"
}

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  echo "building java5 (mvn -q -B compile) ..."
  (cd "$HERE/java5" && mvn -q -B compile) || fail "mvn compile of java5 failed"
fi
CP="$HERE/java5/target/classes:$HERE/java5/target/lib/*"
JOPTS=(-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.io.tmpdir="$TMP/jtmp" -Dfile.encoding=UTF-8)
NEEDED=(mqnamesrv mqcontroller)
[ "$BROKER_IMPL" = rmq ] && NEEDED+=(mqbroker)
for b in "${NEEDED[@]}"; do
  [ -x "$RMQ_BIN_DIR/$b" ] || fail "no $b in RMQ_BIN_DIR=$RMQ_BIN_DIR (cargo build --release -p mqnamesrv -p mqcontroller)"
done

jrun() { # name cmd-args...: a Java tool in the foreground, output in $TMP/name.out
  local name=$1
  shift
  mkdir -p "$TMP/home-$name"
  HOME="$TMP/home-$name" timeout 300 "$JAVA" "${JOPTS[@]}" -Xmx256m -Duser.home="$TMP/home-$name" \
    -cp "$CP" "$@" >"$TMP/$name.out" 2>&1
}

jadmin() { # name args...: Java 5.3.3 mqadmin
  local name=$1
  shift
  jrun "$name" -Drmq.logback.configurationFile=rmq.client.logback.xml \
    -Dlogback.statusListenerClass=org.apache.rocketmq.logging.ch.qos.logback.core.status.NopStatusListener \
    org.apache.rocketmq.tools.command.MQAdminStartup "$@"
}

lines() { if [ -f "$1" ]; then wc -l <"$1"; else echo 0; fi; }

# same_admin_output label args...: Java's and rmq's mqadmin print the same (log noise of the
# Java tool dropped: lines before its first output line are JVM/logback chatter).
same_admin_output() {
  local label=$1 n=0
  shift
  [ -x "$RMQ_BIN_DIR/mqadmin" ] || { echo "(no $RMQ_BIN_DIR/mqadmin: $label comparison skipped)"; return 0; }
  while true; do
    n=$((n + 1))
    jadmin "cmp-$label-$n" "$@" || true
    HOME="$TMP/home-rmqadmin" "$RMQ_BIN_DIR/mqadmin" "$@" >"$TMP/cmp-$label-$n.rmq" 2>&1 || true
 grep -v -E '^(SLF4J|WARNING|[0-9]{4}-[0-9]{2}-[0-9]{2} |[0-9:,]+ \|-)' "$TMP/cmp-$label-$n.out" >"$TMP/cmp-$label-$n.java" || true
    if diff -u "$TMP/cmp-$label-$n.java" "$TMP/cmp-$label-$n.rmq" >"$TMP/cmp-$label-$n.diff"; then
      echo "OK   mqadmin $label: rmq prints what Java prints"
      return 0
    fi
    # the two runs ask a moment apart: a SyncStateSet may change in between; try again
    [ "$n" -ge 3 ] && { cat "$TMP/cmp-$label-$n.diff" >&2; fail "mqadmin $label differs from Java's"; }
    sleep 2
  done
}

# ---------------------------------------------------------------- servers

NS_PORT=$(pick_port)
NS=127.0.0.1:$NS_PORT
printf 'listenPort=%s\nbindAddress=127.0.0.1\nscanNotActiveBrokerInterval=1000\n' "$NS_PORT" >"$TMP/namesrv.properties"
start_proc namesrv "$TMP/home-namesrv" "$RMQ_BIN_DIR/mqnamesrv" -c "$TMP/namesrv.properties"
wait_line namesrv "boot success" 60

CPORTS=()
for i in 0 1 2; do CPORTS+=("$(pick_port)"); done
PEERS="n0-127.0.0.1:${CPORTS[0]};n1-127.0.0.1:${CPORTS[1]};n2-127.0.0.1:${CPORTS[2]}"
CTRL_ADDRS="127.0.0.1:${CPORTS[0]};127.0.0.1:${CPORTS[1]};127.0.0.1:${CPORTS[2]}"

start_controller() { # index
  local i=$1 conf="$TMP/controller-n$1.conf"
  {
    printf 'controllerDLegerGroup=group1\ncontrollerDLegerPeers=%s\ncontrollerDLegerSelfId=n%s\n' "$PEERS" "$i"
    printf 'controllerStorePath=%s/controller-n%s-store\nbindAddress=127.0.0.1\n' "$TMP" "$i"
    printf 'scanNotActiveBrokerInterval=1000\nscanInactiveMasterInterval=1000\n'
    printf 'configStorePath=%s/controller-n%s.saved.properties\n' "$TMP" "$i"
  } >"$conf"
  if [ "$CONTROLLER_IMPL" = java ]; then
    start_proc "controller-n$i" "$TMP/home-controller-n$i" "$JAVA" "${JOPTS[@]}" -Xmx256m \
      -Duser.home="$TMP/home-controller-n$i" -cp "$CP" rmq.interop.JavaController "$conf"
    wait_line "controller-n$i" "boot success" 120
  else
    start_proc "controller-n$i" "$TMP/home-controller-n$i" "$RMQ_BIN_DIR/mqcontroller" -c "$conf"
    wait_line "controller-n$i" "boot success" 60
  fi
}
for i in 0 1 2; do start_controller "$i"; done

BPORTS=()
for i in 1 2 3; do BPORTS+=("$(pick_port)"); done

start_broker() { # index (1..3): store in $TMP/store-b<i>
  local i=$1 port=${BPORTS[$(($1 - 1))]} store="$TMP/store-b$1" home="$TMP/home-b$1"
  local props=(enableControllerMode=true "controllerAddr=$CTRL_ADDRS" brokerId=-1 brokerRole=SLAVE
    allAckInSyncStateSet=true inSyncReplicas=2 syncBrokerMetadataPeriod=1000 checkSyncStateSetPeriod=1000
    haMaxTimeSlaveNotCatchup=5000)
  mkdir -p "$store"
  if [ "$BROKER_IMPL" = rmq ]; then
    {
      printf 'brokerClusterName=DefaultCluster\nbrokerName=%s\nlistenPort=%s\n' "$BROKER" "$port"
      printf 'brokerIP1=127.0.0.1\nbrokerIP2=127.0.0.1\nbindAddress=127.0.0.1\nnamesrvAddr=%s\n' "$NS"
      printf 'storePathRootDir=%s\nstorePathCommitLog=%s/commitlog\n' "$store" "$store"
      printf 'flushDiskType=ASYNC_FLUSH\nautoCreateTopicEnable=true\nautoCreateSubscriptionGroup=true\n'
      printf 'mappedFileSizeCommitLog=67108864\nmappedFileSizeConsumeQueue=600000\n'
      printf '%s\n' "${props[@]}"
    } >"$TMP/b$i.properties"
    start_proc "b$i" "$home" "$RMQ_BIN_DIR/mqbroker" -c "$TMP/b$i.properties"
    wait_line "b$i" "boot success" 60
  else
    start_proc "b$i" "$home" "$JAVA" "${JOPTS[@]}" -Xmx384m -XX:MaxDirectMemorySize=256m \
      -Duser.home="$home" -cp "$CP" rmq.interop.JavaBroker --namesrv "$NS" --port "$port" \
      --broker-name "$BROKER" --cluster DefaultCluster --store "$store" "${props[@]}"
    wait_line "b$i" JAVA_BROKER_READY 180
  fi
}

broker_index_of() { # address -> 1..3
  local i
  for i in 1 2 3; do [ "$1" = "127.0.0.1:${BPORTS[$((i - 1))]}" ] && { echo "$i"; return 0; }; done
  echo 0
}

# sync_state name: sets MASTER_ADDR, MASTER_EPOCH, SSS_NUMS from getSyncStateSet
sync_state() {
  MASTER_ADDR= MASTER_EPOCH= SSS_NUMS=
  jadmin "$1" getSyncStateSet -a "$CTRL_ADDRS" -b "$BROKER" || return 1
  MASTER_ADDR=$(awk -F'\t' '/^#MasterAddr/ {print $2}' "$TMP/$1.out")
  MASTER_EPOCH=$(awk -F'\t' '/^#MasterEpoch/ {print $2}' "$TMP/$1.out")
  SSS_NUMS=$(awk -F'\t' '/^#SyncStateSetNums/ {print $2}' "$TMP/$1.out")
  [ -n "$MASTER_ADDR" ] && [ "$MASTER_ADDR" != null ]
}

wait_sync_state() { # name min-nums timeout_s [not-addr]: a master (not not-addr) with >= min-nums in sync
  local start n=0
  start=$(date +%s)
  while true; do
    n=$((n + 1))
    if sync_state "$1-$n" && [ "${SSS_NUMS:-0}" -ge "$2" ] && [ "$MASTER_ADDR" != "${4:-}" ]; then
      echo "broker set $BROKER: master $MASTER_ADDR (epoch $MASTER_EPOCH), $SSS_NUMS in sync"
      return 0
    fi
    [ $(($(date +%s) - start)) -ge "$3" ] && { cat "$TMP/$1-$n.out" >&2; fail "$1: no master with $2 in sync within ${3}s"; }
    sleep 1
  done
}

controller_leader() { # sets LEADER_ID, LEADER_ADDR (asking controller index $1)
  jadmin "meta-$RANDOM" getControllerMetaData -a "127.0.0.1:${CPORTS[$1]}" >/dev/null 2>&1 || true
  local out
  out=$(ls -t "$TMP"/meta-*.out | head -n 1)
  LEADER_ID=$(awk -F'\t' '/^#ControllerLeaderId/ {print $2}' "$out")
  LEADER_ADDR=$(awk -F'\t' '/^#ControllerLeaderAddress/ {print $2}' "$out")
}

# ---------------------------------------------------------------- scenario

T0=$(date +%s)
for i in 1 2 3; do start_broker "$i"; done
wait_sync_state initial 3 120
same_admin_output getControllerMetaData getControllerMetaData -a "127.0.0.1:${CPORTS[0]}"
same_admin_output getSyncStateSet getSyncStateSet -a "$CTRL_ADDRS" -b "$BROKER"
jrun create-topic rmq.interop.ha.HaTool create-topic \
  --addr "127.0.0.1:${BPORTS[0]},127.0.0.1:${BPORTS[1]},127.0.0.1:${BPORTS[2]}" -t "$TOPIC" -q 4 \
  || { cat "$TMP/create-topic.out"; fail "create-topic"; }

OUT=$TMP/sent.jsonl
STOP=$TMP/stop-producer
start_proc producer "$TMP/home-producer" "$JAVA" "${JOPTS[@]}" -Xmx256m -Duser.home="$TMP/home-producer" \
  -cp "$CP" rmq.interop.ha.HaTool produce -n "$NS" -t "$TOPIC" --out "$OUT" --stop-file "$STOP" --poll-ns-ms 1000 --pause-ms 5

wait_lines() { # n timeout_s
  local start
  start=$(date +%s)
  until [ "$(lines "$OUT")" -ge "$1" ]; do
    alive "$(pid_of producer)" || fail "the producer exited"
    [ $(($(date +%s) - start)) -ge "$2" ] && fail "fewer than $1 SEND_OK within ${2}s ($(lines "$OUT"))"
    sleep 0.2
  done
}

failover() { # label: kill -9 the master, wait for the first SEND_OK after it and a new master
  local label=$1 old=$MASTER_ADDR idx before kill_ns first_ns
  idx=$(broker_index_of "$old")
  [ "$idx" != 0 ] || fail "master $old is none of the brokers"
  wait_lines $(($(lines "$OUT") + 200)) 120
  kill -KILL "$(pid_of "b$idx")"
  kill_ns=$(date +%s%N)
  wait "$(pid_of "b$idx")" 2>/dev/null || true
  sleep 0.3 # a SEND_OK answered just before the kill reaches the file by now
  before=$(lines "$OUT")
  echo "[$label] master b$idx ($old) killed (kill -9) after $before SEND_OK"
  local start
  start=$(date +%s)
  until [ "$(lines "$OUT")" -gt "$before" ]; do
    [ $(($(date +%s) - start)) -ge 120 ] && fail "[$label] no SEND_OK within 120 s of the kill"
    sleep 0.05
  done
  first_ns=$(date +%s%N)
  local ms=$(((first_ns - kill_ns) / 1000000))
  FAILOVER_MS+=("$ms")
  echo "RESULT $label ($CONTROLLER_IMPL controllers, $BROKER_IMPL brokers): first SEND_OK $ms ms after kill -9 of the master"
  wait_sync_state "$label" 1 60 "$old"
  KILLED=$idx
}

FAILOVER_MS=()
echo "[step 2] failover with all controllers up"
failover failover-1

echo "[step 3] restart the old master b$KILLED"
start_broker "$KILLED"
wait_sync_state rejoined 3 120
if [ "$BROKER_IMPL" = rmq ]; then
  # what the returning old master cut (records written but never confirmed by the set)
  grep -h "truncated the CommitLog" "$TMP/home-b$KILLED/logs/rocketmqlogs/broker.log" 2>/dev/null \
    | sed 's/^/  /' || echo "  (nothing to truncate: the old master had no unconfirmed records)"
fi
echo "[step 4] kill the controller leader"
controller_leader 0
[ -n "$LEADER_ID" ] && [ "$LEADER_ID" != null ] || fail "no controller leader reported"
LEADER_IDX=${LEADER_ID#n}
echo "controller leader: $LEADER_ID ($LEADER_ADDR)"
kill -KILL "$(pid_of "controller-n$LEADER_IDX")"
wait "$(pid_of "controller-n$LEADER_IDX")" 2>/dev/null || true
OTHER=$(((LEADER_IDX + 1) % 3))
start=$(date +%s)
while true; do
  controller_leader "$OTHER"
  if [ -n "$LEADER_ID" ] && [ "$LEADER_ID" != null ] && [ "$LEADER_ID" != "n$LEADER_IDX" ]; then break; fi
  [ $(($(date +%s) - start)) -ge 60 ] && fail "no new controller leader within 60 s"
  sleep 1
done
echo "new controller leader: $LEADER_ID ($LEADER_ADDR)"

echo "[step 5] failover with one controller of three down"
sync_state before-2 || fail "getSyncStateSet after the controller leader change"
failover failover-2
same_admin_output getSyncStateSet-after getSyncStateSet -a "127.0.0.1:${CPORTS[$OTHER]}" -b "$BROKER"

if [ "$KILLS" -gt 0 ]; then
  echo "[repeat] restart b$KILLED, killed in step 5"
  start_broker "$KILLED"
  wait_sync_state rejoined-2 3 120
fi
for k in $(seq 1 "$KILLS"); do
  echo "[repeat $k/$KILLS] failover, then the old master rejoins"
  sync_state "before-r$k" || fail "getSyncStateSet before repeat $k"
  failover "failover-r$k"
  start_broker "$KILLED"
  wait_sync_state "rejoined-r$k" 3 120
done
if [ "${#FAILOVER_MS[@]}" -gt 2 ]; then
  sorted=$(printf '%s\n' "${FAILOVER_MS[@]}" | sort -n)
  n=${#FAILOVER_MS[@]}
  median=$(echo "$sorted" | awk -v n="$n" 'NR == int((n + 1) / 2) {print}')
  max=$(echo "$sorted" | tail -n 1)
  echo "RESULT failover-summary ($CONTROLLER_IMPL controllers, $BROKER_IMPL brokers): $n failovers, median $median ms, max $max ms (all: ${FAILOVER_MS[*]})"
fi

touch "$STOP"
wait "$(pid_of producer)" || fail "producer failed"
grep HA_PRODUCE "$TMP/producer.log" | tail -n 1
echo "[step 6] reading back all $(lines "$OUT") SEND_OK messages"
rc=0
jrun consume-all rmq.interop.CrossLang consume -n "$NS" -t "$TOPIC" --expect "$OUT" --timeout-s 120 || rc=$?
grep -E "^expected|^  " "$TMP/consume-all.out" | head -12
[ $rc = 0 ] || fail "acknowledged messages missing after the failovers"
echo "PASS controller interop ($CONTROLLER_IMPL controllers, $BROKER_IMPL brokers) in $(($(date +%s) - T0)) s"
