//! File logging of the command line tools, in place of Java's `rmq.tools.logback.xml` and
//! `rmq.client.logback.xml`: events at `RUST_LOG` level (default info) go to
//! `~/logs/rocketmqlogs/<file>` as `yyyy-MM-dd HH:mm:ss,SSS LEVEL thread - message`; nothing
//! goes to the terminal, so a tool's output stays what Java prints.

use std::fmt;
use tracing::{Event, Subscriber};
use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

/// Java's logback line layout.
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
        write!(
            writer,
            "{now} {} {} - ",
            event.metadata().level(),
            thread.name().unwrap_or("main")
        )?;
        ctx.field_format().format_fields(writer.by_ref(), event)?;
        writeln!(writer)
    }
}

/// Installs a subscriber writing to `~/logs/rocketmqlogs/<file_name>`; returns the guard
/// that flushes it on drop, or `None` when the directory cannot be created (the tools then
/// run without a log, as they must not fail for it).
pub fn init_file_logging(file_name: &str) -> Option<WorkerGuard> {
    let dir = rmq_common::mix_all::user_home()
        .join("logs")
        .join("rocketmqlogs");
    std::fs::create_dir_all(&dir).ok()?;
    let appender = tracing_appender::rolling::never(&dir, file_name);
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let layer = tracing_subscriber::fmt::layer()
        .with_writer(writer)
        .with_ansi(false)
        .event_format(JavaLogFormat)
        .with_filter(filter);
    tracing_subscriber::registry().with(layer).try_init().ok()?;
    Some(guard)
}
