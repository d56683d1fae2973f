//! Config loading of `mqnamesrv` (Java `NamesrvStartup#parseCommandlineAndConfigFile`):
//! defaults, then the `-c` file bound to `NamesrvConfig`, `NettyServerConfig` and
//! `NettyClientConfig` by key name.

use anyhow::bail;
use rmq_common::properties::{self, Properties};
use rmq_controller::ControllerConfig;
use rmq_namesrv::NamesrvConfig;
use rmq_remoting::{NettyClientConfig, NettyServerConfig};
use std::path::Path;

/// The NameServer's listen port unless the config file says otherwise.
const DEFAULT_LISTEN_PORT: i32 = 9876;

/// Everything the NameServer starts with.
pub struct Startup {
    pub namesrv_config: NamesrvConfig,
    pub netty_server_config: NettyServerConfig,
    pub netty_client_config: NettyClientConfig,
    /// The config file's properties, all of them (GET_NAMESRV_CONFIG reports them).
    pub file_properties: Properties,
    /// The embedded controller's settings, from the same file, when
    /// `enableControllerInNamesrv` is on (Java `NamesrvStartup`).
    pub controller_config: Option<ControllerConfig>,
    /// Problems worth a warning (unknown keys), logged once logging is up.
    pub warnings: Vec<String>,
}

/// Builds the settings from defaults and the optional config file. Unknown keys are
/// warnings (printed to stderr now and logged later); a value that does not parse as its
/// key's type, or an unusable value, is an error.
pub fn load_config(config_file: Option<&Path>) -> anyhow::Result<Startup> {
    let mut startup = Startup {
        namesrv_config: NamesrvConfig::default(),
        netty_server_config: NettyServerConfig {
            listen_port: DEFAULT_LISTEN_PORT,
            ..Default::default()
        },
        netty_client_config: NettyClientConfig::default(),
        file_properties: Properties::new(),
        controller_config: None,
        warnings: Vec::new(),
    };
    if let Some(file) = config_file {
        let props = rmq_srvutil::read_properties_file(file)?;
        let ns = properties::bind(&mut startup.namesrv_config, &props, &[]);
        let server = properties::bind(&mut startup.netty_server_config, &props, &[]);
        let client = properties::bind(
            &mut startup.netty_client_config,
            &props,
            rmq_remoting::NETTY_CLIENT_CONFIG_ALIASES,
        );
        let mut invalid: Vec<String> = ns.invalid_keys;
        invalid.extend(server.invalid_keys);
        invalid.extend(client.invalid_keys);
        let mut controller_unknown = None;
        if startup.namesrv_config.enable_controller_in_namesrv {
            let mut c = ControllerConfig::default();
            let report = properties::bind(&mut c, &props, &[]);
            invalid.extend(report.invalid_keys);
            controller_unknown = Some(report.unknown_keys);
            startup.controller_config = Some(c);
        }
        if let Some(key) = invalid.first() {
            let kind = rmq_srvutil::expected_value_kind(
                &[
                    rmq_srvutil::config_as_json(&startup.namesrv_config),
                    rmq_srvutil::config_as_json(&startup.netty_server_config),
                    rmq_srvutil::config_as_json(&startup.netty_client_config),
                ],
                key,
            );
            bail!(
                "invalid value {:?} for config key {key} in {}: not {kind}",
                props.get(key).map(String::as_str).unwrap_or_default(),
                file.display()
            );
        }
        for key in &ns.unknown_keys {
            let controller_knows = controller_unknown
                .as_ref()
                .is_some_and(|u| !u.contains(key));
            if server.unknown_keys.contains(key)
                && client.unknown_keys.contains(key)
                && !controller_knows
            {
                let w = format!("unknown config key {key} in {} (ignored)", file.display());
                eprintln!("mqnamesrv: warning: {w}");
                startup.warnings.push(w);
            }
        }
        for w in rmq_remoting::not_implemented_keys::warnings(
            props.keys(),
            &[
                rmq_namesrv::namesrv_config::NOT_IMPLEMENTED_KEYS,
                if startup.controller_config.is_some() {
                    rmq_controller::config::NOT_IMPLEMENTED_KEYS
                } else {
                    &[]
                },
                rmq_remoting::not_implemented_keys::NETTY_SERVER_CONFIG,
                rmq_remoting::not_implemented_keys::NETTY_CLIENT_CONFIG,
            ],
            rmq_remoting::NETTY_CLIENT_CONFIG_ALIASES,
        ) {
            eprintln!("mqnamesrv: warning: {w}");
            startup.warnings.push(w);
        }
        startup.namesrv_config.config_store_path = file.to_string_lossy().into_owned();
        startup.file_properties = props;
        println!("load config properties file OK, {}", file.display());
    }
    if startup.namesrv_config.rocketmq_home.is_empty() {
        startup.namesrv_config.rocketmq_home =
            rmq_srvutil::derive_rocketmq_home().unwrap_or_default();
    }
    let port = startup.netty_server_config.listen_port;
    if !(0..=i32::from(u16::MAX)).contains(&port) {
        bail!("invalid value {port} for config key listenPort: a port must be 0..=65535");
    }
    startup.namesrv_config.validate()?;
    if let Some(c) = &startup.controller_config {
        c.validate().map_err(anyhow::Error::msg)?;
    }
    Ok(startup)
}

/// Prints every setting as `key=value` (`-p`; Java `MixAll.printObjectProperties`).
pub fn print_config_items(startup: &Startup) {
    let mut out = String::new();
    for (k, v) in properties::object_to_ordered_pairs(&startup.namesrv_config)
        .into_iter()
        .chain(properties::object_to_ordered_pairs(
            &startup.netty_server_config,
        ))
        .chain(properties::object_to_ordered_pairs(
            &startup.netty_client_config,
        ))
        .chain(
            startup
                .controller_config
                .iter()
                .flat_map(properties::object_to_ordered_pairs),
        )
    {
        out.push_str(&format!("{k}={v}\n"));
    }
    print!("{out}");
}

impl Startup {
    /// Logs the warnings and every setting, as Java logs its config at startup.
    pub fn log_config(&self) {
        for w in &self.warnings {
            tracing::warn!("{w}");
        }
        for (k, v) in properties::object_to_ordered_pairs(&self.namesrv_config)
            .into_iter()
            .chain(properties::object_to_ordered_pairs(
                &self.netty_server_config,
            ))
        {
            tracing::info!("{k}={v}");
        }
    }
}
