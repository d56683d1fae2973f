//! `AND` and `OR` with SQL's three-valued logic (Java `LogicExpression`).
//!
//! `AND` is `FALSE` as soon as one side is `FALSE` (the right side is not evaluated when the
//! left one is), `NULL` when a side is unknown and none is `FALSE`, `TRUE` otherwise; `OR`
//! mirrors it with `TRUE`.

use super::evaluation_context::EvaluationContext;
use super::value::Value;
use super::{cast_to_boolean, Expr};
use crate::filter_error::JavaException;
use std::fmt;

/// The connective of a [`LogicExpression`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogicOperator {
    /// `AND`, shown as `&&`.
    And,
    /// `OR`, shown as `||`.
    Or,
}

/// Two boolean expressions joined by `AND` or `OR`.
#[derive(Debug, Clone, PartialEq)]
pub struct LogicExpression {
    operator: LogicOperator,
    left: Box<Expr>,
    right: Box<Expr>,
}

impl LogicExpression {
    /// Java `createOR`.
    pub fn create_or(left: Expr, right: Expr) -> Expr {
        Self::build(LogicOperator::Or, left, right)
    }

    /// Java `createAND`.
    pub fn create_and(left: Expr, right: Expr) -> Expr {
        Self::build(LogicOperator::And, left, right)
    }

    fn build(operator: LogicOperator, left: Expr, right: Expr) -> Expr {
        Expr::Logic(LogicExpression {
            operator,
            left: Box::new(left),
            right: Box::new(right),
        })
    }

    /// Returns the connective.
    pub fn operator(&self) -> LogicOperator {
        self.operator
    }

    /// Java `evaluate`.
    pub(crate) fn evaluate<'a>(
        &'a self,
        context: &'a dyn EvaluationContext,
    ) -> Result<Value<'a>, JavaException> {
        // AND stops at FALSE, OR at TRUE.
        let decisive = self.operator == LogicOperator::Or;
        let lv = cast_to_boolean(self.left.eval(context)?)?;
        if lv == Some(decisive) {
            return Ok(Value::Boolean(decisive));
        }
        let rv = cast_to_boolean(self.right.eval(context)?)?;
        if rv == Some(decisive) {
            return Ok(Value::Boolean(decisive));
        }
        if lv.is_none() || rv.is_none() {
            return Ok(Value::Null);
        }
        Ok(Value::Boolean(!decisive))
    }
}

/// Java `toString()`: `(left && right)` or `(left || right)`.
impl fmt::Display for LogicExpression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let symbol = match self.operator {
            LogicOperator::And => "&&",
            LogicOperator::Or => "||",
        };
        write!(f, "({} {} {})", self.left, symbol, self.right)
    }
}
