//! The crate's one error type, with stable codes.
//!
//! Every variant of [`Error`] has a snake_case code ([`Error::code`]) and a
//! number ([`Error::number`]) that never change meaning; scripts and the
//! `--json` output can rely on them. New variants may be added (the enum is
//! `#[non_exhaustive]`), existing ones keep their code and number.
//!
//! | number | code | variant | when |
//! |---:|---|---|---|
//! | 1 | `ipvs_unavailable` | [`Error::IpvsUnavailable`] | the kernel has no `IPVS` generic-netlink family (module `ip_vs` not loaded) |
//! | 2 | `permission_denied` | [`Error::PermissionDenied`] | `EPERM`: the caller lacks `CAP_NET_ADMIN` |
//! | 3 | `timeout` | [`Error::Timeout`] | no reply from the kernel within the receive timeout |
//! | 4 | `malformed_reply` | [`Error::MalformedReply`] | the kernel's reply could not be decoded |
//! | 5 | `unconfirmed` | [`Error::Unconfirmed`] | a request was sent but its acknowledgement was lost |
//! | 10 | `service_exists` | [`Error::ServiceExists`] | `EEXIST` adding a service |
//! | 11 | `no_such_service` | [`Error::NoSuchService`] | `ESRCH` on a request naming a service |
//! | 12 | `scheduler_or_pe_not_found` | [`Error::SchedulerOrPeNotFound`] | `ENOENT` adding or editing a service |
//! | 13 | `destination_exists` | [`Error::DestinationExists`] | `EEXIST` adding a destination |
//! | 14 | `no_such_destination` | [`Error::NoSuchDestination`] | `ENOENT` editing or deleting a destination |
//! | 15 | `daemon_running` | [`Error::DaemonRunning`] | `EEXIST` starting a sync daemon |
//! | 16 | `no_daemon_running` | [`Error::NoDaemonRunning`] | `ESRCH` stopping a sync daemon |
//! | 20 | `invalid_argument` | [`Error::InvalidArgument`] | `EINVAL`: the kernel rejected a value |
//! | 21 | `out_of_range` | [`Error::OutOfRange`] | `ERANGE`: weight or thresholds out of range |
//! | 22 | `no_such_device` | [`Error::NoSuchDevice`] | `ENODEV`: unknown network interface |
//! | 30 | `kernel` | [`Error::Kernel`] | any other errno from the kernel |
//! | 40 | `io` | [`Error::Io`] | a socket system call failed |
//! | 51 | `invalid_document` | [`Error::InvalidDocument`] | a desired state or document (`-R --json`, `apply`) is not valid; nothing was applied |
//! | 52 | `conn_table` | [`Error::ConnTable`] | `/proc/net/ip_vs_conn` could not be read or parsed |
//!
//! Kernel errnos are mapped per request kind ([`Op`]): `EEXIST` is
//! [`Error::ServiceExists`] when adding a service but
//! [`Error::DestinationExists`] when adding a destination; an errno with no
//! meaning of its own for the request is [`Error::Kernel`].
//!
//! An error's `Display` says what went wrong, and what to do about it, in
//! the library's words; the request kind and the errno are typed data
//! ([`Error::op`], [`Error::errno`]) for a program that words its own
//! messages. (The `rvsadm` command line does that: the exact texts ipvsadm
//! 1.31 prints are its own table, not the library's.)
//!
//! ```
//! use rvsadm::{Error, Op};
//!
//! let e = Error::from_kernel(Op::AddDest, 17); // EEXIST
//! assert_eq!(e.code(), "destination_exists");
//! assert_eq!((e.op(), e.errno()), (Some(Op::AddDest), Some(17)));
//! assert_eq!(
//!     e.to_string(),
//!     "add destination: the destination already exists in this service: edit it instead"
//! );
//! ```

use std::fmt;
use std::io;
use std::time::Duration;

/// Which kind of request an error came from; with the errno it selects the
/// variant ([`Error::from_kernel`]: `EEXIST` adding a service is
/// [`Error::ServiceExists`], adding a destination
/// [`Error::DestinationExists`]).
///
/// ```
/// use rvsadm::Op;
/// assert_eq!(Op::EditDest.to_string(), "edit destination");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
    /// Add a service.
    AddService,
    /// Edit a service.
    EditService,
    /// Delete a service.
    DelService,
    /// Get one service.
    GetService,
    /// List services.
    ListServices,
    /// List destinations.
    ListDests,
    /// Add a destination.
    AddDest,
    /// Edit a destination.
    EditDest,
    /// Delete a destination.
    DelDest,
    /// Zero counters.
    Zero,
    /// Flush all services.
    Flush,
    /// Start a sync daemon.
    StartDaemon,
    /// Stop a sync daemon.
    StopDaemon,
    /// List sync daemons.
    ListDaemons,
    /// Set timeouts.
    SetTimeouts,
    /// Get timeouts.
    GetTimeouts,
    /// Get info.
    GetInfo,
    /// Resolve the netlink family / open the socket.
    Connect,
}

impl Op {
    /// A short human name (`"add service"`), used in error messages.
    pub fn name(self) -> &'static str {
        match self {
            Op::AddService => "add service",
            Op::EditService => "edit service",
            Op::DelService => "delete service",
            Op::GetService => "get service",
            Op::ListServices => "list services",
            Op::ListDests => "list destinations",
            Op::AddDest => "add destination",
            Op::EditDest => "edit destination",
            Op::DelDest => "delete destination",
            Op::Zero => "zero counters",
            Op::Flush => "flush",
            Op::StartDaemon => "start daemon",
            Op::StopDaemon => "stop daemon",
            Op::ListDaemons => "list daemons",
            Op::SetTimeouts => "set timeouts",
            Op::GetTimeouts => "get timeouts",
            Op::GetInfo => "get info",
            Op::Connect => "connect",
        }
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Errors of the rvsadm library. See the [module docs](self) for the table
/// of stable codes and numbers.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The kernel has no `IPVS` generic-netlink family.
    #[error(
        "IPVS is not available in this kernel: load the ip_vs module (`modprobe ip_vs`) and retry"
    )]
    IpvsUnavailable,
    /// `EPERM`: the caller may not administer IPVS.
    #[error("{op}: permission denied: IPVS administration needs CAP_NET_ADMIN (run as root)")]
    PermissionDenied {
        /// The request.
        op: Op,
    },
    /// No reply arrived within the receive timeout.
    #[error("{op}: no reply from the kernel within {after:?}: the system may be overloaded; retry or raise the timeout (Ipvs::set_timeout)")]
    Timeout {
        /// The request.
        op: Op,
        /// The timeout that expired.
        after: Duration,
    },
    /// The kernel's reply could not be decoded.
    #[error("{op}: malformed reply from the kernel: {reason}; this is a bug in rvsadm or an unsupported kernel, please report it")]
    MalformedReply {
        /// The request.
        op: Op,
        /// What was wrong with it.
        reason: String,
    },
    /// The request was sent but its acknowledgement was lost (the socket's
    /// receive buffer overflowed); whether it took effect is unknown.
    #[error("{op}: the kernel's acknowledgement was lost; the change may or may not have been applied: re-read the table")]
    Unconfirmed {
        /// The request.
        op: Op,
    },
    /// `EEXIST` adding a service.
    #[error("{op}: the service already exists: edit it instead, or delete it first")]
    ServiceExists {
        /// The request.
        op: Op,
    },
    /// `ESRCH` on a request naming a service.
    #[error("{op}: no such service: check protocol, address and port (or fwmark) against the current table")]
    NoSuchService {
        /// The request.
        op: Op,
    },
    /// `ENOENT` adding or editing a service.
    #[error("{op}: scheduler or persistence engine not found: check the name, or load its module (e.g. `modprobe ip_vs_rr`)")]
    SchedulerOrPeNotFound {
        /// The request.
        op: Op,
    },
    /// `EEXIST` adding a destination.
    #[error("{op}: the destination already exists in this service: edit it instead")]
    DestinationExists {
        /// The request.
        op: Op,
    },
    /// `ENOENT` editing or deleting a destination.
    #[error("{op}: no such destination in this service: check its address and port")]
    NoSuchDestination {
        /// The request.
        op: Op,
    },
    /// `EEXIST` starting a sync daemon.
    #[error("{op}: a sync daemon in this state is already running: stop it first")]
    DaemonRunning {
        /// The request.
        op: Op,
    },
    /// `ESRCH` stopping a sync daemon.
    #[error("{op}: no sync daemon in this state is running")]
    NoDaemonRunning {
        /// The request.
        op: Op,
    },
    /// `EINVAL`: the kernel rejected a value.
    #[error("{op}: invalid argument: the kernel rejected the request (address not unicast, mixed address families without tunnelling, bad interface name, missing field, ...)")]
    InvalidArgument {
        /// The request.
        op: Op,
    },
    /// `ERANGE`: a weight or threshold out of range.
    #[error("{op}: value out of range: weights must be >= 0 and the lower threshold must not exceed the upper one")]
    OutOfRange {
        /// The request.
        op: Op,
    },
    /// `ENODEV`: unknown network interface.
    #[error("{op}: no such network device: check the interface name")]
    NoSuchDevice {
        /// The request.
        op: Op,
    },
    /// Any other errno from the kernel.
    #[error("{op}: the kernel rejected the request: {} (errno {errno})", libc_strerror(*errno))]
    Kernel {
        /// The request.
        op: Op,
        /// The positive errno.
        errno: i32,
    },
    /// A socket system call failed.
    #[error("netlink socket error: {0}")]
    Io(#[from] io::Error),
    /// A desired state ([`crate::DesiredState::check`]) or a document read
    /// for one (`rvsadm -R --json`, `rvsadm apply`) is not valid; nothing
    /// was applied.
    #[error("{path}: {message}")]
    InvalidDocument {
        /// Where in the document (`services[3].destinations[0].weight`).
        path: String,
        /// What is wrong.
        message: String,
    },
    /// The connection table (`/proc/net/ip_vs_conn`) could not be read or
    /// parsed.
    #[error("connection table: {0}")]
    ConnTable(#[from] ConnError),
}

/// Errors reading or parsing the connection table.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConnError {
    /// The file could not be read (no IPVS in this kernel, no permission ...).
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The OS error.
        #[source]
        source: io::Error,
    },
    /// A line does not have the kernel's format.
    #[error("line {line}: {reason}: {text:?}")]
    Line {
        /// 1-based line number (the header is line 1).
        line: usize,
        /// What is wrong.
        reason: &'static str,
        /// The offending line.
        text: String,
    },
}

/// The one table of stable codes: each variant with its number and code.
/// It makes [`CODES`], [`Error::code`] and [`Error::number`]; the module
/// table above and `docs/errors.md` are checked against it by tests.
macro_rules! stable_codes {
    ($($variant:ident => $number:literal, $code:literal;)*) => {
        /// Every stable `(number, code)` pair of the library, in number order.
        /// `docs/errors.md` documents each (with the command line's own, such as
        /// 50 `usage`); a test keeps them in step.
        pub const CODES: &[(u16, &str)] = &[$(($number, $code)),*];

        /// The variant names of [`CODES`], in the same order.
        #[cfg(test)]
        const VARIANTS: &[&str] = &[$(stringify!($variant)),*];

        impl Error {
            /// This error's `(number, code)`.
            fn stable(&self) -> (u16, &'static str) {
                match self {
                    $(Error::$variant { .. } => ($number, $code),)*
                }
            }
        }
    };
}

stable_codes! {
    IpvsUnavailable => 1, "ipvs_unavailable";
    PermissionDenied => 2, "permission_denied";
    Timeout => 3, "timeout";
    MalformedReply => 4, "malformed_reply";
    Unconfirmed => 5, "unconfirmed";
    ServiceExists => 10, "service_exists";
    NoSuchService => 11, "no_such_service";
    SchedulerOrPeNotFound => 12, "scheduler_or_pe_not_found";
    DestinationExists => 13, "destination_exists";
    NoSuchDestination => 14, "no_such_destination";
    DaemonRunning => 15, "daemon_running";
    NoDaemonRunning => 16, "no_daemon_running";
    InvalidArgument => 20, "invalid_argument";
    OutOfRange => 21, "out_of_range";
    NoSuchDevice => 22, "no_such_device";
    Kernel => 30, "kernel";
    Io => 40, "io";
    InvalidDocument => 51, "invalid_document";
    ConnTable => 52, "conn_table";
}

/// Result alias.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// libc's `strerror` text for an errno (in the `Display` of
/// [`Error::Kernel`]).
fn libc_strerror(errno: i32) -> String {
    let s = io::Error::from_raw_os_error(errno).to_string();
    // std appends " (os error N)"; the variant shows the errno itself.
    match s.rfind(" (os error ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

impl Error {
    /// Map a kernel errno (positive) for a request kind to a variant; an
    /// errno with no meaning of its own for the request is
    /// [`Error::Kernel`].
    ///
    /// ```
    /// use rvsadm::{Error, Op};
    /// let e = Error::from_kernel(Op::DelDest, 2); // ENOENT
    /// assert!(matches!(e, Error::NoSuchDestination { op: Op::DelDest }));
    /// let e = Error::from_kernel(Op::Flush, 3); // ESRCH
    /// assert_eq!(e.to_string(), "flush: the kernel rejected the request: No such process (errno 3)");
    /// ```
    pub fn from_kernel(op: Op, errno: i32) -> Error {
        use nix::libc::*;
        match (errno, op) {
            (EPERM, _) => Error::PermissionDenied { op },
            (EINVAL, _) => Error::InvalidArgument { op },
            (ERANGE, _) => Error::OutOfRange { op },
            (ENODEV, _) => Error::NoSuchDevice { op },
            (EEXIST, Op::AddService) => Error::ServiceExists { op },
            (EEXIST, Op::AddDest) => Error::DestinationExists { op },
            (EEXIST, Op::StartDaemon) => Error::DaemonRunning { op },
            (
                ESRCH,
                Op::EditService
                | Op::DelService
                | Op::Zero
                | Op::GetService
                | Op::ListDests
                | Op::AddDest
                | Op::EditDest
                | Op::DelDest,
            ) => Error::NoSuchService { op },
            (ESRCH, Op::StopDaemon) => Error::NoDaemonRunning { op },
            (ENOENT, Op::AddService | Op::EditService) => Error::SchedulerOrPeNotFound { op },
            (ENOENT, Op::EditDest | Op::DelDest) => Error::NoSuchDestination { op },
            _ => Error::Kernel { op, errno },
        }
    }

    /// The stable snake_case code (see the module table).
    pub fn code(&self) -> &'static str {
        self.stable().1
    }

    /// The stable number (see the module table).
    pub fn number(&self) -> u16 {
        self.stable().0
    }

    /// The request kind, when the error came from one.
    pub fn op(&self) -> Option<Op> {
        match self {
            Error::IpvsUnavailable => Some(Op::Connect),
            Error::PermissionDenied { op }
            | Error::Timeout { op, .. }
            | Error::MalformedReply { op, .. }
            | Error::Unconfirmed { op }
            | Error::ServiceExists { op }
            | Error::NoSuchService { op }
            | Error::SchedulerOrPeNotFound { op }
            | Error::DestinationExists { op }
            | Error::NoSuchDestination { op }
            | Error::DaemonRunning { op }
            | Error::NoDaemonRunning { op }
            | Error::InvalidArgument { op }
            | Error::OutOfRange { op }
            | Error::NoSuchDevice { op }
            | Error::Kernel { op, .. } => Some(*op),
            Error::Io(_) | Error::InvalidDocument { .. } | Error::ConnTable(_) => None,
        }
    }

    /// The positive errno the kernel (or a system call) reported, if any.
    pub fn errno(&self) -> Option<i32> {
        use nix::libc::*;
        match self {
            Error::IpvsUnavailable
            | Error::Timeout { .. }
            | Error::MalformedReply { .. }
            | Error::Unconfirmed { .. } => None,
            Error::PermissionDenied { .. } => Some(EPERM),
            Error::ServiceExists { .. }
            | Error::DestinationExists { .. }
            | Error::DaemonRunning { .. } => Some(EEXIST),
            Error::NoSuchService { .. } | Error::NoDaemonRunning { .. } => Some(ESRCH),
            Error::SchedulerOrPeNotFound { .. } | Error::NoSuchDestination { .. } => Some(ENOENT),
            Error::InvalidArgument { .. } => Some(EINVAL),
            Error::OutOfRange { .. } => Some(ERANGE),
            Error::NoSuchDevice { .. } => Some(ENODEV),
            Error::Kernel { errno, .. } => Some(*errno),
            Error::Io(e) => e.raw_os_error(),
            Error::InvalidDocument { .. } | Error::ConnTable(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn module_table_is_the_code_table() {
        let rows: Vec<(u16, String, String)> = include_str!("error.rs")
            .lines()
            .filter_map(|l| {
                let cells: Vec<&str> = l.strip_prefix("//! |")?.split('|').map(str::trim).collect();
                let number = cells.first()?.parse().ok()?;
                let code = cells.get(1)?.trim_matches('`').to_string();
                let variant = cells
                    .get(2)?
                    .strip_prefix("[`Error::")?
                    .strip_suffix("`]")?
                    .to_string();
                Some((number, code, variant))
            })
            .collect();
        let want: Vec<(u16, String, String)> = CODES
            .iter()
            .zip(VARIANTS)
            .map(|((n, c), v)| (*n, c.to_string(), v.to_string()))
            .collect();
        assert_eq!(rows, want, "the module table and stable_codes! disagree");
    }

    use super::*;
    use nix::libc::*;

    /// One value of every variant: their codes and numbers are exactly
    /// [`CODES`], with no duplicates.
    #[test]
    fn codes_table_matches_variants() {
        let op = Op::AddService;
        let all = [
            Error::IpvsUnavailable,
            Error::PermissionDenied { op },
            Error::Timeout {
                op,
                after: Duration::from_secs(1),
            },
            Error::MalformedReply {
                op,
                reason: String::new(),
            },
            Error::Unconfirmed { op },
            Error::ServiceExists { op },
            Error::NoSuchService { op },
            Error::SchedulerOrPeNotFound { op },
            Error::DestinationExists { op },
            Error::NoSuchDestination { op },
            Error::DaemonRunning { op },
            Error::NoDaemonRunning { op },
            Error::InvalidArgument { op },
            Error::OutOfRange { op },
            Error::NoSuchDevice { op },
            Error::Kernel { op, errno: 99 },
            Error::Io(io::Error::other("x")),
            Error::InvalidDocument {
                path: String::new(),
                message: String::new(),
            },
            Error::ConnTable(ConnError::Line {
                line: 1,
                reason: "x",
                text: String::new(),
            }),
        ];
        let got: Vec<(u16, &str)> = all.iter().map(|e| (e.number(), e.code())).collect();
        assert_eq!(got, CODES);
    }

    #[test]
    fn mapping_per_op() {
        assert_eq!(
            Error::from_kernel(Op::AddService, EEXIST).code(),
            "service_exists"
        );
        assert_eq!(
            Error::from_kernel(Op::AddDest, EEXIST).code(),
            "destination_exists"
        );
        assert_eq!(
            Error::from_kernel(Op::StartDaemon, EEXIST).code(),
            "daemon_running"
        );
        assert_eq!(
            Error::from_kernel(Op::EditDest, ENOENT).code(),
            "no_such_destination"
        );
        assert_eq!(
            Error::from_kernel(Op::EditService, ENOENT).code(),
            "scheduler_or_pe_not_found"
        );
        assert_eq!(
            Error::from_kernel(Op::DelDest, ESRCH).code(),
            "no_such_service"
        );
        assert_eq!(
            Error::from_kernel(Op::StopDaemon, ESRCH).code(),
            "no_daemon_running"
        );
        let k = Error::from_kernel(Op::Flush, ESRCH);
        assert_eq!(k.code(), "kernel");
        assert_eq!(k.errno(), Some(ESRCH));
        assert_eq!(k.op(), Some(Op::Flush));
        assert_eq!(
            Error::from_kernel(Op::StartDaemon, ENODEV).code(),
            "no_such_device"
        );
    }

    #[test]
    fn codes_and_numbers_are_unique() {
        let all = [
            Error::IpvsUnavailable,
            Error::PermissionDenied { op: Op::Flush },
            Error::Timeout {
                op: Op::Flush,
                after: Duration::ZERO,
            },
            Error::MalformedReply {
                op: Op::Flush,
                reason: String::new(),
            },
            Error::Unconfirmed { op: Op::Flush },
            Error::ServiceExists { op: Op::Flush },
            Error::NoSuchService { op: Op::Flush },
            Error::SchedulerOrPeNotFound { op: Op::Flush },
            Error::DestinationExists { op: Op::Flush },
            Error::NoSuchDestination { op: Op::Flush },
            Error::DaemonRunning { op: Op::Flush },
            Error::NoDaemonRunning { op: Op::Flush },
            Error::InvalidArgument { op: Op::Flush },
            Error::OutOfRange { op: Op::Flush },
            Error::NoSuchDevice { op: Op::Flush },
            Error::Kernel {
                op: Op::Flush,
                errno: 1,
            },
            Error::Io(io::Error::other("x")),
        ];
        let mut codes: Vec<_> = all.iter().map(|e| e.code()).collect();
        let mut nums: Vec<_> = all.iter().map(|e| e.number()).collect();
        codes.sort();
        codes.dedup();
        nums.sort();
        nums.dedup();
        assert_eq!(codes.len(), all.len());
        assert_eq!(nums.len(), all.len());
        for e in &all {
            assert!(!e.to_string().is_empty());
        }
    }
}
