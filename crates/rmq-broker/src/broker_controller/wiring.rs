//! Hands each processor its narrow context and registers the processors with the two
//! listeners (Java `BrokerController#registerProcessor`).

use super::BrokerController;
use crate::auth::guard::AuthGuard;
use crate::client::client_housekeeping_service::ClientHousekeepingService;
use crate::client::net::broker2client::Broker2ClientContext;
use crate::processor::admin_broker_processor::auth_admin::{
    AuthAdminContext, AuthAdminProcessor, AUTH_CODES,
};
use crate::processor::admin_broker_processor::{AdminBrokerContext, AdminBrokerProcessor};
use crate::processor::client_manage_processor::{ClientManageContext, ClientManageProcessor};
use crate::processor::consumer_manage_processor::{ConsumerManageContext, ConsumerManageProcessor};
use crate::processor::end_transaction_processor::{EndTransactionContext, EndTransactionProcessor};
use crate::processor::pull_message_processor::{PullMessageContext, PullMessageProcessor};
use crate::processor::query_message_processor::{QueryMessageContext, QueryMessageProcessor};
use crate::processor::reply_message_processor::{ReplyMessageContext, ReplyMessageProcessor};
use crate::processor::send_message_processor::{SendMessageContext, SendMessageProcessor};
use rmq_remoting::netty::processor::RequestDispatcher;
use rmq_remoting::{RequestCode, RequestProcessor};
use rmq_store::MessageStore;
use std::sync::Arc;

impl BrokerController {
    fn store(&self) -> Arc<dyn MessageStore> {
        self.message_store.clone()
    }

    /// What SEND_MESSAGE and its relatives use.
    pub(crate) fn send_context(&self) -> SendMessageContext {
        SendMessageContext {
            config: self.broker_config.clone(),
            address: self.address.clone(),
            message_store: self.store(),
            message_store_config: self.message_store_config.clone(),
            role: self.message_store.role_state().clone(),
            topic_config_manager: self.topic_config_manager.clone(),
            subscription_group_manager: self.subscription_group_manager.clone(),
            rebalance_lock_manager: self.rebalance_lock_manager.clone(),
            schedule_message_service: self.schedule_message_service.clone(),
            timer_message_store: self.timer_message_store.clone(),
            broker_stats_manager: self.broker_stats_manager.clone(),
            send_thread_pool_queue: self.send_thread_pool_queue.clone(),
        }
    }

    /// What SEND_REPLY_MESSAGE uses.
    pub(crate) fn reply_context(&self) -> ReplyMessageContext {
        ReplyMessageContext {
            config: self.broker_config.clone(),
            address: self.address.clone(),
            message_store: self.store(),
            producer_manager: self.producer_manager.clone(),
            broker_stats_manager: self.broker_stats_manager.clone(),
            topic_config_manager: self.topic_config_manager.clone(),
        }
    }

    /// What QUERY_MESSAGE and VIEW_MESSAGE_BY_ID use.
    pub(crate) fn query_context(&self) -> QueryMessageContext {
        QueryMessageContext {
            message_store: self.store(),
            message_store_config: self.message_store_config.clone(),
        }
    }

    /// What HEART_BEAT and its relatives use.
    pub(crate) fn client_manage_context(&self) -> ClientManageContext {
        ClientManageContext {
            config: self.broker_config.clone(),
            consumer_manager: self.consumer_manager.clone(),
            producer_manager: self.producer_manager.clone(),
            topic_config_manager: self.topic_config_manager.clone(),
            subscription_group_manager: self.subscription_group_manager.clone(),
        }
    }

    /// What the consumer offset codes use.
    pub(crate) fn consumer_manage_context(&self) -> ConsumerManageContext {
        ConsumerManageContext {
            config: self.broker_config.clone(),
            message_store: self.store(),
            message_store_config: self.message_store_config.clone(),
            topic_config_manager: self.topic_config_manager.clone(),
            consumer_offset_manager: self.consumer_offset_manager.clone(),
            consumer_manager: self.consumer_manager.clone(),
            subscription_group_manager: self.subscription_group_manager.clone(),
        }
    }

    /// What PULL_MESSAGE uses.
    pub(crate) fn pull_context(&self) -> PullMessageContext {
        PullMessageContext {
            config: self.broker_config.clone(),
            message_store: self.store(),
            message_store_config: self.message_store_config.clone(),
            role: self.message_store.role_state().clone(),
            topic_config_manager: self.topic_config_manager.clone(),
            subscription_group_manager: self.subscription_group_manager.clone(),
            consumer_offset_manager: self.consumer_offset_manager.clone(),
            consumer_manager: self.consumer_manager.clone(),
            consumer_filter_manager: self.consumer_filter_manager.clone(),
            pull_request_hold_service: self.pull_request_hold_service.clone(),
            broker_stats_manager: self.broker_stats_manager.clone(),
        }
    }

    /// What END_TRANSACTION uses.
    pub(crate) fn end_transaction_context(&self) -> EndTransactionContext {
        EndTransactionContext {
            config: self.broker_config.clone(),
            message_store_config: self.message_store_config.clone(),
            role: self.message_store.role_state().clone(),
            transactional_message_service: self.transactional_message_service.clone(),
            broker_stats_manager: self.broker_stats_manager.clone(),
        }
    }

    /// What the broker's calls to clients use.
    pub(crate) fn broker2client_context(&self) -> Broker2ClientContext {
        Broker2ClientContext {
            config: self.broker_config.clone(),
            message_store: self.store(),
            topic_config_manager: self.topic_config_manager.clone(),
            consumer_offset_manager: self.consumer_offset_manager.clone(),
            consumer_manager: self.consumer_manager.clone(),
        }
    }

    /// What the admin codes use.
    pub(crate) fn admin_context(self: &Arc<Self>) -> AdminBrokerContext {
        AdminBrokerContext {
            config: self.broker_config.clone(),
            configuration: self.configuration.clone(),
            address: self.address.clone(),
            registrar: self.clone(),
            message_store: self.store(),
            message_store_config: self.message_store_config.clone(),
            role: self.message_store.role_state().clone(),
            topic_config_manager: self.topic_config_manager.clone(),
            subscription_group_manager: self.subscription_group_manager.clone(),
            consumer_offset_manager: self.consumer_offset_manager.clone(),
            consumer_manager: self.consumer_manager.clone(),
            producer_manager: self.producer_manager.clone(),
            rebalance_lock_manager: self.rebalance_lock_manager.clone(),
            schedule_message_service: self.schedule_message_service.clone(),
            timer_message_store: self.timer_message_store.clone(),
            broker_stats_manager: self.broker_stats_manager.clone(),
            broker_stats: self.broker_stats.clone(),
            send_thread_pool_queue: self.send_thread_pool_queue.clone(),
            broker2client: self.broker2client_context(),
            replicas: self.replicas_manager.get().cloned(),
        }
    }

    /// Builds the main and the fast channel's dispatchers; they share processor instances,
    /// and only the main one serves pulls (Java `registerProcessor`).
    pub(super) fn build_dispatchers(self: &Arc<Self>) -> (RequestDispatcher, RequestDispatcher) {
        let mut main = RequestDispatcher::new();
        let mut fast = RequestDispatcher::new();
        let pull: Arc<dyn RequestProcessor> =
            Arc::new(PullMessageProcessor::new(self.pull_context()));
        let send = Arc::new(SendMessageProcessor::new(self.send_context()));
        let shared: Vec<(Vec<RequestCode>, Arc<dyn RequestProcessor>)> = vec![
            (
                vec![
                    RequestCode::SEND_MESSAGE,
                    RequestCode::SEND_MESSAGE_V2,
                    RequestCode::SEND_BATCH_MESSAGE,
                    RequestCode::CONSUMER_SEND_MSG_BACK,
                ],
                send,
            ),
            (
                vec![
                    RequestCode::SEND_REPLY_MESSAGE,
                    RequestCode::SEND_REPLY_MESSAGE_V2,
                ],
                Arc::new(ReplyMessageProcessor::new(self.reply_context())),
            ),
            (
                vec![RequestCode::QUERY_MESSAGE, RequestCode::VIEW_MESSAGE_BY_ID],
                Arc::new(QueryMessageProcessor::new(self.query_context())),
            ),
            (
                vec![
                    RequestCode::HEART_BEAT,
                    RequestCode::UNREGISTER_CLIENT,
                    RequestCode::CHECK_CLIENT_CONFIG,
                ],
                Arc::new(ClientManageProcessor::new(self.client_manage_context())),
            ),
            (
                vec![
                    RequestCode::GET_CONSUMER_LIST_BY_GROUP,
                    RequestCode::UPDATE_CONSUMER_OFFSET,
                    RequestCode::QUERY_CONSUMER_OFFSET,
                ],
                Arc::new(ConsumerManageProcessor::new(self.consumer_manage_context())),
            ),
            (
                vec![RequestCode::END_TRANSACTION],
                Arc::new(EndTransactionProcessor::new(self.end_transaction_context())),
            ),
        ];
        let auth_admin: Arc<dyn RequestProcessor> =
            Arc::new(AuthAdminProcessor::new(AuthAdminContext {
                metadata: self.auth.metadata().cloned(),
            }));
        let admin: Arc<dyn RequestProcessor> =
            Arc::new(AdminBrokerProcessor::new(self.admin_context()));
        let guard = |p: Arc<dyn RequestProcessor>| AuthGuard::wrap(p, &self.auth);
        // Every processor is behind the ACL check (Java's request pipeline runs for every
        // code, the default processor's included).
        let shared: Vec<(Vec<RequestCode>, Arc<dyn RequestProcessor>)> = shared
            .into_iter()
            .chain(std::iter::once((AUTH_CODES.to_vec(), auth_admin)))
            .map(|(codes, p)| (codes, guard(p)))
            .collect();
        let pull = guard(pull);
        main.register_processor(RequestCode::PULL_MESSAGE, pull.clone());
        main.register_processor(RequestCode::LITE_PULL_MESSAGE, pull);
        let admin = guard(admin);
        for d in [&mut main, &mut fast] {
            for (codes, processor) in &shared {
                for code in codes {
                    d.register_processor(*code, processor.clone());
                }
            }
            d.register_default_processor(admin.clone());
            d.set_channel_event_listener(Arc::new(ClientHousekeepingService::new(
                self.consumer_manager.clone(),
                self.producer_manager.clone(),
            )));
        }
        (main, fast)
    }

    /// Records the bound port in the address and in the broker config.
    pub(super) fn set_listen_port(&self, port: i32) {
        self.address.set_listen_port(port);
        self.broker_config.update(|bc| bc.listen_port = port);
    }
}
