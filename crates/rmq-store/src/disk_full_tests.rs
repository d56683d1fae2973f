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

/// Bytes of disk blocks used by `p` (`du`'s count).
fn blocks_bytes(p: &Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(p).unwrap().blocks() * 512
}

/// The only file in `dir`.
fn only_file(dir: &Path) -> std::path::PathBuf {
    let files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    files[0].clone()
}

/// Java's default ConsumeQueue file size: 300,000 units.
fn default_cq_file_size(c: &mut MessageStoreConfig) {
    c.mapped_file_size_consume_queue = MessageStoreConfig::default().mapped_file_size_consume_queue;
}

#[test]
fn new_consume_queue_and_index_files_use_blocks_as_data_arrives() {
    let dir = tempfile::tempdir().unwrap();
    let fs = Arc::new(FaultyFileSystem::default());
    let s = open_with(dir.path(), &fs, |c| {
        default_cq_file_size(c);
        c.max_hash_slot_num = MessageStoreConfig::default().max_hash_slot_num;
        c.max_index_num = MessageStoreConfig::default().max_index_num;
    });
    for i in 0..5 {
        assert_eq!(
            s.put_message(&msg("T", 0, i)).wait().status,
            PutMessageStatus::PutOk
        );
    }
    wait_dispatched(&s);
    assert_queue_holds(&s, "T", &(0..5).collect::<Vec<_>>());
    // A 6 MB ConsumeQueue file holding five units uses one page of blocks, as Java's sparse
    // file does (it used to reserve all 6 MB).
    let cq = only_file(&dir.path().join("consumequeue/T/0"));
    assert_eq!(std::fs::metadata(&cq).unwrap().len(), 6_000_000);
    let used = blocks_bytes(&cq);
    assert!((4096..=16 * 1024).contains(&used), "{used} bytes of blocks");
    // A 420 MB index file: its header and 20 MB slot table, plus one step for entries.
    let index = only_file(&dir.path().join("index"));
    assert_eq!(std::fs::metadata(&index).unwrap().len(), 420_000_040);
    let slots = 40 + 5_000_000 * 4;
    let used = blocks_bytes(&index);
    assert!(
        (slots..slots + (2 << 20)).contains(&used),
        "{used} bytes of blocks"
    );
    s.shutdown();
}

#[test]
fn consume_queue_step_without_space_stalls_the_dispatch_until_space_is_back() {
    let dir = tempfile::tempdir().unwrap();
    let fs = Arc::new(FaultyFileSystem::default());
    let s = open_with(dir.path(), &fs, default_cq_file_size);
    for i in 0..150 {
        assert_eq!(
            s.put_message(&msg("T", 0, i)).wait().status,
            PutMessageStatus::PutOk
        );
    }
    wait_dispatched(&s);
    // The file exists and has its first page; the next page is not reserved yet.
    fs.fail_allocate("/consumequeue/", libc::ENOSPC);
    for i in 150..260 {
        assert_eq!(
            s.put_message(&msg("T", 0, i)).wait().status,
            PutMessageStatus::PutOk
        );
    }
    // Units 0..=203 fit in the first 4096 bytes; unit 204 needs the next step.
    wait_until("the dispatch to retry", || fs.failures() >= 3);
    assert_eq!(s.get_max_offset_in_queue("T", 0), 204);
    assert!(s.dispatch_behind_bytes() > 0);
    assert!(s.running_flags().is_writeable());
    assert_queue_holds(&s, "T", &(0..204).collect::<Vec<_>>());

    fs.heal();
    wait_dispatched(&s);
    assert_queue_holds(&s, "T", &(0..260).collect::<Vec<_>>());
    s.shutdown();
    drop(s);
    let s = open_with(dir.path(), &fs, default_cq_file_size);
    assert_queue_holds(&s, "T", &(0..260).collect::<Vec<_>>());
    s.shutdown();
}

/// Rewrites every file under `dir` as Java leaves its files: pages that were never written
/// (all zero here) are holes.
fn make_sparse(dir: &Path) {
    use std::os::unix::fs::FileExt;
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            make_sparse(&p);
            continue;
        }
        let data = std::fs::read(&p).unwrap();
        let tmp = p.with_extension("sparse");
        let f = std::fs::File::create(&tmp).unwrap();
        f.set_len(data.len() as u64).unwrap();
        for (i, page) in data.chunks(4096).enumerate() {
            if page.iter().any(|b| *b != 0) {
                f.write_all_at(page, (i * 4096) as u64).unwrap();
            }
        }
        drop(f);
        std::fs::rename(&tmp, &p).unwrap();
    }
}

#[test]
fn sparse_files_on_a_full_disk_come_up_and_serve_their_data() {
    // Files written by Java or an older rmq: data, then a hole to the end (and holes in the
    // index's slot table). On a full disk nothing of them can be reserved beyond their data;
    // the store must still start, serve every stored message, and answer puts.
    let dir = tempfile::tempdir().unwrap();
    let fs = Arc::new(FaultyFileSystem::default());
    let config = |c: &mut MessageStoreConfig| {
        default_cq_file_size(c);
        // An 8 MB slot table, mostly holes for a few hundred keys.
        c.max_hash_slot_num = 2_000_000;
    };
    let s = open_with(dir.path(), &fs, config);
    for i in 0..300 {
        assert_eq!(
            s.put_message(&msg("T", 0, i)).wait().status,
            PutMessageStatus::PutOk
        );
    }
    wait_dispatched(&s);
    s.shutdown();
    drop(s);
    for sub in ["commitlog", "consumequeue", "index"] {
        make_sparse(&dir.path().join(sub));
    }
    let cq = only_file(&dir.path().join("consumequeue/T/0"));
    let cq_blocks = blocks_bytes(&cq);
    assert!(cq_blocks <= 8192, "{cq_blocks}");

    fs.fail_allocate("", libc::ENOSPC);
    let s = open_with(dir.path(), &fs, config);
    let mut stored: Vec<usize> = (0..300).collect();
    assert_queue_holds(&s, "T", &stored);
    // The index could not be backed (its slot table has holes): it is read with pread.
    let index_files = s.index_service.files();
    assert_eq!(index_files.len(), 4, "900 keys, 255 a file");
    assert!(index_files.iter().all(|f| !f.is_mapped()));
    for i in [0, 150, 299] {
        let q = s.query_message("T", &format!("U{i:08}"), 32, 0, i64::MAX);
        assert_eq!(q.message_buffers.len(), 1, "UNIQ_KEY of message {i}");
    }
    assert_eq!(blocks_bytes(&cq), cq_blocks, "the hole stays a hole");
    // Puts fit in the last CommitLog page at most; then they are refused, never a crash.
    let mut refused = None;
    for i in 300..400 {
        match s.put_message(&msg("T", 0, i)).wait().status {
            PutMessageStatus::PutOk => stored.push(i),
            status => {
                refused = Some(status);
                break;
            }
        }
    }
    assert_eq!(refused, Some(PutMessageStatus::CreateMappedFileFailed));
    assert!(stored.len() < 330, "{} stored on a full disk", stored.len());

    fs.heal();
    for i in 1000..1010 {
        assert_eq!(
            s.put_message(&msg("T", 0, i)).wait().status,
            PutMessageStatus::PutOk
        );
        stored.push(i);
    }
    wait_dispatched(&s);
    assert_queue_holds(&s, "T", &stored);
    for i in [0, 299, 1009] {
        let q = s.query_message("T", &format!("U{i:08}"), 32, 0, i64::MAX);
        assert_eq!(q.message_buffers.len(), 1, "UNIQ_KEY of message {i}");
    }
    s.shutdown();
    drop(s);
    let s = open_with(dir.path(), &fs, config);
    assert_queue_holds(&s, "T", &stored);
    s.shutdown();
}
