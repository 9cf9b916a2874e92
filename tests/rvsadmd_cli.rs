//! `rvsadmd`'s command line as a new user meets it: help for the program
//! and for every command exits 0 with its usage, a bad argument is named
//! (exit 2), and `man/rvsadmd.8` documents exactly the commands and
//! options of the definition (`rvsadmd::cli::command`).

use std::collections::BTreeSet;
use std::process::{Command, Output};

fn rvsadmd(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rvsadmd"))
        .args(args)
        .output()
        .expect("running rvsadmd")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn subcommands() -> Vec<String> {
    rvsadmd::cli::command()
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect()
}

#[test]
fn help_for_the_program_exits_0_with_usage() {
    for args in [&["--help"][..], &["-h"], &["help"]] {
        let o = rvsadmd(args);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", text(&o));
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(out.contains("Usage: rvsadmd"), "{args:?}: {out}");
        for sub in subcommands() {
            assert!(out.contains(&sub), "{args:?} lists {sub}: {out}");
        }
    }
    let o = rvsadmd(&["--version"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("rvsadmd "));
}

#[test]
fn help_for_every_command_exits_0_with_usage() {
    let subs = subcommands();
    assert!(subs.len() >= 7, "{subs:?}");
    for sub in &subs {
        for args in [vec![sub.as_str(), "--help"], vec!["help", sub.as_str()]] {
            let o = rvsadmd(&args);
            assert_eq!(o.status.code(), Some(0), "{args:?}: {}", text(&o));
            let out = String::from_utf8_lossy(&o.stdout);
            assert!(
                out.contains(&format!("Usage: rvsadmd {sub}")),
                "{args:?}: {out}"
            );
        }
    }
}

#[test]
fn a_bad_argument_is_named_with_usage_and_exit_2() {
    let cases: [(&[&str], &str); 6] = [
        (&["--frobnicate"], "--frobnicate"),
        (&["frobnicate"], "frobnicate"),
        (&["run", "--config", "x.toml", "--poll", "soon"], "--poll"),
        (&["run", "--config", "x.toml", "--poll", "0s"], "--poll"),
        (&["status", "--jsn"], "--jsn"),
        (&["drain", "tcp:nowhere", "10.0.0.1:80"], "tcp:nowhere"),
    ];
    for (args, named) in cases {
        let o = rvsadmd(args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o));
        assert!(err.contains(named), "{args:?} names {named}: {err}");
        assert!(
            err.contains("Usage: rvsadmd"),
            "{args:?} shows usage: {err}"
        );
    }
    // Neither file: the error says which arguments are wanted.
    let o = rvsadmd(&["check"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--config"));
}

#[test]
fn completions_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let o = rvsadmd(&["completions", shell]);
        assert_eq!(o.status.code(), Some(0), "{shell}: {}", text(&o));
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(out.contains("rvsadmd"), "{shell}: {out}");
        assert!(out.contains("import-ldirectord"), "{shell}: {out}");
        assert!(out.contains("control-socket"), "{shell}: {out}");
    }
    let o = rvsadmd(&["completions", "tcsh"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(String::from_utf8_lossy(&o.stderr).contains("tcsh"));
}

/// `text` as roff writes it in bold: `\fB...\fR` with `-` escaped.
fn bold(text: &str) -> String {
    format!("\\fB{}\\fR", text.replace('-', "\\-"))
}

/// Every `\fB\-\-NAME\fR` in `man`, as `NAME`.
fn man_long_options(man: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (i, _) in man.match_indices("\\fB\\-\\-") {
        let rest = &man[i + "\\fB\\-\\-".len()..];
        if let Some(end) = rest.find("\\fR") {
            out.insert(rest[..end].replace("\\-", "-"));
        }
    }
    out
}

/// The first word of each `.TP` entry of the COMMANDS section.
fn man_commands(man: &str) -> BTreeSet<String> {
    let start = man.find(".SH COMMANDS").expect("a COMMANDS section");
    let section = &man[start + 1..];
    let section = &section[..section.find("\n.SH ").unwrap_or(section.len())];
    let lines: Vec<&str> = section.lines().collect();
    lines
        .windows(2)
        .filter(|w| w[0] == ".TP")
        .filter_map(|w| {
            let l = w[1].strip_prefix("\\fB")?;
            Some(l[..l.find("\\fR")?].replace("\\-", "-"))
        })
        .collect()
}

#[test]
fn man_page_and_definition_are_in_step() {
    let man = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/man/rvsadmd.8"))
        .expect("man/rvsadmd.8");
    let cmd = rvsadmd::cli::command();
    let mut longs: BTreeSet<String> = ["help", "version"].map(String::from).into();
    // Commands and the commands within them (`fleet put` ...).
    let all = cmd
        .get_subcommands()
        .flat_map(|s| std::iter::once(s).chain(s.get_subcommands()));
    for sub in all {
        for a in sub.get_arguments() {
            if let Some(l) = a.get_long() {
                longs.insert(l.to_string());
            }
            if let Some(s) = a.get_short() {
                assert!(
                    man.contains(&bold(&format!("-{s}"))),
                    "man/rvsadmd.8 lacks -{s}"
                );
            }
        }
    }
    assert_eq!(
        man_long_options(&man),
        longs,
        "long options: man/rvsadmd.8 (left) against the definition (right)"
    );
    // `help` is clap's, added when the definition is built.
    let mut subs: BTreeSet<String> = subcommands().into_iter().collect();
    subs.insert("help".into());
    assert_eq!(
        man_commands(&man),
        subs,
        "commands: man/rvsadmd.8 (left) against the definition (right)"
    );
    for sub in &subs {
        assert!(
            man.contains(&bold(&format!("rvsadmd {sub}"))),
            "the SYNOPSIS of man/rvsadmd.8 lacks rvsadmd {sub}"
        );
    }
}

#[test]
fn keepalived_files_are_checked_imported_and_their_config_id_followed() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/keepalived/real");
    let ok = format!("{dir}/29-coregear-lvs.conf");
    let o = rvsadmd(&["check", "--keepalived", &ok, "-i", "lb1"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(
        text(&o).contains("configuration OK: 2 services, 4 destinations"),
        "{}",
        text(&o)
    );
    assert!(text(&o).contains("note: ") && text(&o).contains(":64: unknown keyword `nat_mask`"));
    let o = rvsadmd(&["import-keepalived", &ok]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("address = \"172.16.83.99\""));
    let refused = format!("{dir}/24-autoinstall-lvs-test.conf");
    let o = rvsadmd(&["check", "--keepalived", &refused]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains(
            "24-autoinstall-lvs-test.conf:119: second virtual server for tcp 192.168.10.6:80 (the first is at"
        ),
        "{}",
        text(&o)
    );
    // -i belongs to --keepalived.
    let o = rvsadmd(&["check", "--config", &ok, "-i", "lb1"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}

#[test]
fn import_ldirectord_says_what_the_toml_cannot_hold() {
    let dir = std::env::temp_dir().join(format!("rvsadmd-cli-import-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cf = dir.join("ldirectord.cf");
    std::fs::write(
        &cf,
        "maintenancedir=/tmp\ncallback=\"/bin/true\"\nvirtual=192.0.2.10:80\n    real=10.0.0.1:80 masq\n    checktype=3\n    service=http\n",
    )
    .unwrap();
    let o = rvsadmd(&["import-ldirectord", cf.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("[[services]]"));
    let err = String::from_utf8_lossy(&o.stderr);
    for what in [
        "maintenancedir is not written",
        "callback is not written",
        "checktype = N is written as its negotiate check",
    ] {
        assert!(err.contains(what), "{what}: {err}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
