//! `BrokerOuterAPI`: the broker's calls to name servers and, on a slave, to its master (Java
//! `broker/out/BrokerOuterAPI`): REGISTER_BROKER to every name server in parallel, each with
//! its own timeout, UNREGISTER_BROKER at shutdown, and the GET_ALL_* metadata requests of
//! `SlaveSynchronize`.

use crate::broker_error::BrokerError;
use crate::offset::consumer_offset_manager::ConsumerOffsetFile;
use dashmap::DashMap;
use futures::future::join_all;
use rmq_common::util_all::crc32;
use rmq_common::DataVersion;
use rmq_remoting::acl::SessionCredentials;
use rmq_remoting::protocol::body::register_broker_body::{
    RegisterBrokerBody, TopicConfigSerializeWrapper,
};
use rmq_remoting::protocol::body::route::KVTable;
use rmq_remoting::protocol::body::subscription_group_config::SubscriptionGroupWrapper;
use rmq_remoting::protocol::header::namesrv::{
    QueryDataVersionRequestHeader, QueryDataVersionResponseHeader, RegisterBrokerRequestHeader,
    RegisterBrokerResponseHeader, UnRegisterBrokerRequestHeader,
};
use rmq_remoting::{RemotingClient, RemotingCommand, RequestCode, ResponseCode};
use std::sync::Arc;

/// Timeout of the slave's metadata requests to its master (Java: 3000 ms in each call).
const MASTER_REQUEST_TIMEOUT_MILLIS: u64 = 3000;

/// Returns the broker's VIP channel address, its port minus 2 (Java
/// `MixAll.brokerVIPChannel(true, addr)`); an address without a numeric port is kept.
pub fn broker_vip_channel(addr: &str) -> String {
    match addr.rsplit_once(':') {
        Some((host, port)) => match port.parse::<i64>() {
            Ok(p) => format!("{host}:{}", p - 2),
            Err(_) => addr.to_string(),
        },
        None => addr.to_string(),
    }
}

/// What a name server answered to REGISTER_BROKER (Java `RegisterBrokerResult`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RegisterBrokerResult {
    pub namesrv_addr: String,
    pub ha_server_addr: Option<String>,
    pub master_addr: Option<String>,
    pub kv_table: Option<KVTable>,
}

/// Who is registering.
#[derive(Debug, Clone)]
pub struct BrokerRegistration {
    pub cluster_name: String,
    pub broker_addr: String,
    pub broker_name: String,
    pub broker_id: i64,
    pub ha_server_addr: String,
    pub enable_acting_master: bool,
    pub heartbeat_timeout_millis: Option<i64>,
}

/// The name server client of a broker.
#[derive(Clone)]
pub struct BrokerOuterAPI {
    client: RemotingClient,
    /// One lock per name server: its registrations are sent in order, independently of the
    /// other name servers.
    namesrv_locks: Arc<DashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    /// `innerClientAuthenticationCredentials`: every request is signed with them when set
    /// (Java registers an `AclClientRPCHook` on the client).
    credentials: Option<Arc<SessionCredentials>>,
}

impl BrokerOuterAPI {
    /// Wraps a remoting client used only for name servers.
    pub fn new(client: RemotingClient) -> Self {
        BrokerOuterAPI {
            client,
            namesrv_locks: Arc::new(DashMap::new()),
            credentials: None,
        }
    }

    /// Signs every request with `credentials` (Java `BrokerOuterAPI.newAclRPCHook`).
    pub fn with_credentials(mut self, credentials: Option<SessionCredentials>) -> Self {
        self.credentials = credentials.map(Arc::new);
        self
    }

    /// Signs `request` when credentials are set, then sends it.
    pub(super) async fn invoke(
        &self,
        addr: &str,
        mut request: RemotingCommand,
        timeout_millis: u64,
    ) -> Result<RemotingCommand, rmq_remoting::RemotingError> {
        if let Some(c) = &self.credentials {
            c.sign(&mut request);
        }
        self.client.invoke(addr, request, timeout_millis).await
    }

    /// Signs `request` when credentials are set, then sends it oneway.
    pub(super) async fn invoke_oneway(
        &self,
        addr: &str,
        mut request: RemotingCommand,
        timeout_millis: u64,
    ) -> Result<(), rmq_remoting::RemotingError> {
        if let Some(c) = &self.credentials {
            c.sign(&mut request);
        }
        self.client
            .invoke_oneway(addr, request, timeout_millis)
            .await
    }

    /// Replaces the name server list (`updateNameServerAddressList`).
    pub fn update_name_server_address_list(&self, addrs: &str) {
        let list: Vec<String> = addrs
            .split(';')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        self.client.update_name_server_address_list(list);
    }

    /// Returns the name server list.
    pub fn name_server_address_list(&self) -> Vec<String> {
        self.client.name_server_address_list()
    }

    /// Registers with every name server at once; each call has its own `timeout_millis`, so a
    /// dead name server only delays its own result. Returns the successful answers (Java
    /// `registerBrokerAll`).
    pub async fn register_broker_all(
        &self,
        who: &BrokerRegistration,
        topic_config_wrapper: TopicConfigSerializeWrapper,
        filter_server_list: Vec<String>,
        oneway: bool,
        timeout_millis: u64,
        compressed: bool,
    ) -> Vec<RegisterBrokerResult> {
        let addrs = self.client.name_server_address_list();
        if addrs.is_empty() {
            return Vec::new();
        }
        let body = RegisterBrokerBody {
            topic_config_serialize_wrapper: topic_config_wrapper,
            filter_server_list,
        }
        .encode(compressed);
        let header = RegisterBrokerRequestHeader {
            broker_name: who.broker_name.clone(),
            broker_addr: who.broker_addr.clone(),
            cluster_name: who.cluster_name.clone(),
            ha_server_addr: who.ha_server_addr.clone(),
            broker_id: who.broker_id,
            heartbeat_timeout_millis: who.heartbeat_timeout_millis,
            enable_acting_master: Some(who.enable_acting_master),
            compressed: Some(false),
            body_crc32: Some(crc32(&body)),
        };
        let body = bytes::Bytes::from(body);
        // Each name server gets its own task: a dead or frozen one only delays its own result.
        let calls = addrs.into_iter().map(|addr| {
            let mut request =
                RemotingCommand::create_request_command(RequestCode::REGISTER_BROKER, &header);
            request.body = body.clone();
            let this = self.clone();
            let lock = self
                .namesrv_locks
                .entry(addr.clone())
                .or_default()
                .clone();
            tokio::spawn(async move {
                let _in_order = lock.lock().await;
                match this.register_broker(&addr, request, oneway, timeout_millis).await {
                    Ok(r) => {
                        tracing::info!(target_host = %addr, "Registering current broker to name server completed");
                        r
                    }
                    Err(e) => {
                        tracing::error!(target_host = %addr, error = %e, "Failed to register current broker to name server");
                        None
                    }
                }
            })
        });
        join_all(calls)
            .await
            .into_iter()
            .filter_map(|r| r.ok().flatten())
            .collect()
    }

    async fn register_broker(
        &self,
        namesrv_addr: &str,
        request: RemotingCommand,
        oneway: bool,
        timeout_millis: u64,
    ) -> Result<Option<RegisterBrokerResult>, BrokerError> {
        if oneway {
            self.invoke_oneway(namesrv_addr, request, timeout_millis)
                .await?;
            return Ok(None);
        }
        let response = self.invoke(namesrv_addr, request, timeout_millis).await?;
        if response.code != ResponseCode::SUCCESS.0 {
            return Err(BrokerError::PeerAnswer {
                code: response.code,
                remark: response.remark.unwrap_or_default(),
            });
        }
        let header: RegisterBrokerResponseHeader = response.decode_header()?;
        let kv_table = if response.body.is_empty() {
            None
        } else {
            rmq_remoting::protocol::body::decode::<KVTable>(&response.body).ok()
        };
        Ok(Some(RegisterBrokerResult {
            namesrv_addr: namesrv_addr.to_string(),
            ha_server_addr: header.ha_server_addr,
            master_addr: header.master_addr,
            kv_table,
        }))
    }

    /// Asks every name server, in parallel and each with its own timeout, whether it holds an
    /// older data version than `data_version` (QUERY_DATA_VERSION); true when at least one
    /// did, or failed to answer (Java `needRegister`).
    pub async fn need_register(
        &self,
        who: &BrokerRegistration,
        data_version: &DataVersion,
        timeout_millis: u64,
    ) -> bool {
        let header = QueryDataVersionRequestHeader {
            broker_name: who.broker_name.clone(),
            broker_addr: who.broker_addr.clone(),
            cluster_name: who.cluster_name.clone(),
            broker_id: who.broker_id,
        };
        let body = bytes::Bytes::from(rmq_common::fastjson::to_string(data_version).into_bytes());
        let calls = self.client.name_server_address_list().into_iter().map(|addr| {
            let mut request =
                RemotingCommand::create_request_command(RequestCode::QUERY_DATA_VERSION, &header);
            request.body = body.clone();
            async move {
                let response = match self.invoke(&addr, request, timeout_millis).await {
                    Ok(r) => r,
                    Err(e) => {
                        tracing::error!(namesrv_addr = %addr, error = %e, "Query data version from name server {addr} exception");
                        return true;
                    }
                };
                if response.code != ResponseCode::SUCCESS.0 {
                    return false;
                }
                let mut changed = response
                    .decode_header::<QueryDataVersionResponseHeader>()
                    .map(|h| h.changed)
                    .unwrap_or(true);
                let namesrv_version = if response.body.is_empty() {
                    None
                } else {
                    rmq_remoting::protocol::body::decode::<DataVersion>(&response.body).ok()
                };
                if let Some(v) = &namesrv_version {
                    if v != data_version {
                        changed = true;
                    }
                }
                tracing::warn!(
                    "Query data version from name server {} OK, changed {}, broker {:?}, name server {:?}",
                    addr, changed, data_version, namesrv_version
                );
                changed
            }
        });
        join_all(calls).await.into_iter().any(|changed| changed)
    }

    /// Unregisters from every name server, in parallel (Java `unregisterBrokerAll`).
    pub async fn unregister_broker_all(&self, who: &BrokerRegistration, timeout_millis: u64) {
        let header = UnRegisterBrokerRequestHeader {
            broker_name: who.broker_name.clone(),
            broker_addr: who.broker_addr.clone(),
            cluster_name: who.cluster_name.clone(),
            broker_id: who.broker_id,
        };
        let calls = self.client.name_server_address_list().into_iter().map(|addr| {
            let request =
                RemotingCommand::create_request_command(RequestCode::UNREGISTER_BROKER, &header);
            async move {
                match self.invoke(&addr, request, timeout_millis).await {
                    Ok(r) if r.code == ResponseCode::SUCCESS.0 => {
                        tracing::info!(namesrv_addr = %addr, "unregisterBroker OK");
                    }
                    Ok(r) => {
                        tracing::warn!(namesrv_addr = %addr, code = r.code, remark = ?r.remark, "unregisterBroker Exception");
                    }
                    Err(e) => {
                        tracing::warn!(namesrv_addr = %addr, error = %e, "unregisterBroker Exception");
                    }
                }
            }
        });
        join_all(calls).await;
    }

    /// Sends a request without header to a broker and returns the body of a SUCCESS answer;
    /// any other code is [`BrokerError::PeerAnswer`] (Java's `MQBrokerException`).
    async fn broker_body_request(
        &self,
        addr: &str,
        code: RequestCode,
    ) -> Result<bytes::Bytes, BrokerError> {
        let request = RemotingCommand::new_request(code);
        let response = self
            .invoke(addr, request, MASTER_REQUEST_TIMEOUT_MILLIS)
            .await?;
        if response.code != ResponseCode::SUCCESS.0 {
            return Err(BrokerError::PeerAnswer {
                code: response.code,
                remark: response.remark.unwrap_or_default(),
            });
        }
        Ok(response.body)
    }

    /// GET_ALL_TOPIC_CONFIG on the master's VIP channel (port - 2), as Java's
    /// `getAllTopicConfig` asks it.
    pub async fn get_all_topic_config(
        &self,
        master_addr: &str,
    ) -> Result<TopicConfigSerializeWrapper, BrokerError> {
        let body = self
            .broker_body_request(
                &broker_vip_channel(master_addr),
                RequestCode::GET_ALL_TOPIC_CONFIG,
            )
            .await?;
        Ok(rmq_remoting::protocol::body::decode(&body)?)
    }

    /// GET_ALL_CONSUMER_OFFSET (Java `getAllConsumerOffset`).
    pub async fn get_all_consumer_offset(
        &self,
        master_addr: &str,
    ) -> Result<ConsumerOffsetFile, BrokerError> {
        let body = self
            .broker_body_request(master_addr, RequestCode::GET_ALL_CONSUMER_OFFSET)
            .await?;
        Ok(rmq_remoting::protocol::body::decode(&body)?)
    }

    /// GET_ALL_DELAY_OFFSET: the master's `delayOffset.json` text (Java `getAllDelayOffset`).
    pub async fn get_all_delay_offset(&self, master_addr: &str) -> Result<String, BrokerError> {
        let body = self
            .broker_body_request(master_addr, RequestCode::GET_ALL_DELAY_OFFSET)
            .await?;
        Ok(String::from_utf8_lossy(&body).into_owned())
    }

    /// GET_ALL_SUBSCRIPTIONGROUP_CONFIG (Java `getAllSubscriptionGroupConfig`).
    pub async fn get_all_subscription_group_config(
        &self,
        master_addr: &str,
    ) -> Result<SubscriptionGroupWrapper, BrokerError> {
        let body = self
            .broker_body_request(master_addr, RequestCode::GET_ALL_SUBSCRIPTIONGROUP_CONFIG)
            .await?;
        Ok(rmq_remoting::protocol::body::decode(&body)?)
    }

    /// Closes the name server connections.
    pub async fn shutdown(&self) {
        self.client.shutdown().await;
    }
}

#[cfg(test)]
#[path = "broker_outer_api_tests.rs"]
mod tests;
