#!/usr/bin/env bash
# Transaction and timer modes of bench/compare-java (run through run.sh with MODE=transaction,
# MODE=timer or MODE=timer-pending, or directly: bash bench/compare-java/txn-timer.sh MODE).
# For each broker of IMPLS (Java 5.3.3 first, then rmq), on a fresh store, with an rmq
# NameServer, Java's default store settings (1 GiB CommitLog files, ASYNC_MASTER, ASYNC_FLUSH,
# timerWheelEnable=true, transactionCheckInterval 30 s), topic CompareTopic (8 queues):
#
# transaction: the load generator (LOADGEN=rmq: rmq's benchmark-tproducer; LOADGEN=java:
#   Java's TransactionProducer from rocketmq-example, see bench/tproducer-java.sh) runs
#   `TX_ARGS` (-w 32 -s 1024: 32 threads, half message + commit, 1 KiB) without stopping;
#   after WARMUP_S (30; the JVM needs >= 25 s) the broker's CPU (utime+stime, /proc/PID/stat)
#   and the committed messages in CompareTopic (mqadmin topicStatus) are read, again
#   DURATION (30) s later. Reported: committed transactions/s, broker CPU per transaction,
#   half messages/s (RMQ_SYS_TRANS_HALF_TOPIC) and, with LOADGEN=rmq, the tool's [Summary]
#   (p99 over the whole run, failed sends).
# timer: benchmark-producer -tm TIMER_DELAY_MS (5000) `TIMER_ARGS` (-w 32 -s 1024): every
#   message is a timer message due 5 s after its send. Warm-up: WARMUP_S of the same, until
#   it is all delivered. Measured: DURATION s of sends (the tool's [Summary]: send TPS, p99),
#   then the wait until CompareTopic holds every message (delivered = the broker put it in
#   the topic). Reported: send TPS, delivery lag = (time all were delivered) - (end of the
#   sends + delay), broker CPU per message from the first measured send to the last delivery
#   (send, timer enqueue, dequeue and re-put).
# timer-pending: after the timer warm-up, PENDING (1,000,000) timer messages due
#   PENDING_DELAY_MS (600000) + random 0..PENDING_RANGE_MS (1200000) ms after their send (10 to
#   30 minutes: nothing is delivered during the run), benchmark-producer -q PENDING
#   `PENDING_ARGS` (-w 32 -s 1024). Reported: the tool's send TPS, the timer enqueue rate
#   (PENDING / seconds until brokerStatus timerOffsetBehind is 0 again, i.e. every message is
#   in the timer log) and the peak timerEnqueueTps sampled every second, CPU per message, and
#   the broker's memory (VmRSS, RssAnon, RssFile from /proc/PID/status) before and after, plus
#   the peak. Stores are deleted after each broker.
#
# Environment: IMPLS ("java rmq"), DURATION, WARMUP_S, LOADGEN, TX_ARGS, TIMER_DELAY_MS,
# TIMER_ARGS, PENDING, PENDING_DELAY_MS, PENDING_RANGE_MS, PENDING_ARGS, JAVA_HEAP (2g),
# RMQ_BIN_DIR (<repo>/target/release; built unless SKIP_BUILD=1), TOOLS_BIN_DIR (benchmark
# tools; RMQ_BIN_DIR), JAVA, BENCH_DIR, KEEP_TMP=1.
set -euo pipefail

MODE=${1:-${MODE:-transaction}}
case "$MODE" in transaction|timer|timer-pending) ;; *) echo "mode must be transaction, timer or timer-pending" >&2; exit 2 ;; esac
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
INTEROP=$REPO/tests/interop
IMPLS=${IMPLS:-java rmq}
DURATION=${DURATION:-30}
WARMUP_S=${WARMUP_S:-30}
LOADGEN=${LOADGEN:-rmq}
TX_ARGS=${TX_ARGS:--w 32 -s 1024}
TIMER_DELAY_MS=${TIMER_DELAY_MS:-5000}
TIMER_ARGS=${TIMER_ARGS:--w 32 -s 1024}
PENDING=${PENDING:-1000000}
PENDING_DELAY_MS=${PENDING_DELAY_MS:-600000}
PENDING_RANGE_MS=${PENDING_RANGE_MS:-1200000}
PENDING_ARGS=${PENDING_ARGS:--w 32 -s 1024}
JAVA=${JAVA:-java}
JAVA_HEAP=${JAVA_HEAP:-2g}
RMQ_BIN_DIR=${RMQ_BIN_DIR:-${CARGO_TARGET_DIR:-$REPO/target}/release}
TOOLS_BIN_DIR=${TOOLS_BIN_DIR:-$RMQ_BIN_DIR}
TMP=${BENCH_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/rmq-compare-$MODE.XXXXXX")}
mkdir -p "$TMP"
CLK_TCK=$(getconf CLK_TCK)
TOPIC=CompareTopic

. "$REPO/bench/lib.sh"

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  (cd "$REPO" && cargo build -q --release -p mqnamesrv -p mqbroker -p mqadmin -p rmq-benchmark)
  mvn -q -B -Dstyle.color=never -o -f "$INTEROP/java5/pom.xml" compile \
    || mvn -q -B -Dstyle.color=never -f "$INTEROP/java5/pom.xml" compile
fi
for b in "$RMQ_BIN_DIR/mqnamesrv" "$RMQ_BIN_DIR/mqbroker" "$RMQ_BIN_DIR/mqadmin" \
  "$TOOLS_BIN_DIR/benchmark-producer" "$TOOLS_BIN_DIR/benchmark-tproducer"; do
  [ -x "$b" ] || fail "missing $b"
done
help=$("$TOOLS_BIN_DIR/benchmark-producer" -h 2>&1 || true)
grep -q timerDelayMs <<<"$help" ||
  fail "$TOOLS_BIN_DIR/benchmark-producer has no -tm (timerDelayMs) option: rebuild rmq-benchmark"
CP="$INTEROP/java5/target/classes:$INTEROP/java5/target/lib/*"
if [ "$MODE" = transaction ] && [ "$LOADGEN" = java ]; then
  TPCP=$(bash "$REPO/bench/tproducer-java.sh" --classpath)
fi
# Java's defaults where the interop launcher shrinks them for a shared machine.
JAVA_DEFAULTS=(mappedFileSizeCommitLog=1073741824 mappedFileSizeConsumeQueue=6000000
  mappedFileSizeTimerLog=104857600 maxHashSlotNum=5000000 maxIndexNum=20000000
  sendMessageThreadPoolNums="$(( $(nproc) < 4 ? $(nproc) : 4 ))"
  pullMessageThreadPoolNums="$((16 + $(nproc) * 2))" timerWheelEnable=true)

admin() { "$RMQ_BIN_DIR/mqadmin" "$@" 2>/dev/null || true; }
msgs() { # topic: messages in it (sum of its queues' max offsets)
  admin topicStatus -n "$NS" -t "$1" | awk '$1 == "broker-a" { s += $4 } END { print s + 0 }'
}
broker_stat() { # key
  admin brokerStatus -n "$NS" -b "$BROKER_ADDR" | awk -F: -v k="$1" '$1 ~ "^"k"[ \t]*$" { gsub(/[ \t]/, "", $2); print $2 }'
}
now() { date +%s.%N; }
running() { [ -r "/proc/$1/stat" ] && [ "$(sed 's/^.*) //' "/proc/$1/stat" | cut -d' ' -f1)" != Z ]; }
us_per_msg() { # ticks msgs
  awk -v d="$1" -v hz="$CLK_TCK" -v n="$2" 'BEGIN { if (n > 0) printf "%.2f", d / hz / n * 1e6; else print "-" }'
}
per_s() { # n t0 t1
  awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN { printf "%.0f", n / (b - a) }'
}
mem() { # pid: "VmRSS RssAnon RssFile" in KiB
  awk '/^VmRSS:/ { r = $2 } /^RssAnon:/ { a = $2 } /^RssFile:/ { f = $2 } END { print r + 0, a + 0, f + 0 }' "/proc/$1/status"
}
mib() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }
field() { sed -n "s/.*| $2: \([0-9.]*\).*/\1/p" <<<"$1"; }

# start_rss_sampler PID OUT: OUT holds "peak_vmrss peak_rssanon peak_rssfile" (KiB).
start_rss_sampler() {
  local pid=$1 out=$2
  (
    pr=0; pa=0; pf=0
    trap 'echo "$pr $pa $pf" > "$out"; exit 0' TERM
    while kill -0 "$pid" 2>/dev/null; do
      read -r r a f < <(mem "$pid" 2>/dev/null || echo "0 0 0")
      [ "${r:-0}" -gt "$pr" ] && pr=$r
      [ "${a:-0}" -gt "$pa" ] && pa=$a
      [ "${f:-0}" -gt "$pf" ] && pf=$f
      echo "$pr $pa $pf" > "$out"
      sleep 0.5
    done
  ) &
  SAMPLER=$!
  PIDS+=("$SAMPLER")
}

start_pair() { # impl: NameServer and broker; sets NS, NS_PID, BROKER_PID, BROKER_ADDR
  local impl=$1 port
  mkdir -p "$TMP/$impl/home"
  port=$(pick_port)
  NS=127.0.0.1:$port
  printf 'listenPort=%s\nbindAddress=127.0.0.1\n' "$port" >"$TMP/$impl/namesrv.properties"
  HOME="$TMP/$impl/home" "$RMQ_BIN_DIR/mqnamesrv" -c "$TMP/$impl/namesrv.properties" >"$TMP/$impl/namesrv.log" 2>&1 &
  NS_PID=$!
  PIDS+=("$NS_PID")
  wait_line "$TMP/$impl/namesrv.log" "boot success" "$NS_PID" 60
  port=$(pick_port)
  BROKER_ADDR=127.0.0.1:$port
  if [ "$impl" = java ]; then
    HOME="$TMP/$impl/home" "$JAVA" -server -Xms"$JAVA_HEAP" -Xmx"$JAVA_HEAP" -XX:+UseG1GC -XX:MaxDirectMemorySize=2g \
      -Duser.home="$TMP/$impl/home" -Djava.io.tmpdir="$TMP" -cp "$CP" rmq.interop.JavaBroker \
      --namesrv "$NS" --port "$port" --broker-name broker-a --cluster DefaultCluster \
      --store "$TMP/$impl/store" "${JAVA_DEFAULTS[@]}" >"$TMP/$impl/broker.log" 2>&1 &
    BROKER_PID=$!
    PIDS+=("$BROKER_PID")
    wait_line "$TMP/$impl/broker.log" JAVA_BROKER_READY "$BROKER_PID" 120
  else
    printf 'brokerClusterName=DefaultCluster\nbrokerName=broker-a\nbrokerId=0\nlistenPort=%s\nbrokerIP1=127.0.0.1\nbindAddress=127.0.0.1\nnamesrvAddr=%s\nstorePathRootDir=%s\nbrokerRole=ASYNC_MASTER\nflushDiskType=ASYNC_FLUSH\ntimerWheelEnable=true\n' \
      "$port" "$NS" "$TMP/$impl/store" >"$TMP/$impl/broker.properties"
    HOME="$TMP/$impl/home" "$RMQ_BIN_DIR/mqbroker" -c "$TMP/$impl/broker.properties" >"$TMP/$impl/broker.log" 2>&1 &
    BROKER_PID=$!
    PIDS+=("$BROKER_PID")
    wait_line "$TMP/$impl/broker.log" "boot success" "$BROKER_PID" 60
  fi
  for _ in $(seq 1 100); do
    "$RMQ_BIN_DIR/mqadmin" updateTopic -n "$NS" -c DefaultCluster -t "$TOPIC" -r 8 -w 8 >/dev/null 2>&1 && return 0
    sleep 0.3
  done
  fail "updateTopic failed"
}

stop_pair() { # impl
  kill -TERM "$SAMPLER" 2>/dev/null; wait "$SAMPLER" 2>/dev/null || true
  read -r R["$1.peak_rss"] R["$1.peak_anon"] R["$1.peak_file"] <"$TMP/$1/rss"
  stop_pid "$BROKER_PID"
  stop_pid "$NS_PID"
  rm -rf "$TMP/$1/store"
}

# producer LOG ARGS...: benchmark-producer to CompareTopic in the background (PRODUCER pid).
producer() {
  local log=$1
  shift
  "$TOOLS_BIN_DIR/benchmark-producer" -n "$NS" -t "$TOPIC" -ri 10000 "$@" >"$log" 2>&1 &
  PRODUCER=$!
  PIDS+=("$PRODUCER")
}
summary() { # log: the tool's [Summary] line
  grep '^\[Summary\]' "$1" || { tail -20 "$1" >&2; fail "no [Summary] in $1"; }
}

wait_delivered() { # count timeout_s: until CompareTopic holds count messages
  local start got
  start=$(date +%s)
  while :; do
    got=$(msgs "$TOPIC")
    [ "$got" -ge "$1" ] && return 0
    alive "$BROKER_PID" || fail "broker exited"
    [ $(($(date +%s) - start)) -ge "$2" ] && fail "$TOPIC holds $got of $1 messages after $2 s"
    sleep 0.2
  done
}

# Timer warm-up: WARMUP_S s of timer sends (TIMER_DELAY_MS), then until all are delivered.
timer_warmup() { # impl: sets WARM (messages delivered by the warm-up)
  local line
  producer "$TMP/$1/warmup.log" $TIMER_ARGS -tm "$TIMER_DELAY_MS"
  sleep "$WARMUP_S"
  stop_pid "$PRODUCER"
  line=$(summary "$TMP/$1/warmup.log")
  WARM=$(field "$line" Success)
  wait_delivered "$WARM" $((TIMER_DELAY_MS / 1000 + 120))
  # Sends still in flight at the stop are stored but not counted by the tool: the baseline is
  # what the topic holds once it stops growing.
  local prev=-1
  while [ "$WARM" != "$prev" ]; do
    prev=$WARM
    sleep 2
    WARM=$(msgs "$TOPIC")
  done
  echo "$1: warm-up ${WARMUP_S} s, $WARM timer messages sent and delivered"
}

transaction_run() { # impl
  local impl=$1 t0 t1 c0 c1 m0 m1 h0 h1 tool line
  if [ "$LOADGEN" = java ]; then
    # shellcheck disable=SC2086 # TX_ARGS is a list of options
    "$JAVA" -server -Xms1g -Xmx1g -Xmn256m -XX:+UseG1GC -Drocketmq.client.logRoot="$TMP/$impl/client-logs" \
      -cp "$TPCP" org.apache.rocketmq.example.benchmark.TransactionProducer -n "$NS" -t "$TOPIC" $TX_ARGS \
      >"$TMP/$impl/tproducer.log" 2>&1 &
  else
    # shellcheck disable=SC2086
    "$TOOLS_BIN_DIR/benchmark-tproducer" -n "$NS" -t "$TOPIC" -ri 10000 $TX_ARGS >"$TMP/$impl/tproducer.log" 2>&1 &
  fi
  tool=$!
  PIDS+=("$tool")
  sleep "$WARMUP_S"
  running "$tool" || { tail -20 "$TMP/$impl/tproducer.log" >&2; fail "the transaction producer exited"; }
  m0=$(msgs "$TOPIC"); h0=$(msgs RMQ_SYS_TRANS_HALF_TOPIC); c0=$(cpu_ticks "$BROKER_PID"); t0=$(now)
  sleep "$DURATION"
  c1=$(cpu_ticks "$BROKER_PID"); t1=$(now); m1=$(msgs "$TOPIC"); h1=$(msgs RMQ_SYS_TRANS_HALF_TOPIC)
  stop_pid "$tool"
  R[$impl.tps]=$(per_s $((m1 - m0)) "$t0" "$t1")
  R[$impl.half]=$(per_s $((h1 - h0)) "$t0" "$t1")
  R[$impl.n]=$((m1 - m0))
  R[$impl.cpu]=$(us_per_msg $((c1 - c0)) $((m1 - m0)))
  R[$impl.p99]=-; R[$impl.failed]=-
  if [ "$LOADGEN" = rmq ]; then
    line=$(summary "$TMP/$impl/tproducer.log")
    echo "$impl: $line"
    R[$impl.p99]=$(field "$line" p99)
    R[$impl.failed]=$(field "$line" Failed)
  else
    grep 'Send TPS' "$TMP/$impl/tproducer.log" | tail -3
    R[$impl.failed]=$(sed -n 's/.*| Send Failed: \([0-9]*\).*/\1/p' "$TMP/$impl/tproducer.log" | awk '{ s += $1 } END { print s + 0 }')
  fi
  echo "$impl: ${R[$impl.n]} transactions committed in the measured ${DURATION} s"
}

timer_run() { # impl
  local impl=$1 c0 c1 t0 tend tdone line n d_end
  timer_warmup "$impl"
  c0=$(cpu_ticks "$BROKER_PID"); t0=$(now)
  producer "$TMP/$impl/timer.log" $TIMER_ARGS -tm "$TIMER_DELAY_MS"
  sleep "$DURATION"
  stop_pid "$PRODUCER"
  tend=$(now)
  d_end=$(( $(msgs "$TOPIC") - WARM ))
  line=$(summary "$TMP/$impl/timer.log")
  echo "$impl: $line"
  n=$(field "$line" Success)
  wait_delivered $((WARM + n)) $((TIMER_DELAY_MS / 1000 + 300))
  tdone=$(now); c1=$(cpu_ticks "$BROKER_PID")
  R[$impl.tps]=$(field "$line" TPS)
  R[$impl.p99]=$(field "$line" p99)
  R[$impl.failed]=$(field "$line" Failed)
  R[$impl.n]=$n
  R[$impl.lag]=$(awk -v a="$tend" -v b="$tdone" -v d="$TIMER_DELAY_MS" 'BEGIN { printf "%.1f", b - a - d / 1000 }')
  R[$impl.cpu]=$(us_per_msg $((c1 - c0)) "$n")
  echo "$impl: $n sent, $d_end delivered when the sends stopped, all delivered $(awk -v a="$t0" -v b="$tdone" 'BEGIN { printf "%.1f", b - a }') s after the first"
}

pending_run() { # impl
  local impl=$1 c0 c1 t0 tsent tdone line n behind peak=0 tps wheel before
  timer_warmup "$impl"
  before=$(mem "$BROKER_PID")
  c0=$(cpu_ticks "$BROKER_PID"); t0=$(now)
  producer "$TMP/$impl/pending.log" $PENDING_ARGS -q "$PENDING" -tm "$PENDING_DELAY_MS" -tmr "$PENDING_RANGE_MS"
  echo "time_s timerOffsetBehind timerEnqueueTps VmRSS_KiB RssAnon_KiB RssFile_KiB" >"$TMP/$impl/pending-progress.txt"
  tsent=
  while :; do
    alive "$BROKER_PID" || fail "broker exited"
    behind=$(broker_stat timerOffsetBehind); tps=$(broker_stat timerEnqueueTps)
    echo "$(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }') ${behind:-?} ${tps:-?} $(mem "$BROKER_PID")" >>"$TMP/$impl/pending-progress.txt"
    peak=$(awk -v a="$peak" -v b="${tps:-0}" 'BEGIN { print (b > a ? b : a) }')
    if [ -z "$tsent" ] && ! running "$PRODUCER"; then
      wait "$PRODUCER" 2>/dev/null || true
      tsent=$(now)
      line=$(summary "$TMP/$impl/pending.log")
      echo "$impl: $line"
    fi
    if [ -n "$tsent" ] && [ "${behind:-1}" = 0 ]; then break; fi
    [ -n "$tsent" ] && awk -v a="$tsent" -v b="$(now)" 'BEGIN { exit !(b - a > 900) }' && fail "timer enqueue still $behind behind 900 s after the sends"
    sleep 1
  done
  tdone=$(now); c1=$(cpu_ticks "$BROKER_PID")
  n=$(field "$line" Success)
  wheel=$(msgs rmq_sys_wheel_timer)
  R[$impl.tps]=$(field "$line" TPS)
  R[$impl.failed]=$(field "$line" Failed)
  R[$impl.n]=$n
  R[$impl.enq]=$(per_s "$n" "$t0" "$tdone")
  R[$impl.enq_secs]=$(awk -v a="$t0" -v b="$tdone" 'BEGIN { printf "%.1f", b - a }')
  R[$impl.peak_enq_tps]=$(printf '%.0f' "$peak")
  R[$impl.cpu]=$(us_per_msg $((c1 - c0)) "$n")
  R[$impl.delivered]=$(( $(msgs "$TOPIC") - WARM ))
  read -r R["$impl.rss0"] R["$impl.anon0"] R["$impl.file0"] <<<"$before"
  read -r R["$impl.rss"] R["$impl.anon"] R["$impl.file"] < <(mem "$BROKER_PID")
  echo "$impl: $n pending timer messages enqueued in ${R[$impl.enq_secs]} s; wheel topic holds ${wheel:-?}; delivered during the run: ${R[$impl.delivered]}"
}

declare -A R
for impl in $IMPLS; do
  echo "=== $impl ($MODE)"
  mkdir -p "$TMP/$impl"
  start_pair "$impl"
  start_rss_sampler "$BROKER_PID" "$TMP/$impl/rss"
  case "$MODE" in
    transaction) transaction_run "$impl" ;;
    timer) timer_run "$impl" ;;
    timer-pending) pending_run "$impl" ;;
  esac
  stop_pair "$impl"
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0 || b == "" || a == "-") print "-"; else printf "%.2f", a / b }'; }
both=0
[[ " $IMPLS " == *" java "* && " $IMPLS " == *" rmq "* ]] && both=1
echo
case "$MODE" in
  transaction)
    echo "compare-java transaction: $TX_ARGS (half + commit), load generator $LOADGEN, ${WARMUP_S} s warm-up, ${DURATION} s measured, $(nproc) cores"
    printf '%-9s %14s %12s %10s %8s %12s %16s\n' broker "commits/s" "halves/s" "p99(ms)" failed "CPU us/txn" "peak RSS/anon MiB"
    for b in $IMPLS; do
      printf '%-9s %14s %12s %10s %8s %12s %16s\n' "$b" "${R[$b.tps]}" "${R[$b.half]}" "${R[$b.p99]}" "${R[$b.failed]}" \
        "${R[$b.cpu]}" "$(mib "${R[$b.peak_rss]}")/$(mib "${R[$b.peak_anon]}")"
    done
    if [ "$both" = 1 ]; then
      printf '%-9s %14s %12s %10s %8s %12s %16s\n' rmq/java "$(ratio "${R[rmq.tps]}" "${R[java.tps]}")" \
        "$(ratio "${R[rmq.half]}" "${R[java.half]}")" "$(ratio "${R[rmq.p99]}" "${R[java.p99]}")" "" \
        "$(ratio "${R[rmq.cpu]}" "${R[java.cpu]}")" "$(ratio "${R[rmq.peak_anon]}" "${R[java.peak_anon]}")(anon)"
    fi
    ;;
  timer)
    echo "compare-java timer: $TIMER_ARGS, timer messages due ${TIMER_DELAY_MS} ms after the send, ${WARMUP_S} s warm-up, ${DURATION} s of sends, $(nproc) cores"
    printf '%-9s %12s %10s %8s %10s %14s %12s %16s\n' broker "send TPS" "p99(ms)" failed messages "delivery lag s" "CPU us/msg" "peak RSS/anon MiB"
    for b in $IMPLS; do
      printf '%-9s %12s %10s %8s %10s %14s %12s %16s\n' "$b" "${R[$b.tps]}" "${R[$b.p99]}" "${R[$b.failed]}" "${R[$b.n]}" \
        "${R[$b.lag]}" "${R[$b.cpu]}" "$(mib "${R[$b.peak_rss]}")/$(mib "${R[$b.peak_anon]}")"
    done
    if [ "$both" = 1 ]; then
      printf '%-9s %12s %10s %8s %10s %14s %12s %16s\n' rmq/java "$(ratio "${R[rmq.tps]}" "${R[java.tps]}")" \
        "$(ratio "${R[rmq.p99]}" "${R[java.p99]}")" "" "" "" "$(ratio "${R[rmq.cpu]}" "${R[java.cpu]}")" \
        "$(ratio "${R[rmq.peak_anon]}" "${R[java.peak_anon]}")(anon)"
    fi
    echo "(delivery lag: seconds between the last message's due time and the moment the topic held them all; <= ~1 s = on time)"
    ;;
  timer-pending)
    echo "compare-java timer-pending: $PENDING timer messages ($PENDING_ARGS) due in $((PENDING_DELAY_MS / 60000))-$(((PENDING_DELAY_MS + PENDING_RANGE_MS) / 60000)) min, after a ${WARMUP_S} s timer warm-up, $(nproc) cores"
    printf '%-9s %10s %8s %12s %10s %12s %10s %11s\n' broker "send TPS" failed "enqueued/s" "seconds" "peak enqTPS" "CPU us/msg" delivered
    for b in $IMPLS; do
      printf '%-9s %10s %8s %12s %10s %12s %10s %11s\n' "$b" "${R[$b.tps]}" "${R[$b.failed]}" "${R[$b.enq]}" \
        "${R[$b.enq_secs]}" "${R[$b.peak_enq_tps]}" "${R[$b.cpu]}" "${R[$b.delivered]}"
    done
    if [ "$both" = 1 ]; then
      printf '%-9s %10s %8s %12s %10s %12s %10s\n' rmq/java "$(ratio "${R[rmq.tps]}" "${R[java.tps]}")" "" \
        "$(ratio "${R[rmq.enq]}" "${R[java.enq]}")" "" "" "$(ratio "${R[rmq.cpu]}" "${R[java.cpu]}")"
    fi
    echo "broker memory (MiB): before the $PENDING -> after them all enqueued (peak)"
    printf '%-9s %22s %22s %22s\n' broker VmRSS RssAnon RssFile
    for b in $IMPLS; do
      printf '%-9s %22s %22s %22s\n' "$b" \
        "$(mib "${R[$b.rss0]}") -> $(mib "${R[$b.rss]}") ($(mib "${R[$b.peak_rss]}"))" \
        "$(mib "${R[$b.anon0]}") -> $(mib "${R[$b.anon]}") ($(mib "${R[$b.peak_anon]}"))" \
        "$(mib "${R[$b.file0]}") -> $(mib "${R[$b.file]}") ($(mib "${R[$b.peak_file]}"))"
    done
    if [ "$both" = 1 ]; then
      printf '%-9s %22s %22s %22s\n' rmq/java "$(ratio "${R[rmq.rss]}" "${R[java.rss]}")" \
        "$(ratio "${R[rmq.anon]}" "${R[java.anon]}")" "$(ratio "${R[rmq.file]}" "${R[java.file]}")"
    fi
    ;;
esac
