//! A running `rvsadmd run --config` for the kernel tests of one feature
//! (agent, slow start, PostgreSQL checks ...): started as the differential
//! tests start it ([`super::settle::rvsadmd_command`]), its events in
//! `events.log`, asked through its control socket, stopped (SIGTERM) when
//! dropped.

use super::settle::{rvsadmd_command, rvsadmd_path, spawn_logged};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output};

/// A running `rvsadmd run`; stopped (SIGTERM) when dropped.
pub struct Daemon {
    child: Child,
    socket: PathBuf,
    log: PathBuf,
}

impl Daemon {
    /// Start rvsadmd on the native configuration `config`, its socket,
    /// state file and events in `dir`.
    pub fn start(dir: &Path, config: &Path) -> Daemon {
        let child = spawn_logged(rvsadmd_command("--config", config, dir), dir, "events.log");
        Daemon {
            child,
            socket: dir.join("ctl.sock"),
            log: dir.join("events.log"),
        }
    }

    /// Write `text` to `dir/rvsadmd.toml` and start rvsadmd on it.
    pub fn start_text(dir: &Path, text: &str) -> Daemon {
        let cfg = dir.join("rvsadmd.toml");
        std::fs::write(&cfg, text).expect("writing rvsadmd.toml");
        Daemon::start(dir, &cfg)
    }

    /// `rvsadmd COMMAND --control-socket SOCKET ARGS...` as it ended.
    pub fn ctl_output(&self, args: &[&str]) -> Output {
        Command::new(rvsadmd_path())
            .arg(args[0])
            .arg("--control-socket")
            .arg(&self.socket)
            .args(&args[1..])
            .output()
            .expect("running rvsadmd's control command")
    }

    /// The standard output of a control command, which must succeed.
    pub fn ctl(&self, args: &[&str]) -> String {
        let o = self.ctl_output(args);
        assert!(
            o.status.success(),
            "rvsadmd {args:?}: {o:?}\n{}",
            self.said()
        );
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    /// The events so far (and anything rvsadmd wrote to its standard
    /// error).
    pub fn events(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// What to show when a wait fails: `status` (whatever it answers)
    /// and the events.
    pub fn said(&self) -> String {
        let status = self.ctl_output(&["status"]);
        format!(
            "status:\n{}{}\nevents:\n{}",
            String::from_utf8_lossy(&status.stdout),
            String::from_utf8_lossy(&status.stderr),
            self.events()
        )
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let pid = nix::unistd::Pid::from_raw(self.child.id() as i32);
        let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM);
        let _ = self.child.wait();
    }
}

/// Prints rvsadmd's log (the file it names) when the test fails.
pub struct ShowLog(pub std::path::PathBuf);

impl Drop for ShowLog {
    fn drop(&mut self) {
        if std::thread::panicking() {
            let log = std::fs::read_to_string(&self.0).unwrap_or_default();
            eprintln!("rvsadmd's log:\n{log}");
        }
    }
}
