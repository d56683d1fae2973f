//! Classic master/slave replication with real processes: an rmq SYNC_MASTER
//! (`inSyncReplicas=2`) and an rmq SLAVE (`brokerId=1`, `slaveReadEnable=true`) of the same
//! broker name. A send is SEND_OK only once the slave holds it; the slave's CommitLog is
//! byte-identical to the master's; after `kill -9` of the master mid-stream every SEND_OK
//! message is readable from the slave with rmq-client's push consumer; the restarted master
//! gets its slave back; with the slave gone a send answers FLUSH_SLAVE_TIMEOUT (after
//! `slaveTimeout`, 3 s). The slave finds the master's HA address in the NameServer's
//! REGISTER_BROKER answer, as with Java's defaults (no `haMasterAddress`).

use rmq_client::{DefaultMQProducer, Message, SendStatus};
use rmq_client_scenarios::{xlang, Common};
use rmq_common::message::message_decoder::decode_message_id;
use rmq_remoting::protocol::header::broker::CreateTopicRequestHeader;
use rmq_remoting::{RemotingClient, RemotingCommand, RequestCode};
use rmq_testkit::{binary_path, eventually, Cluster, ServerProcess};
use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const TOPIC: &str = "HaE2ETopic";

/// A port P with P-2, P and P+1 free (fast channel, listen port, haListenPort).
fn broker_port() -> u16 {
    let free = |p: u16| TcpListener::bind(("127.0.0.1", p)).is_ok();
    for _ in 0..200 {
        let p = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        if p > 1024 && p < 65000 && free(p - 2) && free(p + 1) && free(p) {
            return p;
        }
    }
    panic!("no free broker port");
}

struct Node {
    name: &'static str,
    port: u16,
    props: String,
    dir: PathBuf,
}

impl Node {
    fn new(dir: &Path, name: &'static str, namesrv: &str, role_props: &str) -> Node {
        let port = broker_port();
        let store = dir.join(format!("store-{name}"));
        let props = format!(
            "brokerClusterName=DefaultCluster\nbrokerName=broker-ha\nlistenPort={port}\n\
             brokerIP1=127.0.0.1\nbrokerIP2=127.0.0.1\nbindAddress=127.0.0.1\nnamesrvAddr={namesrv}\n\
             storePathRootDir={}\nstorePathCommitLog={}\nmappedFileSizeCommitLog=67108864\n\
             mappedFileSizeConsumeQueue=600000\n{role_props}",
            store.display(),
            store.join("commitlog").display(),
        );
        Node {
            name,
            port,
            props,
            dir: dir.to_path_buf(),
        }
    }

    fn addr(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    fn commitlog(&self) -> PathBuf {
        self.dir
            .join(format!("store-{}", self.name))
            .join("commitlog")
    }

    fn start(&self) -> ServerProcess {
        let conf = self.dir.join(format!("{}.properties", self.name));
        std::fs::write(&conf, &self.props).unwrap();
        ServerProcess::start(
            self.name,
            &binary_path("mqbroker").unwrap(),
            &["-c".into(), conf.display().to_string()],
            &self.dir.join(format!("home-{}", self.name)),
            &self.dir.join("logs"),
            "boot success",
            Duration::from_secs(60),
        )
        .unwrap()
    }
}

async fn create_topic(client: &RemotingClient, addr: &str) {
    let header = CreateTopicRequestHeader {
        topic: TOPIC.into(),
        default_topic: "TBW102".into(),
        read_queue_nums: 4,
        write_queue_nums: 4,
        perm: 6,
        topic_filter_type: "SINGLE_TAG".into(),
        topic_sys_flag: Some(0),
        order: false,
        attributes: None,
        force: None,
    };
    let req =
        RemotingCommand::create_request_command(RequestCode::UPDATE_AND_CREATE_TOPIC, &header);
    let r = client.invoke(addr, req, 5000).await.unwrap();
    assert_eq!(r.code, 0, "create {TOPIC} on {addr}: {:?}", r.remark);
}

/// `commitLogMaxOffset` from GET_BROKER_RUNTIME_INFO.
async fn max_offset(client: &RemotingClient, addr: &str) -> Option<i64> {
    let req = RemotingCommand::new_request(RequestCode::GET_BROKER_RUNTIME_INFO);
    let r = client.invoke(addr, req, 3000).await.ok()?;
    let v: serde_json::Value = serde_json::from_slice(&r.body).ok()?;
    v["table"]["commitLogMaxOffset"]
        .as_str()?
        .trim()
        .parse()
        .ok()
}

/// The CommitLog files of a store concatenated in name order, cut at `upto`.
fn commitlog_bytes(dir: &Path, upto: u64) -> Vec<u8> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.chars().all(|c| c.is_ascii_digit()))
        .collect();
    names.sort();
    let mut out = Vec::new();
    for n in names {
        let start: u64 = n.parse().unwrap();
        if start >= upto {
            break;
        }
        assert_eq!(start, out.len() as u64, "{}: gap before {n}", dir.display());
        let data = std::fs::read(dir.join(&n)).unwrap();
        let take = ((upto - start) as usize).min(data.len());
        out.extend_from_slice(&data[..take]);
    }
    out
}

fn message(i: usize) -> Message {
    Message::with_tags_keys(
        TOPIC,
        "TagA",
        &format!("k{i}"),
        format!("replicated {i}").into_bytes(),
    )
}

/// What `xlang::consume` expects for a sent message.
fn expect_line(m: &Message, uniq: &str) -> String {
    serde_json::json!({
        "uniqKey": uniq,
        "topic": TOPIC,
        "tags": "TagA",
        "keys": m.keys(),
        "props": {"UNIQ_KEY": uniq},
        "bodyHex": m.body.iter().map(|b| format!("{b:02X}")).collect::<String>(),
    })
    .to_string()
}

async fn producer(namesrv: &str) -> DefaultMQProducer {
    let p = DefaultMQProducer::builder("ha_e2e_pg")
        .namesrv_addr(namesrv)
        .send_msg_timeout(5000)
        .retry_times_when_send_failed(0)
        .build();
    p.start().await.unwrap();
    p
}

/// Sends until one send is SEND_OK (a SYNC_MASTER answers FLUSH_SLAVE_TIMEOUT until its
/// slave has connected).
async fn wait_replicating(p: &DefaultMQProducer, acked: &Mutex<Vec<String>>) {
    eventually(Duration::from_secs(40), || async {
        let m = message(usize::MAX);
        let r = p.send(m.clone()).await.ok()?;
        (r.send_status == SendStatus::SendOk).then(|| {
            acked.lock().unwrap().push(expect_line(&m, &r.msg_id));
        })
    })
    .await
    .expect("the SYNC_MASTER acknowledges a send once its slave replicates");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sync_master_and_slave_replicate_and_survive_master_kill9() {
    let cluster = Cluster::builder().start_processes().await.unwrap();
    let ns = cluster.namesrv_addr();
    let client = cluster.client().clone();
    let master = Node::new(
        cluster.dir(),
        "master",
        &ns,
        "brokerId=0\nbrokerRole=SYNC_MASTER\ninSyncReplicas=2\n",
    );
    let slave = Node::new(
        cluster.dir(),
        "slave",
        &ns,
        "brokerId=1\nbrokerRole=SLAVE\nslaveReadEnable=true\n",
    );
    let mut master_p = master.start();
    let mut slave_p = slave.start();
    // The topic on both: the slave serves pulls only for topics it knows.
    create_topic(&client, &master.addr()).await;
    create_topic(&client, &slave.addr()).await;
    let p = producer(&ns).await;
    let acked: Arc<Mutex<Vec<String>>> = Arc::default();
    wait_replicating(&p, &acked).await;

    // Every SEND_OK is answered only when the slave already has the message.
    for i in 0..200 {
        let m = message(i);
        let r = p.send(m.clone()).await.unwrap();
        assert_eq!(r.send_status, SendStatus::SendOk, "send {i}");
        let at = decode_message_id(&r.offset_msg_id).unwrap().offset;
        let on_slave = max_offset(&client, &slave.addr()).await.unwrap();
        assert!(
            on_slave > at,
            "send {i} at offset {at} acknowledged with the slave at {on_slave}"
        );
        acked.lock().unwrap().push(expect_line(&m, &r.msg_id));
    }

    // Byte-identical CommitLogs up to the master's max offset.
    let upto = eventually(Duration::from_secs(20), || async {
        let m = max_offset(&client, &master.addr()).await?;
        (max_offset(&client, &slave.addr()).await? == m).then_some(m)
    })
    .await
    .expect("slave catches up");
    let a = commitlog_bytes(&master.commitlog(), upto as u64);
    let b = commitlog_bytes(&slave.commitlog(), upto as u64);
    assert_eq!(a.len() as i64, upto, "master CommitLog length");
    if let Some(at) = a.iter().zip(&b).position(|(x, y)| x != y) {
        panic!("CommitLogs differ first at offset {at} of {upto}");
    }
    assert_eq!(a.len(), b.len(), "slave CommitLog shorter than {upto}");

    // kill -9 of the master while a producer sends: every SEND_OK is on the slave.
    let stop = Instant::now() + Duration::from_secs(20);
    let sender = {
        let acked = acked.clone();
        let p = producer(&ns).await;
        tokio::spawn(async move {
            let mut i = 1000;
            while Instant::now() < stop {
                let m = message(i);
                match p.send(m.clone()).await {
                    Ok(r) if r.send_status == SendStatus::SendOk => {
                        acked.lock().unwrap().push(expect_line(&m, &r.msg_id))
                    }
                    _ => break,
                }
                i += 1;
            }
            p.shutdown().await;
            i - 1000
        })
    };
    eventually(Duration::from_secs(15), || async {
        (acked.lock().unwrap().len() >= 400).then_some(())
    })
    .await
    .expect("sends go on");
    master_p.kill();
    let tried = sender.await.unwrap();
    let lines = acked.lock().unwrap().join("\n");
    let expect = cluster.dir().join("acked.jsonl");
    std::fs::File::create(&expect)
        .unwrap()
        .write_all(lines.as_bytes())
        .unwrap();
    let c = Common {
        namesrv: ns.clone(),
        topic: Some(TOPIC.into()),
        timeout_s: 30,
    };
    xlang::consume(&c, expect.to_str().unwrap(), Some("ha_e2e_from_slave".into()))
        .await
        .unwrap_or_else(|e| {
            panic!(
                "{} acknowledged messages (of {tried} sent in the kill phase) not all on the slave: {e:#}\n{}",
                lines.lines().count(),
                slave_p.log_tail()
            )
        });

    // The restarted master gets its slave back; without the slave a send times out.
    master_p = master.start();
    wait_replicating(&p, &acked).await;
    assert!(slave_p.terminate(Duration::from_secs(30)).is_some());
    let t0 = Instant::now();
    let r = p.send(message(9999)).await.unwrap();
    assert_eq!(r.send_status, SendStatus::FlushSlaveTimeout);
    println!("FLUSH_SLAVE_TIMEOUT after {:?}", t0.elapsed());
    p.shutdown().await;
    drop(master_p);
}
