//! Cluster subcommands (Java `tools/command/cluster`).

pub mod cluster_list_sub_command;
pub mod cluster_send_msg_rt_command;
