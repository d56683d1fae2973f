//! `HelpFormatter`: renders `usage: ...` plus the option table exactly as Apache Commons CLI
//! 1.5's `HelpFormatter#printHelp(width, app, null, options, null, autoUsage = true)` does with
//! the width 110 that RocketMQ's `ServerUtil` sets: options sorted by key ignoring case,
//! groups shown as `-b <arg> | -c <arg>`, text wrapped at the last blank before the width,
//! continuation lines indented.

use super::options::{CliOption, Options};

/// The help width RocketMQ uses (`ServerUtil`: `hf.setWidth(110)`).
pub const HELP_WIDTH: usize = 110;

/// Spaces left of each option (`HelpFormatter.DEFAULT_LEFT_PAD`).
const LEFT_PAD: usize = 1;
/// Spaces between an option and its description (`HelpFormatter.DEFAULT_DESC_PAD`).
const DESC_PAD: usize = 3;

/// Returns the complete help text of `app` (ends with a newline), as `ServerUtil.printCommandLineHelp`
/// prints it.
pub fn render_help(app: &str, options: &Options) -> String {
    let mut out = render_usage(app, options);
    out.push('\n');
    out.push_str(&render_options(options));
    out.push('\n');
    out
}

fn sorted(options: &Options) -> Vec<&CliOption> {
    let mut list: Vec<&CliOption> = options.options().iter().collect();
    // Java: OptionComparator, getKey().compareToIgnoreCase; Collections.sort is stable.
    list.sort_by(|a, b| compare_ignore_case(a.key(), b.key()));
    list
}

/// Java's `String#compareToIgnoreCase` (per char, upper then lower case).
fn compare_ignore_case(a: &str, b: &str) -> std::cmp::Ordering {
    let fold = |c: char| {
        let u = c.to_uppercase().next().unwrap_or(c);
        u.to_lowercase().next().unwrap_or(u)
    };
    a.chars().map(fold).cmp(b.chars().map(fold))
}

fn append_option(buf: &mut String, option: &CliOption, required: bool) {
    if !required {
        buf.push('[');
    }
    match &option.opt {
        Some(opt) => {
            buf.push('-');
            buf.push_str(opt);
        }
        None => {
            buf.push_str("--");
            buf.push_str(option.long_opt.as_deref().unwrap_or_default());
        }
    }
    if option.has_arg {
        // longOptSeparator and the default separator are both a blank.
        buf.push_str(" <arg>");
    }
    if !required {
        buf.push(']');
    }
}

/// Renders the `usage:` line(s) without the final newline (`printUsage`).
fn render_usage(app: &str, options: &Options) -> String {
    let mut buf = format!("usage: {app} ");
    let mut processed_groups: Vec<usize> = Vec::new();
    let list = sorted(options);
    for (i, option) in list.iter().enumerate() {
        match options.group_of(option.key()) {
            Some((index, group)) => {
                if !processed_groups.contains(&index) {
                    processed_groups.push(index);
                    if !group.required {
                        buf.push('[');
                    }
                    let mut members: Vec<&CliOption> = group
                        .keys
                        .iter()
                        .filter_map(|k| options.options().iter().find(|o| o.key() == k))
                        .collect();
                    members.sort_by(|a, b| compare_ignore_case(a.key(), b.key()));
                    for (j, member) in members.iter().enumerate() {
                        append_option(&mut buf, member, true);
                        if j + 1 < members.len() {
                            buf.push_str(" | ");
                        }
                    }
                    if !group.required {
                        buf.push(']');
                    }
                }
            }
            None => append_option(&mut buf, option, option.required),
        }
        if i + 1 < list.len() {
            buf.push(' ');
        }
    }
    let tab = buf.find(' ').map_or(0, |p| p + 1);
    render_wrapped_text_block(HELP_WIDTH, tab, &buf)
}

/// Renders the option table without the final newline (`renderOptions`).
fn render_options(options: &Options) -> String {
    let lpad = " ".repeat(LEFT_PAD);
    let dpad = " ".repeat(DESC_PAD);
    let list = sorted(options);
    let prefixes: Vec<String> = list
        .iter()
        .map(|option| {
            let mut b = String::new();
            match &option.opt {
                None => {
                    b.push_str(&lpad);
                    b.push_str("   --");
                    b.push_str(option.long_opt.as_deref().unwrap_or_default());
                }
                Some(opt) => {
                    b.push_str(&lpad);
                    b.push('-');
                    b.push_str(opt);
                    if let Some(long) = &option.long_opt {
                        b.push_str(",--");
                        b.push_str(long);
                    }
                }
            }
            if option.has_arg {
                b.push_str(" <arg>");
            }
            b
        })
        .collect();
    let max = prefixes
        .iter()
        .map(|p| p.chars().count())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for (i, (option, prefix)) in list.iter().zip(&prefixes).enumerate() {
        let mut line = prefix.clone();
        let len = line.chars().count();
        if len < max {
            line.push_str(&" ".repeat(max - len));
        }
        line.push_str(&dpad);
        line.push_str(&option.description);
        out.push_str(&render_wrapped_text(HELP_WIDTH, max + DESC_PAD, &line));
        if i + 1 < list.len() {
            out.push('\n');
        }
    }
    out
}

fn render_wrapped_text_block(width: usize, next_line_tab_stop: usize, text: &str) -> String {
    text.lines()
        .map(|line| render_wrapped_text(width, next_line_tab_stop, line))
        .collect::<Vec<_>>()
        .join("\n")
}

fn rtrim(s: &[char]) -> String {
    let mut end = s.len();
    while end > 0 && s[end - 1].is_whitespace() {
        end -= 1;
    }
    s[..end].iter().collect()
}

fn trim(s: &[char]) -> &[char] {
    // Java String#trim strips chars <= ' '.
    let mut start = 0;
    let mut end = s.len();
    while start < end && s[start] <= ' ' {
        start += 1;
    }
    while end > start && s[end - 1] <= ' ' {
        end -= 1;
    }
    &s[start..end]
}

/// Java `HelpFormatter#findWrapPos` over chars; `None` when the text fits.
fn find_wrap_pos(text: &[char], width: usize, start: usize) -> Option<usize> {
    if let Some(p) = text.iter().skip(start).position(|&c| c == '\n') {
        if start + p <= width {
            return Some(start + p + 1);
        }
    }
    if let Some(p) = text.iter().skip(start).position(|&c| c == '\t') {
        if start + p <= width {
            return Some(start + p + 1);
        }
    }
    if start + width >= text.len() {
        return None;
    }
    let mut pos = start + width;
    loop {
        let c = text[pos];
        if c == ' ' || c == '\n' || c == '\r' {
            break;
        }
        if pos == start {
            break;
        }
        pos -= 1;
    }
    if pos > start {
        return Some(pos);
    }
    let pos = start + width;
    (pos != text.len()).then_some(pos)
}

/// Java `HelpFormatter#renderWrappedText`.
fn render_wrapped_text(width: usize, next_line_tab_stop: usize, text: &str) -> String {
    let mut text: Vec<char> = text.chars().collect();
    let mut sb = String::new();
    let Some(mut pos) = find_wrap_pos(&text, width, 0) else {
        return rtrim(&text);
    };
    sb.push_str(&rtrim(&text[..pos]));
    sb.push('\n');
    let tab_stop = if next_line_tab_stop >= width {
        1
    } else {
        next_line_tab_stop
    };
    let padding: Vec<char> = vec![' '; tab_stop];
    loop {
        let rest = trim(&text[pos..]).to_vec();
        text = padding.iter().copied().chain(rest).collect();
        match find_wrap_pos(&text, width, 0) {
            None => {
                sb.extend(text.iter());
                return sb;
            }
            Some(p) => {
                pos = p;
                if text.len() > width && pos == tab_stop - 1 {
                    pos = width;
                }
                sb.push_str(&rtrim(&text[..pos]));
                sb.push('\n');
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server_util_options() -> Options {
        let mut o = Options::new();
        o.add_option(CliOption::new("h", "help", false, "Print help"));
        o.add_option(CliOption::new(
            "n",
            "namesrvAddr",
            true,
            "Name server address list, eg: '192.168.0.1:9876;192.168.0.2:9876'",
        ));
        o
    }

    #[test]
    fn group_usage_and_wrapping_match_java() {
        let mut o = server_util_options();
        o.add_option_group(
            vec![
                CliOption::new("b", "brokerAddr", true, "create topic to which broker"),
                CliOption::new("c", "clusterName", true, "create topic to which cluster"),
            ],
            true,
        );
        o.add_option(CliOption::new(
            "a",
            "attributes",
            true,
            "attribute(+a=b,+c=d,-e)",
        ));
        o.add_option(CliOption::new("t", "topic", true, "topic name").required(true));
        o.add_option(CliOption::new(
            "r",
            "readQueueNums",
            true,
            "set read queue nums",
        ));
        o.add_option(CliOption::new(
            "w",
            "writeQueueNums",
            true,
            "set write queue nums",
        ));
        o.add_option(CliOption::new(
            "p",
            "perm",
            true,
            "set topic's permission(2|4|6), intro[2:W 4:R; 6:RW]",
        ));
        o.add_option(CliOption::new(
            "o",
            "order",
            true,
            "set topic's order(true|false)",
        ));
        o.add_option(CliOption::new(
            "u",
            "unit",
            true,
            "is unit topic (true|false)",
        ));
        o.add_option(CliOption::new(
            "s",
            "hasUnitSub",
            true,
            "has unit sub (true|false)",
        ));
        let expected = "\
usage: mqadmin updateTopic [-a <arg>] -b <arg> | -c <arg>  [-h] [-n <arg>] [-o <arg>] [-p <arg>] [-r <arg>]
       [-s <arg>] -t <arg> [-u <arg>] [-w <arg>]
 -a,--attributes <arg>       attribute(+a=b,+c=d,-e)
 -b,--brokerAddr <arg>       create topic to which broker
 -c,--clusterName <arg>      create topic to which cluster
 -h,--help                   Print help
 -n,--namesrvAddr <arg>      Name server address list, eg: '192.168.0.1:9876;192.168.0.2:9876'
 -o,--order <arg>            set topic's order(true|false)
 -p,--perm <arg>             set topic's permission(2|4|6), intro[2:W 4:R; 6:RW]
 -r,--readQueueNums <arg>    set read queue nums
 -s,--hasUnitSub <arg>       has unit sub (true|false)
 -t,--topic <arg>            topic name
 -u,--unit <arg>             is unit topic (true|false)
 -w,--writeQueueNums <arg>   set write queue nums
";
        assert_eq!(render_help("mqadmin updateTopic", &o), expected);
    }

    #[test]
    fn long_names_with_blanks_and_flags_match_java() {
        let mut o = server_util_options();
        o.add_option(CliOption::new("c", "clusterModel", false, "clusterModel"));
        let expected = "\
usage: mqadmin topicList [-c] [-h] [-n <arg>]
 -c,--clusterModel        clusterModel
 -h,--help                Print help
 -n,--namesrvAddr <arg>   Name server address list, eg: '192.168.0.1:9876;192.168.0.2:9876'
";
        assert_eq!(render_help("mqadmin topicList", &o), expected);
    }

    #[test]
    fn long_descriptions_wrap_under_the_description_column() {
        let mut o = Options::new();
        o.add_option(CliOption::new("x", "x", true, &"word ".repeat(40)));
        let help = render_help("app", &o);
        let lines: Vec<&str> = help.lines().collect();
        assert!(lines.len() > 3, "{help}");
        assert!(lines.iter().all(|l| l.chars().count() <= HELP_WIDTH));
        assert!(lines[2].starts_with(&" ".repeat(" -x,--x <arg>".len() + 3)));
    }
}
