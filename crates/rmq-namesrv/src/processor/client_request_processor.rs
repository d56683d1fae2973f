//! `ClientRequestProcessor`: GET_ROUTEINFO_BY_TOPIC, the one request clients send to the
//! NameServer (Java `namesrv/.../processor/ClientRequestProcessor.java`, with
//! `ZoneRouteRPCHook` applied to its answer).

use crate::namesrv_controller::NamesrvController;
use crate::route::ZoneRouteRPCHook;
use async_trait::async_trait;
use rmq_common::mix_all::{suggest_todo, ORDER_TOPIC_CONFIG};
use rmq_remoting::protocol::body;
use rmq_remoting::protocol::header::namesrv::GetRouteInfoRequestHeader;
use rmq_remoting::{Channel, RemotingCommand, RemotingError, RequestProcessor, ResponseCode};
use std::sync::Arc;
use std::time::Instant;

/// Serves topic routes.
pub struct ClientRequestProcessor {
    controller: Arc<NamesrvController>,
    started: Instant,
}

impl ClientRequestProcessor {
    /// Builds the processor; "name server not ready" is measured from now.
    pub fn new(controller: Arc<NamesrvController>) -> Self {
        ClientRequestProcessor {
            controller,
            started: Instant::now(),
        }
    }

    /// Answers GET_ROUTEINFO_BY_TOPIC (`getRouteInfoByTopic`). Route bodies are always
    /// standard JSON (quoted keys), which every Java client version reads.
    pub fn get_route_info_by_topic(
        &self,
        request: &RemotingCommand,
    ) -> Result<RemotingCommand, RemotingError> {
        let header: GetRouteInfoRequestHeader = request.decode_header()?;
        let (need_wait, wait_seconds, order_message_enable) = {
            let c = self.controller.configuration().namesrv_config().read();
            (
                c.need_wait_for_service,
                c.wait_seconds_for_service,
                c.order_message_enable,
            )
        };
        let ready = self.started.elapsed().as_secs() >= u64::try_from(wait_seconds).unwrap_or(0);
        if need_wait && !ready {
            tracing::warn!("name server not ready. request code {} ", request.code);
            return Ok(RemotingCommand::error(
                ResponseCode::SYSTEM_ERROR,
                "name server not ready",
            ));
        }
        let route = self
            .controller
            .route_info_manager()
            .pickup_topic_route_data(&header.topic);
        let Some(mut route) = route else {
            return Ok(RemotingCommand::error(
                ResponseCode::TOPIC_NOT_EXIST,
                format!(
                    "No topic route info in name server for the topic: {}",
                    suggest_todo(&header.topic)
                ),
            ));
        };
        if order_message_enable {
            route.order_topic_conf = self
                .controller
                .kv_config_manager()
                .get_kv_config(ORDER_TOPIC_CONFIG, &header.topic);
        }
        if let Some(zone) = ZoneRouteRPCHook::requested_zone(request) {
            route = ZoneRouteRPCHook::filter_by_zone_name(route, zone);
        }
        Ok(RemotingCommand::success().with_body(body::encode(&route)))
    }
}

#[async_trait]
impl RequestProcessor for ClientRequestProcessor {
    async fn process_request(
        &self,
        _channel: &Channel,
        request: RemotingCommand,
    ) -> Result<Option<RemotingCommand>, RemotingError> {
        self.get_route_info_by_topic(&request).map(Some)
    }
}
