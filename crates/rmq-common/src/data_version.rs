//! `DataVersion`: the counter and timestamp brokers and name servers compare to detect change.

use serde::{Deserialize, Serialize};

/// Java's `DataVersion`: `{"counter":N,"stateVersion":0,"timestamp":ms}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DataVersion {
    pub state_version: i64,
    pub timestamp: i64,
    pub counter: i64,
}

impl Default for DataVersion {
    fn default() -> Self {
        DataVersion {
            state_version: 0,
            timestamp: crate::util_all::current_millis(),
            counter: 0,
        }
    }
}

impl DataVersion {
    /// Returns a version stamped now with counter 0.
    pub fn new() -> Self {
        Self::default()
    }

    /// Advances the version: timestamp = now, counter + 1 (`DataVersion#nextVersion`).
    pub fn next_version(&mut self) {
        self.next_version_with_state(self.state_version);
    }

    /// Advances the version and sets the state version.
    pub fn next_version_with_state(&mut self, state_version: i64) {
        self.timestamp = crate::util_all::current_millis();
        self.state_version = state_version;
        self.counter += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_shape_and_next() {
        let mut v: DataVersion =
            serde_json::from_str(r#"{"counter":3,"timestamp":1700000000000}"#).unwrap();
        assert_eq!(v.counter, 3);
        assert_eq!(v.state_version, 0);
        v.next_version();
        assert_eq!(v.counter, 4);
        let s = serde_json::to_string(&v).unwrap();
        assert!(s.contains("\"stateVersion\":0"));
    }
}
