//! UDP checks: a datagram is sent on a connected socket; an ICMP error
//! (port or host unreachable: `ECONNREFUSED` and the like on the next
//! receive) is down; with a reply required, a reply must come and match;
//! without, silence until the timeout is up.

use super::Verdict;
use crate::config::{ReplyMatch, Source, UdpProbe};
use tokio::time::Instant;

/// Send, then wait for a reply or an error until `deadline`.
pub(super) async fn check(p: &UdpProbe, src: &Source, deadline: Instant) -> Verdict {
    let s = match super::source::udp(p.target, src).await {
        Ok(s) => s,
        Err(why) => return Verdict::down(why),
    };
    if let Err(e) = s.send(&p.payload).await {
        return Verdict::down(format!("send: {e}"));
    }
    let mut buf = vec![0u8; 65536];
    match tokio::time::timeout_at(deadline, s.recv(&mut buf)).await {
        Ok(Ok(n)) => match &p.reply {
            Some(_) if n < p.reply_len.0 || n > p.reply_len.1 => Verdict::down(format!(
                "a reply of {n} bytes, not {} to {}",
                p.reply_len.0, p.reply_len.1
            )),
            Some(m) if !matches(m, &buf[..n]) => {
                Verdict::down(format!("a reply of {n} bytes that does not match"))
            }
            _ => Verdict::up(format!("a reply of {n} bytes")),
        },
        Ok(Err(e)) => Verdict::down(format!("receive: {e}")),
        Err(_) if p.reply.is_some() => Verdict::down("no reply"),
        Err(_) => Verdict::up("no ICMP error"),
    }
}

/// Whether `reply` holds what `m` asks, compared up to the shorter of the
/// two (keepalived's rule; an empty pattern takes any reply).
///
/// ```
/// use rvsadmd::config::ReplyMatch;
/// use rvsadmd::probe::udp::matches;
/// let m = ReplyMatch::parse("01 x2", true).unwrap();
/// assert!(matches(&m, &[0x01, 0xa2, 0xff]));
/// assert!(matches(&m, &[0x01]));
/// assert!(!matches(&m, &[0x01, 0xa3]));
/// ```
pub fn matches(m: &ReplyMatch, reply: &[u8]) -> bool {
    m.value
        .iter()
        .zip(&m.mask)
        .zip(reply)
        .all(|((v, k), r)| r & k == v & k)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::SocketAddr;
    use std::time::Duration;
    use tokio::net::UdpSocket;

    /// A UDP echo server on 127.0.0.1 (silent for a datagram `quiet`).
    async fn echo() -> SocketAddr {
        let s = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let at = s.local_addr().unwrap();
        tokio::spawn(async move {
            let mut buf = [0u8; 1500];
            while let Ok((n, from)) = s.recv_from(&mut buf).await {
                if &buf[..n] != b"quiet" {
                    let _ = s.send_to(&buf[..n], from).await;
                }
            }
        });
        at
    }

    fn probe(target: SocketAddr, payload: &[u8], reply: Option<&str>) -> UdpProbe {
        UdpProbe {
            target,
            payload: payload.to_vec(),
            reply: reply.map(|r| ReplyMatch::parse(r, true).unwrap()),
            reply_len: crate::config::UDP_REPLY_LEN,
        }
    }

    fn soon() -> Instant {
        Instant::now() + Duration::from_millis(300)
    }

    #[tokio::test]
    async fn replies_required_and_matched() {
        let at = echo().await;
        let v = check(
            &probe(at, b"\x01\x02ping", Some("01 0x")),
            &Source::default(),
            soon(),
        )
        .await;
        assert_eq!(v, Verdict::up("a reply of 6 bytes"));
        let v = check(
            &probe(at, b"\x01\x02ping", Some("02")),
            &Source::default(),
            soon(),
        )
        .await;
        assert_eq!(v, Verdict::down("a reply of 6 bytes that does not match"));
        let mut short = probe(at, b"\x01\x02ping", Some("01"));
        short.reply_len = (1, 5);
        let v = check(&short, &Source::default(), soon()).await;
        assert_eq!(v, Verdict::down("a reply of 6 bytes, not 1 to 5"));
        short.reply_len = (6, 6);
        assert!(check(&short, &Source::default(), soon()).await.ok);
        let v = check(&probe(at, b"quiet", Some("")), &Source::default(), soon()).await;
        assert_eq!(v, Verdict::down("no reply"));
        // No reply asked for: silence is up.
        let v = check(&probe(at, b"quiet", None), &Source::default(), soon()).await;
        assert_eq!(v, Verdict::up("no ICMP error"));
    }

    #[tokio::test]
    async fn an_icmp_port_unreachable_is_down_even_without_a_reply_required() {
        let closed = std::net::UdpSocket::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap();
        let v = check(&probe(closed, b"x", None), &Source::default(), soon()).await;
        assert!(!v.ok && v.reason.contains("refused"), "{v:?}");
    }

    #[test]
    fn masks_compare_nibbles() {
        let m = ReplyMatch::parse("ax", true).unwrap();
        assert!(matches(&m, &[0xa0]) && matches(&m, &[0xaf]) && !matches(&m, &[0xb0]));
        assert!(matches(&ReplyMatch::default(), b"anything"));
        assert!(matches(&m, &[]));
    }
}
