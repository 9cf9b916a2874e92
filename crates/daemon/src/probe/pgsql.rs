//! PostgreSQL checks (ldirectord's pgsql): a startup as `user` (into
//! `database`), authentication by password in clear, MD5 or
//! SCRAM-SHA-256 (the default of PostgreSQL 14 and later; [`scram`], the
//! server's signature verified), then, with a query, a result with at
//! least one row (or a statement that changed one); then Terminate. Error
//! responses are a failure with the server's message. [`wire`] reads and
//! writes the messages from bytes alone.

pub mod scram;
pub mod wire;

use super::{within, Verdict};
use crate::config::{PgsqlProbe, Source};
use scram::Scram;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::Instant;
use wire::{Auth, Backend};

/// The largest message read.
const MAX_MESSAGE: usize = 1 << 20;

/// Startup, authentication, query before `deadline`.
pub(super) async fn check(p: &PgsqlProbe, src: &Source, deadline: Instant) -> Verdict {
    let session = async { session(p, src).await.map_err(|e| format!("pgsql: {e}")) };
    Verdict::of(within(deadline, "pgsql", session).await)
}

/// The next message: its type byte and body.
async fn read(s: &mut TcpStream) -> Result<(u8, Vec<u8>), String> {
    let mut h = [0u8; 5];
    s.read_exact(&mut h).await.map_err(closed)?;
    let len = u32::from_be_bytes([h[1], h[2], h[3], h[4]]) as usize;
    if !(4..=MAX_MESSAGE).contains(&len) {
        return Err(format!("a message of {len} bytes"));
    }
    let mut body = vec![0u8; len - 4];
    s.read_exact(&mut body).await.map_err(closed)?;
    Ok((h[0], body))
}

fn closed(e: std::io::Error) -> String {
    if e.kind() == std::io::ErrorKind::UnexpectedEof {
        "the server closed the connection".into()
    } else {
        format!("receive: {e}")
    }
}

async fn send(s: &mut TcpStream, m: &[u8]) -> Result<(), String> {
    s.write_all(m).await.map_err(|e| format!("send: {e}"))
}

async fn session(p: &PgsqlProbe, src: &Source) -> Result<String, String> {
    let mut s = super::source::tcp(p.target, src).await?;
    send(&mut s, &wire::startup(&p.user, p.database.as_deref())).await?;
    let mut scram = None;
    loop {
        let (t, body) = read(&mut s).await?;
        match wire::backend(t, &body)? {
            Backend::Auth(auth) => authenticate(&mut s, p, auth, &mut scram).await?,
            Backend::Error(why) => return Err(why),
            Backend::Ready => break,
            _ => {}
        }
    }
    let mut why = format!("logged in as {}", p.user);
    if let Some(q) = &p.query {
        why = query(&mut s, q).await?;
    }
    let _ = send(&mut s, &[b'X', 0, 0, 0, 4]).await;
    Ok(why)
}

/// Answer the authentication request `auth`; `scram` is the SCRAM
/// exchange under way, if any.
async fn authenticate(
    s: &mut TcpStream,
    p: &PgsqlProbe,
    auth: Auth,
    scram: &mut Option<Scram>,
) -> Result<(), String> {
    match (auth, scram.as_mut()) {
        (Auth::Ok, Some(x)) if !x.verified() => {
            Err("the server accepted the SCRAM login without proving it knows the password".into())
        }
        (Auth::Ok, _) => Ok(()),
        (Auth::Cleartext, _) => send(s, &wire::password(p.password.as_bytes())).await,
        (Auth::Md5(salt), _) => {
            let answer = wire::md5_password(&p.user, &p.password, salt);
            send(s, &wire::password(answer.as_bytes())).await
        }
        (Auth::Sasl(mechanisms), _) => {
            let (x, mechanism) = Scram::start(&p.password, &mechanisms)?;
            send(s, &wire::sasl_initial(mechanism, x.message())).await?;
            *scram = Some(x);
            Ok(())
        }
        (Auth::SaslContinue(data), Some(x)) => {
            x.server_first(&data)?;
            send(s, &wire::sasl_response(x.message())).await
        }
        (Auth::SaslFinal(data), Some(x)) => x.server_final(&data),
        (Auth::SaslContinue(_) | Auth::SaslFinal(_), None) => {
            Err("the server sent a SASL message before asking for SASL".into())
        }
        (Auth::Other(code), _) => Err(wire::unspoken(code)),
    }
}

/// Run `q` (the simple query protocol): up when it returns a row, or
/// changed one.
async fn query(s: &mut TcpStream, q: &str) -> Result<String, String> {
    send(s, &wire::query(q)).await?;
    let (mut rows, mut changed, mut failed) = (0u64, 0u64, None);
    loop {
        let (t, body) = read(s).await?;
        match wire::backend(t, &body)? {
            Backend::Row => rows += 1,
            Backend::Complete(n) => changed = changed.max(n),
            Backend::Error(why) => failed = Some(why),
            Backend::Ready => break,
            _ => {}
        }
    }
    if let Some(why) = failed {
        return Err(format!("query `{q}`: {why}"));
    }
    match rows.max(changed) {
        0 => Err(format!("query `{q}` returned no rows")),
        n => Ok(format!("query `{q}`: {n} rows")),
    }
}

#[cfg(test)]
mod tests;
