//! Small helpers Java keeps in `UtilAll`: masked CRC32, file names from offsets, hex ids,
//! time formats.

use chrono::{Local, TimeZone};

/// Returns the current time in milliseconds since the epoch.
pub fn current_millis() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Returns CRC-32 (IEEE) of `data` masked with `0x7FFFFFFF`, as Java's `UtilAll.crc32`.
pub fn crc32(data: &[u8]) -> i32 {
    (crc32fast::hash(data) & 0x7FFF_FFFF) as i32
}

/// Formats a start offset as the 20-digit zero-padded file name (`UtilAll.offset2FileName`).
pub fn offset_to_file_name(offset: i64) -> String {
    format!("{offset:020}")
}

/// Upper-case hex of `bytes` (`UtilAll.bytes2string`).
pub fn bytes_to_hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(HEX[(b >> 4) as usize] as char);
        s.push(HEX[(b & 0xF) as usize] as char);
    }
    s
}

/// Parses hex (either case) into bytes (`UtilAll.string2bytes`); `None` on odd length or
/// a non-hex character.
pub fn hex_to_bytes(s: &str) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    if !b.len().is_multiple_of(2) {
        return None;
    }
    fn nib(c: u8) -> Option<u8> {
        match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            b'A'..=b'F' => Some(c - b'A' + 10),
            _ => None,
        }
    }
    b.chunks(2)
        .map(|p| Some((nib(p[0])? << 4) | nib(p[1])?))
        .collect()
}

/// Formats epoch millis in the local zone with a chrono pattern; empty for invalid times.
pub fn format_millis(millis: i64, pattern: &str) -> String {
    match Local.timestamp_millis_opt(millis) {
        chrono::LocalResult::Single(t) => t.format(pattern).to_string(),
        chrono::LocalResult::Ambiguous(t, _) => t.format(pattern).to_string(),
        chrono::LocalResult::None => String::new(),
    }
}

/// `yyyy-MM-dd HH:mm:ss,SSS`, the format of logs and many mqadmin columns.
pub fn time_millis_to_human_string2(millis: i64) -> String {
    format_millis(millis, "%Y-%m-%d %H:%M:%S,%3f")
}

/// `yyyyMMddHHmmssSSS`, the name format of index files (`UtilAll.timeMillisToHumanString`).
pub fn time_millis_to_human_string(millis: i64) -> String {
    format_millis(millis, "%Y%m%d%H%M%S%3f")
}

/// Returns the local IPv4 address Java's `RemotingUtil.getLocalAddress` would pick: the first
/// non-loopback, non-private-preferred address; falls back to 127.0.0.1.
pub fn local_address() -> std::net::IpAddr {
    // Connecting a UDP socket sends nothing but selects the outbound interface.
    let probe = std::net::UdpSocket::bind("0.0.0.0:0").and_then(|s| {
        s.connect("10.255.255.255:1")?;
        s.local_addr()
    });
    match probe {
        Ok(addr) if !addr.ip().is_unspecified() => addr.ip(),
        _ => std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST),
    }
}

/// Returns this machine's host name, or `None` if it cannot be read.
pub fn host_name() -> Option<String> {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// Returns the process id.
pub fn pid() -> u32 {
    std::process::id()
}

/// `UtilAll.frontStringAtLeast`: the first `size` characters of `s`.
pub fn front_string_at_least(s: &str, size: usize) -> &str {
    match s.char_indices().nth(size) {
        Some((byte_index, _)) => &s[..byte_index],
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_string_cuts_at_chars() {
        assert_eq!(front_string_at_least("abcdef", 3), "abc");
        assert_eq!(front_string_at_least("ab", 3), "ab");
        assert_eq!(front_string_at_least("中文字", 2), "中文");
    }

    #[test]
    fn crc_is_masked() {
        assert_eq!(crc32(b"hello"), (0x3610a686u32 & 0x7fff_ffff) as i32);
    }

    #[test]
    fn names_and_hex() {
        assert_eq!(offset_to_file_name(1073741824), "00000000001073741824");
        assert_eq!(bytes_to_hex(&[0x0a, 0xff]), "0AFF");
        assert_eq!(hex_to_bytes("0aFF"), Some(vec![0x0a, 0xff]));
        assert_eq!(hex_to_bytes("0"), None);
        assert_eq!(hex_to_bytes("zz"), None);
    }
}
