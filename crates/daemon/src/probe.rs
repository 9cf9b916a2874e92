//! Running one probe: TCP connect, HTTP request, or a program; each
//! bounded by its timeout.

use super::config::{Expect, HttpProbe, Probe};
use super::health::Outcome;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The most of a response an HTTP check reads: the status line, the
/// headers and the start of the body.
const MAX_RESPONSE: usize = 64 * 1024;

/// Run `probe` once, started at `start` (its scheduled time), taking at
/// most `timeout` from then. The latency is counted from `start` too: one
/// clock read per probe (a check start made late by a busy director
/// shows in it).
pub async fn run(probe: &Probe, start: tokio::time::Instant, timeout: Duration) -> Outcome {
    let deadline = start + timeout;
    let (ok, weight, reason) = match probe {
        Probe::Up => (true, None, "checktype on".to_string()),
        Probe::Down => (false, None, "checktype off".to_string()),
        // Never scheduled (see `run`); a result here changes nothing.
        Probe::Unchecked => (true, None, "not checked".to_string()),
        Probe::Tcp { target } => {
            match tokio::time::timeout_at(deadline, TcpStream::connect(target)).await {
                Ok(Ok(s)) => {
                    // Close with a reset: no FIN exchange, no TIME_WAIT
                    // socket per check left on either side.
                    let _ = s.set_zero_linger();
                    (true, None, "connected".into())
                }
                Ok(Err(e)) => (false, None, format!("connect: {e}")),
                Err(_) => (false, None, "connect timed out".into()),
            }
        }
        Probe::Http(h) => match tokio::time::timeout_at(deadline, http(h)).await {
            Ok(Ok(())) => (true, None, "response as expected".into()),
            Ok(Err(m)) => (false, None, m),
            Err(_) => (false, None, "timed out".into()),
        },
        Probe::Exec { argv, env, dynamic } => {
            let (ok, w, why) = exec(argv, env, deadline).await;
            if *dynamic || w.is_none() {
                (ok, w, why)
            } else {
                (false, None, why)
            }
        }
    };
    Outcome {
        ok,
        weight,
        latency: tokio::time::Instant::now().saturating_duration_since(start),
        reason,
    }
}

/// The request an HTTP check sends.
pub fn http_request(h: &HttpProbe) -> String {
    let host = match &h.host {
        Some(name) => name.clone(),
        None => match h.target {
            std::net::SocketAddr::V4(a) => a.ip().to_string(),
            std::net::SocketAddr::V6(a) => format!("[{}]", a.ip()),
        },
    };
    format!(
        "{} {} HTTP/1.0\r\nHost: {host}\r\nUser-Agent: rvsadmd/{}\r\nAccept: */*\r\nConnection: close\r\n\r\n",
        h.method,
        h.path,
        env!("CARGO_PKG_VERSION")
    )
}

/// Judge a response (as much of it as was read): `Ok` when its status is
/// one of `h.status` and its body holds what `h.expect` asks.
pub fn judge(h: &HttpProbe, response: &[u8]) -> Result<(), String> {
    let line_end = response
        .iter()
        .position(|&b| b == b'\n')
        .ok_or("no status line")?;
    let line = String::from_utf8_lossy(&response[..line_end]);
    let mut words = line.split_whitespace();
    let version = words.next().unwrap_or("");
    if !version.starts_with("HTTP/") {
        return Err(format!("not an HTTP response: {}", line.trim_end()));
    }
    let code: u16 = words
        .next()
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| format!("bad status line: {}", line.trim_end()))?;
    if !h.status.iter().any(|(a, b)| (*a..=*b).contains(&code)) {
        return Err(format!("status {code}"));
    }
    let Some(expect) = &h.expect else {
        return Ok(());
    };
    let body = find(response, b"\r\n\r\n")
        .map(|i| &response[i + 4..])
        .or_else(|| find(response, b"\n\n").map(|i| &response[i + 2..]))
        .unwrap_or(&[]);
    let body = String::from_utf8_lossy(body);
    let found = match expect {
        Expect::Text(t) => body.contains(t.as_str()),
        Expect::Regex(r) => r.is_match(&body),
    };
    if found {
        Ok(())
    } else {
        Err(format!("status {code}, body does not match"))
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

async fn http(h: &HttpProbe) -> Result<(), String> {
    let tcp = TcpStream::connect(h.target)
        .await
        .map_err(|e| format!("connect: {e}"))?;
    let buf = if h.tls {
        let config = super::tls::config(h.verify)?;
        let name = super::tls::server_name(h.host.as_deref(), h.target.ip())?;
        let s = tokio_rustls::TlsConnector::from(config)
            .connect(name, tcp)
            .await
            .map_err(|e| format!("TLS: {e}"))?;
        exchange(s, h).await?
    } else {
        exchange(tcp, h).await?
    };
    judge(h, &buf)
}

/// Send the request and read the response, up to [`MAX_RESPONSE`] bytes
/// or the end. A TLS server that closes without `close_notify` (many do)
/// has still answered.
async fn exchange<S>(mut s: S, h: &HttpProbe) -> Result<Vec<u8>, String>
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    s.write_all(http_request(h).as_bytes())
        .await
        .map_err(|e| format!("send: {e}"))?;
    let mut buf = Vec::with_capacity(4096);
    let mut chunk = [0u8; 8192];
    while buf.len() < MAX_RESPONSE {
        let n = match s.read(&mut chunk).await {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof && !buf.is_empty() => 0,
            Err(e) => return Err(format!("receive: {e}")),
        };
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n.min(MAX_RESPONSE - buf.len())]);
    }
    Ok(buf)
}

/// Run a program: exit 0 up, 1 down, 2-255 up with weight code - 2; a
/// signal or a timeout is down (on timeout its whole process group is
/// killed).
async fn exec(
    argv: &[String],
    env: &[(String, String)],
    deadline: tokio::time::Instant,
) -> (bool, Option<u32>, String) {
    let Some((prog, args)) = argv.split_first() else {
        return (false, None, "no program".into());
    };
    let mut cmd = tokio::process::Command::new(prog);
    cmd.args(args)
        .envs(env.iter().map(|(k, v)| (k, v)))
        // systemd's socket is rvsadmd's to speak on, not a check's.
        .env_remove("NOTIFY_SOCKET")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .process_group(0)
        .kill_on_drop(true);
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => return (false, None, format!("cannot run {prog}: {e}")),
    };
    match tokio::time::timeout_at(deadline, child.wait()).await {
        Ok(Ok(status)) => match status.code() {
            Some(0) => (true, None, "exit 0".into()),
            Some(1) => (false, None, "exit 1".into()),
            Some(c) if (2..=255).contains(&c) => (true, Some(c as u32 - 2), format!("exit {c}")),
            Some(c) => (false, None, format!("exit {c}")),
            None => (false, None, "killed by a signal".into()),
        },
        Ok(Err(e)) => (false, None, format!("wait: {e}")),
        Err(_) => {
            if let Some(pid) = child.id() {
                if let Ok(pid) = i32::try_from(pid) {
                    let _ = nix::sys::signal::killpg(
                        nix::unistd::Pid::from_raw(pid),
                        nix::sys::signal::Signal::SIGKILL,
                    );
                }
            }
            let _ = child.wait().await;
            (false, None, "timed out".into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn probe(expect: Option<Expect>) -> HttpProbe {
        HttpProbe {
            target: "10.0.0.1:80".parse().unwrap(),
            tls: false,
            verify: true,
            method: "GET".into(),
            path: "/h".into(),
            host: None,
            status: vec![(200, 299)],
            expect,
        }
    }

    #[test]
    fn responses_are_judged_by_status_and_body() {
        let p = probe(Some(Expect::Text("OK".into())));
        assert_eq!(judge(&p, b"HTTP/1.0 200 Fine\r\n\r\nall OK\n"), Ok(()));
        assert!(judge(&p, b"HTTP/1.0 200 Fine\r\nX: OK\r\n\r\nnope").is_err());
        assert_eq!(
            judge(&p, b"HTTP/1.1 503 Busy\r\n\r\nOK"),
            Err("status 503".into())
        );
        assert!(judge(&p, b"SSH-2.0-OpenSSH\r\n").is_err());
        assert!(judge(&p, b"").is_err());
        let r = probe(Some(Expect::Regex(
            crate::config::Pattern::new("^up [0-9]+$").unwrap(),
        )));
        assert_eq!(judge(&r, b"HTTP/1.0 204 x\n\nup 12"), Ok(()));
        assert!(judge(&r, b"HTTP/1.0 204 x\n\nup x").is_err());
        assert_eq!(judge(&probe(None), b"HTTP/1.1 299 x\r\n\r\n"), Ok(()));
    }

    #[test]
    fn the_request_names_the_host() {
        let mut p = probe(None);
        assert!(http_request(&p).starts_with("GET /h HTTP/1.0\r\nHost: 10.0.0.1\r\n"));
        p.host = Some("www.example.com".into());
        p.target = "[2001:db8::1]:80".parse().unwrap();
        assert!(http_request(&p).contains("\r\nHost: www.example.com\r\n"));
        p.host = None;
        assert!(http_request(&p).contains("\r\nHost: [2001:db8::1]\r\n"));
    }

    #[tokio::test]
    async fn exec_exit_codes_and_timeouts() {
        let sh = |s: &str| vec!["/bin/sh".to_string(), "-c".into(), s.to_string()];
        let in_5s = || tokio::time::Instant::now() + Duration::from_secs(5);
        assert!(exec(&sh("exit 0"), &[], in_5s()).await.0);
        assert!(!exec(&sh("exit 1"), &[], in_5s()).await.0);
        assert_eq!(
            exec(&sh("exit 7"), &[], in_5s()).await,
            (true, Some(5), "exit 7".into())
        );
        let env = [("RVSADMD_PORT".to_string(), "81".to_string())];
        assert!(
            exec(&sh("test \"$RVSADMD_PORT\" = 81"), &env, in_5s())
                .await
                .0
        );
        let start = std::time::Instant::now();
        let soon = tokio::time::Instant::now() + Duration::from_millis(200);
        let r = exec(&sh("sleep 30 & sleep 30"), &[], soon).await;
        assert_eq!(r, (false, None, "timed out".into()));
        assert!(start.elapsed() < Duration::from_secs(10));
        assert!(!exec(&["/nonexistent/x".to_string()], &[], in_5s()).await.0);
    }

    #[tokio::test]
    async fn tcp_connects_or_not() {
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let target = l.local_addr().unwrap();
        let up = run(
            &Probe::Tcp { target },
            tokio::time::Instant::now(),
            Duration::from_secs(2),
        )
        .await;
        assert!(up.ok, "{up:?}");
        drop(l);
        // A port bound but not listening (held, so no other test can take
        // it meanwhile): connections are refused.
        use nix::sys::socket::{
            bind, getsockname, socket, AddressFamily, SockFlag, SockType, SockaddrIn,
        };
        let fd = socket(
            AddressFamily::Inet,
            SockType::Stream,
            SockFlag::empty(),
            None,
        )
        .unwrap();
        bind(
            std::os::fd::AsRawFd::as_raw_fd(&fd),
            &SockaddrIn::new(127, 0, 0, 1, 0),
        )
        .unwrap();
        let held: SockaddrIn = getsockname(std::os::fd::AsRawFd::as_raw_fd(&fd)).unwrap();
        let closed = std::net::SocketAddr::from(([127, 0, 0, 1], held.port()));
        let down = run(
            &Probe::Tcp { target: closed },
            tokio::time::Instant::now(),
            Duration::from_secs(2),
        )
        .await;
        assert!(!down.ok, "{down:?}");
        drop(fd);
    }

    #[tokio::test]
    async fn http_against_a_local_server() {
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let target = l.local_addr().unwrap();
        tokio::spawn(async move {
            while let Ok((mut s, _)) = l.accept().await {
                let mut b = [0u8; 1024];
                let n = s.read(&mut b).await.unwrap_or(0);
                let req = String::from_utf8_lossy(&b[..n]).to_string();
                let resp = if req.starts_with("GET /ok ") {
                    "HTTP/1.0 200 OK\r\n\r\nhealthy\n"
                } else {
                    "HTTP/1.0 404 Not Found\r\n\r\n"
                };
                let _ = s.write_all(resp.as_bytes()).await;
            }
        });
        let mut p = probe(Some(Expect::Text("healthy".into())));
        p.target = target;
        p.path = "/ok".into();
        let o = run(
            &Probe::Http(p.clone()),
            tokio::time::Instant::now(),
            Duration::from_secs(2),
        )
        .await;
        assert!(o.ok, "{o:?}");
        p.path = "/missing".into();
        let o = run(
            &Probe::Http(p),
            tokio::time::Instant::now(),
            Duration::from_secs(2),
        )
        .await;
        assert!(!o.ok && o.reason == "status 404", "{o:?}");
    }
}
