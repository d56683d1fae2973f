#!/usr/bin/env bash
# Builds rmq's release binaries and the binary distribution, as Java's
# `mvn -Prelease-all -DskipTests clean install -U` builds rocketmq-<v>.tar.gz:
#
#   bash distribution/build.sh
#
# produces distribution/target/rmq-<version>-bin.tar.gz with one top folder rmq-<version>/:
#
#   bin/        mqnamesrv mqbroker mqcontroller mqshutdown mqadmin tools.sh play.sh rmq-env.sh (0755)
#   conf/       broker.conf, 2m-2s-async/, 2m-2s-sync/, 2m-noslave/, controller/, namesrv.properties
#   benchmark/  producer.sh consumer.sh batchproducer.sh tproducer.sh shutdown.sh runclass.sh
#   lib/        the executables: mqnamesrv mqbroker mqcontroller mqadmin benchmark-producer
#               benchmark-consumer benchmark-batchproducer benchmark-tproducer
#   LICENSE NOTICE README.md
#
# Environment: CARGO_TARGET_DIR (default <repo>/target), CARGO (default cargo),
# RMQ_SKIP_BUILD=1 packs the binaries already built, RMQ_PROFILE (default release) picks
# target/<profile>/, RMQ_DIST_OUT (default distribution/target) is where the tarball goes,
# RMQ_STRIP=0 keeps debug info.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CARGO=${CARGO:-cargo}
TARGET_DIR=${CARGO_TARGET_DIR:-$REPO/target}
BINARIES=(mqnamesrv mqbroker mqcontroller mqadmin benchmark-producer benchmark-consumer
  benchmark-batchproducer benchmark-tproducer)

# The version of [workspace.package] in the root Cargo.toml.
VERSION=$(awk '/^\[workspace.package\]/ { p = 1; next } /^\[/ { p = 0 }
  p && $1 == "version" { gsub(/"/, "", $3); print $3; exit }' "$REPO/Cargo.toml")
[ -n "$VERSION" ] || { echo "cannot read the version from $REPO/Cargo.toml" >&2; exit 1; }
NAME=rmq-$VERSION
PROFILE=${RMQ_PROFILE:-release}

if [ "${RMQ_SKIP_BUILD:-0}" != 1 ]; then
  echo "building release binaries (cargo build --release) ..."
  (cd "$REPO" && "$CARGO" build --release -p mqnamesrv -p mqbroker -p mqcontroller -p mqadmin -p rmq-benchmark)
fi
for b in "${BINARIES[@]}"; do
  [ -x "$TARGET_DIR/$PROFILE/$b" ] || { echo "missing $TARGET_DIR/$PROFILE/$b" >&2; exit 1; }
done

OUT=${RMQ_DIST_OUT:-$REPO/distribution/target}
mkdir -p "$OUT"
STAGE=$OUT/$NAME
rm -rf "$STAGE" "$OUT/$NAME-bin.tar.gz"
mkdir -p "$STAGE/bin" "$STAGE/conf" "$STAGE/benchmark" "$STAGE/lib"

for s in mqnamesrv mqbroker mqcontroller mqshutdown mqadmin tools.sh play.sh rmq-env.sh; do
  install -m 0755 "$REPO/bin/$s" "$STAGE/bin/$s"
done
cp -R "$REPO/conf/." "$STAGE/conf/"
for s in producer.sh consumer.sh batchproducer.sh tproducer.sh shutdown.sh runclass.sh; do
  install -m 0755 "$REPO/benchmark/$s" "$STAGE/benchmark/$s"
done
for b in "${BINARIES[@]}"; do
  install -m 0755 "$TARGET_DIR/$PROFILE/$b" "$STAGE/lib/$b"
  if [ "${RMQ_STRIP:-1}" = 1 ] && command -v strip > /dev/null; then
    strip --strip-debug "$STAGE/lib/$b" 2>/dev/null || strip "$STAGE/lib/$b" || true
  fi
done
install -m 0644 "$REPO/LICENSE" "$REPO/NOTICE" "$REPO/README.md" "$STAGE/"

tar -C "$OUT" -czf "$OUT/$NAME-bin.tar.gz" "$NAME"
echo "$OUT/$NAME-bin.tar.gz"
