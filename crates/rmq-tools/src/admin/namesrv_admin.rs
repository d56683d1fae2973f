//! Name server calls of `DefaultMQAdminExtImpl`: `wipeWritePermOfBroker`,
//! `addWritePermOfBroker`, `getKVConfig`, `createAndUpdateKvConfig`, `deleteKvConfig`,
//! `getNameServerConfig`, `updateNameServerConfig`, and the per-server config requests
//! they share with the controller's.

use super::broker_admin::properties_to_string;
use super::DefaultMQAdminExt;
use crate::error::ToolsError;
use crate::to_string::java_hash_order;
use rmq_client::ClientError;
use rmq_common::java_hash::string_hash_code;
use rmq_remoting::{RemotingCommand, RequestCode};

impl DefaultMQAdminExt {
    /// Reads a KV config entry from the name servers (`getKVConfig`).
    pub async fn get_kv_config(&self, namespace: &str, key: &str) -> Result<String, ClientError> {
        self.instance()?
            .api()
            .get_kv_config_value(namespace, key, self.timeout_millis)
            .await
    }

    /// Writes a KV config entry on every name server (`createAndUpdateKvConfig`).
    pub async fn create_and_update_kv_config(
        &self,
        namespace: &str,
        key: &str,
        value: &str,
    ) -> Result<(), ClientError> {
        let inst = self.instance()?;
        for addr in inst.api().remoting().name_server_address_list() {
            inst.api()
                .put_kv_config_value(&addr, namespace, key, value, self.timeout_millis)
                .await?;
        }
        Ok(())
    }

    /// WIPE_WRITE_PERM_OF_BROKER on one name server; returns how many topics lost write
    /// permission (`wipeWritePermOfBroker`).
    pub async fn wipe_write_perm_of_broker(
        &self,
        namesrv_addr: &str,
        broker_name: &str,
    ) -> Result<i32, ToolsError> {
        Ok(self
            .instance()?
            .api()
            .wipe_write_perm_of_broker(namesrv_addr, broker_name, self.timeout_millis())
            .await?)
    }

    /// ADD_WRITE_PERM_OF_BROKER on one name server; returns how many topics got write
    /// permission back (`addWritePermOfBroker`).
    pub async fn add_write_perm_of_broker(
        &self,
        namesrv_addr: &str,
        broker_name: &str,
    ) -> Result<i32, ToolsError> {
        Ok(self
            .instance()?
            .api()
            .add_write_perm_of_broker(namesrv_addr, broker_name, self.timeout_millis())
            .await?)
    }

    /// DELETE_KV_CONFIG on every name server; the last failure is reported
    /// (`deleteKvConfig`).
    pub async fn delete_kv_config(&self, namespace: &str, key: &str) -> Result<(), ToolsError> {
        let inst = self.instance()?;
        let api = inst.api();
        let mut err = None;
        for addr in self.name_server_address_list()? {
            if let Err(e) = api
                .delete_kv_config_value(&addr, namespace, key, self.timeout_millis())
                .await
            {
                err = Some(e.into());
            }
        }
        err.map_or(Ok(()), Err)
    }

    /// GET_NAMESRV_CONFIG of each name server (the given ones, else all), in the order of
    /// the `HashMap` Java returns (`getNameServerConfig`).
    pub async fn get_name_server_config(
        &self,
        name_servers: Option<&[String]>,
    ) -> Result<Vec<(String, Vec<(String, String)>)>, ToolsError> {
        self.get_server_configs(RequestCode::GET_NAMESRV_CONFIG, name_servers)
            .await
    }

    /// UPDATE_NAMESRV_CONFIG on each name server (the given ones, else all)
    /// (`updateNameServerConfig`).
    pub async fn update_name_server_config(
        &self,
        properties: &[(String, String)],
        name_servers: Option<&[String]>,
    ) -> Result<(), ToolsError> {
        self.update_server_configs(RequestCode::UPDATE_NAMESRV_CONFIG, properties, name_servers)
            .await
    }

    /// Sends the config request `code` (GET_NAMESRV_CONFIG, GET_CONTROLLER_CONFIG) to each
    /// server (the given ones, else the name servers); the first failure is returned as
    /// `MQClientException`. Each config is returned as `key=value` pairs sorted by key (Java's
    /// order is its `Properties` hash order), the servers in the order of Java's
    /// `new HashMap<>(4)` keyed by address.
    pub(crate) async fn get_server_configs(
        &self,
        code: RequestCode,
        servers: Option<&[String]>,
    ) -> Result<Vec<(String, Vec<(String, String)>)>, ToolsError> {
        let servers: Vec<String> = match servers {
            Some(list) if !list.is_empty() => list.to_vec(),
            _ => self.name_server_address_list()?,
        };
        let inst = self.instance()?;
        let mut configs = Vec::new();
        for addr in servers {
            let request = RemotingCommand::new_request(code);
            let resp = inst
                .api()
                .invoke_with_client_exception(&addr, request, self.timeout_millis())
                .await?;
            let text = String::from_utf8_lossy(&resp.body);
            let config = rmq_common::properties::parse(&text).into_iter().collect();
            configs.retain(|(a, _): &(String, Vec<(String, String)>)| *a != addr);
            configs.push((addr, config));
        }
        let hashed = configs
            .into_iter()
            .map(|c| (string_hash_code(&c.0), c))
            .collect();
        Ok(java_hash_order(hashed, 4))
    }

    /// Sends the config update `code` (UPDATE_NAMESRV_CONFIG, UPDATE_CONTROLLER_CONFIG) with
    /// the properties as body to each server (the given ones, else the name servers); the
    /// last failure is returned. Nothing is sent for no properties.
    pub(crate) async fn update_server_configs(
        &self,
        code: RequestCode,
        properties: &[(String, String)],
        servers: Option<&[String]>,
    ) -> Result<(), ToolsError> {
        let body = properties_to_string(properties);
        if body.is_empty() {
            return Ok(());
        }
        let servers: Vec<String> = match servers {
            Some(list) if !list.is_empty() => list.to_vec(),
            _ => self.name_server_address_list()?,
        };
        let inst = self.instance()?;
        let mut err = None;
        for addr in servers {
            let request = RemotingCommand::new_request(code).with_body(body.clone().into_bytes());
            if let Err(e) = inst
                .api()
                .invoke_with_client_exception(&addr, request, self.timeout_millis())
                .await
            {
                err = Some(e.into());
            }
        }
        err.map_or(Ok(()), Err)
    }
}
