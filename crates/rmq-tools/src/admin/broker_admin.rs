//! Broker calls of `DefaultMQAdminExtImpl`: `fetchBrokerRuntimeStats`, `getBrokerHAStatus`,
//! `getBrokerConfig`, `updateBrokerConfig` and `viewBrokerStatsData`.

use super::DefaultMQAdminExt;
use crate::error::ToolsError;
use rmq_client::ClientError;
pub use rmq_remoting::protocol::body::broker_stats_data::{BrokerStatsData, BrokerStatsItem};
use rmq_remoting::protocol::body::decode;
pub use rmq_remoting::protocol::body::ha_runtime_info::HARuntimeInfo;
use rmq_remoting::protocol::body::route::KVTable;
use rmq_remoting::RequestCode;
use std::collections::BTreeMap;

/// Statistic names of `BrokerStatsManager` that mqadmin asks for (Java `common/stats/Stats`).
pub mod stats {
    /// Messages put, by topic.
    pub const TOPIC_PUT_NUMS: &str = "TOPIC_PUT_NUMS";
    /// Messages got, by `topic@group`.
    pub const GROUP_GET_NUMS: &str = "GROUP_GET_NUMS";
}

/// `MixAll.properties2String`: `key=value` lines.
pub fn properties_to_string(properties: &[(String, String)]) -> String {
    let mut s = String::new();
    for (k, v) in properties {
        s.push_str(k);
        s.push('=');
        s.push_str(v);
        s.push('\n');
    }
    s
}

impl DefaultMQAdminExt {
    /// Returns a broker's runtime statistics (`fetchBrokerRuntimeStats`).
    pub async fn fetch_broker_runtime_stats(&self, addr: &str) -> Result<KVTable, ClientError> {
        let body = self
            .instance()?
            .api()
            .broker_body_request(
                addr,
                RequestCode::GET_BROKER_RUNTIME_INFO,
                self.timeout_millis,
            )
            .await?;
        Ok(decode(&body)?)
    }

    /// Returns a broker's HA figures (`getBrokerHAStatus`, GET_BROKER_HA_STATUS).
    pub async fn get_broker_ha_status(&self, addr: &str) -> Result<HARuntimeInfo, ClientError> {
        let body = self
            .instance()?
            .api()
            .broker_body_request(addr, RequestCode::GET_BROKER_HA_STATUS, self.timeout_millis)
            .await?;
        Ok(decode(&body)?)
    }

    /// Returns a broker's configuration (`getBrokerConfig`), parsed from Java properties.
    pub async fn get_broker_config(
        &self,
        addr: &str,
    ) -> Result<BTreeMap<String, String>, ClientError> {
        let body = self
            .instance()?
            .api()
            .broker_body_request(addr, RequestCode::GET_BROKER_CONFIG, self.timeout_millis)
            .await?;
        let text = String::from_utf8_lossy(&body);
        Ok(rmq_common::properties::parse(&text).into_iter().collect())
    }

    /// UPDATE_BROKER_CONFIG with the properties as body (`updateBrokerConfig`).
    pub async fn update_broker_config(
        &self,
        broker_addr: &str,
        properties: &[(String, String)],
    ) -> Result<(), ToolsError> {
        let body = properties_to_string(properties);
        if body.is_empty() {
            return Ok(());
        }
        self.instance()?
            .api()
            .update_broker_config(broker_addr, &body, self.timeout_millis())
            .await?;
        Ok(())
    }

    /// VIEW_BROKER_STATS_DATA (`viewBrokerStatsData`); a missing statistic fails with the
    /// broker's code as `MQClientException`.
    pub async fn view_broker_stats_data(
        &self,
        broker_addr: &str,
        stats_name: &str,
        stats_key: &str,
    ) -> Result<BrokerStatsData, ToolsError> {
        Ok(self
            .instance()?
            .api()
            .view_broker_stats_data(broker_addr, stats_name, stats_key, self.timeout_millis())
            .await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rmq_remoting::protocol::body::decode;

    #[test]
    fn decodes_java_broker_stats_data() {
        let json = br#"{"statsDay":{"avgpt":0.0,"sum":120,"tps":0.0},"statsHour":{"avgpt":1.5,"sum":60,"tps":0.02},"statsMinute":{"avgpt":0.5,"sum":6,"tps":0.1}}"#;
        let d: BrokerStatsData = decode(json).unwrap();
        assert_eq!(d.stats_day.sum, 120);
        assert_eq!(d.stats_minute.tps, 0.1);
        assert_eq!(properties_to_string(&[("a".into(), "1".into())]), "a=1\n");
    }
}
