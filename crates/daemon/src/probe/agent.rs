//! Asking a feedback agent: connect, send the configured text, read one
//! line ([`super::agent_reply::parse`] reads it).

use super::agent_reply::{parse, Reply};
use super::within;
use std::net::SocketAddr;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::time::Instant;

/// The most of a reply read: one line is far shorter.
const MAX_REPLY: usize = 1024;

/// An agent's answer: its line as text (for reports) and what it says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The reply's first line, trimmed, at most 200 bytes.
    pub line: String,
    /// What it says.
    pub reply: Reply,
}

/// Ask the agent at `target` before `deadline`: its answer, or why there
/// is none (refused, timed out, closed without a line ...).
pub async fn ask(
    target: SocketAddr,
    send: Option<&str>,
    deadline: Instant,
) -> Result<Answer, String> {
    within(deadline, "agent", exchange(target, send)).await
}

/// Read an agent's line from `file` before `deadline` (a file source:
/// what a local program writes there); a missing or empty file is no
/// answer.
pub async fn read_file(file: &std::path::Path, deadline: Instant) -> Result<Answer, String> {
    let path = file.to_path_buf();
    // A local file, read off the loop's thread (it may be on a slow
    // or hung file system).
    let read = async move {
        let got = tokio::task::spawn_blocking(move || {
            use std::io::Read;
            let mut got = Vec::new();
            std::fs::File::open(&path)
                .and_then(|f| f.take(MAX_REPLY as u64).read_to_end(&mut got))
                .map(|_| got)
                .map_err(|e| format!("agent file {}: {e}", path.display()))
        })
        .await
        .map_err(|e| format!("agent file: {e}"))??;
        if got.is_empty() {
            return Err(format!("agent file {}: empty", file.display()));
        }
        Ok(answer(&got))
    };
    within(deadline, "agent file", read).await
}

async fn exchange(target: SocketAddr, send: Option<&str>) -> Result<Answer, String> {
    let mut s = tokio::net::TcpStream::connect(target)
        .await
        .map_err(|e| format!("agent {target}: {e}"))?;
    if let Some(text) = send {
        s.write_all(text.as_bytes())
            .await
            .map_err(|e| format!("agent {target}: cannot send: {e}"))?;
    }
    let mut got = Vec::with_capacity(64);
    let mut buf = [0u8; 256];
    while got.len() < MAX_REPLY && !got.iter().any(|b| *b == b'\n' || *b == b'\r') {
        let n = s
            .read(&mut buf)
            .await
            .map_err(|e| format!("agent {target}: {e}"))?;
        if n == 0 {
            break;
        }
        got.extend_from_slice(&buf[..n]);
    }
    if got.is_empty() {
        return Err(format!("agent {target}: closed without a reply"));
    }
    Ok(answer(&got))
}

/// The answer in `got`: its first line as text, and what it says.
fn answer(got: &[u8]) -> Answer {
    let first = got
        .split(|b| *b == b'\n' || *b == b'\r')
        .next()
        .unwrap_or(&[]);
    let line = String::from_utf8_lossy(&first[..first.len().min(200)])
        .trim()
        .to_string();
    Answer {
        line,
        reply: parse(got),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::agent_reply::{AgentAdmin, AgentWeight};
    use std::time::Duration;

    /// An agent answering `reply` to each connection.
    async fn agent(reply: &'static str) -> SocketAddr {
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let at = l.local_addr().unwrap();
        tokio::spawn(async move {
            while let Ok((mut s, _)) = l.accept().await {
                let _ = s.write_all(reply.as_bytes()).await;
            }
        });
        at
    }

    fn soon() -> Instant {
        Instant::now() + Duration::from_secs(5)
    }

    #[tokio::test]
    async fn a_reply_is_read_and_parsed() {
        let at = agent("drain 60%\n").await;
        let a = ask(at, Some("hello\n"), soon()).await.unwrap();
        assert_eq!(a.line, "drain 60%");
        let r = a.reply;
        assert_eq!(r.admin, Some(AgentAdmin::Drain));
        assert_eq!(r.weight, Some(AgentWeight::Percent(60)));
        // No line end: the reply is what came before the close.
        let at = agent("maint").await;
        let r = ask(at, None, soon()).await.unwrap().reply;
        assert_eq!(r.admin, Some(AgentAdmin::Maint));
    }

    #[tokio::test]
    async fn a_file_holds_a_reply() {
        let dir = std::env::temp_dir().join(format!("rvsadmd-agent-file-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("line");
        std::fs::write(&f, "75% drain\nignored\n").unwrap();
        let a = read_file(&f, soon()).await.unwrap();
        assert_eq!(a.line, "75% drain");
        assert_eq!(a.reply.admin, Some(AgentAdmin::Drain));
        std::fs::write(&f, "").unwrap();
        assert!(read_file(&f, soon()).await.unwrap_err().contains("empty"));
        std::fs::remove_file(&f).unwrap();
        assert!(read_file(&f, soon()).await.is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[tokio::test]
    async fn no_reply_is_an_error() {
        let at = agent("").await;
        let e = ask(at, None, soon()).await.unwrap_err();
        assert!(e.contains("closed without a reply"), "{e}");
        // Nothing listening: refused.
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let free = l.local_addr().unwrap();
        drop(l);
        assert!(ask(free, None, soon()).await.is_err());
        // A listener that never answers: timed out.
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let quiet = l.local_addr().unwrap();
        let short = Instant::now() + Duration::from_millis(200);
        let e = ask(quiet, None, short).await.unwrap_err();
        assert!(e.contains("timed out"), "{e}");
        drop(l);
    }
}
