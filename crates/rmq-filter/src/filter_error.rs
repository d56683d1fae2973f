//! Errors of compiling and evaluating filter expressions (Java `MQFilterException`, and the
//! Java exceptions raised while parsing or evaluating, kept as their `toString()` text).

use std::fmt;

/// A Java throwable as Java's `Throwable#toString()` shows it: the class name, then `": "` and
/// the message when there is one. Parse and evaluation failures keep Java's class names and
/// texts, because brokers send them to clients as response remarks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JavaException {
    /// The fully qualified Java class name, e.g. `java.lang.RuntimeException`.
    pub class_name: &'static str,
    /// The message (`getMessage()`), if any.
    pub message: Option<String>,
}

impl JavaException {
    /// `java.lang.RuntimeException` with a message.
    pub fn runtime(message: impl Into<String>) -> Self {
        Self::new("java.lang.RuntimeException", message)
    }

    /// `java.lang.RuntimeException(cause)`: its message is the cause's `toString()`.
    pub fn runtime_caused_by(cause: &JavaException) -> Self {
        Self::new("java.lang.RuntimeException", cause.to_string())
    }

    /// `java.lang.NumberFormatException` with a message.
    pub fn number_format(message: impl Into<String>) -> Self {
        Self::new("java.lang.NumberFormatException", message)
    }

    /// `NumberFormatException.forInputString(s, 10)`.
    pub fn for_input_string(s: &str) -> Self {
        Self::number_format(format!("For input string: \"{s}\""))
    }

    /// `java.lang.ClassCastException` for a cast of `from` to `to` (simple class names of
    /// `java.lang`), worded as Java 17 does.
    pub fn class_cast(from: &str, to: &str) -> Self {
        Self::new(
            "java.lang.ClassCastException",
            format!(
                "class java.lang.{from} cannot be cast to class java.lang.{to} \
                 (java.lang.{from} and java.lang.{to} are in module java.base of loader 'bootstrap')"
            ),
        )
    }

    /// `org.apache.rocketmq.filter.parser.ParseException` with a message.
    pub fn parse(message: impl Into<String>) -> Self {
        Self::new("org.apache.rocketmq.filter.parser.ParseException", message)
    }

    /// `org.apache.rocketmq.filter.parser.TokenMgrError` (a lexical error) with a message.
    pub fn token_mgr(message: impl Into<String>) -> Self {
        Self::new("org.apache.rocketmq.filter.parser.TokenMgrError", message)
    }

    fn new(class_name: &'static str, message: impl Into<String>) -> Self {
        JavaException {
            class_name,
            message: Some(message.into()),
        }
    }
}

impl fmt::Display for JavaException {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.message {
            Some(m) => write!(f, "{}: {}", self.class_name, m),
            None => f.write_str(self.class_name),
        }
    }
}

impl std::error::Error for JavaException {}

/// Why an expression could not be compiled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FilterError {
    /// The expression does not parse or is semantically invalid (Java
    /// `MQFilterException("Invalid MessageSelector. ", cause)`). The text is Java's
    /// `getMessage()`, the cause's `toString()`, which brokers use as the remark of
    /// `SUBSCRIPTION_PARSE_FAILED`.
    #[error("{cause}")]
    InvalidMessageSelector {
        /// What the Java parser threw.
        cause: JavaException,
    },
    /// No filter is registered for the expression type. In Java `FilterFactory.get` returns
    /// null and the caller's `compile` call throws a `NullPointerException`, whose Java 17 text
    /// this is.
    #[error(
        "Cannot invoke \"org.apache.rocketmq.filter.FilterSpi.compile(String)\" because the \
         return value of \"org.apache.rocketmq.filter.FilterFactory.get(String)\" is null"
    )]
    UnsupportedExpressionType {
        /// The type asked for.
        expression_type: String,
    },
    /// A filter of this type is registered already (Java `FilterFactory#register`).
    #[error("Filter spi type({expression_type}) already exist!")]
    DuplicateExpressionType {
        /// The type registered twice.
        expression_type: String,
    },
}

/// Why an expression could not be evaluated against a message; Java logs the exception and
/// treats the message as not matched.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct EvaluationError(pub JavaException);

impl From<JavaException> for EvaluationError {
    fn from(e: JavaException) -> Self {
        EvaluationError(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_to_string() {
        let nfe = JavaException::for_input_string("abc");
        assert_eq!(
            nfe.to_string(),
            "java.lang.NumberFormatException: For input string: \"abc\""
        );
        assert_eq!(
            JavaException::runtime_caused_by(&nfe).to_string(),
            "java.lang.RuntimeException: java.lang.NumberFormatException: For input string: \"abc\""
        );
        let e = FilterError::InvalidMessageSelector {
            cause: JavaException::runtime("0.0 is less than 4.9E-324"),
        };
        assert_eq!(
            e.to_string(),
            "java.lang.RuntimeException: 0.0 is less than 4.9E-324"
        );
    }
}
