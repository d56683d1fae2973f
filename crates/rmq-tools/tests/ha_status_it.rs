#![allow(clippy::unwrap_used)]
//! `mqadmin haStatus -b` against a broker stand-in on 127.0.0.1 that answers
//! GET_BROKER_HA_STATUS with a Java master's body, and with Java's error when it runs no HA
//! service.

use async_trait::async_trait;
use rmq_remoting::netty::processor::RequestDispatcher;
use rmq_remoting::{
    Channel, NettyServerConfig, RemotingCommand, RemotingError, RemotingServer, RequestCode,
    RequestProcessor, ResponseCode,
};
use rmq_tools::command::mq_admin_startup::main0;
use std::sync::Arc;

/// Answers GET_BROKER_HA_STATUS with `body`, or SYSTEM_ERROR when there is none.
struct HaStatusBroker {
    body: Option<&'static str>,
}

#[async_trait]
impl RequestProcessor for HaStatusBroker {
    async fn process_request(
        &self,
        _channel: &Channel,
        request: RemotingCommand,
    ) -> Result<Option<RemotingCommand>, RemotingError> {
        assert_eq!(request.code, RequestCode::GET_BROKER_HA_STATUS.0);
        Ok(Some(match self.body {
            Some(b) => RemotingCommand::success().with_body(b.as_bytes().to_vec()),
            None => RemotingCommand::error(
                ResponseCode::SYSTEM_ERROR,
                "Can not get HARuntimeInfo, may be duplicationEnable is true",
            ),
        }))
    }
}

async fn run(body: Option<&'static str>) -> (i32, String, String) {
    let mut dispatcher = RequestDispatcher::new();
    dispatcher.register_default_processor(Arc::new(HaStatusBroker { body }));
    let config = NettyServerConfig {
        listen_port: 0,
        bind_address: "127.0.0.1".into(),
        ..Default::default()
    };
    let server = RemotingServer::bind(&config, Arc::new(dispatcher))
        .await
        .unwrap();
    let addr = server.local_addr().to_string();
    let args: Vec<String> = ["haStatus", "-n", "127.0.0.1:9876", "-b", &addr]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = main0(&args, &mut out, &mut err).await;
    server.shutdown(std::time::Duration::ZERO).await;
    let out = String::from_utf8(out).unwrap().replace(&addr, "<addr>");
    (code, out, String::from_utf8(err).unwrap())
}

#[tokio::test]
async fn prints_a_masters_slaves() {
    let body = r#"{"haClientRuntimeInfo":{"lastReadTimestamp":0,"lastWriteTimestamp":0,"masterFlushOffset":0,"maxOffset":0,"transferredByteInSecond":0},"haConnectionInfo":[{"addr":"127.0.0.1:51234","diff":0,"inSync":true,"slaveAckOffset":4096,"transferFromWhere":4096,"transferredByteInSecond":0}],"inSyncSlaveNums":1,"master":true,"masterCommitLogMaxOffset":4096}"#;
    let (code, out, err) = run(Some(body)).await;
    assert_eq!((code, err.as_str()), (0, ""));
    assert_eq!(
        out,
        concat!(
            "\n#MasterAddr\t<addr>\n#MasterCommitLogMaxOffset\t4096\n#SlaveNum\t1\n#InSyncSlaveNum\t1\n",
            "#SlaveAddr                        #SlaveAckOffset             #Diff #TransferSpeed(KB/s)          #Status #TransferFromWhere\n",
            "127.0.0.1:51234                   4096                            0             0.00               OK             4096\n",
        )
    );
}

#[tokio::test]
async fn a_broker_without_ha_fails_the_command() {
    let (code, out, err) = run(None).await;
    assert_eq!((code, out.as_str()), (1, ""));
    assert!(
        err.starts_with("HAStatusSubCommand command failed"),
        "{err}"
    );
    assert!(err.contains("Can not get HARuntimeInfo"), "{err}");
}
