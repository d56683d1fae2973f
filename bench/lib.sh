# Helpers shared by the bench scripts (bench/broker-cpu.sh, bench/compare-java/run.sh,
# bench/compare-java/replication.sh). Source it after TMP is set: processes started with their
# pid appended to PIDS are stopped on exit (TERM, KILL after 30 s) and TMP is removed unless
# KEEP_TMP=1.
PIDS=()
alive() { kill -0 "$1" 2>/dev/null; }
stop_pid() { # pid
  alive "$1" || return 0
  kill -TERM "$1" 2>/dev/null || true
  for _ in $(seq 1 150); do alive "$1" || break; sleep 0.2; done
  alive "$1" && kill -KILL "$1" 2>/dev/null
  wait "$1" 2>/dev/null || true
}
cleanup() {
  local rc=$? pid
  set +e
  trap - EXIT INT TERM
  for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
  if [ "${KEEP_TMP:-0}" = 1 ]; then echo "temp dir kept: $TMP"; else rm -rf "$TMP"; fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
fail() { echo "FAIL: $*" >&2; exit 1; }

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
pick_port() {
  local p
  for _ in $(seq 1 200); do
    p=$((20000 + RANDOM % 12000))
    if ! port_in_use $((p - 2)) && ! port_in_use $((p - 1)) && ! port_in_use "$p" && ! port_in_use $((p + 1)); then
      echo "$p"; return 0
    fi
  done
  fail "no free port"
}
wait_line() { # log pattern pid timeout_s
  local start
  start=$(date +%s)
  until grep -q "$2" "$1" 2>/dev/null; do
    alive "$3" || { tail -20 "$1" >&2; fail "process $3 exited before printing '$2'"; }
    [ $(($(date +%s) - start)) -ge "$4" ] && fail "no '$2' in $1 after ${4}s"
    sleep 0.1
  done
}
cpu_ticks() { sed 's/^.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }
