//! The broker's periodic and background tasks (Java `BrokerController#initialize`'s
//! scheduled tasks and `start`): persisting offsets and filters, client housekeeping, name
//! server registration, long polling, delay levels and statistics.

use super::BrokerController;
use crate::client::client_housekeeping_service::ClientHousekeepingService;
use crate::processor::pull_message_processor::PullMessageProcessor;
use rmq_common::ConfigManager;
use rmq_store::MessageStore;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::task::TaskTracker;

impl BrokerController {
    /// Starts the periodic services (Java `initialize`'s scheduled tasks and `start`).
    pub(super) fn start_services(self: &Arc<Self>, tasks: &TaskTracker) {
        self.start_persist_tasks(tasks);
        self.start_registration_tasks(tasks);
        self.start_long_polling_tasks(tasks);
        // Delay levels: delivered while the broker is a master (Java
        // `changeSpecialServiceStatus`); a slave takes the master's delay offsets from
        // SlaveSynchronize.
        self.schedule_message_service.start(
            tasks,
            self.shutdown.clone(),
            self.message_store.role_state().clone(),
        );
        // Transactions: the op batch, and the check-back on a master.
        self.transactional_message_service
            .start_op_batch_service(tasks, self.shutdown.clone());
        self.transactional_message_check_service
            .start(tasks, self.shutdown.clone());
        self.start_stats_tasks(tasks);
        self.start_master_slave_tasks(tasks);
        self.start_controller_mode(tasks);
    }

    /// Classic master/slave (not duplication, not controller mode): a slave syncs the
    /// master's metadata, a master logs how far its slaves are behind (Java
    /// `initializeBrokerScheduledTasks`).
    fn start_master_slave_tasks(self: &Arc<Self>, tasks: &TaskTracker) {
        if self.message_store_config.duplication_enable
            || self.broker_config.load().enable_controller_mode
        {
            return;
        }
        if !self.message_store.role_state().is_slave() {
            // printMasterAndSlaveDiff every 60 s, first after 10 s.
            self.spawn_periodic(tasks, "printMasterAndSlaveDiff", 10_000, 60_000, |c| {
                if c.message_store.ha_connection_count() > 0 {
                    let diff = c.message_store.slave_fall_behind_much();
                    tracing::info!("CommitLog: slave fall behind master {diff}bytes");
                }
            });
            return;
        }
        // SlaveSynchronize#syncAll when due, checked every 3 s from 10 s after start.
        let c = self.clone();
        tasks.spawn(async move {
            let mut interval = tokio::time::interval_at(
                tokio::time::Instant::now() + Duration::from_millis(10_000),
                Duration::from_millis(3_000),
            );
            interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    _ = interval.tick() => {}
                    _ = c.shutdown.cancelled() => break,
                }
                let now = rmq_common::util_all::current_millis();
                c.slave_synchronize.sync_all_if_due(now).await;
            }
        });
    }

    /// Persisting offsets and filters, and the client housekeeping.
    fn start_persist_tasks(self: &Arc<Self>, tasks: &TaskTracker) {
        let flush_offset_ms = self
            .broker_config
            .load()
            .flush_consumer_offset_interval
            .max(100) as u64;
        // ConsumerOffsetManager#persist every flushConsumerOffsetInterval, first after 10 s.
        self.spawn_periodic(
            tasks,
            "persistConsumerOffset",
            10_000,
            flush_offset_ms,
            |c| {
                c.consumer_offset_manager.persist();
            },
        );
        // ConsumerFilterManager#persist every 10 s, first after 10 s.
        self.spawn_periodic(tasks, "persistConsumerFilter", 10_000, 10_000, |c| {
            c.consumer_filter_manager.persist();
        });
        // ClientHousekeepingService#scanExceptionChannel every 10 s.
        let housekeeping = ClientHousekeepingService::new(
            self.consumer_manager.clone(),
            self.producer_manager.clone(),
        );
        let housekeeping = Arc::new(housekeeping);
        self.spawn_periodic(tasks, "scanExceptionChannel", 10_000, 10_000, move |_| {
            housekeeping.scan_exception_channel();
        });
    }

    /// The periodic full registration and the incremental one after topic changes.
    fn start_registration_tasks(self: &Arc<Self>, tasks: &TaskTracker) {
        let register_period_ms = self
            .broker_config
            .load()
            .register_name_server_period
            .clamp(10_000, 60_000) as u64;
        // registerBrokerAll every registerNameServerPeriod (clamped to 10..60 s), first after 10 s.
        let c = self.clone();
        let tracker = tasks.clone();
        tasks.spawn(async move {
            let mut interval = tokio::time::interval_at(
                tokio::time::Instant::now() + Duration::from_millis(10_000),
                Duration::from_millis(register_period_ms),
            );
            loop {
                tokio::select! {
                    _ = interval.tick() => {}
                    _ = c.shutdown.cancelled() => break,
                }
                if c.is_isolated() {
                    tracing::info!("Skip register for broker is isolated");
                    continue;
                }
                let force = c.broker_config.load().force_register;
                // Detached: a name server that does not answer must not hold back the
                // next period (each name server is also served by its own task).
                let c2 = c.clone();
                tracker.spawn(async move { c2.register_broker_all(true, false, force).await });
            }
        });
        self.start_increment_registration(tasks);
    }

    /// Incremental registration after topic changes, batching what queued up meanwhile.
    fn start_increment_registration(self: &Arc<Self>, tasks: &TaskTracker) {
        let Some(mut rx) = self.register_rx.lock().take() else {
            return;
        };
        let c = self.clone();
        let tracker = tasks.clone();
        tasks.spawn(async move {
            loop {
                let first = tokio::select! {
                    r = rx.recv() => r,
                    _ = c.shutdown.cancelled() => None,
                };
                let Some(first) = first else { break };
                let mut topics = vec![first.topic_config];
                let mut version = first.data_version;
                while let Ok(more) = rx.try_recv() {
                    topics.push(more.topic_config);
                    version = more.data_version;
                }
                let c2 = c.clone();
                tracker
                    .spawn(async move { c2.register_increment_broker_data(topics, version).await });
            }
        });
    }

    /// PullRequestHoldService: wake-ups and the periodic check.
    fn start_long_polling_tasks(self: &Arc<Self>, tasks: &TaskTracker) {
        if let Some(mut rx) = self.pull_request_hold_service.take_wake_receiver() {
            let shutdown = self.shutdown.clone();
            let pull = Arc::new(PullMessageProcessor::new(self.pull_context()));
            let tracker = tasks.clone();
            tasks.spawn(async move {
                loop {
                    let req = tokio::select! {
                        r = rx.recv() => r,
                        _ = shutdown.cancelled() => None,
                    };
                    let Some(req) = req else { break };
                    let pull = pull.clone();
                    tracker.spawn(async move {
                        pull.execute_request_when_wakeup(req.channel, req.request)
                            .await;
                    });
                }
            });
        }
        let config = self.broker_config.clone();
        let hold = self.pull_request_hold_service.clone();
        let shutdown = self.shutdown.clone();
        tasks.spawn(async move {
            loop {
                let wait = {
                    let bc = config.load();
                    if bc.long_polling_enable {
                        5_000
                    } else {
                        bc.short_polling_time_mills.max(1) as u64
                    }
                };
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_millis(wait)) => {}
                    _ = shutdown.cancelled() => break,
                }
                hold.check_hold_request();
            }
        });
    }

    /// StatsItem sampling and the daily totals.
    fn start_stats_tasks(self: &Arc<Self>, tasks: &TaskTracker) {
        // StatsItem sampling: every 10 s, 10 min and hour, from now.
        for (name, period_ms) in [
            ("statsSamplingInSeconds", 10_000u64),
            ("statsSamplingInMinutes", 600_000),
            ("statsSamplingInHour", 3_600_000),
        ] {
            self.spawn_periodic(tasks, name, 0, period_ms, move |c| {
                let now = rmq_common::util_all::current_millis();
                let m = &c.broker_stats_manager;
                match period_ms {
                    10_000 => m.sampling_in_seconds(now),
                    600_000 => m.sampling_in_minutes(now),
                    _ => m.sampling_in_hour(now),
                }
            });
        }
        // BrokerStats#record at every local midnight; TPS sampling is done by the store.
        self.spawn_periodic(
            tasks,
            "brokerStatsRecord",
            crate::broker_stats::millis_to_next_morning(),
            24 * 3600 * 1000,
            |c| c.broker_stats.record(),
        );
    }

    fn spawn_periodic<F>(
        self: &Arc<Self>,
        tasks: &TaskTracker,
        name: &'static str,
        initial_delay_ms: u64,
        period_ms: u64,
        f: F,
    ) where
        F: Fn(&BrokerController) + Send + Sync + 'static,
    {
        let c = self.clone();
        tasks.spawn(async move {
            let mut interval = tokio::time::interval_at(
                tokio::time::Instant::now() + Duration::from_millis(initial_delay_ms),
                Duration::from_millis(period_ms.max(1)),
            );
            interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    _ = interval.tick() => {}
                    _ = c.shutdown.cancelled() => break,
                }
                tracing::trace!(task = name, "periodic task");
                f(&c);
            }
        });
    }
}
