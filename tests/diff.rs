//! Differential suite: rvsadm against ipvsadm 1.31, the oracle.
//!
//! Each case in `tests/diff/cases/*.txt` is a short shell script of `ipvsadm`
//! command lines. Inside the VM, every case runs in a fresh network
//! namespace; each line is one step, and for each step we keep its stdout,
//! stderr and exit code; after the last step the resulting kernel state is
//! read with the real `ipvsadm -Sn`.
//!
//! Modes (environment variable `RVSADM_DIFF`):
//! - unset: run the cases with rvsadm and compare with the recordings in
//!   `tests/diff/expected/` (what CI does);
//! - `record`: run the cases with ipvsadm and (re)write the recordings
//!   (`scripts/record-oracle`);
//! - `live`: run both and compare them directly.
//!
//! A step marked `#? unordered` has its stdout compared line by line as a
//! multiset: the kernel lists services (`--nosort`) in the order of a hash
//! table keyed by the network namespace, which differs from run to run.
//!
//! Case file format: lines starting with `== NAME` begin a case; every other
//! non-empty line not starting with `#` is a step, run by `bash -c` with
//! `ipvsadm` on `PATH` being the program under test (for rvsadm, a symlink
//! named `ipvsadm`, so `argv[0]` is the same in messages). A step may use
//! pipes and here-strings (`ipvsadm -R <<< '...'`).
//!
//! Deliberate differences from ipvsadm (each one listed with its reason in
//! `docs/compat.md`) are declared on the step they affect, after a `#~`
//! (a shell comment, so the step runs unchanged):
//! `ipvsadm -Ln   #~ fwmark-unsigned s/FWM  -1/FWM  4294967295/ rc=0`.
//! The first word names the difference (it must be a heading in
//! `docs/compat.md`); each `s<d>FROM<d>TO<d>` (any delimiter `<d>`) rewrites
//! the oracle's stdout and stderr into what rvsadm must print (`o` instead
//! of `s`: stdout only, `e`: stderr only; an empty FROM sets an empty
//! stream; `\n` in TO is a newline), `rc=N` its exit code. Everything else
//! about the step must still match.

use libtest_mimic::{Arguments, Failed, Trial};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::process::Command;

#[derive(Debug, Clone)]
struct Case {
    name: String,
    file: String,
    steps: Vec<String>,
}

/// A declared deliberate difference on one step.
#[derive(Debug, Clone, Default)]
struct Deviation {
    tag: String,
    /// (which stream: 's' both, 'o' stdout, 'e' stderr; from; to)
    subs: Vec<(char, String, String)>,
    rc: Option<i32>,
}

/// Parse the `#~ TAG s/A/B/ rc=N` annotation of a step, if any.
fn deviation(step: &str) -> Option<Deviation> {
    let (_, ann) = step.split_once("#~")?;
    let ann = ann.trim();
    let (tag, mut rest) = ann.split_once(' ').unwrap_or((ann, ""));
    let mut dev = Deviation {
        tag: tag.to_string(),
        ..Default::default()
    };
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            break;
        }
        if let Some(r) = rest.strip_prefix("rc=") {
            let (n, tail) = r.split_once(' ').unwrap_or((r, ""));
            dev.rc = Some(n.parse().unwrap_or_else(|_| panic!("bad rc= in `{step}`")));
            rest = tail;
        } else if let Some(which) = rest.chars().next().filter(|c| "soe".contains(*c)) {
            let r = &rest[1..];
            let d = r
                .chars()
                .next()
                .unwrap_or_else(|| panic!("bad s/// in `{step}`"));
            let mut parts = r[d.len_utf8()..].splitn(3, d);
            let from = parts.next().unwrap_or_default();
            let to = parts
                .next()
                .unwrap_or_else(|| panic!("bad s/// in `{step}`"));
            let tail = parts
                .next()
                .unwrap_or_else(|| panic!("bad s/// in `{step}`"));
            dev.subs
                .push((which, from.to_string(), to.replace("\\n", "\n")));
            rest = tail;
        } else {
            panic!("bad deviation annotation in `{step}`");
        }
    }
    Some(dev)
}

/// `#? unordered` on a step: its stdout lines come in an order the kernel
/// does not fix (`--nosort` lists services in the order of a hash table
/// keyed by the network namespace), so they are compared as a multiset.
fn unordered(step: &str) -> bool {
    step.split_once("#?")
        .is_some_and(|(_, a)| a.split_whitespace().any(|w| w == "unordered"))
}

fn sorted_lines(text: &str) -> String {
    let mut lines: Vec<&str> = text.split_inclusive('\n').collect();
    lines.sort_unstable();
    lines.concat()
}

/// What rvsadm must produce for a step, given what ipvsadm produced.
fn expected_step(oracle: &Step) -> Step {
    let Some(dev) = deviation(&oracle.cmd) else {
        return oracle.clone();
    };
    let mut want = oracle.clone();
    for (which, from, to) in &dev.subs {
        // An empty FROM on an empty stream sets it (`e//text/`).
        let sub = |text: &str| {
            if from.is_empty() {
                if text.is_empty() {
                    to.clone()
                } else {
                    text.to_string()
                }
            } else {
                text.replace(from, to)
            }
        };
        if *which != 'e' {
            want.stdout = sub(&want.stdout);
        }
        if *which != 'o' {
            want.stderr = sub(&want.stderr);
        }
    }
    if let Some(rc) = dev.rc {
        want.rc = rc;
    }
    want
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Step {
    cmd: String,
    rc: i32,
    stdout: String,
    stderr: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Recording {
    steps: Vec<Step>,
    /// `ipvsadm -Sn` after the last step.
    state: String,
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn load_cases() -> Vec<Case> {
    let dir = root().join("tests/diff/cases");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    let mut cases: Vec<Case> = Vec::new();
    for f in files {
        let file = f.file_stem().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&f).unwrap();
        for line in text.lines() {
            let t = line.trim_end();
            if let Some(name) = t.strip_prefix("== ") {
                cases.push(Case {
                    name: format!("{file}::{}", name.trim()),
                    file: file.clone(),
                    steps: Vec::new(),
                });
            } else if t.trim().is_empty() || t.trim_start().starts_with('#') {
                continue;
            } else {
                let case = cases
                    .last_mut()
                    .unwrap_or_else(|| panic!("{}: step before any '== name'", f.display()));
                case.steps.push(t.to_string());
            }
        }
    }
    let mut seen = std::collections::HashSet::new();
    for c in &cases {
        assert!(
            seen.insert(c.name.clone()),
            "duplicate case name {}",
            c.name
        );
        assert!(!c.steps.is_empty(), "case {} has no steps", c.name);
    }
    cases
}

fn expected_path(case: &Case) -> PathBuf {
    let local = case.name.split("::").nth(1).unwrap_or(&case.name);
    root()
        .join("tests/diff/expected")
        .join(&case.file)
        .join(format!("{local}.json"))
}

/// A directory holding `ipvsadm` -> the program under test.
fn bin_dir(prog: &Path, tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rvsadm-diff-{tag}-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let link = dir.join("ipvsadm");
    let _ = std::fs::remove_file(&link);
    std::os::unix::fs::symlink(prog, &link).expect("symlink");
    dir
}

fn rvsadm_path() -> PathBuf {
    std::env::var_os("NEXTEST_BIN_EXE_rvsadm")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_rvsadm")))
}

fn ipvsadm_path() -> PathBuf {
    ["/usr/sbin/ipvsadm", "/sbin/ipvsadm"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
        .expect("ipvsadm is not installed")
}

/// Run a case's steps in the current (fresh) namespace with `prog` as ipvsadm.
fn run_steps(case: &Case, prog: &Path, tag: &str) -> Recording {
    let dir = bin_dir(prog, tag);
    let path = format!("{}:/usr/sbin:/usr/bin:/sbin:/bin", dir.to_string_lossy());
    let mut steps = Vec::new();
    for cmd in &case.steps {
        let out = Command::new("bash")
            .arg("-c")
            .arg(cmd)
            .env("PATH", &path)
            .env("LC_ALL", "C")
            .output()
            .expect("running bash");
        steps.push(Step {
            cmd: cmd.clone(),
            rc: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        });
    }
    let state = Command::new(ipvsadm_path())
        .arg("-Sn")
        .output()
        .expect("running ipvsadm -Sn");
    Recording {
        steps,
        state: String::from_utf8_lossy(&state.stdout).into_owned(),
    }
}

/// Enter a fresh network namespace (this thread and its children) with lo up.
fn fresh_netns() -> Result<(), Failed> {
    nix::sched::unshare(nix::sched::CloneFlags::CLONE_NEWNET)
        .map_err(|e| format!("unshare(CLONE_NEWNET): {e}"))?;
    let st = Command::new("ip")
        .args(["link", "set", "lo", "up"])
        .status()
        .map_err(|e| format!("ip link set lo up: {e}"))?;
    if !st.success() {
        return Err("ip link set lo up failed".into());
    }
    Ok(())
}

fn diff_recordings(oracle: &Recording, got: &Recording) -> Option<String> {
    let mut msg = String::new();
    let want = oracle;
    for (i, (w, g)) in want.steps.iter().zip(&got.steps).enumerate() {
        let mut w = expected_step(w);
        let mut g = g.clone();
        if unordered(&w.cmd) {
            w.stdout = sorted_lines(&w.stdout);
            g.stdout = sorted_lines(&g.stdout);
        }
        let (w, g) = (&w, &g);
        if w != g {
            msg.push_str(&format!("step {} `{}`:\n", i + 1, w.cmd));
            if w.cmd != g.cmd {
                msg.push_str(&format!("  command differs: `{}`\n", g.cmd));
            }
            if w.rc != g.rc {
                msg.push_str(&format!("  exit code: ipvsadm {} rvsadm {}\n", w.rc, g.rc));
            }
            if w.stdout != g.stdout {
                msg.push_str(&format!(
                    "  stdout:\n    ipvsadm: {:?}\n    rvsadm:  {:?}\n",
                    w.stdout, g.stdout
                ));
            }
            if w.stderr != g.stderr {
                msg.push_str(&format!(
                    "  stderr:\n    ipvsadm: {:?}\n    rvsadm:  {:?}\n",
                    w.stderr, g.stderr
                ));
            }
        }
    }
    if want.steps.len() != got.steps.len() {
        msg.push_str("number of steps differs (re-record the oracle)\n");
    }
    if want.state != got.state {
        msg.push_str(&format!(
            "final state (ipvsadm -Sn):\n  ipvsadm: {:?}\n  rvsadm:  {:?}\n",
            want.state, got.state
        ));
    }
    (!msg.is_empty()).then_some(msg)
}

fn run_case(case: &Case, mode: &str) -> Result<(), Failed> {
    fresh_netns()?;
    match mode {
        "record" => {
            let rec = run_steps(case, &ipvsadm_path(), "oracle");
            let p = expected_path(case);
            std::fs::create_dir_all(p.parent().unwrap())
                .map_err(|e| format!("mkdir {}: {e}", p.display()))?;
            let json = serde_json::to_string_pretty(&rec).unwrap() + "\n";
            std::fs::write(&p, json).map_err(|e| format!("writing {}: {e}", p.display()))?;
            Ok(())
        }
        "live" => {
            let want = run_steps(case, &ipvsadm_path(), "oracle");
            // Same namespace: flush what the oracle left behind first.
            let _ = Command::new(ipvsadm_path()).arg("-C").status();
            let got = run_steps(case, &rvsadm_path(), "rvsadm");
            match diff_recordings(&want, &got) {
                None => Ok(()),
                Some(m) => Err(m.into()),
            }
        }
        _ => {
            let p = expected_path(case);
            let text = std::fs::read_to_string(&p).map_err(|e| {
                format!(
                    "no recording {} ({e}); run scripts/record-oracle",
                    p.display()
                )
            })?;
            let want: Recording = serde_json::from_str(&text)
                .map_err(|e| format!("bad recording {}: {e}", p.display()))?;
            let got = run_steps(case, &rvsadm_path(), "rvsadm");
            match diff_recordings(&want, &got) {
                None => Ok(()),
                Some(m) => Err(m.into()),
            }
        }
    }
}

fn main() {
    let args = Arguments::from_args();
    let in_vm = std::env::var("RVSADM_VM").as_deref() == Ok("1");
    let mode = std::env::var("RVSADM_DIFF").unwrap_or_default();
    let cases = load_cases();
    let tag_check = {
        let cases = cases.clone();
        Trial::test("deviations_are_documented", move || {
            check_deviation_tags(&cases)
        })
    };
    let trials = std::iter::once(tag_check)
        .chain(cases.into_iter().map(|case| {
            let name = case.name.clone();
            let mode = mode.clone();
            Trial::test(name, move || run_case(&case, &mode)).with_ignored_flag(!in_vm)
        }))
        .collect();
    if !in_vm {
        eprintln!("SKIPPED differential suite: kernel tests, run inside the VM (scripts/vm)");
    }
    libtest_mimic::run(&args, trials).exit();
}

/// Every deviation tag used by a case is a heading of docs/compat.md.
fn check_deviation_tags(cases: &[Case]) -> Result<(), Failed> {
    let doc = std::fs::read_to_string(root().join("docs/compat.md"))
        .map_err(|e| format!("docs/compat.md: {e}"))?;
    for c in cases {
        for s in &c.steps {
            if let Some(d) = deviation(s) {
                if !doc.contains(&format!("### {}", d.tag)) {
                    return Err(format!(
                        "case {}: deviation `{}` has no `### {}` section in docs/compat.md",
                        c.name, d.tag, d.tag
                    )
                    .into());
                }
            }
        }
    }
    Ok(())
}
