//! SQL92 message filtering, the Rust counterpart of Java's `rocketmq-filter` module
//! (`org.apache.rocketmq.filter`).
//!
//! A consumer subscribing with `MessageSelector.bySql("a > 5 AND TAGS = 'TagA'")` sends the
//! expression to the broker, which compiles it once per topic and group
//! ([`FilterFactory`] → [`SqlFilter`] → [`parser::SelectorParser`]) and evaluates it against
//! the properties of every stored message ([`Expression::evaluate`] over an
//! [`EvaluationContext`]). Only messages whose expression evaluates to `TRUE` are delivered.
//!
//! The grammar and the semantics are Java's (which took them from ActiveMQ's JMS selectors):
//!
//! * literals: strings in single quotes (`''` escapes a quote), decimal integers (`Integer` when
//!   they fit, else `Long`; an `L` suffix is allowed), floating point numbers (`Double`), `TRUE`,
//!   `FALSE`, `NULL`; hex and octal literals were removed by RocketMQ;
//! * operators: `=`, `<>`, `>`, `>=`, `<`, `<=`, `[NOT] BETWEEN x AND y`, `[NOT] IN ('a', ...)`
//!   (strings only), `IS [NOT] NULL`, `[NOT] CONTAINS | STARTSWITH | ENDSWITH 'text'`, `AND`,
//!   `OR`, `NOT`, unary `+`/`-`, parentheses; keywords are case-insensitive;
//! * three-valued logic: a missing property makes a comparison `NULL` (unknown), which never
//!   matches; `AND`/`OR` follow SQL's truth tables;
//! * property values are strings; comparing them with a number converts them as Java's
//!   `Integer.valueOf`, `Long.valueOf` or `Double.valueOf` would (a failed conversion is an
//!   evaluation error, which the broker treats as "not matched"); two strings are compared with
//!   `>`-style operators only when both parse as doubles; string equality uses `=`/`<>`;
//! * parsing stops after the first complete expression: trailing tokens are ignored, as in Java.
//!
//! Parse errors carry Java's text (`MQFilterException#getMessage`, i.e. the cause's
//! `toString()`, such as `org.apache.rocketmq.filter.parser.ParseException: Encountered ...`),
//! which brokers return as the remark of `SUBSCRIPTION_PARSE_FAILED`.
//!
//! ```
//! use std::collections::HashMap;
//! use rmq_filter::{compile, Expression, ExpressionType};
//!
//! let expr = compile(ExpressionType::SQL92, "a BETWEEN 10 AND 19 AND TAGS = 'TagA'").unwrap();
//! let mut props = HashMap::new();
//! props.insert("a".to_string(), "12".to_string());
//! props.insert("TAGS".to_string(), "TagA".to_string());
//! assert!(expr.matches(&props));
//! props.remove("a");
//! assert!(!expr.matches(&props));
//! ```

pub mod expression;
pub mod expression_type;
pub mod filter_error;
pub mod filter_factory;
pub mod filter_spi;
pub mod java_lang;
pub mod parser;
pub mod sql_filter;

pub use expression::evaluation_context::EvaluationContext;
pub use expression::value::Value;
pub use expression::{Expr, Expression};
pub use expression_type::ExpressionType;
pub use filter_error::{EvaluationError, FilterError, JavaException};
pub use filter_factory::{compile, FilterFactory};
pub use filter_spi::FilterSpi;
pub use sql_filter::SqlFilter;
