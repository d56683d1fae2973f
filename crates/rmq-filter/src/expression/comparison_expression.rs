//! Comparisons (Java `ComparisonExpression`): `=`, `>`, `>=`, `<`, `<=`, and the builders
//! of the operators defined through them (`<>`, `IS [NOT] NULL`, `[NOT] BETWEEN`, `[NOT] IN`,
//! `[NOT] CONTAINS | STARTSWITH | ENDSWITH`).
//!
//! Semantics (Java, with `CONVERT_STRING_EXPRESSIONS` on, as `SelectorParser` sets it):
//!
//! * `=`: `null` on the left gives `null`, `null` on the right only gives `FALSE`, two nulls
//!   are equal (this is `IS NULL`); equal objects are `TRUE`; otherwise both sides are compared
//!   after converting one to the other's type (below) and `TRUE` when that gives 0;
//! * `>`, `>=`, `<`, `<=`: `null` on either side gives `null`; two strings are both parsed as
//!   doubles (an error if one does not parse); otherwise the sides are converted and compared;
//! * conversion (`__compare`): `Integer` widens to `Long` or `Double`, `Long` to `Double`; a
//!   string compared with a number is parsed by that number's `valueOf` (a failure is an
//!   error), with a boolean by `Boolean.valueOf`; a boolean compared with anything but a boolean
//!   or a string, or a number with a boolean, compares as "less" (-1).
//!
//! The builders validate operands as Java does: `>`-style operators take no string, boolean or
//! null literal and no boolean expression; `=` takes no `NULL` literal, and a boolean literal
//! on the left of `=` needs a boolean literal on the right; `BETWEEN` with two literals needs
//! them non-null and in order; `IN` needs a property on its left.

use super::constant_expression::ConstantExpression;
use super::evaluation_context::EvaluationContext;
use super::logic_expression::LogicExpression;
use super::property_expression::PropertyExpression;
use super::unary_expression::{StringMatchKind, UnaryExpression};
use super::value::Value;
use super::Expr;
use crate::filter_error::JavaException;
use crate::java_lang::{boolean_value_of, parse_double, parse_int, parse_long};
use std::cmp::Ordering;
use std::fmt;

/// The comparison a [`ComparisonExpression`] makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ComparisonOperator {
    /// `=` and `IS NULL` (Java `doCreateEqual`, shown as `==`).
    Equal,
    /// `>`.
    GreaterThan,
    /// `>=`.
    GreaterThanEqual,
    /// `<`.
    LessThan,
    /// `<=`.
    LessThanEqual,
}

impl ComparisonOperator {
    /// Java `getExpressionSymbol`.
    pub fn symbol(self) -> &'static str {
        match self {
            ComparisonOperator::Equal => "==",
            ComparisonOperator::GreaterThan => ">",
            ComparisonOperator::GreaterThanEqual => ">=",
            ComparisonOperator::LessThan => "<",
            ComparisonOperator::LessThanEqual => "<=",
        }
    }

    /// Java `asBoolean(answer)`.
    fn as_boolean(self, answer: Ordering) -> bool {
        match self {
            ComparisonOperator::Equal => answer == Ordering::Equal,
            ComparisonOperator::GreaterThan => answer == Ordering::Greater,
            ComparisonOperator::GreaterThanEqual => answer != Ordering::Less,
            ComparisonOperator::LessThan => answer == Ordering::Less,
            ComparisonOperator::LessThanEqual => answer != Ordering::Greater,
        }
    }
}

/// A binary comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct ComparisonExpression {
    operator: ComparisonOperator,
    left: Box<Expr>,
    right: Box<Expr>,
}

impl ComparisonExpression {
    fn build(operator: ComparisonOperator, left: Expr, right: Expr) -> Expr {
        Expr::Comparison(ComparisonExpression {
            operator,
            left: Box::new(left),
            right: Box::new(right),
        })
    }

    /// Returns the operator.
    pub fn operator(&self) -> ComparisonOperator {
        self.operator
    }

    /// Java `createBetween`: `value >= low AND value <= high`.
    pub fn create_between(value: Expr, low: Expr, high: Expr) -> Result<Expr, JavaException> {
        if let (Expr::Constant(l), Expr::Constant(h)) = (&low, &high) {
            let (lv, hv) = (l.value(), h.value());
            if lv.is_null() || hv.is_null() {
                return Err(JavaException::runtime(
                    "Illegal values of between, values can not be null!",
                ));
            }
            if compare(hv, lv)? == Ordering::Less {
                return Err(JavaException::runtime(format!(
                    "Illegal values of between, left value({lv}) must less than or equal to right value({hv})"
                )));
            }
        }
        let ge = Self::create_greater_than_equal(value.clone(), low)?;
        let le = Self::create_less_than_equal(value, high)?;
        Ok(LogicExpression::create_and(ge, le))
    }

    /// Java `createNotBetween`: `value < low OR value > high`.
    pub fn create_not_between(value: Expr, low: Expr, high: Expr) -> Result<Expr, JavaException> {
        let lt = Self::create_less_than(value.clone(), low)?;
        let gt = Self::create_greater_than(value, high)?;
        Ok(LogicExpression::create_or(lt, gt))
    }

    /// Java `createContains`.
    pub fn create_contains(left: Expr, search: String) -> Expr {
        UnaryExpression::create_string_match(StringMatchKind::Contains, false, left, search)
    }

    /// Java `createNotContains`.
    pub fn create_not_contains(left: Expr, search: String) -> Expr {
        UnaryExpression::create_string_match(StringMatchKind::Contains, true, left, search)
    }

    /// Java `createStartsWith`.
    pub fn create_starts_with(left: Expr, search: String) -> Expr {
        UnaryExpression::create_string_match(StringMatchKind::StartsWith, false, left, search)
    }

    /// Java `createNotStartsWith`.
    pub fn create_not_starts_with(left: Expr, search: String) -> Expr {
        UnaryExpression::create_string_match(StringMatchKind::StartsWith, true, left, search)
    }

    /// Java `createEndsWith`.
    pub fn create_ends_with(left: Expr, search: String) -> Expr {
        UnaryExpression::create_string_match(StringMatchKind::EndsWith, false, left, search)
    }

    /// Java `createNotEndsWith`.
    pub fn create_not_ends_with(left: Expr, search: String) -> Expr {
        UnaryExpression::create_string_match(StringMatchKind::EndsWith, true, left, search)
    }

    /// Java `createInFilter`: the left side must be a property.
    pub fn create_in_filter(left: Expr, elements: Vec<String>) -> Result<Expr, JavaException> {
        Ok(UnaryExpression::create_in_expression(
            Self::in_property(left)?,
            elements,
            false,
        ))
    }

    /// Java `createNotInFilter`.
    pub fn create_not_in_filter(left: Expr, elements: Vec<String>) -> Result<Expr, JavaException> {
        Ok(UnaryExpression::create_in_expression(
            Self::in_property(left)?,
            elements,
            true,
        ))
    }

    fn in_property(left: Expr) -> Result<PropertyExpression, JavaException> {
        match left {
            Expr::Property(p) => Ok(p),
            other => Err(JavaException::runtime(format!(
                "Expected a property for In expression, got: {other}"
            ))),
        }
    }

    /// Java `createIsNull`: `left == NULL` without operand checks.
    pub fn create_is_null(left: Expr) -> Expr {
        Self::build(
            ComparisonOperator::Equal,
            left,
            Expr::Constant(ConstantExpression::NULL),
        )
    }

    /// Java `createIsNotNull`: `NOT (left == NULL)`.
    pub fn create_is_not_null(left: Expr) -> Expr {
        UnaryExpression::create_not(Self::create_is_null(left))
    }

    /// Java `createNotEqual`: `NOT (left = right)`.
    pub fn create_not_equal(left: Expr, right: Expr) -> Result<Expr, JavaException> {
        Ok(UnaryExpression::create_not(Self::create_equal(
            left, right,
        )?))
    }

    /// Java `createEqual`.
    pub fn create_equal(left: Expr, right: Expr) -> Result<Expr, JavaException> {
        check_equal_operand(&left)?;
        check_equal_operand(&right)?;
        check_equal_operand_compatability(&left, &right)?;
        Ok(Self::build(ComparisonOperator::Equal, left, right))
    }

    /// Java `createGreaterThan`.
    pub fn create_greater_than(left: Expr, right: Expr) -> Result<Expr, JavaException> {
        Self::create_ordering(ComparisonOperator::GreaterThan, left, right)
    }

    /// Java `createGreaterThanEqual`.
    pub fn create_greater_than_equal(left: Expr, right: Expr) -> Result<Expr, JavaException> {
        Self::create_ordering(ComparisonOperator::GreaterThanEqual, left, right)
    }

    /// Java `createLessThan`.
    pub fn create_less_than(left: Expr, right: Expr) -> Result<Expr, JavaException> {
        Self::create_ordering(ComparisonOperator::LessThan, left, right)
    }

    /// Java `createLessThanEqual`.
    pub fn create_less_than_equal(left: Expr, right: Expr) -> Result<Expr, JavaException> {
        Self::create_ordering(ComparisonOperator::LessThanEqual, left, right)
    }

    fn create_ordering(
        operator: ComparisonOperator,
        left: Expr,
        right: Expr,
    ) -> Result<Expr, JavaException> {
        check_less_than_operand(&left)?;
        check_less_than_operand(&right)?;
        Ok(Self::build(operator, left, right))
    }

    /// Java `evaluate` of the comparison.
    pub(crate) fn evaluate<'a>(
        &'a self,
        context: &'a dyn EvaluationContext,
    ) -> Result<Value<'a>, JavaException> {
        if self.operator == ComparisonOperator::Equal {
            let lv = self.left.eval(context)?;
            let rv = self.right.eval(context)?;
            return Ok(match (lv.is_null(), rv.is_null()) {
                (true, true) => Value::Boolean(true),
                (true, false) => Value::Null,
                (false, true) => Value::Boolean(false),
                (false, false) if java_equals(lv, rv) => Value::Boolean(true),
                (false, false) => Value::Boolean(compare(lv, rv)? == Ordering::Equal),
            });
        }
        let lv = self.left.eval(context)?;
        if lv.is_null() {
            return Ok(Value::Null);
        }
        let rv = self.right.eval(context)?;
        if rv.is_null() {
            return Ok(Value::Null);
        }
        let answer = match (lv, rv) {
            (Value::String(l), Value::String(r)) => {
                // Java: strings are compared as doubles or not at all.
                match (parse_double(l), parse_double(r)) {
                    (Ok(l), Ok(r)) => crate::java_lang::double_compare(l, r),
                    _ => {
                        return Err(JavaException::runtime(format!(
                            "It's illegal to compare string by '>=', '>', '<', '<='. lv={l}, rv={r}"
                        )))
                    }
                }
            }
            _ => compare(lv, rv)?,
        };
        Ok(Value::Boolean(self.operator.as_boolean(answer)))
    }
}

/// Java `checkLessThanOperand`: only numbers (or non-boolean expressions) can be ordered.
pub fn check_less_than_operand(expr: &Expr) -> Result<(), JavaException> {
    let refused = match expr {
        Expr::Constant(c) => !c.is_number(),
        other => other.is_boolean_expression(),
    };
    if refused {
        return Err(JavaException::runtime(format!(
            "Value '{expr}' cannot be compared."
        )));
    }
    Ok(())
}

/// Java `checkEqualOperand`: the `NULL` literal cannot be compared with `=`.
pub fn check_equal_operand(expr: &Expr) -> Result<(), JavaException> {
    if let Expr::Constant(c) = expr {
        if c.value().is_null() {
            return Err(JavaException::runtime(format!(
                "'{expr}' cannot be compared."
            )));
        }
    }
    Ok(())
}

/// Java `checkEqualOperandCompatability`: a boolean literal on the left of `=` needs a boolean
/// literal on the right.
fn check_equal_operand_compatability(left: &Expr, right: &Expr) -> Result<(), JavaException> {
    if let (Expr::Constant(l), Expr::Constant(r)) = (left, right) {
        if l.is_boolean_constant() && !r.is_boolean_constant() {
            return Err(JavaException::runtime(format!(
                "'{left}' cannot be compared with '{right}'"
            )));
        }
    }
    Ok(())
}

/// Java `lv.equals(rv)`: same class and equal value.
fn java_equals(lv: Value<'_>, rv: Value<'_>) -> bool {
    match (lv, rv) {
        (Value::Double(a), Value::Double(b)) => crate::java_lang::double_equals(a, b),
        _ => lv.compare_same_class(&rv) == Some(Ordering::Equal),
    }
}

/// Java `ComparisonExpression.__compare(lv, rv, true)`: converts one side to the other's
/// class, then compares. Neither side may be `null`.
pub fn compare(lv: Value<'_>, rv: Value<'_>) -> Result<Ordering, JavaException> {
    use Value as V;
    let nfe = |e: JavaException| JavaException::runtime_caused_by(&e);
    let (l, r): (V<'_>, V<'_>) = match (lv, rv) {
        (V::Null, _) | (_, V::Null) => {
            return Err(JavaException {
                class_name: "java.lang.NullPointerException",
                message: None,
            })
        }
        _ if lv.java_class() == rv.java_class() => (lv, rv),
        // Java casts the Boolean itself to String here, which fails.
        (V::Boolean(_), V::String(_)) => {
            return Err(JavaException::class_cast("Boolean", "String"))
        }
        (V::Integer(a), V::Long(_)) => (V::Long(i64::from(a)), rv),
        (V::Integer(a), V::Double(_)) => (V::Double(f64::from(a)), rv),
        (V::Integer(_), V::String(s)) => (lv, V::Integer(parse_int(s).map_err(nfe)?)),
        (V::Long(_), V::Integer(b)) => (lv, V::Long(i64::from(b))),
        (V::Long(a), V::Double(_)) => (V::Double(a as f64), rv),
        (V::Long(_), V::String(s)) => (lv, V::Long(parse_long(s).map_err(nfe)?)),
        (V::Double(_), V::Integer(b)) => (lv, V::Double(f64::from(b))),
        (V::Double(_), V::Long(b)) => (lv, V::Double(b as f64)),
        (V::Double(_), V::String(s)) => (lv, V::Double(parse_double(s).map_err(nfe)?)),
        (V::String(s), V::Boolean(_)) => (V::Boolean(boolean_value_of(s)), rv),
        (V::String(s), V::Integer(_)) => (V::Integer(parse_int(s).map_err(nfe)?), rv),
        (V::String(s), V::Long(_)) => (V::Long(parse_long(s).map_err(nfe)?), rv),
        (V::String(s), V::Double(_)) => (V::Double(parse_double(s).map_err(nfe)?), rv),
        // Booleans against numbers, numbers against booleans.
        _ => return Ok(Ordering::Less),
    };
    l.compare_same_class(&r)
        .ok_or_else(|| JavaException::class_cast(r.java_class(), l.java_class()))
}

/// Java `toString()`: `(left symbol right)`.
impl fmt::Display for ComparisonExpression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "({} {} {})",
            self.left,
            self.operator.symbol(),
            self.right
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions() {
        assert_eq!(
            compare(Value::String("5"), Value::Integer(5)),
            Ok(Ordering::Equal)
        );
        assert_eq!(
            compare(Value::Integer(5), Value::Double(5.5)),
            Ok(Ordering::Less)
        );
        assert_eq!(
            compare(Value::Long(1 << 40), Value::Integer(3)),
            Ok(Ordering::Greater)
        );
        assert_eq!(
            compare(Value::String("true"), Value::Boolean(true)),
            Ok(Ordering::Equal)
        );
        assert_eq!(
            compare(Value::Integer(1), Value::Boolean(true)),
            Ok(Ordering::Less)
        );
        assert!(compare(Value::Boolean(true), Value::String("true")).is_err());
        assert!(compare(Value::String("5.5"), Value::Integer(5)).is_err());
    }
}
