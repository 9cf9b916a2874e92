//! Shared helpers for the integration tests.
//!
//! Kernel tests (`tests/kernel_*.rs`) need a kernel with IPVS. They run for
//! real inside the project's VM (`scripts/vm`, which sets `RVSADM_VM=1`);
//! anywhere else they print that they were skipped and return. Inside the VM
//! a missing IPVS or a failed namespace setup is a test failure.
#![allow(dead_code)]

use std::process::{Command, Output};

/// Whether we run inside the project's IPVS VM.
pub fn in_vm() -> bool {
    std::env::var("RVSADM_VM").as_deref() == Ok("1")
}

/// A fresh network namespace for the calling thread (and the processes it
/// starts), with `lo` up, so the test has an empty IPVS table of its own.
pub struct Netns(());

/// Enter a fresh network namespace, or return `None` (after saying so) when
/// not inside the VM. Use as
/// `let Some(_ns) = common::kernel_netns("name") else { return };`.
pub fn kernel_netns(test: &str) -> Option<Netns> {
    if !in_vm() {
        eprintln!("SKIPPED {test}: kernel test, runs inside the VM (scripts/vm)");
        return None;
    }
    nix::sched::unshare(nix::sched::CloneFlags::CLONE_NEWNET)
        .expect("unshare(CLONE_NEWNET) failed inside the VM");
    let out = Command::new("ip")
        .args(["link", "set", "lo", "up"])
        .output()
        .expect("running `ip link set lo up`");
    assert!(out.status.success(), "ip link set lo up: {out:?}");
    Some(Netns(()))
}

/// Run a program (in the caller's namespace) and return its output.
pub fn run(prog: &str, args: &[&str]) -> Output {
    Command::new(prog)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("running {prog}: {e}"))
}

/// Run ipvsadm, the oracle, and return its output.
pub fn ipvsadm(args: &[&str]) -> Output {
    run("ipvsadm", args)
}

/// stdout of a successful command as a string.
pub fn stdout_ok(o: &Output) -> String {
    assert!(o.status.success(), "command failed: {o:?}");
    String::from_utf8_lossy(&o.stdout).into_owned()
}
