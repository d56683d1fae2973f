//! A bounds-checked view of one CommitLog record (the layout of Java `MessageDecoder` /
//! `MessageExtEncoder`, see [`message_decoder`](super::message_decoder)).
//!
//! Every read is checked: a field past the end of the bytes is a
//! [`MessageDecodeError::Truncated`], never a panic. The store's dispatch and recovery scans,
//! [`decode`](super::message_decoder::decode) and the store's time lookups all read records
//! through this one view.

use super::message_decoder::{
    MessageDecodeError, BLANK_MAGIC_CODE, MESSAGE_MAGIC_CODE, MESSAGE_MAGIC_CODE_V2,
};
use crate::sys_flag::message_sys_flag;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// Offset of TOTALSIZE.
pub const TOTAL_SIZE_POSITION: usize = 0;
/// Offset of MAGICCODE.
pub const MAGIC_CODE_POSITION: usize = 4;
/// Offset of BODYCRC.
pub const BODY_CRC_POSITION: usize = 8;
/// Offset of QUEUEID.
pub const QUEUE_ID_POSITION: usize = 12;
/// Offset of FLAG.
pub const FLAG_POSITION: usize = 16;
/// Offset of QUEUEOFFSET.
pub const QUEUE_OFFSET_POSITION: usize = 20;
/// Offset of PHYSICALOFFSET.
pub const PHYSICAL_OFFSET_POSITION: usize = 28;
/// Offset of SYSFLAG.
pub const SYSFLAG_POSITION: usize = 36;
/// Offset of BORNTIMESTAMP.
pub const BORN_TIMESTAMP_POSITION: usize = 40;
/// Offset of BORNHOST.
pub const BORN_HOST_POSITION: usize = 48;

/// The record kinds a magic code names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordKind {
    /// Magic v1: one-byte topic length.
    V1,
    /// Magic v2: two-byte topic length.
    V2,
    /// The blank filler ending a CommitLog file.
    Blank,
}

/// Returns the bytes a host takes (ip + port) for the given IPv6 flag.
fn host_len(v6: bool) -> usize {
    if v6 {
        20
    } else {
        8
    }
}

/// Every field of one record, borrowed from its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordParts<'a> {
    pub total_size: i32,
    pub kind: RecordKind,
    pub body_crc: i32,
    pub queue_id: i32,
    pub flag: i32,
    pub queue_offset: i64,
    pub physical_offset: i64,
    pub sys_flag: i32,
    pub born_timestamp: i64,
    pub born_host: SocketAddr,
    pub store_timestamp: i64,
    pub store_host: SocketAddr,
    pub reconsume_times: i32,
    pub prepared_transaction_offset: i64,
    pub body: &'a [u8],
    pub topic: &'a [u8],
    /// PROPERTIES length as stored; Java reads a non-positive one as no properties.
    pub properties_len: i16,
    /// The properties bytes (empty when `properties_len <= 0`).
    pub properties: &'a [u8],
}

impl RecordParts<'_> {
    /// Returns the length the fields add up to (`MessageExtEncoder.calMsgLength`, with the
    /// topic length field as wide as the magic code says).
    pub fn computed_len(&self) -> usize {
        let topic_len_bytes = if self.kind == RecordKind::V2 { 2 } else { 1 };
        BORN_HOST_POSITION
            + host_len(self.sys_flag & message_sys_flag::BORNHOST_V6_FLAG != 0)
            + 8
            + host_len(self.sys_flag & message_sys_flag::STOREHOSTADDRESS_V6_FLAG != 0)
            + 4
            + 8
            + 4
            + self.body.len()
            + topic_len_bytes
            + self.topic.len()
            + 2
            + self.properties.len()
    }
}

/// A view of the record at the start of some bytes (which may run past its end).
#[derive(Debug, Clone, Copy)]
pub struct RecordView<'a> {
    buf: &'a [u8],
}

impl<'a> RecordView<'a> {
    /// Views the record starting at `buf[0]`.
    pub fn new(buf: &'a [u8]) -> Self {
        RecordView { buf }
    }

    /// Returns `n` bytes at `at`, or `Truncated`.
    pub fn bytes_at(&self, at: usize, n: usize) -> Result<&'a [u8], MessageDecodeError> {
        let end = at.checked_add(n).ok_or(MessageDecodeError::Truncated {
            need: usize::MAX,
            have: self.buf.len(),
        })?;
        self.buf.get(at..end).ok_or(MessageDecodeError::Truncated {
            need: end,
            have: self.buf.len(),
        })
    }

    fn i16_at(&self, at: usize) -> Result<i16, MessageDecodeError> {
        let b = self.bytes_at(at, 2)?;
        Ok(i16::from_be_bytes([b[0], b[1]]))
    }

    fn i32_at(&self, at: usize) -> Result<i32, MessageDecodeError> {
        let b = self.bytes_at(at, 4)?;
        Ok(i32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn i64_at(&self, at: usize) -> Result<i64, MessageDecodeError> {
        let b = self.bytes_at(at, 8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(i64::from_be_bytes(a))
    }

    fn host_at(&self, at: usize, v6: bool) -> Result<SocketAddr, MessageDecodeError> {
        let b = self.bytes_at(at, host_len(v6))?;
        let ip = if v6 {
            let mut o = [0u8; 16];
            o.copy_from_slice(&b[..16]);
            IpAddr::V6(Ipv6Addr::from(o))
        } else {
            IpAddr::V4(Ipv4Addr::new(b[0], b[1], b[2], b[3]))
        };
        let p = &b[b.len() - 4..];
        let port = i32::from_be_bytes([p[0], p[1], p[2], p[3]]);
        Ok(SocketAddr::new(ip, port as u16))
    }

    /// TOTALSIZE.
    pub fn total_size(&self) -> Result<i32, MessageDecodeError> {
        self.i32_at(TOTAL_SIZE_POSITION)
    }

    /// MAGICCODE.
    pub fn magic(&self) -> Result<i32, MessageDecodeError> {
        self.i32_at(MAGIC_CODE_POSITION)
    }

    /// What the magic code says; `IllegalMagic` for any other value.
    pub fn kind(&self) -> Result<RecordKind, MessageDecodeError> {
        match self.magic()? {
            MESSAGE_MAGIC_CODE => Ok(RecordKind::V1),
            MESSAGE_MAGIC_CODE_V2 => Ok(RecordKind::V2),
            BLANK_MAGIC_CODE => Ok(RecordKind::Blank),
            other => Err(MessageDecodeError::IllegalMagic(other)),
        }
    }

    /// BODYCRC.
    pub fn body_crc(&self) -> Result<i32, MessageDecodeError> {
        self.i32_at(BODY_CRC_POSITION)
    }

    /// QUEUEID.
    pub fn queue_id(&self) -> Result<i32, MessageDecodeError> {
        self.i32_at(QUEUE_ID_POSITION)
    }

    /// FLAG.
    pub fn flag(&self) -> Result<i32, MessageDecodeError> {
        self.i32_at(FLAG_POSITION)
    }

    /// QUEUEOFFSET.
    pub fn queue_offset(&self) -> Result<i64, MessageDecodeError> {
        self.i64_at(QUEUE_OFFSET_POSITION)
    }

    /// PHYSICALOFFSET.
    pub fn physical_offset(&self) -> Result<i64, MessageDecodeError> {
        self.i64_at(PHYSICAL_OFFSET_POSITION)
    }

    /// SYSFLAG.
    pub fn sys_flag(&self) -> Result<i32, MessageDecodeError> {
        self.i32_at(SYSFLAG_POSITION)
    }

    /// BORNTIMESTAMP.
    pub fn born_timestamp(&self) -> Result<i64, MessageDecodeError> {
        self.i64_at(BORN_TIMESTAMP_POSITION)
    }

    fn born_v6(&self) -> Result<bool, MessageDecodeError> {
        Ok(self.sys_flag()? & message_sys_flag::BORNHOST_V6_FLAG != 0)
    }

    fn store_v6(&self) -> Result<bool, MessageDecodeError> {
        Ok(self.sys_flag()? & message_sys_flag::STOREHOSTADDRESS_V6_FLAG != 0)
    }

    /// BORNHOST (4 or 16 byte ip, as SYSFLAG says, and an i32 port).
    pub fn born_host(&self) -> Result<SocketAddr, MessageDecodeError> {
        self.host_at(BORN_HOST_POSITION, self.born_v6()?)
    }

    /// Offset of STORETIMESTAMP (after the born host).
    fn store_timestamp_position(&self) -> Result<usize, MessageDecodeError> {
        Ok(BORN_HOST_POSITION + host_len(self.born_v6()?))
    }

    /// STORETIMESTAMP.
    pub fn store_timestamp(&self) -> Result<i64, MessageDecodeError> {
        self.i64_at(self.store_timestamp_position()?)
    }

    /// STOREHOST.
    pub fn store_host(&self) -> Result<SocketAddr, MessageDecodeError> {
        self.host_at(self.store_timestamp_position()? + 8, self.store_v6()?)
    }

    /// Offset of RECONSUMETIMES (after the store host).
    fn reconsume_times_position(&self) -> Result<usize, MessageDecodeError> {
        Ok(self.store_timestamp_position()? + 8 + host_len(self.store_v6()?))
    }

    /// RECONSUMETIMES.
    pub fn reconsume_times(&self) -> Result<i32, MessageDecodeError> {
        self.i32_at(self.reconsume_times_position()?)
    }

    /// PREPAREDTRANSACTIONOFFSET.
    pub fn prepared_transaction_offset(&self) -> Result<i64, MessageDecodeError> {
        self.i64_at(self.reconsume_times_position()? + 4)
    }

    /// BODY; `IllegalLength` for a negative length.
    pub fn body(&self) -> Result<&'a [u8], MessageDecodeError> {
        let at = self.reconsume_times_position()? + 4 + 8;
        self.body_at(at)
    }

    fn body_at(&self, len_at: usize) -> Result<&'a [u8], MessageDecodeError> {
        let len = self.i32_at(len_at)?;
        if len < 0 {
            return Err(MessageDecodeError::IllegalLength(len));
        }
        self.bytes_at(len_at + 4, len as usize)
    }

    /// Reads the topic whose length field is at `len_at`; returns it and the offset after it.
    fn topic_at(&self, len_at: usize) -> Result<(&'a [u8], usize), MessageDecodeError> {
        let (len, at) = if self.kind()? == RecordKind::V2 {
            (self.i16_at(len_at)? as u16 as usize, len_at + 2)
        } else {
            (self.bytes_at(len_at, 1)?[0] as usize, len_at + 1)
        };
        Ok((self.bytes_at(at, len)?, at + len))
    }

    /// TOPIC.
    pub fn topic(&self) -> Result<&'a [u8], MessageDecodeError> {
        let body = self.body()?;
        let len_at = self.reconsume_times_position()? + 4 + 8 + 4 + body.len();
        Ok(self.topic_at(len_at)?.0)
    }

    /// PROPERTIES (empty for a non-positive length, as Java reads it).
    pub fn properties(&self) -> Result<&'a [u8], MessageDecodeError> {
        Ok(self.parts()?.properties)
    }

    /// Reads every field in one pass; the blank filler is `IllegalMagic`.
    pub fn parts(&self) -> Result<RecordParts<'a>, MessageDecodeError> {
        let kind = self.kind()?;
        if kind == RecordKind::Blank {
            return Err(MessageDecodeError::IllegalMagic(BLANK_MAGIC_CODE));
        }
        let sys_flag = self.sys_flag()?;
        let born_v6 = sys_flag & message_sys_flag::BORNHOST_V6_FLAG != 0;
        let store_v6 = sys_flag & message_sys_flag::STOREHOSTADDRESS_V6_FLAG != 0;
        let store_ts_at = BORN_HOST_POSITION + host_len(born_v6);
        let reconsume_at = store_ts_at + 8 + host_len(store_v6);
        let body_len_at = reconsume_at + 4 + 8;
        let body = self.body_at(body_len_at)?;
        let (topic, props_len_at) = self.topic_at(body_len_at + 4 + body.len())?;
        let properties_len = self.i16_at(props_len_at)?;
        let properties = if properties_len > 0 {
            self.bytes_at(props_len_at + 2, properties_len as usize)?
        } else {
            &[]
        };
        Ok(RecordParts {
            total_size: self.total_size()?,
            kind,
            body_crc: self.body_crc()?,
            queue_id: self.queue_id()?,
            flag: self.flag()?,
            queue_offset: self.queue_offset()?,
            physical_offset: self.physical_offset()?,
            sys_flag,
            born_timestamp: self.born_timestamp()?,
            born_host: self.host_at(BORN_HOST_POSITION, born_v6)?,
            store_timestamp: self.i64_at(store_ts_at)?,
            store_host: self.host_at(store_ts_at + 8, store_v6)?,
            reconsume_times: self.i32_at(reconsume_at)?,
            prepared_transaction_offset: self.i64_at(reconsume_at + 4)?,
            body,
            topic,
            properties_len,
            properties,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::message_decoder::{calc_msg_length, RecordFields};

    fn encode(topic: &str, born: &str, store: &str, props: &str) -> Vec<u8> {
        let born_host: SocketAddr = born.parse().unwrap();
        let store_host: SocketAddr = store.parse().unwrap();
        let sys_flag = crate::message::message_decoder::host_v6_flags(&born_host, &store_host);
        let f = RecordFields {
            queue_id: 3,
            flag: 9,
            queue_offset: 42,
            physical_offset: 4096,
            sys_flag,
            born_timestamp: 1_700_000_000_000,
            born_host,
            store_timestamp: 1_700_000_000_001,
            store_host,
            reconsume_times: 2,
            prepared_transaction_offset: 77,
            body: b"hello body",
            body_crc: 12345,
            topic: topic.as_bytes(),
            properties: props.as_bytes(),
        };
        let mut v = Vec::new();
        f.encode(&mut v);
        v
    }

    /// v1 and v2 magic crossed with IPv4 and IPv6 born and store hosts.
    fn layouts() -> Vec<(String, Vec<u8>)> {
        let long = "L".repeat(200);
        let mut out = Vec::new();
        for topic in ["TopicA", long.as_str()] {
            for (born, store) in [
                ("10.0.0.1:5555", "10.0.0.2:10911"),
                ("[::1]:5555", "10.0.0.2:10911"),
                ("10.0.0.1:5555", "[fe80::2]:10911"),
                ("[::1]:5555", "[fe80::2]:10911"),
            ] {
                out.push((
                    format!("{} {born} {store}", topic.len()),
                    encode(topic, born, store, "TAGS\u{1}a\u{2}"),
                ));
            }
        }
        out
    }

    #[test]
    fn round_trip_against_the_encoder_v1_v2_ipv6() {
        for (name, rec) in layouts() {
            let v = RecordView::new(&rec);
            let p = v.parts().unwrap();
            let v2 = p.topic.len() > 127;
            assert_eq!(
                p.kind,
                if v2 { RecordKind::V2 } else { RecordKind::V1 },
                "{name}"
            );
            assert_eq!(p.total_size as usize, rec.len(), "{name}");
            assert_eq!(p.computed_len(), rec.len(), "{name}");
            assert_eq!(
                p.computed_len(),
                calc_msg_length(p.sys_flag, p.body.len(), p.topic.len(), p.properties.len()),
                "{name}"
            );
            assert_eq!((p.body_crc, p.queue_id, p.flag), (12345, 3, 9));
            assert_eq!((p.queue_offset, p.physical_offset), (42, 4096));
            assert_eq!(p.born_timestamp, 1_700_000_000_000);
            assert_eq!(p.store_timestamp, 1_700_000_000_001);
            assert_eq!((p.reconsume_times, p.prepared_transaction_offset), (2, 77));
            assert_eq!(p.body, b"hello body");
            assert_eq!(p.properties, b"TAGS\x01a\x02");
            assert_eq!(p.born_host.port(), 5555);
            assert_eq!(p.store_host.port(), 10911);
            // The single-field reads agree with the one-pass read.
            assert_eq!(v.born_host().unwrap(), p.born_host, "{name}");
            assert_eq!(v.store_host().unwrap(), p.store_host, "{name}");
            assert_eq!(v.store_timestamp().unwrap(), p.store_timestamp, "{name}");
            assert_eq!(v.reconsume_times().unwrap(), 2, "{name}");
            assert_eq!(v.prepared_transaction_offset().unwrap(), 77, "{name}");
            assert_eq!(v.body().unwrap(), p.body, "{name}");
            assert_eq!(v.topic().unwrap(), p.topic, "{name}");
            assert_eq!(v.properties().unwrap(), p.properties, "{name}");
        }
    }

    #[test]
    fn every_truncation_point_is_an_error() {
        for (name, rec) in layouts() {
            for cut in 0..rec.len() {
                let v = RecordView::new(&rec[..cut]);
                assert!(
                    matches!(v.parts(), Err(MessageDecodeError::Truncated { .. })),
                    "{name} cut at {cut}"
                );
            }
            assert!(RecordView::new(&rec).parts().is_ok());
        }
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        let rec = encode("T", "10.0.0.1:1", "10.0.0.2:2", "");
        let mut bad = rec.clone();
        bad[MAGIC_CODE_POSITION] = 0;
        assert!(matches!(
            RecordView::new(&bad).parts(),
            Err(MessageDecodeError::IllegalMagic(_))
        ));
        let body_len_at = BORN_HOST_POSITION + 8 + 8 + 8 + 4 + 8;
        let mut neg = rec.clone();
        neg[body_len_at..body_len_at + 4].copy_from_slice(&(-1i32).to_be_bytes());
        assert_eq!(
            RecordView::new(&neg).body(),
            Err(MessageDecodeError::IllegalLength(-1))
        );
        let mut huge = rec;
        huge[body_len_at..body_len_at + 4].copy_from_slice(&i32::MAX.to_be_bytes());
        assert!(matches!(
            RecordView::new(&huge).parts(),
            Err(MessageDecodeError::Truncated { .. })
        ));
        let mut blank = vec![0u8; 8];
        blank[4..8].copy_from_slice(&BLANK_MAGIC_CODE.to_be_bytes());
        assert_eq!(RecordView::new(&blank).kind(), Ok(RecordKind::Blank));
    }
}
