//! `rvsadm top`: a live view of the IPVS table (an extension; ipvsadm has
//! no such command).
//!
//! `data` reads the table (the library's public API) and rvsadmd's status
//! (its control socket) → `model` computes rates, sorts and filters (pure)
//! → `view` draws with ratatui → `input` turns keys into changes of the
//! model. On a terminal it takes the alternate screen in raw mode and gives
//! both back on `q`, on Ctrl-C, on an error, on a panic (ratatui's panic
//! hook) and on SIGTERM, SIGHUP, SIGINT or SIGQUIT (`signals`); when standard output is not a terminal it prints plain-text
//! tables and exits.

mod args;
pub mod data;
pub mod input;
pub mod model;
mod signals;
pub mod view;

pub use args::{command, TopArgs};

use data::Source;
use model::Model;
use ratatui::crossterm::event;
use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

/// Exit: the table could not be read, or the terminal could not be used.
pub const EXIT_FAILED: i32 = 1;
/// Exit: bad command line.
pub const EXIT_USAGE: i32 = 2;

/// The width of the plain-text table when `COLUMNS` does not say.
const TEXT_WIDTH: u16 = 120;

/// Run `rvsadm top` with `argv` (the words after `top`).
pub fn main(argv: &[String], out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let a = match args::parse(argv) {
        Ok(args::Parsed::Run(a)) => a,
        Ok(args::Parsed::Help(text)) => {
            let _ = out.write_all(text.as_bytes());
            return 0;
        }
        Err(message) => {
            let _ = writeln!(err, "rvsadm top: {message}\nTry `rvsadm top --help'.");
            return EXIT_USAGE;
        }
    };
    let mut source = data::Live::new(a.socket.clone());
    if std::io::stdout().is_terminal() {
        live(&a, &mut source, err)
    } else {
        text(&a, &mut source, out, err)
    }
}

fn frame(a: &TopArgs) -> (f64, String) {
    (a.interval.as_secs_f64(), a.socket.display().to_string())
}

/// Plain text: `--iterations` tables (1 by default), each one interval
/// after the read before it.
pub fn text(a: &TopArgs, source: &mut dyn Source, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let (interval, socket) = frame(a);
    let f = view::Frame {
        interval,
        socket: &socket,
    };
    let width = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse::<u16>().ok())
        .filter(|w| *w >= 40)
        .unwrap_or(TEXT_WIDTH);
    let mut m = Model::default();
    for i in 0..=a.iterations.unwrap_or(1) {
        if i > 0 {
            std::thread::sleep(a.interval);
        }
        match source.read() {
            Ok(r) => m.update(r),
            Err(e) => {
                let _ = writeln!(err, "rvsadm top: {e}");
                return EXIT_FAILED;
            }
        }
        if i == 0 {
            continue;
        }
        m.daemon = source.daemon();
        let sep = if i > 1 { "\n" } else { "" };
        let text = format!("{sep}{}", view::text(&m, &f, width));
        if out
            .write_all(text.as_bytes())
            .and_then(|()| out.flush())
            .is_err()
        {
            return EXIT_FAILED;
        }
    }
    0
}

/// Gives the terminal back (raw mode off, the alternate screen left) when
/// dropped: on every way out of [`live`].
struct Restore;

impl Drop for Restore {
    fn drop(&mut self) {
        ratatui::restore();
    }
}

/// The live view, until `q` (or `--iterations` refreshes).
fn live(a: &TopArgs, source: &mut dyn Source, err: &mut dyn Write) -> i32 {
    // try_init also installs ratatui's panic hook, which restores the
    // terminal before the panic is reported.
    let caught = signals::catch();
    let terminal = ratatui::try_init();
    let restore = Restore;
    let result = terminal.and_then(|mut t| {
        let r = run(a, source, &mut t);
        let _ = t.show_cursor();
        r
    });
    drop(restore);
    // Ended by SIGTERM, SIGHUP, SIGINT or SIGQUIT: the terminal is back,
    // the signal is raised again.
    caught.finish();
    match result {
        Ok(()) => 0,
        Err(e) => {
            let _ = writeln!(err, "rvsadm top: the terminal: {e}");
            EXIT_FAILED
        }
    }
}

fn run(
    a: &TopArgs,
    source: &mut dyn Source,
    t: &mut ratatui::DefaultTerminal,
) -> std::io::Result<()> {
    let (interval, socket) = frame(a);
    let f = view::Frame {
        interval,
        socket: &socket,
    };
    let mut m = Model::default();
    let mut next = Instant::now();
    let mut refreshes = 0u64;
    loop {
        if signals::pending().is_some() {
            return Ok(());
        }
        if !m.paused && Instant::now() >= next {
            if a.iterations.is_some_and(|n| refreshes > n) {
                return Ok(());
            }
            refresh(&mut m, source);
            refreshes += 1;
            next = Instant::now() + a.interval;
        }
        t.draw(|fr| view::draw(fr.area(), fr.buffer_mut(), &m, &f))?;
        let wait = if m.paused {
            a.interval
        } else {
            next.saturating_duration_since(Instant::now())
        };
        if !key_within(wait)? {
            continue;
        }
        let ev = event::read()?;
        if let Some(act) = input::action(&ev, m.prompt.is_some()) {
            if !input::apply(&mut m, act) {
                return Ok(());
            }
        }
    }
}

/// Whether an event is ready within `wait` (at most
/// [`signals::CHECK_EVERY`], so a noted signal is seen soon); a poll
/// interrupted by a signal is "no event".
fn key_within(wait: Duration) -> std::io::Result<bool> {
    let wait = wait.clamp(Duration::from_millis(1), signals::CHECK_EVERY);
    match event::poll(wait) {
        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => Ok(false),
        r => r,
    }
}

/// One read of the table and of rvsadmd; a failed read keeps the last
/// rows and says why.
fn refresh(m: &mut Model, source: &mut dyn Source) {
    m.daemon = source.daemon();
    match source.read() {
        Ok(r) => m.update(r),
        Err(e) => m.error = Some(e),
    }
}

#[cfg(test)]
mod tests {
    use super::model::{Counters, Daemon, DestReading, Reading, ServiceReading};
    use super::*;
    use std::io::{Read, Write};
    use std::path::PathBuf;

    /// Reads of a table whose one destination gets 5 connections per read,
    /// and the daemon asked on a real socket.
    struct Fake {
        reads: u64,
        socket: PathBuf,
    }

    impl Source for Fake {
        fn read(&mut self) -> Result<Reading, String> {
            self.reads += 1;
            let c = Counters {
                conns: self.reads * 5,
                inbytes: self.reads * 5000,
                ..Counters::default()
            };
            Ok(Reading {
                at: self.reads as f64 * 0.01,
                services: vec![ServiceReading {
                    key: "tcp:192.0.2.1:80".into(),
                    scheduler: "rr".into(),
                    counters: c,
                    dests: vec![DestReading {
                        addr: "10.0.0.1:80".into(),
                        weight: 2,
                        active: 1,
                        inactive: 0,
                        counters: c,
                    }],
                }],
            })
        }

        fn daemon(&mut self) -> Daemon {
            data::ask_daemon(&self.socket)
        }
    }

    fn args(iterations: u64, socket: &std::path::Path) -> TopArgs {
        TopArgs {
            interval: Duration::from_millis(10),
            iterations: Some(iterations),
            socket: socket.to_path_buf(),
        }
    }

    #[test]
    fn text_mode_prints_frames_with_rates_and_the_daemons_health() {
        let dir = std::env::temp_dir().join(format!("rvsadm-top-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let socket = dir.join("s.sock");
        let l = std::os::unix::net::UnixListener::bind(&socket).unwrap();
        let server = std::thread::spawn(move || {
            for _ in 0..2 {
                let (mut c, _) = l.accept().unwrap();
                let mut req = String::new();
                c.read_to_string(&mut req).unwrap();
                assert_eq!(req, "{\"command\":\"status\"}\n");
                c.write_all(
                    concat!(
                        r#"{"destinations":[{"admin":"drained","check":"http","configured":2,"#,
                        r#""destination":"10.0.0.1:80","health":"up","last":null,"#,
                        r#""latency_ms":null,"service":"tcp:192.0.2.1:80","since":1.0,"#,
                        r#""weight":0}],"ok":true}"#,
                        "\n"
                    )
                    .as_bytes(),
                )
                .unwrap();
            }
        });
        let mut fake = Fake {
            reads: 0,
            socket: socket.clone(),
        };
        let (mut out, mut err) = (Vec::new(), Vec::new());
        assert_eq!(text(&args(2, &socket), &mut fake, &mut out, &mut err), 0);
        server.join().unwrap();
        let out = String::from_utf8(out).unwrap();
        let frames: Vec<&str> = out.split("\n\n").collect();
        assert_eq!(frames.len(), 2, "{out}");
        for f in frames {
            let lines: Vec<&str> = f.lines().collect();
            assert!(
                lines[0].contains(&format!("rvsadmd: {}", socket.display())),
                "{f}"
            );
            // 5 connections in 0.01 s: 500 conn/s, 500K bytes/s.
            let svc: Vec<&str> = lines[2].split_whitespace().collect();
            assert_eq!(
                svc,
                [
                    "tcp:192.0.2.1:80",
                    "1",
                    "0",
                    "500.0",
                    "0.0",
                    "500.0K",
                    "1/1",
                    "up"
                ]
            );
            assert!(lines[3].ends_with(" up        drained"), "{f:?}");
        }
        assert_eq!(fake.reads, 3, "one read before the first frame");
        // No daemon there now: the columns say n/a, not an error.
        std::fs::remove_file(&socket).unwrap();
        let mut out = Vec::new();
        assert_eq!(text(&args(1, &socket), &mut fake, &mut out, &mut err), 0);
        let out = String::from_utf8(out).unwrap();
        assert!(out.contains("rvsadmd: no answer at"), "{out}");
        assert!(
            out.lines().nth(3).unwrap().ends_with("n/a       n/a"),
            "{out}"
        );
        assert!(err.is_empty());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
