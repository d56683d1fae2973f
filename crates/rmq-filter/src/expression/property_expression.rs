//! A message property reference (Java `PropertyExpression`).

use super::evaluation_context::EvaluationContext;
use super::value::Value;
use std::fmt;

/// Reads the property `name`; a missing property is `null`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PropertyExpression {
    name: String,
}

impl PropertyExpression {
    /// Refers to the property `name` (case-sensitive, as message properties are).
    pub fn new(name: impl Into<String>) -> Self {
        PropertyExpression { name: name.into() }
    }

    /// Returns the property name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Returns the property's value as a string, or `null`.
    pub fn evaluate<'a>(&self, context: &'a dyn EvaluationContext) -> Value<'a> {
        context.get(&self.name).map_or(Value::Null, Value::String)
    }
}

impl fmt::Display for PropertyExpression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}
