//! `TransactionMQProducer`: half message, local transaction, then commit or rollback, plus
//! answers to the broker's state checks (Java `producer/TransactionMQProducer`,
//! `TransactionListener`, `LocalTransactionState`, `TransactionSendResult`,
//! `DefaultMQProducerImpl#sendMessageInTransaction`).
//!
//! The client side is the complete Java protocol (TRAN_MSG/PGROUP properties, END_TRANSACTION,
//! CHECK_TRANSACTION_STATE); it needs a broker that implements transactions.

use super::default_mq_producer::{DefaultMQProducer, DefaultMQProducerBuilder};
use super::send_result::{SendResult, SendStatus};
use crate::error::ClientError;
use async_trait::async_trait;
use rmq_common::message::message_const::{
    PROPERTY_DELAY_TIME_LEVEL, PROPERTY_PRODUCER_GROUP, PROPERTY_TRANSACTION_PREPARED,
};
use rmq_common::sys_flag::message_sys_flag;
use rmq_common::{Message, MessageExt};
use std::any::Any;
use std::sync::Arc;

/// The state of a local transaction (`LocalTransactionState`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LocalTransactionState {
    /// Deliver the half message.
    CommitMessage,
    /// Drop the half message.
    RollbackMessage,
    /// Not known yet; the broker asks again later (Java's spelling `UNKNOW`).
    Unknow,
}

impl LocalTransactionState {
    /// Returns Java's enum name.
    pub fn as_str(self) -> &'static str {
        match self {
            LocalTransactionState::CommitMessage => "COMMIT_MESSAGE",
            LocalTransactionState::RollbackMessage => "ROLLBACK_MESSAGE",
            LocalTransactionState::Unknow => "UNKNOW",
        }
    }

    /// Returns the END_TRANSACTION `commitOrRollback` value.
    pub fn sys_flag(self) -> i32 {
        match self {
            LocalTransactionState::CommitMessage => message_sys_flag::TRANSACTION_COMMIT_TYPE,
            LocalTransactionState::RollbackMessage => message_sys_flag::TRANSACTION_ROLLBACK_TYPE,
            LocalTransactionState::Unknow => message_sys_flag::TRANSACTION_NOT_TYPE,
        }
    }
}

/// The application's side of a transaction (`TransactionListener`).
#[async_trait]
pub trait TransactionListener: Send + Sync {
    /// Runs the local transaction after the half message was stored.
    async fn execute_local_transaction(
        &self,
        msg: &Message,
        arg: Option<&(dyn Any + Send + Sync)>,
    ) -> LocalTransactionState;
    /// Answers the broker's question about a half message whose outcome it does not know.
    async fn check_local_transaction(&self, msg: &MessageExt) -> LocalTransactionState;
}

/// The result of `send_message_in_transaction` (`TransactionSendResult`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransactionSendResult {
    /// The half message's send result.
    pub send_result: SendResult,
    /// What the local transaction decided.
    pub local_transaction_state: LocalTransactionState,
}

/// A producer that sends transactional messages.
pub struct TransactionMQProducer {
    producer: DefaultMQProducer,
}

impl TransactionMQProducer {
    /// Builds a transactional producer from a producer builder and a listener.
    pub fn new(builder: DefaultMQProducerBuilder, listener: Arc<dyn TransactionListener>) -> Self {
        let producer = builder.build();
        *producer.inner.transaction_listener.lock() = Some(listener);
        TransactionMQProducer { producer }
    }

    /// Returns the underlying producer (plain sends work too).
    pub fn producer(&self) -> &DefaultMQProducer {
        &self.producer
    }

    /// Starts the producer.
    pub async fn start(&self) -> Result<(), ClientError> {
        self.producer.start().await
    }

    /// Shuts the producer down.
    pub async fn shutdown(&self) {
        self.producer.shutdown().await
    }

    /// Sends a half message, runs the local transaction, then commits or rolls back
    /// (`sendMessageInTransaction`).
    pub async fn send_message_in_transaction(
        &self,
        mut msg: Message,
        arg: Option<&(dyn Any + Send + Sync)>,
    ) -> Result<TransactionSendResult, ClientError> {
        let listener = self
            .producer
            .inner
            .transaction_listener
            .lock()
            .clone()
            .ok_or_else(|| ClientError::client(-1, "TransactionListener is null"))?;
        if msg.delay_time_level() != 0 {
            msg.clear_property(PROPERTY_DELAY_TIME_LEVEL);
        }
        self.producer.inner.check_message(&msg)?;
        msg.put_property(PROPERTY_TRANSACTION_PREPARED, "true");
        msg.put_property(PROPERTY_PRODUCER_GROUP, self.producer.producer_group());
        if msg.uniq_key().is_none() {
            msg.put_property(
                rmq_common::message::message_const::PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX,
                rmq_common::message::message_client_id::create_uniq_id(),
            );
        }
        let send_result = self
            .producer
            .send(msg.clone())
            .await
            .map_err(|e| ClientError::client(-1, format!("send message Exception: {e}")))?;
        let state = match send_result.send_status {
            SendStatus::SendOk => {
                if let Some(uniq) = msg.uniq_key().map(str::to_string) {
                    msg.transaction_id = Some(uniq);
                }
                if let Some(t) = &send_result.transaction_id {
                    msg.put_property("__transactionId__", t.clone());
                }
                listener.execute_local_transaction(&msg, arg).await
            }
            _ => LocalTransactionState::RollbackMessage,
        };
        if let Err(e) = self
            .producer
            .inner
            .end_transaction(&send_result, state)
            .await
        {
            tracing::warn!(error = %e, "local transaction execute {state:?}, but end broker transaction failed");
        }
        Ok(TransactionSendResult {
            send_result,
            local_transaction_state: state,
        })
    }
}
