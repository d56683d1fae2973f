//! Route query throughput: an in-process NameServer with one broker of 100 topics, then
//! `CLIENTS` connections each sending GET_ROUTEINFO_BY_TOPIC back to back for `SECONDS`.
//!
//! `cargo run --release -p rmq-namesrv --example route_bench [CLIENTS] [SECONDS]`

use rmq_common::{util_all, TopicConfig};
use rmq_namesrv::{NamesrvConfig, NamesrvController};
use rmq_remoting::netty::processor::RequestDispatcher;
use rmq_remoting::protocol::body::register_broker_body::RegisterBrokerBody;
use rmq_remoting::protocol::header::namesrv::{
    GetRouteInfoRequestHeader, RegisterBrokerRequestHeader,
};
use rmq_remoting::{
    NettyClientConfig, NettyServerConfig, RemotingClient, RemotingCommand, RequestCode,
};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let clients: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(16);
    let seconds: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(5);
    let dir = tempfile::tempdir()?;
    let config = NamesrvConfig {
        kv_config_path: dir.path().join("kv.json").display().to_string(),
        config_store_path: dir.path().join("ns.properties").display().to_string(),
        ..Default::default()
    };
    let netty = NettyServerConfig {
        bind_address: "127.0.0.1".into(),
        ..Default::default()
    };
    let ns = NamesrvController::start(config, netty).await?;
    let addr = ns.connect_addr();

    let mut body = RegisterBrokerBody::default();
    for i in 0..100 {
        let t = format!("Topic{i}");
        body.topic_config_serialize_wrapper
            .topic_config_table
            .insert(t.clone(), TopicConfig::with_queues(t, 8, 8, 6));
    }
    let bytes = body.encode(false);
    let header = RegisterBrokerRequestHeader {
        broker_name: "broker-a".into(),
        broker_addr: "127.0.0.1:10911".into(),
        cluster_name: "DefaultCluster".into(),
        ha_server_addr: "127.0.0.1:10912".into(),
        broker_id: 0,
        enable_acting_master: Some(false),
        compressed: Some(false),
        body_crc32: Some(util_all::crc32(&bytes)),
        heartbeat_timeout_millis: None,
    };
    let setup = RemotingClient::new(
        NettyClientConfig::default(),
        Arc::new(RequestDispatcher::new()),
    );
    let r = setup
        .invoke(
            &addr,
            RemotingCommand::create_request_command(RequestCode::REGISTER_BROKER, &header)
                .with_body(bytes),
            5000,
        )
        .await?;
    anyhow::ensure!(r.code == 0, "register failed: {r:?}");

    let done = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for c in 0..clients {
        let addr = addr.clone();
        let done = done.clone();
        tasks.push(tokio::spawn(async move {
            let client = RemotingClient::new(
                NettyClientConfig::default(),
                Arc::new(RequestDispatcher::new()),
            );
            let mut i = c;
            while Instant::now() < deadline {
                let h = GetRouteInfoRequestHeader {
                    topic: format!("Topic{}", i % 100),
                    accept_standard_json_only: None,
                };
                let r = client
                    .invoke(
                        &addr,
                        RemotingCommand::create_request_command(
                            RequestCode::GET_ROUTEINFO_BY_TOPIC,
                            &h,
                        ),
                        5000,
                    )
                    .await;
                if matches!(r, Ok(ref r) if r.code == 0) {
                    done.fetch_add(1, Ordering::Relaxed);
                }
                i += 1;
            }
            client.shutdown().await;
        }));
    }
    for t in tasks {
        t.await?;
    }
    let n = done.load(Ordering::Relaxed);
    println!(
        "{clients} clients, {seconds} s: {n} routes, {:.0} routes/s",
        n as f64 / seconds as f64
    );
    setup.shutdown().await;
    ns.shutdown().await;
    Ok(())
}
