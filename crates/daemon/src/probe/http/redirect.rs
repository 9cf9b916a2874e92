//! Redirects followed as ldirectord's HTTP client (Perl's LWP) follows
//! them: a 301, 302, 303, 307 or 308 answer to a GET or HEAD, with a
//! `Location` whose scheme is http or https (absolute, or relative to the
//! URL asked for), is asked for in turn, up to the probe's `redirects`;
//! the answer that is not followed is the one judged. The `Host` of a
//! followed request is the new URL's authority (LWP drops the one it was
//! given).

use super::Response;
use crate::config::UrlCheck;
use std::net::{IpAddr, SocketAddr};

/// Where one request goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Hop {
    /// The address connected to.
    pub(super) target: SocketAddr,
    /// HTTPS.
    pub(super) tls: bool,
    /// The path and `Host` (the TLS server name too) asked for.
    pub(super) url: UrlCheck,
}

/// The statuses LWP follows.
const FOLLOWED: [u16; 5] = [301, 302, 303, 307, 308];

/// The `Location` of `r` when `method` and its status make it one to
/// follow.
pub(super) fn location(method: &str, r: &Response) -> Option<String> {
    if !matches!(method, "GET" | "HEAD") {
        return None;
    }
    let line = r.status_line()?;
    let code: u16 = line.split_whitespace().nth(1)?.parse().ok()?;
    if !FOLLOWED.contains(&code) {
        return None;
    }
    r.header("location")
}

/// The hop `location` names, seen from `from` (an error when it cannot be
/// followed: then the redirect itself is judged).
pub(super) async fn next(from: &Hop, location: &str) -> Result<Hop, String> {
    let loc = location.split('#').next().unwrap_or("");
    let (tls, rest) = match loc.split_once("://") {
        Some((s, rest)) if s.eq_ignore_ascii_case("http") => (false, Some(rest)),
        Some((s, rest)) if s.eq_ignore_ascii_case("https") => (true, Some(rest)),
        Some((s, _)) => return Err(format!("redirect to a {s} URL is not followed")),
        None => (from.tls, loc.strip_prefix("//")),
    };
    let Some(rest) = rest else {
        // The same server: the path as a browser resolves it.
        let url = UrlCheck {
            path: joined(&from.url.path, loc),
            host: Some(authority(from.target, from.tls)),
            ..from.url.clone()
        };
        return Ok(Hop {
            url,
            ..from.clone()
        });
    };
    let (auth, path) = match rest.find(['/', '?']) {
        Some(i) => (&rest[..i], rest[i..].to_string()),
        None => (rest, "/".to_string()),
    };
    let path = if path.starts_with('?') {
        format!("/{path}")
    } else {
        path
    };
    let target = resolve(auth, if tls { 443 } else { 80 }).await?;
    let url = UrlCheck {
        path,
        host: Some(auth.to_string()),
        ..from.url.clone()
    };
    Ok(Hop { target, tls, url })
}

/// `target` as a URL's authority (`IP:PORT`, `[IPv6]:PORT`), the port left
/// out when it is the scheme's.
fn authority(target: SocketAddr, tls: bool) -> String {
    let host = match target.ip() {
        IpAddr::V6(a) => format!("[{a}]"),
        a => a.to_string(),
    };
    match (target.port(), tls) {
        (80, false) | (443, true) => host,
        (p, _) => format!("{host}:{p}"),
    }
}

/// A relative reference `r` resolved against the path `base`.
fn joined(base: &str, r: &str) -> String {
    if r.starts_with('/') {
        return r.to_string();
    }
    let base = base.split(['?', '#']).next().unwrap_or("/");
    if r.is_empty() {
        return base.to_string();
    }
    if r.starts_with('?') {
        return format!("{base}{r}");
    }
    let dir = &base[..base.rfind('/').map_or(0, |i| i + 1)];
    let mut out: Vec<&str> = Vec::new();
    let joined = format!("{dir}{r}");
    let (path, query) = match joined.split_once('?') {
        Some((p, q)) => (p.to_string(), Some(q.to_string())),
        None => (joined, None),
    };
    let segs: Vec<&str> = path.split('/').collect();
    for (i, s) in segs.iter().enumerate() {
        match *s {
            "." => {}
            ".." => {
                out.pop();
            }
            s if i == 0 && s.is_empty() => {}
            s => out.push(s),
        }
    }
    let last_is_dir = matches!(segs.last(), Some(&".") | Some(&"..") | Some(&""));
    let mut p = format!("/{}", out.join("/"));
    if last_is_dir && !p.ends_with('/') {
        p.push('/');
    }
    match query {
        Some(q) => format!("{p}?{q}"),
        None => p,
    }
}

/// The address of `auth` (`host`, `host:port`, `[v6]:port`), `port`
/// unless it says.
async fn resolve(auth: &str, port: u16) -> Result<SocketAddr, String> {
    let auth = auth.rsplit('@').next().unwrap_or(auth);
    let (host, p) = match auth.rsplit_once(':') {
        Some((h, p)) if !h.contains(':') || h.ends_with(']') => (h, Some(p)),
        _ => (auth, None),
    };
    let port = match p {
        Some("") | None => port,
        Some(p) => p
            .parse()
            .map_err(|_| format!("redirect to `{auth}`: bad port"))?,
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(SocketAddr::new(ip, port));
    }
    tokio::net::lookup_host((host, port))
        .await
        .ok()
        .and_then(|mut a| a.next())
        .ok_or_else(|| format!("redirect to `{host}`, which does not resolve"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hop(path: &str) -> Hop {
        Hop {
            target: "10.0.0.1:8080".parse().unwrap(),
            tls: false,
            url: UrlCheck {
                host: Some("www.example".into()),
                ..UrlCheck::new(path)
            },
        }
    }

    #[test]
    fn only_lwps_statuses_for_get_and_head_are_followed() {
        let r =
            |s: &str| Response::parse(format!("HTTP/1.1 {s} x\r\nLocation: /n\r\n\r\n").as_bytes());
        for s in ["301", "302", "303", "307", "308"] {
            assert_eq!(location("GET", &r(s)).as_deref(), Some("/n"), "{s}");
            assert_eq!(location("HEAD", &r(s)).as_deref(), Some("/n"), "{s}");
        }
        assert_eq!(location("GET", &r("300")), None);
        assert_eq!(location("GET", &r("304")), None);
        assert_eq!(location("POST", &r("302")), None);
        assert_eq!(
            location("GET", &Response::parse(b"HTTP/1.0 302 x\r\n\r\n")),
            None
        );
    }

    #[tokio::test]
    async fn locations_resolve_against_the_url_asked_for() {
        let h = next(&hop("/a/b?x"), "c/../d?y#f").await.unwrap();
        assert_eq!(
            (h.url.path.as_str(), h.url.host.as_deref()),
            ("/a/d?y", Some("10.0.0.1:8080"))
        );
        assert_eq!(h.target, hop("/").target);
        let h = next(&hop("/a/b"), "https://10.0.0.2/z").await.unwrap();
        assert_eq!(
            (h.target, h.tls, h.url.path.as_str()),
            ("10.0.0.2:443".parse().unwrap(), true, "/z")
        );
        assert_eq!(h.url.host.as_deref(), Some("10.0.0.2"));
        let h = next(&hop("/"), "//[2001:db8::1]:81").await.unwrap();
        assert_eq!(
            (h.target, h.url.path.as_str()),
            ("[2001:db8::1]:81".parse().unwrap(), "/")
        );
        assert!(next(&hop("/"), "ftp://10.0.0.2/")
            .await
            .unwrap_err()
            .contains("ftp"));
        assert_eq!(joined("/a/b/", "./"), "/a/b/");
        assert_eq!(joined("/a/b", "?q"), "/a/b?q");
    }
}
