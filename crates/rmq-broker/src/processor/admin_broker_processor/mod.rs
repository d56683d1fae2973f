//! `AdminBrokerProcessor`: the broker's default processor, serving the admin codes Java's
//! `DefaultMQAdminExt` and `mqadmin` use, plus offsets by time, queue locks and runtime info
//! (Java `broker/processor/AdminBrokerProcessor`). Any code it does not know is answered
//! REQUEST_CODE_NOT_SUPPORTED with Java's remark.
//!
//! Split by subject: this file dispatches and serves topics, broker config, runtime info,
//! offsets and locks; [`consumer_admin`] serves subscription groups, connections, consume
//! stats, offset reset and calls relayed to consumers.

mod answer_budget;
pub mod auth_admin;
mod consumer_admin;
#[cfg(test)]
#[path = "consumer_admin_tests.rs"]
mod consumer_admin_tests;
mod controller_admin;
#[cfg(test)]
mod processor_tests;

use crate::broker_error::{answer, BrokerError};
use answer_budget::AnswerBudget;

use crate::broker_address::BrokerAddress;
use crate::broker_config::BrokerConfig;
use crate::broker_config_handle::BrokerConfigHandle;
use crate::broker_stats::BrokerStats;
use crate::client::consumer_manager::ConsumerManager;
use crate::client::net::broker2client::Broker2ClientContext;
use crate::client::producer_manager::ProducerManager;
use crate::client::rebalance::rebalance_lock_manager::RebalanceLockManager;
use crate::configuration::Configuration;
use crate::offset::consumer_offset_manager::ConsumerOffsetManager;
use crate::out::registrar::BrokerRegistrar;
use crate::schedule::schedule_message_service::ScheduleMessageService;
use crate::stats::broker_stats_manager::BrokerStatsManager;
use crate::stats::stats_item::StatsSnapshot;
use crate::subscription::subscription_group_manager::SubscriptionGroupManager;
use crate::thread_pool_queue::ThreadPoolQueue;
use crate::topic::topic_config_manager::TopicConfigManager;
use async_trait::async_trait;
use rmq_common::{mq_version, topic_validator, TopicConfig, TopicFilterType};
use rmq_remoting::protocol::body::broker_stats_data::{BrokerStatsData, BrokerStatsItem};
use rmq_remoting::protocol::body::create_topic_list_request_body::CreateTopicListRequestBody;
use rmq_remoting::protocol::body::lock::{
    LockBatchRequestBody, LockBatchResponseBody, UnlockBatchRequestBody,
};
use rmq_remoting::protocol::body::query_consume_queue_response_body::{
    ConsumeQueueData as QueryConsumeQueueData, QueryConsumeQueueResponseBody,
};
use rmq_remoting::protocol::body::register_broker_body::TopicConfigSerializeWrapper;
use rmq_remoting::protocol::body::route::{KVTable, TopicList};
use rmq_remoting::protocol::body::topic_stats_table::{TopicOffset, TopicStatsTable};
use rmq_remoting::protocol::body::{decode, encode};
use rmq_remoting::protocol::header::broker::{
    CreateTopicRequestHeader, DeleteTopicRequestHeader, GetBrokerConfigResponseHeader,
    GetEarliestMsgStoretimeRequestHeader, GetEarliestMsgStoretimeResponseHeader,
    GetMaxOffsetRequestHeader, GetMaxOffsetResponseHeader, GetMinOffsetRequestHeader,
    GetMinOffsetResponseHeader, GetTopicConfigRequestHeader, GetTopicStatsInfoRequestHeader,
    QueryConsumeQueueRequestHeader, SearchOffsetRequestHeader, SearchOffsetResponseHeader,
    ViewBrokerStatsDataRequestHeader,
};
use rmq_remoting::{
    Channel, RemotingCommand, RemotingError, RequestCode, RequestProcessor, ResponseCode,
};
use rmq_store::MessageStoreConfig;
use rmq_store::{BoundaryType, MessageStore};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// What `AdminBrokerProcessor` uses: the admin codes read and change most of the broker.
#[derive(Clone)]
pub struct AdminBrokerContext {
    /// The broker config snapshot.
    pub config: BrokerConfigHandle,
    /// The view of all config objects (GET/UPDATE_BROKER_CONFIG).
    pub configuration: Arc<Configuration>,
    /// The bound address and store host.
    pub address: Arc<BrokerAddress>,
    /// The name server registration.
    pub registrar: Arc<dyn BrokerRegistrar>,
    /// The message store.
    pub message_store: Arc<dyn MessageStore>,
    /// The store config the broker started with.
    pub message_store_config: Arc<MessageStoreConfig>,
    /// The broker's role now (controller mode changes it at run time).
    pub role: Arc<rmq_store::RoleState>,
    /// The topic configs.
    pub topic_config_manager: Arc<TopicConfigManager>,
    /// The subscription group configs.
    pub subscription_group_manager: Arc<SubscriptionGroupManager>,
    /// The committed consumer offsets.
    pub consumer_offset_manager: Arc<ConsumerOffsetManager>,
    /// The connected consumer groups.
    pub consumer_manager: Arc<ConsumerManager>,
    /// The connected producer groups.
    pub producer_manager: Arc<ProducerManager>,
    /// The ordered-consumption queue locks.
    pub rebalance_lock_manager: Arc<RebalanceLockManager>,
    /// The delay levels.
    pub schedule_message_service: Arc<ScheduleMessageService>,
    /// The timer wheel (`None` with `timerWheelEnable=false`).
    pub timer_message_store: Option<Arc<rmq_store::timer::TimerMessageStore>>,
    /// The put/get counters.
    pub broker_stats_manager: Arc<BrokerStatsManager>,
    /// The daily totals.
    pub broker_stats: Arc<BrokerStats>,
    /// The sends waiting for a slot.
    pub send_thread_pool_queue: Arc<ThreadPoolQueue>,
    /// What the calls to clients need.
    pub broker2client: Broker2ClientContext,
    /// Controller mode's replicas manager (`None` unless `enableControllerMode`).
    pub replicas: Option<Arc<crate::controller::ReplicasManager>>,
}

/// The admin processor.
pub struct AdminBrokerProcessor {
    ctx: AdminBrokerContext,
    /// Serializes topic and config changes (Java's `synchronized` methods).
    update_lock: tokio::sync::Mutex<()>,
}

/// Refuses a topic without a readable or writable queue. Java 5.3.3 and 5.5 store such a
/// topic (a client then finds no queue to send to or pull from); rmq answers
/// INVALID_PARAMETER, the code Java uses for the other checks of this request.
fn illegal_queue_nums(topic: &str, read_queue_nums: i32, write_queue_nums: i32) -> Option<String> {
    (read_queue_nums < 1 || write_queue_nums < 1).then(|| {
        format!(
            "The queue nums of topic[{topic}] is illegal, readQueueNums: {read_queue_nums}, writeQueueNums: {write_queue_nums}, both must be greater than 0."
        )
    })
}

/// GET_ALL_MESSAGE_REQUEST_MODE: Java's `MessageRequestModeManager` as JSON. rmq serves no
/// POP consumption and no SET_MESSAGE_REQUEST_MODE, so the map is always empty, as on a Java
/// broker no POP client ever configured; a Java slave's sync then finds nothing to copy.
fn get_all_message_request_mode() -> RemotingCommand {
    RemotingCommand::success().with_body(&br#"{"messageRequestModeMap":{}}"#[..])
}

/// Encodes a body as fastjson writes a bean: members whose value is null are left out.
fn encode_without_nulls<T: serde::Serialize>(value: &T) -> Vec<u8> {
    fn strip(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(m) => {
                m.retain(|_, x| !x.is_null());
                m.values_mut().for_each(strip);
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut v = serde_json::to_value(value).unwrap_or(serde_json::Value::Null);
    strip(&mut v);
    encode(&v)
}

fn unknown_code(request: &RemotingCommand) -> RemotingCommand {
    BrokerError::RequestCodeNotSupported(format!(" request type {} not supported", request.code))
        .into_response()
}

impl AdminBrokerProcessor {
    /// Builds the processor.
    pub fn new(ctx: AdminBrokerContext) -> Self {
        AdminBrokerProcessor {
            ctx,
            update_lock: tokio::sync::Mutex::new(()),
        }
    }

    async fn update_and_create_topic(
        &self,
        channel: &Channel,
        request: &RemotingCommand,
    ) -> Result<RemotingCommand, BrokerError> {
        let header: CreateTopicRequestHeader = request.decode_header()?;
        let _guard = self.update_lock.lock().await;
        tracing::info!(topic = %header.topic, caller = %channel.remote_addr(), "Broker receive request to update or create topic");
        let c = &self.ctx;
        if let Err(remark) = topic_validator::validate_topic(&header.topic) {
            return Err(BrokerError::InvalidParameter(remark));
        }
        let bc = c.config.load();
        let (validate_system, mixed) = (
            bc.validate_system_topic_when_update_topic,
            bc.enable_mixed_message_type,
        );
        if validate_system && Self::is_system_topic(&bc, &header.topic) {
            return Err(BrokerError::InvalidParameter(format!(
                "The topic[{}] is conflict with system topic.",
                header.topic
            )));
        }
        if let Some(remark) = illegal_queue_nums(
            &header.topic,
            header.read_queue_nums,
            header.write_queue_nums,
        ) {
            return Err(BrokerError::InvalidParameter(remark));
        }
        let attributes =
            match crate::attribute_util::parse_to_map(header.attributes.as_deref().unwrap_or("")) {
                Ok(a) => a,
                Err(e) => return Err(BrokerError::SystemError(e)),
            };
        if !mixed && attributes.get("+message.type").map(String::as_str) == Some("MIXED") {
            return Err(BrokerError::InvalidParameter(
                "MIXED message type is not supported.".into(),
            ));
        }
        let tc = TopicConfig {
            topic_name: header.topic.clone(),
            read_queue_nums: header.read_queue_nums,
            write_queue_nums: header.write_queue_nums,
            perm: header.perm,
            topic_filter_type: TopicFilterType::parse(&header.topic_filter_type)
                .unwrap_or_default(),
            topic_sys_flag: header.topic_sys_flag.unwrap_or(0),
            order: header.order,
            attributes,
        };
        if c.topic_config_manager
            .select_topic_config(&tc.topic_name)
            .is_some_and(|cur| *cur == tc)
        {
            tracing::info!(topic = %tc.topic_name, "topicConfig has no changes, so idempotent");
            return Ok(RemotingCommand::success());
        }
        let stored = match c.topic_config_manager.try_update_topic_config(tc) {
            Ok(t) => t,
            Err(e) => return Err(BrokerError::SystemError(e)),
        };
        let version = c.topic_config_manager.data_version();
        c.registrar.register_increment(vec![stored], version).await;
        Ok(RemotingCommand::success())
    }

    async fn update_and_create_topic_list(
        &self,
        request: &RemotingCommand,
    ) -> Result<RemotingCommand, BrokerError> {
        let body: CreateTopicListRequestBody = decode(&request.body)?;
        let _guard = self.update_lock.lock().await;
        let c = &self.ctx;
        let bc = c.config.load();
        let validate_system = bc.validate_system_topic_when_update_topic;
        for tc in &body.topic_config_list {
            if let Err(remark) = topic_validator::validate_topic(&tc.topic_name) {
                return Err(BrokerError::InvalidParameter(remark));
            }
            if validate_system && Self::is_system_topic(&bc, &tc.topic_name) {
                return Err(BrokerError::InvalidParameter(format!(
                    "The topic[{}] is conflict with system topic.",
                    tc.topic_name
                )));
            }
            if let Some(remark) =
                illegal_queue_nums(&tc.topic_name, tc.read_queue_nums, tc.write_queue_nums)
            {
                return Err(BrokerError::InvalidParameter(remark));
            }
        }
        if let Err(e) = c
            .topic_config_manager
            .update_topic_config_list(body.topic_config_list.clone())
        {
            return Err(BrokerError::SystemError(e));
        }
        c.registrar.register_broker_all(false, false, true).await;
        Ok(RemotingCommand::success())
    }

    fn is_system_topic(bc: &BrokerConfig, topic: &str) -> bool {
        topic_validator::is_system_topic(topic)
            || topic == bc.broker_cluster_name
            || topic == bc.broker_name
            || topic == bc.msg_trace_topic_name
            || topic == rmq_common::mix_all::get_reply_topic(&bc.broker_cluster_name)
    }

    async fn delete_topic(
        &self,
        channel: &Channel,
        request: &RemotingCommand,
    ) -> Result<RemotingCommand, BrokerError> {
        let header: DeleteTopicRequestHeader = request.decode_header()?;
        let _guard = self.update_lock.lock().await;
        tracing::info!(topic = %header.topic, caller = %channel.remote_addr(), "AdminBrokerProcessor#deleteTopic: broker receive request to delete topic");
        if header.topic.trim().is_empty() {
            return Err(BrokerError::InvalidParameter(
                "The specified topic is blank.".into(),
            ));
        }
        let c = &self.ctx;
        let bc = c.config.load();
        if bc.validate_system_topic_when_update_topic && Self::is_system_topic(&bc, &header.topic) {
            return Err(BrokerError::InvalidParameter(format!(
                "The topic[{}] is conflict with system topic.",
                header.topic
            )));
        }
        c.topic_config_manager.delete_topic_config(&header.topic);
        c.consumer_offset_manager
            .clean_offset_by_topic(&header.topic);
        c.message_store
            .delete_topics(std::slice::from_ref(&header.topic));
        Ok(RemotingCommand::success())
    }

    fn get_all_topic_config(&self) -> RemotingCommand {
        let c = &self.ctx;
        let mut wrapper: TopicConfigSerializeWrapper = c
            .topic_config_manager
            .build_topic_config_serialize_wrapper();
        wrapper.mapping_data_version = rmq_common::DataVersion::new();
        RemotingCommand::success().with_body(encode(&wrapper))
    }

    fn get_topic_config(&self, request: &RemotingCommand) -> Result<RemotingCommand, BrokerError> {
        let header: GetTopicConfigRequestHeader = request.decode_header()?;
        match self
            .ctx
            .topic_config_manager
            .select_topic_config(&header.topic)
        {
            // Java `TopicConfigAndQueueMapping`: the TopicConfig fields plus a null mapping.
            Some(tc) => Ok(RemotingCommand::success().with_body(encode(&*tc))),
            None => Err(BrokerError::TopicNotExist(format!(
                "No topic in this broker. topic: {}",
                header.topic
            ))),
        }
    }

    fn get_topic_stats_info(
        &self,
        request: &RemotingCommand,
    ) -> Result<RemotingCommand, BrokerError> {
        let header: GetTopicStatsInfoRequestHeader = request.decode_header()?;
        let c = &self.ctx;
        let Some(tc) = c.topic_config_manager.select_topic_config(&header.topic) else {
            return Err(BrokerError::TopicNotExist(format!(
                "topic[{}] not exist",
                header.topic
            )));
        };
        let broker_name = c.config.load().broker_name.clone();
        let store = &c.message_store;
        let queues = tc.write_queue_nums.max(tc.read_queue_nums);
        let subject = format!("topic[{}]", header.topic);
        let mut budget = AnswerBudget::frame();
        let smallest = AnswerBudget::entry_len(
            &rmq_common::MessageQueue::new(header.topic.clone(), broker_name.clone(), 0),
            &TopicOffset::default(),
        );
        if !budget.can_fit(queues.max(0) as usize, smallest) {
            return Ok(answer_budget::too_large(
                &subject,
                &format!("{queues} queues"),
            ));
        }
        let mut table = TopicStatsTable::default();
        for i in 0..queues {
            let min = store.get_min_offset_in_queue(&header.topic, i).max(0);
            let max = store.get_max_offset_in_queue(&header.topic, i).max(0);
            let ts = if max > 0 {
                store.get_message_store_timestamp(&header.topic, i, max - 1)
            } else {
                0
            };
            let mq = rmq_common::MessageQueue::new(header.topic.clone(), broker_name.clone(), i);
            let offset = TopicOffset {
                min_offset: min,
                max_offset: max,
                last_update_timestamp: ts,
            };
            if !budget.take_entry(&mq, &offset) {
                return Ok(answer_budget::too_large(
                    &subject,
                    &format!("{queues} queues"),
                ));
            }
            table.offset_table.insert(mq, offset);
        }
        Ok(RemotingCommand::success().with_body(encode(&table)))
    }

    /// QUERY_CONSUME_QUEUE (`mqadmin queryCq`): the units of one queue from `index`. rmq's
    /// store has no consume-queue extension, so each unit is rebuilt from its message: offset,
    /// size and tags code (the delivery time in `SCHEDULE_TOPIC_XXXX`).
    fn query_consume_queue(
        &self,
        request: &RemotingCommand,
    ) -> Result<RemotingCommand, BrokerError> {
        let h: QueryConsumeQueueRequestHeader = request.decode_header()?;
        let c = &self.ctx;
        let topic = h.topic.unwrap_or_default();
        let queue_id = h.queue_id.unwrap_or(0);
        let index = h.index.unwrap_or(0);
        let count = i64::from(h.count.unwrap_or(0));
        let store = &c.message_store;
        let max = store.get_max_offset_in_queue(&topic, queue_id);
        let min = store.get_min_offset_in_queue(&topic, queue_id);
        if max <= 0 {
            return Err(BrokerError::SystemError(format!(
                "{queue_id}@{topic} is not exist!"
            )));
        }
        let mut body = QueryConsumeQueueResponseBody {
            max_queue_index: max,
            min_queue_index: min,
            ..Default::default()
        };
        if let Some(group) = h.consumer_group {
            match c.consumer_manager.find_subscription_data(&group, &topic) {
                Some(sub) => {
                    body.subscription_data = Some((*sub).clone());
                    // Java prints the (absent for tag subscriptions) ConsumerFilterData.
                    body.filter_data = Some("null".into());
                }
                None => body.filter_data = Some(format!("{group}@{topic} is not online!")),
            }
        }
        if index < min || index >= max {
            return Ok(RemotingCommand::success()
                .with_remark(format!("Index {index} of {queue_id}@{topic} is not exist!")));
        }
        let mut units = Vec::new();
        let mut budget = AnswerBudget::frame();
        let end = max.min(index.saturating_add(count.max(0)));
        for offset in index..end {
            let pos = store.get_commit_log_offset_in_queue(&topic, queue_id, offset);
            let Some(msg) = store.look_message_by_offset(pos) else {
                break;
            };
            let mut tags_code = rmq_common::java_hash::tags_string_to_tags_code(msg.tags());
            if topic == rmq_common::mix_all::RMQ_SYS_SCHEDULE_TOPIC {
                let level = msg
                    .property(rmq_common::message::message_const::PROPERTY_DELAY_TIME_LEVEL)
                    .and_then(|l| l.parse::<i32>().ok())
                    .unwrap_or(0);
                let schedule = &c.schedule_message_service;
                let level = level.min(schedule.max_delay_level());
                if let Some(delay) = schedule.delay_millis(level) {
                    tags_code = msg.store_timestamp + delay;
                }
            }
            let unit = QueryConsumeQueueData {
                physic_offset: pos,
                physic_size: msg.store_size,
                tags_code,
                ..Default::default()
            };
            if !budget.take(encode(&unit).len() + 1) {
                let subject = format!("{queue_id}@{topic} from index {index}");
                let units = format!("{} units", end - index);
                return Ok(answer_budget::too_large(&subject, &units));
            }
            units.push(unit);
        }
        body.queue_data = Some(units);
        Ok(RemotingCommand::success().with_body(encode(&body)))
    }

    /// VIEW_BROKER_STATS_DATA (`mqadmin statsAll`): one counter over the last minute, hour
    /// and day.
    fn view_broker_stats_data(
        &self,
        request: &RemotingCommand,
    ) -> Result<RemotingCommand, BrokerError> {
        let h: ViewBrokerStatsDataRequestHeader = request.decode_header()?;
        let Some(item) = self
            .ctx
            .broker_stats_manager
            .get_stats_item(&h.stats_name, &h.stats_key)
        else {
            return Err(BrokerError::SystemError(format!(
                "The stats <{}> <{}> not exist",
                h.stats_name, h.stats_key
            )));
        };
        let to_item = |s: StatsSnapshot| BrokerStatsItem {
            sum: s.sum,
            tps: s.tps,
            avgpt: s.avgpt,
        };
        let body = BrokerStatsData {
            stats_minute: to_item(item.stats_data_in_minute()),
            stats_hour: to_item(item.stats_data_in_hour()),
            stats_day: to_item(item.stats_data_in_day()),
        };
        Ok(RemotingCommand::success().with_body(encode(&body)))
    }

    fn get_broker_config(&self) -> RemotingCommand {
        let configuration = &self.ctx.configuration;
        let mut all = configuration.all_configs();
        // With `listenPort=0` show the port actually bound.
        all.insert(
            "listenPort".into(),
            self.ctx.address.listen_port().to_string(),
        );
        let content = rmq_common::properties::to_string(&all);
        let version = configuration.data_version_json();
        RemotingCommand::response_with_header(
            ResponseCode::SUCCESS,
            &GetBrokerConfigResponseHeader { version },
        )
        .with_body(content.into_bytes())
    }

    async fn update_broker_config(
        &self,
        channel: &Channel,
        request: &RemotingCommand,
    ) -> RemotingCommand {
        let _guard = self.update_lock.lock().await;
        tracing::info!(caller = %channel.remote_addr(), "Broker receive request to update config");
        if request.body.is_empty() {
            return RemotingCommand::success();
        }
        // Java parses the body with `Properties.load`, i.e. ISO-8859-1.
        let text: String = request.body.iter().map(|b| *b as char).collect();
        let props = rmq_common::properties::parse(&text);
        let c = &self.ctx;
        let black_list = c.config.load().config_black_list.clone();
        if props
            .keys()
            .any(|k| black_list.split(';').any(|b| b.trim() == k))
        {
            return BrokerError::NoPermission("Can not update config in black list.".into())
                .into_response();
        }
        tracing::info!(?props, caller = %channel.remote_addr(), "updateBrokerConfig, new config");
        let text = c.configuration.update(&props);
        // Requests from now on read the new values.
        c.config.publish();
        let configuration = c.configuration.clone();
        let _ = tokio::task::spawn_blocking(move || configuration.persist(&text)).await;
        if props.contains_key("brokerPermission") {
            c.topic_config_manager.next_data_version();
            c.registrar.register_broker_all(false, false, true).await;
        }
        RemotingCommand::success()
    }

    fn get_broker_runtime_info(&self) -> RemotingCommand {
        let c = &self.ctx;
        let bc = c.config.load();
        let mut info: BTreeMap<String, String> =
            c.message_store.get_runtime_info().into_iter().collect();
        info.extend(c.schedule_message_service.build_running_stats());
        let entries = self
            .runtime_stats_entries()
            .into_iter()
            .chain(self.runtime_store_entries(&bc))
            .chain(self.runtime_queue_entries(&bc));
        info.extend(entries);
        let body = KVTable { table: info };
        RemotingCommand::success().with_body(encode(&body))
    }

    /// Version, activity and the daily put/get totals of the runtime info.
    fn runtime_stats_entries(&self) -> Vec<(String, String)> {
        let c = &self.ctx;
        let stats = &c.broker_stats;
        let put_now = stats.msg_put_total_today_now().to_string();
        let get_now = stats.msg_get_total_today_now().to_string();
        // Java `isSpecialServiceRunning`: the schedule and transaction-check services, which
        // run on a master only (rmq has no transaction-check service; it would follow the
        // schedule service).
        let active = c.schedule_message_service.is_started();
        [
            ("brokerActive", active.to_string()),
            (
                "brokerVersionDesc",
                mq_version::get_version_desc(mq_version::CURRENT_VERSION).into(),
            ),
            ("brokerVersion", mq_version::CURRENT_VERSION.to_string()),
            (
                "msgPutTotalYesterdayMorning",
                stats.msg_put_total_yesterday_morning().to_string(),
            ),
            (
                "msgPutTotalTodayMorning",
                stats.msg_put_total_today_morning().to_string(),
            ),
            ("msgPutTotalTodayNow", put_now),
            (
                "msgGetTotalYesterdayMorning",
                stats.msg_get_total_yesterday_morning().to_string(),
            ),
            (
                "msgGetTotalTodayMorning",
                stats.msg_get_total_today_morning().to_string(),
            ),
            ("msgGetTotalTodayNow", get_now),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
    }

    /// The store's lag figures and the features rmq answers as Java does without them.
    fn runtime_store_entries(&self, bc: &BrokerConfig) -> Vec<(String, String)> {
        let store = &self.ctx.message_store;
        let mut out: Vec<(&str, String)> = vec![
            (
                "dispatchBehindBytes",
                store.dispatch_behind_bytes().to_string(),
            ),
            (
                "pageCacheLockTimeMills",
                store.lock_time_mills().to_string(),
            ),
            (
                "earliestMessageTimeStamp",
                store.get_earliest_message_time_of_store().to_string(),
            ),
            (
                "startAcceptSendRequestTimeStamp",
                bc.start_accept_send_request_time_stamp.to_string(),
            ),
        ];
        // Java's values without a timer wheel are 0 and 0.0 (floats as Java prints them).
        let timer = self.ctx.timer_message_store.as_ref();
        let timer_value = |f: fn(&rmq_store::timer::TimerMessageStore) -> i64| {
            timer.map_or(0, |t| f(t)).to_string()
        };
        out.push(("timerReadBehind", timer_value(|t| t.dequeue_behind())));
        out.push((
            "timerOffsetBehind",
            timer_value(|t| t.enqueue_behind_messages()),
        ));
        out.push(("timerCongestNum", timer_value(|t| t.all_congest_num())));
        let tps = |f: fn(&rmq_store::timer::TimerMessageStore) -> f32| {
            format!("{:?}", timer.map_or(0.0, |t| f(t)))
        };
        out.push(("timerEnqueueTps", tps(|t| t.enqueue_tps())));
        out.push(("timerDequeueTps", tps(|t| t.dequeue_tps())));
        // rmq has no TransientStorePool; Java answers Integer.MAX_VALUE without one and then
        // omits `remainHowManyDataToCommit`.
        out.push(("remainTransientStoreBufferNumbs", i32::MAX.to_string()));
        out.push((
            "remainHowManyDataToFlush",
            rmq_store::human_readable_byte_count(store.flush_behind_bytes()),
        ));
        out.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
    }

    /// The request queues: sends wait for a slot as in Java's send pool; every other kind of
    /// request runs on its own task as it arrives, so nothing queues for them.
    fn runtime_queue_entries(&self, bc: &BrokerConfig) -> Vec<(String, String)> {
        let now = rmq_common::util_all::current_millis();
        let send_queue = &self.ctx.send_thread_pool_queue;
        let queues = [
            (
                "send",
                send_queue.size(),
                bc.send_thread_pool_queue_capacity,
                send_queue.head_slow_time_millis(now),
            ),
            ("pull", 0, bc.pull_thread_pool_queue_capacity, 0),
            ("litePull", 0, bc.lite_pull_thread_pool_queue_capacity, 0),
            ("query", 0, bc.query_thread_pool_queue_capacity, 0),
            ("ack", 0, bc.ack_thread_pool_queue_capacity, 0),
        ];
        let mut out = Vec::new();
        for (name, size, capacity, head_wait) in queues {
            out.push((format!("{name}ThreadPoolQueueSize"), size.to_string()));
            out.push((
                format!("{name}ThreadPoolQueueCapacity"),
                capacity.to_string(),
            ));
            out.push((
                format!("{name}ThreadPoolQueueHeadWaitTimeMills"),
                head_wait.to_string(),
            ));
        }
        out.push(("EndTransactionQueueSize".into(), "0".into()));
        out.push((
            "EndTransactionThreadPoolQueueCapacity".into(),
            bc.end_transaction_pool_queue_capacity.to_string(),
        ));
        out
    }

    /// GET_BROKER_HA_STATUS: the store's HA figures as JSON (Java `getBrokerHaStatus`).
    fn get_broker_ha_status(&self) -> Result<RemotingCommand, BrokerError> {
        match self.ctx.message_store.ha_runtime_info() {
            Some(info) => Ok(RemotingCommand::success().with_body(encode_without_nulls(&info))),
            None => Err(BrokerError::SystemError(
                "Can not get HARuntimeInfo, may be duplicationEnable is true".into(),
            )),
        }
    }

    fn search_offset_by_timestamp(
        &self,
        request: &RemotingCommand,
    ) -> Result<RemotingCommand, BrokerError> {
        let header: SearchOffsetRequestHeader = request.decode_header()?;
        let boundary = match header.boundary_type.as_deref() {
            Some(b) if b.eq_ignore_ascii_case("upper") => BoundaryType::Upper,
            _ => BoundaryType::Lower,
        };
        let offset = self.ctx.message_store.get_offset_in_queue_by_time(
            &header.topic,
            header.queue_id,
            header.timestamp,
            boundary,
        );
        Ok(RemotingCommand::response_with_header(
            ResponseCode::SUCCESS,
            &SearchOffsetResponseHeader { offset },
        ))
    }

    fn get_max_offset(&self, request: &RemotingCommand) -> Result<RemotingCommand, BrokerError> {
        let header: GetMaxOffsetRequestHeader = request.decode_header()?;
        let offset = self
            .ctx
            .message_store
            .get_max_offset_in_queue(&header.topic, header.queue_id);
        Ok(RemotingCommand::response_with_header(
            ResponseCode::SUCCESS,
            &GetMaxOffsetResponseHeader { offset },
        ))
    }

    fn get_min_offset(&self, request: &RemotingCommand) -> Result<RemotingCommand, BrokerError> {
        let header: GetMinOffsetRequestHeader = request.decode_header()?;
        let offset = self
            .ctx
            .message_store
            .get_min_offset_in_queue(&header.topic, header.queue_id);
        Ok(RemotingCommand::response_with_header(
            ResponseCode::SUCCESS,
            &GetMinOffsetResponseHeader { offset },
        ))
    }

    fn get_earliest_msg_storetime(
        &self,
        request: &RemotingCommand,
    ) -> Result<RemotingCommand, BrokerError> {
        let header: GetEarliestMsgStoretimeRequestHeader = request.decode_header()?;
        let timestamp = self
            .ctx
            .message_store
            .get_earliest_message_time(&header.topic, header.queue_id);
        Ok(RemotingCommand::response_with_header(
            ResponseCode::SUCCESS,
            &GetEarliestMsgStoretimeResponseHeader { timestamp },
        ))
    }

    fn lock_batch_mq(&self, request: &RemotingCommand) -> Result<RemotingCommand, BrokerError> {
        let body: LockBatchRequestBody = decode(&request.body)?;
        let locked = self.ctx.rebalance_lock_manager.try_lock_batch(
            &body.consumer_group,
            &body.mq_set,
            &body.client_id,
        );
        let response = LockBatchResponseBody {
            lock_ok_mq_set: locked,
        };
        Ok(RemotingCommand::success().with_body(encode(&response)))
    }

    fn unlock_batch_mq(&self, request: &RemotingCommand) -> Result<RemotingCommand, BrokerError> {
        let body: UnlockBatchRequestBody = decode(&request.body)?;
        self.ctx.rebalance_lock_manager.unlock_batch(
            &body.consumer_group,
            &body.mq_set,
            &body.client_id,
        );
        Ok(RemotingCommand::success())
    }

    fn get_system_topic_list_from_broker(&self) -> RemotingCommand {
        let c = &self.ctx;
        let bc = c.config.load();
        let topics: BTreeSet<String> = c
            .topic_config_manager
            .topic_names()
            .into_iter()
            .filter(|t| Self::is_system_topic(&bc, t))
            .collect();
        let body = TopicList {
            topic_list: topics,
            broker_addr: None,
        };
        RemotingCommand::success().with_body(encode(&body))
    }

    fn clean_unused_topic(&self) -> RemotingCommand {
        let c = &self.ctx;
        let keep = c.topic_config_manager.topic_names().into_iter().collect();
        c.message_store.clean_unused_topic(&keep);
        RemotingCommand::success()
    }
}

#[async_trait]
impl RequestProcessor for AdminBrokerProcessor {
    async fn process_request(
        &self,
        channel: &Channel,
        request: RemotingCommand,
    ) -> Result<Option<RemotingCommand>, RemotingError> {
        answer(self.dispatch(channel, &request).await)
    }
}

impl AdminBrokerProcessor {
    /// Serves one admin code; unknown codes get REQUEST_CODE_NOT_SUPPORTED.
    async fn dispatch(
        &self,
        channel: &Channel,
        request: &RemotingCommand,
    ) -> Result<RemotingCommand, BrokerError> {
        let r = match request.request_code() {
            RequestCode::UPDATE_AND_CREATE_TOPIC => {
                self.update_and_create_topic(channel, request).await?
            }
            RequestCode::UPDATE_AND_CREATE_TOPIC_LIST => {
                self.update_and_create_topic_list(request).await?
            }
            RequestCode::DELETE_TOPIC_IN_BROKER => self.delete_topic(channel, request).await?,
            RequestCode::GET_ALL_TOPIC_CONFIG => self.get_all_topic_config(),
            RequestCode::GET_TOPIC_CONFIG => self.get_topic_config(request)?,
            RequestCode::GET_TOPIC_STATS_INFO => self.get_topic_stats_info(request)?,
            RequestCode::UPDATE_BROKER_CONFIG => self.update_broker_config(channel, request).await,
            RequestCode::GET_BROKER_CONFIG => self.get_broker_config(),
            RequestCode::GET_BROKER_RUNTIME_INFO => self.get_broker_runtime_info(),
            RequestCode::SEARCH_OFFSET_BY_TIMESTAMP => self.search_offset_by_timestamp(request)?,
            RequestCode::GET_MAX_OFFSET => self.get_max_offset(request)?,
            RequestCode::GET_MIN_OFFSET => self.get_min_offset(request)?,
            RequestCode::GET_EARLIEST_MSG_STORETIME => self.get_earliest_msg_storetime(request)?,
            RequestCode::LOCK_BATCH_MQ => self.lock_batch_mq(request)?,
            RequestCode::UNLOCK_BATCH_MQ => self.unlock_batch_mq(request)?,
            RequestCode::GET_SYSTEM_TOPIC_LIST_FROM_BROKER => {
                self.get_system_topic_list_from_broker()
            }
            RequestCode::CLEAN_EXPIRED_CONSUMEQUEUE => RemotingCommand::success(),
            RequestCode::DELETE_EXPIRED_COMMITLOG => RemotingCommand::success(),
            RequestCode::CLEAN_UNUSED_TOPIC => self.clean_unused_topic(),
            RequestCode::QUERY_CONSUME_QUEUE => self.query_consume_queue(request)?,
            RequestCode::VIEW_BROKER_STATS_DATA => self.view_broker_stats_data(request)?,
            RequestCode::GET_BROKER_HA_STATUS => self.get_broker_ha_status()?,
            RequestCode::GET_ALL_MESSAGE_REQUEST_MODE => get_all_message_request_mode(),
            // Java with timerWheelEnable=false has neither a timer checkpoint nor a timer
            // store and answers so.
            RequestCode::GET_TIMER_CHECK_POINT => match &self.ctx.timer_message_store {
                Some(t) => {
                    let mut r = RemotingCommand::success();
                    r.body = t.encode_checkpoint().into();
                    r
                }
                None => {
                    RemotingCommand::error(ResponseCode::SYSTEM_ERROR, "The checkpoint is null")
                }
            },
            RequestCode::GET_TIMER_METRICS => match &self.ctx.timer_message_store {
                Some(t) => {
                    let mut r = RemotingCommand::success();
                    r.body = timer_metrics_json(t).into_bytes().into();
                    r
                }
                None => RemotingCommand::error(
                    ResponseCode::SYSTEM_ERROR,
                    "The timer message store is null",
                ),
            },
            _ => match self.process_consumer_admin(channel, request).await? {
                Some(r) => r,
                None => match self.process_controller_admin(request).await? {
                    Some(r) => r,
                    None => unknown_code(request),
                },
            },
        };
        Ok(r)
    }
}

/// The GET_TIMER_METRICS body (Java `TimerMetrics.encode`): `{"dataVersion":…,
/// "timingCount":{"<topic>":{"count":N,"timeStamp":ms}}}`. rmq keeps the counts in memory
/// only, so `timeStamp` is the time of the answer.
fn timer_metrics_json(t: &rmq_store::timer::TimerMessageStore) -> String {
    let now = rmq_common::util_all::current_millis();
    let timing: serde_json::Map<String, serde_json::Value> = t
        .timing_counts()
        .into_iter()
        .map(|(topic, n)| (topic, serde_json::json!({"count": n, "timeStamp": now})))
        .collect();
    serde_json::json!({
        "dataVersion": rmq_common::DataVersion::default(),
        "timingCount": timing,
    })
    .to_string()
}
