//! `MQAdminStartup`: the `mqadmin` entry point (Java `tools/command/MQAdminStartup`).
//!
//! - no arguments, or `help` alone: lists the commands (`   %-35s %s`);
//! - `help <command>`: the command's usage;
//! - `<command> args...`: parses (Commons CLI messages and usage on a bad line, exit 1;
//!   `-h` prints usage, exit 0) and runs it.
//!
//! Unlike Java, which prints a stack trace and still exits 0, a failed command prints one
//! line, `<Class> command failed: <cause>`, to stderr and exits 1; an unknown command exits 1
//! after Java's `The sub command X not exist.`

use super::{sub_commands, CommandContext, SubCommand};
use crate::error::ToolsError;
use rmq_srvutil::cli::{render_help, Options};
use rmq_srvutil::server_util::{build_command_line_options, parse_cmd_line, ParseOutcome};
use std::io::Write;

/// Finds a command by name or alias, ignoring case (`findSubCommand`).
pub fn find_sub_command(name: &str) -> Option<Box<dyn SubCommand>> {
    sub_commands().into_iter().find(|c| {
        c.command_name().eq_ignore_ascii_case(name)
            || c.command_alias()
                .is_some_and(|a| a.eq_ignore_ascii_case(name))
    })
}

/// Returns the command list `mqadmin` prints without arguments (`printHelp`).
pub fn command_list() -> String {
    let mut s = String::from("The most commonly used mqadmin commands are:\n");
    for cmd in sub_commands() {
        s.push_str(&format!(
            "   {:<35} {}\n",
            cmd.command_name(),
            cmd.command_desc()
        ));
    }
    s.push_str("\nSee 'mqadmin help <command>' for more information on a specific command.\n");
    s
}

/// Returns the full option set of a command: `-h`, `-n` and its own.
pub fn command_options(cmd: &dyn SubCommand) -> Options {
    let mut options = Options::new();
    build_command_line_options(&mut options);
    cmd.build_command_line_options(&mut options);
    options
}

/// Runs mqadmin with `args` (without the program name), printing to `out` and `err`; returns
/// the process exit code (`main0`).
pub async fn main0(args: &[String], out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    match run(args, out, err).await {
        Ok(code) => code,
        // The reader went away (`mqadmin ... | head`): stop quietly.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => 0,
        Err(e) => {
            let _ = writeln!(err, "mqadmin: {e}");
            1
        }
    }
}

async fn run(args: &[String], out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<i32> {
    let Some(first) = args.first() else {
        out.write_all(command_list().as_bytes())?;
        return Ok(0);
    };
    if first == "help" && args.len() <= 2 {
        let Some(name) = args.get(1) else {
            out.write_all(command_list().as_bytes())?;
            return Ok(0);
        };
        return match find_sub_command(name) {
            Some(cmd) => {
                let options = command_options(cmd.as_ref());
                let help = render_help(&format!("mqadmin {}", cmd.command_name()), &options);
                out.write_all(help.as_bytes())?;
                Ok(0)
            }
            None => {
                writeln!(out, "The sub command {name} not exist.")?;
                Ok(1)
            }
        };
    }
    let Some(cmd) = find_sub_command(first) else {
        writeln!(out, "The sub command {first} not exist.")?;
        return Ok(1);
    };
    let app = format!("mqadmin {}", cmd.command_name());
    let options = command_options(cmd.as_ref());
    let command_line = match parse_cmd_line(&app, &args[1..], &options) {
        ParseOutcome::Run(cl) => cl,
        ParseOutcome::Help(help) => {
            out.write_all(help.as_bytes())?;
            return Ok(0);
        }
        ParseOutcome::Error { message, help } => {
            writeln!(err, "{message}")?;
            out.write_all(help.as_bytes())?;
            return Ok(1);
        }
    };
    let result = {
        let mut ctx = CommandContext {
            command_line: &command_line,
            options: &options,
            out: &mut *out,
            app,
            credentials: crate::acl_utils::tools_credentials(),
        };
        cmd.execute(&mut ctx).await
    };
    match out.flush() {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(0),
        other => other?,
    }
    match result {
        Ok(()) => Ok(0),
        Err(ToolsError::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(0),
        Err(e) => {
            let cause = e.to_string().replace('\n', " ");
            writeln!(err, "{} command failed: {cause}", cmd.class_name())?;
            Ok(1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn run_args(args: &[&str]) -> (i32, String, String) {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        let mut out = Vec::new();
        let mut err = Vec::new();
        let code = main0(&args, &mut out, &mut err).await;
        (
            code,
            String::from_utf8_lossy(&out).into_owned(),
            String::from_utf8_lossy(&err).into_owned(),
        )
    }

    #[tokio::test]
    async fn lists_commands_in_java_order_and_format() {
        let (code, out, _) = run_args(&[]).await;
        assert_eq!(code, 0);
        assert!(out.starts_with(
            "The most commonly used mqadmin commands are:\n   updateTopic                         Update or create topic.\n"
        ));
        assert!(out.ends_with(
            "\nSee 'mqadmin help <command>' for more information on a specific command.\n"
        ));
        let (_, help_out, _) = run_args(&["help"]).await;
        assert_eq!(out, help_out);
        for name in [
            "updateTopic",
            "deleteTopic",
            "topicList",
            "topicRoute",
            "topicStatus",
            "topicClusterList",
            "clusterList",
            "brokerStatus",
            "updateSubGroup",
            "deleteSubGroup",
            "consumerProgress",
            "consumerConnection",
            "producerConnection",
            "queryMsgById",
            "queryMsgByKey",
            "queryMsgByUniqueKey",
            "queryMsgByOffset",
            "printMsg",
            "sendMessage",
            "consumeMessage",
            "resetOffsetByTime",
            "getBrokerConfig",
            "updateBrokerConfig",
            "wipeWritePerm",
            "addWritePerm",
            "updateKvConfig",
            "deleteKvConfig",
            "getNamesrvConfig",
            "updateNamesrvConfig",
            "clusterRT",
            "statsAll",
            "haStatus",
            "getSyncStateSet",
            "getBrokerEpoch",
            "getControllerMetaData",
            "getControllerConfig",
            "updateControllerConfig",
            "electMaster",
            "cleanBrokerMetadata",
        ] {
            assert!(out.contains(&format!("   {name:<35} ")), "{name} missing");
        }
    }

    #[tokio::test]
    async fn unknown_commands_and_bad_lines_exit_non_zero() {
        let (code, out, _) = run_args(&["nosuch"]).await;
        assert_eq!(
            (code, out.as_str()),
            (1, "The sub command nosuch not exist.\n")
        );
        let (code, out, _) = run_args(&["help", "nosuch"]).await;
        assert_eq!(
            (code, out.as_str()),
            (1, "The sub command nosuch not exist.\n")
        );
        let (code, out, err) = run_args(&["deleteKvConfig"]).await;
        assert_eq!(code, 1);
        assert_eq!(err, "Missing required options: s, k\n");
        assert!(
            out.starts_with("usage: mqadmin deleteKvConfig [-h] -k <arg> [-n <arg>] -s <arg>\n")
        );
        let (code, out, _) = run_args(&["TOPICLIST", "-h"]).await;
        assert_eq!(code, 0);
        assert!(out.starts_with("usage: mqadmin topicList [-c] [-h] [-n <arg>]\n"));
    }

    #[tokio::test]
    async fn a_failing_command_prints_one_line() {
        // Nothing listens on port 1: the connect fails fast.
        let (code, out, err) = run_args(&["topicList", "-n", "127.0.0.1:1"]).await;
        assert_eq!(code, 1, "{out}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.starts_with("TopicListSubCommand command failed: "),
            "{err}"
        );
    }
}
