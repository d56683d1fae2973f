//! Command line handling with Apache Commons CLI's behaviour (the library every RocketMQ tool
//! uses through `srvutil/ServerUtil`, see [`crate::server_util`]): option declarations, clap-based parsing with Commons
//! CLI's spellings and messages, and Java's help layout.

pub mod command_line;
pub mod help_formatter;
pub mod options;

pub use command_line::{CommandLine, ParseError};
pub use help_formatter::render_help;
pub use options::{CliOption, OptionGroup, Options};
