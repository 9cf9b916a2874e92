//! DNS_CHECK, UDP_CHECK and SMTP_CHECK as rvsadmd's probes, with
//! keepalived's defaults (an SOA query for the root; keepalived's own 32
//! bytes as the UDP payload, replies of at most 255 bytes; HELO
//! `smtpchecker.keepalived.org`), and FILE_CHECK as a file check read
//! every [`FILE_POLL`] (keepalived's rules: `crate::probe::file_track`).

use super::not_yet;
use crate::config::keepalived::typed::{
    udp_default_payload, Checker, Dns, File, Smtp, Udp, SMTP_DEFAULT_HELO, UDP_MAX_REPLY,
};
use crate::config::{
    Check, ConfigError, DnsProbe, FileInit, FileProbe, Probe, ReplyMatch, SmtpProbe, UdpProbe,
    UDP_REPLY_LEN,
};
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

/// How often rvsadmd reads a FILE_CHECK's file (keepalived reads it when
/// inotify reports a change): also its timeout.
pub const FILE_POLL: Duration = Duration::from_secs(1);

/// A FILE_CHECK as a file check: read every [`FILE_POLL`], its result
/// taken at once (no retry), unknown until its first read as keepalived
/// reads the file before it fills the table.
pub fn file(c: &Checker, f: &File) -> Result<Check, ConfigError> {
    let (Some(t), Some((factor, reverse))) = (&f.source, f.factor()) else {
        return Err(not_yet(&c.at, "FILE_CHECK without its track_file"));
    };
    Ok(Check {
        probe: Probe::File(FileProbe {
            path: t.path.clone().into(),
            factor,
            reverse,
            init: t
                .init
                .map(|(value, overwrite)| FileInit { value, overwrite }),
            memory: Default::default(),
        }),
        interval: FILE_POLL,
        timeout: FILE_POLL,
        rise: 1,
        fall: 1,
        retry_interval: None,
        start_up: false,
        warmup: None,
        // keepalived's FILE_CHECK opens no socket.
        source: Default::default(),
        maintenance: None,
    })
}

/// A DNS_CHECK: its query, checked as rvsadmd will send it.
pub fn dns(c: &Checker, d: &Dns, target: SocketAddr) -> Result<Probe, ConfigError> {
    crate::probe::dns::query(0, d.qtype, &d.name).map_err(|m| ConfigError {
        at: c.at.clone(),
        message: format!("DNS_CHECK name `{}`: {m}", d.name),
    })?;
    Ok(Probe::Dns(DnsProbe {
        target,
        qtype: d.qtype,
        name: d.name.clone(),
        tcp: false,
        answer: None,
    }))
}

/// A UDP_CHECK: the lengths bound a reply only when `require_reply`
/// gives the bytes (keepalived checks neither otherwise).
pub fn udp(c: &Checker, u: &Udp, target: SocketAddr) -> Result<Probe, ConfigError> {
    let (reply, reply_len) = match &u.require_reply {
        None => (None, UDP_REPLY_LEN),
        Some(None) => (Some(ReplyMatch::default()), UDP_REPLY_LEN),
        Some(Some(m)) => {
            let max = u.max_len.unwrap_or(UDP_MAX_REPLY);
            if u.min_len > max {
                return Err(ConfigError {
                    at: c.at.clone(),
                    message: format!(
                        "UDP_CHECK min_reply_length {} is above max_reply_length {max}: keepalived's check would always fail; correct the lengths",
                        u.min_len
                    ),
                });
            }
            (Some(m.clone()), (usize::from(u.min_len), usize::from(max)))
        }
    };
    Ok(Probe::Udp(UdpProbe {
        target,
        payload: u.payload.clone().unwrap_or_else(udp_default_payload),
        reply,
        reply_len,
    }))
}

/// An SMTP_CHECK: HELO with `helo_name`, else keepalived's name.
pub fn smtp(c: &Checker, s: &Smtp, target: SocketAddr) -> Result<Probe, ConfigError> {
    let helo = s.helo.as_deref().unwrap_or(SMTP_DEFAULT_HELO);
    if helo.contains(|ch: char| ch.is_whitespace() || ch.is_control()) {
        return Err(ConfigError {
            at: c.at.clone(),
            message: format!(
                "SMTP_CHECK helo_name `{helo}`: rvsadmd sends one host name, without spaces"
            ),
        });
    }
    Ok(Probe::Smtp(SmtpProbe {
        target,
        helo: Some(helo.to_string()),
    }))
}

/// An SMTP_CHECK with `host` blocks, as keepalived 2.2.7 runs it: one
/// check per host (at the real server's address and port unless the
/// host says), with the checker's timing and the host's own
/// `connect_timeout` and source; the checker's own connection (`main`)
/// is checked too when the block sets `connect_ip`, `connect_port`,
/// `connect_timeout`, `bindto`, `bind_port`, `bind_if` or `fwmark`
/// outside the hosts, else the first host takes its place.
pub fn smtp_hosts(
    c: &Checker,
    s: &Smtp,
    rs_addr: IpAddr,
    base: Check,
    main: impl FnOnce() -> Result<Probe, ConfigError>,
) -> Result<Vec<Check>, ConfigError> {
    let own = c.connect_ip.is_some()
        || c.connect_port.is_some()
        || c.cascade.connect_timeout.is_some()
        || !c.source.is_default();
    let mut out = Vec::with_capacity(s.hosts.len() + 1);
    if own {
        out.push(Check {
            probe: main()?,
            ..base.clone()
        });
    }
    for h in &s.hosts {
        let Some(timeout) = h.connect_timeout else {
            return Err(ConfigError {
                at: h.at.clone(),
                message: "SMTP_CHECK host block without a connect_timeout of its own: keepalived 2.2.7 gives such a host 0 s, not the checker's, so its check fails unless the connection is made at once; write the timeout you mean in the host block".into(),
            });
        };
        let target = SocketAddr::new(
            h.connect_ip.unwrap_or(rs_addr),
            h.connect_port.unwrap_or(c.rs_port),
        );
        if target.port() == 0 {
            return Err(ConfigError {
                at: h.at.clone(),
                message: "SMTP_CHECK host has no port to connect to (the real server has none): write connect_port".into(),
            });
        }
        out.push(Check {
            probe: smtp(c, s, target)?,
            source: super::check::source(&h.source, c, target)?,
            timeout,
            ..base.clone()
        });
    }
    Ok(out)
}
