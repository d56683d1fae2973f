//! `producerConnection` (Java `ProducerConnectionSubCommand`): a producer group's clients.

use crate::command::{CommandContext, SubCommand};
use crate::error::ToolsError;
use rmq_common::mq_version::get_version_desc;
use rmq_remoting::protocol::body::producer_connection::ProducerConnection;
use rmq_srvutil::cli::{CliOption, Options};

/// `producerConnection`.
pub struct ProducerConnectionSubCommand;

/// Renders the numbered connections (`%04d  %-32s %-22s %-8s %s`).
pub fn format_producer_connection(pc: &ProducerConnection) -> String {
    let mut s = String::new();
    for (i, conn) in pc.connection_set.iter().enumerate() {
        s.push_str(&format!(
            "{:04}  {:<32} {:<22} {:<8} {}\n",
            i + 1,
            conn.client_id,
            conn.client_addr,
            conn.language,
            get_version_desc(conn.version)
        ));
    }
    s
}

#[async_trait::async_trait(?Send)]
impl SubCommand for ProducerConnectionSubCommand {
    fn command_name(&self) -> &'static str {
        "producerConnection"
    }

    fn command_desc(&self) -> &'static str {
        "Query producer's socket connection and client version."
    }

    fn class_name(&self) -> &'static str {
        "ProducerConnectionSubCommand"
    }

    fn build_command_line_options(&self, options: &mut Options) {
        options.add_option(
            CliOption::new("g", "producerGroup", true, "producer group name").required(true),
        );
        options.add_option(CliOption::new("t", "topic", true, "topic name").required(true));
    }

    async fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<(), ToolsError> {
        let group = ctx.required("g").to_string();
        let topic = ctx.required("t").to_string();
        ctx.with_admin(async |admin, out| {
            let pc = admin
                .examine_producer_connection_info(&group, &topic)
                .await?;
            out.write_all(format_producer_connection(&pc).as_bytes())?;
            Ok(())
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rmq_remoting::protocol::body::connection::Connection;

    #[test]
    fn rows_match_java() {
        let mut pc = ProducerConnection::default();
        pc.connection_set.insert(Connection {
            client_id: "127.0.0.1@1".into(),
            client_addr: "127.0.0.1:5".into(),
            language: "RUST".into(),
            version: 479,
        });
        assert_eq!(
            format_producer_connection(&pc),
            "0001  127.0.0.1@1                      127.0.0.1:5            RUST     V5_3_3\n"
        );
    }
}
