//! `mqnamesrv`: parses Java's NameServer command line, loads the config file, starts the
//! NameServer and runs it until SIGTERM/SIGINT (Java `namesrv/.../NamesrvStartup.java`).

mod namesrv_startup;

use clap::Parser;
use namesrv_startup::{load_config, print_config_items, Startup};
use rmq_namesrv::NamesrvController;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Command line of `mqnamesrv` (Java `ServerUtil` options plus `NamesrvStartup`'s own).
#[derive(Parser, Debug)]
#[command(name = "mqnamesrv", about = "rmq name server")]
struct Args {
    /// Name server config properties file
    #[arg(short = 'c', long = "configFile", value_name = "FILE")]
    config_file: Option<PathBuf>,
    /// Print all config items
    #[arg(short = 'p', long = "printConfigItem")]
    print_config_item: bool,
    /// Name server address list, eg: '192.168.0.1:9876;192.168.0.2:9876' (accepted and
    /// ignored, as Java's NameServer does)
    #[arg(short = 'n', long = "namesrvAddr", value_name = "ADDR")]
    namesrv_addr: Option<String>,
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
            eprintln!("mqnamesrv: {}", rmq_srvutil::error_chain(&e));
            return ExitCode::from(1);
        }
    };
    if args.print_config_item {
        print_config_items(&startup);
        return ExitCode::SUCCESS;
    }
    if startup.namesrv_config.rocketmq_home.is_empty() {
        println!("Please set the ROCKETMQ_HOME variable in your environment to match the location of the RocketMQ installation");
        return ExitCode::from(254);
    }
    let _log_guard =
        match rmq_srvutil::logging::init("namesrv.log", rmq_srvutil::logging::Stderr::Errors) {
            Ok(g) => g,
            Err(e) => {
                eprintln!(
                    "mqnamesrv: cannot set up logging: {}",
                    rmq_srvutil::error_chain(&e)
                );
                return ExitCode::from(1);
            }
        };
    startup.log_config();
    if rmq_srvutil::run_server("mqnamesrv", "name server", run(startup)) {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

async fn run(startup: Startup) -> anyhow::Result<()> {
    let bind_address = startup.netty_server_config.bind_address.clone();
    // Java starts the embedded controller first (NamesrvStartup.controllerManagerMain), on a
    // copy of the NameServer's server settings; it listens on its controllerDLegerPeers port.
    let controller = match startup.controller_config.clone() {
        Some(config) => {
            let handle = rmq_controller::ControllerHandle::start(
                config,
                startup.netty_server_config.clone(),
                startup.netty_client_config.clone(),
                startup.file_properties.clone(),
            )
            .await?;
            let tip = format!(
                "The ControllerManager boot success. serializeType={}",
                rmq_remoting::protocol::remoting_command::default_serialize_type().name()
            );
            tracing::info!("{tip}");
            println!("{tip}");
            Some(handle)
        }
        None => None,
    };
    let handle = NamesrvController::start_with(
        startup.namesrv_config,
        startup.netty_server_config,
        startup.netty_client_config,
        startup.file_properties,
    )
    .await?;
    let tip = format!(
        "The Name Server boot success. serializeType={}, address {}:{}",
        rmq_remoting::protocol::remoting_command::default_serialize_type().name(),
        bind_address,
        handle.local_addr().port()
    );
    tracing::info!("{tip}");
    println!("{tip}");
    let _ = std::io::stdout().flush();

    rmq_srvutil::wait_for_shutdown_signal().await?;
    tracing::info!("shutdown hook was invoked, 1 times.");
    handle.shutdown().await;
    if let Some(controller) = controller {
        controller.shutdown().await;
    }
    Ok(())
}
