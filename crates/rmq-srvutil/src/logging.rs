//! Log files in place of Java's `rmq.<module>.logback.xml`: events at `RUST_LOG` level
//! (default info) go to `~/logs/rocketmqlogs/<file>` as logback's
//! `yyyy-MM-dd HH:mm:ss,SSS LEVEL thread - message` lines (local time).

use anyhow::Context;
use std::fmt;
use tracing::{Event, Subscriber};
use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

/// Formats an event as one logback-style line.
struct LogbackLine;

impl<S, N> FormatEvent<S, N> for LogbackLine
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let time = chrono::Local::now().format("%Y-%m-%d %H:%M:%S,%3f");
        let current = std::thread::current();
        write!(
            writer,
            "{time} {:<5} {} - ",
            event.metadata().level(),
            current.name().unwrap_or("main")
        )?;
        ctx.field_format().format_fields(writer.by_ref(), event)?;
        writeln!(writer)
    }
}

/// Target of [`log_fatal`] events: the log file gets them, stderr does not (the caller
/// prints its own line there).
const FATAL_TARGET: &str = "rmq_fatal";

/// Logs the error a process exits with to its log file only; the caller prints it to stderr
/// once, in its own words, so it does not appear there twice.
pub fn log_fatal(message: &str) {
    tracing::error!(target: FATAL_TARGET, "{message}");
}

/// Where a process's errors go besides its log file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stderr {
    /// Servers: ERROR events are also printed to stderr (nohup.out).
    Errors,
    /// Tools: nothing reaches the terminal, so their output stays what Java prints.
    Nothing,
}

/// Installs the global subscriber writing to `~/logs/rocketmqlogs/<file_name>`. Keep the
/// returned guard alive until exit: dropping it flushes the file.
pub fn init(file_name: &str, stderr: Stderr) -> anyhow::Result<WorkerGuard> {
    let dir = rmq_common::mix_all::user_home()
        .join("logs")
        .join("rocketmqlogs");
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("cannot create log directory {}", dir.display()))?;
    let (writer, guard) =
        tracing_appender::non_blocking(tracing_appender::rolling::never(&dir, file_name));
    let level = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let file_layer = tracing_subscriber::fmt::layer()
        .with_writer(writer)
        .with_ansi(false)
        .event_format(LogbackLine)
        .with_filter(level);
    let stderr_level = match stderr {
        Stderr::Errors => LevelFilter::ERROR,
        Stderr::Nothing => LevelFilter::OFF,
    };
    let stderr_layer = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .event_format(LogbackLine)
        .with_filter(stderr_level)
        .with_filter(tracing_subscriber::filter::filter_fn(|m| {
            m.target() != FATAL_TARGET
        }));
    tracing_subscriber::registry()
        .with(file_layer)
        .with(stderr_layer)
        .try_init()
        .context("cannot install the log subscriber")?;
    Ok(guard)
}
