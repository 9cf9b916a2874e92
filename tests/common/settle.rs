//! What the differential tests (`tests/diff_*.rs`) share: the table as
//! compared, waiting for it to settle (on the oracle's table, for the
//! daemon under test), the steps of a scenario, and stopping a daemon.

use std::path::Path;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

/// The rvsadmd binary under test.
pub fn rvsadmd_path() -> String {
    std::env::var("NEXTEST_BIN_EXE_rvsadmd")
        .unwrap_or_else(|_| env!("CARGO_BIN_EXE_rvsadmd").to_string())
}

/// `rvsadmd run FLAG CF` as the differential tests run it: its control
/// socket and state file in `dir`, the table looked at every second.
pub fn rvsadmd_command(flag: &str, cf: &Path, dir: &Path) -> Command {
    let mut c = Command::new(rvsadmd_path());
    c.arg("run")
        .arg(flag)
        .arg(cf)
        .arg("--control-socket")
        .arg(dir.join("ctl.sock"))
        .arg("--state-file")
        .arg(dir.join("state.json"))
        .args(["--poll", "1s"]);
    c
}

/// keepalived 2.2.7's checker only (`-C`), in the foreground, logging to
/// the console (`-l -D`), with pid files of its own in `dir` (none of the
/// system's): the oracle of the keepalived differential tests.
pub fn keepalived_command(cf: &Path, dir: &Path) -> Command {
    let mut c = Command::new("/usr/sbin/keepalived");
    c.args(["-C", "-B", "-n", "-l", "-D", "-G", "-f"])
        .arg(cf)
        .arg("-p")
        .arg(dir.join("keepalived.pid"))
        .arg("-c")
        .arg(dir.join("checkers.pid"))
        .arg("-r")
        .arg(dir.join("vrrp.pid"));
    c
}

/// Start `c` in `dir`, its standard output and error in `dir/log`.
pub fn spawn_logged(mut c: Command, dir: &Path, log: &str) -> Child {
    let out = std::fs::File::create(dir.join(log)).expect("creating the daemon's log");
    let err = out.try_clone().expect("cloning the log's handle");
    c.current_dir(dir)
        .stdin(std::process::Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .expect("starting the daemon")
}

/// `ipvsadm -Sn`, lines sorted (the order of destinations is the order they
/// were added in, which two daemons need not share).
pub fn table() -> Vec<String> {
    let mut l: Vec<String> = super::stdout_ok(&super::ipvsadm(&["-Sn"]))
        .lines()
        .map(str::to_string)
        .collect();
    l.sort();
    l
}

/// The checks an oracle has logged so far, one key per check done, in
/// order (see [`Steps::with_check_log`]).
pub type CheckLog = Box<dyn Fn() -> Vec<String>>;

/// Wait until the table has not changed for `still` (at most 60 s).
///
/// With `want` (the oracle's table for the same step), wait until the
/// table is `want` and has held it for `still`; a table that never gets
/// there is returned once it has settled, for the comparison to show. So a
/// slow machine makes the step slower, not different: only the table it
/// settles on is compared, never how soon.
///
/// With `checks` (the oracle's log of its checks), "settled" also needs a
/// whole round of checks since the table last changed: a starved oracle
/// can leave its table still for `still` in the middle of a round.
pub fn settled(
    still: Duration,
    want: Option<&Vec<String>>,
    checks: Option<&CheckLog>,
) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(60);
    let logged = || checks.map_or(0, |c| c().len());
    let mut last = table();
    let mut since = Instant::now();
    let mut from = logged();
    while Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(250));
        let now = table();
        if now != last {
            last = now;
            since = Instant::now();
            from = logged();
        } else if since.elapsed() >= still
            && want.is_none_or(|w| *w == last)
            && checks.is_none_or(|c| round_done(&c(), from))
        {
            return last;
        }
    }
    if want.is_some() && since.elapsed() >= still {
        return last;
    }
    panic!("the table never settled: {last:?}");
}

/// Whether `log` holds a whole round of checks after its first `from`:
/// one check done twice since then (an oracle that checks one at a time
/// in a fixed order has then done every other once). Before its first
/// check there is no round: an oracle that logs its checks logs at least
/// one line a round (ldirectord logs `checktype=on` too).
fn round_done(log: &[String], from: usize) -> bool {
    let mut seen = std::collections::BTreeSet::new();
    log.get(from..)
        .unwrap_or_default()
        .iter()
        .any(|k| !seen.insert(k))
}

/// Send `sig` to the process `c`.
pub fn signal(c: &Child, sig: nix::sys::signal::Signal) {
    let _ = nix::sys::signal::kill(nix::unistd::Pid::from_raw(c.id() as i32), sig);
}

/// SIGTERM, then wait (at most 60 s) for the daemon to exit.
pub fn stop(mut c: Child) {
    signal(&c, nix::sys::signal::Signal::SIGTERM);
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

/// A scenario's tables, step by step, named.
pub type Tables = Vec<(String, Vec<String>)>;

/// The tables of a scenario as they are recorded; the run under test is
/// given the oracle's, to wait for each (see [`settled`]).
pub struct Steps<'a> {
    /// The tables so far.
    pub out: Tables,
    /// The oracle's tables, for the run under test.
    pub oracle: Option<&'a [(String, Vec<String>)]>,
    /// The oracle's log of its checks, when it keeps one.
    checks: Option<CheckLog>,
}

impl<'a> Steps<'a> {
    /// No step yet.
    pub fn new(oracle: Option<&'a [(String, Vec<String>)]>) -> Steps<'a> {
        Steps {
            out: Vec::new(),
            oracle,
            checks: None,
        }
    }

    /// Also wait, at each step, for a whole round of the oracle's checks
    /// after the table's last change (see [`settled`]).
    pub fn with_check_log(mut self, checks: CheckLog) -> Steps<'a> {
        self.checks = Some(checks);
        self
    }

    /// Wait for rounds of checks no more (the oracle stopped).
    pub fn forget_check_log(&mut self) {
        self.checks = None;
    }

    /// Record the table once settled (still for `still`).
    pub fn record(&mut self, step: impl Into<String>, still: Duration) {
        let want = self
            .oracle
            .and_then(|o| o.get(self.out.len()))
            .map(|(_, t)| t);
        self.out
            .push((step.into(), settled(still, want, self.checks.as_ref())));
    }
}

/// Require the two runs' tables equal step by step.
pub fn require_same(name: &str, oracle_name: &str, oracle: &Tables, ours: &Tables) {
    assert_eq!(oracle.len(), ours.len(), "{name}: not the same steps");
    for ((step, want), (_, got)) in oracle.iter().zip(ours) {
        assert_eq!(
            got, want,
            "{name}, after \"{step}\": rvsadmd's table (left) differs from {oracle_name}'s (right)\nall of {oracle_name}'s: {oracle:#?}\nall of rvsadmd's: {ours:#?}"
        );
    }
}

/// Require that the oracle really ran: its table changed along the
/// scenario (at least `min` distinct tables).
pub fn require_oracle_ran(name: &str, oracle_name: &str, oracle: &Tables, min: usize) {
    let distinct: std::collections::BTreeSet<&Vec<String>> =
        oracle.iter().map(|(_, t)| t).collect();
    assert!(
        distinct.len() >= min,
        "{name}: {oracle_name}'s table hardly changed (did it run?): {oracle:#?}"
    );
}
