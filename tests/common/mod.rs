//! Shared helpers for the integration tests.
//!
//! Kernel tests (`tests/kernel_*.rs`) need a kernel with IPVS. They run for
//! real inside the project's VM (`scripts/vm`, which sets `RVSADM_VM=1`);
//! anywhere else they print that they were skipped and return. Inside the VM
//! a missing IPVS or a failed namespace setup is a test failure.
#![allow(dead_code)]

pub mod backend;
pub mod daemon;
pub mod ld_corpus;
pub mod ldirectord;
pub mod metrics;
pub mod settle;
pub mod topo;

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

/// The rvsadm binary under test.
pub fn rvsadm_path() -> String {
    std::env::var("NEXTEST_BIN_EXE_rvsadm")
        .unwrap_or_else(|_| env!("CARGO_BIN_EXE_rvsadm").to_string())
}

/// Run `prog` with `args`, `stdin` on its standard input.
pub fn run_in(prog: &str, args: &[&str], stdin: &str) -> Output {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = Command::new(prog)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("running {prog}: {e}"));
    if let Some(mut i) = child.stdin.take() {
        // A program that exits without reading is not an error here.
        let _ = i.write_all(stdin.as_bytes());
    }
    child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("waiting for {prog}: {e}"))
}

/// Run rvsadm with `stdin` on its standard input.
pub fn rvsadm_in(args: &[&str], stdin: &str) -> Output {
    run_in(&rvsadm_path(), args, stdin)
}

thread_local! {
    /// Documents waiting for schema validation: (schema name, text).
    static PENDING: std::cell::RefCell<Vec<(String, String)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// Queue `text` for validation against `docs/schema/<schema>.schema.json`;
/// [`check_schemas`] validates everything queued in one python run (python
/// is slow to start under the VM's CPU emulation).
pub fn validate(text: &str, schema: &str) {
    let one_line: String = serde_json::from_str::<serde_json::Value>(text)
        .map(|v| v.to_string())
        .unwrap_or_else(|_| text.replace('\n', " "));
    PENDING.with(|p| p.borrow_mut().push((schema.to_string(), one_line)));
}

/// Validate every queued document; call at the end of each test.
pub fn check_schemas() {
    let docs = PENDING.with(|p| std::mem::take(&mut *p.borrow_mut()));
    if docs.is_empty() {
        return;
    }
    let root = env!("CARGO_MANIFEST_DIR");
    let input: String = docs.iter().map(|(s, t)| format!("{s}\t{t}\n")).collect();
    let out = run_in(
        "python3",
        &[
            &format!("{root}/scripts/validate-json"),
            "--batch",
            &format!("{root}/docs/schema"),
        ],
        &input,
    );
    assert!(
        out.status.success(),
        "schema validation failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
