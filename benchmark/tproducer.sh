#!/bin/sh
# Starts the tproducer benchmark in the background, as Java's benchmark/tproducer.sh does (options:
# sh benchmark/runclass.sh org.apache.rocketmq.example.benchmark.TransactionProducer -h). Stop it with: sh benchmark/shutdown.sh tproducer
# Works from any directory; the name server is -n, else NAMESRV_ADDR, else localhost:9876.

sh "$(cd "$(dirname "$0")" && pwd)/runclass.sh" org.apache.rocketmq.example.benchmark.TransactionProducer "$@" &
