#!/usr/bin/env bash
# Broker CPU per message for 1 KiB synchronous sends, for several rmq broker builds (and
# optionally Java's broker 5.3.3) in one run, under the same load generator:
#
#   BROKERS="before=/path/to/old/mqbroker after=target/release/mqbroker" bash bench/broker-cpu.sh
#
# For each ROUND and each broker (in turn, so slow drifts of the shared machine hit all alike):
# a fresh store and rmq NameServer, `mqadmin updateTopic` (8 queues), a warm-up of WARMUP_MSGS
# messages (Java: at least JAVA_WARMUP_S seconds as well), then MSGS messages with
# `benchmark-producer -w 64 -s 1024 -q MSGS`. The broker's utime+stime are read from
# /proc/PID/stat around the measured batch; CPU per message = (delta ticks / CLK_TCK) / MSGS.
# Prints each round, then per broker the median of the rounds and its ratio to the first broker.
#
# A path ending in `+acl` runs that rmq broker with ACL 2.0 on (authentication and
# authorization, the producer's user a Super user) and the producer signing every request
# (`-a true -ak rocketmq2 -sk 12345678`): the cost of signing and its checks, e.g.
#   BROKERS="off=target/release/mqbroker acl=target/release/mqbroker+acl" bash bench/broker-cpu.sh
#
# Environment: BROKERS (label=path ...; default "rmq=$RMQ_BIN_DIR/mqbroker"), JAVA_BROKER=1 (adds
# Java's broker from tests/interop/java5), MSGS (200000), WARMUP_MSGS (50000), ROUNDS (3),
# JAVA_WARMUP_S (30), RMQ_BIN_DIR (mqnamesrv, mqadmin, benchmark-producer; <repo>/target/release),
# JAVA, KEEP_TMP=1.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
RMQ_BIN_DIR=${RMQ_BIN_DIR:-${CARGO_TARGET_DIR:-$REPO/target}/release}
BROKERS=${BROKERS:-"rmq=$RMQ_BIN_DIR/mqbroker"}
MSGS=${MSGS:-200000}
WARMUP_MSGS=${WARMUP_MSGS:-50000}
ROUNDS=${ROUNDS:-3}
JAVA_WARMUP_S=${JAVA_WARMUP_S:-30}
JAVA=${JAVA:-java}
CLK_TCK=$(getconf CLK_TCK)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/rmq-broker-cpu.XXXXXX")

. "$REPO/bench/lib.sh"

for b in mqnamesrv mqadmin benchmark-producer; do
  [ -x "$RMQ_BIN_DIR/$b" ] || fail "missing $RMQ_BIN_DIR/$b (cargo build --release --workspace --bins)"
done
ENTRIES=()
for e in $BROKERS; do
  b=${e#*=}
  [ -x "${b%+acl}" ] || fail "broker binary ${b%+acl} not found"
  ENTRIES+=("$e")
done
if [ "${JAVA_BROKER:-0}" = 1 ]; then
  CP="$REPO/tests/interop/java5/target/classes:$REPO/tests/interop/java5/target/lib/*"
  [ -d "$REPO/tests/interop/java5/target/lib" ] ||
    mvn -q -B -Dstyle.color=never -f "$REPO/tests/interop/java5/pom.xml" compile
  ENTRIES+=("java=java")
fi

ACL_USER=rocketmq2
ACL_SECRET=12345678
ACL_ARGS=() # the producer's signing options while an `+acl` broker runs

# run_producer NS COUNT LOG: sends COUNT 1 KiB messages synchronously with 64 tasks.
run_producer() {
  "$RMQ_BIN_DIR/benchmark-producer" -n "$1" -t CpuTopic -w 64 -s 1024 -q "$2" -ri 100000 ${ACL_ARGS[@]+"${ACL_ARGS[@]}"} > "$3" 2>&1 ||
    { tail -20 "$3" >&2; fail "benchmark-producer failed"; }
  grep -q '^\[Summary\]' "$3" || { tail -20 "$3" >&2; fail "benchmark-producer printed no summary"; }
  if grep -q 'Failed: [1-9]' <(grep '^\[Summary\]' "$3"); then
    grep '^\[Summary\]' "$3" >&2
    fail "sends failed"
  fi
}

# measure LABEL PATH ROUND: prints "LABEL ROUND us_per_msg tps".
measure() {
  local label=$1 path=$2 round=$3 home="$TMP/home-$1-$3" ns_port broker_port ns ns_pid broker_pid
  mkdir -p "$home"
  ns_port=$(pick_port)
  broker_port=$(pick_port)
  ns=127.0.0.1:$ns_port
  printf 'listenPort=%s\nbindAddress=127.0.0.1\n' "$ns_port" > "$home/namesrv.properties"
  HOME="$home" "$RMQ_BIN_DIR/mqnamesrv" -c "$home/namesrv.properties" > "$home/namesrv.log" 2>&1 &
  ns_pid=$!
  PIDS+=("$ns_pid")
  wait_line "$home/namesrv.log" "boot success" "$ns_pid" 60
  if [ "$path" = java ]; then
    HOME="$home" "$JAVA" -server -Xms2g -Xmx2g -XX:+UseG1GC -XX:MaxDirectMemorySize=2g \
      -Duser.home="$home" -Djava.io.tmpdir="$home" -cp "$CP" rmq.interop.JavaBroker \
      --namesrv "$ns" --port "$broker_port" --broker-name broker-a --cluster DefaultCluster \
      --store "$home/store" > "$home/broker.log" 2>&1 &
    broker_pid=$!
    PIDS+=("$broker_pid")
    wait_line "$home/broker.log" JAVA_BROKER_READY "$broker_pid" 120
  else
    printf 'brokerClusterName=DefaultCluster\nbrokerName=broker-a\nbrokerId=0\nlistenPort=%s\nbrokerIP1=127.0.0.1\nbindAddress=127.0.0.1\nnamesrvAddr=%s\nstorePathRootDir=%s\n' \
      "$broker_port" "$ns" "$home/store" > "$home/broker.properties"
    ACL_ARGS=()
    if [ "${path%+acl}" != "$path" ]; then
      path=${path%+acl}
      ACL_ARGS=(-a true -ak "$ACL_USER" -sk "$ACL_SECRET")
      mkdir -p "$home/conf"
      printf 'accessKey: %s\nsecretKey: %s\n' "$ACL_USER" "$ACL_SECRET" > "$home/conf/tools.yml"
      {
        echo "authenticationEnabled=true"
        echo "authorizationEnabled=true"
        echo "authenticationMetadataProvider=org.apache.rocketmq.auth.authentication.provider.LocalAuthenticationMetadataProvider"
        echo "authorizationMetadataProvider=org.apache.rocketmq.auth.authorization.provider.LocalAuthorizationMetadataProvider"
        echo "initAuthenticationUser={\"username\":\"$ACL_USER\",\"password\":\"$ACL_SECRET\"}"
      } >> "$home/broker.properties"
    fi
    HOME="$home" "$path" -c "$home/broker.properties" > "$home/broker.log" 2>&1 &
    broker_pid=$!
    PIDS+=("$broker_pid")
    wait_line "$home/broker.log" "boot success" "$broker_pid" 60
  fi
  for _ in $(seq 1 100); do
    HOME="$home" ROCKETMQ_HOME="$home" "$RMQ_BIN_DIR/mqadmin" updateTopic -n "$ns" -c DefaultCluster -t CpuTopic > /dev/null 2>&1 && break
    sleep 0.3
  done
  local warm_start
  warm_start=$(date +%s)
  run_producer "$ns" "$WARMUP_MSGS" "$home/warmup.log"
  if [ "$path" = java ]; then
    while [ $(($(date +%s) - warm_start)) -lt "$JAVA_WARMUP_S" ]; do
      run_producer "$ns" "$WARMUP_MSGS" "$home/warmup.log"
    done
  fi
  local t0 t1 line tps
  t0=$(cpu_ticks "$broker_pid")
  run_producer "$ns" "$MSGS" "$home/measure.log"
  t1=$(cpu_ticks "$broker_pid")
  line=$(grep '^\[Summary\]' "$home/measure.log")
  tps=$(sed -n 's/.*| TPS: \([0-9.]*\).*/\1/p' <<<"$line")
  stop_pid "$broker_pid"
  stop_pid "$ns_pid"
  rm -rf "$home/store"
  awk -v l="$label" -v r="$round" -v d=$((t1 - t0)) -v hz="$CLK_TCK" -v n="$MSGS" -v tps="$tps" \
    'BEGIN { printf "%s %s %.2f %s\n", l, r, d / hz / n * 1e6, tps }'
}

echo "broker-cpu: $MSGS x 1 KiB sync sends per round (64 tasks), $ROUNDS rounds, $(nproc) cores"
printf '%-10s %5s %14s %12s\n' broker round "cpu(us/msg)" "TPS(msg/s)"
RESULTS="$TMP/results"
: > "$RESULTS"
for round in $(seq 1 "$ROUNDS"); do
  for e in "${ENTRIES[@]}"; do
    r=$(measure "${e%%=*}" "${e#*=}" "$round")
    echo "$r" >> "$RESULTS"
    read -r l rr us tps <<<"$r"
    printf '%-10s %5s %14s %12s\n' "$l" "$rr" "$us" "$tps"
  done
done
echo
echo "median of $ROUNDS rounds (ratio to ${ENTRIES[0]%%=*}):"
first=""
for e in "${ENTRIES[@]}"; do
  l=${e%%=*}
  med=$(awk -v l="$l" '$1 == l { print $3 }' "$RESULTS" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
  tps=$(awk -v l="$l" '$1 == l { print $4 }' "$RESULTS" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
  [ -z "$first" ] && first=$med
  printf '%-10s cpu %8s us/msg  TPS %10s  cpu ratio %s\n' "$l" "$med" "$tps" \
    "$(awk -v a="$med" -v b="$first" 'BEGIN { printf "%.2f", a / b }')"
done
