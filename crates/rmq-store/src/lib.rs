//! rmq-store: RocketMQ's message store in Java's exact on-disk format (Java `rocketmq-store`).
//!
//! * [`DefaultMessageStore`] opens, recovers and runs the store; the broker talks to it through
//!   the [`MessageStore`] trait.
//! * CommitLog (`commitlog/`): every record, in fixed-size mmap'ed files named by their start
//!   offset. ConsumeQueue (`consumequeue/<topic>/<queueId>/`): 20-byte units per queue.
//!   IndexFile (`index/`): key → offset hash index. `checkpoint`, `abort`, `lock` as Java.
//! * Services run on named std threads with Java's names: `AllocateMappedFileService`,
//!   `FlushRealTimeService` or `GroupCommitService` + `FlushDiskWatcher`,
//!   `ReputMessageService`, `FlushConsumeQueueService`, `StoreStatsService`,
//!   `StoreScheduledThread` (checkpoint flush, cleaning).
//!
//! `unsafe` is confined to `logfile::MappedFile` and the OS calls of `file_system` (`fallocate`,
//! `statvfs`, `fcntl`), plus `sysconf` for the memory size.

mod allocate_mapped_file_service;
mod clean_commit_log_service;
mod commit_log;
pub mod config;
mod consume_queue;
mod consume_queue_store;
mod default_message_store;
#[cfg(test)]
mod disk_full_tests;
mod dispatch_request;
mod file_system;
mod flush_manager;
mod get_message_result;
mod index;
mod logfile;
mod mapped_file_queue;
mod message_ext_broker_inner;
mod message_store;
mod put_message_result;
mod reput_message_service;
mod running_flags;
mod service_thread;
mod store_checkpoint;
mod store_error;
mod store_stats_service;
#[cfg(test)]
mod store_tests;

pub use clean_commit_log_service::disk_partition_space_used_percent;
pub use config::{BrokerRole, FlushDiskType, MessageStoreConfig};
pub use default_message_store::{DefaultMessageStore, DiskUsageProbe};
pub use file_system::statvfs;
pub use get_message_result::{
    BoundaryType, GetMessageResult, GetMessageStatus, MessageArrivingListener, MessageFilter,
    QueryMessageResult,
};
pub use message_ext_broker_inner::{MessageExtBatch, MessageExtBrokerInner};
pub use message_store::{human_readable_byte_count, total_physical_memory_size, MessageStore};
pub use put_message_result::{
    AppendMessageResult, AppendMessageStatus, PutMessageFuture, PutMessageResult, PutMessageStatus,
};
pub use running_flags::RunningFlags;
pub use store_checkpoint::StoreCheckpoint;
pub use store_error::StoreError;
