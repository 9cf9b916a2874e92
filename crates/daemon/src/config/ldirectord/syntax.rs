//! What ldirectord refuses in a virtual section's line as soon as it reads
//! it (before the section ends): each directive's value rule, with
//! ldirectord's own error texts.

use super::lines::Item;
use super::real::parse_fallback;
use super::words::{digits, first_word, number, quoted, run, yes_no};
use nix::errno::Errno;

/// The `service=` values ldirectord knows.
pub(super) const SERVICES: &[&str] = &[
    "dns",
    "ftp",
    "http",
    "https",
    "http_proxy",
    "imap",
    "imaps",
    "ldap",
    "ldaps",
    "nntp",
    "mysql",
    "none",
    "oracle",
    "pop",
    "pops",
    "radius",
    "pgsql",
    "sip",
    "smtp",
    "submission",
    "simpletcp",
];

/// The `checktype=` words ldirectord knows (or a number).
const CHECKTYPES: &[&str] = &[
    "connect",
    "negotiate",
    "ping",
    "off",
    "on",
    "external",
    "external-perl",
];

/// The section being read: its family and whether it is a firewall
/// mark's.
#[derive(Debug, Clone, Copy)]
pub(super) struct Head {
    pub(super) v6: bool,
    pub(super) fwmark: bool,
}

/// ldirectord's reading of `checktype=`: a number of connects (written
/// as its digits) or one of its words.
pub(super) fn checktype_of(v: &str) -> Option<String> {
    if let Some(d) = digits(v) {
        return Some(d.to_string());
    }
    run(v, |c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        .filter(|w| CHECKTYPES.contains(w))
        .map(str::to_string)
}

/// ldirectord's reading of `service=`: its first word, when it knows it.
pub(super) fn service_of(v: &str) -> Option<&str> {
    first_word(v).filter(|w| SERVICES.contains(w))
}

/// A value written `"…"` or bare (`checkcommand`, `fallbackcommand`,
/// `monitorfile`).
pub(super) fn maybe_quoted(v: &str) -> &str {
    quoted(v).unwrap_or(v)
}

/// Refuses line `i` of section `h` as ldirectord does; the error is the
/// message for the line.
pub(super) fn check_item(i: &Item, h: Head) -> Result<(), String> {
    let v = i.value.as_str();
    let need = |ok: bool, m: &str| if ok { Ok(()) } else { Err(m.to_string()) };
    let unknown = || Err(format!("Unknown command \"{}\"", i.text));
    let num = |m: &str| need(number(v).is_some(), m);
    let quoted_nonempty = |m: &str| match quoted(v) {
        Some(q) => need(!q.is_empty(), m),
        None => unknown(),
    };
    match i.key.as_str() {
        "real" | "real6" => family(&i.key, "real", h),
        "request" => quoted_nonempty("no request string specified"),
        "receive" => quoted_nonempty("invalid receive string"),
        "login" => quoted_nonempty("invalid login string"),
        "passwd" => quoted_nonempty("invalid password"),
        "database" => quoted_nonempty("invalid database"),
        "secret" => quoted_nonempty("invalid secret"),
        "load" => match quoted(v) {
            Some(q) => need(first_word(q).is_some(), "invalid string for load testing"),
            None => unknown(),
        },
        "checktype" => need(checktype_of(v).is_some(), "checktype must be \"connect\", \"negotiate\", \"on\", \"off\", \"ping\", \"external\", \"external-perl\" or a positive number"),
        "checkcommand" => need(!maybe_quoted(v).is_empty(), "invalid check command"),
        "fallbackcommand" => need(!maybe_quoted(v).is_empty(), "invalid fallback command"),
        "checktimeout" => num("invalid check timeout"),
        "negotiatetimeout" => num("invalid negotiate timeout"),
        "checkcount" => num("invalid check count"),
        "failurecount" => num("invalid failure count"),
        "checkinterval" => num("invalid checkinterval"),
        "connecttimeout" => Err("connecttimeout directive deprecated in favour of negotiatetimeout".into()),
        "checkport" => {
            let p = digits(v).ok_or("invalid port")?;
            let p: u64 = p.parse().unwrap_or(u64::MAX);
            need((1..65536).contains(&p), "checkport must be in range 1..65536")
        }
        "scheduler" => need(
            run(v, |c| c.is_ascii_lowercase()).is_some(),
            "invalid scheduler, should be only lowercase letters (a-z)",
        ),
        "persistent" => need(digits(v).is_some(), "invalid persistent timeout"),
        "schedflags" => need(run(v, |c| !c.is_whitespace()).is_some(), "invalid sched-flags"),
        "netmask" => netmask(v, h.v6),
        "protocol" => protocol(v, h.fwmark),
        "ops" => need(yes_no(v).is_some(), "ops must be 'yes' or 'no'"),
        "service" => need(service_of(v).is_some(), "service must be dns, ftp, http, https, http_proxy, imap, imaps, ldap, ldaps, mysql, nntp, none, oracle, pop, pops, radius, pgsql, simpletcp, sip, smtp or submission"),
        "httpmethod" => need(
            first_word(v).is_some_and(|w| matches!(w.to_ascii_uppercase().as_str(), "GET" | "HEAD")),
            "httpmethod must be GET or HEAD",
        ),
        "fallback" | "fallback6" => {
            family(&i.key, "fallback", h)?;
            parse_fallback(v).map(|_| ())
        }
        "quiescent" => need(yes_no(v).is_some(), "quiescent must be 'yes' or 'no'"),
        "cleanstop" => need(yes_no(v).is_some(), "cleanstop must be 'yes' or 'no'"),
        "emailalert" => emailalert(v).map(|_| ()),
        "emailalertfreq" => need(
            v.starts_with(|c: char| c.is_ascii_digit()),
            "invalid email alert frequency",
        ),
        "emailalertstatus" => emailalertstatus(v),
        "monitorfile" => monitorfile(maybe_quoted(v)),
        "smtp" => smtp(v),
        "virtualhost" | "servicename" | "comment" => Ok(()),
        _ => unknown(),
    }
}

/// `real6` only in a `virtual6` section, `real` only in a `virtual` one
/// (`fallback` likewise).
fn family(key: &str, base: &str, h: Head) -> Result<(), String> {
    if key.ends_with('6') == h.v6 {
        return Ok(());
    }
    let want = if h.v6 { "6" } else { "" };
    Err(format!(
        "cannot specify \"{key}\" here.  please use \"{base}{want}\" instead"
    ))
}

fn netmask(v: &str, v6: bool) -> Result<(), String> {
    if v6 {
        let ok = !v.is_empty()
            && v.chars().all(|c| c.is_ascii_digit())
            && v.parse::<u32>().is_ok_and(|p| (1..=128).contains(&p));
        return if ok {
            Ok(())
        } else {
            Err("invalid netmask: a prefix length between 1 and 128 is required".into())
        };
    }
    let parts: Vec<&str> = v.split('.').collect();
    let ok = parts.len() == 4
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()));
    if ok {
        Ok(())
    } else {
        Err("invalid netmask: dotted quad notation is required".into())
    }
}

fn protocol(v: &str, fwmark: bool) -> Result<(), String> {
    let w = first_word(v).ok_or("invalid protocol")?;
    match (fwmark, w) {
        (true, "fwm") | (false, "tcp" | "udp") => Ok(()),
        (true, _) => {
            Err("protocol must be fwm if the virtual service is a fwmark (a number)".into())
        }
        (false, _) => {
            Err("protocol must be tcp or udp if the virtual service is an address and port".into())
        }
    }
}

/// An `emailalert` address: its enclosing quotes removed, not empty.
pub(super) fn emailalert(v: &str) -> Result<&str, String> {
    let a = match v.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
        Some(inner) if !inner.contains('"') => inner,
        _ => v,
    };
    if a.is_empty() {
        Err("no email address specified".into())
    } else {
        Ok(a)
    }
}

/// `emailalertstatus`: a comma-separated list of all, none, starting,
/// stopping, running, reloading (none alone).
pub(super) fn emailalertstatus(v: &str) -> Result<(), String> {
    // blanks around a comma go with it; those at the ends stay
    let parts: Vec<&str> = v.split(',').collect();
    let last = parts.len().saturating_sub(1);
    let words: Vec<&str> = parts
        .iter()
        .enumerate()
        .map(|(k, w)| {
            let w = if k > 0 { w.trim_start() } else { w };
            if k < last {
                w.trim_end()
            } else {
                w
            }
        })
        .collect();
    let none = words.contains(&"none");
    for w in words.iter().filter(|w| **w != "none") {
        if !matches!(
            *w,
            "all" | "starting" | "stopping" | "running" | "reloading"
        ) {
            return Err(format!("invalid email alert status at: \"{w}\""));
        }
        if none {
            return Err(format!(
                "invalid email alert status: \"{w}\" specified with \"none\""
            ));
        }
    }
    Ok(())
}

/// `smtp`: a host name or address first.
pub(super) fn smtp(v: &str) -> Result<(), String> {
    let ok =
        v.starts_with(|c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '+' | '-'));
    if ok {
        Ok(())
    } else {
        Err("invalid SMTP server address".into())
    }
}

/// `monitorfile`: a file ldirectord can append to. rvsadmd does not
/// create it when checking: an existing file must open for appending,
/// else its directory must exist.
pub(super) fn monitorfile(path: &str) -> Result<(), String> {
    let p = std::path::Path::new(path);
    let res = if p.exists() {
        std::fs::OpenOptions::new()
            .append(true)
            .open(p)
            .map(|_| ())
            .map_err(|e| {
                e.raw_os_error()
                    .map_or(Errno::UnknownErrno, Errno::from_raw)
            })
    } else {
        match p.parent().filter(|d| !d.as_os_str().is_empty()) {
            _ if path.is_empty() => Err(Errno::ENOENT),
            Some(d) if !d.is_dir() => Err(Errno::ENOENT),
            _ => Ok(()),
        }
    };
    // the system's text, as ldirectord's `$!`
    res.map_err(|e| format!("unable to open monitorfile {path}: {}", e.desc()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(key: &str, value: &str) -> Item {
        Item {
            line: 3,
            key: key.into(),
            value: value.into(),
            text: format!("    {key}={value}"),
        }
    }

    const V4: Head = Head {
        v6: false,
        fwmark: false,
    };

    #[test]
    fn values_are_checked_as_ldirectord_checks_them() {
        let e = |k: &str, v: &str| check_item(&item(k, v), V4).unwrap_err();
        let ok = |k: &str, v: &str| check_item(&item(k, v), V4).unwrap();
        assert!(e("service", "bogus").starts_with("service must be dns, ftp,"));
        ok("service", "mysql ");
        assert_eq!(e("request", "/x"), "Unknown command \"    request=/x\"");
        assert_eq!(e("request", "\"\""), "no request string specified");
        assert_eq!(e("quiescent", "yes "), "quiescent must be 'yes' or 'no'");
        ok("checktimeout", "5 ");
        assert_eq!(e("checktimeout", "x"), "invalid check timeout");
        assert_eq!(
            e("real6", "x"),
            "cannot specify \"real6\" here.  please use \"real\" instead"
        );
        assert_eq!(
            e("checkport", "70000"),
            "checkport must be in range 1..65536"
        );
        ok("checktype", "3");
        ok("checktype", "external-perl");
        ok("checktype", "ping6"); // a number: 6 connects
        assert!(e("checktype", "pingx").starts_with("checktype must be"));
        assert_eq!(
            e("emailalertstatus", "all,bogus"),
            "invalid email alert status at: \"bogus\""
        );
        assert_eq!(e("bogus", "1"), "Unknown command \"    bogus=1\"");
        assert!(e("monitorfile", "/nonexistent-dir/x").starts_with("unable to open monitorfile"));
    }
}
