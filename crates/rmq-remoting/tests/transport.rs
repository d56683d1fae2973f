//! Server and client over real loopback sockets.

#![allow(clippy::unwrap_used)]

use async_trait::async_trait;
use rmq_remoting::netty::processor::RequestDispatcher;
use rmq_remoting::protocol::header::namesrv::GetRouteInfoRequestHeader;
use rmq_remoting::{
    Channel, ChannelEventListener, NettyClientConfig, NettyServerConfig, RemotingClient,
    RemotingCommand, RemotingError, RemotingServer, RequestCode, RequestProcessor, ResponseCode,
    SerializeType,
};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

struct Echo {
    seen: Arc<AtomicUsize>,
}

#[async_trait]
impl RequestProcessor for Echo {
    async fn process_request(
        &self,
        channel: &Channel,
        request: RemotingCommand,
    ) -> Result<Option<RemotingCommand>, RemotingError> {
        self.seen.fetch_add(1, Ordering::SeqCst);
        match request.request_code() {
            RequestCode::GET_ROUTEINFO_BY_TOPIC => {
                let h: GetRouteInfoRequestHeader = request.decode_header()?;
                Ok(Some(
                    RemotingCommand::success().with_body(h.topic.into_bytes()),
                ))
            }
            RequestCode::HEART_BEAT => {
                // Call the client back on the same connection and relay its answer.
                let cb = RemotingCommand::new_request(RequestCode::GET_CONSUMER_RUNNING_INFO);
                let r = channel.invoke(cb, Duration::from_secs(3)).await?;
                Ok(Some(RemotingCommand::success().with_body(r.body)))
            }
            RequestCode::PULL_MESSAGE => panic!("boom"),
            // An answer over the 16 MiB frame limit (a topic with 200,000 queues' stats).
            RequestCode::GET_TOPIC_STATS_INFO => {
                Ok(Some(RemotingCommand::success().with_body(vec![
                    b'x';
                    17 * 1024
                        * 1024
                ])))
            }
            // A pull-like answer: slices of one "mapped file", written without copying.
            RequestCode::QUERY_MESSAGE => Ok(Some(
                RemotingCommand::success().with_body_chunks(mapped_file_slices()),
            )),
            // The same, over the frame limit in all though each slice is under it.
            RequestCode::VIEW_MESSAGE_BY_ID => {
                let half = bytes::Bytes::from(vec![b'y'; 9 * 1024 * 1024]);
                Ok(Some(
                    RemotingCommand::success().with_body_chunks(vec![half.clone(), half]),
                ))
            }
            _ => Ok(Some(RemotingCommand::success())),
        }
    }
}

/// 600 KiB of a "mapped file" in slices of 1 KiB to 200 KiB, some empty.
fn mapped_file_slices() -> Vec<bytes::Bytes> {
    let file = bytes::Bytes::from((0..=250u8).cycle().take(600 * 1024).collect::<Vec<_>>());
    let mut slices = Vec::new();
    let mut at = 0;
    for len in [1024, 0, 200 * 1024, 3, 1024, 0].into_iter().cycle() {
        let end = (at + len).min(file.len());
        slices.push(file.slice(at..end));
        at = end;
        if at == file.len() {
            return slices;
        }
    }
    unreachable!()
}

struct ClientSide;

#[async_trait]
impl RequestProcessor for ClientSide {
    async fn process_request(
        &self,
        _channel: &Channel,
        _request: RemotingCommand,
    ) -> Result<Option<RemotingCommand>, RemotingError> {
        Ok(Some(RemotingCommand::success().with_body(&b"running"[..])))
    }
}

#[derive(Default)]
struct Events {
    connected: AtomicUsize,
    closed: AtomicUsize,
}

impl ChannelEventListener for Events {
    fn on_channel_connect(&self, _a: &str, _c: &Channel) {
        self.connected.fetch_add(1, Ordering::SeqCst);
    }
    fn on_channel_close(&self, _a: &str, _c: &Channel) {
        self.closed.fetch_add(1, Ordering::SeqCst);
    }
}

async fn start(idle_secs: i32) -> (rmq_remoting::ServerHandle, Arc<AtomicUsize>, Arc<Events>) {
    let seen = Arc::new(AtomicUsize::new(0));
    let events = Arc::new(Events::default());
    let mut d = RequestDispatcher::new();
    let p = Arc::new(Echo { seen: seen.clone() });
    for code in [
        RequestCode::GET_ROUTEINFO_BY_TOPIC,
        RequestCode::HEART_BEAT,
        RequestCode::PULL_MESSAGE,
        RequestCode::UPDATE_CONSUMER_OFFSET,
        RequestCode::GET_TOPIC_STATS_INFO,
        RequestCode::QUERY_MESSAGE,
        RequestCode::VIEW_MESSAGE_BY_ID,
    ] {
        d.register_processor(code, p.clone());
    }
    d.set_channel_event_listener(events.clone());
    let cfg = NettyServerConfig {
        bind_address: "127.0.0.1".into(),
        listen_port: 0,
        server_channel_max_idle_time_seconds: idle_secs,
        ..Default::default()
    };
    let h = RemotingServer::bind(&cfg, Arc::new(d)).await.unwrap();
    (h, seen, events)
}

fn client() -> RemotingClient {
    let mut d = RequestDispatcher::new();
    d.register_processor(RequestCode::GET_CONSUMER_RUNNING_INFO, Arc::new(ClientSide));
    RemotingClient::new(NettyClientConfig::default(), Arc::new(d))
}

async fn eventually(mut f: impl FnMut() -> bool) {
    for _ in 0..500 {
        if f() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("condition not reached");
}

#[tokio::test]
async fn request_response_both_serializations_and_reuse() {
    let (h, _, events) = start(120).await;
    let addr = h.local_addr().to_string();
    let c = client();
    for t in [SerializeType::Json, SerializeType::RocketMQ] {
        let mut req = RemotingCommand::create_request_command(
            RequestCode::GET_ROUTEINFO_BY_TOPIC,
            &GetRouteInfoRequestHeader {
                topic: "TopicTest".into(),
                accept_standard_json_only: None,
            },
        );
        req.serialize_type = t;
        let opaque = req.opaque;
        let resp = c.invoke(&addr, req, 3000).await.unwrap();
        assert!(resp.is_response());
        assert_eq!(resp.opaque, opaque);
        assert_eq!(
            resp.serialize_type, t,
            "answers in the request's serialize type"
        );
        assert_eq!(&resp.body[..], b"TopicTest");
    }
    assert_eq!(
        events.connected.load(Ordering::SeqCst),
        1,
        "one reused connection"
    );
    h.shutdown(Duration::from_secs(1)).await;
}

#[tokio::test]
async fn unknown_code_missing_header_and_panics_answer_errors() {
    let (h, _, _) = start(120).await;
    let addr = h.local_addr().to_string();
    let c = client();
    let resp = c
        .invoke(&addr, RemotingCommand::new_request(RequestCode(9999)), 3000)
        .await
        .unwrap();
    assert_eq!(
        resp.response_code(),
        ResponseCode::REQUEST_CODE_NOT_SUPPORTED
    );
    assert_eq!(
        resp.remark.as_deref(),
        Some(" request type 9999 not supported")
    );
    let resp = c
        .invoke(
            &addr,
            RemotingCommand::new_request(RequestCode::GET_ROUTEINFO_BY_TOPIC),
            3000,
        )
        .await
        .unwrap();
    assert_eq!(resp.response_code(), ResponseCode::SYSTEM_ERROR);
    assert!(resp.remark.unwrap().contains("<topic> is null"));
    let resp = c
        .invoke(
            &addr,
            RemotingCommand::new_request(RequestCode::PULL_MESSAGE),
            3000,
        )
        .await
        .unwrap();
    assert_eq!(resp.response_code(), ResponseCode::SYSTEM_ERROR);
    // The server still works.
    let resp = c
        .invoke(
            &addr,
            RemotingCommand::new_request(RequestCode::UPDATE_CONSUMER_OFFSET),
            3000,
        )
        .await
        .unwrap();
    assert_eq!(resp.response_code(), ResponseCode::SUCCESS);
    h.shutdown(Duration::from_secs(1)).await;
}

#[tokio::test]
async fn response_over_the_frame_limit_is_answered_with_system_error() {
    let (h, _, events) = start(120).await;
    let addr = h.local_addr().to_string();
    let c = client();
    for t in [SerializeType::Json, SerializeType::RocketMQ] {
        let mut req = RemotingCommand::new_request(RequestCode::GET_TOPIC_STATS_INFO);
        req.serialize_type = t;
        let opaque = req.opaque;
        // Before the fix the answer was dropped and this waited for the timeout.
        let resp = c.invoke(&addr, req, 30_000).await.unwrap();
        assert_eq!(resp.opaque, opaque);
        assert_eq!(resp.serialize_type, t);
        assert_eq!(resp.response_code(), ResponseCode::SYSTEM_ERROR);
        let remark = resp.remark.unwrap();
        assert!(
            remark.starts_with("response too large: ")
                && remark.ends_with(" bytes exceeds the frame limit of 16777216 bytes"),
            "{remark}"
        );
        assert!(resp.body.is_empty());
    }
    // The connection stays usable.
    let resp = c
        .invoke(
            &addr,
            RemotingCommand::new_request(RequestCode::UPDATE_CONSUMER_OFFSET),
            3000,
        )
        .await
        .unwrap();
    assert_eq!(resp.response_code(), ResponseCode::SUCCESS);
    assert_eq!(events.connected.load(Ordering::SeqCst), 1);
    h.shutdown(Duration::from_secs(1)).await;
}

#[tokio::test]
async fn chunked_answers_arrive_whole_and_over_the_limit_become_system_error() {
    let (h, _, _) = start(120).await;
    let addr = h.local_addr().to_string();
    let c = client();
    let want: Vec<u8> = mapped_file_slices().concat();
    for t in [SerializeType::Json, SerializeType::RocketMQ] {
        // Several at once, so chunked and plain frames share socket writes.
        let mut calls = Vec::new();
        for i in 0..6 {
            let code = if i % 2 == 0 {
                RequestCode::QUERY_MESSAGE
            } else {
                RequestCode::UPDATE_CONSUMER_OFFSET
            };
            let mut req = RemotingCommand::new_request(code);
            req.serialize_type = t;
            calls.push(c.invoke(&addr, req, 30_000));
        }
        for (i, resp) in futures::future::join_all(calls)
            .await
            .into_iter()
            .enumerate()
        {
            let resp = resp.unwrap();
            assert_eq!(resp.response_code(), ResponseCode::SUCCESS);
            if i % 2 == 0 {
                assert_eq!(resp.body.len(), want.len());
                assert!(resp.body == want, "call {i}");
            } else {
                assert!(resp.body.is_empty());
            }
        }
        let mut req = RemotingCommand::new_request(RequestCode::VIEW_MESSAGE_BY_ID);
        req.serialize_type = t;
        let resp = c.invoke(&addr, req, 30_000).await.unwrap();
        assert_eq!(resp.response_code(), ResponseCode::SYSTEM_ERROR);
        let remark = resp.remark.unwrap();
        assert!(
            remark.starts_with("response too large: 18874")
                && remark.ends_with(" bytes exceeds the frame limit of 16777216 bytes"),
            "{remark}"
        );
        assert!(resp.body.is_empty());
    }
    h.shutdown(Duration::from_secs(1)).await;
}

#[tokio::test]
async fn request_over_the_frame_limit_fails_at_once() {
    let (h, seen, _) = start(120).await;
    let addr = h.local_addr().to_string();
    let c = client();
    let req = RemotingCommand::new_request(RequestCode::UPDATE_CONSUMER_OFFSET)
        .with_body(vec![0u8; 17 * 1024 * 1024]);
    let started = std::time::Instant::now();
    let err = c.invoke(&addr, req, 10_000).await.unwrap_err();
    assert!(
        matches!(err, RemotingError::SendFailed { .. }),
        "{err:?} after {:?}",
        started.elapsed()
    );
    assert!(err.to_string().contains("frame length"), "{err}");
    assert_eq!(seen.load(Ordering::SeqCst), 0);
    h.shutdown(Duration::from_secs(1)).await;
}

#[tokio::test]
async fn oneway_is_not_answered() {
    let (h, seen, _) = start(120).await;
    let addr = h.local_addr().to_string();
    let mut s = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let mut req = RemotingCommand::new_request(RequestCode::UPDATE_CONSUMER_OFFSET);
    req.mark_oneway();
    s.write_all(&req.encode_to_bytes().unwrap()).await.unwrap();
    let mut unknown = RemotingCommand::new_request(RequestCode(7777));
    unknown.mark_oneway();
    s.write_all(&unknown.encode_to_bytes().unwrap())
        .await
        .unwrap();
    let ping = RemotingCommand::new_request(RequestCode::UPDATE_CONSUMER_OFFSET);
    let ping_opaque = ping.opaque;
    s.write_all(&ping.encode_to_bytes().unwrap()).await.unwrap();
    // The only frame back answers the last, non-oneway request.
    let mut len = [0u8; 4];
    s.read_exact(&mut len).await.unwrap();
    let mut rest = vec![0u8; u32::from_be_bytes(len) as usize];
    s.read_exact(&mut rest).await.unwrap();
    let resp = RemotingCommand::decode_frame(rest.into()).unwrap();
    assert_eq!(resp.opaque, ping_opaque);
    assert_eq!(seen.load(Ordering::SeqCst), 2);
    h.shutdown(Duration::from_secs(1)).await;
}

#[tokio::test]
async fn broken_frame_closes_only_that_connection() {
    let (h, _, events) = start(120).await;
    let addr = h.local_addr().to_string();
    let c = client();
    c.invoke(
        &addr,
        RemotingCommand::new_request(RequestCode::UPDATE_CONSUMER_OFFSET),
        3000,
    )
    .await
    .unwrap();
    let mut bad = tokio::net::TcpStream::connect(&addr).await.unwrap();
    bad.write_all(&[0x7f, 0xff, 0xff, 0xff, 0, 0, 0, 0])
        .await
        .unwrap();
    let mut buf = [0u8; 1];
    assert_eq!(
        bad.read(&mut buf).await.unwrap(),
        0,
        "server closes the broken connection"
    );
    let mut garbage = tokio::net::TcpStream::connect(&addr).await.unwrap();
    garbage
        .write_all(&[0, 0, 0, 8, 9, 0, 0, 2, b'{', b'}', 0, 0])
        .await
        .unwrap();
    assert_eq!(garbage.read(&mut buf).await.unwrap(), 0);
    let resp = c
        .invoke(
            &addr,
            RemotingCommand::new_request(RequestCode::UPDATE_CONSUMER_OFFSET),
            3000,
        )
        .await
        .unwrap();
    assert_eq!(resp.response_code(), ResponseCode::SUCCESS);
    eventually(|| events.closed.load(Ordering::SeqCst) == 2).await;
    h.shutdown(Duration::from_secs(1)).await;
}

#[tokio::test]
async fn server_calls_client_back() {
    let (h, _, _) = start(120).await;
    let addr = h.local_addr().to_string();
    let c = client();
    let resp = c
        .invoke(
            &addr,
            RemotingCommand::new_request(RequestCode::HEART_BEAT),
            3000,
        )
        .await
        .unwrap();
    assert_eq!(&resp.body[..], b"running");
    h.shutdown(Duration::from_secs(1)).await;
}

#[tokio::test]
async fn idle_connections_are_closed_and_client_reconnects() {
    let (h, _, events) = start(1).await;
    let addr = h.local_addr().to_string();
    let c = client();
    c.invoke(
        &addr,
        RemotingCommand::new_request(RequestCode::UPDATE_CONSUMER_OFFSET),
        3000,
    )
    .await
    .unwrap();
    eventually(|| events.closed.load(Ordering::SeqCst) == 1).await;
    // The client notices and connects again.
    let resp = c
        .invoke(
            &addr,
            RemotingCommand::new_request(RequestCode::UPDATE_CONSUMER_OFFSET),
            3000,
        )
        .await
        .unwrap();
    assert_eq!(resp.response_code(), ResponseCode::SUCCESS);
    assert_eq!(events.connected.load(Ordering::SeqCst), 2);
    h.shutdown(Duration::from_secs(1)).await;
}

#[tokio::test]
async fn timeouts_and_unreachable_addresses() {
    let c = client();
    let err = c
        .invoke(
            "127.0.0.1:1",
            RemotingCommand::new_request(RequestCode::HEART_BEAT),
            1000,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            RemotingError::ConnectFailed { .. } | RemotingError::Timeout { .. }
        ),
        "{err}"
    );
    // A server that never answers.
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap().to_string();
    let _keep = tokio::spawn(async move {
        let (_s, _) = l.accept().await.unwrap();
        tokio::time::sleep(Duration::from_secs(30)).await;
    });
    let err = c
        .invoke(
            &addr,
            RemotingCommand::new_request(RequestCode::HEART_BEAT),
            300,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, RemotingError::Timeout { .. }), "{err}");
}

#[tokio::test]
async fn namesrv_failover() {
    let (h, _, _) = start(120).await;
    let c = client();
    c.update_name_server_address_list(vec!["127.0.0.1:1".into(), h.local_addr().to_string()]);
    for _ in 0..3 {
        let r = c
            .invoke_namesrv(
                RemotingCommand::new_request(RequestCode::UPDATE_CONSUMER_OFFSET),
                3000,
            )
            .await
            .unwrap();
        assert_eq!(r.response_code(), ResponseCode::SUCCESS);
    }
    h.shutdown(Duration::from_secs(1)).await;
}
