//! MySQL and MariaDB checks (ldirectord's `service = mysql`): the
//! server's handshake; with a user, a login by mysql_native_password or
//! caching_sha2_password (MySQL 8's default: its fast path, or its full
//! path with the password encrypted by the server's RSA key; see
//! `caching_sha2.rs`), into `database` if given; with a query, a result
//! with at least one row (or a statement that changed at least one). Then
//! COM_QUIT. Any error packet is a failure with the server's text; other
//! login methods (ed25519, sha256_password ...) are a failure that names
//! them.

mod caching_sha2;
mod wire;

use caching_sha2::Step;
pub use caching_sha2::{
    encrypt_password as caching_sha2_encrypt, scramble as caching_sha2_scramble, CACHING_SHA2,
};
pub use wire::{
    auth_reply, handshake, is_eof, lenenc, login, native_password, query_reply, server_error,
    token, AuthReply, Handshake, QueryReply, NATIVE_PASSWORD,
};

use super::{within, Verdict};
use crate::config::{MysqlProbe, Source};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::Instant;

/// The largest packet read: a check's packets are small (a row of a
/// health query, a column definition).
const MAX_PACKET: usize = 1 << 20;

/// Handshake, login, query before `deadline`.
pub(super) async fn check(p: &MysqlProbe, src: &Source, deadline: Instant) -> Verdict {
    let session = async { session(p, src).await.map_err(|e| format!("mysql: {e}")) };
    Verdict::of(within(deadline, "mysql", session).await)
}

/// One connection: packets in and out, with their sequence numbers.
struct Conn {
    s: TcpStream,
    seq: u8,
}

impl Conn {
    /// The next packet's payload.
    async fn read(&mut self) -> Result<Vec<u8>, String> {
        let mut h = [0u8; 4];
        self.s.read_exact(&mut h).await.map_err(closed)?;
        let len = usize::from(h[0]) | usize::from(h[1]) << 8 | usize::from(h[2]) << 16;
        if len > MAX_PACKET {
            return Err(format!(
                "a packet of {len} bytes (a check reads up to 1 MiB)"
            ));
        }
        self.seq = h[3].wrapping_add(1);
        let mut p = vec![0u8; len];
        self.s.read_exact(&mut p).await.map_err(closed)?;
        Ok(p)
    }

    /// Send `payload` as the next packet of the exchange.
    async fn write(&mut self, payload: &[u8]) -> Result<(), String> {
        let len = u32::try_from(payload.len())
            .ok()
            .filter(|n| *n < 1 << 24)
            .ok_or("a request too long for one packet")?;
        let mut out = Vec::with_capacity(payload.len() + 4);
        out.extend_from_slice(&len.to_le_bytes()[..3]);
        out.push(self.seq);
        out.extend_from_slice(payload);
        self.seq = self.seq.wrapping_add(1);
        self.s
            .write_all(&out)
            .await
            .map_err(|e| format!("send: {e}"))
    }

    /// Send command `payload` (a new exchange: sequence 0).
    async fn command(&mut self, payload: &[u8]) -> Result<(), String> {
        self.seq = 0;
        self.write(payload).await
    }
}

fn closed(e: std::io::Error) -> String {
    if e.kind() == std::io::ErrorKind::UnexpectedEof {
        "the server closed the connection".into()
    } else {
        format!("receive: {e}")
    }
}

async fn session(p: &MysqlProbe, src: &Source) -> Result<String, String> {
    let s = super::source::tcp(p.target, src).await?;
    let mut c = Conn { s, seq: 0 };
    let h = handshake(&c.read().await?)?;
    let Some(user) = &p.user else {
        return Ok(format!("handshake of {}", h.version));
    };
    c.write(&login(&h, user, &p.password, p.database.as_deref()))
        .await?;
    authenticate(&mut c, &h, &p.password).await?;
    let mut why = format!("logged in to {} as {user}", h.version);
    if let Some(q) = &p.query {
        why = query(&mut c, q).await?;
    }
    // Polite, and not waited for: the server has answered what counts.
    let _ = c.command(&[0x01]).await;
    Ok(why)
}

/// Read the answers to the login sent for handshake `h` (by the method
/// it names, see [`login`]) until it is accepted: switches to a method
/// the check speaks are answered (at most twice), and
/// caching_sha2_password's steps followed.
async fn authenticate(c: &mut Conn, h: &Handshake, password: &str) -> Result<(), String> {
    let password = password.as_bytes();
    let mut nonce = h.scramble.clone();
    let mut sha2 = (h.plugin.as_deref() == Some(CACHING_SHA2)).then_some(Step::Scrambled);
    let mut switches = 0;
    loop {
        match auth_reply(&c.read().await?)? {
            AuthReply::Ok => return Ok(()),
            AuthReply::Refused(why) => return Err(why),
            AuthReply::Switch { .. } if switches == 2 => {
                return Err("the server keeps asking for another login method".into())
            }
            AuthReply::Switch { plugin, data } => {
                let answer = token(&plugin, password, &data).ok_or_else(|| unspoken(&plugin))?;
                c.write(&answer).await?;
                sha2 = (plugin == CACHING_SHA2).then_some(Step::Scrambled);
                nonce = data;
                switches += 1;
            }
            AuthReply::More(data) => {
                let step =
                    sha2.ok_or("the server sent more login data to mysql_native_password")?;
                let (send, next) = caching_sha2::more(step, &data, password, &nonce)?;
                if let Some(p) = send {
                    c.write(&p).await?;
                }
                sha2 = Some(next);
            }
        }
    }
}

fn unspoken(plugin: &str) -> String {
    format!("the server asks for login method {plugin}; rvsadmd speaks {NATIVE_PASSWORD} and {CACHING_SHA2} only (create the check's user IDENTIFIED WITH one of them)")
}

/// Run `q`: up when it returns a row, or changed one.
async fn query(c: &mut Conn, q: &str) -> Result<String, String> {
    let mut payload = vec![0x03];
    payload.extend_from_slice(q.as_bytes());
    c.command(&payload).await?;
    let columns = match query_reply(&c.read().await?)? {
        QueryReply::Done { affected: 0 } => return Err(format!("query `{q}` returned no rows")),
        QueryReply::Done { affected } => return Ok(format!("query `{q}`: {affected} rows")),
        QueryReply::Failed(why) => return Err(format!("query `{q}`: {why}")),
        QueryReply::LocalFile => {
            return Err(format!(
                "query `{q}` asks for a local file, which a check never sends"
            ))
        }
        QueryReply::Columns(n) => n,
    };
    for _ in 0..columns {
        let p = c.read().await?;
        if p.first() == Some(&0xff) {
            return Err(format!("query `{q}`: {}", server_error(&p)));
        }
    }
    let mut p = c.read().await?;
    if is_eof(&p) {
        // The end of the column definitions; the rows follow.
        p = c.read().await?;
    }
    match p.first() {
        Some(0xff) => Err(format!("query `{q}`: {}", server_error(&p))),
        _ if is_eof(&p) => Err(format!("query `{q}` returned no rows")),
        _ => Ok(format!("query `{q}` returned a row")),
    }
}

#[cfg(test)]
mod tests;
