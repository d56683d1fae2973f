//! Name server calls of `DefaultMQAdminExtImpl`: `wipeWritePermOfBroker`,
//! `addWritePermOfBroker`, `deleteKvConfig`, `getNameServerConfig`, `updateNameServerConfig`.

use super::broker_admin::properties_to_string;
use super::MQAdminExt;
use crate::error::ToolsError;
use rmq_remoting::protocol::header::namesrv::{
    AddWritePermOfBrokerRequestHeader, AddWritePermOfBrokerResponseHeader,
    DeleteKVConfigRequestHeader, WipeWritePermOfBrokerRequestHeader,
    WipeWritePermOfBrokerResponseHeader,
};
use rmq_remoting::{RemotingCommand, RequestCode};

impl MQAdminExt {
    async fn namesrv_invoke(
        &self,
        namesrv_addr: &str,
        req: RemotingCommand,
    ) -> Result<RemotingCommand, ToolsError> {
        Ok(self
            .instance()
            .api()
            .invoke_with_client_exception(namesrv_addr, req, self.timeout_millis())
            .await?)
    }

    /// WIPE_WRITE_PERM_OF_BROKER on one name server; returns how many topics lost write
    /// permission (`wipeWritePermOfBroker`).
    pub async fn wipe_write_perm_of_broker(
        &self,
        namesrv_addr: &str,
        broker_name: &str,
    ) -> Result<i32, ToolsError> {
        let h = WipeWritePermOfBrokerRequestHeader {
            broker_name: broker_name.to_string(),
        };
        let req =
            RemotingCommand::create_request_command(RequestCode::WIPE_WRITE_PERM_OF_BROKER, &h);
        let resp = self.namesrv_invoke(namesrv_addr, req).await?;
        let rh: WipeWritePermOfBrokerResponseHeader = resp.decode_header()?;
        Ok(rh.wipe_topic_count)
    }

    /// ADD_WRITE_PERM_OF_BROKER on one name server; returns how many topics got write
    /// permission back (`addWritePermOfBroker`).
    pub async fn add_write_perm_of_broker(
        &self,
        namesrv_addr: &str,
        broker_name: &str,
    ) -> Result<i32, ToolsError> {
        let h = AddWritePermOfBrokerRequestHeader {
            broker_name: broker_name.to_string(),
        };
        let req =
            RemotingCommand::create_request_command(RequestCode::ADD_WRITE_PERM_OF_BROKER, &h);
        let resp = self.namesrv_invoke(namesrv_addr, req).await?;
        let rh: AddWritePermOfBrokerResponseHeader = resp.decode_header()?;
        Ok(rh.add_topic_count)
    }

    /// DELETE_KV_CONFIG on every name server; the last failure is reported
    /// (`deleteKvConfig`).
    pub async fn delete_kv_config(&self, namespace: &str, key: &str) -> Result<(), ToolsError> {
        let h = DeleteKVConfigRequestHeader {
            namespace: namespace.to_string(),
            key: key.to_string(),
        };
        let mut err = None;
        for addr in self.name_server_address_list() {
            let req = RemotingCommand::create_request_command(RequestCode::DELETE_KV_CONFIG, &h);
            if let Err(e) = self.namesrv_invoke(&addr, req).await {
                err = Some(e);
            }
        }
        err.map_or(Ok(()), Err)
    }

    /// GET_NAMESRV_CONFIG of each name server (the given ones, else all); the config text is
    /// returned as `key=value` pairs sorted by key (Java's order is its `Properties` hash order)
    /// (`getNameServerConfig`).
    pub async fn get_name_server_config(
        &self,
        name_servers: Option<&[String]>,
    ) -> Result<Vec<(String, Vec<(String, String)>)>, ToolsError> {
        let servers: Vec<String> = match name_servers {
            Some(list) if !list.is_empty() => list.to_vec(),
            _ => self.name_server_address_list(),
        };
        let mut out = Vec::new();
        for addr in servers {
            let req = RemotingCommand::new_request(RequestCode::GET_NAMESRV_CONFIG);
            let resp = self.namesrv_invoke(&addr, req).await?;
            let text = String::from_utf8_lossy(&resp.body);
            out.push((
                addr,
                rmq_common::properties::parse(&text).into_iter().collect(),
            ));
        }
        Ok(out)
    }

    /// UPDATE_NAMESRV_CONFIG on each name server (the given ones, else all)
    /// (`updateNameServerConfig`).
    pub async fn update_name_server_config(
        &self,
        properties: &[(String, String)],
        name_servers: Option<&[String]>,
    ) -> Result<(), ToolsError> {
        let body = properties_to_string(properties);
        if body.is_empty() {
            return Ok(());
        }
        let servers: Vec<String> = match name_servers {
            Some(list) if !list.is_empty() => list.to_vec(),
            _ => self.name_server_address_list(),
        };
        let mut err = None;
        for addr in servers {
            let req = RemotingCommand::new_request(RequestCode::UPDATE_NAMESRV_CONFIG)
                .with_body(body.clone().into_bytes());
            if let Err(e) = self.namesrv_invoke(&addr, req).await {
                err = Some(e);
            }
        }
        err.map_or(Ok(()), Err)
    }
}
