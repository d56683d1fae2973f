#!/bin/sh
# Stops a running benchmark tool of this installation, as Java's benchmark/shutdown.sh:
#
#   sh benchmark/shutdown.sh producer|consumer|tproducer|bproducer
#
# The tool prints its [Complete] and [Summary] lines on SIGTERM, then exits. Only processes
# whose executable lies under this ROCKETMQ_HOME are signalled (set BENCHMARK_SHUTDOWN_ALL=1
# to signal every one on the machine, as Java's does).

BASE_DIR=$(cd "$(dirname "$0")/.." && pwd)
[ -n "$ROCKETMQ_HOME" ] || ROCKETMQ_HOME=$BASE_DIR

case $1 in
  producer) name=benchmark-producer; what="benchmark producer" ;;
  consumer) name=benchmark-consumer; what="benchmark consumer" ;;
  tproducer) name=benchmark-tproducer; what="benchmark transaction producer" ;;
  bproducer) name=benchmark-batchproducer; what="benchmark batch producer" ;;
  *) echo "Usage: shutdown producer | consumer | tproducer | bproducer"; exit 1 ;;
esac

home_physical=$(cd "$ROCKETMQ_HOME" 2>/dev/null && pwd -P)

# pids_of NAME: live (not zombie) processes running executable NAME (Linux truncates
# names to 15 chars) that belong to this installation.
pids_of() {
  for p in $(ps -e -o pid= -o stat= -o comm= | awk -v n="$1" '$2 !~ /^Z/ { c = $3; sub(".*/", "", c) } $2 !~ /^Z/ && (c == n || c == substr(n, 1, 15)) { print $1 }'); do
    if [ -n "$BENCHMARK_SHUTDOWN_ALL" ]; then
      echo "$p"
      continue
    fi
    exe=$(readlink "/proc/$p/exe" 2>/dev/null || ps -o comm= -p "$p" 2>/dev/null)
    case "$exe" in
      "$home_physical"/*|"$ROCKETMQ_HOME"/*) echo "$p" ;;
    esac
  done
}

pid=$(echo $(pids_of "$name"))
if [ -z "$pid" ] ; then
  echo "No $what running."
  exit 1
fi
echo "The $what(${pid}) is running..."
kill ${pid}
echo "Send shutdown request to $what(${pid}) OK"
