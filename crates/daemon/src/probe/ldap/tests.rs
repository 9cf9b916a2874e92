use super::*;
use crate::config::Pattern;
use std::net::SocketAddr;
use std::time::Duration;

/// An LDAP server's side: binds succeed anonymously or as
/// `cn=lb,dc=example` with `pw`; a search of `dc=example` finds that
/// entry, of `dc=two` two entries, of anything else none (result 32).
async fn converse(mut s: tokio::net::TcpStream) -> Option<()> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 1024];
    loop {
        let (tag, id, op_tag, op) = loop {
            if let Ok(Some((t, n))) = read(&buf) {
                let parts = elements(t.value).ok()?;
                let r = (
                    t.tag,
                    parts[0].value[0],
                    parts[1].tag,
                    parts[1].value.to_vec(),
                );
                buf.drain(..n);
                break r;
            }
            let n = s.read(&mut chunk).await.ok()?;
            if n == 0 {
                return Some(());
            }
            buf.extend_from_slice(&chunk[..n]);
        };
        assert_eq!(tag, 0x30);
        let result = |tag: u8, code: u8, text: &str| {
            let op = [
                small(0x0a, code),
                encode(0x04, b""),
                encode(0x04, text.as_bytes()),
            ]
            .concat();
            encode(0x30, &[small(0x02, id), encode(tag, &op)].concat())
        };
        let entry = |dn: &str| {
            let op = [encode(0x04, dn.as_bytes()), encode(0x30, &[])].concat();
            encode(0x30, &[small(0x02, id), encode(0x64, &op)].concat())
        };
        let fields = elements(&op).ok()?;
        let out = match op_tag {
            0x60 => {
                let (dn, pw) = (fields[1].value, fields[2].value);
                if (dn, pw) == (b"", b"") || (dn, pw) == (b"cn=lb,dc=example", b"pw") {
                    result(0x61, 0, "")
                } else {
                    result(0x61, 49, "80090308: LdapErr: DSID-0C09")
                }
            }
            0x63 => match fields[0].value {
                b"dc=example" | b"" => [entry("dc=example"), result(0x65, 0, "")].concat(),
                b"dc=two" => [entry("cn=a"), entry("cn=b"), result(0x65, 0, "")].concat(),
                _ => result(0x65, 32, ""),
            },
            _ => return Some(()),
        };
        s.write_all(&out).await.ok()?;
    }
}

async fn server() -> SocketAddr {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let at = l.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((s, _)) = l.accept().await {
            tokio::spawn(converse(s));
        }
    });
    at
}

fn probe(target: SocketAddr, bind: Option<(&str, &str)>, base: &str) -> LdapProbe {
    LdapProbe {
        target,
        tls: false,
        bind: bind.map(|(d, p)| (d.to_string(), p.to_string())),
        base: base.into(),
        expect: None,
    }
}

async fn run(p: &LdapProbe) -> Verdict {
    check(
        p,
        &Source::default(),
        Instant::now() + Duration::from_secs(5),
    )
    .await
}

#[tokio::test]
async fn bind_and_search_one_entry() {
    let at = server().await;
    assert_eq!(
        run(&probe(at, None, "")).await,
        Verdict::up("entry `dc=example`")
    );
    let p = probe(at, Some(("cn=lb,dc=example", "pw")), "dc=example");
    assert_eq!(run(&p).await, Verdict::up("entry `dc=example`"));
    let p = LdapProbe {
        expect: Some(Pattern::new("^dc=other").unwrap()),
        ..p
    };
    assert_eq!(
        run(&p).await,
        Verdict::down("ldap: entry `dc=example` does not match `^dc=other`")
    );
}

#[tokio::test]
async fn failures_name_the_step_and_the_result() {
    let at = server().await;
    let p = probe(at, Some(("cn=lb,dc=example", "bad")), "");
    assert_eq!(
        run(&p).await,
        Verdict::down("ldap: bind: result 49 (invalid credentials): 80090308: LdapErr: DSID-0C09")
    );
    assert_eq!(
        run(&probe(at, None, "dc=none")).await,
        Verdict::down("ldap: search of `dc=none`: result 32 (no such object)")
    );
    assert_eq!(
        run(&probe(at, None, "dc=two")).await,
        Verdict::down("ldap: search of `dc=two` returned 2 entries (1 expected)")
    );
}

#[test]
fn requests_are_well_formed_ber() {
    let b = bind_request(1, "cn=x", "pw");
    let (t, n) = read(&b).unwrap().unwrap();
    assert_eq!((t.tag, n), (0x30, b.len()));
    let parts = elements(t.value).unwrap();
    assert_eq!((parts[0].value, parts[1].tag), (&[1u8][..], 0x60));
    let s = search_request(2, "dc=example");
    let (t, _) = read(&s).unwrap().unwrap();
    let op = elements(t.value).unwrap()[1];
    let fields = elements(op.value).unwrap();
    assert_eq!(fields.len(), 8);
    assert_eq!((fields[0].value, fields[6].tag), (&b"dc=example"[..], 0x87));
}

#[test]
fn messages_from_any_bytes_do_not_panic() {
    let mut x: u32 = 0x2545_f491;
    let seed = [
        0x30u8, 12, 0x02, 1, 1, 0x61, 7, 0x0a, 1, 0, 0x04, 0, 0x04, 0,
    ];
    for i in 0..3000 {
        let mut d = seed.to_vec();
        for _ in 0..(i % 4) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            let at = (x as usize) % d.len();
            d[at] = (x >> 8) as u8;
        }
        if let Ok(Some((t, _))) = read(&d) {
            let _ = message(t.tag, t.value);
        }
        let _ = elements(&d);
        let _ = to_u32(&d);
    }
}
