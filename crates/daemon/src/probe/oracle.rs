//! Oracle checks (ldirectord's oracle), as far as a check can go on the
//! wire without Oracle's client library: a TNS CONNECT to the listener
//! for the SID (`database`); up when the listener accepts it or redirects
//! it to the database's server process (it knows that SID and hands it
//! over), down when it refuses, with its ORA- error (12505: the listener
//! does not know the SID ...). No login and no query: those need Oracle's
//! authentication, which only its client speaks. [`connect_packet`] and
//! [`judge`] work on bytes alone.

use super::{within, Verdict};
use crate::config::{OracleProbe, Source};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::time::Instant;

/// TNS packet types.
const CONNECT: u8 = 1;
const ACCEPT: u8 = 2;
const REFUSE: u8 = 4;
const REDIRECT: u8 = 5;
const RESEND: u8 = 11;

/// Where the connect data starts in a CONNECT packet.
const DATA_OFFSET: usize = 58;

/// Connect before `deadline`.
pub(super) async fn check(p: &OracleProbe, src: &Source, deadline: Instant) -> Verdict {
    let session = async { session(p, src).await.map_err(|e| format!("oracle: {e}")) };
    Verdict::of(within(deadline, "oracle", session).await)
}

async fn session(p: &OracleProbe, src: &Source) -> Result<String, String> {
    let mut s = super::source::tcp(p.target, src).await?;
    let packet = connect_packet(&p.sid, p.target)?;
    // A listener may ask for the CONNECT once more (RESEND).
    for _ in 0..2 {
        s.write_all(&packet)
            .await
            .map_err(|e| format!("send: {e}"))?;
        let mut head = [0u8; 8];
        s.read_exact(&mut head)
            .await
            .map_err(|e| format!("receive: {e}"))?;
        let len = usize::from(u16::from_be_bytes([head[0], head[1]]));
        let mut body = vec![0u8; len.saturating_sub(8)];
        s.read_exact(&mut body)
            .await
            .map_err(|e| format!("receive: {e}"))?;
        if head[4] != RESEND {
            return judge(head[4], &body, &p.sid);
        }
    }
    Err("the listener keeps asking for the CONNECT again".into())
}

/// The CONNECT packet for SID `sid` at `target`.
///
/// ```
/// let p = rvsadmd::probe::oracle::connect_packet("ORCL", "10.0.0.1:1521".parse().unwrap()).unwrap();
/// assert_eq!((usize::from(u16::from_be_bytes([p[0], p[1]])), p[4]), (p.len(), 1));
/// assert!(String::from_utf8_lossy(&p[58..]).contains("(SID=ORCL)"));
/// ```
pub fn connect_packet(sid: &str, target: std::net::SocketAddr) -> Result<Vec<u8>, String> {
    if sid.is_empty()
        || !sid
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_.$#-".contains(&b))
    {
        return Err(format!("`{sid}` is not an Oracle SID"));
    }
    let data = format!(
        "(DESCRIPTION=(CONNECT_DATA=(SID={sid})(CID=(PROGRAM=rvsadmd)(HOST=rvsadmd)(USER=rvsadmd)))(ADDRESS=(PROTOCOL=TCP)(HOST={})(PORT={})))",
        target.ip(),
        target.port()
    );
    // Connect data past 230 bytes would go in a packet of its own.
    if data.len() > 230 {
        return Err(format!("SID `{sid}` is too long"));
    }
    let mut p = vec![0u8; DATA_OFFSET];
    let total = (DATA_OFFSET + data.len()) as u16;
    p[0..2].copy_from_slice(&total.to_be_bytes());
    p[4] = CONNECT;
    let fields: [(usize, u16); 10] = [
        (8, 0x0136),  // version
        (10, 0x012c), // lowest version compatible
        (12, 0),      // service options
        (14, 0x0800), // session data unit
        (16, 0x7fff), // maximum transmission data unit
        (18, 0x7f08), // protocol characteristics
        (20, 0),      // line turnaround
        (22, 0x0100), // the value of 1 in hardware
        (24, data.len() as u16),
        (26, DATA_OFFSET as u16),
    ];
    for (at, v) in fields {
        p[at..at + 2].copy_from_slice(&v.to_be_bytes());
    }
    p.extend_from_slice(data.as_bytes());
    Ok(p)
}

/// Judge the listener's answer: packet `kind` with `body` (after the
/// 8-byte header).
///
/// ```
/// use rvsadmd::probe::oracle::judge;
/// assert!(judge(2, &[], "ORCL").is_ok());
/// let refused = b"\x01\x01\x00\x20(DESCRIPTION=(ERR=12505)(VSNNUM=0))";
/// assert_eq!(
///     judge(4, refused, "ORCL"),
///     Err("the listener refuses SID ORCL: ORA-12505".into())
/// );
/// ```
pub fn judge(kind: u8, body: &[u8], sid: &str) -> Result<String, String> {
    match kind {
        ACCEPT => Ok(format!("the listener accepts SID {sid}")),
        REDIRECT => Ok(format!("the listener hands SID {sid} over")),
        REFUSE => {
            let text = String::from_utf8_lossy(body.get(4..).unwrap_or(&[])).into_owned();
            let err = text
                .split("(ERR=")
                .nth(1)
                .and_then(|r| r.split(')').next())
                .map_or_else(|| text.trim().to_string(), |n| format!("ORA-{n}"));
            Err(format!("the listener refuses SID {sid}: {err}"))
        }
        k => Err(format!(
            "a TNS packet of type {k} (not a listener's answer)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::SocketAddr;
    use std::time::Duration;

    /// A listener that knows SID `ORCL` (ACCEPT, after one RESEND), and
    /// refuses others with ERR=12505.
    async fn listener() -> SocketAddr {
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let at = l.local_addr().unwrap();
        tokio::spawn(async move {
            while let Ok((mut s, _)) = l.accept().await {
                let mut resent = false;
                loop {
                    let mut head = [0u8; 8];
                    if s.read_exact(&mut head).await.is_err() {
                        break;
                    }
                    let len = usize::from(u16::from_be_bytes([head[0], head[1]]));
                    let mut body = vec![0u8; len - 8];
                    s.read_exact(&mut body).await.unwrap();
                    assert_eq!(head[4], CONNECT);
                    let data = String::from_utf8_lossy(&body[DATA_OFFSET - 8..]).into_owned();
                    let out: Vec<u8> = if !resent {
                        resent = true;
                        vec![0, 8, 0, 0, RESEND, 0, 0, 0]
                    } else if data.contains("(SID=ORCL)") {
                        let mut a = vec![0, 32, 0, 0, ACCEPT, 0, 0, 0];
                        a.resize(32, 0);
                        a
                    } else {
                        let text = b"(DESCRIPTION=(TMP=)(VSNNUM=0)(ERR=12505))";
                        let mut r = ((8 + 4 + text.len()) as u16).to_be_bytes().to_vec();
                        r.extend_from_slice(&[0, 0, REFUSE, 0, 0, 0, 1, 1]);
                        r.extend_from_slice(&(text.len() as u16).to_be_bytes());
                        r.extend_from_slice(text);
                        r
                    };
                    s.write_all(&out).await.unwrap();
                }
            }
        });
        at
    }

    #[tokio::test]
    async fn a_known_sid_is_accepted_another_refused() {
        let at = listener().await;
        let run = |sid: &str| {
            let p = OracleProbe {
                target: at,
                sid: sid.into(),
            };
            async move {
                check(
                    &p,
                    &Source::default(),
                    Instant::now() + Duration::from_secs(2),
                )
                .await
            }
        };
        assert_eq!(
            run("ORCL").await,
            Verdict::up("the listener accepts SID ORCL")
        );
        assert_eq!(
            run("OTHER").await,
            Verdict::down("oracle: the listener refuses SID OTHER: ORA-12505")
        );
    }

    #[test]
    fn answers_from_any_bytes_do_not_panic() {
        for k in 0..=255u8 {
            for body in [&b""[..], b"\x01", b"\x01\x01\x00\x05(ERR=", b"(ERR=1)"] {
                let _ = judge(k, body, "S");
            }
        }
        assert!(connect_packet("a b", "10.0.0.1:1521".parse().unwrap()).is_err());
    }
}
