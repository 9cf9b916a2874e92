//! The negotiate checks of the services other than HTTP: each
//! ldirectord service's probe, with its settings read as ldirectord reads
//! them.

use crate::config::{dns_type, DnsProbe, MysqlProbe, Pattern, Probe};
use std::net::{IpAddr, SocketAddr};

/// A section's `login`, `passwd` and `database` (each a non-empty quoted
/// string when written; `secret` is for radius only).
#[derive(Debug, Clone, Default)]
pub(super) struct Credentials {
    pub(super) login: Option<String>,
    pub(super) passwd: Option<String>,
    pub(super) database: Option<String>,
}

/// A mysql check: ldirectord logs in (`login`, `passwd`, `database`) and
/// runs the request (less its leading `/`) as a query that must return a
/// row; without a login or a query it calls the real down without
/// trying, and so does this check.
pub(super) fn mysql(target: SocketAddr, req: &str, creds: &Credentials) -> Probe {
    let query = req.strip_prefix('/').unwrap_or(req);
    match &creds.login {
        Some(user) if !query.is_empty() => Probe::Mysql(MysqlProbe {
            target,
            user: Some(user.clone()),
            password: creds.passwd.clone().unwrap_or_default(),
            database: creds.database.clone(),
            query: Some(query.to_string()),
        }),
        _ => Probe::Down,
    }
}

/// A dns check: ldirectord looks up the request (less its leading `/`):
/// an address by its PTR record, a name by its A record, over TCP for a
/// tcp virtual; up when an A address or PTR name of the answer matches
/// `receive`. Without a `receive` nothing matches: always down, as in
/// ldirectord.
pub(super) fn dns(
    target: SocketAddr,
    req: &str,
    receive: Option<Pattern>,
    tcp: bool,
) -> Result<Probe, String> {
    let Some(answer) = receive else {
        return Ok(Probe::Down);
    };
    let asked = req.strip_prefix('/').unwrap_or(req);
    let (name, qtype) = match asked.parse::<IpAddr>() {
        Ok(a) => (reverse_name(a), 12),
        Err(_) if asked.is_empty() => (".".to_string(), 1),
        Err(_) => (asked.to_string(), dns_type("A").unwrap_or(1)),
    };
    crate::probe::dns::query(0, qtype, &name).map_err(|m| format!("request: {m}"))?;
    Ok(Probe::Dns(DnsProbe {
        target,
        qtype,
        name,
        tcp,
        answer: Some(answer),
    }))
}

/// The name under which address `a` has its PTR record
/// (`4.3.2.1.in-addr.arpa`, nibbles under `ip6.arpa`).
pub(super) fn reverse_name(a: IpAddr) -> String {
    match a {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            format!("{}.{}.{}.{}.in-addr.arpa", o[3], o[2], o[1], o[0])
        }
        IpAddr::V6(v6) => {
            let mut out = String::with_capacity(72);
            for b in v6.octets().iter().rev() {
                out.push_str(&format!("{:x}.{:x}.", b & 0xf, b >> 4));
            }
            out.push_str("ip6.arpa");
            out
        }
    }
}
