//! The control protocol of `rvsadmd`: its requests, its answers, the one
//! text form of a service they use, and a blocking client.
//!
//! One JSON request line per connection on a unix socket, one JSON answer
//! line back. Requests: `{"command":"status"}`, `{"command":"drain",
//! "service":"tcp:192.0.2.1:80","destination":"10.0.0.1:80"}`,
//! `{"command":"ready",...}` (destination optional: the whole service),
//! `{"command":"reload"}`. Answers ([`Answer`]): `{"ok":true, ...}` or
//! `{"error":"...","ok":false}`.
//!
//! Shared by `rvsadmd` (its server and `rvsadmd status`/`drain`/`ready`)
//! and `rvsadm top` (which reads `status`), so that the spelling of a
//! request and of an answer is written once, and `rvsadm` does not pull
//! in the daemon's runtime. Depends on serde, serde_json and the `rvsadm`
//! library (for [`rvsadm::ServiceKey`]) only.

#![warn(missing_docs)]

pub mod answer;
pub mod service;
pub mod status;

pub use answer::{Answer, FleetRow, Status};
pub use status::{AgentRow, Rejected, StatusRow};

use serde::{Deserialize, Serialize};
use std::io::{Read, Write};
use std::path::Path;
use std::time::Duration;

/// Where `rvsadmd` listens when neither its configuration nor its command
/// line says otherwise.
pub const DEFAULT_SOCKET: &str = "/run/rvsadmd.sock";

/// A request to a running `rvsadmd`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "lowercase", deny_unknown_fields)]
pub enum Request {
    /// The status of every destination.
    Status,
    /// Weight 0 for a destination whatever its checks say; kept across
    /// restarts and reloads.
    Drain {
        /// `tcp:ADDR:PORT`, `udp:...`, `sctp:...` or `fwmark:N[:inet6]`
        /// (read by [`service::parse`]).
        service: String,
        /// `ADDR:PORT`.
        destination: String,
    },
    /// Back under its checks: clears a drain and any change by hand kept.
    Ready {
        /// As for `drain`.
        service: String,
        /// As for `drain`; absent: every destination of the service.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        destination: Option<String>,
    },
    /// Read the configuration again (as SIGHUP does).
    Reload,
}

/// Send one request to the daemon listening on `socket` and return its
/// answer.
pub fn call(socket: &Path, req: &Request) -> Result<Answer, String> {
    call_within(socket, req, Duration::from_secs(30))
}

/// [`call`], waiting at most `timeout` for each read and write (a caller
/// that must not hang on a stuck daemon, such as `rvsadm top`).
pub fn call_within(socket: &Path, req: &Request, timeout: Duration) -> Result<Answer, String> {
    let mut s = std::os::unix::net::UnixStream::connect(socket).map_err(|e| {
        format!(
            "cannot reach rvsadmd at {}: {e} (is it running, with this control socket?)",
            socket.display()
        )
    })?;
    let _ = s.set_read_timeout(Some(timeout));
    let _ = s.set_write_timeout(Some(timeout));
    let mut text = serde_json::to_string(req).map_err(|e| e.to_string())?;
    text.push('\n');
    s.write_all(text.as_bytes())
        .map_err(|e| format!("sending to {}: {e}", socket.display()))?;
    let _ = s.shutdown(std::net::Shutdown::Write);
    let mut answer = String::new();
    s.read_to_string(&mut answer)
        .map_err(|e| format!("reading from {}: {e}", socket.display()))?;
    serde_json::from_str(&answer).map_err(|e| format!("unreadable answer from rvsadmd: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_read_back() {
        let r: Request =
            serde_json::from_str(r#"{"command":"ready","service":"tcp:1.2.3.4:80"}"#).unwrap();
        assert_eq!(
            r,
            Request::Ready {
                service: "tcp:1.2.3.4:80".into(),
                destination: None
            }
        );
        assert!(serde_json::from_str::<Request>(r#"{"command":"flush"}"#).is_err());
    }

    #[test]
    fn call_reads_the_answer_typed() {
        let dir = std::env::temp_dir().join(format!("rvsadmd-call-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let socket = dir.join("s.sock");
        let l = std::os::unix::net::UnixListener::bind(&socket).unwrap();
        let server = std::thread::spawn(move || {
            for line in [
                r#"{"error":"x is not in the configuration","ok":false}"#,
                "{",
            ] {
                let (mut c, _) = l.accept().unwrap();
                let mut req = String::new();
                c.read_to_string(&mut req).unwrap();
                assert_eq!(req, "{\"command\":\"reload\"}\n");
                c.write_all(line.as_bytes()).unwrap();
            }
        });
        assert_eq!(
            call(&socket, &Request::Reload),
            Ok(Answer::Refused("x is not in the configuration".into()))
        );
        let e = call(&socket, &Request::Reload).unwrap_err();
        assert!(e.contains("unreadable answer"), "{e}");
        server.join().unwrap();
        let _ = std::fs::remove_dir_all(&dir);
    }
}
