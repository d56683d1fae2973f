//! The interface of a filter implementation (Java `FilterSpi`).

use crate::expression::Expression;
use crate::filter_error::FilterError;

/// Compiles expressions of one type. Filters registered with a broker run for every pulled
/// message, so they must be fast and must not panic.
pub trait FilterSpi: Send + Sync {
    /// Compiles an expression (Java `compile`).
    fn compile(&self, expr: &str) -> Result<Box<dyn Expression>, FilterError>;

    /// The expression type this filter handles (Java `ofType`).
    fn of_type(&self) -> &str;
}
