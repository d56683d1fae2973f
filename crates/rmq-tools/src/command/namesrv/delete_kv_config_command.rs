//! `deleteKvConfig` (Java `DeleteKvConfigCommand`): deletes a KV config entry on every name
//! server.

use crate::command::{CommandContext, SubCommand};
use crate::error::ToolsError;
use rmq_srvutil::cli::{CliOption, Options};

/// `deleteKvConfig`.
pub struct DeleteKvConfigCommand;

#[async_trait::async_trait(?Send)]
impl SubCommand for DeleteKvConfigCommand {
    fn command_name(&self) -> &'static str {
        "deleteKvConfig"
    }

    fn command_desc(&self) -> &'static str {
        "Delete KV config."
    }

    fn class_name(&self) -> &'static str {
        "DeleteKvConfigCommand"
    }

    fn build_command_line_options(&self, options: &mut Options) {
        options
            .add_option(CliOption::new("s", "namespace", true, "set the namespace").required(true));
        options.add_option(CliOption::new("k", "key", true, "set the key name").required(true));
    }

    async fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<(), ToolsError> {
        let (ns, key) = (ctx.required("s").to_string(), ctx.required("k").to_string());
        ctx.with_admin(async |admin, out| {
            admin.delete_kv_config(&ns, &key).await?;
            writeln!(out, "delete kv config from namespace success.")?;
            Ok(())
        })
        .await
    }
}
