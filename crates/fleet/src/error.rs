//! The one error enum of fleet mode, with stable codes.

use std::path::PathBuf;

/// What went wrong in fleet mode; each says what to do.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A `[fleet]` setting (or its command-line override) is not valid.
    #[error("{file}:{line}: fleet: {msg}")]
    Setting {
        /// The file, or `command line`.
        file: String,
        /// Its line (0: not known).
        line: usize,
        /// What is wrong and what to give.
        msg: String,
    },
    /// A file named by the settings (CA, certificate, key, password) does
    /// not read.
    #[error("fleet: cannot read {path}: {error} (give a readable file)")]
    File {
        /// The file.
        path: PathBuf,
        /// Why.
        error: String,
    },
    /// etcd could not be reached or refused a request.
    #[error("fleet: etcd at {endpoints}: {error} (is etcd running and reachable from here?)")]
    Store {
        /// The endpoints tried.
        endpoints: String,
        /// etcd's or the transport's error.
        error: String,
    },
    /// The services changed in etcd since the revision the put was based
    /// on: nothing was written.
    #[error(
        "fleet put: the services in etcd changed since revision {base} (now at {now}): nothing written; \
         run `rvsadmd fleet get`, merge, and put again"
    )]
    Conflict {
        /// The revision the put was based on.
        base: i64,
        /// The store's revision when the put was refused.
        now: i64,
    },
    /// The revision asked for is older than what etcd still keeps.
    #[error(
        "fleet: revision {0} is compacted in etcd: run `rvsadmd fleet get` for the current one"
    )]
    Compacted(i64),
    /// A key under the prefix holds what fleet mode cannot read.
    #[error("fleet: {key}: {msg}")]
    Value {
        /// The etcd key.
        key: String,
        /// What is wrong with it.
        msg: String,
    },
    /// The last applied state could not be kept on disk or read from it.
    #[error("fleet: state file {path}: {error}")]
    StateFile {
        /// The file.
        path: PathBuf,
        /// Why.
        error: String,
    },
}

impl Error {
    /// The stable code of the error.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Setting { .. } => "fleet_setting",
            Error::File { .. } => "fleet_file",
            Error::Store { .. } => "fleet_store",
            Error::Conflict { .. } => "fleet_conflict",
            Error::Compacted(_) => "fleet_compacted",
            Error::Value { .. } => "fleet_value",
            Error::StateFile { .. } => "fleet_state_file",
        }
    }

    /// A setting error at `file:line`.
    pub(crate) fn setting(file: &str, line: usize, msg: impl Into<String>) -> Self {
        Error::Setting {
            file: file.to_string(),
            line,
            msg: msg.into(),
        }
    }
}
