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
        tcp: false,
        answer: None,
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
        tcp: false,
        answer: None,
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
        tcp: false,
        answer: None,
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

/// A DNS server on 127.0.0.1 over UDP and TCP (one port number): the A
/// record of `www.example.com` is 192.0.2.7 (with an AAAA beside it), the
/// PTR of 192.0.2.7 is `www.example.com`; other names have no answer.
async fn answering_server() -> SocketAddr {
    use simple_dns::rdata::{A, AAAA, PTR};
    use simple_dns::ResourceRecord;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    fn reply(q: &[u8]) -> Option<Vec<u8>> {
        let q = Packet::parse(q).ok()?;
        let question = q.questions.first()?.clone();
        let name = question.qname.to_string();
        let mut r = Packet::new_reply(q.id());
        r.questions.push(question.clone());
        let rr = |data| ResourceRecord::new(question.qname.clone(), CLASS::IN, 60, data);
        match name.as_str() {
            "www.example.com" => {
                r.answers.push(rr(RData::AAAA(AAAA { address: 1 })));
                r.answers.push(rr(RData::A(A {
                    address: 0xc000_0207,
                })));
            }
            "7.2.0.192.in-addr.arpa" => {
                let target = Name::new_unchecked("www.example.com");
                r.answers.push(rr(RData::PTR(PTR(target))));
            }
            _ => {}
        }
        r.build_bytes_vec().ok()
    }
    let tcp = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let at = tcp.local_addr().unwrap();
    let udp = UdpSocket::bind(at).await.unwrap();
    tokio::spawn(async move {
        let mut buf = [0u8; 1500];
        while let Ok((n, from)) = udp.recv_from(&mut buf).await {
            if let Some(r) = reply(&buf[..n]) {
                let _ = udp.send_to(&r, from).await;
            }
        }
    });
    tokio::spawn(async move {
        while let Ok((mut s, _)) = tcp.accept().await {
            let mut n = [0u8; 2];
            let _ = s.read_exact(&mut n).await;
            let mut q = vec![0u8; usize::from(u16::from_be_bytes(n))];
            let _ = s.read_exact(&mut q).await;
            if let Some(r) = reply(&q) {
                let mut out = (r.len() as u16).to_be_bytes().to_vec();
                out.extend_from_slice(&r);
                let _ = s.write_all(&out).await;
            }
        }
    });
    at
}

#[tokio::test]
async fn an_expected_answer_must_be_in_an_a_or_ptr_record() {
    let at = answering_server().await;
    let lookup = |qtype, name: &str, answer: &str, tcp| DnsProbe {
        target: at,
        qtype,
        name: name.into(),
        tcp,
        answer: Some(Pattern::new(answer).unwrap()),
    };
    for tcp in [false, true] {
        let p = lookup(1, "www.example.com", r"^192\.0\.2\.", tcp);
        assert_eq!(
            check(&p, &Source::default(), soon()).await,
            Verdict::up("answer 192.0.2.7"),
            "tcp {tcp}"
        );
        let p = lookup(12, "7.2.0.192.in-addr.arpa", "^www", tcp);
        assert_eq!(
            check(&p, &Source::default(), soon()).await,
            Verdict::up("answer www.example.com"),
            "tcp {tcp}"
        );
        let p = lookup(1, "www.example.com", "^10\\.", tcp);
        assert_eq!(
            check(&p, &Source::default(), soon()).await,
            Verdict::down("no A or PTR record of the answer matches `^10\\.`"),
            "tcp {tcp}"
        );
        let p = lookup(1, "other.example.com", ".", tcp);
        assert!(!check(&p, &Source::default(), soon()).await.ok);
    }
}

#[test]
fn answers_from_any_bytes_do_not_panic() {
    let want = Pattern::new(".").unwrap();
    let mut r = query(9, 1, "example.com").unwrap();
    for i in 0..r.len() {
        for b in [0u8, 0x80, 0xff] {
            let saved = r[i];
            r[i] = b;
            let _ = answered(&r, &want);
            let _ = answered(&r[..i], &want);
            r[i] = saved;
        }
    }
}
