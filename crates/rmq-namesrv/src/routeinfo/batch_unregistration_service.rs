//! `BatchUnregistrationService`: a bounded queue of unregistrations applied in batches by
//! one task (Java `namesrv/.../routeinfo/BatchUnregistrationService.java`). UNREGISTER_BROKER,
//! closed broker connections and expired brokers all go through it.

use super::route_info_manager::RouteInfoManager;
use rmq_remoting::protocol::header::namesrv::UnRegisterBrokerRequestHeader;
use std::sync::{Arc, Weak};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// The sending side of the queue; cheap to clone.
#[derive(Clone)]
pub struct BatchUnregistrationService {
    tx: mpsc::Sender<UnRegisterBrokerRequestHeader>,
}

impl BatchUnregistrationService {
    /// Starts the worker for `route_info_manager` with a queue of `capacity` requests and
    /// installs it; the worker stops when `shutdown` is cancelled.
    pub fn start(
        route_info_manager: &Arc<RouteInfoManager>,
        capacity: usize,
        shutdown: CancellationToken,
    ) -> JoinHandle<()> {
        let (tx, mut rx) = mpsc::channel::<UnRegisterBrokerRequestHeader>(capacity.max(1));
        route_info_manager.set_unregister_service(BatchUnregistrationService { tx });
        // A weak reference: the manager owns the sender, the task must not keep it alive.
        let manager: Weak<RouteInfoManager> = Arc::downgrade(route_info_manager);
        tokio::spawn(async move {
            loop {
                let first = tokio::select! {
                    r = rx.recv() => r,
                    _ = shutdown.cancelled() => None,
                };
                let Some(first) = first else { break };
                let mut batch = vec![first];
                while let Ok(more) = rx.try_recv() {
                    if !batch.contains(&more) {
                        batch.push(more);
                    }
                }
                let Some(manager) = manager.upgrade() else {
                    break;
                };
                // The route lock is synchronous and short; no await while it is held.
                manager.un_register_broker(&batch);
            }
        })
    }

    /// Queues a request; false if the queue is full (Java `offer`).
    pub fn submit(&self, request: UnRegisterBrokerRequestHeader) -> bool {
        match self.tx.try_send(request) {
            Ok(()) => true,
            Err(e) => {
                tracing::warn!(error = %e, "unregister broker queue rejected a request");
                false
            }
        }
    }
}
