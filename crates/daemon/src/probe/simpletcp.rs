//! simpletcp checks (ldirectord's): the request is sent, the check's
//! side shut, and the answer read line by line until one matches; the
//! end of the answer without a match is down.

use super::lines::Lines;
use super::{within, Verdict};
use crate::config::{ExchangeProbe, Source};
use tokio::time::Instant;

/// Send, read, match before `deadline`.
pub(super) async fn check(p: &ExchangeProbe, src: &Source, deadline: Instant) -> Verdict {
    let session = async { session(p, src).await.map_err(|e| format!("simpletcp: {e}")) };
    Verdict::of(within(deadline, "simpletcp", session).await)
}

async fn session(p: &ExchangeProbe, src: &Source) -> Result<String, String> {
    let mut c = Lines::connect(p.target, src, false).await?;
    c.send(&p.send).await?;
    c.shut().await?;
    while let Some(line) = c.line().await? {
        if p.expect.is_match(&line) {
            return Ok(format!("answer `{line}`"));
        }
    }
    Err(format!(
        "no line of the answer matches `{}`",
        p.expect.as_str()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Pattern;
    use std::net::SocketAddr;
    use std::time::Duration;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// A server that reads the whole request, then answers
    /// `header\r\n` and the request in upper case.
    async fn server() -> SocketAddr {
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let at = l.local_addr().unwrap();
        tokio::spawn(async move {
            while let Ok((mut s, _)) = l.accept().await {
                let mut req = String::new();
                let _ = s.read_to_string(&mut req).await;
                let answer = format!("header\r\n{}", req.to_uppercase());
                let _ = s.write_all(answer.as_bytes()).await;
            }
        });
        at
    }

    fn probe(target: SocketAddr, send: &str, expect: &str) -> ExchangeProbe {
        ExchangeProbe {
            target,
            send: send.into(),
            expect: Pattern::new(expect).unwrap(),
        }
    }

    #[tokio::test]
    async fn a_line_of_the_answer_must_match() {
        let at = server().await;
        let soon = || Instant::now() + Duration::from_secs(2);
        let src = Source::default();
        let v = check(&probe(at, "ping\nstatus\n", "^STATUS$"), &src, soon()).await;
        assert_eq!(v, Verdict::up("answer `STATUS`"));
        // The last line needs no line end.
        let v = check(&probe(at, "ok", "^OK$"), &src, soon()).await;
        assert_eq!(v, Verdict::up("answer `OK`"));
        let v = check(&probe(at, "ping\n", "^pong"), &src, soon()).await;
        assert_eq!(
            v,
            Verdict::down("simpletcp: no line of the answer matches `^pong`")
        );
    }
}
