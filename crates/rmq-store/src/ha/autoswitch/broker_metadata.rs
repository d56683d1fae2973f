//! The broker's identity in controller mode (Java `store/ha/autoswitch/BrokerMetadata`,
//! `TempBrokerMetadata`, `MetadataFile`): `{storePathRootDir}/brokerIdentity` holds
//! `cluster#brokerName#brokerId` once the controller accepted the id, and
//! `brokerIdentity-temp` holds `cluster#brokerName#brokerId#registerCheckCode` while it is
//! being applied (the check code is `brokerAddr;timestamp`).

use std::io;
use std::path::{Path, PathBuf};

/// A broker's id in its set, and (for the temporary file) the check code it applied with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokerMetadata {
    pub cluster_name: String,
    pub broker_name: String,
    pub broker_id: i64,
    /// Only in `brokerIdentity-temp`.
    pub register_check_code: Option<String>,
}

impl BrokerMetadata {
    /// The file's text (`encodeToStr`).
    pub fn encode(&self) -> String {
        let mut s = format!(
            "{}#{}#{}",
            self.cluster_name, self.broker_name, self.broker_id
        );
        if let Some(code) = &self.register_check_code {
            s.push('#');
            s.push_str(code);
        }
        s
    }

    /// Parses a file's text; `with_check_code` for `brokerIdentity-temp` (`decodeFromStr`).
    pub fn decode(text: &str, with_check_code: bool) -> io::Result<Self> {
        let bad = || {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "broker metadata {text:?} is not cluster#broker#id{}",
                    if with_check_code { "#checkCode" } else { "" }
                ),
            )
        };
        let parts: Vec<&str> = text.trim_end_matches(['\r', '\n']).split('#').collect();
        let wanted = if with_check_code { 4 } else { 3 };
        if parts.len() < wanted || parts[..wanted].iter().any(|p| p.is_empty()) {
            return Err(bad());
        }
        Ok(BrokerMetadata {
            cluster_name: parts[0].to_string(),
            broker_name: parts[1].to_string(),
            broker_id: parts[2].parse().map_err(|_| bad())?,
            register_check_code: with_check_code.then(|| parts[3].to_string()),
        })
    }

    /// Writes the file as Java does (delete, then `.tmp` + rename with `.bak`).
    pub fn write_to(&self, path: &Path) -> io::Result<()> {
        match std::fs::remove_file(path) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
        rmq_common::mix_all::string_to_file(&self.encode(), path)
    }

    /// Reads the file; `Ok(None)` when there is none.
    pub fn read_from(path: &Path, with_check_code: bool) -> io::Result<Option<Self>> {
        match rmq_common::mix_all::file_to_string(path)? {
            Some(text) if !text.is_empty() => Self::decode(&text, with_check_code).map(Some),
            _ => Ok(None),
        }
    }
}

/// `{root}/brokerIdentity` (Java `BrokerController#getBrokerMetadataPath` equivalent).
pub fn broker_metadata_path(store_root: &Path) -> PathBuf {
    store_root.join("brokerIdentity")
}

/// `{root}/brokerIdentity-temp`.
pub fn temp_broker_metadata_path(store_root: &Path) -> PathBuf {
    store_root.join("brokerIdentity-temp")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn both_files_round_trip_in_javas_format() {
        let dir = tempfile::tempdir().unwrap();
        let temp = BrokerMetadata {
            cluster_name: "DefaultCluster".into(),
            broker_name: "broker-a".into(),
            broker_id: 2,
            register_check_code: Some("127.0.0.1:30911;1733560000000".into()),
        };
        let tp = temp_broker_metadata_path(dir.path());
        temp.write_to(&tp).unwrap();
        assert_eq!(
            std::fs::read_to_string(&tp).unwrap(),
            "DefaultCluster#broker-a#2#127.0.0.1:30911;1733560000000"
        );
        assert_eq!(
            BrokerMetadata::read_from(&tp, true).unwrap(),
            Some(temp.clone())
        );
        let done = BrokerMetadata {
            register_check_code: None,
            ..temp
        };
        let p = broker_metadata_path(dir.path());
        done.write_to(&p).unwrap();
        assert_eq!(
            std::fs::read_to_string(&p).unwrap(),
            "DefaultCluster#broker-a#2"
        );
        assert_eq!(BrokerMetadata::read_from(&p, false).unwrap(), Some(done));
        assert_eq!(
            BrokerMetadata::read_from(&dir.path().join("none"), false).unwrap(),
            None
        );
        assert!(BrokerMetadata::decode("a#b", false).is_err());
        assert!(BrokerMetadata::decode("a#b#x", false).is_err());
        assert!(BrokerMetadata::decode("a#b#1", true).is_err());
    }
}
