//! Expression types of a subscription (Java `common/filter/ExpressionType`).

/// The expression types a subscription can use.
pub struct ExpressionType;

impl ExpressionType {
    /// SQL92 selectors over message properties, such as `(a > 10 AND a < 100) OR b IS NULL`.
    pub const SQL92: &'static str = "SQL92";
    /// Tag expressions such as `TagA || TagB`, or `*` / empty for every message.
    pub const TAG: &'static str = "TAG";

    /// Returns true for the TAG type, which is also what an absent or empty type means.
    pub fn is_tag_type(expression_type: Option<&str>) -> bool {
        matches!(expression_type, None | Some("") | Some(Self::TAG))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_type() {
        assert!(ExpressionType::is_tag_type(None));
        assert!(ExpressionType::is_tag_type(Some("")));
        assert!(ExpressionType::is_tag_type(Some("TAG")));
        assert!(!ExpressionType::is_tag_type(Some("SQL92")));
        // Java compares exactly.
        assert!(!ExpressionType::is_tag_type(Some("tag")));
    }
}
