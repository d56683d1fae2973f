//! RocketMQ's remoting protocol (Java `rocketmq-remoting`): the length-prefixed
//! `RemotingCommand` frames with JSON or ROCKETMQ headers, request and response codes, typed
//! custom headers and JSON bodies, and the tokio transport — a server that dispatches requests
//! to processors by code, and a client that keeps one connection per address.

pub mod acl;
pub mod codec;
pub mod error;
pub mod golden;
pub mod netty;
pub mod not_implemented_keys;
pub mod protocol;

pub use error::{CodecError, RemotingError};
pub use netty::channel::Channel;
pub use netty::client::{NettyClientConfig, RemotingClient, NETTY_CLIENT_CONFIG_ALIASES};
pub use netty::processor::{ChannelEventListener, RequestProcessor};
pub use netty::server::{NettyServerConfig, RemotingServer, ServerHandle};
pub use netty::tls_system_config::{TlsMode, TlsSystemConfig};
pub use protocol::{LanguageCode, RemotingCommand, RequestCode, ResponseCode, SerializeType};
