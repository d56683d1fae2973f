//! What a request asks for: (resource, actions) pairs (Java
//! `DefaultAuthorizationContextBuilder.build(ChannelHandlerContext, RemotingCommand)`).

use super::annotations::ANNOTATIONS;
use super::model::{is_retry_topic, Action, Resource, ResourceType};
use rmq_remoting::protocol::body::heartbeat::HeartbeatData;
use rmq_remoting::{RemotingCommand, RequestCode};

/// One thing to authorize.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthzItem {
    pub resource: Resource,
    pub actions: Vec<Action>,
}

/// Java's message when a request cannot be read.
pub const PARSE_ERROR: &str = "parse authorization context error.";

fn item(resource: Resource, actions: &[Action]) -> AuthzItem {
    AuthzItem {
        resource,
        actions: actions.to_vec(),
    }
}

/// The items of `request`, in Java's order; `cluster` is the broker's cluster name (for
/// cluster-wide admin codes). `Err` carries the refusal message.
pub fn build(request: &RemotingCommand, cluster: &str) -> Result<Vec<AuthzItem>, String> {
    let f = &request.ext_fields;
    if f.is_empty() {
        return Ok(Vec::new());
    }
    let get = |k: &str| f.get(k).map(String::as_str);
    use Action::*;
    let mut out = Vec::new();
    match request.request_code() {
        RequestCode::GET_ROUTEINFO_BY_TOPIC => {
            if is_retry_topic(get("topic")) {
                out.push(item(Resource::group(get("topic")), &[Sub, Get]));
            } else {
                out.push(item(Resource::topic(get("topic")), &[Pub, Sub, Get]));
            }
        }
        RequestCode::SEND_MESSAGE => out.push(send_item(get("topic"), get("group"))),
        RequestCode::SEND_MESSAGE_V2 | RequestCode::SEND_BATCH_MESSAGE => {
            out.push(send_item(get("b"), get("a")))
        }
        RequestCode::RECALL_MESSAGE => out.push(item(Resource::topic(get("topic")), &[Pub])),
        RequestCode::END_TRANSACTION => {
            if get("topic").is_some_and(|t| !t.trim().is_empty()) {
                out.push(item(Resource::topic(get("topic")), &[Pub]));
            }
        }
        RequestCode::CONSUMER_SEND_MSG_BACK => {
            out.push(item(Resource::group(get("group")), &[Sub]))
        }
        RequestCode::PULL_MESSAGE => {
            if !is_retry_topic(get("topic")) {
                out.push(item(Resource::topic(get("topic")), &[Sub]));
            }
            out.push(item(Resource::group(get("consumerGroup")), &[Sub]));
        }
        RequestCode::QUERY_MESSAGE => out.push(item(Resource::topic(get("topic")), &[Sub, Get])),
        RequestCode::HEART_BEAT => heartbeat_items(request, &mut out)?,
        RequestCode::UNREGISTER_CLIENT => {
            if get("consumerGroup").is_some_and(|g| !g.trim().is_empty()) {
                out.push(item(Resource::group(get("consumerGroup")), &[Sub]));
            }
        }
        RequestCode::GET_CONSUMER_LIST_BY_GROUP => {
            let group = get("consumerGroup").ok_or(PARSE_ERROR)?;
            out.push(item(Resource::group(Some(group)), &[Sub, Get]));
        }
        RequestCode::QUERY_CONSUMER_OFFSET => offset_items(request, &[Sub, Get], &mut out)?,
        RequestCode::UPDATE_CONSUMER_OFFSET => offset_items(request, &[Sub, Update], &mut out)?,
        RequestCode::LOCK_BATCH_MQ | RequestCode::UNLOCK_BATCH_MQ => {
            lock_items(request, &mut out)?
        }
        _ => annotated_items(request, cluster, &mut out),
    }
    Ok(out)
}

/// SEND_MESSAGE and its V2/batch forms: a retry topic is the consumer group's send-back.
fn send_item(topic: Option<&str>, group: Option<&str>) -> AuthzItem {
    if is_retry_topic(topic) {
        let g = group.filter(|g| !g.trim().is_empty()).or(topic);
        item(Resource::group(g), &[Action::Sub])
    } else {
        item(Resource::topic(topic), &[Action::Pub])
    }
}

fn heartbeat_items(request: &RemotingCommand, out: &mut Vec<AuthzItem>) -> Result<(), String> {
    let body = request.whole_body();
    let hb: HeartbeatData =
        rmq_remoting::protocol::body::decode(&body).map_err(|_| PARSE_ERROR.to_string())?;
    for c in &hb.consumer_data_set {
        out.push(item(Resource::group(Some(&c.group_name)), &[Action::Sub]));
        for s in &c.subscription_data_set {
            if !is_retry_topic(Some(&s.topic)) {
                out.push(item(Resource::topic(Some(&s.topic)), &[Action::Sub]));
            }
        }
    }
    Ok(())
}

fn offset_items(
    request: &RemotingCommand,
    actions: &[Action],
    out: &mut Vec<AuthzItem>,
) -> Result<(), String> {
    let get = |k: &str| request.ext_fields.get(k).map(String::as_str);
    // Both header fields are required (Java decodes the header, which checks @CFNotNull).
    let (Some(topic), Some(group)) = (get("topic"), get("consumerGroup")) else {
        return Err(PARSE_ERROR.into());
    };
    if !is_retry_topic(Some(topic)) {
        out.push(item(Resource::topic(Some(topic)), actions));
    }
    out.push(item(Resource::group(Some(group)), actions));
    Ok(())
}

fn lock_items(request: &RemotingCommand, out: &mut Vec<AuthzItem>) -> Result<(), String> {
    let body = request.whole_body();
    let v: serde_json::Value =
        rmq_remoting::protocol::body::decode(&body).map_err(|_| PARSE_ERROR.to_string())?;
    let group = v.get("consumerGroup").and_then(|g| g.as_str());
    out.push(item(Resource::group(group), &[Action::Sub]));
    for mq in v.get("mqSet").and_then(|s| s.as_array()).into_iter().flatten() {
        let topic = mq.get("topic").and_then(|t| t.as_str());
        if !is_retry_topic(topic) {
            out.push(item(Resource::topic(topic), &[Action::Sub]));
        }
    }
    Ok(())
}

/// Java `buildContextByAnnotation`: the annotated header fields name the resources (a retry
/// topic names its group); a cluster-wide header without such fields names the broker's
/// cluster; a code without an annotated header needs nothing.
fn annotated_items(request: &RemotingCommand, cluster: &str, out: &mut Vec<AuthzItem>) {
    let Some((_, rtype, actions, fields)) = ANNOTATIONS.iter().find(|a| a.0 == request.code)
    else {
        return;
    };
    for (name, ftype, splitter) in fields.iter() {
        let Some(value) = request.ext_fields.get(*name) else {
            continue;
        };
        let values: Vec<&str> = if splitter.is_empty() {
            vec![value.as_str()]
        } else {
            value
                .split(|c| splitter.contains(c))
                .filter(|s| !s.is_empty())
                .collect()
        };
        for v in values {
            let resource = if *ftype == ResourceType::Topic && is_retry_topic(Some(v)) {
                Resource::group(Some(v))
            } else {
                Resource::literal(*ftype, Some(v))
            };
            out.push(item(resource, actions));
        }
    }
    if out.is_empty() && *rtype == ResourceType::Cluster {
        out.push(item(
            Resource::literal(ResourceType::Cluster, Some(cluster)),
            actions,
        ));
    }
}

#[cfg(test)]
#[path = "authz_context_tests.rs"]
mod tests;
