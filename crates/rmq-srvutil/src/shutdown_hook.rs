//! Waiting for the signals Java's `ShutdownHookThread` reacts to.

/// Returns when the process gets SIGTERM or SIGINT (Ctrl-C, `mqshutdown`, `kill`).
pub async fn wait_for_shutdown_signal() -> std::io::Result<()> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut term = signal(SignalKind::terminate())?;
    let mut int = signal(SignalKind::interrupt())?;
    tokio::select! {
        _ = term.recv() => tracing::info!("received SIGTERM"),
        _ = int.recv() => tracing::info!("received SIGINT"),
    }
    Ok(())
}
