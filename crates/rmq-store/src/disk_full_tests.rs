//! A full disk, injected through the file-system seam: a CommitLog roll, a ConsumeQueue file
//! or an index file that cannot be created must give Java's put status (or stall the
//! dispatch), never a panic, and every stored message must be intact once space is back.

use crate::file_system::testing::FaultyFileSystem;
use crate::store_tests::{msg, test_config, wait_dispatched};
use crate::*;
use rmq_common::message::message_decoder::{decodes, DecodeOptions};
use rmq_common::MessageExt;
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
    s.start().unwrap();
    s
}

/// Reads every message of a queue from offset 0.
fn read_queue(s: &DefaultMessageStore, topic: &str, queue_id: i32) -> Vec<MessageExt> {
    let mut out = Vec::new();
    loop {
        let r = s
            .get_message("g", topic, queue_id, out.len() as i64, 32, 1 << 20, None)
            .unwrap();
        if r.msg_count == 0 {
            return out;
        }
        let all: Vec<u8> = r.message_buffers.iter().flat_map(|b| b.to_vec()).collect();
        out.extend(decodes(&all, DecodeOptions::default()).unwrap());
    }
}

/// Asserts that queue 0 of `topic` holds exactly the messages `ids`, in order.
fn assert_queue_holds(s: &DefaultMessageStore, topic: &str, ids: &[usize]) {
    let got = read_queue(s, topic, 0);
    assert_eq!(got.len(), ids.len(), "messages in {topic}");
    for (n, (m, i)) in got.iter().zip(ids).enumerate() {
        assert_eq!(m.queue_offset, n as i64);
        assert_eq!(
            m.body(),
            msg(topic, 0, *i).body.as_ref(),
            "queue offset {n}"
        );
    }
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

fn files_in(dir: &Path) -> usize {
    std::fs::read_dir(dir).map(|d| d.count()).unwrap_or(0)
}

#[test]
fn commit_log_roll_without_space_answers_create_mapped_file_failed() {
    let dir = tempfile::tempdir().unwrap();
    let fs = Arc::new(FaultyFileSystem::default());
    let small = |c: &mut MessageStoreConfig| c.mapped_file_size_commit_log = 8 * 1024;
    let s = open_with(dir.path(), &fs, small);
    let mut stored = Vec::new();
    for i in 0..10 {
        assert_eq!(
            s.put_message(&msg("T", 0, i)).wait().status,
            PutMessageStatus::PutOk
        );
        stored.push(i);
    }
    fs.fail_allocate("/commitlog/", libc::ENOSPC);
    // At most the file the allocator made ahead still takes messages; then the roll fails.
    let mut refused = None;
    for i in 10..200 {
        match s.put_message(&msg("T", 0, i)).wait().status {
            PutMessageStatus::PutOk => stored.push(i),
            status => {
                refused = Some(status);
                break;
            }
        }
    }
    assert_eq!(refused, Some(PutMessageStatus::CreateMappedFileFailed));
    let r = s.put_message(&msg("T", 0, 1000)).wait();
    assert_eq!(r.status, PutMessageStatus::CreateMappedFileFailed);
    assert!(r.append_result.is_none());
    assert!(fs.failures() >= 2);
    // A failed create leaves no file behind, and the store stays writeable.
    let cl_dir = dir.path().join("commitlog");
    wait_until("failed creates to be cleaned up", || {
        files_in(&cl_dir) == s.commit_log.mapped_file_queue().files().len()
    });
    assert!(s.running_flags().is_writeable());
    wait_dispatched(&s);
    assert_queue_holds(&s, "T", &stored);

    fs.heal();
    for i in 2000..2020 {
        assert_eq!(
            s.put_message(&msg("T", 0, i)).wait().status,
            PutMessageStatus::PutOk
        );
        stored.push(i);
    }
    wait_dispatched(&s);
    assert_queue_holds(&s, "T", &stored);
    s.shutdown();
    drop(s);
    let s = open_with(dir.path(), &fs, small);
    assert_queue_holds(&s, "T", &stored);
    s.shutdown();
}

#[test]
fn consume_queue_file_without_space_stalls_the_dispatch_until_space_is_back() {
    let dir = tempfile::tempdir().unwrap();
    let fs = Arc::new(FaultyFileSystem::default());
    // Ten units per ConsumeQueue file.
    let s = open_with(dir.path(), &fs, |c| c.mapped_file_size_consume_queue = 200);
    for i in 0..5 {
        assert_eq!(
            s.put_message(&msg("T", 0, i)).wait().status,
            PutMessageStatus::PutOk
        );
    }
    wait_dispatched(&s);
    fs.fail_allocate("/consumequeue/", libc::ENOSPC);
    // The CommitLog has room: these are stored and acknowledged.
    for i in 5..25 {
        assert_eq!(
            s.put_message(&msg("T", 0, i)).wait().status,
            PutMessageStatus::PutOk
        );
    }
    // The dispatch stops at queue offset 10, which needs a second file, and retries there.
    wait_until("the dispatch to retry", || fs.failures() >= 3);
    assert_eq!(s.get_max_offset_in_queue("T", 0), 10);
    assert!(s.dispatch_behind_bytes() > 0);
    assert!(
        s.running_flags().is_writeable(),
        "a full disk is not a broken store"
    );
    assert_queue_holds(&s, "T", &(0..10).collect::<Vec<_>>());

    fs.heal();
    wait_dispatched(&s);
    assert_queue_holds(&s, "T", &(0..25).collect::<Vec<_>>());
    assert_eq!(
        s.put_message(&msg("T", 0, 25))
            .wait()
            .append_result
            .unwrap()
            .logics_offset,
        25
    );
    s.shutdown();
}

#[test]
fn index_file_without_space_stalls_the_dispatch_and_indexes_each_key_once() {
    let dir = tempfile::tempdir().unwrap();
    let fs = Arc::new(FaultyFileSystem::default());
    // Seven entries per index file; each message has three keys (UNIQ_KEY, key<i>, common).
    let s = open_with(dir.path(), &fs, |c| {
        c.max_hash_slot_num = 4;
        c.max_index_num = 8;
    });
    for i in 0..2 {
        assert_eq!(
            s.put_message(&msg("T", 0, i)).wait().status,
            PutMessageStatus::PutOk
        );
    }
    wait_dispatched(&s);
    fs.fail_allocate("/index/", libc::ENOSPC);
    for i in 2..8 {
        assert_eq!(
            s.put_message(&msg("T", 0, i)).wait().status,
            PutMessageStatus::PutOk
        );
    }
    wait_until("the dispatch to retry", || fs.failures() >= 3);
    assert!(s.dispatch_behind_bytes() > 0);
    assert!(s.running_flags().is_writeable());

    fs.heal();
    wait_dispatched(&s);
    assert_queue_holds(&s, "T", &(0..8).collect::<Vec<_>>());
    for i in 0..8 {
        let q = s.query_message("T", &format!("U{i:08}"), 32, 0, i64::MAX);
        assert_eq!(q.message_buffers.len(), 1, "UNIQ_KEY of message {i}");
    }
    let common = s.query_message("T", "common", 32, 0, i64::MAX);
    assert_eq!(common.message_buffers.len(), 8, "no key is indexed twice");
    s.shutdown();
}

#[test]
fn consume_queue_io_error_refuses_puts_but_keeps_the_message() {
    let dir = tempfile::tempdir().unwrap();
    let fs = Arc::new(FaultyFileSystem::default());
    fs.fail_allocate("/consumequeue/", libc::EIO);
    let s = open_with(dir.path(), &fs, |_| {});
    assert_eq!(
        s.put_message(&msg("T", 0, 0)).wait().status,
        PutMessageStatus::PutOk
    );
    // EIO does not clear by itself: Java's logics-queue error flag refuses further puts.
    wait_until("the store to refuse writes", || {
        !s.running_flags().is_writeable()
    });
    assert_eq!(
        s.put_message(&msg("T", 0, 1)).wait().status,
        PutMessageStatus::ServiceNotAvailable
    );
    assert_eq!(s.get_max_offset_in_queue("T", 0), 0);
    s.shutdown();
    drop(s);

    // After a restart with a healthy disk the stored message is dispatched.
    fs.heal();
    let s = open_with(dir.path(), &fs, |_| {});
    wait_dispatched(&s);
    assert_queue_holds(&s, "T", &[0]);
    s.shutdown();
}

#[test]
fn recovery_without_space_for_consume_queues_resumes_at_the_first_undispatched_record() {
    let dir = tempfile::tempdir().unwrap();
    let fs = Arc::new(FaultyFileSystem::default());
    let small_cq = |c: &mut MessageStoreConfig| c.mapped_file_size_consume_queue = 200;
    let s = open_with(dir.path(), &fs, small_cq);
    for i in 0..15 {
        assert_eq!(
            s.put_message(&msg("T", 0, i)).wait().status,
            PutMessageStatus::PutOk
        );
    }
    wait_dispatched(&s);
    s.shutdown();
    drop(s);
    // Recovery must rebuild every ConsumeQueue, and cannot create a single file.
    std::fs::remove_dir_all(dir.path().join("consumequeue")).unwrap();
    fs.fail_allocate("/consumequeue/", libc::ENOSPC);
    let s = open_with(dir.path(), &fs, small_cq);
    assert_eq!(s.get_max_offset_in_queue("T", 0), 0);
    // New messages continue the queue after the undispatched ones.
    let r = s.put_message(&msg("T", 0, 15)).wait();
    assert_eq!(r.status, PutMessageStatus::PutOk);
    assert_eq!(r.append_result.unwrap().logics_offset, 15);
    // The reput retries at the first record rather than skipping what it cannot dispatch.
    wait_until("the dispatch to retry", || fs.failures() >= 3);
    assert_eq!(s.get_max_offset_in_queue("T", 0), 0);

    fs.heal();
    wait_dispatched(&s);
    assert_queue_holds(&s, "T", &(0..16).collect::<Vec<_>>());
    s.shutdown();
}

#[test]
fn store_that_cannot_reserve_its_checkpoint_fails_to_open_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let fs = Arc::new(FaultyFileSystem::default());
    fs.fail_allocate("checkpoint", libc::ENOSPC);
    let err = DefaultMessageStore::open_with_file_system(test_config(dir.path()), fs.clone())
        .unwrap_err();
    assert!(err.is_out_of_space(), "{err}");
    assert!(!dir.path().join("checkpoint").exists());
}

#[test]
fn existing_file_that_cannot_be_reserved_fails_the_open_cleanly() {
    // A sparse file left by Java or an older rmq, on a full disk: reserving its holes fails.
    // Opening stops with an error naming the file rather than mapping holes that would
    // fault on first access.
    let dir = tempfile::tempdir().unwrap();
    let fs = Arc::new(FaultyFileSystem::default());
    let s = open_with(dir.path(), &fs, |_| {});
    assert_eq!(
        s.put_message(&msg("T", 0, 0)).wait().status,
        PutMessageStatus::PutOk
    );
    wait_dispatched(&s);
    s.shutdown();
    drop(s);
    fs.fail_allocate("/consumequeue/", libc::ENOSPC);
    let err = DefaultMessageStore::open_with_file_system(test_config(dir.path()), fs.clone())
        .unwrap_err();
    assert!(err.is_out_of_space(), "{err}");
    assert!(err.to_string().contains("consumequeue"), "{err}");
    // The file is kept: with space back the store opens with its data.
    fs.heal();
    let s = open_with(dir.path(), &fs, |_| {});
    assert_queue_holds(&s, "T", &[0]);
    s.shutdown();
}
