//! Java `.properties` text (`java.util.Properties#load`) and binding it to config structs by
//! key name, as Java's `MixAll.properties2Object` does.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// Ordered key/value pairs read from a properties file.
pub type Properties = BTreeMap<String, String>;

/// Parses properties text: `#`/`!` comments, `=`, `:` or whitespace separators, backslash
/// line continuations and escapes (`\t \n \r \f \uXXXX`).
pub fn parse(text: &str) -> Properties {
    let mut out = Properties::new();
    let mut logical = String::new();
    let mut lines = text.lines().peekable();
    while let Some(raw) = lines.next() {
        let line = raw.trim_start_matches([' ', '\t', '\u{c}']);
        if logical.is_empty() && (line.is_empty() || line.starts_with('#') || line.starts_with('!'))
        {
            continue;
        }
        logical.push_str(line);
        if ends_with_continuation(&logical) {
            logical.pop();
            if lines.peek().is_some() {
                continue;
            }
        }
        let (k, v) = split_key_value(&logical);
        out.insert(unescape(&k), unescape(&v));
        logical.clear();
    }
    out
}

fn ends_with_continuation(s: &str) -> bool {
    s.chars().rev().take_while(|&c| c == '\\').count() % 2 == 1
}

fn split_key_value(line: &str) -> (String, String) {
    let chars: Vec<char> = line.chars().collect();
    let mut i = 0;
    let mut key = String::new();
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' && i + 1 < chars.len() {
            key.push(c);
            key.push(chars[i + 1]);
            i += 2;
            continue;
        }
        if c == '=' || c == ':' || c == ' ' || c == '\t' || c == '\u{c}' {
            break;
        }
        key.push(c);
        i += 1;
    }
    // Skip whitespace, at most one separator, then whitespace.
    while i < chars.len() && matches!(chars[i], ' ' | '\t' | '\u{c}') {
        i += 1;
    }
    if i < chars.len() && (chars[i] == '=' || chars[i] == ':') {
        i += 1;
    }
    while i < chars.len() && matches!(chars[i], ' ' | '\t' | '\u{c}') {
        i += 1;
    }
    (key, chars[i..].iter().collect())
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match it.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('f') => out.push('\u{c}'),
            Some('u') => {
                let hex: String = (0..4).filter_map(|_| it.next()).collect();
                if let Some(ch) = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    out.push(ch);
                }
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

/// Writes `key=value` lines, sorted, as `MixAll.properties2String(props, true)`.
pub fn to_string(props: &Properties) -> String {
    let mut s = String::new();
    for (k, v) in props {
        s.push_str(k);
        s.push('=');
        s.push_str(v);
        s.push('\n');
    }
    s
}

/// Returns the fields of a config struct as properties (`MixAll.object2Properties`).
pub fn object_to_properties<T: Serialize>(obj: &T) -> Properties {
    let mut out = Properties::new();
    if let Ok(Value::Object(map)) = serde_json::to_value(obj) {
        for (k, v) in map {
            let s = match v {
                Value::Null => continue,
                Value::String(s) => s,
                other => other.to_string(),
            };
            out.insert(k, s);
        }
    }
    out
}

/// Returns the fields of a config struct in declaration order as `(name, value)` pairs, for
/// printing with `-p` (Java's `printObjectProperties` walks `getDeclaredFields`, which keeps
/// source order). The struct is serialized to JSON text, whose fields are in declaration
/// order, and read back without going through a sorted map.
pub fn object_to_ordered_pairs<T: Serialize>(obj: &T) -> Vec<(String, String)> {
    let Ok(text) = serde_json::to_string(obj) else {
        return Vec::new();
    };
    let Ok(OrderedFields(fields)) = serde_json::from_str::<OrderedFields>(&text) else {
        return Vec::new();
    };
    fields
        .into_iter()
        .map(|(k, v)| {
            let s = match v {
                Value::Null => String::new(),
                Value::String(s) => s,
                other => other.to_string(),
            };
            (k, s)
        })
        .collect()
}

/// A JSON object's entries in the order they appear in the text.
struct OrderedFields(Vec<(String, Value)>);

impl<'de> serde::Deserialize<'de> for OrderedFields {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Entries;
        impl<'de> serde::de::Visitor<'de> for Entries {
            type Value = OrderedFields;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<OrderedFields, A::Error> {
                let mut out = Vec::new();
                while let Some(entry) = map.next_entry::<String, Value>()? {
                    out.push(entry);
                }
                Ok(OrderedFields(out))
            }
        }
        d.deserialize_map(Entries)
    }
}

/// Parses `raw` into the JSON type of `current`, as a Java setter of that type would;
/// `None` when it does not parse (Java then ignores the key).
fn coerce(current: &Value, raw: &str) -> Option<Value> {
    match current {
        Value::Bool(_) => Some(Value::Bool(raw.trim().eq_ignore_ascii_case("true"))),
        Value::Number(n) if n.is_i64() || n.is_u64() => {
            raw.trim().parse::<i64>().ok().map(Value::from)
        }
        Value::Number(_) => raw
            .trim()
            .parse::<f64>()
            .ok()
            .and_then(|f| serde_json::Number::from_f64(f).map(Value::Number)),
        Value::String(_) | Value::Null => Some(Value::String(raw.trim().to_string())),
        Value::Array(_) | Value::Object(_) => serde_json::from_str(raw).ok(),
    }
}

/// Outcome of binding properties to a config struct.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct BindReport {
    /// Keys the struct has no field for.
    pub unknown_keys: Vec<String>,
    /// Keys whose value did not parse as the field's type (left unchanged).
    pub invalid_keys: Vec<String>,
}

/// Sets each field of `obj` whose camelCase name is a key of `props`, parsing the value to
/// the field's type (`MixAll.properties2Object`). `aliases` maps old spellings to field names
/// (e.g. `mapedFileSizeCommitLog`). Keys that do not match or do not parse are reported.
pub fn bind<T: Serialize + DeserializeOwned>(
    obj: &mut T,
    props: &Properties,
    aliases: &[(&str, &str)],
) -> BindReport {
    let mut report = BindReport::default();
    let Ok(Value::Object(mut map)) = serde_json::to_value(&*obj) else {
        return report;
    };
    let mut changed = false;
    for (key, raw) in props {
        let name = aliases
            .iter()
            .find(|(old, _)| old == key)
            .map(|(_, new)| *new)
            .unwrap_or(key);
        let Some(current) = map.get(name) else {
            report.unknown_keys.push(key.clone());
            continue;
        };
        let Some(new_value) = coerce(current, raw) else {
            report.invalid_keys.push(key.clone());
            continue;
        };
        let previous = map.insert(name.to_string(), new_value);
        // Check this key alone so one bad value (e.g. an unknown enum name) is dropped alone.
        if serde_json::from_value::<T>(Value::Object(map.clone())).is_err() {
            if let Some(p) = previous {
                map.insert(name.to_string(), p);
            }
            report.invalid_keys.push(key.clone());
        } else {
            changed = true;
        }
    }
    if changed {
        if let Ok(v) = serde_json::from_value::<T>(Value::Object(map)) {
            *obj = v;
        }
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[test]
    fn ordered_pairs_keep_declaration_order() {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct C {
            zeta: i32,
            alpha: Option<String>,
            mid: bool,
        }
        let pairs = object_to_ordered_pairs(&C {
            zeta: 1,
            alpha: None,
            mid: true,
        });
        assert_eq!(
            pairs,
            vec![
                ("zeta".to_string(), "1".to_string()),
                ("alpha".to_string(), String::new()),
                ("mid".to_string(), "true".to_string()),
            ]
        );
    }

    #[test]
    fn parses_java_properties() {
        let p = parse(
            "# comment\n! also\nbrokerName = broker-a\nlistenPort:10911\nkey value with spaces\n\
             multi=one\\\n   two\nesc=a\\tb\\u0041\n  \n",
        );
        assert_eq!(p["brokerName"], "broker-a");
        assert_eq!(p["listenPort"], "10911");
        assert_eq!(p["key"], "value with spaces");
        assert_eq!(p["multi"], "onetwo");
        assert_eq!(p["esc"], "a\tbA");
    }

    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    #[serde(rename_all = "camelCase")]
    enum Mode {
        #[serde(rename = "ASYNC_FLUSH")]
        Async,
        #[serde(rename = "SYNC_FLUSH")]
        Sync,
    }

    #[derive(Serialize, Deserialize, Debug)]
    #[serde(rename_all = "camelCase")]
    struct Cfg {
        listen_port: i32,
        broker_name: String,
        auto_create: bool,
        ratio: f64,
        flush_disk_type: Mode,
        mapped_file_size_commit_log: i64,
    }

    #[test]
    fn binds_like_properties2object() {
        let mut c = Cfg {
            listen_port: 1,
            broker_name: "x".into(),
            auto_create: false,
            ratio: 0.5,
            flush_disk_type: Mode::Async,
            mapped_file_size_commit_log: 10,
        };
        let p = parse(
            "listenPort=oops\nbrokerName= b \nautoCreate=TRUE\nratio=0.75\nflushDiskType=SYNC_FLUSH\n\
             mapedFileSizeCommitLog=4096\nnope=1\n",
        );
        let r = bind(
            &mut c,
            &p,
            &[("mapedFileSizeCommitLog", "mappedFileSizeCommitLog")],
        );
        assert_eq!(c.listen_port, 1);
        assert_eq!(c.broker_name, "b");
        assert!(c.auto_create);
        assert_eq!(c.ratio, 0.75);
        assert_eq!(c.flush_disk_type, Mode::Sync);
        assert_eq!(c.mapped_file_size_commit_log, 4096);
        assert_eq!(r.unknown_keys, vec!["nope".to_string()]);
        assert_eq!(r.invalid_keys, vec!["listenPort".to_string()]);
        let bad = parse("flushDiskType=WHATEVER\n");
        let r = bind(&mut c, &bad, &[]);
        assert_eq!(c.flush_disk_type, Mode::Sync);
        assert_eq!(r.invalid_keys, vec!["flushDiskType".to_string()]);
    }
}
