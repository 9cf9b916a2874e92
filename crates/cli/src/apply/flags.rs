//! The one table of `rvsadm apply`'s flags: name, value, help. The parser
//! ([`super::parse`]), the `--help` text ([`super::help`]), the shell
//! completions ([`crate::completions`]) and the manual page's test
//! (`tests/man_options.rs`) all read it, so none of them can name a flag the
//! others do not know.

/// What a flag sets in [`super::ApplyArgs`] (or does).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlagId {
    /// `--dry-run`.
    DryRun,
    /// `--json`.
    Json,
    /// `--pretty`.
    Pretty,
    /// `--prune`.
    Prune,
    /// `--allow-empty`.
    AllowEmpty,
    /// `--drain[=SECONDS]`.
    Drain,
    /// `--format json|rules`.
    Format,
    /// `-h`, `--help`.
    Help,
}

/// What a flag of `rvsadm apply` takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlagValue {
    /// Nothing.
    None,
    /// An optional `=VALUE`, named so in the help (`--drain[=SECONDS]`).
    Optional(&'static str),
    /// One of these words, as the next word or after `=`.
    OneOf(&'static [&'static str]),
}

impl FlagValue {
    /// The words of [`FlagValue::OneOf`] (none for the others).
    ///
    /// ```
    /// use rvsadm_cli::apply::FlagValue;
    /// assert_eq!(FlagValue::OneOf(&["json", "rules"]).words(), ["json", "rules"]);
    /// assert!(FlagValue::None.words().is_empty());
    /// ```
    pub fn words(&self) -> &'static [&'static str] {
        match self {
            FlagValue::OneOf(words) => words,
            FlagValue::None | FlagValue::Optional(_) => &[],
        }
    }
}

/// A flag of `rvsadm apply`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flag {
    /// What it sets.
    pub id: FlagId,
    /// Its long name, without `--`.
    pub long: &'static str,
    /// Its short name, if it has one.
    pub short: Option<char>,
    /// Its value.
    pub value: FlagValue,
    /// What it does, on one line (the completions show it; so does
    /// `--help` when there is no [`Flag::long_help`]).
    pub help: &'static str,
    /// What `--help` says, when it says more than [`Flag::help`]: lines
    /// without their indentation.
    pub long_help: Option<&'static str>,
}

impl Flag {
    const fn new(id: FlagId, long: &'static str, help: &'static str) -> Flag {
        Flag {
            id,
            long,
            short: None,
            value: FlagValue::None,
            help,
            long_help: None,
        }
    }

    const fn with_value(mut self, value: FlagValue) -> Flag {
        self.value = value;
        self
    }

    const fn with_long_help(mut self, text: &'static str) -> Flag {
        self.long_help = Some(text);
        self
    }

    const fn with_short(mut self, c: char) -> Flag {
        self.short = Some(c);
        self
    }

    /// How `--help` names it: `--drain[=SECONDS]`, `--format json|rules`,
    /// `-h, --help`.
    ///
    /// ```
    /// use rvsadm_cli::apply::{FlagId, FLAGS};
    /// let label = |id| FLAGS.iter().find(|f| f.id == id).unwrap().label();
    /// assert_eq!(label(FlagId::Drain), "--drain[=SECONDS]");
    /// assert_eq!(label(FlagId::Format), "--format json|rules");
    /// assert_eq!(label(FlagId::Help), "-h, --help");
    /// ```
    pub fn label(&self) -> String {
        let short = self.short.map(|c| format!("-{c}, ")).unwrap_or_default();
        let value = match self.value {
            FlagValue::None => String::new(),
            FlagValue::Optional(name) => format!("[={name}]"),
            FlagValue::OneOf(words) => format!(" {}", words.join("|")),
        };
        format!("{short}--{}{value}", self.long)
    }
}

/// The text of the file operand, as the completions describe it.
pub const FILE_HELP: &str = "the desired state (- for standard input)";

/// Every flag of `rvsadm apply`, in the order `--help` lists them.
pub const FLAGS: &[Flag] = &[
    Flag::new(FlagId::DryRun, "dry-run", "print the plan, change nothing"),
    Flag::new(FlagId::Json, "json", "the plan or result as JSON")
        .with_long_help("the plan or result as one JSON object on stdout"),
    Flag::new(FlagId::Pretty, "pretty", "indented JSON (implies --json)"),
    Flag::new(
        FlagId::Prune,
        "prune",
        "also delete the services FILE does not name",
    ),
    Flag::new(
        FlagId::AllowEmpty,
        "allow-empty",
        "with --prune, let a FILE without services delete all",
    ),
    Flag::new(
        FlagId::Drain,
        "drain",
        "remove destinations gracefully, waiting up to SECONDS",
    )
    .with_value(FlagValue::Optional("SECONDS"))
    .with_long_help(
        "remove destinations gracefully: weight 0 first, delete\n\
         once their connections end, waiting up to SECONDS\n\
         (default 60; 0: do not wait, a later apply finishes)",
    ),
    Flag::new(FlagId::Format, "format", "the input format")
        .with_value(FlagValue::OneOf(&["json", "rules"]))
        .with_long_help("the input format (default: told by content)"),
    Flag::new(FlagId::Help, "help", "this text").with_short('h'),
];

/// The flag the command-line word `word` names exactly (`--prune`, `-h`),
/// with no value attached.
pub fn flag_named(word: &str) -> Option<&'static Flag> {
    FLAGS.iter().find(|f| {
        word.strip_prefix("--") == Some(f.long)
            || f.short.is_some_and(|c| {
                let mut rest = word.strip_prefix('-').unwrap_or_default().chars();
                rest.next() == Some(c) && rest.next().is_none()
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_ids_are_unique() {
        for (i, a) in FLAGS.iter().enumerate() {
            for b in &FLAGS[i + 1..] {
                assert_ne!(a.long, b.long);
                assert_ne!(a.id, b.id);
                assert!(a.short.is_none() || a.short != b.short);
            }
            assert_eq!(flag_named(&format!("--{}", a.long)), Some(a));
            if let Some(c) = a.short {
                assert_eq!(flag_named(&format!("-{c}")), Some(a));
            }
        }
        assert_eq!(flag_named("--drain=5"), None);
        assert_eq!(flag_named("-hx"), None);
        assert_eq!(flag_named("dry-run"), None);
    }
}
