#![allow(clippy::unwrap_used)]
//! VIEW_BROKER_STATS_DATA (`mqadmin statsAll`) and the runtime-info totals: sends and pulls
//! are counted per topic, per `topic@group` and per broker.

mod common;

use common::*;
use rmq_remoting::protocol::body::broker_stats_data::BrokerStatsData;
use rmq_remoting::protocol::body::decode;
use rmq_remoting::protocol::body::route::KVTable;
use rmq_remoting::protocol::header::broker::ViewBrokerStatsDataRequestHeader;
use rmq_remoting::{RemotingClient, RemotingCommand, RequestCode, ResponseCode};

async fn view(c: &RemotingClient, addr: &str, name: &str, key: &str) -> RemotingCommand {
    let header = ViewBrokerStatsDataRequestHeader {
        stats_name: name.into(),
        stats_key: key.into(),
    };
    c.invoke(
        addr,
        RemotingCommand::create_request_command(RequestCode::VIEW_BROKER_STATS_DATA, &header),
        3000,
    )
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn puts_and_gets_are_counted() {
    let dir = tempfile::tempdir().unwrap();
    let broker = start_broker(dir.path()).await;
    let addr = broker.local_addr().to_string();
    let c = client();
    for body in [&b"a"[..], b"bb", b"ccc"] {
        send_ok(&c, &addr, "StT", 0, &[], body).await;
    }
    wait_dispatched(&broker, "StT", 0, 3).await;
    heartbeat(&c, &addr, "stg", "StT", "*").await;
    let (code, _, msgs) = pull(&c, &addr, "stg", "StT", 0, 0).await;
    assert_eq!(code, 0);
    assert_eq!(msgs.len(), 3);
    // Sample now instead of waiting for the 10 s task.
    let m = broker.controller().broker_stats_manager();
    m.sampling_in_seconds(rmq_common::util_all::current_millis());

    let r = view(&c, &addr, "TOPIC_PUT_NUMS", "StT").await;
    assert_eq!(r.code, 0, "{:?}", r.remark);
    let d: BrokerStatsData = decode(&r.body).unwrap();
    assert_eq!(d.stats_minute.sum, 3);
    assert!(d.stats_minute.tps > 0.0);
    let r = view(&c, &addr, "GROUP_GET_NUMS", "StT@stg").await;
    let d: BrokerStatsData = decode(&r.body).unwrap();
    assert_eq!(d.stats_minute.sum, 3);
    let r = view(&c, &addr, "TOPIC_PUT_NUMS", "NoSuchTopic").await;
    assert_eq!(r.code, ResponseCode::SYSTEM_ERROR.0);
    assert_eq!(
        r.remark.as_deref(),
        Some("The stats <TOPIC_PUT_NUMS> <NoSuchTopic> not exist")
    );

    let r = c
        .invoke(
            &addr,
            RemotingCommand::new_request(RequestCode::GET_BROKER_RUNTIME_INFO),
            3000,
        )
        .await
        .unwrap();
    let kv: KVTable = decode(&r.body).unwrap();
    assert_eq!(kv.table["msgPutTotalTodayNow"], "3");
    assert_eq!(kv.table["msgGetTotalTodayNow"], "3");
    broker.shutdown().await;
}
