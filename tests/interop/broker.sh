#!/usr/bin/env bash
# Broker acceptance suite: the official Java clients (5.3.3 by default, other 5.x versions with
# JAVA_CLIENTS; and 4.9.8 once) and Java's mqadmin against rmq's mqbroker, with rmq NameServers.
#
#   bash tests/interop/broker.sh [STEP...]
#
# STEPs (default: all but bench, in this order):
#   build        cargo build --release -p mqnamesrv -p mqbroker (skipped with RMQ_SKIP_CARGO=1),
#                mvn compile of java5/ (5.3.3, plus -P rocketmq-V for every other V in JAVA_CLIENTS)
#                and java49/ (skipped with RMQ_SKIP_MVN=1)
#   cluster      two rmq NameServers + one rmq broker registered with both, then:
#                wait-broker on each NameServer, and for every version V of JAVA_CLIENTS, with
#                that version's 5.x client (steps named STEP@V, topics and groups of their own):
#                send-modes, tags, sql-filter, lite-pull, orderly, retry-dlq, delay, request-reply,
#                transaction (TransactionMQProducer: COMMIT delivered once, ROLLBACK never,
#                UNKNOW delivered after the broker's check-back answered COMMIT, nothing visible
#                before its commit), mqadmin (V's admin API), crash-restart (kill -9 the broker
#                mid-stream, restart it, nothing acknowledged lost, the group resumes from its
#                committed offsets), transaction-crash (half messages checked and answered UNKNOW,
#                kill -9 the broker, restart it on the same store; the check-back after the
#                restart commits every one and the consumer receives them all),
#                two-namesrv (one NameServer stopped mid-run, the clients keep working, the broker
#                stays registered with the other; from the second version on the stopped
#                NameServer is first restarted on its port and waited for); produce-consume with
#                the 4.9.8 client runs once, after the first version's mqadmin step.
#                The servers are started once and shared by all versions.
#   bench        Java benchmark Producer-style load (1 KiB, 64 threads, sync) against the rmq
#                broker and against a Java 5.3.3 broker: TPS, avg/max RT, broker RSS (report only)
#
# Environment:
#   JAVA_CLIENTS     space-separated 5.x client versions for the cluster step (default "5.3.3";
#                    e.g. "5.3.3 5.5.0"). 5.3.3 runs from java5/target, any other V from
#                    java5/target-V, built by java5/pom.xml's profile rocketmq-V.
#   RMQ_BIN_DIR      where mqnamesrv and mqbroker live (default <repo>/target/release)
#   SEND_COUNT       messages per send mode in send-modes (default 10000)
#   CRASH_COUNT      messages in crash-restart (default 20000)
#   BENCH_SECONDS    measured seconds per bench run (default 30)
#   KEEP_TMP=1       keep the temp dir (logs, stores)
#   JAVA             java binary (default: java on PATH)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
RMQ_BIN_DIR=${RMQ_BIN_DIR:-$REPO/target/release}
SEND_COUNT=${SEND_COUNT:-10000}
CRASH_COUNT=${CRASH_COUNT:-20000}
BENCH_SECONDS=${BENCH_SECONDS:-30}
JAVA=${JAVA:-java}
JAVA_CLIENTS=${JAVA_CLIENTS:-5.3.3}
read -r -a JVERSIONS <<<"$JAVA_CLIENTS"
[ ${#JVERSIONS[@]} -gt 0 ] || { echo "JAVA_CLIENTS is empty" >&2; exit 2; }
for v in "${JVERSIONS[@]}"; do
  [ "$v" = 5.3.3 ] || grep -q "<id>rocketmq-$v</id>" "$HERE/java5/pom.xml" ||
    { echo "JAVA_CLIENTS: java5/pom.xml has no profile rocketmq-$v" >&2; exit 2; }
done
export MAVEN_OPTS=${MAVEN_OPTS:--Xmx512m}

STEPS=("$@")
[ ${#STEPS[@]} -eq 0 ] && STEPS=(build cluster)
for s in "${STEPS[@]}"; do
  case "$s" in build|cluster|bench) ;; *) echo "unknown step '$s' (build cluster bench)" >&2; exit 2 ;; esac
done
want() {
  local s
  for s in "${STEPS[@]}"; do [ "$s" = "$1" ] && return 0; done
  return 1
}

TMP=$(mktemp -d "${TMPDIR:-/tmp}/rmq-broker-interop.XXXXXX")
mkdir -p "$TMP/jtmp" "$TMP/logs"
RUN_START=$(date +%s)

# ---------------------------------------------------------------- processes

PIDS=()
PNAMES=()
PLOGS=()
PHOMES=()
DOWN=()   # names of processes stopped on purpose

start_proc() { # name log home cmd...
  local name=$1 log=$2 home=$3
  shift 3
  mkdir -p "$home"
  "$@" >>"$log" 2>&1 &
  PIDS+=($!)
  PNAMES+=("$name")
  PLOGS+=("$log")
  PHOMES+=("$home")
  echo "started $name (pid $!), log $log"
}

proc_pid() { # name -> pid of its latest start
  local i pid=""
  for i in "${!PNAMES[@]}"; do [ "${PNAMES[$i]}" = "$1" ] && pid=${PIDS[$i]}; done
  [ -n "$pid" ] && echo "$pid"
}

alive() { kill -0 "$1" 2>/dev/null; }

is_down() {
  local d
  for d in "${DOWN[@]:-}"; do [ "$d" = "$1" ] && return 0; done
  return 1
}

stop_all() {
  local i pid
  for pid in "${PIDS[@]:-}"; do [ -n "$pid" ] && alive "$pid" && kill -TERM "$pid" 2>/dev/null; done
  for _ in $(seq 1 50); do
    local any=0
    for pid in "${PIDS[@]:-}"; do [ -n "$pid" ] && alive "$pid" && any=1; done
    [ $any -eq 0 ] && break
    sleep 0.2
  done
  for i in "${!PIDS[@]}"; do
    pid=${PIDS[$i]}
    if alive "$pid"; then
      echo "killing ${PNAMES[$i]} (pid $pid) with SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
  done
}

print_logs() {
  local i f
  for i in "${!PIDS[@]}"; do
    echo "----- ${PNAMES[$i]} (pid ${PIDS[$i]}): last lines of ${PLOGS[$i]}"
    tail -n 40 "${PLOGS[$i]}" 2>/dev/null || true
    for f in "${PHOMES[$i]}"/logs/rocketmqlogs/{namesrv,broker}.log; do
      [ -f "$f" ] && { echo "----- ERROR/WARN lines of $f"; grep -E ' (ERROR|WARN) ' "$f" | tail -n 30 || true; }
    done
  done
}

cleanup() {
  local rc=$?
  set +e
  trap - EXIT INT TERM
  [ $rc -ne 0 ] && { echo "===== broker suite FAILED (exit $rc)"; print_logs; }
  stop_all
  if [ "${KEEP_TMP:-0}" = "1" ]; then echo "temp dir kept: $TMP"; else rm -rf "$TMP"; fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
  if command -v ss >/dev/null 2>&1; then
    [ -n "$(ss -Htan "( sport = :$1 )" 2>/dev/null)" ] && return 0
  fi
  return 1
}

# A random port P in [20000, 32000) with P-2..P+1 free (a broker uses P-2, P and P+1).
pick_port() {
  local p tries=0
  while [ $tries -lt 200 ]; do
    p=$((20000 + RANDOM % 12000))
    tries=$((tries + 1))
    if ! port_in_use $((p - 2)) && ! port_in_use $((p - 1)) && ! port_in_use "$p" && ! port_in_use $((p + 1)); then
      echo "$p"
      return 0
    fi
  done
  fail "no free port found"
}

wait_line() { # log pattern pid name timeout_s
  local log=$1 pattern=$2 pid=$3 name=$4 timeout=$5 start
  start=$(date +%s)
  until grep -q "$pattern" "$log" 2>/dev/null; do
    if ! alive "$pid"; then
      tail -n 30 "$log" 2>/dev/null
      fail "$name exited before printing '$pattern'"
    fi
    if [ $(($(date +%s) - start)) -ge "$timeout" ]; then
      tail -n 30 "$log" 2>/dev/null
      fail "$name did not print '$pattern' within ${timeout}s"
    fi
    sleep 0.2
  done
}

wait_port() { # port pid name timeout_s
  local port=$1 pid=$2 name=$3 timeout=$4 start
  start=$(date +%s)
  until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    alive "$pid" || fail "$name exited before listening on $port"
    [ $(($(date +%s) - start)) -ge "$timeout" ] && fail "$name not listening on $port after ${timeout}s"
    sleep 0.2
  done
}

# ---------------------------------------------------------------- java

CP5="$HERE/java5/target/classes:$HERE/java5/target/lib/*"
cp5_of() { # version -> classpath of java5 built against that RocketMQ version
  local dir=target
  [ "$1" = 5.3.3 ] || dir="target-$1"
  echo "$HERE/java5/$dir/classes:$HERE/java5/$dir/lib/*"
}
CP49="$HERE/java49/target/classes:$HERE/java49/target/lib/*"
JAVA_COMMON=(-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.io.tmpdir="$TMP/jtmp" -Dfile.encoding=UTF-8)
BS=(rmq.interop.broker.BrokerScenarios)
SC=(rmq.interop.Scenarios)

java_tool() { # home classpath main args...
  local home=$1 cp=$2
  shift 2
  mkdir -p "$home"
  timeout --foreground -k 10 "${TOOL_TIMEOUT_S:-600}" \
    "$JAVA" -Xms32m -Xmx512m "${JAVA_COMMON[@]}" -Duser.home="$home" -cp "$cp" "$@"
}

STEP_TIMES=()
VERSION_TIMES=()
record() { STEP_TIMES+=("$(printf '%-28s %4ss  %s' "$1" "$2" "$3")"); }

step() { # name cmd...
  local name=$1 t0 rc
  shift
  echo
  echo "=== $name"
  t0=$(date +%s)
  set +e
  (set -e; "$@") 2>&1 | tee "$TMP/logs/$name.log"
  rc=${PIPESTATUS[0]}
  set -e
  record "$name" $(($(date +%s) - t0)) "$([ "$rc" -eq 0 ] && echo ok || echo "FAILED ($rc)")"
  [ "$rc" -ne 0 ] && fail "step $name failed (exit $rc)"
  check_servers
}

check_servers() {
  local i
  for i in "${!PIDS[@]}"; do
    is_down "${PNAMES[$i]}" && continue
    [ "${PIDS[$i]}" = "$(proc_pid "${PNAMES[$i]}")" ] || continue
    alive "${PIDS[$i]}" || fail "${PNAMES[$i]} (pid ${PIDS[$i]}) died unexpectedly"
  done
}

# ---------------------------------------------------------------- servers

start_namesrv() { # name -> sets <name>_ADDR
  local name=$1 port home props
  port=$(pick_port)
  home="$TMP/home-$name"
  props="$TMP/$name.properties"
  mkdir -p "$home/namesrv"
  printf 'listenPort=%s\nbindAddress=127.0.0.1\nkvConfigPath=%s\nscanNotActiveBrokerInterval=1000\n' \
    "$port" "$home/namesrv/kvConfig.json" >"$props"
  start_proc "$name" "$TMP/logs/$name.out" "$home" env HOME="$home" "$RMQ_BIN_DIR/mqnamesrv" -c "$props"
  wait_port "$port" "$(proc_pid "$name")" "$name" 60
  printf -v "${name}_ADDR" '%s' "127.0.0.1:$port"
  echo "$name listening on 127.0.0.1:$port"
}

start_rmq_broker() { # name port namesrv-list [extra lines]
  local name=$1 port=$2 ns=$3 extra=${4:-} home conf log
  home="$TMP/home-$name"
  conf="$TMP/$name.conf"
  log="$TMP/logs/$name.out"
  {
    echo "brokerClusterName=DefaultCluster"
    echo "brokerName=$name"
    echo "brokerId=0"
    echo "listenPort=$port"
    echo "brokerIP1=127.0.0.1"
    echo "brokerIP2=127.0.0.1"
    echo "bindAddress=127.0.0.1"
    echo "storePathRootDir=$TMP/store-$name"
    echo "namesrvAddr=$ns"
    echo "mappedFileSizeCommitLog=67108864"
    echo "mappedFileSizeConsumeQueue=600000"
    echo "flushDiskType=ASYNC_FLUSH"
    echo "enablePropertyFilter=true"
    # Transaction checks every 2 s for half messages older than 2 s, op records of ended ones
    # written within 500 ms (Java's defaults: 30 s, 6 s, 3 s), so that the transaction steps'
    # check-backs come quickly and a committed message is not checked again because its op
    # record was not written yet; no other step sends half messages.
    echo "transactionCheckInterval=2000"
    echo "transactionTimeOut=2000"
    echo "transactionOpBatchInterval=500"
    [ -n "$extra" ] && printf '%s\n' "$extra"
  } >"$conf"
  local before=0
  [ -f "$log" ] && before=$(grep -c 'boot success' "$log" || true)
  start_proc "$name" "$log" "$home" env HOME="$home" "$RMQ_BIN_DIR/mqbroker" -c "$conf"
  local pid start
  pid=$(proc_pid "$name")
  start=$(date +%s)
  until [ "$(grep -c 'boot success' "$log" 2>/dev/null || true)" -gt "$before" ]; do
    alive "$pid" || fail "$name exited before booting"
    [ $(($(date +%s) - start)) -ge 60 ] && fail "$name did not boot within 60s"
    sleep 0.2
  done
  echo "$name: $(grep 'boot success' "$log" | tail -n 1)"
}

kill9() { # name
  local pid
  pid=$(proc_pid "$1")
  kill -KILL "$pid"
  wait "$pid" 2>/dev/null || true
  echo "$1 (pid $pid) killed with SIGKILL"
}

stop_proc() { # name
  local pid
  pid=$(proc_pid "$1")
  DOWN+=("$1")
  kill -TERM "$pid"
  wait "$pid" 2>/dev/null || true
  echo "$1 (pid $pid) stopped"
}

# ---------------------------------------------------------------- steps

do_build() {
  if [ "${RMQ_SKIP_CARGO:-0}" != "1" ]; then
    (cd "$REPO" && cargo build --release -p mqnamesrv -p mqbroker)
  fi
  [ -x "$RMQ_BIN_DIR/mqbroker" ] || fail "mqbroker not found in $RMQ_BIN_DIR"
  [ -x "$RMQ_BIN_DIR/mqnamesrv" ] || fail "mqnamesrv not found in $RMQ_BIN_DIR"
  if [ "${RMQ_SKIP_MVN:-0}" != "1" ]; then
    local proj v profile dir
    for proj in java5 java49; do
      mvn -q -B -Dstyle.color=never -f "$HERE/$proj/pom.xml" compile >"$TMP/logs/mvn-$proj.out" 2>&1 ||
        { sed 's/\x1b\[[0-9;]*m//g' "$TMP/logs/mvn-$proj.out" | tail -n 60; return 1; }
    done
    for v in "${JVERSIONS[@]}"; do
      [ "$v" = 5.3.3 ] && continue
      profile="rocketmq-$v"
      mvn -q -B -Dstyle.color=never -P "$profile" -f "$HERE/java5/pom.xml" compile >"$TMP/logs/mvn-java5-$v.out" 2>&1 ||
        { sed 's/\x1b\[[0-9;]*m//g' "$TMP/logs/mvn-java5-$v.out" | tail -n 60; return 1; }
    done
  fi
  for v in "${JVERSIONS[@]}"; do
    [ "$v" = 5.3.3 ] && dir=target || dir="target-$v"
    [ -d "$HERE/java5/$dir/lib" ] || fail "java5/$dir/lib missing: mvn -P rocketmq-$v compile in java5"
  done
  echo "built: $RMQ_BIN_DIR/mqbroker, java5 (${JVERSIONS[*]}), java49"
}

# Runs a Java scenario in the background; when it prints MARKER, kill -9s broker-a, restarts it
# on the same store and port, checks that it recovered from an abnormal shutdown and, when
# RELEASE is not empty, creates that file (the scenario waits for it). Records step NAME.
java_across_broker_kill() { # name marker release version args...
  local name=$1 marker=$2 release=$3 v=$4 t0 rc log="$TMP/logs/$1.log" jpid abnormal
  shift 4
  local blog="$TMP/home-broker-a/logs/rocketmqlogs/broker.log"
  echo
  echo "=== $name"
  t0=$(date +%s)
  abnormal=$(grep -c 'last shutdown.*normally=false' "$blog" 2>/dev/null || true)
  [ -n "$release" ] && rm -f "$release"
  java_tool "$TMP/home-client-$v" "$(cp5_of "$v")" "${BS[@]}" "$@" >"$log" 2>&1 &
  jpid=$!
  wait_line "$log" "$marker" "$jpid" "$name" 300
  grep "$marker" "$log"
  kill9 broker-a
  start_rmq_broker broker-a "$BR_PORT" "$NS_LIST"
  [ -n "$release" ] && touch "$release"
  set +e
  wait "$jpid"
  rc=$?
  set -e
  cat "$log"
  record "$name" $(($(date +%s) - t0)) "$([ "$rc" -eq 0 ] && echo ok || echo "FAILED ($rc)")"
  [ "$rc" -eq 0 ] || fail "step $name failed (exit $rc)"
  [ "$(grep -c 'last shutdown.*normally=false' "$blog" 2>/dev/null || true)" -gt "${abnormal:-0}" ] ||
    fail "the restarted broker did not recover from an abnormal shutdown"
}

do_crash_restart() { # version; runs in the main shell: it restarts the broker
  local v=$1
  java_across_broker_kill "crash-restart@$v" KILL-NOW "" "$v" crash-produce-consume -n "$NS_LIST" \
    -t "BsCrash_${TAG}_$(vtag "$v")" -g "bs_crash_cg_${TAG}_$(vtag "$v")" -c "$CRASH_COUNT" \
    --kill-after $((CRASH_COUNT * 2 / 5))
}

do_transaction_crash() { # version; runs in the main shell: it restarts the broker
  local v=$1
  java_across_broker_kill "transaction-crash@$v" KILL-BROKER-NOW "$TMP/tx-release-$(vtag "$v")" "$v" \
    transaction-crash -n "$NS_LIST" -t "BsTxCrash_${TAG}_$(vtag "$v")" --release-file "$TMP/tx-release-$(vtag "$v")"
}

vtag() { echo "${1//[^0-9A-Za-z]/}"; } # version -> topic/group-name suffix: 5.5.0 -> 550

restart_namesrv() { # name: start it again on its port (its properties file is kept)
  local name=$1 home="$TMP/home-$1" d keep=()
  for d in "${DOWN[@]:-}"; do [ -n "$d" ] && [ "$d" != "$name" ] && keep+=("$d"); done
  DOWN=("${keep[@]:-}")
  start_proc "$name" "$TMP/logs/$name.out" "$home" env HOME="$home" "$RMQ_BIN_DIR/mqnamesrv" -c "$TMP/$name.properties"
  local addr_var="${name}_ADDR"
  wait_port "${!addr_var##*:}" "$(proc_pid "$name")" "$name" 60
  echo "$name restarted on ${!addr_var}"
}

do_version() { # version index: every 5.x client scenario of the cluster step with that version
  local v=$1 i=$2 cp t H="$TMP/home-client-$1"
  cp=$(cp5_of "$v")
  t="${TAG}_$(vtag "$v")"
  local vt0
  vt0=$(date +%s)
  if is_down ns1; then
    restart_namesrv ns1
    step "wait-broker-ns1@$v" java_tool "$H" "$cp" "${SC[@]}" wait-broker -n "$ns1_ADDR" --broker-name broker-a \
      --cluster DefaultCluster --topic TBW102 --timeout-ms 90000
  fi
  step "send-modes@$v" java_tool "$H" "$cp" "${BS[@]}" send-modes -n "$NS_LIST" -t "BsSend_$t" -c "$SEND_COUNT"
  step "tags@$v" java_tool "$H" "$cp" "${BS[@]}" tags -n "$NS_LIST" -t "BsTags_$t"
  step "sql-filter@$v" java_tool "$H" "$cp" rmq.interop.broker.SqlFilter -n "$NS_LIST" -t "BsSql_$t"
  step "lite-pull@$v" java_tool "$H" "$cp" "${BS[@]}" lite-pull -n "$NS_LIST" -t "BsLite_$t"
  step "orderly@$v" java_tool "$H" "$cp" "${BS[@]}" orderly -n "$NS_LIST" -t "BsOrder_$t"
  step "retry-dlq@$v" java_tool "$H" "$cp" "${BS[@]}" retry-dlq -n "$NS_LIST" -t "BsRetry_$t"
  step "delay@$v" java_tool "$H" "$cp" "${BS[@]}" delay -n "$NS_LIST" -t "BsDelay_$t" --level 2 --min-ms 5000
  step "request-reply@$v" java_tool "$H" "$cp" "${BS[@]}" request-reply -n "$NS_LIST" -t "BsReq_$t"
  step "transaction@$v" java_tool "$H" "$cp" "${BS[@]}" transaction -n "$NS_LIST" -t "BsTx_$t"
  step "mqadmin@$v" java_tool "$TMP/home-admin-$v" "$cp" "${BS[@]}" mqadmin -n "$ns1_ADDR" -t "BsAdmin_$t" \
    --broker-addr "$BR_ADDR"
  if [ "$i" -eq 0 ]; then
    step produce-consume-4.9.8 java_tool "$TMP/home-client49" "$CP49" rmq.interop49.Scenarios49 produce-consume \
      -n "$NS_LIST" -t "Bs49_$TAG" -c 1000
  fi
  do_crash_restart "$v"
  do_transaction_crash "$v"
  do_two_namesrv "$v"
  VERSION_TIMES+=("$(printf '%-28s %4ss' "client $v (all steps)" $(($(date +%s) - vt0)))")
}

do_cluster() {
  TAG=$RANDOM
  start_namesrv ns1
  start_namesrv ns2
  NS_LIST="$ns1_ADDR;$ns2_ADDR"
  BR_PORT=$(pick_port)
  start_rmq_broker broker-a "$BR_PORT" "$NS_LIST"
  BR_ADDR="127.0.0.1:$BR_PORT"
  local H="$TMP/home-client" cp i
  cp=$(cp5_of "${JVERSIONS[0]}")
  step wait-broker-ns1 java_tool "$H" "$cp" "${SC[@]}" wait-broker -n "$ns1_ADDR" --broker-name broker-a \
    --cluster DefaultCluster --topic TBW102 --timeout-ms 60000
  step wait-broker-ns2 java_tool "$H" "$cp" "${SC[@]}" wait-broker -n "$ns2_ADDR" --broker-name broker-a \
    --cluster DefaultCluster --topic TBW102 --timeout-ms 60000
  for i in "${!JVERSIONS[@]}"; do
    do_version "${JVERSIONS[$i]}" "$i"
  done
}

do_two_namesrv() { # version; runs in the main shell: it stops ns1 when the scenario asks
  local v=$1 name="two-namesrv@$1" t0 rc log="$TMP/logs/two-namesrv@$1.log" jpid
  echo
  echo "=== $name"
  t0=$(date +%s)
  java_tool "$TMP/home-client-$v" "$(cp5_of "$v")" "${BS[@]}" two-namesrv -n "$NS_LIST" -t "BsNs_${TAG}_$(vtag "$v")" \
    --stop-addr "$ns1_ADDR" --live-addr "$ns2_ADDR" --broker-name broker-a >"$log" 2>&1 &
  jpid=$!
  wait_line "$log" STOP-NS-NOW "$jpid" two-namesrv 120
  stop_proc ns1
  set +e
  wait "$jpid"
  rc=$?
  set -e
  cat "$log"
  record "$name" $(($(date +%s) - t0)) "$([ "$rc" -eq 0 ] && echo ok || echo "FAILED ($rc)")"
  [ "$rc" -eq 0 ] || fail "step $name failed (exit $rc)"
}

# "RSS <kB> kB (anon <kB>, file <kB>, peak <kB>)": mapped store files count as file RSS.
rss_line() {
  awk '/^VmRSS/ {r=$2} /^RssAnon/ {a=$2} /^RssFile/ {f=$2} /^VmHWM/ {h=$2}
       END {printf "RSS %s kB (anon %s kB, file %s kB, peak %s kB)", r, a, f, h}' "/proc/$1/status" 2>/dev/null
}

do_bench() {
  local t0 out
  t0=$(date +%s)
  echo
  echo "=== bench"
  start_namesrv nsbench
  local p_rmq p_java
  p_rmq=$(pick_port)
  start_rmq_broker broker-bench "$p_rmq" "$nsbench_ADDR"
  java_tool "$TMP/home-bench" "$CP5" "${SC[@]}" wait-broker -n "$nsbench_ADDR" --broker-name broker-bench \
    --cluster DefaultCluster --topic TBW102 --timeout-ms 60000
  out="$TMP/logs/bench-rmq.out"
  java_tool "$TMP/home-bench" "$CP5" "${BS[@]}" bench-producer -n "$nsbench_ADDR" -t BenchRmq -w 64 -s 1024 \
    --seconds "$BENCH_SECONDS" --label rmq | tee "$out"
  local pid
  pid=$(proc_pid broker-bench)
  echo "BENCH rmq broker $(rss_line "$pid")" | tee -a "$out"
  stop_proc broker-bench

  start_namesrv nsjava
  p_java=$(pick_port)
  local home="$TMP/home-java-broker" log="$TMP/logs/java-broker.out"
  start_proc java-broker "$log" "$home" \
    "$JAVA" -Xms1g -Xmx1g -XX:MaxDirectMemorySize=1g -XX:+UseG1GC -Djava.io.tmpdir="$TMP/jtmp" -Duser.home="$home" \
    -cp "$CP5" rmq.interop.JavaBroker --namesrv "$nsjava_ADDR" --port "$p_java" --broker-name java-bench \
    --cluster DefaultCluster --store "$TMP/store-java-bench"
  wait_line "$log" JAVA_BROKER_READY "$(proc_pid java-broker)" java-broker 120
  java_tool "$TMP/home-bench" "$CP5" "${SC[@]}" wait-broker -n "$nsjava_ADDR" --broker-name java-bench \
    --cluster DefaultCluster --topic TBW102 --timeout-ms 60000
  out="$TMP/logs/bench-java.out"
  java_tool "$TMP/home-bench" "$CP5" "${BS[@]}" bench-producer -n "$nsjava_ADDR" -t BenchJava -w 64 -s 1024 \
    --seconds "$BENCH_SECONDS" --label java-5.3.3 | tee "$out"
  pid=$(proc_pid java-broker)
  echo "BENCH java broker $(rss_line "$pid")" | tee -a "$out"
  stop_proc java-broker
  record bench $(($(date +%s) - t0)) ok
}

echo "rmq broker suite: steps=${STEPS[*]} JAVA_CLIENTS=${JVERSIONS[*]} tmp=$TMP"
want build && step build do_build
want cluster && do_cluster
want bench && do_bench

echo
echo "=== summary ($(($(date +%s) - RUN_START))s total)"
printf '%s\n' "${STEP_TIMES[@]}"
[ ${#VERSION_TIMES[@]} -gt 0 ] && printf '%s\n' "${VERSION_TIMES[@]}"
grep -h '^BENCH' "$TMP"/logs/bench-rmq.out "$TMP"/logs/bench-java.out 2>/dev/null || true
echo "broker suite PASSED"
