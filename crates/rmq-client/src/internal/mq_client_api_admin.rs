//! The admin calls of [`MQClientAPIImpl`] (Java `MQClientAPIImpl`'s methods that
//! `DefaultMQAdminExtImpl` uses): name server permission, KV and config calls, broker config
//! and statistics, subscription group lookup and offset resets. Each request is built here
//! only; the admin client (`rmq_tools::admin::DefaultMQAdminExt`) calls these.

use super::mq_client_api_impl::MQClientAPIImpl;
use crate::error::ClientError;
use rmq_remoting::protocol::body::broker_stats_data::BrokerStatsData;
use rmq_remoting::protocol::body::decode;
use rmq_remoting::protocol::body::subscription_group_config::SubscriptionGroupConfig;
use rmq_remoting::protocol::header::broker::{
    GetSubscriptionGroupConfigRequestHeader, ResetOffsetRequestHeader,
    ViewBrokerStatsDataRequestHeader,
};
use rmq_remoting::protocol::header::namesrv::{
    AddWritePermOfBrokerRequestHeader, AddWritePermOfBrokerResponseHeader,
    DeleteKVConfigRequestHeader, WipeWritePermOfBrokerRequestHeader,
    WipeWritePermOfBrokerResponseHeader,
};
use rmq_remoting::{LanguageCode, RemotingCommand, RequestCode};

impl MQClientAPIImpl {
    /// WIPE_WRITE_PERM_OF_BROKER on one name server; returns how many topics lost write
    /// permission (`wipeWritePermOfBroker`).
    pub async fn wipe_write_perm_of_broker(
        &self,
        namesrv_addr: &str,
        broker_name: &str,
        timeout_millis: u64,
    ) -> Result<i32, ClientError> {
        let h = WipeWritePermOfBrokerRequestHeader {
            broker_name: broker_name.to_string(),
        };
        let req =
            RemotingCommand::create_request_command(RequestCode::WIPE_WRITE_PERM_OF_BROKER, &h);
        let resp = self
            .invoke_with_client_exception(namesrv_addr, req, timeout_millis)
            .await?;
        let rh: WipeWritePermOfBrokerResponseHeader = resp.decode_header()?;
        Ok(rh.wipe_topic_count)
    }

    /// ADD_WRITE_PERM_OF_BROKER on one name server; returns how many topics got write
    /// permission back (`addWritePermOfBroker`).
    pub async fn add_write_perm_of_broker(
        &self,
        namesrv_addr: &str,
        broker_name: &str,
        timeout_millis: u64,
    ) -> Result<i32, ClientError> {
        let h = AddWritePermOfBrokerRequestHeader {
            broker_name: broker_name.to_string(),
        };
        let req =
            RemotingCommand::create_request_command(RequestCode::ADD_WRITE_PERM_OF_BROKER, &h);
        let resp = self
            .invoke_with_client_exception(namesrv_addr, req, timeout_millis)
            .await?;
        let rh: AddWritePermOfBrokerResponseHeader = resp.decode_header()?;
        Ok(rh.add_topic_count)
    }

    /// DELETE_KV_CONFIG on one name server (`deleteKVConfigValue`).
    pub async fn delete_kv_config_value(
        &self,
        namesrv_addr: &str,
        namespace: &str,
        key: &str,
        timeout_millis: u64,
    ) -> Result<(), ClientError> {
        let h = DeleteKVConfigRequestHeader {
            namespace: namespace.to_string(),
            key: key.to_string(),
        };
        let req = RemotingCommand::create_request_command(RequestCode::DELETE_KV_CONFIG, &h);
        self.invoke_with_client_exception(namesrv_addr, req, timeout_millis)
            .await?;
        Ok(())
    }

    /// GET_NAMESRV_CONFIG of one name server: its `key=value` text (`getNameServerConfig`).
    pub async fn get_name_server_config(
        &self,
        namesrv_addr: &str,
        timeout_millis: u64,
    ) -> Result<String, ClientError> {
        let req = RemotingCommand::new_request(RequestCode::GET_NAMESRV_CONFIG);
        let resp = self
            .invoke_with_client_exception(namesrv_addr, req, timeout_millis)
            .await?;
        Ok(String::from_utf8_lossy(&resp.body).into_owned())
    }

    /// UPDATE_NAMESRV_CONFIG of one name server with `key=value` lines
    /// (`updateNameServerConfig`).
    pub async fn update_name_server_config(
        &self,
        namesrv_addr: &str,
        properties_text: &str,
        timeout_millis: u64,
    ) -> Result<(), ClientError> {
        let req = RemotingCommand::new_request(RequestCode::UPDATE_NAMESRV_CONFIG)
            .with_body(properties_text.as_bytes().to_vec());
        self.invoke_with_client_exception(namesrv_addr, req, timeout_millis)
            .await?;
        Ok(())
    }

    /// UPDATE_BROKER_CONFIG with `key=value` lines as body (`updateBrokerConfig`).
    pub async fn update_broker_config(
        &self,
        broker_addr: &str,
        properties_text: &str,
        timeout_millis: u64,
    ) -> Result<(), ClientError> {
        let req = RemotingCommand::new_request(RequestCode::UPDATE_BROKER_CONFIG)
            .with_body(properties_text.as_bytes().to_vec());
        self.invoke_broker(broker_addr, req, timeout_millis).await?;
        Ok(())
    }

    /// VIEW_BROKER_STATS_DATA (`viewBrokerStatsData`); a missing statistic fails with the
    /// broker's code as `MQClientException`.
    pub async fn view_broker_stats_data(
        &self,
        broker_addr: &str,
        stats_name: &str,
        stats_key: &str,
        timeout_millis: u64,
    ) -> Result<BrokerStatsData, ClientError> {
        let h = ViewBrokerStatsDataRequestHeader {
            stats_name: stats_name.to_string(),
            stats_key: stats_key.to_string(),
        };
        let req = RemotingCommand::create_request_command(RequestCode::VIEW_BROKER_STATS_DATA, &h);
        let resp = self
            .invoke_with_client_exception(broker_addr, req, timeout_millis)
            .await?;
        if resp.body.is_empty() {
            return Err(ClientError::client(
                resp.code,
                resp.remark.unwrap_or_default(),
            ));
        }
        Ok(decode(&resp.body)?)
    }

    /// GET_SUBSCRIPTIONGROUP_CONFIG on one broker (`getSubscriptionGroupConfig`); `None` when
    /// the broker has no such group (empty or `null` body).
    pub async fn get_subscription_group_config(
        &self,
        broker_addr: &str,
        group: &str,
        timeout_millis: u64,
    ) -> Result<Option<SubscriptionGroupConfig>, ClientError> {
        let h = GetSubscriptionGroupConfigRequestHeader {
            group: group.to_string(),
        };
        let req =
            RemotingCommand::create_request_command(RequestCode::GET_SUBSCRIPTIONGROUP_CONFIG, &h);
        let resp = self.invoke_broker(broker_addr, req, timeout_millis).await?;
        if resp.body.is_empty() || resp.body.as_ref() == b"null" {
            return Ok(None);
        }
        Ok(Some(decode(&resp.body)?))
    }

    /// INVOKE_BROKER_TO_RESET_OFFSET (`invokeBrokerToResetOffset`), sent as a C++ client when
    /// `is_c`. Returns the broker's answer unchecked: callers report a failure the way their
    /// Java counterpart does (see [`super::expect_success`], [`super::expect_success_as_client`]).
    pub async fn invoke_broker_to_reset_offset(
        &self,
        broker_addr: &str,
        header: &ResetOffsetRequestHeader,
        is_c: bool,
        timeout_millis: u64,
    ) -> Result<RemotingCommand, ClientError> {
        let mut req = RemotingCommand::create_request_command(
            RequestCode::INVOKE_BROKER_TO_RESET_OFFSET,
            header,
        );
        if is_c {
            req.language = LanguageCode::CPP;
        }
        self.invoke_raw(broker_addr, req, timeout_millis).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_trait::async_trait;
    use parking_lot::Mutex;
    use rmq_remoting::netty::processor::RequestDispatcher;
    use rmq_remoting::protocol::header::broker::UpdateConsumerOffsetRequestHeader;
    use rmq_remoting::{
        Channel, NettyClientConfig, NettyServerConfig, RemotingClient, RemotingError,
        RemotingServer, RequestProcessor, ResponseCode,
    };
    use std::sync::Arc;

    /// Records each request and answers SUCCESS, or `fail` when set.
    #[derive(Default)]
    struct Recorder {
        requests: Mutex<Vec<RemotingCommand>>,
        fail: Option<ResponseCode>,
    }

    #[async_trait]
    impl RequestProcessor for Recorder {
        async fn process_request(
            &self,
            _channel: &Channel,
            request: RemotingCommand,
        ) -> Result<Option<RemotingCommand>, RemotingError> {
            self.requests.lock().push(request);
            Ok(Some(match self.fail {
                Some(code) => RemotingCommand::error(code, "[mock] no"),
                None => RemotingCommand::success(),
            }))
        }
    }

    async fn serve(recorder: Arc<Recorder>) -> (rmq_remoting::ServerHandle, MQClientAPIImpl) {
        serve_signed(recorder, None).await
    }

    async fn serve_signed(
        recorder: Arc<Recorder>,
        credentials: Option<rmq_remoting::acl::SessionCredentials>,
    ) -> (rmq_remoting::ServerHandle, MQClientAPIImpl) {
        let mut d = RequestDispatcher::new();
        d.register_default_processor(recorder);
        let cfg = NettyServerConfig {
            bind_address: "127.0.0.1".into(),
            listen_port: 0,
            ..Default::default()
        };
        let server = RemotingServer::bind(&cfg, Arc::new(d)).await.unwrap();
        let client = RemotingClient::new(
            NettyClientConfig::default(),
            Arc::new(RequestDispatcher::new()),
        );
        (
            server,
            MQClientAPIImpl::with_credentials(client, credentials),
        )
    }

    #[tokio::test]
    async fn reset_offset_as_cpp_and_offset_update_with_bname() {
        let rec = Arc::new(Recorder::default());
        let (server, api) = serve(rec.clone()).await;
        let addr = server.local_addr().to_string();
        let h = ResetOffsetRequestHeader {
            group: "g".into(),
            topic: "T".into(),
            queue_id: None,
            offset: Some(-1),
            timestamp: 5,
            is_force: true,
        };
        let resp = api
            .invoke_broker_to_reset_offset(&addr, &h, true, 3000)
            .await
            .unwrap();
        assert_eq!(resp.code, ResponseCode::SUCCESS.0);
        let u = UpdateConsumerOffsetRequestHeader {
            consumer_group: "g".into(),
            topic: "T".into(),
            queue_id: 1,
            commit_offset: 9,
        };
        api.update_consumer_offset(&addr, u.clone(), "broker-a", false, 3000)
            .await
            .unwrap();
        api.update_consumer_offset(&addr, u, "", false, 3000)
            .await
            .unwrap();
        let reqs = std::mem::take(&mut *rec.requests.lock());
        assert_eq!(
            reqs[0].request_code(),
            RequestCode::INVOKE_BROKER_TO_RESET_OFFSET
        );
        assert_eq!(reqs[0].language, LanguageCode::CPP);
        let sent: ResetOffsetRequestHeader = reqs[0].decode_header().unwrap();
        assert_eq!((sent.timestamp, sent.is_force), (5, true));
        assert_eq!(reqs[1].ext_field("bname"), Some("broker-a"));
        assert_eq!(reqs[2].ext_field("bname"), None);
        server.shutdown(std::time::Duration::from_millis(10)).await;
    }

    #[tokio::test]
    async fn name_server_failures_are_client_exceptions() {
        let rec = Arc::new(Recorder {
            fail: Some(ResponseCode::SYSTEM_ERROR),
            ..Default::default()
        });
        let (server, api) = serve(rec.clone()).await;
        let addr = server.local_addr().to_string();
        let err = api
            .delete_kv_config_value(&addr, "ns", "k", 3000)
            .await
            .unwrap_err();
        assert_eq!(err.response_code(), Some(ResponseCode::SYSTEM_ERROR.0));
        assert!(
            matches!(err, ClientError::MQClientException { .. }),
            "{err}"
        );
        let err = api
            .update_broker_config(&addr, "a=1\n", 3000)
            .await
            .unwrap_err();
        assert!(
            matches!(err, ClientError::MQBrokerException { .. }),
            "{err}"
        );
        let reqs = std::mem::take(&mut *rec.requests.lock());
        assert_eq!(reqs[0].request_code(), RequestCode::DELETE_KV_CONFIG);
        assert_eq!(reqs[1].body.as_ref(), b"a=1\n");
        server.shutdown(std::time::Duration::from_millis(10)).await;
    }

    #[tokio::test]
    async fn credentials_sign_every_request_after_its_header() {
        use rmq_remoting::acl::{SessionCredentials, SignedRequest};
        let rec = Arc::new(Recorder::default());
        let creds = SessionCredentials::new("rocketmq2", "12345678");
        let (server, api) = serve_signed(rec.clone(), Some(creds)).await;
        let addr = server.local_addr().to_string();
        let u = UpdateConsumerOffsetRequestHeader {
            consumer_group: "g".into(),
            topic: "T".into(),
            queue_id: 1,
            commit_offset: 9,
        };
        api.update_consumer_offset(&addr, u, "broker-a", false, 3000)
            .await
            .unwrap();
        api.update_broker_config(&addr, "a=1\n", 3000)
            .await
            .unwrap();
        let reqs = std::mem::take(&mut *rec.requests.lock());
        assert_eq!(reqs.len(), 2);
        for r in &reqs {
            assert_eq!(r.ext_field("AccessKey"), Some("rocketmq2"));
            let signed = SignedRequest::from_request(r).unwrap();
            assert!(signed.verify("12345678"), "{:?}", r.request_code());
            assert!(!signed.verify("12345679"));
        }
        // The header fields and the body are covered: changing either breaks the signature.
        let mut changed = reqs[0].clone();
        changed.add_ext_field("bname", "broker-b");
        assert!(!SignedRequest::from_request(&changed)
            .unwrap()
            .verify("12345678"));
        let mut changed = reqs[1].clone();
        changed.body = bytes::Bytes::from_static(b"a=2\n");
        assert!(!SignedRequest::from_request(&changed)
            .unwrap()
            .verify("12345678"));
        server.shutdown(std::time::Duration::from_millis(10)).await;
    }

    #[tokio::test]
    async fn without_credentials_requests_are_unsigned() {
        let rec = Arc::new(Recorder::default());
        let (server, api) = serve(rec.clone()).await;
        let addr = server.local_addr().to_string();
        api.update_broker_config(&addr, "a=1\n", 3000)
            .await
            .unwrap();
        let reqs = std::mem::take(&mut *rec.requests.lock());
        assert_eq!(reqs[0].ext_field("AccessKey"), None);
        assert_eq!(reqs[0].ext_field("Signature"), None);
        server.shutdown(std::time::Duration::from_millis(10)).await;
    }
}
