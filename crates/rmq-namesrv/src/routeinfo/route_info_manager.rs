//! `RouteInfoManager`: the NameServer's route tables — topics to queues, broker groups,
//! clusters, live brokers — and every rule that changes them (Java
//! `namesrv/.../routeinfo/RouteInfoManager.java`, 5.x semantics).
//!
//! All tables sit behind one `RwLock`, as Java guards them with one `ReadWriteLock`. The lock
//! is never held across an `.await`; network side effects (closing channels, notifying
//! brokers, queueing unregistrations) happen after it is released.

use super::batch_unregistration_service::BatchUnregistrationService;
use super::broker_addr_info::BrokerAddrInfo;
use super::broker_live_info::BrokerLiveInfo;
use super::register_broker_result::{BrokerRegistration, RegisterBrokerResult};
use crate::namesrv_config::NamesrvConfig;
use parking_lot::RwLock;
use rmq_common::mix_all::{MASTER_ID, SYNC_BROKER_MEMBER_GROUP_PREFIX};
use rmq_common::perm_name;
use rmq_common::sys_flag::topic_sys_flag;
use rmq_common::util_all::current_millis;
use rmq_common::{DataVersion, TopicConfig};
use rmq_remoting::protocol::body::register_broker_body::TopicConfigSerializeWrapper;
use rmq_remoting::protocol::body::route::{
    BrokerData, BrokerMemberGroup, ClusterInfo, QueueData, TopicList, TopicRouteData,
};
use rmq_remoting::protocol::header::broker::NotifyMinBrokerIdChangeRequestHeader;
use rmq_remoting::protocol::header::namesrv::UnRegisterBrokerRequestHeader;
use rmq_remoting::{Channel, RemotingClient, RemotingCommand, RequestCode};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::{Arc, OnceLock};

#[derive(Default)]
struct RouteTables {
    topic_queue_table: HashMap<String, BTreeMap<String, QueueData>>,
    broker_addr_table: BTreeMap<String, BrokerData>,
    cluster_addr_table: BTreeMap<String, BTreeSet<String>>,
    broker_live_table: HashMap<BrokerAddrInfo, BrokerLiveInfo>,
    filter_server_table: HashMap<BrokerAddrInfo, Vec<String>>,
    /// topic -> broker name -> TopicQueueMappingInfo JSON (static topics).
    topic_queue_mapping_info_table: HashMap<String, HashMap<String, serde_json::Value>>,
}

/// A NOTIFY_MIN_BROKER_ID_CHANGE to send once the lock is released.
struct MinBrokerIdNotification {
    targets: Vec<String>,
    header: NotifyMinBrokerIdChangeRequestHeader,
}

/// The route tables and their rules.
pub struct RouteInfoManager {
    config: Arc<RwLock<NamesrvConfig>>,
    tables: RwLock<RouteTables>,
    unregister_service: OnceLock<BatchUnregistrationService>,
    remoting_client: OnceLock<RemotingClient>,
}

impl RouteInfoManager {
    /// Builds empty tables reading settings from `config` (shared with UPDATE_NAMESRV_CONFIG).
    /// Until [`set_unregister_service`](Self::set_unregister_service) is called,
    /// unregistrations apply at once.
    pub fn new(config: Arc<RwLock<NamesrvConfig>>) -> Self {
        RouteInfoManager {
            config,
            tables: RwLock::new(RouteTables::default()),
            unregister_service: OnceLock::new(),
            remoting_client: OnceLock::new(),
        }
    }

    /// Routes unregistrations through the batching queue (Java `BatchUnregistrationService`).
    pub fn set_unregister_service(&self, service: BatchUnregistrationService) {
        let _ = self.unregister_service.set(service);
    }

    /// Sets the client used for NOTIFY_MIN_BROKER_ID_CHANGE.
    pub fn set_remoting_client(&self, client: RemotingClient) {
        let _ = self.remoting_client.set(client);
    }

    /// Queues an unregistration; false if the queue is full (Java
    /// `submitUnRegisterBrokerRequest`). Without a queue it is applied at once.
    pub fn submit_unregister_broker_request(&self, request: UnRegisterBrokerRequestHeader) -> bool {
        match self.unregister_service.get() {
            Some(service) => service.submit(request),
            None => {
                self.un_register_broker(&[request]);
                true
            }
        }
    }

    /// Returns every broker group and cluster.
    pub fn get_all_cluster_info(&self) -> ClusterInfo {
        let t = self.tables.read();
        ClusterInfo {
            broker_addr_table: t.broker_addr_table.clone(),
            cluster_addr_table: t.cluster_addr_table.clone(),
        }
    }

    /// Adds queue data to a topic (REGISTER_TOPIC_IN_NAMESRV). Ignored entirely if any queue
    /// data names an unknown broker.
    pub fn register_topic(&self, topic: &str, queue_datas: &[QueueData]) {
        if queue_datas.is_empty() {
            return;
        }
        let mut t = self.tables.write();
        if let Some(qd) = queue_datas
            .iter()
            .find(|qd| !t.broker_addr_table.contains_key(&qd.broker_name))
        {
            tracing::warn!("Register topic contains illegal broker, {topic}, {qd:?}");
            return;
        }
        let exists = t.topic_queue_table.contains_key(topic);
        let map = t.topic_queue_table.entry(topic.to_string()).or_default();
        for qd in queue_datas {
            map.insert(qd.broker_name.clone(), qd.clone());
        }
        if exists {
            tracing::info!("Topic route already exist.{topic}, {map:?}");
        } else {
            tracing::info!("Register topic route:{topic}, {queue_datas:?}");
        }
    }

    /// Removes a topic everywhere.
    pub fn delete_topic(&self, topic: &str) {
        self.tables.write().topic_queue_table.remove(topic);
    }

    /// Removes a topic's queues on the brokers of `cluster_name`; the topic goes when none
    /// remain.
    pub fn delete_topic_in_cluster(&self, topic: &str, cluster_name: &str) {
        let mut t = self.tables.write();
        let Some(broker_names) = t.cluster_addr_table.get(cluster_name).cloned() else {
            return;
        };
        if let Some(map) = t.topic_queue_table.get_mut(topic) {
            for broker_name in &broker_names {
                if let Some(removed) = map.remove(broker_name) {
                    tracing::info!(
                        "deleteTopic, remove one broker's topic {broker_name} {topic} {removed:?}"
                    );
                }
            }
            if map.is_empty() {
                tracing::info!("deleteTopic, remove the topic all queue {cluster_name} {topic}");
                t.topic_queue_table.remove(topic);
            }
        }
    }

    /// Returns every topic.
    pub fn get_all_topic_list(&self) -> TopicList {
        let t = self.tables.read();
        TopicList {
            topic_list: t.topic_queue_table.keys().cloned().collect(),
            broker_addr: None,
        }
    }

    /// Registers or refreshes a broker. `None` means refused: a first registration carrying
    /// exactly one topic (SYSTEM_ERROR "register broker failed").
    pub fn register_broker(&self, reg: BrokerRegistration) -> Option<RegisterBrokerResult> {
        self.register_broker_at(reg, current_millis())
    }

    /// [`register_broker`](Self::register_broker) with an explicit clock (tests).
    pub fn register_broker_at(
        &self,
        reg: BrokerRegistration,
        now_millis: i64,
    ) -> Option<RegisterBrokerResult> {
        let (delete_with_registration, notify_min_id, default_timeout) = {
            let c = self.config.read();
            (
                c.delete_topic_with_broker_registration,
                c.notify_min_broker_id_changed,
                c.broker_channel_expired_time,
            )
        };
        let mut notification = None;
        let result = {
            let mut guard = self.tables.write();
            let t = &mut *guard;
            let BrokerRegistration {
                cluster_name,
                broker_addr,
                broker_name,
                broker_id,
                ha_server_addr,
                zone_name,
                timeout_millis,
                enable_acting_master,
                topic_config_wrapper: wrapper,
                filter_server_list,
                channel,
            } = reg;

            let added_to_cluster = t
                .cluster_addr_table
                .entry(cluster_name.clone())
                .or_default()
                .insert(broker_name.clone());
            let mut register_first = false;
            if !t.broker_addr_table.contains_key(&broker_name) {
                register_first = true;
                t.broker_addr_table.insert(
                    broker_name.clone(),
                    BrokerData::new(&cluster_name, &broker_name),
                );
            }
            let is_old_version_broker = enable_acting_master.is_none();
            let live = &mut t.broker_live_table;
            let broker_data = t.broker_addr_table.get_mut(&broker_name)?;
            broker_data.enable_acting_master = enable_acting_master.unwrap_or(false);
            broker_data.zone_name = zone_name;
            let addrs = &mut broker_data.broker_addrs;

            let prev_min_broker_id = addrs.keys().next().copied().unwrap_or(0);
            let is_min_broker_id_changed = broker_id < prev_min_broker_id;

            // Slave promoted to master: the same address keeps one entry only.
            addrs.retain(|id, addr| !(*addr == broker_addr && *id != broker_id));

            // A stale registration for an id another address holds with a newer state version.
            if let Some(old_addr) = addrs.get(&broker_id).filter(|a| **a != broker_addr) {
                let old_key = BrokerAddrInfo::new(&cluster_name, old_addr);
                if let Some(old_info) = live.get(&old_key) {
                    let old_state = old_info.data_version.state_version;
                    let new_state = wrapper.data_version.state_version;
                    if old_state > new_state {
                        tracing::warn!(
                            "Registering Broker conflicts with the existed one, just ignore.: Cluster:{cluster_name}, BrokerName:{broker_name}, BrokerId:{broker_id}, Old BrokerAddr:{old_addr}, Old Version:{old_state}, New BrokerAddr:{broker_addr}, New Version:{new_state}."
                        );
                        live.remove(&BrokerAddrInfo::new(&cluster_name, &broker_addr));
                        return Some(RegisterBrokerResult::default());
                    }
                }
            }

            if !addrs.contains_key(&broker_id) && wrapper.topic_config_table.len() == 1 {
                tracing::warn!(
                    "Can't register topicConfigWrapper={:?} because broker[{broker_id}]={broker_addr} has not registered.",
                    wrapper.topic_config_table.keys().collect::<Vec<_>>()
                );
                // Java leaves an empty BrokerData and the cluster entry behind here; rmq undoes
                // what this call added so cluster info shows no phantom group.
                if addrs.is_empty() && register_first {
                    t.broker_addr_table.remove(&broker_name);
                    if added_to_cluster {
                        remove_broker_name_from_cluster(t, &cluster_name, &broker_name);
                    }
                }
                return None;
            }

            let old_addr = addrs.insert(broker_id, broker_addr.clone());
            register_first = register_first || old_addr.is_none_or(|a| a.is_empty());

            let is_master = broker_id == MASTER_ID;
            let min_id = addrs.keys().next().copied().unwrap_or(broker_id);
            let is_prime_slave = !is_old_version_broker && !is_master && broker_id == min_id;
            let acting_master = broker_data.enable_acting_master;
            let addrs_snapshot = broker_data.broker_addrs.clone();
            let self_key = BrokerAddrInfo::new(&cluster_name, &broker_addr);

            if is_master || is_prime_slave {
                let mapping = &wrapper.topic_queue_mapping_info_map;
                if delete_with_registration && mapping.is_empty() {
                    delete_topics_missing_from_registration(t, &broker_name, &wrapper);
                }
                let broker_config_changed = t
                    .broker_live_table
                    .get(&self_key)
                    .is_none_or(|prev| prev.data_version != wrapper.data_version);
                for tc in wrapper.topic_config_table.values() {
                    let changed = broker_config_changed
                        || t.topic_queue_table
                            .get(&tc.topic_name)
                            .is_none_or(|m| m.is_empty() || !m.contains_key(&broker_name));
                    if register_first || changed {
                        let mut tc = tc.clone();
                        if is_prime_slave && acting_master {
                            // The surviving lowest-id slave acts as a read-only master.
                            tc.perm &= !perm_name::PERM_WRITE;
                        }
                        create_and_update_queue_data(t, &broker_name, &tc);
                    }
                }
                if broker_config_changed || register_first {
                    for (topic, info) in mapping {
                        let bname = info
                            .get("bname")
                            .and_then(|b| b.as_str())
                            .unwrap_or(&broker_name)
                            .to_string();
                        t.topic_queue_mapping_info_table
                            .entry(topic.clone())
                            .or_default()
                            .insert(bname, info.clone());
                    }
                }
            }

            let prev = t.broker_live_table.insert(
                self_key.clone(),
                BrokerLiveInfo {
                    last_update_timestamp: now_millis,
                    heartbeat_timeout_millis: timeout_millis.unwrap_or(default_timeout),
                    data_version: wrapper.data_version.clone(),
                    channel,
                    ha_server_addr: ha_server_addr.clone(),
                },
            );
            if prev.is_none() {
                tracing::info!("new broker registered, {self_key} HAService: {ha_server_addr}");
            }

            if let Some(list) = filter_server_list {
                if list.is_empty() {
                    t.filter_server_table.remove(&self_key);
                } else {
                    t.filter_server_table.insert(self_key.clone(), list);
                }
            }

            let mut result = RegisterBrokerResult::default();
            if broker_id != MASTER_ID {
                if let Some(master_addr) = addrs_snapshot.get(&MASTER_ID) {
                    let master_key = BrokerAddrInfo::new(&cluster_name, master_addr);
                    if let Some(master) = t.broker_live_table.get(&master_key) {
                        result.ha_server_addr = Some(master.ha_server_addr.clone());
                        result.master_addr = Some(master_addr.clone());
                    }
                }
            }

            if is_min_broker_id_changed && notify_min_id {
                notification =
                    min_broker_id_notification(&addrs_snapshot, None, Some(ha_server_addr));
            }
            Some(result)
        };
        if let Some(n) = notification {
            self.send_min_broker_id_notifications(vec![n]);
        }
        result
    }

    /// Returns the addresses of a broker group (empty if unknown).
    pub fn get_broker_member_group(
        &self,
        cluster_name: &str,
        broker_name: &str,
    ) -> BrokerMemberGroup {
        let t = self.tables.read();
        BrokerMemberGroup {
            cluster: cluster_name.to_string(),
            broker_name: broker_name.to_string(),
            broker_addrs: t
                .broker_addr_table
                .get(broker_name)
                .map(|bd| bd.broker_addrs.clone())
                .unwrap_or_default(),
        }
    }

    /// Returns true unless the broker is live with exactly `data_version`.
    pub fn is_broker_topic_config_changed(
        &self,
        cluster_name: &str,
        broker_addr: &str,
        data_version: &DataVersion,
    ) -> bool {
        self.query_broker_topic_config(cluster_name, broker_addr)
            .is_none_or(|prev| prev != *data_version)
    }

    /// Returns the DataVersion a live broker last registered.
    pub fn query_broker_topic_config(
        &self,
        cluster_name: &str,
        broker_addr: &str,
    ) -> Option<DataVersion> {
        let t = self.tables.read();
        t.broker_live_table
            .get(&BrokerAddrInfo::new(cluster_name, broker_addr))
            .map(|l| l.data_version.clone())
    }

    /// Marks a live broker as seen now (QUERY_DATA_VERSION, BROKER_HEARTBEAT).
    pub fn update_broker_info_update_timestamp(&self, cluster_name: &str, broker_addr: &str) {
        self.update_broker_info_update_timestamp_at(cluster_name, broker_addr, current_millis())
    }

    /// [`update_broker_info_update_timestamp`](Self::update_broker_info_update_timestamp)
    /// with an explicit clock (tests).
    pub fn update_broker_info_update_timestamp_at(
        &self,
        cluster_name: &str,
        broker_addr: &str,
        now_millis: i64,
    ) {
        let mut t = self.tables.write();
        if let Some(l) = t
            .broker_live_table
            .get_mut(&BrokerAddrInfo::new(cluster_name, broker_addr))
        {
            l.last_update_timestamp = now_millis;
        }
    }

    /// Returns a copy of a live broker's entry.
    pub fn broker_live_info(
        &self,
        cluster_name: &str,
        broker_addr: &str,
    ) -> Option<BrokerLiveInfo> {
        self.tables
            .read()
            .broker_live_table
            .get(&BrokerAddrInfo::new(cluster_name, broker_addr))
            .cloned()
    }

    /// Clears the write bit of every queue of `broker_name`; returns the topic count.
    pub fn wipe_write_perm_of_broker_by_lock(&self, broker_name: &str) -> i32 {
        self.operate_write_perm_of_broker(broker_name, |perm| perm & !perm_name::PERM_WRITE)
    }

    /// Sets read+write on every queue of `broker_name`; returns the topic count.
    pub fn add_write_perm_of_broker_by_lock(&self, broker_name: &str) -> i32 {
        self.operate_write_perm_of_broker(broker_name, |_| {
            perm_name::PERM_READ | perm_name::PERM_WRITE
        })
    }

    fn operate_write_perm_of_broker(&self, broker_name: &str, op: impl Fn(i32) -> i32) -> i32 {
        let mut t = self.tables.write();
        let mut count = 0;
        for map in t.topic_queue_table.values_mut() {
            if let Some(qd) = map.get_mut(broker_name) {
                qd.perm = op(qd.perm);
                count += 1;
            }
        }
        count
    }

    /// Unregisters one broker at once.
    pub fn unregister_broker(
        &self,
        cluster_name: &str,
        broker_addr: &str,
        broker_name: &str,
        broker_id: i64,
    ) {
        self.un_register_broker(&[UnRegisterBrokerRequestHeader {
            broker_name: broker_name.to_string(),
            broker_addr: broker_addr.to_string(),
            cluster_name: cluster_name.to_string(),
            broker_id,
        }]);
    }

    /// Unregisters a batch: removes each address from its group, empty groups from their
    /// cluster (empty clusters too), and the queue data of removed groups from every topic;
    /// topics left without queue data disappear.
    pub fn un_register_broker(&self, requests: &[UnRegisterBrokerRequestHeader]) {
        let notify_min_id = self.config.read().notify_min_broker_id_changed;
        let mut notifications = Vec::new();
        {
            let mut guard = self.tables.write();
            let t = &mut *guard;
            let mut removed_brokers = HashSet::new();
            let mut reduced_brokers = HashSet::new();
            let mut need_notify: BTreeMap<String, (BTreeMap<u64, String>, String)> =
                BTreeMap::new();
            for req in requests {
                let key = BrokerAddrInfo::new(&req.cluster_name, &req.broker_addr);
                let removed_live = t.broker_live_table.remove(&key);
                tracing::info!(
                    "unregisterBroker, remove from brokerLiveTable {}, {key}",
                    if removed_live.is_some() {
                        "OK"
                    } else {
                        "Failed"
                    }
                );
                t.filter_server_table.remove(&key);

                let mut remove_broker_name = false;
                if let Some(bd) = t.broker_addr_table.get_mut(&req.broker_name) {
                    let is_min_broker_id_changed = bd
                        .broker_addrs
                        .keys()
                        .next()
                        .is_some_and(|min| i64::try_from(*min).ok() == Some(req.broker_id));
                    let before = bd.broker_addrs.len();
                    bd.broker_addrs.retain(|_, addr| *addr != req.broker_addr);
                    tracing::info!(
                        "unregisterBroker, remove addr from brokerAddrTable {}, {key}",
                        if bd.broker_addrs.len() < before {
                            "OK"
                        } else {
                            "Failed"
                        }
                    );
                    if bd.broker_addrs.is_empty() {
                        t.broker_addr_table.remove(&req.broker_name);
                        tracing::info!(
                            "unregisterBroker, remove name from brokerAddrTable OK, {}",
                            req.broker_name
                        );
                        remove_broker_name = true;
                    } else if is_min_broker_id_changed {
                        need_notify.insert(
                            req.broker_name.clone(),
                            (bd.broker_addrs.clone(), req.broker_addr.clone()),
                        );
                    }
                }
                if remove_broker_name {
                    remove_broker_name_from_cluster(t, &req.cluster_name, &req.broker_name);
                    removed_brokers.insert(req.broker_name.clone());
                } else {
                    reduced_brokers.insert(req.broker_name.clone());
                }
            }
            clean_topic_by_un_register_requests(t, &removed_brokers, &reduced_brokers);

            if notify_min_id {
                for (broker_name, (addrs, offline)) in need_notify {
                    let acting = t
                        .broker_addr_table
                        .get(&broker_name)
                        .is_some_and(|bd| bd.enable_acting_master);
                    if acting {
                        notifications.extend(min_broker_id_notification(
                            &addrs,
                            Some(offline),
                            None,
                        ));
                    }
                }
            }
        }
        self.send_min_broker_id_notifications(notifications);
    }

    /// Returns a topic's route, `None` if the topic has no queue data or none of its brokers
    /// is known. With `supportActingMaster`, a master-less read-only group reports its
    /// lowest-id slave under id 0.
    pub fn pickup_topic_route_data(&self, topic: &str) -> Option<TopicRouteData> {
        let support_acting_master = self.config.read().support_acting_master;
        let mut route = TopicRouteData::default();
        {
            let t = self.tables.read();
            let map = t.topic_queue_table.get(topic)?;
            route.queue_datas = map.values().cloned().collect();
            for broker_name in map.keys() {
                let Some(bd) = t.broker_addr_table.get(broker_name) else {
                    continue;
                };
                if !t.filter_server_table.is_empty() {
                    for addr in bd.broker_addrs.values() {
                        let key = BrokerAddrInfo::new(&bd.cluster, addr);
                        if let Some(list) = t.filter_server_table.get(&key) {
                            route.filter_server_table.insert(addr.clone(), list.clone());
                        }
                    }
                }
                route.broker_datas.push(bd.clone());
            }
            if route.broker_datas.is_empty() || route.queue_datas.is_empty() {
                return None;
            }
            route.topic_queue_mapping_by_broker =
                t.topic_queue_mapping_info_table.get(topic).cloned();
        }
        tracing::debug!("pickupTopicRouteData {topic} {route:?}");
        if support_acting_master && !topic.starts_with(SYNC_BROKER_MEMBER_GROUP_PREFIX) {
            apply_acting_master(&mut route);
        }
        Some(route)
    }

    /// Expires brokers not seen within their timeout: closes their connection and queues
    /// their unregistration (`scanNotActiveBroker`). Returns how many expired.
    pub fn scan_not_active_broker(&self) -> usize {
        self.scan_not_active_broker_at(current_millis())
    }

    /// [`scan_not_active_broker`](Self::scan_not_active_broker) with an explicit clock.
    pub fn scan_not_active_broker_at(&self, now_millis: i64) -> usize {
        tracing::info!("start scanNotActiveBroker");
        let expired: Vec<(BrokerAddrInfo, Option<Channel>, i64)> = {
            let t = self.tables.read();
            t.broker_live_table
                .iter()
                .filter(|(_, l)| {
                    l.last_update_timestamp
                        .saturating_add(l.heartbeat_timeout_millis)
                        < now_millis
                })
                .map(|(k, l)| (k.clone(), l.channel.clone(), l.heartbeat_timeout_millis))
                .collect()
        };
        for (key, channel, timeout) in &expired {
            if let Some(ch) = channel {
                ch.close();
            }
            tracing::warn!("The broker channel expired, {key} {timeout}ms");
            self.on_channel_destroy_addr(key);
        }
        expired.len()
    }

    /// Unregisters the broker known under `key` (scan expiry).
    pub fn on_channel_destroy_addr(&self, key: &BrokerAddrInfo) {
        let request = {
            let t = self.tables.read();
            setup_un_register_request(&t, key)
        };
        if let Some(req) = request {
            self.submit_on_destroy(req);
        }
    }

    /// Unregisters the brokers whose registration came over `channel` (connection closed,
    /// failed or idle; Java `BrokerHousekeepingService`). Java stops at the first broker
    /// found; rmq unregisters every broker of the connection (several brokers of one process
    /// may share it), which the others would otherwise only leave on expiry.
    pub fn on_channel_destroy(&self, channel: &Channel) {
        let requests: Vec<UnRegisterBrokerRequestHeader> = {
            let t = self.tables.read();
            t.broker_live_table
                .iter()
                .filter(|(_, l)| l.channel.as_ref() == Some(channel))
                .filter_map(|(k, _)| setup_un_register_request(&t, k))
                .collect()
        };
        for req in requests {
            self.submit_on_destroy(req);
        }
    }

    fn submit_on_destroy(&self, req: UnRegisterBrokerRequestHeader) {
        let info = format!("{req:?}");
        let ok = self.submit_unregister_broker_request(req);
        tracing::info!(
            "the broker's channel destroyed, submit the unregister request at once, broker info: {info}, submit result: {ok}"
        );
    }

    /// Returns every cluster name and broker name as a topic list, with the address of one
    /// broker (GET_SYSTEM_TOPIC_LIST_FROM_NS).
    pub fn get_system_topic_list(&self) -> TopicList {
        let t = self.tables.read();
        let mut list = TopicList::default();
        for (cluster, names) in &t.cluster_addr_table {
            list.topic_list.insert(cluster.clone());
            list.topic_list.extend(names.iter().cloned());
        }
        list.broker_addr = t
            .broker_addr_table
            .values()
            .find_map(|bd| bd.broker_addrs.values().next().cloned());
        list
    }

    /// Returns the topics with queues on any broker of `cluster` (empty if unknown).
    pub fn get_topics_by_cluster(&self, cluster: &str) -> TopicList {
        let t = self.tables.read();
        let mut list = TopicList::default();
        if let Some(names) = t.cluster_addr_table.get(cluster) {
            for (topic, map) in &t.topic_queue_table {
                if names.iter().any(|n| map.contains_key(n)) {
                    list.topic_list.insert(topic.clone());
                }
            }
        }
        list
    }

    /// Topics whose first queue data has the unit flag (GET_UNIT_TOPIC_LIST).
    pub fn get_unit_topics(&self) -> TopicList {
        self.topics_by_first_sys_flag(topic_sys_flag::has_unit_flag)
    }

    /// Topics whose first queue data has the unit-sub flag (GET_HAS_UNIT_SUB_TOPIC_LIST).
    pub fn get_has_unit_sub_topic_list(&self) -> TopicList {
        self.topics_by_first_sys_flag(topic_sys_flag::has_unit_sub_flag)
    }

    /// Topics with the unit-sub flag but not the unit flag
    /// (GET_HAS_UNIT_SUB_UNUNIT_TOPIC_LIST).
    pub fn get_has_unit_sub_un_unit_topic_list(&self) -> TopicList {
        self.topics_by_first_sys_flag(|f| {
            !topic_sys_flag::has_unit_flag(f) && topic_sys_flag::has_unit_sub_flag(f)
        })
    }

    fn topics_by_first_sys_flag(&self, pred: impl Fn(i32) -> bool) -> TopicList {
        let t = self.tables.read();
        let mut list = TopicList::default();
        for (topic, map) in &t.topic_queue_table {
            if map
                .values()
                .next()
                .is_some_and(|qd| pred(qd.topic_sys_flag))
            {
                list.topic_list.insert(topic.clone());
            }
        }
        list
    }

    fn send_min_broker_id_notifications(&self, notifications: Vec<MinBrokerIdNotification>) {
        if notifications.is_empty() {
            return;
        }
        let Some(client) = self.remoting_client.get().cloned() else {
            return;
        };
        let Ok(rt) = tokio::runtime::Handle::try_current() else {
            return;
        };
        for n in notifications {
            tracing::info!(
                "min broker id changed to {:?}, notify {:?}, offline broker addr {:?}",
                n.header.min_broker_id,
                n.targets,
                n.header.offline_broker_addr
            );
            for addr in n.targets {
                let client = client.clone();
                let request = RemotingCommand::create_request_command(
                    RequestCode::NOTIFY_MIN_BROKER_ID_CHANGE,
                    &n.header,
                );
                rt.spawn(async move {
                    if let Err(e) = client.invoke_oneway(&addr, request, 300).await {
                        tracing::warn!(broker_addr = %addr, error = %e, "notify min broker id change failed");
                    }
                });
            }
        }
    }
}

fn remove_broker_name_from_cluster(t: &mut RouteTables, cluster_name: &str, broker_name: &str) {
    if let Some(names) = t.cluster_addr_table.get_mut(cluster_name) {
        let removed = names.remove(broker_name);
        tracing::info!(
            "unregisterBroker, remove name from clusterAddrTable {}, {broker_name}",
            if removed { "OK" } else { "Failed" }
        );
        if names.is_empty() {
            t.cluster_addr_table.remove(cluster_name);
            tracing::info!("unregisterBroker, remove cluster from clusterAddrTable {cluster_name}");
        }
    }
}

/// Java `RouteInfoManager#createAndUpdateQueueData`.
fn create_and_update_queue_data(t: &mut RouteTables, broker_name: &str, tc: &TopicConfig) {
    let qd = QueueData {
        broker_name: broker_name.to_string(),
        read_queue_nums: tc.read_queue_nums,
        write_queue_nums: tc.write_queue_nums,
        perm: tc.perm,
        topic_sys_flag: tc.topic_sys_flag,
    };
    match t.topic_queue_table.get_mut(&tc.topic_name) {
        None => {
            tracing::info!("new topic registered, {} {qd:?}", tc.topic_name);
            let mut map = BTreeMap::new();
            map.insert(broker_name.to_string(), qd);
            t.topic_queue_table.insert(tc.topic_name.clone(), map);
        }
        Some(map) => match map.get(broker_name) {
            None => {
                map.insert(broker_name.to_string(), qd);
            }
            Some(existing) if *existing != qd => {
                tracing::info!(
                    "topic changed, {} OLD: {existing:?} NEW: {qd:?}",
                    tc.topic_name
                );
                map.insert(broker_name.to_string(), qd);
            }
            Some(_) => {}
        },
    }
}

/// With `deleteTopicWithBrokerRegistration`: drops the broker's queues of topics it no longer
/// registers.
fn delete_topics_missing_from_registration(
    t: &mut RouteTables,
    broker_name: &str,
    wrapper: &TopicConfigSerializeWrapper,
) {
    let stale: Vec<String> = t
        .topic_queue_table
        .iter()
        .filter(|(topic, map)| {
            map.contains_key(broker_name) && !wrapper.topic_config_table.contains_key(*topic)
        })
        .map(|(topic, _)| topic.clone())
        .collect();
    for topic in stale {
        if let Some(map) = t.topic_queue_table.get_mut(&topic) {
            if let Some(removed) = map.remove(broker_name) {
                tracing::info!(
                    "deleteTopic, remove one broker's topic {broker_name} {topic} {removed:?}"
                );
            }
            if map.is_empty() {
                tracing::info!("deleteTopic, remove the topic all queue {topic}");
                t.topic_queue_table.remove(&topic);
            }
        }
    }
}

/// Java `RouteInfoManager#cleanTopicByUnRegisterRequests`.
fn clean_topic_by_un_register_requests(
    t: &mut RouteTables,
    removed_brokers: &HashSet<String>,
    reduced_brokers: &HashSet<String>,
) {
    let broker_addr_table = &t.broker_addr_table;
    t.topic_queue_table.retain(|topic, map| {
        for broker_name in removed_brokers {
            if let Some(qd) = map.remove(broker_name) {
                tracing::debug!(
                    "removeTopicByBrokerName, remove one broker's topic {topic} {qd:?}"
                );
            }
        }
        if map.is_empty() {
            tracing::debug!("removeTopicByBrokerName, remove the topic all queue {topic}");
            return false;
        }
        for broker_name in reduced_brokers {
            let Some(qd) = map.get_mut(broker_name) else {
                continue;
            };
            let Some(bd) = broker_addr_table.get(broker_name) else {
                continue;
            };
            // The master left an acting-master group: its queues become read-only.
            let no_master = bd
                .broker_addrs
                .keys()
                .next()
                .is_none_or(|min| *min > MASTER_ID);
            if bd.enable_acting_master && no_master {
                qd.perm &= !perm_name::PERM_WRITE;
            }
        }
        true
    });
}

/// Java `RouteInfoManager#setupUnRegisterRequest`: finds the group and id of `key`.
fn setup_un_register_request(
    t: &RouteTables,
    key: &BrokerAddrInfo,
) -> Option<UnRegisterBrokerRequestHeader> {
    t.broker_addr_table
        .values()
        .filter(|bd| bd.cluster == key.cluster_name)
        .find_map(|bd| {
            bd.broker_addrs
                .iter()
                .find(|(_, addr)| **addr == key.broker_addr)
                .map(|(id, _)| UnRegisterBrokerRequestHeader {
                    broker_name: bd.broker_name.clone(),
                    broker_addr: key.broker_addr.clone(),
                    cluster_name: key.cluster_name.clone(),
                    broker_id: i64::try_from(*id).unwrap_or(i64::MAX),
                })
        })
}

/// The acting-master rewrite of `pickupTopicRouteData`.
fn apply_acting_master(route: &mut TopicRouteData) {
    let need_acting_master = route
        .broker_datas
        .iter()
        .any(|bd| !bd.broker_addrs.is_empty() && !bd.broker_addrs.contains_key(&MASTER_ID));
    if !need_acting_master {
        return;
    }
    for bd in &mut route.broker_datas {
        if bd.broker_addrs.is_empty()
            || bd.broker_addrs.contains_key(&MASTER_ID)
            || !bd.enable_acting_master
        {
            continue;
        }
        let read_only = route
            .queue_datas
            .iter()
            .find(|qd| qd.broker_name == bd.broker_name)
            .is_some_and(|qd| !perm_name::is_writeable(qd.perm));
        if read_only {
            if let Some((_, addr)) = bd.broker_addrs.pop_first() {
                bd.broker_addrs.insert(MASTER_ID, addr);
            }
        }
    }
}

/// Builds the NOTIFY_MIN_BROKER_ID_CHANGE for a group (`notifyMinBrokerIdChanged` and
/// `chooseBrokerAddrsToNotify`).
fn min_broker_id_notification(
    addrs: &BTreeMap<u64, String>,
    offline_broker_addr: Option<String>,
    ha_broker_addr: Option<String>,
) -> Option<MinBrokerIdNotification> {
    let (&min_id, min_addr) = addrs.iter().next()?;
    let targets = if offline_broker_addr.is_some() || addrs.len() == 1 {
        addrs.values().cloned().collect()
    } else {
        addrs
            .iter()
            .filter(|(id, _)| **id != min_id)
            .map(|(_, a)| a.clone())
            .collect()
    };
    Some(MinBrokerIdNotification {
        targets,
        header: NotifyMinBrokerIdChangeRequestHeader {
            min_broker_id: i64::try_from(min_id).ok(),
            broker_name: None,
            min_broker_addr: Some(min_addr.clone()),
            offline_broker_addr,
            ha_broker_addr,
        },
    })
}

#[cfg(test)]
#[path = "route_info_manager_tests.rs"]
mod tests;
