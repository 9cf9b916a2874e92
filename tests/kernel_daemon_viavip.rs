//! Checks through the VIP in the VM (rvsadmd(8), "Checks through the
//! VIP"): a client, a director and two real servers on one bridge, in
//! network namespaces. The service 10.1.0.10:80 forwards to both by
//! direct routing (then by tunnelling, to ipip real servers) and checks
//! them by HTTP through the VIP; the service 10.1.0.11:80 has the same
//! real servers checked by TCP on their own addresses. The real server
//! with the VIP on its loopback (on `tunl0` for tunnelling) passes both
//! checks; the one without fails the check through the VIP (within fall x
//! interval + timeout, with a margin) and still passes the plain one, as
//! the kernel's table shows (`ipvsadm -Sn`). The owned fwmark services,
//! one per real server, are in the table while rvsadmd runs and gone after
//! it stops; nothing else of the table changes.
//!
//! With direct routing, B given the VIP but answering ARP requests for it
//! (`arp_ignore` 0, LVS-HOWTO's ARP problem) fails the check through the
//! VIP, the reason naming it; with `arp_ignore` 1 again it passes.
//!
//! Then many quick HTTP checks through the VIP of A and B, while the
//! director's ephemeral ports are two (were the checks sent from them, a
//! check of B would soon reuse a port of A's whose IPVS connection entry
//! still leads to A): each check sends from its own port of
//! `vip_check_ports`, so B never passes once.

mod common;

use common::daemon::ShowLog;

use common::settle::rvsadmd_path;
use common::topo::{bash, fetch, Topo};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const VIP: &str = "10.1.0.10";
const VIP2: &str = "10.1.0.11";
/// The real servers: A has the VIP, B not (until the test gives it).
const REALS: [&str; 2] = ["10.9.0.2", "10.9.0.3"];
/// The marks rvsadmd gives A and B (the first two of the default range,
/// 0x7a000000/16, in decimal as ipvsadm writes them).
const MARKS: [u32; 2] = [0x7a00_0000, 0x7a00_0001];
/// The check through the VIP: a failure is seen within this.
const INTERVAL: u64 = 1;
const TIMEOUT: u64 = 1;
const FALL: u64 = 2;

/// How the service forwards.
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Dr,
    Tun,
}

impl Mode {
    fn forward(self) -> &'static str {
        match self {
            Mode::Dr => "route",
            Mode::Tun => "tunnel",
        }
    }

    /// ipvsadm's flag of the forwarding method.
    fn flag(self) -> &'static str {
        match self {
            Mode::Dr => "-g",
            Mode::Tun => "-i",
        }
    }

    /// Where a real server holds the VIP.
    fn vip_dev(self) -> &'static str {
        match self {
            Mode::Dr => "lo",
            Mode::Tun => "tunl0",
        }
    }
}

/// Client 10.1.0.2 -> director 10.1.0.1 (VIP and VIP2 on d0); director
/// 10.9.0.1 and the real servers on bridge br0 (in its own namespace),
/// routed back through the director; busybox httpd on every address of
/// the real servers. The director accepts packets from its own addresses
/// on e0 (`accept_local`, as rvsadmd(8) says): the real servers' answers
/// come from the VIP. Real server A gets the VIP; for tunnelling both
/// have `tunl0` up with reverse-path filtering off. Returns (client,
/// director, reals).
fn topology(t: &mut Topo, mode: Mode) -> (String, String, [String; 2]) {
    let (c, d, sw) = (t.ns("cl"), t.ns("dir"), t.ns("sw"));
    let rs = [t.ns("rsa"), t.ns("rsb")];
    t.sh(&format!(
        "ip link add c0 netns {c} type veth peer name d0 netns {d}
         ip -n {c} addr add 10.1.0.2/24 dev c0; ip -n {c} link set c0 up
         ip -n {c} route add default via 10.1.0.1
         ip -n {d} addr add 10.1.0.1/24 dev d0; ip -n {d} link set d0 up
         ip -n {d} addr add {VIP}/32 dev d0; ip -n {d} addr add {VIP2}/32 dev d0
         ip netns exec {d} sysctl -qw net.ipv4.ip_forward=1
         ip -n {sw} link add br0 type bridge; ip -n {sw} link set br0 up"
    ));
    for (i, n) in [&d, &rs[0], &rs[1]].into_iter().enumerate() {
        t.sh(&format!(
            "ip link add e0 netns {n} type veth peer name p{i} netns {sw}
             ip -n {sw} link set p{i} master br0; ip -n {sw} link set p{i} up
             ip -n {n} addr add 10.9.0.{}/24 dev e0; ip -n {n} link set e0 up",
            i + 1
        ));
    }
    t.sh(&format!(
        "ip netns exec {d} sysctl -qw net.ipv4.conf.e0.accept_local=1"
    ));
    if mode == Mode::Tun {
        t.sh("modprobe ipip");
    }
    for r in &rs {
        t.sh(&format!(
            "ip -n {r} route add default via 10.9.0.1
             ip netns exec {r} sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2
             dir=/tmp/www-{r}; mkdir -p $dir; echo hello-{r} > $dir/index.html
             ip netns exec {r} busybox httpd -p 0.0.0.0:80 -h $dir"
        ));
        if mode == Mode::Tun {
            t.sh(&format!(
                "ip -n {r} link set tunl0 up
                 ip netns exec {r} sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.tunl0.rp_filter=0"
            ));
        }
    }
    give_vip(t, &rs[0], mode, true);
    (c, d, rs)
}

/// Give real server `r` the VIP (or take it away).
fn give_vip(t: &Topo, r: &str, mode: Mode, on: bool) {
    let verb = if on { "add" } else { "del" };
    t.sh(&format!(
        "ip -n {r} addr {verb} {VIP}/32 dev {}",
        mode.vip_dev()
    ));
}

/// The configuration of `start_daemon`.
fn config(mode: Mode) -> String {
    let mut cf = String::new();
    for (vip, check) in [
        (
            VIP,
            format!(
                "{{ type = \"http\", via_vip = true, interval = \"{INTERVAL}s\", timeout = \"{TIMEOUT}s\", fall = {FALL}, rise = 1 }}"
            ),
        ),
        (
            VIP2,
            "{ type = \"tcp\", interval = \"1s\", timeout = \"1s\" }".to_string(),
        ),
    ] {
        cf += &format!(
            "[[services]]\nprotocol = \"tcp\"\naddress = \"{vip}\"\nport = 80\nscheduler = \"rr\"\ncheck = {check}\n"
        );
        for r in REALS {
            cf += &format!(
                "[[services.destinations]]\naddress = \"{r}\"\nport = 80\nforward = \"{}\"\n",
                mode.forward()
            );
        }
    }
    cf
}

/// The service VIP:80 alone, by direct routing to A and B, each checked
/// by HTTP through the VIP every 50 ms (timeout 500 ms), one result
/// making it up or down.
fn quick_config() -> String {
    let mut cf = format!(
        "[[services]]\nprotocol = \"tcp\"\naddress = \"{VIP}\"\nport = 80\nscheduler = \"rr\"\ncheck = {{ type = \"http\", via_vip = true, interval = 0.05, timeout = 0.5, fall = 1, rise = 1 }}\n"
    );
    for r in REALS {
        cf += &format!(
            "[[services.destinations]]\naddress = \"{r}\"\nport = 80\nforward = \"route\"\n"
        );
    }
    cf
}

/// rvsadmd in namespace `ns` with `config`; its files in `dir`.
fn start_daemon(ns: &str, dir: &Path, config: &str) -> Child {
    let cf = dir.join("rvsadmd.toml");
    std::fs::write(&cf, config).unwrap();
    let log = std::fs::File::create(dir.join("rvsadmd.log")).unwrap();
    Command::new("ip")
        .args(["netns", "exec", ns, &rvsadmd_path(), "run", "--config"])
        .arg(&cf)
        .arg("--control-socket")
        .arg(dir.join("ctl.sock"))
        .arg("--state-file")
        .arg(dir.join("state.json"))
        .args(["--poll", "1s"])
        .stdin(Stdio::null())
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .expect("starting rvsadmd")
}

/// `ipvsadm -Sn` in `ns`, lines sorted.
fn table(ns: &str) -> Vec<String> {
    let o = bash(&format!("ip netns exec {ns} ipvsadm -Sn"));
    assert!(o.status.success(), "{o:?}");
    let mut l: Vec<String> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    l.sort();
    l
}

/// The table of the two services with B at weight `b` in the service
/// checked through the VIP, and (`owned`) the two fwmark services.
fn want(mode: Mode, b: u32, owned: bool) -> Vec<String> {
    let f = mode.flag();
    // ipvsadm -S names a tunnelling destination's tunnel type.
    let t = match mode {
        Mode::Dr => "",
        Mode::Tun => " --tun-type ipip",
    };
    let mut l = vec![
        format!("-A -t {VIP}:80 -s rr"),
        format!("-a -t {VIP}:80 -r {}:80 {f} -w 1{t}", REALS[0]),
        format!("-a -t {VIP}:80 -r {}:80 {f} -w {b}{t}", REALS[1]),
        format!("-A -t {VIP2}:80 -s rr"),
        format!("-a -t {VIP2}:80 -r {}:80 {f} -w 1{t}", REALS[0]),
        format!("-a -t {VIP2}:80 -r {}:80 {f} -w 1{t}", REALS[1]),
    ];
    if owned {
        for (m, r) in MARKS.iter().zip(REALS) {
            l.push(format!("-A -f {m} -s wlc"));
            l.push(format!("-a -f {m} -r {r}:80 {f} -w 1{t}"));
        }
    }
    l.sort();
    l
}

/// Wait (at most 60 s) until the table in `ns` is `want`; how long it took.
fn until_table(ns: &str, want: &[String], what: &str) -> Duration {
    let start = Instant::now();
    let deadline = start + Duration::from_secs(60);
    loop {
        let now = table(ns);
        if now == want {
            return start.elapsed();
        }
        assert!(
            Instant::now() < deadline,
            "{what}: the table is not as wanted after 60 s\nwanted: {want:#?}\nfound: {now:#?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn through_the_vip(mode: Mode, test: &str) {
    let Some(mut t) = Topo::new(test) else {
        return;
    };
    let (c, d, rs) = topology(&mut t, mode);
    let dir = std::env::temp_dir().join(format!("{test}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let _log = ShowLog(dir.join("rvsadmd.log"));
    let daemon = start_daemon(&d, &dir, &config(mode));

    // A passes both checks; B, without the VIP, only the plain one.
    until_table(&d, &want(mode, 0, true), "B down through the VIP");
    // The load-balanced traffic goes where the table says: to A alone.
    for _ in 0..4 {
        assert_eq!(
            fetch(&c, &format!("http://{VIP}/")),
            format!("hello-{}", rs[0])
        );
    }

    // B given the VIP passes; taken away, it fails within fall x interval +
    // timeout (a margin for the emulated VM and the 1 s poll).
    give_vip(&t, &rs[1], mode, true);
    until_table(&d, &want(mode, 1, true), "B up with the VIP");
    if mode == Mode::Dr {
        arp_problem(&t, &d, &rs[1], &dir.join("rvsadmd.log"));
    }
    give_vip(&t, &rs[1], mode, false);
    let took = until_table(&d, &want(mode, 0, true), "B down again without the VIP");
    let bound = Duration::from_secs(FALL * INTERVAL + TIMEOUT);
    eprintln!("{test}: B down {took:?} after its VIP went (fall x interval + timeout = {bound:?})");
    assert!(
        took <= bound + Duration::from_secs(15),
        "B down only {took:?} after its VIP went"
    );

    // Stopped, rvsadmd takes its fwmark services away, and only them.
    common::settle::stop(daemon);
    assert_eq!(table(&d), want(mode, 0, false));
}

/// B (up, with the VIP) made to answer ARP for it (`arp_ignore` 0): the
/// check through the VIP fails it, saying why; set back, it is up again.
fn arp_problem(t: &Topo, d: &str, b: &str, log: &Path) {
    let mode = Mode::Dr;
    t.sh(&format!(
        "ip netns exec {b} sysctl -qw net.ipv4.conf.all.arp_ignore=0 net.ipv4.conf.all.arp_announce=0"
    ));
    until_table(d, &want(mode, 0, true), "B down with the ARP problem");
    let text = std::fs::read_to_string(log).unwrap_or_default();
    assert!(
        text.contains(&format!("{} (", REALS[1]))
            && text.contains(&format!("answers ARP requests for the VIP {VIP}")),
        "no reason naming the ARP problem in the log"
    );
    t.sh(&format!(
        "ip netns exec {b} sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2"
    ));
    until_table(
        d,
        &want(mode, 1, true),
        "B up again, ARP for the VIP ignored",
    );
}

#[test]
fn direct_routing_checks_through_the_vip() {
    through_the_vip(Mode::Dr, "viavip_dr");
}

#[test]
fn tunnelling_checks_through_the_vip() {
    through_the_vip(Mode::Tun, "viavip_tun");
}

/// Many quick checks through the VIP of A (with the VIP) and B (without):
/// B never passes, A stays up.
#[test]
fn quick_checks_through_the_vip_never_pass_the_real_without_it() {
    let test = "viavip_quick";
    let Some(mut t) = Topo::new(test) else {
        return;
    };
    let (_, d, _) = topology(&mut t, Mode::Dr);
    // Two ephemeral ports: any check sent from them would reuse one within
    // a few checks.
    t.sh(&format!(
        "ip netns exec {d} sysctl -qw net.ipv4.ip_local_port_range='40000 40001'"
    ));
    let dir = std::env::temp_dir().join(format!("{test}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("rvsadmd.log");
    let _log = ShowLog(log.clone());
    let daemon = start_daemon(&d, &dir, &quick_config());
    let f = Mode::Dr.flag();
    let mut want = vec![
        format!("-A -t {VIP}:80 -s rr"),
        format!("-a -t {VIP}:80 -r {}:80 {f} -w 1", REALS[0]),
        format!("-a -t {VIP}:80 -r {}:80 {f} -w 0", REALS[1]),
    ];
    for (m, r) in MARKS.iter().zip(REALS) {
        want.push(format!("-A -f {m} -s wlc"));
        want.push(format!("-a -f {m} -r {r}:80 {f} -w 1"));
    }
    want.sort();
    until_table(&d, &want, "A up, B down");
    // 20 s of checks every 50 ms: the table stays as it is.
    let end = Instant::now() + Duration::from_secs(20);
    while Instant::now() < end {
        assert_eq!(table(&d), want, "B passed a check through the VIP");
        std::thread::sleep(Duration::from_millis(100));
    }
    common::settle::stop(daemon);
    // No result ever made B up, or A down, in the service of the VIP.
    let text = std::fs::read_to_string(&log).unwrap();
    let changes: Vec<serde_json::Value> = text
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .filter(|e: &serde_json::Value| e["event"] == "health")
        .collect();
    let b = format!("{}:80", REALS[1]);
    let a = format!("{}:80", REALS[0]);
    for e in &changes {
        let dest = e["destination"].as_str().unwrap_or_default();
        assert!(
            !(dest == b && e["health"] == "up"),
            "B passed a check through the VIP: {e}"
        );
        assert!(!(dest == a && e["health"] == "down"), "A failed: {e}");
    }
    assert!(
        changes.iter().any(|e| e["destination"] == b.as_str()),
        "no result of B's check: {changes:?}"
    );
}
