use super::*;
use rsa::pkcs8::DecodePrivateKey;
use sha1::{Digest, Sha1};
use sha2::Sha256;
use std::net::SocketAddr;
use std::time::Duration;

const SCRAMBLE: &[u8; 20] = b"0123456789abcdefghij";

/// How the fake server behaves.
#[derive(Clone, Copy, Debug)]
enum Mode {
    /// Handshake, login (user `lb`, password `pw`, database `app` or
    /// none), queries: `SELECT 1` one row, `SELECT none` none, `DELETE`
    /// 0 affected, anything else a syntax error.
    Normal,
    /// Names caching_sha2_password in its handshake and takes the
    /// scramble on the fast path (the password is in its cache).
    Sha2Fast,
    /// Names caching_sha2_password in its handshake and asks for the full
    /// path: the password encrypted with its RSA key.
    Sha2Full,
    /// Names mysql_native_password, then switches to
    /// caching_sha2_password with a new nonce (fast path).
    SwitchToSha2,
    /// Switches to mysql_native_password with a new scramble first.
    Switch,
    /// Switches to a method the check does not speak.
    Ed25519,
    /// Refuses at once, as a server with too many connections.
    Busy,
}

fn packet(seq: u8, p: &[u8]) -> Vec<u8> {
    let mut out = (p.len() as u32).to_le_bytes()[..3].to_vec();
    out.push(seq);
    out.extend_from_slice(p);
    out
}

fn err(code: u16, state: &str, text: &str) -> Vec<u8> {
    let mut p = vec![0xff];
    p.extend_from_slice(&code.to_le_bytes());
    p.push(b'#');
    p.extend_from_slice(state.as_bytes());
    p.extend_from_slice(text.as_bytes());
    p
}

/// The private half of the fake's RSA key (made for these tests only).
const TEST_KEY: &str = include_str!("test_key.pem");

fn greeting(plugin: &str) -> Vec<u8> {
    let mut p = vec![10];
    p.extend_from_slice(b"10.11.6-MariaDB-fake\0");
    p.extend_from_slice(&7u32.to_le_bytes());
    p.extend_from_slice(&SCRAMBLE[..8]);
    p.push(0);
    p.extend_from_slice(&0xf7ffu16.to_le_bytes());
    p.push(45);
    p.extend_from_slice(&2u16.to_le_bytes());
    p.extend_from_slice(&0x81bfu16.to_le_bytes());
    p.push(21);
    p.extend_from_slice(&[0; 10]);
    p.extend_from_slice(&SCRAMBLE[8..]);
    p.push(0);
    p.extend_from_slice(plugin.as_bytes());
    p.push(0);
    p
}

/// The server's side of mysql_native_password: `token` XOR
/// SHA1(scramble, stored) is SHA1(password), whose SHA1 is `stored`.
fn password_ok(token: &[u8], scramble: &[u8], password: &str) -> bool {
    let stored = Sha1::digest(Sha1::digest(password.as_bytes()));
    if token.len() != 20 {
        return false;
    }
    let mut h = Sha1::new();
    h.update(scramble);
    h.update(stored);
    let once: Vec<u8> = token.iter().zip(h.finalize()).map(|(a, b)| a ^ b).collect();
    Sha1::digest(once) == stored
}

/// The server's side of caching_sha2_password's fast path: `token` XOR
/// SHA256(stored, nonce) is SHA256(password), whose SHA256 is `stored`.
fn sha2_ok(token: &[u8], nonce: &[u8], password: &str) -> bool {
    let stored = Sha256::digest(Sha256::digest(password.as_bytes()));
    if token.len() != 32 {
        return false;
    }
    let mut h = Sha256::new();
    h.update(stored);
    h.update(nonce);
    let once: Vec<u8> = token.iter().zip(h.finalize()).map(|(a, b)| a ^ b).collect();
    Sha256::digest(once) == stored
}

/// The server's side of the full path: decrypt with the private key,
/// undo the XOR with the nonce: the password and a NUL.
fn sha2_full_ok(encrypted: &[u8], nonce: &[u8], password: &str) -> bool {
    let key = rsa::PrivateKey::from_pkcs8_pem(TEST_KEY).unwrap();
    let Ok(plain) = key.oaep_decrypt::<Sha1>(encrypted) else {
        return false;
    };
    let clear: Vec<u8> = plain
        .iter()
        .zip(nonce.iter().cycle())
        .map(|(a, b)| a ^ b)
        .collect();
    clear == [password.as_bytes(), b"\0"].concat()
}

/// The public half, PEM, as a MySQL server sends it.
fn public_pem() -> String {
    use rsa::pkcs8::EncodePublicKey;
    let key = rsa::PrivateKey::from_pkcs8_pem(TEST_KEY).unwrap();
    key.to_public_key()
        .to_public_key_pem(rsa::pkcs8::LineEnding::LF)
        .unwrap()
}

async fn read_packet(s: &mut TcpStream) -> Option<(u8, Vec<u8>)> {
    let mut h = [0u8; 4];
    s.read_exact(&mut h).await.ok()?;
    let mut p = vec![0u8; usize::from(h[0]) | usize::from(h[1]) << 8];
    s.read_exact(&mut p).await.ok()?;
    Some((h[3], p))
}

/// The login packet's user, token, database and method.
fn parse_login(p: &[u8]) -> (String, Vec<u8>, Option<String>, String) {
    let caps = u32::from_le_bytes([p[0], p[1], p[2], p[3]]);
    let rest = &p[32..];
    let nul = rest.iter().position(|&b| b == 0).unwrap();
    let user = String::from_utf8_lossy(&rest[..nul]).into_owned();
    let rest = &rest[nul + 1..];
    let n = usize::from(rest[0]);
    let token = rest[1..=n].to_vec();
    let rest = &rest[n + 1..];
    let mut rest = rest;
    let mut cstr = || {
        let nul = rest.iter().position(|&b| b == 0).unwrap();
        let s = String::from_utf8_lossy(&rest[..nul]).into_owned();
        rest = &rest[nul + 1..];
        s
    };
    let db = (caps & 0x8 != 0).then(&mut cstr);
    let plugin = cstr();
    (user, token, db, plugin)
}

async fn serve(mut s: TcpStream, mode: Mode) -> Option<()> {
    if let Mode::Busy = mode {
        let p = [0xff, 0x10, 0x04]
            .iter()
            .chain(b"Too many connections")
            .copied()
            .collect::<Vec<u8>>();
        s.write_all(&packet(0, &p)).await.ok()?;
        return Some(());
    }
    let announced = match mode {
        Mode::Sha2Fast | Mode::Sha2Full => "caching_sha2_password",
        _ => "mysql_native_password",
    };
    s.write_all(&packet(0, &greeting(announced))).await.ok()?;
    let (_, login) = read_packet(&mut s).await?;
    let (user, token, db, plugin) = parse_login(&login);
    assert_eq!(
        plugin, announced,
        "the client answers the handshake's method"
    );
    let Some((ok, seq)) = login_steps(&mut s, mode, &token).await else {
        return Some(());
    };
    if user != "lb" || !ok {
        let text = format!("Access denied for user '{user}'@'localhost' (using password: YES)");
        s.write_all(&packet(seq, &err(1045, "28000", &text)))
            .await
            .ok()?;
        return Some(());
    }
    if let Some(d) = db.filter(|d| d != "app") {
        let text = format!("Unknown database '{d}'");
        s.write_all(&packet(seq, &err(1049, "42000", &text)))
            .await
            .ok()?;
        return Some(());
    }
    s.write_all(&packet(seq, &[0, 0, 0, 2, 0, 0, 0]))
        .await
        .ok()?;
    while let Some((_, cmd)) = read_packet(&mut s).await {
        let eof = [0xfe, 0, 0, 2, 0];
        let mut out = Vec::new();
        match cmd.as_slice() {
            [0x01] => return Some(()),
            [0x03, q @ ..] if q == b"SELECT 1" || q == b"SELECT none" => {
                out.extend(packet(1, &[1]));
                out.extend(packet(
                    2,
                    b"\x03def\0\0\0\x011\0\x0c\x3f\0\x01\0\0\0\x08\x81\0\0\0\0",
                ));
                out.extend(packet(3, &eof));
                if q == b"SELECT 1" {
                    out.extend(packet(4, b"\x011"));
                    out.extend(packet(5, &eof));
                } else {
                    out.extend(packet(4, &eof));
                }
            }
            [0x03, q @ ..] if q.starts_with(b"DELETE") => {
                out.extend(packet(1, &[0, 2, 0, 2, 0, 0, 0]));
            }
            _ => out.extend(packet(
                1,
                &err(1064, "42000", "You have an error in your SQL syntax"),
            )),
        }
        s.write_all(&out).await.ok()?;
    }
    Some(())
}

/// The steps of the login after the client's first answer `token`:
/// whether the password is `pw`, and the sequence number of the server's
/// next packet (`None`: the connection is over).
async fn login_steps(s: &mut TcpStream, mode: Mode, token: &[u8]) -> Option<(bool, u8)> {
    let switch = |plugin: &str, nonce: &[u8]| {
        let mut p = vec![0xfe];
        p.extend_from_slice(plugin.as_bytes());
        p.push(0);
        p.extend_from_slice(nonce);
        p.push(0);
        packet(2, &p)
    };
    let new_nonce = b"ABCDEFGHIJKLMNOPQRST";
    match mode {
        Mode::Normal => Some((password_ok(token, SCRAMBLE, "pw"), 2)),
        Mode::Sha2Fast => {
            let ok = sha2_ok(token, SCRAMBLE, "pw");
            if ok {
                s.write_all(&packet(2, &[0x01, 0x03])).await.ok()?;
            }
            Some((ok, if ok { 3 } else { 2 }))
        }
        Mode::Sha2Full => {
            s.write_all(&packet(2, &[0x01, 0x04])).await.ok()?;
            let (sq, ask) = read_packet(s).await?;
            assert_eq!((sq, ask.as_slice()), (3, &[0x02][..]));
            let key = [&[0x01][..], public_pem().as_bytes()].concat();
            s.write_all(&packet(4, &key)).await.ok()?;
            let (sq, encrypted) = read_packet(s).await?;
            assert_eq!(sq, 5);
            Some((sha2_full_ok(&encrypted, SCRAMBLE, "pw"), 6))
        }
        Mode::SwitchToSha2 | Mode::Switch | Mode::Ed25519 => {
            let plugin = match mode {
                Mode::SwitchToSha2 => "caching_sha2_password",
                Mode::Switch => "mysql_native_password",
                _ => "client_ed25519",
            };
            s.write_all(&switch(plugin, new_nonce)).await.ok()?;
            let (sq, t) = read_packet(s).await?;
            assert_eq!(sq, 3);
            match mode {
                Mode::SwitchToSha2 if sha2_ok(&t, new_nonce, "pw") => {
                    s.write_all(&packet(4, &[0x01, 0x03])).await.ok()?;
                    Some((true, 5))
                }
                Mode::SwitchToSha2 => Some((false, 4)),
                _ => Some((password_ok(&t, new_nonce, "pw"), 4)),
            }
        }
        Mode::Busy => None,
    }
}

async fn server(mode: Mode) -> SocketAddr {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let at = l.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((s, _)) = l.accept().await {
            tokio::spawn(serve(s, mode));
        }
    });
    at
}

fn probe(target: SocketAddr, user: Option<&str>, password: &str) -> MysqlProbe {
    MysqlProbe {
        target,
        user: user.map(str::to_string),
        password: password.into(),
        database: None,
        query: None,
    }
}

async fn run(p: &MysqlProbe) -> Verdict {
    check(
        p,
        &Source::default(),
        Instant::now() + Duration::from_secs(5),
    )
    .await
}

#[tokio::test]
async fn handshake_login_database_and_query() {
    let at = server(Mode::Normal).await;
    let v = run(&probe(at, None, "")).await;
    assert_eq!(v, Verdict::up("handshake of 10.11.6-MariaDB-fake"));
    let good = probe(at, Some("lb"), "pw");
    assert_eq!(
        run(&good).await,
        Verdict::up("logged in to 10.11.6-MariaDB-fake as lb")
    );
    let with = |db: Option<&str>, q: Option<&str>| MysqlProbe {
        database: db.map(str::to_string),
        query: q.map(str::to_string),
        ..good.clone()
    };
    assert_eq!(
        run(&with(Some("app"), Some("SELECT 1"))).await,
        Verdict::up("query `SELECT 1` returned a row")
    );
    assert_eq!(
        run(&with(Some("app"), Some("DELETE FROM t"))).await,
        Verdict::up("query `DELETE FROM t`: 2 rows")
    );
    assert_eq!(
        run(&with(None, Some("SELECT none"))).await,
        Verdict::down("mysql: query `SELECT none` returned no rows")
    );
    assert_eq!(
        run(&with(None, Some("SELEKT"))).await,
        Verdict::down(
            "mysql: query `SELEKT`: error 1064 (42000): You have an error in your SQL syntax"
        )
    );
    assert_eq!(
        run(&with(Some("other"), None)).await,
        Verdict::down("mysql: error 1049 (42000): Unknown database 'other'")
    );
}

#[tokio::test]
async fn a_wrong_password_or_user_is_denied() {
    let at = server(Mode::Normal).await;
    for (u, pw) in [("lb", "wrong"), ("lb", ""), ("root", "pw")] {
        let v = run(&probe(at, Some(u), pw)).await;
        let want = format!(
            "mysql: error 1045 (28000): Access denied for user '{u}'@'localhost' (using password: YES)"
        );
        assert_eq!(v, Verdict::down(want));
    }
}

#[tokio::test]
async fn a_switch_to_native_password_is_answered() {
    let at = server(Mode::Switch).await;
    let v = run(&probe(at, Some("lb"), "pw")).await;
    assert!(v.ok, "{v:?}");
}

#[tokio::test]
async fn caching_sha2_password_fast_full_and_switched() {
    for mode in [Mode::Sha2Fast, Mode::Sha2Full, Mode::SwitchToSha2] {
        let at = server(mode).await;
        let good = MysqlProbe {
            query: Some("SELECT 1".into()),
            ..probe(at, Some("lb"), "pw")
        };
        assert_eq!(
            run(&good).await,
            Verdict::up("query `SELECT 1` returned a row"),
            "{mode:?}"
        );
        let v = run(&probe(at, Some("lb"), "wrong")).await;
        assert_eq!(
            v,
            Verdict::down("mysql: error 1045 (28000): Access denied for user 'lb'@'localhost' (using password: YES)"),
            "{mode:?}"
        );
    }
}

#[test]
fn caching_sha2_scramble_is_mysqls_formula() {
    // SHA256(pw) XOR SHA256(SHA256(SHA256(pw)), nonce), computed apart
    // (Python's hashlib) for password "pw" and this nonce.
    let want = "0f583bb250d954dfde866a31e9dd19142dd61bac8ffa30b6a443dd4e940e8a53";
    let got: String = caching_sha2_scramble(b"pw", b"0123456789abcdefghij")
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(got, want);
    assert!(sha2_ok(
        &caching_sha2_scramble(b"pw", SCRAMBLE),
        SCRAMBLE,
        "pw"
    ));
}

#[test]
fn caching_sha2_full_path_encrypts_for_the_servers_key() {
    let sealed = caching_sha2_encrypt(public_pem().as_bytes(), b"pw", SCRAMBLE).unwrap();
    assert_eq!(sealed.len(), 256);
    assert!(sha2_full_ok(&sealed, SCRAMBLE, "pw"));
    assert!(!sha2_full_ok(&sealed, SCRAMBLE, "other"));
    let bad = caching_sha2_encrypt(b"-----BEGIN PUBLIC KEY-----\nnope\n", b"pw", SCRAMBLE);
    assert!(
        bad.as_ref()
            .is_err_and(|e| e.starts_with("caching_sha2_password: the server's public key")),
        "{bad:?}"
    );
}

#[tokio::test]
async fn other_login_methods_and_refusals_are_named() {
    let at = server(Mode::Ed25519).await;
    let v = run(&probe(at, Some("lb"), "pw")).await;
    assert_eq!(
        v,
        Verdict::down("mysql: the server asks for login method client_ed25519; rvsadmd speaks mysql_native_password and caching_sha2_password only (create the check's user IDENTIFIED WITH one of them)")
    );
    let at = server(Mode::Busy).await;
    let v = run(&probe(at, Some("lb"), "pw")).await;
    assert_eq!(
        v,
        Verdict::down("mysql: the server refuses: error 1040: Too many connections")
    );
}

#[tokio::test]
async fn a_silent_or_closing_server_is_down() {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let p = probe(l.local_addr().unwrap(), None, "");
    let v = check(
        &p,
        &Source::default(),
        Instant::now() + Duration::from_millis(200),
    )
    .await;
    assert_eq!(v, Verdict::down("mysql timed out"));
    let at = l.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((s, _)) = l.accept().await {
            drop(s);
        }
    });
    let v = run(&probe(at, None, "")).await;
    assert_eq!(v, Verdict::down("mysql: the server closed the connection"));
}

#[test]
fn replies_from_any_bytes_do_not_panic() {
    let mut x: u32 = 0x1234_5678;
    for len in 0..400usize {
        let p: Vec<u8> = (0..len % 64)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                x as u8
            })
            .collect();
        let mut h = p.clone();
        if let Some(b) = h.first_mut() {
            *b = 10;
        }
        let _ = handshake(&p);
        let _ = handshake(&h);
        let _ = auth_reply(&p);
        let _ = query_reply(&p);
        let _ = server_error(&p);
        let _ = lenenc(&p);
    }
}

#[test]
fn caching_sha2_steps_out_of_order_are_refused() {
    let step = |s, d: &[u8]| caching_sha2::more(s, d, b"pw", SCRAMBLE);
    assert_eq!(step(Step::Scrambled, &[3]), Ok((None, Step::Answered)));
    assert_eq!(
        step(Step::Scrambled, &[4]),
        Ok((Some(vec![2]), Step::KeyAsked))
    );
    for (s, d) in [
        (Step::Scrambled, &[5][..]),
        (Step::Scrambled, b"-----BEGIN PUBLIC KEY-----"),
        (Step::Answered, &[3]),
    ] {
        let e = step(s, d).unwrap_err();
        assert!(e.contains("an unexpected step from the server"), "{e}");
    }
}
