//! `mqcontroller`: parses Java's controller command line, loads the config file, starts the
//! controller and runs it until SIGTERM/SIGINT (Java `controller/.../ControllerStartup.java`).

use anyhow::bail;
use clap::Parser;
use rmq_common::properties::{self, Properties};
use rmq_controller::{ControllerConfig, ControllerHandle};
use rmq_remoting::{NettyClientConfig, NettyServerConfig};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Java `ControllerStartup` sets this port; the controller listens on its own address in
/// `controllerDLegerPeers` instead (as Java's DLedger controller does).
const DEFAULT_LISTEN_PORT: i32 = 19876;

/// Command line of `mqcontroller` (Java `ServerUtil` options plus `ControllerStartup`'s own).
#[derive(Parser, Debug)]
#[command(name = "mqcontroller", about = "rmq controller")]
struct Args {
    /// Controller config properties file
    #[arg(short = 'c', long = "configFile", value_name = "FILE")]
    config_file: Option<PathBuf>,
    /// Print all config items
    #[arg(short = 'p', long = "printConfigItem")]
    print_config_item: bool,
    /// Name server address list (accepted and ignored, as Java's controller does)
    #[arg(short = 'n', long = "namesrvAddr", value_name = "ADDR")]
    namesrv_addr: Option<String>,
}

struct Startup {
    controller_config: ControllerConfig,
    netty_server_config: NettyServerConfig,
    netty_client_config: NettyClientConfig,
    file_properties: Properties,
    warnings: Vec<String>,
}

fn load_config(config_file: Option<&Path>) -> anyhow::Result<Startup> {
    let mut s = Startup {
        controller_config: ControllerConfig::default(),
        netty_server_config: NettyServerConfig {
            listen_port: DEFAULT_LISTEN_PORT,
            ..Default::default()
        },
        netty_client_config: NettyClientConfig::default(),
        file_properties: Properties::new(),
        warnings: Vec::new(),
    };
    if let Some(file) = config_file {
        let props = rmq_srvutil::read_properties_file(file)?;
        let c = properties::bind(&mut s.controller_config, &props, &[]);
        let server = properties::bind(&mut s.netty_server_config, &props, &[]);
        let client = properties::bind(
            &mut s.netty_client_config,
            &props,
            rmq_remoting::NETTY_CLIENT_CONFIG_ALIASES,
        );
        let invalid: Vec<String> =
            [c.invalid_keys, server.invalid_keys, client.invalid_keys].concat();
        if let Some(key) = invalid.first() {
            bail!(
                "invalid value {:?} for config key {key} in {}",
                props.get(key).map(String::as_str).unwrap_or_default(),
                file.display()
            );
        }
        for key in &c.unknown_keys {
            if server.unknown_keys.contains(key) && client.unknown_keys.contains(key) {
                s.warnings.push(format!(
                    "unknown config key {key} in {} (ignored)",
                    file.display()
                ));
            }
        }
        s.warnings
            .extend(rmq_remoting::not_implemented_keys::warnings(
                props.keys(),
                &[
                    rmq_controller::config::NOT_IMPLEMENTED_KEYS,
                    rmq_remoting::not_implemented_keys::NETTY_SERVER_CONFIG,
                    rmq_remoting::not_implemented_keys::NETTY_CLIENT_CONFIG,
                ],
                rmq_remoting::NETTY_CLIENT_CONFIG_ALIASES,
            ));
        for w in &s.warnings {
            eprintln!("mqcontroller: warning: {w}");
        }
        s.file_properties = props;
        println!("load config properties file OK, {}", file.display());
    }
    if s.controller_config.rocketmq_home.is_empty() {
        s.controller_config.rocketmq_home = rmq_srvutil::derive_rocketmq_home().unwrap_or_default();
    }
    Ok(s)
}

fn config_lines(s: &Startup) -> Vec<(String, String)> {
    let mut pairs = properties::object_to_ordered_pairs(&s.controller_config);
    pairs.extend(properties::object_to_ordered_pairs(&s.netty_server_config));
    pairs.extend(properties::object_to_ordered_pairs(&s.netty_client_config));
    pairs
}

fn main() -> ExitCode {
    let args = match Args::try_parse() {
        Ok(a) => a,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 1 } else { 0 });
        }
    };
    let startup = match load_config(args.config_file.as_deref()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("mqcontroller: {}", rmq_srvutil::error_chain(&e));
            return ExitCode::from(1);
        }
    };
    if args.print_config_item {
        for (k, v) in config_lines(&startup) {
            println!("{k}={v}");
        }
        return ExitCode::SUCCESS;
    }
    if startup.controller_config.rocketmq_home.is_empty() {
        println!("Please set the ROCKETMQ_HOME or rocketmq.home.dir variable in your environment!");
        return ExitCode::from(255);
    }
    let _log_guard =
        match rmq_srvutil::logging::init("controller.log", rmq_srvutil::logging::Stderr::Errors) {
            Ok(g) => g,
            Err(e) => {
                eprintln!(
                    "mqcontroller: cannot set up logging: {}",
                    rmq_srvutil::error_chain(&e)
                );
                return ExitCode::from(1);
            }
        };
    for w in &startup.warnings {
        tracing::warn!("{w}");
    }
    for (k, v) in config_lines(&startup) {
        tracing::info!("{k}={v}");
    }
    if rmq_srvutil::run_server("mqcontroller", "controller", run(startup)) {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

async fn run(s: Startup) -> anyhow::Result<()> {
    let handle = ControllerHandle::start(
        s.controller_config,
        s.netty_server_config,
        s.netty_client_config,
        s.file_properties,
    )
    .await?;
    let tip = format!(
        "The Controller Server boot success. serializeType={}, address {}",
        rmq_remoting::protocol::remoting_command::default_serialize_type().name(),
        handle.local_addr()
    );
    tracing::info!("{tip}");
    println!("{tip}");
    let _ = std::io::stdout().flush();
    rmq_srvutil::wait_for_shutdown_signal().await?;
    tracing::info!("shutdown hook was invoked, 1 times.");
    handle.shutdown().await;
    Ok(())
}
