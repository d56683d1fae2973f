//! Topic attributes: parsing `+key=value,-key` modifications and applying them to the current
//! attributes (Java `AttributeParser`, `AttributeUtil`, `TopicAttributes`).

use std::collections::BTreeMap;

/// One supported attribute (Java `Attribute` subclasses).
struct AttributeSpec {
    name: &'static str,
    changeable: bool,
    /// Allowed values; empty means a long in `[-1, i64::MAX]` (`reserve.time`).
    values: &'static [&'static str],
}

/// Java `TopicAttributes.ALL`.
const TOPIC_ATTRIBUTES: &[AttributeSpec] = &[
    AttributeSpec {
        name: "queue.type",
        changeable: false,
        values: &["BatchCQ", "SimpleCQ"],
    },
    AttributeSpec {
        name: "cleanup.policy",
        changeable: false,
        values: &["DELETE", "COMPACTION"],
    },
    AttributeSpec {
        name: "message.type",
        changeable: true,
        values: &[
            "UNSPECIFIED",
            "NORMAL",
            "FIFO",
            "DELAY",
            "TRANSACTION",
            "MIXED",
        ],
    },
    AttributeSpec {
        name: "reserve.time",
        changeable: true,
        values: &[],
    },
];

/// Parses `+k1=v1,+k2=v2,-k3` into a map keyed with the sign (Java `AttributeParser.parseToMap`).
pub fn parse_to_map(modification: &str) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    if modification.is_empty() {
        return Ok(out);
    }
    for kv in modification.split(',') {
        let (key, value) = match kv.split_once('=') {
            Some((k, v)) => {
                if !k.contains('+') {
                    return Err(format!("add/alter attribute format is wrong: {k}"));
                }
                (k.to_string(), v.to_string())
            }
            None => {
                if !kv.contains('-') {
                    return Err(format!("delete attribute format is wrong: {kv}"));
                }
                (kv.to_string(), String::new())
            }
        };
        if out.insert(key.clone(), value).is_some() {
            return Err(format!("key duplication: {key}"));
        }
    }
    Ok(out)
}

/// Applies signed modifications to `current` for topics (Java
/// `AttributeUtil.alterCurrentAttributes` with `TopicAttributes.ALL`). `create` is true when
/// the topic does not exist yet; then only `+` keys are allowed.
pub fn alter_current_topic_attributes(
    create: bool,
    current: &BTreeMap<String, String>,
    modification: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, String>, String> {
    let mut result = current.clone();
    let mut deletes = Vec::new();
    for (key, value) in modification {
        let real = key.get(1..).unwrap_or_default();
        if real.is_empty() || real.contains('+') || real.contains('-') {
            return Err("kv string format wrong.".into());
        }
        let spec = TOPIC_ATTRIBUTES
            .iter()
            .find(|s| s.name == real)
            .ok_or_else(|| format!("unsupported key: {real}"))?;
        if create {
            if !key.starts_with('+') {
                return Err(format!(
                    "only add attribute is supported while creating topic. key: {real}"
                ));
            }
        } else if !spec.changeable {
            return Err(format!(
                "attempt to update an unchangeable attribute. key: {real}"
            ));
        }
        if key.starts_with('+') {
            verify(spec, value)?;
            result.insert(real.to_string(), value.clone());
        } else if key.starts_with('-') {
            if !current.contains_key(real) {
                return Err(format!("attempt to delete a nonexistent key: {real}"));
            }
            deletes.push(real.to_string());
        } else {
            return Err(format!("wrong format key: {real}"));
        }
    }
    for d in deletes {
        result.remove(&d);
    }
    Ok(result)
}

fn verify(spec: &AttributeSpec, value: &str) -> Result<(), String> {
    if spec.values.is_empty() {
        match value.parse::<i64>() {
            Ok(v) if v >= -1 => Ok(()),
            _ => Err(format!("value is not in range(-1, {})", i64::MAX)),
        }
    } else if spec.values.contains(&value) {
        Ok(())
    } else {
        Err(format!("value is not in set: [{}]", spec.values.join(", ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_applies() {
        let m = parse_to_map("+message.type=FIFO,-queue.type").unwrap();
        assert_eq!(m["+message.type"], "FIFO");
        assert_eq!(m["-queue.type"], "");
        assert!(parse_to_map("message.type=FIFO").is_err());
        let created = alter_current_topic_attributes(
            true,
            &BTreeMap::new(),
            &parse_to_map("+message.type=NORMAL").unwrap(),
        )
        .unwrap();
        assert_eq!(created["message.type"], "NORMAL");
        assert!(alter_current_topic_attributes(
            true,
            &BTreeMap::new(),
            &parse_to_map("+nope=1").unwrap()
        )
        .is_err());
        assert!(alter_current_topic_attributes(
            false,
            &created,
            &parse_to_map("+queue.type=BatchCQ").unwrap()
        )
        .is_err());
    }
}
