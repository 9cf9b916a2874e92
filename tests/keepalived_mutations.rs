//! The published keepalived.conf files (tests/data/keepalived/real),
//! mutated: words removed, replaced or inserted from a list of keywords
//! and edge values, with a fixed seed. Each text reads into a
//! configuration that prints as native TOML which reads back, or into an
//! error with a file and line; never a panic.

use rvsadmd::config::keepalived::{load_from, IncludeCheck, Memory, Options};
use rvsadmd::config::native;
use std::path::Path;

const WORDS: [&str; 60] = [
    "virtual_server",
    "real_server",
    "fwmark",
    "group",
    "0",
    "-1",
    "65536",
    "10.0.0.1-300",
    "::1-ffff",
    "1.2.3.4/0",
    "TUN",
    "type",
    "gue",
    "port",
    "NAT",
    "DR",
    "{",
    "}",
    "url",
    "path",
    "regex",
    "(",
    "misc_path",
    "\"\"",
    "weight",
    "2147483648",
    "quorum",
    "sorry_server",
    "virtual_server_group",
    "inhibit_on_failure",
    "TCP_CHECK",
    "HTTP_GET",
    "MISC_CHECK",
    "connect_port",
    "delay_loop",
    "0.0000001",
    "persistence_granularity",
    "ip_family",
    "inet6",
    "lb_algo",
    "sh-port",
    "retry",
    "5000",
    "virtualhost",
    "a b",
    "misc_timeout",
    "99999999999",
    "status_code",
    "600",
    "alpha",
    "no",
    "warmup",
    "sorry_server_lvs_method",
    "persistence_timeout",
    "protocol",
    "SCTP",
    "ops",
    "2001:db8::1",
    "::",
    "omega",
];

/// xorshift64: the same mutations on every run.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

#[test]
fn mutated_files_read_or_fail_with_a_line_never_panic() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/keepalived/real");
    let options = Options {
        config_id: "lb1".into(),
        include_check: IncludeCheck::default(),
        random_seed: 1,
    };
    let mut rng = Rng(987_654_321);
    let (mut read, mut refused) = (0, 0);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "conf"))
        .collect();
    files.sort();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        for _ in 0..150 {
            let mut toks: Vec<String> = text
                .split_inclusive(char::is_whitespace)
                .map(String::from)
                .collect();
            for _ in 0..=rng.below(8) {
                if toks.is_empty() {
                    break;
                }
                let i = rng.below(toks.len());
                let w = format!("{} ", WORDS[rng.below(WORDS.len())]);
                match rng.below(3) {
                    0 => drop(toks.remove(i)),
                    1 => toks.insert(i, w),
                    _ => toks[i] = w,
                }
            }
            let t = toks.concat();
            let f = Path::new("/k.conf");
            match load_from(&Memory::new().with(f, t.clone()), f, &options) {
                Ok(cfg) => {
                    read += 1;
                    let toml = native::to_toml(&cfg);
                    let again = native::parse(Path::new("x.toml"), &toml);
                    assert!(
                        again.is_ok(),
                        "{:?}\n--- from\n{t}\n--- as\n{toml}",
                        again.err()
                    );
                }
                Err(e) => {
                    refused += 1;
                    assert!(e.at.line > 0 && !e.message.is_empty(), "{e}\n--- from\n{t}");
                }
            }
        }
    }
    assert!(
        read > 1000 && refused > 1000,
        "read {read}, refused {refused}"
    );
}
