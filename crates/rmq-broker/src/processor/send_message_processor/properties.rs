//! The properties string of a send (Java `AbstractSendMessageProcessor#buildMsgContext`,
//! `SendMessageProcessor#sendMessage`, `MessageDecoder.string2messageProperties` and
//! `messageProperties2String`): Java parses the client's string into a `HashMap`, adds the
//! broker's properties and encodes the map again, so the pairs come out in `HashMap` order.
//! Here the string is parsed once, and the client's bytes are kept when encoding the final
//! map would give them back unchanged.

use crate::broker_config::BrokerConfig;
use rmq_common::java_hash_map::JavaHashMap;
use rmq_common::message::message_const::*;
use rmq_common::message::message_decoder::{
    java_properties_to_string, string_to_java_properties, NAME_VALUE_SEPARATOR, PROPERTY_SEPARATOR,
};

/// Java `buildMsgContext`: the request's properties with `MSG_REGION` and `TRACE_ON`,
/// re-encoded from a Java `HashMap` (what the reply path stores).
pub(crate) fn rewrite_request_properties(
    properties: Option<&str>,
    region: &str,
    trace_on: bool,
) -> String {
    let mut props = string_to_java_properties(properties.unwrap_or(""));
    props.insert(PROPERTY_MSG_REGION, region);
    props.insert(PROPERTY_TRACE_SWITCH, trace_on.to_string());
    java_properties_to_string(&props)
}

/// The properties a send starts from, in Java's map: `buildMsgContext` rewrites the request's
/// properties string with the broker's region and trace switch, `clearReservedProperties`
/// drops `POP_CK` from it, and `sendMessage`/`sendBatchMessage` parse the result.
///
/// Parsed once: parsing the rewritten string again gives the same map, as a `HashMap`'s
/// order is its keys' buckets at its (same) capacity, then insertion order, which the
/// rewrite keeps. Only an empty region or one holding a separator, which the second parse
/// would drop or split, takes Java's two steps.
pub(crate) fn request_properties(bc: &BrokerConfig, properties: Option<&str>) -> JavaHashMap {
    let region = bc.region_id.as_str();
    let mut props =
        if region.is_empty() || region.contains([NAME_VALUE_SEPARATOR, PROPERTY_SEPARATOR]) {
            let text = rewrite_request_properties(properties, region, bc.trace_on);
            string_to_java_properties(&text)
        } else {
            let mut props = string_to_java_properties(properties.unwrap_or(""));
            props.insert(PROPERTY_MSG_REGION, region);
            props.insert(PROPERTY_TRACE_SWITCH, bc.trace_on.to_string());
            props
        };
    props.remove(PROPERTY_POP_CK);
    props
}

/// Java `messageProperties2String(props)`; `original` (the client's string) is returned as
/// it is when it already holds exactly those bytes.
pub(crate) fn properties_string(props: &JavaHashMap, original: Option<String>) -> String {
    match original {
        Some(s) if encodes_as(props, &s) => s,
        _ => java_properties_to_string(props),
    }
}

/// Returns true when `java_properties_to_string(props) == s`, without building the string.
fn encodes_as(props: &JavaHashMap, s: &str) -> bool {
    let mut rest = s;
    for (k, v) in props.iter() {
        let pair = rest
            .strip_prefix(k)
            .and_then(|r| r.strip_prefix(NAME_VALUE_SEPARATOR))
            .and_then(|r| r.strip_prefix(v))
            .and_then(|r| r.strip_prefix(PROPERTY_SEPARATOR));
        match pair {
            Some(r) => rest = r,
            None => return false,
        }
    }
    rest.is_empty()
}

#[cfg(test)]
#[path = "properties_tests.rs"]
mod tests;
