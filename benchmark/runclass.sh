#!/bin/sh
# Runs a benchmark tool in the foreground, as Java's benchmark/runclass.sh runs a class:
#
#   sh benchmark/runclass.sh org.apache.rocketmq.example.benchmark.Producer -t TopicTest
#   sh benchmark/runclass.sh benchmark-producer -t TopicTest
#
# ROCKETMQ_HOME is the parent of this directory unless set. When neither -n nor NAMESRV_ADDR
# is given, the tools use localhost:9876 (rmq's default for a local quickstart; Java's
# clients would have no name server).

if [ $# -lt 1 ]; then
  echo "USAGE: $0 classname opts"
  exit 1
fi
BASE_DIR=$(cd "$(dirname "$0")/.." && pwd)
[ -n "$ROCKETMQ_HOME" ] || ROCKETMQ_HOME=$BASE_DIR
export ROCKETMQ_HOME
: "${NAMESRV_ADDR:=localhost:9876}"
export NAMESRV_ADDR
exec sh "$ROCKETMQ_HOME/bin/tools.sh" "$@"
