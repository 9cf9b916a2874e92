//! `rvsadm apply`'s command line: its parser and its help, both made from
//! the flag table ([`super::flags::FLAGS`]).

use super::flags::{flag_named, Flag, FlagId, FlagValue, FLAGS};
use super::DEFAULT_DRAIN;
use std::time::Duration;

/// The help text before the flags.
const HELP_HEAD: &str = "\
Usage: rvsadm apply [OPTIONS] FILE|-

Converge the IPVS table to the desired state in FILE (- reads standard
input): the fewest changes, edits in place where the kernel allows them,
never a flush. The services FILE names are owned (their destinations not in
FILE are removed); other services are left alone unless --prune.

FILE is the JSON document `rvsadm -S --json` writes, or ipvsadm rules (the
-A and -a lines `ipvsadm -S` writes; they carry no thresholds, timeouts or
sync daemons, which are then left as they are except thresholds, set to 0).

Options:
";

/// The help text after the flags.
const HELP_TAIL: &str = "
Exit status: 0 the table is the desired state (--dry-run: nothing to do);
1 --dry-run with changes to make; 2 nothing changed (bad command line, bad
document, IPVS not usable); 3 some changes failed, the rest applied; 4 all
applied but drains still pending.
";

/// Where a flag's description starts on its `--help` line.
const HELP_COLUMN: usize = 24;

/// `rvsadm apply --help`: the usage, then one entry per row of
/// [`FLAGS`] (its [`Flag::label`], then its help), then the exit statuses.
///
/// ```
/// let text = rvsadm_cli::apply::help();
/// assert!(text.starts_with("Usage: rvsadm apply [OPTIONS] FILE|-\n"));
/// assert!(text.contains("\n  --dry-run             print the plan, change nothing\n"));
/// ```
pub fn help() -> String {
    let mut text = HELP_HEAD.to_string();
    for flag in FLAGS {
        let label = format!("  {}", flag.label());
        let mut lines = flag.long_help.unwrap_or(flag.help).lines();
        let first = lines.next().unwrap_or_default();
        text.push_str(&format!("{label:<HELP_COLUMN$}{first}\n"));
        for line in lines {
            text.push_str(&format!("{:HELP_COLUMN$}{line}\n", ""));
        }
    }
    text.push_str(HELP_TAIL);
    text
}

/// Whether `words` ask for JSON (`--json` or `--pretty` among them), so
/// that even a command line that does not parse is refused in JSON.
pub fn wants_json(words: &[String]) -> bool {
    words
        .iter()
        .filter_map(|w| flag_named(w))
        .any(|f| matches!(f.id, FlagId::Json | FlagId::Pretty))
}

/// The input format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The `-S --json` document.
    Json,
    /// ipvsadm rules text.
    Rules,
}

impl Format {
    /// The format a `--format` word names (the words of its row of
    /// [`FLAGS`]; a test keeps them in step).
    ///
    /// ```
    /// use rvsadm_cli::apply::Format;
    /// assert_eq!(Format::named("rules"), Some(Format::Rules));
    /// assert_eq!(Format::named("yaml"), None);
    /// ```
    pub fn named(word: &str) -> Option<Format> {
        match word {
            "json" => Some(Format::Json),
            "rules" => Some(Format::Rules),
            _ => None,
        }
    }
}

/// A parsed `rvsadm apply` command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplyArgs {
    /// `--dry-run`.
    pub dry_run: bool,
    /// `--json`.
    pub json: bool,
    /// `--pretty`.
    pub pretty: bool,
    /// `--prune`.
    pub prune: bool,
    /// `--drain[=SECONDS]`: how long to wait.
    pub drain: Option<Duration>,
    /// `--format`; `None`: by content.
    pub format: Option<Format>,
    /// `--allow-empty`: with `--prune`, a desired state without services
    /// may delete them all.
    pub allow_empty: bool,
    /// The file, `-` for standard input.
    pub file: String,
}

/// Parse the words after `apply`; `Ok(None)` is `--help`.
///
/// ```
/// use rvsadm_cli::apply::parse;
/// let words = |s: &str| s.split(' ').map(String::from).collect::<Vec<_>>();
/// let a = parse(&words("--prune --drain=30 rules.txt")).unwrap().unwrap();
/// assert!(a.prune && a.drain.is_some_and(|d| d.as_secs() == 30));
/// assert_eq!(parse(&words("-h")), Ok(None));
/// assert!(parse(&words("--nope x")).is_err());
/// ```
pub fn parse(words: &[String]) -> Result<Option<ApplyArgs>, String> {
    let mut a = ApplyArgs {
        dry_run: false,
        json: false,
        pretty: false,
        prune: false,
        drain: None,
        format: None,
        allow_empty: false,
        file: String::new(),
    };
    let mut file = None;
    let mut it = words.iter();
    let mut options_done = false;
    while let Some(w) = it.next() {
        let w = w.as_str();
        if options_done || w == "-" || !w.starts_with('-') {
            if file.replace(w.to_string()).is_some() {
                return Err("apply takes one FILE (or - for standard input)".into());
            }
            continue;
        }
        if w == "--" {
            options_done = true;
            continue;
        }
        let (flag, attached) = find(w)?;
        let value = match (flag.value, attached) {
            (FlagValue::OneOf(words), None) => {
                Some(it.next().map(String::as_str).ok_or_else(|| {
                    format!("--{} needs a value: {}", flag.long, words.join(" or "))
                })?)
            }
            (_, v) => v,
        };
        if !set(&mut a, flag, value)? {
            return Ok(None);
        }
    }
    a.file = file.ok_or("apply needs a FILE (or - for standard input)")?;
    Ok(Some(a))
}

/// The flag a word names: `--name`, `-c`, or `--name=VALUE` for a flag
/// that takes a value (with the value).
fn find(word: &str) -> Result<(&'static Flag, Option<&str>), String> {
    if let Some(flag) = flag_named(word) {
        return Ok((flag, None));
    }
    word.strip_prefix("--")
        .and_then(|w| w.split_once('='))
        .and_then(|(name, value)| {
            let flag = flag_named(&format!("--{name}"))?;
            (flag.value != FlagValue::None).then_some((flag, Some(value)))
        })
        .ok_or_else(|| format!("unknown option {word} (see rvsadm apply --help)"))
}

/// What `flag` (with its `value`) sets in `a`; `Ok(false)` is `--help`.
fn set(a: &mut ApplyArgs, flag: &Flag, value: Option<&str>) -> Result<bool, String> {
    match flag.id {
        FlagId::Help => return Ok(false),
        FlagId::DryRun => a.dry_run = true,
        FlagId::Json => a.json = true,
        FlagId::Pretty => {
            a.json = true;
            a.pretty = true;
        }
        FlagId::Prune => a.prune = true,
        FlagId::AllowEmpty => a.allow_empty = true,
        FlagId::Drain => {
            a.drain = Some(match value {
                None => DEFAULT_DRAIN,
                Some(v) => Duration::from_secs(v.parse().map_err(|_| {
                    format!("--drain={v}: the drain time is a whole number of seconds")
                })?),
            })
        }
        FlagId::Format => {
            let v = value.unwrap_or_default();
            let format = Format::named(v).ok_or_else(|| {
                let names = flag.value.words().join(" and ");
                format!("--{} {v}: the formats are {names}", flag.long)
            })?;
            a.format = Some(format);
        }
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn command_lines() {
        let a = parse(&words(
            "--dry-run --prune --drain=30 --format rules x.rules",
        ))
        .unwrap()
        .unwrap();
        assert!(a.dry_run && a.prune && !a.json);
        assert_eq!(a.drain, Some(Duration::from_secs(30)));
        assert_eq!(a.format, Some(Format::Rules));
        assert_eq!(a.file, "x.rules");
        let a = parse(&words("--drain --pretty -")).unwrap().unwrap();
        assert_eq!(
            (a.drain, a.json, a.file.as_str()),
            (Some(DEFAULT_DRAIN), true, "-")
        );
        assert_eq!(parse(&words("--help")).unwrap(), None);
        assert_eq!(parse(&words("x -h --nope")).unwrap(), None);
        let a = parse(&words("--format=json -- --prune")).unwrap().unwrap();
        assert_eq!(
            (a.format, a.prune, a.file.as_str()),
            (Some(Format::Json), false, "--prune")
        );
        let err = |s: &str| parse(&words(s)).unwrap_err();
        assert_eq!(err(""), "apply needs a FILE (or - for standard input)");
        assert_eq!(err("a b"), "apply takes one FILE (or - for standard input)");
        assert_eq!(
            err("--drain=x f"),
            "--drain=x: the drain time is a whole number of seconds"
        );
        assert_eq!(
            err("--format yaml f"),
            "--format yaml: the formats are json and rules"
        );
        assert_eq!(err("--format"), "--format needs a value: json or rules");
        for bad in ["--nope", "--dry-run=1", "--help=x", "-hh", "--drain5"] {
            assert_eq!(
                err(&format!("{bad} f")),
                format!("unknown option {bad} (see rvsadm apply --help)")
            );
        }
    }

    /// Every row of the table is taken by the parser, in each spelling of
    /// its value, and sets what its id says (and nothing else).
    #[test]
    fn every_flag_parses_as_its_row_says() {
        let base = parse(&words("f.json")).unwrap().unwrap();
        for f in FLAGS {
            let mut spellings = vec![vec![format!("--{}", f.long)]];
            if let Some(c) = f.short {
                spellings.push(vec![format!("-{c}")]);
            }
            match f.value {
                FlagValue::None => {}
                FlagValue::Optional(_) => spellings.push(vec![format!("--{}=5", f.long)]),
                FlagValue::OneOf(v) => {
                    spellings = v
                        .iter()
                        .flat_map(|w| {
                            [
                                vec![format!("--{}", f.long), w.to_string()],
                                vec![format!("--{}={w}", f.long)],
                            ]
                        })
                        .collect()
                }
            }
            for mut w in spellings {
                w.push("f.json".into());
                let got = parse(&w).unwrap_or_else(|e| panic!("{w:?}: {e}"));
                let Some(a) = got else {
                    assert_eq!(f.id, FlagId::Help, "{w:?}");
                    continue;
                };
                let mut want = base.clone();
                match f.id {
                    FlagId::DryRun => want.dry_run = true,
                    FlagId::Json => want.json = true,
                    FlagId::Pretty => (want.json, want.pretty) = (true, true),
                    FlagId::Prune => want.prune = true,
                    FlagId::AllowEmpty => want.allow_empty = true,
                    FlagId::Drain => {
                        want.drain = Some(match w[0].split_once('=') {
                            Some((_, secs)) => Duration::from_secs(secs.parse().unwrap()),
                            None => DEFAULT_DRAIN,
                        })
                    }
                    FlagId::Format => {
                        let word = w[0].split_once('=').map_or(w[1].as_str(), |(_, v)| v);
                        want.format = Format::named(word);
                        assert!(want.format.is_some(), "{w:?}");
                    }
                    FlagId::Help => unreachable!("{w:?}"),
                }
                assert_eq!(a, want, "{w:?}");
            }
        }
        assert!(wants_json(&words("x --pretty")) && !wants_json(&words("--json=1 x")));
    }

    /// `--help` lists exactly the rows of the table, each on a line of its
    /// own with its label and the first line of its help.
    #[test]
    fn help_lists_every_flag() {
        let text = help();
        let options =
            &text[text.find("\nOptions:\n").unwrap()..text.find("\nExit status").unwrap()];
        let labels: Vec<&str> = options
            .lines()
            .filter_map(|l| l.strip_prefix("  ").filter(|l| l.starts_with('-')))
            .map(|l| l.split("  ").next().unwrap_or_default())
            .collect();
        let want: Vec<String> = FLAGS.iter().map(Flag::label).collect();
        assert_eq!(labels, want);
        for f in FLAGS {
            let first = f.long_help.unwrap_or(f.help).lines().next().unwrap();
            assert!(
                options.contains(&format!(
                    "{:<HELP_COLUMN$}{first}\n",
                    format!("  {}", f.label())
                )),
                "{}",
                f.long
            );
        }
        // Every --format word names a format, and only those do.
        for f in FLAGS.iter().filter(|f| f.id == FlagId::Format) {
            assert!(f.value.words().iter().all(|w| Format::named(w).is_some()));
        }
    }
}
