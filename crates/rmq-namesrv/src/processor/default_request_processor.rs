//! `DefaultRequestProcessor`: every NameServer request except GET_ROUTEINFO_BY_TOPIC — KV
//! config, broker registration and liveness, cluster and topic lists, permissions, and the
//! server's own config (Java `namesrv/.../processor/DefaultRequestProcessor.java`).

use crate::error::NamesrvError;
use crate::namesrv_controller::NamesrvController;
use crate::route::zone_route_rpc_hook::ZONE_NAME;
use crate::routeinfo::BrokerRegistration;
use async_trait::async_trait;
use rmq_common::mix_all::ORDER_TOPIC_CONFIG;
use rmq_common::mq_version::V3_0_11;
use rmq_common::{properties, util_all, DataVersion};
use rmq_remoting::protocol::body;
use rmq_remoting::protocol::body::register_broker_body::{
    RegisterBrokerBody, TopicConfigSerializeWrapper, MAX_INFLATED_BYTES,
};
use rmq_remoting::protocol::body::route::{
    GetBrokerMemberGroupResponseBody, TopicList, TopicRouteData,
};
use rmq_remoting::protocol::header::namesrv::*;
use rmq_remoting::{
    Channel, CodecError, RemotingCommand, RemotingError, RequestCode, RequestProcessor,
    ResponseCode,
};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tokio::sync::Semaphore;

/// REGISTER_BROKER bodies decoded at the same time. Inflating and parsing run on the blocking
/// pool, never on an async worker; one at a time keeps a flood of zlib bombs to one core and
/// one body's memory ([`MAX_INFLATED_BYTES`] at most), while other requests go on.
const MAX_CONCURRENT_BODY_DECODES: usize = 1;
/// REGISTER_BROKER requests allowed to wait for a decode slot; more are answered SYSTEM_BUSY
/// as Java answers when its executor's queue is full. Brokers register every 30 s, so a
/// real cluster never comes near it.
const MAX_WAITING_BODY_DECODES: usize = 64;

/// Handles the NameServer's admin and broker requests.
pub struct DefaultRequestProcessor {
    controller: Arc<NamesrvController>,
    /// Keys UPDATE_NAMESRV_CONFIG refuses, fixed at startup as in Java.
    config_black_list: Vec<String>,
    body_decode_slots: Arc<Semaphore>,
    body_decodes_waiting: AtomicUsize,
}

/// What checking and decoding a REGISTER_BROKER body gave.
enum BodyOutcome {
    CrcMismatch,
    Decoded(Box<Result<RegisterBrokerBody, CodecError>>),
}

fn success() -> RemotingCommand {
    RemotingCommand::success()
}

/// The answer when a change could not be saved (and was undone). Java logs the failure and
/// answers SUCCESS although nothing was saved; rmq says so.
fn persist_failed(e: &NamesrvError) -> RemotingCommand {
    RemotingCommand::error(
        ResponseCode::SYSTEM_ERROR,
        format!("the change was not saved and is undone: {e}"),
    )
}

fn disabled() -> RemotingCommand {
    RemotingCommand::error(ResponseCode::SYSTEM_ERROR, "disable")
}

impl DefaultRequestProcessor {
    /// Builds the processor.
    pub fn new(controller: Arc<NamesrvController>) -> Self {
        let config_black_list = controller
            .configuration()
            .namesrv_config()
            .read()
            .black_list_keys();
        DefaultRequestProcessor {
            controller,
            config_black_list,
            body_decode_slots: Arc::new(Semaphore::new(MAX_CONCURRENT_BODY_DECODES)),
            body_decodes_waiting: AtomicUsize::new(0),
        }
    }

    /// Checks the CRC of a non-empty REGISTER_BROKER body and decodes it on the blocking
    /// pool, at most [`MAX_CONCURRENT_BODY_DECODES`] at a time. `None` when too many wait.
    async fn check_and_decode_body(
        &self,
        request: &RemotingCommand,
        crc: i32,
        compressed: bool,
    ) -> Option<BodyOutcome> {
        let waiting = self.body_decodes_waiting.fetch_add(1, Ordering::AcqRel);
        let permit = if waiting >= MAX_WAITING_BODY_DECODES {
            None
        } else {
            self.body_decode_slots.clone().acquire_owned().await.ok()
        };
        self.body_decodes_waiting.fetch_sub(1, Ordering::AcqRel);
        let permit = permit?;
        let body = request.body.clone();
        let version = request.version;
        let job = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            if crc != 0 && util_all::crc32(&body) != crc {
                return BodyOutcome::CrcMismatch;
            }
            BodyOutcome::Decoded(Box::new(RegisterBrokerBody::decode_with_limit(
                &body,
                compressed,
                version,
                MAX_INFLATED_BYTES,
            )))
        });
        Some(match job.await {
            Ok(outcome) => outcome,
            Err(e) => BodyOutcome::Decoded(Box::new(Err(CodecError::BadBody(format!(
                "decode task failed: {e}"
            ))))),
        })
    }

    async fn put_kv_config(
        &self,
        request: &RemotingCommand,
    ) -> Result<RemotingCommand, RemotingError> {
        let h: PutKVConfigRequestHeader = request.decode_header()?;
        match self
            .controller
            .kv_config_manager()
            .put_kv_config(&h.namespace, &h.key, &h.value)
            .await
        {
            Ok(()) => Ok(success()),
            Err(e) => Ok(persist_failed(&e)),
        }
    }

    fn get_kv_config(&self, request: &RemotingCommand) -> Result<RemotingCommand, RemotingError> {
        let h: GetKVConfigRequestHeader = request.decode_header()?;
        match self
            .controller
            .kv_config_manager()
            .get_kv_config(&h.namespace, &h.key)
        {
            Some(value) => Ok(RemotingCommand::response_with_header(
                ResponseCode::SUCCESS,
                &GetKVConfigResponseHeader { value: Some(value) },
            )),
            None => Ok(RemotingCommand::error(
                ResponseCode::QUERY_NOT_FOUND,
                format!("No config item, Namespace: {} Key: {}", h.namespace, h.key),
            )),
        }
    }

    async fn delete_kv_config(
        &self,
        request: &RemotingCommand,
    ) -> Result<RemotingCommand, RemotingError> {
        let h: DeleteKVConfigRequestHeader = request.decode_header()?;
        match self
            .controller
            .kv_config_manager()
            .delete_kv_config(&h.namespace, &h.key)
            .await
        {
            Ok(()) => Ok(success()),
            Err(e) => Ok(persist_failed(&e)),
        }
    }

    async fn register_broker(
        &self,
        channel: &Channel,
        request: &RemotingCommand,
    ) -> Result<RemotingCommand, RemotingError> {
        let h: RegisterBrokerRequestHeader = request.decode_header()?;
        let crc = h.body_crc32.unwrap_or(0);
        let crc_mismatch = || {
            tracing::warn!(
                "receive registerBroker request,crc32 not match,from {}",
                channel.remote_addr_string()
            );
            RemotingCommand::error(ResponseCode::SYSTEM_ERROR, "crc32 not match")
        };
        let (wrapper, filter_server_list) = if request.body.is_empty() {
            if crc != 0 && util_all::crc32(&request.body) != crc {
                return Ok(crc_mismatch());
            }
            let empty = TopicConfigSerializeWrapper {
                data_version: DataVersion {
                    state_version: 0,
                    timestamp: 0,
                    counter: 0,
                },
                ..Default::default()
            };
            (empty, (request.version >= V3_0_11).then(Vec::new))
        } else {
            let compressed = h.compressed.unwrap_or(false);
            let outcome = self.check_and_decode_body(request, crc, compressed).await;
            let body = match outcome {
                None => {
                    tracing::warn!(
                        remote = %channel.remote_addr_string(),
                        "too many REGISTER_BROKER bodies waiting to be decoded, answering SYSTEM_BUSY"
                    );
                    return Ok(RemotingCommand::error(
                        ResponseCode::SYSTEM_BUSY,
                        "[OVERLOAD]system busy, start flow control for a while",
                    ));
                }
                Some(BodyOutcome::CrcMismatch) => return Ok(crc_mismatch()),
                Some(BodyOutcome::Decoded(result)) => match *result {
                    Ok(body) => body,
                    // Java: RemotingCommandException("Failed to decode RegisterBrokerBody").
                    Err(e) => {
                        let remark = format!("Failed to decode RegisterBrokerBody: {e}");
                        tracing::warn!(remote = %channel.remote_addr_string(), "{remark}");
                        return Ok(RemotingCommand::error(ResponseCode::SYSTEM_ERROR, remark));
                    }
                },
            };
            let filters = (request.version >= V3_0_11).then_some(body.filter_server_list);
            (body.topic_config_serialize_wrapper, filters)
        };
        let Ok(broker_id) = u64::try_from(h.broker_id) else {
            tracing::warn!(
                broker_name = %h.broker_name,
                broker_addr = %h.broker_addr,
                broker_id = h.broker_id,
                "refusing a registration with a negative brokerId"
            );
            return Ok(RemotingCommand::error(
                ResponseCode::SYSTEM_ERROR,
                "register broker failed",
            ));
        };
        let result = self
            .controller
            .route_info_manager()
            .register_broker(BrokerRegistration {
                cluster_name: h.cluster_name,
                broker_addr: h.broker_addr,
                broker_name: h.broker_name,
                broker_id,
                ha_server_addr: h.ha_server_addr,
                zone_name: request.ext_field(ZONE_NAME).map(str::to_string),
                timeout_millis: h.heartbeat_timeout_millis,
                enable_acting_master: h.enable_acting_master,
                topic_config_wrapper: wrapper,
                filter_server_list,
                channel: Some(channel.clone()),
            });
        let Some(result) = result else {
            // A single-topic registration before the broker's first full one.
            return Ok(RemotingCommand::error(
                ResponseCode::SYSTEM_ERROR,
                "register broker failed",
            ));
        };
        let mut response = RemotingCommand::response_with_header(
            ResponseCode::SUCCESS,
            &RegisterBrokerResponseHeader {
                ha_server_addr: result.ha_server_addr,
                master_addr: result.master_addr,
            },
        );
        let return_order_conf = self
            .controller
            .configuration()
            .namesrv_config()
            .read()
            .return_order_topic_config_to_broker;
        if return_order_conf {
            if let Some(table) = self
                .controller
                .kv_config_manager()
                .get_kv_list_by_namespace(ORDER_TOPIC_CONFIG)
            {
                response.body = body::encode(&table).into();
            }
        }
        Ok(response)
    }

    fn unregister_broker(
        &self,
        request: &RemotingCommand,
    ) -> Result<RemotingCommand, RemotingError> {
        let h: UnRegisterBrokerRequestHeader = request.decode_header()?;
        let info = format!("{h:?}");
        if !self
            .controller
            .route_info_manager()
            .submit_unregister_broker_request(h)
        {
            tracing::warn!(
                "Couldn't submit the unregister broker request to handler, broker info: {info}"
            );
            return Ok(RemotingCommand::create_response_command(
                ResponseCode::SYSTEM_ERROR,
                None,
            ));
        }
        Ok(success())
    }

    fn broker_heartbeat(
        &self,
        request: &RemotingCommand,
    ) -> Result<RemotingCommand, RemotingError> {
        let h: BrokerHeartbeatRequestHeader = request.decode_header()?;
        self.controller
            .route_info_manager()
            .update_broker_info_update_timestamp(&h.cluster_name, &h.broker_addr);
        Ok(success())
    }

    fn query_data_version(
        &self,
        request: &RemotingCommand,
    ) -> Result<RemotingCommand, RemotingError> {
        let h: QueryDataVersionRequestHeader = request.decode_header()?;
        let data_version: DataVersion = body::decode(&request.body)?;
        let rim = self.controller.route_info_manager();
        let changed =
            rim.is_broker_topic_config_changed(&h.cluster_name, &h.broker_addr, &data_version);
        rim.update_broker_info_update_timestamp(&h.cluster_name, &h.broker_addr);
        let mut response = RemotingCommand::response_with_header(
            ResponseCode::SUCCESS,
            &QueryDataVersionResponseHeader { changed },
        );
        if let Some(stored) = rim.query_broker_topic_config(&h.cluster_name, &h.broker_addr) {
            response.body = body::encode(&stored).into();
        }
        Ok(response)
    }

    fn get_broker_member_group(
        &self,
        request: &RemotingCommand,
    ) -> Result<RemotingCommand, RemotingError> {
        let h: GetBrokerMemberGroupRequestHeader = request.decode_header()?;
        let group = self
            .controller
            .route_info_manager()
            .get_broker_member_group(&h.cluster_name, &h.broker_name);
        let body = GetBrokerMemberGroupResponseBody {
            broker_member_group: group,
        };
        Ok(success().with_body(body::encode(&body)))
    }

    fn wipe_write_perm_of_broker(
        &self,
        channel: &Channel,
        request: &RemotingCommand,
    ) -> Result<RemotingCommand, RemotingError> {
        let h: WipeWritePermOfBrokerRequestHeader = request.decode_header()?;
        let count = self
            .controller
            .route_info_manager()
            .wipe_write_perm_of_broker_by_lock(&h.broker_name);
        tracing::info!(
            "wipe write perm of broker[{}], client: {}, {count}",
            h.broker_name,
            channel.remote_addr_string()
        );
        Ok(RemotingCommand::response_with_header(
            ResponseCode::SUCCESS,
            &WipeWritePermOfBrokerResponseHeader {
                wipe_topic_count: count,
            },
        ))
    }

    fn add_write_perm_of_broker(
        &self,
        channel: &Channel,
        request: &RemotingCommand,
    ) -> Result<RemotingCommand, RemotingError> {
        let h: AddWritePermOfBrokerRequestHeader = request.decode_header()?;
        let count = self
            .controller
            .route_info_manager()
            .add_write_perm_of_broker_by_lock(&h.broker_name);
        tracing::info!(
            "add write perm of broker[{}], client: {}, {count}",
            h.broker_name,
            channel.remote_addr_string()
        );
        Ok(RemotingCommand::response_with_header(
            ResponseCode::SUCCESS,
            &AddWritePermOfBrokerResponseHeader {
                add_topic_count: count,
            },
        ))
    }

    fn get_all_topic_list_from_nameserver(&self, channel: &Channel) -> RemotingCommand {
        let enabled = self
            .controller
            .configuration()
            .namesrv_config()
            .read()
            .enable_all_topic_list;
        tracing::warn!(
            "getAllTopicListFromNameserver {} enable {enabled}",
            channel.remote_addr_string()
        );
        if !enabled {
            return disabled();
        }
        let list = self.controller.route_info_manager().get_all_topic_list();
        success().with_body(body::encode(&list))
    }

    fn register_topic_to_namesrv(
        &self,
        request: &RemotingCommand,
    ) -> Result<RemotingCommand, RemotingError> {
        let h: RegisterTopicRequestHeader = request.decode_header()?;
        if !request.body.is_empty() {
            let route: TopicRouteData = body::decode(&request.body)?;
            if !route.queue_datas.is_empty() {
                self.controller
                    .route_info_manager()
                    .register_topic(&h.topic, &route.queue_datas);
            }
        }
        Ok(success())
    }

    fn delete_topic_in_namesrv(
        &self,
        request: &RemotingCommand,
    ) -> Result<RemotingCommand, RemotingError> {
        let h: DeleteTopicFromNamesrvRequestHeader = request.decode_header()?;
        let rim = self.controller.route_info_manager();
        match h.cluster_name.as_deref().filter(|c| !c.is_empty()) {
            Some(cluster) => rim.delete_topic_in_cluster(&h.topic, cluster),
            None => rim.delete_topic(&h.topic),
        }
        Ok(success())
    }

    fn get_kv_list_by_namespace(
        &self,
        request: &RemotingCommand,
    ) -> Result<RemotingCommand, RemotingError> {
        let h: GetKVListByNamespaceRequestHeader = request.decode_header()?;
        match self
            .controller
            .kv_config_manager()
            .get_kv_list_by_namespace(&h.namespace)
        {
            Some(table) => Ok(success().with_body(body::encode(&table))),
            None => Ok(RemotingCommand::error(
                ResponseCode::QUERY_NOT_FOUND,
                format!("No config item, Namespace: {}", h.namespace),
            )),
        }
    }

    fn topic_list_enabled(&self) -> bool {
        self.controller
            .configuration()
            .namesrv_config()
            .read()
            .enable_topic_list
    }

    fn get_topics_by_cluster(
        &self,
        request: &RemotingCommand,
    ) -> Result<RemotingCommand, RemotingError> {
        if !self.topic_list_enabled() {
            return Ok(disabled());
        }
        let h: GetTopicsByClusterRequestHeader = request.decode_header()?;
        let list = self
            .controller
            .route_info_manager()
            .get_topics_by_cluster(&h.cluster);
        Ok(success().with_body(body::encode(&list)))
    }

    fn topic_list_response(&self, list: impl FnOnce() -> TopicList) -> RemotingCommand {
        if !self.topic_list_enabled() {
            return disabled();
        }
        success().with_body(body::encode(&list()))
    }

    async fn update_config(&self, channel: &Channel, request: &RemotingCommand) -> RemotingCommand {
        tracing::info!("updateConfig called by {}", channel.remote_addr_string());
        if request.body.is_empty() {
            return success();
        }
        let text = String::from_utf8_lossy(&request.body);
        let props = properties::parse(&text);
        if self.config_black_list.iter().any(|k| props.contains_key(k)) {
            return RemotingCommand::error(
                ResponseCode::NO_PERMISSION,
                "Can not update config in black list.",
            );
        }
        let report = match self
            .controller
            .configuration()
            .update_and_persist(&props)
            .await
        {
            Ok(report) => report,
            Err(e) => return persist_failed(&e),
        };
        if !report.invalid_keys.is_empty() {
            tracing::warn!(keys = ?report.invalid_keys, "updateConfig ignored values that do not parse");
        }
        success()
    }

    fn get_config(&self) -> RemotingCommand {
        let content = self.controller.configuration().all_configs_format_string();
        let mut response = success();
        if !content.trim().is_empty() {
            response.body = content.into_bytes().into();
        }
        response
    }
}

#[async_trait]
impl RequestProcessor for DefaultRequestProcessor {
    async fn process_request(
        &self,
        channel: &Channel,
        request: RemotingCommand,
    ) -> Result<Option<RemotingCommand>, RemotingError> {
        tracing::debug!(
            "receive request, {} {} {:?}",
            request.code,
            channel.remote_addr_string(),
            request.ext_fields
        );
        let rim = self.controller.route_info_manager();
        let response = match RequestCode(request.code) {
            RequestCode::PUT_KV_CONFIG => self.put_kv_config(&request).await?,
            RequestCode::GET_KV_CONFIG => self.get_kv_config(&request)?,
            RequestCode::DELETE_KV_CONFIG => self.delete_kv_config(&request).await?,
            RequestCode::QUERY_DATA_VERSION => self.query_data_version(&request)?,
            RequestCode::REGISTER_BROKER => self.register_broker(channel, &request).await?,
            RequestCode::UNREGISTER_BROKER => self.unregister_broker(&request)?,
            RequestCode::BROKER_HEARTBEAT => self.broker_heartbeat(&request)?,
            RequestCode::GET_BROKER_MEMBER_GROUP => self.get_broker_member_group(&request)?,
            RequestCode::GET_BROKER_CLUSTER_INFO => {
                success().with_body(body::encode(&rim.get_all_cluster_info()))
            }
            RequestCode::WIPE_WRITE_PERM_OF_BROKER => {
                self.wipe_write_perm_of_broker(channel, &request)?
            }
            RequestCode::ADD_WRITE_PERM_OF_BROKER => {
                self.add_write_perm_of_broker(channel, &request)?
            }
            RequestCode::GET_ALL_TOPIC_LIST_FROM_NAMESERVER => {
                self.get_all_topic_list_from_nameserver(channel)
            }
            RequestCode::DELETE_TOPIC_IN_NAMESRV => self.delete_topic_in_namesrv(&request)?,
            RequestCode::REGISTER_TOPIC_IN_NAMESRV => self.register_topic_to_namesrv(&request)?,
            RequestCode::GET_KVLIST_BY_NAMESPACE => self.get_kv_list_by_namespace(&request)?,
            RequestCode::GET_TOPICS_BY_CLUSTER => self.get_topics_by_cluster(&request)?,
            RequestCode::GET_SYSTEM_TOPIC_LIST_FROM_NS => {
                success().with_body(body::encode(&rim.get_system_topic_list()))
            }
            RequestCode::GET_UNIT_TOPIC_LIST => self.topic_list_response(|| rim.get_unit_topics()),
            RequestCode::GET_HAS_UNIT_SUB_TOPIC_LIST => {
                self.topic_list_response(|| rim.get_has_unit_sub_topic_list())
            }
            RequestCode::GET_HAS_UNIT_SUB_UNUNIT_TOPIC_LIST => {
                self.topic_list_response(|| rim.get_has_unit_sub_un_unit_topic_list())
            }
            RequestCode::UPDATE_NAMESRV_CONFIG => self.update_config(channel, &request).await,
            RequestCode::GET_NAMESRV_CONFIG => self.get_config(),
            _ => RemotingCommand::error(
                ResponseCode::REQUEST_CODE_NOT_SUPPORTED,
                format!(" request type {} not supported", request.code),
            ),
        };
        Ok(Some(response))
    }
}
