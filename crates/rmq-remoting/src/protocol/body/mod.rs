//! JSON bodies (Java `RemotingSerializable` subclasses under `remoting/protocol/body`,
//! `route` and `heartbeat`). Decode with [`decode`], which accepts fastjson's bare numeric and
//! object map keys; encode with [`encode`], which writes standard JSON plus raw object keys
//! where a body has MessageQueue-keyed maps.

use crate::error::CodecError;
use serde::de::DeserializeOwned;
use serde::Serialize;

pub mod auth;
pub mod broker_stats_data;
pub mod connection;
pub mod consume_message_directly_result;
pub mod consume_stats;
pub mod consume_stats_list;
pub mod consumer_connection;
pub mod consumer_running_info;
pub mod controller;
pub mod create_topic_list_request_body;
pub mod get_consumer_status_body;
pub mod group_list;
pub mod ha_runtime_info;
pub mod heartbeat;
pub mod lock;
pub mod process_queue_info;
pub mod producer_connection;
pub mod producer_table_info;
pub mod query_consume_queue_response_body;
pub mod query_consume_time_span_body;
pub mod query_correction_offset_body;
pub mod register_broker_body;
pub mod reset_offset_body;
pub mod reset_offset_body_for_c;
pub mod route;
pub mod subscription_group_config;
pub mod subscription_group_list;
pub mod topic_stats_table;

/// Decodes a JSON body.
pub fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, CodecError> {
    rmq_common::fastjson::from_slice(body).map_err(|e| CodecError::BadBody(e.to_string()))
}

/// Encodes a JSON body.
pub fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    rmq_common::fastjson::to_vec(value)
}

/// Declares an enum whose JSON form is Java's enum name; decoding also accepts the name in
/// any case and the ordinal, as fastjson does. An unknown name is an error (fastjson reads it
/// as `null`, which a Rust enum cannot hold).
#[macro_export]
macro_rules! java_enum {
    ($(#[$meta:meta])* pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident = $jname:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            const ALL: &'static [$name] = &[$($name::$variant),+];

            /// Returns Java's enum name.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $jname),+ }
            }

            /// Parses Java's enum name.
            pub fn from_name(s: &str) -> Option<Self> {
                match s { $($jname => Some($name::$variant),)+ _ => None }
            }

            /// Returns the variant with Java's ordinal `i`.
            pub fn from_ordinal(i: i64) -> Option<Self> {
                usize::try_from(i).ok().and_then(|i| Self::ALL.get(i).copied())
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let v = serde_json::Value::deserialize(d)?;
                // fastjson also matches the name ignoring case.
                let parsed = match &v {
                    serde_json::Value::String(s) => $name::from_name(s).or_else(|| {
                        Self::ALL.iter().copied().find(|e| e.as_str().eq_ignore_ascii_case(s))
                    }),
                    serde_json::Value::Number(n) => n.as_i64().and_then($name::from_ordinal),
                    _ => None,
                };
                parsed.ok_or_else(|| serde::de::Error::custom(format!(
                    "unknown {} value {}", stringify!($name), v)))
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::consume_stats::{ConsumeStats, OffsetWrapper};
    use super::heartbeat::{
        ConsumeFromWhere, ConsumeType, ConsumerData, HeartbeatData, MessageModel, ProducerData,
        SubscriptionData,
    };
    use super::route::{BrokerData, QueueData, TopicRouteData};
    use super::subscription_group_config::SubscriptionGroupConfig;
    use super::*;
    use proptest::prelude::*;
    use rmq_common::{MessageQueue, TopicConfig};
    use serde_json::Value;

    /// Decodes `{}` and an object whose every member is `null` into each listed type: Java
    /// leaves absent and `null` members at their initial value, so must we.
    macro_rules! decodes_empty_and_null_members {
        ($($t:ty),* $(,)?) => {$(
            let empty: $t = decode(b"{}")
                .unwrap_or_else(|e| panic!("{} from {{}}: {e}", stringify!($t)));
            let mut nulls: Value = serde_json::from_slice(&encode(&empty)).unwrap_or(Value::Null);
            if let Value::Object(m) = &mut nulls {
                m.values_mut().for_each(|v| *v = Value::Null);
            }
            let text = serde_json::to_vec(&nulls).unwrap_or_default();
            if let Err(e) = decode::<$t>(&text) {
                panic!("{} from {}: {e}", stringify!($t), String::from_utf8_lossy(&text));
            }
        )*};
    }

    #[test]
    fn every_body_decodes_from_empty_and_null_members() {
        use super::*;
        decodes_empty_and_null_members!(
            broker_stats_data::BrokerStatsItem,
            broker_stats_data::BrokerStatsData,
            connection::Connection,
            consume_message_directly_result::ConsumeMessageDirectlyResult,
            consume_stats::OffsetWrapper,
            consume_stats::ConsumeStats,
            consume_stats_list::ConsumeStatsList,
            consumer_connection::ConsumerConnection,
            consumer_running_info::ConsumeStatus,
            consumer_running_info::ConsumerRunningInfo,
            controller::SyncStateSet,
            controller::ElectMasterResponseBody,
            controller::BrokerReplicasInfo,
            controller::ReplicasInfo,
            controller::ReplicaIdentity,
            controller::EpochEntryCache,
            controller::EpochEntry,
            create_topic_list_request_body::CreateTopicListRequestBody,
            get_consumer_status_body::GetConsumerStatusBody,
            group_list::GroupList,
            heartbeat::SubscriptionData,
            heartbeat::ProducerData,
            heartbeat::ConsumerData,
            heartbeat::HeartbeatData,
            heartbeat::CheckClientRequestBody,
            heartbeat::GetConsumerListByGroupResponseBody,
            lock::LockBatchRequestBody,
            lock::LockBatchResponseBody,
            lock::UnlockBatchRequestBody,
            process_queue_info::ProcessQueueInfo,
            producer_connection::ProducerConnection,
            producer_table_info::ProducerInfo,
            producer_table_info::ProducerTableInfo,
            query_consume_queue_response_body::ConsumeQueueData,
            query_consume_queue_response_body::QueryConsumeQueueResponseBody,
            query_consume_time_span_body::QueueTimeSpan,
            query_consume_time_span_body::QueryConsumeTimeSpanBody,
            query_correction_offset_body::QueryCorrectionOffsetBody,
            register_broker_body::TopicConfigSerializeWrapper,
            register_broker_body::RegisterBrokerBody,
            reset_offset_body::ResetOffsetBody,
            reset_offset_body_for_c::MessageQueueForC,
            reset_offset_body_for_c::ResetOffsetBodyForC,
            route::QueueData,
            route::BrokerData,
            route::TopicRouteData,
            route::ClusterInfo,
            route::TopicList,
            route::KVTable,
            route::BrokerMemberGroup,
            route::GetBrokerMemberGroupResponseBody,
            subscription_group_config::SubscriptionGroupConfig,
            subscription_group_config::SubscriptionGroupWrapper,
            subscription_group_list::SubscriptionGroupList,
            topic_stats_table::TopicOffset,
            topic_stats_table::TopicStatsTable,
            rmq_common::TopicConfig,
            rmq_common::DataVersion,
            rmq_common::MessageQueue,
        );
        // A wrapper map of queue-keyed tables.
        let t: get_consumer_status_body::QueueOffsetTable = decode(b"{}").unwrap();
        assert!(t.0.is_empty());
    }

    /// Rewrites every number and boolean as a string, also inside object map keys, as a
    /// client writing `codeSet` as strings does.
    fn stringify_scalars(v: Value) -> Value {
        match v {
            Value::Number(n) => Value::String(n.to_string()),
            Value::Bool(b) => Value::String(b.to_string()),
            Value::Array(items) => Value::Array(items.into_iter().map(stringify_scalars).collect()),
            Value::Object(map) => Value::Object(
                map.into_iter()
                    .map(|(k, v)| {
                        let key = match rmq_common::fastjson::parse_value(k.as_bytes()) {
                            Ok(obj @ Value::Object(_)) => {
                                serde_json::to_string(&stringify_scalars(obj)).unwrap_or(k)
                            }
                            _ => k,
                        };
                        (key, stringify_scalars(v))
                    })
                    .collect(),
            ),
            other => other,
        }
    }

    fn with_stringified_scalars<T: Serialize>(body: &T) -> Vec<u8> {
        let value = rmq_common::fastjson::parse_value(&encode(body)).unwrap_or(Value::Null);
        serde_json::to_vec(&stringify_scalars(value)).unwrap_or_default()
    }

    fn arb_subscription() -> impl Strategy<Value = SubscriptionData> {
        (
            "[A-Za-z%]{1,8}",
            proptest::collection::btree_set("[A-Za-z]{1,5}", 0..3),
            proptest::collection::btree_set(any::<i32>(), 0..3),
            any::<i64>(),
            any::<bool>(),
        )
            .prop_map(|(topic, tags, codes, sub_version, sql)| SubscriptionData {
                class_filter_mode: false,
                topic,
                sub_string: tags.iter().cloned().collect::<Vec<_>>().join(" || "),
                tags_set: tags,
                code_set: codes,
                sub_version,
                expression_type: if sql { "SQL92" } else { "TAG" }.to_string(),
            })
    }

    fn arb_heartbeat() -> impl Strategy<Value = HeartbeatData> {
        let consumer = (
            "[a-z_]{1,8}",
            0usize..3,
            0usize..2,
            0usize..6,
            proptest::collection::vec(arb_subscription(), 0..3),
            any::<bool>(),
        )
            .prop_map(|(group_name, t, m, w, subs, unit_mode)| ConsumerData {
                group_name,
                consume_type: [
                    ConsumeType::ConsumeActively,
                    ConsumeType::ConsumePassively,
                    ConsumeType::ConsumePop,
                ][t],
                message_model: [MessageModel::Broadcasting, MessageModel::Clustering][m],
                consume_from_where: [
                    ConsumeFromWhere::ConsumeFromLastOffset,
                    ConsumeFromWhere::ConsumeFromLastOffsetAndFromMinWhenBootFirst,
                    ConsumeFromWhere::ConsumeFromMinOffset,
                    ConsumeFromWhere::ConsumeFromMaxOffset,
                    ConsumeFromWhere::ConsumeFromFirstOffset,
                    ConsumeFromWhere::ConsumeFromTimestamp,
                ][w],
                subscription_data_set: subs,
                unit_mode,
            });
        (
            "[0-9.@#]{1,12}",
            proptest::collection::vec("[a-z_]{1,8}", 0..3),
            proptest::collection::vec(consumer, 0..3),
            any::<i32>(),
            any::<bool>(),
        )
            .prop_map(
                |(client_id, producers, consumers, fingerprint, without_sub)| HeartbeatData {
                    client_id,
                    producer_data_set: producers
                        .into_iter()
                        .map(|group_name| ProducerData { group_name })
                        .collect(),
                    consumer_data_set: consumers,
                    heartbeat_fingerprint: fingerprint,
                    without_sub,
                },
            )
    }

    fn arb_route() -> impl Strategy<Value = TopicRouteData> {
        let queue = (
            "[a-z-]{1,8}",
            any::<i32>(),
            any::<i32>(),
            0..8i32,
            any::<i32>(),
        )
            .prop_map(|(broker_name, r, w, perm, flag)| QueueData {
                broker_name,
                read_queue_nums: r,
                write_queue_nums: w,
                perm,
                topic_sys_flag: flag,
            });
        let broker = (
            "[a-z-]{1,8}",
            proptest::collection::btree_map(any::<u64>(), "[0-9.:]{1,15}", 0..3),
            any::<bool>(),
        )
            .prop_map(|(name, addrs, acting)| {
                let mut b = BrokerData::new("DefaultCluster", &name);
                b.broker_addrs = addrs;
                b.enable_acting_master = acting;
                b
            });
        (
            proptest::collection::vec(queue, 0..3),
            proptest::collection::vec(broker, 0..3),
        )
            .prop_map(|(queue_datas, broker_datas)| TopicRouteData {
                queue_datas,
                broker_datas,
                ..Default::default()
            })
    }

    fn arb_consume_stats() -> impl Strategy<Value = ConsumeStats> {
        let entry = (
            "[A-Za-z]{1,6}",
            "[a-z-]{1,6}",
            any::<i32>(),
            any::<[i64; 4]>(),
        )
            .prop_map(|(topic, broker, queue_id, o)| {
                let offsets = OffsetWrapper {
                    broker_offset: o[0],
                    consumer_offset: o[1],
                    pull_offset: o[2],
                    last_timestamp: o[3],
                };
                (MessageQueue::new(topic, broker, queue_id), offsets)
            });
        (
            proptest::collection::hash_map(entry.prop_map(|(k, _)| k), any::<[i64; 4]>(), 0..4),
            -1.0e12f64..1.0e12,
        )
            .prop_map(|(entries, consume_tps)| ConsumeStats {
                offset_table: entries
                    .into_iter()
                    .map(|(mq, o)| {
                        let offsets = OffsetWrapper {
                            broker_offset: o[0],
                            consumer_offset: o[1],
                            pull_offset: o[2],
                            last_timestamp: o[3],
                        };
                        (mq, offsets)
                    })
                    .collect(),
                consume_tps,
            })
    }

    fn arb_group_config() -> impl Strategy<Value = SubscriptionGroupConfig> {
        (
            "[a-z_]{1,8}",
            any::<[bool; 5]>(),
            any::<[i32; 4]>(),
            any::<[i64; 2]>(),
        )
            .prop_map(|(name, b, i, l)| SubscriptionGroupConfig {
                consume_enable: b[0],
                consume_from_min_enable: b[1],
                consume_broadcast_enable: b[2],
                consume_message_orderly: b[3],
                notify_consumer_ids_changed_enable: b[4],
                retry_queue_nums: i[0],
                retry_max_times: i[1],
                group_sys_flag: i[2],
                consume_timeout_minute: i[3],
                broker_id: l[0],
                which_broker_when_consume_slowly: l[1],
                ..SubscriptionGroupConfig::new(name)
            })
    }

    fn arb_topic_config() -> impl Strategy<Value = TopicConfig> {
        (
            "[A-Za-z_]{1,8}",
            any::<[i32; 4]>(),
            any::<bool>(),
            any::<bool>(),
        )
            .prop_map(|(name, i, multi, order)| TopicConfig {
                read_queue_nums: i[0],
                write_queue_nums: i[1],
                perm: i[2],
                topic_sys_flag: i[3],
                order,
                topic_filter_type: if multi {
                    rmq_common::TopicFilterType::MultiTag
                } else {
                    rmq_common::TopicFilterType::SingleTag
                },
                ..TopicConfig::new(name)
            })
    }

    proptest! {
        #[test]
        fn prop_heartbeat_with_string_scalars(hb in arb_heartbeat()) {
            prop_assert_eq!(decode::<HeartbeatData>(&with_stringified_scalars(&hb)).unwrap(), hb);
        }

        #[test]
        fn prop_route_with_string_scalars(route in arb_route()) {
            prop_assert_eq!(decode::<TopicRouteData>(&with_stringified_scalars(&route)).unwrap(), route);
        }

        #[test]
        fn prop_consume_stats_with_string_scalars(stats in arb_consume_stats()) {
            prop_assert_eq!(decode::<ConsumeStats>(&with_stringified_scalars(&stats)).unwrap(), stats);
        }

        #[test]
        fn prop_group_config_with_string_scalars(config in arb_group_config()) {
            prop_assert_eq!(
                decode::<SubscriptionGroupConfig>(&with_stringified_scalars(&config)).unwrap(),
                config
            );
        }

        #[test]
        fn prop_topic_config_with_string_scalars(tc in arb_topic_config()) {
            prop_assert_eq!(decode::<TopicConfig>(&with_stringified_scalars(&tc)).unwrap(), tc);
        }
    }
}
