//! Logging of `mqnamesrv`, in place of Java's `rmq.namesrv.logback.xml`: every event at
//! `RUST_LOG` level (default info) to `~/logs/rocketmqlogs/namesrv.log`, errors also to
//! stderr. Lines look like logback's `%d{yyy-MM-dd HH:mm:ss,SSS} %p %t - %m%n`.

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

/// `yyyy-MM-dd HH:mm:ss,SSS LEVEL thread - message` (local time).
struct JavaLogFormat;

impl<S, N> FormatEvent<S, N> for JavaLogFormat
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
        let now = chrono::Local::now().format("%Y-%m-%d %H:%M:%S,%3f");
        let thread = std::thread::current();
        let thread_name = thread.name().unwrap_or("main");
        write!(
            writer,
            "{now} {} {thread_name} - ",
            event.metadata().level()
        )?;
        ctx.field_format().format_fields(writer.by_ref(), event)?;
        writeln!(writer)
    }
}

/// Installs the global subscriber; keep the guard alive until exit so the file is flushed.
pub fn init() -> anyhow::Result<WorkerGuard> {
    let dir = rmq_common::mix_all::user_home()
        .join("logs")
        .join("rocketmqlogs");
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("cannot create log directory {}", dir.display()))?;
    let appender = tracing_appender::rolling::never(&dir, "namesrv.log");
    let (file_writer, guard) = tracing_appender::non_blocking(appender);
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let file_layer = tracing_subscriber::fmt::layer()
        .with_writer(file_writer)
        .with_ansi(false)
        .event_format(JavaLogFormat)
        .with_filter(filter);
    let stderr_layer = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .event_format(JavaLogFormat)
        .with_filter(LevelFilter::ERROR);
    tracing_subscriber::registry()
        .with(file_layer)
        .with(stderr_layer)
        .try_init()
        .context("cannot install the log subscriber")?;
    Ok(guard)
}
