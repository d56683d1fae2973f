//! The broker's client paths end to end, with rmq's own client against real `mqnamesrv` and
//! `mqbroker` processes (two NameServers, one broker): send modes, tag filtering, lite pull
//! seek/commit, orderly consumption with queue locks, retry through `%RETRY%` into `%DLQ%`,
//! delay levels, broadcasting and the admin API. The scenarios are the ones
//! `tests/interop/client.sh` runs against Java's servers, with smaller counts.

use rmq_client_scenarios::{scenarios, Common};
use rmq_testkit::Cluster;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn rmq_client_scenarios_against_rmq_processes() {
    let cluster = Cluster::builder()
        .namesrvs(2)
        .brokers(1)
        .start_processes()
        .await
        .unwrap();
    let c = Common {
        namesrv: cluster.namesrv_addr(),
        topic: None,
        timeout_s: 120,
    };
    let runs: Vec<(&str, anyhow::Result<()>)> = vec![
        ("wait-broker", scenarios::wait_broker(&c).await),
        ("send-modes", scenarios::send_modes(&c, 300).await),
        ("tag-filter", scenarios::tag_filter(&c).await),
        ("lite-pull", scenarios::lite_pull(&c).await),
        ("orderly", scenarios::orderly(&c, 16, 10).await),
        ("retry-dlq", scenarios::retry_dlq(&c, 2).await),
        ("delay", scenarios::delay(&c).await),
        ("broadcast", scenarios::broadcast(&c).await),
        ("admin", scenarios::admin_api(&c).await),
    ];
    let failed: Vec<String> = runs
        .iter()
        .filter_map(|(n, r)| r.as_ref().err().map(|e| format!("{n}: {e:#}")))
        .collect();
    assert!(
        failed.is_empty(),
        "failed scenarios: {failed:#?}\n{}",
        cluster.logs()
    );
}
