//! RADIUS checks (ldirectord's radius): an Access-Request for `user`
//! with `password` (User-Password hidden with the shared secret, RFC 2865
//! section 5.2) over UDP; up on an Access-Accept whose Response
//! Authenticator proves the secret; an Access-Reject, a challenge or a
//! reply that does not prove the secret is down. [`request`] and
//! [`judge`] work on bytes alone.

use super::{within, Verdict};
use crate::config::{RadiusProbe, Source};
use md5::{Digest, Md5};
use tokio::time::Instant;

/// Ask before `deadline`.
pub(super) async fn check(p: &RadiusProbe, src: &Source, deadline: Instant) -> Verdict {
    let session = async { ask(p, src).await.map_err(|e| format!("radius: {e}")) };
    Verdict::of(within(deadline, "radius", session).await)
}

async fn ask(p: &RadiusProbe, src: &Source) -> Result<String, String> {
    let (id, authenticator) = random();
    let req = request(id, authenticator, &p.user, &p.password, &p.secret)?;
    let s = super::source::udp(p.target, src).await?;
    super::source::exchange(&s, &req, |d| judge(d, id, authenticator, &p.secret)).await?
}

/// A packet id and a Request Authenticator that the next check will not
/// guess.
fn random() -> (u8, [u8; 16]) {
    let mut out = [0u8; 17];
    for chunk in out.chunks_mut(8) {
        let bytes = super::unguessable().to_be_bytes();
        chunk.copy_from_slice(&bytes[..chunk.len()]);
    }
    let mut a = [0u8; 16];
    a.copy_from_slice(&out[1..]);
    (out[0], a)
}

/// The Access-Request: User-Name, and User-Password hidden with
/// `secret` and `authenticator`.
///
/// ```
/// let r = rvsadmd::probe::radius::request(7, [1; 16], "lb", "pw", "s").unwrap();
/// assert_eq!((r[0], r[1], usize::from(r[3])), (1, 7, r.len()));
/// ```
pub fn request(
    id: u8,
    authenticator: [u8; 16],
    user: &str,
    password: &str,
    secret: &str,
) -> Result<Vec<u8>, String> {
    if user.len() > 253 || password.len() > 128 {
        return Err("a user name over 253 bytes or a password over 128".into());
    }
    let mut padded = password.as_bytes().to_vec();
    padded.resize(padded.len().div_ceil(16).max(1) * 16, 0);
    let mut hidden = Vec::with_capacity(padded.len());
    let mut prev: Vec<u8> = authenticator.to_vec();
    for block in padded.chunks(16) {
        let key = Md5::digest([secret.as_bytes(), &prev].concat());
        let c: Vec<u8> = block.iter().zip(key.iter()).map(|(a, b)| a ^ b).collect();
        hidden.extend_from_slice(&c);
        prev = c;
    }
    let mut p = vec![1, id, 0, 0];
    p.extend_from_slice(&authenticator);
    for (t, v) in [(1u8, user.as_bytes()), (2, &hidden[..])] {
        p.push(t);
        p.push((v.len() + 2) as u8);
        p.extend_from_slice(v);
    }
    let len = (p.len() as u16).to_be_bytes();
    p[2..4].copy_from_slice(&len);
    Ok(p)
}

/// Judge datagram `reply` as the answer to request `id` with
/// `authenticator`: `None` when it is not (another id, too short), else
/// up or down and why.
///
/// ```
/// use rvsadmd::probe::radius::judge;
/// assert_eq!(judge(&[2, 9, 0, 20], 7, [0; 16], "s"), None);
/// ```
pub fn judge(
    reply: &[u8],
    id: u8,
    authenticator: [u8; 16],
    secret: &str,
) -> Option<Result<String, String>> {
    if reply.len() < 20 || reply[1] != id {
        return None;
    }
    let len = usize::from(u16::from_be_bytes([reply[2], reply[3]]));
    let Some(packet) = reply.get(..len).filter(|_| len >= 20) else {
        return Some(Err("a reply shorter than its length says".into()));
    };
    let mut h = Md5::new();
    h.update(&packet[..4]);
    h.update(authenticator);
    h.update(&packet[20..]);
    h.update(secret.as_bytes());
    if h.finalize()[..] != packet[4..20] {
        return Some(Err(
            "a reply whose authenticator does not prove the secret (is `secret` right?)".into(),
        ));
    }
    Some(match packet[0] {
        2 => Ok("Access-Accept".into()),
        3 => Err("Access-Reject".into()),
        11 => Err("Access-Challenge".into()),
        c => Err(format!("a reply of code {c}")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Source;
    use std::net::SocketAddr;
    use std::time::Duration;

    /// The server's side: the User-Password revealed with `secret`.
    fn reveal(hidden: &[u8], authenticator: &[u8], secret: &str) -> String {
        let mut out = Vec::new();
        let mut prev = authenticator.to_vec();
        for block in hidden.chunks(16) {
            let key = Md5::digest([secret.as_bytes(), &prev].concat());
            out.extend(block.iter().zip(key.iter()).map(|(a, b)| a ^ b));
            prev = block.to_vec();
        }
        String::from_utf8_lossy(&out)
            .trim_end_matches('\0')
            .to_string()
    }

    /// A RADIUS server with secret `s3`: accepts `lb` with a password of
    /// 20 bytes, rejects the rest; a stray reply with another id first.
    async fn server() -> SocketAddr {
        let s = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let at = s.local_addr().unwrap();
        tokio::spawn(async move {
            let mut b = [0u8; 4096];
            while let Ok((n, from)) = s.recv_from(&mut b).await {
                let q = &b[..n];
                let (mut user, mut pw) = (String::new(), String::new());
                let mut at = 20;
                while at + 2 <= q.len() {
                    let (t, l) = (q[at], usize::from(q[at + 1]));
                    let v = &q[at + 2..at + l];
                    match t {
                        1 => user = String::from_utf8_lossy(v).into_owned(),
                        2 => pw = reveal(v, &q[4..20], "s3"),
                        _ => {}
                    }
                    at += l;
                }
                let code = if user == "lb" && pw == "a-password-of-20-by" {
                    2
                } else {
                    3
                };
                let mut r = vec![code, q[1], 0, 20];
                let mut h = Md5::new();
                h.update(&r[..4]);
                h.update(&q[4..20]);
                h.update(b"s3");
                r.extend_from_slice(&h.finalize());
                let mut stray = r.clone();
                stray[1] = stray[1].wrapping_add(1);
                let _ = s.send_to(&stray, from).await;
                let _ = s.send_to(&r, from).await;
            }
        });
        at
    }

    async fn run(target: SocketAddr, user: &str, password: &str, secret: &str) -> Verdict {
        let p = RadiusProbe {
            target,
            user: user.into(),
            password: password.into(),
            secret: secret.into(),
        };
        check(
            &p,
            &Source::default(),
            Instant::now() + Duration::from_secs(2),
        )
        .await
    }

    #[tokio::test]
    async fn accept_reject_and_a_wrong_secret() {
        let at = server().await;
        assert_eq!(
            run(at, "lb", "a-password-of-20-by", "s3").await,
            Verdict::up("Access-Accept")
        );
        assert_eq!(
            run(at, "lb", "other", "s3").await,
            Verdict::down("radius: Access-Reject")
        );
        let v = run(at, "lb", "a-password-of-20-by", "wrong").await;
        assert!(!v.ok && v.reason.contains("secret"), "{v:?}");
    }

    #[test]
    fn replies_from_any_bytes_do_not_panic() {
        let mut x: u32 = 0x1357_9bdf;
        for i in 0..2000usize {
            let mut d: Vec<u8> = (0..i % 48)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 17;
                    x ^= x << 5;
                    x as u8
                })
                .collect();
            if d.len() > 1 {
                d[1] = 7;
            }
            let _ = judge(&d, 7, [0; 16], "s");
        }
    }
}
