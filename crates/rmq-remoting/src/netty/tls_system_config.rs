//! TLS settings with Java's keys and defaults (Java `TlsSystemConfig`, `TlsMode`, and the
//! file-reading half of `TlsHelper`).
//!
//! Java reads these keys as JVM system properties (`-Dtls.server.mode=enforcing`), which its
//! `bin/` scripts pass through `JAVA_OPT` / `JAVA_OPT_EXT`. rmq has no JVM, so it takes the
//! `-Dkey=value` words of those two environment variables as its system properties
//! ([`system_properties`]): `JAVA_OPT_EXT="-Dtls.server.mode=enforcing" bin/mqbroker ...`
//! works for both. As in Java, `tls.server.mode` and `tls.enable` come only from there; the
//! other keys may also come from the file named by `tls.config.file`
//! (`/etc/rocketmq/tls.properties`), which wins over the properties.

use rmq_common::properties::{self, Properties};
use std::sync::OnceLock;

pub const TLS_SERVER_MODE: &str = "tls.server.mode";
pub const TLS_ENABLE: &str = "tls.enable";
pub const TLS_CONFIG_FILE: &str = "tls.config.file";
pub const TLS_TEST_MODE_ENABLE: &str = "tls.test.mode.enable";
pub const TLS_SERVER_NEED_CLIENT_AUTH: &str = "tls.server.need.client.auth";
pub const TLS_SERVER_KEYPATH: &str = "tls.server.keyPath";
pub const TLS_SERVER_KEYPASSWORD: &str = "tls.server.keyPassword";
pub const TLS_SERVER_CERTPATH: &str = "tls.server.certPath";
pub const TLS_SERVER_AUTHCLIENT: &str = "tls.server.authClient";
pub const TLS_SERVER_TRUSTCERTPATH: &str = "tls.server.trustCertPath";
pub const TLS_CLIENT_KEYPATH: &str = "tls.client.keyPath";
pub const TLS_CLIENT_KEYPASSWORD: &str = "tls.client.keyPassword";
pub const TLS_CLIENT_CERTPATH: &str = "tls.client.certPath";
pub const TLS_CLIENT_AUTHSERVER: &str = "tls.client.authServer";
pub const TLS_CLIENT_TRUSTCERTPATH: &str = "tls.client.trustCertPath";

/// Default of `tls.config.file`.
pub const DEFAULT_TLS_CONFIG_FILE: &str = "/etc/rocketmq/tls.properties";

/// Environment variables whose `-Dkey=value` words are read as system properties, in the
/// order Java's `bin/runserver.sh` and `bin/runbroker.sh` put them on the command line (a
/// later definition wins, as with the JVM).
pub const SYSTEM_PROPERTY_ENV_VARS: &[&str] = &["JAVA_OPT", "JAVA_OPT_EXT"];

/// What a server does with TLS and plaintext connections (Java `TlsMode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsMode {
    /// TLS handshakes are refused (the connection is closed).
    Disabled,
    /// Both TLS and plaintext connections are served (Java's default).
    Permissive,
    /// Plaintext connections are refused.
    Enforcing,
}

impl TlsMode {
    /// Parses Java's names; anything else is `Permissive`, as `TlsMode.parse` does.
    pub fn parse(mode: &str) -> TlsMode {
        match mode {
            "disabled" => TlsMode::Disabled,
            "enforcing" => TlsMode::Enforcing,
            _ => TlsMode::Permissive,
        }
    }

    /// Returns Java's name of the mode.
    pub fn name(self) -> &'static str {
        match self {
            TlsMode::Disabled => "disabled",
            TlsMode::Permissive => "permissive",
            TlsMode::Enforcing => "enforcing",
        }
    }
}

/// Whether a server asks TLS clients for a certificate (Netty's `ClientAuth`, parsed from
/// `tls.server.need.client.auth` case-insensitively; unknown or blank is `None`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientAuth {
    None,
    Optional,
    Require,
}

impl ClientAuth {
    /// Parses `none` / `optional` / `require` as Java's `TlsHelper.parseClientAuthMode`.
    pub fn parse(mode: &str) -> ClientAuth {
        match mode.trim().to_uppercase().as_str() {
            "OPTIONAL" => ClientAuth::Optional,
            "REQUIRE" => ClientAuth::Require,
            _ => ClientAuth::None,
        }
    }
}

/// The TLS settings of a process, with Java's defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct TlsSystemConfig {
    /// `tls.server.mode` (default permissive).
    pub tls_mode: TlsMode,
    /// `tls.enable`: explicitly set for clients, `None` when the property is absent (then a
    /// `NettyClientConfig` uses TLS when the server mode is enforcing, a client `ClientConfig`
    /// does not).
    pub tls_enable: Option<bool>,
    /// `tls.test.mode.enable` (default true): servers use a generated self-signed
    /// certificate and clients trust any server certificate.
    pub tls_test_mode_enable: bool,
    pub tls_server_need_client_auth: String,
    pub tls_server_key_path: Option<String>,
    pub tls_server_key_password: Option<String>,
    pub tls_server_cert_path: Option<String>,
    pub tls_server_auth_client: bool,
    pub tls_server_trust_cert_path: Option<String>,
    pub tls_client_key_path: Option<String>,
    pub tls_client_key_password: Option<String>,
    pub tls_client_cert_path: Option<String>,
    pub tls_client_auth_server: bool,
    pub tls_client_trust_cert_path: Option<String>,
    /// `tls.config.file` (default `/etc/rocketmq/tls.properties`).
    pub tls_config_file: String,
}

impl Default for TlsSystemConfig {
    fn default() -> Self {
        TlsSystemConfig::from_system_properties(&Properties::new())
    }
}

/// Java's `Boolean.parseBoolean`: true only for a case-insensitive "true".
fn parse_bool(v: &str) -> bool {
    v.eq_ignore_ascii_case("true")
}

impl TlsSystemConfig {
    /// Reads the settings from system properties (missing keys take Java's defaults), as
    /// Java's `TlsSystemConfig` static fields do. The `tls.config.file` is not read here.
    pub fn from_system_properties(props: &Properties) -> TlsSystemConfig {
        let s = |k: &str| props.get(k).cloned();
        let b = |k: &str, d: bool| props.get(k).map_or(d, |v| parse_bool(v));
        TlsSystemConfig {
            tls_mode: TlsMode::parse(props.get(TLS_SERVER_MODE).map_or("permissive", |v| v)),
            tls_enable: props.get(TLS_ENABLE).map(|v| parse_bool(v)),
            tls_test_mode_enable: b(TLS_TEST_MODE_ENABLE, true),
            tls_server_need_client_auth: s(TLS_SERVER_NEED_CLIENT_AUTH)
                .unwrap_or_else(|| "none".into()),
            tls_server_key_path: s(TLS_SERVER_KEYPATH),
            tls_server_key_password: s(TLS_SERVER_KEYPASSWORD),
            tls_server_cert_path: s(TLS_SERVER_CERTPATH),
            tls_server_auth_client: b(TLS_SERVER_AUTHCLIENT, false),
            tls_server_trust_cert_path: s(TLS_SERVER_TRUSTCERTPATH),
            tls_client_key_path: s(TLS_CLIENT_KEYPATH),
            tls_client_key_password: s(TLS_CLIENT_KEYPASSWORD),
            tls_client_cert_path: s(TLS_CLIENT_CERTPATH),
            tls_client_auth_server: b(TLS_CLIENT_AUTHSERVER, false),
            tls_client_trust_cert_path: s(TLS_CLIENT_TRUSTCERTPATH),
            tls_config_file: s(TLS_CONFIG_FILE).unwrap_or_else(|| DEFAULT_TLS_CONFIG_FILE.into()),
        }
    }

    /// Overrides the settings with the keys `props` (a `tls.config.file`) sets, except the
    /// server mode and `tls.enable` (Java `TlsHelper.extractTlsConfigFromFile`).
    pub fn apply_config_file_properties(&mut self, props: &Properties) {
        let set = |slot: &mut Option<String>, k: &str| {
            if let Some(v) = props.get(k) {
                *slot = Some(v.clone());
            }
        };
        let set_bool = |slot: &mut bool, k: &str| {
            if let Some(v) = props.get(k) {
                *slot = parse_bool(v);
            }
        };
        set_bool(&mut self.tls_test_mode_enable, TLS_TEST_MODE_ENABLE);
        if let Some(v) = props.get(TLS_SERVER_NEED_CLIENT_AUTH) {
            self.tls_server_need_client_auth = v.clone();
        }
        set(&mut self.tls_server_key_path, TLS_SERVER_KEYPATH);
        set(&mut self.tls_server_key_password, TLS_SERVER_KEYPASSWORD);
        set(&mut self.tls_server_cert_path, TLS_SERVER_CERTPATH);
        set_bool(&mut self.tls_server_auth_client, TLS_SERVER_AUTHCLIENT);
        set(
            &mut self.tls_server_trust_cert_path,
            TLS_SERVER_TRUSTCERTPATH,
        );
        set(&mut self.tls_client_key_path, TLS_CLIENT_KEYPATH);
        set(&mut self.tls_client_key_password, TLS_CLIENT_KEYPASSWORD);
        set(&mut self.tls_client_cert_path, TLS_CLIENT_CERTPATH);
        set_bool(&mut self.tls_client_auth_server, TLS_CLIENT_AUTHSERVER);
        set(
            &mut self.tls_client_trust_cert_path,
            TLS_CLIENT_TRUSTCERTPATH,
        );
    }

    /// Reads `tls_config_file` when it exists and is readable, and applies it; a missing
    /// file is skipped silently (Java logs "Tls config file doesn't exist, skip it").
    pub fn apply_config_file(&mut self) {
        match std::fs::read_to_string(&self.tls_config_file) {
            Ok(text) => {
                let props = properties::parse(&text);
                self.apply_config_file_properties(&props);
            }
            Err(e) => {
                tracing::debug!(file = %self.tls_config_file, error = %e, "Tls config file doesn't exist, skip it");
            }
        }
    }

    /// Returns the process's settings: [`system_properties`] plus the `tls.config.file`,
    /// read once.
    pub fn global() -> &'static TlsSystemConfig {
        static GLOBAL: OnceLock<TlsSystemConfig> = OnceLock::new();
        GLOBAL.get_or_init(|| {
            let mut c = TlsSystemConfig::from_system_properties(system_properties());
            c.apply_config_file();
            c
        })
    }

    /// Returns whether a `NettyClientConfig` uses TLS by default: `tls.enable` when set,
    /// else whether the server mode is enforcing (Java `NettyClientConfig.useTLS`).
    pub fn netty_client_use_tls_default(&self) -> bool {
        self.tls_enable
            .unwrap_or(self.tls_mode == TlsMode::Enforcing)
    }

    /// Returns whether an SDK client uses TLS by default: `tls.enable`, default false
    /// (Java `TlsSystemConfig.tlsEnable`, read by `ClientConfig.useTLS`).
    pub fn client_use_tls_default(&self) -> bool {
        self.tls_enable.unwrap_or(false)
    }
}

/// Returns the `-Dkey=value` definitions found in `text` (words split on whitespace; a
/// `-Dkey` without a value is the empty string, as with the JVM).
pub fn parse_java_opts(text: &str, into: &mut Properties) {
    for word in text.split_whitespace() {
        let Some(def) = word.strip_prefix("-D") else {
            continue;
        };
        let (k, v) = def.split_once('=').unwrap_or((def, ""));
        if !k.is_empty() {
            into.insert(k.to_string(), v.to_string());
        }
    }
}

/// Returns the process's Java-style system properties: the `-D` words of
/// [`SYSTEM_PROPERTY_ENV_VARS`], read once.
pub fn system_properties() -> &'static Properties {
    static PROPS: OnceLock<Properties> = OnceLock::new();
    PROPS.get_or_init(|| {
        let mut props = Properties::new();
        for var in SYSTEM_PROPERTY_ENV_VARS {
            if let Ok(text) = std::env::var(var) {
                parse_java_opts(&text, &mut props);
            }
        }
        props
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn props(pairs: &[(&str, &str)]) -> Properties {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_are_java_defaults() {
        let c = TlsSystemConfig::default();
        assert_eq!(c.tls_mode, TlsMode::Permissive);
        assert!(c.tls_test_mode_enable);
        assert_eq!(c.tls_enable, None);
        assert_eq!(
            ClientAuth::parse(&c.tls_server_need_client_auth),
            ClientAuth::None
        );
        assert_eq!(c.tls_config_file, "/etc/rocketmq/tls.properties");
        assert!(!c.netty_client_use_tls_default());
        assert!(!c.client_use_tls_default());
    }

    #[test]
    fn mode_parses_like_java() {
        assert_eq!(TlsMode::parse("disabled"), TlsMode::Disabled);
        assert_eq!(TlsMode::parse("enforcing"), TlsMode::Enforcing);
        assert_eq!(TlsMode::parse("ENFORCING"), TlsMode::Permissive);
        assert_eq!(TlsMode::parse("bogus"), TlsMode::Permissive);
        assert_eq!(ClientAuth::parse(" Require "), ClientAuth::Require);
        assert_eq!(ClientAuth::parse("optional"), ClientAuth::Optional);
        assert_eq!(ClientAuth::parse("whatever"), ClientAuth::None);
    }

    #[test]
    fn enforcing_mode_makes_netty_clients_use_tls_unless_tls_enable_says_no() {
        let c = TlsSystemConfig::from_system_properties(&props(&[(TLS_SERVER_MODE, "enforcing")]));
        assert!(c.netty_client_use_tls_default());
        assert!(!c.client_use_tls_default());
        let c = TlsSystemConfig::from_system_properties(&props(&[
            (TLS_SERVER_MODE, "enforcing"),
            (TLS_ENABLE, "false"),
        ]));
        assert!(!c.netty_client_use_tls_default());
        let c = TlsSystemConfig::from_system_properties(&props(&[(TLS_ENABLE, "TRUE")]));
        assert!(c.netty_client_use_tls_default() && c.client_use_tls_default());
    }

    #[test]
    fn config_file_overrides_all_but_mode_and_enable() {
        let mut c = TlsSystemConfig::from_system_properties(&props(&[
            (TLS_SERVER_MODE, "enforcing"),
            (TLS_SERVER_CERTPATH, "/a.pem"),
        ]));
        c.apply_config_file_properties(&props(&[
            (TLS_SERVER_MODE, "disabled"),
            (TLS_ENABLE, "true"),
            (TLS_TEST_MODE_ENABLE, "false"),
            (TLS_SERVER_CERTPATH, "/b.pem"),
            (TLS_CLIENT_AUTHSERVER, "true"),
        ]));
        assert_eq!(c.tls_mode, TlsMode::Enforcing);
        assert_eq!(c.tls_enable, None);
        assert!(!c.tls_test_mode_enable);
        assert_eq!(c.tls_server_cert_path.as_deref(), Some("/b.pem"));
        assert!(c.tls_client_auth_server);
    }

    #[test]
    fn config_file_is_read_from_disk() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("tls.properties");
        std::fs::write(
            &file,
            "tls.test.mode.enable=false\ntls.server.keyPath=/k.pem\n",
        )
        .unwrap();
        let mut c = TlsSystemConfig::from_system_properties(&props(&[(
            TLS_CONFIG_FILE,
            file.to_str().unwrap(),
        )]));
        c.apply_config_file();
        assert!(!c.tls_test_mode_enable);
        assert_eq!(c.tls_server_key_path.as_deref(), Some("/k.pem"));
    }

    #[test]
    fn java_opts_words_become_properties() {
        let mut p = Properties::new();
        parse_java_opts("-server -Xms1g -Dtls.server.mode=enforcing -Dflag", &mut p);
        parse_java_opts(" -Dtls.server.mode=disabled -Da=b=c", &mut p);
        assert_eq!(
            p.get("tls.server.mode").map(String::as_str),
            Some("disabled")
        );
        assert_eq!(p.get("flag").map(String::as_str), Some(""));
        assert_eq!(p.get("a").map(String::as_str), Some("b=c"));
        assert_eq!(p.len(), 3);
    }
}
