//! A consumer group's members and subscriptions (Java `body/ConsumerConnection`), the body of
//! GET_CONSUMER_CONNECTION_LIST.

use super::connection::Connection;
use super::heartbeat::{ConsumeFromWhere, ConsumeType, MessageModel, SubscriptionData};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Java `ConsumerConnection`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsumerConnection {
    #[serde(default)]
    pub connection_set: BTreeSet<Connection>,
    #[serde(default)]
    pub subscription_table: BTreeMap<String, SubscriptionData>,
    pub consume_type: Option<ConsumeType>,
    pub message_model: Option<MessageModel>,
    pub consume_from_where: Option<ConsumeFromWhere>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::body::{decode, encode};

    #[test]
    fn round_trip() {
        let mut c = ConsumerConnection {
            connection_set: BTreeSet::new(),
            subscription_table: BTreeMap::new(),
            consume_type: Some(ConsumeType::ConsumePassively),
            message_model: Some(MessageModel::Clustering),
            consume_from_where: Some(ConsumeFromWhere::ConsumeFromFirstOffset),
        };
        c.connection_set.insert(Connection {
            client_id: "1.2.3.4@1".into(),
            client_addr: "1.2.3.4:5".into(),
            language: "JAVA".into(),
            version: 479,
        });
        c.subscription_table
            .insert("T".into(), SubscriptionData::build_tag("T", "*"));
        let text = String::from_utf8(encode(&c)).unwrap();
        assert!(
            text.contains(r#""consumeType":"CONSUME_PASSIVELY""#),
            "{text}"
        );
        let back: ConsumerConnection = decode(text.as_bytes()).unwrap();
        assert_eq!(back, c);
    }
}
