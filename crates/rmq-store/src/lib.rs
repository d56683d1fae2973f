//! rmq-store: RocketMQ's message store in Java's exact on-disk format (Java `rocketmq-store`).
//!
//! * [`DefaultMessageStore`] opens, recovers and runs the store; the broker talks to it through
//!   the [`MessageStore`] trait.
//! * CommitLog (`commitlog/`): every record, in fixed-size mmap'ed files named by their start
//!   offset. ConsumeQueue (`consumequeue/<topic>/<queueId>/`): 20-byte units per queue.
//!   IndexFile (`index/`): key → offset hash index. `checkpoint`, `abort`, `lock` as Java.
//! * Services are structs owning `Arc`s of what they work on, each on a named std thread with
//!   Java's name: `AllocateMappedFileService`, `FlushRealTimeService` or `GroupCommitService` +
//!   `FlushDiskWatcher` (`flush_manager`), `ReputMessageService` (dispatching through
//!   `CommitLogDispatcher`), `FlushConsumeQueueService`, `StoreStatsService`,
//!   `StoreScheduledThread` (`store_scheduled_service`: checkpoint flush,
//!   `CleanCommitLogService`, `CleanConsumeQueueService`). `DefaultMessageStore` wires, starts
//!   and stops them; pulls go through `GetMessageService`.
//! * Timer messages (`timer/`, Java `store/timer`): `TimerMessageStore` with its timer log,
//!   wheel and checkpoint, run by the broker beside the store.
//! * Every OS call that can fail on a full or broken disk goes through `file_system`'s
//!   `FileSystem` seam, where tests inject ENOSPC and EIO.
//!
//! `unsafe` is confined to `logfile::MappedFile` and the OS calls of `file_system` (`fallocate`,
//! `statvfs`, `fcntl`, `sysconf`).

mod allocate_mapped_file_service;
mod append_waker;
mod clean_commit_log_service;
mod commit_log;
mod commit_log_dispatcher;
pub mod config;
mod consume_queue;
mod consume_queue_store;
mod default_message_store;
#[cfg(test)]
mod disk_full_tests;
mod dispatch_request;
#[cfg(test)]
mod fault_injection_tests;
mod file_system;
mod flush_consume_queue_service;
mod flush_manager;
mod get_message_result;
mod get_message_service;
pub mod ha;
mod index;
mod lock_file;
mod logfile;
mod mapped_file_queue;
mod message_ext_broker_inner;
mod message_store;
mod message_store_impl;
mod put_message_result;
mod reput_message_service;
mod role_state;
mod running_flags;
mod service_thread;
mod store_checkpoint;
mod store_error;
mod store_recovery;
mod store_scheduled_service;
mod store_stats_service;
#[cfg(test)]
mod store_tests;
mod store_util;
pub mod timer;

pub use clean_commit_log_service::DiskUsageProbe;
pub use config::{BrokerRole, FlushDiskType, MessageStoreConfig};
pub use default_message_store::DefaultMessageStore;
pub use file_system::{disk_partition_space_used_percent, statvfs};
pub use role_state::RoleState;

/// Faults injected through the store's file-system seam (feature `fault-injection`): open a
/// store with [`DefaultMessageStore::open_with_faulty_file_system`] and make its file
/// creation, block allocation, flush or lock fail with an errno.
#[cfg(feature = "fault-injection")]
pub mod fault_injection {
    pub use crate::file_system::testing::{FaultyFileSystem, Op};
}
pub use get_message_result::{
    BoundaryType, GetMessageResult, GetMessageStatus, MessageArrivingListener, MessageFilter,
    QueryMessageResult,
};
pub use message_ext_broker_inner::{MessageExtBatch, MessageExtBrokerInner};
pub use message_store::MessageStore;
pub use put_message_result::{
    AppendMessageResult, AppendMessageStatus, PutMessageFuture, PutMessageResult, PutMessageStatus,
};
pub use running_flags::RunningFlags;
pub use store_checkpoint::StoreCheckpoint;
pub use store_error::StoreError;
pub use store_util::{human_readable_byte_count, total_physical_memory_size};
