//! The block structure of keepalived.conf: each line is a statement
//! (keyword and arguments); a `{` line right after a statement opens its
//! block, `}` closes it. keepalived checks the same braces in `read_line`
//! (`block_depth`) and `process_stream` (`Missing '{'`, `Unexpected '{'`,
//! `Extra '}'`, `missing '}'`), in keepalived 2.2.7's `lib/parser.c`.

use super::lines;
use super::reader::Reader;
use super::Statement;
use crate::config::{ConfigError, Location};

fn err(at: &Location, message: impl Into<String>) -> ConfigError {
    ConfigError {
        at: at.clone(),
        message: message.into(),
    }
}

/// A block being read: the statement that opened it and what it holds
/// so far.
struct Frame {
    opener: Option<Statement>,
    body: Vec<Statement>,
    /// The last line read in this block was a statement that can still
    /// take a `{`.
    may_open: bool,
}

/// Read every statement.
///
/// # Errors
/// Unbalanced braces, a quote without its end, and whatever the reader
/// reports.
pub fn build(reader: &mut Reader) -> Result<Vec<Statement>, ConfigError> {
    let mut stack = vec![Frame {
        opener: None,
        body: Vec::new(),
        may_open: false,
    }];
    while let Some(line) = reader.next_line()? {
        let Some(top) = stack.last_mut() else { break };
        match line.text.as_str() {
            "{" => {
                let opener = top.body.pop().filter(|_| top.may_open).ok_or_else(|| {
                    err(&line.at, "'{' without a keyword before it: put the block after its keyword, or remove the '{'")
                })?;
                top.may_open = false;
                stack.push(Frame {
                    opener: Some(opener),
                    body: Vec::new(),
                    may_open: false,
                });
            }
            "}" => {
                let done = stack
                    .pop()
                    .filter(|f| f.opener.is_some())
                    .ok_or_else(|| err(&line.at, "'}' without a matching '{': remove it"))?;
                if let (Some(mut opener), Some(parent)) = (done.opener, stack.last_mut()) {
                    opener.block = Some(done.body);
                    parent.body.push(opener);
                    parent.may_open = false;
                }
            }
            _ => {
                let mut words = lines::words(&line.text)
                    .map_err(|m| err(&line.at, m))?
                    .into_iter();
                let keyword = words.next().unwrap_or_default();
                let statement = Statement {
                    keyword,
                    args: words.collect(),
                    text: line.text,
                    at: line.at,
                    block: None,
                };
                let in_global = top
                    .opener
                    .as_ref()
                    .is_some_and(|o| o.keyword == "global_defs");
                if in_global && statement.keyword == "include_check" {
                    reader
                        .include_check()
                        .apply(&statement.args)
                        .map_err(|m| err(&statement.at, m))?;
                }
                top.body.push(statement);
                top.may_open = true;
            }
        }
    }
    let mut stack = stack.into_iter();
    let root = stack.next().map(|f| f.body).unwrap_or_default();
    if let Some(open) = stack.last().and_then(|f| f.opener) {
        return Err(err(
            &open.at,
            format!(
                "the block of `{}` is not closed: add its '}}'",
                open.keyword
            ),
        ));
    }
    Ok(root)
}
