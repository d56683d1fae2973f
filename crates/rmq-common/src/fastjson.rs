//! JSON as Java's fastjson writes and reads it.
//!
//! fastjson writes maps with non-string keys unquoted (`{0:"addr"}`) and maps keyed by
//! objects with the object itself as key (`{{"brokerName":"b","queueId":0,"topic":"t"}:42}`).
//! [`from_slice`] accepts both (object keys become their compact JSON text), plus single-quoted
//! strings and bare identifier keys. [`to_vec`] writes standard JSON except for keys made by
//! [`object_key`], which it writes as raw JSON objects so that Java reads them back as objects.
//!
//! Reading is strict `serde_json` first (the fast path for what Java and rmq write); only when
//! that fails is the text parsed by our own parser and read through the [`lenient`]
//! deserializer, which converts values as fastjson does when it fills a Java bean: numbers
//! from strings, strings from numbers, booleans from `"true"`, `null` as the default, enums by
//! name in any case or by ordinal. Clients other than Java's rely on this: the Go client
//! writes `SubscriptionData.codeSet` as strings.

mod lenient;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Number, Value};

/// Marks a map key that must be written as a raw JSON object.
const RAW_KEY_PREFIX: char = '\u{0}';

/// Why JSON could not be read.
#[derive(Debug, thiserror::Error)]
pub enum FastJsonError {
    #[error("invalid json at byte {pos}: {reason}")]
    Syntax { pos: usize, reason: &'static str },
    #[error("json does not match the expected shape: {0}")]
    Shape(#[from] serde_json::Error),
}

/// Parses fastjson-flavoured JSON into `T`, converting values as fastjson does (see the
/// module doc).
pub fn from_slice<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, FastJsonError> {
    match serde_json::from_slice(bytes) {
        Ok(v) => Ok(v),
        Err(strict) => {
            let value = match parse_value(bytes) {
                Ok(v) => v,
                Err(e) if strict.is_syntax() || strict.is_eof() => return Err(e),
                Err(_) => return Err(FastJsonError::Shape(strict)),
            };
            from_value(value)
        }
    }
}

/// Reads `T` from a parsed value, converting values as fastjson does (see the module doc).
pub fn from_value<T: DeserializeOwned>(value: Value) -> Result<T, FastJsonError> {
    Ok(T::deserialize(lenient::Lenient(value))?)
}

/// Parses fastjson-flavoured JSON text into `T`.
pub fn from_str<T: DeserializeOwned>(s: &str) -> Result<T, FastJsonError> {
    from_slice(s.as_bytes())
}

/// Parses fastjson-flavoured JSON into a `serde_json::Value`.
pub fn parse_value(bytes: &[u8]) -> Result<Value, FastJsonError> {
    let mut p = Parser {
        b: bytes,
        pos: 0,
        depth: 0,
    };
    p.ws();
    let v = p.value()?;
    p.ws();
    if p.pos != p.b.len() {
        return Err(p.err("trailing characters"));
    }
    Ok(v)
}

/// Serializes `value` as JSON, writing [`object_key`] keys as raw objects.
pub fn to_vec<T: Serialize>(value: &T) -> Vec<u8> {
    let v = serde_json::to_value(value).unwrap_or(Value::Null);
    let mut out = Vec::with_capacity(256);
    write_value(&v, &mut out, None, 0);
    out
}

/// Serializes `value` as indented JSON (as Java's pretty config files), raw keys as in
/// [`to_vec`].
pub fn to_vec_pretty<T: Serialize>(value: &T) -> Vec<u8> {
    let v = serde_json::to_value(value).unwrap_or(Value::Null);
    let mut out = Vec::with_capacity(256);
    write_value(&v, &mut out, Some("\t"), 0);
    out
}

/// Serializes to a `String`.
pub fn to_string<T: Serialize>(value: &T) -> String {
    String::from_utf8(to_vec(value)).unwrap_or_default()
}

/// Makes a map key that [`to_vec`] writes as the raw JSON object `key` serializes to.
pub fn object_key<K: Serialize>(key: &K) -> String {
    let mut s = String::new();
    s.push(RAW_KEY_PREFIX);
    s.push_str(&serde_json::to_string(key).unwrap_or_default());
    s
}

/// Reads a key made from an object: either our raw-key marker or plain JSON text.
pub fn parse_object_key<K: DeserializeOwned>(key: &str) -> Option<K> {
    let text = key.strip_prefix(RAW_KEY_PREFIX).unwrap_or(key);
    from_str(text).ok()
}

/// serde helpers for maps keyed by a struct (e.g. `MessageQueue`), to use with
/// `#[serde(with = "rmq_common::fastjson::object_key_map")]`.
pub mod object_key_map {
    use serde::de::{DeserializeOwned, Deserializer};
    use serde::ser::{SerializeMap, Serializer};
    use serde::{Deserialize, Serialize};
    use std::collections::HashMap;
    use std::hash::Hash;

    /// Serializes with raw object keys; only [`super::to_vec`] writes them correctly.
    pub fn serialize<K, V, S>(map: &HashMap<K, V>, s: S) -> Result<S::Ok, S::Error>
    where
        K: Serialize,
        V: Serialize,
        S: Serializer,
    {
        let mut m = s.serialize_map(Some(map.len()))?;
        for (k, v) in map {
            m.serialize_entry(&super::object_key(k), v)?;
        }
        m.end()
    }

    /// Deserializes from object keys given as JSON text; unparsable keys are skipped.
    pub fn deserialize<'de, K, V, D>(d: D) -> Result<HashMap<K, V>, D::Error>
    where
        K: DeserializeOwned + Eq + Hash,
        V: Deserialize<'de>,
        D: Deserializer<'de>,
    {
        let raw: HashMap<String, V> = HashMap::deserialize(d)?;
        Ok(raw
            .into_iter()
            .filter_map(|(k, v)| Some((super::parse_object_key(&k)?, v)))
            .collect())
    }
}

fn write_value(v: &Value, out: &mut Vec<u8>, indent: Option<&str>, depth: usize) {
    match v {
        Value::Object(map) => write_object(map, out, indent, depth),
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                newline(out, indent, depth + 1);
                write_value(item, out, indent, depth + 1);
            }
            if !items.is_empty() {
                newline(out, indent, depth);
            }
            out.push(b']');
        }
        other => {
            let _ = serde_json::to_writer(&mut *out, other);
        }
    }
}

fn write_object(map: &Map<String, Value>, out: &mut Vec<u8>, indent: Option<&str>, depth: usize) {
    out.push(b'{');
    for (i, (k, v)) in map.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        newline(out, indent, depth + 1);
        match k.strip_prefix(RAW_KEY_PREFIX) {
            Some(raw) => out.extend_from_slice(raw.as_bytes()),
            None => {
                let _ = serde_json::to_writer(&mut *out, k);
            }
        }
        out.push(b':');
        write_value(v, out, indent, depth + 1);
    }
    if !map.is_empty() {
        newline(out, indent, depth);
    }
    out.push(b'}');
}

fn newline(out: &mut Vec<u8>, indent: Option<&str>, depth: usize) {
    if let Some(ind) = indent {
        out.push(b'\n');
        for _ in 0..depth {
            out.extend_from_slice(ind.as_bytes());
        }
    }
}

const MAX_DEPTH: usize = 256;

struct Parser<'a> {
    b: &'a [u8],
    pos: usize,
    depth: usize,
}

impl Parser<'_> {
    fn err(&self, reason: &'static str) -> FastJsonError {
        FastJsonError::Syntax {
            pos: self.pos,
            reason,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn ws(&mut self) {
        while let Some(c) = self.peek() {
            if c.is_ascii_whitespace() {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    fn value(&mut self) -> Result<Value, FastJsonError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.err("nesting too deep"));
        }
        let v = match self.peek() {
            Some(b'{') => self.object(),
            Some(b'[') => self.array(),
            Some(b'"') | Some(b'\'') => self.string().map(Value::String),
            Some(b't') => self.literal("true", Value::Bool(true)),
            Some(b'f') => self.literal("false", Value::Bool(false)),
            Some(b'n') => self.literal("null", Value::Null),
            Some(c) if c == b'-' || c.is_ascii_digit() => self.number(),
            Some(_) => Err(self.err("unexpected character")),
            None => Err(self.err("unexpected end")),
        };
        self.depth -= 1;
        v
    }

    fn literal(&mut self, word: &'static str, v: Value) -> Result<Value, FastJsonError> {
        if self.b[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(v)
        } else {
            Err(self.err("invalid literal"))
        }
    }

    fn number_text(&mut self) -> &str {
        let start = self.pos;
        while let Some(c) = self.peek() {
            if c.is_ascii_digit() || matches!(c, b'-' | b'+' | b'.' | b'e' | b'E') {
                self.pos += 1;
            } else {
                break;
            }
        }
        std::str::from_utf8(&self.b[start..self.pos]).unwrap_or("")
    }

    fn number(&mut self) -> Result<Value, FastJsonError> {
        let text = self.number_text().to_string();
        // fastjson may suffix longs with L; tolerate it.
        if matches!(self.peek(), Some(b'L') | Some(b'l')) {
            self.pos += 1;
        }
        if let Ok(i) = text.parse::<i64>() {
            return Ok(Value::Number(i.into()));
        }
        if let Ok(u) = text.parse::<u64>() {
            return Ok(Value::Number(u.into()));
        }
        text.parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .map(Value::Number)
            .ok_or_else(|| self.err("invalid number"))
    }

    fn string(&mut self) -> Result<String, FastJsonError> {
        let quote = self.b[self.pos];
        self.pos += 1;
        let mut out: Vec<u8> = Vec::new();
        loop {
            let Some(c) = self.peek() else {
                return Err(self.err("unterminated string"));
            };
            self.pos += 1;
            if c == quote {
                break;
            }
            if c != b'\\' {
                out.push(c);
                continue;
            }
            let Some(e) = self.peek() else {
                return Err(self.err("unterminated escape"));
            };
            self.pos += 1;
            match e {
                b'n' => out.push(b'\n'),
                b't' => out.push(b'\t'),
                b'r' => out.push(b'\r'),
                b'b' => out.push(8),
                b'f' => out.push(12),
                b'u' => {
                    let mut code = self.hex4()?;
                    if (0xD800..0xDC00).contains(&code) && self.b[self.pos..].starts_with(b"\\u") {
                        self.pos += 2;
                        let low = self.hex4()?;
                        code =
                            0x10000 + ((code - 0xD800) << 10) + (low.wrapping_sub(0xDC00) & 0x3FF);
                    }
                    let ch = char::from_u32(code).unwrap_or('\u{FFFD}');
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                }
                other => out.push(other),
            }
        }
        String::from_utf8(out).map_err(|_| self.err("invalid utf-8 in string"))
    }

    fn hex4(&mut self) -> Result<u32, FastJsonError> {
        let s = self
            .b
            .get(self.pos..self.pos + 4)
            .ok_or_else(|| self.err("short \\u escape"))?;
        let s = std::str::from_utf8(s).map_err(|_| self.err("bad \\u escape"))?;
        let v = u32::from_str_radix(s, 16).map_err(|_| self.err("bad \\u escape"))?;
        self.pos += 4;
        Ok(v)
    }

    fn key(&mut self) -> Result<String, FastJsonError> {
        match self.peek() {
            Some(b'"') | Some(b'\'') => self.string(),
            Some(b'{') | Some(b'[') => {
                let v = self.value()?;
                Ok(serde_json::to_string(&v).unwrap_or_default())
            }
            Some(c) if c == b'-' || c.is_ascii_digit() => Ok(self.number_text().to_string()),
            Some(c) if c.is_ascii_alphabetic() || c == b'_' || c == b'$' => {
                let start = self.pos;
                while let Some(c) = self.peek() {
                    if c.is_ascii_alphanumeric() || c == b'_' || c == b'$' {
                        self.pos += 1;
                    } else {
                        break;
                    }
                }
                Ok(String::from_utf8_lossy(&self.b[start..self.pos]).into_owned())
            }
            _ => Err(self.err("invalid object key")),
        }
    }

    fn object(&mut self) -> Result<Value, FastJsonError> {
        self.pos += 1;
        let mut map = Map::new();
        self.ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Value::Object(map));
        }
        loop {
            self.ws();
            let k = self.key()?;
            self.ws();
            if self.peek() != Some(b':') {
                return Err(self.err("expected ':'"));
            }
            self.pos += 1;
            self.ws();
            let v = self.value()?;
            map.insert(k, v);
            self.ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Value::Object(map));
                }
                _ => return Err(self.err("expected ',' or '}'")),
            }
        }
    }

    fn array(&mut self) -> Result<Value, FastJsonError> {
        self.pos += 1;
        let mut items = Vec::new();
        self.ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Value::Array(items));
        }
        loop {
            self.ws();
            items.push(self.value()?);
            self.ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Value::Array(items));
                }
                _ => return Err(self.err("expected ',' or ']'")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MessageQueue;
    use serde::Deserialize;
    use std::collections::HashMap;

    #[test]
    fn reads_bare_numeric_keys() {
        let m: HashMap<u64, String> =
            from_str(r#"{0:"10.0.0.1:10911",1:"10.0.0.2:10911"}"#).unwrap();
        assert_eq!(m[&0], "10.0.0.1:10911");
        assert_eq!(m[&1], "10.0.0.2:10911");
        let m: HashMap<String, HashMap<i32, i64>> =
            from_str(r#"{"TopicTest@g":{0:250,1:248}}"#).unwrap();
        assert_eq!(m["TopicTest@g"][&1], 248);
    }

    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    #[serde(rename_all = "camelCase")]
    struct Stats {
        #[serde(with = "object_key_map")]
        offset_table: HashMap<MessageQueue, i64>,
    }

    #[test]
    fn object_keys_round_trip() {
        let text = r#"{"offsetTable":{{"brokerName":"b","queueId":0,"topic":"t"}:42}}"#;
        let s: Stats = from_str(text).unwrap();
        assert_eq!(s.offset_table[&MessageQueue::new("t", "b", 0)], 42);
        let out = String::from_utf8(to_vec(&s)).unwrap();
        assert_eq!(
            out,
            r#"{"offsetTable":{{"topic":"t","brokerName":"b","queueId":0}:42}}"#
        );
        let back: Stats = from_str(&out).unwrap();
        assert_eq!(back, s);
    }

    #[test]
    fn lenient_forms_and_errors() {
        let v =
            parse_value(br#"{'a':'x',b:1, "c":[1,2,{d:null}], "u":"\u4e2d\ud83d\ude00"}"#).unwrap();
        assert_eq!(v["a"], "x");
        assert_eq!(v["b"], 1);
        assert_eq!(v["u"], "中😀");
        for bad in [&b"{"[..], b"{a}", b"[1,", b"\"x", b"{1:}", b"tru", b"{}x"] {
            assert!(
                parse_value(bad).is_err(),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
        let deep = "[".repeat(10_000);
        assert!(parse_value(deep.as_bytes()).is_err());
    }

    #[derive(Deserialize, Debug, PartialEq)]
    #[serde(rename_all = "camelCase", default)]
    struct Bean {
        name: String,
        count: i32,
        total: i64,
        flag: bool,
        ratio: f64,
        codes: std::collections::BTreeSet<i32>,
        addrs: std::collections::BTreeMap<u64, String>,
        note: Option<String>,
        kind: Kind,
    }

    impl Default for Bean {
        fn default() -> Self {
            Bean {
                name: String::new(),
                count: 16,
                total: 0,
                flag: true,
                ratio: 0.0,
                codes: Default::default(),
                addrs: Default::default(),
                note: None,
                kind: Kind::SingleTag,
            }
        }
    }

    #[derive(Deserialize, Debug, PartialEq)]
    enum Kind {
        #[serde(rename = "SINGLE_TAG")]
        SingleTag,
        #[serde(rename = "MULTI_TAG")]
        MultiTag,
    }

    // Each case below was checked against fastjson 1.2.83 (`RemotingSerializable.decode` of
    // Java's SubscriptionData, QueueData, ConsumerData, SubscriptionGroupConfig).
    #[test]
    fn converts_scalars_as_fastjson() {
        let b: Bean = from_str(
            r#"{"name":123,"count":"8","total":"-7","flag":"false","ratio":"1.5",
                "codes":["2598919","2598920",null],"addrs":{"0":"a",1:"b"},"note":1.5,
                "kind":"multi_tag","unknown":{"x":[1]}}"#,
        )
        .unwrap();
        assert_eq!(b.name, "123");
        assert_eq!((b.count, b.total, b.flag, b.ratio), (8, -7, false, 1.5));
        assert_eq!(b.codes.into_iter().collect::<Vec<_>>(), [2598919, 2598920]);
        assert_eq!(b.addrs[&1], "b");
        assert_eq!(b.note.as_deref(), Some("1.5"));
        assert_eq!(b.kind, Kind::MultiTag);

        // null keeps the field's default (Java's initializer); so does an absent member.
        let b: Bean =
            from_str(r#"{"name":null,"count":null,"flag":null,"codes":null,"kind":null}"#).unwrap();
        assert_eq!(b, Bean::default());
        let b: Bean = from_str("{}").unwrap();
        assert_eq!(b, Bean::default());

        // Booleans: any case, 1/0, Y/N/T/F; numbers other than 1 are false.
        for (text, want) in [
            (r#""TRUE""#, true),
            ("1", true),
            ("2", false),
            (r#""1""#, true),
            (r#""Y""#, true),
            (r#""0""#, false),
            ("0", false),
        ] {
            let b: Bean = from_str(&format!(r#"{{"flag":{text}}}"#)).unwrap();
            assert_eq!(b.flag, want, "{text}");
        }
        // Integers: floats truncate, booleans are 1/0, "" is 0.
        for (text, want) in [
            ("1.7", 1),
            ("-1.7", -1),
            ("true", 1),
            (r#""""#, 0),
            (r#""+7""#, 7),
        ] {
            let b: Bean = from_str(&format!(r#"{{"count":{text}}}"#)).unwrap();
            assert_eq!(b.count, want, "{text}");
        }
        // Strings from arrays and objects are their JSON text.
        let b: Bean = from_str(r#"{"name":{"a":[1,2]}}"#).unwrap();
        assert_eq!(b.name, r#"{"a":[1,2]}"#);
        // Enums by ordinal.
        let b: Bean = from_str(r#"{"kind":1}"#).unwrap();
        assert_eq!(b.kind, Kind::MultiTag);
    }

    #[test]
    fn rejects_what_fastjson_rejects() {
        for bad in [
            r#"{"count":"x"}"#,
            r#"{"count":"1.7"}"#,
            r#"{"count":" 6"}"#,
            r#"{"count":4294967297}"#,
            r#"{"total":"0x10"}"#,
            r#"{"flag":"yes"}"#,
            r#"{"codes":"3"}"#,
            r#"{"codes":{}}"#,
            r#"{"kind":9}"#,
            r#"{"kind":true}"#,
            r#""x""#,
        ] {
            assert!(from_str::<Bean>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn strict_path_untouched() {
        // Valid standard JSON never reaches the lenient path and reads the same.
        let text = r#"{"name":"n","count":3,"total":4,"flag":false,"ratio":0.5,"codes":[1],"addrs":{"0":"a"},"kind":"MULTI_TAG"}"#;
        let strict: Bean = serde_json::from_str(text).unwrap();
        assert_eq!(from_str::<Bean>(text).unwrap(), strict);
        // A later duplicate member wins, as in fastjson (serde's derive alone refuses it).
        let b: Bean = from_str(r#"{"count":1,"count":2}"#).unwrap();
        assert_eq!(b.count, 2);
    }

    #[test]
    fn pretty_output_parses() {
        let mut m = HashMap::new();
        m.insert("k".to_string(), vec![1, 2]);
        let out = to_vec_pretty(&m);
        let back: HashMap<String, Vec<i32>> = from_slice(&out).unwrap();
        assert_eq!(back, m);
    }
}
