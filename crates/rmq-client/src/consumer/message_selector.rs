//! `MessageSelector`: a TAG or SQL92 subscription expression (Java `consumer/MessageSelector`).
//! SQL92 needs `enablePropertyFilter=true` on the broker.

use rmq_remoting::protocol::body::heartbeat::{EXPRESSION_TYPE_SQL92, EXPRESSION_TYPE_TAG};

/// A subscription expression and its type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageSelector {
    expression_type: &'static str,
    expression: String,
}

impl MessageSelector {
    /// Selects by an SQL92 expression over message properties (`bySql`), e.g. `a > 5`.
    pub fn by_sql(sql: impl Into<String>) -> Self {
        MessageSelector {
            expression_type: EXPRESSION_TYPE_SQL92,
            expression: sql.into(),
        }
    }

    /// Selects by tags (`byTag`), e.g. `TagA || TagB` or `*`.
    pub fn by_tag(tag: impl Into<String>) -> Self {
        MessageSelector {
            expression_type: EXPRESSION_TYPE_TAG,
            expression: tag.into(),
        }
    }

    /// Returns `TAG` or `SQL92`.
    pub fn expression_type(&self) -> &str {
        self.expression_type
    }

    /// Returns the expression.
    pub fn expression(&self) -> &str {
        &self.expression
    }
}
