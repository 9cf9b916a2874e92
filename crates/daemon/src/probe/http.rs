//! HTTP and HTTPS checks: each URL asked for on a connection of its own
//! (HTTP/1.0, `Connection: close`), all of them answered as expected.
//! [`Response`] and [`judge`] read and judge an answer from bytes alone.

use super::{within, Verdict};
use crate::config::{Expect, HttpProbe, Source, UrlCheck};
use md5::{Digest, Md5};
use redirect::Hop;
use std::net::SocketAddr;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::time::Instant;

/// The most of a response's status line and headers read.
const MAX_HEAD: usize = 64 * 1024;
/// The most of a body kept for `expect`/`regex` (a `digest` covers the
/// whole body, however long).
const MAX_BODY: usize = 64 * 1024;

/// Ask for every URL of `h` in turn before `deadline`: up when each
/// answers as it expects.
pub(super) async fn check(h: &HttpProbe, src: &Source, deadline: Instant) -> Verdict {
    for u in &h.urls {
        if let Err(why) = within(deadline, "request", one(h, u, src)).await {
            return Verdict::down(if h.urls.len() > 1 {
                format!("{}: {why}", u.path)
            } else {
                why
            });
        }
    }
    Verdict::up(match h.urls.len() {
        1 => "response as expected".to_string(),
        n => format!("{n} responses as expected"),
    })
}

/// One URL: connect, (TLS,) send, read, judge; a redirect is followed
/// as the probe allows ([`redirect`]).
async fn one(h: &HttpProbe, u: &UrlCheck, src: &Source) -> Result<(), String> {
    let mut hop = Hop {
        target: h.target,
        tls: h.tls,
        url: u.clone(),
    };
    let mut followed = 0;
    loop {
        let resp = fetch(h, &hop, src).await?;
        match redirect::location(&h.method, &resp) {
            Some(loc) if followed < h.redirects => {
                hop = redirect::next(&hop, &loc).await?;
                followed += 1;
            }
            _ => return judge(u, &resp),
        }
    }
}

/// One request of `h` to `hop`: connect, (TLS,) send, read.
async fn fetch(h: &HttpProbe, hop: &Hop, src: &Source) -> Result<Response, String> {
    let (u, target) = (&hop.url, hop.target);
    let tcp = super::source::tcp(target, src).await?;
    let req = request(&h.method, u, target);
    let resp = if hop.tls {
        let config = super::tls::config(h.verify)?;
        let name = super::tls::server_name(u.host.as_deref(), target.ip())?;
        let s = tokio_rustls::TlsConnector::from(config)
            .connect(name, tcp)
            .await
            .map_err(|e| format!("TLS: {e}"))?;
        exchange(s, &req).await?
    } else {
        exchange(tcp, &req).await?
    };
    Ok(resp)
}

/// The request sent for `u` to `target`.
///
/// ```
/// use rvsadmd::config::UrlCheck;
/// let r = rvsadmd::probe::http::request("GET", &UrlCheck::new("/h"), "10.0.0.1:80".parse().unwrap());
/// assert!(r.starts_with("GET /h HTTP/1.0\r\nHost: 10.0.0.1\r\n"));
/// ```
pub fn request(method: &str, u: &UrlCheck, target: SocketAddr) -> String {
    let host = match &u.host {
        Some(name) => name.clone(),
        None => match target {
            SocketAddr::V4(a) => a.ip().to_string(),
            SocketAddr::V6(a) => format!("[{}]", a.ip()),
        },
    };
    format!(
        "{method} {} HTTP/1.0\r\nHost: {host}\r\nUser-Agent: rvsadmd/{}\r\nAccept: */*\r\nConnection: close\r\n\r\n",
        u.path,
        env!("CARGO_PKG_VERSION")
    )
}

/// Send the request and read the response to its end. A TLS server that
/// closes without `close_notify` (many do) has still answered.
async fn exchange<S>(mut s: S, req: &str) -> Result<Response, String>
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    s.write_all(req.as_bytes())
        .await
        .map_err(|e| format!("send: {e}"))?;
    let mut r = Response::default();
    let mut chunk = [0u8; 8192];
    loop {
        let n = match s.read(&mut chunk).await {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof && r.len > 0 => 0,
            Err(e) => return Err(format!("receive: {e}")),
        };
        if n == 0 {
            return Ok(r);
        }
        r.feed(&chunk[..n]);
    }
}

/// A response as read so far: the status line and headers, the start of
/// the body, and the MD5 of all of the body.
#[derive(Default, Clone)]
pub struct Response {
    /// The head, then (once `body_at` is known) the start of the body.
    kept: Vec<u8>,
    /// Where the body starts in `kept`.
    body_at: Option<usize>,
    /// The body's MD5 so far.
    md5: Md5,
    /// Bytes read in all.
    len: u64,
}

impl Response {
    /// A whole response from its bytes.
    ///
    /// ```
    /// use rvsadmd::probe::http::Response;
    /// let r = Response::parse(b"HTTP/1.0 200 OK\r\n\r\nhi");
    /// assert_eq!(r.body(), b"hi");
    /// ```
    pub fn parse(bytes: &[u8]) -> Self {
        let mut r = Response::default();
        r.feed(bytes);
        r
    }

    /// Take the next bytes read.
    pub fn feed(&mut self, mut chunk: &[u8]) {
        self.len += chunk.len() as u64;
        if self.body_at.is_none() {
            let from = self.kept.len().saturating_sub(3);
            let room = MAX_HEAD.saturating_sub(self.kept.len());
            let take = chunk.len().min(room);
            self.kept.extend_from_slice(&chunk[..take]);
            let at = find(&self.kept[from..], b"\r\n\r\n")
                .map(|i| from + i + 4)
                .or_else(|| find(&self.kept[from..], b"\n\n").map(|i| from + i + 2));
            let Some(at) = at else {
                return;
            };
            // What follows the blank line is body: hashed from here on.
            self.body_at = Some(at);
            let spill = self.kept.split_off(at);
            self.md5.update(&spill);
            self.kept
                .extend_from_slice(&spill[..spill.len().min(MAX_BODY)]);
            chunk = &chunk[take..];
        }
        if let Some(at) = self.body_at {
            self.md5.update(chunk);
            let room = (at + MAX_BODY).saturating_sub(self.kept.len());
            self.kept.extend_from_slice(&chunk[..chunk.len().min(room)]);
        }
    }

    /// The status line (without its line end), once read.
    pub fn status_line(&self) -> Option<String> {
        let end = self.kept.iter().position(|&b| b == b'\n')?;
        Some(
            String::from_utf8_lossy(&self.kept[..end])
                .trim_end()
                .to_string(),
        )
    }

    /// The first header named `name` (any case), its value trimmed.
    pub fn header(&self, name: &str) -> Option<String> {
        let head = &self.kept[..self.body_at.unwrap_or(self.kept.len())];
        String::from_utf8_lossy(head).lines().skip(1).find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_string())
        })
    }

    /// The start of the body (empty before the head has ended).
    pub fn body(&self) -> &[u8] {
        self.body_at.map_or(&[], |at| &self.kept[at..])
    }

    /// The MD5 of the whole body, in lower-case hex.
    pub fn digest(&self) -> String {
        self.md5
            .clone()
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

/// Judge a response: `Ok` when its status is one of `u.status`, its body
/// holds what `u.expect` asks and hashes to `u.digest`.
pub fn judge(u: &UrlCheck, r: &Response) -> Result<(), String> {
    let line = r.status_line().ok_or("no status line")?;
    let mut words = line.split_whitespace();
    if !words.next().unwrap_or("").starts_with("HTTP/") {
        return Err(format!("not an HTTP response: {line}"));
    }
    let code: u16 = words
        .next()
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| format!("bad status line: {line}"))?;
    if !u.status.iter().any(|(a, b)| (*a..=*b).contains(&code)) {
        return Err(format!("status {code}"));
    }
    if let Some(expect) = &u.expect {
        let body = String::from_utf8_lossy(r.body());
        let found = match expect {
            Expect::Text(t) => body.contains(t.as_str()),
            Expect::Regex(p) => p.is_match(&body),
        };
        if !found {
            return Err(format!("status {code}, body does not match"));
        }
    }
    if let Some(want) = &u.digest {
        let got = r.digest();
        if &got != want {
            return Err(format!("status {code}, body digest {got}, not {want}"));
        }
    }
    Ok(())
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

mod redirect;
#[cfg(test)]
mod tests;
