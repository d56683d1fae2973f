//! The expression tree of a compiled selector and its evaluation (Java
//! `org.apache.rocketmq.filter.expression`).
//!
//! [`Expr`] is the tree the parser builds: constants, property lookups, comparisons, logic
//! connectives and unary expressions, one module per Java class. Evaluation yields a
//! [`Value`] or, where Java throws (a property that does not convert to the number it is
//! compared with, say), an [`EvaluationError`]. The `Display` form of a tree is Java's
//! `toString()`, which shows in the texts of some parse errors.

pub mod comparison_expression;
pub mod constant_expression;
pub mod evaluation_context;
pub mod logic_expression;
pub mod property_expression;
pub mod unary_expression;
pub mod value;

use crate::filter_error::{EvaluationError, JavaException};
use comparison_expression::ComparisonExpression;
use constant_expression::ConstantExpression;
use evaluation_context::EvaluationContext;
use logic_expression::LogicExpression;
use property_expression::PropertyExpression;
use std::fmt;
use unary_expression::UnaryExpression;
use value::Value;

/// A compiled filter expression (Java `Expression` / `BooleanExpression`).
pub trait Expression: fmt::Debug + fmt::Display + Send + Sync {
    /// Evaluates the expression against a message's properties (Java `evaluate`). `Ok` holds
    /// `TRUE`, `FALSE` or `NULL` (unknown) for a selector; `Err` is what Java throws.
    fn evaluate<'a>(
        &'a self,
        context: &'a dyn EvaluationContext,
    ) -> Result<Value<'a>, EvaluationError>;

    /// Returns true when the expression evaluates to `TRUE` (Java `BooleanExpression#matches`,
    /// and the broker's `ExpressionMessageFilter`: `NULL`, non-boolean results and evaluation
    /// errors do not match).
    fn matches(&self, context: &dyn EvaluationContext) -> bool {
        matches!(self.evaluate(context), Ok(Value::Boolean(true)))
    }
}

/// A node of the expression tree.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A literal (Java `ConstantExpression`, `BooleanConstantExpression`).
    Constant(ConstantExpression),
    /// A message property (Java `PropertyExpression`).
    Property(PropertyExpression),
    /// `=`, `>`, `>=`, `<`, `<=` (Java `ComparisonExpression`).
    Comparison(ComparisonExpression),
    /// `AND`, `OR` (Java `LogicExpression`).
    Logic(LogicExpression),
    /// `-x`, `NOT x`, boolean casts, `IN`, `CONTAINS`, ... (Java `UnaryExpression` and the
    /// unary classes nested in `ComparisonExpression`).
    Unary(UnaryExpression),
}

impl Expr {
    /// Returns true for the nodes that implement Java's `BooleanExpression`: comparisons,
    /// logic, `NOT`, casts, `IN`, the string matches and the literals `TRUE`, `FALSE`, `NULL`.
    pub fn is_boolean_expression(&self) -> bool {
        match self {
            Expr::Constant(c) => c.is_boolean_constant(),
            Expr::Property(_) => false,
            Expr::Comparison(_) | Expr::Logic(_) => true,
            Expr::Unary(u) => u.is_boolean_expression(),
        }
    }

    /// Evaluates the node; errors are the Java exceptions evaluation throws.
    pub(crate) fn eval<'a>(
        &'a self,
        context: &'a dyn EvaluationContext,
    ) -> Result<Value<'a>, JavaException> {
        match self {
            Expr::Constant(c) => Ok(c.value()),
            Expr::Property(p) => Ok(p.evaluate(context)),
            Expr::Comparison(c) => c.evaluate(context),
            Expr::Logic(l) => l.evaluate(context),
            Expr::Unary(u) => u.evaluate(context),
        }
    }
}

impl Expression for Expr {
    fn evaluate<'a>(
        &'a self,
        context: &'a dyn EvaluationContext,
    ) -> Result<Value<'a>, EvaluationError> {
        self.eval(context).map_err(EvaluationError)
    }
}

/// Java's `toString()` of the tree.
impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Constant(c) => c.fmt(f),
            Expr::Property(p) => p.fmt(f),
            Expr::Comparison(c) => c.fmt(f),
            Expr::Logic(l) => l.fmt(f),
            Expr::Unary(u) => u.fmt(f),
        }
    }
}

/// Casts a value to `java.lang.Boolean` as `(Boolean) value` does: `null` stays unknown,
/// anything but a boolean is a `ClassCastException`.
pub(crate) fn cast_to_boolean(value: Value<'_>) -> Result<Option<bool>, JavaException> {
    match value {
        Value::Null => Ok(None),
        Value::Boolean(b) => Ok(Some(b)),
        other => Err(JavaException::class_cast(other.java_class(), "Boolean")),
    }
}
