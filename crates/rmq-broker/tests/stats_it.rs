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

/// GET_CONSUME_STATS' `consumeTps` (`mqadmin consumerProgress`, `examineConsumeStats`) is the
/// group's GROUP_GET_NUMS rate over the last minute, summed over the topics (Java
/// `AdminBrokerProcessor#getConsumeStats` with `tpsGroupGetNums`); it was always 0.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn consume_tps_is_the_group_pull_rate() {
    use rmq_remoting::protocol::body::consume_stats::ConsumeStats;
    use rmq_remoting::protocol::header::broker::GetConsumeStatsRequestHeader;
    let dir = tempfile::tempdir().unwrap();
    let broker = start_broker(dir.path()).await;
    let addr = broker.local_addr().to_string();
    let c = client();
    for i in 0..5 {
        send_ok(&c, &addr, "TpsT", 0, &[], format!("m{i}").as_bytes()).await;
    }
    wait_dispatched(&broker, "TpsT", 0, 5).await;
    heartbeat(&c, &addr, "tpsg", "TpsT", "*").await;
    let (code, _, msgs) = pull(&c, &addr, "tpsg", "TpsT", 0, 0).await;
    assert_eq!((code, msgs.len()), (0, 5));
    let m = broker.controller().broker_stats_manager();
    m.sampling_in_seconds(rmq_common::util_all::current_millis());
    let expected = m.tps_group_get_nums("tpsg", "TpsT");
    assert!(expected > 0.0, "{expected}");

    let header = GetConsumeStatsRequestHeader {
        consumer_group: "tpsg".into(),
        topic: Some("TpsT".into()),
        topic_list: None,
    };
    let r = c
        .invoke(
            &addr,
            RemotingCommand::create_request_command(RequestCode::GET_CONSUME_STATS, &header),
            3000,
        )
        .await
        .unwrap();
    assert_eq!(r.code, 0, "{:?}", r.remark);
    let stats: ConsumeStats = decode(&r.body).unwrap();
    assert_eq!(stats.consume_tps, expected);
    broker.shutdown().await;
}

/// GET_BROKER_RUNTIME_INFO (`mqadmin brokerStatus`) answers the keys of Java 5.3.3's
/// `AdminBrokerProcessor#prepareRuntimeInfo` and `DefaultMessageStore#getRuntimeInfo` (a
/// master without TransientStorePool and without scheduled messages yet), in Java's formats.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runtime_info_has_javas_keys_and_formats() {
    let dir = tempfile::tempdir().unwrap();
    let broker = start_broker(dir.path()).await;
    let addr = broker.local_addr().to_string();
    let c = client();
    send_ok(&c, &addr, "RtT", 0, &[], b"x").await;
    let r = c
        .invoke(
            &addr,
            RemotingCommand::new_request(RequestCode::GET_BROKER_RUNTIME_INFO),
            3000,
        )
        .await
        .unwrap();
    let kv: KVTable = decode(&r.body).unwrap();
    let t = &kv.table;
    let store_path = broker
        .controller()
        .message_store_config()
        .commit_log_store_path();
    let mut expected: Vec<String> = JAVA_RUNTIME_INFO_KEYS
        .iter()
        .map(|k| k.to_string())
        .collect();
    expected.push(format!("commitLogDiskRatio_{}", store_path.display()));
    expected.sort();
    let mut keys: Vec<String> = t.keys().cloned().collect();
    keys.sort();
    assert_eq!(keys, expected);

    // Formats: three TPS windows (the total one always three numbers), percentiles with two
    // decimals, the latency distribution of the last complete minute (none yet: Java's
    // "null"), no transient pool (Integer.MAX_VALUE).
    assert_eq!(t["getTotalTps"].split(' ').count(), 3);
    assert!(t["getTotalTps"]
        .split(' ')
        .all(|v| v.parse::<f64>().is_ok() && v.contains('.')));
    assert_eq!(t["putTps"].split(' ').count(), 3);
    assert_eq!(t["putLatency99"], "0.00");
    assert_eq!(t["putLatency999"], "0.00");
    assert_eq!(t["putMessageDistributeTime"], "null");
    assert_eq!(t["dispatchMaxBuffer"], "0");
    assert_eq!(t["remainTransientStoreBufferNumbs"], "2147483647");
    assert_eq!(t["brokerActive"], "true");
    assert_eq!(t["sendThreadPoolQueueSize"], "0");
    assert!(t["commitLogDirCapacity"].starts_with("Total : "));
    assert!(t["putMessageAverageSize"].contains('.'));
    broker.shutdown().await;
}

/// The keys of Java's GET_BROKER_RUNTIME_INFO (besides the per-path disk ratio).
const JAVA_RUNTIME_INFO_KEYS: &[&str] = &[
    // StoreStatsService#getRuntimeInfo
    "bootTimestamp",
    "runtime",
    "putMessageEntireTimeMax",
    "putMessageTimesTotal",
    "putMessageFailedTimes",
    "putMessageSizeTotal",
    "putMessageDistributeTime",
    "putMessageAverageSize",
    "dispatchMaxBuffer",
    "getMessageEntireTimeMax",
    "putTps",
    "getFoundTps",
    "getMissTps",
    "getTotalTps",
    "getTransferredTps",
    "putLatency99",
    "putLatency999",
    // DefaultMessageStore#getRuntimeInfo
    "commitLogDiskRatio",
    "consumeQueueDiskRatio",
    "commitLogMinOffset",
    "commitLogMaxOffset",
    // AdminBrokerProcessor#prepareRuntimeInfo
    "brokerActive",
    "brokerVersionDesc",
    "brokerVersion",
    "msgPutTotalYesterdayMorning",
    "msgPutTotalTodayMorning",
    "msgPutTotalTodayNow",
    "msgGetTotalYesterdayMorning",
    "msgGetTotalTodayMorning",
    "msgGetTotalTodayNow",
    "dispatchBehindBytes",
    "pageCacheLockTimeMills",
    "earliestMessageTimeStamp",
    "startAcceptSendRequestTimeStamp",
    "timerReadBehind",
    "timerOffsetBehind",
    "timerCongestNum",
    "timerEnqueueTps",
    "timerDequeueTps",
    "remainTransientStoreBufferNumbs",
    "remainHowManyDataToFlush",
    "commitLogDirCapacity",
    "sendThreadPoolQueueSize",
    "sendThreadPoolQueueCapacity",
    "pullThreadPoolQueueSize",
    "pullThreadPoolQueueCapacity",
    "litePullThreadPoolQueueSize",
    "litePullThreadPoolQueueCapacity",
    "queryThreadPoolQueueSize",
    "queryThreadPoolQueueCapacity",
    "ackThreadPoolQueueSize",
    "ackThreadPoolQueueCapacity",
    "sendThreadPoolQueueHeadWaitTimeMills",
    "pullThreadPoolQueueHeadWaitTimeMills",
    "queryThreadPoolQueueHeadWaitTimeMills",
    "litePullThreadPoolQueueHeadWaitTimeMills",
    "ackThreadPoolQueueHeadWaitTimeMills",
    "EndTransactionQueueSize",
    "EndTransactionThreadPoolQueueCapacity",
];
