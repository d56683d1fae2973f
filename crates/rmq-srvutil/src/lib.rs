//! What rmq's executables (`mqnamesrv`, `mqbroker`, `mqadmin`, the benchmark tools) share,
//! as Java's `srvutil` module (`ServerUtil`, `ShutdownHookThread`) and its logback
//! configurations do: log files under `~/logs/rocketmqlogs/` in logback's line layout, the
//! shutdown signals, `ROCKETMQ_HOME` and `.properties` config files, and the command line
//! handling (`ServerUtil` over an Apache Commons CLI model, [`cli`]).

pub mod cli;
mod error_chain;
pub mod logging;
pub mod server_util;
mod shutdown_hook;

pub use error_chain::{error_chain, ErrorChain};
pub use server_util::{
    config_as_json, derive_rocketmq_home, expected_value_kind, read_properties_file, run_server,
};
pub use shutdown_hook::wait_for_shutdown_signal;
