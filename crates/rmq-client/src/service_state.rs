//! `ServiceState`: the life cycle of a client (Java `common/ServiceState`).

/// Where a client is in its life cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ServiceState {
    /// Built, not started.
    CreateJust,
    /// Started.
    Running,
    /// Shut down.
    ShutdownAlready,
    /// `start` failed.
    StartFailed,
}

impl ServiceState {
    /// Returns Java's enum name.
    pub fn as_str(self) -> &'static str {
        match self {
            ServiceState::CreateJust => "CREATE_JUST",
            ServiceState::Running => "RUNNING",
            ServiceState::ShutdownAlready => "SHUTDOWN_ALREADY",
            ServiceState::StartFailed => "START_FAILED",
        }
    }
}

impl std::fmt::Display for ServiceState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
