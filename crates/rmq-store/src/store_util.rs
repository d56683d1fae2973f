//! Small helpers the broker shares with the store (Java `StoreUtil`, `MixAll`).

use crate::file_system::{DefaultFileSystem, FileSystem};

/// Returns the machine's physical memory in bytes (Java `StoreUtil.TOTAL_PHYSICAL_MEMORY_SIZE`),
/// 24 GiB when unknown.
pub fn total_physical_memory_size() -> i64 {
    DefaultFileSystem.memory().total_physical_bytes
}

/// Formats bytes as Java's `MixAll.humanReadableByteCount(bytes, false)`, e.g. `12.3 GiB`.
pub fn human_readable_byte_count(bytes: i64) -> String {
    let unit = 1024f64;
    if (bytes as f64) < unit {
        return format!("{bytes} B");
    }
    let exp = ((bytes as f64).ln() / unit.ln()) as i32;
    let pre = ['K', 'M', 'G', 'T', 'P', 'E'][(exp - 1).clamp(0, 5) as usize];
    format!("{:.1} {}iB", bytes as f64 / unit.powi(exp), pre)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_readable() {
        assert_eq!(human_readable_byte_count(512), "512 B");
        assert_eq!(human_readable_byte_count(1536), "1.5 KiB");
        assert_eq!(
            human_readable_byte_count(10 * 1024 * 1024 * 1024),
            "10.0 GiB"
        );
    }

    #[test]
    fn physical_memory_is_known() {
        assert!(total_physical_memory_size() > 0);
    }
}
