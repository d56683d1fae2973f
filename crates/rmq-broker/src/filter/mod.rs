//! Broker-side message filters (Java `broker/filter`): TAG subscriptions are matched on the
//! ConsumeQueue tag codes, SQL92 subscriptions on the properties of the CommitLog records,
//! with the expressions compiled once per topic and group by the [`ConsumerFilterManager`].
//!
//! [`ConsumerFilterManager`]: consumer_filter_manager::ConsumerFilterManager

pub mod consumer_filter_data;
pub mod consumer_filter_manager;
pub mod expression_for_retry_message_filter;
pub mod expression_message_filter;
pub mod message_evaluation_context;

use rmq_common::message::message_decoder::decode_properties_string;
use rmq_store::MessageFilter;

/// A pull's filter as the broker needs it (Java's `MessageFilter` has both forms of
/// `isMatchedByCommitLog`): the store's checks, plus the check of a message that has just
/// arrived, by its properties, when a long-polling pull is woken.
pub trait BrokerMessageFilter: MessageFilter {
    /// Returns true when a message with this properties string (`name\x01value\x02...`)
    /// matches (Java `isMatchedByCommitLog(null, properties)`).
    fn is_matched_by_properties(&self, properties: &str) -> bool;

    /// The filter as the store takes it.
    fn as_message_filter(&self) -> &dyn MessageFilter;
}

/// Matches a CommitLog record by its properties; an unreadable record does not match.
fn is_matched_by_record_properties(filter: &impl BrokerMessageFilter, record: &[u8]) -> bool {
    match decode_properties_string(record) {
        Ok(properties) => filter.is_matched_by_properties(&properties),
        Err(e) => {
            tracing::warn!(error = %e, "cannot read the properties of a record to filter");
            false
        }
    }
}
