//! Java `srvutil/ServerUtil`: the `-h`/`-n` options every RocketMQ program has and the
//! parse-or-print-usage step, plus `ROCKETMQ_HOME` and config files (`MixAll.file2String` +
//! `Properties#load`).

use crate::cli::{render_help, CliOption, CommandLine, Options};
use anyhow::Context;
use rmq_common::properties::{self, Properties};
use std::path::Path;

/// Returns `ROCKETMQ_HOME` for a process started without it: the parent of the executable's
/// directory (`<home>/lib/mqbroker` in a release, `<repo>/target/<profile>/mqbroker` in a
/// build). Java refuses to start instead.
pub fn derive_rocketmq_home() -> Option<String> {
    let exe = std::env::current_exe().ok()?;
    Some(exe.parent()?.parent()?.to_string_lossy().into_owned())
}

/// Reads a `.properties` file as Java does: ISO-8859-1 bytes, `key=value` lines.
pub fn read_properties_file(path: &Path) -> anyhow::Result<Properties> {
    let raw = std::fs::read(path)
        .with_context(|| format!("cannot read config file {}", path.display()))?;
    let text: String = raw.iter().map(|b| *b as char).collect();
    Ok(properties::parse(&text))
}

/// Returns a config object as JSON, for [`expected_value_kind`].
pub fn config_as_json<T: serde::Serialize>(config: &T) -> serde_json::Value {
    serde_json::to_value(config).unwrap_or_default()
}

/// Says what a value of config key `key` must look like, from the key's current value in
/// the first of `configs` (see [`config_as_json`]) that has it: "an integer", "a number",
/// "true or false", or "a value of the key's type" (for enums and other strings).
pub fn expected_value_kind(configs: &[serde_json::Value], key: &str) -> &'static str {
    for c in configs {
        if let serde_json::Value::Object(map) = c {
            match map.get(key) {
                Some(serde_json::Value::Number(n)) if n.is_f64() => return "a number",
                Some(serde_json::Value::Number(_)) => return "an integer",
                Some(serde_json::Value::Bool(_)) => return "true or false",
                Some(_) => return "a value of the key's type",
                None => {}
            }
        }
    }
    "a value of the key's type"
}

/// Adds `-h,--help` and `-n,--namesrvAddr` (`ServerUtil#buildCommandlineOptions`).
pub fn build_command_line_options(options: &mut Options) {
    options.add_option(CliOption::new("h", "help", false, "Print help"));
    options.add_option(CliOption::new(
        "n",
        "namesrvAddr",
        true,
        "Name server address list, eg: '192.168.0.1:9876;192.168.0.2:9876'",
    ));
}

/// What `ServerUtil#parseCmdLine` decided.
#[derive(Debug)]
pub enum ParseOutcome {
    /// Arguments parsed; run the program.
    Run(CommandLine),
    /// `-h` was given: print this help on stdout and exit 0.
    Help(String),
    /// The arguments are wrong: print the message on stderr, the help on stdout, exit 1.
    Error {
        /// Commons CLI's message.
        message: String,
        /// The usage text.
        help: String,
    },
}

/// Parses `args` for the program `app` (`ServerUtil#parseCmdLine`), without exiting.
pub fn parse_cmd_line(app: &str, args: &[String], options: &Options) -> ParseOutcome {
    match CommandLine::parse(options, args) {
        Ok(cl) if cl.has_option("h") => ParseOutcome::Help(render_help(app, options)),
        Ok(cl) => ParseOutcome::Run(cl),
        Err(e) => ParseOutcome::Error {
            message: e.0,
            help: render_help(app, options),
        },
    }
}

/// Applies [`parse_cmd_line`] the way Java does: prints help or the error and exits the
/// process (0 for `-h`, 1 for a bad command line); returns the parsed line otherwise.
pub fn parse_cmd_line_or_exit(app: &str, args: &[String], options: &Options) -> CommandLine {
    match parse_cmd_line(app, args, options) {
        ParseOutcome::Run(cl) => cl,
        ParseOutcome::Help(help) => {
            print!("{help}");
            std::process::exit(0);
        }
        ParseOutcome::Error { message, help } => {
            eprintln!("{message}");
            print!("{help}");
            std::process::exit(1);
        }
    }
}

/// Runs a server's main future on a multi-threaded tokio runtime. A runtime that cannot
/// start, or a future that fails, is reported on stderr as `<program>: <error chain>` (and,
/// for the future, logged as `<what> failed: ...`); returns whether it ended well.
pub fn run_server<F>(program: &str, what: &str, future: F) -> bool
where
    F: std::future::Future<Output = anyhow::Result<()>>,
{
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("{program}: cannot start the runtime: {e}");
            return false;
        }
    };
    match runtime.block_on(future) {
        Ok(()) => true,
        Err(e) => {
            let text = crate::error_chain(&e);
            crate::logging::log_fatal(&format!("{what} failed: {text}"));
            eprintln!("{program}: {text}");
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn says_what_a_value_must_be() {
        #[derive(serde::Serialize)]
        #[serde(rename_all = "camelCase")]
        struct C {
            listen_port: i32,
            ratio: f64,
            on: bool,
            name: String,
        }
        let c = C {
            listen_port: 1,
            ratio: 0.5,
            on: true,
            name: "x".into(),
        };
        let c = [config_as_json(&c)];
        assert_eq!(expected_value_kind(&c, "listenPort"), "an integer");
        assert_eq!(expected_value_kind(&c, "ratio"), "a number");
        assert_eq!(expected_value_kind(&c, "on"), "true or false");
        assert_eq!(expected_value_kind(&c, "name"), "a value of the key's type");
    }

    #[test]
    fn reads_latin1_properties() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("b.conf");
        std::fs::write(&p, b"brokerName = broker-a\nname=caf\xe9\n").unwrap();
        let props = read_properties_file(&p).unwrap();
        assert_eq!(props["brokerName"], "broker-a");
        assert_eq!(props["name"], "caf\u{e9}");
        assert!(read_properties_file(&dir.path().join("missing")).is_err());
    }
}
