#!/bin/sh
# Starts the consumer benchmark in the background, as Java's benchmark/consumer.sh does (options:
# sh benchmark/runclass.sh org.apache.rocketmq.example.benchmark.Consumer -h). Stop it with: sh benchmark/shutdown.sh consumer
# Works from any directory; the name server is -n, else NAMESRV_ADDR, else localhost:9876.

sh "$(cd "$(dirname "$0")" && pwd)/runclass.sh" org.apache.rocketmq.example.benchmark.Consumer "$@" &
