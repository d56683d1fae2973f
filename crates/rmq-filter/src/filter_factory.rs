//! The registry of filter implementations by expression type (Java `FilterFactory`), and
//! [`compile`], the entry point brokers use.

use crate::expression::Expression;
use crate::filter_error::FilterError;
use crate::filter_spi::FilterSpi;
use crate::sql_filter::SqlFilter;
use std::collections::HashMap;
use std::sync::Arc;

/// Filter implementations by expression type; [`FilterFactory::new`] has SQL92 registered,
/// as Java's `FilterFactory.INSTANCE` does.
pub struct FilterFactory {
    filters: HashMap<String, Arc<dyn FilterSpi>>,
}

impl Default for FilterFactory {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for FilterFactory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FilterFactory")
            .field("types", &self.filters.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl FilterFactory {
    /// A factory with the SQL92 filter.
    pub fn new() -> Self {
        let mut f = FilterFactory {
            filters: HashMap::new(),
        };
        f.filters.insert(
            SqlFilter.of_type().to_string(),
            Arc::new(SqlFilter) as Arc<dyn FilterSpi>,
        );
        f
    }

    /// Registers a filter; a type can be registered once (Java `register`).
    pub fn register(&mut self, filter: Arc<dyn FilterSpi>) -> Result<(), FilterError> {
        let t = filter.of_type().to_string();
        if self.filters.contains_key(&t) {
            return Err(FilterError::DuplicateExpressionType { expression_type: t });
        }
        self.filters.insert(t, filter);
        Ok(())
    }

    /// Removes a filter (Java `unRegister`).
    pub fn unregister(&mut self, expression_type: &str) -> Option<Arc<dyn FilterSpi>> {
        self.filters.remove(expression_type)
    }

    /// Returns the filter of a type (Java `get`).
    pub fn get(&self, expression_type: &str) -> Option<&Arc<dyn FilterSpi>> {
        self.filters.get(expression_type)
    }

    /// Compiles `expression` with the filter of `expression_type`.
    pub fn compile(
        &self,
        expression_type: &str,
        expression: &str,
    ) -> Result<Box<dyn Expression>, FilterError> {
        match self.get(expression_type) {
            Some(f) => f.compile(expression),
            None => Err(FilterError::UnsupportedExpressionType {
                expression_type: expression_type.to_string(),
            }),
        }
    }
}

/// Compiles an expression of a type with the built-in filters (Java
/// `FilterFactory.INSTANCE.get(type).compile(expression)`). Only `SQL92` is built in; TAG
/// expressions are matched by tag hash codes and never compiled.
pub fn compile(
    expression_type: &str,
    expression: &str,
) -> Result<Box<dyn Expression>, FilterError> {
    if expression_type == SqlFilter.of_type() {
        return SqlFilter.compile(expression);
    }
    Err(FilterError::UnsupportedExpressionType {
        expression_type: expression_type.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn factory() {
        let mut f = FilterFactory::new();
        assert!(f.get("SQL92").is_some());
        assert!(f.register(Arc::new(SqlFilter)).is_err());
        let e = f.compile("SQL92", "a > 1").unwrap();
        let props: HashMap<String, String> = [("a".to_string(), "2".to_string())].into();
        assert!(e.matches(&props));
        assert!(matches!(
            f.compile("FOO", "a > 1"),
            Err(FilterError::UnsupportedExpressionType { .. })
        ));
        assert!(f.unregister("SQL92").is_some());
        assert!(f.get("SQL92").is_none());
        assert!(compile("TAG", "*").is_err());
    }
}
