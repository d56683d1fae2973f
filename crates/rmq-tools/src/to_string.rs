//! Java's `toString()` of the RocketMQ objects mqadmin prints (`TopicConfig`,
//! `SubscriptionGroupConfig`, `Message`, `MessageExt`, `MessageTrack`, `java.util.Map`),
//! fastjson's pretty JSON of `TopicRouteData`, and the iteration order of Java's `HashMap` and
//! `HashSet`, which decides the order of properties and queues in that output.
//!
//! Hash order: a `HashMap` of capacity `c` iterates its buckets in index order, the index of a
//! key being `(h ^ (h >>> 16)) & (c - 1)` with `h` its `hashCode()`; keys in one bucket keep
//! insertion order, also across resizes. The table doubles while `size > 0.75 * c`.

use rmq_common::java_format::jstr;
use rmq_common::java_hash::string_hash_code;
use rmq_common::{perm_name, MessageExt, MessageQueue, TopicConfig};
use rmq_remoting::protocol::body::route::TopicRouteData;
use rmq_remoting::protocol::body::subscription_group_config::SubscriptionGroupConfig;
use std::collections::HashMap;
use std::net::SocketAddr;

/// Capacity of the properties map `MessageDecoder.string2messageProperties` builds.
pub const MESSAGE_PROPERTIES_CAPACITY: usize = 128;
/// Capacity of a `HashMap`/`HashSet` made with the default constructor.
pub const DEFAULT_CAPACITY: usize = 16;

/// Orders `items` (each with its Java `hashCode()`, in insertion order) as a Java `HashMap`
/// created with `initial_capacity` iterates them.
pub fn java_hash_order<T>(items: Vec<(i32, T)>, initial_capacity: usize) -> Vec<T> {
    let mut capacity = initial_capacity.max(1).next_power_of_two();
    while items.len() * 4 > capacity * 3 {
        capacity *= 2;
    }
    let mask = (capacity - 1) as u32;
    let mut keyed: Vec<(u32, T)> = items
        .into_iter()
        .map(|(h, t)| {
            let h = h as u32;
            ((h ^ (h >> 16)) & mask, t)
        })
        .collect();
    keyed.sort_by_key(|(bucket, _)| *bucket);
    keyed.into_iter().map(|(_, t)| t).collect()
}

/// Returns the `MessageQueue#hashCode` of `mq`.
pub fn message_queue_hash_code(mq: &MessageQueue) -> i32 {
    let mut result: i32 = 1;
    result = result
        .wrapping_mul(31)
        .wrapping_add(string_hash_code(&mq.broker_name));
    result = result.wrapping_mul(31).wrapping_add(mq.queue_id);
    result
        .wrapping_mul(31)
        .wrapping_add(string_hash_code(&mq.topic))
}

/// Orders message queues as the `HashSet` `topicRouteData2TopicSubscribeInfo` returns
/// (`fetchSubscribeMessageQueues`), given them in route order.
pub fn subscribe_queue_order(queues: Vec<MessageQueue>) -> Vec<MessageQueue> {
    let items = queues
        .into_iter()
        .map(|mq| (message_queue_hash_code(&mq), mq))
        .collect();
    java_hash_order(items, DEFAULT_CAPACITY)
}

/// Renders a string map as Java's `AbstractMap#toString` (`{k=v, k2=v2}`) in the order a
/// `HashMap` of `capacity` iterates it. Keys sharing a bucket keep insertion order in Java,
/// which is not known here: the broker's `CLUSTER` (added last by `SendMessageProcessor`)
/// goes after the others, which are in key order.
pub fn java_map_to_string(map: &HashMap<String, String>, capacity: usize) -> String {
    let mut entries: Vec<(&String, &String)> = map.iter().collect();
    entries.sort_by_key(|(k, _)| (k.as_str() == "CLUSTER", k.as_str()));
    let items = entries
        .into_iter()
        .map(|(k, v)| (string_hash_code(k), (k, v)))
        .collect();
    let parts: Vec<String> = java_hash_order(items, capacity)
        .into_iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    format!("{{{}}}", parts.join(", "))
}

/// Renders a sorted map as Java's `toString` of a small `HashMap` with the same entries.
pub fn java_btree_map_to_string(map: &std::collections::BTreeMap<String, String>) -> String {
    let m: HashMap<String, String> = map.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    java_map_to_string(&m, DEFAULT_CAPACITY)
}

/// `InetSocketAddress#toString` of a resolved address without host name: `/ip:port`.
pub fn socket_addr_to_string(addr: &SocketAddr) -> String {
    format!("/{}:{}", addr.ip(), addr.port())
}

/// `RemotingHelper.parseSocketAddressAddr`: `ip:port`.
pub fn socket_addr_addr(addr: &SocketAddr) -> String {
    format!("{}:{}", addr.ip(), addr.port())
}

/// `TopicConfig#toString`.
pub fn topic_config_to_string(tc: &TopicConfig) -> String {
    format!(
        "TopicConfig [topicName={}, readQueueNums={}, writeQueueNums={}, perm={}, topicFilterType={}, topicSysFlag={}, order={}, attributes={}]",
        tc.topic_name,
        tc.read_queue_nums,
        tc.write_queue_nums,
        perm_name::perm_to_string(tc.perm),
        tc.topic_filter_type.as_str(),
        tc.topic_sys_flag,
        tc.order,
        java_btree_map_to_string(&tc.attributes)
    )
}

/// `GroupRetryPolicy#toString` of the JSON form the config carries (`type` defaults to
/// `CUSTOMIZED`).
fn group_retry_policy_to_string(policy: &serde_json::Value) -> String {
    let num = |v: Option<&serde_json::Value>| v.map_or("0".to_string(), |x| x.to_string());
    let field = |name: &str| -> String {
        match policy.get(name) {
            None | Some(serde_json::Value::Null) => "null".to_string(),
            // ExponentialRetryPolicy#toString / CustomizedRetryPolicy#toString.
            Some(v) if name == "exponentialRetryPolicy" => format!(
                "ExponentialRetryPolicy{{initial={}, max={}, multiplier={}}}",
                num(v.get("initial")),
                num(v.get("max")),
                num(v.get("multiplier"))
            ),
            Some(v) if name == "customizedRetryPolicy" => {
                let next: Vec<String> = v
                    .get("next")
                    .and_then(|n| n.as_array())
                    .map(|a| a.iter().map(|x| x.to_string()).collect())
                    .unwrap_or_default();
                format!("CustomizedRetryPolicy{{next=[{}]}}", next.join(", "))
            }
            Some(v) => v.to_string(),
        }
    };
    let policy_type = match policy.get("type") {
        Some(serde_json::Value::String(s)) => s.clone(),
        _ => "CUSTOMIZED".to_string(),
    };
    format!(
        "GroupRetryPolicy{{type={policy_type}, exponentialRetryPolicy={}, customizedRetryPolicy={}}}",
        field("exponentialRetryPolicy"),
        field("customizedRetryPolicy")
    )
}

/// `SubscriptionGroupConfig#toString` (5.x form).
pub fn subscription_group_config_to_string(c: &SubscriptionGroupConfig) -> String {
    format!(
        "SubscriptionGroupConfig{{groupName={}, consumeEnable={}, consumeFromMinEnable={}, consumeBroadcastEnable={}, consumeMessageOrderly={}, retryQueueNums={}, retryMaxTimes={}, groupRetryPolicy={}, brokerId={}, whichBrokerWhenConsumeSlowly={}, notifyConsumerIdsChangedEnable={}, groupSysFlag={}, consumeTimeoutMinute={}, subscriptionDataSet={}, attributes={}}}",
        c.group_name,
        c.consume_enable,
        c.consume_from_min_enable,
        c.consume_broadcast_enable,
        c.consume_message_orderly,
        c.retry_queue_nums,
        c.retry_max_times,
        group_retry_policy_to_string(&c.group_retry_policy),
        c.broker_id,
        c.which_broker_when_consume_slowly,
        c.notify_consumer_ids_changed_enable,
        c.group_sys_flag,
        c.consume_timeout_minute,
        match &c.subscription_data_set {
            None | Some(serde_json::Value::Null) => "null".to_string(),
            Some(v) => v.to_string(),
        },
        java_btree_map_to_string(&c.attributes)
    )
}

/// `Arrays.toString(byte[])`: signed bytes.
pub fn java_bytes_to_string(body: &[u8]) -> String {
    let parts: Vec<String> = body.iter().map(|b| (*b as i8).to_string()).collect();
    format!("[{}]", parts.join(", "))
}

/// `Message#toString` of a message decoded from the wire.
pub fn message_to_string(m: &rmq_common::Message) -> String {
    format!(
        "Message{{topic='{}', flag={}, properties={}, body={}, transactionId='{}'}}",
        m.topic,
        m.flag,
        java_map_to_string(&m.properties, MESSAGE_PROPERTIES_CAPACITY),
        java_bytes_to_string(&m.body),
        jstr(m.transaction_id.as_deref())
    )
}

/// `MessageExt#toString`.
pub fn message_ext_to_string(m: &MessageExt) -> String {
    format!(
        "MessageExt [brokerName={}, queueId={}, storeSize={}, queueOffset={}, sysFlag={}, bornTimestamp={}, bornHost={}, storeTimestamp={}, storeHost={}, msgId={}, commitLogOffset={}, bodyCRC={}, reconsumeTimes={}, preparedTransactionOffset={}, toString()={}]",
        if m.broker_name.is_empty() { "null" } else { &m.broker_name },
        m.queue_id,
        m.store_size,
        m.queue_offset,
        m.sys_flag,
        m.born_timestamp,
        socket_addr_to_string(&m.born_host),
        m.store_timestamp,
        socket_addr_to_string(&m.store_host),
        m.msg_id,
        m.commit_log_offset,
        m.body_crc,
        m.reconsume_times,
        m.prepared_transaction_offset,
        message_to_string(&m.message)
    )
}

/// `ConsumeMessageDirectlyResult#toString`.
pub fn consume_message_directly_result_to_string(
    r: &rmq_remoting::protocol::body::consume_message_directly_result::ConsumeMessageDirectlyResult,
) -> String {
    format!(
        "ConsumeMessageDirectlyResult [order={}, autoCommit={}, consumeResult={}, remark={}, spentTimeMills={}]",
        r.order,
        r.auto_commit,
        r.consume_result.map_or("null".to_string(), |c| c.to_string()),
        jstr(r.remark.as_deref()),
        r.spent_time_mills
    )
}

/// Writes `TopicRouteData#toJson(true)`: fastjson's pretty format (tabs, fields in
/// alphabetical order, null fields left out, and its quirk for the numeric-keyed
/// `brokerAddrs` map: no line break after `{`, one before `}`).
pub fn topic_route_data_to_pretty_json(route: &TopicRouteData) -> String {
    fn indent(n: usize) -> String {
        "\t".repeat(n)
    }
    let q = |s: &str| serde_json::Value::String(s.to_string()).to_string();
    let mut s = String::from("{\n");
    s.push_str(&format!("{}\"brokerDatas\":[", indent(1)));
    for (i, bd) in route.broker_datas.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        s.push_str(&format!("\n{}{{\n", indent(2)));
        let addrs: Vec<String> = bd
            .broker_addrs
            .iter()
            .map(|(id, addr)| format!("{id}:{}", q(addr)))
            .collect();
        if addrs.is_empty() {
            s.push_str(&format!("{}\"brokerAddrs\":{{}},\n", indent(3)));
        } else {
            s.push_str(&format!(
                "{}\"brokerAddrs\":{{{}\n{}}},\n",
                indent(3),
                addrs.join(","),
                indent(3)
            ));
        }
        s.push_str(&format!(
            "{}\"brokerName\":{},\n",
            indent(3),
            q(&bd.broker_name)
        ));
        s.push_str(&format!("{}\"cluster\":{},\n", indent(3), q(&bd.cluster)));
        s.push_str(&format!(
            "{}\"enableActingMaster\":{}",
            indent(3),
            bd.enable_acting_master
        ));
        if let Some(zone) = &bd.zone_name {
            s.push_str(&format!(",\n{}\"zoneName\":{}", indent(3), q(zone)));
        }
        s.push_str(&format!("\n{}}}", indent(2)));
    }
    if route.broker_datas.is_empty() {
        s.push_str("],\n");
    } else {
        s.push_str(&format!("\n{}],\n", indent(1)));
    }
    let mut filters: Vec<(&String, &Vec<String>)> = route.filter_server_table.iter().collect();
    filters.sort();
    if filters.is_empty() {
        s.push_str(&format!("{}\"filterServerTable\":{{}},\n", indent(1)));
    } else {
        s.push_str(&format!("{}\"filterServerTable\":{{", indent(1)));
        for (i, (k, v)) in filters.iter().enumerate() {
            if i > 0 {
                s.push(',');
            }
            let list: Vec<String> = v.iter().map(|x| q(x)).collect();
            s.push_str(&format!("\n{}{}:[{}]", indent(2), q(k), list.join(",")));
        }
        s.push_str(&format!("\n{}}},\n", indent(1)));
    }
    if let Some(conf) = &route.order_topic_conf {
        s.push_str(&format!("{}\"orderTopicConf\":{},\n", indent(1), q(conf)));
    }
    s.push_str(&format!("{}\"queueDatas\":[", indent(1)));
    for (i, qd) in route.queue_datas.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        s.push_str(&format!("\n{}{{\n", indent(2)));
        s.push_str(&format!(
            "{}\"brokerName\":{},\n",
            indent(3),
            q(&qd.broker_name)
        ));
        s.push_str(&format!("{}\"perm\":{},\n", indent(3), qd.perm));
        s.push_str(&format!(
            "{}\"readQueueNums\":{},\n",
            indent(3),
            qd.read_queue_nums
        ));
        s.push_str(&format!(
            "{}\"topicSysFlag\":{},\n",
            indent(3),
            qd.topic_sys_flag
        ));
        s.push_str(&format!(
            "{}\"writeQueueNums\":{}\n",
            indent(3),
            qd.write_queue_nums
        ));
        s.push_str(&format!("{}}}", indent(2)));
    }
    if route.queue_datas.is_empty() {
        s.push(']');
    } else {
        s.push_str(&format!("\n{}]", indent(1)));
    }
    s.push_str("\n}");
    s
}

/// The route of `TopicTest` on one broker `broker-a` (`127.0.0.1:29911`, 8 queues, RW) the
/// route tests print.
#[cfg(test)]
pub(crate) fn sample_route() -> TopicRouteData {
    use rmq_remoting::protocol::body::route::{BrokerData, QueueData};
    let mut bd = BrokerData::new("DefaultCluster", "broker-a");
    bd.broker_addrs.insert(0, "127.0.0.1:29911".to_string());
    TopicRouteData {
        broker_datas: vec![bd],
        queue_datas: vec![QueueData {
            broker_name: "broker-a".to_string(),
            read_queue_nums: 8,
            write_queue_nums: 8,
            perm: 6,
            topic_sys_flag: 0,
        }],
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn properties_follow_java_hash_map_order() {
        let props: HashMap<String, String> = [
            ("MSG_REGION", "DefaultRegion"),
            ("UNIQ_KEY", "FD00"),
            ("CLUSTER", "DefaultCluster"),
            ("TAGS", "TagA"),
            ("KEYS", "key1"),
            ("WAIT", "true"),
            ("TRACE_ON", "true"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        // As Java 5.3.3 printed it (UNIQ_KEY and CLUSTER share a bucket).
        assert_eq!(
            java_map_to_string(&props, MESSAGE_PROPERTIES_CAPACITY),
            "{MSG_REGION=DefaultRegion, UNIQ_KEY=FD00, CLUSTER=DefaultCluster, TAGS=TagA, KEYS=key1, WAIT=true, TRACE_ON=true}"
        );
    }

    #[test]
    fn queues_follow_java_hash_set_order() {
        let queues: Vec<MessageQueue> = (0..8)
            .map(|i| MessageQueue::new("TopicTest", "broker-a", i))
            .collect();
        let ids: Vec<i32> = subscribe_queue_order(queues)
            .iter()
            .map(|m| m.queue_id)
            .collect();
        // Observed with Java 5.3.3's printMsg.
        assert_eq!(ids, vec![7, 6, 3, 2, 5, 4, 1, 0]);
    }

    #[test]
    fn topic_config_and_bytes() {
        let tc = TopicConfig::with_queues("TopicTest", 8, 8, 6);
        assert_eq!(
            topic_config_to_string(&tc),
            "TopicConfig [topicName=TopicTest, readQueueNums=8, writeQueueNums=8, perm=RW-, topicFilterType=SINGLE_TAG, topicSysFlag=0, order=false, attributes={}]"
        );
        assert_eq!(java_bytes_to_string(&[83, 200, 0]), "[83, -56, 0]");
    }

    #[test]
    fn route_pretty_json_matches_fastjson() {
        let route = sample_route();
        let expected = "{\n\t\"brokerDatas\":[\n\t\t{\n\t\t\t\"brokerAddrs\":{0:\"127.0.0.1:29911\"\n\t\t\t},\n\t\t\t\"brokerName\":\"broker-a\",\n\t\t\t\"cluster\":\"DefaultCluster\",\n\t\t\t\"enableActingMaster\":false\n\t\t}\n\t],\n\t\"filterServerTable\":{},\n\t\"queueDatas\":[\n\t\t{\n\t\t\t\"brokerName\":\"broker-a\",\n\t\t\t\"perm\":6,\n\t\t\t\"readQueueNums\":8,\n\t\t\t\"topicSysFlag\":0,\n\t\t\t\"writeQueueNums\":8\n\t\t}\n\t]\n}";
        assert_eq!(topic_route_data_to_pretty_json(&route), expected);
    }
}
