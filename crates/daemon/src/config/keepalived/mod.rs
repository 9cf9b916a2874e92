//! The front end of the keepalived.conf reader: the file as keepalived
//! 2.2.7 reads it, before any keyword has a meaning.
//!
//! It follows keepalived's own parser (`lib/parser.c`) and
//! keepalived.conf(5):
//! - comments start with `#` or `!` anywhere outside double quotes; `\#`
//!   and `\!` stand for the characters;
//! - words are separated by white space; `"..."` is one word;
//! - `{` and `}` outside double quotes are lines of their own: a `{` opens
//!   the block of the statement before it;
//! - `include PATTERN` (and `includer`, `includem`, `includew`,
//!   `includeb`, `includea`) reads the files PATTERN matches (csh braces,
//!   `*`, `?`, `[...]`), relative ones from the including file's
//!   directory; what cannot be opened is skipped, with a [`Note`], unless
//!   the include checks ([`IncludeCheck`]) make it an error;
//! - `@ID TEXT` keeps TEXT only when ID is [`Options::config_id`], `@^ID
//!   TEXT` only when it is not;
//! - `$NAME=VALUE` defines NAME (a final `\` continues the value on the
//!   next line); `$NAME` and `${NAME}` are replaced, at use time,
//!   recursively; `${_PWD}`, `${_INSTANCE}`, `${_RANDOM MIN MAX}`,
//!   `${_HASH}`, `${_BANG}` are predefined;
//! - `~SEQ(VAR, START, STEP, END) TEXT` reads TEXT once per value.
//!
//! Where keepalived would loop forever or run out of file descriptors (an
//! include loop, a definition that uses itself) the reader stops with an
//! error. `~LST` (undocumented in 2.2.7) is an error.
//!
//! ```
//! use rvsadmd::config::keepalived::{read_from, Memory, Options};
//! use std::path::Path;
//!
//! let fs = Memory::new()
//!     .with("/etc/keepalived/keepalived.conf", "$IP=10.0.0.1\n\
//!         virtual_server $IP 80 {\n  lb_algo rr # round robin\n  include rs/*.conf\n}\n")
//!     .with("/etc/keepalived/rs/a.conf", "real_server 10.0.1.1 80 { weight 2 }\n");
//! let doc = read_from(&fs, Path::new("/etc/keepalived/keepalived.conf"), &Options::default()).unwrap();
//! let vs = &doc.statements[0];
//! assert_eq!((vs.keyword.as_str(), vs.args.as_slice()), ("virtual_server", &["10.0.0.1".to_string(), "80".into()][..]));
//! let block = vs.block.as_ref().unwrap();
//! assert_eq!(block[1].keyword, "real_server");
//! assert_eq!(block[1].at.to_string(), "/etc/keepalived/rs/a.conf:1");
//! assert_eq!(block[1].block.as_ref().unwrap()[0].args, ["2"]);
//! ```

mod defs;
mod fs;
mod glob;
mod include;
mod lines;
pub mod map;
mod reader;
mod seq;
mod tree;
pub mod typed;

#[cfg(test)]
mod tests;

pub use fs::{Disk, Files, Kind, Memory};
pub use include::IncludeCheck;

use crate::config::{ConfigError, Location};
use std::path::{Path, PathBuf};

/// How to read: what keepalived takes from its command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// keepalived's config id (`-i`, `--config-id`), compared by `@ID`
    /// lines and given by `${_INSTANCE}`; keepalived's default is the host
    /// name up to its first `.`.
    pub config_id: String,
    /// The include checks before any `include_check` (keepalived's
    /// `--include-check`); none by default.
    pub include_check: IncludeCheck,
    /// The seed of `${_RANDOM}`.
    pub random_seed: u64,
}

impl Default for Options {
    /// keepalived's defaults: the host name up to its first `.`, no
    /// include checks; the seed from the clock.
    fn default() -> Self {
        let host = nix::sys::utsname::uname()
            .map(|u| u.nodename().to_string_lossy().into_owned())
            .unwrap_or_default();
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_secs());
        Self {
            config_id: host.split('.').next().unwrap_or_default().to_string(),
            include_check: IncludeCheck::default(),
            random_seed: seed,
        }
    }
}

/// One statement: a keyword, its arguments and, when a `{` followed it,
/// its block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// The first word.
    pub keyword: String,
    /// The other words (double quotes removed).
    pub args: Vec<String>,
    /// The whole line after substitution, for keywords that read it
    /// again with keepalived's quoting and escapes (scripts).
    pub text: String,
    /// Where it was written (for lines made by a definition or `~SEQ`,
    /// where that was used).
    pub at: Location,
    /// The statements of its block; `None` without a block.
    pub block: Option<Vec<Statement>>,
}

/// Something keepalived does without complaint that the operator may
/// want to know (an include that matched nothing, an undefined
/// `${NAME}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// Where.
    pub at: Location,
    /// What.
    pub message: String,
}

/// A keepalived.conf read into statements.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// The top-level statements, in file order (includes in place).
    pub statements: Vec<Statement>,
    /// What keepalived does silently.
    pub notes: Vec<Note>,
    /// Every file read, in order.
    pub files: Vec<PathBuf>,
}

/// Read `path` from the disk.
///
/// # Errors
/// A file that cannot be read, unbalanced braces, a quote without its
/// end, a bad `~SEQ`, an include loop: the error names file and line.
pub fn read(path: &Path, options: &Options) -> Result<Document, ConfigError> {
    read_from(&Disk, path, options)
}

/// Read `path` from `files`.
///
/// # Errors
/// As [`read`].
pub fn read_from(
    files: &dyn Files,
    path: &Path,
    options: &Options,
) -> Result<Document, ConfigError> {
    let mut reader = reader::Reader::new(files, path, options)?;
    let statements = tree::build(&mut reader)?;
    Ok(Document {
        statements,
        notes: reader.notes,
        files: reader.read,
    })
}

/// Read `path` from the disk as keepalived 2.2.7 does, and map its IPVS
/// part into rvsadmd's model ([`typed`], then [`map`]).
///
/// # Errors
/// As [`read`]; and the first thing rvsadmd does not do yet, naming file
/// and line.
pub fn load(path: &Path, options: &Options) -> Result<crate::config::Config, ConfigError> {
    load_from(&Disk, path, options)
}

/// [`load`] from `files`.
///
/// # Errors
/// As [`load`].
pub fn load_from(
    files: &dyn Files,
    path: &Path,
    options: &Options,
) -> Result<crate::config::Config, ConfigError> {
    let doc = read_from(files, path, options)?;
    map::config(&typed::lvs(&doc)?)
}
