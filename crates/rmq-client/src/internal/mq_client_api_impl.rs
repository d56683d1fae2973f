//! `MQClientAPIImpl`: one method per request the client sends to name servers and brokers,
//! mapping answers to typed results and error codes to [`ClientError`] (Java
//! `impl/MQClientAPIImpl`).

use crate::consumer::pull_result::{PullResult, PullStatus};
use crate::error::ClientError;
use crate::producer::send_result::{SendResult, SendStatus};
use rmq_common::message::message_decoder::{self, DecodeOptions};
use rmq_common::{Message, MessageExt, MessageQueue};
use rmq_remoting::acl::SessionCredentials;
use rmq_remoting::protocol::body::heartbeat::GetConsumerListByGroupResponseBody;
use rmq_remoting::protocol::body::heartbeat::HeartbeatData;
use rmq_remoting::protocol::body::lock::{
    LockBatchRequestBody, LockBatchResponseBody, UnlockBatchRequestBody,
};
use rmq_remoting::protocol::body::route::{ClusterInfo, TopicList, TopicRouteData};
use rmq_remoting::protocol::body::{decode, encode};
use rmq_remoting::protocol::header::broker::*;
use rmq_remoting::protocol::header::namesrv::GetRouteInfoRequestHeader;
use rmq_remoting::protocol::header::CommandCustomHeader;
use rmq_remoting::protocol::header::EmptyHeader;
use rmq_remoting::{RemotingClient, RemotingCommand, RequestCode, ResponseCode};
use serde::de::DeserializeOwned;
use std::collections::BTreeSet;
use std::sync::Arc;

/// The RPC layer of a client instance.
#[derive(Clone)]
pub struct MQClientAPIImpl {
    remoting: RemotingClient,
    /// Signs every request just before it is sent (Java: an `AclClientRPCHook` registered
    /// on the client's `NettyRemotingClient`).
    credentials: Option<Arc<SessionCredentials>>,
}

/// Returns `resp` when it is SUCCESS, else an `MQBrokerException` naming `addr`.
pub fn expect_success(resp: RemotingCommand, addr: &str) -> Result<RemotingCommand, ClientError> {
    if resp.code == ResponseCode::SUCCESS.0 {
        Ok(resp)
    } else {
        Err(ClientError::broker(resp.code, resp.remark.as_deref(), addr))
    }
}

/// Returns `resp` when it is SUCCESS, else an `MQClientException` with its code and remark.
pub fn expect_success_as_client(resp: RemotingCommand) -> Result<RemotingCommand, ClientError> {
    if resp.code == ResponseCode::SUCCESS.0 {
        Ok(resp)
    } else {
        Err(ClientError::client(
            resp.code,
            resp.remark.unwrap_or_default(),
        ))
    }
}

impl MQClientAPIImpl {
    /// Wraps a remoting client.
    pub fn new(remoting: RemotingClient) -> Self {
        MQClientAPIImpl {
            remoting,
            credentials: None,
        }
    }

    /// Wraps a remoting client; every request is signed with `credentials` when set (Java
    /// `new MQClientAPIImpl(..., rpcHook, ...)` with an `AclClientRPCHook`).
    pub fn with_credentials(
        remoting: RemotingClient,
        credentials: Option<SessionCredentials>,
    ) -> Self {
        MQClientAPIImpl {
            remoting,
            credentials: credentials.map(Arc::new),
        }
    }

    /// The credentials requests are signed with, if any.
    pub fn credentials(&self) -> Option<&SessionCredentials> {
        self.credentials.as_deref()
    }

    /// Signs `request` when credentials are set (Java `RPCHook.doBeforeRequest`: the header
    /// fields are already in the ext fields, so they are covered).
    pub fn before_request(&self, mut request: RemotingCommand) -> RemotingCommand {
        if let Some(c) = &self.credentials {
            c.sign(&mut request);
        }
        request
    }

    /// Sends `request` to `addr` (signed) and returns the answer unchecked.
    pub async fn invoke_raw(
        &self,
        addr: &str,
        request: RemotingCommand,
        timeout_millis: u64,
    ) -> Result<RemotingCommand, ClientError> {
        let request = self.before_request(request);
        Ok(self.remoting.invoke(addr, request, timeout_millis).await?)
    }

    /// Sends `request` to `addr` (signed) marked oneway.
    pub async fn invoke_oneway_raw(
        &self,
        addr: &str,
        request: RemotingCommand,
        timeout_millis: u64,
    ) -> Result<(), ClientError> {
        let request = self.before_request(request);
        Ok(self
            .remoting
            .invoke_oneway(addr, request, timeout_millis)
            .await?)
    }

    /// Sends `request` to the name servers (signed) and returns the answer unchecked.
    pub async fn invoke_namesrv_raw(
        &self,
        request: RemotingCommand,
        timeout_millis: u64,
    ) -> Result<RemotingCommand, ClientError> {
        let request = self.before_request(request);
        Ok(self
            .remoting
            .invoke_namesrv(request, timeout_millis)
            .await?)
    }

    /// Returns the transport.
    pub fn remoting(&self) -> &RemotingClient {
        &self.remoting
    }

    /// Sends a request to a broker and checks for SUCCESS.
    pub async fn invoke_broker(
        &self,
        addr: &str,
        request: RemotingCommand,
        timeout_millis: u64,
    ) -> Result<RemotingCommand, ClientError> {
        let resp = self.invoke_raw(addr, request, timeout_millis).await?;
        expect_success(resp, addr)
    }

    /// Sends a request to the name servers and checks for SUCCESS.
    pub async fn invoke_namesrv(
        &self,
        request: RemotingCommand,
        timeout_millis: u64,
    ) -> Result<RemotingCommand, ClientError> {
        let resp = self.invoke_namesrv_raw(request, timeout_millis).await?;
        expect_success_as_client(resp)
    }

    /// Sends a request to one server and checks for SUCCESS; another code comes back as
    /// `MQClientException` with the response's code and remark, as the Java calls that throw
    /// `MQClientException` (name server admin calls, `viewBrokerStatsData`, ...) report it.
    pub async fn invoke_with_client_exception(
        &self,
        addr: &str,
        request: RemotingCommand,
        timeout_millis: u64,
    ) -> Result<RemotingCommand, ClientError> {
        let resp = self.invoke_raw(addr, request, timeout_millis).await?;
        expect_success_as_client(resp)
    }

    /// Sends a request to a broker, checks for SUCCESS and decodes the JSON body.
    pub async fn invoke_broker_body<T: DeserializeOwned>(
        &self,
        addr: &str,
        request: RemotingCommand,
        timeout_millis: u64,
    ) -> Result<T, ClientError> {
        let resp = self.invoke_broker(addr, request, timeout_millis).await?;
        Ok(decode(&resp.body)?)
    }

    /// Sends a request to the name servers, checks for SUCCESS and decodes the JSON body.
    pub async fn invoke_namesrv_body<T: DeserializeOwned>(
        &self,
        request: RemotingCommand,
        timeout_millis: u64,
    ) -> Result<T, ClientError> {
        let resp = self.invoke_namesrv(request, timeout_millis).await?;
        Ok(decode(&resp.body)?)
    }

    /// Sends a request oneway, or awaits the broker's answer and checks for SUCCESS.
    async fn invoke_broker_maybe_oneway(
        &self,
        addr: &str,
        request: RemotingCommand,
        oneway: bool,
        timeout_millis: u64,
    ) -> Result<(), ClientError> {
        if oneway {
            self.invoke_oneway_raw(addr, request, timeout_millis)
                .await?;
        } else {
            self.invoke_broker(addr, request, timeout_millis).await?;
        }
        Ok(())
    }

    /// Sends a request about one queue (with its `bname`) to a broker, checks for SUCCESS and
    /// decodes the response header (GET_MAX_OFFSET, GET_MIN_OFFSET, ...).
    async fn invoke_queue_request<H, R>(
        &self,
        addr: &str,
        code: RequestCode,
        mq: &MessageQueue,
        header: &H,
        timeout_millis: u64,
    ) -> Result<R, ClientError>
    where
        H: CommandCustomHeader,
        R: CommandCustomHeader,
    {
        let req = with_bname(
            RemotingCommand::create_request_command(code, header),
            &mq.broker_name,
        );
        let resp = self.invoke_broker(addr, req, timeout_millis).await?;
        header_of(&resp)
    }

    /// GET_ROUTEINFO_BY_TOPIC; `TOPIC_NOT_EXIST` comes back as `MQClientException` code 17
    /// (`getTopicRouteInfoFromNameServer`).
    pub async fn get_topic_route_info_from_name_server(
        &self,
        topic: &str,
        timeout_millis: u64,
    ) -> Result<TopicRouteData, ClientError> {
        let h = GetRouteInfoRequestHeader {
            topic: topic.to_string(),
            ..Default::default()
        };
        let req = RemotingCommand::create_request_command(RequestCode::GET_ROUTEINFO_BY_TOPIC, &h);
        self.invoke_namesrv_body(req, timeout_millis).await
    }

    /// GET_BROKER_CLUSTER_INFO.
    pub async fn get_broker_cluster_info(
        &self,
        timeout_millis: u64,
    ) -> Result<ClusterInfo, ClientError> {
        let req = RemotingCommand::new_request(RequestCode::GET_BROKER_CLUSTER_INFO);
        self.invoke_namesrv_body(req, timeout_millis).await
    }

    /// GET_ALL_TOPIC_LIST_FROM_NAMESERVER.
    pub async fn get_topic_list_from_name_server(
        &self,
        timeout_millis: u64,
    ) -> Result<TopicList, ClientError> {
        let req = RemotingCommand::new_request(RequestCode::GET_ALL_TOPIC_LIST_FROM_NAMESERVER);
        self.invoke_namesrv_body(req, timeout_millis).await
    }

    /// SEND_MESSAGE_V2 or SEND_BATCH_MESSAGE (`sendMessage`); `None` for oneway sends.
    #[allow(clippy::too_many_arguments)]
    pub async fn send_message(
        &self,
        addr: &str,
        broker_name: &str,
        header: SendMessageRequestHeader,
        body: bytes::Bytes,
        uniq_msg_id: String,
        batch: bool,
        oneway: bool,
        timeout_millis: u64,
    ) -> Result<Option<SendResult>, ClientError> {
        let v2 = SendMessageRequestHeaderV2 {
            producer_group: header.producer_group,
            topic: header.topic.clone(),
            default_topic: header.default_topic,
            default_topic_queue_nums: header.default_topic_queue_nums,
            queue_id: header.queue_id,
            sys_flag: header.sys_flag,
            born_timestamp: header.born_timestamp,
            flag: header.flag,
            properties: header.properties,
            reconsume_times: header.reconsume_times,
            unit_mode: header.unit_mode,
            max_reconsume_times: header.max_reconsume_times,
            batch: header.batch,
            broker_name: header.broker_name,
        };
        let code = if batch {
            RequestCode::SEND_BATCH_MESSAGE
        } else {
            RequestCode::SEND_MESSAGE_V2
        };
        let req = RemotingCommand::create_request_command(code, &v2).with_body(body);
        if oneway {
            self.invoke_oneway_raw(addr, req, timeout_millis).await?;
            return Ok(None);
        }
        let resp = self.invoke_raw(addr, req, timeout_millis).await?;
        let mq_topic = header.topic;
        process_send_response(broker_name, &mq_topic, uniq_msg_id, resp, addr).map(Some)
    }

    /// PULL_MESSAGE (`pullMessage`); the body is decoded, filtering is left to the caller.
    pub async fn pull_message(
        &self,
        addr: &str,
        header: PullMessageRequestHeader,
        timeout_millis: u64,
    ) -> Result<PullResult, ClientError> {
        self.pull_message_with_bname(addr, header, "", timeout_millis)
            .await
    }

    /// PULL_MESSAGE with the RPC header's broker name set.
    pub async fn pull_message_with_bname(
        &self,
        addr: &str,
        header: PullMessageRequestHeader,
        broker_name: &str,
        timeout_millis: u64,
    ) -> Result<PullResult, ClientError> {
        let req = with_bname(
            RemotingCommand::create_request_command(RequestCode::PULL_MESSAGE, &header),
            broker_name,
        );
        let resp = self.invoke_raw(addr, req, timeout_millis).await?;
        let status = match ResponseCode(resp.code) {
            ResponseCode::SUCCESS => PullStatus::Found,
            ResponseCode::PULL_NOT_FOUND => PullStatus::NoNewMsg,
            ResponseCode::PULL_RETRY_IMMEDIATELY => PullStatus::NoMatchedMsg,
            ResponseCode::PULL_OFFSET_MOVED => PullStatus::OffsetIllegal,
            _ => return Err(ClientError::broker(resp.code, resp.remark.as_deref(), addr)),
        };
        let h: PullMessageResponseHeader = header_of(&resp)?;
        let msgs = if status == PullStatus::Found {
            message_decoder::decodes(&resp.body, DecodeOptions::default())?
        } else {
            Vec::new()
        };
        Ok(PullResult {
            pull_status: status,
            next_begin_offset: h.next_begin_offset,
            min_offset: h.min_offset,
            max_offset: h.max_offset,
            msg_found_list: msgs,
            suggest_which_broker_id: h.suggest_which_broker_id.max(0) as u64,
        })
    }

    /// HEART_BEAT; returns the broker's version.
    pub async fn send_heartbeat(
        &self,
        addr: &str,
        heartbeat: &HeartbeatData,
        timeout_millis: u64,
    ) -> Result<i32, ClientError> {
        let req =
            RemotingCommand::new_request(RequestCode::HEART_BEAT).with_body(encode(heartbeat));
        let resp = self.invoke_broker(addr, req, timeout_millis).await?;
        Ok(resp.version)
    }

    /// UNREGISTER_CLIENT.
    pub async fn unregister_client(
        &self,
        addr: &str,
        client_id: &str,
        producer_group: Option<&str>,
        consumer_group: Option<&str>,
        timeout_millis: u64,
    ) -> Result<(), ClientError> {
        let h = UnregisterClientRequestHeader {
            client_id: client_id.to_string(),
            producer_group: producer_group.map(str::to_string),
            consumer_group: consumer_group.map(str::to_string),
        };
        let req = RemotingCommand::create_request_command(RequestCode::UNREGISTER_CLIENT, &h);
        self.invoke_broker(addr, req, timeout_millis).await?;
        Ok(())
    }

    /// GET_CONSUMER_LIST_BY_GROUP.
    pub async fn get_consumer_id_list_by_group(
        &self,
        addr: &str,
        consumer_group: &str,
        timeout_millis: u64,
    ) -> Result<Vec<String>, ClientError> {
        let h = GetConsumerListByGroupRequestHeader {
            consumer_group: consumer_group.to_string(),
        };
        let req =
            RemotingCommand::create_request_command(RequestCode::GET_CONSUMER_LIST_BY_GROUP, &h);
        let body: GetConsumerListByGroupResponseBody =
            self.invoke_broker_body(addr, req, timeout_millis).await?;
        Ok(body.consumer_id_list)
    }

    /// QUERY_CONSUMER_OFFSET; `QUERY_NOT_FOUND` comes back as `MQBrokerException` code 22.
    pub async fn query_consumer_offset(
        &self,
        addr: &str,
        header: QueryConsumerOffsetRequestHeader,
        timeout_millis: u64,
    ) -> Result<i64, ClientError> {
        let req =
            RemotingCommand::create_request_command(RequestCode::QUERY_CONSUMER_OFFSET, &header);
        let resp = self.invoke_broker(addr, req, timeout_millis).await?;
        let h: QueryConsumerOffsetResponseHeader = header_of(&resp)?;
        Ok(h.offset)
    }

    /// UPDATE_CONSUMER_OFFSET, oneway or awaited (`updateConsumerOffset[Oneway]`); a
    /// non-empty `broker_name` goes in the RPC header's `bname`.
    pub async fn update_consumer_offset(
        &self,
        addr: &str,
        header: UpdateConsumerOffsetRequestHeader,
        broker_name: &str,
        oneway: bool,
        timeout_millis: u64,
    ) -> Result<(), ClientError> {
        let req = with_bname(
            RemotingCommand::create_request_command(RequestCode::UPDATE_CONSUMER_OFFSET, &header),
            broker_name,
        );
        self.invoke_broker_maybe_oneway(addr, req, oneway, timeout_millis)
            .await
    }

    /// CONSUMER_SEND_MSG_BACK (`consumerSendMessageBack`).
    pub async fn consumer_send_message_back(
        &self,
        addr: &str,
        msg: &MessageExt,
        consumer_group: &str,
        delay_level: i32,
        max_reconsume_times: i32,
        timeout_millis: u64,
    ) -> Result<(), ClientError> {
        let h = ConsumerSendMsgBackRequestHeader {
            offset: msg.commit_log_offset,
            group: consumer_group.to_string(),
            delay_level,
            origin_msg_id: Some(msg.msg_id.clone()),
            origin_topic: Some(msg.topic().to_string()),
            unit_mode: Some(false),
            max_reconsume_times: Some(max_reconsume_times),
        };
        let req = with_bname(
            RemotingCommand::create_request_command(RequestCode::CONSUMER_SEND_MSG_BACK, &h),
            &msg.broker_name,
        );
        self.invoke_broker(addr, req, timeout_millis).await?;
        Ok(())
    }

    /// LOCK_BATCH_MQ; returns the queues now locked by this client.
    pub async fn lock_batch_mq(
        &self,
        addr: &str,
        body: &LockBatchRequestBody,
        timeout_millis: u64,
    ) -> Result<BTreeSet<MessageQueue>, ClientError> {
        let req = RemotingCommand::new_request(RequestCode::LOCK_BATCH_MQ).with_body(encode(body));
        let r: LockBatchResponseBody = self.invoke_broker_body(addr, req, timeout_millis).await?;
        Ok(r.lock_ok_mq_set)
    }

    /// UNLOCK_BATCH_MQ, oneway or awaited.
    pub async fn unlock_batch_mq(
        &self,
        addr: &str,
        body: &UnlockBatchRequestBody,
        oneway: bool,
        timeout_millis: u64,
    ) -> Result<(), ClientError> {
        let req =
            RemotingCommand::new_request(RequestCode::UNLOCK_BATCH_MQ).with_body(encode(body));
        self.invoke_broker_maybe_oneway(addr, req, oneway, timeout_millis)
            .await
    }

    /// GET_MAX_OFFSET.
    pub async fn get_max_offset(
        &self,
        addr: &str,
        mq: &MessageQueue,
        timeout_millis: u64,
    ) -> Result<i64, ClientError> {
        let h = GetMaxOffsetRequestHeader {
            topic: mq.topic.clone(),
            queue_id: mq.queue_id,
            ..Default::default()
        };
        let r: GetMaxOffsetResponseHeader = self
            .invoke_queue_request(addr, RequestCode::GET_MAX_OFFSET, mq, &h, timeout_millis)
            .await?;
        Ok(r.offset)
    }

    /// GET_MIN_OFFSET.
    pub async fn get_min_offset(
        &self,
        addr: &str,
        mq: &MessageQueue,
        timeout_millis: u64,
    ) -> Result<i64, ClientError> {
        let h = GetMinOffsetRequestHeader {
            topic: mq.topic.clone(),
            queue_id: mq.queue_id,
        };
        let r: GetMinOffsetResponseHeader = self
            .invoke_queue_request(addr, RequestCode::GET_MIN_OFFSET, mq, &h, timeout_millis)
            .await?;
        Ok(r.offset)
    }

    /// SEARCH_OFFSET_BY_TIMESTAMP.
    pub async fn search_offset(
        &self,
        addr: &str,
        mq: &MessageQueue,
        timestamp: i64,
        timeout_millis: u64,
    ) -> Result<i64, ClientError> {
        self.search_offset_with_boundary(addr, mq, timestamp, None, timeout_millis)
            .await
    }

    /// SEARCH_OFFSET_BY_TIMESTAMP with a `boundaryType` (`LOWER` or `UPPER`; the broker's
    /// default when `None`).
    pub async fn search_offset_with_boundary(
        &self,
        addr: &str,
        mq: &MessageQueue,
        timestamp: i64,
        boundary_type: Option<&str>,
        timeout_millis: u64,
    ) -> Result<i64, ClientError> {
        let h = SearchOffsetRequestHeader {
            topic: mq.topic.clone(),
            queue_id: mq.queue_id,
            timestamp,
            boundary_type: boundary_type.map(str::to_string),
        };
        let r: SearchOffsetResponseHeader = self
            .invoke_queue_request(
                addr,
                RequestCode::SEARCH_OFFSET_BY_TIMESTAMP,
                mq,
                &h,
                timeout_millis,
            )
            .await?;
        Ok(r.offset)
    }

    /// GET_EARLIEST_MSG_STORETIME.
    pub async fn get_earliest_msg_storetime(
        &self,
        addr: &str,
        mq: &MessageQueue,
        timeout_millis: u64,
    ) -> Result<i64, ClientError> {
        let h = GetEarliestMsgStoretimeRequestHeader {
            topic: mq.topic.clone(),
            queue_id: mq.queue_id,
        };
        let r: GetEarliestMsgStoretimeResponseHeader = self
            .invoke_queue_request(
                addr,
                RequestCode::GET_EARLIEST_MSG_STORETIME,
                mq,
                &h,
                timeout_millis,
            )
            .await?;
        Ok(r.timestamp)
    }

    /// VIEW_MESSAGE_BY_ID: the message stored at a commit log offset.
    pub async fn view_message(
        &self,
        addr: &str,
        phy_offset: i64,
        timeout_millis: u64,
    ) -> Result<MessageExt, ClientError> {
        let h = ViewMessageRequestHeader {
            offset: phy_offset,
            ..Default::default()
        };
        let req = RemotingCommand::create_request_command(RequestCode::VIEW_MESSAGE_BY_ID, &h);
        let resp = self.invoke_broker(addr, req, timeout_millis).await?;
        let (m, _) = message_decoder::decode(&resp.body, DecodeOptions::default())?;
        Ok(m)
    }

    /// QUERY_MESSAGE by key or unique key; `QUERY_NOT_FOUND` gives an empty list.
    pub async fn query_message(
        &self,
        addr: &str,
        header: QueryMessageRequestHeader,
        uniq_key: bool,
        timeout_millis: u64,
    ) -> Result<Vec<MessageExt>, ClientError> {
        let mut req = RemotingCommand::create_request_command(RequestCode::QUERY_MESSAGE, &header);
        req.add_ext_field("_UNIQUE_KEY_QUERY", if uniq_key { "true" } else { "false" });
        let resp = self.invoke_raw(addr, req, timeout_millis).await?;
        if resp.code == ResponseCode::QUERY_NOT_FOUND.0 {
            return Ok(Vec::new());
        }
        let resp = expect_success(resp, addr)?;
        Ok(message_decoder::decodes(
            &resp.body,
            DecodeOptions::default(),
        )?)
    }

    /// END_TRANSACTION, oneway (`endTransactionOneway`).
    pub async fn end_transaction_oneway(
        &self,
        addr: &str,
        header: EndTransactionRequestHeader,
        remark: &str,
        timeout_millis: u64,
    ) -> Result<(), ClientError> {
        let req = RemotingCommand::create_request_command(RequestCode::END_TRANSACTION, &header)
            .with_remark(remark);
        self.invoke_oneway_raw(addr, req, timeout_millis).await?;
        Ok(())
    }

    /// A request without header to a broker, returning the body.
    pub async fn broker_body_request(
        &self,
        addr: &str,
        code: RequestCode,
        timeout_millis: u64,
    ) -> Result<bytes::Bytes, ClientError> {
        let req = RemotingCommand::create_request_command(code, &EmptyHeader);
        Ok(self.invoke_broker(addr, req, timeout_millis).await?.body)
    }
}

/// Adds the RPC header's broker name (`bname`) that 5.x brokers read.
pub(crate) fn with_bname(mut req: RemotingCommand, broker_name: &str) -> RemotingCommand {
    if !broker_name.is_empty() {
        req.add_ext_field("bname", broker_name);
    }
    req
}

fn header_of<H: CommandCustomHeader>(resp: &RemotingCommand) -> Result<H, ClientError> {
    Ok(resp.decode_header::<H>()?)
}

/// Maps a send response to a [`SendResult`] (`processSendResponse`).
pub(crate) fn process_send_response(
    broker_name: &str,
    topic: &str,
    uniq_msg_id: String,
    resp: RemotingCommand,
    addr: &str,
) -> Result<SendResult, ClientError> {
    let status = match ResponseCode(resp.code) {
        ResponseCode::SUCCESS => SendStatus::SendOk,
        ResponseCode::FLUSH_DISK_TIMEOUT => SendStatus::FlushDiskTimeout,
        ResponseCode::FLUSH_SLAVE_TIMEOUT => SendStatus::FlushSlaveTimeout,
        ResponseCode::SLAVE_NOT_AVAILABLE => SendStatus::SlaveNotAvailable,
        _ => return Err(ClientError::broker(resp.code, resp.remark.as_deref(), addr)),
    };
    let h: SendMessageResponseHeader = header_of(&resp)?;
    let msg_id = match h.batch_uniq_id.as_deref() {
        Some(b) if !b.is_empty() => b.to_string(),
        _ => uniq_msg_id,
    };
    Ok(SendResult {
        send_status: status,
        msg_id,
        message_queue: MessageQueue::new(topic, broker_name, h.queue_id),
        queue_offset: h.queue_offset,
        transaction_id: h.transaction_id,
        offset_msg_id: h.msg_id,
        region_id: resp
            .ext_field(rmq_common::message::message_const::PROPERTY_MSG_REGION)
            .unwrap_or("DefaultRegion")
            .to_string(),
        trace_on: resp
            .ext_field(rmq_common::message::message_const::PROPERTY_TRACE_SWITCH)
            .is_none_or(|v| v != "false"),
    })
}

/// Returns a message's properties string for the send header.
pub(crate) fn properties_string(msg: &Message) -> String {
    message_decoder::message_properties_to_string(&msg.properties)
}
