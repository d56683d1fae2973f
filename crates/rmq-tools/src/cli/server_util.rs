//! `ServerUtil` (Java `srvutil/ServerUtil`): the `-h`/`-n` options every RocketMQ program
//! has, and the parse-or-print-usage step.

use super::command_line::CommandLine;
use super::help_formatter::render_help;
use super::options::{CliOption, Options};

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
