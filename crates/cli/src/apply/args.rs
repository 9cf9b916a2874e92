//! `rvsadm apply`'s command line: its flags, their parser and its help.

use super::DEFAULT_DRAIN;
use std::time::Duration;

pub(super) const HELP: &str = "\
Usage: rvsadm apply [OPTIONS] FILE|-

Converge the IPVS table to the desired state in FILE (- reads standard
input): the fewest changes, edits in place where the kernel allows them,
never a flush. The services FILE names are owned (their destinations not in
FILE are removed); other services are left alone unless --prune.

FILE is the JSON document `rvsadm -S --json` writes, or ipvsadm rules (the
-A and -a lines `ipvsadm -S` writes; they carry no thresholds, timeouts or
sync daemons, which are then left as they are except thresholds, set to 0).

Options:
  --dry-run             print the plan, change nothing
  --json                the plan or result as one JSON object on stdout
  --pretty              indented JSON (implies --json)
  --prune               also delete the services FILE does not name
  --allow-empty         with --prune, let a FILE without services delete all
  --drain[=SECONDS]     remove destinations gracefully: weight 0 first, delete
                        once their connections end, waiting up to SECONDS
                        (default 60; 0: do not wait, a later apply finishes)
  --format json|rules   the input format (default: told by content)
  -h, --help            this text

Exit status: 0 the table is the desired state (--dry-run: nothing to do);
1 --dry-run with changes to make; 2 nothing changed (bad command line, bad
document, IPVS not usable); 3 some changes failed, the rest applied; 4 all
applied but drains still pending.
";

/// What a flag of `rvsadm apply` takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlagValue {
    /// Nothing.
    None,
    /// An optional `=VALUE` (`--drain[=SECONDS]`).
    Optional,
    /// One of these words.
    OneOf(&'static [&'static str]),
}

/// A flag of `rvsadm apply`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flag {
    /// Its long name, without `--`.
    pub long: &'static str,
    /// Its value.
    pub value: FlagValue,
    /// One line of help.
    pub help: &'static str,
}

/// The flags [`parse`] takes (besides `-h`/`--help`), for the shell
/// completions; a test checks them against the parser and the help text.
pub const FLAGS: &[Flag] = &[
    Flag {
        long: "dry-run",
        value: FlagValue::None,
        help: "print the plan, change nothing",
    },
    Flag {
        long: "json",
        value: FlagValue::None,
        help: "the plan or result as JSON",
    },
    Flag {
        long: "pretty",
        value: FlagValue::None,
        help: "indented JSON (implies --json)",
    },
    Flag {
        long: "prune",
        value: FlagValue::None,
        help: "also delete the services FILE does not name",
    },
    Flag {
        long: "allow-empty",
        value: FlagValue::None,
        help: "with --prune, let a FILE without services delete all",
    },
    Flag {
        long: "drain",
        value: FlagValue::Optional,
        help: "remove destinations gracefully, waiting up to SECONDS",
    },
    Flag {
        long: "format",
        value: FlagValue::OneOf(&["json", "rules"]),
        help: "the input format",
    },
];

/// The input format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The `-S --json` document.
    Json,
    /// ipvsadm rules text.
    Rules,
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
        match w {
            "--" => options_done = true,
            "-h" | "--help" => return Ok(None),
            "--dry-run" => a.dry_run = true,
            "--json" => a.json = true,
            "--pretty" => {
                a.json = true;
                a.pretty = true;
            }
            "--prune" => a.prune = true,
            "--allow-empty" => a.allow_empty = true,
            "--drain" => a.drain = Some(DEFAULT_DRAIN),
            "--format" => {
                let v = it.next().ok_or("--format needs a value: json or rules")?;
                a.format = Some(format_of(v)?);
            }
            _ => {
                if let Some(v) = w.strip_prefix("--drain=") {
                    let secs: u64 = v.parse().map_err(|_| {
                        format!("--drain={v}: the drain time is a whole number of seconds")
                    })?;
                    a.drain = Some(Duration::from_secs(secs));
                } else if let Some(v) = w.strip_prefix("--format=") {
                    a.format = Some(format_of(v)?);
                } else {
                    return Err(format!("unknown option {w} (see rvsadm apply --help)"));
                }
            }
        }
    }
    a.file = file.ok_or("apply needs a FILE (or - for standard input)")?;
    Ok(Some(a))
}

fn format_of(v: &str) -> Result<Format, String> {
    match v {
        "json" => Ok(Format::Json),
        "rules" => Ok(Format::Rules),
        _ => Err(format!("--format {v}: the formats are json and rules")),
    }
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
        // Every flag the completions offer is one the parser takes and the
        // help text describes.
        for f in FLAGS {
            let mut w = vec![format!("--{}", f.long)];
            match f.value {
                FlagValue::None => {}
                FlagValue::Optional => w[0].push_str("=5"),
                FlagValue::OneOf(v) => w.extend(v.iter().take(1).map(|x| x.to_string())),
            }
            w.push("f.json".into());
            assert!(parse(&w).is_ok_and(|a| a.is_some()), "{w:?}");
            assert!(
                HELP.contains(&format!("--{}", f.long)),
                "--{} not in the help",
                f.long
            );
        }
        for bad in [
            "",
            "a b",
            "--drain=x f",
            "--format yaml f",
            "--nope f",
            "--format",
        ] {
            assert!(parse(&words(bad)).is_err(), "{bad}");
        }
    }
}
