//! Message lookup of `DefaultMQAdminExtImpl`/`MQAdminImpl` by an id that may be either an
//! offset message id or a unique key (`queryMessage(clusterName, topic, msgId)`); the lookup
//! by unique key with every match is rmq-client's
//! [`rmq_client::DefaultMQAdminExt::query_message_by_uniq_key_list`].

use super::MQAdminExt;
use crate::error::ToolsError;
use rmq_client::ClientError;
use rmq_common::message::message_decoder;
use rmq_common::MessageExt;

impl MQAdminExt {
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
