//! keepalived.conf files people published (tests/data/keepalived/real,
//! sources in its SOURCES.md), read by rvsadmd's keepalived.conf front
//! end: every one reads, and the structure counted by hand in some of
//! them is what the reader finds; each one keepalived 2.2.7 runs (all of
//! them: SOURCES.md has its verdicts) is run by rvsadmd or refused at
//! the line of what rvsadmd does not do yet, as the table below says.

use rvsadmd::config::keepalived::{load, read, Document, IncludeCheck, Options, Statement};
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

/// What `rvsadmd check --keepalived` says of each file keepalived runs:
/// `Ok(services)`, or `Err((line, what))`: the first thing rvsadmd does
/// not do yet, or what keepalived itself fails to run as written (it logs
/// an error and goes on). When rvsadmd learns something, a row turns `Ok`
/// and [`ACCEPTED`] goes up; it never goes down.
/// `Ok(services)` or `Err((line, what))`.
type Verdict = Result<usize, (usize, &'static str)>;

const VERDICTS: [(&str, Verdict); 36] = [
    ("01-sample.conf", Ok(1)),
    ("02-http-get-port.conf", Ok(1)),
    ("03-ipv6.conf", Ok(1)),
    ("04-ping-check.conf", Ok(1)),
    (
        "05-smtp-check.conf",
        Err((64, "host block without a connect_timeout")),
    ),
    ("06-ssl-get.conf", Ok(2)),
    ("07-udp-check.conf", Ok(1)),
    ("08-fwmark.conf", Ok(1)),
    ("09-inhibit.conf", Ok(1)),
    ("10-misc-check.conf", Ok(1)),
    ("11-misc-check-arg.conf", Ok(1)),
    ("12-quorum.conf", Ok(1)),
    ("13-status-code.conf", Ok(1)),
    ("14-virtual-server-group.conf", Ok(13)),
    ("15-virtualhost.conf", Ok(1)),
    ("16-vrrp-lvs-syncd.conf", Ok(1)),
    ("17-conditional-conf.conf", Ok(0)),
    ("18-vrrp.conf", Ok(0)),
    ("19-devops-lvs.conf", Ok(1)),
    ("20-magic-lvs.conf", Ok(1)),
    ("21-interview-lvs.conf", Ok(1)),
    ("22-interview-step4.conf", Ok(1)),
    ("23-python-script-lvs.conf", Ok(2)),
    (
        "24-autoinstall-lvs-test.conf",
        Err((119, "second virtual server")),
    ),
    ("25-hzkvectory-bak.conf", Ok(3)),
    ("26-tgentimc.conf", Ok(1)),
    ("27-nsd01-step04.conf", Ok(1)),
    ("28-nsd01-gaokeyong.conf", Ok(1)),
    ("29-coregear-lvs.conf", Ok(2)),
    ("30-keepalived-lb.conf", Ok(1)),
    ("31-linuxgateway-vrrp.conf", Ok(0)),
    ("32-haq0003-vrrp.conf", Ok(0)),
    ("33-nginx-vrrp.conf", Ok(0)),
    ("34-kingkongmok-vrrp.conf", Ok(0)),
    ("35-config-samples-vrrp.conf", Ok(0)),
    ("36-configure-vrrp.conf", Ok(0)),
];

/// The files rvsadmd runs today: only ever raised.
const ACCEPTED: usize = 34;

#[test]
fn rvsadmd_runs_or_refuses_each_file_keepalived_runs_as_the_table_says() {
    let names: Vec<String> = corpus()
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    let listed: Vec<&str> = VERDICTS.iter().map(|(n, _)| *n).collect();
    assert_eq!(names, listed, "every file has a verdict");
    let mut wrong = Vec::new();
    for (name, want) in VERDICTS {
        let got = load(&dir().join(name), &options("lb1"));
        let ok = match (&got, want) {
            (Ok(cfg), Ok(n)) => cfg.services.len() == n,
            (Err(e), Err((line, what))) => e.at.line == line && e.message.contains(what),
            _ => false,
        };
        if !ok {
            wrong.push(format!(
                "{name}: want {want:?}, got {:?}",
                got.map(|c| c.services.len())
            ));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
    let accepted = VERDICTS.iter().filter(|(_, v)| v.is_ok()).count();
    assert_eq!(accepted, ACCEPTED, "raise ACCEPTED when a file turns Ok");
}

#[test]
fn what_keepalived_warns_about_is_a_note_with_its_line() {
    let cfg = load(&dir().join("29-coregear-lvs.conf"), &options("lb1")).unwrap();
    for want in [
        ":64: unknown keyword `nat_mask`",
        ":71: unknown keyword `nb_get_retry`",
        ":24: `vrrp_instance` is not about IPVS",
    ] {
        assert!(
            cfg.notes.iter().any(|n| n.contains(want)),
            "{want}: {:#?}",
            cfg.notes
        );
    }
}

/// `rvsadmd import-keepalived` of one file, against the TOML kept in
/// tests/data/keepalived/import (and that TOML reads back as the same
/// services and checks).
#[test]
fn import_of_a_published_file_is_the_golden_toml() {
    use rvsadmd::config::native;
    let cfg = load(&dir().join("29-coregear-lvs.conf"), &options("lb1")).unwrap();
    let toml = native::to_toml(&cfg);
    let golden = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/keepalived/import/29-coregear-lvs.toml");
    let want = std::fs::read_to_string(&golden).unwrap();
    assert_eq!(
        toml,
        want,
        "write the new text to {} if it is right",
        golden.display()
    );
    let back = native::parse(&golden, &toml).unwrap();
    assert_eq!(back.services.len(), cfg.services.len());
    for (a, b) in back.services.iter().zip(&cfg.services) {
        assert_eq!(
            (a.key, &a.config, &a.reals, a.on_failure, a.manual),
            (b.key, &b.config, &b.reals, b.on_failure, b.manual)
        );
    }
}
