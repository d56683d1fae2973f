//! The record framing of the Raft store files, and atomic file replacement.
//!
//! A file is a sequence of records, each:
//!
//! ```text
//! [payload length u32 BE][CRC32 of the payload u32 BE][payload]
//! ```
//!
//! A payload is never empty. Records are only appended, and a file is fsynced before what it
//! holds is reported durable, so after a crash only the last records can be damaged (cut short,
//! zero-filled or half written): reading stops at the first record whose length, bounds or
//! CRC is wrong, and reports the length of the good prefix so the caller can cut the rest off.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Bytes before each payload.
pub(crate) const RECORD_HEADER_BYTES: usize = 8;
/// Largest payload accepted when reading (a snapshot of the controller's metadata is far
/// smaller); a longer length field is damage.
pub(crate) const MAX_RECORD_BYTES: usize = 1 << 30;

/// Appends one record holding `payload` to `out`.
pub(crate) fn encode_record(payload: &[u8], out: &mut Vec<u8>) -> io::Result<()> {
    if payload.is_empty() || payload.len() > MAX_RECORD_BYTES {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("record payload of {} bytes out of range", payload.len()),
        ));
    }
    let len = u32::try_from(payload.len())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "record too long"))?;
    out.reserve(RECORD_HEADER_BYTES + payload.len());
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(&crc32fast::hash(payload).to_be_bytes());
    out.extend_from_slice(payload);
    Ok(())
}

/// The good records at the start of a file.
#[derive(Debug)]
pub(crate) struct Scan<'a> {
    /// The payloads of the good records, in order.
    pub records: Vec<&'a [u8]>,
    /// Length of the good prefix: the offset where the next record goes.
    pub valid_len: usize,
    /// Why reading stopped before the end, when it did.
    pub damage: Option<String>,
}

/// Reads the records of `buf` up to the end or to the first damaged one.
pub(crate) fn scan_records(buf: &[u8]) -> Scan<'_> {
    let mut records = Vec::new();
    let mut offset = 0usize;
    let damage = loop {
        let rest = &buf[offset..];
        if rest.is_empty() {
            break None;
        }
        let Some((header, body)) = rest.split_first_chunk::<RECORD_HEADER_BYTES>() else {
            break Some(format!(
                "{} bytes of a record header at {offset}",
                rest.len()
            ));
        };
        let len = u32::from_be_bytes([header[0], header[1], header[2], header[3]]) as usize;
        let crc = u32::from_be_bytes([header[4], header[5], header[6], header[7]]);
        if len == 0 || len > MAX_RECORD_BYTES {
            break Some(format!("record length {len} at {offset}"));
        }
        let Some(payload) = body.get(..len) else {
            break Some(format!(
                "record at {offset} needs {len} bytes, {} left",
                body.len()
            ));
        };
        if crc32fast::hash(payload) != crc {
            break Some(format!("record at {offset} fails its CRC"));
        }
        records.push(payload);
        offset += RECORD_HEADER_BYTES + len;
    };
    Scan {
        records,
        valid_len: offset,
        damage,
    }
}

/// Replaces `path` by a file holding `bytes`, so that after a crash `path` holds either the
/// old or the new content: write `<path>.tmp`, fsync it, rename it over `path`, fsync the
/// directory.
pub(crate) fn write_file_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let tmp = tmp_path(path);
    {
        let mut file = File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
    }
    fs::rename(&tmp, path)?;
    sync_parent_dir(path)
}

/// `<path>.tmp`.
pub(crate) fn tmp_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".tmp");
    PathBuf::from(name)
}

/// Makes the directory entries of `path`'s directory durable (after a create or rename).
pub(crate) fn sync_parent_dir(path: &Path) -> io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    OpenOptions::new().read(true).open(dir)?.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file_of(payloads: &[&[u8]]) -> Vec<u8> {
        let mut out = Vec::new();
        for p in payloads {
            encode_record(p, &mut out).unwrap();
        }
        out
    }

    #[test]
    fn round_trips_records() {
        let buf = file_of(&[b"one", b"{\"two\":2}", &[7u8; 1000]]);
        let scan = scan_records(&buf);
        assert_eq!(scan.records.len(), 3);
        assert_eq!(scan.records[0], b"one");
        assert_eq!(scan.records[2], &[7u8; 1000][..]);
        assert_eq!(scan.valid_len, buf.len());
        assert!(scan.damage.is_none());
        assert_eq!(&buf[..8], &[0, 0, 0, 3, 0x7a, 0x6c, 0x86, 0xf1]);
    }

    #[test]
    fn refuses_empty_payloads() {
        assert!(encode_record(b"", &mut Vec::new()).is_err());
    }

    #[test]
    fn stops_at_every_kind_of_torn_tail() {
        let good = file_of(&[b"first", b"second"]);
        let third = file_of(&[b"third record"]);
        // Cut anywhere inside the third record: the first two survive.
        for cut in 0..third.len() {
            let mut buf = good.clone();
            buf.extend_from_slice(&third[..cut]);
            let scan = scan_records(&buf);
            assert_eq!(
                scan.records,
                vec![&b"first"[..], &b"second"[..]],
                "cut {cut}"
            );
            assert_eq!(scan.valid_len, good.len(), "cut {cut}");
            assert_eq!(scan.damage.is_some(), cut > 0, "cut {cut}");
        }
        // A flipped payload byte, a flipped CRC byte, a zero-filled tail, a huge length.
        let damages: [fn(&mut Vec<u8>); 2] = [
            |b| *b.last_mut().unwrap() ^= 1,
            |b| {
                let i = b.len() - 13;
                b[i] ^= 0x80
            },
        ];
        for damage in damages {
            let mut buf = good.clone();
            buf.extend_from_slice(&third);
            damage(&mut buf);
            let scan = scan_records(&buf);
            assert_eq!(scan.records.len(), 2);
            assert_eq!(scan.valid_len, good.len());
            assert!(scan.damage.unwrap().contains("CRC"));
        }
        let mut buf = good.clone();
        buf.extend_from_slice(&[0u8; 64]);
        let scan = scan_records(&buf);
        assert_eq!((scan.records.len(), scan.valid_len), (2, good.len()));
        let mut buf = good.clone();
        buf.extend_from_slice(&[0xff; 12]);
        let scan = scan_records(&buf);
        assert_eq!((scan.records.len(), scan.valid_len), (2, good.len()));
    }

    #[test]
    fn replaces_files_atomically() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        write_file_atomically(&path, b"old").unwrap();
        write_file_atomically(&path, b"new").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"new");
        assert!(!tmp_path(&path).exists());
    }
}
