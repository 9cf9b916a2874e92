//! `rvsadmd --ldirectord` against Debian's ldirectord 4.12 (inside the VM)
//! on the modes and checks beyond `diff_ldirectord.rs`: `fork = yes` with
//! virtuals at their own `checkinterval`, `maintenancedir` (and
//! `callback`), `checktype = ping`, `checktype = N`, HTTP redirects. Each
//! daemon runs the same scenario in a fresh network namespace; the table
//! (`ipvsadm -Sn`) after every step must be the same.

mod common;

use common::backend::{add_addrs, del_addrs, Backend, Mode};
use common::settle::{
    require_oracle_ran, require_same, rvsadmd_command, spawn_logged, stop, table, Steps, Tables,
};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command};
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Clone, Copy, PartialEq)]
enum Who {
    Ldirectord,
    Rvsadmd,
}

impl Who {
    fn log(self) -> &'static str {
        match self {
            Who::Ldirectord => "ldirectord.log",
            Who::Rvsadmd => "rvsadmd.log",
        }
    }
}

/// One daemon's run of a scenario: its directory (`{DIR}` in the
/// configuration), the daemon, the tables so far.
struct Run<'a> {
    who: Who,
    dir: PathBuf,
    cf: PathBuf,
    daemon: Option<Child>,
    steps: Steps<'a>,
}

/// How long the table must stay still to count as settled.
const STILL: Duration = Duration::from_secs(4);

impl Run<'_> {
    /// Start the daemon and wait for its first writes to `vip`.
    fn start(&mut self, vip: &str) {
        let c = match self.who {
            Who::Ldirectord => common::ldirectord::command(&self.cf),
            Who::Rvsadmd => rvsadmd_command("--ldirectord", &self.cf, &self.dir),
        };
        self.daemon = Some(spawn_logged(c, &self.dir, self.who.log()));
        let t = Instant::now();
        while !table().iter().any(|l| l.contains(vip)) && t.elapsed() < Duration::from_secs(60) {
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    fn record(&mut self, step: &str) {
        self.steps.record(step, STILL);
    }

    /// Stop the daemon and record the table it leaves.
    fn stop(&mut self) {
        if let Some(d) = self.daemon.take() {
            stop(d);
        }
        self.steps.forget_check_log();
        self.steps.record("stopped", Duration::from_secs(1));
        if std::env::var("RVSADM_DIFF_LOGS").is_ok() {
            eprintln!(
                "{}",
                std::fs::read_to_string(self.dir.join(self.who.log())).unwrap_or_default()
            );
        }
    }

    /// The daemon's log so far.
    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join(self.who.log())).unwrap_or_default()
    }
}

/// Run `script` with `who` on `cf` (`{DIR}` replaced by the run's
/// directory) in the current namespace.
fn scenario(
    who: Who,
    name: &str,
    cf: &str,
    script: fn(&mut Run),
    oracle: Option<&[(String, Vec<String>)]>,
) -> Tables {
    let dir = std::env::temp_dir().join(format!(
        "ldm-{name}-{}-{}",
        who == Who::Rvsadmd,
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let cf_path = dir.join("test.cf");
    std::fs::write(&cf_path, cf.replace("{DIR}", &dir.display().to_string())).unwrap();
    let mut steps = Steps::new(oracle);
    if who == Who::Ldirectord {
        steps = steps.with_check_log(common::ldirectord::checks(dir.join(who.log())));
    }
    let mut run = Run {
        who,
        dir,
        cf: cf_path,
        daemon: None,
        steps,
    };
    script(&mut run);
    if run.daemon.is_some() {
        run.stop();
    }
    run.steps.out
}

/// The scenario with ldirectord, then with rvsadmd: the same tables.
fn compare(name: &str, cf: &str, script: fn(&mut Run)) {
    let oracle = {
        let Some(_ns) = common::kernel_netns(name) else {
            return;
        };
        scenario(Who::Ldirectord, name, cf, script, None)
    };
    require_oracle_ran(name, "ldirectord", &oracle, 3);
    eprintln!("{name}: ldirectord's tables: {oracle:#?}");
    let Some(_ns) = common::kernel_netns(name) else {
        return;
    };
    let ours = scenario(Who::Rvsadmd, name, cf, script, Some(&oracle));
    require_same(name, "ldirectord", &oracle, &ours);
}

/// Whether the table holds real `real` in virtual `vip`.
fn holds(t: &[String], vip: &str, real: &str) -> bool {
    t.iter()
        .any(|l| l.starts_with(&format!("-a -t {vip} -r {real} ")))
}

// fork = yes: 192.0.2.10 is checked every second, 192.0.2.20 once an hour
// (its own checkinterval; without fork both would be checked every 2 s).
// 192.0.2.20's reals are in the table before the start: rvsadmd keeps
// what is there until a real's first check (an hour away), ldirectord
// checks every real at its start. When 10.0.0.2 stops, only 192.0.2.10
// notices.
#[test]
fn fork_checks_each_virtual_at_its_own_interval() {
    compare(
        "fork_checks_each_virtual_at_its_own_interval",
        "checktimeout=2\ncheckinterval=2\nfork=yes\n\
virtual=192.0.2.10:80\n\
\treal=10.0.0.1:80 masq\n\
\treal=10.0.0.2:80 masq\n\
\tchecktype=connect\n\
\tcheckinterval=1\n\
virtual=192.0.2.20:80\n\
\treal=10.0.0.1:80 masq 2\n\
\treal=10.0.0.2:80 masq 3\n\
\tchecktype=connect\n\
\tcheckinterval=3600\n",
        |r| {
            add_addrs(&["10.0.0.1", "10.0.0.2"]);
            for args in [
                &["-A", "-t", "192.0.2.20:80", "-s", "wrr"][..],
                &[
                    "-a",
                    "-t",
                    "192.0.2.20:80",
                    "-r",
                    "10.0.0.1:80",
                    "-m",
                    "-w",
                    "2",
                ],
                &[
                    "-a",
                    "-t",
                    "192.0.2.20:80",
                    "-r",
                    "10.0.0.2:80",
                    "-m",
                    "-w",
                    "3",
                ],
            ] {
                let o = common::ipvsadm(args);
                assert!(o.status.success(), "{o:?}");
            }
            let _a = Backend::start("10.0.0.1:80", Mode::Ok);
            let b = Backend::start("10.0.0.2:80", Mode::Ok);
            r.start("192.0.2.10:80");
            r.record("started, both up");
            drop(b);
            r.record("10.0.0.2 stopped");
            let t = &r.steps.out[1].1;
            assert!(
                !holds(t, "192.0.2.10:80", "10.0.0.2:80")
                    && holds(t, "192.0.2.20:80", "10.0.0.2:80"),
                "{}: {t:#?}\n{}",
                r.who.log(),
                r.log()
            );
            let _b = Backend::start("10.0.0.2:80", Mode::Ok);
            r.record("10.0.0.2 back");
        },
    );
}

// maintenancedir: a file named IP:PORT, then one named IP, takes the real
// out (quiescent = no) while it exists; rvsadmd's status says why. The
// callback runs with the file's path when the file changes on disk.
#[test]
fn maintenancedir_files_and_the_callback() {
    compare(
        "maintenancedir_files_and_the_callback",
        "checktimeout=2\ncheckinterval=1\nmaintenancedir={DIR}/maint\ncallback=\"{DIR}/cb.sh\"\n\
virtual=192.0.2.10:80\n\
\treal=10.0.0.1:80 masq\n\
\treal=10.0.0.2:80 masq 2\n\
\tchecktype=connect\n",
        |r| {
            add_addrs(&["10.0.0.1", "10.0.0.2"]);
            let maint = r.dir.join("maint");
            std::fs::create_dir_all(&maint).unwrap();
            let out = r.dir.join("cb.out");
            let cb = r.dir.join("cb.sh");
            std::fs::write(
                &cb,
                format!("#!/bin/sh\necho \"$@\" >> {}\n", out.display()),
            )
            .unwrap();
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&cb, std::fs::Permissions::from_mode(0o755)).unwrap();
            let _a = Backend::start("10.0.0.1:80", Mode::Ok);
            let _b = Backend::start("10.0.0.2:80", Mode::Ok);
            r.start("192.0.2.10:80");
            r.record("started, both up");
            std::fs::write(maint.join("10.0.0.2:80"), "").unwrap();
            r.record("10.0.0.2:80 in maintenance");
            if r.who == Who::Rvsadmd {
                let o = Command::new(common::settle::rvsadmd_path())
                    .arg("status")
                    .arg("--control-socket")
                    .arg(r.dir.join("ctl.sock"))
                    .output()
                    .unwrap();
                let s = String::from_utf8_lossy(&o.stdout);
                assert!(
                    s.contains("in maintenance (file 10.0.0.2:80 of maintenancedir)"),
                    "{o:?}"
                );
            }
            std::fs::remove_file(maint.join("10.0.0.2:80")).unwrap();
            r.record("out of maintenance");
            std::fs::write(maint.join("10.0.0.1"), "").unwrap();
            r.record("10.0.0.1 in maintenance");
            std::fs::remove_file(maint.join("10.0.0.1")).unwrap();
            r.record("10.0.0.1 out of maintenance");
            // The file changes on disk (not reloaded: autoreload = no).
            let mut text = std::fs::read_to_string(&r.cf).unwrap();
            text.push_str("# changed\n");
            std::thread::sleep(Duration::from_millis(1100));
            std::fs::write(&r.cf, text).unwrap();
            let t = Instant::now();
            while !out.exists() && t.elapsed() < Duration::from_secs(20) {
                std::thread::sleep(Duration::from_millis(200));
            }
            let said = std::fs::read_to_string(&out).unwrap_or_default();
            assert_eq!(
                said,
                format!("{}\n", r.cf.display()),
                "{}: the callback's arguments\n{}",
                r.who.log(),
                r.log()
            );
        },
    );
}

// checktype = ping: 10.0.0.3 answers while it is an address of the
// namespace.
#[test]
fn ping_checks() {
    compare(
        "ping_checks",
        "checktimeout=2\ncheckinterval=1\n\
virtual=192.0.2.10:80\n\
\treal=10.0.0.1:80 masq\n\
\treal=10.0.0.3:80 masq 2\n\
\tchecktype=ping\n",
        |r| {
            add_addrs(&["10.0.0.1"]);
            r.start("192.0.2.10:80");
            r.record("started, 10.0.0.3 silent");
            add_addrs(&["10.0.0.3"]);
            r.record("10.0.0.3 answers");
            del_addrs(&["10.0.0.3"]);
            r.record("10.0.0.3 silent again");
        },
    );
}

// checktype = 2 (two connects between HTTP checks) beside connect checks
// of the same servers: a server that accepts and never answers stays in
// with connect checks, is taken out with checktype 2.
#[test]
fn connects_between_negotiate_checks() {
    compare(
        "connects_between_negotiate_checks",
        "checktimeout=2\nnegotiatetimeout=2\ncheckinterval=1\n\
virtual=192.0.2.10:80\n\
\treal=10.0.0.1:80 masq\n\
\treal=10.0.0.2:80 masq 2\n\
\tchecktype=2\n\
\tservice=http\n\
\treceive=\"healthy\"\n\
virtual=192.0.2.20:80\n\
\treal=10.0.0.1:80 masq 3\n\
\treal=10.0.0.2:80 masq 4\n\
\tchecktype=connect\n",
        |r| {
            add_addrs(&["10.0.0.1", "10.0.0.2"]);
            let _a = Backend::start("10.0.0.1:80", Mode::Ok);
            let b = Backend::start("10.0.0.2:80", Mode::Ok);
            r.start("192.0.2.10:80");
            r.record("started, both up");
            drop(b);
            let hang = Backend::start("10.0.0.2:80", Mode::Hang);
            r.record("10.0.0.2 accepts, never answers");
            drop(hang);
            let _b = Backend::start("10.0.0.2:80", Mode::Ok);
            r.record("10.0.0.2 answers again");
        },
    );
}

/// How a redirecting server answers `GET /r`.
const TO_OK: u8 = 0;
const TO_404: u8 = 1;
const LOOP: u8 = 2;
const ABSOLUTE: u8 = 3;

/// A server on `addr` (`IP:80`) until dropped: `/r` redirects as `mode`
/// says (to `/ok`, to `/gone`, to itself, to `http://IP/ok`), `/ok` is
/// `200 healthy`, anything else 404.
struct Redirector {
    stop: Arc<AtomicBool>,
    mode: Arc<AtomicU8>,
}

impl Redirector {
    fn start(addr: &str, mode: u8) -> Redirector {
        let l = TcpListener::bind(addr).unwrap_or_else(|e| panic!("bind {addr}: {e}"));
        l.set_nonblocking(true).unwrap();
        let ip = addr.split(':').next().unwrap_or("").to_string();
        let (stop, m) = (
            Arc::new(AtomicBool::new(false)),
            Arc::new(AtomicU8::new(mode)),
        );
        let (s, mm) = (stop.clone(), m.clone());
        std::thread::spawn(move || {
            while !s.load(Ordering::SeqCst) {
                let Ok((mut c, _)) = l.accept() else {
                    std::thread::sleep(Duration::from_millis(20));
                    continue;
                };
                let _ = c.set_nonblocking(false);
                let _ = c.set_read_timeout(Some(Duration::from_secs(2)));
                let mut b = [0u8; 2048];
                let n = c.read(&mut b).unwrap_or(0);
                let req = String::from_utf8_lossy(&b[..n]).to_string();
                let path = req.split_whitespace().nth(1).unwrap_or("").to_string();
                let resp = match (path.as_str(), mm.load(Ordering::SeqCst)) {
                    ("/r", TO_OK) => "HTTP/1.1 302 Found\r\nLocation: /ok\r\nContent-Length: 0\r\n\r\n".to_string(),
                    ("/r", TO_404) => "HTTP/1.1 301 Moved\r\nLocation: /gone\r\nContent-Length: 0\r\n\r\n".to_string(),
                    ("/r", LOOP) => "HTTP/1.1 302 Found\r\nLocation: /r\r\nContent-Length: 0\r\n\r\n".to_string(),
                    ("/r", _) => format!("HTTP/1.1 307 Temporary\r\nLocation: http://{ip}/ok\r\nContent-Length: 0\r\n\r\n"),
                    ("/ok", _) => "HTTP/1.0 200 OK\r\nContent-Length: 8\r\n\r\nhealthy\n".to_string(),
                    _ => "HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n".to_string(),
                };
                let _ = c.write_all(resp.as_bytes());
            }
        });
        Redirector { stop, mode: m }
    }

    fn set(&self, mode: u8) {
        self.mode.store(mode, Ordering::SeqCst);
    }
}

impl Drop for Redirector {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

// HTTP checks follow redirects as ldirectord's LWP does: to a path of the
// same server, to an absolute URL, and at most 7 (a loop is down); the
// answer at the end is the one judged.
#[test]
fn http_checks_follow_redirects() {
    compare(
        "http_checks_follow_redirects",
        "checktimeout=2\nnegotiatetimeout=3\ncheckinterval=1\n\
virtual=192.0.2.10:80\n\
\treal=10.0.0.1:80 masq\n\
\treal=10.0.0.2:80 masq 2\n\
\tservice=http\n\
\trequest=\"r\"\n\
\treceive=\"healthy\"\n",
        |r| {
            add_addrs(&["10.0.0.1", "10.0.0.2"]);
            let a = Redirector::start("10.0.0.1:80", TO_OK);
            let b = Redirector::start("10.0.0.2:80", TO_404);
            r.start("192.0.2.10:80");
            r.record("started: 10.0.0.1 redirected to 200, 10.0.0.2 to 404");
            b.set(ABSOLUTE);
            r.record("10.0.0.2 redirected to an absolute URL");
            a.set(LOOP);
            r.record("10.0.0.1 redirects to itself");
            a.set(TO_OK);
            r.record("10.0.0.1 redirected to 200 again");
        },
    );
}
