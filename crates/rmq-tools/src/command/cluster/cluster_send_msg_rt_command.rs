//! `clusterRT` (Java `CLusterSendMsgRTCommand`): sends `-a` messages of `-s` bytes to each
//! broker's own topic (named after the broker) and prints the average send time, every `-i`
//! seconds until interrupted.

use crate::command::{CommandContext, SubCommand};
use crate::error::{parse_bool, parse_i64, ToolsError};
use rmq_client::{DefaultMQProducer, Message};
use rmq_common::java_format::format_fixed;
use rmq_srvutil::cli::{CliOption, Options};
use std::time::Instant;

/// `clusterRT`.
pub struct CLusterSendMsgRTCommand;

/// One result row (`%-24s  %-24s  %-8s  %-16s  %-16s`).
pub fn rt_row(cluster: &str, broker: &str, rt: f64, success: u64, fail: u64) -> String {
    format!(
        "{cluster:<24}  {broker:<24}  {:<8}  {success:<16}  {fail:<16}\n",
        format_fixed(rt, 2)
    )
}

/// The current time in GMT+8 as `yyyy-MM-dd HH:mm:ss` (`getCurTime`).
fn cur_time_gmt8() -> String {
    let now = chrono::Utc::now() + chrono::Duration::hours(8);
    now.format("%Y-%m-%d %H:%M:%S").to_string()
}

#[async_trait::async_trait(?Send)]
impl SubCommand for CLusterSendMsgRTCommand {
    fn command_name(&self) -> &'static str {
        "clusterRT"
    }

    fn command_desc(&self) -> &'static str {
        "List All clusters Message Send RT."
    }

    fn class_name(&self) -> &'static str {
        "CLusterSendMsgRTCommand"
    }

    fn build_command_line_options(&self, options: &mut Options) {
        options.add_option(CliOption::new(
            "a",
            "amount",
            true,
            "message amount | default 100",
        ));
        options.add_option(CliOption::new(
            "s",
            "size",
            true,
            "message size | default 128 Byte",
        ));
        options.add_option(CliOption::new(
            "c",
            "cluster",
            true,
            "cluster name | default display all cluster",
        ));
        options.add_option(CliOption::new(
            "p",
            "print log",
            true,
            "print as tlog | default false",
        ));
        options.add_option(CliOption::new(
            "m",
            "machine room",
            true,
            "machine room name | default noname",
        ));
        options.add_option(CliOption::new(
            "i",
            "interval",
            true,
            "print interval | default 10 seconds",
        ));
    }

    async fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<(), ToolsError> {
        let amount = ctx.optional("a").map(parse_i64).transpose()?.unwrap_or(100);
        let size = ctx.optional("s").map(parse_i64).transpose()?.unwrap_or(128);
        let interval = ctx.optional("i").map(parse_i64).transpose()?.unwrap_or(10);
        let print_as_tlog = ctx.optional("p").is_some_and(parse_bool);
        let machine_room = ctx.optional("m").unwrap_or("noname").to_string();
        let only_cluster = ctx.optional("c").map(str::to_string);
        let namesrv = ctx.namesrv_addr().ok_or(ToolsError::NoNameServer)?;
        let admin = ctx.start_admin().await?;
        let millis = rmq_common::util_all::current_millis().to_string();
        let mut builder = DefaultMQProducer::builder(millis.clone())
            .namesrv_addr(namesrv)
            .instance_name(format!("{millis}-rt"));
        if let Some(c) = ctx.credentials.clone() {
            builder = builder.credentials(c);
        }
        let producer = builder.build();
        let result = async {
            producer.start().await?;
            let ci = admin.examine_broker_cluster_info().await?;
            let clusters: Vec<String> = match &only_cluster {
                Some(c) => vec![c.clone()],
                None => ci.cluster_addr_table.keys().cloned().collect(),
            };
            if !print_as_tlog {
                writeln!(
                    ctx.out,
                    "{:<24}  {:<24}  {:<4}  {:<8}  {:<8}",
                    "#Cluster Name", "#Broker Name", "#RT", "#successCount", "#failCount"
                )?;
            }
            let body = "a".repeat(usize::try_from(size).unwrap_or(0));
            loop {
                for cluster in &clusters {
                    let Some(brokers) = ci.cluster_addr_table.get(cluster) else {
                        write!(ctx.out, "cluster [{cluster}] not exist")?;
                        break;
                    };
                    for broker in brokers {
                        let (mut elapsed_millis, mut success, mut fail) = (0u128, 0u64, 0u64);
                        for i in 0..amount {
                            let start = Instant::now();
                            match producer
                                .send(Message::new(broker.clone(), body.clone().into_bytes()))
                                .await
                            {
                                Ok(_) => success += 1,
                                Err(_) => fail += 1,
                            }
                            if i != 0 {
                                elapsed_millis += start.elapsed().as_millis();
                            }
                        }
                        let rt = elapsed_millis as f64 / (amount - 1) as f64;
                        if print_as_tlog {
                            writeln!(
                                ctx.out,
                                "{}|{machine_room}|{cluster}|{broker}|{}",
                                cur_time_gmt8(),
                                format_fixed(rt, 0)
                            )?;
                        } else {
                            ctx.out
                                .write_all(rt_row(cluster, broker, rt, success, fail).as_bytes())?;
                        }
                        ctx.out.flush()?;
                    }
                }
                tokio::time::sleep(std::time::Duration::from_secs(interval.max(0) as u64)).await;
            }
        }
        .await;
        producer.shutdown().await;
        admin.shutdown().await;
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_matches_java() {
        assert_eq!(
            rt_row("DefaultCluster", "broker-a", 2.75, 5, 0),
            "DefaultCluster            broker-a                  2.75      5                 0               \n"
        );
    }
}
