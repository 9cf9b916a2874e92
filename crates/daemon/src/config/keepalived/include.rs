//! What an `include` line opens and when a file it cannot open is an
//! error, following keepalived 2.2.7's `lib/parser.c`
//! (`check_include`, `open_and_check_glob`, `check_glob_file`,
//! `open_conf_file`, `include_check_set`) and keepalived.conf(5).
//!
//! keepalived skips what it cannot open; whether that is also an error
//! depends on the include checks in force: those of `global_defs {
//! include_check ... }` (or `keepalived --include-check`) and of the
//! include variant (`includer`, `includem`, `includew`, `includeb`,
//! `includea`). When it is not an error the reader says so in a note.

use super::fs::{Files, Kind};
use super::glob;
use std::path::{Path, PathBuf};

/// keepalived's include checks (`include_check`, `--include-check`).
///
/// ```
/// use rvsadmd::config::keepalived::IncludeCheck;
///
/// let mut c = IncludeCheck::default();
/// c.apply(&["match".into()]).unwrap();
/// assert!(c.readable && c.matching && !c.wildcard_match);
/// c.apply(&["-match".into(), "+brace_match".into()]).unwrap();
/// assert!(c.readable && !c.matching && c.brace_match);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IncludeCheck {
    /// `readable`: a match that is a directory, not a regular
    /// non-executable file, or cannot be read.
    pub readable: bool,
    /// `match`: no file matches a name without wildcards.
    pub matching: bool,
    /// `wildcard_match`: no file matches a name with wildcards.
    pub wildcard_match: bool,
    /// `brace_match`: an alternative of a `{...}` matches no file.
    pub brace_match: bool,
}

/// Which check makes a problem an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// [`IncludeCheck::readable`].
    Readable,
    /// [`IncludeCheck::matching`].
    Match,
    /// [`IncludeCheck::wildcard_match`].
    Wildcard,
    /// [`IncludeCheck::brace_match`].
    Brace,
}

impl IncludeCheck {
    /// All four checks (`include_check` without options, `includea`).
    pub const ALL: Self = Self {
        readable: true,
        matching: true,
        wildcard_match: true,
        brace_match: true,
    };

    /// The checks of an include variant letter (`r`, `m`, `w`, `b`, `a`).
    #[must_use]
    pub fn variant(letter: Option<char>) -> Self {
        let r = Self {
            readable: true,
            ..Self::default()
        };
        match letter {
            Some('r') => r,
            Some('m') => Self {
                matching: true,
                ..r
            },
            Some('w') => Self {
                matching: true,
                wildcard_match: true,
                ..r
            },
            Some('b') => Self {
                brace_match: true,
                ..r
            },
            Some('a') => Self::ALL,
            _ => Self::default(),
        }
    }

    /// Both sets of checks.
    #[must_use]
    pub fn union(self, o: Self) -> Self {
        Self {
            readable: self.readable || o.readable,
            matching: self.matching || o.matching,
            wildcard_match: self.wildcard_match || o.wildcard_match,
            brace_match: self.brace_match || o.brace_match,
        }
    }

    /// Whether `check` is on.
    #[must_use]
    pub fn has(self, check: Check) -> bool {
        match check {
            Check::Readable => self.readable,
            Check::Match => self.matching,
            Check::Wildcard => self.wildcard_match,
            Check::Brace => self.brace_match,
        }
    }

    fn flag(&mut self, check: Check) -> &mut bool {
        match check {
            Check::Readable => &mut self.readable,
            Check::Match => &mut self.matching,
            Check::Wildcard => &mut self.wildcard_match,
            Check::Brace => &mut self.brace_match,
        }
    }

    /// Apply `include_check`'s options: none sets all; a plain name
    /// (first only) sets `readable` and it; `+name` adds, `-name` removes.
    ///
    /// # Errors
    /// An unknown name, or a plain name after the first (keepalived
    /// reports both and ignores them).
    pub fn apply(&mut self, options: &[String]) -> Result<(), String> {
        if options.is_empty() {
            *self = Self::ALL;
            return Ok(());
        }
        for (i, word) in options.iter().enumerate() {
            let (op, name) = match word.as_bytes().first() {
                Some(b'+') => (Some(true), &word[1..]),
                Some(b'-') => (Some(false), &word[1..]),
                _ if i > 0 => {
                    return Err(format!(
                        "duplicate include_check `{word}`: only the first may be without + or -"
                    ))
                }
                _ => (None, word.as_str()),
            };
            let check = match name {
                "read" | "readable" => Check::Readable,
                "match" => Check::Match,
                "wildcard_match" => Check::Wildcard,
                "brace_match" => Check::Brace,
                _ => return Err(format!(
                    "unknown include_check type `{name}`: use readable, match, wildcard_match or brace_match"
                )),
            };
            match op {
                None => {
                    *self = Self {
                        readable: true,
                        ..Self::default()
                    };
                    *self.flag(check) = true;
                }
                Some(on) => *self.flag(check) = on,
            }
        }
        Ok(())
    }
}

/// Something an include could not open: the check that makes it an
/// error, and what to say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The check that turns it into an error.
    pub check: Check,
    /// What happened.
    pub message: String,
}

/// The files `pattern` opens, in order, each with its content, and what
/// was skipped.
#[derive(Debug, Default)]
pub struct Opened {
    /// Path and content of each file to read.
    pub files: Vec<(PathBuf, Vec<u8>)>,
    /// What was skipped and why.
    pub problems: Vec<Problem>,
}

fn problem(check: Check, message: String) -> Problem {
    Problem { check, message }
}

/// Expand `pattern` from `base` and open what it matches, as keepalived
/// does: directories and files that are not regular, or executable, or
/// unreadable, are skipped.
///
/// # Errors
/// A pattern with too many brace alternatives.
pub fn open(files: &dyn Files, base: &Path, pattern: &str) -> Result<Opened, String> {
    let m = glob::expand(files, base, pattern)?;
    let mut out = Opened::default();
    if m.paths.is_empty() {
        if m.missing {
            let check = if m.braces { Check::Brace } else { Check::Match };
            out.problems
                .push(problem(check, format!("no file `{pattern}`")));
        } else if m.wildcards {
            out.problems.push(problem(
                Check::Wildcard,
                format!("no file matches `{pattern}`"),
            ));
        }
        return Ok(out);
    }
    if m.missing {
        out.problems.push(problem(
            Check::Brace,
            format!("some of the files of `{pattern}` are missing"),
        ));
    }
    for (path, is_dir) in m.paths {
        let shown = path.display();
        match (is_dir, files.kind(&path)) {
            (true, _) => out.problems.push(problem(
                Check::Readable,
                format!("`{shown}` is a directory"),
            )),
            (false, Some(Kind::File { executable: false })) => match files.read(&path) {
                Ok(text) => out.files.push((path, text)),
                Err(e) => out.problems.push(problem(
                    Check::Readable,
                    format!("cannot read `{shown}`: {e}"),
                )),
            },
            _ => out.problems.push(problem(
                Check::Readable,
                format!("`{shown}` is not a regular non-executable file"),
            )),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::super::fs::Memory;
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn include_check_options() {
        let mut c = IncludeCheck::default();
        c.apply(&[]).unwrap();
        assert_eq!(c, IncludeCheck::ALL);
        c.apply(&words("wildcard_match")).unwrap();
        assert_eq!(
            c,
            IncludeCheck {
                readable: true,
                wildcard_match: true,
                ..IncludeCheck::default()
            }
        );
        c.apply(&words("+match -readable")).unwrap();
        assert_eq!(
            c,
            IncludeCheck {
                matching: true,
                wildcard_match: true,
                ..IncludeCheck::default()
            }
        );
        assert!(c
            .apply(&words("match read"))
            .unwrap_err()
            .contains("duplicate"));
        assert!(c
            .apply(&words("everything"))
            .unwrap_err()
            .contains("unknown include_check"));
    }

    #[test]
    fn variants() {
        assert_eq!(IncludeCheck::variant(None), IncludeCheck::default());
        assert!(IncludeCheck::variant(Some('r')).readable);
        let w = IncludeCheck::variant(Some('w'));
        assert!(w.readable && w.matching && w.wildcard_match && !w.brace_match);
        assert_eq!(IncludeCheck::variant(Some('a')), IncludeCheck::ALL);
    }

    #[test]
    fn what_is_skipped_and_under_which_check() {
        let fs = Memory::new()
            .with("/k/a.conf", "x")
            .with("/k/d/b.conf", "y");
        let o = open(&fs, Path::new("/k"), "a.conf").unwrap();
        assert_eq!(o.files, [(PathBuf::from("/k/a.conf"), b"x".to_vec())]);
        assert!(o.problems.is_empty());
        assert_eq!(
            open(&fs, Path::new("/k"), "nope").unwrap().problems[0].check,
            Check::Match
        );
        assert_eq!(
            open(&fs, Path::new("/k"), "*.none").unwrap().problems[0].check,
            Check::Wildcard
        );
        assert_eq!(
            open(&fs, Path::new("/k"), "{a,c}.conf").unwrap().problems[0].check,
            Check::Brace
        );
        assert_eq!(
            open(&fs, Path::new("/k"), "{b,c}.conf").unwrap().problems[0].check,
            Check::Brace
        );
        let o = open(&fs, Path::new("/k"), "*").unwrap();
        assert_eq!(o.files.len(), 1);
        assert_eq!(o.problems[0].check, Check::Readable);
        assert!(o.problems[0].message.contains("directory"));
    }
}
