//! Topic subcommands (Java `tools/command/topic`).

pub mod delete_topic_sub_command;
pub mod topic_cluster_sub_command;
pub mod topic_list_sub_command;
pub mod topic_route_sub_command;
pub mod topic_status_sub_command;
pub mod update_order_conf_command;
pub mod update_topic_perm_sub_command;
pub mod update_topic_sub_command;
