//! The store's answer as the pull's response (Java `PullMessageProcessor#composeResponseHeader`
//! and `DefaultPullMessageResultHandler#handle`): the status's code, the suggested broker, the
//! offset commit, the found records, and the parking of PULL_NOT_FOUND for long polling.

use super::PullMessageProcessor;
use crate::broker_config::BrokerConfig;
use crate::filter::BrokerMessageFilter;
use crate::longpolling::pull_request_hold_service::PullRequest;
use rmq_common::mix_all;
use rmq_common::sys_flag::pull_sys_flag;
use rmq_common::util_all::current_millis;
use rmq_remoting::protocol::body::subscription_group_config::SubscriptionGroupConfig;
use rmq_remoting::protocol::header::broker::{PullMessageRequestHeader, PullMessageResponseHeader};
use rmq_remoting::{Channel, RemotingCommand, ResponseCode};
use rmq_store::{GetMessageResult, GetMessageStatus};
use std::sync::Arc;

/// What the store answered and for which request.
pub(super) struct PullOutcome<'a> {
    pub result: GetMessageResult,
    pub request: RemotingCommand,
    pub header: &'a PullMessageRequestHeader,
    pub channel: &'a Channel,
    pub sgc: &'a SubscriptionGroupConfig,
    pub topic_sys_flag: i32,
    pub broker_allow_suspend: bool,
    pub filter: Arc<dyn BrokerMessageFilter>,
}

/// The response code of a store status (Java `composeResponseHeader`'s switch).
fn status_code(result: &GetMessageResult, header: &PullMessageRequestHeader) -> ResponseCode {
    match result.status {
        GetMessageStatus::Found => ResponseCode::SUCCESS,
        GetMessageStatus::MessageWasRemoving | GetMessageStatus::NoMatchedMessage => {
            ResponseCode::PULL_RETRY_IMMEDIATELY
        }
        GetMessageStatus::NoMatchedLogicQueue | GetMessageStatus::NoMessageInQueue => {
            if header.queue_offset != 0 {
                tracing::info!(
                    request_offset = header.queue_offset,
                    fix_to = result.next_begin_offset,
                    topic = %header.topic,
                    queue_id = header.queue_id,
                    group = %header.consumer_group,
                    "the broker stores no queue data, fix the request offset"
                );
                ResponseCode::PULL_OFFSET_MOVED
            } else {
                ResponseCode::PULL_NOT_FOUND
            }
        }
        GetMessageStatus::OffsetFoundNull | GetMessageStatus::OffsetOverflowOne => {
            ResponseCode::PULL_NOT_FOUND
        }
        GetMessageStatus::OffsetOverflowBadly
        | GetMessageStatus::OffsetReset
        | GetMessageStatus::OffsetTooSmall => ResponseCode::PULL_OFFSET_MOVED,
    }
}

/// The broker the client should pull from next (Java `composeResponseHeader`): with
/// `slaveReadEnable`, the group's `whichBrokerWhenConsumeSlowly` when the store suggests
/// pulling from a slave, else the group's `brokerId`; without it, the master.
///
/// Java's slave-to-master redirect (suggest 0, PULL_RETRY_IMMEDIATELY unless FOUND) only
/// fires when `getMinBrokerIdInGroup()` is 0 on a slave, and 5.3.3 returns the broker's own
/// id there outside acting-master mode, so a classic slave never takes it.
fn suggest_broker(
    bc: &BrokerConfig,
    result: &GetMessageResult,
    sgc: &SubscriptionGroupConfig,
) -> i64 {
    if !bc.slave_read_enable {
        mix_all::MASTER_ID as i64
    } else if result.suggest_pulling_from_slave {
        sgc.which_broker_when_consume_slowly
    } else {
        sgc.broker_id
    }
}

impl PullMessageProcessor {
    /// Java `composeResponseHeader` + `DefaultPullMessageResultHandler#handle`; `None` when
    /// the request was parked.
    pub(super) fn handle(&self, bc: &BrokerConfig, o: PullOutcome<'_>) -> Option<RemotingCommand> {
        let code = status_code(&o.result, o.header);
        let suggest = suggest_broker(bc, &o.result, o.sgc);
        let mut code = code;
        self.try_commit_offset(&o);
        let mut response_header = PullMessageResponseHeader {
            suggest_which_broker_id: suggest,
            next_begin_offset: o.result.next_begin_offset,
            min_offset: o.result.min_offset,
            max_offset: o.result.max_offset,
            offset_delta: None,
            topic_sys_flag: Some(o.topic_sys_flag),
            group_sys_flag: Some(o.sgc.group_sys_flag),
            forbidden_type: None,
        };
        match code {
            ResponseCode::SUCCESS => return Some(self.found(o, &response_header)),
            ResponseCode::PULL_NOT_FOUND
                if o.broker_allow_suspend && pull_sys_flag::has_suspend_flag(o.header.sys_flag) =>
            {
                self.suspend(bc, o);
                return None;
            }
            ResponseCode::PULL_OFFSET_MOVED => {
                let store_config = &self.ctx.message_store_config;
                if !self.ctx.role.is_slave() || store_config.offset_check_in_slave {
                    tracing::warn!(
                        topic = %o.header.topic,
                        group_id = %o.header.consumer_group,
                        request_offset = o.header.queue_offset,
                        new_offset = o.result.next_begin_offset,
                        suggest_broker_id = response_header.suggest_which_broker_id,
                        "PULL_OFFSET_MOVED:correction offset"
                    );
                } else {
                    response_header.suggest_which_broker_id = o.sgc.broker_id;
                    code = ResponseCode::PULL_RETRY_IMMEDIATELY;
                }
            }
            _ => {}
        }
        let mut r = RemotingCommand::response_with_header(code, &response_header);
        r.remark = Some(o.result.status.java_name().to_string());
        Some(r)
    }

    /// Java `tryCommitOffset`: the pull offset always, the consumer's offset when it asked.
    fn try_commit_offset(&self, o: &PullOutcome<'_>) {
        let offsets = &self.ctx.consumer_offset_manager;
        let h = o.header;
        offsets.commit_pull_offset(
            &h.consumer_group,
            &h.topic,
            h.queue_id,
            o.result.next_begin_offset,
        );
        if o.broker_allow_suspend && pull_sys_flag::has_commit_offset_flag(h.sys_flag) {
            offsets.commit_offset(
                &o.channel.remote_addr_string(),
                &h.consumer_group,
                &h.topic,
                h.queue_id,
                h.commit_offset,
            );
        }
    }

    /// SUCCESS: counts the get and answers the found records concatenated: the store's
    /// mapped-file slices become the body chunks, written to the socket without copying
    /// (Java copies them with `transferMsgByHeap`, or hands them to Netty as a
    /// `ManyMessageTransfer`; the bytes on the wire are the same).
    fn found(&self, o: PullOutcome<'_>, header: &PullMessageResponseHeader) -> RemotingCommand {
        let stats = &self.ctx.broker_stats_manager;
        let (group, topic) = (&o.header.consumer_group, &o.header.topic);
        let n = i64::from(o.result.msg_count);
        stats.inc_group_get_nums(group, topic, n);
        stats.inc_group_get_size(group, topic, i64::from(o.result.buffer_total_size));
        stats.inc_broker_get_nums(topic, n);
        let mut r = RemotingCommand::response_with_header(ResponseCode::SUCCESS, header);
        r.remark = Some(o.result.status.java_name().to_string());
        r.with_body_chunks(o.result.message_buffers)
    }

    /// Parks the pull until a message arrives or its polling time ends.
    fn suspend(&self, bc: &BrokerConfig, o: PullOutcome<'_>) {
        let polling_ms = if bc.long_polling_enable {
            o.header.suspend_timeout_millis
        } else {
            bc.short_polling_time_mills
        };
        let pull_request = PullRequest {
            request: o.request,
            channel: o.channel.clone(),
            timeout_millis: polling_ms,
            suspend_timestamp: current_millis(),
            pull_from_this_offset: o.header.queue_offset,
            message_filter: o.filter,
        };
        self.ctx.pull_request_hold_service.suspend_pull_request(
            &o.header.topic,
            o.header.queue_id,
            pull_request,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(suggest_pulling_from_slave: bool) -> GetMessageResult {
        GetMessageResult {
            status: GetMessageStatus::NoMatchedMessage,
            next_begin_offset: 0,
            min_offset: 0,
            max_offset: 0,
            message_buffers: Vec::new(),
            message_queue_offsets: Vec::new(),
            buffer_total_size: 0,
            msg_count: 0,
            suggest_pulling_from_slave,
            filter_message_count: 0,
        }
    }

    #[test]
    fn suggested_broker_follows_slave_read_enable_and_the_group() {
        let mut sgc = SubscriptionGroupConfig::new("g");
        sgc.broker_id = 3;
        sgc.which_broker_when_consume_slowly = 7;
        for broker_id in [0, 1] {
            let mut bc = BrokerConfig {
                broker_id,
                ..Default::default()
            };
            // Without slaveReadEnable: always the master.
            assert_eq!(suggest_broker(&bc, &result(true), &sgc), 0);
            assert_eq!(suggest_broker(&bc, &result(false), &sgc), 0);
            // With it: the slow-consumer broker, else the group's broker, on a slave too.
            bc.slave_read_enable = true;
            assert_eq!(suggest_broker(&bc, &result(true), &sgc), 7);
            assert_eq!(suggest_broker(&bc, &result(false), &sgc), 3);
        }
    }
}
