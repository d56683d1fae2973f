//! Printing an error and its causes for a person: each cause once.
//!
//! anyhow's `{:#}` joins every `source()` with ": ". Error types that also write their
//! source's text into their own `Display` (thiserror's `"... {source}"` with `#[source]`)
//! would then print it twice; this printer skips a cause whose text the message already
//! ends with or contains.

use std::fmt;

/// Displays an error and its causes as `outer: cause: root`, naming each cause once.
pub struct ErrorChain<'a>(pub &'a (dyn std::error::Error + 'static));

impl fmt::Display for ErrorChain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut text = self.0.to_string();
        let mut cause = self.0.source();
        while let Some(c) = cause {
            let part = c.to_string();
            if !part.is_empty() && !text.contains(&part) {
                text.push_str(": ");
                text.push_str(&part);
            }
            cause = c.source();
        }
        f.write_str(&text)
    }
}

/// Returns `error` and its causes as one line, each cause once.
pub fn error_chain(error: &anyhow::Error) -> String {
    ErrorChain(error.as_ref()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Wraps(std::io::Error);

    impl fmt::Display for Wraps {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "io error: {}", self.0)
        }
    }

    impl std::error::Error for Wraps {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.0)
        }
    }

    #[test]
    fn each_cause_once() {
        let io = std::io::Error::new(std::io::ErrorKind::AddrInUse, "Address already in use");
        let e = anyhow::Error::new(Wraps(io)).context("cannot start");
        // anyhow alone repeats the io error.
        assert_eq!(
            format!("{e:#}"),
            "cannot start: io error: Address already in use: Address already in use"
        );
        assert_eq!(
            error_chain(&e),
            "cannot start: io error: Address already in use"
        );
        let plain = anyhow::anyhow!("root").context("middle").context("top");
        assert_eq!(error_chain(&plain), "top: middle: root");
    }
}
