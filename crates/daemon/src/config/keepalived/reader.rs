//! The lines of keepalived.conf after keepalived's preprocessing,
//! following the loop of `read_line` in keepalived 2.2.7's
//! `lib/parser.c`: the include stack, blank and comment lines, `@ID` /
//! `@^ID` conditional lines, `$NAME=VALUE` definitions (multi-line ones
//! too), `~SEQ` lines, substitution, `include`, and every `{` and `}` on a
//! line of its own.

use super::defs::{self, parse_definition, Context, Defs};
use super::include::{self, IncludeCheck};
use super::lines;
use super::seq::{self, Seq};
use super::{Files, Note, Options};
use crate::config::{ConfigError, Location};
use std::path::{Path, PathBuf};

/// Nested includes deeper than this are an error (keepalived has no
/// limit and runs out of file descriptors on a loop).
const MAX_DEPTH: usize = 32;

/// Lines produced by definitions and `~SEQ` before the reader gives up.
const MAX_EXPANDED: usize = 100_000;

/// A line ready to be split into words, and where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// The text (comments removed, substituted).
    pub text: String,
    /// Where.
    pub at: Location,
}

/// A file being read.
struct Open {
    path: PathBuf,
    dir: PathBuf,
    lines: Vec<String>,
    next: usize,
    /// The include checks to restore when it ends.
    saved: IncludeCheck,
}

/// Text waiting to be read before the next line of a file.
enum Pending {
    Text(String, Location),
    Seq(Seq, Location),
}

/// The preprocessor.
pub struct Reader<'a> {
    files: &'a dyn Files,
    options: &'a Options,
    stack: Vec<Open>,
    /// Files matched by an include not yet opened, after the top one.
    queued: Vec<Vec<(PathBuf, Vec<u8>)>>,
    pending: Vec<Pending>,
    defs: Defs,
    defining: Option<String>,
    check: IncludeCheck,
    random: u64,
    budget: usize,
    expanded: usize,
    /// Every file read, in order.
    pub read: Vec<PathBuf>,
    /// What keepalived does silently and the operator may want to know.
    pub notes: Vec<Note>,
}

fn err(at: &Location, message: impl Into<String>) -> ConfigError {
    ConfigError {
        at: at.clone(),
        message: message.into(),
    }
}

impl<'a> Reader<'a> {
    /// Start with the main file `path` (it must be a regular,
    /// non-executable, readable file: keepalived opens it with the
    /// `readable`, `match` and `wildcard_match` checks).
    ///
    /// # Errors
    /// The file cannot be opened or is not UTF-8.
    pub fn new(
        files: &'a dyn Files,
        path: &Path,
        options: &'a Options,
    ) -> Result<Self, ConfigError> {
        let mut r = Self {
            files,
            options,
            stack: Vec::new(),
            queued: Vec::new(),
            pending: Vec::new(),
            defs: Defs::default(),
            defining: None,
            check: options.include_check,
            random: options.random_seed | 1,
            budget: defs::MAX_TOTAL_SUBSTITUTIONS,
            expanded: 0,
            read: Vec::new(),
            notes: Vec::new(),
        };
        let at = Location {
            file: path.to_path_buf(),
            line: 0,
        };
        let base = path
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        let name = path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let opened = include::open(files, &base, &escape(&name)).map_err(|m| err(&at, m))?;
        if let Some(p) = opened.problems.first() {
            return Err(err(
                &at,
                format!("{}: give rvsadmd a readable keepalived.conf", p.message),
            ));
        }
        if opened.files.is_empty() {
            return Err(err(
                &at,
                "no such file: give rvsadmd a readable keepalived.conf",
            ));
        }
        r.queued.push(opened.files);
        r.open_next(&at)?;
        Ok(r)
    }

    /// The include checks in force (`global_defs { include_check }`
    /// changes them until the end of the file it is in).
    pub fn include_check(&mut self) -> &mut IncludeCheck {
        &mut self.check
    }

    /// Open the next queued file of the innermost include.
    fn open_next(&mut self, at: &Location) -> Result<bool, ConfigError> {
        let Some(queue) = self.queued.last_mut() else {
            return Ok(false);
        };
        if queue.is_empty() {
            self.queued.pop();
            return Ok(false);
        }
        let (path, bytes) = queue.remove(0);
        if self
            .stack
            .iter()
            .any(|o| same_file(self.files, &o.path, &path))
        {
            return Err(err(
                at,
                format!(
                    "include loop: `{}` is already being read; remove this include",
                    path.display()
                ),
            ));
        }
        if self.stack.len() >= MAX_DEPTH {
            return Err(err(
                at,
                format!("includes nested deeper than {MAX_DEPTH}: flatten them"),
            ));
        }
        let text = String::from_utf8(bytes).map_err(|e| {
            let line = 1 + e.as_bytes()[..e.utf8_error().valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            err(
                &Location {
                    file: path.clone(),
                    line,
                },
                "not UTF-8 text: convert the file to UTF-8",
            )
        })?;
        let dir = path
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        self.read.push(path.clone());
        self.stack.push(Open {
            path,
            dir,
            lines: text.split('\n').map(str::to_string).collect(),
            next: 0,
            saved: self.check,
        });
        Ok(true)
    }

    /// The next raw line of the files (comments removed), ending the
    /// multi-line definition being read at a blank line.
    fn file_line(&mut self) -> Result<Option<(String, Location)>, ConfigError> {
        loop {
            let Some(top) = self.stack.last_mut() else {
                return Ok(None);
            };
            let Some(raw) = top.lines.get(top.next).cloned() else {
                let at = Location {
                    file: top.path.clone(),
                    line: top.next,
                };
                if let Some(done) = self.stack.pop() {
                    self.check = done.saved;
                }
                self.open_next(&at)?;
                continue;
            };
            top.next += 1;
            let at = Location {
                file: top.path.clone(),
                line: top.next,
            };
            if top.next == top.lines.len() && raw.is_empty() {
                continue;
            }
            let raw = raw.trim_end_matches(['\r', '\n']);
            if raw.len() > defs::MAX_LINE {
                return Err(err(&at, format!(
                    "line longer than {} characters: keepalived reads it as several lines; split it",
                    defs::MAX_LINE
                )));
            }
            if raw.contains('\0') {
                return Err(err(&at, "a NUL byte in the line: remove it"));
            }
            if raw.is_empty() {
                if let Some(name) = self.defining.take() {
                    self.defs.finish(&name);
                }
                continue;
            }
            let text = lines::decomment(raw).map_err(|m| err(&at, m))?;
            if !text.is_empty() {
                return Ok(Some((text, at)));
            }
        }
    }

    /// The next line for the block structure, `None` at the end.
    ///
    /// # Errors
    /// Anything keepalived reports as a configuration error about the
    /// text itself, with file and line.
    pub fn next_line(&mut self) -> Result<Option<Line>, ConfigError> {
        loop {
            let (text, at) = match self.pending.pop() {
                Some(Pending::Text(t, at)) => (t, at),
                Some(Pending::Seq(mut s, at)) => {
                    let Some(value) = s.take() else { continue };
                    self.defs.set(&s.var, value, false);
                    let text = s.text.clone();
                    self.pending.push(Pending::Seq(s, at.clone()));
                    self.count(&at)?;
                    (text, at)
                }
                None => match self.file_line()? {
                    Some(l) => l,
                    None => return Ok(None),
                },
            };
            if let Some(name) = self.defining.clone() {
                self.continue_definition(&name, &text);
                continue;
            }
            let Some(text) = self.process(text, &at)? else {
                continue;
            };
            if let Some((variant, pattern)) = lines::include(&text) {
                self.include(variant, pattern, &at)?;
                continue;
            }
            return Ok(Some(match lines::split_brace(&text) {
                Some((head, tail)) => {
                    self.pending.push(Pending::Text(tail, at.clone()));
                    Line { text: head, at }
                }
                None => Line { text, at },
            }));
        }
    }

    fn count(&mut self, at: &Location) -> Result<(), ConfigError> {
        self.expanded += 1;
        if self.expanded > MAX_EXPANDED {
            return Err(err(
                at,
                format!(
                    "definitions and ~SEQ produce more than {MAX_EXPANDED} lines: \
                 check for a definition that uses itself or a ~SEQ range that is too wide"
                ),
            ));
        }
        Ok(())
    }

    /// A further line of a multi-line definition: `\` at its end
    /// continues the definition.
    fn continue_definition(&mut self, name: &str, text: &str) {
        match text.strip_suffix('\\') {
            Some(part) => {
                let part = part.trim_end_matches([' ', '\t']);
                if !part.is_empty() {
                    self.defs.append(name, part);
                }
            }
            None => {
                self.defs.append(name, text);
                self.defs.finish(name);
                self.defining = None;
            }
        }
    }

    /// Conditionals, definitions, `~SEQ` and substitution, again while a
    /// substitution produces another `@` or `$`: the line to keep, or
    /// `None` when it was consumed.
    fn process(&mut self, mut text: String, at: &Location) -> Result<Option<String>, ConfigError> {
        loop {
            if text.starts_with('@') {
                match self.condition(&text) {
                    Some(rest) => text = rest,
                    None => return Ok(None),
                }
            }
            if let Some((name, value, multi)) = parse_definition(&text) {
                if multi {
                    self.defining = Some(name.to_string());
                }
                self.defs.set(name, value, multi);
                return Ok(None);
            }
            if text.starts_with("~SEQ") {
                self.sequence(&text, at)?;
                return Ok(None);
            }
            if text.starts_with("~LST") {
                return Err(err(
                    at,
                    "~LST is not supported by rvsadmd: write the lines out, or use ~SEQ",
                ));
            }
            if text.starts_with('~') || !text.contains('$') {
                return Ok(Some(text));
            }
            let sub = self.substitute(&mut text, at)?;
            if !sub {
                return Ok(Some(text));
            }
            text = lines::decomment(&text).map_err(|m| err(at, m))?;
            if !text.starts_with('@') && !text.contains('$') {
                return Ok(Some(text));
            }
        }
    }

    /// `@ID TEXT` keeps TEXT when ID is the config id, `@^ID TEXT` when it
    /// is not; a line with nothing after the id is dropped.
    fn condition(&self, text: &str) -> Option<String> {
        let (negate, rest) = match text.strip_prefix("@^") {
            Some(rest) => (true, rest),
            None => (false, &text[1..]),
        };
        let end = rest.find([' ', '\t'])?;
        let matches = rest[..end] == self.options.config_id;
        (matches != negate).then(|| rest[end..].trim_start_matches([' ', '\t']).to_string())
    }

    fn substitute(&mut self, text: &mut String, at: &Location) -> Result<bool, ConfigError> {
        let sub = self.expand(text, at)?;
        for name in sub.undefined {
            let note = Note {
                at: at.clone(),
                message: format!("${{{name}}} is not a definition (or takes no parameters): kept as written, as keepalived does"),
            };
            // A line substituted again, or a ~SEQ line read again, says it once.
            if !self.notes.iter().rev().take(8).any(|n| *n == note) {
                self.notes.push(note);
            }
        }
        for line in sub.more.into_iter().rev() {
            self.count(at)?;
            self.pending.push(Pending::Text(line, at.clone()));
        }
        Ok(sub.changed)
    }

    /// The definitions substituted in `text` (with `${_PWD}`,
    /// `${_INSTANCE}`, `${_RANDOM}` and the file's budget): what both a line
    /// and a `~SEQ` parameter list go through.
    fn expand(
        &mut self,
        text: &mut String,
        at: &Location,
    ) -> Result<defs::Substituted, ConfigError> {
        let pwd = self.pwd();
        let mut ctx = Context {
            pwd: &pwd,
            instance: &self.options.config_id,
            random: &mut self.random,
            budget: &mut self.budget,
        };
        self.defs.substitute(text, &mut ctx).map_err(|m| err(at, m))
    }

    /// The directory of the file being read (relative paths start there).
    fn current_dir(&self) -> PathBuf {
        self.stack
            .last()
            .map_or_else(|| PathBuf::from("."), |o| o.dir.clone())
    }

    /// `${_PWD}`: the directory of the file being read.
    fn pwd(&self) -> String {
        self.files
            .real_dir(&self.current_dir())
            .to_string_lossy()
            .into_owned()
    }

    fn sequence(&mut self, text: &str, at: &Location) -> Result<(), ConfigError> {
        let head = seq::head(text).map_err(|m| err(at, m))?;
        let mut params = head.params.to_string();
        let sub = self.expand(&mut params, at)?;
        if !sub.more.is_empty() {
            return Err(err(
                at,
                format!("~SEQ parameter is a multi-line definition: `{text}`"),
            ));
        }
        let s = Seq::new(&head, &params, text).map_err(|m| err(at, m))?;
        self.pending.push(Pending::Seq(s, at.clone()));
        Ok(())
    }

    fn include(
        &mut self,
        variant: Option<char>,
        pattern: &str,
        at: &Location,
    ) -> Result<(), ConfigError> {
        let checks = self.check.union(IncludeCheck::variant(variant));
        let dir = self.current_dir();
        let opened = include::open(self.files, &dir, pattern).map_err(|m| err(at, m))?;
        for p in opened.problems {
            if checks.has(p.check) {
                return Err(err(
                    at,
                    format!(
                        "{}: fix the include, or use `include` without checks to skip it",
                        p.message
                    ),
                ));
            }
            self.notes.push(Note {
                at: at.clone(),
                message: format!("{}: skipped, as keepalived does", p.message),
            });
        }
        // The checks in force now come back when each of its files ends.
        self.queued.push(opened.files);
        self.open_next(at)?;
        Ok(())
    }
}

/// A file name as a glob pattern that matches only itself.
fn escape(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if matches!(c, '*' | '?' | '[' | '{' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn same_file(files: &dyn Files, a: &Path, b: &Path) -> bool {
    a == b || {
        let real = |p: &Path| {
            p.parent()
                .map(|d| files.real_dir(d).join(p.file_name().unwrap_or_default()))
        };
        real(a) == real(b)
    }
}
