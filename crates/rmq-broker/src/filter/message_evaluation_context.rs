//! What a filter expression reads message properties from (Java `MessageEvaluationContext`).
//!
//! Java decodes a record's properties into a map and looks names up there. The broker here
//! evaluates straight on the record's properties string (`name\x01value\x02...`): a lookup
//! scans the pairs, the last occurrence of a name wins and pairs without a name or a value do
//! not count, as with Java's `string2messageProperties` map. The tag is the `TAGS` property,
//! so `TAGS = 'TagA'` works like any other property.

use rmq_common::message::message_decoder::{NAME_VALUE_SEPARATOR, PROPERTY_SEPARATOR};
use rmq_filter::{EvaluationContext, Expression, Value};

/// A message's properties, as an evaluation context.
#[derive(Debug, Clone, Copy)]
pub struct MessageEvaluationContext<'a> {
    properties: &'a str,
}

impl<'a> MessageEvaluationContext<'a> {
    /// Wraps a record's properties string.
    pub fn new(properties: &'a str) -> Self {
        MessageEvaluationContext { properties }
    }
}

impl EvaluationContext for MessageEvaluationContext<'_> {
    fn get(&self, name: &str) -> Option<&str> {
        self.properties
            .split(PROPERTY_SEPARATOR)
            .filter_map(|pair| pair.split_once(NAME_VALUE_SEPARATOR))
            .filter(|(k, v)| *k == name && !v.is_empty())
            .map(|(_, v)| v)
            .next_back()
    }
}

/// Evaluates a compiled expression on a message's properties (the end of Java
/// `ExpressionMessageFilter#isMatchedByCommitLog`): only `TRUE` matches; `NULL`, other values
/// and evaluation errors (logged) do not.
pub fn evaluate(expression: &dyn Expression, properties: &str) -> bool {
    let context = MessageEvaluationContext::new(properties);
    match expression.evaluate(&context) {
        Ok(Value::Boolean(b)) => b,
        Ok(_) => false,
        Err(e) => {
            // Java logs this at error level for every message; it is an ordinary outcome
            // (e.g. a property that is not a number), so it is a debug line here.
            tracing::debug!(expression = %expression, error = %e, "Message Filter error");
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups() {
        let c =
            MessageEvaluationContext::new("a\u{1}1\u{2}TAGS\u{1}TagA\u{2}e\u{1}\u{2}a\u{1}2\u{2}");
        assert_eq!(c.get("a"), Some("2"));
        assert_eq!(c.get("TAGS"), Some("TagA"));
        assert_eq!(c.get("e"), None);
        assert_eq!(c.get("x"), None);
        let e = rmq_filter::compile("SQL92", "a > 1 AND TAGS = 'TagA'").unwrap();
        assert!(evaluate(&*e, "a\u{1}2\u{2}TAGS\u{1}TagA\u{2}"));
        assert!(!evaluate(&*e, "a\u{1}x\u{2}TAGS\u{1}TagA\u{2}"));
        assert!(!evaluate(&*e, "TAGS\u{1}TagA\u{2}"));
    }
}
