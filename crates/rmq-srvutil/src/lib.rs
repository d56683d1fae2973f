//! What rmq's executables (`mqnamesrv`, `mqbroker`, `mqadmin`, the benchmark tools) share,
//! as Java's `srvutil` module (`ServerUtil`, `ShutdownHookThread`) and its logback
//! configurations do: log files under `~/logs/rocketmqlogs/` in logback's line layout, the
//! shutdown signals, `ROCKETMQ_HOME` and `.properties` config files.

pub mod logging;
mod server_util;
mod shutdown_hook;

pub use server_util::{derive_rocketmq_home, read_properties_file};
pub use shutdown_hook::wait_for_shutdown_signal;
