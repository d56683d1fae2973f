#!/bin/sh
# Starts the batchproducer benchmark in the background, as Java's benchmark/batchproducer.sh does (options:
# sh benchmark/runclass.sh org.apache.rocketmq.example.benchmark.BatchProducer -h). Stop it with: sh benchmark/shutdown.sh bproducer
# Works from any directory; the name server is -n, else NAMESRV_ADDR, else localhost:9876.

sh "$(cd "$(dirname "$0")" && pwd)/runclass.sh" org.apache.rocketmq.example.benchmark.BatchProducer "$@" &
