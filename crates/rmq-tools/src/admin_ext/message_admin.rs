//! Message lookups of `DefaultMQAdminExtImpl`/`MQAdminImpl`: by unique key with every match
//! (`queryMessageByUniqKey` returning the whole `QueryResult`), and by an id that may be
//! either an offset message id or a unique key (`queryMessage(clusterName, topic, msgId)`).

use super::MQAdminExt;
use crate::error::ToolsError;
use rmq_client::ClientError;
use rmq_common::message::message_decoder;
use rmq_common::MessageExt;
use rmq_remoting::protocol::header::broker::QueryMessageRequestHeader;

impl MQAdminExt {
    /// Every message of `topic` whose unique key (`UNIQ_KEY`) is `key`, from every broker
    /// routing the topic, sorted by store time (`queryMessageByUniqKey` + the tool's sort).
    pub async fn query_message_by_uniq_key_list(
        &self,
        topic: &str,
        key: &str,
        max_num: i32,
        begin: i64,
        end: i64,
    ) -> Result<Vec<MessageExt>, ToolsError> {
        let route = self.examine_topic_route_info(topic).await?;
        let mut out = Vec::new();
        for bd in &route.broker_datas {
            let Some(addr) = bd.select_broker_addr() else {
                continue;
            };
            let h = QueryMessageRequestHeader {
                topic: topic.to_string(),
                key: key.to_string(),
                max_num,
                begin_timestamp: begin,
                end_timestamp: end,
            };
            let msgs = self
                .instance()
                .api()
                .query_message(addr, h, true, self.timeout_millis())
                .await?;
            for mut m in msgs {
                if m.client_msg_id() == key {
                    m.broker_name = bd.broker_name.clone();
                    out.push(m);
                }
            }
        }
        out.sort_by_key(|m| m.store_timestamp);
        Ok(out)
    }

    /// The message with `msg_id`, an offset message id (store host + commit log offset) or a
    /// unique key (`queryMessage(clusterName, topic, msgId)`). Both are 32 hex characters
    /// for IPv4; Java tries the offset form first and falls back on failure. Here an id is
    /// read as an offset id only when its host is a broker of the cluster, so that a unique
    /// key never costs a connect to a made-up address.
    pub async fn query_message_by_any_id(
        &self,
        topic: &str,
        msg_id: &str,
    ) -> Result<Option<MessageExt>, ToolsError> {
        if let Ok(id) = message_decoder::decode_message_id(msg_id) {
            let host = format!("{}:{}", id.address.ip(), id.address.port());
            let ci = self.examine_broker_cluster_info().await?;
            let known = ci
                .broker_addr_table
                .values()
                .any(|bd| bd.broker_addrs.values().any(|a| *a == host));
            if known {
                match self.view_message(msg_id).await {
                    Ok(mut m) => {
                        if let Some((name, _)) = ci
                            .broker_addr_table
                            .iter()
                            .find(|(_, bd)| bd.broker_addrs.values().any(|a| *a == host))
                        {
                            m.broker_name = name.clone();
                        }
                        return Ok(Some(m));
                    }
                    Err(ClientError::MQBrokerException { .. }) => {}
                    Err(e) => return Err(e.into()),
                }
            }
        }
        Ok(self
            .query_message_by_uniq_key_list(topic, msg_id, 32, 0, i64::MAX)
            .await?
            .into_iter()
            .next())
    }
}
