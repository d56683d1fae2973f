#!/usr/bin/env bash
# ACL 2.0 / request signing interop (issue 13): a broker with authenticationEnabled and
# authorizationEnabled, users and ACLs created by an admin with Java 5.3.3's mqadmin (signing
# with a tools.yml), then three clients check the same things:
#   - user aclpub (PUB on topic T) sends to T: SEND_OK; to topic U: NO_PERMISSION;
#   - the same with a wrong secret: NO_PERMISSION;
#   - aclpub (no SUB) pulls T: NO_PERMISSION; user aclsub (SUB on T and group G) pulls T: ok;
# with the Java 5.3.3 client (AclClientRPCHook, rmq.interop.acl.AclClients), the Go client
# (primitive.Credentials, tests/interop/go scenario acl) and rmq's client (rmq-client-scenarios
# acl). Then rmq's mqadmin auth commands against the same broker: getUser/listUser/getAcl/
# listAcl print what Java's print, and create/update/delete/copy of users and ACLs work; without
# credentials the broker refuses them.
#
#   bash tests/interop/acl.sh                    # rmq mqnamesrv + mqbroker
#   BROKERS="rmq java" bash tests/interop/acl.sh # also a Java 5.3.3 broker as the control
#
# Environment: RMQ_BIN_DIR (default <repo>/target/release: mqnamesrv, mqbroker, mqadmin,
# rmq-client-scenarios; cargo build --release -p mqbroker -p mqnamesrv -p mqadmin
# -p rmq-client-scenarios), SKIP_BUILD=1 (no mvn compile), GOCLIENT_BIN (default: go build),
# KEEP_TMP=1, JAVA (default java).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
RMQ_BIN_DIR=${RMQ_BIN_DIR:-$REPO/target/release}
BROKERS=${BROKERS:-rmq}
JAVA=${JAVA:-java}
export MAVEN_OPTS=${MAVEN_OPTS:--Xmx512m}

TMP=$(mktemp -d "${TMPDIR:-/tmp}/rmq-acl-interop.XXXXXX")
mkdir -p "$TMP/jtmp"
PIDS=()
NAMES=()
LOGS=()

alive() { kill -0 "$1" 2>/dev/null; }

stop_all() {
  local pid
  for pid in "${PIDS[@]}"; do alive "$pid" && kill -TERM "$pid" 2>/dev/null; done
  for _ in $(seq 1 50); do
    local any=0
    for pid in "${PIDS[@]}"; do alive "$pid" && any=1; done
    [ $any -eq 0 ] && break
    sleep 0.2
  done
  # wait returns the status of a process killed by a signal (143 for a JVM): not a failure.
  for pid in "${PIDS[@]}"; do
    alive "$pid" && kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null || true
  done
  PIDS=()
  NAMES=()
  LOGS=()
}

cleanup() {
  local rc=$? i
  set +e
  trap - EXIT INT TERM
  if [ $rc -ne 0 ]; then
    echo "===== acl interop FAILED (exit $rc)"
    for i in "${!PIDS[@]}"; do
      echo "----- ${NAMES[$i]}: last lines of ${LOGS[$i]}"
      tail -n 30 "${LOGS[$i]}" 2>/dev/null
    done
  fi
  stop_all
  if [ "${KEEP_TMP:-0}" = 1 ]; then echo "temp dir kept: $TMP"; else rm -rf "$TMP"; fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail() { echo "FAIL: $*" >&2; exit 1; }

start_proc() { # name home cmd...
  local name=$1 home=$2 log="$TMP/$1.log"
  shift 2
  mkdir -p "$home"
  HOME="$home" "$@" >"$log" 2>&1 &
  PIDS+=($!)
  NAMES+=("$name")
  LOGS+=("$log")
  echo "started $name (pid $!)"
}

wait_line() { # name pattern timeout_s
  local i log pid start
  for i in "${!NAMES[@]}"; do [ "${NAMES[$i]}" = "$1" ] && { log=${LOGS[$i]}; pid=${PIDS[$i]}; }; done
  start=$(date +%s)
  until grep -q "$2" "$log" 2>/dev/null; do
    alive "$pid" || fail "$1 exited before printing '$2'"
    [ $(($(date +%s) - start)) -ge "$3" ] && fail "$1 did not print '$2' within ${3}s"
    sleep 0.2
  done
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
pick_port() { # a port P in [20000, 32000) with P-2..P+1 free (broker: P, P-2, P+1)
  local p
  for _ in $(seq 1 200); do
    p=$((20000 + RANDOM % 12000))
    if ! port_in_use $((p - 2)) && ! port_in_use $((p - 1)) && ! port_in_use "$p" && ! port_in_use $((p + 1)); then
      echo "$p"
      return 0
    fi
  done
  fail "no free port"
}

for b in mqnamesrv mqbroker mqadmin rmq-client-scenarios; do
  [ -x "$RMQ_BIN_DIR/$b" ] || fail "no $b in RMQ_BIN_DIR=$RMQ_BIN_DIR (cargo build --release -p mqbroker -p mqnamesrv -p mqadmin -p rmq-client-scenarios)"
done
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  echo "building java5 (mvn -q -B compile) ..."
  (cd "$HERE/java5" && mvn -q -B compile) || fail "mvn compile of java5 failed"
fi
if [ -z "${GOCLIENT_BIN:-}" ]; then
  echo "building tests/interop/go (go build)"
  (cd "$HERE/go" && go build -o "$TMP/goclient" .) || fail "go build of tests/interop/go failed"
  GOCLIENT_BIN="$TMP/goclient"
fi
CP="$HERE/java5/target/classes:$HERE/java5/target/lib/*"
[ -d "$HERE/java5/target/lib" ] || fail "java5/target/lib missing (mvn compile in java5)"
JOPTS=(-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.io.tmpdir="$TMP/jtmp" -Dfile.encoding=UTF-8)

# The admin (Super, created by the broker from initAuthenticationUser) and the two users.
ADMIN_AK=rocketmq
ADMIN_SK=12345678
PUB_AK=aclpub
PUB_SK=aclpub-secret
SUB_AK=aclsub
SUB_SK=aclsub-secret
AUTH_KEYS=(
  authenticationEnabled=true
  authorizationEnabled=true
  authenticationProvider=org.apache.rocketmq.auth.authentication.provider.DefaultAuthenticationProvider
  authorizationProvider=org.apache.rocketmq.auth.authorization.provider.DefaultAuthorizationProvider
  authenticationMetadataProvider=org.apache.rocketmq.auth.authentication.provider.LocalAuthenticationMetadataProvider
  authorizationMetadataProvider=org.apache.rocketmq.auth.authorization.provider.LocalAuthorizationMetadataProvider
  "initAuthenticationUser={\"username\":\"$ADMIN_AK\",\"password\":\"$ADMIN_SK\"}"
  "innerClientAuthenticationCredentials={\"accessKey\":\"$ADMIN_AK\",\"secretKey\":\"$ADMIN_SK\"}"
)

# ROCKETMQ_HOME of the signing admin: conf/tools.yml as Java ships it (two keys).
ADMIN_HOME="$TMP/admin-home"
mkdir -p "$ADMIN_HOME/conf" "$TMP/home-tools"
printf '# mqadmin credentials\n\naccessKey: %s\nsecretKey: %s\n' "$ADMIN_AK" "$ADMIN_SK" >"$ADMIN_HOME/conf/tools.yml"
NOCRED_HOME="$TMP/nocred-home"
mkdir -p "$NOCRED_HOME/conf"

jadmin() { # Java 5.3.3 mqadmin, signing with the admin's tools.yml
  ROCKETMQ_HOME="$ADMIN_HOME" HOME="$TMP/home-tools" "$JAVA" "${JOPTS[@]}" -Xmx256m -Duser.home="$TMP/home-tools" \
    -cp "$CP" org.apache.rocketmq.tools.command.MQAdminStartup "$@"
}
radmin() { # rmq's mqadmin, signing with the admin's tools.yml
  ROCKETMQ_HOME="$ADMIN_HOME" HOME="$TMP/home-tools" "$RMQ_BIN_DIR/mqadmin" "$@"
}
expect_out() { # what expected_substring cmd...
  local what=$1 want=$2 out
  shift 2
  out=$("$@" 2>&1) || fail "$what: exit $? ($out)"
  grep -qF -- "$want" <<<"$out" || fail "$what: expected '$want' in: $out"
  echo "  ok  $what"
}

run_round() { # kind: rmq | java
  local kind=$1 NS_PORT BROKER_PORT NS BROKER T U G i
  NS_PORT=$(pick_port)
  BROKER_PORT=$(pick_port)
  NS=127.0.0.1:$NS_PORT
  BROKER=127.0.0.1:$BROKER_PORT
  T=AclT_$kind
  U=AclU_$kind
  G=AclG_$kind
  echo "===== $kind broker with ACL 2.0 ($NS, broker $BROKER)"
  if [ "$kind" = java ]; then
    start_proc "namesrv-$kind" "$TMP/home-ns-$kind" "$JAVA" "${JOPTS[@]}" -Xmx256m -Duser.home="$TMP/home-ns-$kind" \
      -cp "$CP" rmq.interop.JavaNamesrv "$NS_PORT"
    wait_line "namesrv-$kind" JAVA_NAMESRV_READY 60
    start_proc "broker-$kind" "$TMP/home-broker-$kind" "$JAVA" "${JOPTS[@]}" -Xmx512m -XX:MaxDirectMemorySize=256m \
      -Duser.home="$TMP/home-broker-$kind" -cp "$CP" rmq.interop.JavaBroker --namesrv "$NS" --port "$BROKER_PORT" \
      --broker-name broker-a --cluster DefaultCluster --store "$TMP/store-$kind" "${AUTH_KEYS[@]}"
    wait_line "broker-$kind" JAVA_BROKER_READY 120
  else
    printf 'listenPort=%s\nbindAddress=127.0.0.1\n' "$NS_PORT" >"$TMP/namesrv.properties"
    start_proc "namesrv-$kind" "$TMP/home-ns-$kind" "$RMQ_BIN_DIR/mqnamesrv" -c "$TMP/namesrv.properties"
    wait_line "namesrv-$kind" "boot success" 60
    {
      printf 'brokerClusterName=DefaultCluster\nbrokerName=broker-a\nbrokerId=0\nlistenPort=%s\n' "$BROKER_PORT"
      printf 'brokerIP1=127.0.0.1\nbindAddress=127.0.0.1\nnamesrvAddr=%s\nstorePathRootDir=%s\n' "$NS" "$TMP/store-$kind"
      printf '%s\n' "${AUTH_KEYS[@]}"
    } >"$TMP/broker.properties"
    start_proc "broker-$kind" "$TMP/home-broker-$kind" "$RMQ_BIN_DIR/mqbroker" -c "$TMP/broker.properties"
    wait_line "broker-$kind" "boot success" 60
  fi

  echo "--- admin (Java 5.3.3 mqadmin, tools.yml = $ADMIN_AK): topics, users, ACLs"
  expect_out "updateTopic $T" "success" jadmin updateTopic -n "$NS" -b "$BROKER" -t "$T" -r 4 -w 4
  expect_out "updateTopic $U" "success" jadmin updateTopic -n "$NS" -b "$BROKER" -t "$U" -r 4 -w 4
  expect_out "createUser $PUB_AK" "create user to $BROKER success." jadmin createUser -n "$NS" -b "$BROKER" -u "$PUB_AK" -p "$PUB_SK"
  expect_out "createUser $SUB_AK" "create user to $BROKER success." jadmin createUser -n "$NS" -b "$BROKER" -u "$SUB_AK" -p "$SUB_SK"
  expect_out "createAcl User:$PUB_AK Pub $T" "create acl to $BROKER success." \
    jadmin createAcl -n "$NS" -b "$BROKER" -s "User:$PUB_AK" -r "Topic:$T" -a Pub -d Allow
  expect_out "createAcl User:$SUB_AK Sub $T,$G" "create acl to $BROKER success." \
    jadmin createAcl -n "$NS" -b "$BROKER" -s "User:$SUB_AK" -r "Topic:$T,Group:$G" -a Sub -d Allow
  # Wait until the topics are routed (registration with the name server is periodic).
  for i in $(seq 1 100); do
    jadmin topicRoute -n "$NS" -t "$U" 2>/dev/null | grep -q '"brokerName"' && break
    [ "$i" = 100 ] && fail "topic $U not routed"
    sleep 0.3
  done

  local CARGS=(--topic "$T" --denied-topic "$U" --group "$G" --pub-ak "$PUB_AK" --pub-sk "$PUB_SK" --sub-ak "$SUB_AK" --sub-sk "$SUB_SK")
  echo "--- Java 5.3.3 client (AclClientRPCHook)"
  HOME="$TMP/home-tools" "$JAVA" "${JOPTS[@]}" -Xmx256m -Duser.home="$TMP/home-tools" -cp "$CP" \
    rmq.interop.acl.AclClients --namesrv "$NS" "${CARGS[@]}" >"$TMP/java-client-$kind.out" 2>&1 || true
  # The client's logback prints its configuration status on stdout: show the checks only.
  grep -v -e '|-' -e '^$' "$TMP/java-client-$kind.out" | sed 's/^/  /'
  grep -q '^PASS java-acl' "$TMP/java-client-$kind.out" || fail "Java client ($kind broker)"
  echo "--- Go client (primitive.Credentials)"
  "$GOCLIENT_BIN" acl -n "$NS" --broker-name broker-a "${CARGS[@]}" 2>"$TMP/go-client-$kind.err" | tee "$TMP/go-client-$kind.out" ||
    { tail -n 20 "$TMP/go-client-$kind.err"; fail "Go client ($kind broker)"; }
  echo "--- rmq client (ClientConfig.credentials)"
  "$RMQ_BIN_DIR/rmq-client-scenarios" acl -n "$NS" "${CARGS[@]}" 2>"$TMP/rmq-client-$kind.err" | tee "$TMP/rmq-client-$kind.out" ||
    { tail -n 20 "$TMP/rmq-client-$kind.err"; fail "rmq client ($kind broker)"; }

  echo "--- rmq mqadmin auth commands (same output as Java's 5.3.3 mqadmin)"
  local c
  for c in "getUser -u $PUB_AK" "listUser" "getAcl -s User:$SUB_AK" "listAcl -s User:acl"; do
    # shellcheck disable=SC2086
    jadmin $c -n "$NS" -b "$BROKER" >"$TMP/j.raw" 2>&1 || fail "Java mqadmin $c"
    # Java's shaded logback prints its configuration status on stdout: drop those lines.
    grep -v -e ' |-' -e '^$' "$TMP/j.raw" >"$TMP/j.out" || true
    # shellcheck disable=SC2086
    radmin $c -n "$NS" -b "$BROKER" 2>&1 | grep -v '^$' >"$TMP/r.out" || { cat "$TMP/r.out"; fail "rmq mqadmin $c"; }
    # listUser / listAcl: the broker's order is not specified; compare sorted lines.
    diff <(sort "$TMP/j.out") <(sort "$TMP/r.out") >/dev/null ||
      { diff "$TMP/j.out" "$TMP/r.out"; fail "mqadmin $c: rmq's output differs from Java's"; }
    echo "  ok  $c ($(wc -l <"$TMP/r.out") lines, same as Java)"
  done
  expect_out "rmq createUser acltmp" "create user to $BROKER success." radmin createUser -n "$NS" -b "$BROKER" -u acltmp -p acltmp-secret
  expect_out "rmq updateUser acltmp -s disable" "update user to $BROKER success." radmin updateUser -n "$NS" -b "$BROKER" -u acltmp -s disable
  expect_out "rmq getUser acltmp (disabled)" "acltmp" radmin getUser -n "$NS" -b "$BROKER" -u acltmp
  radmin getUser -n "$NS" -b "$BROKER" -u acltmp | grep -qi "disable" || fail "acltmp is not disabled"
  expect_out "rmq createAcl User:acltmp" "create acl to $BROKER success." \
    radmin createAcl -n "$NS" -b "$BROKER" -s User:acltmp -r "Topic:$T,Topic:$U" -a Pub,Sub -i 127.0.0.1 -d Allow
  expect_out "rmq updateAcl User:acltmp" "update acl to $BROKER success." \
    radmin updateAcl -n "$NS" -b "$BROKER" -s User:acltmp -r "Topic:$U" -a Pub -d Deny
  expect_out "rmq getAcl User:acltmp" "Deny" radmin getAcl -n "$NS" -b "$BROKER" -s User:acltmp
  expect_out "rmq copyUser to the same broker" "copy user of acltmp from $BROKER to $BROKER success." \
    radmin copyUser -n "$NS" -f "$BROKER" -t "$BROKER" -u acltmp
  expect_out "rmq copyAcl to the same broker" "copy acl of User:acltmp from $BROKER to $BROKER success." \
    radmin copyAcl -n "$NS" -f "$BROKER" -t "$BROKER" -s User:acltmp
  expect_out "rmq deleteAcl User:acltmp Topic:$U" "delete acl to $BROKER success." \
    radmin deleteAcl -n "$NS" -b "$BROKER" -s User:acltmp -r "Topic:$U"
  radmin getAcl -n "$NS" -b "$BROKER" -s User:acltmp | grep -q "Topic:$U" && fail "deleteAcl left Topic:$U"
  expect_out "rmq deleteAcl User:acltmp" "delete acl to $BROKER success." radmin deleteAcl -n "$NS" -b "$BROKER" -s User:acltmp
  expect_out "rmq deleteUser acltmp" "delete user to $BROKER success." radmin deleteUser -n "$NS" -b "$BROKER" -u acltmp
  [ -z "$(radmin getUser -n "$NS" -b "$BROKER" -u acltmp)" ] || fail "acltmp still exists"
  echo "  ok  acltmp gone"
  if ROCKETMQ_HOME="$NOCRED_HOME" HOME="$TMP/home-tools" "$RMQ_BIN_DIR/mqadmin" listUser -n "$NS" -b "$BROKER" >"$TMP/nocred.out" 2>&1; then
    fail "listUser without credentials succeeded: $(cat "$TMP/nocred.out")"
  fi
  echo "  ok  listUser without tools.yml refused: $(head -c 160 "$TMP/nocred.out")"
  stop_all
  echo "PASS acl ($kind broker)"
}

T0=$(date +%s)
for kind in $BROKERS; do
  case "$kind" in
    rmq|java) run_round "$kind" ;;
    *) fail "BROKERS: unknown kind '$kind' (rmq, java)" ;;
  esac
done
echo "acl interop ($BROKERS): $(($(date +%s) - T0))s"
