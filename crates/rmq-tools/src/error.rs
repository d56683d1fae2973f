//! `ToolsError`: why an mqadmin subcommand failed (Java wraps every cause in
//! `SubCommandException("<Class> command failed", cause)`).

use rmq_client::ClientError;
use rmq_remoting::RemotingError;

/// Errors of rmq-tools.
#[derive(Debug, thiserror::Error)]
pub enum ToolsError {
    /// A client, broker or name server call failed.
    #[error(transparent)]
    Client(#[from] ClientError),
    /// A frame or body could not be built or decoded.
    #[error(transparent)]
    Remoting(#[from] RemotingError),
    /// Writing output or a body file failed.
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// An option value does not parse (Java's `NumberFormatException` text:
    /// `For input string: "x"`).
    #[error("For input string: \"{0}\"")]
    NumberFormat(String),
    /// An option value is not acceptable.
    #[error("{0}")]
    IllegalArgument(String),
    /// No name server address from `-n` or `NAMESRV_ADDR`.
    #[error(
        "No name server address, please set it with -n or the NAMESRV_ADDR environment variable"
    )]
    NoNameServer,
}

/// A frame or body that does not decode is reported as the remoting failure it is in Java.
impl From<rmq_remoting::CodecError> for ToolsError {
    fn from(e: rmq_remoting::CodecError) -> Self {
        ToolsError::Remoting(e.into())
    }
}

/// Parses a Java `int` option value (`Integer.parseInt`).
pub fn parse_i32(value: &str) -> Result<i32, ToolsError> {
    value
        .parse::<i32>()
        .map_err(|_| ToolsError::NumberFormat(value.to_string()))
}

/// Parses a Java `long` option value (`Long.parseLong`).
pub fn parse_i64(value: &str) -> Result<i64, ToolsError> {
    value
        .parse::<i64>()
        .map_err(|_| ToolsError::NumberFormat(value.to_string()))
}

/// Parses a Java `double` option value (`Double.parseDouble`).
pub fn parse_f64(value: &str) -> Result<f64, ToolsError> {
    value
        .trim()
        .parse::<f64>()
        .map_err(|_| ToolsError::NumberFormat(value.to_string()))
}

/// Java's `Boolean.parseBoolean`: true only for `true`, ignoring case.
pub fn parse_bool(value: &str) -> bool {
    value.eq_ignore_ascii_case("true")
}
