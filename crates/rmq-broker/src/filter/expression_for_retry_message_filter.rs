//! `ExpressionForRetryMessageFilter`: the pull filter when `filterSupportRetry` is on (Java
//! `broker/filter/ExpressionForRetryMessageFilter`).
//!
//! Like [`ExpressionMessageFilter`], but a pull of a retry topic (`%RETRY%<group>`) with a
//! non-TAG subscription evaluates each record with the group's filter of the record's original
//! topic (its `RETRY_TOPIC` property), so that retried messages are held to the subscription
//! they were first delivered under. Java clients subscribe their retry topic with `*`, which
//! lets every retry message through either way.

use super::consumer_filter_manager::ConsumerFilterManager;
use super::expression_message_filter::ExpressionMessageFilter;
use super::message_evaluation_context::MessageEvaluationContext;
use super::BrokerMessageFilter;
use rmq_common::message::message_const::PROPERTY_RETRY_TOPIC;
use rmq_common::mix_all::RETRY_GROUP_TOPIC_PREFIX;
use rmq_filter::EvaluationContext;
use rmq_store::MessageFilter;
use std::sync::Arc;

/// The pull filter that follows retry messages back to their original topic's filter.
#[derive(Debug, Clone)]
pub struct ExpressionForRetryMessageFilter {
    inner: ExpressionMessageFilter,
    consumer_filter_manager: Arc<ConsumerFilterManager>,
}

impl ExpressionForRetryMessageFilter {
    /// Wraps a pull's filter.
    pub fn new(
        inner: ExpressionMessageFilter,
        consumer_filter_manager: Arc<ConsumerFilterManager>,
    ) -> Self {
        ExpressionForRetryMessageFilter {
            inner,
            consumer_filter_manager,
        }
    }
}

/// Java `KeyBuilder.parseGroup`: the group of a retry topic (`%RETRY%group`, or the POP v2
/// form `%RETRY%group+topic`).
fn parse_group(retry_topic: &str) -> &str {
    let strip = |s: &'_ str| -> usize { s.len().min(RETRY_GROUP_TOPIC_PREFIX.len()) };
    if retry_topic.starts_with(RETRY_GROUP_TOPIC_PREFIX) && retry_topic.contains('+') {
        // Java `split("\\+")` drops trailing empty parts.
        let parts: Vec<&str> = retry_topic.trim_end_matches('+').split('+').collect();
        if let [first, _] = parts.as_slice() {
            return first.get(strip(first)..).unwrap_or("");
        }
    }
    retry_topic.get(strip(retry_topic)..).unwrap_or("")
}

impl MessageFilter for ExpressionForRetryMessageFilter {
    fn is_matched_by_consume_queue(&self, tags_code: Option<i64>) -> bool {
        self.inner.is_matched_by_consume_queue(tags_code)
    }

    fn is_matched_by_commit_log(&self, record: &[u8]) -> bool {
        if self.inner.matches_any_record() {
            return true;
        }
        super::is_matched_by_record_properties(self, record)
    }
}

impl BrokerMessageFilter for ExpressionForRetryMessageFilter {
    fn is_matched_by_properties(&self, properties: &str) -> bool {
        let Some(sd) = self.inner.subscription_data() else {
            return true;
        };
        if self.inner.matches_any_record() {
            return true;
        }
        if !sd.topic.starts_with(RETRY_GROUP_TOPIC_PREFIX) {
            return ExpressionMessageFilter::evaluate_with(
                self.inner.consumer_filter_data().map(|d| &**d),
                properties,
            );
        }
        // A retry topic: use the group's filter of the message's original topic.
        let context = MessageEvaluationContext::new(properties);
        let real = context.get(PROPERTY_RETRY_TOPIC).and_then(|real_topic| {
            self.consumer_filter_manager
                .get(real_topic, parse_group(&sd.topic))
        });
        ExpressionMessageFilter::evaluate_with(real.as_deref(), properties)
    }

    fn as_message_filter(&self) -> &dyn MessageFilter {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rmq_remoting::protocol::body::heartbeat::SubscriptionData;

    #[test]
    fn groups_of_retry_topics() {
        assert_eq!(parse_group("%RETRY%G"), "G");
        assert_eq!(parse_group("%RETRY%G+T"), "G");
        assert_eq!(parse_group("%RETRY%G_T"), "G_T");
        assert_eq!(parse_group("%RETRY%G+T+"), "G");
        assert_eq!(parse_group("%RETRY%G+"), "G+");
        assert_eq!(parse_group("%RETRY%G+T+U"), "G+T+U");
    }

    #[test]
    fn retry_messages_use_the_original_topic_filter() {
        let m = Arc::new(ConsumerFilterManager::in_memory());
        assert!(m.register("T", "G", "a > 5", "SQL92", 1));
        assert!(m.register("%RETRY%G", "G", "TRUE", "SQL92", 1));
        let sd = Arc::new(SubscriptionData::build("%RETRY%G", "TRUE", "SQL92"));
        let f = ExpressionForRetryMessageFilter::new(
            ExpressionMessageFilter::new(Some(sd), m.get("%RETRY%G", "G")),
            m.clone(),
        );
        assert!(f.is_matched_by_properties("RETRY_TOPIC\u{1}T\u{2}a\u{1}6\u{2}"));
        assert!(!f.is_matched_by_properties("RETRY_TOPIC\u{1}T\u{2}a\u{1}1\u{2}"));
        // No filter for the original topic: matched.
        assert!(f.is_matched_by_properties("RETRY_TOPIC\u{1}U\u{2}a\u{1}1\u{2}"));
        // A TAG subscription of the retry topic (what Java clients send): everything.
        let tag = ExpressionForRetryMessageFilter::new(
            ExpressionMessageFilter::new(
                Some(Arc::new(SubscriptionData::build_tag("%RETRY%G", "*"))),
                None,
            ),
            m.clone(),
        );
        assert!(tag.is_matched_by_properties("RETRY_TOPIC\u{1}T\u{2}a\u{1}1\u{2}"));
        // A normal topic behaves as ExpressionMessageFilter.
        let sd = Arc::new(SubscriptionData::build("T", "a > 5", "SQL92"));
        let normal = ExpressionForRetryMessageFilter::new(
            ExpressionMessageFilter::new(Some(sd), m.get("T", "G")),
            m,
        );
        assert!(!normal.is_matched_by_properties("a\u{1}1\u{2}"));
        assert!(normal.is_matched_by_properties("a\u{1}7\u{2}"));
    }
}
