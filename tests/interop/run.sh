#!/usr/bin/env bash
# rmq <-> Apache RocketMQ interoperability suite. See tests/interop/README.md.
#
#   NAMESRV_IMPL=rmq|java  bash tests/interop/run.sh [STEP...]
#
# STEPs (default: all, in this order): build golden rmq-golden cluster
#   build       mvn -q -B compile of java5/ (5.3.3, plus -P rocketmq-V for every other V in
#               JAVA_CLIENTS) and java49/
#   golden      GoldenBytes write (5.3.3) into a temp dir, diff against tests/interop/golden/,
#               GoldenBytes verify of the committed copy; for every other V in JAVA_CLIENTS
#               also GoldenBytes verify with V's decoder (golden-verify@V; no write/diff: the
#               frames carry the writer's version code)
#   rmq-golden  if RMQ_GOLDEN_WRITER is set: run it with a temp dir, GoldenBytes verify on it
#               (with every version of JAVA_CLIENTS)
#   cluster     namesrv under test + real Java broker (5.3.3); wait-broker, then for every V in
#               JAVA_CLIENTS namesrv-basics@V, admin-read@V, produce-consume-V with V's client;
#               produce-consume-4.9.8, kv file check, kill -9 broker, wait-broker-gone
#
# Environment:
#   NAMESRV_IMPL              rmq (default) or java
#   JAVA_CLIENTS              space-separated 5.x client versions (default "5.3.3"; e.g.
#                             "5.3.3 5.5.0"): 5.3.3 runs from java5/target, any other V from
#                             java5/target-V (java5/pom.xml's profile rocketmq-V). The Java
#                             NameServer/broker and GoldenBytes write stay 5.3.3.
#   RMQ_BIN_DIR               where mqnamesrv lives (default <repo>/target/release)
#   RMQ_NAMESRV_EXTRA_PROPS   extra lines for the rmq namesrv properties file (newline separated)
#   RMQ_GOLDEN_WRITER         command that writes golden files into the directory given as $1
#   BROKER_EXPIRY_TIMEOUT_MS  wait-broker-gone timeout (default 150000)
#   PRODUCE_COUNT             messages per produce-consume run (default 1000)
#   UPDATE_GOLDEN=1           golden step rewrites tests/interop/golden/ instead of diffing
#   KEEP_TMP=1                keep the temp dir (logs, stores) after the run
#   JAVA                      java binary (default: java on PATH)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
NAMESRV_IMPL=${NAMESRV_IMPL:-rmq}
RMQ_BIN_DIR=${RMQ_BIN_DIR:-$REPO/target/release}
BROKER_EXPIRY_TIMEOUT_MS=${BROKER_EXPIRY_TIMEOUT_MS:-150000}
PRODUCE_COUNT=${PRODUCE_COUNT:-1000}
JAVA=${JAVA:-java}
JAVA_CLIENTS=${JAVA_CLIENTS:-5.3.3}
read -r -a JVERSIONS <<<"$JAVA_CLIENTS"
[ ${#JVERSIONS[@]} -gt 0 ] || { echo "JAVA_CLIENTS is empty" >&2; exit 2; }
for v in "${JVERSIONS[@]}"; do
  [ "$v" = 5.3.3 ] || grep -q "<id>rocketmq-$v</id>" "$HERE/java5/pom.xml" ||
    { echo "JAVA_CLIENTS: java5/pom.xml has no profile rocketmq-$v" >&2; exit 2; }
done
export MAVEN_OPTS=${MAVEN_OPTS:--Xmx512m}

case "$NAMESRV_IMPL" in
  rmq|java) ;;
  *) echo "NAMESRV_IMPL must be rmq or java, got '$NAMESRV_IMPL'" >&2; exit 2 ;;
esac

STEPS=("$@")
if [ ${#STEPS[@]} -eq 0 ]; then
  STEPS=(build golden rmq-golden cluster)
fi
for s in "${STEPS[@]}"; do
  case "$s" in
    build|golden|rmq-golden|cluster) ;;
    *) echo "unknown step '$s' (build golden rmq-golden cluster)" >&2; exit 2 ;;
  esac
done
want() {
  local s
  for s in "${STEPS[@]}"; do [ "$s" = "$1" ] && return 0; done
  return 1
}

TMP=$(mktemp -d "${TMPDIR:-/tmp}/rmq-interop.XXXXXX")
mkdir -p "$TMP/jtmp" "$TMP/logs"
RUN_START=$(date +%s)

# ---------------------------------------------------------------- processes

PIDS=()        # every background process this script started
PNAMES=()      # its name, same index
PLOGS=()       # its stdout/stderr log, same index
PHOMES=()      # its HOME / user.home (RocketMQ logs live under it), same index

start_proc() { # name log home cmd...
  local name=$1 log=$2 home=$3
  shift 3
  mkdir -p "$home"
  "$@" >"$log" 2>&1 &
  PIDS+=($!)
  PNAMES+=("$name")
  PLOGS+=("$log")
  PHOMES+=("$home")
  echo "started $name (pid $!), log $log"
}

proc_index() { # name -> index
  local i
  for i in "${!PNAMES[@]}"; do
    [ "${PNAMES[$i]}" = "$1" ] && { echo "$i"; return 0; }
  done
  return 1
}

alive() { kill -0 "$1" 2>/dev/null; }

print_logs() { # index
  local i=$1 f
  echo "----- ${PNAMES[$i]} (pid ${PIDS[$i]}): last lines of ${PLOGS[$i]}"
  tail -n 60 "${PLOGS[$i]}" 2>/dev/null || true
  for f in "${PHOMES[$i]}"/logs/rocketmqlogs/{namesrv,broker,store}.log; do
    if [ -f "$f" ]; then
      echo "----- ${PNAMES[$i]}: last ERROR/WARN lines of $f"
      grep -E ' (ERROR|WARN) ' "$f" | tail -n 30 || true
    fi
  done
}

stop_all() {
  local i pid
  for i in "${!PIDS[@]}"; do
    pid=${PIDS[$i]}
    alive "$pid" && kill -TERM "$pid" 2>/dev/null || true
  done
  for _ in $(seq 1 50); do
    local any=0
    for pid in "${PIDS[@]}"; do alive "$pid" && any=1; done
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

cleanup() {
  local rc=$?
  set +e
  trap - EXIT INT TERM
  if [ $rc -ne 0 ]; then
    echo "===== interop suite FAILED (exit $rc)"
    local i
    for i in "${!PIDS[@]}"; do print_logs "$i"; done
  fi
  stop_all
  if [ "${KEEP_TMP:-0}" = "1" ]; then
    echo "temp dir kept: $TMP"
  else
    rm -rf "$TMP"
  fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# ---------------------------------------------------------------- ports

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
  if command -v ss >/dev/null 2>&1; then
    [ -n "$(ss -Htan "( sport = :$1 )" 2>/dev/null)" ] && return 0
  fi
  return 1
}

# A random port P in [20000, 32000) (below Linux's ephemeral range) such that P-2..P+1 are
# free: the broker uses P, P-2 (fast remoting) and P+1 (HA).
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

wait_port() { # port pid name timeout_s
  local port=$1 pid=$2 name=$3 timeout=$4 start
  start=$(date +%s)
  until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    alive "$pid" || fail "$name exited before listening on $port"
    [ $(($(date +%s) - start)) -ge "$timeout" ] && fail "$name not listening on $port after ${timeout}s"
    sleep 0.2
  done
}

wait_line() { # log pattern pid name timeout_s
  local log=$1 pattern=$2 pid=$3 name=$4 timeout=$5 start
  start=$(date +%s)
  until grep -q "$pattern" "$log" 2>/dev/null; do
    alive "$pid" || fail "$name exited before printing '$pattern'"
    [ $(($(date +%s) - start)) -ge "$timeout" ] && fail "$name did not print '$pattern' within ${timeout}s"
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

java_tool() { # home classpath main args...  (short-lived client JVM, killed after TOOL_TIMEOUT_S)
  local home=$1 cp=$2
  shift 2
  mkdir -p "$home"
  timeout --foreground -k 10 "${TOOL_TIMEOUT_S:-400}" \
    "$JAVA" -Xms32m -Xmx256m "${JAVA_COMMON[@]}" -Duser.home="$home" -cp "$cp" "$@"
}

STEP_TIMES=()
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
  local dt=$(($(date +%s) - t0))
  STEP_TIMES+=("$(printf '%-28s %4ss  %s' "$name" "$dt" "$([ "$rc" -eq 0 ] && echo ok || echo "FAILED ($rc)")")")
  if [ "$rc" -ne 0 ]; then
    fail "step $name failed (exit $rc)"
  fi
  check_servers
}

check_servers() {
  local i
  for i in "${!PIDS[@]}"; do
    if [ "${PNAMES[$i]}" != "${KILLED:-}" ] && ! alive "${PIDS[$i]}"; then
      fail "${PNAMES[$i]} (pid ${PIDS[$i]}) died unexpectedly"
    fi
  done
}

# ---------------------------------------------------------------- steps

do_build() {
  command -v mvn >/dev/null || fail "mvn not found"
  local proj out v prof
  for proj in java5 java49 $(for v in "${JVERSIONS[@]}"; do [ "$v" = 5.3.3 ] || echo "java5@$v"; done); do
    out="$TMP/logs/mvn-$proj.out"
    prof=()
    [[ $proj == java5@* ]] && prof=(-P "rocketmq-${proj#java5@}")
    # Maven's output goes to a file: Debian's Maven 3.8.7 prints stray ANSI resets even with -q -B.
    if ! mvn -q -B -Dstyle.color=never "${prof[@]}" -f "$HERE/${proj%@*}/pom.xml" compile >"$out" 2>&1; then
      sed 's/\x1b\[[0-9;]*m//g' "$out" | tail -n 80
      echo "mvn compile of $proj failed"
      return 1
    fi
  done
  echo "built java5 ($(ls "$HERE/java5/target/lib" | wc -l) jars) and java49 ($(ls "$HERE/java49/target/lib" | wc -l) jars)"
  for v in "${JVERSIONS[@]}"; do
    [ "$v" = 5.3.3 ] || echo "built java5 for $v ($(ls "$HERE/java5/target-$v/lib" | wc -l) jars in target-$v)"
  done
}

do_golden() {
  local out="$TMP/golden"
  if ! java_tool "$TMP/home-tools" "$CP5" rmq.interop.GoldenBytes write "$out" >"$TMP/logs/golden-write.out" 2>&1; then
    cat "$TMP/logs/golden-write.out"
    echo "GoldenBytes write failed"
    return 1
  fi
  if [ "${UPDATE_GOLDEN:-0}" = "1" ]; then
    rm -rf "$HERE/golden"
    cp -r "$out" "$HERE/golden"
    echo "UPDATE_GOLDEN=1: rewrote $HERE/golden ($(ls "$HERE/golden" | wc -l) files)"
  elif ! diff -r "$HERE/golden" "$out" >"$TMP/logs/golden.diff" 2>&1; then
    echo "regenerated golden files differ from tests/interop/golden/:"
    head -n 40 "$TMP/logs/golden.diff"
    echo "(if the change is intended: UPDATE_GOLDEN=1 bash tests/interop/run.sh golden)"
    return 1
  else
    echo "regenerated $(ls "$out" | wc -l) files: identical to tests/interop/golden/"
  fi
  verify_dir "$HERE/golden"
}

verify_dir() { # dir [version]: GoldenBytes verify, printing only the summary unless something fails
  local ver=${2:-5.3.3}
  local v="$TMP/logs/verify-$(basename "$1")-$ver.out"
  echo -n "[$ver decoder] "
  if java_tool "$TMP/home-tools" "$(cp5_of "$ver")" rmq.interop.GoldenBytes verify "$1" >"$v" 2>&1; then
    tail -n 1 "$v"
  else
    grep -v '^OK ' "$v"
    return 1
  fi
}

do_rmq_golden() {
  if [ -z "${RMQ_GOLDEN_WRITER:-}" ]; then
    echo "RMQ_GOLDEN_WRITER not set: skipped"
    return 0
  fi
  local dir="$TMP/rmq-golden"
  mkdir -p "$dir"
  echo "running: $RMQ_GOLDEN_WRITER $dir"
  bash -c "$RMQ_GOLDEN_WRITER \"\$1\"" rmq-golden-writer "$dir"
  local v
  for v in $(printf '%s\n' 5.3.3 "${JVERSIONS[@]}" | awk '!seen[$0]++'); do
    verify_dir "$dir" "$v"
  done
}

start_namesrv() {
  NS_PORT=$(pick_port)
  NS_ADDR="127.0.0.1:$NS_PORT"
  local home="$TMP/home-namesrv" log="$TMP/logs/namesrv.out"
  mkdir -p "$home/namesrv"
  KV_FILE="$home/namesrv/kvConfig.json"
  if [ "$NAMESRV_IMPL" = java ]; then
    start_proc namesrv "$log" "$home" \
      "$JAVA" -Xms64m -Xmx256m "${JAVA_COMMON[@]}" -Duser.home="$home" -cp "$CP5" \
      rmq.interop.JavaNamesrv "$NS_PORT" "$KV_FILE" scanNotActiveBrokerInterval=1000
    wait_line "$log" JAVA_NAMESRV_READY "${PIDS[-1]}" namesrv 60
  else
    local bin="$RMQ_BIN_DIR/mqnamesrv"
    [ -x "$bin" ] || fail "rmq namesrv binary not found at $bin (build it, set RMQ_BIN_DIR, or use NAMESRV_IMPL=java)"
    local props="$TMP/namesrv.properties"
    {
      echo "listenPort=$NS_PORT"
      echo "bindAddress=127.0.0.1"
      echo "kvConfigPath=$KV_FILE"
      echo "scanNotActiveBrokerInterval=1000"
      [ -n "${RMQ_NAMESRV_EXTRA_PROPS:-}" ] && printf '%s\n' "$RMQ_NAMESRV_EXTRA_PROPS"
    } >"$props"
    start_proc namesrv "$log" "$home" env HOME="$home" "$bin" -c "$props"
  fi
  wait_port "$NS_PORT" "${PIDS[-1]}" namesrv 60
  echo "namesrv ($NAMESRV_IMPL) listening on $NS_ADDR"
}

start_broker() {
  BR_PORT=$(pick_port)
  BROKER_NAME=interop-broker-a
  CLUSTER=InteropCluster
  local home="$TMP/home-broker" log="$TMP/logs/broker.out"
  start_proc broker "$log" "$home" \
    "$JAVA" -Xms128m -Xmx512m -XX:MaxDirectMemorySize=256m "${JAVA_COMMON[@]}" -Duser.home="$home" -cp "$CP5" \
    rmq.interop.JavaBroker --namesrv "$NS_ADDR" --port "$BR_PORT" --broker-name "$BROKER_NAME" --cluster "$CLUSTER" \
    --store "$TMP/broker-store"
  wait_line "$log" JAVA_BROKER_READY "${PIDS[-1]}" broker 120
  echo "java broker $BROKER_NAME on 127.0.0.1:$BR_PORT"
}

check_kv_file() {
  [ -s "$KV_FILE" ] || { echo "namesrv did not write $KV_FILE"; return 1; }
  grep -q '"configTable"' "$KV_FILE" || { echo "$KV_FILE lacks configTable: $(head -c 300 "$KV_FILE")"; return 1; }
  grep -q 'interop_raw_' "$KV_FILE" || { echo "$KV_FILE lacks the namespace written by namesrv-basics"; return 1; }
  echo "kv config persisted at ~/namesrv/kvConfig.json ($(wc -c <"$KV_FILE") bytes)"
}

kill_broker() { # runs in the main shell (not through step): it changes KILLED and reaps the child
  local i
  i=$(proc_index broker)
  KILLED=broker
  echo
  echo "=== kill-broker"
  kill -KILL "${PIDS[$i]}"
  wait "${PIDS[$i]}" 2>/dev/null || true
  echo "broker (pid ${PIDS[$i]}) killed with SIGKILL"
  STEP_TIMES+=("$(printf '%-28s %4ss  %s' kill-broker 0 ok)")
}

do_cluster() {
  start_namesrv
  start_broker
  local S=(rmq.interop.Scenarios) tag=$RANDOM
  step wait-broker java_tool "$TMP/home-tools" "$CP5" "${S[@]}" wait-broker -n "$NS_ADDR" \
    --broker-name "$BROKER_NAME" --cluster "$CLUSTER" --topic TBW102 --timeout-ms 60000
  local v cp
  for v in "${JVERSIONS[@]}"; do
    cp=$(cp5_of "$v")
    step "namesrv-basics@$v" java_tool "$TMP/home-tools-$v" "$cp" "${S[@]}" namesrv-basics -n "$NS_ADDR"
    step "admin-read@$v" java_tool "$TMP/home-tools-$v" "$cp" "${S[@]}" admin-read -n "$NS_ADDR" \
      --expect-broker "$BROKER_NAME" --expect-cluster "$CLUSTER" --topic TBW102
    step "produce-consume-$v" java_tool "$TMP/home-client-$v" "$cp" "${S[@]}" produce-consume -n "$NS_ADDR" \
      -t "InteropTopic5_${tag}_${v//./}" -c "$PRODUCE_COUNT"
  done
  step produce-consume-4.9.8 java_tool "$TMP/home-client49" "$CP49" rmq.interop49.Scenarios49 produce-consume \
    -n "$NS_ADDR" -t "InteropTopic49_$tag" -c "$PRODUCE_COUNT"
  step kv-file check_kv_file
  kill_broker
  step wait-broker-gone java_tool "$TMP/home-tools" "$CP5" "${S[@]}" wait-broker-gone -n "$NS_ADDR" \
    --broker-name "$BROKER_NAME" --topic TBW102 --timeout-ms "$BROKER_EXPIRY_TIMEOUT_MS"
}

echo "rmq interop suite: NAMESRV_IMPL=$NAMESRV_IMPL JAVA_CLIENTS=${JVERSIONS[*]} steps=${STEPS[*]} tmp=$TMP"
want build && step build do_build
want golden && step golden do_golden
if want golden; then
  for v in "${JVERSIONS[@]}"; do
    [ "$v" = 5.3.3 ] || step "golden-verify@$v" verify_dir "$HERE/golden" "$v"
  done
fi
want rmq-golden && step rmq-golden do_rmq_golden
want cluster && do_cluster

echo
echo "=== summary (NAMESRV_IMPL=$NAMESRV_IMPL, $(($(date +%s) - RUN_START))s total)"
printf '%s\n' "${STEP_TIMES[@]}"
echo "interop suite PASSED"
