//! `clusterList` (Java `ClusterListSubCommand`): every broker of every cluster with its
//! version, load and disk use, or with `-m` its message totals; `-i` repeats every N seconds.

use crate::admin::DefaultMQAdminExt;
use crate::command::{CommandContext, SubCommand};
use crate::error::{parse_i64, ToolsError};
use rmq_common::java_format::format_fixed;
use rmq_remoting::protocol::body::route::{ClusterInfo, KVTable};
use rmq_srvutil::cli::{CliOption, Options};
use std::collections::BTreeSet;
use std::io::Write;

/// `clusterList`.
pub struct ClusterListSubCommand;

/// The header of the base table.
pub fn base_header() -> String {
    format!(
        "{:<22}  {:<22}  {:<4}  {:<22} {:<16}  {:>16}  {:>30}  {:<22}  {:<11}  {:<12}  {:<8}  {:<10}\n",
        "#Cluster Name",
        "#Broker Name",
        "#BID",
        "#Addr",
        "#Version",
        "#InTPS(LOAD)",
        "#OutTPS(LOAD)",
        "#Timer(Progress)",
        "#PCWait(ms)",
        "#Hour",
        "#SPACE",
        "#ACTIVATED"
    )
}

fn first_number(s: Option<&String>) -> f64 {
    s.and_then(|v| v.split(' ').next())
        .and_then(|v| v.trim().parse::<f64>().ok())
        .unwrap_or(0.0)
}

/// One base row from a broker's runtime table (`printClusterBaseInfo`); `now_millis` gives
/// the age of the oldest message.
pub fn base_row(
    cluster: &str,
    broker_name: &str,
    broker_id: u64,
    addr: &str,
    kv: Option<&KVTable>,
    now_millis: i64,
) -> String {
    let empty = KVTable::default();
    let t = &kv.unwrap_or(&empty).table;
    let get = |k: &str| t.get(k).cloned().unwrap_or_default();
    // Java reads absent keys as null, printed "null", except the two with a default "N".
    let get_or_null = |k: &str| match (kv, t.get(k)) {
        (Some(_), Some(v)) => v.clone(),
        (Some(_), None) => "null".to_string(),
        (None, _) => String::new(),
    };
    let get_or_n = |k: &str| match (kv, t.get(k)) {
        (Some(_), Some(v)) => v.clone(),
        (Some(_), None) => "N".to_string(),
        (None, _) => String::new(),
    };
    let in_tps = first_number(t.get("putTps"));
    let out_tps = first_number(t.get("getTransferredTps"));
    let parse_i = |k: &str| t.get(k).and_then(|v| v.trim().parse::<i64>().ok());
    let parse_f = |k: &str| t.get(k).and_then(|v| v.trim().parse::<f32>().ok());
    // Java parses the five timer values in one try block: one failure zeroes the rest.
    let (read_behind, offset_behind, congest, enqueue, dequeue) = match (
        parse_i("timerReadBehind"),
        parse_i("timerOffsetBehind"),
        parse_i("timerCongestNum"),
        parse_f("timerEnqueueTps"),
        parse_f("timerDequeueTps"),
    ) {
        (Some(a), Some(b), Some(c), Some(d), Some(e)) => (a, b, c, d, e),
        (a, b, c, d, _) => (
            a.unwrap_or(0),
            if a.is_some() { b.unwrap_or(0) } else { 0 },
            if a.is_some() && b.is_some() {
                c.unwrap_or(0)
            } else {
                0
            },
            if a.is_some() && b.is_some() && c.is_some() {
                d.unwrap_or(0.0)
            } else {
                0.0
            },
            0.0,
        ),
    };
    let version = if kv.is_some() {
        t.get("brokerVersionDesc")
            .cloned()
            .unwrap_or_else(|| "null".to_string())
    } else {
        String::new()
    };
    let earliest = get("earliestMessageTimeStamp");
    let hour = earliest
        .trim()
        .parse::<i64>()
        .map(|ts| (now_millis - ts) as f64 / 1000.0 / 60.0 / 60.0)
        .unwrap_or(0.0);
    let space = get("commitLogDiskRatio")
        .trim()
        .parse::<f64>()
        .unwrap_or(0.0);
    let active = t
        .get("brokerActive")
        .is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let in_load = format!(
        "{:>9}({},{}ms)",
        format_fixed(in_tps, 2),
        get_or_null("sendThreadPoolQueueSize"),
        get_or_null("sendThreadPoolQueueHeadWaitTimeMills")
    );
    let out_load = format!(
        "{:>9}({},{}ms|{},{}ms)",
        format_fixed(out_tps, 2),
        get_or_null("pullThreadPoolQueueSize"),
        get_or_null("pullThreadPoolQueueHeadWaitTimeMills"),
        get_or_n("ackThreadPoolQueueSize"),
        get_or_n("ackThreadPoolQueueHeadWaitTimeMills")
    );
    let timer = format!(
        "{read_behind}-{offset_behind}({}w, {}, {})",
        format_fixed(f64::from(congest as f32 / 10000.0f32), 1),
        format_fixed(f64::from(enqueue), 1),
        format_fixed(f64::from(dequeue), 1)
    );
    format!(
        "{:<22}  {:<22}  {:<4}  {:<22} {:<16}  {:>16}  {:>30}  {:<22}  {:>11}  {:<12}  {:<8}  {:>10}\n",
        cluster,
        broker_name,
        broker_id,
        addr,
        version,
        in_load,
        out_load,
        timer,
        get_or_null("pageCacheLockTimeMills"),
        format_fixed(hour, 2),
        format_fixed(space, 4),
        active
    )
}

/// One `-m` row (`printClusterMoreStats`).
pub fn more_stats_row(cluster: &str, broker_name: &str, kv: Option<&KVTable>) -> String {
    let v = |k: &str| -> Option<i64> { kv?.table.get(k)?.trim().parse().ok() };
    let totals = (|| {
        Some((
            v("msgPutTotalTodayMorning")? - v("msgPutTotalYesterdayMorning")?,
            v("msgGetTotalTodayMorning")? - v("msgGetTotalYesterdayMorning")?,
            v("msgPutTotalTodayNow")? - v("msgPutTotalTodayMorning")?,
            v("msgGetTotalTodayNow")? - v("msgGetTotalTodayMorning")?,
        ))
    })()
    .unwrap_or((0, 0, 0, 0));
    format!(
        "{:<16}  {:<32} {:>14} {:>14} {:>14} {:>14}\n",
        cluster, broker_name, totals.0, totals.1, totals.2, totals.3
    )
}

fn target_clusters(cluster: &str, ci: &ClusterInfo) -> Vec<String> {
    if cluster.is_empty() {
        ci.cluster_addr_table.keys().cloned().collect()
    } else {
        vec![cluster.to_string()]
    }
}

async fn print_once(
    admin: &DefaultMQAdminExt,
    out: &mut dyn Write,
    cluster: &str,
    more: bool,
) -> Result<(), ToolsError> {
    let ci = admin.examine_broker_cluster_info().await?;
    if more {
        writeln!(
            out,
            "{:<16}  {:<32} {:>14} {:>14} {:>14} {:>14}",
            "#Cluster Name",
            "#Broker Name",
            "#InTotalYest",
            "#OutTotalYest",
            "#InTotalToday",
            "#OutTotalToday"
        )?;
    } else {
        out.write_all(base_header().as_bytes())?;
    }
    for cluster_name in target_clusters(cluster, &ci) {
        let names: BTreeSet<String> = ci
            .cluster_addr_table
            .get(&cluster_name)
            .cloned()
            .unwrap_or_default();
        for broker_name in names {
            let Some(bd) = ci.broker_addr_table.get(&broker_name) else {
                continue;
            };
            for (id, addr) in &bd.broker_addrs {
                let kv = admin.fetch_broker_runtime_stats(addr).await.ok();
                let row = if more {
                    more_stats_row(&cluster_name, &broker_name, kv.as_ref())
                } else {
                    base_row(
                        &cluster_name,
                        &broker_name,
                        *id,
                        addr,
                        kv.as_ref(),
                        rmq_common::util_all::current_millis(),
                    )
                };
                out.write_all(row.as_bytes())?;
            }
        }
    }
    out.flush()?;
    Ok(())
}

#[async_trait::async_trait(?Send)]
impl SubCommand for ClusterListSubCommand {
    fn command_name(&self) -> &'static str {
        "clusterList"
    }

    fn command_desc(&self) -> &'static str {
        "List cluster infos."
    }

    fn class_name(&self) -> &'static str {
        "ClusterListSubCommand"
    }

    fn build_command_line_options(&self, options: &mut Options) {
        options.add_option(CliOption::new("m", "moreStats", false, "Print more stats"));
        options.add_option(CliOption::new(
            "i",
            "interval",
            true,
            "specify intervals numbers, it is in seconds",
        ));
        options.add_option(CliOption::new("c", "clusterName", true, "which cluster"));
    }

    async fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<(), ToolsError> {
        let interval_millis = match ctx.command_line.get_option_value("i") {
            Some(v) => Some(parse_i64(v.trim())?.max(0) as u64 * 1000),
            None => None,
        };
        let cluster = ctx.optional("c").unwrap_or_default().to_string();
        let more = ctx.command_line.has_option("m");
        ctx.with_admin(async |admin, out| {
            let mut first = true;
            loop {
                if !first {
                    if let Some(ms) = interval_millis {
                        tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
                    }
                }
                first = false;
                print_once(admin, out, &cluster, more).await?;
                if interval_millis.is_none() {
                    return Ok(());
                }
            }
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_row_matches_java() {
        let mut kv = KVTable::default();
        for (k, v) in [
            ("brokerActive", "true"),
            ("putTps", "0.0 0.0 "),
            ("getTransferredTps", "0.0 0.0 "),
            ("sendThreadPoolQueueSize", "0"),
            ("pullThreadPoolQueueSize", "0"),
            ("ackThreadPoolQueueSize", "0"),
            ("sendThreadPoolQueueHeadWaitTimeMills", "0"),
            ("pullThreadPoolQueueHeadWaitTimeMills", "0"),
            ("ackThreadPoolQueueHeadWaitTimeMills", "0"),
            ("pageCacheLockTimeMills", "0"),
            ("earliestMessageTimeStamp", "-1"),
            ("commitLogDiskRatio", "0.25"),
            ("timerReadBehind", "0"),
            ("timerOffsetBehind", "0"),
            ("timerCongestNum", "0"),
            ("timerEnqueueTps", "0.0"),
            ("timerDequeueTps", "0.0"),
            ("brokerVersionDesc", "V5_3_3"),
        ] {
            kv.table.insert(k.to_string(), v.to_string());
        }
        // Java 5.3.3: earliestMessageTimeStamp -1 gives the age of the epoch in hours.
        let now = 1_795_692_512_009 + 1;
        let hour = format_fixed((now + 1) as f64 / 3_600_000.0, 2);
        let expected_header = "#Cluster Name           #Broker Name            #BID  #Addr                  #Version              #InTPS(LOAD)                   #OutTPS(LOAD)  #Timer(Progress)        #PCWait(ms)  #Hour         #SPACE    #ACTIVATED\n";
        assert_eq!(base_header(), expected_header);
        let row = base_row(
            "DefaultCluster",
            "broker-a",
            0,
            "127.0.0.1:29911",
            Some(&kv),
            now,
        );
        let expected = format!(
            "DefaultCluster          broker-a                0     127.0.0.1:29911        V5_3_3                 0.00(0,0ms)               0.00(0,0ms|0,0ms)  0-0(0.0w, 0.0, 0.0)               0  {hour:<12}  0.2500          true\n"
        );
        assert_eq!(row, expected);
    }

    #[test]
    fn more_stats_row_matches_java() {
        assert_eq!(
            more_stats_row("DefaultCluster", "broker-a", None),
            "DefaultCluster    broker-a                                      0              0              0              0\n"
        );
    }
}
