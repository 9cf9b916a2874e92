//! `rvsadm top` as a program on this machine (no IPVS outside the VM):
//! its help, its usage errors, and its plain-text mode when standard
//! output is a pipe (the table itself: tests/kernel_top.rs in the VM, and
//! the text mode's unit test with a table and a daemon of its own).

use std::process::{Command, Output, Stdio};

fn top(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rvsadm"))
        .arg("top")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn help_names_the_options_and_the_keys() {
    let o = top(&["--help"]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let h = text(&o.stdout);
    for want in [
        "--interval <SECONDS>",
        "--iterations <N>",
        "--socket <PATH>",
        "Keys:",
        "Exit status:",
    ] {
        assert!(h.contains(want), "{want}: {h}");
    }
}

#[test]
fn bad_command_lines_exit_2_and_say_why() {
    for (args, want) in [
        (&["--interval", "0"][..], "`0` is not a number of seconds"),
        (&["--iterations", "0"], "--iterations"),
        (&["--frobnicate"], "--frobnicate"),
    ] {
        let o = top(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {o:?}");
        let e = text(&o.stderr);
        assert!(
            e.starts_with("rvsadm top: ") && e.contains(want),
            "{args:?}: {e}"
        );
        assert!(e.contains("Try `rvsadm top --help'."), "{e}");
        assert!(o.stdout.is_empty());
    }
}

/// Standard output a pipe: plain text, no terminal set-up; without IPVS
/// the read fails, said on stderr, exit 1, nothing on stdout.
#[test]
fn plain_text_without_ipvs_says_so() {
    if std::path::Path::new("/proc/net/ip_vs").exists() {
        eprintln!("SKIPPED: this kernel has IPVS; tests/kernel_top.rs covers it");
        return;
    }
    let o = top(&["--interval", "0.1", "--socket", "/nonexistent/rvsadmd.sock"]);
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    assert!(o.stdout.is_empty(), "{o:?}");
    let e = text(&o.stderr);
    assert!(e.starts_with("rvsadm top: IPVS is not available"), "{e}");
    assert!(!e.contains('\x1b'), "no escape sequences: {e:?}");
}
