//! JSON bodies (Java `RemotingSerializable` subclasses under `remoting/protocol/body`,
//! `route` and `heartbeat`). Decode with [`decode`], which accepts fastjson's bare numeric and
//! object map keys; encode with [`encode`], which writes standard JSON plus raw object keys
//! where a body has MessageQueue-keyed maps.

use crate::error::RemotingError;
use serde::de::DeserializeOwned;
use serde::Serialize;

pub mod broker_stats_data;
pub mod connection;
pub mod consume_message_directly_result;
pub mod consume_stats;
pub mod consume_stats_list;
pub mod consumer_connection;
pub mod consumer_running_info;
pub mod create_topic_list_request_body;
pub mod get_consumer_status_body;
pub mod group_list;
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
pub fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, RemotingError> {
    rmq_common::fastjson::from_slice(body).map_err(|e| RemotingError::BadBody(e.to_string()))
}

/// Encodes a JSON body.
pub fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    rmq_common::fastjson::to_vec(value)
}

/// Declares an enum whose JSON form is Java's enum name; decoding also accepts the ordinal,
/// as fastjson does.
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
                let parsed = match &v {
                    serde_json::Value::String(s) => $name::from_name(s),
                    serde_json::Value::Number(n) => n.as_i64().and_then($name::from_ordinal),
                    _ => None,
                };
                parsed.ok_or_else(|| serde::de::Error::custom(format!(
                    "unknown {} value {}", stringify!($name), v)))
            }
        }
    };
}
