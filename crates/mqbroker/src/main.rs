//! `mqbroker`: parses Java's broker command line (`-c`, `-n`, `-p`, `-m`), binds `broker.conf`
//! to every config object, starts the broker, prints Java's boot line and runs until
//! SIGTERM/SIGINT (Java `broker/.../BrokerStartup.java`).

use clap::Parser;
use rmq_broker::{BrokerConfigs, BrokerController};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// mimalloc instead of glibc malloc: the send path allocates per request from many threads,
/// where glibc's arenas cost ~13 % of the broker's CPU (docs/performance.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Command line of `mqbroker` (Java `ServerUtil` options plus `BrokerStartup`'s own).
#[derive(Parser, Debug)]
#[command(name = "mqbroker", about = "rmq broker")]
struct Args {
    /// Broker config properties file
    #[arg(short = 'c', long = "configFile", value_name = "FILE")]
    config_file: Option<PathBuf>,
    /// Print all config item
    #[arg(short = 'p', long = "printConfigItem")]
    print_config_item: bool,
    /// Print important config item
    #[arg(short = 'm', long = "printImportantConfig")]
    print_important_config: bool,
    /// Name server address list, eg: '192.168.0.1:9876;192.168.0.2:9876'
    #[arg(short = 'n', long = "namesrvAddr", value_name = "ADDR")]
    namesrv_addr: Option<String>,
}

/// Java exits with negative codes; a process sees them modulo 256.
fn java_exit(code: i32) -> ExitCode {
    ExitCode::from(code.rem_euclid(256) as u8)
}

fn main() -> ExitCode {
    let args = match Args::try_parse() {
        Ok(a) => a,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 1 } else { 0 });
        }
    };
    let (configs, warnings) = match build_configs(&args) {
        Ok(c) => c,
        Err(Exit::Message(msg, code)) => {
            println!("{msg}");
            return java_exit(code);
        }
        Err(Exit::Error(e)) => {
            eprintln!("mqbroker: {}", rmq_srvutil::error_chain(&e));
            return ExitCode::from(1);
        }
    };
    if args.print_config_item || args.print_important_config {
        for line in configs.print_lines(args.print_important_config) {
            println!("{line}");
        }
        return ExitCode::SUCCESS;
    }
    let _log_guard =
        match rmq_srvutil::logging::init("broker.log", rmq_srvutil::logging::Stderr::Errors) {
            Ok(g) => g,
            Err(e) => {
                eprintln!(
                    "mqbroker: cannot set up logging: {}",
                    rmq_srvutil::error_chain(&e)
                );
                return ExitCode::from(1);
            }
        };
    for w in &warnings {
        tracing::warn!("{w}");
    }
    for line in configs.print_lines(false) {
        tracing::info!("{line}");
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("BrokerWorker")
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("mqbroker: cannot start the runtime: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(run(configs)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let text = rmq_srvutil::error_chain(&e);
            rmq_srvutil::logging::log_fatal(&format!("broker failed: {text}"));
            eprintln!("mqbroker: {text}");
            java_exit(-1)
        }
    }
}

enum Exit {
    /// Java prints a message and exits with a code.
    Message(String, i32),
    Error(anyhow::Error),
}

/// Defaults < `-c` file < command line, then Java's checks (Java `buildBrokerController`).
fn build_configs(args: &Args) -> Result<(BrokerConfigs, Vec<String>), Exit> {
    let mut configs = BrokerConfigs::default();
    let mut warnings = Vec::new();
    if let Some(file) = &args.config_file {
        let props = rmq_srvutil::read_properties_file(file).map_err(Exit::Error)?;
        let report = configs.apply_properties(&props);
        for key in report.unknown_keys {
            let w = format!("unknown config key {key} in {} (ignored)", file.display());
            eprintln!("mqbroker: warning: {w}");
            warnings.push(w);
        }
        // A port that does not parse would leave the broker on a port nobody asked for.
        if let Some(key) = report
            .invalid_keys
            .iter()
            .find(|k| matches!(k.as_str(), "listenPort" | "haListenPort"))
        {
            return Err(Exit::Error(anyhow::anyhow!(
                "invalid value {:?} for config key {key} in {}: a port must be an integer in 0..=65535",
                props.get(key).map(String::as_str).unwrap_or_default(),
                file.display()
            )));
        }
        let objects = [
            rmq_srvutil::config_as_json(&configs.broker_config),
            rmq_srvutil::config_as_json(&configs.netty_server_config),
            rmq_srvutil::config_as_json(&configs.netty_client_config),
            rmq_srvutil::config_as_json(&configs.message_store_config),
        ];
        for key in report.invalid_keys {
            let w = format!(
                "invalid value {:?} for config key {key} in {}: not {} (ignored, as Java does)",
                props.get(&key).map(String::as_str).unwrap_or_default(),
                file.display(),
                rmq_srvutil::expected_value_kind(&objects, &key)
            );
            eprintln!("mqbroker: warning: {w}");
            warnings.push(w);
        }
        for w in rmq_broker::not_implemented_keys::warnings(&props) {
            eprintln!("mqbroker: warning: {w}");
            warnings.push(w);
        }
        configs.broker_config.broker_config_path = Some(file.display().to_string());
    }
    if let Some(addr) = &args.namesrv_addr {
        configs.broker_config.namesrv_addr = Some(addr.trim().to_string());
    }
    if configs.broker_config.rocketmq_home.is_none() {
        configs.broker_config.rocketmq_home = rmq_srvutil::derive_rocketmq_home();
    }
    if configs.broker_config.rocketmq_home.is_none() {
        return Err(Exit::Message(
            "Please set the ROCKETMQ_HOME variable in your environment to match the location of the RocketMQ installation".into(),
            -2,
        ));
    }
    configs
        .finish()
        .map_err(|(msg, code)| Exit::Message(msg, code))?;
    configs
        .validate_ports()
        .map_err(|msg| Exit::Error(anyhow::anyhow!(msg)))?;
    Ok((configs, warnings))
}

async fn run(configs: BrokerConfigs) -> anyhow::Result<()> {
    let handle = BrokerController::start(configs).await?;
    let (name, namesrv) = {
        let bc = handle.controller().broker_config().load();
        (bc.broker_name.clone(), bc.namesrv_addr.clone())
    };
    let mut tip = format!(
        "The broker[{name}, {}] boot success. serializeType={}",
        handle.broker_addr(),
        rmq_remoting::protocol::remoting_command::default_serialize_type().name()
    );
    if let Some(ns) = namesrv.filter(|n| !n.is_empty()) {
        tip.push_str(&format!(" and name server is {ns}"));
    }
    tracing::info!("{tip}");
    println!("{tip}");
    let _ = std::io::stdout().flush();
    rmq_srvutil::wait_for_shutdown_signal().await?;
    tracing::info!("Shutdown hook was invoked, 1");
    handle.shutdown().await;
    tracing::info!("Shutdown hook over");
    Ok(())
}
