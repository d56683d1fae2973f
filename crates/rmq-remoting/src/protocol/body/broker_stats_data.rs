//! A broker statistic over the last minute, hour and day (Java `body/BrokerStatsData` and
//! `BrokerStatsItem`), the body of VIEW_BROKER_STATS_DATA.

use serde::{Deserialize, Serialize};

/// Java `BrokerStatsItem`: a statistic over one period.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct BrokerStatsItem {
    pub sum: i64,
    pub tps: f64,
    pub avgpt: f64,
}

/// Java `BrokerStatsData`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct BrokerStatsData {
    pub stats_minute: BrokerStatsItem,
    pub stats_hour: BrokerStatsItem,
    pub stats_day: BrokerStatsItem,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::body::{decode, encode};

    #[test]
    fn json_shape() {
        let mut d = BrokerStatsData::default();
        d.stats_minute.sum = 5;
        d.stats_minute.tps = 0.5;
        let text = String::from_utf8(encode(&d)).unwrap();
        assert!(
            text.starts_with(r#"{"statsDay":{"avgpt":0.0,"sum":0,"tps":0.0},"statsHour":"#),
            "{text}"
        );
        assert_eq!(decode::<BrokerStatsData>(text.as_bytes()).unwrap(), d);
    }
}
