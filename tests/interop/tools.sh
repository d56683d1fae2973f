#!/usr/bin/env bash
# mqadmin interop: the same mqadmin command lines, run with Java's MQAdminStartup (5.3.3, or
# TOOLS_VERSION) and
# with rmq's mqadmin against the same servers, must print the same output once the volatile
# parts (times, rates, message ids, Java HashMap/Properties iteration order) are normalized.
# The comparison driver is rmq.interop.tools.ToolsInterop (java5/); it keeps a Java producer
# (group ToolsPG) and push consumer (ToolsCG) online so connection and progress commands
# have something to show, and runs ~50 cases (see ToolsInterop#cases), clusterRT included.
#
#   bash tests/interop/tools.sh                 # real Java namesrv + broker (default)
#   SERVERS=rmq bash tests/interop/tools.sh     # rmq's mqnamesrv + mqbroker instead
#
# Environment: RMQ_BIN_DIR (default <repo>/target/release: mqadmin, and mqnamesrv/mqbroker
# for SERVERS=rmq), SKIP_BUILD=1 (no mvn compile), ONLY=case1,case2 (subset), KEEP_TMP=1,
# JAVA (default java), and:
#   TOOLS_VERSION=V   the RocketMQ version of the Java MQAdminStartup (and of the online Java
#                     producer/consumer) that rmq's output is compared with: 5.3.3 (default,
#                     java5/target) or any V with a profile rocketmq-V in java5/pom.xml
#                     (java5/target-V). With SERVERS=java the Java NameServer and broker stay
#                     5.3.3 whatever TOOLS_VERSION is.
#   SKIP=case1,case2  cases not run (printed as SKIP). Added to the version's own list below
#                     (VERSION_SKIP), for cases whose Java output changed in that version.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
RMQ_BIN_DIR=${RMQ_BIN_DIR:-$REPO/target/release}
SERVERS=${SERVERS:-java}
JAVA=${JAVA:-java}
TOOLS_VERSION=${TOOLS_VERSION:-5.3.3}
export MAVEN_OPTS=${MAVEN_OPTS:--Xmx512m}

case "$SERVERS" in
  java|rmq) ;;
  *) echo "SERVERS must be java or rmq, got '$SERVERS'" >&2; exit 2 ;;
esac
if [ "$TOOLS_VERSION" = 5.3.3 ]; then
  TOOLS_DIR=target
  PROFILE=()
else
  grep -q "<id>rocketmq-$TOOLS_VERSION</id>" "$HERE/java5/pom.xml" ||
    { echo "TOOLS_VERSION=$TOOLS_VERSION: java5/pom.xml has no profile rocketmq-$TOOLS_VERSION" >&2; exit 2; }
  TOOLS_DIR="target-$TOOLS_VERSION"
  PROFILE=(-P "rocketmq-$TOOLS_VERSION")
fi
# Cases skipped for a tool version whose own output format differs from 5.3.3's (which rmq's
# mqadmin reproduces), with the servers' answers the same; not broker or NameServer gaps.
# In 5.5.0 (checked by diffing its output against rmq servers):
#   topicRoute      same route data, but 5.5.0's fastjson2 (2.0.59, 5.3.3 has 2.0.43) pretty-
#                   prints the integer-keyed brokerAddrs map with a line break after its '{'
#   queryMsgByKey   same message ids, queue ids and offsets, but QueryMsgByKeySubCommand
#                   prints a fourth column #IndexKey that the tool builds itself
#                   (hour of storeTimestamp@topic@K@key@msgId@commitLogOffset)
VERSION_SKIP=
case "$TOOLS_VERSION" in
  5.5.0) VERSION_SKIP=topicRoute,queryMsgByKey ;;
esac
SKIP_ALL=$(printf '%s\n' "${VERSION_SKIP:-}" "${SKIP:-}" | tr ',' '\n' | awk 'NF && !seen[$0]++' | paste -sd, -)

[ -x "$RMQ_BIN_DIR/mqadmin" ] || { echo "no mqadmin in RMQ_BIN_DIR=$RMQ_BIN_DIR (cargo build --release -p mqadmin)" >&2; exit 2; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/rmq-tools-interop.XXXXXX")
mkdir -p "$TMP/jtmp"
PIDS=()
NAMES=()
LOGS=()

alive() { kill -0 "$1" 2>/dev/null; }

cleanup() {
  local rc=$? i pid
  set +e
  trap - EXIT INT TERM
  if [ $rc -ne 0 ]; then
    echo "===== tools interop FAILED (exit $rc)"
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
  HOME="$home" "$@" >"$log" 2>&1 &
  PIDS+=($!)
  NAMES+=("$name")
  LOGS+=("$log")
  echo "started $name (pid $!)"
}

wait_line() { # name pattern timeout_s
  local i log pid start
  for i in "${!NAMES[@]}"; do [ "${NAMES[$i]}" = "$1" ] && { log=${LOGS[$i]}; pid=${PIDS[$i]}; }; done
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
  if [ "$TOOLS_VERSION" != 5.3.3 ]; then
    echo "building java5 for $TOOLS_VERSION (mvn -q -B ${PROFILE[*]} compile) ..."
    (cd "$HERE/java5" && mvn -q -B "${PROFILE[@]}" compile) || fail "mvn ${PROFILE[*]} compile of java5 failed"
  fi
fi
# Java servers (SERVERS=java): 5.3.3. Java tool side: TOOLS_VERSION.
CP="$HERE/java5/target/classes:$HERE/java5/target/lib/*"
TOOLS_CP="$HERE/java5/$TOOLS_DIR/classes:$HERE/java5/$TOOLS_DIR/lib/*"
[ -d "$HERE/java5/$TOOLS_DIR/lib" ] || fail "java5/$TOOLS_DIR/lib missing (mvn ${PROFILE[*]} compile in java5)"
JOPTS=(-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.io.tmpdir="$TMP/jtmp" -Dfile.encoding=UTF-8)

NS_PORT=$(pick_port)
BROKER_PORT=$(pick_port)
NS=127.0.0.1:$NS_PORT
BROKER=127.0.0.1:$BROKER_PORT
if [ "$SERVERS" = java ]; then
  start_proc namesrv "$TMP/home-namesrv" "$JAVA" "${JOPTS[@]}" -Xmx256m -Duser.home="$TMP/home-namesrv" \
    -cp "$CP" rmq.interop.JavaNamesrv "$NS_PORT"
  wait_line namesrv JAVA_NAMESRV_READY 60
  start_proc broker "$TMP/home-broker" "$JAVA" "${JOPTS[@]}" -Xmx512m -XX:MaxDirectMemorySize=256m \
    -Duser.home="$TMP/home-broker" -cp "$CP" rmq.interop.JavaBroker --namesrv "$NS" --port "$BROKER_PORT" \
    --broker-name broker-a --cluster DefaultCluster --store "$TMP/store"
  wait_line broker JAVA_BROKER_READY 120
else
  for b in mqnamesrv mqbroker; do [ -x "$RMQ_BIN_DIR/$b" ] || fail "no $b in $RMQ_BIN_DIR"; done
  printf 'listenPort=%s\nbindAddress=127.0.0.1\n' "$NS_PORT" >"$TMP/namesrv.properties"
  start_proc namesrv "$TMP/home-namesrv" "$RMQ_BIN_DIR/mqnamesrv" -c "$TMP/namesrv.properties"
  wait_line namesrv "boot success" 60
  printf 'brokerClusterName=DefaultCluster\nbrokerName=broker-a\nbrokerId=0\nlistenPort=%s\nbrokerIP1=127.0.0.1\nbindAddress=127.0.0.1\nnamesrvAddr=%s\nstorePathRootDir=%s\n' \
    "$BROKER_PORT" "$NS" "$TMP/store" >"$TMP/broker.properties"
  start_proc broker "$TMP/home-broker" "$RMQ_BIN_DIR/mqbroker" -c "$TMP/broker.properties"
  wait_line broker "boot success" 60
fi

echo "comparing Java's ($TOOLS_VERSION) and rmq's mqadmin against $SERVERS servers ($NS, broker $BROKER)${SKIP_ALL:+, skipping $SKIP_ALL}"
ARGS=(--namesrv "$NS" --broker "$BROKER" --broker-name broker-a --cluster DefaultCluster --rmq-admin "$RMQ_BIN_DIR/mqadmin")
[ -n "${ONLY:-}" ] && ARGS+=(--only "$ONLY")
[ -n "$SKIP_ALL" ] && ARGS+=(--skip "$SKIP_ALL")
mkdir -p "$TMP/home-tools"
T0=$(date +%s)
HOME="$TMP/home-tools" "$JAVA" "${JOPTS[@]}" -Xmx512m -Duser.home="$TMP/home-tools" -cp "$TOOLS_CP" \
  rmq.interop.tools.ToolsInterop "${ARGS[@]}"
echo "tools interop ($TOOLS_VERSION vs rmq, SERVERS=$SERVERS): $(($(date +%s) - T0))s"
