//! LDAP checks (ldirectord's ldap and ldaps): an LDAPv3 simple bind,
//! anonymous or as a DN with a password; then a search of the base
//! object `base` (scope base, filter `(objectClass=*)`), which must return
//! exactly one entry, whose DN must match the expected pattern if one is
//! given; then an unbind. [`ber`] writes and reads the elements.

pub mod ber;

use super::lines::Stream;
use super::{within, Verdict};
use crate::config::{LdapProbe, Source};
use ber::{elements, encode, read, small, to_u32};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::time::Instant;

/// Bind, search, unbind before `deadline`.
pub(super) async fn check(p: &LdapProbe, src: &Source, deadline: Instant) -> Verdict {
    let kind = if p.tls { "ldaps" } else { "ldap" };
    let session = async { session(p, src).await.map_err(|e| format!("{kind}: {e}")) };
    Verdict::of(within(deadline, kind, session).await)
}

async fn session(p: &LdapProbe, src: &Source) -> Result<String, String> {
    let (mut s, _) = super::lines::connect(p.target, src, p.tls).await?;
    let (dn, password) = p
        .bind
        .as_ref()
        .map_or(("", ""), |(d, w)| (d.as_str(), w.as_str()));
    send(&mut s, &bind_request(1, dn, password)).await?;
    let mut buf = Vec::new();
    match next(&mut s, &mut buf).await? {
        (1, Reply::Bind(Outcome { code: 0, .. })) => {}
        (1, Reply::Bind(o)) => return Err(format!("bind: {o}")),
        (id, r) => return Err(format!("bind answered with message {id}: {r:?}")),
    }
    send(&mut s, &search_request(2, &p.base)).await?;
    let mut found = Vec::new();
    loop {
        match next(&mut s, &mut buf).await? {
            (2, Reply::Entry(dn)) => found.push(dn),
            (2, Reply::Done(Outcome { code: 0, .. })) => break,
            (2, Reply::Done(o)) => return Err(format!("search of `{}`: {o}", p.base)),
            (2, Reply::Other) => {}
            (id, r) => return Err(format!("search answered with message {id}: {r:?}")),
        }
    }
    let _ = send(
        &mut s,
        &encode(0x30, &[small(0x02, 3), vec![0x42, 0]].concat()),
    )
    .await;
    let [dn] = found.as_slice() else {
        return Err(format!(
            "search of `{}` returned {} entries (1 expected)",
            p.base,
            found.len()
        ));
    };
    match &p.expect {
        Some(want) if !want.is_match(dn) => {
            Err(format!("entry `{dn}` does not match `{}`", want.as_str()))
        }
        _ => Ok(format!("entry `{dn}`")),
    }
}

async fn send(s: &mut Box<dyn Stream>, msg: &[u8]) -> Result<(), String> {
    s.write_all(msg).await.map_err(|e| format!("send: {e}"))
}

/// The next whole message: its id and what it says.
async fn next(s: &mut Box<dyn Stream>, buf: &mut Vec<u8>) -> Result<(u32, Reply), String> {
    let mut chunk = [0u8; 4096];
    loop {
        if let Some((t, n)) = read(buf)? {
            let r = message(t.tag, t.value);
            buf.drain(..n);
            return r;
        }
        let n = s
            .read(&mut chunk)
            .await
            .map_err(|e| format!("receive: {e}"))?;
        if n == 0 {
            return Err("the server closed the connection".into());
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

/// A simple BindRequest, LDAPv3: anonymous with an empty `dn` and
/// `password`.
pub fn bind_request(id: u8, dn: &str, password: &str) -> Vec<u8> {
    let op = [
        small(0x02, 3),
        encode(0x04, dn.as_bytes()),
        encode(0x80, password.as_bytes()),
    ]
    .concat();
    encode(0x30, &[small(0x02, id), encode(0x60, &op)].concat())
}

/// A SearchRequest of the base object `base`: scope base, no alias
/// dereferencing, no limits, filter `(objectClass=*)`, no attributes.
pub fn search_request(id: u8, base: &str) -> Vec<u8> {
    let op = [
        encode(0x04, base.as_bytes()),
        small(0x0a, 0),
        small(0x0a, 0),
        small(0x02, 0),
        small(0x02, 0),
        encode(0x01, &[0]),
        encode(0x87, b"objectClass"),
        encode(0x30, &[]),
    ]
    .concat();
    encode(0x30, &[small(0x02, id), encode(0x63, &op)].concat())
}

/// A result: its code and the server's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The result code (0 success, 49 invalid credentials ...).
    pub code: u32,
    /// The diagnostic message, possibly empty.
    pub message: String,
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = match self.code {
            1 => " (operations error)",
            2 => " (protocol error)",
            32 => " (no such object)",
            48 => " (inappropriate authentication)",
            49 => " (invalid credentials)",
            50 => " (insufficient access rights)",
            51 => " (busy)",
            52 => " (unavailable)",
            53 => " (unwilling to perform)",
            _ => "",
        };
        write!(f, "result {}{name}", self.code)?;
        if !self.message.is_empty() {
            write!(f, ": {}", self.message)?;
        }
        Ok(())
    }
}

/// What a message says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// A BindResponse.
    Bind(Outcome),
    /// A SearchResultEntry: its DN.
    Entry(String),
    /// A SearchResultDone.
    Done(Outcome),
    /// Anything else (a referral, an intermediate response ...).
    Other,
}

/// Read an LDAPMessage (`tag` and contents): its id and what it says.
///
/// ```
/// use rvsadmd::probe::ldap::{message, Reply};
/// let m = [0x02, 1, 1, 0x61, 7, 0x0a, 1, 49, 0x04, 0, 0x04, 0];
/// let (id, r) = message(0x30, &m).unwrap();
/// assert_eq!(id, 1);
/// assert!(matches!(r, Reply::Bind(o) if o.code == 49));
/// assert!(message(0x31, &m).is_err());
/// ```
pub fn message(tag: u8, value: &[u8]) -> Result<(u32, Reply), String> {
    if tag != 0x30 {
        return Err(format!(
            "an LDAP message of tag {tag:#04x} (a SEQUENCE expected)"
        ));
    }
    let parts = elements(value)?;
    let (Some(id), Some(op)) = (parts.first(), parts.get(1)) else {
        return Err("an LDAP message without an id and an operation".into());
    };
    let id = to_u32(id.value)
        .filter(|_| id.tag == 0x02)
        .ok_or("an LDAP message id that is not a small INTEGER")?;
    let reply = match op.tag {
        0x61 => Reply::Bind(outcome(op.value)?),
        0x65 => Reply::Done(outcome(op.value)?),
        0x64 => {
            let fields = elements(op.value)?;
            let dn = fields.first().ok_or("a search entry without a DN")?;
            Reply::Entry(String::from_utf8_lossy(dn.value).into_owned())
        }
        _ => Reply::Other,
    };
    Ok((id, reply))
}

/// An LDAPResult's code and diagnostic message.
fn outcome(value: &[u8]) -> Result<Outcome, String> {
    let fields = elements(value)?;
    let code = fields
        .first()
        .filter(|t| t.tag == 0x0a)
        .and_then(|t| to_u32(t.value))
        .ok_or("a result without a result code")?;
    let message = fields
        .get(2)
        .map(|t| String::from_utf8_lossy(t.value).trim_end().to_string())
        .unwrap_or_default();
    Ok(Outcome { code, message })
}

#[cfg(test)]
mod tests;
