//! POP3, IMAP and NNTP checks (ldirectord's pop, pops, imap, imaps,
//! nntp): the server's greeting and, with a login, the login; then the
//! session is closed politely. What each answer must be is in
//! [`crate::config::MailProtocol`]; [`imap_quoted`] writes an IMAP string.

use super::lines::Lines;
use super::{within, Verdict};
use crate::config::{MailProbe, MailProtocol, Source};
use tokio::time::Instant;

/// Greeting (and login) before `deadline`.
pub(super) async fn check(p: &MailProbe, src: &Source, deadline: Instant) -> Verdict {
    let kind = p.kind();
    let session = async { session(p, src).await.map_err(|e| format!("{kind}: {e}")) };
    Verdict::of(within(deadline, kind, session).await)
}

async fn session(p: &MailProbe, src: &Source) -> Result<String, String> {
    let mut c = Lines::connect(p.target, src, p.tls).await?;
    let greeting = c.expect_line().await?;
    match p.protocol {
        MailProtocol::Pop3 => pop3(&mut c, &greeting, p.login.as_ref()).await,
        MailProtocol::Imap => imap(&mut c, &greeting, p.login.as_ref()).await,
        MailProtocol::Nntp => {
            if !greeting.starts_with('2') {
                return Err(format!("greeting `{greeting}`"));
            }
            let _ = c.send("QUIT\r\n").await;
            Ok(format!("greeting `{greeting}`"))
        }
    }
}

async fn pop3(
    c: &mut Lines,
    greeting: &str,
    login: Option<&(String, String)>,
) -> Result<String, String> {
    if !greeting.starts_with("+OK") {
        return Err(format!("greeting `{greeting}`"));
    }
    let mut why = "greeting +OK".to_string();
    if let Some((user, password)) = login {
        for (cmd, arg) in [("USER", user), ("PASS", password)] {
            c.send(&format!("{cmd} {arg}\r\n")).await?;
            let answer = c.expect_line().await?;
            if !answer.starts_with("+OK") {
                return Err(format!("{cmd} answered `{answer}`"));
            }
        }
        why = format!("logged in as {user}");
    }
    let _ = c.send("QUIT\r\n").await;
    Ok(why)
}

async fn imap(
    c: &mut Lines,
    greeting: &str,
    login: Option<&(String, String)>,
) -> Result<String, String> {
    let word = greeting
        .strip_prefix("* ")
        .and_then(|r| r.split_whitespace().next())
        .map(str::to_ascii_uppercase);
    if !matches!(word.as_deref(), Some("OK" | "PREAUTH")) {
        return Err(format!("greeting `{greeting}`"));
    }
    let mut why = "greeting OK".to_string();
    if let Some((user, password)) = login {
        let cmd = format!(
            "a1 LOGIN {} {}\r\n",
            imap_quoted(user),
            imap_quoted(password)
        );
        c.send(&cmd).await?;
        let answer = loop {
            let l = c.expect_line().await?;
            if let Some(rest) = l.strip_prefix("a1 ") {
                break rest.to_string();
            }
        };
        if !answer.to_ascii_uppercase().starts_with("OK") {
            return Err(format!("LOGIN answered `{answer}`"));
        }
        why = format!("logged in as {user}");
    }
    let _ = c.send("a2 LOGOUT\r\n").await;
    Ok(why)
}

/// `s` as an IMAP quoted string (`\` and `"` escaped; the readers refuse
/// line ends in a login).
///
/// ```
/// assert_eq!(rvsadmd::probe::mail::imap_quoted(r#"a"b\c"#), r#""a\"b\\c""#);
/// ```
pub fn imap_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for ch in s.chars() {
        if ch == '"' || ch == '\\' {
            out.push('\\');
        }
        out.push(ch);
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests;
