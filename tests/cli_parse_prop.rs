//! Random command lines and restore inputs: the parser never panics, and
//! its failures always look like ipvsadm's (exit 2 or 255, one or more
//! newline-terminated lines). The cargo-fuzz targets in `fuzz/` do the same
//! with coverage guidance; this runs on stable in every `cargo test`.

use proptest::prelude::*;
use rvsadm_cli::compat::args::{parse, Command};
use rvsadm_cli::compat::restore;

/// Words that mean something to ipvsadm, plus fragments that stress the
/// tokenizer and the address/number readers.
const WORDS: &[&str] = &[
    "-A",
    "-E",
    "-D",
    "-C",
    "-L",
    "-l",
    "-Z",
    "-a",
    "-e",
    "-d",
    "-R",
    "-S",
    "-h",
    "-v",
    "--set",
    "--start-daemon",
    "--stop-daemon",
    "master",
    "backup",
    "-t",
    "-u",
    "-f",
    "--sctp-service",
    "-6",
    "-s",
    "-p",
    "-M",
    "-r",
    "-g",
    "-i",
    "-m",
    "-w",
    "-x",
    "-y",
    "-n",
    "-c",
    "-o",
    "-b",
    "-X",
    "--pe",
    "--timeout",
    "--daemon",
    "--stats",
    "--rate",
    "--thresholds",
    "--persistent-conn",
    "--nosort",
    "--sort",
    "--exact",
    "--tun-info",
    "--syncid",
    "--sync-maxlen",
    "--mcast-interface",
    "--mcast-group",
    "--mcast-port",
    "--mcast-ttl",
    "--tun-type",
    "--tun-port",
    "--tun-nocsum",
    "--tun-csum",
    "--tun-remcsum",
    "--",
    "-",
    "1.2.3.4:80",
    "[::1]:80",
    "::1",
    "10.0.0.1",
    "0",
    "1",
    "360",
    "4294967295",
    "-1",
    "rr",
    "sh",
    "mh",
    "gue",
    "gre",
    "ipip",
    "flag-1,sh-port",
    ",",
    "",
    "224.0.0.81",
    "ff02::1",
    "localhost:http",
    "255.255.255.0",
    "64",
    "=",
    "-Ln",
    "-At1.2.3.4:80",
    "-s=rr",
    "-pt",
    "--stats=1",
    "-n=x",
    "é",
    "-é",
];

fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::sample::select(WORDS).prop_map(String::from),
        1 => "[-=:\\[\\],.0-9a-zA-Z ]{0,12}",
        1 => any::<String>(),
        1 => (proptest::sample::select(WORDS), "[-=:,.0-9a-z]{0,6}")
            .prop_map(|(w, tail)| format!("{w}{tail}")),
    ]
}

fn check(argv: &[String], in_restore: bool) {
    match parse(argv, in_restore) {
        Ok(Command::Help(h)) => assert!(h.starts_with("ipvsadm v1.31 ")),
        Ok(_) => {}
        Err(f) => {
            assert!(f.exit_code == 2 || f.exit_code == 255, "{argv:?}: {f:?}");
            assert!(f.stderr.ends_with('\n'), "{argv:?}: {f:?}");
            assert!(!f.returns || f.exit_code == 255, "{argv:?}: {f:?}");
        }
    }
    // Deterministic: the same input gives the same answer.
    assert_eq!(parse(argv, in_restore), parse(argv, in_restore));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn argv_never_panics(words in proptest::collection::vec(word(), 0..10), in_restore: bool) {
        let mut argv = vec!["ipvsadm".to_string()];
        argv.extend(words);
        check(&argv, in_restore);
    }

    #[test]
    fn restore_input_never_panics(
        lines in proptest::collection::vec(proptest::collection::vec(word(), 0..8), 0..5),
        seps in proptest::collection::vec(proptest::sample::select(&[" ", "\t", "\r", "  ", "\0"][..]), 8),
        raw in proptest::collection::vec(any::<u8>(), 0..64),
    ) {
        let mut input = Vec::new();
        for (i, l) in lines.iter().enumerate() {
            for (j, w) in l.iter().enumerate() {
                input.extend_from_slice(w.as_bytes());
                input.extend_from_slice(seps[(i + j) % seps.len()].as_bytes());
            }
            input.push(b'\n');
        }
        input.extend_from_slice(&raw);
        for argv in restore::records(&input, "ipvsadm") {
            prop_assert!(argv.len() >= 2);
            for t in &argv[1..] {
                prop_assert!(t.len() <= restore::MAX_TOKEN * 3, "{t:?}");
                prop_assert!(!t.contains([' ', '\t', '\r', '\n', '\0']), "{t:?}");
                prop_assert_ne!(t.as_str(), "ipvsadm");
            }
            check(&argv, true);
        }
    }
}
