//! keepalived.conf's IPVS part as values: the statement tree of the front
//! end read by keepalived 2.2.7's keyword rules (`check/check_parser.c`,
//! the checkers' parsers and `check_data.c`'s checks), before anything
//! is decided about rvsadmd.
//!
//! What keepalived itself warns about and goes on with (an unknown
//! keyword, a value it ignores, a block it skips, `vrrp_*`, most of
//! `global_defs`) is a [`Note`]; what it reads but the mapping into
//! rvsadmd's model may not carry is kept, with its place, as an
//! [`Unsupported`] entry or a value of its own.
//!
//! Rooms: `values` (words), `group` (`virtual_server_group`), `vs` (a
//! `virtual_server` and its settings), `rs` (a `real_server`),
//! `checkers` (the checker blocks), `kinds` (the keywords of DNS_CHECK,
//! UDP_CHECK, SMTP_CHECK and FILE_CHECK), `track` (the `track_file`
//! blocks FILE_CHECK names), `resolve` (the settings that cascade
//! from the virtual server to the real server to the checker, with the
//! checkers' defaults).

mod checkers;
mod globals;
mod group;
mod kinds;
mod resolve;
mod rs;
mod script;
pub mod source;
mod syncd;
mod track;
pub mod values;
mod vs;

#[cfg(test)]
mod tests;

pub use group::addresses as group_addresses;
pub use kinds::{
    udp_default_payload, Dns, File, Smtp, SmtpHost, Udp, SMTP_DEFAULT_HELO, UDP_MAX_REPLY,
};
pub use resolve::Timing;
pub use track::TrackFile;
pub use values::Forwarding;
pub use vs::DEFAULT_PERSISTENCE;

use super::{Document, Note, Statement};
use crate::config::{ConfigError, Location};
use rvsadm::model::{Family, Netmask, Protocol, Scheduler, ServiceFlags};
use std::net::IpAddr;
use std::time::Duration;

/// Something keepalived does that the reading kept for the mapping to
/// accept or refuse: where, and keepalived's name for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsupported {
    /// Where it was written.
    pub at: Location,
    /// keepalived's keyword (or a few words naming the feature).
    pub what: String,
}

/// The IPVS part of a keepalived.conf.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Lvs {
    /// `virtual_server_group` blocks, in file order.
    pub groups: Vec<Group>,
    /// `virtual_server` blocks, in file order (those keepalived keeps).
    pub virtual_servers: Vec<VirtualServer>,
    /// What keepalived warns about and goes on with.
    pub notes: Vec<Note>,
    /// Features outside the virtual servers (`global_defs`, `SSL`) that
    /// change what keepalived does to the table or its checks.
    pub unsupported: Vec<Unsupported>,
    /// What `global_defs` does to the whole table.
    pub table: globals::TableGlobals,
    /// A `lvs_sync_daemon` for a VRRP instance was read (a second one is
    /// ignored, as keepalived ignores it).
    pub vrrp_sync_daemon: bool,
    /// `global_defs`' `script_user USER [GROUP]`: who runs the scripts
    /// that name no user.
    pub script_user: Option<ScriptUser>,
    /// Where `global_defs`' `enable_script_security` is.
    pub script_security: Option<Location>,
    /// `global_defs`' `lvs_notify_fifo FIFO`.
    pub notify_fifo: Option<String>,
    /// `global_defs`' `lvs_notify_fifo_script "COMMAND" [USER [GROUP]]`.
    pub notify_fifo_script: Option<NotifyScript>,
}

/// `script_user USER [GROUP]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptUser {
    /// The user.
    pub user: String,
    /// The group (none: the user's).
    pub group: Option<String>,
    /// Where.
    pub at: Location,
}

/// A `virtual_server_group NAME { ... }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// Its name.
    pub name: String,
    /// Its entries.
    pub entries: Vec<GroupEntry>,
    /// Where it was written.
    pub at: Location,
}

/// One line of a virtual server group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupEntry {
    /// `ADDR[-LAST|/PREFIX] [PORT]`: the addresses `first..=last`.
    Range {
        /// The first address.
        first: IpAddr,
        /// The last address (`first` for one address).
        last: IpAddr,
        /// The port; 0 when not given.
        port: u16,
        /// Where.
        at: Location,
    },
    /// `fwmark N [inet|inet6]`.
    Fwmark {
        /// The mark.
        mark: u32,
        /// The family when given.
        family: Option<Family>,
        /// Where.
        at: Location,
    },
}

/// What a virtual server is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VsId {
    /// `virtual_server ADDR [PORT]` (port 0 when not given).
    Addr(IpAddr, u16),
    /// `virtual_server fwmark N`.
    Fwmark(u32),
    /// `virtual_server group NAME`.
    Group(String),
}

/// Settings that cascade from the virtual server to its real servers to
/// their checkers; `None`: not written at this level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Cascade {
    /// `delay_loop`.
    pub delay_loop: Option<Duration>,
    /// `connect_timeout`.
    pub connect_timeout: Option<Duration>,
    /// `retry` (`nb_get_retry` in HTTP_GET/SSL_GET).
    pub retry: Option<u32>,
    /// `delay_before_retry`.
    pub delay_before_retry: Option<Duration>,
    /// `warmup`.
    pub warmup: Option<Duration>,
    /// `alpha`.
    pub alpha: Option<bool>,
    /// `inhibit_on_failure` (virtual and real server only).
    pub inhibit: Option<bool>,
}

/// A `virtual_server` block.
#[derive(Debug, Clone, PartialEq)]
pub struct VirtualServer {
    /// What it is.
    pub id: VsId,
    /// Where it was written.
    pub at: Location,
    /// `protocol` (keepalived: none given is UDP, with a warning).
    pub protocol: Option<Protocol>,
    /// `lb_algo`/`lvs_sched` (none given: `wlc`).
    pub scheduler: Option<Scheduler>,
    /// `ops`, `flag-1` ..., `sh-port` ...
    pub flags: ServiceFlags,
    /// `lb_kind`/`lvs_method` (none given: NAT).
    pub forwarding: Option<Forwarding>,
    /// `persistence_timeout` (written without a value: 360).
    pub persistence_timeout: Option<u32>,
    /// `persistence_granularity`.
    pub granularity: Option<Netmask>,
    /// `persistence_engine`.
    pub persistence_engine: Option<String>,
    /// `ip_family`.
    pub family: Option<Family>,
    /// The settings its real servers and checkers inherit.
    pub cascade: Cascade,
    /// `weight`: the default weight of its real servers (1).
    pub weight: u32,
    /// `quorum` (1).
    pub quorum: u32,
    /// `hysteresis` (0).
    pub hysteresis: u32,
    /// `virtualhost`, the default of its HTTP checks.
    pub virtualhost: Option<String>,
    /// `sorry_server`.
    pub sorry: Option<Sorry>,
    /// Its real servers (those keepalived keeps).
    pub reals: Vec<RealServer>,
    /// `quorum_up`.
    pub quorum_up: Option<NotifyScript>,
    /// `quorum_down`.
    pub quorum_down: Option<NotifyScript>,
    /// What it has that may not be carried (`omega` ...).
    pub unsupported: Vec<Unsupported>,
}

/// A `sorry_server ADDR [PORT]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sorry {
    /// Its address.
    pub addr: IpAddr,
    /// Its port (0: not given).
    pub port: u16,
    /// `sorry_server_lvs_method` (none: the virtual server's).
    pub forwarding: Option<Forwarding>,
    /// `sorry_server_inhibit`.
    pub inhibit: bool,
    /// Where.
    pub at: Location,
}

/// A `real_server ADDR [PORT]` block.
#[derive(Debug, Clone, PartialEq)]
pub struct RealServer {
    /// Its address.
    pub addr: IpAddr,
    /// Its port as written (0: not given).
    pub port: u16,
    /// Where.
    pub at: Location,
    /// `weight` (none: the virtual server's `weight`).
    pub weight: Option<u32>,
    /// `lvs_method` (none: the virtual server's).
    pub forwarding: Option<Forwarding>,
    /// `uthreshold`.
    pub uthreshold: u32,
    /// `lthreshold`.
    pub lthreshold: u32,
    /// Its own cascading settings.
    pub cascade: Cascade,
    /// `virtualhost`.
    pub virtualhost: Option<String>,
    /// Its checkers.
    pub checkers: Vec<Checker>,
    /// `notify_up`.
    pub notify_up: Option<NotifyScript>,
    /// `notify_down`.
    pub notify_down: Option<NotifyScript>,
}

/// A notify script: `KEYWORD "COMMAND [ARGS]" [USER [GROUP]]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotifyScript {
    /// The program and its arguments, split as keepalived splits them.
    pub argv: Vec<String>,
    /// The user it runs as (none: keepalived's default script user).
    pub user: Option<String>,
    /// The group it runs as (none: the user's).
    pub group: Option<String>,
    /// Where.
    pub at: Location,
}

/// A checker block of a real server.
#[derive(Debug, Clone, PartialEq)]
pub struct Checker {
    /// What it does.
    pub kind: CheckerKind,
    /// Where.
    pub at: Location,
    /// `connect_ip`.
    pub connect_ip: Option<IpAddr>,
    /// `connect_port`.
    pub connect_port: Option<u16>,
    /// The port of the real server as written when the checker was read
    /// (keepalived's checker connects there unless `connect_port`).
    pub rs_port: u16,
    /// Its own cascading settings.
    pub cascade: Cascade,
    /// `bindto`, `bind_port`, `bind_if` and `fwmark`, as written (what
    /// keepalived applies of them: [`source::applied`]).
    pub source: crate::config::Source,
    /// What it has that may not be carried (`digest` ...).
    pub unsupported: Vec<Unsupported>,
}

/// The checker types.
#[derive(Debug, Clone, PartialEq)]
pub enum CheckerKind {
    /// `TCP_CHECK`.
    Tcp,
    /// `HTTP_GET` or `SSL_GET`.
    Http(Http),
    /// `MISC_CHECK`.
    Misc(Misc),
    /// `DNS_CHECK`.
    Dns(Dns),
    /// `UDP_CHECK`.
    Udp(Udp),
    /// `PING_CHECK`.
    Ping,
    /// `SMTP_CHECK`.
    Smtp(Smtp),
    /// `FILE_CHECK`.
    File(File),
    /// `BFD_CHECK`: read, not modelled.
    Other(String),
}

impl CheckerKind {
    /// keepalived's name of the checker.
    pub fn name(&self) -> &str {
        match self {
            CheckerKind::Tcp => "TCP_CHECK",
            CheckerKind::Http(h) if h.tls => "SSL_GET",
            CheckerKind::Http(_) => "HTTP_GET",
            CheckerKind::Misc(_) => "MISC_CHECK",
            CheckerKind::Dns(_) => "DNS_CHECK",
            CheckerKind::Udp(_) => "UDP_CHECK",
            CheckerKind::Ping => "PING_CHECK",
            CheckerKind::Smtp(_) => "SMTP_CHECK",
            CheckerKind::File(_) => "FILE_CHECK",
            CheckerKind::Other(n) => n,
        }
    }
}

/// An `HTTP_GET` or `SSL_GET`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Http {
    /// `SSL_GET`.
    pub tls: bool,
    /// Its `url` blocks (those keepalived keeps: each has a path).
    pub urls: Vec<Url>,
    /// `virtualhost`.
    pub virtualhost: Option<String>,
    /// `http_protocol` (1.0 unless given).
    pub http_protocol: Option<String>,
    /// `enable_sni`.
    pub sni: bool,
}

/// A `url` block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Url {
    /// `path`.
    pub path: String,
    /// `status_code` as inclusive ranges (none given: 200-299).
    pub status: Vec<(u16, u16)>,
    /// `digest` (32 hex digits).
    pub digest: Option<String>,
    /// `regex`.
    pub regex: Option<String>,
    /// `virtualhost`.
    pub virtualhost: Option<String>,
    /// Where.
    pub at: Location,
}

/// A `MISC_CHECK`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Misc {
    /// `misc_path`: the command line, as written.
    pub path: String,
    /// `misc_timeout` (none: the virtual server's `delay_loop`).
    pub timeout: Option<Duration>,
    /// `misc_dynamic`.
    pub dynamic: bool,
    /// `user USER [GROUP]`.
    pub user: Option<(String, Option<String>)>,
}

/// Global keywords that change what keepalived does to the IPVS table or
/// to its checks.
const GLOBAL_IPVS: [&str; 1] = ["net_namespace"];

/// Top-level keywords of other parts of keepalived (VRRP, BFD, static
/// addresses ...) that keepalived's checker process reads past.
const ELSEWHERE: [&str; 12] = [
    "vrrp_script",
    "vrrp_sync_group",
    "vrrp_instance",
    "vrrp_track_process",
    "vrrp_garp_extra_if",
    "garp_group",
    "bfd_instance",
    "static_ipaddress",
    "static_routes",
    "static_rules",
    "linkbeat_use_polling",
    "track_group",
];

/// Read the IPVS part of `doc`.
///
/// # Errors
/// A `virtual_server` that names a group no `virtual_server_group`
/// defines, and whatever keepalived cannot run at all; the error names
/// file and line.
pub fn lvs(doc: &Document) -> Result<Lvs, ConfigError> {
    let mut out = Lvs {
        notes: doc.notes.clone(),
        ..Lvs::default()
    };
    // The track_file blocks read so far (a FILE_CHECK names one above it).
    let mut track_files: Vec<TrackFile> = Vec::new();
    for s in &doc.statements {
        match s.keyword.as_str() {
            "virtual_server_group" => {
                if let Some(g) = group::read(s, &mut out.notes) {
                    out.groups.push(g);
                }
            }
            "virtual_server" => {
                if let Some(mut v) = vs::read(s, &mut out.notes) {
                    track::resolve(&mut v, &track_files, &mut out.notes);
                    out.virtual_servers.push(v);
                }
            }
            "global_defs" => globals(s, &mut out),
            "SSL" => out.unsupported.push(Unsupported {
                at: s.at.clone(),
                what: "SSL (client certificate and CA for SSL_GET)".into(),
            }),
            "track_file" | "vrrp_track_file" => {
                if let Some(t) = track::read(s, &mut out.notes) {
                    track_files.push(t);
                }
            }
            k if ELSEWHERE.contains(&k) || k.starts_with("vrrp_") => {
                syncd::in_vrrp_instance(s, &mut out);
                note(
                    &mut out.notes,
                    s,
                    format!(
                        "`{k}` is not about IPVS: rvsadmd leaves it to keepalived (keepalived --vrrp)"
                    ),
                )
            }
            k => unknown(&mut out.notes, s, k),
        }
    }
    for v in &out.virtual_servers {
        if let VsId::Group(name) = &v.id {
            if !out.groups.iter().any(|g| &g.name == name) {
                return Err(ConfigError {
                    at: v.at.clone(),
                    message: format!(
                        "virtual_server group `{name}`: no virtual_server_group has that name"
                    ),
                });
            }
        }
    }
    Ok(out)
}

/// The `global_defs` keywords: those that touch IPVS and those about
/// scripts are kept, the others noted.
fn globals(s: &Statement, out: &mut Lvs) {
    for g in s.block.as_deref().unwrap_or_default() {
        let k = g.keyword.as_str();
        if out.table.read(g, &mut out.notes) {
            continue;
        }
        if k == "script_user" {
            match g.args.first() {
                Some(user) => {
                    out.script_user = Some(ScriptUser {
                        user: user.clone(),
                        group: g.args.get(1).cloned(),
                        at: g.at.clone(),
                    })
                }
                None => ignored(&mut out.notes, g, "the user is missing"),
            }
        } else if k == "enable_script_security" {
            out.script_security = Some(g.at.clone());
        } else if k == "lvs_sync_daemon" {
            syncd::global(g, out);
        } else if k == "lvs_notify_fifo" {
            match g.args.first() {
                Some(p) => out.notify_fifo = Some(p.clone()),
                None => ignored(&mut out.notes, g, "the FIFO is missing"),
            }
        } else if k == "lvs_notify_fifo_script" {
            script::read(&mut out.notify_fifo_script, g, &mut out.notes);
        } else if GLOBAL_IPVS.contains(&k) {
            out.unsupported.push(Unsupported {
                at: g.at.clone(),
                what: k.to_string(),
            });
        } else {
            note(
                &mut out.notes,
                g,
                format!("global_defs `{k}` does not touch IPVS: rvsadmd does not use it"),
            );
        }
    }
}

/// A note about statement `s`.
pub(crate) fn note(notes: &mut Vec<Note>, s: &Statement, message: String) {
    notes.push(Note {
        at: s.at.clone(),
        message,
    });
}

/// An unknown keyword: keepalived warns and skips it (and its block).
pub(crate) fn unknown(notes: &mut Vec<Note>, s: &Statement, k: &str) {
    note(
        notes,
        s,
        format!("unknown keyword `{k}`: keepalived skips it, and so does rvsadmd"),
    );
}

/// A value keepalived ignores with a warning.
pub(crate) fn ignored(notes: &mut Vec<Note>, s: &Statement, why: &str) {
    note(
        notes,
        s,
        format!(
            "`{}`: {why}; keepalived ignores it, and so does rvsadmd",
            s.keyword
        ),
    );
}

/// The first argument of `s`, or a note that it is missing.
pub(crate) fn arg<'a>(notes: &mut Vec<Note>, s: &'a Statement) -> Option<&'a str> {
    let a = s.args.first().map(String::as_str);
    if a.is_none() {
        ignored(notes, s, "its value is missing");
    }
    a
}

/// The rest of the line after the keyword, as one string (keepalived's
/// `set_value`: the words joined by one space).
pub(crate) fn rest(s: &Statement) -> String {
    s.args.join(" ")
}
