//! `SlaveSynchronize`: a slave copies its master's metadata (Java
//! `broker/slave/SlaveSynchronize`): topics, consumer offsets, delay offsets and subscription
//! groups, with header-less GET_ALL_* requests.
//!
//! The master's address comes from each REGISTER_BROKER answer (`masterAddr`, `None` while
//! the name servers know no live master), and nothing is asked while it is `None` or is this
//! broker. The broker runs [`SlaveSynchronize::sync_all_if_due`] every 3 s from 10 s after
//! start; it syncs when more than [`SYNC_ALL_INTERVAL_MILLIS`] passed since the last sync,
//! the first time counted from construction (Java `BrokerController#initializeBrokerScheduledTasks`).
//!
//! GET_ALL_MESSAGE_REQUEST_MODE (402) is not asked: rmq has no `MessageRequestModeManager`
//! (no POP consumption), so there is nothing on the slave to copy it into.

use crate::broker_address::BrokerAddress;
use crate::offset::consumer_offset_manager::ConsumerOffsetManager;
use crate::out::broker_outer_api::BrokerOuterAPI;
use crate::schedule::schedule_message_service::ScheduleMessageService;
use crate::subscription::subscription_group_manager::SubscriptionGroupManager;
use crate::topic::topic_config_manager::TopicConfigManager;
use parking_lot::RwLock;
use rmq_common::util_all::current_millis;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

/// A full sync runs when more than this passed since the previous one (Java: 60 s).
pub const SYNC_ALL_INTERVAL_MILLIS: i64 = 60_000;

/// What `SlaveSynchronize` reads and writes.
#[derive(Clone)]
pub struct SlaveSynchronizeContext {
    /// This broker's address (a master address equal to it is not synced from).
    pub address: Arc<BrokerAddress>,
    /// The client that asks the master.
    pub outer_api: BrokerOuterAPI,
    /// Replaced by the master's topics.
    pub topic_config_manager: Arc<TopicConfigManager>,
    /// Takes the master's offsets.
    pub consumer_offset_manager: Arc<ConsumerOffsetManager>,
    /// Replaced by the master's groups.
    pub subscription_group_manager: Arc<SubscriptionGroupManager>,
    /// Takes the master's delay offsets.
    pub schedule_message_service: Arc<ScheduleMessageService>,
}

/// The slave's metadata sync.
pub struct SlaveSynchronize {
    ctx: SlaveSynchronizeContext,
    master_addr: RwLock<Option<String>>,
    last_sync_time_ms: AtomicI64,
}

impl SlaveSynchronize {
    /// Builds the sync with no master known; the first full sync is due
    /// [`SYNC_ALL_INTERVAL_MILLIS`] from now (Java sets `lastSyncTimeMs` at construction).
    pub fn new(ctx: SlaveSynchronizeContext) -> Self {
        SlaveSynchronize {
            ctx,
            master_addr: RwLock::new(None),
            last_sync_time_ms: AtomicI64::new(current_millis()),
        }
    }

    /// Returns the master's broker address, if known.
    pub fn master_addr(&self) -> Option<String> {
        self.master_addr.read().clone()
    }

    /// Records the master's address from a REGISTER_BROKER answer; `None` stops the syncs
    /// (Java `setMasterAddr`).
    pub fn set_master_addr(&self, addr: Option<&str>) {
        let mut cur = self.master_addr.write();
        if cur.as_deref() != addr {
            tracing::info!(from = ?*cur, to = ?addr, "Update master address");
            *cur = addr.map(str::to_string);
        }
    }

    /// Runs [`Self::sync_all`] when more than [`SYNC_ALL_INTERVAL_MILLIS`] passed between the
    /// last one and `now_ms`, then records the time the sync ended, as Java does. Returns
    /// whether it synced.
    pub async fn sync_all_if_due(&self, now_ms: i64) -> bool {
        if now_ms - self.last_sync_time_ms.load(Ordering::Relaxed) <= SYNC_ALL_INTERVAL_MILLIS {
            return false;
        }
        self.sync_all().await;
        self.last_sync_time_ms
            .store(current_millis(), Ordering::Relaxed);
        true
    }

    /// Copies topics, consumer offsets, delay offsets and subscription groups from the master
    /// (Java `syncAll`). Each part reads the master address anew and fails on its own; a
    /// failure is logged.
    pub async fn sync_all(&self) {
        self.sync_topic_config().await;
        self.sync_consumer_offset().await;
        self.sync_delay_offset().await;
        self.sync_subscription_group_config().await;
    }

    /// The master to ask: known and not this broker.
    fn target(&self) -> Option<String> {
        let addr = self.master_addr()?;
        (addr != self.ctx.address.broker_addr()).then_some(addr)
    }

    async fn sync_topic_config(&self) {
        let Some(master) = self.target() else { return };
        match self.ctx.outer_api.get_all_topic_config(&master).await {
            Ok(wrapper) => {
                let topics = &self.ctx.topic_config_manager;
                if topics.data_version() != wrapper.data_version {
                    topics.replace_from_master(
                        wrapper.topic_config_table.into_values(),
                        wrapper.data_version,
                    );
                }
                tracing::info!(master = %master, "Update slave topic config from master");
            }
            Err(e) => tracing::error!(master = %master, error = %e, "SyncTopicConfig Exception"),
        }
    }

    async fn sync_consumer_offset(&self) {
        let Some(master) = self.target() else { return };
        match self.ctx.outer_api.get_all_consumer_offset(&master).await {
            Ok(file) => {
                self.ctx.consumer_offset_manager.put_all_from_master(file);
                tracing::info!(master = %master, "Update slave consumer offset from master");
            }
            Err(e) => {
                tracing::error!(master = %master, error = %e, "SyncConsumerOffset Exception")
            }
        }
    }

    async fn sync_delay_offset(&self) {
        let Some(master) = self.target() else { return };
        match self.ctx.outer_api.get_all_delay_offset(&master).await {
            Ok(text) => {
                self.ctx
                    .schedule_message_service
                    .load_when_sync_delay_offset(&text);
                tracing::info!(master = %master, "Update slave delay offset from master");
            }
            Err(e) => tracing::error!(master = %master, error = %e, "SyncDelayOffset Exception"),
        }
    }

    async fn sync_subscription_group_config(&self) {
        let Some(master) = self.target() else { return };
        match self
            .ctx
            .outer_api
            .get_all_subscription_group_config(&master)
            .await
        {
            Ok(wrapper) => {
                let groups = &self.ctx.subscription_group_manager;
                if groups.data_version() != wrapper.data_version {
                    groups.replace_from_master(
                        wrapper.subscription_group_table.into_values(),
                        wrapper.data_version,
                    );
                    tracing::info!(master = %master, "Update slave Subscription Group from master");
                }
            }
            Err(e) => {
                tracing::error!(master = %master, error = %e, "SyncSubscriptionGroup Exception")
            }
        }
    }
}
