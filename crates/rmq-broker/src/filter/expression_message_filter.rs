//! `ExpressionMessageFilter`: the filter of a pull (Java
//! `broker/filter/ExpressionMessageFilter`).
//!
//! TAG subscriptions: a ConsumeQueue unit matches when the subscription is `*`, when the unit
//! has no tag code, or when its tag code (Java `String.hashCode()` of the tag) is in the
//! subscription's `codeSet`; hash collisions can let a foreign tag through, and Java clients
//! re-check the tag string (`tagsSet`). Every record then matches.
//!
//! SQL92 (any non-TAG type) subscriptions: every ConsumeQueue unit may match (Java consults
//! the bloom-filter bit map of the ConsumeQueue extension here, which rmq does not keep); a
//! record matches when the group's compiled expression evaluates to `TRUE` on the record's
//! properties, `TAGS` included. Without compiled filter data (none registered, or it failed to
//! compile when loaded) every record matches, as in Java.

use super::consumer_filter_data::ConsumerFilterData;
use super::message_evaluation_context::evaluate;
use super::BrokerMessageFilter;
use rmq_remoting::protocol::body::heartbeat::SubscriptionData;
use rmq_store::MessageFilter;
use std::sync::Arc;

/// The filter of one pull.
#[derive(Debug, Clone)]
pub struct ExpressionMessageFilter {
    subscription_data: Option<Arc<SubscriptionData>>,
    consumer_filter_data: Option<Arc<ConsumerFilterData>>,
}

impl ExpressionMessageFilter {
    /// Builds a filter; without a subscription everything matches.
    pub fn new(
        subscription_data: Option<Arc<SubscriptionData>>,
        consumer_filter_data: Option<Arc<ConsumerFilterData>>,
    ) -> Self {
        ExpressionMessageFilter {
            subscription_data,
            consumer_filter_data,
        }
    }

    /// Returns the subscription.
    pub fn subscription_data(&self) -> Option<&Arc<SubscriptionData>> {
        self.subscription_data.as_ref()
    }

    /// Returns the compiled filter of the subscription's topic and group.
    pub fn consumer_filter_data(&self) -> Option<&Arc<ConsumerFilterData>> {
        self.consumer_filter_data.as_ref()
    }

    /// True when records need no evaluation: no subscription, class filter mode, or TAG.
    pub(super) fn matches_any_record(&self) -> bool {
        match &self.subscription_data {
            None => true,
            Some(sd) => sd.class_filter_mode || sd.is_tag_type(),
        }
    }

    /// Evaluates `filter_data`'s expression on a properties string; true without one.
    pub(super) fn evaluate_with(
        filter_data: Option<&ConsumerFilterData>,
        properties: &str,
    ) -> bool {
        match filter_data.and_then(|d| d.compiled_expression.as_deref()) {
            Some(expression) => evaluate(expression, properties),
            None => true,
        }
    }
}

impl MessageFilter for ExpressionMessageFilter {
    fn is_matched_by_consume_queue(&self, tags_code: Option<i64>) -> bool {
        let Some(sd) = &self.subscription_data else {
            return true;
        };
        if sd.class_filter_mode || !sd.is_tag_type() {
            return true;
        }
        let Some(code) = tags_code else {
            return true;
        };
        if sd.is_sub_all() {
            return true;
        }
        // Java compares `codeSet.contains(tagsCode.intValue())`.
        sd.code_set.contains(&(code as i32))
    }

    fn is_matched_by_commit_log(&self, record: &[u8]) -> bool {
        if self.matches_any_record() || self.consumer_filter_data.is_none() {
            return true;
        }
        super::is_matched_by_record_properties(self, record)
    }
}

impl BrokerMessageFilter for ExpressionMessageFilter {
    fn is_matched_by_properties(&self, properties: &str) -> bool {
        if self.matches_any_record() {
            return true;
        }
        Self::evaluate_with(self.consumer_filter_data.as_deref(), properties)
    }

    fn as_message_filter(&self) -> &dyn MessageFilter {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::consumer_filter_manager::ConsumerFilterManager;
    use rmq_common::java_hash::string_hash_code;

    #[test]
    fn tag_codes() {
        let f = ExpressionMessageFilter::new(
            Some(Arc::new(SubscriptionData::build_tag("T", "TagA || TagB"))),
            None,
        );
        assert!(f.is_matched_by_consume_queue(Some(string_hash_code("TagA") as i64)));
        assert!(f.is_matched_by_consume_queue(Some(string_hash_code("TagB") as i64)));
        assert!(!f.is_matched_by_consume_queue(Some(string_hash_code("TagC") as i64)));
        assert!(f.is_matched_by_consume_queue(None));
        assert!(f.is_matched_by_properties("TAGS\u{1}TagC\u{2}"));
        let all = ExpressionMessageFilter::new(
            Some(Arc::new(SubscriptionData::build_tag("T", "*"))),
            None,
        );
        assert!(all.is_matched_by_consume_queue(Some(5)));
        assert!(ExpressionMessageFilter::new(None, None).is_matched_by_consume_queue(Some(5)));
    }

    #[test]
    fn sql92_on_properties() {
        let sd = Arc::new(SubscriptionData::build(
            "T",
            "a > 5 AND TAGS = 'A'",
            "SQL92",
        ));
        let data = ConsumerFilterManager::build("T", "G", &sd.sub_string, "SQL92", 1).unwrap();
        let f = ExpressionMessageFilter::new(Some(sd.clone()), Some(Arc::new(data)));
        assert!(f.is_matched_by_consume_queue(Some(1)));
        assert!(f.is_matched_by_properties("a\u{1}6\u{2}TAGS\u{1}A\u{2}"));
        assert!(!f.is_matched_by_properties("a\u{1}5\u{2}TAGS\u{1}A\u{2}"));
        assert!(!f.is_matched_by_properties("TAGS\u{1}A\u{2}"));
        assert!(!f.is_matched_by_commit_log(b"garbage"));
        // No filter data: everything matches.
        let none = ExpressionMessageFilter::new(Some(sd), None);
        assert!(none.is_matched_by_properties("a\u{1}1\u{2}"));
        assert!(none.is_matched_by_commit_log(b"garbage"));
    }
}
