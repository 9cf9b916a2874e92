//! `rvsadmd --ldirectord` against Debian's ldirectord, the oracle (inside
//! the VM): the same `ldirectord.cf` and the same scenario (servers failing
//! and recovering, the fallback, a drain by hand, stop) must leave the same
//! table after every step. Each daemon runs the scenario in a fresh network
//! namespace of its own; the table is read once it has been still for a
//! while.

mod common;

use common::backend::{add_addrs, Backend, Mode};
use common::settle::{
    require_oracle_ran, require_same, rvsadmd_command, signal, spawn_logged, stop, table, Steps,
    Tables,
};
use std::path::{Path, PathBuf};
use std::process::Child;
use std::time::{Duration, Instant};

#[derive(Clone, Copy, PartialEq)]
enum Who {
    Ldirectord,
    Rvsadmd,
}

impl Who {
    /// The daemon's log file (standard output and error), in the run's
    /// directory.
    fn log(self) -> &'static str {
        match self {
            Who::Ldirectord => "ldirectord.log",
            Who::Rvsadmd => "rvsadmd.log",
        }
    }
}

fn start(who: Who, dir: &Path, cf: &Path) -> Child {
    let c = match who {
        Who::Ldirectord => common::ldirectord::command(cf),
        Who::Rvsadmd => rvsadmd_command("--ldirectord", cf, dir),
    };
    spawn_logged(c, dir, who.log())
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
/// each step, named; rvsadmd's run is given the oracle's, to wait for each.
fn scenario(
    who: Who,
    cf_text: &str,
    name: &str,
    extra: Extra,
    oracle: Option<&[(String, Vec<String>)]>,
) -> Tables {
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
    let mut out = Steps::new(oracle);
    if who == Who::Ldirectord {
        out = out.with_check_log(common::ldirectord::checks(dir.join("ldirectord.log")));
    }
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
    assert!(
        o.status.success(),
        "{} run: {o:?}\ntable: {:#?}\ntables so far: {:#?}\nlog: {}",
        who.log(),
        table(),
        out.out,
        std::fs::read_to_string(dir.join(who.log())).unwrap_or_default()
    );
    out.record("10.0.0.1 drained by hand", still);
    if let Some(vip) = extra.delete_by_hand {
        let o = common::ipvsadm(&["-D", "-t", vip]);
        assert!(o.status.success(), "{o:?}");
        out.record(format!("{vip} deleted by hand"), still);
    }
    if let Some(text) = extra.reload {
        std::fs::write(&cf, text).unwrap();
        signal(&d, nix::sys::signal::Signal::SIGHUP);
        // Both read the file again at once; settle on the next checks.
        std::thread::sleep(Duration::from_secs(1));
        out.record("reloaded", still);
    }
    stop(d);
    // A stopped daemon checks no more.
    out.forget_check_log();
    out.record("stopped", Duration::from_secs(1));
    let logs = std::fs::read_to_string(dir.join(who.log())).unwrap_or_default();
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
    require_oracle_ran(name, "ldirectord", &oracle, 3);
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
    require_same(name, "ldirectord", &oracle, &ours);
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
