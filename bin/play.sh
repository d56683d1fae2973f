#!/usr/bin/env bash
# Runs a NameServer and a broker together in the foreground on the defaults (NameServer on
# 9876, broker on 10911 with its store under ~/store, logs under ~/logs/rocketmqlogs), ready
# for clients at localhost:9876. Ctrl-C (or SIGTERM) stops the broker(s) gracefully, then the
# NameServer. Extra arguments go to the (master) broker: `bin/play.sh -c conf/broker.conf`.
#
#   bin/play.sh --with-slave [ARGS...]
#     also starts a slave of that broker for trying replication: brokerId 1, brokerRole
#     SLAVE, slaveReadEnable=true, listenPort 11911, store under ~/store-slave, logs under
#     ~/store-slave/home/logs/rocketmqlogs; it replicates from the master's haListenPort
#     (10912), which it learns from the NameServer. Both use brokerName broker-a (without a
#     -c file the master is given one with brokerName=broker-a; with one, the slave takes its
#     brokerName). The master stays ASYNC_MASTER unless the -c file says otherwise; for
#     synchronous replication use conf/2m-2s-sync/broker-a.properties (SYNC_MASTER,
#     inSyncReplicas=2).

. "$(dirname "$0")/rmq-env.sh"
NAMESRV=$(rmq_find_binary mqnamesrv) || exit 1
BROKER=$(rmq_find_binary mqbroker) || exit 1

WITH_SLAVE=0
if [ "${1:-}" = "--with-slave" ]; then
  WITH_SLAVE=1
  shift
fi

NS_PID=
BK_PID=
SL_PID=
stop_one() {
  if [ -n "$1" ]; then
    kill "$1" 2>/dev/null
    wait "$1" 2>/dev/null
  fi
}
stop() {
  trap - INT TERM
  stop_one "$SL_PID"
  stop_one "$BK_PID"
  stop_one "$NS_PID"
  if [ "$WITH_SLAVE" = 1 ]; then
    echo "NameServer, master and slave stopped."
  else
    echo "NameServer and broker stopped."
  fi
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

MASTER_ARGS=("$@")
if [ "$WITH_SLAVE" = 1 ]; then
  SLAVE_DIR="$HOME/store-slave"
  mkdir -p "$SLAVE_DIR/home"
  # The slave needs the master's brokerName: broker-a by default (Java's default would be the
  # host name), else the one in the -c file given.
  NAME=
  CONF_FILE=
  prev=
  for a in "$@"; do
    [ "$prev" = "-c" ] && CONF_FILE=$a
    prev=$a
  done
  if [ -n "$CONF_FILE" ]; then
    NAME=$(sed -n 's/^[[:space:]]*brokerName[[:space:]]*[=:][[:space:]]*//p' "$CONF_FILE" | tail -n 1 | tr -d '\r[:space:]')
    [ -n "$NAME" ] || NAME=$(hostname)
  else
    NAME=broker-a
    printf 'brokerName=broker-a\n' >"$SLAVE_DIR/play-master.properties"
    MASTER_ARGS=(-c "$SLAVE_DIR/play-master.properties" "$@")
  fi
fi

"$BROKER" -n localhost:9876 "${MASTER_ARGS[@]}" &
BK_PID=$!

if [ "$WITH_SLAVE" = 1 ]; then
  cat >"$SLAVE_DIR/broker-slave.properties" <<CONF
brokerClusterName=DefaultCluster
brokerName=$NAME
brokerId=1
brokerRole=SLAVE
slaveReadEnable=true
listenPort=11911
storePathRootDir=$SLAVE_DIR
storePathCommitLog=$SLAVE_DIR/commitlog
CONF
  # Its own HOME keeps its logs apart from the master's ~/logs/rocketmqlogs.
  HOME="$SLAVE_DIR/home" "$BROKER" -n localhost:9876 -c "$SLAVE_DIR/broker-slave.properties" &
  SL_PID=$!
fi

# Exit (stopping the others) as soon as any server exits.
while kill -0 "$NS_PID" 2>/dev/null && kill -0 "$BK_PID" 2>/dev/null &&
  { [ -z "$SL_PID" ] || kill -0 "$SL_PID" 2>/dev/null; }; do
  sleep 1
done
echo "a server exited; stopping the others" >&2
stop
