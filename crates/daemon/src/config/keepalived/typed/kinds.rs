//! The keywords of DNS_CHECK, UDP_CHECK, SMTP_CHECK and FILE_CHECK as
//! keepalived 2.2.7 reads them (its `check_dns.c`, `check_udp.c`,
//! `check_smtp.c`, `check_file.c`); PING_CHECK has only the options
//! every checker with a connection has.

use super::values::{address, port, timer, unsigned, MAX_CONNECT_TIMEOUT_US};
use super::vs::cascade;
use super::{ignored, note, rest, unknown, Cascade, CheckerKind};
use crate::config::keepalived::{Note, Statement};
use crate::config::Location;
use crate::config::{dns_type, ReplyMatch};
use std::net::IpAddr;
use std::time::Duration;

/// A `DNS_CHECK`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dns {
    /// `type` as its code (none written: SOA).
    pub qtype: u16,
    /// `name` (none written: the root, `.`).
    pub name: String,
}

/// The record types keepalived's `type` takes (any case); others are
/// ignored with a warning.
const DNS_NAMES: [&str; 9] = [
    "A", "NS", "CNAME", "SOA", "MX", "TXT", "AAAA", "RRSIG", "DNSKEY",
];

impl Default for Dns {
    fn default() -> Self {
        Dns {
            qtype: dns_type("SOA").unwrap_or(6),
            name: ".".into(),
        }
    }
}

/// A `UDP_CHECK`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Udp {
    /// `payload` (none written, or not hex: keepalived's own 32 bytes).
    pub payload: Option<Vec<u8>>,
    /// `require_reply`: `Some(None)` any reply, `Some(Some(m))` a reply
    /// matching `m`.
    pub require_reply: Option<Option<ReplyMatch>>,
    /// `min_reply_length` (0).
    pub min_len: u16,
    /// `max_reply_length` (255).
    pub max_len: Option<u16>,
}

/// keepalived's `max_reply_length` when none is written.
pub const UDP_MAX_REPLY: u16 = 255;

/// What keepalived sends in a UDP_CHECK without a payload: its text
/// "keepalived check - " repeated to 32 bytes.
pub fn udp_default_payload() -> Vec<u8> {
    b"keepalived check - "
        .iter()
        .copied()
        .cycle()
        .take(32)
        .collect()
}

/// An `SMTP_CHECK`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Smtp {
    /// `helo_name` (none written: keepalived's `smtpchecker.keepalived.org`).
    pub helo: Option<String>,
    /// Its deprecated `host` blocks: each a checker of its own, with the
    /// timing of this one.
    pub hosts: Vec<SmtpHost>,
}

/// A `host { }` block of an SMTP_CHECK (deprecated, still read by
/// keepalived 2.2.7).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpHost {
    /// Where.
    pub at: Location,
    /// `connect_ip` (none: the real server's).
    pub connect_ip: Option<IpAddr>,
    /// `connect_port` (none: the real server's).
    pub connect_port: Option<u16>,
    /// `connect_timeout`: keepalived gives a host none of the checker's,
    /// so none written is 0 s.
    pub connect_timeout: Option<Duration>,
    /// `bindto`, `bind_port`, `bind_if` and `fwmark` (none of the
    /// checker's: keepalived gives a host its own).
    pub source: crate::config::Source,
}

/// keepalived's HELO name when none is written.
pub const SMTP_DEFAULT_HELO: &str = "smtpchecker.keepalived.org";

/// A `FILE_CHECK`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct File {
    /// `track_file NAME`.
    pub track: Option<String>,
    /// `weight W [reverse|noreverse]` (none: the track_file's).
    pub weight: Option<(i64, bool)>,
    /// The `track_file` block `track` names (filled once the virtual
    /// server is read, by `track::resolve`).
    pub source: Option<super::track::TrackFile>,
}

impl File {
    /// The factor and direction it runs with: its own `weight`, else its
    /// track_file's; `None` before `track::resolve`.
    pub fn factor(&self) -> Option<(i64, bool)> {
        self.weight.or(self.source.as_ref().map(|t| t.weight))
    }
}

/// A keyword of DNS_CHECK.
pub fn dns(d: &mut Dns, seen_name: &mut bool, k: &Statement, notes: &mut Vec<Note>) {
    let w = k.args.first().map(String::as_str);
    match (k.keyword.as_str(), w) {
        ("type", Some(t)) => match DNS_NAMES.iter().find(|n| n.eq_ignore_ascii_case(t)) {
            Some(n) => match dns_type(n) {
                Some(code) => d.qtype = code,
                None => unknown(notes, k, n),
            },
            None => ignored(
                notes,
                k,
                &format!("`{t}` is not one of {}", DNS_NAMES.join(", ")),
            ),
        },
        ("name", Some(_)) if *seen_name => ignored(notes, k, "the name is already given"),
        ("name", Some(n)) => {
            // keepalived's test also refuses a name whose second
            // character is a dot ("a.example").
            let empty_label = (n.starts_with('.') && n != ".")
                || n.as_bytes().get(1) == Some(&b'.')
                || n.contains("..");
            if empty_label {
                ignored(notes, k, &format!("`{n}` has an empty label"));
            } else {
                *seen_name = true;
                d.name = if n.is_empty() {
                    ".".into()
                } else {
                    n.to_string()
                };
            }
        }
        ("type" | "name", None) => ignored(notes, k, "its value is missing"),
        (other, _) => unknown(notes, k, other),
    }
}

/// A keyword of UDP_CHECK.
pub fn udp(u: &mut Udp, k: &Statement, notes: &mut Vec<Note>) {
    let w = k.args.first().map_or("", String::as_str);
    match k.keyword.as_str() {
        "payload" if k.args.is_empty() => ignored(notes, k, "the payload is missing"),
        "payload" => match ReplyMatch::parse(&rest(k), false) {
            Ok(m) if !m.value.is_empty() => u.payload = Some(m.value),
            _ => ignored(notes, k, "it is not a hex string"),
        },
        "require_reply" if k.args.is_empty() => u.require_reply = Some(None),
        "require_reply" => match ReplyMatch::parse(&rest(k), true) {
            Ok(m) if !m.value.is_empty() => u.require_reply = Some(Some(m)),
            _ => {
                u.require_reply = Some(None);
                note(notes, k, "`require_reply`: it is not a hex string; keepalived then takes any reply, and so does rvsadmd".into());
            }
        },
        "min_reply_length" => match unsigned(w, 0, 65535) {
            Ok(n) => u.min_len = n as u16,
            Err(why) => ignored(notes, k, &why),
        },
        "max_reply_length" => match unsigned(w, 0, 65535) {
            Ok(n) => u.max_len = Some(n as u16),
            Err(why) => ignored(notes, k, &why),
        },
        other => unknown(notes, k, other),
    }
}

/// A keyword of SMTP_CHECK, with its deprecated `host` blocks: their
/// timing keywords (`retry`, `delay_loop` ...) set the checker's.
pub fn smtp(s: &mut Smtp, checker: &mut Cascade, k: &Statement, notes: &mut Vec<Note>) {
    match k.keyword.as_str() {
        "helo_name" if k.args.is_empty() => ignored(notes, k, "the name is missing"),
        "helo_name" => s.helo = Some(rest(k)),
        "host" => {
            let mut h = SmtpHost {
                at: k.at.clone(),
                connect_ip: None,
                connect_port: None,
                connect_timeout: None,
                source: crate::config::Source::default(),
            };
            for o in k.block.as_deref().unwrap_or_default() {
                host_option(&mut h, checker, o, notes);
            }
            super::source::unapplied(&h.source, &CheckerKind::Smtp(Smtp::default()), k, notes);
            s.hosts.push(h);
        }
        other => unknown(notes, k, other),
    }
}

/// A keyword of an SMTP_CHECK's `host` block.
fn host_option(h: &mut SmtpHost, checker: &mut Cascade, o: &Statement, notes: &mut Vec<Note>) {
    let w = o.args.first().map_or("", String::as_str);
    let r = match o.keyword.as_str() {
        "connect_ip" => address(w).map(|a| h.connect_ip = Some(a)),
        "connect_port" => port(w).map(|p| h.connect_port = Some(p)),
        "connect_timeout" => {
            timer(w, 1, MAX_CONNECT_TIMEOUT_US).map(|t| h.connect_timeout = Some(t))
        }
        _ if super::source::option(&mut h.source, o, notes) => Ok(()),
        "log_all_failures" => {
            note(notes, o, "`log_all_failures` is about keepalived's log: rvsadmd reports every result as an event".into());
            Ok(())
        }
        _ if cascade(checker, o, notes, false) => Ok(()),
        other => {
            unknown(notes, o, other);
            Ok(())
        }
    };
    if let Err(why) = r {
        ignored(notes, o, &why);
    }
}

/// A keyword of FILE_CHECK (it has none of the other checkers' options).
pub fn file(f: &mut File, k: &Statement, notes: &mut Vec<Note>) {
    match k.keyword.as_str() {
        "track_file" => match k.args.first() {
            Some(n) => f.track = Some(n.clone()),
            None => ignored(notes, k, "the name is missing"),
        },
        "weight" => match file_weight(&k.args) {
            Ok(w) => f.weight = Some(w),
            Err(why) => ignored(notes, k, &why),
        },
        "dynamic" => note(notes, k, "`dynamic` is not a FILE_CHECK keyword of keepalived 2.2.7 (its manual names it, its parser skips it), and rvsadmd skips it too".into()),
        other => unknown(notes, k, other),
    }
}

/// `W [reverse|noreverse]`, W within ±2147483647 (read as keepalived
/// reads it: junk after the digits ignored).
fn file_weight(args: &[String]) -> Result<(i64, bool), String> {
    let w = args.first().ok_or("the weight is missing")?;
    let n: i64 = super::track::lenient_int(w)
        .filter(|n: &i64| n.abs() <= i64::from(i32::MAX))
        .ok_or_else(|| format!("`{w}` is not a whole number within ±2147483647"))?;
    let reverse = match args.get(1).map(String::as_str) {
        None | Some("noreverse") => false,
        Some("reverse") => true,
        Some(o) => return Err(format!("`{o}` is not reverse or noreverse")),
    };
    Ok((n, reverse))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keepalived_sends_its_own_text_without_a_payload() {
        let p = udp_default_payload();
        assert_eq!(p.len(), 32);
        assert_eq!(&p[..], b"keepalived check - keepalived ch");
    }

    #[test]
    fn file_weights() {
        let w = |s: &str| file_weight(&s.split_whitespace().map(String::from).collect::<Vec<_>>());
        assert_eq!(w("-3 reverse"), Ok((-3, true)));
        assert_eq!(w("2147483647 noreverse"), Ok((2_147_483_647, false)));
        assert!(w("2147483648").is_err() && w("2 sideways").is_err() && w("").is_err());
    }
}
