//! `DefaultMQProducerImpl`: validation, route lookup, queue selection, retries,
//! compression and the send request itself (Java `impl/producer/DefaultMQProducerImpl`,
//! `client/Validators`).

use super::mq_producer_inner::MQProducerInner;
use super::send_result::{SendResult, SendStatus};
use super::topic_publish_info::TopicPublishInfo;
use super::transaction_mq_producer::{LocalTransactionState, TransactionListener};
use crate::client_config::ClientConfig;
use crate::error::ClientError;
use crate::factory::mq_client_instance::no_route_text;
use crate::factory::MQClientInstance;
use crate::internal::mq_client_api_impl::properties_string;
use crate::latency::MQFaultStrategy;
use crate::service_state::ServiceState;
use async_trait::async_trait;
use parking_lot::Mutex;
use rmq_common::message::message_client_id::create_uniq_id;
use rmq_common::message::message_const::*;
use rmq_common::message::message_decoder;
use rmq_common::sys_flag::message_sys_flag;
use rmq_common::{mix_all, topic_validator, Message, MessageExt, MessageQueue};
use rmq_remoting::protocol::header::broker::{
    EndTransactionRequestHeader, SendMessageRequestHeader,
};
use rmq_remoting::protocol::header::client::CheckTransactionStateRequestHeader;
use rmq_remoting::{RemotingError, ResponseCode};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

/// Producer settings with Java's names and defaults (`DefaultMQProducer` fields).
#[derive(Debug, Clone)]
pub struct ProducerConfig {
    /// The producer group (required; `DEFAULT_PRODUCER` is rejected).
    pub producer_group: String,
    /// Template topic for auto-created topics (`TBW102`).
    pub create_topic_key: String,
    /// Queues of auto-created topics (4).
    pub default_topic_queue_nums: i32,
    /// Timeout of a whole send, retries included (3000 ms).
    pub send_msg_timeout_millis: u64,
    /// Bodies of at least this many bytes are zlib-compressed (4096).
    pub compress_msg_body_over_howmuch: usize,
    /// zlib level (5).
    pub compress_level: u32,
    /// Extra tries of a sync send (2).
    pub retry_times_when_send_failed: u32,
    /// Extra tries of an async send (2).
    pub retry_times_when_send_async_failed: u32,
    /// Retry on another broker when the status is not SEND_OK (false).
    pub retry_another_broker_when_not_store_ok: bool,
    /// Largest body, or batch body, accepted (4 MiB).
    pub max_message_size: usize,
    /// Steer around slow brokers (false).
    pub send_latency_fault_enable: bool,
}

impl Default for ProducerConfig {
    fn default() -> Self {
        ProducerConfig {
            producer_group: String::new(),
            create_topic_key: mix_all::AUTO_CREATE_TOPIC_KEY_TOPIC.to_string(),
            default_topic_queue_nums: 4,
            send_msg_timeout_millis: 3000,
            compress_msg_body_over_howmuch: 4096,
            compress_level: 5,
            retry_times_when_send_failed: 2,
            retry_times_when_send_async_failed: 2,
            retry_another_broker_when_not_store_ok: false,
            max_message_size: 4 * 1024 * 1024,
            send_latency_fault_enable: false,
        }
    }
}

/// How a send waits (`CommunicationMode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CommunicationMode {
    Sync,
    Async,
    Oneway,
}

/// A message ready to go: a single message, or a batch with its items' unique ids.
pub(crate) struct OutMessage {
    pub msg: Message,
    pub batch_ids: Option<Vec<String>>,
}

impl From<Message> for OutMessage {
    /// A single message.
    fn from(msg: Message) -> Self {
        OutMessage {
            msg,
            batch_ids: None,
        }
    }
}

/// The producer's state and send logic.
pub(crate) struct DefaultMQProducerImpl {
    pub(crate) config: ProducerConfig,
    client_config: Mutex<ClientConfig>,
    instance: Mutex<Option<Arc<MQClientInstance>>>,
    publish_table: Mutex<HashMap<String, Arc<TopicPublishInfo>>>,
    fault: MQFaultStrategy,
    state: Mutex<ServiceState>,
    pub(crate) transaction_listener: Mutex<Option<Arc<dyn TransactionListener>>>,
}

fn illegal(msg: impl Into<String>) -> ClientError {
    ClientError::client(ResponseCode::MESSAGE_ILLEGAL.0, msg)
}

const RETRY_CODES: [ResponseCode; 8] = [
    ResponseCode::TOPIC_NOT_EXIST,
    ResponseCode::SERVICE_NOT_AVAILABLE,
    ResponseCode::SYSTEM_ERROR,
    ResponseCode::SYSTEM_BUSY,
    ResponseCode::NO_PERMISSION,
    ResponseCode::NO_BUYER_ID,
    ResponseCode::NOT_IN_CURRENT_UNIT,
    ResponseCode::GO_AWAY,
];

impl DefaultMQProducerImpl {
    pub(crate) fn new(config: ProducerConfig, client_config: ClientConfig) -> Self {
        let fault = MQFaultStrategy::new(config.send_latency_fault_enable);
        DefaultMQProducerImpl {
            config,
            client_config: Mutex::new(client_config),
            instance: Mutex::new(None),
            publish_table: Mutex::new(HashMap::new()),
            fault,
            state: Mutex::new(ServiceState::CreateJust),
            transaction_listener: Mutex::new(None),
        }
    }

    pub(crate) fn fault_strategy(&self) -> &MQFaultStrategy {
        &self.fault
    }

    pub(crate) fn service_state(&self) -> ServiceState {
        *self.state.lock()
    }

    pub(crate) fn instance(&self) -> Result<Arc<MQClientInstance>, ClientError> {
        self.instance
            .lock()
            .clone()
            .ok_or_else(|| self.not_running())
    }

    fn not_running(&self) -> ClientError {
        ClientError::IllegalState(mix_all::suggest_todo(&format!(
            "The producer service state not OK, maybe started once, {}",
            self.service_state()
        )))
    }

    /// Starts the producer (`start`).
    pub(crate) async fn start(self: &Arc<Self>) -> Result<(), ClientError> {
        {
            let st = *self.state.lock();
            if st != ServiceState::CreateJust {
                return Err(ClientError::client(
                    -1,
                    mix_all::suggest_todo(&format!(
                        "The producer service state not OK, maybe started once, {st}"
                    )),
                ));
            }
        }
        let group = &self.config.producer_group;
        topic_validator::validate_group(group).map_err(|e| ClientError::client(-1, e))?;
        if group == mix_all::DEFAULT_PRODUCER_GROUP {
            *self.state.lock() = ServiceState::StartFailed;
            return Err(ClientError::client(
                -1,
                mix_all::suggest_todo(&format!(
                    "producerGroup can not equal {}, please specify another one.",
                    mix_all::DEFAULT_PRODUCER_GROUP
                )),
            ));
        }
        let cc = {
            let mut cc = self.client_config.lock();
            if group != mix_all::CLIENT_INNER_PRODUCER_GROUP {
                cc.change_instance_name_to_pid();
            }
            cc.clone()
        };
        let inst = MQClientInstance::get_or_create(&cc);
        let me: Arc<dyn MQProducerInner> = self.clone();
        if !inst.register_producer(group, me) {
            *self.state.lock() = ServiceState::CreateJust;
            return Err(ClientError::client(
                -1,
                mix_all::suggest_todo(&format!(
                    "The producer group[{group}] has been created before, specify another name please."
                )),
            ));
        }
        self.publish_table.lock().insert(
            self.config.create_topic_key.clone(),
            Arc::new(TopicPublishInfo::default()),
        );
        inst.start();
        *self.instance.lock() = Some(inst.clone());
        *self.state.lock() = ServiceState::Running;
        inst.send_heartbeat_to_all_broker_with_lock().await;
        Ok(())
    }

    /// Shuts the producer down (`shutdown`).
    pub(crate) async fn shutdown(&self) {
        let inst = {
            let mut st = self.state.lock();
            if *st != ServiceState::Running {
                return;
            }
            *st = ServiceState::ShutdownAlready;
            self.instance.lock().clone()
        };
        if let Some(inst) = inst {
            inst.unregister_producer(&self.config.producer_group).await;
        }
    }

    fn make_sure_state_ok(&self) -> Result<Arc<MQClientInstance>, ClientError> {
        if self.service_state() != ServiceState::Running {
            return Err(self.not_running());
        }
        self.instance()
    }

    /// Validates a message (`Validators.checkMessage`).
    pub(crate) fn check_message(&self, msg: &Message) -> Result<(), ClientError> {
        topic_validator::validate_topic(&msg.topic).map_err(illegal)?;
        if topic_validator::is_not_allowed_send_topic(&msg.topic) {
            return Err(illegal(format!(
                "Sending message to topic[{}] is forbidden.",
                msg.topic
            )));
        }
        if msg.body.is_empty() {
            return Err(illegal("the message body length is zero"));
        }
        if msg.body.len() > self.config.max_message_size {
            return Err(illegal(format!(
                "the message body size over max value, MAX: {}",
                self.config.max_message_size
            )));
        }
        Ok(())
    }

    /// Builds a batch message (`DefaultMQProducer#batch`, `MessageBatch.generateFromList`).
    pub(crate) fn batch(&self, msgs: Vec<Message>) -> Result<OutMessage, ClientError> {
        let first = msgs
            .first()
            .ok_or_else(|| ClientError::IllegalArgument("batch is empty".into()))?;
        let topic = first.topic.clone();
        let wait = first.is_wait_store_msg_ok();
        let mut ids = Vec::with_capacity(msgs.len());
        let mut items = Vec::with_capacity(msgs.len());
        for mut m in msgs {
            if m.delay_time_level() > 0 {
                return Err(ClientError::client(
                    -1,
                    "Failed to initiate the MessageBatch: TimeDelayLevel is not supported for batching",
                ));
            }
            if mix_all::is_retry_topic(&m.topic) {
                return Err(ClientError::client(
                    -1,
                    "Failed to initiate the MessageBatch: Retry Group is not supported for batching",
                ));
            }
            if m.topic != topic {
                return Err(ClientError::client(
                    -1,
                    "Failed to initiate the MessageBatch: The topic of the messages in one batch should be the same",
                ));
            }
            if m.is_wait_store_msg_ok() != wait {
                return Err(ClientError::client(
                    -1,
                    "Failed to initiate the MessageBatch: The waitStoreMsgOK of the messages in one batch should the same",
                ));
            }
            self.check_message(&m)?;
            if m.uniq_key().is_none() {
                m.put_property(PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX, create_uniq_id());
            }
            ids.push(m.uniq_key().unwrap_or_default().to_string());
            items.push(m);
        }
        let body = message_decoder::encode_messages(&items);
        let mut batch = Message::new(topic, body);
        batch.set_wait_store_msg_ok(wait);
        batch.put_property(PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX, create_uniq_id());
        if batch.body.len() > self.config.max_message_size {
            return Err(illegal(format!(
                "the message body size over max value, MAX: {}",
                self.config.max_message_size
            )));
        }
        Ok(OutMessage {
            msg: batch,
            batch_ids: Some(ids),
        })
    }

    /// Returns the publish info of a topic, asking the name server (then the default topic)
    /// when there is none (`tryToFindTopicPublishInfo`).
    pub(crate) async fn try_to_find_topic_publish_info(
        &self,
        inst: &MQClientInstance,
        topic: &str,
    ) -> Arc<TopicPublishInfo> {
        let cur = self.publish_table.lock().get(topic).cloned();
        if let Some(info) = cur.as_ref().filter(|i| i.ok()) {
            return info.clone();
        }
        self.publish_table
            .lock()
            .entry(topic.to_string())
            .or_insert_with(|| Arc::new(TopicPublishInfo::default()));
        if let Err(e) = inst.update_topic_route_info_from_name_server(topic).await {
            tracing::debug!(topic, error = %e, "get topic route from name server failed");
        }
        let info = self
            .publish_table
            .lock()
            .get(topic)
            .cloned()
            .unwrap_or_default();
        if info.have_topic_router_info || info.ok() {
            return info;
        }
        if let Err(e) = inst
            .update_topic_route_info_from_default_topic(
                topic,
                &self.config.create_topic_key,
                self.config.default_topic_queue_nums,
            )
            .await
        {
            tracing::debug!(topic, error = %e, "get default topic route from name server failed");
        }
        self.publish_table
            .lock()
            .get(topic)
            .cloned()
            .unwrap_or_default()
    }

    async fn no_route_error(&self, inst: &MQClientInstance, topic: &str) -> ClientError {
        if inst.api().remoting().name_server_address_list().is_empty() {
            return ClientError::client(
                -1,
                mix_all::suggest_todo("No name server address, please set it."),
            );
        }
        ClientError::NoRouteInfo {
            topic: topic.to_string(),
            message: no_route_text(topic),
        }
    }

    /// The retrying send (`sendDefaultImpl`).
    pub(crate) async fn send_default_impl(
        &self,
        out: OutMessage,
        mode: CommunicationMode,
        timeout_millis: u64,
    ) -> Result<Option<SendResult>, ClientError> {
        let inst = self.make_sure_state_ok()?;
        if out.batch_ids.is_none() {
            self.check_message(&out.msg)?;
        }
        let begin = Instant::now();
        let topic = out.msg.topic.clone();
        let info = self.try_to_find_topic_publish_info(&inst, &topic).await;
        if !info.ok() {
            return Err(self.no_route_error(&inst, &topic).await);
        }
        let times_total = match mode {
            CommunicationMode::Sync => 1 + self.config.retry_times_when_send_failed,
            CommunicationMode::Async => 1 + self.config.retry_times_when_send_async_failed,
            CommunicationMode::Oneway => 1,
        };
        let mut times = 0;
        let mut brokers_sent: Vec<String> = Vec::new();
        let mut last_mq: Option<MessageQueue> = None;
        let mut last_err: Option<ClientError> = None;
        let mut call_timeout = false;
        while times < times_total {
            let last_broker = last_mq.as_ref().map(|m| m.broker_name.clone());
            let Some(mq) = self
                .fault
                .select_one_message_queue(&info, last_broker.as_deref())
            else {
                break;
            };
            times += 1;
            brokers_sent.push(mq.broker_name.clone());
            last_mq = Some(mq.clone());
            let cost = begin.elapsed().as_millis() as u64;
            if timeout_millis < cost {
                call_timeout = true;
                break;
            }
            let started = Instant::now();
            let r = self
                .send_kernel_impl(&inst, &out, &mq, mode, timeout_millis - cost)
                .await;
            let elapsed = started.elapsed().as_millis() as i64;
            match r {
                Ok(res) => {
                    self.fault
                        .update_fault_item(&mq.broker_name, elapsed, false, true);
                    if let Some(res) = &res {
                        if mode == CommunicationMode::Sync
                            && res.send_status != SendStatus::SendOk
                            && self.config.retry_another_broker_when_not_store_ok
                        {
                            continue;
                        }
                    }
                    return Ok(res);
                }
                Err(e) => {
                    let reachable = !matches!(
                        e,
                        ClientError::Remoting(RemotingError::ConnectFailed { .. })
                    );
                    self.fault
                        .update_fault_item(&mq.broker_name, elapsed, true, reachable);
                    tracing::warn!(topic, broker = %mq.broker_name, error = %e, "send message exception, retry");
                    if let ClientError::MQBrokerException { code, .. } = &e {
                        if !RETRY_CODES.contains(&ResponseCode(*code)) {
                            return Err(e);
                        }
                    }
                    last_err = Some(e);
                }
            }
        }
        if call_timeout {
            return Err(ClientError::Timeout("sendDefaultImpl call timeout".into()));
        }
        let text = mix_all::suggest_todo(&format!(
            "Send [{}] times, still failed, cost [{}]ms, Topic: {}, BrokersSent: [{}]",
            times,
            begin.elapsed().as_millis(),
            topic,
            brokers_sent.join(", ")
        ));
        match last_err {
            Some(ClientError::MQBrokerException { code, remark, .. }) => {
                Err(ClientError::client(code, format!("{text}\n{remark}")))
            }
            Some(e) => Err(ClientError::client(-1, format!("{text}\n{e}"))),
            None => Err(ClientError::client(-1, text)),
        }
    }

    /// Sends to one queue without retry (`sendKernelImpl`).
    pub(crate) async fn send_kernel_impl(
        &self,
        inst: &MQClientInstance,
        out: &OutMessage,
        mq: &MessageQueue,
        mode: CommunicationMode,
        timeout_millis: u64,
    ) -> Result<Option<SendResult>, ClientError> {
        let mut addr = inst.find_broker_address_in_publish(&mq.broker_name);
        if addr.is_none() {
            self.try_to_find_topic_publish_info(inst, &mq.topic).await;
            addr = inst.find_broker_address_in_publish(&mq.broker_name);
        }
        let Some(addr) = addr else {
            return Err(ClientError::client(
                -1,
                format!("The broker[{}] not exist", mq.broker_name),
            ));
        };
        let mut msg = out.msg.clone();
        let batch = out.batch_ids.is_some();
        if !batch && msg.uniq_key().is_none() {
            msg.put_property(PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX, create_uniq_id());
        }
        // Java's Message constructors always carry WAIT=true.
        if msg.property(PROPERTY_WAIT_STORE_MSG_OK).is_none() {
            msg.set_wait_store_msg_ok(true);
        }
        let mut sys_flag = 0;
        if !batch && msg.body.len() >= self.config.compress_msg_body_over_howmuch {
            let data = message_decoder::deflate(&msg.body, self.config.compress_level);
            msg.body = bytes::Bytes::from(data);
            sys_flag |= message_sys_flag::COMPRESSED_FLAG | message_sys_flag::COMPRESSION_ZLIB_TYPE;
        }
        if msg
            .property(PROPERTY_TRANSACTION_PREPARED)
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
        {
            sys_flag |= message_sys_flag::TRANSACTION_PREPARED_TYPE;
        }
        let mut header = SendMessageRequestHeader {
            producer_group: self.config.producer_group.clone(),
            topic: msg.topic.clone(),
            default_topic: self.config.create_topic_key.clone(),
            default_topic_queue_nums: self.config.default_topic_queue_nums,
            queue_id: mq.queue_id,
            sys_flag,
            born_timestamp: rmq_common::util_all::current_millis(),
            flag: msg.flag,
            properties: Some(properties_string(&msg)),
            reconsume_times: Some(0),
            unit_mode: Some(false),
            batch: Some(batch),
            max_reconsume_times: None,
            broker_name: Some(mq.broker_name.clone()),
        };
        if mix_all::is_retry_topic(&msg.topic) {
            if let Some(t) = msg.property(PROPERTY_RECONSUME_TIME) {
                header.reconsume_times = t.parse().ok();
            }
            if let Some(t) = msg.property(PROPERTY_MAX_RECONSUME_TIMES) {
                header.max_reconsume_times = t.parse().ok();
            }
        }
        let uniq = match &out.batch_ids {
            Some(ids) => ids.join(","),
            None => msg.uniq_key().unwrap_or_default().to_string(),
        };
        inst.api()
            .send_message(
                &addr,
                &mq.broker_name,
                header,
                msg.body.clone(),
                uniq,
                batch,
                mode == CommunicationMode::Oneway,
                timeout_millis,
            )
            .await
    }

    /// Sends to a queue chosen by `select` (`sendSelectImpl`), without retry.
    pub(crate) async fn send_select_impl(
        &self,
        msg: Message,
        select: impl FnOnce(&[MessageQueue], &Message) -> Option<MessageQueue>,
        mode: CommunicationMode,
        timeout_millis: u64,
    ) -> Result<Option<SendResult>, ClientError> {
        let begin = Instant::now();
        let inst = self.make_sure_state_ok()?;
        self.check_message(&msg)?;
        let info = self.try_to_find_topic_publish_info(&inst, &msg.topic).await;
        if !info.ok() {
            return Err(self.no_route_error(&inst, &msg.topic).await);
        }
        let mq = select(&info.message_queue_list, &msg)
            .ok_or_else(|| ClientError::client(-1, "select message queue return null."))?;
        let cost = begin.elapsed().as_millis() as u64;
        if timeout_millis < cost {
            return Err(ClientError::Timeout(
                "sendSelectImpl call timeout".to_string(),
            ));
        }
        let out = OutMessage::from(msg);
        self.send_kernel_impl(&inst, &out, &mq, mode, timeout_millis - cost)
            .await
    }

    /// Sends to a given queue, without retry.
    pub(crate) async fn send_to_queue(
        &self,
        out: OutMessage,
        mq: &MessageQueue,
        mode: CommunicationMode,
        timeout_millis: u64,
    ) -> Result<Option<SendResult>, ClientError> {
        let inst = self.make_sure_state_ok()?;
        if out.batch_ids.is_none() {
            self.check_message(&out.msg)?;
        }
        if out.msg.topic != mq.topic {
            return Err(ClientError::client(
                -1,
                "message's topic not equal mq's topic",
            ));
        }
        self.send_kernel_impl(&inst, &out, mq, mode, timeout_millis)
            .await
    }

    /// Returns the writable queues of a topic (`fetchPublishMessageQueues`).
    pub(crate) async fn fetch_publish_message_queues(
        &self,
        topic: &str,
    ) -> Result<Vec<MessageQueue>, ClientError> {
        let inst = self.make_sure_state_ok()?;
        let info = self.try_to_find_topic_publish_info(&inst, topic).await;
        if !info.ok() {
            return Err(self.no_route_error(&inst, topic).await);
        }
        Ok(info.message_queue_list.clone())
    }

    /// Ends a transaction on the broker holding the half message (`endTransaction`).
    pub(crate) async fn end_transaction(
        &self,
        send_result: &SendResult,
        state: LocalTransactionState,
    ) -> Result<(), ClientError> {
        let inst = self.instance()?;
        let id = message_decoder::decode_message_id(&send_result.offset_msg_id)?;
        let addr = inst
            .broker_addr_for_queue(&send_result.message_queue)
            .await?;
        let header = EndTransactionRequestHeader {
            topic: Some(send_result.message_queue.topic.clone()),
            producer_group: self.config.producer_group.clone(),
            tran_state_table_offset: send_result.queue_offset,
            commit_log_offset: id.offset,
            commit_or_rollback: state.sys_flag(),
            from_transaction_check: Some(false),
            msg_id: send_result.msg_id.clone(),
            transaction_id: send_result.transaction_id.clone(),
        };
        inst.api()
            .end_transaction_oneway(&addr, header, "", inst.api_timeout_millis())
            .await
    }
}

#[async_trait]
impl MQProducerInner for DefaultMQProducerImpl {
    fn group(&self) -> String {
        self.config.producer_group.clone()
    }

    fn publish_topic_list(&self) -> Vec<String> {
        self.publish_table.lock().keys().cloned().collect()
    }

    fn is_publish_topic_need_update(&self, topic: &str) -> bool {
        self.publish_table.lock().get(topic).is_none_or(|i| !i.ok())
    }

    fn update_topic_publish_info(&self, topic: &str, info: Arc<TopicPublishInfo>) {
        let mut t = self.publish_table.lock();
        if t.contains_key(topic) {
            t.insert(topic.to_string(), info);
        }
    }

    async fn check_transaction_state(
        &self,
        broker_addr: String,
        msg: MessageExt,
        header: CheckTransactionStateRequestHeader,
    ) {
        let listener = self.transaction_listener.lock().clone();
        let Some(listener) = listener else {
            tracing::warn!(group = %self.config.producer_group, "CheckTransactionState, pick transactionListener by group failed");
            return;
        };
        let state = listener.check_local_transaction(&msg).await;
        let Ok(inst) = self.instance() else { return };
        let msg_id = msg
            .message
            .uniq_key()
            .map(str::to_string)
            .unwrap_or_else(|| msg.msg_id.clone());
        let h = EndTransactionRequestHeader {
            topic: Some(msg.topic().to_string()),
            producer_group: self.config.producer_group.clone(),
            tran_state_table_offset: header.tran_state_table_offset,
            commit_log_offset: header.commit_log_offset,
            commit_or_rollback: state.sys_flag(),
            from_transaction_check: Some(true),
            msg_id,
            transaction_id: header.transaction_id.clone(),
        };
        if let Err(e) = inst
            .api()
            .end_transaction_oneway(&broker_addr, h, "", inst.api_timeout_millis())
            .await
        {
            tracing::error!(error = %e, "endTransactionOneway exception");
        }
    }
}
