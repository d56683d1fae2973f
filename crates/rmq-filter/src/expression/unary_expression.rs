//! Expressions of one operand (Java `UnaryExpression`, `UnaryInExpression` and the
//! `ContainsExpression`-style classes nested in `ComparisonExpression`).
//!
//! * negation: numbers change sign, anything else (and `null`) gives `null`;
//! * `NOT`: `null` stays `null`;
//! * boolean cast (a bare property used as a condition): `null` stays `null`, a non-boolean
//!   value is `FALSE`, so a property alone never matches (property values are strings);
//! * `IN`: `null` when the property is missing, else whether the value is in the list (negated
//!   for `NOT IN`);
//! * `CONTAINS`, `STARTSWITH`, `ENDSWITH` and their `NOT` forms: `FALSE` for an empty search
//!   text, a missing property or a non-string value, else the (negated) string test.

use super::evaluation_context::EvaluationContext;
use super::property_expression::PropertyExpression;
use super::value::Value;
use super::{cast_to_boolean, Expr};
use crate::filter_error::JavaException;
use crate::java_lang::hash_set_order;
use std::fmt;

/// Which string test a string match makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StringMatchKind {
    /// `CONTAINS`.
    Contains,
    /// `STARTSWITH`.
    StartsWith,
    /// `ENDSWITH`.
    EndsWith,
}

impl StringMatchKind {
    fn symbol(self) -> &'static str {
        match self {
            StringMatchKind::Contains => "CONTAINS",
            StringMatchKind::StartsWith => "STARTSWITH",
            StringMatchKind::EndsWith => "ENDSWITH",
        }
    }

    fn test(self, value: &str, search: &str) -> bool {
        match self {
            StringMatchKind::Contains => value.contains(search),
            StringMatchKind::StartsWith => value.starts_with(search),
            StringMatchKind::EndsWith => value.ends_with(search),
        }
    }
}

/// A unary expression.
#[derive(Debug, Clone, PartialEq)]
pub enum UnaryExpression {
    /// `-operand`.
    Negate(Box<Expr>),
    /// `NOT operand`.
    Not(Box<Expr>),
    /// A property used where a boolean is needed.
    BooleanCast(Box<Expr>),
    /// `property [NOT] IN ('a', 'b', ...)`.
    In {
        /// The property tested.
        right: PropertyExpression,
        /// The strings listed.
        in_list: Vec<String>,
        /// `NOT IN`.
        not: bool,
    },
    /// `operand [NOT] CONTAINS|STARTSWITH|ENDSWITH 'search'`.
    StringMatch {
        /// The test.
        kind: StringMatchKind,
        /// The `NOT` form.
        negated: bool,
        /// The value tested.
        right: Box<Expr>,
        /// The text searched for.
        search: String,
    },
}

impl UnaryExpression {
    /// Java `createNegate`.
    pub fn create_negate(operand: Expr) -> Expr {
        Expr::Unary(UnaryExpression::Negate(Box::new(operand)))
    }

    /// Java `createNOT`.
    pub fn create_not(operand: Expr) -> Expr {
        Expr::Unary(UnaryExpression::Not(Box::new(operand)))
    }

    /// Java `createBooleanCast`.
    pub fn create_boolean_cast(operand: Expr) -> Expr {
        Expr::Unary(UnaryExpression::BooleanCast(Box::new(operand)))
    }

    /// Java `createInExpression`.
    pub fn create_in_expression(
        right: PropertyExpression,
        in_list: Vec<String>,
        not: bool,
    ) -> Expr {
        Expr::Unary(UnaryExpression::In {
            right,
            in_list,
            not,
        })
    }

    pub(crate) fn create_string_match(
        kind: StringMatchKind,
        negated: bool,
        right: Expr,
        search: String,
    ) -> Expr {
        Expr::Unary(UnaryExpression::StringMatch {
            kind,
            negated,
            right: Box::new(right),
            search,
        })
    }

    /// Returns true for the variants that are Java `BooleanExpression`s (all but negation).
    pub fn is_boolean_expression(&self) -> bool {
        !matches!(self, UnaryExpression::Negate(_))
    }

    /// Java `evaluate`.
    pub(crate) fn evaluate<'a>(
        &'a self,
        context: &'a dyn EvaluationContext,
    ) -> Result<Value<'a>, JavaException> {
        Ok(match self {
            UnaryExpression::Negate(operand) => match operand.eval(context)? {
                Value::Integer(i) => Value::Integer(i.wrapping_neg()),
                Value::Long(l) => Value::Long(l.wrapping_neg()),
                Value::Double(d) => Value::Double(-d),
                _ => Value::Null,
            },
            UnaryExpression::Not(operand) => match cast_to_boolean(operand.eval(context)?)? {
                Some(b) => Value::Boolean(!b),
                None => Value::Null,
            },
            UnaryExpression::BooleanCast(operand) => match operand.eval(context)? {
                Value::Null => Value::Null,
                Value::Boolean(b) => Value::Boolean(b),
                _ => Value::Boolean(false),
            },
            UnaryExpression::In {
                right,
                in_list,
                not,
            } => match right.evaluate(context) {
                Value::String(s) => Value::Boolean(in_list.iter().any(|e| e == s) ^ not),
                _ => Value::Null,
            },
            UnaryExpression::StringMatch {
                kind,
                negated,
                right,
                search,
            } => {
                if search.is_empty() {
                    return Ok(Value::Boolean(false));
                }
                match right.eval(context)? {
                    Value::String(s) => Value::Boolean(kind.test(s, search) ^ negated),
                    _ => Value::Boolean(false),
                }
            }
        })
    }
}

/// Java `toString()`: `(symbol operand)`; a cast shows its operand only; `IN` shows
/// `property IN ( a, b )` with the values unquoted, five or more in `HashSet` order.
impl fmt::Display for UnaryExpression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UnaryExpression::Negate(operand) => write!(f, "(- {operand})"),
            UnaryExpression::Not(operand) => write!(f, "(NOT {operand})"),
            UnaryExpression::BooleanCast(operand) => write!(f, "{operand}"),
            UnaryExpression::In {
                right,
                in_list,
                not,
            } => {
                let symbol = if *not { "NOT IN" } else { "IN" };
                let items: Vec<&str> = if in_list.len() < 5 {
                    in_list.iter().map(String::as_str).collect()
                } else {
                    hash_set_order(in_list)
                };
                write!(f, "{right} {symbol} ( {} )", items.join(", "))
            }
            UnaryExpression::StringMatch {
                kind,
                negated,
                right,
                ..
            } => {
                let not = if *negated { "NOT " } else { "" };
                write!(f, "({not}{} {right})", kind.symbol())
            }
        }
    }
}
