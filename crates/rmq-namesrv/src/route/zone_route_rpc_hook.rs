//! `ZoneRouteRPCHook`: zone-aware routing. A GET_ROUTEINFO_BY_TOPIC carrying
//! `__ZONE_MODE=true` and a non-blank `__ZONE_NAME` only sees the broker groups of that zone;
//! groups without a master are kept so consumers can still read from their slaves (Java
//! `namesrv/.../route/ZoneRouteRPCHook.java`).

use rmq_common::mix_all::MASTER_ID;
use rmq_remoting::protocol::body::route::TopicRouteData;
use rmq_remoting::RemotingCommand;
use std::collections::HashMap;

/// Ext field switching zone mode on (`MixAll.ZONE_MODE`).
pub const ZONE_MODE: &str = "__ZONE_MODE";
/// Ext field naming the zone (`MixAll.ZONE_NAME`); brokers send it when registering.
pub const ZONE_NAME: &str = "__ZONE_NAME";

/// The zone hook of route queries.
pub struct ZoneRouteRPCHook;

impl ZoneRouteRPCHook {
    /// Returns the zone a route request asks to be filtered by, if zone mode is on.
    pub fn requested_zone(request: &RemotingCommand) -> Option<&str> {
        let zone_mode = request
            .ext_field(ZONE_MODE)
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
        if !zone_mode {
            return None;
        }
        request
            .ext_field(ZONE_NAME)
            .filter(|z| !z.trim().is_empty())
    }

    /// Keeps the broker groups of `zone_name` (case-insensitive) and the master-less ones,
    /// with their queue data and filter servers (`filterByZoneName`).
    pub fn filter_by_zone_name(mut route: TopicRouteData, zone_name: &str) -> TopicRouteData {
        let mut removed = HashMap::new();
        let mut reserved = Vec::new();
        for bd in route.broker_datas {
            let same_zone = bd
                .zone_name
                .as_deref()
                .is_some_and(|z| z.eq_ignore_ascii_case(zone_name));
            if !bd.broker_addrs.contains_key(&MASTER_ID) || same_zone {
                reserved.push(bd);
            } else {
                removed.insert(bd.broker_name.clone(), bd);
            }
        }
        route.broker_datas = reserved;
        route
            .queue_datas
            .retain(|qd| !removed.contains_key(&qd.broker_name));
        for bd in removed.values() {
            for addr in bd.broker_addrs.values() {
                route.filter_server_table.remove(addr);
            }
        }
        route
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rmq_remoting::protocol::body::route::{BrokerData, QueueData};
    use rmq_remoting::RequestCode;

    fn bd(name: &str, zone: Option<&str>, ids: &[u64]) -> BrokerData {
        let mut b = BrokerData::new("c", name);
        b.zone_name = zone.map(str::to_string);
        for id in ids {
            b.broker_addrs.insert(*id, format!("{name}:{id}"));
        }
        b
    }

    fn qd(name: &str) -> QueueData {
        QueueData {
            broker_name: name.into(),
            read_queue_nums: 4,
            write_queue_nums: 4,
            perm: 6,
            topic_sys_flag: 0,
        }
    }

    #[test]
    fn filters_other_zones_keeps_masterless() {
        let mut route = TopicRouteData {
            broker_datas: vec![
                bd("a", Some("zone1"), &[0]),
                bd("b", Some("zone2"), &[0, 1]),
                bd("c", Some("zone2"), &[1]),
                bd("d", None, &[0]),
            ],
            queue_datas: vec![qd("a"), qd("b"), qd("c"), qd("d")],
            ..Default::default()
        };
        route
            .filter_server_table
            .insert("b:0".into(), vec!["fs".into()]);
        let out = ZoneRouteRPCHook::filter_by_zone_name(route, "ZONE1");
        let names: Vec<&str> = out
            .broker_datas
            .iter()
            .map(|b| b.broker_name.as_str())
            .collect();
        assert_eq!(names, ["a", "c"]);
        let qnames: Vec<&str> = out
            .queue_datas
            .iter()
            .map(|q| q.broker_name.as_str())
            .collect();
        assert_eq!(qnames, ["a", "c"]);
        assert!(out.filter_server_table.is_empty());
    }

    #[test]
    fn zone_mode_needs_both_fields() {
        let mut req = RemotingCommand::new_request(RequestCode::GET_ROUTEINFO_BY_TOPIC);
        assert_eq!(ZoneRouteRPCHook::requested_zone(&req), None);
        req.add_ext_field(ZONE_NAME, "z");
        assert_eq!(ZoneRouteRPCHook::requested_zone(&req), None);
        req.add_ext_field(ZONE_MODE, "true");
        assert_eq!(ZoneRouteRPCHook::requested_zone(&req), Some("z"));
        req.add_ext_field(ZONE_NAME, " ");
        assert_eq!(ZoneRouteRPCHook::requested_zone(&req), None);
    }
}
