//! Literals (Java `ConstantExpression` and `BooleanConstantExpression`).
//!
//! Decimal literals become `Integer` when they fit 32 bits and `Long` otherwise (larger ones
//! fail as Java's `new Long(text)` does); floating point literals become `Double` and must be
//! finite and at least `Double.MIN_VALUE` (so `0.0` is rejected, as in Java). Negative numbers
//! are not literals: `-5` is a negation of `5`, evaluated at run time.

use super::value::Value;
use crate::filter_error::JavaException;
use crate::java_lang::{double_to_string, parse_long};
use std::fmt;

/// The value of a literal.
#[derive(Debug, Clone, PartialEq)]
pub enum ConstantValue {
    /// `NULL`.
    Null,
    /// `TRUE` or `FALSE`.
    Boolean(bool),
    /// A decimal literal within 32 bits.
    Integer(i32),
    /// A larger decimal literal.
    Long(i64),
    /// A floating point literal.
    Double(f64),
    /// A string literal, unescaped.
    String(String),
}

/// A literal.
#[derive(Debug, Clone, PartialEq)]
pub struct ConstantExpression {
    value: ConstantValue,
}

impl ConstantExpression {
    /// `NULL` (Java `BooleanConstantExpression.NULL`).
    pub const NULL: ConstantExpression = ConstantExpression {
        value: ConstantValue::Null,
    };
    /// `TRUE`.
    pub const TRUE: ConstantExpression = ConstantExpression {
        value: ConstantValue::Boolean(true),
    };
    /// `FALSE`.
    pub const FALSE: ConstantExpression = ConstantExpression {
        value: ConstantValue::Boolean(false),
    };

    /// A string literal with its quotes removed and `''` unescaped.
    pub fn string(value: impl Into<String>) -> Self {
        ConstantExpression {
            value: ConstantValue::String(value.into()),
        }
    }

    /// Java `createFromDecimal`: strips an `l`/`L` suffix, parses a `Long`, narrows to
    /// `Integer` when it fits.
    pub fn create_from_decimal(text: &str) -> Result<Self, JavaException> {
        let digits = text.strip_suffix(['l', 'L']).unwrap_or(text);
        let l = parse_long(digits)?;
        let value = match i32::try_from(l) {
            Ok(i) => ConstantValue::Integer(i),
            Err(_) => ConstantValue::Long(l),
        };
        Ok(ConstantExpression { value })
    }

    /// Java `createFloat`: a finite double not below `Double.MIN_VALUE`.
    pub fn create_float(text: &str) -> Result<Self, JavaException> {
        let d = crate::java_lang::parse_double(text)?;
        if d > f64::MAX {
            return Err(JavaException::runtime(format!(
                "{text} is greater than {}",
                double_to_string(f64::MAX)
            )));
        }
        let min_value = f64::from_bits(1);
        if d < min_value {
            return Err(JavaException::runtime(format!(
                "{text} is less than {}",
                double_to_string(min_value)
            )));
        }
        Ok(ConstantExpression {
            value: ConstantValue::Double(d),
        })
    }

    /// Returns the literal's value.
    pub fn value(&self) -> Value<'_> {
        match &self.value {
            ConstantValue::Null => Value::Null,
            ConstantValue::Boolean(b) => Value::Boolean(*b),
            ConstantValue::Integer(i) => Value::Integer(*i),
            ConstantValue::Long(l) => Value::Long(*l),
            ConstantValue::Double(d) => Value::Double(*d),
            ConstantValue::String(s) => Value::String(s),
        }
    }

    /// Returns true for `TRUE`, `FALSE` and `NULL`, Java's `BooleanConstantExpression`s.
    pub fn is_boolean_constant(&self) -> bool {
        matches!(self.value, ConstantValue::Null | ConstantValue::Boolean(_))
    }

    /// Returns true for numeric literals (Java `value instanceof Number`).
    pub fn is_number(&self) -> bool {
        matches!(
            self.value,
            ConstantValue::Integer(_) | ConstantValue::Long(_) | ConstantValue::Double(_)
        )
    }
}

/// Java `encodeString`: quotes the string and doubles its quotes.
pub fn encode_string(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

impl fmt::Display for ConstantExpression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.value {
            ConstantValue::Null => f.write_str("NULL"),
            ConstantValue::Boolean(true) => f.write_str("TRUE"),
            ConstantValue::Boolean(false) => f.write_str("FALSE"),
            ConstantValue::String(s) => f.write_str(&encode_string(s)),
            ConstantValue::Integer(i) => write!(f, "{i}"),
            ConstantValue::Long(l) => write!(f, "{l}"),
            ConstantValue::Double(d) => f.write_str(&double_to_string(*d)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals() {
        assert_eq!(
            ConstantExpression::create_from_decimal("5")
                .unwrap()
                .value(),
            Value::Integer(5)
        );
        assert_eq!(
            ConstantExpression::create_from_decimal("5L")
                .unwrap()
                .value(),
            Value::Integer(5)
        );
        assert_eq!(
            ConstantExpression::create_from_decimal("2147483648")
                .unwrap()
                .value(),
            Value::Long(2147483648)
        );
        assert_eq!(
            ConstantExpression::create_from_decimal("99999999999999999999")
                .unwrap_err()
                .to_string(),
            "java.lang.NumberFormatException: For input string: \"99999999999999999999\""
        );
    }

    #[test]
    fn floats() {
        assert_eq!(
            ConstantExpression::create_float("1.5").unwrap().value(),
            Value::Double(1.5)
        );
        assert_eq!(
            ConstantExpression::create_float("0.0")
                .unwrap_err()
                .to_string(),
            "java.lang.RuntimeException: 0.0 is less than 4.9E-324"
        );
        assert_eq!(
            ConstantExpression::create_float("1e309")
                .unwrap_err()
                .to_string(),
            "java.lang.RuntimeException: 1e309 is greater than 1.7976931348623157E308"
        );
    }

    #[test]
    fn text() {
        assert_eq!(ConstantExpression::string("it's").to_string(), "'it''s'");
        assert_eq!(ConstantExpression::NULL.to_string(), "NULL");
        assert_eq!(
            ConstantExpression::create_float("1e10")
                .unwrap()
                .to_string(),
            "1.0E10"
        );
    }
}
