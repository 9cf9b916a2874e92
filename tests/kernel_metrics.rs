//! Metrics in the VM: a NAT service (client namespace -> VIP on the
//! director -> two real servers with busybox httpd) kept by rvsadmd with
//! `/metrics` served, traffic sent by curl. A scrape of `/metrics` and
//! `rvsadm metrics` both parse with a Prometheus text-format parser and
//! show the kernel's own figures (`ipvsadm -Ln --stats --exact`, `--rate
//! --exact`) read beside them, grown by what was sent; a real server
//! stopped shows its failed check, its transition to down and its health
//! gauge in the same scrape.

mod common;

use common::daemon::ShowLog;

use common::metrics::{parse, value};
use common::topo::{bash, serve, Topo};
use prometheus_parse::Scrape;
use std::collections::BTreeMap;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const VIP: &str = "10.1.0.10";
const REALS: [&str; 2] = ["10.2.0.2", "10.3.0.2"];
/// What the command line says (the configuration's 9311 is overridden).
const METRICS: &str = "127.0.0.1:9310";
const OPENMETRICS: &str = "application/openmetrics-text;version=1.0.0;q=0.5,text/plain;q=0.3";

/// Client 10.1.0.2 -> director 10.1.0.1 (VIP 10.1.0.10); real servers
/// 10.2.0.2 and 10.3.0.2 behind the director's 10.2.0.1 and 10.3.0.1,
/// routed back through it. Returns (client, director, reals).
fn topology(t: &mut Topo) -> (String, String, [String; 2]) {
    let (c, d) = (t.ns("cl"), t.ns("dir"));
    let rs = [t.ns("rsa"), t.ns("rsb")];
    t.sh(&format!(
        "ip link add c0 netns {c} type veth peer name d0 netns {d}
         ip -n {c} addr add 10.1.0.2/24 dev c0; ip -n {c} link set c0 up
         ip -n {c} route add default via 10.1.0.1
         ip -n {d} addr add 10.1.0.1/24 dev d0; ip -n {d} addr add {VIP}/32 dev d0
         ip -n {d} link set d0 up
         ip netns exec {d} sysctl -qw net.ipv4.ip_forward=1"
    ));
    for (i, r) in rs.iter().enumerate() {
        let net = i + 2;
        t.sh(&format!(
            "ip link add r0 netns {r} type veth peer name d{net} netns {d}
             ip -n {d} addr add 10.{net}.0.1/24 dev d{net}; ip -n {d} link set d{net} up
             ip -n {r} addr add 10.{net}.0.2/24 dev r0; ip -n {r} link set r0 up
             ip -n {r} route add default via 10.{net}.0.1"
        ));
        serve(t, r, REALS[i]);
    }
    (c, d, rs)
}

fn config() -> String {
    let mut cf = format!(
        "[daemon]\nmetrics_listen = \"127.0.0.1:9311\"\n\n\
         [[services]]\nprotocol = \"tcp\"\naddress = \"{VIP}\"\nport = 80\nscheduler = \"rr\"\n\
         check = {{ type = \"tcp\", interval = \"2s\", timeout = \"1s\", rise = 1, fall = 1 }}\n"
    );
    for r in REALS {
        cf += &format!(
            "\n[[services.destinations]]\naddress = \"{r}\"\nport = 80\nforward = \"masq\"\nweight = 2\n"
        );
    }
    cf
}

/// The samples of `metric` of real `real`, for a failure's message.
fn show(s: &Scrape, metric: &str, real: &str) -> String {
    let found: Vec<String> = s
        .samples
        .iter()
        .filter(|x| x.metric == metric && x.labels.get("real") == Some(real))
        .map(|x| format!("{} {:?} {:?}", x.metric, x.labels, x.value))
        .collect();
    found.join("\n")
}

/// rvsadmd in namespace `ns`, serving metrics on [`METRICS`].
fn start_daemon(ns: &str, dir: &std::path::Path) -> Child {
    let cf = dir.join("rvsadmd.toml");
    std::fs::write(&cf, config()).unwrap();
    let log = std::fs::File::create(dir.join("rvsadmd.log")).unwrap();
    Command::new("ip")
        .args([
            "netns",
            "exec",
            ns,
            &common::settle::rvsadmd_path(),
            "run",
            "--config",
        ])
        .arg(&cf)
        .arg("--control-socket")
        .arg(dir.join("ctl.sock"))
        .arg("--state-file")
        .arg(dir.join("state.json"))
        .args(["--metrics-listen", METRICS])
        .stdin(Stdio::null())
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .expect("starting rvsadmd")
}

/// `curl` in `ns`: (HTTP status, content type, body).
fn get(ns: &str, path: &str, accept: &str) -> (u16, String, String) {
    let o = Command::new("ip")
        .args(["netns", "exec", ns, "curl", "-s", "-m", "20", "-H"])
        .arg(format!("Accept: {accept}"))
        .args(["-w", "\n%{http_code} %{content_type}"])
        .arg(format!("http://{METRICS}{path}"))
        .output()
        .expect("running curl");
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    // `-w` writes a line feed of its own after the body.
    let (body, tail) = out.rsplit_once('\n').unwrap_or(("", &out));
    let (code, ct) = tail.split_once(' ').unwrap_or((tail, ""));
    (code.parse().unwrap_or(0), ct.to_string(), body.to_string())
}

/// A scrape of rvsadmd's `/metrics` (Prometheus text), parsed.
fn scrape(ns: &str) -> Scrape {
    let (code, ct, body) = get(ns, "/metrics", "*/*");
    assert_eq!(code, 200, "{body}");
    assert!(ct.starts_with("text/plain; version=0.0.4"), "{ct}");
    parse(&body).0
}

/// A scrape, or `None` while nothing answers on the metrics address (curl's
/// status 0: rvsadmd, just started, has not bound it yet).
fn scrape_once_up(ns: &str) -> Option<Scrape> {
    let (code, ct, body) = get(ns, "/metrics", "*/*");
    if code == 0 {
        return None;
    }
    assert_eq!(code, 200, "{body}");
    assert!(ct.starts_with("text/plain; version=0.0.4"), "{ct}");
    Some(parse(&body).0)
}

/// `rvsadm metrics` in `ns`, parsed.
fn rvsadm_metrics(ns: &str) -> Scrape {
    let o = Command::new("ip")
        .args(["netns", "exec", ns, &common::rvsadm_path(), "metrics"])
        .output()
        .expect("running rvsadm metrics");
    assert!(o.status.success(), "{o:?}");
    parse(&String::from_utf8_lossy(&o.stdout)).0
}

/// `ipvsadm -Ln --stats|--rate --exact` in `ns`: each line's five figures,
/// by `TCP 10.1.0.10:80` or `-> 10.2.0.2:80`.
fn kernel(ns: &str, what: &str) -> BTreeMap<String, [u64; 5]> {
    let o = bash(&format!("ip netns exec {ns} ipvsadm -Ln {what} --exact"));
    assert!(o.status.success(), "{o:?}");
    let mut rows = BTreeMap::new();
    for line in String::from_utf8_lossy(&o.stdout).lines() {
        let w: Vec<&str> = line.split_whitespace().collect();
        if w.len() == 7 && (w[0] == "TCP" || w[0] == "->") {
            let n: Vec<u64> = w[2..].iter().filter_map(|x| x.parse().ok()).collect();
            if let Ok(n) = <[u64; 5]>::try_from(n) {
                rows.insert(format!("{} {}", w[0], w[1]), n);
            }
        }
    }
    rows
}

/// The five traffic counters (or rates) of the service or of real `real`.
fn figures(s: &Scrape, real: Option<&str>, names: [&str; 5]) -> [u64; 5] {
    let (prefix, labels): (&str, Vec<(&str, &str)>) = match real {
        None => ("rvsadm_service_", vec![("vip", VIP), ("port", "80")]),
        Some(r) => (
            "rvsadm_destination_",
            vec![("vip", VIP), ("real", r), ("real_port", "80")],
        ),
    };
    names.map(|n| {
        let m = format!("{prefix}{n}");
        value(s, &m, &labels).unwrap_or_else(|| panic!("no {m} {labels:?}")) as u64
    })
}

const COUNTERS: [&str; 5] = [
    "connections_total",
    "incoming_packets_total",
    "outgoing_packets_total",
    "incoming_bytes_total",
    "outgoing_bytes_total",
];

const RATES: [&str; 5] = [
    "connections_per_second",
    "incoming_packets_per_second",
    "outgoing_packets_per_second",
    "incoming_bytes_per_second",
    "outgoing_bytes_per_second",
];

/// The kernel's figures of `--stats` or `--rate` as a scrape has them.
fn as_kernel(s: &Scrape, names: [&str; 5]) -> BTreeMap<String, [u64; 5]> {
    let mut m = BTreeMap::new();
    m.insert(format!("TCP {VIP}:80"), figures(s, None, names));
    for r in REALS {
        m.insert(format!("-> {r}:80"), figures(s, Some(r), names));
    }
    m
}

/// Wait (at most 60 s) until `f` holds of a scrape; that scrape.
fn until(ns: &str, what: &str, f: impl Fn(&Scrape) -> bool) -> Scrape {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        match scrape_once_up(ns) {
            Some(s) if f(&s) => return s,
            _ => {}
        }
        assert!(
            Instant::now() < deadline,
            "no scrape showed {what} within 60 s"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// `rvsadm_destination_health` of `real`: 1 up, 0 down, -1 unknown.
fn health(s: &Scrape, real: &str) -> Option<f64> {
    value(s, "rvsadm_destination_health", &[("real", real)])
}

/// `n` requests from the client: the bytes it sent and received.
fn traffic(client: &str, n: usize) -> (u64, u64) {
    let o = bash(&format!(
        "for i in $(seq {n}); do ip netns exec {client} curl -s -o /dev/null -m 5 \
         -w '%{{size_request}} %{{size_download}}\\n' http://{VIP}/; done"
    ));
    assert!(o.status.success(), "{o:?}");
    let lines: Vec<(u64, u64)> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .filter_map(|l| {
            let (a, b) = l.split_once(' ')?;
            Some((a.parse().ok()?, b.parse().ok()?))
        })
        .collect();
    assert_eq!(lines.len(), n, "every request answered: {lines:?}");
    assert!(lines.iter().all(|&(_, got)| got > 0), "{lines:?}");
    lines.iter().fold((0, 0), |(a, b), (x, y)| (a + x, b + y))
}

#[test]
fn scrapes_follow_the_kernels_counters_and_a_failing_real() {
    let Some(mut t) = Topo::new("kernel_metrics") else {
        return;
    };
    let (c, d, rs) = topology(&mut t);
    let dir = std::env::temp_dir().join(format!("kernel-metrics-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let daemon = start_daemon(&d, &dir);
    let _log = ShowLog(dir.join("rvsadmd.log"));

    // Both real servers up, in the table at their weight.
    let before = until(&d, "both reals up", |s| {
        value(s, "rvsadm_service_destinations_up", &[("vip", VIP)]) == Some(2.0)
            && REALS
                .iter()
                .all(|r| value(s, "rvsadm_destination_weight", &[("real", r)]) == Some(2.0))
    });
    for r in REALS {
        assert_eq!(health(&before, r), Some(1.0));
        assert_eq!(
            value(&before, "rvsadm_destination_drained", &[("real", r)]),
            Some(0.0)
        );
        for m in [
            "rvsadm_destination_configured_weight",
            "rvsadm_destination_effective_weight",
        ] {
            let got = value(&before, m, &[("real", r)]);
            assert_eq!(got, Some(2.0), "{}", show(&before, m, r));
        }
    }
    let c0 = figures(&before, None, COUNTERS);

    // Traffic: 20 requests, 10 to each real (rr).
    const N: usize = 20;
    let (sent, received) = traffic(&c, N);
    // Checks go from the director to the reals, not through the VIP: the
    // counters stand still once the last connection's closing packets are
    // through (they may trail curl's exit). Read between two equal reads.
    let deadline = Instant::now() + Duration::from_secs(30);
    let (stats, after, cli) = loop {
        let stats = kernel(&d, "--stats");
        let after = scrape(&d);
        let cli = rvsadm_metrics(&d);
        let stats_again = kernel(&d, "--stats");
        if stats == stats_again {
            break (stats, after, cli);
        }
        assert!(
            Instant::now() < deadline,
            "the counters still move: {stats:?} {stats_again:?}"
        );
        std::thread::sleep(Duration::from_millis(500));
    };
    assert_eq!(
        as_kernel(&after, COUNTERS),
        stats,
        "/metrics against ipvsadm --stats"
    );
    assert_eq!(
        as_kernel(&cli, COUNTERS),
        stats,
        "rvsadm metrics against ipvsadm --stats"
    );
    let c1 = figures(&after, None, COUNTERS);
    assert_eq!(c1[0] - c0[0], N as u64, "one connection per request");
    assert!(
        c1[1] - c0[1] >= 3 * N as u64,
        "packets in: {c0:?} -> {c1:?}"
    );
    assert!(
        c1[2] - c0[2] >= 3 * N as u64,
        "packets out: {c0:?} -> {c1:?}"
    );
    assert!(
        c1[3] - c0[3] >= sent,
        "bytes in {c0:?} -> {c1:?}, the client sent {sent}"
    );
    assert!(
        c1[4] - c0[4] >= received,
        "bytes out {c0:?} -> {c1:?}, it received {received}"
    );
    for r in REALS {
        let n = figures(&after, Some(r), COUNTERS)[0] - figures(&before, Some(r), COUNTERS)[0];
        assert_eq!(n, N as u64 / 2, "round robin to {r}");
    }

    // The kernel's rate estimates (it updates them every 2 s), between
    // two equal reads of its own: once they show the traffic, or after
    // 20 s whatever they show (its estimator may be off in a namespace:
    // `net.ipv4.vs.run_estimation`).
    let started = Instant::now();
    loop {
        let r1 = kernel(&d, "--rate");
        let s = scrape(&d);
        let r2 = kernel(&d, "--rate");
        let busy = r1.values().any(|v| v.iter().any(|x| *x > 0));
        if r1 == r2 && (busy || started.elapsed() > Duration::from_secs(20)) {
            assert_eq!(as_kernel(&s, RATES), r1, "/metrics against ipvsadm --rate");
            eprintln!("rates as ipvsadm --rate --exact reads them: {r1:?}");
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(90),
            "ipvsadm --rate never read the same twice: {r1:?} {r2:?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }

    // OpenMetrics when asked; other paths are not served.
    let (code, ct, body) = get(&d, "/metrics", OPENMETRICS);
    assert_eq!(code, 200);
    assert!(
        ct.starts_with("application/openmetrics-text; version=1.0.0"),
        "{ct}"
    );
    // OpenMetrics' end, then the same text a Prometheus parser reads.
    let Some(text) = body.strip_suffix("# EOF\n") else {
        panic!("no `# EOF` at the end: {body}");
    };
    parse(text);
    assert_eq!(get(&d, "/", "*/*").0, 404);

    // A real server stops: its first failed check is its transition to
    // down, in the same scrape as its health.
    let down = REALS[1];
    let failures = |s: &Scrape| {
        value(
            s,
            "rvsadm_destination_check_results_total",
            &[("real", down), ("outcome", "failure")],
        )
        .unwrap_or(0.0)
    };
    assert_eq!(failures(&after), 0.0);
    let to_down = |s: &Scrape| {
        value(
            s,
            "rvsadm_destination_transitions_total",
            &[("real", down), ("to", "down")],
        )
    };
    assert_eq!(to_down(&after), None);
    let stopped = Instant::now();
    t.sh(&format!(
        "for p in $(ip netns pids {}); do kill $p; done",
        rs[1]
    ));
    let s = until(&d, "a failed check of the stopped real", |s| {
        failures(s) >= 1.0
    });
    let took = stopped.elapsed();
    eprintln!("the stopped real's first failure was scraped {took:?} after the stop");
    assert_eq!(
        to_down(&s),
        Some(1.0),
        "the transition with the first failure"
    );
    assert_eq!(health(&s, down), Some(0.0));
    assert_eq!(
        value(&s, "rvsadm_service_destinations_up", &[("vip", VIP)]),
        Some(1.0)
    );
    let latency = s.samples.iter().any(|x| {
        x.metric == "rvsadm_destination_check_duration_seconds"
            && x.labels.get("real") == Some(down)
    });
    assert!(latency, "the check latency histogram of {down}");
    // The decision follows (quiesce: weight 0), then the kernel.
    let s = until(&d, "the stopped real at weight 0", |s| {
        value(s, "rvsadm_destination_weight", &[("real", down)]) == Some(0.0)
    });
    assert_eq!(
        value(&s, "rvsadm_destination_effective_weight", &[("real", down)]),
        Some(0.0)
    );
    assert!(value(&s, "rvsadm_changes_written_total", &[]).unwrap_or(0.0) >= 1.0);
    assert!(value(&s, "rvsadm_batches_total", &[]).unwrap_or(0.0) >= 1.0);
    let written = s
        .samples
        .iter()
        .any(|x| x.metric == "rvsadm_result_to_write_seconds" && x.labels.is_empty());
    assert!(written, "the result-to-write histogram");
    assert!(value(&s, "rvsadm_last_table_read_timestamp_seconds", &[]).unwrap_or(0.0) > 1e9);

    common::settle::stop(daemon);
    let _ = std::fs::remove_dir_all(&dir);
}
