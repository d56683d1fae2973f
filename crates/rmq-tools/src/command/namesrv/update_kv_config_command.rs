//! `updateKvConfig` (Java `UpdateKvConfigCommand`): writes a KV config entry on every name
//! server.

use crate::command::{CommandContext, SubCommand};
use crate::error::ToolsError;
use rmq_srvutil::cli::{CliOption, Options};

/// `updateKvConfig`.
pub struct UpdateKvConfigCommand;

#[async_trait::async_trait(?Send)]
impl SubCommand for UpdateKvConfigCommand {
    fn command_name(&self) -> &'static str {
        "updateKvConfig"
    }

    fn command_desc(&self) -> &'static str {
        "Create or update KV config."
    }

    fn class_name(&self) -> &'static str {
        "UpdateKvConfigCommand"
    }

    fn build_command_line_options(&self, options: &mut Options) {
        options
            .add_option(CliOption::new("s", "namespace", true, "set the namespace").required(true));
        options.add_option(CliOption::new("k", "key", true, "set the key name").required(true));
        options.add_option(CliOption::new("v", "value", true, "set the key value").required(true));
    }

    async fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<(), ToolsError> {
        let (ns, key, value) = (
            ctx.required("s").to_string(),
            ctx.required("k").to_string(),
            ctx.required("v").to_string(),
        );
        ctx.with_admin(async |admin, out| {
            admin.create_and_update_kv_config(&ns, &key, &value).await?;
            writeln!(out, "create or update kv config to namespace success.")?;
            Ok(())
        })
        .await
    }
}
