//! `PullRequestHoldService`: pulls that found no message wait here until a matching message
//! arrives or their hold time ends (Java `broker/longpolling/PullRequestHoldService`,
//! `PullRequest`, `ManyPullRequest`, `NotifyMessageArrivingListener`).
//!
//! Parked requests are keyed `topic@queueId`. The store's dispatcher calls
//! [`NotifyMessageArrivingListener::arriving`] after every ConsumeQueue append; a request
//! whose offset is now below the queue's max offset and whose filter matches the new message
//! (its tag code, and for SQL92 its properties) is handed to the wake-up channel, where the
//! broker re-runs the pull without suspension and answers on the parked connection. Every 5 s
//! (`shortPollingTimeMills` without long polling) all keys are re-checked without a message,
//! which wakes every request behind the queue's end and those whose hold time is over.

use crate::filter::BrokerMessageFilter;
use dashmap::DashMap;
use parking_lot::Mutex;
use rmq_common::util_all::current_millis;
use rmq_remoting::{Channel, RemotingCommand};
use rmq_store::{MessageArrivingListener, MessageStore};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tokio::sync::mpsc;

/// Separates topic and queue id in the table keys.
pub const TOPIC_QUEUEID_SEPARATOR: &str = "@";

/// A parked pull (Java `PullRequest`).
pub struct PullRequest {
    pub request: RemotingCommand,
    pub channel: Channel,
    pub timeout_millis: i64,
    pub suspend_timestamp: i64,
    pub pull_from_this_offset: i64,
    pub message_filter: Arc<dyn BrokerMessageFilter>,
}

/// The parked pulls.
pub struct PullRequestHoldService {
    table: DashMap<String, Vec<PullRequest>>,
    parked: AtomicUsize,
    store: Arc<dyn MessageStore>,
    wake_tx: mpsc::UnboundedSender<PullRequest>,
    wake_rx: Mutex<Option<mpsc::UnboundedReceiver<PullRequest>>>,
}

fn build_key(topic: &str, queue_id: i32) -> String {
    format!("{topic}{TOPIC_QUEUEID_SEPARATOR}{queue_id}")
}

impl PullRequestHoldService {
    /// Builds the service; [`Self::take_wake_receiver`] yields the requests to re-run.
    pub fn new(store: Arc<dyn MessageStore>) -> Self {
        let (wake_tx, wake_rx) = mpsc::unbounded_channel();
        PullRequestHoldService {
            table: DashMap::new(),
            parked: AtomicUsize::new(0),
            store,
            wake_tx,
            wake_rx: Mutex::new(Some(wake_rx)),
        }
    }

    /// Returns the receiver of woken requests; only the first call gets it.
    pub fn take_wake_receiver(&self) -> Option<mpsc::UnboundedReceiver<PullRequest>> {
        self.wake_rx.lock().take()
    }

    /// Parks a request (Java `suspendPullRequest`), then looks at the queue once more: a
    /// message dispatched after the pull found nothing, but before the request was parked,
    /// notified nobody, and would otherwise wait for the next `check_hold_request` (5 s).
    /// `parked` is updated and read SeqCst, so either that notify sees this request or this
    /// look sees the message.
    pub fn suspend_pull_request(&self, topic: &str, queue_id: i32, request: PullRequest) {
        let from = request.pull_from_this_offset;
        self.table
            .entry(build_key(topic, queue_id))
            .or_default()
            .push(request);
        self.parked.fetch_add(1, Ordering::SeqCst);
        let max = self.store.get_max_offset_in_queue(topic, queue_id);
        if max > from {
            self.notify_message_arriving(topic, queue_id, max, None, None);
        }
    }

    /// Returns how many requests are parked.
    pub fn parked_count(&self) -> usize {
        self.parked.load(Ordering::Relaxed)
    }

    /// Re-checks every key against the queue's max offset (Java `checkHoldRequest`); also
    /// releases requests whose hold time ended.
    pub fn check_hold_request(&self) {
        let keys: Vec<String> = self.table.iter().map(|e| e.key().clone()).collect();
        for key in keys {
            let Some((topic, qid)) = key.rsplit_once(TOPIC_QUEUEID_SEPARATOR) else {
                continue;
            };
            let Ok(queue_id) = qid.parse::<i32>() else {
                continue;
            };
            let max = self.store.get_max_offset_in_queue(topic, queue_id);
            self.notify_message_arriving(topic, queue_id, max, None, None);
        }
    }

    /// Wakes the requests of a queue that a message at `max_offset` satisfies, and those whose
    /// hold time ended (Java `notifyMessageArriving`). `properties` is the arrived message's
    /// properties string, which SQL92 filters evaluate; without it only the tag code counts.
    pub fn notify_message_arriving(
        &self,
        topic: &str,
        queue_id: i32,
        max_offset: i64,
        tags_code: Option<i64>,
        properties: Option<&str>,
    ) {
        if self.parked.load(Ordering::SeqCst) == 0 {
            return;
        }
        let key = build_key(topic, queue_id);
        let requests = match self.table.get_mut(&key) {
            Some(mut list) => std::mem::take(&mut *list),
            None => return,
        };
        if requests.is_empty() {
            return;
        }
        let mut replay = Vec::new();
        let now = current_millis();
        for request in requests {
            let mut newest_offset = max_offset;
            if newest_offset <= request.pull_from_this_offset {
                newest_offset = self.store.get_max_offset_in_queue(topic, queue_id);
            }
            // Java: matched by the ConsumeQueue unit, then (with properties) by the message.
            let matched = newest_offset > request.pull_from_this_offset
                && request
                    .message_filter
                    .is_matched_by_consume_queue(tags_code)
                && properties.is_none_or(|p| request.message_filter.is_matched_by_properties(p));
            let wake = matched || now >= request.suspend_timestamp + request.timeout_millis;
            if wake || !request.channel.is_active() {
                self.parked.fetch_sub(1, Ordering::Relaxed);
                if request.channel.is_active() {
                    let _ = self.wake_tx.send(request);
                }
            } else {
                replay.push(request);
            }
        }
        if !replay.is_empty() {
            self.table.entry(key).or_default().extend(replay);
        } else {
            self.table.remove_if(&key, |_, v| v.is_empty());
        }
    }

    /// Wakes every parked request (shutdown, master online).
    pub fn wake_all(&self) {
        let keys: Vec<String> = self.table.iter().map(|e| e.key().clone()).collect();
        for key in keys {
            if let Some((_, list)) = self.table.remove(&key) {
                for r in list {
                    self.parked.fetch_sub(1, Ordering::Relaxed);
                    let _ = self.wake_tx.send(r);
                }
            }
        }
    }
}

/// Connects the store's dispatcher to the hold service (Java `NotifyMessageArrivingListener`).
pub struct NotifyMessageArrivingListener {
    hold: Arc<PullRequestHoldService>,
}

impl NotifyMessageArrivingListener {
    /// Builds the listener.
    pub fn new(hold: Arc<PullRequestHoldService>) -> Self {
        NotifyMessageArrivingListener { hold }
    }
}

impl MessageArrivingListener for NotifyMessageArrivingListener {
    fn arriving(
        &self,
        topic: &str,
        queue_id: i32,
        logic_offset: i64,
        tags_code: i64,
        _store_timestamp: i64,
        properties: &str,
    ) {
        self.hold.notify_message_arriving(
            topic,
            queue_id,
            logic_offset,
            Some(tags_code),
            Some(properties),
        );
    }
}
