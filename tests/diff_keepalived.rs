//! `rvsadmd --keepalived` against keepalived 2.2.7's checker (`keepalived
//! -C`), the oracle (inside the VM): the same keepalived.conf and the same
//! scenario (real servers failing, all of them down so the sorry server
//! comes, recovery, a reload by SIGHUP that edits weights, adds and removes
//! real servers and a virtual server, stop) must leave the same table after
//! every step. Each daemon runs the scenario in a fresh network namespace
//! of its own; rvsadmd's run waits for the oracle's table of each step (see
//! `common::settle::settled`), so a slow machine makes a step slower, never
//! different.
//!
//! The scenarios use `retry 0` and short `delay_loop`s: keepalived retries
//! a failed check `retry` times `delay_before_retry` apart before it acts,
//! and rvsadmd counts the same failures on its own clock; only the tables
//! the two settle on are compared, never how soon they get there.

mod common;

use common::backend::{add_addrs, del_addrs, Backend, Mode, TlsServer, UdpMode, UdpServer};
use common::settle::{
    keepalived_command, require_oracle_ran, require_same, rvsadmd_command, signal, spawn_logged,
    stop, table, Steps, Tables,
};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Child;
use std::time::{Duration, Instant};

/// The MD5 of the back ends' body (`healthy\n`), as HTTP_GET's `digest`.
const HEALTHY_MD5: &str = "3b1fb749c971d7a2c6a517b37f735df2";

/// The hosts the real servers are on (10.0.0.3 only after the reload); the
/// sorry server, 10.0.0.9, is never checked and has no back end.
const HOSTS: [&str; 3] = ["10.0.0.1", "10.0.0.2", "10.0.0.3"];

#[derive(Clone, Copy, PartialEq, Debug)]
enum Who {
    Keepalived,
    Rvsadmd,
}

impl Who {
    fn log(self) -> &'static str {
        match self {
            Who::Keepalived => "keepalived.log",
            Who::Rvsadmd => "rvsadmd.log",
        }
    }
}

fn start(who: Who, dir: &Path, cf: &Path) -> Child {
    let c = match who {
        Who::Keepalived => keepalived_command(cf, dir),
        Who::Rvsadmd => rvsadmd_command("--keepalived", cf, dir),
    };
    spawn_logged(c, dir, who.log())
}

/// One configuration and its scenario's back ends.
struct Case {
    name: &'static str,
    /// keepalived.conf; `@DIR@` is the run's directory.
    conf: String,
    /// What it is reloaded to.
    reload: String,
    /// Ports with an HTTP back end on every host.
    http: &'static [u16],
    /// Ports with an HTTPS back end on every host.
    tls: &'static [u16],
    /// Ports with a UDP back end on every host, and how it answers.
    udp: &'static [(u16, UdpMode)],
    /// A host that is down loses its address too (so that PING_CHECK
    /// fails).
    addresses_follow: bool,
}

impl Case {
    /// A case whose back ends are HTTP servers on port 80 only.
    fn http(name: &'static str, conf: String, reload: String) -> Case {
        Case {
            name,
            conf,
            reload,
            http: &[80],
            tls: &[],
            udp: &[],
            addresses_follow: false,
        }
    }
}

/// The back ends of the hosts that are up, and MISC_CHECK's answers: the
/// script `@DIR@/misc.sh HOST` exits with the code in `@DIR@/state-HOST`.
struct Hosts<'a> {
    dir: PathBuf,
    case: &'a Case,
    up: BTreeMap<&'static str, Up>,
    /// Hosts whose address was taken off (`Case::addresses_follow`).
    gone: std::collections::BTreeSet<&'static str>,
}

/// The back ends of a host that is up.
type Up = (Vec<Backend>, Vec<TlsServer>, Vec<UdpServer>);

impl<'a> Hosts<'a> {
    fn new(dir: &Path, case: &'a Case) -> Hosts<'a> {
        let script = dir.join("misc.sh");
        std::fs::write(
            &script,
            format!(
                "#!/bin/sh\nread code < {}/state-$1\nexit $code\n",
                dir.display()
            ),
        )
        .unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
        Hosts {
            dir: dir.to_path_buf(),
            case,
            up: BTreeMap::new(),
            gone: Default::default(),
        }
    }

    /// Start `host`'s back ends; its MISC_CHECK exits with `misc`.
    fn up(&mut self, host: &'static str, misc: u8) {
        std::fs::write(self.dir.join(format!("state-{host}")), format!("{misc}\n")).unwrap();
        if self.up.contains_key(host) {
            return;
        }
        if self.case.addresses_follow && self.gone.remove(host) {
            add_addrs(&[host]);
        }
        let http = self
            .case
            .http
            .iter()
            .map(|p| Backend::start(&format!("{host}:{p}"), Mode::Ok))
            .collect();
        let tls = self
            .case
            .tls
            .iter()
            .map(|p| TlsServer::start(&self.dir, &format!("{host}:{p}"), "rs.example"))
            .collect();
        let udp = self
            .case
            .udp
            .iter()
            .map(|(p, m)| UdpServer::start(&format!("{host}:{p}"), *m))
            .collect();
        self.up.insert(host, (http, tls, udp));
    }

    /// Stop `host`'s back ends; its MISC_CHECK fails (exit 1).
    fn down(&mut self, host: &'static str) {
        std::fs::write(self.dir.join(format!("state-{host}")), "1\n").unwrap();
        self.up.remove(host);
        if self.case.addresses_follow && self.gone.insert(host) {
            del_addrs(&[host]);
        }
    }
}

/// The scenario, run by `who` in the current namespace: the table after
/// each step, named; rvsadmd's run is given the oracle's, to wait for each.
fn scenario(who: Who, case: &Case, oracle: Option<&[(String, Vec<String>)]>) -> Tables {
    let dir = std::env::temp_dir().join(format!(
        "ka-{}-{}-{}",
        case.name,
        who == Who::Rvsadmd,
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let text = |t: &str| t.replace("@DIR@", &dir.display().to_string());
    let cf: PathBuf = dir.join("keepalived.conf");
    std::fs::write(&cf, text(&case.conf)).unwrap();
    add_addrs(&HOSTS);
    add_addrs(&["10.0.0.9"]);
    let still = Duration::from_secs(4);
    let mut out = Steps::new(oracle);
    let mut hosts = Hosts::new(&dir, case);
    // misc_dynamic: 10.0.0.1's script sets weight 7 (exit 2 + 7).
    hosts.up("10.0.0.1", 9);
    hosts.up("10.0.0.2", 0);
    hosts.up("10.0.0.3", 0);
    let d = start(who, &dir, &cf);
    // Wait for the daemon's first writes before judging "settled".
    let t = Instant::now();
    while !table().iter().any(|l| l.starts_with("-A ")) && t.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(200));
    }
    out.record("started, all up", still);
    hosts.down("10.0.0.2");
    out.record("10.0.0.2 down", still);
    hosts.down("10.0.0.1");
    out.record("10.0.0.1 and 10.0.0.2 down", still);
    hosts.up("10.0.0.1", 9);
    out.record("10.0.0.1 back", still);
    // misc_dynamic: weight 2 (exit 2 + 2) this time.
    hosts.up("10.0.0.2", 4);
    out.record("10.0.0.2 back", still);
    std::fs::write(&cf, text(&case.reload)).unwrap();
    signal(&d, nix::sys::signal::Signal::SIGHUP);
    // Both read the file again at once; settle on the next checks.
    std::thread::sleep(Duration::from_secs(1));
    out.record("reloaded", still);
    stop(d);
    out.record("stopped", Duration::from_secs(1));
    if std::env::var("RVSADM_DIFF_LOGS").is_ok() {
        eprintln!(
            "{}",
            std::fs::read_to_string(dir.join(who.log())).unwrap_or_default()
        );
    }
    out.out
}

fn compare(case: &Case) {
    let name = case.name;
    assert_ne!(case.conf, case.reload, "{name}: the reload changes nothing");
    // Each daemon in its own namespace, one after the other.
    let oracle = {
        let Some(_ns) = common::kernel_netns(name) else {
            return;
        };
        scenario(Who::Keepalived, case, None)
    };
    require_oracle_ran(name, "keepalived", &oracle, 4);
    assert!(
        oracle[0].1.iter().any(|l| l.starts_with("-a ")),
        "{name}: keepalived did not build the table: {oracle:#?}"
    );
    eprintln!("{name}: keepalived's tables: {oracle:#?}");
    let Some(_ns) = common::kernel_netns(name) else {
        return;
    };
    let ours = scenario(Who::Rvsadmd, case, Some(&oracle));
    require_same(name, "keepalived", &oracle, &ours);
}

/// A `real_server` block.
fn real(addr: &str, port: u16, weight: Option<u32>, checks: &[String]) -> String {
    let w = weight.map_or(String::new(), |w| format!("        weight {w}\n"));
    format!(
        "    real_server {addr} {port} {{\n{w}{}    }}\n",
        checks.concat()
    )
}

/// A checker block with `body` and keepalived's quick settings.
fn checker(kind: &str, body: &str) -> String {
    format!(
        "        {kind} {{\n{body}            connect_timeout 3\n            retry 0\n        }}\n"
    )
}

fn tcp_check() -> String {
    checker("TCP_CHECK", "")
}

/// HTTP_GET (or SSL_GET) of `urls`, each `(path, digest or status)`.
fn http_get(kind: &str, urls: &[(&str, &str)]) -> String {
    let body: String = urls
        .iter()
        .map(|(path, expect)| {
            format!("            url {{\n                path {path}\n                {expect}\n            }}\n")
        })
        .collect();
    checker(kind, &body)
}

fn misc_check(host: &str) -> String {
    format!(
        "        MISC_CHECK {{\n            misc_path \"@DIR@/misc.sh {host}\"\n            misc_timeout 3\n            misc_dynamic\n            user root\n        }}\n"
    )
}

/// A `virtual_server` block: `head` (what follows `virtual_server`),
/// `settings` (one a line), `reals`.
fn vs(head: &str, settings: &[&str], reals: &[String]) -> String {
    let s: String = settings.iter().map(|l| format!("    {l}\n")).collect();
    format!(
        "virtual_server {head} {{\n    delay_loop 1\n{s}{}}}\n",
        reals.concat()
    )
}

const GLOBAL: &str = "global_defs {\n    router_id diff\n}\n";

#[test]
fn nat_http_digest_misc_dynamic_sorry_server_inhibit_and_removal() {
    let digest = format!("digest {HEALTHY_MD5}");
    let http1 = http_get(
        "HTTP_GET",
        &[("/health", &digest), ("/other", "status_code 200")],
    );
    let http2 = http_get("HTTP_GET", &[("/health", &digest)]);
    let nat = ["lb_algo wlc", "lb_kind NAT", "protocol TCP"];
    let web = |w1: u32, extra: Option<String>| {
        let mut reals = vec![
            real("10.0.0.1", 80, Some(w1), std::slice::from_ref(&http1)),
            real("10.0.0.2", 80, Some(5), std::slice::from_ref(&http2)),
        ];
        reals.extend(extra);
        vs(
            "192.0.2.10 80",
            &[
                &nat[..],
                &["inhibit_on_failure", "sorry_server 10.0.0.9 80"],
            ]
            .concat(),
            &reals,
        )
    };
    let misc = |both: bool| {
        let mut reals = vec![real("10.0.0.1", 8081, Some(2), &[misc_check("10.0.0.1")])];
        if both {
            reals.push(real("10.0.0.2", 8081, None, &[misc_check("10.0.0.2")]));
        }
        vs(
            "192.0.2.20 8081",
            &["lb_algo rr", "lb_kind NAT", "protocol TCP"],
            &reals,
        )
    };
    let tcp = |vip: &str| {
        vs(
            &format!("{vip} 80"),
            &["lb_algo rr", "lb_kind NAT", "protocol TCP"],
            &[real("10.0.0.1", 80, None, &[tcp_check()])],
        )
    };
    let conf = [
        GLOBAL.to_string(),
        web(3, None),
        misc(true),
        tcp("192.0.2.30"),
    ]
    .concat();
    // A weight edited, 10.0.0.3 added, 10.0.0.2 removed from the MISC_CHECK
    // service, 192.0.2.30 gone and 192.0.2.40 new.
    let reload = [
        GLOBAL.to_string(),
        web(
            4,
            Some(real("10.0.0.3", 80, Some(6), std::slice::from_ref(&http2))),
        ),
        misc(false),
        tcp("192.0.2.40"),
    ]
    .concat();
    compare(&Case::http(
        "nat_http_digest_misc_dynamic_sorry_server_inhibit_and_removal",
        conf,
        reload,
    ));
}

#[test]
fn dr_group_with_fwmark_persistence_and_tun_fwmark_with_sorry_server() {
    let group = "virtual_server_group web {\n    192.0.2.40-41 80\n    fwmark 7\n}\n";
    let dr = |w1: u32, reals: &[&str]| {
        let mut r = vec![real("10.0.0.1", 80, Some(w1), &[tcp_check()])];
        for h in reals {
            r.push(real(h, 80, None, &[tcp_check()]));
        }
        vs(
            "group web",
            &[
                "lb_algo wrr",
                "lb_kind DR",
                "protocol TCP",
                "persistence_timeout 300",
                "persistence_granularity 255.255.255.0",
            ],
            &r,
        )
    };
    let tun = |mark: u32| {
        vs(
            &format!("fwmark {mark}"),
            &[
                "lb_algo rr",
                "lb_kind TUN",
                "persistence_timeout 60",
                "persistence_granularity 255.255.0.0",
                "inhibit_on_failure",
                "sorry_server 10.0.0.9 80",
            ],
            &[
                real("10.0.0.1", 80, Some(4), &[tcp_check()]),
                real(
                    "10.0.0.2",
                    80,
                    None,
                    &[http_get("HTTP_GET", &[("/", "status_code 200")])],
                ),
            ],
        )
    };
    let conf = [GLOBAL, group, &dr(2, &["10.0.0.2"]), &tun(5)].concat();
    // The group's weight edited, 10.0.0.2 replaced by 10.0.0.3; fwmark 5
    // gone, fwmark 6 new.
    let reload = [GLOBAL, group, &dr(3, &["10.0.0.3"]), &tun(6)].concat();
    compare(&Case::http(
        "dr_group_with_fwmark_persistence_and_tun_fwmark_with_sorry_server",
        conf,
        reload,
    ));
}

#[test]
fn nat_ssl_get_and_two_checkers_per_real_with_removal() {
    let ssl = http_get("SSL_GET", &[("/", "status_code 200")]);
    let https = |w1: u32, extra: Option<String>| {
        let mut reals = vec![
            real("10.0.0.1", 8443, Some(w1), std::slice::from_ref(&ssl)),
            real("10.0.0.2", 8443, None, std::slice::from_ref(&ssl)),
        ];
        reals.extend(extra);
        vs(
            "192.0.2.50 443",
            &[
                "lb_algo wlc",
                "lb_kind NAT",
                "protocol TCP",
                "sorry_server 10.0.0.9 8443",
            ],
            &reals,
        )
    };
    let two = |vip: &str, hosts: &[&str]| {
        let checks = [
            tcp_check(),
            http_get("HTTP_GET", &[("/health", "status_code 200")]),
        ];
        let reals: Vec<String> = hosts
            .iter()
            .map(|h| real(h, 80, Some(3), &checks))
            .collect();
        vs(
            &format!("{vip} 80"),
            &["lb_algo sh", "lb_kind NAT", "protocol TCP"],
            &reals,
        )
    };
    let conf = [
        GLOBAL.to_string(),
        https(2, None),
        two("192.0.2.60", &["10.0.0.1", "10.0.0.2"]),
    ]
    .concat();
    // A weight edited, 10.0.0.3 added; 192.0.2.60 gone, 192.0.2.70 new.
    let reload = [
        GLOBAL.to_string(),
        https(
            5,
            Some(real("10.0.0.3", 8443, Some(1), std::slice::from_ref(&ssl))),
        ),
        two("192.0.2.70", &["10.0.0.2"]),
    ]
    .concat();
    compare(&Case {
        name: "nat_ssl_get_and_two_checkers_per_real_with_removal",
        conf,
        reload,
        http: &[80],
        tls: &[8443],
        udp: &[],
        addresses_follow: false,
    });
}

/// A checker block with `body`, keepalived's quick settings and a 1 s
/// timeout (a failed UDP check waits for its timeout).
fn quick(kind: &str, body: &str) -> String {
    format!(
        "        {kind} {{\n{body}            connect_timeout 1\n            retry 0\n        }}\n"
    )
}

#[test]
fn dns_udp_and_ping_checks_with_alpha() {
    let dns = quick(
        "DNS_CHECK",
        "            type A\n            name example.com\n",
    );
    // "hello", and the reply must start with "he" (then any 4 bits).
    let udp = quick(
        "UDP_CHECK",
        "            payload 68656c6c6f\n            require_reply 6865x\n",
    );
    let ping = quick("PING_CHECK", "");
    let dns_vs = |w1: u32, hosts: &[&str]| {
        let mut reals = vec![real("10.0.0.1", 53, Some(w1), std::slice::from_ref(&dns))];
        for h in hosts {
            reals.push(real(h, 53, None, std::slice::from_ref(&dns)));
        }
        vs(
            "192.0.2.80 53",
            &["lb_algo rr", "lb_kind NAT", "protocol UDP", "alpha"],
            &reals,
        )
    };
    let udp_vs = |hosts: &[&str]| {
        let reals: Vec<String> = hosts
            .iter()
            .map(|h| real(h, 5000, Some(2), std::slice::from_ref(&udp)))
            .collect();
        vs(
            "192.0.2.81 5000",
            &[
                "lb_algo wrr",
                "lb_kind DR",
                "protocol UDP",
                "inhibit_on_failure",
            ],
            &reals,
        )
    };
    let ping_vs = |mark: u32| {
        let reals: Vec<String> = ["10.0.0.1", "10.0.0.2"]
            .iter()
            .map(|h| real(h, 0, None, std::slice::from_ref(&ping)))
            .collect();
        vs(
            &format!("fwmark {mark}"),
            &["lb_algo rr", "lb_kind DR", "alpha"],
            &reals,
        )
    };
    let conf = [
        GLOBAL.to_string(),
        dns_vs(3, &["10.0.0.2"]),
        udp_vs(&["10.0.0.1", "10.0.0.2"]),
        ping_vs(11),
    ]
    .concat();
    // A weight edited, 10.0.0.3 added to the DNS service, 10.0.0.2 taken
    // out of the UDP one; fwmark 11 gone, fwmark 12 new.
    let reload = [
        GLOBAL.to_string(),
        dns_vs(4, &["10.0.0.2", "10.0.0.3"]),
        udp_vs(&["10.0.0.1"]),
        ping_vs(12),
    ]
    .concat();
    compare(&Case {
        name: "dns_udp_and_ping_checks_with_alpha",
        conf,
        reload,
        http: &[],
        tls: &[],
        udp: &[(53, UdpMode::Dns), (5000, UdpMode::Echo)],
        addresses_follow: true,
    });
}

/// quorum 3 with hysteresis 1 over four reals of weight 1 (gained at 4,
/// lost below 2), a sorry server, `quorum_up`/`quorum_down` and a real's
/// `notify_up`/`notify_down` writing to a marker file: the reals fail one
/// by one (quorum kept at 3 and 2, lost at 1: the sorry server alone),
/// then come back (still the sorry server at 2 and 3, the reals at 4). The
/// tables after each step and the marker files (which scripts ran, in what
/// order; those run at stop in any order, see [`stop_marks_unordered`])
/// must be the same, and so must the lines of `lvs_notify_fifo` (every
/// real's and the quorum's, in order, at stop too).
#[test]
fn quorum_hysteresis_sorry_server_and_notify_scripts() {
    let name = "quorum_hysteresis_sorry_server_and_notify_scripts";
    let oracle = {
        let Some(_ns) = common::kernel_netns(name) else {
            return;
        };
        quorum_scenario(Who::Keepalived, None)
    };
    require_oracle_ran(name, "keepalived", &oracle.0, 3);
    eprintln!(
        "{name}: keepalived's tables, scripts and FIFO lines: {:#?}",
        (&oracle.0, &oracle.1, &oracle.3)
    );
    let Some(_ns) = common::kernel_netns(name) else {
        return;
    };
    let ours = quorum_scenario(Who::Rvsadmd, Some(&oracle.0));
    require_same(name, "keepalived", &oracle.0, &ours.0);
    assert_eq!(
        ours.3, oracle.3,
        "{name}: rvsadmd's lvs_notify_fifo lines (left) differ from keepalived's (right)\nrvsadmd's log:\n{}",
        ours.2
    );
    assert!(
        oracle.3.starts_with(
            "VS [192.0.2.50]:tcp:80 UP\nRS [10.0.0.1]:tcp:80 [192.0.2.50]:tcp:80 DOWN\n"
        ),
        "{name}: keepalived's FIFO lines: {}",
        oracle.3
    );
    assert_eq!(
        ours.1, oracle.1,
        "{name}: the scripts rvsadmd ran (left) differ from keepalived's (right)\nrvsadmd's log:\n{}\nkeepalived's log:\n{}",
        ours.2, oracle.2
    );
    assert_eq!(
        oracle.1, "quorum up\nrs down\nquorum down\nrs up\nquorum up\n-- at stop, sorted --\nquorum down\nrs down\n",
        "{name}: keepalived's scripts"
    );
}

/// The reals of the quorum scenario: `(address, port, name)`, each
/// checked by `@DIR@/q.sh NAME` (exit code in `@DIR@/q-NAME`), with a
/// long `misc_timeout`: a check timed out in a starved VM would make a real
/// flap and run its notify scripts once more.
const QUORUM_REALS: [(&str, u16, &str); 4] = [
    ("10.0.0.1", 80, "a"),
    ("10.0.0.2", 80, "b"),
    ("10.0.0.3", 80, "c"),
    ("10.0.0.1", 81, "d"),
];

fn quorum_conf() -> String {
    let reals: Vec<String> = QUORUM_REALS
        .iter()
        .map(|(addr, port, n)| {
            let notify = if *n == "a" {
                "        notify_up \"@DIR@/mark.sh 'rs up'\" root\n        notify_down \"@DIR@/mark.sh 'rs down'\"\n"
            } else {
                ""
            };
            format!(
                "    real_server {addr} {port} {{\n        weight 1\n{notify}        MISC_CHECK {{\n            misc_path \"@DIR@/q.sh {n}\"\n            misc_timeout 10\n            retry 0\n            user root\n        }}\n    }}\n"
            )
        })
        .collect();
    let settings = [
        "lb_algo rr",
        "lb_kind NAT",
        "protocol TCP",
        "quorum 3",
        "hysteresis 1",
        "sorry_server 10.0.0.9 80",
        "quorum_up \"@DIR@/mark.sh 'quorum up'\" root",
        "quorum_down \"@DIR@/mark.sh 'quorum down'\"",
        // At stop: `notify_down` of the reals up, then `quorum_down`.
        "omega",
    ];
    [
        "global_defs {\n    router_id diff\n    lvs_notify_fifo @DIR@/fifo\n}\n".to_string(),
        vs("192.0.2.50 80", &settings, &reals),
    ]
    .concat()
}

/// Read the FIFO at `path` (made here) in a thread of its own until its
/// last writer closes it; the thread gives what was read.
fn fifo_reader(path: &Path) -> std::thread::JoinHandle<String> {
    nix::unistd::mkfifo(path, nix::sys::stat::Mode::from_bits_truncate(0o600))
        .expect("making the FIFO");
    let path = path.to_path_buf();
    std::thread::spawn(move || {
        use std::io::Read;
        let mut out = String::new();
        // Blocks until a daemon opens it to write; ends when it exits.
        if let Ok(mut f) = std::fs::File::open(&path) {
            let _ = f.read_to_string(&mut out);
        }
        out
    })
}

/// What the reader of the FIFO at `path` read, once its daemon stopped.
fn fifo_read(reader: std::thread::JoinHandle<String>, path: &Path) -> String {
    // A daemon that never opened the FIFO leaves its reader waiting for a
    // writer: one that writes nothing ends it.
    use std::os::unix::fs::OpenOptionsExt;
    let _ = std::fs::OpenOptions::new()
        .write(true)
        .custom_flags(nix::libc::O_NONBLOCK)
        .open(path);
    reader.join().expect("the FIFO's reader")
}

/// The quorum scenario run by `who`: the tables after each step, the
/// marker file the scripts wrote, the daemon's log and the lines of its
/// notify FIFO.
fn quorum_scenario(
    who: Who,
    oracle: Option<&[(String, Vec<String>)]>,
) -> (Tables, String, String, String) {
    let dir = std::env::temp_dir().join(format!(
        "ka-quorum-{}-{}",
        who == Who::Rvsadmd,
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let exe = |file: &str, text: String| {
        use std::os::unix::fs::PermissionsExt;
        let p = dir.join(file);
        std::fs::write(&p, text).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    };
    let d_ = dir.display().to_string();
    exe(
        "q.sh",
        format!("#!/bin/sh\nread code < {d_}/q-$1\nexit $code\n"),
    );
    exe("mark.sh", format!("#!/bin/sh\necho \"$1\" >> {d_}/marks\n"));
    let set = |n: &str, code: u8| {
        std::fs::write(dir.join(format!("q-{n}")), format!("{code}\n")).unwrap()
    };
    for (_, _, n) in QUORUM_REALS {
        set(n, 0);
    }
    let cf = dir.join("keepalived.conf");
    std::fs::write(&cf, quorum_conf().replace("@DIR@", &d_)).unwrap();
    let fifo = fifo_reader(&dir.join("fifo"));
    add_addrs(&HOSTS);
    add_addrs(&["10.0.0.9"]);
    let still = Duration::from_secs(4);
    let mut out = Steps::new(oracle);
    let d = start(who, &dir, &cf);
    let t = Instant::now();
    while !table().iter().any(|l| l.starts_with("-A ")) && t.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(200));
    }
    out.record("started, weight 4: quorum", still);
    for (n, step) in [("a", "3: kept"), ("b", "2: kept"), ("c", "1: lost")] {
        set(n, 1);
        out.record(format!("{n} down, weight {step}"), still);
    }
    for (n, step) in [
        ("a", "2: still lost"),
        ("b", "3: still lost"),
        ("c", "4: gained"),
    ] {
        set(n, 0);
        out.record(format!("{n} back, weight {step}"), still);
    }
    let running = std::fs::read_to_string(dir.join("marks")).unwrap_or_default();
    stop(d);
    out.record("stopped", Duration::from_secs(1));
    let log = std::fs::read_to_string(dir.join(who.log())).unwrap_or_default();
    if std::env::var("RVSADM_DIFF_LOGS").is_ok() {
        eprintln!("{log}");
    }
    let all = std::fs::read_to_string(dir.join("marks")).unwrap_or_default();
    let lines = fifo_read(fifo, &dir.join("fifo"));
    (out.out, stop_marks_unordered(&running, &all), log, lines)
}

/// The marker file with the lines written at stop sorted: keepalived
/// starts its stop scripts (a real's `notify_down`, the service's
/// `quorum_down`) each in its own child without waiting for the one
/// before, so their order in the file is a race in keepalived itself.
/// The lines written while running keep their order; `running` is the
/// file as it was just before the stop.
fn stop_marks_unordered(running: &str, all: &str) -> String {
    let rest = all.strip_prefix(running).unwrap_or(all);
    let mut at_stop: Vec<&str> = rest.lines().collect();
    at_stop.sort_unstable();
    format!("{running}-- at stop, sorted --\n{}\n", at_stop.join("\n"))
}

/// The lines of `lvs_notify_fifo` by virtual server (the last name before
/// `UP` or `DOWN`), each virtual server's in order: virtual servers
/// checked apart change in an order of their checks' timing.
fn fifo_by_server(lines: &str) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for l in lines.lines() {
        let body = l
            .strip_suffix(" UP")
            .or_else(|| l.strip_suffix(" DOWN"))
            .unwrap_or(l);
        let vs = match body.strip_prefix("RS ") {
            Some(rest) => rest.split_once(' ').map_or(rest, |(_, v)| v),
            None => body.strip_prefix("VS ").unwrap_or(body),
        };
        out.entry(vs.to_string()).or_default().push(l.to_string());
    }
    out
}

/// Two firewall marks (one with `protocol TCP`: keepalived still writes
/// its reals `none`) and a `virtual_server group` of two addresses (one
/// line for the group, `[web]:0`): the FIFO lines of keepalived and
/// rvsadmd, from start to stop with every real down on the way, the same
/// for each virtual server.
#[test]
fn lvs_notify_fifo_of_fwmarks_and_a_group() {
    let name = "lvs_notify_fifo_of_fwmarks_and_a_group";
    let oracle = {
        let Some(_ns) = common::kernel_netns(name) else {
            return;
        };
        fifo_scenario(Who::Keepalived)
    };
    eprintln!("{name}: keepalived's FIFO lines:\n{}", oracle.0);
    let Some(_ns) = common::kernel_netns(name) else {
        return;
    };
    let ours = fifo_scenario(Who::Rvsadmd);
    let (want, got) = (fifo_by_server(&oracle.0), fifo_by_server(&ours.0));
    assert_eq!(
        got, want,
        "{name}: rvsadmd's FIFO lines (left) differ from keepalived's (right)\nrvsadmd's log:\n{}",
        ours.1
    );
    assert_eq!(want.len(), 3, "{name}: keepalived's lines: {want:#?}");
}

/// The fwmark-and-group scenario run by `who`: its FIFO's lines and its
/// log.
fn fifo_scenario(who: Who) -> (String, String) {
    let dir = std::env::temp_dir().join(format!(
        "ka-fifo-{}-{}",
        who == Who::Rvsadmd,
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let d_ = dir.display().to_string();
    let real = |port: u16| {
        format!("    real_server 10.0.0.1 {port} {{\n        weight 1\n        MISC_CHECK {{\n            misc_path \"/bin/sh -c 'test ! -e {d_}/down'\"\n            misc_timeout 10\n            retry 0\n            user root\n        }}\n    }}\n")
    };
    let conf = [
        format!("global_defs {{\n    router_id diff\n    lvs_notify_fifo {d_}/fifo\n}}\n"),
        vs(
            "fwmark 7",
            &["lb_algo rr", "lb_kind NAT", "protocol TCP"],
            &[real(80)],
        ),
        "virtual_server_group web {\n    192.0.2.1 80\n    192.0.2.2 80\n}\n".to_string(),
        vs(
            "group web",
            &["lb_algo rr", "lb_kind NAT", "protocol TCP"],
            &[real(82)],
        ),
        vs("fwmark 8", &["lb_algo rr", "lb_kind NAT"], &[real(81)]),
    ]
    .concat();
    let cf = dir.join("keepalived.conf");
    std::fs::write(&cf, conf).unwrap();
    let fifo = fifo_reader(&dir.join("fifo"));
    add_addrs(&["10.0.0.1", "192.0.2.1", "192.0.2.2"]);
    let d = start(who, &dir, &cf);
    let wait = |what: &str, done: &dyn Fn(&[String]) -> bool| {
        let t = Instant::now();
        while !done(&table()) {
            assert!(
                t.elapsed() < Duration::from_secs(60),
                "{who:?}: {what}: {:?}",
                table()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    };
    let reals = |t: &[String]| t.iter().filter(|l| l.starts_with("-a ")).count();
    wait("the four services' reals in", &|t| reals(t) == 4);
    std::fs::write(dir.join("down"), "").unwrap();
    wait("the reals out", &|t| reals(t) == 0);
    // What the last change wrote is in the FIFO before the stop.
    std::thread::sleep(Duration::from_secs(2));
    stop(d);
    let lines = fifo_read(fifo, &dir.join("fifo"));
    let log = std::fs::read_to_string(dir.join(who.log())).unwrap_or_default();
    (lines, log)
}
