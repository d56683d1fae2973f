//! A full disk never kills the broker (issue 9, item 4). The broker's store lives on a 64 MiB
//! tmpfs with 8 MiB CommitLog files and small ConsumeQueue and index files; three producers
//! send 8 KB messages until the store runs out of space. The broker must keep running and
//! answer every send (an error code, not a timeout), keep serving what it acknowledged, come
//! up again on the still-full disk (recovering ConsumeQueue and index files whose tails are
//! holes: on tmpfs a read of a hole through the mapping would need a page, and SIGBUS), and,
//! once the tmpfs is grown, accept new messages with every acknowledged one intact. Then the
//! disk fills up while the CommitLog file still has room: messages are stored but their
//! ConsumeQueue units cannot get blocks, and must become consumable once space is freed.
//!
//! Mounting needs root (CI runs as root); elsewhere the test says so and returns.

use bytes::Bytes;
use rmq_common::message::message_decoder::{self, DecodeOptions};
use rmq_common::sys_flag::pull_sys_flag;
use rmq_remoting::protocol::body::encode;
use rmq_remoting::protocol::body::heartbeat::{
    ConsumeFromWhere, ConsumeType, ConsumerData, HeartbeatData, MessageModel, SubscriptionData,
};
use rmq_remoting::protocol::header::broker::{
    PullMessageRequestHeader, PullMessageResponseHeader, SendMessageRequestHeaderV2,
    SendMessageResponseHeader,
};
use rmq_remoting::{RemotingClient, RemotingCommand, RequestCode, ResponseCode};
use rmq_testkit::{eventually, BrokerSpec, Cluster};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const TOPIC: &str = "DiskFullTopic";
const GROUP: &str = "disk_full_g";
const QUEUES: i32 = 4;
const PRODUCERS: usize = 3;
const BODY_LEN: usize = 8 * 1024;
/// Java's remark for CREATE_MAPPED_FILE_FAILED.
const CREATE_FAILED_REMARK: &str = "create mapped file failed, server is busy or broken.";
/// Start of Java's remark for SERVICE_NOT_AVAILABLE.
const NOT_AVAILABLE_REMARK: &str = "service not available now.";

/// A tmpfs mounted on a temp directory; unmounted on drop.
struct TmpfsMount {
    dir: PathBuf,
    _parent: tempfile::TempDir,
}

impl TmpfsMount {
    fn mount(size: &str) -> anyhow::Result<Self> {
        let parent = tempfile::Builder::new().prefix("rmq-diskfull-").tempdir()?;
        let dir = parent.path().join("store");
        std::fs::create_dir_all(&dir)?;
        let opts = format!("size={size}");
        run(
            "mount",
            &["-t", "tmpfs", "-o", &opts, "tmpfs", path_str(&dir)],
        )?;
        Ok(TmpfsMount {
            dir,
            _parent: parent,
        })
    }

    /// Changes the size of the mounted tmpfs (its content stays).
    fn resize(&self, size: &str) -> anyhow::Result<()> {
        let opts = format!("remount,size={size}");
        run("mount", &["-o", &opts, path_str(&self.dir)])
    }
}

impl Drop for TmpfsMount {
    fn drop(&mut self) {
        if run("umount", &[path_str(&self.dir)]).is_err() {
            // A process still holding files: detach now, the kernel frees it afterwards.
            let _ = run("umount", &["-l", path_str(&self.dir)]);
        }
    }
}

fn path_str(p: &Path) -> &str {
    p.to_str().unwrap_or_default()
}

fn run(cmd: &str, args: &[&str]) -> anyhow::Result<()> {
    let out = Command::new(cmd).args(args).output()?;
    if !out.status.success() {
        anyhow::bail!(
            "{cmd} {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(())
}

/// Returns true when the effective user id is 0.
fn running_as_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .and_then(|l| l.split_whitespace().nth(2).map(|u| u == "0"))
        })
        .unwrap_or(false)
}

/// The body of message `seq` of producer `producer`: its identity, then filler derived from it.
fn body_of(producer: usize, seq: usize) -> Vec<u8> {
    let mut b = format!("p{producer}-m{seq}|").into_bytes();
    let mut x = (producer as u32) << 20 | seq as u32;
    while b.len() < BODY_LEN {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        b.push(b'a' + (x >> 16) as u8 % 26);
    }
    b
}

/// An acknowledged message: who sent it and the id the broker answered with.
#[derive(Debug, Clone)]
struct Acked {
    producer: usize,
    seq: usize,
    msg_id: String,
}

/// What a send got back: stored, or an error answer (code and remark).
enum SendOutcome {
    Stored(SendMessageResponseHeader),
    Refused(i32, String),
}

async fn send(
    client: &RemotingClient,
    addr: &str,
    producer: usize,
    seq: usize,
) -> anyhow::Result<SendOutcome> {
    let header = SendMessageRequestHeaderV2 {
        producer_group: "disk_full_pg".into(),
        topic: TOPIC.into(),
        default_topic: "TBW102".into(),
        default_topic_queue_nums: QUEUES,
        queue_id: (seq % QUEUES as usize) as i32,
        sys_flag: 0,
        born_timestamp: rmq_common::util_all::current_millis(),
        flag: 0,
        properties: Some(format!(
            "KEYS\u{1}p{producer}-m{seq}\u{2}TAGS\u{1}TagA\u{2}"
        )),
        reconsume_times: Some(0),
        unit_mode: Some(false),
        max_reconsume_times: None,
        batch: Some(false),
        broker_name: None,
    };
    let req = RemotingCommand::create_request_command(RequestCode::SEND_MESSAGE_V2, &header)
        .with_body(Bytes::from(body_of(producer, seq)));
    let r = client.invoke(addr, req, 10_000).await?;
    if r.code == ResponseCode::SUCCESS.0 {
        return Ok(SendOutcome::Stored(r.decode_header()?));
    }
    Ok(SendOutcome::Refused(r.code, r.remark.unwrap_or_default()))
}

/// Asserts that a refused send got Java's answer for a store without space.
fn assert_full_disk_answer(code: i32, remark: &str) {
    let ok = (code == ResponseCode::SYSTEM_ERROR.0 && remark == CREATE_FAILED_REMARK)
        || (code == ResponseCode::SERVICE_NOT_AVAILABLE.0
            && remark.starts_with(NOT_AVAILABLE_REMARK));
    assert!(
        ok,
        "unexpected answer to a send on a full disk: {code} {remark:?}"
    );
}

async fn heartbeat(client: &RemotingClient, addr: &str) {
    let hb = HeartbeatData {
        client_id: "127.0.0.1@e2e-disk-full".into(),
        consumer_data_set: vec![ConsumerData {
            group_name: GROUP.into(),
            consume_type: ConsumeType::ConsumeActively,
            message_model: MessageModel::Clustering,
            consume_from_where: ConsumeFromWhere::ConsumeFromFirstOffset,
            subscription_data_set: vec![SubscriptionData::build_tag(TOPIC, "*")],
            unit_mode: false,
        }],
        ..Default::default()
    };
    let req =
        RemotingCommand::new_request(RequestCode::HEART_BEAT).with_body(Bytes::from(encode(&hb)));
    assert_eq!(client.invoke(addr, req, 5000).await.unwrap().code, 0);
}

/// Pulls every queue from offset 0 to its end; returns (queue, offset) → (msgId, body).
async fn pull_everything(
    client: &RemotingClient,
    addr: &str,
) -> anyhow::Result<BTreeMap<(i32, i64), (String, Vec<u8>)>> {
    let mut out = BTreeMap::new();
    for queue_id in 0..QUEUES {
        let mut offset = 0;
        loop {
            let header = PullMessageRequestHeader {
                consumer_group: GROUP.into(),
                topic: TOPIC.into(),
                queue_id,
                queue_offset: offset,
                max_msg_nums: 32,
                sys_flag: pull_sys_flag::build_sys_flag(false, false, false, false),
                commit_offset: 0,
                suspend_timeout_millis: 0,
                subscription: None,
                sub_version: 0,
                expression_type: None,
                max_msg_bytes: None,
                request_source: None,
                proxy_froward_client_id: None,
            };
            let req = RemotingCommand::create_request_command(RequestCode::PULL_MESSAGE, &header);
            let r = client.invoke(addr, req, 5000).await?;
            if r.code != ResponseCode::SUCCESS.0 {
                break;
            }
            let h: PullMessageResponseHeader = r.decode_header()?;
            for m in message_decoder::decodes(&r.body, DecodeOptions::default())? {
                out.insert(
                    (m.queue_id, m.queue_offset),
                    (m.offset_msg_id().to_string(), m.body().to_vec()),
                );
            }
            offset = h.next_begin_offset;
        }
    }
    Ok(out)
}

/// Checks that every acknowledged message is pulled with its id and body; returns how many
/// pulled messages were checked.
fn check_acked(
    acked: &BTreeMap<(i32, i64), Acked>,
    pulled: &BTreeMap<(i32, i64), (String, Vec<u8>)>,
) -> Result<usize, String> {
    for (at, a) in acked {
        let Some((msg_id, body)) = pulled.get(at) else {
            return Err(format!(
                "acknowledged message {at:?} ({a:?}) is not consumable"
            ));
        };
        if *msg_id != a.msg_id || *body != body_of(a.producer, a.seq) {
            return Err(format!(
                "message at {at:?} differs from the acknowledged {a:?}"
            ));
        }
    }
    Ok(acked.len())
}

/// Checks that every pulled message was acknowledged, with its id and body.
fn check_pulled_were_acked(
    acked: &BTreeMap<(i32, i64), Acked>,
    pulled: &BTreeMap<(i32, i64), (String, Vec<u8>)>,
) {
    for (at, (msg_id, body)) in pulled {
        let a = acked
            .get(at)
            .unwrap_or_else(|| panic!("pulled message {at:?} was never acknowledged"));
        assert_eq!(*msg_id, a.msg_id, "message id at {at:?}");
        assert!(*body == body_of(a.producer, a.seq), "body at {at:?}");
    }
}

/// Sends from `PRODUCERS` concurrent producers until each got refused `refusals_to_stop`
/// times in a row; records every acknowledged message and panics on anything but a stored
/// message or a full-disk answer (a timeout means the broker is gone).
async fn send_until_full(
    client: &RemotingClient,
    addr: &str,
    acked: &Arc<Mutex<BTreeMap<(i32, i64), Acked>>>,
    first_seq: usize,
    deadline: Instant,
) -> usize {
    let mut tasks = Vec::new();
    for producer in 0..PRODUCERS {
        let client = client.clone();
        let addr = addr.to_string();
        let acked = acked.clone();
        tasks.push(tokio::spawn(async move {
            let mut refused_in_row = 0;
            let mut refused = 0;
            let mut seq = first_seq;
            while refused_in_row < 20 {
                assert!(Instant::now() < deadline, "the store never filled up");
                match send(&client, &addr, producer, seq).await {
                    Ok(SendOutcome::Stored(h)) => {
                        refused_in_row = 0;
                        let a = Acked {
                            producer,
                            seq,
                            msg_id: h.msg_id,
                        };
                        let prev = acked
                            .lock()
                            .unwrap()
                            .insert((h.queue_id, h.queue_offset), a);
                        assert!(prev.is_none(), "queue offset acknowledged twice");
                    }
                    Ok(SendOutcome::Refused(code, remark)) => {
                        assert_full_disk_answer(code, &remark);
                        refused_in_row += 1;
                        refused += 1;
                    }
                    Err(e) => panic!("send {producer}/{seq} got no answer: {e:#}"),
                }
                seq += 1;
            }
            refused
        }));
    }
    let mut refused = 0;
    for t in tasks {
        refused += t.await.unwrap();
    }
    refused
}

/// Sends messages `seqs` of producer 0; each must be stored.
async fn send_all_ok(
    client: &RemotingClient,
    addr: &str,
    acked: &Arc<Mutex<BTreeMap<(i32, i64), Acked>>>,
    seqs: std::ops::Range<usize>,
) {
    for seq in seqs {
        match send(client, addr, 0, seq).await.unwrap() {
            SendOutcome::Stored(h) => {
                let a = Acked {
                    producer: 0,
                    seq,
                    msg_id: h.msg_id,
                };
                acked
                    .lock()
                    .unwrap()
                    .insert((h.queue_id, h.queue_offset), a);
            }
            SendOutcome::Refused(code, remark) => {
                panic!("send refused with space available: {code} {remark}")
            }
        }
    }
}

/// Counts the files under `dir` that use fewer blocks than their length.
fn files_ending_in_a_hole(dir: &Path) -> usize {
    use std::os::unix::fs::MetadataExt;
    let mut n = 0;
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let Ok(m) = e.metadata() else { continue };
        if m.is_dir() {
            n += files_ending_in_a_hole(&e.path());
        } else if m.blocks() * 512 < m.len() {
            n += 1;
        }
    }
    n
}

/// Fills what is left of the file system holding `dir` with a ballast file.
fn fill_up(dir: &Path) -> PathBuf {
    let p = dir.join("ballast");
    let mut f = std::fs::File::create(&p).unwrap();
    let chunk = vec![0x5au8; 64 * 1024];
    loop {
        match f.write_all(&chunk).and_then(|_| f.sync_data()) {
            Ok(()) => continue,
            Err(e) if e.raw_os_error() == Some(28) => break,
            Err(e) => panic!("writing the ballast: {e}"),
        }
    }
    // Page-sized leftovers.
    let page = [0x5au8; 4096];
    while f.write_all(&page).and_then(|_| f.sync_data()).is_ok() {}
    p
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn broker_survives_a_full_disk_and_keeps_every_acknowledged_message() {
    if !running_as_root() {
        eprintln!(
            "SKIPPED broker_survives_a_full_disk_and_keeps_every_acknowledged_message: \
             mounting a tmpfs needs root (CI runs as root)"
        );
        return;
    }
    let started = Instant::now();
    // Declared before the cluster, so the broker is killed before the tmpfs is unmounted.
    let mount = TmpfsMount::mount("64m").expect("mount a 64 MiB tmpfs (as root)");
    let mut cluster = Cluster::builder()
        .broker(
            BrokerSpec::new("broker-diskfull")
                .prop("storePathRootDir", path_str(&mount.dir))
                .prop("mappedFileSizeCommitLog", 8 * 1024 * 1024)
                // 1,000 units (5 pages) per file: queues need new files often, and a file
                // gets its blocks in steps (4, 8, 16 KiB), so most end in a hole.
                .prop("mappedFileSizeConsumeQueue", 20_000)
                .prop("maxHashSlotNum", 1000)
                .prop("maxIndexNum", 4000)
                // The timer wheel file alone (38.7 MB, reserved whole) would take most of
                // the 64 MiB; this test is about the CommitLog and its queues.
                .prop("timerWheelEnable", "false"),
        )
        .start_processes()
        .await
        .unwrap();
    let client = cluster.client().clone();
    let addr = cluster.broker_addr(0).unwrap().to_string();
    let acked = Arc::new(Mutex::new(BTreeMap::new()));

    // 1. Fill the store: every send is answered, stored or refused with Java's answer.
    let refused = send_until_full(
        &client,
        &addr,
        &acked,
        0,
        Instant::now() + Duration::from_secs(60),
    )
    .await;
    let before_full = acked.lock().unwrap().clone();
    assert!(refused > 0);
    assert!(
        before_full.len() > 4000,
        "only {} messages fit in 64 MiB",
        before_full.len()
    );

    // 2. Reads keep working: everything acknowledged is consumable.
    heartbeat(&client, &addr).await;
    let checked = eventually(Duration::from_secs(20), || async {
        let pulled = pull_everything(&client, &addr).await.ok()?;
        check_acked(&before_full, &pulled).ok()
    })
    .await
    .unwrap_or_else(|e| panic!("{e:#}\n{}", cluster.logs()));
    assert_eq!(checked, before_full.len());

    // 3. Take the last free pages too, then restart the broker (kill -9) on the full disk.
    let ballast = fill_up(&mount.dir);
    match send(&client, &addr, 99, 0)
        .await
        .expect("answer on a full disk")
    {
        SendOutcome::Refused(code, remark) => assert_full_disk_answer(code, &remark),
        SendOutcome::Stored(h) => panic!("stored on a full disk: {h:?}"),
    }
    assert!(
        files_ending_in_a_hole(&mount.dir.join("consumequeue").join(TOPIC)) > 0,
        "recovery must meet ConsumeQueue files whose tail has no blocks"
    );
    cluster.kill_broker(0);
    cluster
        .start_broker(0)
        .await
        .unwrap_or_else(|e| panic!("restart on a full disk: {e:#}\n{}", cluster.logs()));
    let addr = cluster.broker_addr(0).unwrap().to_string();
    heartbeat(&client, &addr).await;
    let pulled = pull_everything(&client, &addr).await.unwrap();
    check_acked(&before_full, &pulled).unwrap_or_else(|e| panic!("after restart: {e}"));
    match send(&client, &addr, 99, 1)
        .await
        .expect("answer on a full disk")
    {
        SendOutcome::Refused(code, remark) => assert_full_disk_answer(code, &remark),
        SendOutcome::Stored(h) => panic!("stored on a full disk: {h:?}"),
    }

    // 4. Free space: new sends succeed and every acknowledged message is intact.
    std::fs::remove_file(&ballast).unwrap();
    mount.resize("256m").unwrap();
    send_all_ok(&client, &addr, &acked, 1_000_000..1_000_100).await;
    let all = acked.lock().unwrap().clone();
    eventually(Duration::from_secs(20), || async {
        let pulled = pull_everything(&client, &addr).await.ok()?;
        check_acked(&all, &pulled).ok()
    })
    .await
    .unwrap_or_else(|e| panic!("{e:#}\n{}", cluster.logs()));

    // 5. Full again while the CommitLog still has room (the current file and the one made
    // ahead): messages are stored, but the ConsumeQueue files (or the next step of blocks of
    // one) they need cannot be reserved.
    // The dispatch waits at the first such message instead of skipping it.
    // The next CommitLog file is made ahead in the background: let it finish first, or its
    // allocation failing after the ballast would leave room behind.
    let commitlog = mount.dir.join("commitlog");
    eventually(Duration::from_secs(10), || {
        let full_files = std::fs::read_dir(&commitlog)
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| e.metadata().is_ok_and(|m| m.len() == 8 * 1024 * 1024))
            .count();
        async move { (full_files == 9).then_some(()) }
    })
    .await
    .expect("the current CommitLog file and the one made ahead");
    let ballast = fill_up(&mount.dir);
    let refused_again = send_until_full(
        &client,
        &addr,
        &acked,
        2_000_000,
        Instant::now() + Duration::from_secs(60),
    )
    .await;
    assert!(refused_again > 0);
    let all = acked.lock().unwrap().clone();
    assert!(
        all.len() > before_full.len() + 100 + 400,
        "stored on the full disk"
    );
    let pulled = pull_everything(&client, &addr).await.unwrap();
    check_pulled_were_acked(&all, &pulled);
    assert!(
        pulled.len() < all.len(),
        "messages needing a new ConsumeQueue file cannot be consumable on a full disk"
    );

    // 6. Free the space: the dispatch resumes, every acknowledged message is consumable and
    // new sends succeed.
    std::fs::remove_file(&ballast).unwrap();
    send_all_ok(&client, &addr, &acked, 3_000_000..3_000_020).await;
    let all = acked.lock().unwrap().clone();
    eventually(Duration::from_secs(20), || async {
        let pulled = pull_everything(&client, &addr).await.ok()?;
        check_acked(&all, &pulled).ok()
    })
    .await
    .unwrap_or_else(|e| panic!("{e:#}\n{}", cluster.logs()));
    eprintln!(
        "disk full e2e: {} acknowledged before the disk filled, {refused} refused; {} stored \
         on the second full disk, {refused_again} refused; {:?}",
        before_full.len(),
        all.len() - before_full.len() - 120,
        started.elapsed()
    );
    drop(cluster);
}
