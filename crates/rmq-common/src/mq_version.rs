//! RocketMQ release ordinals (Java `MQVersion.Version`), carried in every frame's `version`.

/// Ordinal of 5.3.3, the release rmq speaks as by default.
pub const V5_3_3: i32 = 479;
/// Ordinal of 4.9.8.
pub const V4_9_8: i32 = 409;
/// Ordinal of 4.9.4: from here on, route data is sent as standard JSON.
pub const V4_9_4: i32 = 401;
/// Ordinal of 5.0.0.
pub const V5_0_0: i32 = 413;
/// Ordinal of 3.0.11.
pub const V3_0_11: i32 = 37;
/// Ordinal of 4.1.0-SNAPSHOT, the first version supporting SQL92 filters.
pub const V4_1_0_SNAPSHOT: i32 = 232;
/// Ordinal of 3.4.9, from which consumers send `maxReconsumeTimes`.
pub const V3_4_9: i32 = 121;

/// The version rmq advertises; 5.3.3 unless overridden with `rocketmq.remoting.version`.
pub const CURRENT_VERSION: i32 = V5_3_3;

/// Returns the names of all versions, indexed by ordinal, in Java's order.
fn version_names() -> &'static [String] {
    static NAMES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    NAMES.get_or_init(|| {
        let mut v: Vec<String> = Vec::with_capacity(520);
        v.push("V3_0_0_SNAPSHOT".into());
        v.push("V3_0_0_ALPHA1".into());
        for b in 1..=5 {
            v.push(format!("V3_0_0_BETA{b}"));
        }
        for b in 6..=9 {
            v.push(format!("V3_0_0_BETA{b}_SNAPSHOT"));
            v.push(format!("V3_0_0_BETA{b}"));
        }
        v.push("V3_0_0_FINAL".into());
        let mut pair = |major: u32, minor: u32, patch: u32| {
            v.push(format!("V{major}_{minor}_{patch}_SNAPSHOT"));
            v.push(format!("V{major}_{minor}_{patch}"));
        };
        for p in 1..=15 {
            pair(3, 0, p);
        }
        for minor in 1..=2 {
            for p in 0..=9 {
                pair(3, minor, p);
            }
        }
        for minor in 3..=9 {
            for p in 1..=9 {
                pair(3, minor, p);
            }
        }
        for major in 4..=5 {
            for minor in 0..=9 {
                for p in 0..=9 {
                    pair(major, minor, p);
                }
            }
        }
        v.push("HIGHER_VERSION".into());
        v
    })
}

/// Returns Java's `MQVersion.getVersionDesc`, e.g. `V5_3_3` for 479.
pub fn get_version_desc(value: i32) -> &'static str {
    let names = version_names();
    let idx = if value < 0 {
        0
    } else {
        (value as usize).min(names.len() - 1)
    };
    names[idx].as_str()
}

/// Returns the ordinal of a version name such as `V4_9_8`, if known.
pub fn version_ordinal(name: &str) -> Option<i32> {
    version_names()
        .iter()
        .position(|n| n == name)
        .map(|p| p as i32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinals_match_java() {
        assert_eq!(get_version_desc(479), "V5_3_3");
        assert_eq!(get_version_desc(409), "V4_9_8");
        assert_eq!(get_version_desc(401), "V4_9_4");
        assert_eq!(get_version_desc(413), "V5_0_0");
        assert_eq!(get_version_desc(37), "V3_0_11");
        assert_eq!(get_version_desc(62), "V3_1_8_SNAPSHOT");
        assert_eq!(get_version_desc(232), "V4_1_0_SNAPSHOT");
        assert_eq!(get_version_desc(121), "V3_4_9");
        assert_eq!(version_ordinal("V5_3_3"), Some(479));
        assert_eq!(get_version_desc(100_000), "HIGHER_VERSION");
    }
}
