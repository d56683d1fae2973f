//! HEART_BEAT body and the subscription types it carries (Java `HeartbeatData`,
//! `ProducerData`, `ConsumerData`, `SubscriptionData`).

use crate::java_enum;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

java_enum! {
    /// How a consumer gets messages (`ConsumeType`).
    pub enum ConsumeType {
        ConsumeActively = "CONSUME_ACTIVELY",
        ConsumePassively = "CONSUME_PASSIVELY",
        ConsumePop = "CONSUME_POP",
    }
}

impl ConsumeType {
    /// Returns Java's display string: PULL, PUSH or POP.
    pub fn type_cn(self) -> &'static str {
        match self {
            ConsumeType::ConsumeActively => "PULL",
            ConsumeType::ConsumePassively => "PUSH",
            ConsumeType::ConsumePop => "POP",
        }
    }
}

java_enum! {
    /// Clustering or broadcasting (`MessageModel`).
    pub enum MessageModel {
        Broadcasting = "BROADCASTING",
        Clustering = "CLUSTERING",
    }
}

java_enum! {
    /// Where a new consumer group starts (`ConsumeFromWhere`).
    pub enum ConsumeFromWhere {
        ConsumeFromLastOffset = "CONSUME_FROM_LAST_OFFSET",
        ConsumeFromLastOffsetAndFromMinWhenBootFirst = "CONSUME_FROM_LAST_OFFSET_AND_FROM_MIN_WHEN_BOOT_FIRST",
        ConsumeFromMinOffset = "CONSUME_FROM_MIN_OFFSET",
        ConsumeFromMaxOffset = "CONSUME_FROM_MAX_OFFSET",
        ConsumeFromFirstOffset = "CONSUME_FROM_FIRST_OFFSET",
        ConsumeFromTimestamp = "CONSUME_FROM_TIMESTAMP",
    }
}

/// Expression type of tag subscriptions.
pub const EXPRESSION_TYPE_TAG: &str = "TAG";
/// Expression type of SQL92 subscriptions.
pub const EXPRESSION_TYPE_SQL92: &str = "SQL92";
/// Subscribes to every tag.
pub const SUB_ALL: &str = "*";

/// One subscription of a consumer group (`SubscriptionData`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SubscriptionData {
    pub class_filter_mode: bool,
    pub topic: String,
    pub sub_string: String,
    pub tags_set: BTreeSet<String>,
    pub code_set: BTreeSet<i32>,
    pub sub_version: i64,
    pub expression_type: String,
}

impl Default for SubscriptionData {
    fn default() -> Self {
        SubscriptionData {
            class_filter_mode: false,
            topic: String::new(),
            sub_string: SUB_ALL.to_string(),
            tags_set: BTreeSet::new(),
            code_set: BTreeSet::new(),
            sub_version: rmq_common::util_all::current_millis(),
            expression_type: EXPRESSION_TYPE_TAG.to_string(),
        }
    }
}

impl SubscriptionData {
    /// Builds a TAG subscription from an expression such as `TagA || TagB` or `*`
    /// (`FilterAPI.buildSubscriptionData`): tags are split on `||` and trimmed, and each tag's
    /// Java hash code goes into `codeSet`.
    pub fn build_tag(topic: &str, sub_string: &str) -> Self {
        let mut sd = SubscriptionData {
            topic: topic.to_string(),
            ..Default::default()
        };
        let expr = sub_string.trim();
        if expr.is_empty() || expr == SUB_ALL {
            sd.sub_string = SUB_ALL.to_string();
            return sd;
        }
        sd.sub_string = expr.to_string();
        for tag in expr.split("||").map(str::trim).filter(|t| !t.is_empty()) {
            sd.tags_set.insert(tag.to_string());
            sd.code_set
                .insert(rmq_common::java_hash::string_hash_code(tag));
        }
        sd
    }

    /// Builds a subscription of the given expression type; SQL92 keeps the expression text.
    pub fn build(topic: &str, sub_string: &str, expression_type: &str) -> Self {
        if expression_type.eq_ignore_ascii_case(EXPRESSION_TYPE_SQL92) {
            SubscriptionData {
                topic: topic.to_string(),
                sub_string: sub_string.to_string(),
                expression_type: EXPRESSION_TYPE_SQL92.to_string(),
                ..Default::default()
            }
        } else {
            Self::build_tag(topic, sub_string)
        }
    }

    /// Returns true when every tag matches.
    pub fn is_sub_all(&self) -> bool {
        self.sub_string == SUB_ALL || self.sub_string.is_empty()
    }

    /// Returns true for TAG (or absent) expression types.
    pub fn is_tag_type(&self) -> bool {
        self.expression_type.is_empty() || self.expression_type == EXPRESSION_TYPE_TAG
    }
}

/// A producer group in a heartbeat (`ProducerData`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default, Hash, PartialOrd, Ord)]
#[serde(rename_all = "camelCase", default)]
pub struct ProducerData {
    pub group_name: String,
}

/// A consumer group in a heartbeat (`ConsumerData`). Java leaves an absent enum `null`;
/// here it reads as the Java push consumer's default (see [`Default`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ConsumerData {
    pub group_name: String,
    pub consume_type: ConsumeType,
    pub message_model: MessageModel,
    pub consume_from_where: ConsumeFromWhere,
    pub subscription_data_set: Vec<SubscriptionData>,
    pub unit_mode: bool,
}

impl Default for ConsumerData {
    /// `DefaultMQPushConsumer`'s settings: push, clustering, from the last offset.
    fn default() -> Self {
        ConsumerData {
            group_name: String::new(),
            consume_type: ConsumeType::ConsumePassively,
            message_model: MessageModel::Clustering,
            consume_from_where: ConsumeFromWhere::ConsumeFromLastOffset,
            subscription_data_set: Vec::new(),
            unit_mode: false,
        }
    }
}

/// HEART_BEAT body (`HeartbeatData`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct HeartbeatData {
    #[serde(rename = "clientID")]
    pub client_id: String,
    pub producer_data_set: Vec<ProducerData>,
    pub consumer_data_set: Vec<ConsumerData>,
    pub heartbeat_fingerprint: i32,
    pub without_sub: bool,
}

/// Body of CHECK_CLIENT_CONFIG (`CheckClientRequestBody`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct CheckClientRequestBody {
    pub client_id: String,
    pub group: String,
    pub subscription_data: Option<SubscriptionData>,
    pub namespace: Option<String>,
}

/// Body of GET_CONSUMER_LIST_BY_GROUP's response (`GetConsumerListByGroupResponseBody`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct GetConsumerListByGroupResponseBody {
    pub consumer_id_list: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::body::{decode, encode};

    #[test]
    fn java_heartbeat_decodes() {
        let text = r#"{"clientID":"10.0.0.5@1234#5678","consumerDataSet":[{"consumeFromWhere":"CONSUME_FROM_FIRST_OFFSET","consumeType":"CONSUME_PASSIVELY","groupName":"g1","messageModel":"CLUSTERING","subscriptionDataSet":[{"classFilterMode":false,"codeSet":[2598919,2598920],"expressionType":"TAG","subString":"TagA || TagB","subVersion":1700000000000,"tagsSet":["TagA","TagB"],"topic":"TopicTest"}],"unitMode":false}],"producerDataSet":[{"groupName":"CLIENT_INNER_PRODUCER"}]}"#;
        let hb: HeartbeatData = decode(text.as_bytes()).unwrap();
        assert_eq!(hb.client_id, "10.0.0.5@1234#5678");
        let cd = &hb.consumer_data_set[0];
        assert_eq!(cd.consume_type, ConsumeType::ConsumePassively);
        assert_eq!(cd.subscription_data_set[0], {
            let mut s = SubscriptionData::build_tag("TopicTest", "TagA || TagB");
            s.sub_version = 1700000000000;
            s
        });
        let back: HeartbeatData = decode(&encode(&hb)).unwrap();
        assert_eq!(back, hb);
    }

    /// The HEART_BEAT body of the Go client (rocketmq-client-go v2 `heartbeatData.encode`,
    /// `consumer.buildSubscriptionData`): `codeSet` holds strings, `subVersion` is in
    /// nanoseconds, an empty `tagsSet` of a `*` subscription is `[]`.
    const GO_HEARTBEAT: &str = r#"{"clientID":"10.0.0.5@4242#1765000000000000000","producerDataSet":[{"groupName":"CLIENT_INNER_PRODUCER"},{"groupName":"go_pg"}],"consumerDataSet":[{"groupName":"go_cg","consumeType":"CONSUME_PASSIVELY","messageModel":"CLUSTERING","consumeFromWhere":"CONSUME_FROM_FIRST_OFFSET","subscriptionDataSet":[{"classFilterMode":false,"topic":"%RETRY%go_cg","subString":"*","tagsSet":[],"codeSet":[],"subVersion":1765000000000000001,"expressionType":"TAG"},{"classFilterMode":false,"topic":"TopicTest","subString":"TagA || TagB","tagsSet":["TagA","TagB"],"codeSet":["2598919","2598920"],"subVersion":1765000000000000002,"expressionType":"TAG"}],"unitMode":false}]}"#;

    #[test]
    fn go_client_heartbeat_decodes() {
        let hb: HeartbeatData = decode(GO_HEARTBEAT.as_bytes()).unwrap();
        assert_eq!(hb.producer_data_set.len(), 2);
        let cd = &hb.consumer_data_set[0];
        assert_eq!(cd.group_name, "go_cg");
        assert_eq!(cd.consume_type, ConsumeType::ConsumePassively);
        assert_eq!(cd.message_model, MessageModel::Clustering);
        let tagged = &cd.subscription_data_set[1];
        assert_eq!(tagged, &{
            let mut s = SubscriptionData::build_tag("TopicTest", "TagA || TagB");
            s.sub_version = 1765000000000000002;
            s
        });
        assert!(cd.subscription_data_set[0].is_sub_all());
    }

    #[test]
    fn consumer_data_enums_any_case_and_defaults() {
        let cd: ConsumerData =
            decode(br#"{"groupName":"g","consumeType":"consume_actively","messageModel":"Broadcasting","subscriptionDataSet":null,"unitMode":"true"}"#)
                .unwrap();
        assert_eq!(cd.consume_type, ConsumeType::ConsumeActively);
        assert_eq!(cd.message_model, MessageModel::Broadcasting);
        assert_eq!(
            cd.consume_from_where,
            ConsumeFromWhere::ConsumeFromLastOffset
        );
        assert!(cd.subscription_data_set.is_empty());
        assert!(cd.unit_mode);
    }

    #[test]
    fn enums_accept_ordinals_and_reject_display_names() {
        let cd: ConsumerData =
            decode(br#"{"groupName":"g","consumeType":1,"messageModel":1,"consumeFromWhere":4}"#)
                .unwrap();
        assert_eq!(cd.consume_type, ConsumeType::ConsumePassively);
        assert_eq!(cd.message_model, MessageModel::Clustering);
        assert_eq!(
            cd.consume_from_where,
            ConsumeFromWhere::ConsumeFromFirstOffset
        );
        assert!(decode::<ConsumerData>(
            br#"{"groupName":"g","consumeType":"PUSH","messageModel":1,"consumeFromWhere":4}"#
        )
        .is_err());
    }
}
