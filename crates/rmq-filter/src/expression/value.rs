//! Values that expressions produce, typed as the Java objects they stand for (`Boolean`,
//! `Integer`, `Long`, `Double`, `String`, or `null`).

use crate::java_lang::{double_to_string, string_compare};
use std::cmp::Ordering;
use std::fmt;

/// The result of evaluating an expression. Strings borrow from the expression (constants) or
/// from the evaluation context (message properties).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value<'a> {
    /// Java `null`: unknown, e.g. a missing property.
    Null,
    /// `java.lang.Boolean`.
    Boolean(bool),
    /// `java.lang.Integer`: decimal literals that fit 32 bits.
    Integer(i32),
    /// `java.lang.Long`: larger decimal literals.
    Long(i64),
    /// `java.lang.Double`: floating point literals and converted strings.
    Double(f64),
    /// `java.lang.String`: string literals and property values.
    String(&'a str),
}

impl Value<'_> {
    /// Returns true for `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The Java class's simple name, for error texts.
    pub fn java_class(&self) -> &'static str {
        match self {
            Value::Null => "Object",
            Value::Boolean(_) => "Boolean",
            Value::Integer(_) => "Integer",
            Value::Long(_) => "Long",
            Value::Double(_) => "Double",
            Value::String(_) => "String",
        }
    }

    /// Java `Comparable#compareTo` between two values of the same class; `None` otherwise.
    pub(crate) fn compare_same_class(&self, other: &Value<'_>) -> Option<Ordering> {
        Some(match (self, other) {
            (Value::Boolean(a), Value::Boolean(b)) => a.cmp(b),
            (Value::Integer(a), Value::Integer(b)) => a.cmp(b),
            (Value::Long(a), Value::Long(b)) => a.cmp(b),
            (Value::Double(a), Value::Double(b)) => crate::java_lang::double_compare(*a, *b),
            (Value::String(a), Value::String(b)) => string_compare(a, b),
            _ => return None,
        })
    }
}

/// Java `String.valueOf(value)`.
impl fmt::Display for Value<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("null"),
            Value::Boolean(b) => write!(f, "{b}"),
            Value::Integer(i) => write!(f, "{i}"),
            Value::Long(l) => write!(f, "{l}"),
            Value::Double(d) => f.write_str(&double_to_string(*d)),
            Value::String(s) => f.write_str(s),
        }
    }
}
