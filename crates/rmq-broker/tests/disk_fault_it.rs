#![allow(clippy::unwrap_used)]
//! A full or broken disk, injected through the store's file-system seam, reaches a producer
//! over a loopback socket as Java's send answer (`SendMessageProcessor#handlePutMessageResult`):
//! CREATE_MAPPED_FILE_FAILED as SYSTEM_ERROR "create mapped file failed, server is busy or
//! broken.", a failed SYNC_FLUSH as FLUSH_DISK_TIMEOUT with the stored message's header; once
//! the disk is back, sends succeed again.

mod common;

use common::*;
use rmq_broker::{BrokerController, BrokerHandle};
use rmq_remoting::protocol::header::broker::SendMessageResponseHeader;
use rmq_remoting::{RemotingCommand, ResponseCode};
use rmq_store::fault_injection::{FaultyFileSystem, Op};
use rmq_store::{DefaultMessageStore, FlushDiskType, MessageStoreConfig};
use std::path::Path;
use std::sync::Arc;

/// Starts a broker whose store makes its OS calls through `fs`.
async fn start_on(
    dir: &Path,
    fs: &Arc<FaultyFileSystem>,
    f: impl FnOnce(&mut MessageStoreConfig),
) -> BrokerHandle {
    let mut configs = test_configs(dir, None);
    f(&mut configs.message_store_config);
    let fs = fs.clone();
    BrokerController::start_with_store(
        configs,
        Box::new(move |c| DefaultMessageStore::open_with_faulty_file_system(c, fs)),
    )
    .await
    .unwrap()
}

/// Sends 2 KiB messages until one is refused; `None` if 200 are all stored.
async fn first_refused(c: &rmq_remoting::RemotingClient, addr: &str) -> Option<RemotingCommand> {
    let body = vec![b'x'; 2048];
    for _ in 0..200 {
        let r = send(c, addr, "DiskFaultTopic", 0, &[], &body).await;
        if r.code != ResponseCode::SUCCESS.0 {
            return Some(r);
        }
    }
    None
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commit_log_enospc_answers_create_mapped_file_failed_until_space_is_back() {
    let dir = tempfile::tempdir().unwrap();
    let fs = Arc::new(FaultyFileSystem::default());
    // Small CommitLog files: the store has to create the next one within a few sends.
    let broker = start_on(dir.path(), &fs, |c| {
        c.mapped_file_size_commit_log = 64 * 1024
    })
    .await;
    let addr = broker.local_addr().to_string();
    let c = client();
    send_ok(&c, &addr, "DiskFaultTopic", 0, &[], b"before").await;

    fs.fail(Op::Create, "/commitlog/", libc::ENOSPC);
    // The file made ahead may still take messages; then the roll to a new file fails.
    let refused = first_refused(&c, &addr).await.unwrap();
    assert_eq!(
        (refused.code, refused.remark.as_deref()),
        (
            ResponseCode::SYSTEM_ERROR.0,
            Some("create mapped file failed, server is busy or broken.")
        )
    );
    assert!(fs.failures() > 0);
    // A refused send still carries the send answer's ext fields, as Java's.
    assert_eq!(refused.ext_field("MSG_REGION"), Some("DefaultRegion"));

    fs.heal();
    let h = send_ok(&c, &addr, "DiskFaultTopic", 0, &[], b"after").await;
    assert!(h.queue_offset > 0);
    broker.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_flush_eio_answers_flush_disk_timeout_with_the_stored_message() {
    let dir = tempfile::tempdir().unwrap();
    let fs = Arc::new(FaultyFileSystem::default());
    let broker = start_on(dir.path(), &fs, |c| {
        c.flush_disk_type = FlushDiskType::SyncFlush;
        c.sync_flush_timeout = 200;
    })
    .await;
    let addr = broker.local_addr().to_string();
    let c = client();
    send_ok(&c, &addr, "DiskFaultTopic", 0, &[], b"before").await;

    fs.fail(Op::Flush, "/commitlog/", libc::EIO);
    let r = send(&c, &addr, "DiskFaultTopic", 0, &[], b"unflushed").await;
    assert_eq!(r.code, ResponseCode::FLUSH_DISK_TIMEOUT.0, "{:?}", r.remark);
    // Stored, only not flushed: the answer names the message as a SUCCESS would.
    let h: SendMessageResponseHeader = r.decode_header().unwrap();
    assert_eq!((h.queue_id, h.queue_offset), (0, 1));
    assert!(!h.msg_id.is_empty());

    fs.heal();
    let h = send_ok(&c, &addr, "DiskFaultTopic", 0, &[], b"after").await;
    assert_eq!(h.queue_offset, 2);
    broker.shutdown().await;
}
