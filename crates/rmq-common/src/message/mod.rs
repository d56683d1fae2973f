//! Messages as producers build them, as the broker stores them and as consumers see them,
//! and their Java-compatible binary forms.

pub mod message_client_id;
pub mod message_const;
pub mod message_decoder;
mod message_ext;
mod message_queue;
mod message_type;
pub mod record;

pub use message_ext::MessageExt;
pub use message_queue::MessageQueue;
pub use message_type::Message;
