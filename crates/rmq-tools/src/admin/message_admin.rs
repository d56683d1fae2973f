//! Message lookups of `DefaultMQAdminExtImpl`: by offset message id, key or unique key
//! (delegated to the client's [`rmq_client::MQAdminImpl`]), by queue offset, and by an id
//! that may be either an offset message id or a unique key
//! (`queryMessage(clusterName, topic, msgId)`).

use super::DefaultMQAdminExt;
use crate::error::ToolsError;
use rmq_client::ClientError;
use rmq_common::message::message_decoder;
use rmq_common::sys_flag::pull_sys_flag;
use rmq_common::{mix_all, MessageExt, MessageQueue};
use rmq_remoting::protocol::header::broker::PullMessageRequestHeader;

impl DefaultMQAdminExt {
    /// Returns the message with an offset message id (`viewMessage(offsetMsgId)`).
    pub async fn view_message(&self, offset_msg_id: &str) -> Result<MessageExt, ClientError> {
        self.mq_admin_impl()?.view_message(offset_msg_id).await
    }

    /// Returns messages of `topic` with `key` stored between `begin` and `end` ms
    /// (`queryMessage`).
    pub async fn query_message(
        &self,
        topic: &str,
        key: &str,
        max_num: i32,
        begin: i64,
        end: i64,
    ) -> Result<Vec<MessageExt>, ClientError> {
        self.mq_admin_impl()?
            .query_message(topic, key, max_num, begin, end)
            .await
    }

    /// Returns the message with a unique id (`UNIQ_KEY`) (`queryMessageByUniqKey`,
    /// `viewMessage(topic, msgId)`).
    pub async fn query_message_by_uniq_key(
        &self,
        topic: &str,
        uniq_key: &str,
    ) -> Result<MessageExt, ClientError> {
        self.mq_admin_impl()?
            .query_message_by_uniq_key(topic, uniq_key)
            .await
    }

    /// Returns every message of `topic` whose unique key (`UNIQ_KEY`) is `key`, from every
    /// broker routing the topic, sorted by store time (`queryMessageByUniqKey` returning the
    /// whole `QueryResult`).
    pub async fn query_message_by_uniq_key_list(
        &self,
        topic: &str,
        key: &str,
        max_num: i32,
        begin: i64,
        end: i64,
    ) -> Result<Vec<MessageExt>, ClientError> {
        self.mq_admin_impl()?
            .query_message_by_uniq_key_list(topic, key, max_num, begin, end)
            .await
    }

    /// Returns the message at a queue offset (`queryMsgByOffset`), pulled as `TOOLS_CONSUMER`.
    pub async fn query_message_by_offset(
        &self,
        mq: &MessageQueue,
        offset: i64,
    ) -> Result<MessageExt, ClientError> {
        let inst = self.instance()?;
        let addr = inst.broker_addr_for_queue(mq).await?;
        let h = PullMessageRequestHeader {
            consumer_group: mix_all::TOOLS_CONSUMER_GROUP.to_string(),
            topic: mq.topic.clone(),
            queue_id: mq.queue_id,
            queue_offset: offset,
            max_msg_nums: 1,
            sys_flag: pull_sys_flag::build_sys_flag(false, false, true, false),
            commit_offset: 0,
            suspend_timeout_millis: 0,
            subscription: Some("*".into()),
            sub_version: 0,
            expression_type: Some("TAG".into()),
            ..Default::default()
        };
        let r = inst
            .api()
            .pull_message_with_bname(&addr, h, &mq.broker_name, self.timeout_millis)
            .await?;
        let mut m = r.msg_found_list.into_iter().next().ok_or_else(|| {
            ClientError::client(-1, format!("no message at offset {offset} of {mq}"))
        })?;
        m.broker_name = mq.broker_name.clone();
        Ok(m)
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
