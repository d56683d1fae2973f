#![allow(clippy::unwrap_used)]
//! SEND_REPLY_MESSAGE_V2: the reply is pushed to the requesting producer with
//! PUSH_REPLY_MESSAGE_TO_CLIENT and stored in `<cluster>_REPLY_TOPIC`.

mod common;

use bytes::Bytes;
use common::*;
use rmq_common::message::message_decoder::string_to_message_properties;
use rmq_remoting::netty::processor::RequestDispatcher;
use rmq_remoting::protocol::header::broker::{
    ReplyMessageRequestHeader, SendMessageResponseHeader,
};
use rmq_remoting::{
    Channel, RemotingClient, RemotingCommand, RemotingError, RequestCode, RequestProcessor,
    ResponseCode,
};
use rmq_store::MessageStore;
use std::sync::Arc;
use std::time::Duration;

/// Records pushed replies and answers SUCCESS.
struct ReplyRecorder(tokio::sync::mpsc::UnboundedSender<(ReplyMessageRequestHeader, Bytes)>);

#[async_trait::async_trait]
impl RequestProcessor for ReplyRecorder {
    async fn process_request(
        &self,
        _channel: &Channel,
        request: RemotingCommand,
    ) -> Result<Option<RemotingCommand>, RemotingError> {
        let h: ReplyMessageRequestHeader = request.decode_header()?;
        let _ = self.0.send((h, request.body.clone()));
        Ok(Some(RemotingCommand::success()))
    }
}

const REPLY_TOPIC: &str = "DefaultCluster_REPLY_TOPIC";

fn reply_request(to: &str, body: &[u8]) -> RemotingCommand {
    let mut r = send_request(
        REPLY_TOPIC,
        0,
        &[
            ("REPLY_TO_CLIENT", to),
            ("CORRELATION_ID", "corr-1"),
            ("MSG_TYPE", "reply"),
        ],
        body,
    );
    r.code = RequestCode::SEND_REPLY_MESSAGE_V2.0;
    r
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reply_is_pushed_to_the_requester_and_stored() {
    let dir = tempfile::tempdir().unwrap();
    let broker = start_broker(dir.path()).await;
    let addr = broker.local_addr().to_string();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut d = RequestDispatcher::new();
    d.register_processor(
        RequestCode::PUSH_REPLY_MESSAGE_TO_CLIENT,
        Arc::new(ReplyRecorder(tx)),
    );
    let requester = RemotingClient::new(Default::default(), Arc::new(d));
    // The heartbeat registers the requester's producer as client "127.0.0.1@rq".
    heartbeat(&requester, &addr, "rq", "RqT", "*").await;

    let replier = client();
    let r = replier
        .invoke(
            &addr,
            reply_request("127.0.0.1@rq", "réponse".as_bytes()),
            5000,
        )
        .await
        .unwrap();
    assert_eq!(r.code, 0, "{:?}", r.remark);
    let h: SendMessageResponseHeader = r.decode_header().unwrap();
    assert_eq!(h.queue_id, 0);
    assert_ne!(h.msg_id, "0", "stored: the id is the stored message's");
    let (pushed, body) = tokio::time::timeout(Duration::from_secs(5), rx.recv())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(&body[..], "réponse".as_bytes());
    assert_eq!(pushed.topic, REPLY_TOPIC);
    let props = string_to_message_properties(pushed.properties.as_deref().unwrap());
    assert_eq!(props["CORRELATION_ID"], "corr-1");
    assert!(props.contains_key("PUSH_REPLY_TIME"));
    wait_dispatched(&broker, REPLY_TOPIC, 0, 1).await;

    // Nobody to push to: SYSTEM_ERROR with Java's remark, the reply is still stored.
    let r = replier
        .invoke(&addr, reply_request("127.0.0.1@gone", b"x"), 5000)
        .await
        .unwrap();
    assert_eq!(r.code, ResponseCode::SYSTEM_ERROR.0);
    assert_eq!(
        r.remark.as_deref(),
        Some("push reply message fail, channel of <127.0.0.1@gone> not found.")
    );
    wait_dispatched(&broker, REPLY_TOPIC, 0, 2).await;
    assert_eq!(
        broker
            .controller()
            .message_store()
            .get_max_offset_in_queue(REPLY_TOPIC, 0),
        2
    );
    broker.shutdown().await;
}
