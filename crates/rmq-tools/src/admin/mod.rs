//! `DefaultMQAdminExt`: the admin client (Java `tools/admin/DefaultMQAdminExt` and its
//! `DefaultMQAdminExtImpl`, the `MQAdminExt` interface's implementation), built on
//! rmq-client's API: its public [`MQClientInstance`], the client's own admin calls
//! ([`MQAdminImpl`]: offsets, store times, message lookups) and the requests of
//! `MQClientAPIImpl`, the only place a request is built. The calls are split by concern:
//!
//! - `cluster_admin`: cluster info, topic list and routes, master addresses of a cluster;
//! - `topic_admin`: topic create/update (with attribute modifications), deletion, order
//!   config, topic statistics, topic clusters, consumer groups of a topic;
//! - `offset_admin`: queue offsets, store times, group offsets, broker-driven offset resets;
//! - `group_admin`: subscription groups, per-broker consume statistics and connections,
//!   consumer running info, direct consumption, consume time spans;
//! - `consumer_admin`: consume statistics, consumer and producer connections, message
//!   tracks, offset resets (new and old protocol);
//! - `broker_admin`: broker runtime statistics and config, config updates, broker statistics;
//! - `namesrv_admin`: KV config, write permission, name server config;
//! - `controller_admin`: controller metadata, sync state sets, master election, broker
//!   metadata cleaning, controller config, broker epoch caches;
//! - `message_admin`: message lookup by offset id, key, unique key or either id form;
//! - `pull_admin`: the `DefaultMQPullConsumer` calls of `printMsg`, `consumeMessage` and
//!   `queryMsgByOffset` (queues in Java's order, pulls with Java's client-side processing).

pub mod auth_admin;
pub mod broker_admin;
pub mod cluster_admin;
pub mod consumer_admin;
pub mod controller_admin;
pub mod group_admin;
pub mod message_admin;
pub mod namesrv_admin;
pub mod offset_admin;
pub mod pull_admin;
pub mod topic_admin;

use crate::error::ToolsError;
use rmq_client::{ClientConfig, ClientError, MQAdminImpl, MQClientInstance};
use std::sync::{Arc, Mutex};

/// Java `DefaultMQAdminExt`'s call timeout.
pub const ADMIN_TIMEOUT_MILLIS: u64 = 5000;

/// The admin client: build it, [`DefaultMQAdminExt::start`] it, call it, then
/// [`DefaultMQAdminExt::shutdown`] it.
pub struct DefaultMQAdminExt {
    client_config: ClientConfig,
    instance: Mutex<Option<Arc<MQClientInstance>>>,
    timeout_millis: u64,
}

impl DefaultMQAdminExt {
    /// Builds an admin client for `namesrv_addr` (`ns1:9876;ns2:9876`) with a 5 s call timeout.
    pub fn new(namesrv_addr: &str) -> Self {
        let client_config = ClientConfig {
            namesrv_addr: Some(namesrv_addr.to_string()),
            ..Default::default()
        };
        Self::with_config(client_config, ADMIN_TIMEOUT_MILLIS)
    }

    /// Builds an admin client from client settings and a call timeout.
    pub fn with_config(client_config: ClientConfig, timeout_millis: u64) -> Self {
        DefaultMQAdminExt {
            client_config,
            instance: Mutex::new(None),
            timeout_millis,
        }
    }

    /// Connects (`start`): gets the shared client instance of this client id; no background
    /// task runs for admin-only instances until a producer or consumer joins. Fails with
    /// [`ToolsError::NoNameServer`] when no name server is set.
    pub async fn start(&self) -> Result<(), ToolsError> {
        if self.client_config.namesrv_addr_list().is_empty() {
            return Err(ToolsError::NoNameServer);
        }
        self.start_without_name_server().await
    }

    /// Connects as [`Self::start`] does, with or without a name server: the controller
    /// commands talk to the addresses they are given (Java's client starts without one).
    pub async fn start_without_name_server(&self) -> Result<(), ToolsError> {
        let mut cc = self.client_config.clone();
        cc.change_instance_name_to_pid();
        let inst = MQClientInstance::get_or_create(&cc);
        inst.register_admin();
        *self.lock_instance() = Some(inst);
        Ok(())
    }

    /// Releases the client instance (`shutdown`).
    pub async fn shutdown(&self) {
        let inst = self.lock_instance().take();
        if let Some(i) = inst {
            i.unregister_admin().await;
        }
    }

    fn lock_instance(&self) -> std::sync::MutexGuard<'_, Option<Arc<MQClientInstance>>> {
        self.instance.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Returns the shared client instance; fails when the admin is not started.
    pub fn instance(&self) -> Result<Arc<MQClientInstance>, ClientError> {
        self.lock_instance()
            .clone()
            .ok_or_else(|| ClientError::IllegalState("admin not started".into()))
    }

    /// Returns the client's own admin calls (`MQClientInstance#getMQAdminImpl`), with this
    /// admin's timeout.
    pub fn mq_admin_impl(&self) -> Result<MQAdminImpl, ClientError> {
        Ok(MQAdminImpl::new(self.instance()?, self.timeout_millis))
    }

    /// Returns the name server list this admin was built with (`getNamesrvAddr`).
    pub fn namesrv_addr(&self) -> &str {
        self.client_config
            .namesrv_addr
            .as_deref()
            .unwrap_or_default()
    }

    /// Returns the name server addresses (`getNameServerAddressList`).
    pub fn name_server_address_list(&self) -> Result<Vec<String>, ClientError> {
        Ok(self.instance()?.api().remoting().name_server_address_list())
    }

    /// Returns the call timeout.
    pub fn timeout_millis(&self) -> u64 {
        self.timeout_millis
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn calls_before_start_fail_as_not_started() {
        let admin = DefaultMQAdminExt::new("127.0.0.1:1");
        assert_eq!(admin.namesrv_addr(), "127.0.0.1:1");
        assert_eq!(admin.timeout_millis(), ADMIN_TIMEOUT_MILLIS);
        let err = admin.examine_broker_cluster_info().await.unwrap_err();
        assert!(
            matches!(&err, ClientError::IllegalState(m) if m == "admin not started"),
            "{err:?}"
        );
        assert!(admin.name_server_address_list().is_err());
    }

    #[tokio::test]
    async fn start_needs_a_name_server_and_shutdown_releases_the_instance() {
        let admin = DefaultMQAdminExt::with_config(ClientConfig::default(), 1000);
        assert!(matches!(admin.start().await, Err(ToolsError::NoNameServer)));

        let config = ClientConfig {
            namesrv_addr: Some("127.0.0.1:1;127.0.0.1:2".into()),
            instance_name: "admin_mod_test".into(),
            ..Default::default()
        };
        let admin = DefaultMQAdminExt::with_config(config, 1000);
        admin.start().await.unwrap();
        assert_eq!(
            admin.name_server_address_list().unwrap(),
            vec!["127.0.0.1:1".to_string(), "127.0.0.1:2".to_string()]
        );
        admin.shutdown().await;
        assert!(admin.instance().is_err());
    }
}
