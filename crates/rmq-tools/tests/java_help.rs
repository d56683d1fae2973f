#![allow(clippy::unwrap_used)]
//! Every implemented subcommand's `mqadmin help <cmd>` output equals Java 5.3.3's, byte for
//! byte (goldens captured with `MQAdminStartup` from rocketmq-tools 5.3.3), and each line of
//! the command list is one of Java's lines.

use rmq_tools::command::mq_admin_startup::{command_list, main0};
use rmq_tools::command::sub_commands;
use std::path::PathBuf;

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

#[tokio::test]
async fn help_of_every_command_matches_java() {
    let mut checked = 0;
    for cmd in sub_commands() {
        let name = cmd.command_name();
        let path = golden_dir().join(format!("help/{name}.txt"));
        let expected = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("missing golden {}: {e}", path.display()));
        let mut out = Vec::new();
        let mut err = Vec::new();
        let code = main0(&["help".to_string(), name.to_string()], &mut out, &mut err).await;
        assert_eq!(code, 0);
        assert_eq!(String::from_utf8(out).unwrap(), expected, "help of {name}");
        checked += 1;
    }
    assert!(checked >= 31, "only {checked} commands");
}

#[test]
fn command_list_lines_are_javas() {
    let java = std::fs::read_to_string(golden_dir().join("command_list.txt")).unwrap();
    let java_lines: Vec<&str> = java.lines().collect();
    let ours = command_list();
    let mut last_index = 0;
    for line in ours.lines() {
        let idx = java_lines
            .iter()
            .position(|l| *l == line)
            .unwrap_or_else(|| panic!("line not in Java's list: {line:?}"));
        // Same relative order as Java's registration, except the trailing blank/See lines.
        if line.starts_with("   ") {
            assert!(idx >= last_index, "{line} out of Java's order");
            last_index = idx;
        }
    }
}
