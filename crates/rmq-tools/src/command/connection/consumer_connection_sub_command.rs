//! `consumerConnection` (Java `ConsumerConnectionSubCommand`): a consumer group's clients,
//! subscriptions and consume settings.

use crate::command::{CommandContext, SubCommand};
use crate::error::ToolsError;
use crate::to_string::{java_hash_order, DEFAULT_CAPACITY};
use rmq_common::java_format::jstr;
use rmq_common::java_hash::string_hash_code;
use rmq_common::mq_version::get_version_desc;
use rmq_remoting::protocol::body::consumer_connection::ConsumerConnection;
use rmq_srvutil::cli::{CliOption, Options};

/// `consumerConnection`.
pub struct ConsumerConnectionSubCommand;

/// Renders the connections, subscriptions and settings as Java prints them.
pub fn format_consumer_connection(cc: &ConsumerConnection) -> String {
    let mut s = format!(
        "{:<36} {:<22} {:<10} {}\n",
        "#ClientId", "#ClientAddr", "#Language", "#Version"
    );
    for conn in &cc.connection_set {
        s.push_str(&format!(
            "{:<36} {:<22} {:<10} {}\n",
            conn.client_id,
            conn.client_addr,
            conn.language,
            get_version_desc(conn.version)
        ));
    }
    s.push_str("\nBelow is subscription:\n");
    s.push_str(&format!("{:<20} {}\n", "#Topic", "#SubExpression"));
    // Java iterates its ConcurrentHashMap (16 bins by default) in bin order.
    let subscriptions = java_hash_order(
        cc.subscription_table
            .iter()
            .map(|(topic, sd)| (string_hash_code(topic), sd))
            .collect(),
        DEFAULT_CAPACITY,
    );
    for sd in subscriptions {
        s.push_str(&format!("{:<20} {}\n", sd.topic, sd.sub_string));
    }
    s.push('\n');
    s.push_str(&format!(
        "ConsumeType: {}\n",
        jstr(cc.consume_type.map(|t| t.as_str()))
    ));
    s.push_str(&format!(
        "MessageModel: {}\n",
        jstr(cc.message_model.map(|t| t.as_str()))
    ));
    s.push_str(&format!(
        "ConsumeFromWhere: {}\n",
        jstr(cc.consume_from_where.map(|t| t.as_str()))
    ));
    s
}

#[async_trait::async_trait(?Send)]
impl SubCommand for ConsumerConnectionSubCommand {
    fn command_name(&self) -> &'static str {
        "consumerConnection"
    }

    fn command_desc(&self) -> &'static str {
        "Query consumer's socket connection, client version and subscription."
    }

    fn class_name(&self) -> &'static str {
        "ConsumerConnectionSubCommand"
    }

    fn build_command_line_options(&self, options: &mut Options) {
        options.add_option(
            CliOption::new("g", "consumerGroup", true, "consumer group name").required(true),
        );
        options.add_option(CliOption::new("b", "brokerAddr", true, "broker address"));
    }

    async fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<(), ToolsError> {
        let group = ctx.required("g").to_string();
        let broker = ctx.optional("b").map(str::to_string);
        ctx.with_admin(async |admin, out| {
            let cc = match broker {
                Some(addr) => {
                    admin
                        .examine_consumer_connection_info_in_broker(&group, &addr)
                        .await?
                }
                None => admin.examine_consumer_connection_info(&group).await?,
            };
            out.write_all(format_consumer_connection(&cc).as_bytes())?;
            Ok(())
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rmq_remoting::protocol::body::connection::Connection;
    use rmq_remoting::protocol::body::heartbeat::{
        ConsumeFromWhere, ConsumeType, MessageModel, SubscriptionData,
    };

    #[test]
    fn subscriptions_in_java_hash_order() {
        let mut cc = ConsumerConnection {
            connection_set: Default::default(),
            subscription_table: Default::default(),
            consume_type: None,
            message_model: None,
            consume_from_where: None,
        };
        for t in ["%RETRY%ToolsCG", "ToolsTopic"] {
            cc.subscription_table.insert(
                t.into(),
                SubscriptionData {
                    topic: t.into(),
                    sub_string: "*".into(),
                    ..Default::default()
                },
            );
        }
        // As Java 5.3.3's mqadmin printed them.
        assert!(format_consumer_connection(&cc).contains(
            "#Topic               #SubExpression\nToolsTopic           *\n%RETRY%ToolsCG       *\n"
        ));
    }

    #[test]
    fn layout_matches_java() {
        let mut cc = ConsumerConnection {
            connection_set: Default::default(),
            subscription_table: Default::default(),
            consume_type: Some(ConsumeType::ConsumePassively),
            message_model: Some(MessageModel::Clustering),
            consume_from_where: Some(ConsumeFromWhere::ConsumeFromFirstOffset),
        };
        cc.connection_set.insert(Connection {
            client_id: "127.0.0.1@1234#5678".into(),
            client_addr: "127.0.0.1:50000".into(),
            language: "JAVA".into(),
            version: 479,
        });
        cc.subscription_table.insert(
            "TopicTest".into(),
            SubscriptionData {
                topic: "TopicTest".into(),
                sub_string: "*".into(),
                ..Default::default()
            },
        );
        let expected = concat!(
            "#ClientId                            #ClientAddr            #Language  #Version\n",
            "127.0.0.1@1234#5678                  127.0.0.1:50000        JAVA       V5_3_3\n",
            "\n",
            "Below is subscription:\n",
            "#Topic               #SubExpression\n",
            "TopicTest            *\n",
            "\n",
            "ConsumeType: CONSUME_PASSIVELY\n",
            "MessageModel: CLUSTERING\n",
            "ConsumeFromWhere: CONSUME_FROM_FIRST_OFFSET\n",
        );
        assert_eq!(format_consumer_connection(&cc), expected);
    }
}
