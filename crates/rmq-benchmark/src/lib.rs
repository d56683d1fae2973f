//! rmq-benchmark: RocketMQ's load generators (Java `example/benchmark`), with Java's flags
//! and report lines, on rmq-client:
//!
//! | binary | Java class | module |
//! |---|---|---|
//! | `benchmark-producer` | `Producer` | [`producer`] |
//! | `benchmark-consumer` | `Consumer` | [`consumer`] |
//! | `benchmark-batchproducer` | `BatchProducer` | [`batch_producer`] |
//! | `benchmark-tproducer` | `TransactionProducer` | [`transaction_producer`] |
//!
//! Each samples its counters every second, keeps the last ten samples, and every `-ri` ms
//! (10000) prints Java's line for that window, followed by ` | RT p50/p99/p999(ms): ...`
//! from an HDR histogram of the same period. On SIGINT/SIGTERM (or when `-q` messages are
//! sent) it prints Java's `[Complete]` line and a `[Summary]` line over the whole run.

/// The tools allocate per send and per message from several threads; mimalloc costs them
/// less CPU than glibc malloc, as for the servers (docs/performance.md). Declared here once
/// for the four tool binaries, the only users of this library.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

pub mod batch_producer;
pub mod consumer;
pub mod latency;
pub mod producer;
pub mod snapshot_window;
pub mod transaction_producer;

use rmq_srvutil::cli::{CliOption, CommandLine, Options};
use rmq_srvutil::server_util::{build_command_line_options, parse_cmd_line, ParseOutcome};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Options all four tools declare alike (`-m`: accepted, not supported; `-a`: sign requests
/// with `-ak`/`-sk`, see [`acl_credentials`]; `-ri`).
pub const COMMON_OPTIONS: [(&str, &str, &str); 3] = [
    (
        "m",
        "msgTraceEnable",
        "Message Trace Enable, Default: false",
    ),
    ("a", "aclEnable", "Acl Enable, Default: false"),
    (
        "ri",
        "reportInterval",
        "The number of ms between reports, Default: 10000",
    ),
];

/// The ACL key options as Producer, Consumer and TransactionProducer declare them
/// (BatchProducer's texts differ).
pub const ACL_KEY_OPTIONS: [(&str, &str, &str); 2] = [
    ("ak", "accessKey", "Acl access key, Default: 12345678"),
    ("sk", "secretKey", "Acl secret key, Default: rocketmq2"),
];

/// The compression options of Producer and BatchProducer.
pub const COMPRESS_OPTIONS: [(&str, &str, &str); 4] = [
    (
        "c",
        "compressEnable",
        "Enable compress msg over 4K, Default: false",
    ),
    (
        "ct",
        "compressType",
        "Message compressed type, Default: ZLIB",
    ),
    (
        "cl",
        "compressLevel",
        "Message compressed level, Default: 5",
    ),
    (
        "ch",
        "compressOverHowMuch",
        "Compress message when body over how much(unit Byte), Default: 4096",
    ),
];

/// Adds options that take an argument, given as `(opt, longOpt, description)`.
pub fn add_options(options: &mut Options, specs: &[(&str, &str, &str)]) {
    for (opt, long, desc) in specs {
        options.add_option(CliOption::new(opt, long, true, desc));
    }
}

/// Reads `-ct`, `-cl` (5) and `-ch` (4096) for a producer started with `-c true`: returns
/// the compress type (`ZLIB`), level and threshold in bytes.
pub fn compress_options(cl: &CommandLine) -> Result<(String, u32, usize), i32> {
    let compress_type = cl.get_trimmed("ct").unwrap_or("ZLIB").to_string();
    let level = number(cl, "cl", 5u32)?;
    let over = number(cl, "ch", 4096usize)?;
    Ok((compress_type, level, over))
}

/// Waits for SIGINT or SIGTERM, sets `stop`, and gives each task 5 s to finish.
pub async fn stop_on_signal(stop: &AtomicBool, tasks: Vec<tokio::task::JoinHandle<()>>) {
    shutdown_signal().await;
    stop.store(true, Ordering::Relaxed);
    for t in tasks {
        let _ = tokio::time::timeout(Duration::from_secs(5), t).await;
    }
}

/// Parses a tool's command line as `ServerUtil.parseCmdLine` does; `Err(code)` means the
/// process should exit with it (help or usage already printed).
pub fn parse_command_line(
    app: &str,
    args: &[String],
    add_options: fn(&mut Options),
) -> Result<CommandLine, i32> {
    let mut options = Options::new();
    build_command_line_options(&mut options);
    add_options(&mut options);
    match parse_cmd_line(app, args, &options) {
        ParseOutcome::Run(cl) => Ok(cl),
        ParseOutcome::Help(help) => {
            print!("{help}");
            Err(0)
        }
        ParseOutcome::Error { message, help } => {
            eprintln!("{message}");
            print!("{help}");
            Err(1)
        }
    }
}

/// A random alphanumeric body of `size` bytes (`RandomStringUtils.randomAlphanumeric`).
pub fn random_body(size: usize) -> bytes::Bytes {
    use rand::distr::{Alphanumeric, SampleString};
    bytes::Bytes::from(Alphanumeric.sample_string(&mut rand::rng(), size))
}

/// Resolves when the process gets SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Java `AclClient.ACL_ACCESS_KEY`: the access key of `-a true` without `-ak`.
pub const ACL_ACCESS_KEY: &str = "rocketmq2";
/// Java `AclClient.ACL_SECRET_KEY`: the secret key of `-a true` without `-sk`.
pub const ACL_SECRET_KEY: &str = "12345678";

/// The credentials of `-a true` (Java: `AclClient.getAclRPCHook(ak, sk)` with `-ak`/`-sk`,
/// else `rocketmq2`/`12345678`); `None` without `-a true`.
pub fn acl_credentials(cl: &CommandLine) -> Option<rmq_client::SessionCredentials> {
    if !flag(cl, "a") {
        return None;
    }
    let ak = cl.get_option_value("ak").unwrap_or(ACL_ACCESS_KEY);
    let sk = cl.get_option_value("sk").unwrap_or(ACL_SECRET_KEY);
    Some(rmq_client::SessionCredentials::new(ak, sk))
}

/// Prints a note on stderr for a Java option rmq does not implement (ACL, trace, ...).
pub fn warn_unsupported(what: &str) {
    eprintln!("rmq benchmark: {what} is not supported by rmq-client and is ignored");
}

/// Java's `Boolean.parseBoolean` of an optional value.
pub fn flag(cl: &CommandLine, name: &str) -> bool {
    cl.get_option_value(name)
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
}

/// Parses an optional number with a default; a bad value is reported with Java's
/// `NumberFormatException` text and exits 1 through `Err`.
pub fn number<T: std::str::FromStr>(cl: &CommandLine, name: &str, default: T) -> Result<T, i32> {
    match cl.get_option_value(name) {
        None => Ok(default),
        Some(v) => v.trim().parse::<T>().map_err(|_| {
            eprintln!("java.lang.NumberFormatException: For input string: \"{v}\"");
            1
        }),
    }
}

/// Runs a tool's async main on a multi-thread runtime and returns its exit code.
pub fn run_main<F>(fut: F) -> std::process::ExitCode
where
    F: std::future::Future<Output = i32>,
{
    let _log_guard =
        rmq_srvutil::logging::init("rocketmq_client.log", rmq_srvutil::logging::Stderr::Nothing)
            .ok();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("cannot start the runtime: {e}");
            return std::process::ExitCode::from(1);
        }
    };
    let code = runtime.block_on(fut);
    runtime.shutdown_background();
    std::process::ExitCode::from(u8::try_from(code).unwrap_or(1))
}

#[cfg(test)]
mod acl_tests {
    use super::*;

    fn cl(args: &[&str]) -> CommandLine {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        parse_command_line(
            "producer",
            &args,
            crate::producer::build_command_line_options,
        )
        .expect("parse")
    }

    #[test]
    fn acl_enable_signs_with_the_given_or_default_keys() {
        assert!(acl_credentials(&cl(&[])).is_none());
        assert!(acl_credentials(&cl(&["-a", "false", "-ak", "x"])).is_none());
        let c = acl_credentials(&cl(&["-a", "true"])).unwrap();
        assert_eq!(
            (c.access_key.as_str(), c.secret_key.as_str()),
            ("rocketmq2", "12345678")
        );
        let c = acl_credentials(&cl(&["-a", "true", "-ak", "u1", "-sk", "s1"])).unwrap();
        assert_eq!((c.access_key.as_str(), c.secret_key.as_str()), ("u1", "s1"));
    }
}
