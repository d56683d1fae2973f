//! Message subcommands (Java `tools/command/message`).

pub mod consume_message_command;
pub mod print_message_sub_command;
pub mod query_msg_by_id_sub_command;
pub mod query_msg_by_key_sub_command;
pub mod query_msg_by_offset_sub_command;
pub mod query_msg_by_unique_key_sub_command;
pub mod send_message_command;
