//! Name server registration (Java `BrokerController#registerBrokerAll`,
//! `doRegisterBrokerAll`, `registerIncrementBrokerData`, `unregisterBrokerAll`).

use super::BrokerController;
use crate::broker_config::BrokerConfig;
use crate::out::broker_outer_api::{BrokerRegistration, RegisterBrokerResult};
use crate::out::registrar::BrokerRegistrar;
use futures::future::BoxFuture;
use rmq_common::{perm_name, DataVersion, TopicConfig};
use rmq_store::MessageStore;
use std::sync::Arc;

impl BrokerRegistrar for BrokerController {
    fn register_broker_all(
        &self,
        check_order_config: bool,
        oneway: bool,
        force: bool,
    ) -> BoxFuture<'_, ()> {
        Box::pin(BrokerController::register_broker_all(
            self,
            check_order_config,
            oneway,
            force,
        ))
    }

    fn register_increment(
        &self,
        topics: Vec<Arc<TopicConfig>>,
        data_version: DataVersion,
    ) -> BoxFuture<'_, ()> {
        Box::pin(self.register_increment_broker_data(topics, data_version))
    }
}

impl BrokerController {
    /// Registers every topic with every name server (Java `registerBrokerAll`). Unless
    /// `force` (or `enableSplitRegistration`), the name servers are first asked with
    /// QUERY_DATA_VERSION and the registration is skipped when none of them is behind.
    pub async fn register_broker_all(&self, check_order_config: bool, oneway: bool, force: bool) {
        let mut wrapper = self
            .topic_config_manager
            .build_topic_config_serialize_wrapper();
        let (split, who, timeout) = {
            let bc = self.broker_config.load();
            (
                bc.enable_split_registration,
                self.registration(&bc),
                bc.register_broker_timeout_mills.max(1) as u64,
            )
        };
        if !split
            && !force
            && !self
                .broker_outer_api
                .need_register(&who, &wrapper.data_version, timeout)
                .await
        {
            return;
        }
        let broker_perm = self.broker_config.load().broker_permission;
        if !perm_name::is_writeable(broker_perm) || !perm_name::is_readable(broker_perm) {
            for tc in wrapper.topic_config_table.values_mut() {
                tc.perm &= broker_perm;
            }
        }
        self.do_register_broker_all(check_order_config, oneway, wrapper)
            .await;
    }

    /// Registers only the changed topics (Java `registerIncrementBrokerData`).
    pub(super) async fn register_increment_broker_data(
        &self,
        topics: Vec<Arc<TopicConfig>>,
        data_version: DataVersion,
    ) {
        let broker_perm = self.broker_config.load().broker_permission;
        let mut wrapper =
            rmq_remoting::protocol::body::register_broker_body::TopicConfigSerializeWrapper {
                data_version,
                ..Default::default()
            };
        for tc in topics {
            let mut t = (*tc).clone();
            if !perm_name::is_writeable(broker_perm) || !perm_name::is_readable(broker_perm) {
                t.perm &= broker_perm;
            }
            wrapper.topic_config_table.insert(t.topic_name.clone(), t);
        }
        self.do_register_broker_all(true, false, wrapper).await;
    }

    async fn do_register_broker_all(
        &self,
        check_order_config: bool,
        oneway: bool,
        wrapper: rmq_remoting::protocol::body::register_broker_body::TopicConfigSerializeWrapper,
    ) {
        if self.shutdown.is_cancelled() {
            return;
        }
        let (who, timeout, compressed) = {
            let bc = self.broker_config.load();
            (
                self.registration(&bc),
                bc.register_broker_timeout_mills.max(1) as u64,
                bc.compressed_register,
            )
        };
        let results = self
            .broker_outer_api
            .register_broker_all(&who, wrapper, Vec::new(), oneway, timeout, compressed)
            .await;
        self.handle_register_broker_result(&results, check_order_config);
    }

    /// Takes the first answer of a registration round (Java `handleRegisterBrokerResult`): on
    /// a slave without `haMasterAddress`, a `haServerAddr` points the store's HA client and
    /// records the master; the metadata sync always follows `masterAddr`, so an answer
    /// without one stops it; with `check_order_config` the name server's order config is
    /// applied.
    fn handle_register_broker_result(
        &self,
        results: &[RegisterBrokerResult],
        check_order_config: bool,
    ) {
        let Some(first) = results.first() else {
            return;
        };
        if self.update_master_ha_server_addr_periodically {
            if let Some(ha_server_addr) = first.ha_server_addr.as_deref() {
                self.message_store.update_ha_master_address(ha_server_addr);
                self.message_store
                    .update_master_address(first.master_addr.as_deref().unwrap_or_default());
            }
        }
        self.slave_synchronize
            .set_master_addr(first.master_addr.as_deref());
        if check_order_config {
            if let Some(kv) = first.kv_table.as_ref() {
                self.topic_config_manager.update_order_topic_config(kv);
            }
        }
    }

    fn registration(&self, bc: &BrokerConfig) -> BrokerRegistration {
        BrokerRegistration {
            cluster_name: bc.broker_cluster_name.clone(),
            broker_addr: self.broker_addr(),
            broker_name: bc.broker_name.clone(),
            broker_id: bc.broker_id,
            ha_server_addr: self.ha_server_addr(bc),
            enable_acting_master: bc.enable_slave_acting_master,
            heartbeat_timeout_millis: bc
                .enable_slave_acting_master
                .then_some(bc.broker_not_active_timeout_millis),
        }
    }

    /// Returns `brokerIP2:<HA port>` (Java `getHAServerAddr`), with the port the store's HA
    /// service is bound to, or the configured `haListenPort` when it runs none.
    pub(super) fn ha_server_addr(&self, bc: &BrokerConfig) -> String {
        let port = self
            .message_store
            .ha_listen_port()
            .map(i32::from)
            .unwrap_or(self.message_store_config.ha_listen_port);
        format!("{}:{port}", bc.broker_ip2)
    }

    /// Unregisters from every name server (Java `unregisterBrokerAll`).
    pub async fn unregister_broker_all(&self) {
        let (who, timeout) = {
            let bc = self.broker_config.load();
            (
                self.registration(&bc),
                bc.register_broker_timeout_mills.clamp(1, 3000) as u64,
            )
        };
        self.broker_outer_api
            .unregister_broker_all(&who, timeout)
            .await;
    }
}
