//! `ClientConfig`: settings shared by producers, consumers and admin clients, and the client
//! id that keys the shared `MQClientInstance` (Java `ClientConfig`).

use rmq_remoting::LanguageCode;

/// Instance name that is replaced by `<pid>#<nanos>` at start (Java's default).
pub const DEFAULT_INSTANCE_NAME: &str = "DEFAULT";

/// Settings common to every client, with Java's defaults.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Name servers, `;`-separated (default: `NAMESRV_ADDR`).
    pub namesrv_addr: Option<String>,
    /// This host's address as brokers should see it (`NetworkUtil.getLocalAddress`).
    pub client_ip: String,
    /// Instance name; `DEFAULT` becomes `<pid>#<nanos>` when the client starts.
    pub instance_name: String,
    /// Callback concurrency (number of CPUs).
    pub client_callback_executor_threads: usize,
    /// Namespace prefix; kept for API parity (only empty namespaces are supported).
    pub namespace: Option<String>,
    /// Route refresh period (30 s).
    pub poll_name_server_interval_millis: u64,
    /// Heartbeat period (30 s).
    pub heartbeat_broker_interval_millis: u64,
    /// Consumer offset persist period (5 s).
    pub persist_consumer_offset_interval_millis: u64,
    /// Pause after a failed pull (Java `pullTimeDelayMillsWhenException`, 1 s here).
    pub pull_time_delay_millis_when_exception: u64,
    /// Unit mode flag sent with sends and heartbeats.
    pub unit_mode: bool,
    /// Unit name appended to the client id when set.
    pub unit_name: Option<String>,
    /// Use the broker's VIP channel (port - 2); off by default as in Java.
    pub vip_channel_enabled: bool,
    /// Timeout of control calls (3 s).
    pub mq_client_api_timeout_millis: u64,
    /// Language advertised in frames (RUST).
    pub language: LanguageCode,
    /// Connect to name servers and brokers with TLS (Java `useTLS`; default: the
    /// `tls.enable` system property, see `rmq_remoting::TlsSystemConfig`).
    pub use_tls: bool,
    /// Credentials every request is signed with (Java: an `AclClientRPCHook` given to the
    /// client's constructor); `None` sends unsigned requests. Clients sharing an instance
    /// (same client id) share the credentials of the first one, as in Java.
    pub credentials: Option<rmq_remoting::acl::SessionCredentials>,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            namesrv_addr: rmq_common::mix_all::namesrv_addr_from_env(),
            client_ip: rmq_common::util_all::local_address().to_string(),
            instance_name: std::env::var("ROCKETMQ_CLIENT_NAME")
                .unwrap_or_else(|_| DEFAULT_INSTANCE_NAME.to_string()),
            client_callback_executor_threads: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1),
            namespace: None,
            poll_name_server_interval_millis: 30_000,
            heartbeat_broker_interval_millis: 30_000,
            persist_consumer_offset_interval_millis: 5_000,
            pull_time_delay_millis_when_exception: 1_000,
            unit_mode: false,
            unit_name: None,
            vip_channel_enabled: false,
            mq_client_api_timeout_millis: 3_000,
            language: LanguageCode::RUST,
            use_tls: rmq_remoting::TlsSystemConfig::global().client_use_tls_default(),
            credentials: None,
        }
    }
}

impl ClientConfig {
    /// Returns `clientIP@instanceName[@unitName]` (`ClientConfig#buildMQClientId`).
    pub fn build_mq_client_id(&self) -> String {
        let mut id = format!("{}@{}", self.client_ip, self.instance_name);
        if let Some(unit) = self.unit_name.as_deref().filter(|u| !u.trim().is_empty()) {
            id.push('@');
            id.push_str(unit);
        }
        id
    }

    /// Replaces the `DEFAULT` instance name by `<pid>#<nanos>`
    /// (`ClientConfig#changeInstanceNameToPID`).
    pub fn change_instance_name_to_pid(&mut self) {
        if self.instance_name == DEFAULT_INSTANCE_NAME {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0);
            self.instance_name = format!("{}#{}", rmq_common::util_all::pid(), nanos);
        }
    }

    /// Returns the name server addresses (split on `;`, blanks dropped).
    pub fn namesrv_addr_list(&self) -> Vec<String> {
        self.namesrv_addr
            .as_deref()
            .unwrap_or_default()
            .split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    }
}

/// Generates `pub fn $name(mut self, v: $t) -> Self` setting `self.$path`: the one-field
/// setters of the client builders, carrying Java's field names in snake_case.
macro_rules! setter {
    ($(#[$m:meta])* $name:ident: $t:ty => $($path:ident).+) => {
        $(#[$m])*
        pub fn $name(mut self, v: $t) -> Self {
            self.$($path).+ = v;
            self
        }
    };
}
pub(crate) use setter;

/// Generates the [`ClientConfig`] setters every client builder shares, for a builder with a
/// `client_config: ClientConfig` field (Java: the setters `DefaultMQProducer`,
/// `DefaultMQPushConsumer` and `DefaultLitePullConsumer` inherit from `ClientConfig`).
macro_rules! client_config_setters {
    () => {
        /// Sets the name servers (`ns1:9876;ns2:9876`).
        pub fn namesrv_addr(mut self, addr: impl Into<String>) -> Self {
            self.client_config.namesrv_addr = Some(addr.into());
            self
        }

        /// Sets the instance name (default `DEFAULT`, which becomes `<pid>#<nanos>`).
        pub fn instance_name(mut self, name: impl Into<String>) -> Self {
            self.client_config.instance_name = name.into();
            self
        }

        /// Replaces every client setting.
        pub fn client_config(mut self, config: $crate::client_config::ClientConfig) -> Self {
            self.client_config = config;
            self
        }

        /// Signs every request with `credentials` (Java: `new DefaultMQProducer(group,
        /// new AclClientRPCHook(new SessionCredentials(accessKey, secretKey)))`).
        pub fn credentials(mut self, credentials: rmq_remoting::acl::SessionCredentials) -> Self {
            self.client_config.credentials = Some(credentials);
            self
        }

        $crate::client_config::setter!(/// Connects with TLS (Java `setUseTLS`).
            use_tls: bool => client_config.use_tls);
        $crate::client_config::setter!(/// Sets the control-call timeout (3000 ms).
            mq_client_api_timeout: u64 => client_config.mq_client_api_timeout_millis);
        $crate::client_config::setter!(/// Sets the route refresh period (30000 ms).
            poll_name_server_interval: u64 => client_config.poll_name_server_interval_millis);
        $crate::client_config::setter!(/// Sets the heartbeat period (30000 ms).
            heartbeat_broker_interval: u64 => client_config.heartbeat_broker_interval_millis);
        $crate::client_config::setter!(/// Sets the offset persist period (5000 ms).
            persist_consumer_offset_interval: u64 => client_config.persist_consumer_offset_interval_millis);
    };
}
pub(crate) use client_config_setters;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_id_follows_java() {
        let mut c = ClientConfig {
            client_ip: "10.0.0.5".into(),
            ..Default::default()
        };
        c.instance_name = DEFAULT_INSTANCE_NAME.into();
        c.change_instance_name_to_pid();
        let id = c.build_mq_client_id();
        let (ip, inst) = id.split_once('@').unwrap();
        assert_eq!(ip, "10.0.0.5");
        let (pid, nanos) = inst.split_once('#').unwrap();
        assert_eq!(pid, rmq_common::util_all::pid().to_string());
        assert!(nanos.parse::<u128>().is_ok());
        // A named instance is kept, and a unit name is appended.
        c.instance_name = "app".into();
        c.change_instance_name_to_pid();
        c.unit_name = Some("u1".into());
        assert_eq!(c.build_mq_client_id(), "10.0.0.5@app@u1");
        c.namesrv_addr = Some(" a:1; ;b:2".into());
        assert_eq!(c.namesrv_addr_list(), vec!["a:1", "b:2"]);
    }
}
