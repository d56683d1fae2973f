//! `ExpressionMessageFilter`: the broker-side tag filter of a pull (Java
//! `broker/filter/ExpressionMessageFilter`, TAG expressions only).
//!
//! A ConsumeQueue unit matches when the subscription is `*`, when the unit has no tag code, or
//! when the unit's tag code (Java `String.hashCode()` of the tag) is in the subscription's
//! `codeSet`. Hash collisions can let a foreign tag through; Java clients re-check the tag
//! string (`tagsSet`). SQL92 subscriptions are refused before a filter is built.

use rmq_remoting::protocol::body::heartbeat::SubscriptionData;
use rmq_store::MessageFilter;
use std::sync::Arc;

/// The tag filter of one subscription.
#[derive(Debug, Clone)]
pub struct ExpressionMessageFilter {
    subscription_data: Option<Arc<SubscriptionData>>,
}

impl ExpressionMessageFilter {
    /// Builds a filter; `None` matches everything.
    pub fn new(subscription_data: Option<Arc<SubscriptionData>>) -> Self {
        ExpressionMessageFilter { subscription_data }
    }

    /// Returns the subscription.
    pub fn subscription_data(&self) -> Option<&Arc<SubscriptionData>> {
        self.subscription_data.as_ref()
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

    fn is_matched_by_commit_log(&self, _record: &[u8]) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rmq_common::java_hash::string_hash_code;

    #[test]
    fn tag_codes() {
        let f = ExpressionMessageFilter::new(Some(Arc::new(SubscriptionData::build_tag(
            "T",
            "TagA || TagB",
        ))));
        assert!(f.is_matched_by_consume_queue(Some(string_hash_code("TagA") as i64)));
        assert!(f.is_matched_by_consume_queue(Some(string_hash_code("TagB") as i64)));
        assert!(!f.is_matched_by_consume_queue(Some(string_hash_code("TagC") as i64)));
        assert!(f.is_matched_by_consume_queue(None));
        let all =
            ExpressionMessageFilter::new(Some(Arc::new(SubscriptionData::build_tag("T", "*"))));
        assert!(all.is_matched_by_consume_queue(Some(5)));
        assert!(ExpressionMessageFilter::new(None).is_matched_by_consume_queue(Some(5)));
    }
}
