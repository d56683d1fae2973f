//! Faults injected through the file-system seam at each service boundary: file creation
//! (CommitLog, ConsumeQueue), the lock and abort files at start, and the CommitLog flush.
//! Each must give the store's answer (a put status or a start error), never a panic.

use crate::file_system::testing::{FaultyFileSystem, Op};
use crate::store_tests::{msg, test_config, wait_dispatched};
use crate::*;
use std::path::Path;
use std::sync::Arc;

fn open_with(
    dir: &Path,
    fs: &Arc<FaultyFileSystem>,
    f: impl FnOnce(&mut MessageStoreConfig),
) -> Arc<DefaultMessageStore> {
    let mut c = test_config(dir);
    f(&mut c);
    let s = DefaultMessageStore::open_with_file_system(c, fs.clone()).unwrap();
    s.set_disk_usage_probe(Some(Box::new(|_| 0.10)));
    s
}

fn put(s: &DefaultMessageStore, topic: &str, i: usize) -> PutMessageStatus {
    s.put_message(&msg(topic, 0, i)).wait().status
}

/// Waits (by probing) until `cond` holds.
fn wait_until(what: &str, mut cond: impl FnMut() -> bool) {
    for _ in 0..10_000 {
        if cond() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    panic!("timed out waiting for {what}");
}

fn commit_log_file_that_cannot_be_created(errno: i32) {
    let dir = tempfile::tempdir().unwrap();
    let fs = Arc::new(FaultyFileSystem::default());
    let s = open_with(dir.path(), &fs, |c| {
        c.mapped_file_size_commit_log = 8 * 1024
    });
    s.start().unwrap();
    assert_eq!(put(&s, "T", 0), PutMessageStatus::PutOk);
    fs.fail(Op::Create, "/commitlog/", errno);
    // The file the allocator made ahead may still take messages; then the roll fails.
    let refused = (1..200)
        .map(|i| put(&s, "T", i))
        .find(|st| *st != PutMessageStatus::PutOk);
    assert_eq!(refused, Some(PutMessageStatus::CreateMappedFileFailed));
    assert!(s.running_flags().is_writeable());
    fs.heal();
    assert_eq!(put(&s, "T", 500), PutMessageStatus::PutOk);
    s.shutdown();
}

#[test]
fn commit_log_file_create_enospc_answers_create_mapped_file_failed() {
    commit_log_file_that_cannot_be_created(libc::ENOSPC);
}

#[test]
fn commit_log_file_create_eio_answers_create_mapped_file_failed() {
    commit_log_file_that_cannot_be_created(libc::EIO);
}

#[test]
fn consume_queue_file_create_enospc_stalls_the_dispatch_until_space_is_back() {
    let dir = tempfile::tempdir().unwrap();
    let fs = Arc::new(FaultyFileSystem::default());
    let s = open_with(dir.path(), &fs, |_| {});
    s.start().unwrap();
    fs.fail(Op::Create, "/consumequeue/", libc::ENOSPC);
    assert_eq!(put(&s, "T", 0), PutMessageStatus::PutOk);
    wait_until("the create to fail", || fs.failures() > 0);
    assert!(s.dispatch_behind_bytes() > 0);
    assert!(s.running_flags().is_writeable());
    let r = s.get_message("g", "T", 0, 0, 32, 1 << 20, None).unwrap();
    assert_eq!(r.status, GetMessageStatus::NoMessageInQueue);
    fs.heal();
    wait_dispatched(&s);
    let r = s.get_message("g", "T", 0, 0, 32, 1 << 20, None).unwrap();
    assert_eq!(r.status, GetMessageStatus::Found);
    assert_eq!(r.msg_count, 1);
    s.shutdown();
}

#[test]
fn consume_queue_file_create_eio_refuses_puts() {
    let dir = tempfile::tempdir().unwrap();
    let fs = Arc::new(FaultyFileSystem::default());
    let s = open_with(dir.path(), &fs, |_| {});
    s.start().unwrap();
    fs.fail(Op::Create, "/consumequeue/", libc::EIO);
    assert_eq!(put(&s, "T", 0), PutMessageStatus::PutOk);
    wait_until("the logics queue error", || {
        !s.running_flags().is_writeable()
    });
    assert_eq!(put(&s, "T", 1), PutMessageStatus::ServiceNotAvailable);
    s.shutdown();
}

#[test]
fn lock_file_errors_fail_start_and_refuse_puts() {
    for (op, errno) in [
        (Op::Lock, libc::EIO),
        (Op::Create, libc::ENOSPC),
        (Op::Create, libc::EIO),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let fs = Arc::new(FaultyFileSystem::default());
        let s = open_with(dir.path(), &fs, |_| {});
        fs.fail(op, "/lock", errno);
        match s.start() {
            Err(StoreError::Io { source, .. }) => assert_eq!(source.raw_os_error(), Some(errno)),
            other => panic!("{op:?} {errno}: {other:?}"),
        }
        assert_eq!(put(&s, "T", 0), PutMessageStatus::ServiceNotAvailable);
        fs.heal();
        s.start().unwrap();
        assert_eq!(put(&s, "T", 0), PutMessageStatus::PutOk);
        s.shutdown();
    }
}

#[test]
fn a_held_lock_fails_start_with_lock_failed() {
    let dir = tempfile::tempdir().unwrap();
    let fs = Arc::new(FaultyFileSystem::default());
    let s = open_with(dir.path(), &fs, |_| {});
    // What fcntl answers when another process holds the lock.
    fs.fail(Op::Lock, "/lock", libc::EAGAIN);
    assert!(matches!(s.start(), Err(StoreError::LockFailed { .. })));
    assert_eq!(put(&s, "T", 0), PutMessageStatus::ServiceNotAvailable);
}

#[test]
fn abort_file_that_cannot_be_created_fails_start() {
    for errno in [libc::ENOSPC, libc::EIO] {
        let dir = tempfile::tempdir().unwrap();
        let fs = Arc::new(FaultyFileSystem::default());
        let s = open_with(dir.path(), &fs, |_| {});
        fs.fail(Op::Create, "/abort", errno);
        assert!(matches!(s.start(), Err(StoreError::Io { .. })));
        assert_eq!(put(&s, "T", 0), PutMessageStatus::ServiceNotAvailable);
        fs.heal();
        s.start().unwrap();
        assert_eq!(put(&s, "T", 0), PutMessageStatus::PutOk);
        s.shutdown();
    }
}

fn sync_flush_that_fails(errno: i32) {
    let dir = tempfile::tempdir().unwrap();
    let fs = Arc::new(FaultyFileSystem::default());
    let s = open_with(dir.path(), &fs, |c| {
        c.flush_disk_type = FlushDiskType::SyncFlush;
        c.sync_flush_timeout = 200;
    });
    s.start().unwrap();
    assert_eq!(put(&s, "T", 0), PutMessageStatus::PutOk);
    fs.fail(Op::Flush, "/commitlog/", errno);
    let r = s.put_message(&msg("T", 0, 1)).wait();
    assert_eq!(r.status, PutMessageStatus::FlushDiskTimeout);
    // The record is written, only not flushed.
    assert!(r.append_result.is_some());
    assert!(s.flush_behind_bytes() > 0);
    fs.heal();
    assert_eq!(put(&s, "T", 2), PutMessageStatus::PutOk);
    wait_dispatched(&s);
    let got = s.get_message("g", "T", 0, 0, 32, 1 << 20, None).unwrap();
    assert_eq!(got.msg_count, 3);
    s.shutdown();
}

#[test]
fn sync_flush_enospc_answers_flush_disk_timeout() {
    sync_flush_that_fails(libc::ENOSPC);
}

#[test]
fn sync_flush_eio_answers_flush_disk_timeout() {
    sync_flush_that_fails(libc::EIO);
}

#[test]
fn async_flush_eio_keeps_accepting_and_flushes_once_healed() {
    let dir = tempfile::tempdir().unwrap();
    let fs = Arc::new(FaultyFileSystem::default());
    let s = open_with(dir.path(), &fs, |_| {});
    s.start().unwrap();
    fs.fail(Op::Flush, "/commitlog/", libc::EIO);
    assert_eq!(put(&s, "T", 0), PutMessageStatus::PutOk);
    wait_until("a flush to fail", || fs.failures() > 0);
    assert!(s.flush_behind_bytes() > 0);
    assert_eq!(put(&s, "T", 1), PutMessageStatus::PutOk);
    fs.heal();
    wait_until("the flush", || s.flush_behind_bytes() == 0);
    s.shutdown();
}

#[test]
fn memory_size_is_read_once_per_store_not_per_pull() {
    let dir = tempfile::tempdir().unwrap();
    let fs = Arc::new(FaultyFileSystem::default());
    let s = open_with(dir.path(), &fs, |_| {});
    s.start().unwrap();
    assert_eq!(put(&s, "T", 0), PutMessageStatus::PutOk);
    wait_dispatched(&s);
    let asked = fs.memory_calls();
    assert_eq!(asked, 1);
    for _ in 0..3 {
        let r = s.get_message("g", "T", 0, 0, 32, 1 << 20, None).unwrap();
        assert_eq!(r.status, GetMessageStatus::Found);
    }
    assert_eq!(fs.memory_calls(), asked);
    s.shutdown();
}
