use super::*;
use crate::config::Pattern;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

/// An FTP server's side: `anonymous` needs no password, `lb` needs `pw`;
/// `/health.txt` holds `status: ok`.
async fn converse(s: tokio::net::TcpStream) -> Option<()> {
    let (r, mut w) = s.into_split();
    w.write_all(b"220-Welcome\r\nsome text\r\n220 ready\r\n")
        .await
        .ok()?;
    let mut lines = BufReader::new(r).lines();
    let mut user = String::new();
    let mut data: Option<tokio::net::TcpListener> = None;
    while let Ok(Some(l)) = lines.next_line().await {
        let (cmd, arg) = l.split_once(' ').unwrap_or((l.as_str(), ""));
        let answer: String = match cmd {
            "USER" if arg == "anonymous" => "230 logged in\r\n".into(),
            "USER" => {
                user = arg.to_string();
                "331 password please\r\n".into()
            }
            "PASS" if user == "lb" && arg == "pw" => "230 logged in\r\n".into(),
            "PASS" => "530 Login incorrect.\r\n".into(),
            "TYPE" => "200 binary\r\n".into(),
            "PASV" => {
                let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.ok()?;
                let port = l.local_addr().ok()?.port();
                data = Some(l);
                format!(
                    "227 Entering Passive Mode (127,0,0,1,{},{})\r\n",
                    port >> 8,
                    port & 0xff
                )
            }
            "RETR" if arg == "/health.txt" => {
                let l = data.take()?;
                w.write_all(b"150 opening\r\n").await.ok()?;
                let (mut d, _) = l.accept().await.ok()?;
                d.write_all(b"status: ok\n").await.ok()?;
                drop(d);
                "226 done\r\n".into()
            }
            "RETR" => "550 no such file\r\n".into(),
            "QUIT" => "221 bye\r\n".into(),
            _ => "502 what\r\n".into(),
        };
        w.write_all(answer.as_bytes()).await.ok()?;
    }
    Some(())
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

fn probe(target: SocketAddr, user: &str, password: &str, path: &str) -> FtpProbe {
    FtpProbe {
        target,
        user: user.into(),
        password: password.into(),
        path: path.into(),
        expect: Some(Pattern::new("status: ok").unwrap()),
    }
}

async fn run(p: &FtpProbe) -> Verdict {
    check(
        p,
        &Source::default(),
        Instant::now() + Duration::from_secs(5),
    )
    .await
}

#[tokio::test]
async fn login_and_retrieve_a_file() {
    let at = server().await;
    let up = Verdict::up("/health.txt retrieved (11 bytes)");
    assert_eq!(run(&probe(at, "anonymous", "x@", "/health.txt")).await, up);
    assert_eq!(run(&probe(at, "lb", "pw", "/health.txt")).await, up);
    assert_eq!(
        run(&probe(at, "lb", "bad", "/health.txt")).await,
        Verdict::down("ftp: PASS answered `530 Login incorrect.`")
    );
    assert_eq!(
        run(&probe(at, "lb", "pw", "/none")).await,
        Verdict::down("ftp: RETR /none answered `550 no such file`")
    );
    let p = FtpProbe {
        expect: Some(Pattern::new("^fine").unwrap()),
        ..probe(at, "lb", "pw", "/health.txt")
    };
    assert_eq!(
        run(&p).await,
        Verdict::down("ftp: /health.txt (11 bytes) does not match `^fine`")
    );
}
