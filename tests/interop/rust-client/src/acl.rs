//! The `acl` scenario: request signing against a broker with ACL 2.0 on. The users and ACLs
//! are set up by the driving script (`tests/interop/acl.sh`): `pub` may publish to `--topic`
//! only, `sub` may subscribe to it with `--group`.

use anyhow::{anyhow, bail, Context, Result};
use rmq_client::{ClientConfig, ClientError, DefaultMQProducer, MQClientInstance, Message};
use rmq_client::{SendStatus, SessionCredentials};
use rmq_remoting::protocol::header::broker::PullMessageRequestHeader;
use rmq_remoting::ResponseCode;

/// What the scenario needs: two users' keys, the allowed and the refused topic, a group.
#[derive(clap::Args, Clone)]
pub struct AclArgs {
    /// Name servers.
    #[arg(short = 'n', long = "namesrv")]
    pub namesrv: String,
    /// The topic `pub` may publish to and `sub` may subscribe to.
    #[arg(long)]
    pub topic: String,
    /// A topic `pub` may not publish to.
    #[arg(long)]
    pub denied_topic: String,
    /// The consumer group `sub` may use.
    #[arg(long)]
    pub group: String,
    #[arg(long)]
    pub pub_ak: String,
    #[arg(long)]
    pub pub_sk: String,
    #[arg(long)]
    pub sub_ak: String,
    #[arg(long)]
    pub sub_sk: String,
}

fn config(namesrv: &str, name: &str, creds: SessionCredentials) -> ClientConfig {
    ClientConfig {
        namesrv_addr: Some(namesrv.to_string()),
        instance_name: format!("acl-{name}-{}", std::process::id()),
        credentials: Some(creds),
        ..Default::default()
    }
}

async fn send(
    a: &AclArgs,
    name: &str,
    creds: SessionCredentials,
    topic: &str,
) -> Result<SendStatus, ClientError> {
    let producer = DefaultMQProducer::builder(format!("acl_pg_{name}"))
        .client_config(config(&a.namesrv, name, creds))
        .retry_times_when_send_failed(0)
        .build();
    producer.start().await?;
    let r = producer
        .send(Message::new(
            topic.to_string(),
            format!("acl {name}").into_bytes(),
        ))
        .await;
    producer.shutdown().await;
    r.map(|s| s.send_status)
}

/// Pulls queue 0 of `--topic` from its broker as `creds`; `Ok` when the broker answered
/// with messages or none.
async fn pull(a: &AclArgs, name: &str, creds: SessionCredentials) -> Result<(), ClientError> {
    let inst = MQClientInstance::get_or_create(&config(&a.namesrv, name, creds));
    let route = inst
        .api()
        .get_topic_route_info_from_name_server(&a.topic, 3000)
        .await?;
    let addr = route
        .broker_datas
        .first()
        .and_then(|b| b.broker_addrs.get(&0).cloned())
        .ok_or_else(|| ClientError::client(-1, "no master in route"))?;
    let h = PullMessageRequestHeader {
        consumer_group: a.group.clone(),
        topic: a.topic.clone(),
        queue_id: 0,
        queue_offset: 0,
        max_msg_nums: 1,
        // The subscription travels with the pull: no heartbeat registered the group.
        sys_flag: rmq_common::sys_flag::pull_sys_flag::FLAG_SUBSCRIPTION,
        commit_offset: 0,
        suspend_timeout_millis: 0,
        subscription: Some("*".into()),
        sub_version: 0,
        expression_type: Some("TAG".into()),
        ..Default::default()
    };
    inst.api().pull_message(&addr, h, 5000).await.map(|_| ())
}

fn refused<T: std::fmt::Debug>(what: &str, r: Result<T, ClientError>) -> Result<()> {
    match r {
        Err(e) if e.response_code() == Some(ResponseCode::NO_PERMISSION.0) => {
            println!("{what}: refused (NO_PERMISSION: {e})");
            Ok(())
        }
        Err(e) => bail!("{what}: expected NO_PERMISSION, got {e}"),
        Ok(v) => bail!("{what}: expected NO_PERMISSION, got {v:?}"),
    }
}

/// Runs the checks; each prints one line.
pub async fn run(a: &AclArgs) -> Result<()> {
    let pub_creds = SessionCredentials::new(&a.pub_ak, &a.pub_sk);
    let sub_creds = SessionCredentials::new(&a.sub_ak, &a.sub_sk);
    let status = send(a, "pub", pub_creds.clone(), &a.topic)
        .await
        .with_context(|| format!("send to {} as {}", a.topic, a.pub_ak))?;
    if status != SendStatus::SendOk {
        return Err(anyhow!("send to {}: {status:?}", a.topic));
    }
    println!("send to {} as {}: SEND_OK", a.topic, a.pub_ak);
    refused(
        &format!("send to {} as {}", a.denied_topic, a.pub_ak),
        send(a, "pub-u", pub_creds.clone(), &a.denied_topic).await,
    )?;
    let wrong = SessionCredentials::new(&a.pub_ak, format!("{}-wrong", a.pub_sk));
    refused(
        &format!("send to {} with a wrong secret", a.topic),
        send(a, "wrong", wrong, &a.topic).await,
    )?;
    refused(
        &format!("pull {} as {} (no SUB)", a.topic, a.pub_ak),
        pull(a, "pub-pull", pub_creds).await,
    )?;
    pull(a, "sub-pull", sub_creds)
        .await
        .with_context(|| format!("pull {} as {}", a.topic, a.sub_ak))?;
    println!("pull {} as {}: ok", a.topic, a.sub_ak);
    Ok(())
}
