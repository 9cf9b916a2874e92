//! ldirectord.cf files people published (tests/data/ldirectord/real,
//! sources and ldirectord 4.12's verdicts in its SOURCES.md), read by
//! rvsadmd's ldirectord.cf reader: every file ldirectord accepts is
//! accepted, or refused only at the line of a feature still being built
//! (`PENDING`: the list shrinks as they land); every file ldirectord
//! refuses is refused at its line with its message. That the verdicts
//! are ldirectord's is proven by tests/ldirectord_oracle.rs.

mod common;

use common::ld_corpus::{entries, normal, Ldirectord, Rvsadmd};
use rvsadmd::config::ldirectord::parse;
use std::path::Path;

/// Features being built, by the name SOURCES.md gives them, and what
/// rvsadmd's refusal says meanwhile.
const PENDING: &[(&str, &str)] = &[];

fn read(path: &Path) -> Result<(), (usize, String)> {
    let text = std::fs::read_to_string(path).unwrap();
    parse(path, &text)
        .map(|_| ())
        .map_err(|e| (e.at.line, e.message))
}

#[test]
fn every_file_gets_ldirectords_verdict_or_waits_for_a_feature() {
    let all = entries();
    assert!(all.len() >= 20, "only {} files", all.len());
    let mut wrong = Vec::new();
    for e in &all {
        let got = read(&e.path);
        let ok = match (&e.ldirectord, &e.rvsadmd, &got) {
            (Ldirectord::Accepted, Rvsadmd::Accepted, Ok(())) => true,
            (Ldirectord::Accepted, Rvsadmd::Pending(line, feature), Err((l, m))) => {
                let (_, says) = PENDING
                    .iter()
                    .find(|(f, _)| f == feature)
                    .unwrap_or_else(|| panic!("{}: `{feature}` is not in PENDING", e.name));
                l == line && m.contains(says)
            }
            (Ldirectord::Refused(line, m), Rvsadmd::Same, Err((l, got))) => {
                l == line && normal(got) == normal(m)
            }
            _ => false,
        };
        if !ok {
            wrong.push(format!(
                "{}: SOURCES.md says ldirectord {:?}, rvsadmd {:?}; rvsadmd says {got:?}",
                e.name, e.ldirectord, e.rvsadmd
            ));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn every_file_is_listed_in_sources() {
    let listed: Vec<String> = entries().into_iter().map(|e| e.name).collect();
    for f in std::fs::read_dir(common::ld_corpus::dir()).unwrap() {
        let name = f.unwrap().file_name().to_string_lossy().into_owned();
        if name.ends_with(".cf") {
            assert!(listed.contains(&name), "{name} is not in SOURCES.md");
        }
    }
}

#[test]
fn comment_lines_in_the_first_column_keep_the_section() {
    // 19: `#       request="index.html"` in the first column ends each
    // virtual's lines (03 has `#####` lines between the reals of one
    // virtual: it is refused only at its pending line 15, above)
    let path = common::ld_corpus::dir().join("19-br-install-script-connect.cf");
    let c = parse(&path, &std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(c.services.len(), 2);
    assert!(c.services.iter().all(|v| v.reals.len() == 2));
}
