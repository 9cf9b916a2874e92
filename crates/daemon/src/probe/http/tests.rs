use super::*;
use crate::config::Pattern;
use std::time::Duration;

fn url(expect: Option<Expect>) -> UrlCheck {
    UrlCheck {
        expect,
        ..UrlCheck::new("/h")
    }
}

fn judged(u: &UrlCheck, bytes: &[u8]) -> Result<(), String> {
    judge(u, &Response::parse(bytes))
}

#[test]
fn responses_are_judged_by_status_and_body() {
    let p = url(Some(Expect::Text("OK".into())));
    assert_eq!(judged(&p, b"HTTP/1.0 200 Fine\r\n\r\nall OK\n"), Ok(()));
    assert!(judged(&p, b"HTTP/1.0 200 Fine\r\nX: OK\r\n\r\nnope").is_err());
    assert_eq!(
        judged(&p, b"HTTP/1.1 503 Busy\r\n\r\nOK"),
        Err("status 503".into())
    );
    assert!(judged(&p, b"SSH-2.0-OpenSSH\r\n").is_err());
    assert!(judged(&p, b"").is_err());
    let r = url(Some(Expect::Regex(Pattern::new("^up [0-9]+$").unwrap())));
    assert_eq!(judged(&r, b"HTTP/1.0 204 x\n\nup 12"), Ok(()));
    assert!(judged(&r, b"HTTP/1.0 204 x\n\nup x").is_err());
    assert_eq!(judged(&url(None), b"HTTP/1.1 299 x\r\n\r\n"), Ok(()));
}

#[test]
fn the_digest_covers_the_whole_body_read_in_any_pieces() {
    // MD5("hello\n"), as `md5sum` prints it.
    let want = "b1946ac92492d2347c6235b4d2611184";
    let whole = b"HTTP/1.0 200 OK\r\nServer: x\r\n\r\nhello\n";
    assert_eq!(Response::parse(whole).digest(), want);
    for cut in 0..whole.len() {
        let mut r = Response::default();
        r.feed(&whole[..cut]);
        r.feed(&whole[cut..]);
        assert_eq!(r.digest(), want, "cut at {cut}");
        assert_eq!(r.body(), b"hello\n", "cut at {cut}");
    }
    let mut u = url(None);
    u.digest = Some(want.into());
    assert_eq!(judge(&u, &Response::parse(whole)), Ok(()));
    let e = judged(&u, b"HTTP/1.0 200 OK\r\n\r\nhello!\n").unwrap_err();
    assert!(e.contains("digest") && e.contains(want), "{e}");
    // A body longer than what is kept is still hashed whole.
    let mut big = b"HTTP/1.0 200 OK\r\n\r\n".to_vec();
    big.extend(std::iter::repeat_n(b'a', 3 * MAX_BODY));
    let r = Response::parse(&big);
    assert_eq!(r.body().len(), MAX_BODY);
    let direct: String = Md5::digest(vec![b'a'; 3 * MAX_BODY])
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(r.digest(), direct);
}

#[test]
fn the_request_names_the_host() {
    let mut u = url(None);
    let v4 = "10.0.0.1:80".parse().unwrap();
    assert!(request("GET", &u, v4).starts_with("GET /h HTTP/1.0\r\nHost: 10.0.0.1\r\n"));
    let v6 = "[2001:db8::1]:80".parse().unwrap();
    assert!(request("HEAD", &u, v6).contains("\r\nHost: [2001:db8::1]\r\n"));
    u.host = Some("www.example.com".into());
    assert!(request("GET", &u, v6).contains("\r\nHost: www.example.com\r\n"));
}

/// A server answering `/ok` (body `healthy`, or `for NAME` with `Host:
/// NAME`) and 404 otherwise.
async fn server() -> SocketAddr {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let target = l.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = l.accept().await {
            let mut b = [0u8; 1024];
            let n = s.read(&mut b).await.unwrap_or(0);
            let req = String::from_utf8_lossy(&b[..n]).to_string();
            let host = req
                .lines()
                .find_map(|l| l.strip_prefix("Host: "))
                .unwrap_or("")
                .to_string();
            let resp = if req.starts_with("GET /ok ") {
                "HTTP/1.0 200 OK\r\n\r\nhealthy\n".to_string()
            } else if let Some(n) = req.strip_prefix("GET /hop/") {
                // /hop/N redirects to /hop/N-1 (relative), /hop/0 to /host
                let n: u32 = n.split(' ').next().unwrap_or("").parse().unwrap_or(0);
                let to = if n == 0 {
                    "/host".to_string()
                } else {
                    format!("{}", n - 1)
                };
                format!("HTTP/1.1 302 Found\r\nLocation: {to}\r\n\r\n")
            } else if req.starts_with("GET /host ") {
                format!("HTTP/1.0 200 OK\r\n\r\nfor {host}\n")
            } else {
                "HTTP/1.0 404 Not Found\r\n\r\n".to_string()
            };
            let _ = s.write_all(resp.as_bytes()).await;
        }
    });
    target
}

fn probe(target: SocketAddr, urls: Vec<UrlCheck>) -> HttpProbe {
    HttpProbe {
        target,
        tls: false,
        verify: true,
        method: "GET".into(),
        urls,
        redirects: 0,
    }
}

fn soon() -> Instant {
    Instant::now() + Duration::from_secs(2)
}

#[tokio::test]
async fn every_url_must_pass() {
    let target = server().await;
    let ok = UrlCheck {
        expect: Some(Expect::Text("healthy".into())),
        // MD5("healthy\n")
        digest: Some("9f9e0a8c6a6fdf8ef2c8a5a8bd1a8bbf".into()),
        ..UrlCheck::new("/ok")
    };
    let v = check(&probe(target, vec![ok.clone()]), &Source::default(), soon()).await;
    // The digest above is not the body's: down, and the reason says so.
    assert!(!v.ok && v.reason.contains("digest"), "{v:?}");
    let real = Md5::digest(b"healthy\n")
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<String>();
    let ok = UrlCheck {
        digest: Some(real),
        ..ok
    };
    let host = UrlCheck {
        host: Some("www.example.com".into()),
        expect: Some(Expect::Text("for www.example.com".into())),
        ..UrlCheck::new("/host")
    };
    let v = check(
        &probe(target, vec![ok.clone(), host.clone()]),
        &Source::default(),
        soon(),
    )
    .await;
    assert_eq!(v, Verdict::up("2 responses as expected"));
    let missing = UrlCheck::new("/missing");
    let v = check(
        &probe(target, vec![ok.clone(), missing, host]),
        &Source::default(),
        soon(),
    )
    .await;
    assert_eq!(v, Verdict::down("/missing: status 404"));
    // A 404 can be what is wanted.
    let gone = UrlCheck {
        status: vec![(404, 404)],
        ..UrlCheck::new("/gone")
    };
    assert!(
        check(&probe(target, vec![gone]), &Source::default(), soon())
            .await
            .ok
    );
}

#[tokio::test]
async fn a_silent_server_times_out() {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let target = l.local_addr().unwrap();
    let v = check(
        &probe(target, vec![UrlCheck::new("/")]),
        &Source::default(),
        Instant::now() + Duration::from_millis(200),
    )
    .await;
    assert_eq!(v, Verdict::down("request timed out"));
    drop(l);
}

/// An HTTPS server on 127.0.0.1 with a self-signed certificate made for
/// these tests only (`test-cert.pem`, `test-key.pem`): it answers every
/// request with the server name (SNI) the client asked for.
async fn tls_server() -> SocketAddr {
    use tokio_rustls::rustls::pki_types::pem::PemObject;
    use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let certs = CertificateDer::pem_slice_iter(include_bytes!("test-cert.pem"))
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    let key = PrivateKeyDer::from_pem_slice(include_bytes!("test-key.pem")).unwrap();
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
            let Ok(mut s) = acceptor.accept(s).await else {
                continue;
            };
            let mut b = [0u8; 1024];
            let _ = s.read(&mut b).await;
            let sni = s.get_ref().1.server_name().unwrap_or("none").to_string();
            let resp = format!("HTTP/1.0 200 OK\r\n\r\nsni={sni}\n");
            let _ = s.write_all(resp.as_bytes()).await;
            let _ = s.shutdown().await;
        }
    });
    at
}

#[tokio::test]
async fn each_url_sends_its_own_host_as_the_tls_server_name() {
    let target = tls_server().await;
    let url = |host: &str| UrlCheck {
        host: Some(host.into()),
        expect: Some(Expect::Text(format!("sni={host}\n"))),
        ..UrlCheck::new("/")
    };
    let mut p = HttpProbe {
        tls: true,
        verify: false,
        ..probe(target, vec![url("a.example"), url("b.example")])
    };
    assert_eq!(
        check(&p, &Source::default(), soon()).await,
        Verdict::up("2 responses as expected")
    );
    // Verified, the self-signed certificate is refused (or, on a machine
    // without a trust store, nothing is trusted).
    p.verify = true;
    let v = check(&p, &Source::default(), soon()).await;
    assert!(
        !v.ok && (v.reason.contains("TLS") || v.reason.contains("certificates")),
        "{v:?}"
    );
}

#[tokio::test]
async fn redirects_are_followed_as_far_as_the_probe_allows() {
    let target = server().await;
    let ok = |path: &str| UrlCheck {
        expect: Some(Expect::Text(format!("for {target}\n"))),
        ..UrlCheck::new(path)
    };
    let mut p = HttpProbe {
        redirects: 7,
        ..probe(target, vec![ok("/hop/6")])
    };
    // 7 redirects, the last to /host, asked with the URL's authority
    assert_eq!(
        check(&p, &Source::default(), soon()).await,
        Verdict::up("response as expected")
    );
    // one more is judged as it is: a 302 is down
    p.urls = vec![ok("/hop/7")];
    assert_eq!(
        check(&p, &Source::default(), soon()).await,
        Verdict::down("status 302")
    );
    // without redirects (keepalived's, native's unless told): down
    p.redirects = 0;
    p.urls = vec![ok("/hop/0")];
    assert_eq!(
        check(&p, &Source::default(), soon()).await,
        Verdict::down("status 302")
    );
}
