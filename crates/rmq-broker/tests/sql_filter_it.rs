#![allow(clippy::unwrap_used)]
//! SQL92 filtering over the protocol: CHECK_CLIENT_CONFIG validation, heartbeat-registered
//! filters evaluated on the pull path, pulls carrying their own expression, long polling woken
//! only by matching messages, retry topics judged by the original topic's filter, and the
//! persisted filter table.

mod common;

use bytes::Bytes;
use common::*;
use rmq_broker::{BrokerController, BrokerHandle};
use rmq_common::message::message_decoder::{self, DecodeOptions};
use rmq_common::sys_flag::pull_sys_flag;
use rmq_remoting::protocol::body::heartbeat::{CheckClientRequestBody, SubscriptionData};
use rmq_remoting::protocol::header::broker::PullMessageRequestHeader;
use rmq_remoting::{RemotingClient, RemotingCommand, RequestCode, ResponseCode};
use rmq_store::MessageStore;
use std::path::Path;
use std::time::Duration;

async fn start(
    store: &Path,
    enable_property_filter: bool,
    filter_support_retry: bool,
) -> BrokerHandle {
    let mut c = test_configs(store, None);
    c.broker_config.enable_property_filter = enable_property_filter;
    c.broker_config.filter_support_retry = filter_support_retry;
    BrokerController::start(c).await.unwrap()
}

fn sql(topic: &str, expr: &str, version: i64) -> SubscriptionData {
    let mut sd = SubscriptionData::build(topic, expr, "SQL92");
    sd.sub_version = version;
    sd
}

async fn check_client_config(
    client: &RemotingClient,
    addr: &str,
    sd: SubscriptionData,
) -> RemotingCommand {
    let body = CheckClientRequestBody {
        client_id: "127.0.0.1@check".into(),
        group: "check_group".into(),
        subscription_data: Some(sd),
        namespace: None,
    };
    let mut r = RemotingCommand::new_request(RequestCode::CHECK_CLIENT_CONFIG);
    r.body = Bytes::from(rmq_remoting::protocol::body::encode(&body));
    client.invoke(addr, r, 5000).await.unwrap()
}

/// A pull that carries its own SQL92 expression (subscription flag).
fn pull_with_expression(group: &str, topic: &str, offset: i64, expr: &str) -> RemotingCommand {
    let header = PullMessageRequestHeader {
        consumer_group: group.into(),
        topic: topic.into(),
        queue_id: 0,
        queue_offset: offset,
        max_msg_nums: 32,
        sys_flag: pull_sys_flag::build_sys_flag(false, false, true, false),
        commit_offset: 0,
        suspend_timeout_millis: 0,
        subscription: Some(expr.into()),
        sub_version: 1,
        expression_type: Some("SQL92".into()),
        max_msg_bytes: None,
        request_source: None,
        proxy_froward_client_id: None,
    };
    RemotingCommand::create_request_command(RequestCode::PULL_MESSAGE, &header)
}

/// Pulls queue 0 from offset 0 to `end`, returning the `a` property of every message.
async fn pull_all_a(
    client: &RemotingClient,
    addr: &str,
    group: &str,
    topic: &str,
    end: i64,
) -> Vec<String> {
    let mut offset = 0;
    let mut got = Vec::new();
    for _ in 0..100 {
        if offset >= end {
            break;
        }
        let (code, header, msgs) = pull(client, addr, group, topic, 0, offset).await;
        assert!(
            code == ResponseCode::SUCCESS.0 || code == ResponseCode::PULL_RETRY_IMMEDIATELY.0,
            "pull at {offset} answered {code}"
        );
        got.extend(
            msgs.iter()
                .map(|m| m.property("a").unwrap_or("-").to_string()),
        );
        offset = header.unwrap().next_begin_offset;
    }
    got
}

/// Sends `n` messages with `a = i` and TagA for even `i`, TagB for odd ones, to queue 0.
async fn send_numbered(
    client: &RemotingClient,
    addr: &str,
    broker: &BrokerHandle,
    topic: &str,
    n: i64,
) {
    for i in 0..n {
        let a = i.to_string();
        let tag = if i % 2 == 0 { "TagA" } else { "TagB" };
        send_ok(client, addr, topic, 0, &[("TAGS", tag), ("a", &a)], b"m").await;
    }
    wait_dispatched(broker, topic, 0, n).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn check_client_config_compiles_sql92() {
    let dir = tempfile::tempdir().unwrap();
    let broker = start(dir.path(), true, false).await;
    let addr = broker.local_addr().to_string();
    let c = client();
    let ok = check_client_config(&c, &addr, sql("T", "a > 5 AND TAGS IN ('A', 'B')", 1)).await;
    assert_eq!(ok.code, ResponseCode::SUCCESS.0, "{:?}", ok.remark);
    let tag = check_client_config(&c, &addr, SubscriptionData::build_tag("T", "TagA")).await;
    assert_eq!(tag.code, ResponseCode::SUCCESS.0);
    // Java's remarks, as Java 5.3.3's broker sends them.
    for (expr, remark) in [
        ("a > 0.0", "java.lang.RuntimeException: 0.0 is less than 4.9E-324"),
        (
            "a IS 5",
            "org.apache.rocketmq.filter.parser.ParseException: Encountered \" <DECIMAL_LITERAL> \"5 \"\" at line 1, column 6.\nWas expecting one of:\n    \"NOT\" ...\n    \"NULL\" ...\n    ",
        ),
        (
            "a = \"x\"",
            "org.apache.rocketmq.filter.parser.TokenMgrError: Lexical error at line 1, column 5.  Encountered: \"\\\"\" (34), after : \"\"",
        ),
    ] {
        let r = check_client_config(&c, &addr, sql("T", expr, 1)).await;
        assert_eq!(r.code, ResponseCode::SUBSCRIPTION_PARSE_FAILED.0, "{expr}");
        assert_eq!(r.remark.as_deref(), Some(remark), "{expr}");
    }
    let mut unknown = sql("T", "a > 1", 1);
    unknown.expression_type = "FOO".into();
    let r = check_client_config(&c, &addr, unknown).await;
    assert_eq!(r.code, ResponseCode::SUBSCRIPTION_PARSE_FAILED.0);
    // Java 17's NullPointerException text of `FilterFactory.INSTANCE.get(type).compile(...)`.
    assert_eq!(
        r.remark.as_deref(),
        Some(
            "Cannot invoke \"org.apache.rocketmq.filter.FilterSpi.compile(String)\" because the return value of \"org.apache.rocketmq.filter.FilterFactory.get(String)\" is null"
        )
    );
    broker.shutdown().await;

    // Without enablePropertyFilter (Java's default) SQL92 is refused with Java's text.
    let dir = tempfile::tempdir().unwrap();
    let broker = start(dir.path(), false, false).await;
    let addr = broker.local_addr().to_string();
    let r = check_client_config(&c, &addr, sql("T", "a > 5", 1)).await;
    assert_eq!(r.code, ResponseCode::SYSTEM_ERROR.0);
    assert_eq!(
        r.remark.as_deref(),
        Some("The broker does not support consumer to filter message by SQL92")
    );
    broker.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn pulls_deliver_only_matching_messages() {
    let dir = tempfile::tempdir().unwrap();
    let broker = start(dir.path(), true, false).await;
    let addr = broker.local_addr().to_string();
    let c = client();
    send_numbered(&c, &addr, &broker, "SqlT", 40).await;
    // Messages without the property never match.
    send_ok(&c, &addr, "SqlT", 0, &[("TAGS", "TagA")], b"no a").await;
    wait_dispatched(&broker, "SqlT", 0, 41).await;

    let hb = heartbeat_subs(
        &c,
        &addr,
        "sql_g",
        vec![sql("SqlT", "a BETWEEN 10 AND 19 AND TAGS = 'TagA'", 100)],
    )
    .await;
    assert_eq!(hb.code, 0);
    let filter = broker
        .controller()
        .consumer_filter_manager()
        .get("SqlT", "sql_g")
        .unwrap();
    assert_eq!(filter.client_version, 100);
    let got = pull_all_a(&c, &addr, "sql_g", "SqlT", 41).await;
    assert_eq!(got, ["10", "12", "14", "16", "18"]);

    // A newer subscription version with another expression replaces the filter.
    heartbeat_subs(
        &c,
        &addr,
        "sql_g",
        vec![sql("SqlT", "a > 35 OR a IN ('3')", 200)],
    )
    .await;
    let got = pull_all_a(&c, &addr, "sql_g", "SqlT", 41).await;
    assert_eq!(got, ["3", "36", "37", "38", "39"]);

    // A pull carrying its own expression.
    let r = c
        .invoke(
            &addr,
            pull_with_expression("own_g", "SqlT", 0, "a < 3 OR a = 'x'"),
            5000,
        )
        .await
        .unwrap();
    assert_eq!(r.code, 0, "{:?}", r.remark);
    let msgs = message_decoder::decodes(&r.body, DecodeOptions::default()).unwrap();
    let a: Vec<&str> = msgs.iter().filter_map(|m| m.property("a")).collect();
    assert_eq!(a, ["0", "1", "2"]);
    let r = c
        .invoke(&addr, pull_with_expression("own_g", "SqlT", 0, "a <"), 5000)
        .await
        .unwrap();
    assert_eq!(r.code, ResponseCode::SUBSCRIPTION_PARSE_FAILED.0);
    assert_eq!(
        r.remark.as_deref(),
        Some("parse the consumer's subscription failed")
    );

    // A heartbeat whose expression does not compile registers no filter: pulls say so.
    let hb = heartbeat_subs(&c, &addr, "bad_g", vec![sql("SqlT", "a = = 1", 1)]).await;
    assert_eq!(hb.code, 0, "Java accepts the heartbeat");
    let (code, _, _) = pull(&c, &addr, "bad_g", "SqlT", 0, 0).await;
    assert_eq!(code, ResponseCode::FILTER_DATA_NOT_EXIST.0);
    // A newer version that does not compile drops the group's filter.
    heartbeat_subs(&c, &addr, "sql_g", vec![sql("SqlT", "a >", 300)]).await;
    let r = c
        .invoke(&addr, pull_request("sql_g", "SqlT", 0, 0, None), 5000)
        .await
        .unwrap();
    assert_eq!(r.code, ResponseCode::FILTER_DATA_NOT_EXIST.0);
    assert_eq!(
        r.remark.as_deref(),
        Some("The broker's consumer filter data is not exist!Your expression may be wrong!")
    );
    broker.shutdown().await;

    // enablePropertyFilter=false: the pull is refused with Java's text.
    let dir = tempfile::tempdir().unwrap();
    let broker = start(dir.path(), false, false).await;
    let addr = broker.local_addr().to_string();
    send_numbered(&c, &addr, &broker, "SqlT", 1).await;
    heartbeat_subs(&c, &addr, "sql_g", vec![sql("SqlT", "a > 1", 1)]).await;
    let r = c
        .invoke(&addr, pull_request("sql_g", "SqlT", 0, 0, None), 5000)
        .await
        .unwrap();
    assert_eq!(r.code, ResponseCode::SYSTEM_ERROR.0);
    assert_eq!(
        r.remark.as_deref(),
        Some("The broker does not support consumer to filter message by SQL92")
    );
    broker.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn long_polling_wakes_only_for_matching_messages() {
    let dir = tempfile::tempdir().unwrap();
    let broker = start(dir.path(), true, false).await;
    let addr = broker.local_addr().to_string();
    let c = client();
    // Create the topics, then subscribe.
    send_ok(&c, &addr, "LpSql", 0, &[("a", "0")], b"seed").await;
    send_ok(&c, &addr, "LpOther", 0, &[], b"seed").await;
    wait_dispatched(&broker, "LpSql", 0, 1).await;
    wait_dispatched(&broker, "LpOther", 0, 1).await;
    heartbeat_subs(&c, &addr, "lp_g", vec![sql("LpSql", "a > 100", 1)]).await;
    let hold = broker.controller().pull_request_hold_service();
    let parked = |n: usize| {
        let hold = broker.controller().pull_request_hold_service();
        wait_for(Duration::from_secs(5), move || {
            let p = hold.parked_count();
            async move { (p == n).then_some(()) }
        })
    };

    // Park a pull at offset 1 for a minute; only a matching arrival answers it in time.
    let pending = {
        let c = c.clone();
        let addr = addr.clone();
        tokio::spawn(async move {
            c.invoke(
                &addr,
                pull_request("lp_g", "LpSql", 0, 1, Some(60_000)),
                20_000,
            )
            .await
        })
    };
    assert!(parked(1).await.is_some(), "the pull was not parked");

    // The hold service itself: a non-matching message leaves it parked.
    hold.notify_message_arriving("LpSql", 0, 2, Some(0), Some("a\u{1}5\u{2}"));
    assert_eq!(hold.parked_count(), 1);
    hold.notify_message_arriving("LpSql", 0, 2, Some(0), Some("b\u{1}500\u{2}"));
    assert_eq!(hold.parked_count(), 1);

    // Through the store: a non-matching message, then one on another topic; once the latter
    // is dispatched the listener has seen the former, and the pull is still parked.
    send_ok(&c, &addr, "LpSql", 0, &[("a", "7")], b"no").await;
    send_ok(&c, &addr, "LpOther", 0, &[], b"later").await;
    wait_dispatched(&broker, "LpOther", 0, 2).await;
    assert_eq!(
        hold.parked_count(),
        1,
        "a non-matching message woke the pull"
    );

    // A matching message wakes it, and it carries only that message.
    send_ok(&c, &addr, "LpSql", 0, &[("a", "101")], b"yes").await;
    let r = pending
        .await
        .unwrap()
        .expect("woken by the matching message");
    assert_eq!(r.code, 0, "{:?}", r.remark);
    let msgs = message_decoder::decodes(&r.body, DecodeOptions::default()).unwrap();
    let a: Vec<&str> = msgs.iter().filter_map(|m| m.property("a")).collect();
    assert_eq!(a, ["101"]);
    assert!(parked(0).await.is_some());
    broker.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn retry_topics_use_the_original_subscription_when_filter_support_retry() {
    for support_retry in [true, false] {
        let dir = tempfile::tempdir().unwrap();
        let broker = start(dir.path(), true, support_retry).await;
        let addr = broker.local_addr().to_string();
        let c = client();
        let retry = "%RETRY%rg";
        // The heartbeat creates the retry topic.
        heartbeat_subs(
            &c,
            &addr,
            "rg",
            vec![sql("RT", "a > 5", 1), sql(retry, "TRUE", 1)],
        )
        .await;
        for a in ["1", "9", "3", "7"] {
            send_ok(
                &c,
                &addr,
                retry,
                0,
                &[("RETRY_TOPIC", "RT"), ("a", a)],
                b"r",
            )
            .await;
        }
        wait_dispatched(&broker, retry, 0, 4).await;
        let got = pull_all_a(&c, &addr, "rg", retry, 4).await;
        if support_retry {
            assert_eq!(got, ["9", "7"], "judged by RT's filter");
        } else {
            assert_eq!(
                got,
                ["1", "9", "3", "7"],
                "judged by the retry topic's own filter"
            );
        }
        broker.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn filters_are_persisted_and_wait_for_a_heartbeat_after_restart() {
    let dir = tempfile::tempdir().unwrap();
    let broker = start(dir.path(), true, false).await;
    let addr = broker.local_addr().to_string();
    let c = client();
    heartbeat_subs(&c, &addr, "pg_g", vec![sql("PT", "a > 5", 7)]).await;
    broker.shutdown().await;
    let file = dir.path().join("config").join("consumerFilter.json");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("\"a > 5\""), "{text}");

    let broker = start(dir.path(), true, false).await;
    let addr = broker.local_addr().to_string();
    let m = broker.controller().consumer_filter_manager().clone();
    let loaded = m.get("PT", "pg_g").unwrap();
    assert!(loaded.is_dead() && loaded.compiled_expression.is_some());
    heartbeat_subs(&c, &addr, "pg_g", vec![sql("PT", "a > 5", 7)]).await;
    assert!(!m.get("PT", "pg_g").unwrap().is_dead());
    // The group's last consumer leaves: its filter is dead again.
    let mut r = RemotingCommand::create_request_command(
        RequestCode::UNREGISTER_CLIENT,
        &rmq_remoting::protocol::header::broker::UnregisterClientRequestHeader {
            client_id: "127.0.0.1@pg_g".into(),
            producer_group: None,
            consumer_group: Some("pg_g".into()),
        },
    );
    r.body = Bytes::new();
    assert_eq!(c.invoke(&addr, r, 5000).await.unwrap().code, 0);
    assert!(m.get("PT", "pg_g").unwrap().is_dead());
    assert_eq!(
        broker
            .controller()
            .message_store()
            .get_max_offset_in_queue("PT", 0),
        0
    );
    broker.shutdown().await;
}
