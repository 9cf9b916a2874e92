//! The control socket: one JSON request per connection, one JSON answer.
//!
//! Requests: `{"command":"status"}`, `{"command":"drain","service":
//! "tcp:192.0.2.1:80","destination":"10.0.0.1:80"}`, `{"command":"ready",
//! ...}` (destination optional: the whole service), `{"command":"reload"}`.
//! Answers: `{"ok":true, ...}` or `{"ok":false,"error":"..."}`.

use rvsadm::model::ServiceKey;
use serde::{Deserialize, Serialize};
use std::io::{Read, Write};
use std::net::SocketAddr;
use std::path::Path;

/// A request to a running `rvsadmd`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "lowercase", deny_unknown_fields)]
pub enum Request {
    /// The status of every destination.
    Status,
    /// Weight 0 for a destination whatever its checks say; kept across
    /// restarts and reloads.
    Drain {
        /// `tcp:ADDR:PORT`, `udp:...`, `sctp:...` or `fwmark:N[:inet6]`.
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

/// Read a service as the control commands name it: `tcp:192.0.2.1:80`,
/// `udp:[2001:db8::1]:53`, `fwmark:5` or `fwmark:5:inet6`; the forms of
/// ipvsadm's `-t`/`-u`/`--sctp-service`/`-f` are accepted too
/// (`-t 192.0.2.1:80` as two words joined by a space).
///
/// ```
/// use rvsadmd::control::parse_service;
/// use rvsadm::ServiceKey;
/// let k = parse_service("tcp:192.0.2.1:80").unwrap();
/// assert_eq!(k, ServiceKey::tcp("192.0.2.1:80".parse().unwrap()));
/// assert!(parse_service("tcp:nowhere").is_err());
/// ```
pub fn parse_service(s: &str) -> Result<ServiceKey, String> {
    let s = s.trim();
    let (kind, rest) = s.split_once([':', ' ']).ok_or_else(|| {
        format!("`{s}`: write tcp:ADDR:PORT, udp:ADDR:PORT, sctp:ADDR:PORT or fwmark:N")
    })?;
    let addr = |r: &str| -> Result<SocketAddr, String> {
        r.trim()
            .parse()
            .map_err(|_| format!("`{r}` is not ADDR:PORT (IPv6 as [ADDR]:PORT)"))
    };
    match kind {
        "tcp" | "-t" => Ok(ServiceKey::tcp(addr(rest)?)),
        "udp" | "-u" => Ok(ServiceKey::udp(addr(rest)?)),
        "sctp" | "--sctp-service" => Ok(ServiceKey::sctp(addr(rest)?)),
        "fwmark" | "-f" => {
            let (n, fam) = match rest.split_once(':') {
                Some((n, f)) => (n, f),
                None => (rest, "inet"),
            };
            let mark: u32 = n
                .trim()
                .parse()
                .ok()
                .filter(|m| *m > 0)
                .ok_or_else(|| format!("`{n}` is not a firewall mark (1 to 4294967295)"))?;
            match fam {
                "inet" => Ok(ServiceKey::fwmark(mark)),
                "inet6" => Ok(ServiceKey::Fwmark {
                    mark,
                    family: rvsadm::model::Family::Inet6,
                }),
                f => Err(format!("`{f}`: write inet or inet6")),
            }
        }
        k => Err(format!("`{k}`: write tcp, udp, sctp or fwmark")),
    }
}

/// Read a destination `ADDR:PORT`.
pub fn parse_dest(s: &str) -> Result<SocketAddr, String> {
    s.trim()
        .parse()
        .map_err(|_| format!("`{s}` is not ADDR:PORT (IPv6 as [ADDR]:PORT)"))
}

/// Send one request to the daemon listening on `socket` and return its
/// answer.
pub fn call(socket: &Path, req: &Request) -> Result<serde_json::Value, String> {
    let mut s = std::os::unix::net::UnixStream::connect(socket).map_err(|e| {
        format!(
            "cannot reach rvsadmd at {}: {e} (is it running, with this control socket?)",
            socket.display()
        )
    })?;
    let _ = s.set_read_timeout(Some(std::time::Duration::from_secs(30)));
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
    fn services_by_name() {
        assert_eq!(
            parse_service("udp:[2001:db8::1]:53").unwrap(),
            ServiceKey::udp("[2001:db8::1]:53".parse().unwrap())
        );
        assert_eq!(
            parse_service("-t 10.0.0.1:80").unwrap(),
            ServiceKey::tcp("10.0.0.1:80".parse().unwrap())
        );
        assert_eq!(
            parse_service("fwmark:7:inet6").unwrap(),
            ServiceKey::Fwmark {
                mark: 7,
                family: rvsadm::model::Family::Inet6
            }
        );
        assert!(parse_service("fwmark:0").is_err());
        assert!(parse_service("icmp:1.2.3.4:0").is_err());
        assert!(parse_service("").is_err());
    }

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
}
