//! The ldirectord.cf corpus (tests/data/ldirectord/real) and its verdicts,
//! read from the table in its SOURCES.md (the one place they are written).

use std::path::{Path, PathBuf};

/// What ldirectord 4.12 says of a file.
#[derive(Debug, Clone, PartialEq)]
pub enum Ldirectord {
    Accepted,
    /// The line and the start of its message.
    Refused(usize, String),
}

/// What rvsadmd says of a file.
#[derive(Debug, Clone, PartialEq)]
pub enum Rvsadmd {
    Accepted,
    /// Refused as ldirectord refuses it.
    Same,
    /// Refused at this line, at a feature still being built.
    Pending(usize, String),
}

/// One file of the corpus.
#[derive(Debug, Clone)]
pub struct Entry {
    pub path: PathBuf,
    pub name: String,
    pub ldirectord: Ldirectord,
    pub rvsadmd: Rvsadmd,
}

/// The corpus directory.
pub fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/ldirectord/real")
}

/// `at LINE: TEXT` (what follows `refused ` or `pending `).
fn at(s: &str) -> (usize, String) {
    let rest = s
        .strip_prefix("at ")
        .unwrap_or_else(|| panic!("`{s}`: want `at N: ...`"));
    let (n, text) = rest.split_once(": ").unwrap_or_else(|| panic!("`{s}`"));
    (
        n.parse().unwrap_or_else(|_| panic!("`{s}`")),
        text.replace("\\|", "|"),
    )
}

/// The rows of SOURCES.md's table.
pub fn entries() -> Vec<Entry> {
    let text = std::fs::read_to_string(dir().join("SOURCES.md")).unwrap();
    let mut out = Vec::new();
    for line in text.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = line.split(" | ").collect();
        let name = cells[0].trim_start_matches("| `").trim_end_matches('`');
        let n = cells.len();
        let ld = cells[n - 2].trim();
        let rv = cells[n - 1].trim_end_matches(" |").trim();
        let ldirectord = match ld.strip_prefix("refused ") {
            Some(r) => {
                let (line, m) = at(r);
                Ldirectord::Refused(line, m)
            }
            None if ld == "accepted" => Ldirectord::Accepted,
            None => panic!("{name}: ldirectord verdict `{ld}`"),
        };
        let rvsadmd = match rv {
            "accepted" => Rvsadmd::Accepted,
            "same" => Rvsadmd::Same,
            _ => {
                let (line, f) = at(rv
                    .strip_prefix("pending ")
                    .unwrap_or_else(|| panic!("{name}: `{rv}`")));
                Rvsadmd::Pending(line, f)
            }
        };
        out.push(Entry {
            path: dir().join(name),
            name: name.to_string(),
            ldirectord,
            rvsadmd,
        });
    }
    out
}

/// A message as compared: blanks and quotes at its ends and line ends
/// dropped (ldirectord quotes a line with its line end).
pub fn normal(m: &str) -> String {
    m.trim().trim_end_matches('"').trim_end().to_string()
}
