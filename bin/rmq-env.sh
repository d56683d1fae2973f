# Sourced by the bin/ scripts: derives and exports ROCKETMQ_HOME (the directory above bin/)
# when it is unset, and finds rmq's native binaries.
#
# Layout of a release (distribution/): bin/ holds these scripts, lib/ the binaries
# (mqnamesrv, mqbroker, mqadmin, benchmark tools). In a source checkout the binaries are
# taken from target/release, then target/debug.

if [ -z "${ROCKETMQ_HOME:-}" ]; then
  _rmq_bin_dir=$(cd "$(dirname "$0")" && pwd)
  ROCKETMQ_HOME=$(cd "$_rmq_bin_dir/.." && pwd)
fi
export ROCKETMQ_HOME

# rmq_find_binary NAME: prints the path of binary NAME or fails with a message.
rmq_find_binary() {
  for _rmq_dir in "$ROCKETMQ_HOME/lib" "$ROCKETMQ_HOME/target/release" "$ROCKETMQ_HOME/target/debug"; do
    if [ -x "$_rmq_dir/$1" ] && [ ! -d "$_rmq_dir/$1" ]; then
      echo "$_rmq_dir/$1"
      return 0
    fi
  done
  echo "rmq: cannot find the $1 binary under $ROCKETMQ_HOME/lib or target/{release,debug};" \
    "build it with: cargo build --release" >&2
  return 1
}
