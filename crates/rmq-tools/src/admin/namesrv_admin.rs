//! Name server calls of `DefaultMQAdminExtImpl`: `wipeWritePermOfBroker`,
//! `addWritePermOfBroker`, `getKVConfig`, `createAndUpdateKvConfig`, `deleteKvConfig`,
//! `getNameServerConfig`, `updateNameServerConfig`.

use super::broker_admin::properties_to_string;
use super::DefaultMQAdminExt;
use crate::error::ToolsError;
use rmq_client::ClientError;

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

    /// GET_NAMESRV_CONFIG of each name server (the given ones, else all); the config text is
    /// returned as `key=value` pairs sorted by key (Java's order is its `Properties` hash order)
    /// (`getNameServerConfig`).
    pub async fn get_name_server_config(
        &self,
        name_servers: Option<&[String]>,
    ) -> Result<Vec<(String, Vec<(String, String)>)>, ToolsError> {
        let servers: Vec<String> = match name_servers {
            Some(list) if !list.is_empty() => list.to_vec(),
            _ => self.name_server_address_list()?,
        };
        let mut out = Vec::new();
        for addr in servers {
            let text = self
                .instance()?
                .api()
                .get_name_server_config(&addr, self.timeout_millis())
                .await?;
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
            _ => self.name_server_address_list()?,
        };
        let mut err = None;
        for addr in servers {
            if let Err(e) = self
                .instance()?
                .api()
                .update_name_server_config(&addr, &body, self.timeout_millis())
                .await
            {
                err = Some(e.into());
            }
        }
        err.map_or(Ok(()), Err)
    }
}
