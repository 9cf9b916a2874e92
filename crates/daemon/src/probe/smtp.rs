//! SMTP checks: the server greets with 220, answers `HELO name` with
//! 250, and is sent QUIT. [`reply`] reads one reply from bytes alone.

use super::{within, Verdict};
use crate::config::{SmtpProbe, Source};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::Instant;

/// The longest reply read (a multi-line greeting included).
const MAX_REPLY: usize = 16 * 1024;

/// Greeting, HELO, QUIT before `deadline`.
pub(super) async fn check(p: &SmtpProbe, src: &Source, deadline: Instant) -> Verdict {
    Verdict::of(within(deadline, "SMTP", session(p, src)).await)
}

async fn session(p: &SmtpProbe, src: &Source) -> Result<String, String> {
    let helo = match &p.helo {
        Some(name) => name.clone(),
        None => nix::unistd::gethostname()
            .map_err(|e| format!("this machine's host name (for HELO): {e}"))?
            .to_string_lossy()
            .into_owned(),
    };
    let mut s = super::source::tcp(p.target, src).await?;
    let mut buf = Vec::new();
    let (code, text) = next_reply(&mut s, &mut buf).await?;
    if code != 220 {
        return Err(format!("greeting {code} {text}"));
    }
    s.write_all(format!("HELO {helo}\r\n").as_bytes())
        .await
        .map_err(|e| format!("send: {e}"))?;
    let (code, text) = next_reply(&mut s, &mut buf).await?;
    if code != 250 {
        return Err(format!("HELO answered {code} {text}"));
    }
    // Polite, and not waited for: the server has answered what counts.
    let _ = s.write_all(b"QUIT\r\n").await;
    Ok("greeting 220, HELO 250".into())
}

/// Read until `buf` holds a whole reply; return its code and last line's
/// text and drop it from `buf`.
async fn next_reply(s: &mut TcpStream, buf: &mut Vec<u8>) -> Result<(u16, String), String> {
    let mut chunk = [0u8; 2048];
    loop {
        if let Some(r) = reply(buf)? {
            buf.drain(..r.len);
            return Ok((r.code, r.text));
        }
        if buf.len() > MAX_REPLY {
            return Err("reply longer than 16 KiB".into());
        }
        let n = s
            .read(&mut chunk)
            .await
            .map_err(|e| format!("receive: {e}"))?;
        if n == 0 {
            return Err("connection closed before a reply".into());
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

/// One SMTP reply: its code, the text of its last line, and how many
/// bytes it took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The three-digit code.
    pub code: u16,
    /// The text after the code on the last line.
    pub text: String,
    /// Bytes of the input it took, line ends included.
    pub len: usize,
}

/// The reply at the start of `bytes`: `Ok(None)` while it is not whole
/// (lines `CODE-text` go on, `CODE text` or `CODE` ends), an error for
/// a line that is not a reply.
///
/// ```
/// use rvsadmd::probe::smtp::reply;
/// let r = reply(b"220-mx ESMTP\r\n220 ready\r\n").unwrap().unwrap();
/// assert_eq!((r.code, r.text.as_str(), r.len), (220, "ready", 25));
/// assert_eq!(reply(b"220-mx\r\n220 rea").unwrap(), None);
/// assert!(reply(b"HTTP/1.0 400\r\n").is_err());
/// ```
pub fn reply(bytes: &[u8]) -> Result<Option<Reply>, String> {
    let mut at = 0;
    let mut first: Option<u16> = None;
    while let Some(end) = bytes[at..].iter().position(|&b| b == b'\n') {
        let line = &bytes[at..at + end];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let shown = || String::from_utf8_lossy(line).into_owned();
        let code = match line.get(..3) {
            Some(d) if d.iter().all(u8::is_ascii_digit) => {
                d.iter().fold(0u16, |n, c| n * 10 + u16::from(c - b'0'))
            }
            _ => return Err(format!("not an SMTP reply: {}", shown())),
        };
        if *first.get_or_insert(code) != code {
            return Err(format!("reply lines with two codes: {}", shown()));
        }
        at += end + 1;
        match line.get(3) {
            Some(b'-') => continue,
            None | Some(b' ') => {
                let text = String::from_utf8_lossy(line.get(4..).unwrap_or(&[]));
                return Ok(Some(Reply {
                    code,
                    text: text.into_owned(),
                    len: at,
                }));
            }
            Some(_) => return Err(format!("not an SMTP reply: {}", shown())),
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::SocketAddr;
    use std::time::Duration;
    use tokio::io::{AsyncBufReadExt, BufReader};

    #[test]
    fn replies_single_and_multi_line() {
        assert_eq!(
            reply(b"250 ok\r\nnext"),
            Ok(Some(Reply {
                code: 250,
                text: "ok".into(),
                len: 8
            }))
        );
        assert_eq!(reply(b"221\n").unwrap().unwrap().code, 221);
        assert_eq!(reply(b"220 no line end yet"), Ok(None));
        assert_eq!(reply(b""), Ok(None));
        assert!(reply(b"220-a\r\n250 b\r\n").is_err());
        assert!(reply(b"22\r\n").is_err());
        assert!(reply(b"220x\r\n").is_err());
    }

    /// A tiny SMTP server: `greeting` first, then 250 to `HELO NAME` when
    /// NAME is `want_helo`, 501 otherwise; records what it was sent.
    async fn server(greeting: &'static str, want_helo: &'static str) -> SocketAddr {
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let at = l.local_addr().unwrap();
        tokio::spawn(async move {
            while let Ok((s, _)) = l.accept().await {
                let (r, mut w) = s.into_split();
                let _ = w.write_all(greeting.as_bytes()).await;
                let mut lines = BufReader::new(r).lines();
                while let Ok(Some(l)) = lines.next_line().await {
                    let answer = match l.strip_prefix("HELO ") {
                        Some(n) if n == want_helo => "250 hello\r\n",
                        Some(_) => "501 bad name\r\n",
                        None if l == "QUIT" => "221 bye\r\n",
                        None => "500 what\r\n",
                    };
                    let _ = w.write_all(answer.as_bytes()).await;
                }
            }
        });
        at
    }

    fn soon() -> Instant {
        Instant::now() + Duration::from_secs(2)
    }

    #[tokio::test]
    async fn greeting_helo_quit() {
        let good = server("220-mx.test ESMTP\r\n220 ready\r\n", "checker.test").await;
        let p = SmtpProbe {
            target: good,
            helo: Some("checker.test".into()),
        };
        assert_eq!(
            check(&p, &Source::default(), soon()).await,
            Verdict::up("greeting 220, HELO 250")
        );
        let p = SmtpProbe {
            helo: Some("other".into()),
            ..p
        };
        assert_eq!(
            check(&p, &Source::default(), soon()).await,
            Verdict::down("HELO answered 501 bad name")
        );
        let busy = server("554 no service\r\n", "x").await;
        let p = SmtpProbe {
            target: busy,
            helo: None,
        };
        assert_eq!(
            check(&p, &Source::default(), soon()).await,
            Verdict::down("greeting 554 no service")
        );
    }

    #[tokio::test]
    async fn a_silent_server_times_out() {
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let p = SmtpProbe {
            target: l.local_addr().unwrap(),
            helo: None,
        };
        let v = check(
            &p,
            &Source::default(),
            Instant::now() + Duration::from_millis(200),
        )
        .await;
        assert_eq!(v, Verdict::down("SMTP timed out"));
    }
}
