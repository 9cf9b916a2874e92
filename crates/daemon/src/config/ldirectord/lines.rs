//! The lines of `ldirectord.cf`: which belong to a `virtual=` section,
//! which are global, each split into `key=value`.
//!
//! A line starting with `virtual=` / `virtual6=` opens a section; the
//! lines after it indented by 4 or more spaces (a tab counts 4) belong to
//! it, and the first other line (a blank one too) ends it.

use crate::config::ConfigError;
use std::path::Path;

/// A directive with its line.
#[derive(Debug, Clone)]
pub(super) struct Item {
    /// 1-based.
    pub(super) line: usize,
    pub(super) key: String,
    pub(super) value: String,
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
pub(super) enum Line {
    /// `virtual=` or `virtual6=`: a section opens.
    Open(Item),
    /// A directive of the section last opened.
    InSection(Item),
    /// A global directive.
    Global(Item),
}

/// The directives of a file, line by line (blank lines and comments
/// skipped).
pub(super) struct Lexer<'a> {
    file: &'a Path,
    lines: std::iter::Enumerate<std::str::Lines<'a>>,
    in_section: bool,
}

impl<'a> Lexer<'a> {
    /// The lines of `text`; `file` names it in errors.
    pub(super) fn new(file: &'a Path, text: &'a str) -> Self {
        Lexer {
            file,
            lines: text.lines().enumerate(),
            in_section: false,
        }
    }

    /// Line `n` (`raw`, its line end removed): `None` when it holds no
    /// directive.
    fn line(&mut self, n: usize, raw: &str) -> Option<Result<Line, ConfigError>> {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        let expanded = raw.replace('\t', "    ");
        let indented = expanded.starts_with("    ");
        let body = expanded.trim();
        if self.in_section && indented && !body.is_empty() {
            if body.starts_with('#') {
                return None;
            }
            let body = body.split('#').next().unwrap_or("").trim();
            return Some(self.item(n, body).map(Line::InSection));
        }
        self.in_section = false;
        if body.is_empty() || body.starts_with('#') {
            return None;
        }
        if expanded.starts_with(' ') {
            return Some(Err(ConfigError::new(
                self.file,
                n,
                format!("`{body}` is indented but belongs to no virtual (a blank line ends a virtual section)"),
            )));
        }
        let body = body.split(" #").next().unwrap_or("").trim();
        Some(self.item(n, body).map(|item| {
            if item.key == "virtual" || item.key == "virtual6" {
                self.in_section = true;
                Line::Open(item)
            } else {
                Line::Global(item)
            }
        }))
    }

    /// `key=value` of line `n`, both trimmed.
    fn item(&self, n: usize, body: &str) -> Result<Item, ConfigError> {
        let Some((k, v)) = body.split_once('=') else {
            return Err(ConfigError::new(
                self.file,
                n,
                format!("unknown directive `{body}`"),
            ));
        };
        Ok(Item {
            line: n,
            key: k.trim().to_string(),
            value: v.trim().to_string(),
        })
    }
}

impl Iterator for Lexer<'_> {
    type Item = Result<Line, ConfigError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let (i, raw) = self.lines.next()?;
            if let Some(line) = self.line(i + 1, raw) {
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
                Err(e) => format!("error {e}"),
            })
            .collect()
    }

    #[test]
    fn sections_are_indented_lines_after_virtual() {
        assert_eq!(
            kinds("a = 1 # c\r\nvirtual=1.2.3.4:80\n\treal = x # y\n    # z\n  \nb=2\n"),
            [
                "global 1:a=1",
                "open 2:virtual=1.2.3.4:80",
                "in 3:real=x",
                "global 6:b=2"
            ]
        );
        assert_eq!(
            kinds("virtual6=[::1]:80\n\n    real6=x\n"),
            [
                "open 1:virtual6=[::1]:80",
                "error ld.cf:3: `real6=x` is indented but belongs to no virtual (a blank line ends a virtual section)"
            ]
        );
        assert_eq!(kinds("oops\n"), ["error ld.cf:1: unknown directive `oops`"]);
    }
}
