//! `ROCKETMQ_HOME` and config files (Java `ServerUtil`, `MixAll.file2String` +
//! `Properties#load`).

use anyhow::Context;
use rmq_common::properties::{self, Properties};
use std::path::Path;

/// Returns `ROCKETMQ_HOME` for a process started without it: the parent of the executable's
/// directory (`<home>/lib/mqbroker` in a release, `<repo>/target/<profile>/mqbroker` in a
/// build). Java refuses to start instead.
pub fn derive_rocketmq_home() -> Option<String> {
    let exe = std::env::current_exe().ok()?;
    Some(exe.parent()?.parent()?.to_string_lossy().into_owned())
}

/// Reads a `.properties` file as Java does: ISO-8859-1 bytes, `key=value` lines.
pub fn read_properties_file(path: &Path) -> anyhow::Result<Properties> {
    let raw = std::fs::read(path)
        .with_context(|| format!("cannot read config file {}", path.display()))?;
    let text: String = raw.iter().map(|b| *b as char).collect();
    Ok(properties::parse(&text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_latin1_properties() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("b.conf");
        std::fs::write(&p, b"brokerName = broker-a\nname=caf\xe9\n").unwrap();
        let props = read_properties_file(&p).unwrap();
        assert_eq!(props["brokerName"], "broker-a");
        assert_eq!(props["name"], "caf\u{e9}");
        assert!(read_properties_file(&dir.path().join("missing")).is_err());
    }
}
