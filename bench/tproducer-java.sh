#!/usr/bin/env bash
# Java RocketMQ's benchmark/tproducer.sh against rmq: runs the class it runs,
# org.apache.rocketmq.example.benchmark.TransactionProducer, with its usual options.
#
#   bash bench/tproducer-java.sh -n 127.0.0.1:9876 [-t BenchmarkTest -w 32 -s 2048 -sr 0 -su 0 ...]
#       runs against a running NameServer until killed (or for DURATION s when DURATION is set),
#       printing the tool's own "Current Time: ... | Send TPS: ..." lines every -ri ms (10000);
#   bash bench/tproducer-java.sh [options without -n]
#       self-check: starts an rmq NameServer and broker (RMQ_BIN_DIR) on free ports with
#       transactionCheckInterval=CHECK_INTERVAL_MS (5000), runs the tool DURATION s (65) with
#       the options given (default: -w 8 -s 512 -sr 0.1 -su 0.2 -cr 0.3 -cu 0.3), then counts on
#       the broker (mqadmin topicStatus) the half messages (RMQ_SYS_TRANS_HALF_TOPIC: every
#       transaction) and the committed messages (the topic), and fails unless transactions were
#       committed, the broker's checks were answered (Check > 0 with -su > 0), no send failed
#       and at most 1 % of the checks were unexpected. BROKER=java runs the same against Java's broker 5.3.3
#       (tests/interop/java5 JavaBroker) for comparison;
#   bash bench/tproducer-java.sh --classpath
#       prints the class path (used by compare-java/txn-timer.sh LOADGEN=java).
#
# The class comes from Maven Central's org.apache.rocketmq:rocketmq-example:EXAMPLE_VERSION
# (5.5.0: the example artifact is not published for 5.3.3; its TransactionProducer has the
# same options and output as 5.3.3's), on the 5.3.3 client (CLIENT_VERSION), resolved once with
# `mvn dependency:build-classpath` into CACHE_DIR (~/.cache/rmq-bench). JVM options are
# runclass.sh's for Java 17 (CMS and PermSize are gone; G1 instead): JAVA_OPT overrides them.
# Environment: DURATION, CHECK_INTERVAL_MS, RMQ_BIN_DIR (<repo>/target/release), JAVA, KEEP_TMP=1.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
EXAMPLE_VERSION=${EXAMPLE_VERSION:-5.5.0}
CLIENT_VERSION=${CLIENT_VERSION:-5.3.3}
CACHE_DIR=${CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/rmq-bench/tproducer-java-$EXAMPLE_VERSION-$CLIENT_VERSION}
JAVA=${JAVA:-java}
JAVA_OPT=${JAVA_OPT:--server -Xms1g -Xmx1g -Xmn256m -XX:+UseG1GC -XX:SoftRefLRUPolicyMSPerMB=0 -XX:SurvivorRatio=8 -XX:+DisableExplicitGC -XX:-OmitStackTraceInFastThrow -XX:-UseLargePages -XX:+PerfDisableSharedMem}
RMQ_BIN_DIR=${RMQ_BIN_DIR:-${CARGO_TARGET_DIR:-$REPO/target}/release}
CLASS=org.apache.rocketmq.example.benchmark.TransactionProducer

# classpath: resolves (once) and prints the class path of the example jar on the 5.3.3 client.
classpath() {
  if [ ! -s "$CACHE_DIR/cp.txt" ]; then
    mkdir -p "$CACHE_DIR"
    cat >"$CACHE_DIR/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>rmq.bench</groupId>
  <artifactId>tproducer-java</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.rocketmq</groupId>
      <artifactId>rocketmq-example</artifactId>
      <version>$EXAMPLE_VERSION</version>
      <exclusions><exclusion><groupId>*</groupId><artifactId>*</artifactId></exclusion></exclusions>
    </dependency>
    <dependency>
      <groupId>org.apache.rocketmq</groupId>
      <artifactId>rocketmq-client</artifactId>
      <version>$CLIENT_VERSION</version>
    </dependency>
    <dependency>
      <groupId>org.apache.rocketmq</groupId>
      <artifactId>rocketmq-srvutil</artifactId>
      <version>$CLIENT_VERSION</version>
    </dependency>
  </dependencies>
</project>
EOF
    local goal=org.apache.maven.plugins:maven-dependency-plugin:3.6.1:build-classpath
    (cd "$CACHE_DIR" && { mvn -q -B -o -Dstyle.color=never "$goal" -Dmdep.outputFile=cp.new >mvn.log 2>&1 ||
      mvn -q -B -Dstyle.color=never "$goal" -Dmdep.outputFile=cp.new >mvn.log 2>&1; }) ||
      { tail -20 "$CACHE_DIR/mvn.log" >&2; echo "FAIL: cannot resolve rocketmq-example $EXAMPLE_VERSION" >&2; exit 1; }
    mv "$CACHE_DIR/cp.new" "$CACHE_DIR/cp.txt"
  fi
  cat "$CACHE_DIR/cp.txt"
}

if [ "${1:-}" = --classpath ]; then
  classpath
  exit 0
fi

has_ns=0
for a in "$@"; do case "$a" in -n|--namesrvAddr|-n*) has_ns=1 ;; esac; done

TMP=$(mktemp -d "${TMPDIR:-/tmp}/rmq-tproducer-java.XXXXXX")
. "$REPO/bench/lib.sh"
CP=$(classpath)

# run_tool LOG ARGS...: the TransactionProducer in the background (pid in TOOL_PID).
run_tool() {
  local log=$1
  shift
  # shellcheck disable=SC2086 # JAVA_OPT is a list of options, as in runclass.sh
  "$JAVA" $JAVA_OPT -Drocketmq.client.logRoot="$TMP/client-logs" -cp "$CP" "$CLASS" "$@" >"$log" 2>&1 &
  TOOL_PID=$!
  PIDS+=("$TOOL_PID")
}

if [ "$has_ns" = 1 ]; then
  run_tool "$TMP/tproducer.log" "$@"
  tail -n +1 -f --pid="$TOOL_PID" "$TMP/tproducer.log" &
  PIDS+=("$!")
  if [ -n "${DURATION:-}" ]; then
    sleep "$DURATION"
    stop_pid "$TOOL_PID"
  else
    wait "$TOOL_PID" || true
  fi
  exit 0
fi

# Self-check against rmq.
DURATION=${DURATION:-65}
CHECK_INTERVAL_MS=${CHECK_INTERVAL_MS:-5000}
BROKER=${BROKER:-rmq}
[ $# -gt 0 ] || set -- -w 8 -s 512 -sr 0.1 -su 0.2 -cr 0.3 -cu 0.3
for b in mqnamesrv mqbroker mqadmin; do [ -x "$RMQ_BIN_DIR/$b" ] || fail "missing $RMQ_BIN_DIR/$b"; done
NS_PORT=$(pick_port)
BROKER_PORT=$(pick_port)
NS=127.0.0.1:$NS_PORT
mkdir -p "$TMP/home"
printf 'listenPort=%s\nbindAddress=127.0.0.1\n' "$NS_PORT" >"$TMP/namesrv.properties"
HOME="$TMP/home" "$RMQ_BIN_DIR/mqnamesrv" -c "$TMP/namesrv.properties" >"$TMP/namesrv.log" 2>&1 &
PIDS+=("$!")
wait_line "$TMP/namesrv.log" "boot success" "$!" 60
if [ "$BROKER" = java ]; then
  JCP="$REPO/tests/interop/java5/target/classes:$REPO/tests/interop/java5/target/lib/*"
  [ -d "$REPO/tests/interop/java5/target/classes" ] ||
    mvn -q -B -Dstyle.color=never -o -f "$REPO/tests/interop/java5/pom.xml" compile
  HOME="$TMP/home" "$JAVA" -Xms1g -Xmx1g -XX:+UseG1GC -Duser.home="$TMP/home" -Djava.io.tmpdir="$TMP" -cp "$JCP" \
    rmq.interop.JavaBroker --namesrv "$NS" --port "$BROKER_PORT" --store "$TMP/store" \
    transactionCheckInterval="$CHECK_INTERVAL_MS" >"$TMP/broker.log" 2>&1 &
  BROKER_PID=$!
  PIDS+=("$BROKER_PID")
  wait_line "$TMP/broker.log" JAVA_BROKER_READY "$BROKER_PID" 120
else
  printf 'brokerClusterName=DefaultCluster\nbrokerName=broker-a\nbrokerId=0\nlistenPort=%s\nbrokerIP1=127.0.0.1\nbindAddress=127.0.0.1\nnamesrvAddr=%s\nstorePathRootDir=%s\nmappedFileSizeCommitLog=67108864\ntransactionCheckInterval=%s\n' \
    "$BROKER_PORT" "$NS" "$TMP/store" "$CHECK_INTERVAL_MS" >"$TMP/broker.properties"
  HOME="$TMP/home" "$RMQ_BIN_DIR/mqbroker" -c "$TMP/broker.properties" >"$TMP/broker.log" 2>&1 &
  BROKER_PID=$!
  PIDS+=("$BROKER_PID")
  wait_line "$TMP/broker.log" "boot success" "$BROKER_PID" 60
fi
TOPIC=BenchmarkTest
SU=0
prev=
for a in "$@"; do
  case "$prev" in -t) TOPIC=$a ;; -su) SU=$a ;; esac
  prev=$a
done
for _ in $(seq 1 100); do
  HOME="$TMP/home" "$RMQ_BIN_DIR/mqadmin" updateTopic -n "$NS" -c DefaultCluster -t "$TOPIC" >/dev/null 2>&1 && break
  sleep 0.3
done

echo "rmq NameServer $NS, $BROKER broker 127.0.0.1:$BROKER_PORT (transactionCheckInterval=$CHECK_INTERVAL_MS)"
echo "$JAVA $JAVA_OPT -cp <rocketmq-example $EXAMPLE_VERSION, client $CLIENT_VERSION> $CLASS -n $NS $*  (${DURATION}s)"
run_tool "$TMP/tproducer.log" -n "$NS" "$@"
sleep "$DURATION"
alive "$TOOL_PID" || { tail -30 "$TMP/tproducer.log" >&2; fail "TransactionProducer exited early"; }
stop_pid "$TOOL_PID"
# Let the broker's next check round answer what is left, then count.
sleep $(((CHECK_INTERVAL_MS + 999) / 1000 + 1))
grep -v '^\s*$' "$TMP/tproducer.log" | grep -v 'WARN\|^\s*at \|^log4j' | tail -n 20

msgs() { # topic: sum of the queues' max offsets
  HOME="$TMP/home" "$RMQ_BIN_DIR/mqadmin" topicStatus -n "$NS" -t "$1" 2>/dev/null |
    awk '$1 == "broker-a" { s += $4 } END { print s + 0 }'
}
sum_col() { # label: sum of "| label: N" over the tool's lines
  sed -n "s/.*| $1: \([0-9]*\).*/\1/p" "$TMP/tproducer.log" | awk '{ s += $1 } END { print s + 0 }'
}
lines=$(grep -c 'Send TPS:' "$TMP/tproducer.log" || true)
half=$(msgs RMQ_SYS_TRANS_HALF_TOPIC)
committed=$(msgs "$TOPIC")
checks=$(sum_col Check)
unexpected=$(sum_col UnexpectedCheck)
failed=$(sum_col "Send Failed")
echo
echo "tproducer-java against the $BROKER broker: $lines TPS lines; broker: $half half messages (transactions), $committed committed to $TOPIC, $((half - committed)) rolled back or pending"
echo "tool: Check $checks, UnexpectedCheck $unexpected, Send Failed $failed (summed over its 10 s windows)"
warn=$(cat "$TMP/broker.log" "$TMP"/home/logs/rocketmqlogs/broker.log 2>/dev/null | grep -E ' (WARN|ERROR) ' |
  grep -v 'end transaction in sending message\|Check producer transaction state' || true)
if [ -n "$warn" ]; then
  echo "broker warnings/errors: $(wc -l <<<"$warn") lines, the first:"
  head -5 <<<"$warn" | cut -c1-300
fi
[ "$lines" -gt 0 ] || fail "no TPS line"
[ "$committed" -gt 0 ] || fail "nothing committed"
# Java's broker too checks a few transactions whose commit or rollback it already has (42 of
# 13,714 checks, 0.3 %, in one self-check on a loaded 2-core machine): allow 1 %.
[ $((unexpected * 100)) -le "$checks" ] || fail "$unexpected of $checks checks were unexpected (more than 1 %)"
[ "$failed" = 0 ] || fail "failed sends"
if awk -v su="$SU" 'BEGIN { exit !(su > 0) }'; then
  [ "$checks" -gt 0 ] || fail "no check answered"
fi
echo "OK"
