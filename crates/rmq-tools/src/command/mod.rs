//! The mqadmin subcommands (Java `tools/command`), one file per Java `SubCommand` class in the
//! same package layout, and the [`SubCommand`] contract they share.

pub mod auth;
pub mod broker;
pub mod cluster;
pub mod command_util;
pub mod connection;
pub mod consumer;
pub mod controller;
pub mod ha;
pub mod message;
pub mod mq_admin_startup;
pub mod namesrv;
pub mod offset;
pub mod stats;
pub mod topic;

use crate::admin::{DefaultMQAdminExt, ADMIN_TIMEOUT_MILLIS};
use crate::error::{parse_i32, ToolsError};
use rmq_srvutil::cli::{render_help, CliOption, CommandLine, Options};
use std::io::Write;

/// One mqadmin subcommand (Java `SubCommand`).
#[async_trait::async_trait(?Send)]
pub trait SubCommand: Send + Sync {
    /// The name users type (`commandName`).
    fn command_name(&self) -> &'static str;

    /// A second accepted name (`commandAlias`).
    fn command_alias(&self) -> Option<&'static str> {
        None
    }

    /// The one-line description `mqadmin` lists (`commandDesc`).
    fn command_desc(&self) -> &'static str;

    /// The Java class name, used in failure messages (`<Class> command failed`).
    fn class_name(&self) -> &'static str;

    /// Adds the command's options to the common `-h`/`-n` ones (`buildCommandlineOptions`).
    fn build_command_line_options(&self, options: &mut Options);

    /// Runs the command, writing its output to `ctx.out` (`execute`).
    async fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<(), ToolsError>;
}

/// What a running subcommand sees: its parsed line, its options and where to print.
pub struct CommandContext<'a> {
    /// The parsed arguments.
    pub command_line: &'a CommandLine,
    /// The options the line was parsed against (for `printCommandLineHelp`).
    pub options: &'a Options,
    /// Standard output.
    pub out: &'a mut dyn Write,
    /// `mqadmin <command>`, the program name in usage texts.
    pub app: String,
    /// The credentials requests are signed with (Java: the RPC hook `MQAdminStartup` builds
    /// from `$ROCKETMQ_HOME/conf/tools.yml`, see [`crate::acl_utils`]).
    pub credentials: Option<rmq_client::SessionCredentials>,
}

impl CommandContext<'_> {
    /// The name server list: `-n`, else `NAMESRV_ADDR` (Java: the `rocketmq.namesrv.addr`
    /// property set from `-n`, else the environment).
    pub fn namesrv_addr(&self) -> Option<String> {
        self.command_line
            .get_trimmed("n")
            .map(str::to_string)
            .filter(|s| !s.is_empty())
            .or_else(rmq_common::mix_all::namesrv_addr_from_env)
    }

    /// Starts an admin client on [`Self::namesrv_addr`], with the instance name mqadmin uses
    /// (the current time in millis, as Java's commands set it).
    pub async fn start_admin(&self) -> Result<DefaultMQAdminExt, ToolsError> {
        self.namesrv_addr().ok_or(ToolsError::NoNameServer)?;
        self.start_admin_with(true).await
    }

    async fn start_admin_with(&self, need_namesrv: bool) -> Result<DefaultMQAdminExt, ToolsError> {
        let client_config = rmq_client::ClientConfig {
            namesrv_addr: self.namesrv_addr(),
            instance_name: rmq_common::util_all::current_millis().to_string(),
            credentials: self.credentials.clone(),
            ..Default::default()
        };
        let admin = DefaultMQAdminExt::with_config(client_config, ADMIN_TIMEOUT_MILLIS);
        if need_namesrv {
            admin.start().await?;
        } else {
            admin.start_without_name_server().await?;
        }
        Ok(admin)
    }

    /// Starts an admin client on [`Self::namesrv_addr`], runs `f` with it and the command's
    /// output, then shuts the client down whatever `f` returned (Java's `try { ... } finally
    /// { defaultMQAdminExt.shutdown(); }`).
    pub async fn with_admin<T>(
        &mut self,
        f: impl AsyncFnOnce(&DefaultMQAdminExt, &mut dyn Write) -> Result<T, ToolsError>,
    ) -> Result<T, ToolsError> {
        let admin = self.start_admin().await?;
        let result = f(&admin, &mut *self.out).await;
        admin.shutdown().await;
        result
    }

    /// Runs `f` as [`Self::with_admin`] does, with an admin client that may have no name
    /// server: the controller commands need none unless they resolve a cluster.
    pub async fn with_controller_admin<T>(
        &mut self,
        f: impl AsyncFnOnce(&DefaultMQAdminExt, &mut dyn Write) -> Result<T, ToolsError>,
    ) -> Result<T, ToolsError> {
        let admin = self.start_admin_with(false).await?;
        let result = f(&admin, &mut *self.out).await;
        admin.shutdown().await;
        result
    }

    /// Prints the command's usage (`ServerUtil.printCommandLineHelp`).
    pub fn print_help(&mut self) -> Result<(), ToolsError> {
        let help = render_help(&self.app, self.options);
        self.out.write_all(help.as_bytes())?;
        Ok(())
    }

    /// Returns the trimmed value of a required option; the parser guarantees presence, an
    /// absent one reads as empty.
    pub fn required(&self, name: &str) -> &str {
        self.command_line.get_trimmed(name).unwrap_or_default()
    }

    /// Returns the trimmed value of an optional option.
    pub fn optional(&self, name: &str) -> Option<&str> {
        self.command_line.get_trimmed(name)
    }
}

/// The `-c` option of the commands whose topic may be an LMQ, worded as Java declares it in
/// each of them.
pub fn lmq_cluster_option() -> CliOption {
    CliOption::new(
        "c",
        "cluster",
        true,
        "Cluster name or lmq parent topic, lmq is used to find the route.",
    )
}

/// The `-i` option of the commands that repeat (`haStatus`, `getSyncStateSet`,
/// `getBrokerEpoch`): `None` without it, 3 s when blank, else Java's `Integer.parseInt`.
pub fn interval_secs(command_line: &CommandLine) -> Result<Option<i32>, ToolsError> {
    match command_line.get_option_value("i") {
        Some(v) if !v.trim().is_empty() => Ok(Some(parse_i32(v)?)),
        Some(_) => Ok(Some(3)),
        None => Ok(None),
    }
}

/// Runs `round` once, or without end every `interval_secs` seconds when set (Java's
/// `while (true) { innerExec(...); Thread.sleep(flushSecond * 1000); }`).
pub async fn run_rounds(
    interval_secs: Option<i32>,
    mut round: impl AsyncFnMut() -> Result<(), ToolsError>,
) -> Result<(), ToolsError> {
    loop {
        round().await?;
        let Some(secs) = interval_secs else {
            return Ok(());
        };
        // Java's Thread.sleep refuses a negative time.
        let secs = u64::try_from(secs)
            .map_err(|_| ToolsError::NumberFormat(format!("timeout value is negative: {secs}")))?;
        tokio::time::sleep(std::time::Duration::from_secs(secs)).await;
    }
}

/// What the `-b`/`-c` commands that repeat ask for each round (their `innerExec`): `-b` wins
/// over `-c`; with neither, they print their usage.
pub enum BrokerOrCluster {
    /// `-b`: a broker address or name, as the command reads it.
    Broker(String),
    /// `-c`: a cluster name.
    Cluster(String),
    /// Neither: the usage text.
    Help(String),
}

impl BrokerOrCluster {
    /// Reads `-b`, `-c` or neither from the command line.
    pub fn of(ctx: &CommandContext<'_>) -> Self {
        if let Some(b) = ctx.optional("b") {
            BrokerOrCluster::Broker(b.to_string())
        } else if let Some(c) = ctx.optional("c") {
            BrokerOrCluster::Cluster(c.to_string())
        } else {
            BrokerOrCluster::Help(render_help(&ctx.app, ctx.options))
        }
    }
}

/// Adds the `-c`, `-b` (named `b_long_name`, described as Java does) and `-i` options of
/// the commands that read a [`BrokerOrCluster`] and repeat.
pub fn add_broker_or_cluster_options(options: &mut Options, b_long_name: &str) {
    options.add_option(CliOption::new("c", "clusterName", true, "which cluster"));
    options.add_option(CliOption::new(
        "b",
        b_long_name,
        true,
        "which broker to fetch",
    ));
    options.add_option(CliOption::new(
        "i",
        "interval",
        true,
        "the interval(second) of get info",
    ));
}

/// Runs a [`BrokerOrCluster`] command: reads `-i` and the target, starts an admin client
/// (one that may lack a name server unless `need_namesrv`), then runs `inner_exec` in
/// rounds (Java's `execute` of `haStatus`, `getSyncStateSet` and `getBrokerEpoch`).
pub async fn execute_broker_or_cluster_rounds(
    ctx: &mut CommandContext<'_>,
    need_namesrv: bool,
    inner_exec: impl AsyncFn(
        &DefaultMQAdminExt,
        &mut dyn Write,
        &BrokerOrCluster,
    ) -> Result<(), ToolsError>,
) -> Result<(), ToolsError> {
    let interval_secs = interval_secs(ctx.command_line)?;
    let target = BrokerOrCluster::of(ctx);
    let rounds = async |admin: &DefaultMQAdminExt, out: &mut dyn Write| {
        run_rounds(interval_secs, async || {
            inner_exec(admin, out, &target).await
        })
        .await
    };
    if need_namesrv {
        ctx.with_admin(rounds).await
    } else {
        ctx.with_controller_admin(rounds).await
    }
}

/// Every implemented subcommand, in the order `MQAdminStartup#initCommand` registers them.
pub fn sub_commands() -> Vec<Box<dyn SubCommand>> {
    vec![
        Box::new(topic::update_topic_sub_command::UpdateTopicSubCommand),
        Box::new(topic::delete_topic_sub_command::DeleteTopicSubCommand),
        Box::new(consumer::update_sub_group_sub_command::UpdateSubGroupSubCommand),
        Box::new(consumer::delete_subscription_group_command::DeleteSubscriptionGroupCommand),
        Box::new(broker::update_broker_config_sub_command::UpdateBrokerConfigSubCommand),
        Box::new(topic::update_topic_perm_sub_command::UpdateTopicPermSubCommand),
        Box::new(topic::topic_route_sub_command::TopicRouteSubCommand),
        Box::new(topic::topic_status_sub_command::TopicStatusSubCommand),
        Box::new(topic::topic_cluster_sub_command::TopicClusterSubCommand),
        Box::new(broker::broker_status_sub_command::BrokerStatusSubCommand),
        Box::new(message::query_msg_by_id_sub_command::QueryMsgByIdSubCommand),
        Box::new(message::query_msg_by_key_sub_command::QueryMsgByKeySubCommand),
        Box::new(message::query_msg_by_unique_key_sub_command::QueryMsgByUniqueKeySubCommand),
        Box::new(message::query_msg_by_offset_sub_command::QueryMsgByOffsetSubCommand),
        Box::new(message::print_message_sub_command::PrintMessageSubCommand),
        Box::new(connection::producer_connection_sub_command::ProducerConnectionSubCommand),
        Box::new(connection::consumer_connection_sub_command::ConsumerConnectionSubCommand),
        Box::new(consumer::consumer_progress_sub_command::ConsumerProgressSubCommand),
        Box::new(offset::clone_group_offset_command::CloneGroupOffsetCommand),
        Box::new(cluster::cluster_list_sub_command::ClusterListSubCommand),
        Box::new(topic::topic_list_sub_command::TopicListSubCommand),
        Box::new(namesrv::update_kv_config_command::UpdateKvConfigCommand),
        Box::new(namesrv::delete_kv_config_command::DeleteKvConfigCommand),
        Box::new(namesrv::wipe_write_perm_sub_command::WipeWritePermSubCommand),
        Box::new(namesrv::add_write_perm_sub_command::AddWritePermSubCommand),
        Box::new(offset::reset_offset_by_time_command::ResetOffsetByTimeCommand),
        Box::new(offset::skip_accumulation_sub_command::SkipAccumulationSubCommand),
        Box::new(topic::update_order_conf_command::UpdateOrderConfCommand),
        Box::new(stats::stats_all_sub_command::StatsAllSubCommand),
        Box::new(cluster::cluster_send_msg_rt_command::CLusterSendMsgRTCommand),
        Box::new(namesrv::get_namesrv_config_command::GetNamesrvConfigCommand),
        Box::new(namesrv::update_namesrv_config_command::UpdateNamesrvConfigCommand),
        Box::new(broker::get_broker_config_command::GetBrokerConfigCommand),
        Box::new(consumer::get_consumer_config_sub_command::GetConsumerConfigSubCommand),
        Box::new(message::send_message_command::SendMessageCommand),
        Box::new(message::consume_message_command::ConsumeMessageCommand),
        Box::new(ha::ha_status_sub_command::HAStatusSubCommand),
        Box::new(ha::get_sync_state_set_sub_command::GetSyncStateSetSubCommand),
        Box::new(broker::get_broker_epoch_sub_command::GetBrokerEpochSubCommand),
        Box::new(controller::get_controller_meta_data_sub_command::GetControllerMetaDataSubCommand),
        Box::new(controller::get_controller_config_sub_command::GetControllerConfigSubCommand),
        Box::new(controller::update_controller_config_sub_command::UpdateControllerConfigSubCommand),
        Box::new(controller::re_elect_master_sub_command::ReElectMasterSubCommand),
        Box::new(controller::clean_controller_broker_meta_sub_command::CleanControllerBrokerMetaSubCommand),
        Box::new(auth::create_user_sub_command::CreateUserSubCommand),
        Box::new(auth::update_user_sub_command::UpdateUserSubCommand),
        Box::new(auth::delete_user_sub_command::DeleteUserSubCommand),
        Box::new(auth::get_user_sub_command::GetUserSubCommand),
        Box::new(auth::list_user_sub_command::ListUserSubCommand),
        Box::new(auth::copy_users_sub_command::CopyUsersSubCommand),
        Box::new(auth::create_acl_sub_command::CreateAclSubCommand),
        Box::new(auth::update_acl_sub_command::UpdateAclSubCommand),
        Box::new(auth::delete_acl_sub_command::DeleteAclSubCommand),
        Box::new(auth::get_acl_sub_command::GetAclSubCommand),
        Box::new(auth::list_acl_sub_command::ListAclSubCommand),
        Box::new(auth::copy_acls_sub_command::CopyAclsSubCommand),
    ]
}
