//! `mqadmin`: RocketMQ's admin command line (Java `tools/command/MQAdminStartup`), e.g.
//! `mqadmin clusterList -n localhost:9876`, `mqadmin help updateTopic`.
//!
//! Output and options follow Java's; a failed command prints one line to stderr and exits 1
//! (Java prints a stack trace and exits 0). Logs go to `~/logs/rocketmqlogs/tools.log`.

use std::process::ExitCode;

fn main() -> ExitCode {
    let _log_guard =
        rmq_srvutil::logging::init("tools.log", rmq_srvutil::logging::Stderr::Nothing).ok();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("mqadmin: cannot start the runtime: {e}");
            return ExitCode::from(1);
        }
    };
    let code = runtime.block_on(async {
        let mut out = std::io::stdout().lock();
        let mut err = std::io::stderr().lock();
        rmq_tools::command::mq_admin_startup::main0(&args, &mut out, &mut err).await
    });
    // Connections and client tasks end with the process; no need to wait for them.
    runtime.shutdown_background();
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}
