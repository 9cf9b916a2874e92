//! keepalived.conf files people published (tests/data/keepalived/real,
//! sources in its SOURCES.md), read by rvsadmd's keepalived.conf front
//! end: every one reads, and the structure counted by hand in some of
//! them is what the reader finds.

use rvsadmd::config::keepalived::{read, Document, IncludeCheck, Options, Statement};
use std::path::{Path, PathBuf};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/keepalived/real")
}

fn options(config_id: &str) -> Options {
    Options {
        config_id: config_id.into(),
        include_check: IncludeCheck::default(),
        random_seed: 1,
    }
}

fn read_as(name: &str, config_id: &str) -> Document {
    read(&dir().join(name), &options(config_id)).unwrap_or_else(|e| panic!("{e}"))
}

fn doc(name: &str) -> Document {
    read_as(name, "lb1")
}

fn named<'a>(statements: &'a [Statement], keyword: &str) -> Vec<&'a Statement> {
    statements.iter().filter(|s| s.keyword == keyword).collect()
}

fn block(s: &Statement) -> &[Statement] {
    s.block
        .as_deref()
        .unwrap_or_else(|| panic!("{} at {} has no block", s.keyword, s.at))
}

fn corpus() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "conf"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_collected_file_reads() {
    let files = corpus();
    assert!(files.len() >= 25, "only {} files", files.len());
    let mut failures = Vec::new();
    for path in &files {
        match read(path, &options("lb1")) {
            Ok(doc) => {
                assert_eq!(doc.files, std::slice::from_ref(path));
                assert!(!doc.statements.is_empty(), "{}", path.display());
            }
            Err(e) => failures.push(e.to_string()),
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn every_file_is_listed_in_sources() {
    let sources = std::fs::read_to_string(dir().join("SOURCES.md")).unwrap();
    for path in corpus() {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            sources.contains(&format!("`{name}`")),
            "{name} is not in SOURCES.md"
        );
    }
}

#[test]
fn virtual_servers_counted_by_hand() {
    let counts = [
        ("01-sample.conf", 1),
        ("06-ssl-get.conf", 2),
        ("14-virtual-server-group.conf", 1),
        ("18-vrrp.conf", 0),
        ("23-python-script-lvs.conf", 2),
        ("24-autoinstall-lvs-test.conf", 2),
        ("25-hzkvectory-bak.conf", 3),
        ("29-coregear-lvs.conf", 2),
        ("31-linuxgateway-vrrp.conf", 0),
    ];
    for (name, n) in counts {
        assert_eq!(
            named(&doc(name).statements, "virtual_server").len(),
            n,
            "{name}"
        );
    }
}

#[test]
fn real_servers_and_their_lines() {
    let d = doc("25-hzkvectory-bak.conf");
    let per_vs: Vec<usize> = named(&d.statements, "virtual_server")
        .iter()
        .map(|vs| named(block(vs), "real_server").len())
        .collect();
    assert_eq!(per_vs, [1, 2, 2]);
    let d = doc("29-coregear-lvs.conf");
    let vs = named(&d.statements, "virtual_server")[0];
    assert_eq!(vs.args, ["118.144.83.99", "80"]);
    assert_eq!(vs.at.line, 60);
    let rs: Vec<usize> = named(block(vs), "real_server")
        .iter()
        .map(|r| r.at.line)
        .collect();
    assert_eq!(rs, [67, 75]);
}

#[test]
fn a_group_virtual_server_and_its_group() {
    let d = doc("14-virtual-server-group.conf");
    let group = named(&d.statements, "virtual_server_group")[0];
    assert_eq!(group.args, ["VSG_1"]);
    assert!(!block(group).is_empty());
    let vs = named(&d.statements, "virtual_server")[0];
    assert_eq!(vs.args, ["group", "VSG_1"]);
    assert_eq!(named(block(vs), "real_server").len(), 2);
}

#[test]
fn conditional_lines_follow_the_config_id() {
    let script = |id: &str| -> Vec<String> {
        let d = read_as("17-conditional-conf.conf", id);
        let vs = named(&d.statements, "vrrp_script")[0];
        named(block(vs), "script")
            .iter()
            .map(|s| s.args.join(" "))
            .collect()
    };
    assert_eq!(
        script("high"),
        ["/etc/keepalived/scripts/check_high_VI_0.sh"]
    );
    assert_eq!(script("low"), ["/etc/keepalived/scripts/check_low_VI_0.sh"]);
    assert!(script("other").is_empty());
    let d = read_as("17-conditional-conf.conf", "high");
    assert_eq!(named(&d.statements, "net_namespace")[0].args, ["high"]);
}
