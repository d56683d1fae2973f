use super::*;

fn golden() -> Vec<serde_json::Value> {
    serde_json::from_str(include_str!(
        "../../../tests/data/java_properties_golden.json"
    ))
    .unwrap()
}

fn config(region: &str, trace_on: bool) -> BrokerConfig {
    BrokerConfig {
        region_id: region.into(),
        trace_on,
        ..Default::default()
    }
}

/// Java's two steps: rewrite the string, parse it again, drop `POP_CK`.
fn two_step(bc: &BrokerConfig, properties: &str) -> String {
    let text = rewrite_request_properties(Some(properties), &bc.region_id, bc.trace_on);
    let mut props = string_to_java_properties(&text);
    props.remove(PROPERTY_POP_CK);
    java_properties_to_string(&props)
}

/// `buildMsgContext`'s rewrite, which the reply path stores as is and pushes with
/// `PUSH_REPLY_TIME` added (golden strings from Java's `MessageDecoder`, see
/// `tests/properties_order_it.rs`, which checks the send paths end to end).
#[test]
fn request_properties_are_rewritten_in_java_order() {
    for case in &golden() {
        let input = case["input"].as_str().unwrap();
        let stored = rewrite_request_properties(Some(input), "DefaultRegion", true);
        assert_eq!(
            stored,
            case["reply_stored"].as_str().unwrap(),
            "{}",
            case["name"]
        );
        let mut pushed = string_to_java_properties(&stored);
        pushed.insert(PROPERTY_PUSH_REPLY_TIME, "1700000000000");
        assert_eq!(
            java_properties_to_string(&pushed),
            case["reply_pushed"].as_str().unwrap(),
            "{}",
            case["name"]
        );
    }
}

/// Strings of keys from a pool with Java hash collisions ("Aa"/"BB"), the broker's own keys,
/// `POP_CK`, empty values and duplicates, up to 120 pairs (the table grows past 128).
fn generated_inputs() -> Vec<String> {
    let pool: Vec<String> = ["Aa", "BB", "AaAa", "BBBB", "AaBB", "MSG_REGION", "TRACE_ON"]
        .into_iter()
        .map(String::from)
        .chain([
            PROPERTY_POP_CK.to_string(),
            "UNIQ_KEY".into(),
            "TAGS".into(),
        ])
        .chain((0..120).map(|i| format!("k{i}")))
        .collect();
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move |n: usize| {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        (seed >> 33) as usize % n
    };
    (0..400)
        .map(|case| {
            let pairs = if case % 10 == 0 {
                110 + next(11)
            } else {
                next(12)
            };
            (0..pairs)
                .map(|_| {
                    let key = &pool[next(pool.len())];
                    let value = ["", "v", "DefaultRegion", "x y"][next(4)];
                    format!("{key}\u{1}{value}\u{2}")
                })
                .collect()
        })
        .collect()
}

#[test]
fn parsing_once_gives_java_two_step_map() {
    let configs = [
        config("DefaultRegion", true),
        config("r", false),
        config("", true),
        config("a\u{1}b", false),
    ];
    let mut inputs = generated_inputs();
    inputs.extend(
        golden()
            .iter()
            .map(|c| c["input"].as_str().unwrap().to_string()),
    );
    for bc in &configs {
        for input in &inputs {
            let once = java_properties_to_string(&request_properties(bc, Some(input)));
            assert_eq!(
                once,
                two_step(bc, input),
                "{input:?} region {:?}",
                bc.region_id
            );
        }
        assert_eq!(
            java_properties_to_string(&request_properties(bc, None)),
            two_step(bc, "")
        );
    }
}

#[test]
fn the_client_bytes_are_kept_when_nothing_changes_them() {
    let bc = config("DefaultRegion", true);
    for case in &golden() {
        // What Java stores for a send, sent again: the broker adds nothing new.
        let sent = case["send"].as_str().unwrap().to_string();
        let mut props = request_properties(&bc, Some(&sent));
        props.insert(PROPERTY_CLUSTER, "DefaultCluster");
        let client = sent.clone();
        let at = client.as_ptr();
        let kept = properties_string(&props, Some(client));
        assert_eq!(kept, sent, "{}", case["name"]);
        assert_eq!(kept.as_ptr(), at, "{}: copied", case["name"]);
        // The client's own string gains the broker's properties: encoded again.
        let input = case["input"].as_str().unwrap().to_string();
        let mut props = request_properties(&bc, Some(&input));
        props.insert(PROPERTY_CLUSTER, "DefaultCluster");
        let encoded = properties_string(&props, Some(input));
        assert_eq!(encoded, java_properties_to_string(&props));
        assert_ne!(encoded.as_str(), case["input"].as_str().unwrap());
    }
}

#[test]
fn encodes_as_checks_every_byte() {
    let props = string_to_java_properties("b\u{1}2\u{2}a\u{1}1\u{2}");
    assert!(encodes_as(&props, "a\u{1}1\u{2}b\u{1}2\u{2}"));
    for other in [
        "b\u{1}2\u{2}a\u{1}1\u{2}",
        "a\u{1}1\u{2}b\u{1}2\u{2}c\u{1}3\u{2}",
        "a\u{1}1\u{2}b\u{1}2",
        "a\u{1}1\u{2}b\u{1}22\u{2}",
        "",
    ] {
        assert!(!encodes_as(&props, other), "{other:?}");
    }
    assert!(encodes_as(&JavaHashMap::new(), ""));
}
