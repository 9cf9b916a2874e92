//! The checker blocks of a real server: the options every checker with a
//! connection takes (`connect_ip`, `connect_port`, `bindto`,
//! `connect_timeout` ...), the cascading timing, and what each type adds
//! (`url` blocks of HTTP_GET/SSL_GET, MISC_CHECK's script; the others'
//! keywords in `kinds`). A checker keepalived drops (HTTP without a url,
//! MISC without a path, FILE without a track_file) is a note and `None`.

use super::kinds;
use super::values::{address, port, unsigned};
use super::vs::cascade;
use super::{
    ignored, note, rest, unknown, Cascade, Checker, CheckerKind, Http, Misc, Unsupported, Url,
};
use crate::config::keepalived::{Note, Statement};

/// The checker keywords keepalived 2.2.7 knows.
const CHECKERS: [&str; 10] = [
    "TCP_CHECK",
    "HTTP_GET",
    "SSL_GET",
    "MISC_CHECK",
    "DNS_CHECK",
    "UDP_CHECK",
    "PING_CHECK",
    "SMTP_CHECK",
    "FILE_CHECK",
    "BFD_CHECK",
];

/// Whether `keyword` starts a checker (its name).
pub fn kind(keyword: &str) -> Option<&'static str> {
    CHECKERS.iter().copied().find(|c| *c == keyword)
}

/// Read checker `name` of block `s`, for a real server whose port was
/// written as `rs_port`.
pub fn read(name: &str, s: &Statement, rs_port: u16, notes: &mut Vec<Note>) -> Option<Checker> {
    let mut c = Checker {
        kind: match name {
            "TCP_CHECK" => CheckerKind::Tcp,
            "HTTP_GET" | "SSL_GET" => CheckerKind::Http(Http {
                tls: name == "SSL_GET",
                urls: Vec::new(),
                virtualhost: None,
                http_protocol: None,
                sni: false,
            }),
            "MISC_CHECK" => CheckerKind::Misc(Misc {
                path: String::new(),
                timeout: None,
                dynamic: false,
                user: None,
            }),
            "DNS_CHECK" => CheckerKind::Dns(kinds::Dns::default()),
            "UDP_CHECK" => CheckerKind::Udp(kinds::Udp::default()),
            "PING_CHECK" => CheckerKind::Ping,
            "SMTP_CHECK" => CheckerKind::Smtp(kinds::Smtp::default()),
            "FILE_CHECK" => CheckerKind::File(kinds::File::default()),
            other => CheckerKind::Other(other.to_string()),
        },
        at: s.at.clone(),
        connect_ip: None,
        connect_port: None,
        rs_port,
        cascade: Cascade::default(),
        source: crate::config::Source::default(),
        unsupported: Vec::new(),
    };
    if matches!(c.kind, CheckerKind::Other(_)) {
        // Read past: the mapping refuses the checker as a whole.
        return Some(c);
    }
    let connection = !matches!(c.kind, CheckerKind::Misc(_) | CheckerKind::File(_));
    // FILE_CHECK has none of the common options.
    let common = !matches!(c.kind, CheckerKind::File(_));
    let mut dns_named = false;
    for k in s.block.as_deref().unwrap_or_default() {
        if connection && connection_option(&mut c, k, notes) {
            continue;
        }
        if common && cascade(&mut c.cascade, k, notes, false) {
            continue;
        }
        if common && k.keyword == "log_all_failures" {
            note(notes, k, "`log_all_failures` is about keepalived's log: rvsadmd reports every result as an event".into());
            continue;
        }
        match &mut c.kind {
            CheckerKind::Http(h) => http_keyword(h, &mut c.cascade, &mut c.unsupported, k, notes),
            CheckerKind::Misc(m) => misc_keyword(m, k, notes),
            CheckerKind::Dns(d) => kinds::dns(d, &mut dns_named, k, notes),
            CheckerKind::Udp(u) => kinds::udp(u, k, notes),
            CheckerKind::Smtp(m) => kinds::smtp(m, &mut c.cascade, k, notes),
            CheckerKind::File(f) => kinds::file(f, k, notes),
            _ => unknown(notes, k, &k.keyword),
        }
    }
    super::source::unapplied(&c.source, &c.kind, s, notes);
    match &c.kind {
        CheckerKind::Http(h) if h.urls.is_empty() => {
            note(
                notes,
                s,
                format!("{name} has no url: keepalived drops the checker, and so does rvsadmd"),
            );
            None
        }
        CheckerKind::Misc(m) if m.path.is_empty() => {
            note(
                notes,
                s,
                "MISC_CHECK has no misc_path: keepalived drops the checker, and so does rvsadmd"
                    .into(),
            );
            None
        }
        CheckerKind::File(f) if f.track.is_none() => {
            note(
                notes,
                s,
                "FILE_CHECK has no track_file: keepalived drops the checker, and so does rvsadmd"
                    .into(),
            );
            None
        }
        _ => Some(c),
    }
}

/// `connect_ip`, `connect_port`, `connect_timeout` (through the
/// cascade), `bindto`, `bind_port`, `bind_if` and `fwmark`: `true` when
/// `k` was one.
fn connection_option(c: &mut Checker, k: &Statement, notes: &mut Vec<Note>) -> bool {
    let w = k.args.first().map(String::as_str).unwrap_or("");
    match k.keyword.as_str() {
        "connect_ip" => match address(w) {
            Ok(a) => c.connect_ip = Some(a),
            Err(why) => ignored(notes, k, &why),
        },
        "connect_port" => match port(w) {
            Ok(p) => c.connect_port = Some(p),
            Err(why) => ignored(notes, k, &why),
        },
        _ => return super::source::option(&mut c.source, k, notes),
    }
    true
}

fn http_keyword(
    h: &mut Http,
    cascade: &mut Cascade,
    unsupported: &mut Vec<Unsupported>,
    k: &Statement,
    notes: &mut Vec<Note>,
) {
    match k.keyword.as_str() {
        "url" => {
            if let Some(u) = url(k, unsupported, notes) {
                h.urls.push(u);
            }
        }
        "nb_get_retry" => {
            note(notes, k, "`nb_get_retry` is deprecated (keepalived: use `retry`); read as `retry`".into());
            match unsigned(k.args.first().map_or("", String::as_str), 0, u64::from(u32::MAX)) {
                Ok(n) => cascade.retry = Some(n as u32),
                Err(why) => ignored(notes, k, &why),
            }
        }
        "virtualhost" if k.args.is_empty() => ignored(notes, k, "the name is missing"),
        "virtualhost" => h.virtualhost = Some(rest(k)),
        "http_protocol" => match k.args.first().map(String::as_str) {
            Some(p @ ("1.0" | "1.1" | "1.0C" | "1.0c")) => h.http_protocol = Some(p.to_string()),
            Some(p) => ignored(notes, k, &format!("`{p}` is not 1.0, 1.0C or 1.1")),
            None => ignored(notes, k, "the version is missing"),
        },
        "enable_sni" if h.tls => h.sni = true,
        "fast_recovery" => note(
            notes,
            k,
            "`fast_recovery` changes how keepalived paces several urls: rvsadmd checks all urls of a checker together, as often as delay_loop says".into(),
        ),
        other => unknown(notes, k, other),
    }
}

/// A `url` block; `None` (with a note) without a path.
fn url(s: &Statement, unsupported: &mut Vec<Unsupported>, notes: &mut Vec<Note>) -> Option<Url> {
    let mut u = Url {
        path: String::new(),
        status: Vec::new(),
        digest: None,
        regex: None,
        virtualhost: None,
        at: s.at.clone(),
    };
    for k in s.block.as_deref().unwrap_or_default() {
        match k.keyword.as_str() {
            "path" => u.path = rest(k),
            "digest" => match k.args.first() {
                Some(d) if d.len() == 32 && d.bytes().all(|b| b.is_ascii_hexdigit()) => {
                    u.digest = Some(d.to_ascii_lowercase())
                }
                _ => ignored(notes, k, "a digest is 32 hex digits"),
            },
            "status_code" => {
                for w in &k.args {
                    match status_range(w) {
                        Some(r) => u.status.push(r),
                        None => ignored(
                            notes,
                            k,
                            &format!("`{w}` is not a status code or range (100-599)"),
                        ),
                    }
                }
            }
            "virtualhost" if k.args.is_empty() => ignored(notes, k, "the name is missing"),
            "virtualhost" => u.virtualhost = Some(rest(k)),
            "regex" => u.regex = Some(rest(k)),
            kw @ ("regex_no_match" | "regex_options" | "regex_stack" | "regex_min_offset"
            | "regex_max_offset") => unsupported.push(Unsupported {
                at: k.at.clone(),
                what: kw.to_string(),
            }),
            other => unknown(notes, k, other),
        }
    }
    if u.path.is_empty() {
        note(
            notes,
            s,
            "url has no path: keepalived ignores it, and so does rvsadmd".into(),
        );
        return None;
    }
    if u.status.is_empty() {
        u.status.push((200, 299));
    }
    Some(u)
}

/// `N` or `N-M`, within 100-599.
fn status_range(w: &str) -> Option<(u16, u16)> {
    let (a, b) = w.split_once('-').unwrap_or((w, w));
    let (a, b): (u16, u16) = (a.parse().ok()?, b.parse().ok()?);
    ((100..=599).contains(&a) && (100..=599).contains(&b) && a <= b).then_some((a, b))
}

fn misc_keyword(m: &mut Misc, k: &Statement, notes: &mut Vec<Note>) {
    match k.keyword.as_str() {
        "misc_path" if k.args.is_empty() => ignored(notes, k, "the script is missing"),
        "misc_path" => m.path = rest(k),
        "misc_timeout" => match unsigned(
            k.args.first().map_or("", String::as_str),
            0,
            u64::from(u32::MAX) / 1_000_000,
        ) {
            Ok(0) => m.timeout = None,
            Ok(t) => m.timeout = Some(std::time::Duration::from_secs(t)),
            Err(why) => ignored(notes, k, &why),
        },
        "misc_dynamic" => m.dynamic = true,
        "user" => match k.args.first() {
            Some(u) => m.user = Some((u.clone(), k.args.get(1).cloned())),
            None => ignored(notes, k, "the user is missing"),
        },
        other => unknown(notes, k, other),
    }
}

#[cfg(test)]
mod tests {
    use super::status_range;

    #[test]
    fn status_codes_and_ranges() {
        assert_eq!(status_range("200"), Some((200, 200)));
        assert_eq!(status_range("200-399"), Some((200, 399)));
        assert_eq!(status_range("99"), None);
        assert_eq!(status_range("300-200"), None);
        assert_eq!(status_range("2xx"), None);
    }
}
