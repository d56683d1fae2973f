#!/bin/sh
# Runs one of rmq's executables from $ROCKETMQ_HOME/lib (a checkout: target/release or
# target/debug), the counterpart of Java's bin/tools.sh, which runs a Java class:
#
#   sh bin/tools.sh mqadmin topicList -n localhost:9876
#   sh bin/tools.sh benchmark-producer -n localhost:9876 -t TopicTest
#
# Java benchmark class names are accepted too
# (org.apache.rocketmq.example.benchmark.Producer runs benchmark-producer).

if [ $# -lt 1 ]; then
  echo "USAGE: $0 program [args...]"
  exit 1
fi
. "$(cd "$(dirname "$0")" && pwd)/rmq-env.sh"

name=$1
shift
case "$name" in
  org.apache.rocketmq.example.benchmark.Producer) name=benchmark-producer ;;
  org.apache.rocketmq.example.benchmark.Consumer) name=benchmark-consumer ;;
  org.apache.rocketmq.example.benchmark.BatchProducer) name=benchmark-batchproducer ;;
  org.apache.rocketmq.example.benchmark.TransactionProducer) name=benchmark-tproducer ;;
  org.apache.rocketmq.tools.command.MQAdminStartup) name=mqadmin ;;
esac
PROGRAM=$(rmq_find_binary "$name") || exit 1
exec "$PROGRAM" "$@"
