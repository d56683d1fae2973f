//! `TopicPublishInfo`: the writable queues of a topic and the round-robin cursor over them
//! (Java `impl/producer/TopicPublishInfo`, `MQClientInstance#topicRouteData2TopicPublishInfo`).

use rmq_common::{perm_name, MessageQueue};
use rmq_remoting::protocol::body::route::TopicRouteData;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Where a topic can be written.
#[derive(Debug, Default)]
pub struct TopicPublishInfo {
    /// True when the route comes from an `orderTopicConf`.
    pub order_topic: bool,
    /// True when the route came from the name server.
    pub have_topic_router_info: bool,
    /// Writable queues, grouped by broker in route order.
    pub message_queue_list: Vec<MessageQueue>,
    /// The route they were computed from.
    pub topic_route_data: TopicRouteData,
    send_which_queue: AtomicUsize,
}

impl TopicPublishInfo {
    /// Computes the publish info of `topic` from its route
    /// (`topicRouteData2TopicPublishInfo`).
    pub fn from_route(topic: &str, route: &TopicRouteData) -> Self {
        let mut info = TopicPublishInfo {
            topic_route_data: route.clone(),
            send_which_queue: AtomicUsize::new(rand::random::<u16>() as usize),
            ..Default::default()
        };
        if let Some(conf) = route.order_topic_conf.as_deref().filter(|c| !c.is_empty()) {
            for item in conf.split(';') {
                let Some((broker, nums)) = item.split_once(':') else {
                    continue;
                };
                let nums: i32 = nums.trim().parse().unwrap_or(0);
                for i in 0..nums {
                    info.message_queue_list
                        .push(MessageQueue::new(topic, broker.trim(), i));
                }
            }
            info.order_topic = true;
        } else {
            let mut qds = route.queue_datas.clone();
            qds.sort();
            for qd in qds {
                if !perm_name::is_writeable(qd.perm) {
                    continue;
                }
                let has_master = route
                    .broker_datas
                    .iter()
                    .any(|bd| bd.broker_name == qd.broker_name && bd.master_addr().is_some());
                if !has_master {
                    continue;
                }
                for i in 0..qd.write_queue_nums {
                    info.message_queue_list
                        .push(MessageQueue::new(topic, &qd.broker_name, i));
                }
            }
        }
        info
    }

    /// Builds publish info over a fixed queue list (tests, assign-style use).
    pub fn with_queues(message_queue_list: Vec<MessageQueue>) -> Self {
        TopicPublishInfo {
            message_queue_list,
            ..Default::default()
        }
    }

    /// Returns true when there is at least one queue.
    pub fn ok(&self) -> bool {
        !self.message_queue_list.is_empty()
    }

    /// Returns the next queue in turn (`selectOneMessageQueue()`).
    pub fn select_one_message_queue(&self) -> Option<MessageQueue> {
        let n = self.message_queue_list.len();
        if n == 0 {
            return None;
        }
        let i = self.send_which_queue.fetch_add(1, Ordering::Relaxed);
        self.message_queue_list.get(i % n).cloned()
    }

    /// Returns the next queue in turn whose broker is not `last_broker_name`, else the next
    /// queue (`selectOneMessageQueue(lastBrokerName)`).
    pub fn select_one_message_queue_avoiding(
        &self,
        last_broker_name: Option<&str>,
    ) -> Option<MessageQueue> {
        let Some(last) = last_broker_name else {
            return self.select_one_message_queue();
        };
        let n = self.message_queue_list.len();
        for _ in 0..n {
            let i = self.send_which_queue.fetch_add(1, Ordering::Relaxed);
            if let Some(mq) = self.message_queue_list.get(i % n) {
                if mq.broker_name != last {
                    return Some(mq.clone());
                }
            }
        }
        self.select_one_message_queue()
    }

    /// Returns the next queue in turn that passes `filter`, if any.
    pub fn select_filtered(&self, filter: impl Fn(&MessageQueue) -> bool) -> Option<MessageQueue> {
        let n = self.message_queue_list.len();
        for _ in 0..n {
            let i = self.send_which_queue.fetch_add(1, Ordering::Relaxed);
            if let Some(mq) = self.message_queue_list.get(i % n) {
                if filter(mq) {
                    return Some(mq.clone());
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rmq_remoting::protocol::body::route::{BrokerData, QueueData};

    fn route() -> TopicRouteData {
        let mut a = BrokerData::new("c", "broker-a");
        a.broker_addrs.insert(0, "a:1".into());
        let mut b = BrokerData::new("c", "broker-b");
        b.broker_addrs.insert(1, "b:1".into());
        let q = |name: &str, perm| QueueData {
            broker_name: name.into(),
            read_queue_nums: 2,
            write_queue_nums: 2,
            perm,
            topic_sys_flag: 0,
        };
        TopicRouteData {
            queue_datas: vec![q("broker-b", 6), q("broker-a", 6), q("broker-c", 4)],
            broker_datas: vec![a, b],
            ..Default::default()
        }
    }

    #[test]
    fn only_writable_queues_with_a_master() {
        let info = TopicPublishInfo::from_route("T", &route());
        let names: Vec<_> = info
            .message_queue_list
            .iter()
            .map(|q| q.broker_name.as_str())
            .collect();
        assert_eq!(names, vec!["broker-a", "broker-a"]);
        let mut r = route();
        r.order_topic_conf = Some("broker-x:3;broker-y:1".into());
        let info = TopicPublishInfo::from_route("T", &r);
        assert!(info.order_topic);
        assert_eq!(info.message_queue_list.len(), 4);
        assert_eq!(
            info.message_queue_list[3],
            MessageQueue::new("T", "broker-y", 0)
        );
    }

    #[test]
    fn avoids_the_last_broker() {
        let info = TopicPublishInfo {
            message_queue_list: vec![
                MessageQueue::new("T", "a", 0),
                MessageQueue::new("T", "b", 0),
            ],
            ..Default::default()
        };
        for _ in 0..5 {
            assert_eq!(
                info.select_one_message_queue_avoiding(Some("a"))
                    .unwrap()
                    .broker_name,
                "b"
            );
        }
        let only_a = TopicPublishInfo {
            message_queue_list: vec![MessageQueue::new("T", "a", 0)],
            ..Default::default()
        };
        assert_eq!(
            only_a
                .select_one_message_queue_avoiding(Some("a"))
                .unwrap()
                .broker_name,
            "a"
        );
    }
}
