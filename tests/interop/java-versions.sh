#!/usr/bin/env bash
# The interop matrix for another Java RocketMQ version (default 5.5.0): its 5.x client, admin
# API and MQAdminStartup against rmq's servers. 5.3.3 and 4.9.8 are covered by the suites'
# defaults; this runs only the given version's part of each suite:
#
#   bash tests/interop/java-versions.sh [SUITE...]
#
# SUITEs (default: all, in this order):
#   run      JAVA_CLIENTS=V run.sh            (rmq NameServer; golden frames decoded by V;
#                                              namesrv-basics, admin-read, produce-consume with V)
#   broker   JAVA_CLIENTS=V broker.sh         (every 5.x client scenario with V vs rmq's broker)
#   tools    TOOLS_VERSION=V SERVERS=rmq tools.sh
#   xlang    XLANG_JAVA_VERSION=V SERVERS=rmq client.sh xlang-rust-to-java xlang-java-to-rust
#
# Environment:
#   JAVA_VERSION   the version V (default 5.5.0; java5/pom.xml needs a profile rocketmq-V)
#   KEEP_GOING=1   run every suite even after one failed, then report all (exit 1 if any failed)
#   Everything else (RMQ_BIN_DIR, RMQ_SKIP_CARGO, SCENARIOS_BIN, RMQ_GOLDEN_WRITER, SKIP,
#   KEEP_TMP, JAVA, ...) is passed on to the suites.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
V=${JAVA_VERSION:-5.5.0}
ALL=(run broker tools xlang)
SUITES=("$@")
[ ${#SUITES[@]} -eq 0 ] && SUITES=("${ALL[@]}")
for s in "${SUITES[@]}"; do
  case " ${ALL[*]} " in *" $s "*) ;; *) echo "unknown suite '$s' (${ALL[*]})" >&2; exit 2 ;; esac
done
grep -q "<id>rocketmq-$V</id>" "$HERE/java5/pom.xml" ||
  { echo "JAVA_VERSION=$V: java5/pom.xml has no profile rocketmq-$V" >&2; exit 2; }

START=$(date +%s)
RESULTS=()
FAILED=0
for s in "${SUITES[@]}"; do
  echo
  echo "######## $s with Java $V"
  t0=$(date +%s)
  case "$s" in
    run) JAVA_CLIENTS="$V" bash "$HERE/run.sh" ;;
    broker) JAVA_CLIENTS="$V" bash "$HERE/broker.sh" ;;
    tools) TOOLS_VERSION="$V" SERVERS=rmq bash "$HERE/tools.sh" ;;
    xlang) XLANG_JAVA_VERSION="$V" SERVERS=rmq bash "$HERE/client.sh" xlang-rust-to-java xlang-java-to-rust ;;
  esac
  rc=$?
  RESULTS+=("$(printf '%-8s %5ss  %s' "$s" $(($(date +%s) - t0)) "$([ $rc -eq 0 ] && echo PASS || echo "FAIL ($rc)")")")
  if [ $rc -ne 0 ]; then
    FAILED=$((FAILED + 1))
    [ "${KEEP_GOING:-0}" = 1 ] || break
  fi
done

echo
echo "######## Java $V matrix ($(($(date +%s) - START))s total)"
printf '%s\n' "${RESULTS[@]}"
if [ $FAILED -ne 0 ]; then
  echo "Java $V matrix FAILED ($FAILED suite(s))"
  exit 1
fi
echo "Java $V matrix PASSED"
