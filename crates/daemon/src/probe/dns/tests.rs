use super::*;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::net::UdpSocket;

/// A tiny DNS server on 127.0.0.1: for a question about `known` it first
/// sends a stray datagram with another id, then NOERROR; NXDOMAIN for
/// any other name. Returns its address and what it was asked (type,
/// name).
async fn server(known: &'static str) -> (SocketAddr, tokio::sync::mpsc::Receiver<(u16, String)>) {
    let s = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let at = s.local_addr().unwrap();
    let (tx, rx) = tokio::sync::mpsc::channel(16);
    tokio::spawn(async move {
        let mut buf = [0u8; 1500];
        while let Ok((n, from)) = s.recv_from(&mut buf).await {
            let Ok(q) = Packet::parse(&buf[..n]) else {
                continue;
            };
            let Some(question) = q.questions.first() else {
                continue;
            };
            let name = question.qname.to_string();
            let _ = tx.send((u16::from(question.qtype), name.clone())).await;
            let mut r = Packet::new_reply(q.id());
            r.questions.push(question.clone());
            if name == known {
                let stray = Packet::new_reply(q.id().wrapping_add(1));
                let _ = s.send_to(&stray.build_bytes_vec().unwrap(), from).await;
            } else {
                *r.rcode_mut() = RCODE::NameError;
            }
            let _ = s.send_to(&r.build_bytes_vec().unwrap(), from).await;
        }
    });
    (at, rx)
}

fn soon() -> Instant {
    Instant::now() + Duration::from_secs(2)
}

#[tokio::test]
async fn noerror_is_up_other_codes_down() {
    let (at, mut asked) = server("www.example.com").await;
    let p = DnsProbe {
        target: at,
        qtype: 28,
        name: "www.example.com".into(),
    };
    assert_eq!(
        check(&p, &Source::default(), soon()).await,
        Verdict::up("NOERROR")
    );
    assert_eq!(asked.recv().await, Some((28, "www.example.com".into())));
    let p = DnsProbe {
        name: "nowhere.example.".into(),
        qtype: 6,
        ..p
    };
    assert_eq!(
        check(&p, &Source::default(), soon()).await,
        Verdict::down("response code NameError")
    );
    assert_eq!(asked.recv().await, Some((6, "nowhere.example".into())));
}

#[tokio::test]
async fn an_icmp_port_unreachable_is_down() {
    // A UDP port bound and closed again: nothing listens there.
    let closed = std::net::UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let p = DnsProbe {
        target: closed,
        qtype: 6,
        name: ".".into(),
    };
    let v = check(&p, &Source::default(), soon()).await;
    assert!(!v.ok && v.reason.contains("refused"), "{v:?}");
}

#[tokio::test]
async fn no_answer_times_out() {
    let quiet = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let p = DnsProbe {
        target: quiet.local_addr().unwrap(),
        qtype: 1,
        name: "a.example".into(),
    };
    let v = check(
        &p,
        &Source::default(),
        Instant::now() + Duration::from_millis(200),
    )
    .await;
    assert_eq!(v, Verdict::down("DNS query timed out"));
}

#[test]
fn replies_are_judged_by_their_header() {
    let mut r = query(0xbeef, 1, "example.com").unwrap();
    assert_eq!(judge(0xbeef, &r), Judged::NotTheAnswer);
    r[2] |= 0x80; // QR
    assert_eq!(judge(0xbeef, &r), Judged::Answer(Ok("NOERROR".into())));
    r[3] |= 2; // SERVFAIL
    assert_eq!(
        judge(0xbeef, &r),
        Judged::Answer(Err("response code ServerFailure".into()))
    );
    assert_eq!(judge(0xbeef, &r[..11]), Judged::NotTheAnswer);
    assert_eq!(judge(0xbeef, &[]), Judged::NotTheAnswer);
    assert!(query(1, 1, &"a".repeat(64)).is_err());
    assert!(query(1, 6, "").is_ok());
}
