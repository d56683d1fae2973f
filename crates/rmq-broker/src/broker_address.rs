//! [`BrokerAddress`]: where this broker listens, known once the listener is bound (Java
//! `BrokerController#getBrokerAddr`, `getStoreHost`, `brokerConfig.listenPort`). Processors
//! get it instead of the controller.

use std::net::SocketAddr;
use std::sync::OnceLock;

/// The bound listen port, `brokerIP1:listenPort` and the store host written into records.
#[derive(Debug)]
pub struct BrokerAddress {
    ip: String,
    configured_port: i32,
    listen_port: OnceLock<i32>,
    broker_addr: OnceLock<String>,
    store_host: OnceLock<SocketAddr>,
}

impl BrokerAddress {
    /// An address not bound yet: answers with `ip` and the configured port.
    pub fn new(ip: impl Into<String>, configured_port: i32) -> Self {
        BrokerAddress {
            ip: ip.into(),
            configured_port,
            listen_port: OnceLock::new(),
            broker_addr: OnceLock::new(),
            store_host: OnceLock::new(),
        }
    }

    /// Records the port the listener was bound to (first call wins).
    pub fn set_listen_port(&self, port: i32) {
        let _ = self.listen_port.set(port);
        let _ = self.broker_addr.set(format!("{}:{port}", self.ip));
        let host: SocketAddr = format!("{}:{port}", self.ip)
            .parse()
            .unwrap_or_else(|_| SocketAddr::from(([127, 0, 0, 1], port as u16)));
        let _ = self.store_host.set(host);
    }

    /// Returns `brokerIP1:listenPort`.
    pub fn broker_addr(&self) -> String {
        self.broker_addr
            .get()
            .cloned()
            .unwrap_or_else(|| format!("{}:{}", self.ip, self.configured_port))
    }

    /// Returns the store host written into records.
    pub fn store_host(&self) -> SocketAddr {
        self.store_host.get().copied().unwrap_or_else(|| {
            self.broker_addr()
                .parse()
                .unwrap_or_else(|_| SocketAddr::from(([127, 0, 0, 1], 0)))
        })
    }

    /// Returns the bound listen port (the configured one before binding).
    pub fn listen_port(&self) -> i32 {
        self.listen_port
            .get()
            .copied()
            .unwrap_or(self.configured_port)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_configured_port_until_bound() {
        let a = BrokerAddress::new("127.0.0.1", 10911);
        assert_eq!(a.broker_addr(), "127.0.0.1:10911");
        assert_eq!(a.listen_port(), 10911);
        a.set_listen_port(4000);
        a.set_listen_port(5000);
        assert_eq!(a.broker_addr(), "127.0.0.1:4000");
        assert_eq!(a.store_host().port(), 4000);
        assert_eq!(a.listen_port(), 4000);
    }
}
