//! `rvsadmd --ldirectord` against Debian's ldirectord on negotiate checks
//! of services other than HTTP (inside the VM): a mysql check (with login,
//! database and a query) of a small server that speaks the MySQL
//! handshake, a dns check of a small UDP responder, an smtp check and an
//! ldap check (bind and base search) of small servers. Both daemons check
//! the same servers through the same steps (a query that returns no row,
//! a refused login, a wrong or missing answer, a server gone and back);
//! the table after every step must be the same.

mod common;

use common::backend::add_addrs;
use common::settle::{
    require_oracle_ran, require_same, rvsadmd_command, spawn_logged, stop, table, Steps, Tables,
};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream, UdpSocket};
use std::path::Path;
use std::process::Child;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What a fake server answers, switched while it runs.
#[derive(Clone)]
struct Switch(Arc<AtomicU8>);

impl Switch {
    fn new(v: u8) -> Switch {
        Switch(Arc::new(AtomicU8::new(v)))
    }
    fn set(&self, v: u8) {
        self.0.store(v, Ordering::SeqCst);
    }
    fn get(&self) -> u8 {
        self.0.load(Ordering::SeqCst)
    }
}

/// MySQL fake: the query returns a row.
const ROWS: u8 = 0;
/// MySQL fake: the query returns no row.
const NO_ROWS: u8 = 1;
/// MySQL fake: every login is denied.
const DENIED: u8 = 2;

/// A server on a thread until dropped (then its port is closed).
struct Server {
    stop: Arc<AtomicBool>,
    done: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.done.take() {
            let _ = t.join();
        }
    }
}

fn packet(seq: u8, p: &[u8]) -> Vec<u8> {
    let mut out = (p.len() as u32).to_le_bytes()[..3].to_vec();
    out.push(seq);
    out.extend_from_slice(p);
    out
}

fn read_packet(s: &mut TcpStream) -> Option<(u8, Vec<u8>)> {
    let mut h = [0u8; 4];
    s.read_exact(&mut h).ok()?;
    let len = usize::from(h[0]) | usize::from(h[1]) << 8 | usize::from(h[2]) << 16;
    let mut p = vec![0u8; len];
    s.read_exact(&mut p).ok()?;
    Some((h[3], p))
}

/// The handshake: protocol 10, mysql_native_password, scramble of 20
/// bytes, no TLS, no compression, no CLIENT_DEPRECATE_EOF.
fn greeting() -> Vec<u8> {
    let scramble = b"0123456789abcdefghij";
    let mut p = vec![10];
    p.extend_from_slice(b"5.5.5-10.11.6-MariaDB-fake\0");
    p.extend_from_slice(&1u32.to_le_bytes());
    p.extend_from_slice(&scramble[..8]);
    p.push(0);
    p.extend_from_slice(&0xf7dfu16.to_le_bytes());
    p.push(45);
    p.extend_from_slice(&2u16.to_le_bytes());
    p.extend_from_slice(&0x000fu16.to_le_bytes());
    p.push(21);
    p.extend_from_slice(&[0; 10]);
    p.extend_from_slice(&scramble[8..]);
    p.push(0);
    p.extend_from_slice(b"mysql_native_password\0");
    p
}

fn ok_packet() -> Vec<u8> {
    vec![0, 0, 0, 2, 0, 0, 0]
}

/// One client: greeting, login (any token unless DENIED: the login is
/// what both daemons send alike, its hashing is unit-tested), then
/// queries: a SELECT answered by the switch, anything else OK.
fn mysql_client(mut s: TcpStream, sw: &Switch) -> Option<()> {
    s.write_all(&packet(0, &greeting())).ok()?;
    let (seq, _) = read_packet(&mut s)?;
    if sw.get() == DENIED {
        let mut e = vec![0xff, 0x15, 0x04, b'#'];
        e.extend_from_slice(b"28000Access denied for user 'lb'@'10.0.0.1' (using password: YES)");
        s.write_all(&packet(seq + 1, &e)).ok()?;
        return Some(());
    }
    s.write_all(&packet(seq + 1, &ok_packet())).ok()?;
    loop {
        let (_, cmd) = read_packet(&mut s)?;
        let mut out = Vec::new();
        match cmd.first() {
            Some(0x01) | None => return Some(()),
            Some(0x03) if cmd[1..].to_ascii_uppercase().starts_with(b"SELECT") => {
                let eof = [0xfe, 0, 0, 2, 0];
                out.extend(packet(1, &[1]));
                let mut col = Vec::new();
                for t in ["def", "app", "health", "health", "alive", "alive"] {
                    col.push(t.len() as u8);
                    col.extend_from_slice(t.as_bytes());
                }
                col.extend_from_slice(&[0x0c, 45, 0, 4, 0, 0, 0, 0xfd, 0, 0, 0, 0, 0]);
                out.extend(packet(2, &col));
                out.extend(packet(3, &eof));
                let mut seq = 4;
                if sw.get() == ROWS {
                    out.extend(packet(seq, b"\x011"));
                    seq += 1;
                }
                out.extend(packet(seq, &eof));
            }
            Some(_) => out.extend(packet(1, &ok_packet())),
        }
        s.write_all(&out).ok()?;
    }
}

fn mysql_server(addr: &str, sw: &Switch) -> Server {
    tcp_server(addr, sw, mysql_client)
}

/// DNS fake: the A record of any name asked is 192.0.2.N for switch N;
/// 0: NXDOMAIN.
fn dns_reply(q: &[u8], n: u8) -> Option<Vec<u8>> {
    let mut at = 12;
    while *q.get(at)? != 0 {
        at += usize::from(q[at]) + 1;
    }
    let question = q.get(12..at + 5)?;
    let mut r = q.get(..2)?.to_vec();
    r.extend_from_slice(&[0x81, if n == 0 { 0x83 } else { 0x80 }]);
    r.extend_from_slice(&[0, 1, 0, u8::from(n != 0), 0, 0, 0, 0]);
    r.extend_from_slice(question);
    if n != 0 {
        r.extend_from_slice(&[0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, n]);
    }
    Some(r)
}

fn dns_server(addr: &str, sw: &Switch) -> Server {
    let s = UdpSocket::bind(addr).unwrap_or_else(|e| panic!("bind udp {addr}: {e}"));
    s.set_read_timeout(Some(Duration::from_millis(50))).unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let halt = stop.clone();
    let sw = sw.clone();
    let done = std::thread::spawn(move || {
        let mut b = [0u8; 2048];
        while !halt.load(Ordering::SeqCst) {
            let Ok((n, from)) = s.recv_from(&mut b) else {
                continue;
            };
            if let Some(r) = dns_reply(&b[..n], sw.get()) {
                let _ = s.send_to(&r, from);
            }
        }
    });
    Server {
        stop,
        done: Some(done),
    }
}

/// Serve each connection to `addr` with `client` on a thread of its own.
fn tcp_server(addr: &str, sw: &Switch, client: fn(TcpStream, &Switch) -> Option<()>) -> Server {
    let l = TcpListener::bind(addr).unwrap_or_else(|e| panic!("bind {addr}: {e}"));
    l.set_nonblocking(true).unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let halt = stop.clone();
    let sw = sw.clone();
    let done = std::thread::spawn(move || {
        while !halt.load(Ordering::SeqCst) {
            match l.accept() {
                Ok((c, _)) => {
                    let _ = c.set_nonblocking(false);
                    let _ = c.set_read_timeout(Some(Duration::from_secs(5)));
                    let sw = sw.clone();
                    std::thread::spawn(move || client(c, &sw));
                }
                Err(_) => std::thread::sleep(Duration::from_millis(20)),
            }
        }
    });
    Server {
        stop,
        done: Some(done),
    }
}

/// SMTP fake: 0 greets 220 and takes EHLO and HELO; 1 greets 554; 2
/// refuses EHLO and HELO (550).
fn smtp_client(mut s: TcpStream, sw: &Switch) -> Option<()> {
    let mode = sw.get();
    let greeting: &[u8] = if mode == 1 {
        b"554 no service\r\n"
    } else {
        b"220-mx.test ESMTP\r\n220 ready\r\n"
    };
    s.write_all(greeting).ok()?;
    let mut r = std::io::BufReader::new(s.try_clone().ok()?);
    let mut line = String::new();
    while {
        line.clear();
        std::io::BufRead::read_line(&mut r, &mut line).ok()? > 0
    } {
        let verb = line.get(..4).unwrap_or("").to_ascii_uppercase();
        let answer: &[u8] = match verb.as_str() {
            "EHLO" | "HELO" if mode == 2 => b"550 go away\r\n",
            "EHLO" => b"250-mx.test\r\n250 8BITMIME\r\n",
            "HELO" => b"250 mx.test\r\n",
            "QUIT" => b"221 bye\r\n",
            _ => b"500 what\r\n",
        };
        s.write_all(answer).ok()?;
    }
    Some(())
}

/// LDAP fake: binds succeed (0), or are refused with 49 (1); a search
/// finds the entry `dc=example` (0), or none (2: result 32).
fn ldap_client(mut s: TcpStream, sw: &Switch) -> Option<()> {
    use rvsadmd::probe::ldap::ber::{elements, encode, read, small};
    let mut buf = Vec::new();
    let mut chunk = [0u8; 2048];
    loop {
        let (id, op_tag) = loop {
            if let Ok(Some((t, n))) = read(&buf) {
                let parts = elements(t.value).ok()?;
                let r = (*parts.first()?.value.last()?, parts.get(1)?.tag);
                buf.drain(..n);
                break r;
            }
            let n = s.read(&mut chunk).ok()?;
            if n == 0 {
                return Some(());
            }
            buf.extend_from_slice(&chunk[..n]);
        };
        let result = |tag: u8, code: u8| {
            let op = [small(0x0a, code), encode(0x04, b""), encode(0x04, b"")].concat();
            encode(0x30, &[small(0x02, id), encode(tag, &op)].concat())
        };
        let out = match (op_tag, sw.get()) {
            (0x60, 1) => result(0x61, 49),
            (0x60, _) => result(0x61, 0),
            (0x63, 2) => result(0x65, 32),
            (0x63, _) => {
                let entry = [encode(0x04, b"dc=example"), encode(0x30, &[])].concat();
                let entry = encode(0x30, &[small(0x02, id), encode(0x64, &entry)].concat());
                [entry, result(0x65, 0)].concat()
            }
            _ => return Some(()),
        };
        s.write_all(&out).ok()?;
    }
}

fn smtp_server(addr: &str, sw: &Switch) -> Server {
    tcp_server(addr, sw, smtp_client)
}

fn ldap_server(addr: &str, sw: &Switch) -> Server {
    tcp_server(addr, sw, ldap_client)
}

#[derive(Clone, Copy, PartialEq)]
enum Who {
    Ldirectord,
    Rvsadmd,
}

fn start(who: Who, dir: &Path, cf: &Path) -> Child {
    let (c, log) = match who {
        Who::Ldirectord => (common::ldirectord::command(cf), "ldirectord.log"),
        Who::Rvsadmd => (rvsadmd_command("--ldirectord", cf, dir), "rvsadmd.log"),
    };
    spawn_logged(c, dir, log)
}

/// The steps of a scenario: it changes the servers through `change` (of
/// 10.0.0.1 or 10.0.0.2: a new switch, restarting the server if gone, or
/// `None`: gone) and records the table.
type Script = fn(&mut Steps<'_>, &mut dyn FnMut(usize, Option<u8>));

/// A scenario: the file, the servers and what they answer first, the
/// steps.
struct Case {
    name: &'static str,
    cf: &'static str,
    serve: fn(&str, &Switch) -> Server,
    addrs: [&'static str; 2],
    first: u8,
    script: Script,
}

fn scenario(who: Who, c: &Case, oracle: Option<&[(String, Vec<String>)]>) -> Tables {
    let dir = std::env::temp_dir().join(format!(
        "ldp-{}-{}-{}",
        c.name,
        matches!(who, Who::Rvsadmd),
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let cf = dir.join("test.cf");
    std::fs::write(&cf, c.cf).unwrap();
    add_addrs(&["10.0.0.1", "10.0.0.2"]);
    let mut steps = Steps::new(oracle);
    if who == Who::Ldirectord {
        steps = steps.with_check_log(common::ldirectord::checks(dir.join("ldirectord.log")));
    }
    let switches = [Switch::new(c.first), Switch::new(c.first)];
    let mut servers: Vec<Option<Server>> = c
        .addrs
        .iter()
        .zip(&switches)
        .map(|(a, s)| Some((c.serve)(a, s)))
        .collect();
    let d = start(who, &dir, &cf);
    let t = Instant::now();
    while !table().iter().any(|l| l.contains("192.0.2.10:"))
        && t.elapsed() < Duration::from_secs(60)
    {
        std::thread::sleep(Duration::from_millis(200));
    }
    let mut change = |i: usize, v: Option<u8>| match v {
        Some(v) => {
            switches[i].set(v);
            if servers[i].is_none() {
                servers[i] = Some((c.serve)(c.addrs[i], &switches[i]));
            }
        }
        None => servers[i] = None,
    };
    (c.script)(&mut steps, &mut change);
    stop(d);
    steps.forget_check_log();
    steps.record("stopped", Duration::from_secs(1));
    if std::env::var("RVSADM_DIFF_LOGS").is_ok() {
        for log in ["ldirectord.log", "rvsadmd.log"] {
            eprintln!(
                "{}",
                std::fs::read_to_string(dir.join(log)).unwrap_or_default()
            );
        }
    }
    steps.out
}

fn compare(c: &Case) {
    let oracle = {
        let Some(_ns) = common::kernel_netns(c.name) else {
            return;
        };
        scenario(Who::Ldirectord, c, None)
    };
    require_oracle_ran(c.name, "ldirectord", &oracle, 3);
    eprintln!("{}: ldirectord's tables: {oracle:#?}", c.name);
    let Some(_ns) = common::kernel_netns(c.name) else {
        return;
    };
    let ours = scenario(Who::Rvsadmd, c, Some(&oracle));
    require_same(c.name, "ldirectord", &oracle, &ours);
}

const STILL: Duration = Duration::from_secs(5);

#[test]
fn mysql_login_database_and_query() {
    compare(&Case {
        name: "mysql_login_database_and_query",
        cf: "negotiatetimeout=3\ncheckinterval=1\nquiescent=yes\n\
virtual=192.0.2.10:3306\n\
\treal=10.0.0.1:3306 masq\n\
\treal=10.0.0.2:3306 masq 2\n\
\tservice=mysql\n\
\tlogin=\"lb\"\n\
\tpasswd=\"pw\"\n\
\tdatabase=\"app\"\n\
\trequest=\"SELECT alive FROM health\"\n",
        serve: mysql_server,
        addrs: ["10.0.0.1:3306", "10.0.0.2:3306"],
        first: ROWS,
        script: |steps, change| {
            steps.record("started, both answer a row", STILL);
            change(1, Some(NO_ROWS));
            steps.record("10.0.0.2 returns no row", STILL);
            change(0, Some(DENIED));
            steps.record("10.0.0.1 denies the login", STILL);
            change(1, Some(ROWS));
            steps.record("10.0.0.2 returns a row again", STILL);
            change(0, None);
            steps.record("10.0.0.1 gone", STILL);
            change(0, Some(ROWS));
            steps.record("10.0.0.1 back", STILL);
        },
    });
}

#[test]
fn dns_lookup_matches_receive() {
    compare(&Case {
        name: "dns_lookup_matches_receive",
        cf: "negotiatetimeout=3\ncheckinterval=1\nquiescent=no\n\
virtual=192.0.2.10:53\n\
\treal=10.0.0.1:53 masq\n\
\treal=10.0.0.2:53 masq 3\n\
\tprotocol=udp\n\
\tservice=dns\n\
\trequest=\"www.example.com\"\n\
\treceive=\"^192\\.0\\.2\\.7$\"\n",
        serve: dns_server,
        addrs: ["10.0.0.1:53", "10.0.0.2:53"],
        first: 7,
        script: |steps, change| {
            steps.record("started, both answer 192.0.2.7", STILL);
            change(1, Some(8));
            steps.record("10.0.0.2 answers another address", STILL);
            change(0, Some(0));
            steps.record("10.0.0.1 answers NXDOMAIN", STILL);
            change(1, Some(7));
            steps.record("10.0.0.2 right again", STILL);
            change(0, None);
            steps.record("10.0.0.1 gone", STILL);
            change(0, Some(7));
            steps.record("10.0.0.1 back", STILL);
        },
    });
}

#[test]
fn smtp_greeting_and_hello() {
    compare(&Case {
        name: "smtp_greeting_and_hello",
        cf: "negotiatetimeout=3\ncheckinterval=1\nquiescent=yes\n\
virtual=192.0.2.10:25\n\
\treal=10.0.0.1:25 masq\n\
\treal=10.0.0.2:25 masq 2\n",
        serve: smtp_server,
        addrs: ["10.0.0.1:25", "10.0.0.2:25"],
        first: 0,
        script: |steps, change| {
            steps.record("started, both greet", STILL);
            change(1, Some(1));
            steps.record("10.0.0.2 greets 554", STILL);
            change(0, Some(2));
            steps.record("10.0.0.1 refuses the hello", STILL);
            change(1, Some(0));
            steps.record("10.0.0.2 greets again", STILL);
            change(0, None);
            steps.record("10.0.0.1 gone", STILL);
            change(0, Some(0));
            steps.record("10.0.0.1 back", STILL);
        },
    });
}

#[test]
fn ldap_bind_and_base_search() {
    compare(&Case {
        name: "ldap_bind_and_base_search",
        cf: "negotiatetimeout=3\ncheckinterval=1\nquiescent=no\n\
virtual=192.0.2.10:389\n\
\treal=10.0.0.1:389 masq\n\
\treal=10.0.0.2:389 masq 3\n\
\tlogin=\"cn=lb,dc=example\"\n\
\tpasswd=\"pw\"\n\
\trequest=\"dc=example\"\n\
\treceive=\"example\"\n",
        serve: ldap_server,
        addrs: ["10.0.0.1:389", "10.0.0.2:389"],
        first: 0,
        script: |steps, change| {
            steps.record("started, both find the entry", STILL);
            change(1, Some(1));
            steps.record("10.0.0.2 refuses the bind", STILL);
            change(0, Some(2));
            steps.record("10.0.0.1 finds no entry", STILL);
            change(1, Some(0));
            steps.record("10.0.0.2 binds again", STILL);
            change(0, None);
            steps.record("10.0.0.1 gone", STILL);
            change(0, Some(0));
            steps.record("10.0.0.1 back", STILL);
        },
    });
}
