//! Transactional messages (Java `broker/transaction`): half messages parked in
//! `RMQ_SYS_TRANS_HALF_TOPIC`, op records in `RMQ_SYS_TRANS_OP_HALF_TOPIC` marking them ended,
//! and the check-back of half messages nobody ended. All state lives in those topics and in
//! the `CID_RMQ_SYS_TRANS` consumer offsets, so it survives a restart.

pub mod transactional_message_check_service;
pub mod transactional_message_service;
pub mod transactional_message_util;
