//! The wire protocol: commands, codes, headers and bodies.

pub mod body;
pub mod header;
pub mod language_code;
pub mod remoting_command;
pub mod request_code;
pub mod response_code;

pub use language_code::LanguageCode;
pub use remoting_command::{RemotingCommand, SerializeType};
pub use request_code::RequestCode;
pub use response_code::ResponseCode;
