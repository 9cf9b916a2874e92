use super::*;
use fake_scram::Ending;
use std::net::SocketAddr;
use std::time::Duration;

mod fake_scram;

/// How the fake server asks for the password.
#[derive(Clone, Copy, Debug)]
enum Method {
    Cleartext,
    Md5,
    Scram(Ending),
}

fn msg(t: u8, body: &[u8]) -> Vec<u8> {
    let mut m = vec![t];
    m.extend_from_slice(&((body.len() + 4) as u32).to_be_bytes());
    m.extend_from_slice(body);
    m
}

fn error(code: &str, text: &str) -> Vec<u8> {
    msg(b'E', format!("SFATAL\0C{code}\0M{text}\0\0").as_bytes())
}

/// A PostgreSQL server's side: user `lb`, password `pw`, database `app`
/// (or none); `SELECT 1` one row, `SELECT none` none, `UPDATE` 2 rows,
/// anything else a syntax error.
async fn serve(mut s: TcpStream, method: Method) -> Option<()> {
    let mut len = [0u8; 4];
    s.read_exact(&mut len).await.ok()?;
    let mut body = vec![0u8; u32::from_be_bytes(len) as usize - 4];
    s.read_exact(&mut body).await.ok()?;
    let words: Vec<String> = body[4..]
        .split(|&b| b == 0)
        .map(|w| String::from_utf8_lossy(w).into_owned())
        .collect();
    let user = words.get(1).cloned().unwrap_or_default();
    let db = (words.get(2).map(String::as_str) == Some("database")).then(|| words[3].clone());
    let ok = match method {
        Method::Scram(ending) => scram(&mut s, ending).await?,
        _ => password(&mut s, method).await?,
    };
    if user != "lb" || !ok {
        let text = format!("password authentication failed for user \"{user}\"");
        s.write_all(&error("28P01", &text)).await.ok()?;
        return Some(());
    }
    if let Some(d) = db.filter(|d| d != "app") {
        let text = format!("database \"{d}\" does not exist");
        s.write_all(&error("3D000", &text)).await.ok()?;
        return Some(());
    }
    let ready = msg(b'Z', b"I");
    let mut out = msg(b'R', &0u32.to_be_bytes());
    out.extend(msg(b'S', b"server_version\x0015.5\0"));
    out.extend(&ready);
    s.write_all(&out).await.ok()?;
    loop {
        let (t, q) = read(&mut s).await.ok()?;
        if t == b'X' {
            return Some(());
        }
        let q = String::from_utf8_lossy(q.strip_suffix(&[0]).unwrap_or(&q)).into_owned();
        let mut out = Vec::new();
        match q.as_str() {
            "SELECT 1" | "SELECT none" => {
                out.extend(msg(
                    b'T',
                    b"\0\x01a\0\0\0\0\0\0\0\0\0\0\x17\0\x04\xff\xff\xff\xff\0\0",
                ));
                let n = if q == "SELECT 1" { 1 } else { 0 };
                for _ in 0..n {
                    out.extend(msg(b'D', b"\0\x01\0\0\0\x011"));
                }
                out.extend(msg(b'C', format!("SELECT {n}\0").as_bytes()));
            }
            q if q.starts_with("UPDATE") => out.extend(msg(b'C', b"UPDATE 2\0")),
            _ => out.extend(msg(
                b'E',
                b"SERROR\0C42601\0Msyntax error at or near \"SELEKT\"\0\0",
            )),
        }
        out.extend(&ready);
        s.write_all(&out).await.ok()?;
    }
}

/// Ask for the password in clear or by MD5: whether it is `pw`.
async fn password(s: &mut TcpStream, method: Method) -> Option<bool> {
    let salt = [9, 8, 7, 6];
    let ask = match method {
        Method::Md5 => msg(b'R', &[&5u32.to_be_bytes()[..], &salt].concat()),
        _ => msg(b'R', &3u32.to_be_bytes()),
    };
    s.write_all(&ask).await.ok()?;
    let (t, pw) = read(s).await.ok()?;
    assert_eq!(t, b'p');
    let pw = String::from_utf8_lossy(pw.strip_suffix(&[0]).unwrap_or(&pw)).into_owned();
    let want = match method {
        Method::Md5 => wire::md5_password("lb", "pw", salt),
        _ => "pw".into(),
    };
    Some(pw == want)
}

/// A SCRAM-SHA-256 exchange ended as `ending` says: whether the client
/// proved it knows `pw`. The client's messages must be well formed.
async fn scram(s: &mut TcpStream, ending: Ending) -> Option<bool> {
    let offer: &[u8] = match ending {
        Ending::PlusOnly => b"SCRAM-SHA-256-PLUS\0\0",
        _ => b"SCRAM-SHA-256-PLUS\0SCRAM-SHA-256\0\0",
    };
    s.write_all(&msg(b'R', &[&10u32.to_be_bytes()[..], offer].concat()))
        .await
        .ok()?;
    let (t, initial) = read(s).await.ok()?;
    assert_eq!(t, b'p');
    let data = initial
        .strip_prefix(b"SCRAM-SHA-256\0")
        .expect("the client chose SCRAM-SHA-256");
    assert_eq!(data[..4], ((data.len() - 4) as u32).to_be_bytes());
    let client_first = String::from_utf8(data[4..].to_vec()).unwrap();
    let (bare, first) = fake_scram::server_first(&client_first).expect("n,,n=,r=NONCE");
    let cont = msg(b'R', &[&11u32.to_be_bytes()[..], first.as_bytes()].concat());
    s.write_all(&cont).await.ok()?;
    let (t, client_final) = read(s).await.ok()?;
    assert_eq!(t, b'p');
    let client_final = String::from_utf8(client_final).unwrap();
    let checked = fake_scram::check_final("pw", &bare, &first, &client_final);
    let (proved, auth_message) = checked.expect("c=biws,r=NONCE,p=PROOF");
    let signer = match ending {
        _ if !proved => return Some(false),
        Ending::NoFinal => return Some(true),
        Ending::ForgedSignature => "other",
        _ => "pw",
    };
    let (_, signature) = fake_scram::prove(signer, fake_scram::SALT, 4096, &auth_message);
    let last = format!("v={signature}");
    let last = msg(b'R', &[&12u32.to_be_bytes()[..], last.as_bytes()].concat());
    s.write_all(&last).await.ok()?;
    Some(true)
}

async fn server(method: Method) -> SocketAddr {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let at = l.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((s, _)) = l.accept().await {
            tokio::spawn(serve(s, method));
        }
    });
    at
}

fn probe(target: SocketAddr, user: &str, password: &str) -> PgsqlProbe {
    PgsqlProbe {
        target,
        user: user.into(),
        password: password.into(),
        database: None,
        query: None,
    }
}

async fn run(p: &PgsqlProbe) -> Verdict {
    check(
        p,
        &Source::default(),
        Instant::now() + Duration::from_secs(5),
    )
    .await
}

#[tokio::test]
async fn login_database_and_query() {
    let scram = Method::Scram(Ending::Honest);
    for method in [Method::Cleartext, Method::Md5, scram] {
        let at = server(method).await;
        let good = probe(at, "lb", "pw");
        assert_eq!(run(&good).await, Verdict::up("logged in as lb"));
        let with = |db: Option<&str>, q: &str| PgsqlProbe {
            database: db.map(str::to_string),
            query: Some(q.into()),
            ..good.clone()
        };
        assert_eq!(
            run(&with(Some("app"), "SELECT 1")).await,
            Verdict::up("query `SELECT 1`: 1 rows")
        );
        assert_eq!(
            run(&with(None, "UPDATE t SET a = 1")).await,
            Verdict::up("query `UPDATE t SET a = 1`: 2 rows")
        );
        assert_eq!(
            run(&with(None, "SELECT none")).await,
            Verdict::down("pgsql: query `SELECT none` returned no rows")
        );
        assert_eq!(
            run(&with(None, "SELEKT")).await,
            Verdict::down("pgsql: query `SELEKT`: ERROR 42601: syntax error at or near \"SELEKT\"")
        );
        assert_eq!(
            run(&with(Some("other"), "SELECT 1")).await,
            Verdict::down("pgsql: FATAL 3D000: database \"other\" does not exist")
        );
        assert_eq!(
            run(&probe(at, "lb", "bad")).await,
            Verdict::down("pgsql: FATAL 28P01: password authentication failed for user \"lb\"")
        );
    }
}

#[tokio::test]
async fn scram_server_that_does_not_prove_the_password_is_down() {
    let at = server(Method::Scram(Ending::ForgedSignature)).await;
    assert_eq!(
        run(&probe(at, "lb", "pw")).await,
        Verdict::down("pgsql: the server's final SCRAM message: SCRAM verification error (it did not prove it knows the password)")
    );
    let at = server(Method::Scram(Ending::NoFinal)).await;
    assert_eq!(
        run(&probe(at, "lb", "pw")).await,
        Verdict::down(
            "pgsql: the server accepted the SCRAM login without proving it knows the password"
        )
    );
}

#[tokio::test]
async fn scram_plus_only_is_named_as_not_spoken() {
    let at = server(Method::Scram(Ending::PlusOnly)).await;
    assert_eq!(
        run(&probe(at, "lb", "pw")).await,
        Verdict::down("pgsql: the server offers SASL mechanisms SCRAM-SHA-256-PLUS and rvsadmd speaks SCRAM-SHA-256 only")
    );
}

#[test]
fn scram_exchange_matches_an_independent_server() {
    let mechanisms = ["SCRAM-SHA-256".to_string()];
    let (mut x, name) = Scram::start("pw", &mechanisms).unwrap();
    assert_eq!(name, "SCRAM-SHA-256");
    let first = String::from_utf8(x.message().to_vec()).unwrap();
    assert!(first.starts_with("n,,n=,r="), "{first}");
    let (bare, server_first) = fake_scram::server_first(&first).unwrap();
    x.server_first(server_first.as_bytes()).unwrap();
    let client_final = String::from_utf8(x.message().to_vec()).unwrap();
    let (proved, auth_message) =
        fake_scram::check_final("pw", &bare, &server_first, &client_final).unwrap();
    assert!(proved);
    let (_, signature) = fake_scram::prove("pw", fake_scram::SALT, 4096, &auth_message);
    assert!(!x.verified());
    x.server_final(format!("v={signature}").as_bytes()).unwrap();
    assert!(x.verified());
}

#[test]
fn messages_from_any_bytes_do_not_panic() {
    let mut x: u32 = 0x9e37_79b9;
    for i in 0..2000usize {
        let body: Vec<u8> = (0..i % 40)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                x as u8
            })
            .collect();
        for t in [b'R', b'E', b'C', b'D', b'Z', b'S'] {
            let _ = wire::backend(t, &body);
        }
    }
}
