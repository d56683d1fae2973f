//! `Options`, `CliOption` and `OptionGroup`: the option model of Apache Commons CLI 1.5
//! (`org.apache.commons.cli.Options`, `Option`, `OptionGroup`) that every mqadmin
//! subcommand and benchmark tool declares, kept with Java's quirks so that help output and
//! parse errors read as Java's do:
//!
//! - an option is keyed by its short name (`opt`, which may be several characters such as
//!   `ri`), or by its long name when it has none;
//! - adding an option with a key already present replaces it but keeps the first position
//!   (Java's `LinkedHashMap.put`);
//! - long names are kept verbatim, trailing spaces and inner blanks included (`"endTimestamp "`,
//!   `"print log"`), because Java prints them that way in help.

/// One command line option (Java `org.apache.commons.cli.Option`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CliOption {
    /// Short name without the dash (`t`, `ri`); `None` for long-only options.
    pub opt: Option<String>,
    /// Long name without the dashes, verbatim.
    pub long_opt: Option<String>,
    /// Whether the option takes one value.
    pub has_arg: bool,
    /// Whether the option must be present.
    pub required: bool,
    /// Help text.
    pub description: String,
}

impl CliOption {
    /// Builds an optional option (`new Option(opt, longOpt, hasArg, description)`).
    pub fn new(opt: &str, long_opt: &str, has_arg: bool, description: &str) -> Self {
        CliOption {
            opt: (!opt.is_empty()).then(|| opt.to_string()),
            long_opt: (!long_opt.is_empty()).then(|| long_opt.to_string()),
            has_arg,
            required: false,
            description: description.to_string(),
        }
    }

    /// Builds a long-only option (`new Option(null, longOpt, hasArg, description)`).
    pub fn long_only(long_opt: &str, has_arg: bool, description: &str) -> Self {
        Self::new("", long_opt, has_arg, description)
    }

    /// Returns the option marked as required (`setRequired(true)`).
    pub fn required(mut self, required: bool) -> Self {
        self.required = required;
        self
    }

    /// Returns the key the option is stored and looked up under (`Option#getKey`).
    pub fn key(&self) -> &str {
        self.opt
            .as_deref()
            .or(self.long_opt.as_deref())
            .unwrap_or_default()
    }
}

/// Mutually exclusive options (Java `OptionGroup`): at most one may be given, and exactly one
/// when the group is required.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OptionGroup {
    /// Keys of the member options, in the order they were added.
    pub keys: Vec<String>,
    /// Whether one member must be present.
    pub required: bool,
}

/// A command's options (Java `Options`), in insertion order.
#[derive(Debug, Clone, Default)]
pub struct Options {
    options: Vec<CliOption>,
    groups: Vec<OptionGroup>,
    /// Required option keys and required groups (by index), in Java's `requiredOpts` order.
    required: Vec<Required>,
}

/// An entry of Java's `requiredOpts` list: an option key or a group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Required {
    /// A required option, by key.
    Option(String),
    /// A required group, by index into the group list.
    Group(usize),
}

impl Options {
    /// Creates an empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an option or replaces the one with the same key (`Options#addOption`).
    pub fn add_option(&mut self, option: CliOption) -> &mut Self {
        let key = option.key().to_string();
        if option.required {
            self.required
                .retain(|r| *r != Required::Option(key.clone()));
            self.required.push(Required::Option(key.clone()));
        }
        match self.options.iter_mut().find(|o| o.key() == key) {
            Some(existing) => *existing = option,
            None => self.options.push(option),
        }
        self
    }

    /// Adds a group of mutually exclusive options (`Options#addOptionGroup`); the members lose
    /// their own required flag, the group carries it.
    pub fn add_option_group(&mut self, members: Vec<CliOption>, required: bool) -> &mut Self {
        let index = self.groups.len();
        if required {
            self.required.push(Required::Group(index));
        }
        let mut group = OptionGroup {
            keys: Vec::new(),
            required,
        };
        for mut option in members {
            option.required = false;
            group.keys.push(option.key().to_string());
            self.add_option(option);
        }
        self.groups.push(group);
        self
    }

    /// Returns every option in insertion order (`Options#getOptions`).
    pub fn options(&self) -> &[CliOption] {
        &self.options
    }

    /// Returns the option stored under `key`, or whose long name is `key`.
    pub fn get_option(&self, key: &str) -> Option<&CliOption> {
        self.options.iter().find(|o| o.key() == key).or_else(|| {
            self.options
                .iter()
                .find(|o| o.long_opt.as_deref() == Some(key))
        })
    }

    /// Returns the group the option with `key` belongs to (`Options#getOptionGroup`).
    pub fn group_of(&self, key: &str) -> Option<(usize, &OptionGroup)> {
        self.groups
            .iter()
            .enumerate()
            .find(|(_, g)| g.keys.iter().any(|k| k == key))
    }

    /// Returns the groups.
    pub fn groups(&self) -> &[OptionGroup] {
        &self.groups
    }

    /// Returns the required options and groups in Java's order.
    pub fn required(&self) -> &[Required] {
        &self.required
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replacing_a_key_keeps_the_first_position() {
        let mut o = Options::new();
        o.add_option(CliOption::new("c", "cplus", false, "old"));
        o.add_option(CliOption::new("t", "topic", true, "topic"));
        o.add_option(CliOption::new("c", "cluster", true, "new"));
        let keys: Vec<_> = o.options().iter().map(|x| x.long_opt.clone()).collect();
        assert_eq!(
            keys,
            vec![Some("cluster".to_string()), Some("topic".to_string())]
        );
    }

    #[test]
    fn groups_carry_the_required_flag() {
        let mut o = Options::new();
        o.add_option_group(
            vec![
                CliOption::new("b", "brokerAddr", true, "b").required(true),
                CliOption::new("c", "clusterName", true, "c"),
            ],
            true,
        );
        assert!(o.options().iter().all(|x| !x.required));
        assert_eq!(o.required(), &[Required::Group(0)]);
        assert_eq!(o.group_of("c").map(|(i, _)| i), Some(0));
        assert_eq!(o.get_option("clusterName").map(|x| x.key()), Some("c"));
    }
}
