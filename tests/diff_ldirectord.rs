//! `rvsadmd --ldirectord` against Debian's ldirectord, the oracle (inside
//! the VM): the same `ldirectord.cf` and the same scenario (servers failing
//! and recovering, the fallback, a drain by hand, stop) must leave the same
//! table after every step. Each daemon runs the scenario in a fresh network
//! namespace of its own; the table is read once it has been still for a
//! while.

mod common;

use common::backend::{add_addrs, Backend, Mode};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn rvsadmd_path() -> String {
    std::env::var("NEXTEST_BIN_EXE_rvsadmd")
        .unwrap_or_else(|_| env!("CARGO_BIN_EXE_rvsadmd").to_string())
}

/// `ipvsadm -Sn`, lines sorted (the order of destinations is the order they
/// were added in, which the two daemons need not share).
fn table() -> Vec<String> {
    let mut l: Vec<String> = common::stdout_ok(&common::ipvsadm(&["-Sn"]))
        .lines()
        .map(str::to_string)
        .collect();
    l.sort();
    l
}

/// Wait until the table has not changed for `still` (at most 60 s).
///
/// With `want` (the oracle's table for the same step), wait until the
/// table is `want` and has held it for `still`; a table that never gets
/// there is returned once it has settled, for the comparison to show. So a
/// slow machine makes rvsadmd's step slower, not different: only the
/// table it settles on is compared, never how soon.
fn settled(still: Duration, want: Option<&Vec<String>>) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut last = table();
    let mut since = Instant::now();
    while Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(250));
        let now = table();
        if now != last {
            last = now;
            since = Instant::now();
        } else if since.elapsed() >= still && want.map_or(true, |w| *w == last) {
            return last;
        }
    }
    if want.is_some() && since.elapsed() >= still {
        return last;
    }
    panic!("the table never settled: {last:?}");
}

#[derive(Clone, Copy)]
enum Who {
    Ldirectord,
    Rvsadmd,
}

fn start(who: Who, dir: &Path, cf: &Path) -> Child {
    let log = std::fs::File::create(dir.join(match who {
        Who::Ldirectord => "ldirectord.log",
        Who::Rvsadmd => "rvsadmd.log",
    }))
    .unwrap();
    let err = log.try_clone().unwrap();
    let mut c = match who {
        // -d: in the foreground, no pid file, every ipvsadm call logged.
        Who::Ldirectord => {
            let mut c = Command::new("/usr/sbin/ldirectord");
            c.arg("-d").arg(cf).arg("start").env("PERLIO", "perlio");
            c
        }
        Who::Rvsadmd => {
            let mut c = Command::new(rvsadmd_path());
            c.arg("run")
                .arg("--ldirectord")
                .arg(cf)
                .arg("--control-socket")
                .arg(dir.join("ctl.sock"))
                .arg("--state-file")
                .arg(dir.join("state.json"))
                .args(["--poll", "1s"]);
            c
        }
    };
    c.current_dir(dir)
        .stdin(Stdio::null())
        .stdout(log)
        .stderr(err)
        .spawn()
        .expect("starting the daemon")
}

fn stop(mut c: Child) {
    let _ = nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(c.id() as i32),
        nix::sys::signal::Signal::SIGTERM,
    );
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = c.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = c.kill();
    panic!("the daemon did not stop within 60 s of SIGTERM");
}

/// Steps some scenarios add before the stop.
#[derive(Clone, Copy, Default)]
struct Extra<'a> {
    /// The service whose 10.0.0.1:80 (masq) is drained by hand, when not
    /// 192.0.2.10:80.
    drain_in: Option<&'a str>,
    /// Delete this owned service by hand (`ipvsadm -D -t`).
    delete_by_hand: Option<&'a str>,
    /// Rewrite the configuration to this and send SIGHUP.
    reload: Option<&'a str>,
}

/// The scenario, run by `who` in the current namespace: the table after
/// each step, named.
/// The tables of a scenario, step by step; rvsadmd's run is given the
/// oracle's, to wait for each (see [`settled`]).
struct Steps<'a> {
    out: Vec<(String, Vec<String>)>,
    oracle: Option<&'a [(String, Vec<String>)]>,
}

impl Steps<'_> {
    fn record(&mut self, step: impl Into<String>, still: Duration) {
        let want = self
            .oracle
            .and_then(|o| o.get(self.out.len()))
            .map(|(_, t)| t);
        self.out.push((step.into(), settled(still, want)));
    }
}

fn scenario(
    who: Who,
    cf_text: &str,
    name: &str,
    extra: Extra,
    oracle: Option<&[(String, Vec<String>)]>,
) -> Vec<(String, Vec<String>)> {
    let dir = std::env::temp_dir().join(format!(
        "ld-{name}-{}-{}",
        matches!(who, Who::Rvsadmd),
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let cf: PathBuf = dir.join("test.cf");
    std::fs::write(&cf, cf_text).unwrap();
    add_addrs(&["10.0.0.1", "10.0.0.2", "10.0.0.9"]);
    // Already in the table before the daemon starts: a service it owns
    // with a real it does not name, and a service it does not own.
    for args in [
        &["-A", "-t", "192.0.2.20:80", "-s", "rr"][..],
        &["-a", "-t", "192.0.2.20:80", "-r", "10.0.0.5:80", "-m"],
        &["-A", "-t", "192.0.2.99:80", "-s", "wlc"],
    ] {
        let o = common::ipvsadm(args);
        assert!(o.status.success(), "{o:?}");
    }
    let still = Duration::from_secs(4);
    let mut out = Steps {
        out: Vec::new(),
        oracle,
    };
    let a = Backend::start("10.0.0.1:80", Mode::Ok);
    let b = Backend::start("10.0.0.2:80", Mode::Ok);
    let d = start(who, &dir, &cf);
    // Wait for the daemon's first writes before judging "settled".
    let t = Instant::now();
    while !table().iter().any(|l| l.contains("192.0.2.10:80"))
        && t.elapsed() < Duration::from_secs(60)
    {
        std::thread::sleep(Duration::from_millis(200));
    }
    out.record("started, both up", still);
    drop(b);
    out.record("10.0.0.2 down", still);
    drop(a);
    out.record("both down", still);
    let _a = Backend::start("10.0.0.1:80", Mode::Ok);
    out.record("10.0.0.1 back", still);
    let o = common::ipvsadm(&[
        "-e",
        "-t",
        extra.drain_in.unwrap_or("192.0.2.10:80"),
        "-r",
        "10.0.0.1:80",
        "-m",
        "-w",
        "0",
    ]);
    assert!(o.status.success(), "{o:?}\ntable: {:#?}", table());
    out.record("10.0.0.1 drained by hand", still);
    if let Some(vip) = extra.delete_by_hand {
        let o = common::ipvsadm(&["-D", "-t", vip]);
        assert!(o.status.success(), "{o:?}");
        out.record(format!("{vip} deleted by hand"), still);
    }
    if let Some(text) = extra.reload {
        std::fs::write(&cf, text).unwrap();
        let _ = nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(d.id() as i32),
            nix::sys::signal::Signal::SIGHUP,
        );
        // Both read the file again at once; settle on the next checks.
        std::thread::sleep(Duration::from_secs(1));
        out.record("reloaded", still);
    }
    stop(d);
    out.record("stopped", Duration::from_secs(1));
    let logs = std::fs::read_to_string(dir.join(match who {
        Who::Ldirectord => "ldirectord.log",
        Who::Rvsadmd => "rvsadmd.log",
    }))
    .unwrap_or_default();
    if std::env::var("RVSADM_DIFF_LOGS").is_ok() {
        eprintln!("{logs}");
    }
    out.out
}

fn compare(name: &str, cf: &str) {
    compare_with(name, cf, Extra::default());
}

fn compare_with(name: &str, cf: &str, extra: Extra) {
    // Each daemon in its own namespace, one after the other.
    let oracle = {
        let Some(_ns) = common::kernel_netns(name) else {
            return;
        };
        scenario(Who::Ldirectord, cf, name, extra, None)
    };
    // The oracle really ran: its table changed along the scenario, and it
    // held the service while it ran.
    let distinct: std::collections::BTreeSet<&Vec<String>> =
        oracle.iter().map(|(_, t)| t).collect();
    assert!(
        distinct.len() >= 3,
        "{name}: ldirectord's table hardly changed (did it run?): {oracle:#?}"
    );
    assert!(
        oracle[0]
            .1
            .iter()
            .any(|l| l.starts_with("-a -t 192.0.2.") && l.contains(" -r 10.0.0.1:80")),
        "{name}: ldirectord did not build the table: {oracle:#?}"
    );
    eprintln!("{name}: ldirectord's tables: {oracle:#?}");
    let Some(_ns) = common::kernel_netns(name) else {
        return;
    };
    let ours = scenario(Who::Rvsadmd, cf, name, extra, Some(&oracle));
    for ((step, want), (_, got)) in oracle.iter().zip(&ours) {
        assert_eq!(
            got, want,
            "{name}, after \"{step}\": rvsadmd's table (left) differs from ldirectord's (right)\nall of ldirectord's: {oracle:#?}\nall of rvsadmd's: {ours:#?}"
        );
    }
}

#[test]
fn quiescent_http_checks_with_a_fallback() {
    compare(
        "quiescent_http_checks_with_a_fallback",
        "checktimeout=2\ncheckinterval=1\nquiescent=yes\n\
virtual=192.0.2.10:80\n\
\treal=10.0.0.1:80 masq 3\n\
\treal=10.0.0.2:80 masq 5\n\
\tfallback=10.0.0.9:80 masq\n\
\tservice=http\n\
\trequest=\"health\"\n\
\treceive=\"healthy\"\n\
\tscheduler=wlc\n\
virtual=192.0.2.20:80\n\
\treal=10.0.0.2:80 masq\n\
\tchecktype=connect\n",
    );
}

#[test]
fn removing_connect_checks_gate_and_persistence() {
    compare(
        "removing_connect_checks_gate_and_persistence",
        "checktimeout=2\ncheckinterval=1\n\
virtual=192.0.2.10:80\n\
\treal=10.0.0.1:80 masq 2\n\
\treal=10.0.0.2:80 masq\n\
\tchecktype=connect\n\
\tpersistent=300\n\
\tnetmask=255.255.255.0\n\
virtual=192.0.2.20:80\n\
\treal=10.0.0.2:80 gate 4\n\
\tchecktype=on\n\
\tfallback=10.0.0.9:80\n",
    );
}

#[test]
fn not_quiescent_gate_ports_a_deletion_by_hand_and_a_reload() {
    let cf = "checktimeout=2\ncheckinterval=1\nquiescent=no\n\
virtual=192.0.2.10:80\n\
\treal=10.0.0.1:8080 gate 2\n\
\treal=10.0.0.2:80 gate\n\
\tchecktype=connect\n\
\tscheduler=rr\n\
virtual=192.0.2.20:80\n\
\treal=10.0.0.2:80 masq\n\
\treal=10.0.0.1:80 masq 2\n\
\tchecktype=connect\n\
virtual=192.0.2.30:80\n\
\treal=10.0.0.1:80 masq\n\
\tchecktype=on\n";
    // Reloaded with a weight changed, a virtual gone and a new one.
    let reloaded = cf.replace("masq 2\n", "masq 3\n").replace(
        "virtual=192.0.2.30:80\n\treal=10.0.0.1:80 masq\n\tchecktype=on\n",
        "virtual=192.0.2.40:80\n\treal=10.0.0.1:80 masq\n\tchecktype=connect\n",
    );
    assert_ne!(reloaded, cf);
    assert!(reloaded.contains("192.0.2.40") && !reloaded.contains("192.0.2.30"));
    compare_with(
        "not_quiescent_gate_ports_a_deletion_by_hand_and_a_reload",
        cf,
        Extra {
            // 192.0.2.10's reals are gate (and 10.0.0.1's port is 8080).
            drain_in: Some("192.0.2.20:80"),
            delete_by_hand: Some("192.0.2.30:80"),
            reload: Some(&reloaded),
        },
    );
}
