//! A back end for the health-check benchmark (`benches/daemon_bench.py`):
//! accepts TCP connections on `0.0.0.0:PORT` (every address on `lo` of the
//! namespace) and closes them at once, and records, per accepted
//! connection, the time and the local address it was made to. Cheap
//! enough not to be the limit: a blocking accept loop per thread.
//!
//! `accept_close PORT[-LAST] OUT_FILE [THREADS [RATE [REPLY]]]`: listens on PORT
//! (or every port from PORT to LAST, THREADS threads each; accept queues
//! of 128, the standard library's), runs until SIGTERM or SIGINT, then
//! writes `SECONDS_SINCE_EPOCH ADDRESS` lines to OUT_FILE. RATE (default 0:
//! none) caps the accepts per second over all ports: a slow accepter,
//! whose accept queue fills when connections come faster. REPLY (default:
//! none), followed by a newline, is written to each connection before it is
//! closed: a feedback agent's answer such as `50%` (HAProxy's agent-check).

use std::io::Write;
use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

static STOP: AtomicBool = AtomicBool::new(false);

extern "C" fn on_signal(_: nix::libc::c_int) {
    STOP.store(true, Ordering::SeqCst);
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        eprintln!("usage: accept_close PORT[-LAST] OUT_FILE [THREADS [RATE [REPLY]]]");
        std::process::exit(2);
    }
    let (first, last) = match args[1].split_once('-') {
        Some((a, b)) => (a.parse().expect("PORT"), b.parse().expect("LAST")),
        None => {
            let p: u16 = args[1].parse().expect("PORT");
            (p, p)
        }
    };
    let out = args[2].clone();
    let threads: usize = args.get(3).and_then(|t| t.parse().ok()).unwrap_or(2);
    let rate: f64 = args.get(4).and_then(|t| t.parse().ok()).unwrap_or(0.0);
    let reply: Arc<[u8]> = args
        .get(5)
        .map_or_else(Vec::new, |r| format!("{r}\n").into_bytes())
        .into();
    // The next moment an accept may happen (a pace shared by all threads).
    let pace = Arc::new(Mutex::new(Instant::now()));
    let handler = nix::sys::signal::SigHandler::Handler(on_signal);
    // SAFETY: the handler only stores to an atomic.
    unsafe {
        for s in [
            nix::sys::signal::Signal::SIGTERM,
            nix::sys::signal::Signal::SIGINT,
        ] {
            let _ = nix::sys::signal::sigaction(
                s,
                &nix::sys::signal::SigAction::new(
                    handler,
                    nix::sys::signal::SaFlags::empty(),
                    nix::sys::signal::SigSet::empty(),
                ),
            );
        }
    }
    let log: Arc<Mutex<Vec<(f64, std::net::IpAddr)>>> = Arc::new(Mutex::new(Vec::new()));
    let mut hs = Vec::new();
    for port in first..=last {
        let l = Arc::new(TcpListener::bind(("0.0.0.0", port)).expect("bind"));
        l.set_nonblocking(false).ok();
        for _ in 0..threads {
            let (l, log, pace, reply) = (l.clone(), log.clone(), pace.clone(), reply.clone());
            hs.push(std::thread::spawn(move || {
                serve(&l, &log, &pace, rate, &reply)
            }));
        }
    }
    // The accept calls are interrupted by the signal (no SA_RESTART).
    while !STOP.load(Ordering::SeqCst) {
        std::thread::sleep(Duration::from_millis(100));
    }
    // Wake any thread still in accept().
    for port in first..=last {
        for _ in 0..threads {
            let _ = std::net::TcpStream::connect(("127.0.0.1", port));
        }
    }
    for h in hs {
        let _ = h.join();
    }
    let mut f = std::io::BufWriter::new(std::fs::File::create(&out).expect("OUT_FILE"));
    let all = match log.lock() {
        Ok(mut g) => std::mem::take(&mut *g),
        Err(_) => Vec::new(),
    };
    for (t, a) in &all {
        let _ = writeln!(f, "{t:.6} {a}");
    }
}

/// Accept and close on `l` until stopped, at most `rate` a second over
/// every thread sharing `pace` (0: no cap), writing `reply` (if not empty)
/// to each connection first.
fn serve(
    l: &TcpListener,
    log: &Mutex<Vec<(f64, std::net::IpAddr)>>,
    pace: &Mutex<Instant>,
    rate: f64,
    reply: &[u8],
) {
    let mut mine = Vec::with_capacity(1 << 16);
    while !STOP.load(Ordering::SeqCst) {
        if rate > 0.0 {
            let at = match pace.lock() {
                Ok(mut next) => {
                    let at = (*next).max(Instant::now());
                    *next = at + Duration::from_secs_f64(1.0 / rate);
                    at
                }
                Err(_) => Instant::now(),
            };
            std::thread::sleep(at.saturating_duration_since(Instant::now()));
        }
        match l.accept() {
            Ok((mut s, _)) => {
                let t = SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .map_or(0.0, |d| d.as_secs_f64());
                if let Ok(a) = s.local_addr() {
                    mine.push((t, a.ip()));
                }
                if !reply.is_empty() {
                    // A few bytes into an empty send buffer: does not block.
                    let _ = s.write_all(reply);
                }
                drop(s);
            }
            Err(_) => {
                if STOP.load(Ordering::SeqCst) {
                    break;
                }
            }
        }
        if mine.len() >= 4096 {
            if let Ok(mut g) = log.lock() {
                g.append(&mut mine);
            }
        }
    }
    if let Ok(mut g) = log.lock() {
        g.append(&mut mine);
    }
}
