//! What a check does: the probe types and their settings, as every
//! configuration reader builds them and [`crate::probe`] runs them.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;

/// What a check does.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Probe {
    /// A TCP connection is accepted (then closed).
    Tcp {
        /// Where to connect.
        target: SocketAddr,
        /// How the connection is closed once made.
        close: TcpClose,
    },
    /// HTTP requests are answered as expected (every URL of the check).
    Http(HttpProbe),
    /// A program exits 0 (up), 1 (down) or, with `dynamic`, 2-255 (up,
    /// weight = code - 2; without `dynamic` any code but 0 is down).
    Exec {
        /// The program and its arguments (no shell).
        argv: Vec<String>,
        /// Environment variables added for it (the addresses).
        env: Vec<(String, String)>,
        /// Exit codes 2-255 set the weight (keepalived's `misc_dynamic`).
        dynamic: bool,
        /// With `dynamic`: the code - 2 is a percentage of the
        /// destination's configured weight, not a weight (native
        /// `dynamic = "percent"`).
        percent: bool,
        /// Run as this user (and group) instead of rvsadmd's own.
        run_as: Option<RunAs>,
    },
    /// An SMTP server greets, answers HELO and takes QUIT.
    Smtp(SmtpProbe),
    /// A DNS server answers a query over UDP.
    Dns(DnsProbe),
    /// A MySQL or MariaDB server greets, takes a login, answers a query.
    Mysql(MysqlProbe),
    /// A PostgreSQL server takes a login and answers a query.
    Pgsql(PgsqlProbe),
    /// A RADIUS server accepts a login.
    Radius(RadiusProbe),
    /// A SIP server answers OPTIONS with 200 OK.
    Sip(SipProbe),
    /// An FTP server takes a login and hands over a file.
    Ftp(FtpProbe),
    /// An Oracle listener takes a connection to a SID.
    Oracle(OracleProbe),
    /// A POP3, IMAP or NNTP server greets (and takes a login).
    Mail(MailProbe),
    /// An LDAP server takes a bind and finds one entry.
    Ldap(LdapProbe),
    /// A request sent over TCP is answered with a line that matches
    /// (ldirectord's simpletcp).
    Exchange(ExchangeProbe),
    /// A UDP datagram is sent; no ICMP error comes back (and, if asked,
    /// a reply does).
    Udp(UdpProbe),
    /// An ICMP echo is answered.
    Ping {
        /// The address pinged.
        target: IpAddr,
    },
    /// A number read from a file (keepalived's FILE_CHECK).
    File(FileProbe),
    /// ldirectord's `checktype = N`: a negotiate probe, then `connects`
    /// TCP connects, then a negotiate probe again (see [`Combined`]).
    Combined(Combined),
    /// Always up (ldirectord's `checktype = on`).
    Up,
    /// Always down (native `type = "off"`).
    Down,
    /// Never checked: the table keeps what it has (ldirectord's
    /// `checktype = off`).
    Unchecked,
}

/// How a TCP check closes the connection it made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum TcpClose {
    /// A reset: no FIN exchange and no TIME_WAIT socket left on either
    /// side (the default).
    #[default]
    Reset,
    /// A normal close (FIN), as keepalived and ldirectord close; the
    /// director keeps a TIME_WAIT socket per check for a minute.
    Graceful,
}

impl TcpClose {
    /// `reset` or `graceful`, as the native configuration spells it.
    pub fn name(self) -> &'static str {
        match self {
            TcpClose::Reset => "reset",
            TcpClose::Graceful => "graceful",
        }
    }
}

/// ldirectord's `checktype = N`, per real: the first probe is the
/// negotiate one; each one that passes is followed by `connects` TCP
/// connects (each passing one counts), then the negotiate probe again. A
/// failed connect makes the next probe the negotiate one; a failed
/// negotiate probe is tried again at the next run.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Combined {
    /// Connects between two negotiate probes.
    pub connects: u32,
    /// Where the connects go.
    pub connect: SocketAddr,
    /// How long one connect may take (the check's timeout is the
    /// negotiate probe's).
    pub connect_timeout: std::time::Duration,
    /// The negotiate probe.
    pub negotiate: Box<Probe>,
}

/// An HTTP or HTTPS check: one request per URL, each on a connection of
/// its own; up when every URL is answered as it expects.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct HttpProbe {
    /// Where to connect.
    pub target: SocketAddr,
    /// HTTPS instead of HTTP.
    pub tls: bool,
    /// With `tls`: verify the server's certificate and name.
    pub verify: bool,
    /// `GET`, `HEAD` ...
    pub method: String,
    /// The URLs asked for, in order; at least one.
    pub urls: Vec<UrlCheck>,
    /// The most redirects followed per URL (ldirectord's: 7, as its
    /// HTTP client's; 0: none, a redirect is judged as it is).
    pub redirects: u8,
}

/// One URL of an HTTP check and what its answer must be.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UrlCheck {
    /// The request target, starting with `/`.
    pub path: String,
    /// The `Host` header (and TLS server name); `None`: the address.
    pub host: Option<String>,
    /// Status codes that count as up, as inclusive ranges.
    pub status: Vec<(u16, u16)>,
    /// What the body must contain.
    pub expect: Option<Expect>,
    /// The MD5 of the whole body, as 32 lower-case hex digits
    /// (keepalived's `digest`, as its `genhash` prints it).
    pub digest: Option<String>,
}

impl UrlCheck {
    /// `path`, answered with any 2xx status.
    pub fn new(path: &str) -> Self {
        UrlCheck {
            path: path.to_string(),
            host: None,
            status: vec![(200, 299)],
            expect: None,
            digest: None,
        }
    }
}

/// What a response body must hold.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Expect {
    /// This text, anywhere.
    Text(String),
    /// A match of this regular expression (Rust `regex` syntax, close to
    /// Perl's for what health checks use).
    Regex(Pattern),
}

/// A user (and group) a program runs as, named in the configuration and
/// looked up when it was read.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RunAs {
    /// The user's name.
    pub user: String,
    /// The group's name; `None`: the user's own group.
    pub group: Option<String>,
    /// The user's id.
    pub uid: u32,
    /// The group's id.
    pub gid: u32,
}

impl RunAs {
    /// `user` (and `group`, else the user's own) looked up in the system's
    /// user and group databases; the error names what was not found.
    ///
    /// ```
    /// use rvsadmd::config::RunAs;
    /// let root = RunAs::lookup("root", None).unwrap();
    /// assert_eq!((root.uid, root.gid), (0, 0));
    /// assert!(RunAs::lookup("no-such-user-here", None).is_err());
    /// ```
    pub fn lookup(user: &str, group: Option<&str>) -> Result<RunAs, String> {
        let u = nix::unistd::User::from_name(user)
            .map_err(|e| format!("user `{user}`: {e}"))?
            .ok_or_else(|| format!("user: no user `{user}` on this machine"))?;
        let gid = match group {
            None => u.gid.as_raw(),
            Some(g) => nix::unistd::Group::from_name(g)
                .map_err(|e| format!("group `{g}`: {e}"))?
                .ok_or_else(|| format!("group: no group `{g}` on this machine"))?
                .gid
                .as_raw(),
        };
        Ok(RunAs {
            user: user.to_string(),
            group: group.map(str::to_string),
            uid: u.uid.as_raw(),
            gid,
        })
    }
}

/// An SMTP check.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SmtpProbe {
    /// Where to connect.
    pub target: SocketAddr,
    /// The name sent with HELO; `None`: this machine's host name.
    pub helo: Option<String>,
}

/// A MySQL or MariaDB check ([`crate::probe::mysql`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MysqlProbe {
    /// Where to connect.
    pub target: SocketAddr,
    /// The user to log in as; `None`: the server's handshake is enough.
    pub user: Option<String>,
    /// The user's password (may be empty).
    pub password: String,
    /// The database logged in to.
    pub database: Option<String>,
    /// A query that must return a row (or change one), after the login.
    pub query: Option<String>,
}

/// A PostgreSQL check ([`crate::probe::pgsql`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PgsqlProbe {
    /// Where to connect.
    pub target: SocketAddr,
    /// The user to log in as.
    pub user: String,
    /// The user's password (may be empty).
    pub password: String,
    /// The database; `None`: the server's default (the user's name).
    pub database: Option<String>,
    /// A query that must return a row (or change one), after the login.
    pub query: Option<String>,
}

/// A RADIUS check ([`crate::probe::radius`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RadiusProbe {
    /// Where to send.
    pub target: SocketAddr,
    /// The User-Name.
    pub user: String,
    /// The User-Password.
    pub password: String,
    /// The secret shared with the server.
    pub secret: String,
}

/// A SIP check ([`crate::probe::sip`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SipProbe {
    /// Where to send.
    pub target: SocketAddr,
    /// Over TCP instead of UDP.
    pub tcp: bool,
    /// The user of the URI asked about (`sip:USER`).
    pub user: String,
}

/// An FTP check ([`crate::probe::ftp`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FtpProbe {
    /// Where to connect.
    pub target: SocketAddr,
    /// The user logged in as.
    pub user: String,
    /// Its password (sent when asked for).
    pub password: String,
    /// The file retrieved.
    pub path: String,
    /// What its contents must match; `None`: any.
    pub expect: Option<Pattern>,
}

/// An Oracle check ([`crate::probe::oracle`]): the listener, not a
/// login.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OracleProbe {
    /// The listener.
    pub target: SocketAddr,
    /// The SID asked for.
    pub sid: String,
}

/// A check of a mail or news server: its greeting and, with a login,
/// the login ([`crate::probe::mail`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MailProbe {
    /// Where to connect.
    pub target: SocketAddr,
    /// What it speaks.
    pub protocol: MailProtocol,
    /// TLS from the start (POP3S, IMAPS); the certificate is not verified.
    pub tls: bool,
    /// The user and password logged in with; `None`: the greeting is
    /// enough.
    pub login: Option<(String, String)>,
}

/// The protocols of [`MailProbe`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MailProtocol {
    /// POP3: greeting `+OK`, `USER` and `PASS` answered `+OK`, `QUIT`.
    Pop3,
    /// IMAP4: greeting `* OK` (or `* PREAUTH`), `LOGIN` answered `OK`,
    /// `LOGOUT`.
    Imap,
    /// NNTP: a greeting that starts with 2, `QUIT`.
    Nntp,
}

/// An LDAP check ([`crate::probe::ldap`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LdapProbe {
    /// Where to connect.
    pub target: SocketAddr,
    /// TLS from the start (LDAPS); the certificate is not verified.
    pub tls: bool,
    /// The DN and password of a simple bind; `None`: anonymous.
    pub bind: Option<(String, String)>,
    /// The entry searched for (scope base; empty: the root DSE).
    pub base: String,
    /// What the entry's DN must match; `None`: any.
    pub expect: Option<Pattern>,
}

/// A request and the line that must come back (ldirectord's simpletcp).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ExchangeProbe {
    /// Where to connect.
    pub target: SocketAddr,
    /// What is sent, after which the check's side of the connection is
    /// shut.
    pub send: String,
    /// A line of the answer must match it.
    pub expect: Pattern,
}

/// A DNS check: one query; up on a reply with the query's id and
/// response code NOERROR (keepalived's DNS_CHECK rule), and, with
/// `answer`, an A or PTR record in the answer that matches it
/// (ldirectord's rule).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DnsProbe {
    /// The server.
    pub target: SocketAddr,
    /// The record type asked for (its code: 1 for A ...).
    pub qtype: u16,
    /// The name asked about (`.` for the root).
    pub name: String,
    /// Over TCP instead of UDP (ldirectord's check of a tcp virtual).
    pub tcp: bool,
    /// What an A record's address (dotted) or a PTR record's name (no
    /// trailing dot) of the answer must match; `None`: NOERROR is enough.
    pub answer: Option<Pattern>,
}

/// The record types a DNS check asks for, by name: the one table of
/// their spellings.
pub const DNS_TYPES: &[(&str, u16)] = &[
    ("A", 1),
    ("NS", 2),
    ("CNAME", 5),
    ("SOA", 6),
    ("PTR", 12),
    ("MX", 15),
    ("TXT", 16),
    ("AAAA", 28),
    ("SRV", 33),
    ("RRSIG", 46),
    ("DNSKEY", 48),
    ("CAA", 257),
];

/// The code of DNS record type `name` (any case), or of `TYPEn` (RFC
/// 3597's spelling of any type by its number).
///
/// ```
/// use rvsadmd::config::{dns_type, dns_type_text};
/// assert_eq!(dns_type("aaaa"), Some(28));
/// assert_eq!(dns_type("TYPE99"), Some(99));
/// assert_eq!(dns_type("A6x"), None);
/// assert_eq!(dns_type_text(99), "TYPE99");
/// assert_eq!(dns_type_text(6), "SOA");
/// ```
pub fn dns_type(name: &str) -> Option<u16> {
    DNS_TYPES
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, c)| *c)
        .or_else(|| {
            name.get(..4)
                .filter(|p| p.eq_ignore_ascii_case("TYPE"))
                .and_then(|_| name[4..].parse().ok())
        })
}

/// How DNS record type `code` is written: its name, or `TYPEn`.
pub fn dns_type_text(code: u16) -> String {
    DNS_TYPES
        .iter()
        .find(|(_, c)| *c == code)
        .map_or_else(|| format!("TYPE{code}"), |(n, _)| (*n).to_string())
}

/// A UDP check.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UdpProbe {
    /// Where to send.
    pub target: SocketAddr,
    /// The datagram sent.
    pub payload: Vec<u8>,
    /// What must come back; `None`: no reply needed, only no ICMP error
    /// until the timeout.
    pub reply: Option<ReplyMatch>,
    /// With `reply`: the shortest and longest reply taken, in bytes
    /// (keepalived's `min_reply_length`, `max_reply_length`).
    pub reply_len: (usize, usize),
}

/// A UDP check's reply lengths unless given: any.
pub const UDP_REPLY_LEN: (usize, usize) = (0, 65535);

/// What a UDP reply must hold: for each byte given, the bits of `mask`
/// equal to those of `value` (keepalived's `require_reply` with `X`
/// nibbles), compared up to the shorter of the reply and the pattern.
/// An empty pattern takes any reply.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct ReplyMatch {
    /// The bytes expected.
    pub value: Vec<u8>,
    /// Which bits of each byte count (`0xff`: all, `0xf0`: the high
    /// nibble ...), as long as `value`.
    pub mask: Vec<u8>,
}

impl ReplyMatch {
    /// Read keepalived's hex format: groups of hex digits split by white
    /// space, each read two digits to a byte from the left (a last single
    /// digit is a byte of its own: `f` is `0f`); with `wild`, an `x` or
    /// `X` digit matches any 4 bits.
    ///
    /// ```
    /// use rvsadmd::config::ReplyMatch;
    /// let m = ReplyMatch::parse("Ab12f 3 4x", true).unwrap();
    /// assert_eq!(m.value, [0xab, 0x12, 0x0f, 0x03, 0x40]);
    /// assert_eq!(m.mask, [0xff, 0xff, 0xff, 0xff, 0xf0]);
    /// assert_eq!(m.to_text(), "ab120f034x");
    /// assert!(ReplyMatch::parse("4x", false).is_err());
    /// assert!(ReplyMatch::parse("zz", true).is_err());
    /// ```
    pub fn parse(text: &str, wild: bool) -> Result<Self, String> {
        let mut m = ReplyMatch::default();
        for group in text.split_whitespace() {
            let digits = group.as_bytes();
            for pair in digits.chunks(2) {
                let (mut v, mut k) = (0u8, 0u8);
                let padded: &[u8] = if pair.len() == 1 {
                    &[b'0', pair[0]]
                } else {
                    pair
                };
                for &d in padded {
                    let (dv, dk) = match d {
                        b'x' | b'X' if wild => (0, 0),
                        _ => match (d as char).to_digit(16) {
                            Some(n) => (n as u8, 0xf),
                            None => {
                                return Err(format!(
                                    "`{}` is not a hex digit (0-9, a-f{})",
                                    d as char,
                                    if wild { ", or x for any" } else { "" }
                                ))
                            }
                        },
                    };
                    v = (v << 4) | dv;
                    k = (k << 4) | dk;
                }
                m.value.push(v);
                m.mask.push(k);
            }
        }
        Ok(m)
    }

    /// The bytes as [`ReplyMatch::parse`] reads them back: two digits a
    /// byte, `x` for a digit that matches anything.
    pub fn to_text(&self) -> String {
        let mut out = String::with_capacity(self.value.len() * 2);
        for (v, k) in self.value.iter().zip(&self.mask) {
            for shift in [4u8, 0] {
                if (k >> shift) & 0xf == 0 {
                    out.push('x');
                } else {
                    out.push(char::from_digit(u32::from((v >> shift) & 0xf), 16).unwrap_or('?'));
                }
            }
        }
        out
    }
}

/// A number read from a file (keepalived's FILE_CHECK), judged by
/// keepalived's rules ([`crate::probe::file_track`]): up or down, and an
/// amount added to the destination's weight.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FileProbe {
    /// The file; it holds a number as text.
    pub path: PathBuf,
    /// The number read is multiplied by this; 0: the number only says up
    /// (0) or down (anything else).
    pub factor: i64,
    /// The product is negated (with `factor` 0: 0 is down, the rest up).
    pub reverse: bool,
    /// Written to the file before the first read (keepalived's
    /// `init_file`).
    pub init: Option<FileInit>,
    /// What the check has read so far (no part of its settings).
    pub memory: crate::probe::file::FileMemory,
}

/// keepalived's `init_file [VALUE] [overwrite]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FileInit {
    /// The number written.
    pub value: i64,
    /// Write it over an existing regular file too (else only when the
    /// file does not exist).
    pub overwrite: bool,
}

/// A regular expression compiled when the configuration is read. Two
/// patterns are equal (and hash and print) as their text; clones share
/// one compiled expression.
///
/// ```
/// use rvsadmd::config::Pattern;
/// let p = Pattern::new("^up [0-9]+$").unwrap();
/// assert!(p.is_match("up 12") && !p.is_match("down"));
/// assert_eq!(p, Pattern::new("^up [0-9]+$").unwrap());
/// assert!(Pattern::new("(").is_err());
/// ```
#[derive(Clone)]
pub struct Pattern(Arc<regex::Regex>);

impl Pattern {
    /// `text` compiled.
    pub fn new(text: &str) -> Result<Self, regex::Error> {
        regex::Regex::new(text).map(|re| Pattern(Arc::new(re)))
    }

    /// The text it was compiled from.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// Whether `haystack` holds a match.
    pub fn is_match(&self, haystack: &str) -> bool {
        self.0.is_match(haystack)
    }

    /// Whether `self` and `other` share one compiled expression.
    #[cfg(test)]
    pub(crate) fn shares(&self, other: &Pattern) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl PartialEq for Pattern {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Pattern {}

impl Hash for Pattern {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl fmt::Debug for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl MailProbe {
    /// The check's type: `pop`, `pops`, `imap`, `imaps` or `nntp`
    /// (ldirectord's service names).
    pub fn kind(&self) -> &'static str {
        match (self.protocol, self.tls) {
            (MailProtocol::Pop3, false) => "pop",
            (MailProtocol::Pop3, true) => "pops",
            (MailProtocol::Imap, false) => "imap",
            (MailProtocol::Imap, true) => "imaps",
            (MailProtocol::Nntp, _) => "nntp",
        }
    }
}

impl Probe {
    /// A short word for status output: the native `type` of the check
    /// (`tcp`, `http`, `https`, `exec`, `smtp`, `dns`, `mysql`, `pgsql`, `radius`, `sip`, `ftp`, `oracle`, `pop`,
    /// `pops`, `imap`, `imaps`, `nntp`, `ldap`, `ldaps`, `simpletcp`, `udp`, `ping`,
    /// `file`, `on`, `off`, `none`).
    pub fn kind(&self) -> &'static str {
        match self {
            Probe::Tcp { .. } => "tcp",
            Probe::Http(h) if h.tls => "https",
            Probe::Http(_) => "http",
            Probe::Exec { .. } => "exec",
            Probe::Smtp(_) => "smtp",
            Probe::Dns(_) => "dns",
            Probe::Mysql(_) => "mysql",
            Probe::Pgsql(_) => "pgsql",
            Probe::Radius(_) => "radius",
            Probe::Sip(_) => "sip",
            Probe::Ftp(_) => "ftp",
            Probe::Oracle(_) => "oracle",
            Probe::Mail(m) => m.kind(),
            Probe::Ldap(l) if l.tls => "ldaps",
            Probe::Ldap(_) => "ldap",
            Probe::Exchange(_) => "simpletcp",
            Probe::Udp(_) => "udp",
            Probe::Ping { .. } => "ping",
            Probe::File(_) => "file",
            Probe::Combined(_) => "combined",
            Probe::Up => "on",
            Probe::Down => "off",
            Probe::Unchecked => "none",
        }
    }

    /// Where the probe connects, for the probes that connect to an
    /// address and port (a check through the VIP points it at the VIP).
    pub fn target_mut(&mut self) -> Option<&mut SocketAddr> {
        match self {
            Probe::Tcp { target, .. } => Some(target),
            Probe::Http(p) => Some(&mut p.target),
            Probe::Smtp(p) => Some(&mut p.target),
            Probe::Dns(p) => Some(&mut p.target),
            Probe::Mysql(p) => Some(&mut p.target),
            Probe::Pgsql(p) => Some(&mut p.target),
            Probe::Radius(p) => Some(&mut p.target),
            Probe::Sip(p) => Some(&mut p.target),
            Probe::Ftp(p) => Some(&mut p.target),
            Probe::Oracle(p) => Some(&mut p.target),
            Probe::Mail(p) => Some(&mut p.target),
            Probe::Ldap(p) => Some(&mut p.target),
            Probe::Exchange(p) => Some(&mut p.target),
            Probe::Udp(p) => Some(&mut p.target),
            Probe::Combined(c) => Some(&mut c.connect),
            Probe::Exec { .. }
            | Probe::Ping { .. }
            | Probe::File(_)
            | Probe::Up
            | Probe::Down
            | Probe::Unchecked => None,
        }
    }

    /// Where the probe connects, for the probes that connect to an
    /// address and port (after [`crate::config::via_vip::expand`], the
    /// VIP for a check through the VIP).
    pub fn target(&self) -> Option<SocketAddr> {
        match self {
            Probe::Tcp { target, .. } => Some(*target),
            Probe::Http(p) => Some(p.target),
            Probe::Smtp(p) => Some(p.target),
            Probe::Dns(p) => Some(p.target),
            Probe::Mysql(p) => Some(p.target),
            Probe::Pgsql(p) => Some(p.target),
            Probe::Radius(p) => Some(p.target),
            Probe::Sip(p) => Some(p.target),
            Probe::Ftp(p) => Some(p.target),
            Probe::Oracle(p) => Some(p.target),
            Probe::Mail(p) => Some(p.target),
            Probe::Ldap(p) => Some(p.target),
            Probe::Exchange(p) => Some(p.target),
            Probe::Udp(p) => Some(p.target),
            Probe::Combined(c) => Some(c.connect),
            Probe::Exec { .. }
            | Probe::Ping { .. }
            | Probe::File(_)
            | Probe::Up
            | Probe::Down
            | Probe::Unchecked => None,
        }
    }
}
