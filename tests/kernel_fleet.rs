//! Fleet mode in the VM: one etcd (Debian's etcd-server) in a hub
//! namespace and directors in namespaces of their own, one rvsadmd each,
//! joined to the hub by a bridge; a real server (busybox httpd) on the
//! same bridge, checked by every director from where it is.
//!
//! - a `fleet put` reaches every director's table, a drain written once
//!   (through one director) reaches all of them, `ready` undoes it, a
//!   put based on an old revision is refused and writes nothing;
//! - etcd stopped: each director follows its own checks (the real server
//!   fails and recovers), makes no other write, says the store is
//!   unreachable; a director restarted meanwhile runs its last state;
//!   etcd back, a new put reaches all; a director partitioned (its link
//!   down) the same, converging when the link is back;
//! - compaction: a director stopped, 200 changes and a compaction, the
//!   director started: it converges by listing again;
//! - `mh`: the same destinations put in different orders for two
//!   directors: the same order in both kernels, and each of 40 flows sent
//!   through each goes to the same real server;
//! - three members: a director following a member cut from the other two
//!   says the store is unreachable and keeps its table while a put
//!   reaches the director on the quorum's side; the cut healed, it
//!   converges.

mod common;

use common::settle::{rvsadmd_path, spawn_logged, stop};
use common::topo::{bash, serve, Topo};
use std::path::PathBuf;
use std::process::{Child, Command, Output};
use std::time::{Duration, Instant};

/// How long a condition is waited for (an emulated VM beside other
/// builds: generous).
const DEADLINE: Duration = Duration::from_secs(120);

const ETCD: &str = "http://10.9.0.1:2379";
/// Where each director serves `/metrics` (in its own namespace).
const METRICS: &str = "127.0.0.1:9800";
const REAL: &str = "10.9.0.100";

/// One service, its destination the real server, checked by TCP.
const ONE: &str = r#"
[defaults]
check = { type = "tcp", interval = "1s", timeout = "1s" }

[[services]]
protocol = "tcp"
address = "10.8.0.1"
port = 80
scheduler = "rr"
[[services.destinations]]
address = "10.9.0.100"
port = 80
"#;

/// [`ONE`] and a second service.
const TWO: &str = r#"
[defaults]
check = { type = "tcp", interval = "1s", timeout = "1s" }

[[services]]
protocol = "tcp"
address = "10.8.0.1"
port = 80
scheduler = "rr"
[[services.destinations]]
address = "10.9.0.100"
port = 80

[[services]]
protocol = "tcp"
address = "10.8.0.2"
port = 80
scheduler = "wrr"
[[services.destinations]]
address = "10.9.0.100"
port = 80
"#;

/// The destination line of service `vip` at `weight` in `ipvsadm -Sn`.
fn dest_line(vip: &str, weight: u32) -> String {
    format!("-a -t {vip}:80 -r {REAL}:80 -g -w {weight}")
}

struct Fleet {
    t: Topo,
    hub: String,
    rs: String,
    dirs: Vec<String>,
    tmp: PathBuf,
    prefix: String,
    etcd: Option<Child>,
    /// The members of a three-member cluster, when a test starts one.
    members: Vec<Child>,
    /// The etcd endpoint each director follows.
    endpoints: Vec<String>,
    /// The endpoint `fleet` commands and `etcdctl` use.
    cli_etcd: String,
    daemons: Vec<Option<Child>>,
}

impl Fleet {
    /// The hub (bridge 10.9.0.1/24), the real server (10.9.0.100, httpd)
    /// and `n` director namespaces (10.9.0.11 ...).
    fn new(test: &str, n: usize) -> Option<Fleet> {
        let mut t = Topo::new(test)?;
        let hub = t.ns("hub");
        t.sh(&format!(
            "ip -n {hub} link add br0 type bridge; ip -n {hub} addr add 10.9.0.1/24 dev br0; ip -n {hub} link set br0 up"
        ));
        let attach = |t: &mut Topo, role: &str, addr: &str| {
            let ns = t.ns(role);
            t.sh(&format!(
                "ip link add e0 netns {ns} type veth peer name p-{role} netns {hub}
                 ip -n {hub} link set p-{role} master br0; ip -n {hub} link set p-{role} up
                 ip -n {ns} addr add {addr}/24 dev e0; ip -n {ns} link set e0 up"
            ));
            ns
        };
        let rs = attach(&mut t, "rs", REAL);
        serve(&t, &rs, REAL);
        let dirs = (1..=n)
            .map(|i| attach(&mut t, &format!("d{i}"), &format!("10.9.0.{}", 10 + i)))
            .collect();
        let tmp = std::env::temp_dir().join(format!("fleet-{}", t.tag()));
        std::fs::create_dir_all(&tmp).unwrap();
        let prefix = format!("/rvsadm/{}", t.tag());
        Some(Fleet {
            t,
            hub,
            rs,
            dirs,
            tmp,
            prefix,
            etcd: None,
            members: Vec::new(),
            endpoints: vec![ETCD.to_string(); n],
            cli_etcd: ETCD.to_string(),
            daemons: (0..n).map(|_| None).collect(),
        })
    }

    /// Start etcd in the hub and wait until it answers.
    fn start_etcd(&mut self) {
        let mut c = Command::new("ip");
        c.args(["netns", "exec", &self.hub, "etcd", "--data-dir"])
            .arg(self.tmp.join("etcd"))
            .args([
                "--listen-client-urls",
                ETCD,
                "--advertise-client-urls",
                ETCD,
                "--listen-peer-urls",
                "http://127.0.0.1:2380",
                "--initial-advertise-peer-urls",
                "http://127.0.0.1:2380",
                "--initial-cluster",
                "default=http://127.0.0.1:2380",
            ]);
        self.etcd = Some(spawn_logged(c, &self.tmp, "etcd.log"));
        self.wait("etcd answers", || {
            self.etcdctl(&["endpoint", "health"]).status.success()
        });
    }

    /// A cluster of three members m1 m2 m3, each in a namespace of its
    /// own: clients on the hub's bridge (10.9.0.51-53:2379), peers on a
    /// bridge of their own (10.10.0.51-53:2380), so that a member can be
    /// cut from the others while its clients still reach it. Waits until
    /// it has a leader; `fleet` commands and `etcdctl` use m1.
    fn start_cluster(&mut self) {
        let hub = self.hub.clone();
        self.t.sh(&format!(
            "ip -n {hub} link add br1 type bridge; ip -n {hub} link set br1 up"
        ));
        let peer = |k: usize| format!("http://10.10.0.5{k}:2380");
        let cluster: Vec<String> = (1..=3).map(|k| format!("m{k}={}", peer(k))).collect();
        for k in 1..=3 {
            let ns = self.t.ns(&format!("m{k}"));
            self.t.sh(&format!(
                "ip link add e0 netns {ns} type veth peer name c-m{k} netns {hub}
                 ip -n {hub} link set c-m{k} master br0; ip -n {hub} link set c-m{k} up
                 ip -n {ns} addr add 10.9.0.5{k}/24 dev e0; ip -n {ns} link set e0 up
                 ip link add e1 netns {ns} type veth peer name q-m{k} netns {hub}
                 ip -n {hub} link set q-m{k} master br1; ip -n {hub} link set q-m{k} up
                 ip -n {ns} addr add 10.10.0.5{k}/24 dev e1; ip -n {ns} link set e1 up"
            ));
            let client = format!("http://10.9.0.5{k}:2379");
            let mut c = Command::new("ip");
            c.args(["netns", "exec", &ns, "etcd", "--name", &format!("m{k}")])
                .arg("--data-dir")
                .arg(self.tmp.join(format!("m{k}")))
                .args(["--listen-client-urls", &client])
                .args(["--advertise-client-urls", &client])
                .args(["--listen-peer-urls", &peer(k)])
                .args(["--initial-advertise-peer-urls", &peer(k)])
                .args(["--initial-cluster", &cluster.join(",")])
                .args(["--initial-cluster-state", "new"])
                .args(["--initial-cluster-token", self.t.tag()]);
            self.members
                .push(spawn_logged(c, &self.tmp, &format!("m{k}.log")));
        }
        self.cli_etcd = "http://10.9.0.51:2379".into();
        self.wait("the three members have a leader", || {
            self.etcdctl(&["endpoint", "status", "--cluster", "-w", "json"])
                .status
                .success()
                && self.etcdctl(&["put", "/probe", "x"]).status.success()
        });
    }

    /// Stop etcd (SIGTERM, waited for).
    fn stop_etcd(&mut self) {
        if let Some(c) = self.etcd.take() {
            stop(c);
        }
    }

    /// `etcdctl` against the hub's etcd.
    fn etcdctl(&self, args: &[&str]) -> Output {
        Command::new("ip")
            .args([
                "netns",
                "exec",
                &self.hub,
                "etcdctl",
                "--endpoints",
                &self.cli_etcd,
            ])
            .args(args)
            .env("ETCDCTL_API", "3")
            .output()
            .expect("running etcdctl")
    }

    /// Start director `i` (0-based) with its own file: control socket,
    /// state files, `[fleet]`.
    fn start_director(&mut self, i: usize) {
        let p = self.prefix.clone();
        self.start_director_at(i, &p);
    }

    /// Start director `i` following the fleet at `prefix`.
    fn start_director_at(&mut self, i: usize, prefix: &str) {
        let name = format!("d{}", i + 1);
        let cf = self.tmp.join(format!("{name}.toml"));
        std::fs::write(
            &cf,
            format!(
                "[daemon]\ncontrol_socket = \"{t}/{name}.sock\"\nstate_file = \"{t}/{name}-admin.json\"\n\
                 metrics_listen = \"{METRICS}\"\n\n\
                 [fleet]\nendpoints = [\"{e}\"]\nprefix = \"{p}\"\nname = \"{name}\"\nstate_file = \"{t}/{name}-fleet.json\"\n",
                t = self.tmp.display(),
                e = self.endpoints[i],
                p = prefix
            ),
        )
        .unwrap();
        let mut c = Command::new("ip");
        c.args(["netns", "exec", &self.dirs[i], &rvsadmd_path(), "run", "-c"])
            .arg(&cf)
            .args(["--poll", "1s"]);
        self.daemons[i] = Some(spawn_logged(c, &self.tmp, &format!("{name}.log")));
    }

    /// Director `i`'s fleet gauge `name` on its `/metrics` (`None`: not
    /// served, or not answering yet).
    fn fleet_gauge(&self, i: usize, name: &str) -> Option<f64> {
        let url = format!("http://{METRICS}/metrics");
        let o = Command::new("ip")
            .args([
                "netns",
                "exec",
                &self.dirs[i],
                "curl",
                "-s",
                "-m",
                "5",
                &url,
            ])
            .output()
            .expect("running curl");
        let (scrape, _) = common::metrics::parse(&String::from_utf8_lossy(&o.stdout));
        common::metrics::value(&scrape, name, &[])
    }

    fn stop_director(&mut self, i: usize) {
        if let Some(c) = self.daemons[i].take() {
            stop(c);
        }
    }

    /// `rvsadmd ARGS` in namespace `ns`.
    fn rvsadmd(&self, ns: &str, args: &[&str]) -> Output {
        Command::new("ip")
            .args(["netns", "exec", ns, &rvsadmd_path()])
            .args(args)
            .output()
            .expect("running rvsadmd")
    }

    /// `rvsadmd fleet SUB ARGS` from the hub, pointed at this etcd.
    fn fleet(&self, sub: &str, args: &[&str]) -> Output {
        let mut a = vec![
            "fleet",
            sub,
            "--etcd-endpoints",
            &self.cli_etcd,
            "--fleet-prefix",
            &self.prefix,
        ];
        a.extend_from_slice(args);
        self.rvsadmd(&self.hub, &a)
    }

    /// Put `text` as the services of the fleet at `prefix`.
    fn put_at(&self, prefix: &str, text: &str) -> Output {
        let f = self.tmp.join("services-at.toml");
        std::fs::write(&f, text).unwrap();
        let f = f.display().to_string();
        self.rvsadmd(
            &self.hub,
            &[
                "fleet",
                "put",
                "--etcd-endpoints",
                &self.cli_etcd,
                "--fleet-prefix",
                prefix,
                &f,
            ],
        )
    }

    /// Put `text` as the services; its output.
    fn put(&self, text: &str, args: &[&str]) -> Output {
        let f = self.tmp.join("services.toml");
        std::fs::write(&f, text).unwrap();
        let f = f.display().to_string();
        let mut a = args.to_vec();
        a.push(&f);
        self.fleet("put", &a)
    }

    /// Director `i`'s control socket.
    fn sock(&self, i: usize) -> String {
        self.tmp
            .join(format!("d{}.sock", i + 1))
            .display()
            .to_string()
    }

    /// `ipvsadm -Sn` in namespace `ns`.
    fn table(&self, ns: &str) -> String {
        let o = bash(&format!("ip netns exec {ns} ipvsadm -Sn"));
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    /// Wait until `ok`, else fail with every table and log.
    fn wait(&self, what: &str, ok: impl Fn() -> bool) {
        let end = Instant::now() + DEADLINE;
        while Instant::now() < end {
            if ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("{what}: not within {DEADLINE:?}\n{}", self.evidence());
    }

    /// Wait until every director in `which` has `line` in its table; how
    /// long it took.
    fn wait_tables(&self, which: &[usize], line: &str) -> Duration {
        let t0 = Instant::now();
        self.wait(&format!("`{line}` in {which:?}"), || {
            which
                .iter()
                .all(|&i| self.table(&self.dirs[i]).lines().any(|l| l == line))
        });
        t0.elapsed()
    }

    fn evidence(&self) -> String {
        let mut out = String::new();
        for (i, d) in self.dirs.iter().enumerate() {
            out.push_str(&format!("--- table of d{}:\n{}", i + 1, self.table(d)));
            let log = std::fs::read_to_string(self.tmp.join(format!("d{}.log", i + 1)))
                .unwrap_or_default();
            let tail: Vec<&str> = log.lines().rev().take(30).collect();
            out.push_str(&format!(
                "--- log of d{} (last lines first):\n{}\n",
                i + 1,
                tail.join("\n")
            ));
        }
        for log in ["etcd", "m1", "m2", "m3"] {
            let Ok(etcd) = std::fs::read_to_string(self.tmp.join(format!("{log}.log"))) else {
                continue;
            };
            let tail: Vec<&str> = etcd.lines().rev().take(10).collect();
            out.push_str(&format!(
                "--- {log} log (last lines first):\n{}\n",
                tail.join("\n")
            ));
        }
        out
    }

    /// The store's current revision.
    fn revision(&self) -> i64 {
        let o = self.etcdctl(&["get", "/", "-w", "json"]);
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("etcdctl's JSON");
        v["header"]["revision"].as_i64().expect("a revision")
    }
}

impl Drop for Fleet {
    fn drop(&mut self) {
        for c in self.daemons.iter_mut().filter_map(Option::take) {
            let mut c = c;
            let _ = c.kill();
            let _ = c.wait();
        }
        for mut c in self.etcd.take().into_iter().chain(self.members.drain(..)) {
            let _ = c.kill();
            let _ = c.wait();
        }
        let _ = std::fs::remove_dir_all(&self.tmp);
        let _ = &self.t;
    }
}

/// The revision `fleet get`'s first line says the services were last
/// written at.
fn fleet_revision(got: &str) -> i64 {
    got.lines()
        .next()
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no revision in fleet get's first line: {got}"))
}

fn ok(o: &Output) -> String {
    assert!(o.status.success(), "{o:?}");
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn a_put_and_a_drain_reach_every_director() {
    let Some(mut f) = Fleet::new("fleet_put", 3) else {
        return;
    };
    f.start_etcd();
    for i in 0..3 {
        f.start_director(i);
    }
    let all = [0, 1, 2];
    let out = ok(&f.put(ONE, &[]));
    assert!(out.contains("1 written"), "{out}");
    f.wait_tables(&all, &dest_line("10.8.0.1", 1));

    // Every director publishes its status; they agree.
    f.wait("three directors in fleet status", || {
        let s = String::from_utf8_lossy(&f.fleet("status", &[]).stdout).into_owned();
        ["d1", "d2", "d3"].iter().all(|d| s.contains(d))
            && s.contains("see every destination alike")
    });

    // A drain through one director reaches all three kernels.
    let s = f.sock(1);
    ok(&f.rvsadmd(
        &f.dirs[1],
        &[
            "drain",
            "--control-socket",
            &s,
            "tcp:10.8.0.1:80",
            "10.9.0.100:80",
        ],
    ));
    let took = f.wait_tables(&all, &dest_line("10.8.0.1", 0));
    eprintln!("drain reached 3 directors in {} ms", took.as_millis());
    let drains = ok(&f.etcdctl(&[
        "get",
        "--prefix",
        &format!("{}/drains/", f.prefix),
        "--keys-only",
    ]));
    assert!(
        drains.contains("/drains/tcp:10.8.0.1:80/10.9.0.100:80"),
        "{drains}"
    );
    ok(&f.rvsadmd(
        &f.dirs[1],
        &["ready", "--control-socket", &s, "tcp:10.8.0.1:80"],
    ));
    f.wait_tables(&all, &dest_line("10.8.0.1", 1));

    // Each director's /metrics: the revision applied, etcd reachable.
    let rev = fleet_revision(&ok(&f.fleet("get", &[])));
    f.wait(
        "every director's /metrics at the services' revision",
        || {
            all.iter().all(|&i| {
                f.fleet_gauge(i, "rvsadm_fleet_applied_revision") >= Some(rev as f64)
                    && f.fleet_gauge(i, "rvsadm_fleet_store_reachable") == Some(1.0)
            })
        },
    );

    // A put based on an old revision is refused and writes nothing.
    let o = f.put(TWO, &["--expect-revision", "1"]);
    assert!(!o.status.success(), "{o:?}");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("changed since revision 1"), "{err}");
    let got = ok(&f.fleet("get", &[]));
    assert!(!got.contains("10.8.0.2"), "{got}");

    // Read, then put: the second service reaches all three.
    ok(&f.put(TWO, &[]));
    f.wait_tables(&all, &dest_line("10.8.0.2", 1));
    // `fleet get` prints what `fleet put` reads back: putting it again
    // changes nothing.
    let got = ok(&f.fleet("get", &[]));
    let out = ok(&f.put(&got, &[]));
    assert!(out.contains("unchanged"), "{out}");
    // The same services left out are deleted everywhere.
    ok(&f.put(ONE, &[]));
    f.wait("10.8.0.2 gone from all", || {
        all.iter()
            .all(|&i| !f.table(&f.dirs[i]).contains("10.8.0.2"))
    });
}

#[test]
fn etcd_down_changes_nothing_but_health() {
    let Some(mut f) = Fleet::new("fleet_down", 3) else {
        return;
    };
    f.start_etcd();
    for i in 0..3 {
        f.start_director(i);
    }
    let all = [0, 1, 2];
    ok(&f.put(ONE, &[]));
    f.wait_tables(&all, &dest_line("10.8.0.1", 1));
    let before: Vec<String> = f.dirs.iter().map(|d| f.table(d)).collect();

    f.stop_etcd();
    for i in all {
        f.wait(&format!("d{} says the store is unreachable", i + 1), || {
            says_unreachable(&f, i)
        });
    }
    for i in all {
        assert_eq!(
            f.fleet_gauge(i, "rvsadm_fleet_store_reachable"),
            Some(0.0),
            "d{} /metrics",
            i + 1
        );
    }
    // The real server fails, then recovers: each director follows its
    // own checks.
    f.t.sh(&format!(
        "for p in $(ip netns pids {}); do kill $p; done",
        f.rs
    ));
    f.wait_tables(&all, &dest_line("10.8.0.1", 0));
    serve(&f.t, &f.rs, REAL);
    f.wait_tables(&all, &dest_line("10.8.0.1", 1));
    let after: Vec<String> = f.dirs.iter().map(|d| f.table(d)).collect();
    assert_eq!(before, after, "a write other than health's");

    // A director restarted while etcd is down runs its last state.
    f.stop_director(0);
    f.t.sh(&format!("ip netns exec {} ipvsadm -C", f.dirs[0]));
    f.start_director(0);
    f.wait_tables(&[0], &dest_line("10.8.0.1", 1));

    // etcd back: a new put reaches all three.
    f.start_etcd();
    ok(&f.put(TWO, &[]));
    f.wait_tables(&all, &dest_line("10.8.0.2", 1));

    // d3 partitioned (its link down): it says so and keeps its table's
    // services (its checks, which cannot reach the real server either,
    // set the weights); a put meanwhile reaches the others only; the
    // link up, d3 converges.
    f.t.sh(&format!("ip -n {} link set e0 down", f.dirs[2]));
    f.wait("d3 says the store is unreachable", || {
        says_unreachable(&f, 2)
    });
    ok(&f.put(ONE, &[]));
    f.wait("10.8.0.2 gone from d1 and d2", || {
        [0, 1]
            .iter()
            .all(|&i| !f.table(&f.dirs[i]).contains("10.8.0.2"))
    });
    let cut = f.table(&f.dirs[2]);
    assert!(cut.contains("-A -t 10.8.0.2:80"), "{cut}");
    assert!(cut.contains("-A -t 10.8.0.1:80"), "{cut}");
    f.t.sh(&format!("ip -n {} link set e0 up", f.dirs[2]));
    f.wait("10.8.0.2 gone from d3", || {
        !f.table(&f.dirs[2]).contains("10.8.0.2")
    });
    f.wait_tables(&all, &dest_line("10.8.0.1", 1));
}

/// Whether director `i`'s `status` says etcd is unreachable.
fn says_unreachable(f: &Fleet, i: usize) -> bool {
    let s = f.sock(i);
    let o = f.rvsadmd(&f.dirs[i], &["status", "--control-socket", &s]);
    String::from_utf8_lossy(&o.stdout).contains("store unreachable")
}

#[test]
fn a_director_on_a_member_cut_from_the_quorum_keeps_its_table_and_converges() {
    let Some(mut f) = Fleet::new("fleet_quorum", 2) else {
        return;
    };
    f.start_cluster();
    // d1 follows m1, d2 follows m3 (one endpoint each: what a director
    // next to one member sees).
    f.endpoints = vec![
        "http://10.9.0.51:2379".into(),
        "http://10.9.0.53:2379".into(),
    ];
    f.start_director(0);
    f.start_director(1);
    ok(&f.put(ONE, &[]));
    f.wait_tables(&[0, 1], &dest_line("10.8.0.1", 1));
    let before = f.table(&f.dirs[1]);

    // m3 cut from m1 and m2: it loses its leader, and d2, whose calls
    // require one, says the store is unreachable instead of following a
    // member that hears no write; its table stays as it was.
    f.t.sh(&format!("ip -n m3-{} link set e1 down", f.t.tag()));
    f.wait("d2 says the store is unreachable", || {
        says_unreachable(&f, 1)
    });
    // d1, on the quorum's side, follows (after an election if m3 led).
    f.wait("d1 says the store is reachable", || {
        !says_unreachable(&f, 0)
    });
    ok(&f.put(TWO, &[]));
    f.wait_tables(&[0], &dest_line("10.8.0.2", 1));
    assert_eq!(f.table(&f.dirs[1]), before, "d2 wrote while cut off");
    assert_eq!(
        f.fleet_gauge(1, "rvsadm_fleet_store_reachable"),
        Some(0.0),
        "d2 /metrics"
    );

    // The link back: m3 catches up, d2 converges.
    f.t.sh(&format!("ip -n m3-{} link set e1 up", f.t.tag()));
    f.wait_tables(&[1], &dest_line("10.8.0.2", 1));
    f.wait("d2 says the store is reachable", || {
        !says_unreachable(&f, 1)
    });
}

#[test]
fn a_director_behind_a_compaction_converges_by_listing_again() {
    let Some(mut f) = Fleet::new("fleet_compact", 2) else {
        return;
    };
    f.start_etcd();
    f.start_director(0);
    f.start_director(1);
    ok(&f.put(ONE, &[]));
    f.wait_tables(&[0, 1], &dest_line("10.8.0.1", 1));
    f.stop_director(0);

    // 200 changes: a drain of the destination written and deleted 100
    // times, then the second service put and the history compacted.
    let key = format!("{}/drains/tcp:10.8.0.1:80/{REAL}:80", f.prefix);
    for _ in 0..100 {
        ok(&f.etcdctl(&["put", &key, "test"]));
        ok(&f.etcdctl(&["del", &key]));
    }
    ok(&f.put(TWO, &[]));
    let rev = f.revision();
    ok(&f.etcdctl(&["compact", &rev.to_string()]));
    // A drain left on, from the history the stopped director missed.
    ok(&f.etcdctl(&["put", &key, "test"]));

    f.start_director(0);
    f.wait_tables(&[0, 1], &dest_line("10.8.0.2", 1));
    f.wait_tables(&[0, 1], &dest_line("10.8.0.1", 0));
}

/// An `mh` service whose destinations `order` lists, none checked.
fn mh(order: &[u8]) -> String {
    let mut s = String::from(
        "[[services]]\nprotocol = \"tcp\"\naddress = \"10.8.0.3\"\nport = 80\nscheduler = \"mh\"\n",
    );
    for o in order {
        s.push_str(&format!(
            "[[services.destinations]]\naddress = \"10.9.0.{o}\"\nport = 80\nchecks = []\n"
        ));
    }
    s
}

/// The destination lines of `ipvsadm -Sn` in the kernel's order (the
/// order `mh` fills its table in).
fn dest_order(table: &str) -> Vec<String> {
    table
        .lines()
        .filter(|l| l.starts_with("-a "))
        .map(str::to_string)
        .collect()
}

#[test]
fn mh_destinations_are_added_in_one_order_on_every_director() {
    let Some(mut f) = Fleet::new("fleet_mh", 2) else {
        return;
    };
    f.start_etcd();
    // Two fleets, the same destinations written in different orders: the
    // same order in each kernel, and the same flows go to the same real
    // servers through each.
    let (p1, p2) = (format!("{}-a", f.prefix), format!("{}-b", f.prefix));
    ok(&f.put_at(&p1, &mh(&[103, 101, 102])));
    ok(&f.put_at(&p2, &mh(&[102, 103, 101])));
    f.start_director_at(0, &p1);
    f.start_director_at(1, &p2);
    for i in [0, 1] {
        f.wait(&format!("d{} has the three destinations", i + 1), || {
            dest_order(&f.table(&f.dirs[i])).len() == 3
        });
    }
    let a = dest_order(&f.table(&f.dirs[0]));
    let b = dest_order(&f.table(&f.dirs[1]));
    assert_eq!(a, b, "the kernel's order of the destinations");
    assert!(
        a[0].contains("10.9.0.101:80") && a[2].contains("10.9.0.103:80"),
        "{a:?}"
    );
    // The same flows through each: the same real server for each.
    let (fa, fb) = (mh_flows(&f, 0), mh_flows(&f, 1));
    assert_eq!(fa.len(), MH_CLIENTS, "{fa:?}");
    let used: std::collections::BTreeSet<&String> = fa.values().collect();
    assert!(used.len() >= 2, "40 sources hashed to one server: {fa:?}");
    assert_eq!(fa, fb, "the real server each flow went to");
}

/// How many client addresses `mh_flows` sends from.
const MH_CLIENTS: usize = 40;

/// Send a connection to 10.8.0.3:80 from each of [`MH_CLIENTS`]
/// addresses (10.77.0.K, on director `i`'s `lo`, through its local-out
/// hook) and read which real server IPVS chose for each from its
/// connection table: source address -> real server.
fn mh_flows(f: &Fleet, i: usize) -> std::collections::BTreeMap<String, String> {
    let ns = &f.dirs[i];
    f.t.sh(&format!(
        "ip -n {ns} route add 10.8.0.0/24 dev e0
         for k in $(seq 1 {MH_CLIENTS}); do ip -n {ns} addr add 10.77.0.$k/32 dev lo; done
         for k in $(seq 1 {MH_CLIENTS}); do
             ip netns exec {ns} curl -s -o /dev/null -m 2 --interface 10.77.0.$k http://10.8.0.3/ &
         done
         wait || true"
    ));
    let conns = f.t.sh(&format!("ip netns exec {ns} ipvsadm -Lnc"));
    conns
        .lines()
        .filter_map(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            let src = w.get(3)?.rsplit_once(':')?.0;
            let real = w.get(5)?.rsplit_once(':')?.0;
            (w.get(4) == Some(&"10.8.0.3:80") && src.starts_with("10.77.0."))
                .then(|| (src.to_string(), real.to_string()))
        })
        .collect()
}

/// Whether `v` is a `change` event that sets `dest` to weight 0.
fn sets_weight_0(v: &serde_json::Value, dest: &str) -> bool {
    let c = v["change"].as_str().unwrap_or_default();
    let w: Vec<&str> = c.split_whitespace().collect();
    v["event"] == "change"
        && c.contains(&format!("-r {dest} "))
        && w.windows(2).any(|p| p == ["-w", "0"])
}

/// A director's log read as it grows: each call parses only the lines
/// added since the last (a benchmark that re-read whole logs would take
/// the emulated VM's CPU from the directors it measures).
struct LogTail {
    path: PathBuf,
    offset: u64,
    partial: String,
}

impl LogTail {
    fn new(path: PathBuf) -> LogTail {
        LogTail {
            path,
            offset: 0,
            partial: String::new(),
        }
    }

    /// The events written since the last call.
    fn new_events(&mut self) -> Vec<serde_json::Value> {
        use std::io::{Read, Seek, SeekFrom};
        let Ok(mut file) = std::fs::File::open(&self.path) else {
            return Vec::new();
        };
        let mut text = String::new();
        if file.seek(SeekFrom::Start(self.offset)).is_err()
            || file.read_to_string(&mut text).is_err()
        {
            return Vec::new();
        }
        self.offset += text.len() as u64;
        self.partial.push_str(&text);
        let Some(cut) = self.partial.rfind('\n') else {
            return Vec::new();
        };
        let done: String = self.partial.drain(..=cut).collect();
        done.lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    }
}

/// When one director took one drain (seconds since the epoch): its loop
/// received it (the `drain` event) and its kernel write (the `change`).
#[derive(Default, Clone, Copy)]
struct Took {
    received: Option<f64>,
    written: Option<f64>,
}

impl Took {
    /// Take note of `v`, an event of the director's log, for `dest`.
    fn note(&mut self, v: &serde_json::Value, dest: &str, t0: f64) {
        let Some(t) = v["time"].as_f64().filter(|t| *t >= t0 - 0.001) else {
            return;
        };
        if v["event"] == "drain" && v["destination"] == dest && self.received.is_none() {
            self.received = Some(t);
        }
        if sets_weight_0(v, dest) && self.written.is_none() {
            self.written = Some(t);
        }
    }
}

/// The `q` quantile of sorted `v` (nearest rank).
fn quantile(v: &[f64], q: f64) -> f64 {
    let i = ((q * v.len() as f64).ceil() as usize).clamp(1, v.len()) - 1;
    v[i]
}

/// One benchmark run: `n` directors, 10 services of 100 destinations
/// (1,000, unchecked), `drains` drains written to etcd one at a time;
/// each drain's time from its write to each director's kernel write.
fn drain_propagation(n: usize, drains: usize) -> Option<String> {
    let mut f = Fleet::new(&format!("fleet_bench{n}"), n)?;
    f.start_etcd();
    let mut text = String::new();
    for s in 0..10 {
        text.push_str(&format!(
            "[[services]]\nprotocol = \"tcp\"\naddress = \"10.8.1.{s}\"\nport = 80\n"
        ));
        for d in 0..100 {
            text.push_str(&format!(
                "[[services.destinations]]\naddress = \"10.10.{s}.{d}\"\nport = 80\nchecks = []\n"
            ));
        }
    }
    ok(&f.put(&text, &[]));
    for i in 0..n {
        f.start_director(i);
    }
    f.wait("1,000 destinations on every director", || {
        (0..n).all(|i| {
            f.table(&f.dirs[i])
                .lines()
                .filter(|l| l.starts_with("-a "))
                .count()
                == 1000
        })
    });
    let settings = rvsadm_fleet::Settings::validate(
        rvsadm_fleet::Raw {
            endpoints: Some(vec![ETCD.to_string()]),
            prefix: Some(f.prefix.clone()),
            ..Default::default()
        },
        "bench",
        0,
    )
    .unwrap();
    // The test's thread writes from the hub's network namespace, and goes
    // back to its own before the topology is taken down (whose clean-up
    // kills every process in the hub's namespace).
    let own = std::fs::File::open("/proc/thread-self/ns/net").unwrap();
    let hub = std::fs::File::open(format!("/run/netns/{}", f.hub)).unwrap();
    nix::sched::setns(hub, nix::sched::CloneFlags::CLONE_NEWNET).unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut store = rt
        .block_on(rvsadm_fleet::store::Store::connect(&settings))
        .unwrap();
    let mut tails: Vec<LogTail> = (0..n)
        .map(|i| LogTail::new(f.tmp.join(format!("d{}.log", i + 1))))
        .collect();
    for t in &mut tails {
        t.new_events();
    }
    let mut lat = Vec::new();
    let mut received = Vec::new();
    let mut puts = Vec::new();
    let mut spread = Vec::new();
    for k in 0..drains {
        let (s, d) = (k % 10, k);
        let dest = format!("10.10.{s}.{d}:80");
        let t0 = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs_f64();
        let put = Instant::now();
        rt.block_on(store.put_drain(&format!("tcp:10.8.1.{s}:80"), &dest, "bench"))
            .unwrap();
        puts.push(put.elapsed().as_secs_f64() * 1000.0);
        let end = Instant::now() + DEADLINE;
        let mut took = vec![Took::default(); n];
        while took.iter().any(|t| t.written.is_none()) {
            for (tail, took) in tails.iter_mut().zip(&mut took) {
                for v in tail.new_events() {
                    took.note(&v, &dest, t0);
                }
            }
            assert!(
                Instant::now() < end,
                "drain {dest} not everywhere\n{}",
                f.evidence()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        let ms = |t: Option<f64>| (t.unwrap_or(t0) - t0).max(0.0) * 1000.0;
        let written: Vec<f64> = took.iter().map(|t| ms(t.written)).collect();
        let (lo, hi) = written
            .iter()
            .fold((f64::MAX, 0.0f64), |(lo, hi), m| (lo.min(*m), hi.max(*m)));
        spread.push(hi - lo);
        lat.extend(written);
        received.extend(took.iter().map(|t| ms(t.received)));
    }
    drop(store);
    drop(rt);
    nix::sched::setns(own, nix::sched::CloneFlags::CLONE_NEWNET).unwrap();
    for v in [&mut lat, &mut received, &mut puts, &mut spread] {
        v.sort_by(f64::total_cmp);
    }
    Some(format!(
        "| {n} | 1,000 | {drains} | {:.0} | {:.0} | {:.0} | {:.0} | {:.0} | {:.0} | {:.0} | {:.0} |",
        quantile(&lat, 0.5),
        quantile(&lat, 0.99),
        lat.last().copied().unwrap_or(0.0),
        quantile(&puts, 0.5),
        quantile(&received, 0.5),
        quantile(&received, 0.99),
        quantile(&spread, 0.5),
        quantile(&spread, 0.99),
    ))
}

/// The directors counts the benchmark runs at (`RVSADM_BENCH_DIRECTORS`,
/// comma-separated; 3 and 10 by default) and its drains per count
/// (`RVSADM_BENCH_DRAINS`, 50 by default).
fn bench_shape() -> (Vec<usize>, usize) {
    let counts = std::env::var("RVSADM_BENCH_DIRECTORS")
        .ok()
        .map(|v| v.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![3, 10]);
    let drains = std::env::var("RVSADM_BENCH_DRAINS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50);
    (counts, drains)
}

/// The benchmark of the issue: a drain written once, the time until each
/// director's kernel has it, at 3 and 10 directors (run by hand:
/// `--run-ignored all`, in the VM).
#[test]
#[ignore = "benchmark: run in the VM with --run-ignored all"]
fn drain_propagation_benchmark() {
    let (counts, drains) = bench_shape();
    let mut rows = Vec::new();
    for n in counts {
        match drain_propagation(n, drains) {
            Some(r) => {
                // Each row as soon as it is measured (a run cut short by
                // the VM profile's time limit keeps what it had).
                eprintln!("drain propagation: {r}");
                rows.push(r);
            }
            None => return,
        }
    }
    println!(
        "| directors | destinations | drains | p50 ms | p99 ms | max ms | put p50 ms | received p50 ms | received p99 ms | spread p50 ms | spread p99 ms |\n|---|---|---|---|---|---|---|---|---|---|---|\n{}",
        rows.join("\n")
    );
}
