//! The lines of `ldirectord.cf`: which belong to a `virtual=` section,
//! which are global, each split into `key = value`, by ldirectord's rules:
//!
//! - a line starting with `virtual=` / `virtual6=` opens a section;
//! - in a section, every comment line (`#` after optional blanks, indented
//!   or not) is skipped; in the others `#` and what follows it is cut off
//!   and a tab counts 4 spaces; a line then indented by 4 or more spaces
//!   with something after them belongs to the section, any other line (a
//!   blank one too) ends it and is read as a line outside;
//! - outside a section blank lines and comment lines are skipped; the
//!   others are global directives written from the first column, read as
//!   written (a `#` there is part of the value).
//!
//! A value is what follows `=` and the blanks after it, up to the end of
//! the line (blanks and a `\r` at its end included): each directive reads
//! it by its own rule.

use crate::config::ConfigError;
use std::path::Path;

/// A directive with its line.
#[derive(Debug, Clone)]
pub(super) struct Item {
    /// 1-based.
    pub(super) line: usize,
    pub(super) key: String,
    /// As written (see the module's documentation).
    pub(super) value: String,
    /// The whole line as written (without its line end).
    pub(super) text: String,
}

/// One `virtual=` section as written.
#[derive(Debug, Clone)]
pub(super) struct Section {
    /// The line of `virtual=`.
    pub(super) line: usize,
    /// `virtual6=`.
    pub(super) v6: bool,
    /// What follows `virtual=`.
    pub(super) address: String,
    /// Its directives, in file order.
    pub(super) items: Vec<Item>,
}

impl Section {
    /// A section opened by `item` (`virtual=` or `virtual6=`).
    pub(super) fn opened_by(item: Item) -> Self {
        Section {
            line: item.line,
            v6: item.key == "virtual6",
            address: item.value,
            items: Vec::new(),
        }
    }

    /// The directive `key` (the last one written counts, as in
    /// ldirectord).
    pub(super) fn get(&self, key: &str) -> Option<&Item> {
        self.items.iter().rev().find(|i| i.key == key)
    }

    /// The line of the directive `key`, else the section's.
    pub(super) fn line_of(&self, key: &str) -> usize {
        self.get(key).map_or(self.line, |i| i.line)
    }
}

/// What a line of the file is.
#[derive(Debug)]
pub(super) enum Line {
    /// `virtual=` or `virtual6=`: a section opens.
    Open(Item),
    /// A directive of the section last opened.
    InSection(Item),
    /// The section last opened ends; the number is the line read when it
    /// ended (the line after it, or the last line of the file), where
    /// ldirectord reports a duplicate virtual.
    Close(usize),
    /// A global directive.
    Global(Item),
}

/// The directives of a file, line by line.
pub(super) struct Lexer<'a> {
    file: &'a Path,
    lines: std::iter::Enumerate<std::str::SplitInclusive<'a, char>>,
    in_section: bool,
    /// The number of the last line read.
    last: usize,
    /// A line read that is still to be returned.
    pending: Option<Result<Line, ConfigError>>,
}

impl<'a> Lexer<'a> {
    /// The lines of `text`; `file` names it in errors.
    pub(super) fn new(file: &'a Path, text: &'a str) -> Self {
        Lexer {
            file,
            lines: text.split_inclusive('\n').enumerate(),
            in_section: false,
            last: 0,
            pending: None,
        }
    }

    /// Line `n` of a section: `None` for a comment line (the section
    /// goes on), `Some(None)` when the line ends the section.
    fn section_line(&self, n: usize, raw: &str) -> Option<Option<Result<Line, ConfigError>>> {
        if raw.trim_start().starts_with('#') {
            return None;
        }
        let cut = raw.split('#').next().unwrap_or("").replace('\t', "    ");
        let rest = cut.trim_start_matches(' ');
        let spaces = cut.len() - rest.len();
        // 4 or more spaces, then at least one character (a space too)
        let body = match (spaces, rest.is_empty()) {
            (4.., false) => rest,
            (5.., true) => " ",
            _ => return Some(None),
        };
        let item = split(n, body, raw).ok_or_else(|| {
            let shown = raw.trim_end_matches('\r');
            unknown(self.file, n, &format!("Unknown command \"{shown}\""))
        });
        Some(Some(item.map(Line::InSection)))
    }

    /// Line `n` outside a section: `None` for a blank or comment line.
    fn outside_line(&mut self, n: usize, raw: &str) -> Option<Result<Line, ConfigError>> {
        let body = raw.trim_start();
        if body.is_empty() || body.starts_with('#') {
            return None;
        }
        let Some(item) = split(n, raw, raw) else {
            if let Some(rest) = raw.strip_prefix("supervised") {
                // a bare `supervised`, or `supervised` followed by junk:
                // the global reader tells which
                return Some(Ok(Line::Global(Item {
                    line: n,
                    key: "supervised".into(),
                    value: rest.to_string(),
                    text: raw.to_string(),
                })));
            }
            return Some(Err(unknown(
                self.file,
                n,
                &format!("Unknown command {raw}"),
            )));
        };
        if item.key == "virtual" || item.key == "virtual6" {
            self.in_section = true;
            return Some(Ok(Line::Open(item)));
        }
        Some(Ok(Line::Global(item)))
    }
}

/// `key = value` at the start of `body`: the key a run of letters,
/// digits and `_`, then optional blanks, `=`, optional blanks; `raw` is
/// the whole line.
fn split(n: usize, body: &str, raw: &str) -> Option<Item> {
    let key_len = body
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(body.len());
    let (key, rest) = body.split_at(key_len);
    let value = rest.trim_start_matches(is_blank).strip_prefix('=')?;
    if key.is_empty() {
        return None;
    }
    Some(Item {
        line: n,
        key: key.to_string(),
        value: value.trim_start_matches(is_blank).to_string(),
        text: raw.trim_end_matches('\r').to_string(),
    })
}

/// What ldirectord's patterns count as a blank (`\s`).
pub(super) fn is_blank(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n' | '\x0b' | '\x0c')
}

fn unknown(file: &Path, n: usize, message: &str) -> ConfigError {
    ConfigError::new(file, n, message.trim_end_matches(is_blank).to_string())
}

impl Iterator for Lexer<'_> {
    type Item = Result<Line, ConfigError>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(p) = self.pending.take() {
            return Some(p);
        }
        loop {
            let Some((i, raw)) = self.lines.next() else {
                if self.in_section {
                    self.in_section = false;
                    return Some(Ok(Line::Close(self.last)));
                }
                return None;
            };
            let n = i + 1;
            self.last = n;
            let raw = raw.strip_suffix('\n').unwrap_or(raw);
            if self.in_section {
                match self.section_line(n, raw) {
                    None => continue,
                    Some(Some(line)) => return Some(line),
                    Some(None) => {
                        self.in_section = false;
                        self.pending = self.outside_line(n, raw);
                        return Some(Ok(Line::Close(n)));
                    }
                }
            }
            if let Some(line) = self.outside_line(n, raw) {
                return Some(line);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<String> {
        Lexer::new(Path::new("ld.cf"), text)
            .map(|l| match l {
                Ok(Line::Open(i)) => format!("open {}:{}={}", i.line, i.key, i.value),
                Ok(Line::InSection(i)) => format!("in {}:{}={}", i.line, i.key, i.value),
                Ok(Line::Global(i)) => format!("global {}:{}={}", i.line, i.key, i.value),
                Ok(Line::Close(n)) => format!("close {n}"),
                Err(e) => format!("error {e}"),
            })
            .collect()
    }

    #[test]
    fn sections_are_indented_lines_after_virtual() {
        assert_eq!(
            kinds("a = 1 # c\nvirtual=1.2.3.4:80\n\treal = x # y\n    # z\n  \nb=2\n"),
            [
                "global 1:a=1 # c",
                "open 2:virtual=1.2.3.4:80",
                "in 3:real=x ",
                "close 5",
                "global 6:b=2"
            ]
        );
        assert_eq!(
            kinds("virtual6=[::1]:80\n\n    real6=x\n"),
            [
                "open 1:virtual6=[::1]:80",
                "close 2",
                "error ld.cf:3: Unknown command     real6=x"
            ]
        );
        assert_eq!(kinds("oops\n"), ["error ld.cf:1: Unknown command oops"]);
    }

    #[test]
    fn a_comment_line_does_not_end_a_section() {
        // how operators switch a real off: `#` in the first column
        assert_eq!(
            kinds("virtual=1.2.3.4:80\n#        real=10.0.0.3:80 gate\n    real=10.0.0.4:80 gate\n  # x\n"),
            [
                "open 1:virtual=1.2.3.4:80",
                "in 3:real=10.0.0.4:80 gate",
                "close 4"
            ]
        );
    }

    #[test]
    fn blanks_only_lines_in_a_section() {
        // four spaces end it; five are a directive that is nothing
        assert_eq!(
            kinds("virtual=1.2.3.4:80\n    \nb=2\n"),
            ["open 1:virtual=1.2.3.4:80", "close 2", "global 3:b=2"]
        );
        assert_eq!(
            kinds("virtual=1.2.3.4:80\n     \n"),
            [
                "open 1:virtual=1.2.3.4:80",
                "error ld.cf:2: Unknown command \"     \"",
                "close 2"
            ]
        );
    }
}
