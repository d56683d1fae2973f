//! Broker calls of `DefaultMQAdminExtImpl`: `updateBrokerConfig` and `viewBrokerStatsData`.

use super::MQAdminExt;
use crate::error::ToolsError;
use rmq_client::ClientError;
pub use rmq_remoting::protocol::body::broker_stats_data::{BrokerStatsData, BrokerStatsItem};
use rmq_remoting::protocol::body::decode;
use rmq_remoting::protocol::header::broker::ViewBrokerStatsDataRequestHeader;
use rmq_remoting::{RemotingCommand, RequestCode};

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

impl MQAdminExt {
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
        let req = RemotingCommand::new_request(RequestCode::UPDATE_BROKER_CONFIG)
            .with_body(body.into_bytes());
        self.instance()
            .api()
            .invoke_broker(broker_addr, req, self.timeout_millis())
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
        let h = ViewBrokerStatsDataRequestHeader {
            stats_name: stats_name.to_string(),
            stats_key: stats_key.to_string(),
        };
        let req = RemotingCommand::create_request_command(RequestCode::VIEW_BROKER_STATS_DATA, &h);
        let resp = self
            .instance()
            .api()
            .invoke_with_client_exception(broker_addr, req, self.timeout_millis())
            .await?;
        if resp.body.is_empty() {
            return Err(ClientError::client(resp.code, resp.remark.unwrap_or_default()).into());
        }
        Ok(decode(&resp.body)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_java_broker_stats_data() {
        let json = br#"{"statsDay":{"avgpt":0.0,"sum":120,"tps":0.0},"statsHour":{"avgpt":1.5,"sum":60,"tps":0.02},"statsMinute":{"avgpt":0.5,"sum":6,"tps":0.1}}"#;
        let d: BrokerStatsData = decode(json).unwrap();
        assert_eq!(d.stats_day.sum, 120);
        assert_eq!(d.stats_minute.tps, 0.1);
        assert_eq!(properties_to_string(&[("a".into(), "1".into())]), "a=1\n");
    }
}
