//! The metric families, pinned: each family's name, type, labels and
//! help, from a registry built on a hand-made table (no kernel), against
//! `tests/data/metrics/*.txt` and the man pages. A rename, a new family or
//! a changed label fails here until the golden file and the man page say
//! so. `RVSADM_BLESS=1` rewrites the golden files.

mod common;

use common::metrics::{golden, parse};
use rvsadm::{DestConfig, Destination, Family, ForwardMethod, Service, ServiceKey, Weight};
use rvsadm_metrics::{encode, Format, IpvsFamilies, Registry};
use rvsadmd::engine::Engine;
use rvsadmd::health::Outcome;
use rvsadmd::metrics::view::View;
use rvsadmd::metrics::Metrics;
use std::path::{Path, PathBuf};
use std::time::Duration;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A table of a TCP service with two destinations and an IPv6 mark
/// service with one, with counters.
fn table() -> Vec<Service> {
    let dest = |a: &str, n: u64| {
        let mut d = Destination::new(
            a.parse().unwrap(),
            DestConfig::new(ForwardMethod::Masq).with_weight(Weight::from(3u16)),
        );
        d.status.active_conns = 2;
        d.status.stats.conns = n;
        d.status.stats.inbytes = 100 * n;
        d
    };
    let mut web = Service::new(ServiceKey::tcp("192.0.2.1:80".parse().unwrap()));
    web.destinations = vec![dest("10.0.0.1:80", 5), dest("10.0.0.2:8080", 7)];
    web.stats.conns = 12;
    let mut mark = Service::new(ServiceKey::Fwmark {
        mark: 7,
        family: Family::Inet6,
    });
    mark.destinations = vec![dest("[2001:db8::5]:0", 1)];
    vec![web, mark]
}

const CONFIG: &str = r#"
[[services]]
protocol = "tcp"
address = "192.0.2.1"
port = 80
check = { type = "tcp", interval = "1s", timeout = "1s", rise = 1, fall = 1 }

[[services.destinations]]
address = "10.0.0.1"
port = 80
forward = "masq"
weight = 3
agent = { port = 3333 }
"#;

/// The daemon's families, each with a sample: an engine on `CONFIG` with
/// one result recorded and decided, and every counted family touched.
fn daemon(r: &mut Registry) {
    let config = rvsadmd::config::native::parse(Path::new("t.toml"), CONFIG).expect("config");
    let mut engine = Engine::new(config);
    let (id, _) = engine.checks()[0].clone();
    let o = Outcome {
        ok: true,
        weight: None,
        add: 0,
        latency: Duration::from_millis(3),
        reason: "connected".into(),
    };
    let users = engine.check(id).unwrap().users.clone();
    let mut m = Metrics::default();
    m.check_result(&users, "tcp", &o);
    engine.record(id, o);
    m.result_changed();
    m.transition(&users[0], "up");
    m.floor_kept(&users[0]);
    engine.desired(None);
    m.batch(&[]);
    m.table_read();
    m.reload(true);
    m.reload(false);
    let fleet = rvsadmd::control::answer::FleetRow {
        director: "d1".into(),
        revision: 41,
        refused_revision: Some(42),
        refused_error: Some("a service does not read".into()),
        store_reachable: true,
        store_since: 1_700_000_000.5,
        store_error: None,
    };
    r.register_collector(Box::new(View::of(&engine).with_fleet(Some(fleet))));
    m.register(r);
}

/// Compare `text`'s families with the golden file `name`, and the man
/// page `man` lists each of them.
fn check(text: &str, name: &str, man: &str) {
    let (_, families) = parse(text);
    let got = golden(&families);
    let path = root().join("tests/data/metrics").join(name);
    if std::env::var_os("RVSADM_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &got).unwrap();
    }
    let want = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(got, want, "{} (RVSADM_BLESS=1 rewrites it)", path.display());
    let page = std::fs::read_to_string(root().join("man").join(man)).unwrap();
    let metrics = section(&page, "METRICS");
    let missing: Vec<&String> = families
        .keys()
        .filter(|n| !metrics.contains(&format!("\\fB{n}\\fR")))
        .collect();
    assert!(missing.is_empty(), "man/{man} METRICS lacks {missing:?}");
}

/// The text of section `name` of a man page.
fn section<'a>(page: &'a str, name: &str) -> &'a str {
    let head = format!("\n.SH {name}\n");
    let start = page
        .find(&head)
        .unwrap_or_else(|| panic!("no {name} section"));
    let rest = &page[start + head.len()..];
    &rest[..rest.find("\n.SH ").unwrap_or(rest.len())]
}

/// Every `rvsadm_...` name in a man page's METRICS section.
fn named(page: &str) -> std::collections::BTreeSet<String> {
    section(page, "METRICS")
        .split("\\fB")
        .skip(1)
        .filter_map(|s| s.split("\\fR").next())
        .filter(|s| s.starts_with("rvsadm_"))
        .filter(|s| s.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
        .map(str::to_string)
        .collect()
}

#[test]
fn ipvs_families_are_the_golden_ones() {
    let mut r = Registry::default();
    r.register_collector(Box::new(IpvsFamilies::new(&table())));
    check(
        &encode(&r, Format::Prometheus).unwrap(),
        "ipvs.txt",
        "rvsadm.8",
    );
}

#[test]
fn rvsadmd_families_are_the_golden_ones() {
    let mut r = Registry::default();
    r.register_collector(Box::new(IpvsFamilies::new(&table())));
    daemon(&mut r);
    check(
        &encode(&r, Format::Prometheus).unwrap(),
        "rvsadmd.txt",
        "rvsadmd.8",
    );
}

#[test]
fn man_pages_name_no_family_that_is_not_served() {
    for (man, golden) in [("rvsadm.8", "ipvs.txt"), ("rvsadmd.8", "rvsadmd.txt")] {
        let page = std::fs::read_to_string(root().join("man").join(man)).unwrap();
        let known: std::collections::BTreeSet<String> =
            std::fs::read_to_string(root().join("tests/data/metrics").join(golden))
                .unwrap()
                .lines()
                .filter_map(|l| l.split(' ').next())
                .map(str::to_string)
                .collect();
        let extra: Vec<String> = named(&page).difference(&known).cloned().collect();
        assert!(
            extra.is_empty(),
            "man/{man} names {extra:?}, which are not served"
        );
    }
}

#[test]
fn openmetrics_has_the_same_samples_and_an_end() {
    let mut r = Registry::default();
    r.register_collector(Box::new(IpvsFamilies::new(&table())));
    daemon(&mut r);
    let prom = encode(&r, Format::Prometheus).unwrap();
    let open = encode(&r, Format::OpenMetrics).unwrap();
    assert!(open.ends_with("# EOF\n"), "{open}");
    // The same families for an OpenMetrics reader (counters named without
    // `_total`).
    let (_, om) = parse(open.strip_suffix("# EOF\n").unwrap());
    let (_, pm) = parse(&prom);
    let renamed: Vec<String> = pm
        .keys()
        .map(|k| k.strip_suffix("_total").unwrap_or(k).to_string())
        .map(|k| {
            if k == "rvsadm_build_info" {
                "rvsadm_build".into()
            } else {
                k
            }
        })
        .collect();
    assert_eq!(om.keys().cloned().collect::<Vec<_>>(), {
        let mut r = renamed;
        r.sort();
        r
    });
    assert!(!prom.contains("# EOF"));
    // Histograms' bounds are written `1` and `1.0`: the others alike.
    let samples = |t: &str| -> Vec<String> {
        t.lines()
            .filter(|l| !l.starts_with('#') && !l.contains("_seconds_"))
            .map(str::to_string)
            .collect()
    };
    assert_eq!(samples(&prom), samples(&open));
    // The kernel's counters as they are, the destinations' by real.
    let (scrape, _) = parse(&prom);
    let v = |m, l: &[(&str, &str)]| common::metrics::value(&scrape, m, l);
    assert_eq!(
        v("rvsadm_service_connections_total", &[("vip", "192.0.2.1")]),
        Some(12.0)
    );
    assert_eq!(
        v(
            "rvsadm_destination_incoming_bytes_total",
            &[("real", "10.0.0.2"), ("real_port", "8080")]
        ),
        Some(700.0)
    );
    assert_eq!(
        v("rvsadm_destination_health", &[("real", "10.0.0.1")]),
        Some(1.0)
    );
    assert_eq!(
        v(
            "rvsadm_destination_effective_weight",
            &[("real", "10.0.0.1")]
        ),
        Some(3.0)
    );
    assert_eq!(
        v("rvsadm_reloads_total", &[("result", "refused")]),
        Some(1.0)
    );
    assert_eq!(v("rvsadm_config_generation", &[]), Some(2.0));
    assert_eq!(
        v(
            "rvsadm_service_destinations",
            &[("protocol", "fwmark"), ("vip", "::"), ("fwmark", "7")]
        ),
        Some(1.0)
    );
}
