//! TCP checks: a connection is accepted, then closed by a reset or
//! normally.

use super::{within, Verdict};
use crate::config::{Source, TcpClose};
use std::net::SocketAddr;
use tokio::time::Instant;

/// Connect to `target` from `src` before `deadline`, then close as
/// `close` says (with a fixed source port: a reset, see `source`).
pub(super) async fn check(
    target: SocketAddr,
    close: TcpClose,
    src: &Source,
    deadline: Instant,
) -> Verdict {
    match within(deadline, "connect", resending(target, src, deadline)).await {
        Ok(s) => {
            if close == TcpClose::Reset {
                // Linger 0: the close sends a reset; no FIN exchange, no
                // TIME_WAIT socket per check left on either side.
                let _ = s.set_zero_linger();
            }
            // Graceful: dropping the stream closes it normally (FIN).
            drop(s);
            Verdict::up("connected")
        }
        Err(why) => Verdict::down(why),
    }
}

/// Connect to `target` from `src`; when no answer has come by half the
/// time left to `deadline`, connect again from a second socket beside the
/// first, and take whichever answers first. A server whose accept queue is
/// full drops a SYN without a word and the kernel sends it again only a
/// second later: a timeout of a second or less would call such a server
/// down for one dropped SYN. With a fixed source port there is one socket.
async fn resending(
    target: SocketAddr,
    src: &Source,
    deadline: Instant,
) -> Result<tokio::net::TcpStream, String> {
    let first = super::source::tcp(target, src);
    if src.port.is_some() {
        return first.await;
    }
    let now = Instant::now();
    let again = now + deadline.saturating_duration_since(now) / 2;
    tokio::pin!(first);
    tokio::select! {
        r = &mut first => return r,
        () = tokio::time::sleep_until(again) => {}
    }
    let second = super::source::tcp(target, src);
    tokio::pin!(second);
    tokio::select! {
        r = &mut first => match r {
            Ok(s) => Ok(s),
            Err(_) => second.await,
        },
        r = &mut second => match r {
            Ok(s) => Ok(s),
            Err(_) => first.await,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;
    use tokio::io::AsyncReadExt;

    fn soon() -> Instant {
        Instant::now() + Duration::from_secs(2)
    }

    /// What the server side reads after the check closed: `Ok(0)` for a
    /// FIN, a reset error otherwise.
    async fn server_sees(close: TcpClose) -> std::io::Result<usize> {
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let target = l.local_addr().unwrap();
        let v = check(target, close, &Source::default(), soon()).await;
        assert!(v.ok, "{v:?}");
        let (mut s, _) = l.accept().await.unwrap();
        let mut b = [0u8; 16];
        tokio::time::timeout(Duration::from_secs(2), s.read(&mut b))
            .await
            .expect("the check closed its side")
    }

    #[tokio::test]
    async fn reset_and_graceful_closes() {
        let reset = server_sees(TcpClose::Reset).await;
        assert_eq!(
            reset.map_err(|e| e.kind()),
            Err(std::io::ErrorKind::ConnectionReset)
        );
        assert_eq!(server_sees(TcpClose::Graceful).await.unwrap(), 0);
    }

    #[tokio::test]
    async fn a_refused_connection_is_down() {
        // A port bound but not listening (held, so no other test can take
        // it meanwhile): connections are refused.
        let s = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
        s.bind(&"127.0.0.1:0".parse::<SocketAddr>().unwrap().into())
            .unwrap();
        let closed = s.local_addr().unwrap().as_socket().unwrap();
        let v = check(closed, TcpClose::Reset, &Source::default(), soon()).await;
        assert!(!v.ok && v.reason.starts_with("connect: "), "{v:?}");
        drop(s);
    }
}
