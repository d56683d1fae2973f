#!/usr/bin/env bash
# Runs a NameServer and a broker together in the foreground on the defaults (NameServer on
# 9876, broker on 10911 with its store under ~/store, logs under ~/logs/rocketmqlogs), ready
# for clients at localhost:9876. Ctrl-C (or SIGTERM) stops the broker gracefully, then the
# NameServer. Extra arguments go to the broker: `bin/play.sh -c conf/broker.conf`.

. "$(dirname "$0")/rmq-env.sh"
NAMESRV=$(rmq_find_binary mqnamesrv) || exit 1
BROKER=$(rmq_find_binary mqbroker) || exit 1

NS_PID=
BK_PID=
stop() {
  trap - INT TERM
  if [ -n "$BK_PID" ]; then
    kill "$BK_PID" 2>/dev/null
    wait "$BK_PID" 2>/dev/null
  fi
  if [ -n "$NS_PID" ]; then
    kill "$NS_PID" 2>/dev/null
    wait "$NS_PID" 2>/dev/null
  fi
  echo "NameServer and broker stopped."
  exit 0
}
trap stop INT TERM

"$NAMESRV" &
NS_PID=$!
# The NameServer prints its boot line when it listens; wait for the port like a client.
i=0
until (exec 3<>/dev/tcp/127.0.0.1/9876) 2>/dev/null; do
  if ! kill -0 "$NS_PID" 2>/dev/null; then
    echo "the NameServer failed to start" >&2
    exit 1
  fi
  i=$((i + 1))
  [ "$i" -gt 300 ] && { echo "the NameServer did not open port 9876" >&2; stop; }
  sleep 0.1
done

"$BROKER" -n localhost:9876 "$@" &
BK_PID=$!

# Exit (stopping the other) as soon as either server exits.
while kill -0 "$NS_PID" 2>/dev/null && kill -0 "$BK_PID" 2>/dev/null; do
  sleep 1
done
echo "a server exited; stopping the other" >&2
stop
