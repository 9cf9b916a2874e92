//! Back ends for the daemon tests: HTTP and HTTPS servers on addresses of
//! the test's namespace.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How a back end answers.
#[derive(Clone, Copy, PartialEq)]
pub enum Mode {
    /// `HTTP/1.0 200 OK`, body `healthy`.
    Ok,
    /// Accepts, then never answers.
    Hang,
}

/// A server on `addr` until dropped.
pub struct Backend {
    stop: Arc<AtomicBool>,
    addr: String,
}

impl Backend {
    pub fn start(addr: &str, mode: Mode) -> Backend {
        let l = TcpListener::bind(addr).unwrap_or_else(|e| panic!("bind {addr}: {e}"));
        l.set_nonblocking(true).unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let s = stop.clone();
        std::thread::spawn(move || {
            let mut held = Vec::new();
            while !s.load(Ordering::SeqCst) {
                match l.accept() {
                    Ok((mut c, _)) => {
                        if mode == Mode::Hang {
                            held.push(c);
                            continue;
                        }
                        let _ = c.set_nonblocking(false);
                        let _ = c.set_read_timeout(Some(Duration::from_secs(2)));
                        let mut b = [0u8; 2048];
                        let _ = c.read(&mut b);
                        let _ =
                            c.write_all(b"HTTP/1.0 200 OK\r\nContent-Length: 8\r\n\r\nhealthy\n");
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(20)),
                }
            }
        });
        Backend {
            stop,
            addr: addr.to_string(),
        }
    }
}

impl Drop for Backend {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wait until the port refuses connections.
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline && TcpStream::connect(&self.addr).is_ok() {
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// Put `addrs` on `lo` (as /32s).
pub fn add_addrs(addrs: &[&str]) {
    for a in addrs {
        let o = super::run("ip", &["addr", "add", &format!("{a}/32"), "dev", "lo"]);
        assert!(o.status.success(), "ip addr add {a}: {o:?}");
    }
}

/// `openssl s_server -www` on `addr` with a self-signed certificate for
/// `name`; killed when dropped.
pub struct TlsServer(Child);

impl TlsServer {
    /// Start it (making the certificate in `dir` once).
    pub fn start(dir: &Path, addr: &str, name: &str) -> TlsServer {
        let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
        if !cert.exists() {
            let o = Command::new("openssl")
                .args([
                    "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                ])
                .arg(format!("/CN={name}"))
                .arg("-keyout")
                .arg(&key)
                .arg("-out")
                .arg(&cert)
                .output()
                .expect("openssl req");
            assert!(o.status.success(), "{o:?}");
        }
        let c = Command::new("openssl")
            .args(["s_server", "-quiet", "-www", "-accept", addr, "-cert"])
            .arg(&cert)
            .arg("-key")
            .arg(&key)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("openssl s_server");
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(addr).is_err() {
            assert!(
                Instant::now() < deadline,
                "openssl s_server did not start on {addr}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        TlsServer(c)
    }
}

impl Drop for TlsServer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// How a UDP back end answers.
#[derive(Clone, Copy, PartialEq)]
pub enum UdpMode {
    /// The datagram back as it came.
    Echo,
    /// A DNS reply to a query: its id and question, `QR` set, NOERROR,
    /// no answers.
    Dns,
}

/// A UDP server on `addr` until dropped.
pub struct UdpServer {
    stop: Arc<AtomicBool>,
    done: Option<std::thread::JoinHandle<()>>,
}

impl UdpServer {
    pub fn start(addr: &str, mode: UdpMode) -> UdpServer {
        let s = std::net::UdpSocket::bind(addr).unwrap_or_else(|e| panic!("bind udp {addr}: {e}"));
        s.set_read_timeout(Some(Duration::from_millis(50))).unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let halt = stop.clone();
        let done = std::thread::spawn(move || {
            let mut b = [0u8; 2048];
            while !halt.load(Ordering::SeqCst) {
                let Ok((n, from)) = s.recv_from(&mut b) else {
                    continue;
                };
                let mut reply = b[..n].to_vec();
                if mode == UdpMode::Dns && reply.len() >= 12 {
                    // QR and the query's opcode and RD; RA, RCODE 0.
                    reply[2] |= 0x80;
                    reply[3] = 0x80;
                }
                let _ = s.send_to(&reply, from);
            }
        });
        UdpServer {
            stop,
            done: Some(done),
        }
    }
}

impl Drop for UdpServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // The socket is closed when the thread ends.
        if let Some(t) = self.done.take() {
            let _ = t.join();
        }
    }
}

/// Take `addrs` off `lo` again.
pub fn del_addrs(addrs: &[&str]) {
    for a in addrs {
        let o = super::run("ip", &["addr", "del", &format!("{a}/32"), "dev", "lo"]);
        assert!(o.status.success(), "ip addr del {a}: {o:?}");
    }
}
