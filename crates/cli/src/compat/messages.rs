//! ipvsadm 1.31's texts for a failure: what it prints on standard error
//! when the kernel refuses a request, keyed by the request kind
//! ([`rvsadm::Op`]) and the errno the library reports ([`Error::errno`]).
//!
//! The library's own [`Error`] says what went wrong in its words; the bytes
//! ipvsadm prints are a fact of the command line, kept here, and both the
//! text output ([`super::run`]) and the `message` of a `--json` error
//! object ([`crate::json::report`]) read them. The differential suite
//! (`tests/diff`) and the kernel tests compare them with ipvsadm's.
//!
//! ipvsadm looks its message up by the libipvs function it called last and
//! the errno: `EEXIST` is "Service already exists" for an added service but
//! "Destination already exists" for an added destination. A few rows apply
//! to any function; other errnos fall back to libc's `strerror`.

use super::libc::strerror;
use rvsadm::{ConnError, Error, Op};

/// Exactly the text ipvsadm 1.31 prints for `e` (without the newline).
///
/// Failures that are not a kernel errno (timeouts, undecodable replies,
/// socket errors) are reported by ipvsadm's library as `EINVAL`, so they
/// give that text; a missing IPVS family gives "Protocol not available".
///
/// ```
/// use rvsadm::{Error, Op};
/// use rvsadm_cli::compat::messages::ipvsadm_message;
///
/// let t = |op, errno| ipvsadm_message(&Error::from_kernel(op, errno));
/// assert_eq!(t(Op::AddService, 17), "Service already exists");
/// assert_eq!(t(Op::AddDest, 3), "Service not defined");
/// assert_eq!(t(Op::Flush, 3), "No such process");
/// assert_eq!(t(Op::AddDest, 34), "Numerical result out of range");
/// ```
pub fn ipvsadm_message(e: &Error) -> String {
    use nix::libc::{EINVAL, ENOPROTOOPT};
    match e {
        Error::IpvsUnavailable => return kernel_text(Op::Connect, ENOPROTOOPT),
        Error::InvalidDocument { .. } => return e.to_string(),
        Error::ConnTable(ConnError::Io { path, .. }) => return format!("cannot open file {path}"),
        Error::ConnTable(c) => return c.to_string(),
        _ => {}
    }
    match (e.op(), e.errno()) {
        (Some(op), Some(errno)) if !matches!(e, Error::Io(_)) => kernel_text(op, errno),
        _ => kernel_text(Op::Connect, EINVAL),
    }
}

/// ipvsadm's text for a kernel `errno` answering a request of kind `op`.
///
/// ```
/// use rvsadm::Op;
/// use rvsadm_cli::compat::messages::kernel_text;
///
/// assert_eq!(kernel_text(Op::DelDest, 2), "No such destination");
/// assert_eq!(kernel_text(Op::AddDest, 2), "No such file or directory");
/// ```
pub fn kernel_text(op: Op, errno: i32) -> String {
    match specific(op, errno) {
        Some(text) => text.to_string(),
        None => strerror(errno),
    }
}

/// ipvsadm's own text for `(op, errno)`, if it has one. Flush, the service
/// dump and getinfo leave ipvsadm's "current function" at its init call, so
/// only the rows for any function apply to them.
fn specific(op: Op, errno: i32) -> Option<&'static str> {
    use nix::libc::*;
    Some(match (op, errno) {
        (Op::AddService, EEXIST) => "Service already exists",
        (Op::AddService | Op::EditService, ENOENT) => "Scheduler or persistence engine not found",
        (Op::EditService | Op::DelService | Op::Zero | Op::ListDests | Op::GetService, ESRCH) => {
            "No such service"
        }
        (Op::AddDest | Op::EditDest | Op::DelDest, ESRCH) => "Service not defined",
        (Op::AddDest, EEXIST) => "Destination already exists",
        (Op::EditDest | Op::DelDest, ENOENT) => "No such destination",
        (Op::StartDaemon, EEXIST) => "Daemon has already run",
        (Op::StopDaemon, ESRCH) => "No daemon is running",
        (_, EPERM) => "Permission denied (you must be root)",
        (_, EINVAL) => {
            "Invalid operation.  Possibly wrong module version, address not unicast, ..."
        }
        (_, ENOPROTOOPT) => "Protocol not available",
        (_, ENOMEM) => "Memory allocation problem",
        (_, EOPNOTSUPP) => "Operation not supported with IPv6",
        (_, EAFNOSUPPORT) => "Operation not supported with specified address family",
        (_, EMSGSIZE) => "Module is wrong version",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use nix::libc::*;
    use std::time::Duration;

    #[test]
    fn texts_per_request_kind_and_errno() {
        let t = |op, e| ipvsadm_message(&Error::from_kernel(op, e));
        assert_eq!(t(Op::AddService, EEXIST), "Service already exists");
        assert_eq!(
            t(Op::EditService, ENOENT),
            "Scheduler or persistence engine not found"
        );
        assert_eq!(t(Op::DelService, ESRCH), "No such service");
        assert_eq!(t(Op::Zero, ESRCH), "No such service");
        assert_eq!(t(Op::GetService, ESRCH), "No such service");
        assert_eq!(t(Op::ListDests, ESRCH), "No such service");
        assert_eq!(t(Op::ListServices, ESRCH), "No such process");
        assert_eq!(t(Op::Flush, ESRCH), "No such process");
        assert_eq!(t(Op::EditDest, ESRCH), "Service not defined");
        assert_eq!(t(Op::AddDest, EEXIST), "Destination already exists");
        assert_eq!(t(Op::DelDest, ENOENT), "No such destination");
        assert_eq!(t(Op::AddDest, ENOENT), "No such file or directory");
        assert_eq!(t(Op::StartDaemon, EEXIST), "Daemon has already run");
        assert_eq!(t(Op::StopDaemon, ESRCH), "No daemon is running");
        assert_eq!(
            t(Op::AddService, EPERM),
            "Permission denied (you must be root)"
        );
        assert_eq!(
            t(Op::AddDest, EINVAL),
            "Invalid operation.  Possibly wrong module version, address not unicast, ..."
        );
        assert_eq!(t(Op::AddDest, ERANGE), "Numerical result out of range");
        assert_eq!(t(Op::StartDaemon, ENODEV), "No such device");
        assert_eq!(
            t(Op::Flush, EAFNOSUPPORT),
            "Operation not supported with specified address family"
        );
        assert_eq!(t(Op::Flush, EMSGSIZE), "Module is wrong version");
        assert_eq!(t(Op::Flush, ENOMEM), "Memory allocation problem");
        assert_eq!(
            t(Op::Flush, EOPNOTSUPP),
            "Operation not supported with IPv6"
        );
        assert_eq!(t(Op::Flush, ENOPROTOOPT), "Protocol not available");
    }

    #[test]
    fn failures_that_are_not_a_kernel_errno() {
        assert_eq!(
            ipvsadm_message(&Error::IpvsUnavailable),
            "Protocol not available"
        );
        let einval = "Invalid operation.  Possibly wrong module version, address not unicast, ...";
        let timeout = Error::Timeout {
            op: Op::Flush,
            after: Duration::from_secs(1),
        };
        assert_eq!(ipvsadm_message(&timeout), einval);
        // A socket error is EINVAL to ipvsadm whatever its own errno.
        let io = Error::Io(std::io::Error::from_raw_os_error(ENOBUFS));
        assert_eq!(ipvsadm_message(&io), einval);
        let doc = Error::InvalidDocument {
            path: "services[0].port".into(),
            message: "expected a number".into(),
        };
        assert_eq!(ipvsadm_message(&doc), "services[0].port: expected a number");
    }

    /// The library says what went wrong in its own words; ipvsadm's words
    /// are this module's.
    #[test]
    fn the_library_display_is_not_ipvsadm_text() {
        let e = Error::from_kernel(Op::AddDest, ESRCH);
        assert_eq!(ipvsadm_message(&e), "Service not defined");
        assert_eq!(
            e.to_string(),
            "add destination: no such service: check protocol, address and port (or fwmark) against the current table"
        );
    }
}
