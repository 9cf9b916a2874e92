//! ldirectord's own parser as the oracle of `rvsadmd check --ldirectord`
//! (inside the VM, which has Debian's ldirectord 4.12): on every file of
//! the corpus (tests/data/ldirectord/real), tests/ldirectord_oracle.pl
//! runs ldirectord's `read_config`, parse only. Its verdict (line and
//! message where it refuses) must be the one SOURCES.md records, and so
//! `rvsadmd check`'s (tests/ldirectord_corpus.rs holds rvsadmd to that
//! table); for each file both accept, the virtual services, reals and
//! fallbacks rvsadmd reads are those ldirectord built.

mod common;

use common::in_vm;
use common::ld_corpus::{entries, normal, Ldirectord};
use common::settle::rvsadmd_path;
use rvsadm::model::{ForwardMethod, ServiceKey};
use rvsadmd::config::ldirectord::parse;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

const LDIRECTORD: &str = "/usr/sbin/ldirectord";

/// The oracle's verdict on `path`, and the lines of what it built.
fn oracle(path: &Path) -> (Ldirectord, Vec<String>) {
    let harness = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ldirectord_oracle.pl");
    let out = Command::new("perl")
        .arg(&harness)
        .arg(LDIRECTORD)
        .arg(path)
        .output()
        .expect("running perl");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{}: {stderr}", path.display());
    let mut lines: Vec<String> = stdout.lines().map(str::to_string).collect();
    let verdict = lines.remove(0);
    if verdict == "accepted" {
        return (Ldirectord::Accepted, lines);
    }
    assert_eq!(verdict, "refused", "{}: {stdout}", path.display());
    // "Error [PID] reading file FILE at line N: MESSAGE" (MESSAGE may go
    // on: ldirectord quotes a line with its line end)
    let at = stderr
        .find("Error [")
        .and_then(|i| stderr[i..].find(" at line ").map(|j| i + j + 9))
        .unwrap_or_else(|| panic!("{}: no error line in {stderr}", path.display()));
    let (n, m) = stderr[at..].split_once(": ").expect("`N: MESSAGE`");
    let m = m.split("\nError [").next().unwrap_or(m);
    (
        Ldirectord::Refused(n.parse().expect("a line number"), normal(m)),
        Vec::new(),
    )
}

/// What the oracle prints of a table, from rvsadmd's reading of `path`.
fn rvsadmd_table(path: &Path) -> BTreeSet<String> {
    let cfg = parse(path, &std::fs::read_to_string(path).unwrap()).unwrap();
    let fwd = |f: ForwardMethod| match f {
        ForwardMethod::Route => "gate",
        ForwardMethod::Tunnel => "ipip",
        _ => "masq",
    };
    let mut out = BTreeSet::new();
    for v in &cfg.services {
        let id = match v.key {
            ServiceKey::Addr {
                protocol,
                addr,
                port,
            } => format!(
                "{}:{}",
                protocol.name().unwrap_or("?"),
                std::net::SocketAddr::new(addr, port)
            ),
            ServiceKey::Fwmark { mark, .. } => format!("fwm:{mark}"),
        };
        out.insert(format!(
            "virtual {id} scheduler={}",
            v.config.scheduler.name()
        ));
        for r in &v.reals {
            let c = &r.dest.config;
            out.insert(format!(
                "real {id} {} {} {}",
                r.dest.addr,
                fwd(c.forward),
                c.weight.get()
            ));
        }
        if let Some(f) = &v.fallback {
            out.insert(format!(
                "fallback {id} {} {}",
                f.addr.ip(),
                fwd(f.config.forward)
            ));
        }
    }
    out
}

/// The oracle's lines in the same terms: each real under its virtual,
/// at the port the table has it (a gate or ipip real of an address-port
/// service at the service's).
fn oracle_table(lines: &[String]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut id = String::new();
    for l in lines {
        let w: Vec<&str> = l.split_whitespace().collect();
        match w[0] {
            "virtual" => {
                id = w[1].to_string();
                out.insert(format!("virtual {id} {}", w[2]));
            }
            "real" => {
                let (ip, port) = w[1].rsplit_once(':').expect("ADDR:PORT");
                let vport = id.rsplit_once(':').map_or("0", |(_, p)| p);
                let port = if w[2] != "masq" && !id.starts_with("fwm") {
                    vport
                } else {
                    port
                };
                out.insert(format!("real {id} {ip}:{port} {} {}", w[2], w[3]));
            }
            "fallback" => {
                let ip = w[1].rsplit_once(':').map_or(w[1], |(ip, _)| ip);
                out.insert(format!("fallback {id} {ip} {}", w[2]));
            }
            _ => panic!("oracle line `{l}`"),
        }
    }
    out
}

#[test]
fn ldirectords_parser_gives_the_verdicts_of_sources_md() {
    if !in_vm() || !Path::new(LDIRECTORD).exists() {
        eprintln!("SKIPPED: runs inside the VM (scripts/vm), which has ldirectord 4.12");
        return;
    }
    let mut wrong = Vec::new();
    let mut compared = 0;
    for e in entries() {
        let (verdict, built) = oracle(&e.path);
        let recorded = match &e.ldirectord {
            Ldirectord::Refused(n, m) => Ldirectord::Refused(*n, normal(m)),
            a => a.clone(),
        };
        if verdict != recorded {
            wrong.push(format!(
                "{}: ldirectord says {verdict:?}, SOURCES.md {recorded:?}",
                e.name
            ));
            continue;
        }
        let check = Command::new(rvsadmd_path())
            .args(["check", "--ldirectord"])
            .arg(&e.path)
            .output()
            .expect("running rvsadmd check");
        if check.status.success() {
            compared += 1;
            let (theirs, ours) = (oracle_table(&built), rvsadmd_table(&e.path));
            if theirs != ours {
                wrong.push(format!(
                    "{}: ldirectord built {theirs:#?}, rvsadmd {ours:#?}",
                    e.name
                ));
            }
        } else if let Ldirectord::Refused(n, m) = &verdict {
            let said = String::from_utf8_lossy(&check.stderr).into_owned();
            let want = format!(":{n}: {}", m.chars().take(30).collect::<String>());
            if !said.contains(&want) {
                wrong.push(format!(
                    "{}: rvsadmd check says {said}, ldirectord {verdict:?}",
                    e.name
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
    assert!(compared >= 8, "only {compared} tables compared");
}
