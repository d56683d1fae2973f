//! The SQL92 filter (Java `SqlFilter`): a wrapper of [`SelectorParser`].

use crate::expression::Expression;
use crate::expression_type::ExpressionType;
use crate::filter_error::FilterError;
use crate::filter_spi::FilterSpi;
use crate::parser::SelectorParser;

/// Compiles SQL92 selectors. Java keeps the last 100 parse results in a cache; parsing a
/// selector takes microseconds, and brokers compile once per subscription, so there is none.
#[derive(Debug, Default, Clone, Copy)]
pub struct SqlFilter;

impl FilterSpi for SqlFilter {
    fn compile(&self, expr: &str) -> Result<Box<dyn Expression>, FilterError> {
        Ok(Box::new(SelectorParser::parse(expr)?))
    }

    fn of_type(&self) -> &str {
        ExpressionType::SQL92
    }
}
