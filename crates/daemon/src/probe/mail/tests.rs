use super::*;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

/// A mail server's side: `greeting`, then answers by protocol; the user
/// `lb` with password `p"w` logs in.
async fn converse<S>(s: S, protocol: MailProtocol, greeting: &'static str)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    let (r, mut w) = tokio::io::split(s);
    let _ = w.write_all(greeting.as_bytes()).await;
    let mut lines = BufReader::new(r).lines();
    let mut user = String::new();
    while let Ok(Some(l)) = lines.next_line().await {
        let answer = match protocol {
            MailProtocol::Pop3 => match l.split_once(' ') {
                Some(("USER", u)) => {
                    user = u.to_string();
                    "+OK\r\n".to_string()
                }
                Some(("PASS", "p\"w")) if user == "lb" => "+OK logged in\r\n".into(),
                Some(("PASS", _)) => "-ERR [AUTH] Authentication failed.\r\n".into(),
                _ => "+OK bye\r\n".into(),
            },
            MailProtocol::Imap => match l.as_str() {
                r#"a1 LOGIN "lb" "p\"w""# => "* CAPABILITY IMAP4rev1\r\na1 OK Logged in\r\n".into(),
                l if l.starts_with("a1 LOGIN") => {
                    "a1 NO [AUTHENTICATIONFAILED] Authentication failed.\r\n".into()
                }
                _ => "* BYE\r\na2 OK\r\n".into(),
            },
            MailProtocol::Nntp => "205 bye\r\n".into(),
        };
        let _ = w.write_all(answer.as_bytes()).await;
    }
}

async fn server(protocol: MailProtocol, greeting: &'static str) -> SocketAddr {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let at = l.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((s, _)) = l.accept().await {
            tokio::spawn(converse(s, protocol, greeting));
        }
    });
    at
}

async fn tls_server(protocol: MailProtocol, greeting: &'static str) -> SocketAddr {
    use tokio_rustls::rustls::pki_types::pem::PemObject;
    use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let certs = CertificateDer::pem_slice_iter(include_bytes!("../http/test-cert.pem"))
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    let key = PrivateKeyDer::from_pem_slice(include_bytes!("../http/test-key.pem")).unwrap();
    let provider = std::sync::Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let config = tokio_rustls::rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(std::sync::Arc::new(config));
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let at = l.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((s, _)) = l.accept().await {
            if let Ok(t) = acceptor.accept(s).await {
                tokio::spawn(converse(t, protocol, greeting));
            }
        }
    });
    at
}

fn probe(target: SocketAddr, protocol: MailProtocol, login: Option<(&str, &str)>) -> MailProbe {
    MailProbe {
        target,
        protocol,
        tls: false,
        login: login.map(|(u, p)| (u.to_string(), p.to_string())),
    }
}

async fn run(p: &MailProbe) -> Verdict {
    check(
        p,
        &Source::default(),
        Instant::now() + Duration::from_secs(5),
    )
    .await
}

#[tokio::test]
async fn pop3_greeting_and_login() {
    let at = server(MailProtocol::Pop3, "+OK Dovecot ready.\r\n").await;
    let p = probe(at, MailProtocol::Pop3, None);
    assert_eq!(run(&p).await, Verdict::up("greeting +OK"));
    let p = probe(at, MailProtocol::Pop3, Some(("lb", "p\"w")));
    assert_eq!(run(&p).await, Verdict::up("logged in as lb"));
    let p = probe(at, MailProtocol::Pop3, Some(("lb", "bad")));
    assert_eq!(
        run(&p).await,
        Verdict::down("pop: PASS answered `-ERR [AUTH] Authentication failed.`")
    );
    let busy = server(MailProtocol::Pop3, "-ERR too busy\r\n").await;
    let p = probe(busy, MailProtocol::Pop3, None);
    assert_eq!(
        run(&p).await,
        Verdict::down("pop: greeting `-ERR too busy`")
    );
}

#[tokio::test]
async fn imap_greeting_and_login() {
    let at = server(MailProtocol::Imap, "* OK [CAPABILITY IMAP4rev1] ready\r\n").await;
    let p = probe(at, MailProtocol::Imap, None);
    assert_eq!(run(&p).await, Verdict::up("greeting OK"));
    let p = probe(at, MailProtocol::Imap, Some(("lb", "p\"w")));
    assert_eq!(run(&p).await, Verdict::up("logged in as lb"));
    let p = probe(at, MailProtocol::Imap, Some(("lb", "x")));
    assert_eq!(
        run(&p).await,
        Verdict::down("imap: LOGIN answered `NO [AUTHENTICATIONFAILED] Authentication failed.`")
    );
    let bye = server(MailProtocol::Imap, "* BYE shutting down\r\n").await;
    let p = probe(bye, MailProtocol::Imap, None);
    assert_eq!(
        run(&p).await,
        Verdict::down("imap: greeting `* BYE shutting down`")
    );
}

#[tokio::test]
async fn nntp_greeting() {
    let at = server(MailProtocol::Nntp, "200 news.example ready\r\n").await;
    let p = probe(at, MailProtocol::Nntp, None);
    assert_eq!(
        run(&p).await,
        Verdict::up("greeting `200 news.example ready`")
    );
    let at = server(MailProtocol::Nntp, "502 no permission\r\n").await;
    let p = probe(at, MailProtocol::Nntp, None);
    assert_eq!(
        run(&p).await,
        Verdict::down("nntp: greeting `502 no permission`")
    );
}

#[tokio::test]
async fn pops_and_imaps_speak_tls() {
    let at = tls_server(MailProtocol::Pop3, "+OK ready\r\n").await;
    let p = MailProbe {
        tls: true,
        ..probe(at, MailProtocol::Pop3, Some(("lb", "p\"w")))
    };
    assert_eq!(run(&p).await, Verdict::up("logged in as lb"));
    let at = tls_server(MailProtocol::Imap, "* OK ready\r\n").await;
    let p = MailProbe {
        tls: true,
        ..probe(at, MailProtocol::Imap, None)
    };
    assert_eq!(run(&p).await, Verdict::up("greeting OK"));
    // Plain text to a TLS server: no greeting comes.
    let p = MailProbe { tls: false, ..p };
    let v = check(
        &p,
        &Source::default(),
        Instant::now() + Duration::from_millis(300),
    )
    .await;
    assert_eq!(v, Verdict::down("imap timed out"));
}
