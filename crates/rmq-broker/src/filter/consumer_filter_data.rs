//! The compiled filter of one consumer group on one topic (Java `ConsumerFilterData`).

use rmq_common::util_all::current_millis;
use rmq_filter::Expression;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::Arc;

/// A group's SQL92 (or other non-TAG) expression for a topic, compiled, with its life span:
/// registered at `born_time`, dead since `dead_time` when `dead_time >= born_time` (its
/// consumers left or stopped subscribing the topic). Kept in `consumerFilter.json`, where the
/// compiled expression is not.
#[derive(Clone, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct ConsumerFilterData {
    pub born_time: i64,
    /// The subscription version the expression came with (`SubscriptionData#subVersion`).
    pub client_version: i64,
    pub consumer_group: String,
    pub dead_time: i64,
    pub expression: String,
    pub expression_type: String,
    pub topic: String,
    /// The compiled expression; `None` when loaded from a file and it no longer compiles.
    #[serde(skip)]
    pub compiled_expression: Option<Arc<dyn Expression>>,
}

impl ConsumerFilterData {
    /// Java `isDead`.
    pub fn is_dead(&self) -> bool {
        self.dead_time >= self.born_time
    }

    /// Milliseconds since death, -1 while alive (Java `howLongAfterDeath`).
    pub fn how_long_after_death(&self) -> i64 {
        if self.is_dead() {
            current_millis() - self.dead_time
        } else {
            -1
        }
    }

    /// True when a message stored at `msg_store_time` came after this filter (Java
    /// `isMsgInLive`; bit maps are computed only for such messages).
    pub fn is_msg_in_live(&self, msg_store_time: i64) -> bool {
        msg_store_time > self.born_time
    }
}

/// Java's `ReflectionToStringBuilder` short style, for logs.
impl fmt::Debug for ConsumerFilterData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ConsumerFilterData[consumerGroup={},topic={},expression={},expressionType={},bornTime={},deadTime={},clientVersion={}]",
            self.consumer_group,
            self.topic,
            self.expression,
            self.expression_type,
            self.born_time,
            self.dead_time,
            self.client_version
        )
    }
}

impl fmt::Display for ConsumerFilterData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}
