#!/usr/bin/env bash
# Classic master/slave replication (HA) interop: Java 5.3.3 and rmq brokers as master and
# slave of the same broker name, driven by the Java 5.3.3 client (rmq.interop.ha.HaTool,
# rmq.interop.CrossLang) and rmq-client (rmq-client-scenarios xlang-consume).
#
#   bash tests/interop/ha.sh [SCENARIO...]     # default: c
#   SCENARIOS="a b c d e" bash tests/interop/ha.sh
#
# Scenarios (each with its own NameServer, brokers and temp dirs):
#   a  Java master (SYNC_MASTER, inSyncReplicas=2) + rmq slave
#   b  rmq master (SYNC_MASTER, inSyncReplicas=2) + Java slave
#   c  Java master + Java slave: the control, checks this script against Java alone
#      In a, b, c: HA_COUNT (2000) sends with the Java producer, all SEND_OK; wait until the
#      slave's commitLogMaxOffset (runtime info) equals the master's; kill -9 the master; a
#      Java push consumer (new group, CONSUME_FROM_FIRST_OFFSET) must read all of them from the
#      slave; SIGTERM the slave; the CommitLog files of both must be byte-identical up to the
#      master's max offset (files concatenated in name order).
#   d  failover, SYNC_MASTER inSyncReplicas=2 (HA_IMPL brokers, default rmq): a producer sends
#      continuously, recording every SEND_OK; kill -9 the master mid-stream; every SEND_OK
#      message must be readable from the slave (Java push consumer and rmq-client push
#      consumer); restart the master; the producer goes on; the slave must catch up (equal max
#      offsets), both consumers (new groups) must get every SEND_OK message, and the CommitLogs
#      must be identical up to the master's max offset.
#   e  as d with ASYNC_MASTER: prints how many acknowledged messages the slave lacks at the
#      kill (reported, not asserted); the rest as d.
#
# Environment: RMQ_BIN_DIR (default <repo>/target/release: mqbroker, mqnamesrv),
# HA_IMPL=rmq|java (brokers of d and e; java checks the script), NAMESRV_IMPL=java|rmq (java),
# RMQ_SLAVE_HA_MASTER_ADDRESS=1 (rmq slaves get haMasterAddress=<master>:<listenPort+1>, a Java
# key, instead of learning the master's HA address from the NameServer's REGISTER_BROKER answer),
# HA_COUNT (2000), SCENARIOS_BIN (a built rmq-client-scenarios; default: cargo build it, only
# for d and e), SKIP_BUILD=1 (no mvn compile), KEEP_TMP=1, JAVA.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
RMQ_BIN_DIR=${RMQ_BIN_DIR:-$REPO/target/release}
JAVA=${JAVA:-java}
HA_IMPL=${HA_IMPL:-rmq}
NAMESRV_IMPL=${NAMESRV_IMPL:-java}
HA_COUNT=${HA_COUNT:-2000}
export MAVEN_OPTS=${MAVEN_OPTS:--Xmx512m}

if [ $# -gt 0 ]; then LIST="$*"; else LIST=${SCENARIOS:-c}; fi
for s in $LIST; do
  case "$s" in a|b|c|d|e) ;; *) echo "unknown scenario '$s' (a b c d e)" >&2; exit 2 ;; esac
done

TMP=$(mktemp -d "${TMPDIR:-/tmp}/rmq-ha-interop.XXXXXX")
mkdir -p "$TMP/jtmp"
PIDS=()
NAMES=()
LOGS=()

alive() { kill -0 "$1" 2>/dev/null; }

stop_pid() { # pid: TERM, KILL after 20 s; returns the exit status
  local pid=$1 rc=0
  alive "$pid" || { wait "$pid" 2>/dev/null || rc=$?; return $rc; }
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do alive "$pid" || break; sleep 0.2; done
  alive "$pid" && kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null || rc=$?
  return $rc
}

cleanup() {
  local rc=$? i pid
  set +e
  trap - EXIT INT TERM
  if [ $rc -ne 0 ]; then
    echo "===== HA interop FAILED (exit $rc)"
    for i in "${!PIDS[@]}"; do
      echo "----- ${NAMES[$i]}: last lines of ${LOGS[$i]}"
      tail -n 30 "${LOGS[$i]}" 2>/dev/null
    done
  fi
  for pid in "${PIDS[@]}"; do alive "$pid" && kill -TERM "$pid" 2>/dev/null; done
  for _ in $(seq 1 50); do
    local any=0
    for pid in "${PIDS[@]}"; do alive "$pid" && any=1; done
    [ $any -eq 0 ] && break
    sleep 0.2
  done
  for pid in "${PIDS[@]}"; do alive "$pid" && kill -KILL "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
  if [ "${KEEP_TMP:-0}" = 1 ]; then echo "temp dir kept: $TMP"; else rm -rf "$TMP"; fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail() { echo "FAIL: $*" >&2; exit 1; }

start_proc() { # name home cmd...
  local name=$1 home=$2 log="$TMP/$1.log"
  shift 2
  mkdir -p "$home"
  [ -f "$log" ] && mv "$log" "$log.$(date +%s%N)"
  HOME="$home" "$@" >"$log" 2>&1 &
  PIDS+=($!)
  NAMES+=("$name")
  LOGS+=("$log")
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

needs_rmq=0
for s in $LIST; do
  case "$s" in a|b) needs_rmq=1 ;; d|e) [ "$HA_IMPL" = rmq ] && needs_rmq=1 ;; esac
done
[ "$NAMESRV_IMPL" = rmq ] && needs_rmq=1
if [ $needs_rmq = 1 ]; then
  for b in mqnamesrv mqbroker; do
    [ -x "$RMQ_BIN_DIR/$b" ] || fail "no $b in RMQ_BIN_DIR=$RMQ_BIN_DIR (cargo build --release -p mqnamesrv -p mqbroker)"
  done
fi
if [[ " $LIST " == *" d "* || " $LIST " == *" e "* ]] && [ -z "${SCENARIOS_BIN:-}" ]; then
  echo "building rmq-client-scenarios (cargo)"
  (cd "$REPO" && cargo build -q -p rmq-client-scenarios) || fail "cargo build failed"
  SCENARIOS_BIN="${CARGO_TARGET_DIR:-$REPO/target}/debug/rmq-client-scenarios"
fi

# ---------------------------------------------------------------- servers

jrun() { # name cmd-args...: a Java client tool in the foreground, output in $TMP/name.out
  local name=$1
  shift
  mkdir -p "$TMP/home-$name"
  HOME="$TMP/home-$name" timeout 400 "$JAVA" "${JOPTS[@]}" -Xmx256m -Duser.home="$TMP/home-$name" \
    -cp "$CP" "$@" >"$TMP/$name.out" 2>&1
}

start_namesrv() { # sets NS
  local port
  port=$(pick_port)
  NS=127.0.0.1:$port
  if [ "$NAMESRV_IMPL" = java ]; then
    start_proc "$SC-namesrv" "$TMP/$SC/home-namesrv" "$JAVA" "${JOPTS[@]}" -Xmx256m \
      -Duser.home="$TMP/$SC/home-namesrv" -cp "$CP" rmq.interop.JavaNamesrv "$port" \
      "$TMP/$SC/home-namesrv/kv.json" scanNotActiveBrokerInterval=1000
    wait_line "$SC-namesrv" JAVA_NAMESRV_READY 60
  else
    printf 'listenPort=%s\nbindAddress=127.0.0.1\nscanNotActiveBrokerInterval=1000\n' "$port" >"$TMP/$SC/namesrv.properties"
    start_proc "$SC-namesrv" "$TMP/$SC/home-namesrv" "$RMQ_BIN_DIR/mqnamesrv" -c "$TMP/$SC/namesrv.properties"
    wait_line "$SC-namesrv" "boot success" 60
  fi
}

# Broker settings of both implementations (the Java broker adds its own small-footprint
# defaults, JavaBroker.java; the CommitLog file size must be the same on both sides).
role_props() { # role (SYNC_MASTER|ASYNC_MASTER|SLAVE)
  if [ "$1" = SLAVE ]; then
    echo brokerId=1 brokerRole=SLAVE slaveReadEnable=true
  elif [ "$1" = SYNC_MASTER ]; then
    echo brokerId=0 brokerRole=SYNC_MASTER inSyncReplicas=2
  else
    echo brokerId=0 brokerRole=ASYNC_MASTER
  fi
}

start_broker() { # name impl role port: store in $TMP/$SC/store-<name>
  local name=$1 impl=$2 role=$3 port=$4 store="$TMP/$SC/store-$1" home="$TMP/$SC/home-$1" kv
  mkdir -p "$store"
  if [ "$impl" = java ]; then
    # shellcheck disable=SC2046
    start_proc "$SC-$name" "$home" "$JAVA" "${JOPTS[@]}" -Xmx512m -XX:MaxDirectMemorySize=256m \
      -Duser.home="$home" -cp "$CP" rmq.interop.JavaBroker --namesrv "$NS" --port "$port" \
      --broker-name broker-a --cluster DefaultCluster --store "$store" $(role_props "$role")
    wait_line "$SC-$name" JAVA_BROKER_READY 120
  else
    {
      printf 'brokerClusterName=DefaultCluster\nbrokerName=broker-a\nlistenPort=%s\n' "$port"
      printf 'brokerIP1=127.0.0.1\nbrokerIP2=127.0.0.1\nbindAddress=127.0.0.1\nnamesrvAddr=%s\n' "$NS"
      printf 'storePathRootDir=%s\nstorePathCommitLog=%s/commitlog\n' "$store" "$store"
      printf 'flushDiskType=ASYNC_FLUSH\nautoCreateTopicEnable=true\nautoCreateSubscriptionGroup=true\n'
      printf 'mappedFileSizeCommitLog=67108864\nmappedFileSizeConsumeQueue=600000\n'
      for kv in $(role_props "$role"); do echo "$kv"; done
      # Java's static master HA address (used once, no updates from the NameServer).
      if [ "$role" = SLAVE ] && [ "${RMQ_SLAVE_HA_MASTER_ADDRESS:-0}" = 1 ]; then
        echo "haMasterAddress=127.0.0.1:$((MPORT + 1))"
      fi
    } >"$TMP/$SC/$name.properties"
    start_proc "$SC-$name" "$home" "$RMQ_BIN_DIR/mqbroker" -c "$TMP/$SC/$name.properties"
    wait_line "$SC-$name" "boot success" 60
  fi
}

# ---------------------------------------------------------------- checks

# The CommitLog files of two stores, concatenated in name order (each file covers
# [name, name + size)), must be identical over [0, upto).
compare_commitlogs() { # master_store slave_store upto
  python3 - "$1/commitlog" "$2/commitlog" "$3" <<'EOF'
import os, sys

def read_range(d, upto):
    out = bytearray()
    for name in sorted(os.listdir(d)):
        if not name.isdigit():
            continue
        start = int(name)
        if start >= upto:
            break
        if start != len(out):
            sys.exit(f"{d}: file {name} starts at {start}, expected {len(out)} (gap or missing file)")
        with open(os.path.join(d, name), "rb") as f:
            out += f.read(upto - start)
    return bytes(out)

a_dir, b_dir, upto = sys.argv[1], sys.argv[2], int(sys.argv[3])
if upto <= 0:
    sys.exit(f"nothing to compare (max offset {upto})")
a, b = read_range(a_dir, upto), read_range(b_dir, upto)
if len(a) < upto or len(b) < upto:
    sys.exit(f"short CommitLog: master {len(a)} bytes, slave {len(b)} bytes, expected {upto}")
if a != b:
    first = next(i for i in range(upto) if a[i] != b[i])
    sys.exit(f"CommitLogs differ first at offset {first} (of {upto})")
if a.count(0) == len(a):
    sys.exit("CommitLog range is all zeros")
print(f"CommitLogs identical over [0, {upto}) ({upto} bytes)")
EOF
}

java_consume() { # label expect-file [timeout-s]: CrossLang consume (new group) from $NS
  local rc=0
  jrun "$SC-$1" rmq.interop.CrossLang consume -n "$NS" -t "$TOPIC" --expect "$2" --timeout-s "${3:-120}" || rc=$?
  grep -E "^expected|^  " "$TMP/$SC-$1.out" | sed "s/^/  [$1] /" | head -12
  return $rc
}

rust_consume() { # label expect-file [timeout-s]: rmq-client push consumer (new group) from $NS
  local rc=0
  timeout 400 "$SCENARIOS_BIN" xlang-consume -n "$NS" -t "$TOPIC" --expect "$2" --timeout-s "${3:-120}" \
    >"$TMP/$SC-$1.out" 2>&1 || rc=$?
  grep -E "^expected|^  " "$TMP/$SC-$1.out" | sed "s/^/  [$1] /" | head -12
  return $rc
}

setup_pair() { # master_impl slave_impl master_role: namesrv, master, slave, topic on both
  MPORT=$(pick_port)
  SPORT=$(pick_port)
  while [ $((SPORT - MPORT)) -lt 4 ] && [ $((MPORT - SPORT)) -lt 4 ]; do SPORT=$(pick_port); done
  MASTER=127.0.0.1:$MPORT
  SLAVE=127.0.0.1:$SPORT
  MASTER_IMPL=$1
  MASTER_ROLE=$3
  TOPIC="HaTopic_$SC"
  mkdir -p "$TMP/$SC"
  start_namesrv
  start_broker master "$1" "$3" "$MPORT"
  start_broker slave "$2" SLAVE "$SPORT"
  # The topic goes to both brokers at once: Java's slave copies the master's topics only
  # ~60 s after its start (SlaveSynchronize), and a slave serves pulls only for topics it has.
  jrun "$SC-topic" rmq.interop.ha.HaTool create-topic --addr "$MASTER,$SLAVE" -t "$TOPIC" -q 4 ||
    { cat "$TMP/$SC-topic.out"; fail "creating $TOPIC on $MASTER and $SLAVE"; }
  jrun "$SC-wait-route" rmq.interop.Scenarios wait-broker -n "$NS" --broker-name broker-a --topic "$TOPIC" ||
    { cat "$TMP/$SC-wait-route.out"; fail "$TOPIC not routed"; }
  echo "[$SC] namesrv $NS, master $MASTER ($1 $3), slave $SLAVE ($2 SLAVE), topic $TOPIC"
}

# Until the slave has connected, a SYNC_MASTER answers FLUSH_SLAVE_TIMEOUT (3 s each): send
# probes until one is SEND_OK (they stay in the CommitLog; consumers ignore extra messages).
wait_replicating() {
  local i
  [ "$MASTER_ROLE" = SYNC_MASTER ] || return 0
  for i in $(seq 1 20); do
    if jrun "$SC-probe" rmq.interop.ha.HaTool produce -n "$NS" -t "$TOPIC" --out "$TMP/$SC/probe.jsonl" -c 1 --strict; then
      echo "[$SC] master acknowledges replicated sends (probe $i)"
      return 0
    fi
  done
  cat "$TMP/$SC-probe.out"
  fail "no SEND_OK from the SYNC_MASTER within 20 probes (slave not replicating?)"
}

wait_synced() { # prints the common max offset
  jrun "$SC-synced" rmq.interop.ha.HaTool wait-synced --master "$MASTER" --slave "$SLAVE" --timeout-s 120 ||
    { cat "$TMP/$SC-synced.out" >&2; fail "slave did not catch up"; }
  awk '/^HA_SYNCED/ {print $2}' "$TMP/$SC-synced.out"
}

# ---------------------------------------------------------------- scenarios

replicate() { # master_impl slave_impl
  local off
  setup_pair "$1" "$2" SYNC_MASTER
  wait_replicating
  jrun "$SC-produce" rmq.interop.ha.HaTool produce -n "$NS" -t "$TOPIC" --out "$TMP/$SC/sent.jsonl" \
    -c "$HA_COUNT" --strict || { cat "$TMP/$SC-produce.out"; fail "not every send was SEND_OK"; }
  tail -n 1 "$TMP/$SC-produce.out"
  off=$(wait_synced)
  echo "[$SC] slave caught up: commitLogMaxOffset $off on both"
  kill -KILL "$(pid_of "$SC-master")"
  wait "$(pid_of "$SC-master")" 2>/dev/null || true
  echo "[$SC] master killed (kill -9); consuming from the slave only"
  java_consume consume-slave "$TMP/$SC/sent.jsonl" || fail "the Java consumer did not read every message from the slave"
  stop_pid "$(pid_of "$SC-slave")" || note_exit slave $?
  stop_pid "$(pid_of "$SC-namesrv")" || true
  compare_commitlogs "$TMP/$SC/store-master" "$TMP/$SC/store-slave" "$off" || fail "CommitLog comparison"
}

note_exit() { # name status: a JVM killed by SIGTERM exits 143 after its shutdown hooks; rmq exits 0
  [ "$2" = 143 ] || echo "[$SC] note: $1 exit status $2 on SIGTERM"
}

lines() { if [ -f "$1" ]; then wc -l <"$1"; else echo 0; fi; }

wait_lines() { # file n timeout_s
  local start
  start=$(date +%s)
  while [ "$(lines "$1")" -lt "$2" ]; do
    alive "$(pid_of "$SC-producer")" || fail "producer exited early"
    [ $(($(date +%s) - start)) -ge "$3" ] && fail "fewer than $2 SEND_OK within ${3}s"
    sleep 0.2
  done
}

failover() { # master_role
  local role=$1 acked after off missing=
  setup_pair "$HA_IMPL" "$HA_IMPL" "$role"
  wait_replicating
  local out="$TMP/$SC/sent.jsonl" stop="$TMP/$SC/stop-producer"
  start_proc "$SC-producer" "$TMP/$SC/home-producer" "$JAVA" "${JOPTS[@]}" -Xmx256m \
    -Duser.home="$TMP/$SC/home-producer" -cp "$CP" rmq.interop.ha.HaTool produce -n "$NS" -t "$TOPIC" \
    --out "$out" --stop-file "$stop"
  wait_lines "$out" 500 120
  kill -KILL "$(pid_of "$SC-master")"
  wait "$(pid_of "$SC-master")" 2>/dev/null || true
  sleep 1 # a SEND_OK answered just before the kill is written to the file by now
  head -n "$(lines "$out")" "$out" >"$TMP/$SC/acked-at-kill.jsonl"
  acked=$(lines "$TMP/$SC/acked-at-kill.jsonl")
  echo "[$SC] master killed (kill -9) after $acked SEND_OK; reading them from the slave"
  if [ "$role" = SYNC_MASTER ]; then
    java_consume consume-slave-java "$TMP/$SC/acked-at-kill.jsonl" || fail "acknowledged messages missing on the slave (Java consumer)"
    rust_consume consume-slave-rust "$TMP/$SC/acked-at-kill.jsonl" || fail "acknowledged messages missing on the slave (rmq-client consumer)"
  else
    java_consume consume-slave-java "$TMP/$SC/acked-at-kill.jsonl" 30 || true
    missing=$(awk '/^expected/ {print $(NF-1)}' "$TMP/$SC-consume-slave-java.out")
    echo "[$SC] ASYNC_MASTER: ${missing:-?} of $acked acknowledged messages missing on the slave at the kill"
  fi
  start_broker master "$HA_IMPL" "$role" "$MPORT"
  after=$(($(lines "$out") + 300))
  wait_lines "$out" "$after" 120
  touch "$stop"
  wait "$(pid_of "$SC-producer")" || fail "producer failed"
  grep HA_PRODUCE "$TMP/$SC-producer.log" | tail -n 1
  off=$(wait_synced)
  echo "[$SC] master restarted, slave caught up: commitLogMaxOffset $off on both; $(lines "$out") SEND_OK in all"
  java_consume consume-all-java "$out" || fail "the Java consumer lost messages after the restart"
  rust_consume consume-all-rust "$out" || fail "the rmq-client consumer lost messages after the restart"
  stop_pid "$(pid_of "$SC-master")" || note_exit master $?
  stop_pid "$(pid_of "$SC-slave")" || note_exit slave $?
  stop_pid "$(pid_of "$SC-namesrv")" || true
  compare_commitlogs "$TMP/$SC/store-master" "$TMP/$SC/store-slave" "$off" || fail "CommitLog comparison"
  [ -n "$missing" ] && echo "[$SC] RESULT ASYNC_MASTER: $missing of $acked acknowledged messages were not on the slave at the kill"
  return 0
}

RESULTS=()
for SC in $LIST; do
  T0=$(date +%s)
  echo "===== scenario $SC"
  case "$SC" in
    a) replicate java rmq ;;
    b) replicate rmq java ;;
    c) replicate java java ;;
    d) failover SYNC_MASTER ;;
    e) failover ASYNC_MASTER ;;
  esac
  RESULTS+=("PASS $SC ($(($(date +%s) - T0)) s)")
  echo "PASS scenario $SC ($(($(date +%s) - T0)) s)"
done
printf '%s\n' "${RESULTS[@]}"
