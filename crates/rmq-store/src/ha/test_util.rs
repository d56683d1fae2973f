//! Test helpers shared by the classic and the AutoSwitch replication tests.

use crate::store_tests::test_config;
use crate::*;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A started store with HA on an ephemeral port (and the AutoSwitch service when
/// `controller_mode`), its config changed by `f`.
pub(crate) fn open_ha_store(
    dir: &std::path::Path,
    controller_mode: bool,
    f: impl FnOnce(&mut MessageStoreConfig),
) -> Arc<DefaultMessageStore> {
    let mut c = test_config(dir);
    c.ha_listen_port = 0;
    f(&mut c);
    let s = DefaultMessageStore::open(c).unwrap();
    s.set_disk_usage_probe(Some(Box::new(|_| 0.10)));
    s.enable_ha("127.0.0.1");
    if controller_mode {
        s.enable_controller_mode();
    }
    s.start().unwrap();
    s
}

/// Polls `f` until it holds; fails after 60 s.
pub(crate) fn wait_until(what: &str, mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !f() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Concatenates the CommitLog bytes of `s` in `[from, to)`.
pub(crate) fn commit_log_bytes(s: &DefaultMessageStore, from: i64, to: i64) -> Vec<u8> {
    let mut out = Vec::new();
    let mut at = from;
    while at < to {
        let d = s.get_commit_log_data(at).expect("data");
        let n = d.len().min((to - at) as usize);
        assert!(n > 0);
        out.extend_from_slice(&d[..n]);
        at += n as i64;
    }
    out
}
