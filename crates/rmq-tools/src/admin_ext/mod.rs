//! `MQAdminExt`: the admin client mqadmin's subcommands use (Java `tools/admin/MQAdminExt`,
//! implemented by `DefaultMQAdminExtImpl`).
//!
//! It wraps rmq-client's [`DefaultMQAdminExt`] (reachable through `Deref`; the general admin
//! calls, per-broker ones included, live there) and adds, in the files of this module, the
//! `DefaultMQAdminExtImpl` calls mqadmin needs that the client does not offer or that mqadmin
//! answers with other semantics (which broker is asked, which errors), built on the client's
//! calls, its public [`MQClientInstance`] and its RPC layer:
//!
//! - `topic_admin`: topic config with attribute modifications, order config, topic
//!   statistics, topic clusters, consumer groups of a topic;
//! - `consumer_admin`: consume statistics, consumer and producer connections, message
//!   tracks, offset resets (new and old protocol);
//! - `broker_admin`: broker config updates, broker statistics;
//! - `namesrv_admin`: write permission, KV deletion, name server config;
//! - `message_admin`: message lookup by either id form;
//! - `pull_admin`: the `DefaultMQPullConsumer` calls of `printMsg`, `consumeMessage` and
//!   `queryMsgByOffset` (queues in Java's order, pulls with Java's client-side processing).

pub mod broker_admin;
pub mod consumer_admin;
pub mod message_admin;
pub mod namesrv_admin;
pub mod pull_admin;
pub mod topic_admin;

use crate::error::ToolsError;
use rmq_client::admin::DefaultMQAdminExt;
use rmq_client::{ClientConfig, MQClientInstance};
use std::ops::Deref;
use std::sync::Arc;

/// Java `DefaultMQAdminExt`'s call timeout.
pub const ADMIN_TIMEOUT_MILLIS: u64 = 5000;

/// A started admin client; [`MQAdminExt::shutdown`] releases it.
pub struct MQAdminExt {
    admin: DefaultMQAdminExt,
    instance: Arc<MQClientInstance>,
    namesrv_addr: String,
    timeout_millis: u64,
}

impl Deref for MQAdminExt {
    type Target = DefaultMQAdminExt;

    fn deref(&self) -> &DefaultMQAdminExt {
        &self.admin
    }
}

impl MQAdminExt {
    /// Starts an admin client on the name servers `namesrv_addr` (`a:9876;b:9876`), with the
    /// instance name mqadmin uses (the current time in millis).
    pub async fn start(namesrv_addr: &str) -> Result<MQAdminExt, ToolsError> {
        let client_config = ClientConfig {
            namesrv_addr: Some(namesrv_addr.to_string()),
            instance_name: rmq_common::util_all::current_millis().to_string(),
            ..Default::default()
        };
        Self::start_with_config(client_config, ADMIN_TIMEOUT_MILLIS).await
    }

    /// Starts an admin client with explicit client settings.
    pub async fn start_with_config(
        client_config: ClientConfig,
        timeout_millis: u64,
    ) -> Result<MQAdminExt, ToolsError> {
        let namesrv_addr = client_config.namesrv_addr.clone().unwrap_or_default();
        if client_config.namesrv_addr_list().is_empty() {
            return Err(ToolsError::NoNameServer);
        }
        let admin = DefaultMQAdminExt::with_config(client_config.clone(), timeout_millis);
        admin.start().await?;
        // The admin's instance is shared per client id; the instance name is not DEFAULT, so
        // this resolves to the same one.
        let mut cc = client_config;
        cc.change_instance_name_to_pid();
        let instance = MQClientInstance::get_or_create(&cc);
        Ok(MQAdminExt {
            admin,
            instance,
            namesrv_addr,
            timeout_millis,
        })
    }

    /// Releases the client (`shutdown`).
    pub async fn shutdown(&self) {
        self.admin.shutdown().await;
    }

    /// Returns the shared client instance.
    pub fn instance(&self) -> &Arc<MQClientInstance> {
        &self.instance
    }

    /// Returns the name server list this admin was started with (`getNamesrvAddr`).
    pub fn namesrv_addr(&self) -> &str {
        &self.namesrv_addr
    }

    /// Returns the name server addresses (`getNameServerAddressList`).
    pub fn name_server_address_list(&self) -> Vec<String> {
        self.instance.api().remoting().name_server_address_list()
    }

    /// Returns the call timeout.
    pub fn timeout_millis(&self) -> u64 {
        self.timeout_millis
    }
}
