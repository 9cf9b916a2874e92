//! The MySQL client/server protocol as a check needs it, from bytes
//! alone: the server's handshake, the client's login, the replies to a
//! login and to a query. Every reader takes any bytes and returns an
//! error for what it cannot read (the fuzz target `probe_replies` feeds
//! them noise).

use super::caching_sha2::CACHING_SHA2;
use sha1::{Digest, Sha1};

/// Capability bits the client sends (MySQL's `CLIENT_*`): long
/// passwords, protocol 4.1, 4.1 authentication, auth plugins.
const CLIENT_BASE: u32 = 0x1 | 0x200 | 0x8000 | 0x8_0000;
/// The login names a database (`CLIENT_CONNECT_WITH_DB`).
const CLIENT_CONNECT_WITH_DB: u32 = 0x8;
/// The server speaks protocol 4.1 (`CLIENT_PROTOCOL_41`).
const CLIENT_PROTOCOL_41: u32 = 0x200;
/// The handshake carries the second part of the scramble
/// (`CLIENT_SECURE_CONNECTION`).
const CLIENT_SECURE_CONNECTION: u32 = 0x8000;
/// The handshake names its auth plugin (`CLIENT_PLUGIN_AUTH`).
const CLIENT_PLUGIN_AUTH: u32 = 0x8_0000;
/// The login method of MySQL before 8 and of MariaDB.
pub const NATIVE_PASSWORD: &str = "mysql_native_password";
/// Character set sent at login: utf8mb4_general_ci.
const CHARSET: u8 = 45;
/// Largest packet the client says it takes (16 MiB).
const MAX_PACKET: u32 = 1 << 24;

/// The server's first packet (protocol version 10).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handshake {
    /// The server's version text (`10.11.6-MariaDB-0+deb12u1` ...).
    pub version: String,
    /// Its capability bits.
    pub caps: u32,
    /// The scramble the password is hashed with (20 bytes from a
    /// current server).
    pub scramble: Vec<u8>,
    /// The auth plugin it names, if it names one.
    pub plugin: Option<String>,
}

/// Bytes read from the front.
struct Cursor<'a>(&'a [u8]);

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        if self.0.len() < n {
            return Err("packet cut short".into());
        }
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        Ok(a)
    }

    fn u8(&mut self) -> Result<u8, String> {
        Ok(self.take(1)?[0])
    }

    fn u16(&mut self) -> Result<u16, String> {
        let b = self.take(2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }

    /// Up to a NUL (taken), or to the end when there is none.
    fn nul_str(&mut self) -> &'a [u8] {
        match self.0.iter().position(|&b| b == 0) {
            Some(i) => {
                let s = &self.0[..i];
                self.0 = &self.0[i + 1..];
                s
            }
            None => std::mem::take(&mut self.0),
        }
    }
}

/// The server's text of an error packet (`0xff`, code, `#` and SQL
/// state, message): `error CODE (STATE): message`.
///
/// ```
/// use rvsadmd::probe::mysql::server_error;
/// let p = b"\xff\x15\x04#28000Access denied";
/// assert_eq!(server_error(p), "error 1045 (28000): Access denied");
/// assert_eq!(server_error(b"\xff\x6a\x04Host blocked"), "error 1130: Host blocked");
/// ```
pub fn server_error(p: &[u8]) -> String {
    let mut c = Cursor(p.get(1..).unwrap_or(&[]));
    let Ok(code) = c.u16() else {
        return "an error packet without a code".into();
    };
    let rest = c.0;
    match rest.split_first() {
        Some((b'#', r)) if r.len() >= 5 => format!(
            "error {code} ({}): {}",
            String::from_utf8_lossy(&r[..5]),
            String::from_utf8_lossy(&r[5..]).trim_end()
        ),
        _ => format!("error {code}: {}", String::from_utf8_lossy(rest).trim_end()),
    }
}

/// Read the server's first packet: its handshake, or its refusal (an
/// error packet: too many connections, a blocked host ...).
///
/// ```
/// use rvsadmd::probe::mysql::handshake;
/// let mut p = b"\x0a5.7.1\0\x01\0\0\0abcdefgh\0\xff\xf7\x21\x02\0\x0f\x80\x15".to_vec();
/// p.extend_from_slice(&[0; 10]);
/// p.extend_from_slice(b"ijklmnopqrst\0mysql_native_password\0");
/// let h = handshake(&p).unwrap();
/// assert_eq!(h.version, "5.7.1");
/// assert_eq!(h.scramble, b"abcdefghijklmnopqrst");
/// assert_eq!(h.plugin.as_deref(), Some("mysql_native_password"));
/// assert!(handshake(b"\x09old").is_err());
/// ```
pub fn handshake(p: &[u8]) -> Result<Handshake, String> {
    let mut c = Cursor(p);
    match c.u8()? {
        10 => {}
        0xff => return Err(format!("the server refuses: {}", server_error(p))),
        v => {
            return Err(format!(
                "handshake of protocol version {v} (10 expected: is it a MySQL server?)"
            ))
        }
    }
    let version = String::from_utf8_lossy(c.nul_str()).into_owned();
    c.take(4)?;
    let mut scramble = c.take(8)?.to_vec();
    c.take(1)?;
    let mut caps = u32::from(c.u16()?);
    let mut plugin = None;
    if !c.0.is_empty() {
        c.take(1)?;
        c.take(2)?;
        caps |= u32::from(c.u16()?) << 16;
        let data_len = usize::from(c.u8()?);
        c.take(10)?;
        if caps & CLIENT_SECURE_CONNECTION != 0 {
            let n = data_len.saturating_sub(8).max(13).min(c.0.len());
            let part = c.take(n)?;
            scramble.extend_from_slice(part.strip_suffix(&[0]).unwrap_or(part));
        }
        if caps & CLIENT_PLUGIN_AUTH != 0 {
            plugin = Some(String::from_utf8_lossy(c.nul_str()).into_owned());
        }
    }
    if caps & CLIENT_PROTOCOL_41 == 0 {
        return Err(format!(
            "server {version} does not speak protocol 4.1 (MySQL 4.1 and later do)"
        ));
    }
    Ok(Handshake {
        version,
        caps,
        scramble,
        plugin,
    })
}

/// mysql_native_password's answer to `scramble`: SHA1(password) XOR
/// SHA1(scramble, SHA1(SHA1(password))); nothing for an empty password.
///
/// ```
/// use rvsadmd::probe::mysql::native_password;
/// assert!(native_password(b"", b"01234567890123456789").is_empty());
/// assert_eq!(native_password(b"pw", b"01234567890123456789").len(), 20);
/// ```
pub fn native_password(password: &[u8], scramble: &[u8]) -> Vec<u8> {
    if password.is_empty() {
        return Vec::new();
    }
    let once = Sha1::digest(password);
    let twice = Sha1::digest(once);
    let mut h = Sha1::new();
    h.update(scramble);
    h.update(twice);
    let salted = h.finalize();
    once.iter().zip(salted.iter()).map(|(a, b)| a ^ b).collect()
}

/// The answer of login method `plugin` to `scramble`, for the methods
/// the check speaks.
pub fn token(plugin: &str, password: &[u8], scramble: &[u8]) -> Option<Vec<u8>> {
    match plugin {
        NATIVE_PASSWORD => Some(native_password(password, scramble)),
        CACHING_SHA2 => Some(super::caching_sha2::scramble(password, scramble)),
        _ => None,
    }
}

/// The client's login packet (HandshakeResponse41): `user` with the
/// answer to the handshake's scramble by the method the handshake names
/// (caching_sha2_password, or else mysql_native_password), that method's
/// name, and `database` if given.
pub fn login(h: &Handshake, user: &str, password: &str, database: Option<&str>) -> Vec<u8> {
    let plugin = match h.plugin.as_deref() {
        Some(CACHING_SHA2) => CACHING_SHA2,
        _ => NATIVE_PASSWORD,
    };
    let mut caps = CLIENT_BASE;
    if database.is_some() {
        caps |= CLIENT_CONNECT_WITH_DB;
    }
    let mut p = Vec::with_capacity(128);
    p.extend_from_slice(&caps.to_le_bytes());
    p.extend_from_slice(&MAX_PACKET.to_le_bytes());
    p.push(CHARSET);
    p.extend_from_slice(&[0; 23]);
    p.extend_from_slice(user.as_bytes());
    p.push(0);
    let token = token(plugin, password.as_bytes(), &h.scramble).unwrap_or_default();
    // At most 32 bytes: the length fits one byte.
    p.push(token.len() as u8);
    p.extend_from_slice(&token);
    if let Some(db) = database {
        p.extend_from_slice(db.as_bytes());
        p.push(0);
    }
    p.extend_from_slice(plugin.as_bytes());
    p.push(0);
    p
}

/// What the server answers to a login.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthReply {
    /// Logged in.
    Ok,
    /// Refused, with the server's text.
    Refused(String),
    /// Asks for another method (`AuthSwitchRequest`): its name and
    /// scramble.
    Switch {
        /// The plugin's name.
        plugin: String,
        /// Its data (the new scramble).
        data: Vec<u8>,
    },
    /// More data for the method under way (`AuthMoreData`: the steps of
    /// caching_sha2_password), without its `0x01`.
    More(Vec<u8>),
}

/// Read the server's answer to a login.
///
/// ```
/// use rvsadmd::probe::mysql::{auth_reply, AuthReply};
/// assert_eq!(auth_reply(b"\0\0\0\x02\0\0\0"), Ok(AuthReply::Ok));
/// assert!(matches!(auth_reply(b"\xfemysql_native_password\0abc\0"), Ok(AuthReply::Switch { .. })));
/// assert_eq!(auth_reply(b"\x01\x03"), Ok(AuthReply::More(vec![3])));
/// assert!(auth_reply(b"").is_err());
/// ```
pub fn auth_reply(p: &[u8]) -> Result<AuthReply, String> {
    match p.first() {
        Some(0x00) => Ok(AuthReply::Ok),
        Some(0xff) => Ok(AuthReply::Refused(server_error(p))),
        Some(0xfe) => {
            let mut c = Cursor(&p[1..]);
            let plugin = String::from_utf8_lossy(c.nul_str()).into_owned();
            let data = c.0.strip_suffix(&[0]).unwrap_or(c.0).to_vec();
            Ok(AuthReply::Switch { plugin, data })
        }
        Some(0x01) => Ok(AuthReply::More(p[1..].to_vec())),
        Some(b) => Err(format!("a login answered with a packet of type {b:#04x}")),
        None => Err("a login answered with an empty packet".into()),
    }
}

/// The first packet of the answer to a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryReply {
    /// No result set: `affected` rows changed.
    Done {
        /// Affected rows.
        affected: u64,
    },
    /// An error, with the server's text.
    Failed(String),
    /// A result set of this many columns follows.
    Columns(u64),
    /// The server asks for a local file (`LOAD DATA LOCAL`).
    LocalFile,
}

/// Read the first packet of the answer to a query.
///
/// ```
/// use rvsadmd::probe::mysql::{query_reply, QueryReply};
/// assert_eq!(query_reply(b"\x01"), Ok(QueryReply::Columns(1)));
/// assert_eq!(query_reply(b"\0\x03\0\x02\0\0\0"), Ok(QueryReply::Done { affected: 3 }));
/// assert!(query_reply(b"\xfc\x01").is_err());
/// ```
pub fn query_reply(p: &[u8]) -> Result<QueryReply, String> {
    match p.first() {
        Some(0x00) => {
            let (n, _) = lenenc(&p[1..]).ok_or("an OK packet cut short")?;
            Ok(QueryReply::Done { affected: n })
        }
        Some(0xff) => Ok(QueryReply::Failed(server_error(p))),
        Some(0xfb) => Ok(QueryReply::LocalFile),
        Some(_) => match lenenc(p) {
            Some((n, _)) if n > 0 => Ok(QueryReply::Columns(n)),
            _ => Err("the answer to a query is not a result set".into()),
        },
        None => Err("a query answered with an empty packet".into()),
    }
}

/// Whether `p` is an EOF packet (`0xfe`, shorter than 9 bytes: a row
/// starting with `0xfe` is longer).
pub fn is_eof(p: &[u8]) -> bool {
    p.first() == Some(&0xfe) && p.len() < 9
}

/// A length-encoded integer at the start of `p`, and the bytes it took.
///
/// ```
/// use rvsadmd::probe::mysql::lenenc;
/// assert_eq!(lenenc(&[0x05]), Some((5, 1)));
/// assert_eq!(lenenc(&[0xfc, 0x00, 0x01]), Some((256, 3)));
/// assert_eq!(lenenc(&[0xfd, 1, 2]), None);
/// assert_eq!(lenenc(&[0xfb]), None);
/// ```
pub fn lenenc(p: &[u8]) -> Option<(u64, usize)> {
    let first = *p.first()?;
    let width = match first {
        0..=0xfa => return Some((u64::from(first), 1)),
        0xfc => 2,
        0xfd => 3,
        0xfe => 8,
        _ => return None,
    };
    let bytes = p.get(1..=width)?;
    let n = bytes
        .iter()
        .rev()
        .fold(0u64, |n, &b| (n << 8) | u64::from(b));
    Some((n, width + 1))
}
