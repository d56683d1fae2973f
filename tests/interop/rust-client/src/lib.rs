//! The acceptance scenarios of rmq-client, run against a Java or an rmq NameServer +
//! broker: by the `rmq-client-scenarios` binary (`tests/interop/client.sh`) and by the
//! end-to-end tests in `tests/e2e` against rmq processes.

pub mod acl;
pub mod common;
pub mod scenarios;
pub mod transaction_crash;
pub mod xlang;

/// Where and how long a scenario runs.
#[derive(clap::Args, Clone)]
pub struct Common {
    /// Name servers, `a:9876;b:9876`.
    #[arg(short = 'n', long = "namesrv")]
    pub namesrv: String,
    /// Topic (created with 8 queues; a unique one by default).
    #[arg(short = 't', long)]
    pub topic: Option<String>,
    /// Overall timeout in seconds.
    #[arg(long, default_value_t = 180)]
    pub timeout_s: u64,
}
