//! `CommandLine`: the parsed arguments of one command (Java `org.apache.commons.cli.CommandLine`
//! as `DefaultParser` builds it), parsed with clap from an [`Options`] declaration.
//!
//! Accepted forms, as with Commons CLI: `-t V`, `-tV`, `-t=V`, `--topic V`, `--topic=V`, a
//! long name after one dash (`-topic V`) and multi-character short names (`-ri 1000`). Values
//! may start with a dash (`-o -1`). Words that are no option are kept as arguments and
//! otherwise ignored. Errors carry Commons CLI's messages (`Missing required option: t`,
//! `Unrecognized option: -x`, `Missing argument for option: t`).

use super::options::{Options, Required};
use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, Command};
use std::collections::HashMap;

/// A parse failure with Commons CLI's message (`ParseException#getMessage`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ParseError(pub String);

/// Parsed options: each present option's values by key, plus the leftover words.
#[derive(Debug, Clone, Default)]
pub struct CommandLine {
    values: HashMap<String, Vec<String>>,
    long_to_key: HashMap<String, String>,
    args: Vec<String>,
}

/// The clap id of an option: its key, which is unique within an [`Options`].
fn clap_long(option_key: &str) -> String {
    format!("k-{option_key}")
}

impl CommandLine {
    /// Parses `args` against `options` (`DefaultParser#parse`), then checks groups and
    /// required options.
    pub fn parse(options: &Options, args: &[String]) -> Result<CommandLine, ParseError> {
        let mut cmd = Command::new("cmd")
            .no_binary_name(true)
            .disable_help_flag(true)
            .disable_version_flag(true)
            .args_override_self(true)
            .arg(
                Arg::new("__args")
                    .num_args(0..)
                    .action(ArgAction::Append)
                    .allow_hyphen_values(false),
            );
        for option in options.options() {
            let mut arg = Arg::new(option.key().to_string()).long(clap_long(option.key()));
            if let Some(opt) = option.opt.as_deref() {
                let mut chars = opt.chars();
                if let (Some(c), None) = (chars.next(), chars.next()) {
                    arg = arg.short(c);
                }
            }
            arg = if option.has_arg {
                arg.num_args(1)
                    .action(ArgAction::Set)
                    .allow_hyphen_values(true)
            } else {
                arg.action(ArgAction::SetTrue)
            };
            cmd = cmd.arg(arg);
        }
        let rewritten = rewrite_args(options, args);
        let matches = cmd
            .try_get_matches_from(&rewritten)
            .map_err(|e| map_clap_error(options, &e))?;

        let mut cl = CommandLine::default();
        let mut seen_order: Vec<(usize, String)> = Vec::new();
        for option in options.options() {
            let key = option.key().to_string();
            if let Some(long) = &option.long_opt {
                cl.long_to_key.insert(long.trim().to_string(), key.clone());
            }
            let present = if option.has_arg {
                match matches.get_many::<String>(&key) {
                    Some(vals) => {
                        cl.values
                            .insert(key.clone(), vals.map(|v| v.to_string()).collect());
                        true
                    }
                    None => false,
                }
            } else if matches.get_flag(&key) {
                cl.values.insert(key.clone(), Vec::new());
                true
            } else {
                false
            };
            if present {
                let index = matches.index_of(&key).unwrap_or(usize::MAX);
                seen_order.push((index, key));
            }
        }
        if let Some(words) = matches.get_many::<String>("__args") {
            cl.args = words.map(|w| w.to_string()).collect();
        }

        // Java: OptionGroup#setSelected throws AlreadySelectedException for a second member.
        seen_order.sort();
        for group in options.groups() {
            let mut selected: Option<&str> = None;
            for (_, key) in &seen_order {
                if group.keys.contains(key) {
                    match selected {
                        None => selected = Some(key),
                        Some(first) => {
                            return Err(ParseError(format!(
                                "The option '{key}' was specified but an option from this group has already been selected: '{first}'"
                            )))
                        }
                    }
                }
            }
        }

        let missing: Vec<String> = options
            .required()
            .iter()
            .filter_map(|r| match r {
                Required::Option(key) => (!cl.values.contains_key(key)).then(|| key.clone()),
                Required::Group(i) => {
                    let group = options.groups().get(*i)?;
                    if group.keys.iter().any(|k| cl.values.contains_key(k)) {
                        return None;
                    }
                    let members: Vec<String> = group
                        .keys
                        .iter()
                        .filter_map(|k| options.options().iter().find(|o| o.key() == k))
                        .map(|o| {
                            let name = match &o.opt {
                                Some(s) => format!("-{s}"),
                                None => format!("--{}", o.long_opt.as_deref().unwrap_or_default()),
                            };
                            format!("{name} {}", o.description)
                        })
                        .collect();
                    Some(format!("[{}]", members.join(", ")))
                }
            })
            .collect();
        if !missing.is_empty() {
            let plural = if missing.len() == 1 { "" } else { "s" };
            return Err(ParseError(format!(
                "Missing required option{plural}: {}",
                missing.join(", ")
            )));
        }
        Ok(cl)
    }

    fn key_of<'a>(&'a self, name: &'a str) -> &'a str {
        if self.values.contains_key(name) {
            return name;
        }
        self.long_to_key.get(name).map_or(name, String::as_str)
    }

    /// Returns whether the option (by short or long name) was given (`hasOption`).
    pub fn has_option(&self, name: &str) -> bool {
        self.values.contains_key(self.key_of(name))
    }

    /// Returns the first value of the option (`getOptionValue`).
    pub fn get_option_value(&self, name: &str) -> Option<&str> {
        self.values
            .get(self.key_of(name))
            .and_then(|v| v.first())
            .map(String::as_str)
    }

    /// Returns the trimmed first value of the option, as most commands read it
    /// (`getOptionValue(x).trim()`).
    pub fn get_trimmed(&self, name: &str) -> Option<&str> {
        self.get_option_value(name).map(str::trim)
    }

    /// Returns the words that were no option (`getArgs`).
    pub fn args(&self) -> &[String] {
        &self.args
    }
}

/// Turns Commons CLI spellings clap does not know into clap's: every option is reached through
/// the unique long name `--k-<key>`, so `-ri`, `-topic` and `--topic` (Java long names) map to it.
fn rewrite_args(options: &Options, args: &[String]) -> Vec<String> {
    let mut out = Vec::with_capacity(args.len());
    let mut iter = args.iter().peekable();
    while let Some(arg) = iter.next() {
        if arg == "--" {
            out.push(arg.clone());
            out.extend(iter.by_ref().cloned());
            break;
        }
        let (token, value) = match arg.split_once('=') {
            Some((t, v)) => (t, Some(v)),
            None => (arg.as_str(), None),
        };
        let target = if let Some(long) = token.strip_prefix("--") {
            options
                .options()
                .iter()
                .find(|o| o.long_opt.as_deref().map(str::trim) == Some(long))
                .map(|o| o.key().to_string())
        } else if let Some(name) = token.strip_prefix('-') {
            // A single-dash word: a multi-character short name, or a long name when no short
            // option is spelled that way (DefaultParser#handleShortAndLongOption).
            if name.chars().count() > 1 {
                options
                    .options()
                    .iter()
                    .find(|o| o.opt.as_deref() == Some(name))
                    .or_else(|| {
                        options
                            .options()
                            .iter()
                            .find(|o| o.long_opt.as_deref().map(str::trim) == Some(name))
                    })
                    .map(|o| o.key().to_string())
            } else {
                None
            }
        } else {
            None
        };
        match (target, value) {
            (Some(key), Some(v)) => out.push(format!("--{}={v}", clap_long(&key))),
            (Some(key), None) => out.push(format!("--{}", clap_long(&key))),
            (None, _) => out.push(arg.clone()),
        }
    }
    out
}

fn display_name(options: &Options, clap_id: &str) -> String {
    // clap renders an argument as `--k-<key> <key>` or `-t <t>`; recover the key.
    let cleaned = clap_id
        .split_whitespace()
        .next()
        .unwrap_or(clap_id)
        .trim_start_matches('-');
    let key = cleaned.strip_prefix("k-").unwrap_or(cleaned);
    options
        .get_option(key)
        .map_or_else(|| key.to_string(), |o| o.key().to_string())
}

fn map_clap_error(options: &Options, e: &clap::Error) -> ParseError {
    let context = |kind: ContextKind| -> Option<String> {
        match e.get(kind)? {
            ContextValue::String(s) => Some(s.clone()),
            ContextValue::Strings(v) => v.first().cloned(),
            other => Some(other.to_string()),
        }
    };
    match e.kind() {
        ErrorKind::UnknownArgument => {
            let arg = context(ContextKind::InvalidArg).unwrap_or_default();
            ParseError(format!("Unrecognized option: {arg}"))
        }
        ErrorKind::InvalidValue | ErrorKind::NoEquals | ErrorKind::WrongNumberOfValues => {
            let arg = context(ContextKind::InvalidArg).unwrap_or_default();
            ParseError(format!(
                "Missing argument for option: {}",
                display_name(options, &arg)
            ))
        }
        _ => ParseError(
            e.render()
                .to_string()
                .lines()
                .next()
                .unwrap_or_default()
                .to_string(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::options::CliOption;

    fn opts() -> Options {
        let mut o = Options::new();
        o.add_option(CliOption::new("h", "help", false, "Print help"));
        o.add_option(CliOption::new("n", "namesrvAddr", true, "ns"));
        o.add_option(CliOption::new("t", "topic", true, "topic name").required(true));
        o.add_option(CliOption::new("ri", "reportInterval", true, "ri"));
        o.add_option(CliOption::new("e", "endTimestamp ", true, "end"));
        o.add_option(CliOption::new("c", "clusterModel", false, "cm"));
        o
    }

    fn parse(args: &[&str]) -> Result<CommandLine, ParseError> {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        CommandLine::parse(&opts(), &args)
    }

    #[test]
    fn accepts_commons_cli_spellings() {
        let cl = parse(&[
            "-t",
            "T1",
            "-n127.0.0.1:9876",
            "-ri",
            "1000",
            "--endTimestamp=5",
            "-c",
        ])
        .unwrap();
        assert_eq!(cl.get_option_value("t"), Some("T1"));
        assert_eq!(cl.get_option_value("topic"), Some("T1"));
        assert_eq!(cl.get_option_value("n"), Some("127.0.0.1:9876"));
        assert_eq!(cl.get_option_value("ri"), Some("1000"));
        assert_eq!(cl.get_option_value("e"), Some("5"));
        assert!(cl.has_option("c"));
        assert!(!cl.has_option("h"));
        let cl = parse(&["-topic", " T2 ", "-e", "-1", "extra"]).unwrap();
        assert_eq!(cl.get_trimmed("t"), Some("T2"));
        assert_eq!(cl.get_option_value("e"), Some("-1"));
        assert_eq!(cl.args(), &["extra".to_string()]);
    }

    #[test]
    fn errors_carry_commons_cli_messages() {
        assert_eq!(
            parse(&["-n", "x"]).unwrap_err().0,
            "Missing required option: t"
        );
        assert_eq!(
            parse(&["-t", "T", "-x"]).unwrap_err().0,
            "Unrecognized option: -x"
        );
        assert_eq!(
            parse(&["-t"]).unwrap_err().0,
            "Missing argument for option: t"
        );
    }

    #[test]
    fn groups_reject_two_members_and_report_missing_ones() {
        let mut o = Options::new();
        o.add_option_group(
            vec![
                CliOption::new("b", "brokerAddr", true, "create topic to which broker"),
                CliOption::new("c", "clusterName", true, "create topic to which cluster"),
            ],
            true,
        );
        o.add_option(CliOption::new("t", "topic", true, "topic name").required(true));
        let err = CommandLine::parse(&o, &[]).unwrap_err();
        assert_eq!(
            err.0,
            "Missing required options: [-b create topic to which broker, -c create topic to which cluster], t"
        );
        let args: Vec<String> = ["-b", "x", "-c", "y", "-t", "T"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let err = CommandLine::parse(&o, &args).unwrap_err();
        assert_eq!(
            err.0,
            "The option 'c' was specified but an option from this group has already been selected: 'b'"
        );
    }
}
