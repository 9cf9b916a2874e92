//! SIP checks (ldirectord's sip): an OPTIONS request for `sip:USER` over
//! UDP (one datagram each way) or TCP; up when the answer's status line
//! starts `SIP/2.0 200 OK`, as ldirectord requires.

use super::lines::Lines;
use super::{within, Verdict};
use crate::config::{SipProbe, Source};
use std::net::SocketAddr;
use tokio::time::Instant;

/// Ask before `deadline`.
pub(super) async fn check(p: &SipProbe, src: &Source, deadline: Instant) -> Verdict {
    let session = async { session(p, src).await.map_err(|e| format!("sip: {e}")) };
    Verdict::of(within(deadline, "sip", session).await)
}

async fn session(p: &SipProbe, src: &Source) -> Result<String, String> {
    let status = if p.tcp {
        let mut c = Lines::connect(p.target, src, false).await?;
        let local = c.local_addr()?;
        c.send(&options(&p.user, "TCP", local, &call_id())).await?;
        c.expect_line().await?
    } else {
        let s = super::source::udp(p.target, src).await?;
        let local = s.local_addr().map_err(|e| format!("local address: {e}"))?;
        let req = options(&p.user, "UDP", local, &call_id());
        super::source::exchange(&s, req.as_bytes(), |d| Some(status_line(d))).await?
    };
    if status.starts_with("SIP/2.0 200 OK") {
        Ok(status)
    } else {
        Err(format!("answered `{status}`"))
    }
}

/// A Call-ID that the next check will not repeat.
fn call_id() -> String {
    format!("{:016x}", super::unguessable())
}

/// The first line of datagram `d`, without its line end.
///
/// ```
/// use rvsadmd::probe::sip::status_line;
/// assert_eq!(status_line(b"SIP/2.0 200 OK\r\nVia: x\r\n\r\n"), "SIP/2.0 200 OK");
/// assert_eq!(status_line(b""), "");
/// ```
pub fn status_line(d: &[u8]) -> String {
    let line = d.split(|&b| b == b'\n').next().unwrap_or(&[]);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    String::from_utf8_lossy(line).into_owned()
}

/// The OPTIONS request for `sip:user`, from `local` over `transport`.
pub fn options(user: &str, transport: &str, local: SocketAddr, call_id: &str) -> String {
    format!(
        "OPTIONS sip:{user} SIP/2.0\r\n\
         Via: SIP/2.0/{transport} {local};branch=z9hG4bK{call_id}\r\n\
         Max-Forwards: 70\r\n\
         To: <sip:{user}>\r\n\
         From: <sip:{user}>;tag={call_id}\r\n\
         Call-ID: {call_id}\r\n\
         CSeq: 1 OPTIONS\r\n\
         Contact: <sip:{user}>\r\n\
         Accept: application/sdp\r\n\
         Content-Length: 0\r\n\r\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

    /// The answer to an OPTIONS for `sip:USER`: 200 for `lb@example`, 404
    /// for the rest; `None` for what is not an OPTIONS request.
    fn answer(req: &str) -> Option<&'static str> {
        let first = req.lines().next()?;
        let user = first
            .strip_prefix("OPTIONS sip:")?
            .strip_suffix(" SIP/2.0")?;
        if !req.contains("\r\nCall-ID: ") || !req.ends_with("\r\n\r\n") {
            return None;
        }
        Some(if user == "lb@example" {
            "SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n"
        } else {
            "SIP/2.0 404 Not Found\r\nContent-Length: 0\r\n\r\n"
        })
    }

    async fn servers() -> SocketAddr {
        let t = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let at = t.local_addr().unwrap();
        let u = tokio::net::UdpSocket::bind(at).await.unwrap();
        tokio::spawn(async move {
            let mut b = [0u8; 4096];
            while let Ok((n, from)) = u.recv_from(&mut b).await {
                if let Some(a) = answer(&String::from_utf8_lossy(&b[..n])) {
                    let _ = u.send_to(a.as_bytes(), from).await;
                }
            }
        });
        tokio::spawn(async move {
            while let Ok((s, _)) = t.accept().await {
                let (r, mut w) = s.into_split();
                let mut lines = BufReader::new(r).lines();
                let mut req = String::new();
                while let Ok(Some(l)) = lines.next_line().await {
                    req.push_str(&l);
                    req.push_str("\r\n");
                    if l.is_empty() {
                        break;
                    }
                }
                if let Some(a) = answer(&req) {
                    let _ = w.write_all(a.as_bytes()).await;
                }
            }
        });
        at
    }

    #[tokio::test]
    async fn options_over_udp_and_tcp() {
        let at = servers().await;
        for tcp in [false, true] {
            let p = |user: &str| SipProbe {
                target: at,
                tcp,
                user: user.into(),
            };
            let soon = Instant::now() + Duration::from_secs(2);
            let v = check(&p("lb@example"), &Source::default(), soon).await;
            assert_eq!(v, Verdict::up("SIP/2.0 200 OK"), "tcp {tcp}");
            let v = check(&p("x@example"), &Source::default(), soon).await;
            assert_eq!(
                v,
                Verdict::down("sip: answered `SIP/2.0 404 Not Found`"),
                "tcp {tcp}"
            );
        }
    }
}
