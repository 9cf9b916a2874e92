//! FTP checks (ldirectord's ftp): greeting 2xx, a login (USER, and PASS
//! when asked for), binary mode, a passive data connection (PASV, EPSV
//! for IPv6) to the server's address, a file retrieved (RETR) whole; up
//! when its contents match the expected pattern, if one is given. Then
//! QUIT. [`reply_end`] and [`passive_port`] read replies from text alone.

use super::lines::Lines;
use super::{within, Verdict};
use crate::config::{FtpProbe, Source};
use std::net::SocketAddr;
use tokio::io::AsyncReadExt;
use tokio::time::Instant;

/// The most of the file read (1 MiB).
const MAX_FILE: usize = 1 << 20;

/// The whole exchange before `deadline`.
pub(super) async fn check(p: &FtpProbe, src: &Source, deadline: Instant) -> Verdict {
    let session = async { session(p, src).await.map_err(|e| format!("ftp: {e}")) };
    Verdict::of(within(deadline, "ftp", session).await)
}

/// The next reply: its code and its last line.
async fn reply(c: &mut Lines) -> Result<(u16, String), String> {
    let first = c.expect_line().await?;
    let mut last = first.clone();
    while !reply_end(&first, &last)? {
        last = c.expect_line().await?;
    }
    let code = first.get(..3).and_then(|d| d.parse().ok()).unwrap_or(0);
    Ok((code, last))
}

/// Send `cmd` and read the reply; a code not in `ok` is an error naming
/// what was sent (a password shown as PASS alone).
async fn ask(c: &mut Lines, cmd: &str, ok: &[u16]) -> Result<(u16, String), String> {
    c.send(&format!("{cmd}\r\n")).await?;
    let (code, text) = reply(c).await?;
    if ok.contains(&code) {
        Ok((code, text))
    } else {
        let shown = if cmd.starts_with("PASS ") {
            "PASS"
        } else {
            cmd
        };
        Err(format!("{shown} answered `{text}`"))
    }
}

async fn session(p: &FtpProbe, src: &Source) -> Result<String, String> {
    let mut c = Lines::connect(p.target, src, false).await?;
    let (code, text) = reply(&mut c).await?;
    if !(200..300).contains(&code) {
        return Err(format!("greeting `{text}`"));
    }
    let (code, _) = ask(&mut c, &format!("USER {}", p.user), &[230, 331, 332]).await?;
    if code != 230 {
        ask(&mut c, &format!("PASS {}", p.password), &[202, 230]).await?;
    }
    ask(&mut c, "TYPE I", &[200]).await?;
    let data_port = if p.target.is_ipv6() {
        let (_, text) = ask(&mut c, "EPSV", &[229]).await?;
        passive_port(&text, true)?
    } else {
        let (_, text) = ask(&mut c, "PASV", &[227]).await?;
        passive_port(&text, false)?
    };
    let mut data = super::source::tcp(SocketAddr::new(p.target.ip(), data_port), src).await?;
    ask(&mut c, &format!("RETR {}", p.path), &[125, 150]).await?;
    let mut file = Vec::new();
    (&mut data)
        .take(MAX_FILE as u64)
        .read_to_end(&mut file)
        .await
        .map_err(|e| format!("data connection: {e}"))?;
    drop(data);
    let (code, text) = reply(&mut c).await?;
    if !(200..300).contains(&code) {
        return Err(format!("RETR {} ended `{text}`", p.path));
    }
    let _ = c.send("QUIT\r\n").await;
    let contents = String::from_utf8_lossy(&file);
    match &p.expect {
        Some(want) if !want.is_match(&contents) => Err(format!(
            "{} ({} bytes) does not match `{}`",
            p.path,
            file.len(),
            want.as_str()
        )),
        _ => Ok(format!("{} retrieved ({} bytes)", p.path, file.len())),
    }
}

/// Whether `line` ends the reply that began with `first`: a first line
/// `NNN text` is the whole reply; after `NNN-text`, the reply ends at a
/// line `NNN text` (or `NNN` alone).
///
/// ```
/// use rvsadmd::probe::ftp::reply_end;
/// assert_eq!(reply_end("220 ready", "220 ready"), Ok(true));
/// assert_eq!(reply_end("220-hello", "more text"), Ok(false));
/// assert_eq!(reply_end("220-hello", "220 ready"), Ok(true));
/// assert!(reply_end("hello", "hello").is_err());
/// ```
pub fn reply_end(first: &str, line: &str) -> Result<bool, String> {
    let code = first
        .get(..3)
        .filter(|d| d.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| format!("not an FTP reply: `{first}`"))?;
    if first.as_bytes().get(3) != Some(&b'-') {
        return Ok(true);
    }
    Ok(line.get(..3) == Some(code) && matches!(line.as_bytes().get(3), None | Some(b' ')))
}

/// The data port of a PASV reply (`227 ... (h1,h2,h3,h4,p1,p2)`) or, with
/// `extended`, of an EPSV reply (`229 ... (|||port|)`).
///
/// ```
/// use rvsadmd::probe::ftp::passive_port;
/// assert_eq!(passive_port("227 Entering Passive Mode (10,0,0,1,4,1).", false), Ok(1025));
/// assert_eq!(passive_port("229 Entering Extended Passive Mode (|||6446|)", true), Ok(6446));
/// assert!(passive_port("227 no numbers", false).is_err());
/// ```
pub fn passive_port(text: &str, extended: bool) -> Result<u16, String> {
    let bad = || format!("a passive reply without a port: `{text}`");
    let inner = text
        .split_once('(')
        .and_then(|(_, r)| r.split_once(')'))
        .map(|(i, _)| i)
        .ok_or_else(bad)?;
    if extended {
        return inner
            .trim_matches('|')
            .parse::<u16>()
            .ok()
            .filter(|p| *p > 0)
            .ok_or_else(bad);
    }
    let n: Vec<u8> = inner
        .split(',')
        .map(|w| w.trim().parse::<u8>())
        .collect::<Result<_, _>>()
        .map_err(|_| bad())?;
    match n.as_slice() {
        [_, _, _, _, hi, lo] if (*hi, *lo) != (0, 0) => Ok(u16::from(*hi) << 8 | u16::from(*lo)),
        _ => Err(bad()),
    }
}

#[cfg(test)]
mod tests;
