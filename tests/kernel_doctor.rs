//! `rvsadm doctor` on real topologies in the VM: network namespaces for
//! client, director and real servers, joined by veth pairs (and a bridge
//! for direct routing), with traffic. Each code's broken topology yields
//! that code, the repaired one does not; clean NAT, DR and TUN setups with
//! traffic flowing yield nothing.

mod common;

use common::topo::{fetch, serve, Topo};
use serde_json::Value;
use std::process::Command;

/// `rvsadm doctor --json ARGS` in namespace `ns`, run by the command
/// `wrap` (empty: directly): the report, checked against its schema, and
/// the exit status.
fn doctor_under(wrap: &[&str], ns: &str, args: &[&str]) -> (Value, i32) {
    let rvsadm = common::rvsadm_path();
    let mut argv: Vec<&str> = wrap.to_vec();
    argv.extend(["ip", "netns", "exec", ns, &rvsadm, "doctor", "--json"]);
    argv.extend(args);
    let o = Command::new(argv[0])
        .args(&argv[1..])
        .output()
        .expect("running rvsadm doctor");
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    common::validate(&text, "doctor");
    let v: Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{e}: {text}\n{}", String::from_utf8_lossy(&o.stderr)));
    (v, o.status.code().unwrap_or(-1))
}

/// The codes of a report, in its order.
fn codes(v: &Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| f["code"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// Doctor in `ns` finds exactly `want` (and nothing unchecked).
fn expect(ns: &str, args: &[&str], want: &[&str]) -> Value {
    expect_under(&[], ns, args, want)
}

/// [`expect`] with doctor run by the command `wrap`.
fn expect_under(wrap: &[&str], ns: &str, args: &[&str], want: &[&str]) -> Value {
    let (v, rc) = doctor_under(wrap, ns, args);
    assert_eq!(codes(&v), want, "report: {v:#}");
    assert_eq!(v["unchecked"], serde_json::json!([]), "report: {v:#}");
    let worst = v["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| if f["severity"] == "error" { 2 } else { 1 })
        .max()
        .unwrap_or(0);
    assert_eq!(rc, worst, "exit status; report: {v:#}");
    v
}

/// Client, director and one real server for NAT: client 10.1.0.2 on the
/// director's 10.1.0.1 (VIP 10.1.0.10 on the same device), real server
/// 10.2.0.2 behind the director's 10.2.0.1, its default route through the
/// director, forwarding on. Returns (client, director, real).
fn nat_topology(t: &mut Topo) -> (String, String, String) {
    let (c, d, r) = (t.ns("cl"), t.ns("dir"), t.ns("rs"));
    t.sh(&format!(
        "ip link add c0 netns {c} type veth peer name d0 netns {d}
         ip link add r0 netns {r} type veth peer name d1 netns {d}
         ip -n {c} addr add 10.1.0.2/24 dev c0; ip -n {c} link set c0 up
         ip -n {c} route add default via 10.1.0.1
         ip -n {d} addr add 10.1.0.1/24 dev d0; ip -n {d} addr add 10.1.0.10/32 dev d0
         ip -n {d} addr add 10.2.0.1/24 dev d1
         ip -n {d} link set d0 up; ip -n {d} link set d1 up
         ip -n {r} addr add 10.2.0.2/24 dev r0; ip -n {r} link set r0 up
         ip -n {r} route add default via 10.2.0.1
         ip netns exec {d} sysctl -qw net.ipv4.ip_forward=1
         ip netns exec {d} ipvsadm -A -t 10.1.0.10:80 -s rr
         ip netns exec {d} ipvsadm -a -t 10.1.0.10:80 -r 10.2.0.2:80 -m"
    ));
    serve(t, &r, "10.2.0.2");
    (c, d, r)
}

#[test]
fn nat_clean_with_traffic_then_forwarding_off() {
    let Some(mut t) = Topo::new("nat_clean") else {
        return;
    };
    let (c, d, r) = nat_topology(&mut t);
    assert_eq!(fetch(&c, "http://10.1.0.10/"), format!("hello-{r}"));
    expect(&d, &[], &[]);

    t.sh(&format!(
        "ip netns exec {d} sysctl -qw net.ipv4.ip_forward=0"
    ));
    assert_eq!(fetch(&c, "http://10.1.0.10/"), "", "NAT without forwarding");
    let v = expect(&d, &[], &["nat_forwarding_off"]);
    let f = &v["findings"][0];
    assert_eq!(f["subject"], "TCP 10.1.0.10:80 -> 10.2.0.2:80 (masq)");
    assert_eq!(f["evidence"][0]["source"], "/proc/sys/net/ipv4/ip_forward");
    assert_eq!(f["evidence"][0]["value"], "0");

    t.sh(&format!(
        "ip netns exec {d} sysctl -qw net.ipv4.ip_forward=1"
    ));
    assert_eq!(fetch(&c, "http://10.1.0.10/"), format!("hello-{r}"));
    expect(&d, &[], &[]);
    common::check_schemas();
}

#[test]
fn connections_to_a_removed_destination_hang_without_expire_nodest() {
    let Some(mut t) = Topo::new("nodest") else {
        return;
    };
    let (c, d, _r) = nat_topology(&mut t);
    // A connection that stays open (busybox httpd waits for the request).
    let mut hold = Command::new("ip")
        .args(["netns", "exec", &c, "bash", "-c"])
        .arg("exec 3<>/dev/tcp/10.1.0.10/80; sleep 60")
        .spawn()
        .expect("holding a connection");
    t.sh(&format!(
        "for i in $(seq 50); do
           ip netns exec {d} ipvsadm -Lnc | grep -q ESTABLISHED && exit 0; sleep 0.2
         done; exit 1"
    ));
    expect(&d, &[], &[]);
    t.sh(&format!(
        "ip netns exec {d} ipvsadm -a -t 10.1.0.10:80 -r 10.2.0.3:80 -m
         ip netns exec {d} ipvsadm -d -t 10.1.0.10:80 -r 10.2.0.2:80"
    ));
    let v = expect(&d, &[], &["drain_needs_expire_nodest"]);
    assert_eq!(v["findings"][0]["subject"], "TCP 10.2.0.2:80");
    t.sh(&format!(
        "ip netns exec {d} sysctl -qw net.ipv4.vs.expire_nodest_conn=1"
    ));
    expect(&d, &[], &[]);
    let _ = hold.kill();
    let _ = hold.wait();
    common::check_schemas();
}

/// One segment (a bridge in its own namespace): client 10.1.0.2, director
/// 10.1.0.1 holding VIPs 10.1.0.10 (direct routing to the real server at
/// .3, VIP on its lo) and 10.1.0.11 (tunnelling to .4, VIP on its tunl0).
/// Returns (switch, client, director, DR real, TUN real).
fn dr_tun_topology(t: &mut Topo) -> [String; 5] {
    let (sw, c, d) = (t.ns("sw"), t.ns("cl"), t.ns("dir"));
    let (g, u) = (t.ns("rsg"), t.ns("rsi"));
    t.sh(&format!(
        "ip -n {sw} link add br0 type bridge; ip -n {sw} link set br0 up"
    ));
    for (ns, dev, addr) in [
        (&c, "c0", "10.1.0.2"),
        (&d, "d0", "10.1.0.1"),
        (&g, "g0", "10.1.0.3"),
        (&u, "u0", "10.1.0.4"),
    ] {
        plug(t, &sw, ns, dev, addr);
    }
    t.sh(&format!(
        "ip -n {d} addr add 10.1.0.10/32 dev d0; ip -n {d} addr add 10.1.0.11/32 dev d0
         ip -n {g} addr add 10.1.0.10/32 dev lo
         ip netns exec {g} sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2
         modprobe ipip
         ip -n {u} link set tunl0 up; ip -n {u} addr add 10.1.0.11/32 dev tunl0
         ip netns exec {u} sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2
         ip netns exec {u} sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.tunl0.rp_filter=0
         ip netns exec {d} ipvsadm -A -t 10.1.0.10:80 -s rr
         ip netns exec {d} ipvsadm -a -t 10.1.0.10:80 -r 10.1.0.3:80 -g
         ip netns exec {d} ipvsadm -A -t 10.1.0.11:80 -s rr
         ip netns exec {d} ipvsadm -a -t 10.1.0.11:80 -r 10.1.0.4:80 -i"
    ));
    serve(t, &g, "10.1.0.10");
    serve(t, &u, "10.1.0.11");
    [sw, c, d, g, u]
}

/// Plug namespace `ns` into the bridge of `sw` as device `dev` with `addr`/24.
fn plug(t: &Topo, sw: &str, ns: &str, dev: &str, addr: &str) {
    t.sh(&format!(
        "ip link add {dev} netns {ns} type veth peer name p{dev} netns {sw}
         ip -n {sw} link set p{dev} master br0; ip -n {sw} link set p{dev} up
         ip -n {ns} addr add {addr}/24 dev {dev}; ip -n {ns} link set {dev} up"
    ));
}

#[test]
fn dr_and_tun_clean_with_traffic_then_a_dr_real_behind_a_gateway() {
    let Some(mut t) = Topo::new("dr_tun") else {
        return;
    };
    let [_sw, c, d, g, u] = dr_tun_topology(&mut t);
    assert_eq!(fetch(&c, "http://10.1.0.10/"), format!("hello-{g}"), "DR");
    assert_eq!(fetch(&c, "http://10.1.0.11/"), format!("hello-{u}"), "TUN");
    expect(&d, &[], &[]);

    // A direct-routing real server reached through a gateway.
    t.sh(&format!(
        "ip -n {d} route add 10.9.0.0/24 via 10.1.0.3
         ip netns exec {d} ipvsadm -a -t 10.1.0.10:80 -r 10.9.0.5:80 -g"
    ));
    let v = expect(&d, &[], &["dr_real_not_on_link"]);
    assert_eq!(
        v["findings"][0]["subject"],
        "TCP 10.1.0.10:80 -> 10.9.0.5:80 (route)"
    );
    assert_eq!(
        v["findings"][0]["evidence"][0]["value"],
        "via 10.1.0.3 (dev d0)"
    );
    t.sh(&format!(
        "ip netns exec {d} ipvsadm -d -t 10.1.0.10:80 -r 10.9.0.5:80"
    ));
    expect(&d, &[], &[]);
    common::check_schemas();
}

/// One director namespace with a dummy device holding 10.2.0.1/24.
fn director_alone(t: &mut Topo) -> String {
    let d = t.ns("dir");
    t.sh(&format!(
        "ip -n {d} link add dum0 type dummy; ip -n {d} link set dum0 up
         ip -n {d} addr add 10.2.0.1/24 dev dum0
         ip netns exec {d} sysctl -qw net.ipv4.ip_forward=1"
    ));
    d
}

#[test]
fn vip_not_here_and_a_masquerading_real_with_no_route() {
    let Some(mut t) = Topo::new("vip_rt") else {
        return;
    };
    let d = director_alone(&mut t);
    t.sh(&format!(
        "ip netns exec {d} ipvsadm -A -t 192.0.2.10:80
         ip netns exec {d} ipvsadm -a -t 192.0.2.10:80 -r 10.2.0.5:80 -m
         ip netns exec {d} ipvsadm -a -t 192.0.2.10:80 -r 10.77.0.5:80 -m"
    ));
    let v = expect(&d, &[], &["nat_real_unreachable", "vip_not_local"]);
    assert_eq!(
        v["findings"][0]["subject"],
        "TCP 192.0.2.10:80 -> 10.77.0.5:80 (masq)"
    );
    t.sh(&format!(
        "ip -n {d} addr add 192.0.2.10/32 dev dum0
         ip -n {d} route add 10.77.0.0/24 via 10.2.0.7"
    ));
    expect(&d, &[], &[]);
    common::check_schemas();
}

#[test]
fn strict_rp_filter_where_the_way_back_leaves_by_another_device() {
    let Some(mut t) = Topo::new("rpf") else {
        return;
    };
    let (c, d) = (t.ns("cl"), t.ns("dir"));
    // The client (172.16.0.2, off the director's networks) sends to the
    // VIP on d0; the director's default route leaves by dum1.
    t.sh(&format!(
        "ip link add c0 netns {c} type veth peer name d0 netns {d}
         ip -n {c} addr add 172.16.0.2/24 dev c0; ip -n {c} link set c0 up
         ip -n {c} route add default dev c0
         ip -n {d} addr add 10.1.0.10/24 dev d0; ip -n {d} link set d0 up
         ip -n {d} link add dum1 type dummy; ip -n {d} link set dum1 up
         ip -n {d} addr add 10.3.0.1/24 dev dum1
         ip -n {d} route add default via 10.3.0.254
         ip netns exec {d} sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.d0.rp_filter=1
         ip netns exec {d} ipvsadm -A -t 10.1.0.10:80 -s rr
         ip netns exec {d} ipvsadm -a -t 10.1.0.10:80 -r 10.1.0.10:8080 -m"
    ));
    let v = expect(&d, &[], &["rp_filter_strict"]);
    let ev: Vec<String> = v["findings"][0]["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{} = {}",
                e["source"].as_str().unwrap(),
                e["value"].as_str().unwrap()
            )
        })
        .collect();
    assert!(
        ev.contains(&"/proc/sys/net/ipv4/conf/d0/rp_filter = 1".to_string()),
        "{ev:?}"
    );
    assert!(
        ev.contains(
            &"default route (ip route show default) = via 10.3.0.254 (dev dum1)".to_string()
        ),
        "{ev:?}"
    );
    t.sh(&format!(
        "ip netns exec {d} sysctl -qw net.ipv4.conf.d0.rp_filter=2"
    ));
    expect(&d, &[], &[]);
    common::check_schemas();
}

#[test]
fn weights_persistence_and_hash_schedulers() {
    let Some(mut t) = Topo::new("weights") else {
        return;
    };
    let d = director_alone(&mut t);
    t.sh(&format!(
        "ip -n {d} addr add 192.0.2.10/32 dev dum0
         x() {{ ip netns exec {d} ipvsadm \"$@\"; }}
         x -A -t 192.0.2.10:80 -s rr
         x -A -t 192.0.2.10:81 -s mh
         x -a -t 192.0.2.10:81 -r 10.2.0.5:81 -m -w 1
         x -a -t 192.0.2.10:81 -r 10.2.0.6:81 -m -w 0
         x -A -t 192.0.2.10:82 -s rr -p 600
         x -a -t 192.0.2.10:82 -r 10.2.0.5:82 -m -w 1
         x -a -t 192.0.2.10:82 -r 10.2.0.6:82 -m -w 0"
    ));
    let v = expect(
        &d,
        &[],
        &[
            "no_usable_destination",
            "hash_drain_without_fallback",
            "quiescent_template_sticky",
        ],
    );
    let subjects: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["subject"].as_str().unwrap())
        .collect();
    assert_eq!(
        subjects,
        [
            "TCP 192.0.2.10:80",
            "TCP 192.0.2.10:81",
            "TCP 192.0.2.10:82"
        ]
    );
    t.sh(&format!(
        "x() {{ ip netns exec {d} ipvsadm \"$@\"; }}
         x -a -t 192.0.2.10:80 -r 10.2.0.5:80 -m
         x -E -t 192.0.2.10:81 -s mh -b mh-fallback
         ip netns exec {d} sysctl -qw net.ipv4.vs.expire_quiescent_template=1"
    ));
    expect(&d, &[], &[]);
    common::check_schemas();
}

#[test]
fn sync_daemons_that_cannot_pair() {
    let Some(mut t) = Topo::new("syncd") else {
        return;
    };
    let d = director_alone(&mut t);
    t.sh(&format!(
        "ip netns exec {d} ipvsadm --start-daemon master --mcast-interface dum0 --syncid 1
         ip netns exec {d} ipvsadm --start-daemon backup --mcast-interface dum0 --syncid 2"
    ));
    let v = expect(&d, &[], &["sync_daemon_mismatch"]);
    assert_eq!(
        v["findings"][0]["subject"],
        "master and backup sync daemons"
    );
    t.sh(&format!(
        "ip netns exec {d} ipvsadm --stop-daemon backup
         ip netns exec {d} ipvsadm --start-daemon backup --mcast-interface dum0 --syncid 1"
    ));
    expect(&d, &[], &[]);
    t.sh(&format!("ip -n {d} link set dum0 down"));
    expect(&d, &[], &["sync_daemon_mismatch", "sync_daemon_mismatch"]);
    common::check_schemas();
}

#[test]
fn a_desired_scheduler_this_kernel_lacks() {
    let Some(mut t) = Topo::new("sched") else {
        return;
    };
    let d = director_alone(&mut t);
    let dir = std::env::temp_dir().join(format!("doctor-sched-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.rules");
    let good = dir.join("good.rules");
    std::fs::write(
        &bad,
        "-A -t 10.2.0.1:80 -s nosuch\n-a -t 10.2.0.1:80 -r 10.2.0.5:80 -m\n",
    )
    .unwrap();
    std::fs::write(
        &good,
        "-A -t 10.2.0.1:80 -s mh\n-a -t 10.2.0.1:80 -r 10.2.0.5:80 -m\n",
    )
    .unwrap();
    let v = expect(
        &d,
        &["--desired", bad.to_str().unwrap()],
        &["scheduler_module_missing"],
    );
    assert_eq!(v["findings"][0]["evidence"][1]["value"], "no ip_vs_nosuch");
    expect(&d, &["--desired", good.to_str().unwrap()], &[]);
    let _ = std::fs::remove_dir_all(&dir);
    common::check_schemas();
}

/// `rvsadm doctor --real-server --method METHOD --vip VIP [--director D]`.
fn rs_args<'a>(method: &'a str, vip: &'a str, director: Option<&'a str>) -> Vec<&'a str> {
    let mut a = vec!["--real-server", "--method", method, "--vip", vip];
    if let Some(d) = director {
        a.extend(["--director", d]);
    }
    a
}

#[test]
fn real_servers_of_dr_and_tun_clean_then_each_fault() {
    let Some(mut t) = Topo::new("rs_drt") else {
        return;
    };
    let [_sw, c, _d, g, u] = dr_tun_topology(&mut t);
    let (dr, tun) = (
        rs_args("dr", "10.1.0.10", None),
        rs_args("tun", "10.1.0.11", None),
    );
    assert_eq!(fetch(&c, "http://10.1.0.10/"), format!("hello-{g}"), "DR");
    assert_eq!(fetch(&c, "http://10.1.0.11/"), format!("hello-{u}"), "TUN");
    expect(&g, &dr, &[]);
    expect(&u, &tun, &[]);

    // The VIP gone from lo: checks of 10.1.0.3 would pass, the VIP fails.
    t.sh(&format!("ip -n {g} addr del 10.1.0.10/32 dev lo"));
    assert_eq!(fetch(&c, "http://10.1.0.10/"), "", "DR without the VIP");
    expect(&g, &dr, &["rs_vip_missing"]);
    t.sh(&format!("ip -n {g} addr add 10.1.0.10/32 dev lo"));
    // The ARP problem.
    t.sh(&format!(
        "ip netns exec {g} sysctl -qw net.ipv4.conf.all.arp_ignore=0"
    ));
    let v = expect(&g, &dr, &["rs_arp_announces_vip"]);
    assert_eq!(v["findings"][0]["subject"], "VIP 10.1.0.10, ARP on g0");
    t.sh(&format!(
        "ip netns exec {g} sysctl -qw net.ipv4.conf.all.arp_ignore=1"
    ));
    expect(&g, &dr, &[]);

    // Strict reverse-path filtering on the tunnel drops the decapsulated
    // packets.
    t.sh(&format!(
        "ip netns exec {u} sysctl -qw net.ipv4.conf.tunl0.rp_filter=1"
    ));
    assert_eq!(
        fetch(&c, "http://10.1.0.11/"),
        "",
        "TUN with strict rp_filter"
    );
    expect(&u, &tun, &["rs_rp_filter_drops_tunnel"]);
    t.sh(&format!(
        "ip netns exec {u} sysctl -qw net.ipv4.conf.tunl0.rp_filter=0"
    ));
    assert_eq!(fetch(&c, "http://10.1.0.11/"), format!("hello-{u}"));
    // No tunnel device up.
    t.sh(&format!("ip -n {u} link set tunl0 down"));
    expect(&u, &tun, &["rs_tunnel_missing"]);
    common::check_schemas();
}

#[test]
fn print_setup_makes_a_new_dr_real_server_work() {
    let Some(mut t) = Topo::new("rs_setup") else {
        return;
    };
    let [sw, c, d, _g, _u] = dr_tun_topology(&mut t);
    let p = t.ns("rsp");
    plug(&t, &sw, &p, "p0", "10.1.0.5");
    t.sh(&format!(
        "ip -n {d} addr add 10.1.0.12/32 dev d0
         ip netns exec {d} ipvsadm -A -t 10.1.0.12:80 -s rr
         ip netns exec {d} ipvsadm -a -t 10.1.0.12:80 -r 10.1.0.5:80 -g"
    ));
    let args = rs_args("dr", "10.1.0.12", None);
    expect(&p, &args, &["rs_vip_missing", "rs_arp_announces_vip"]);
    let mut print = args.clone();
    print.push("--print-setup");
    let o = Command::new(common::rvsadm_path())
        .args(["doctor"])
        .args(&print)
        .output()
        .unwrap();
    assert!(o.status.success(), "{o:?}");
    for line in String::from_utf8_lossy(&o.stdout).lines() {
        t.sh(&format!("ip netns exec {p} {line} >/dev/null"));
    }
    expect(&p, &args, &[]);
    serve(&t, &p, "10.1.0.12");
    assert_eq!(fetch(&c, "http://10.1.0.12/"), format!("hello-{p}"));
    common::check_schemas();
}

#[test]
fn a_nat_real_server_whose_replies_bypass_the_director() {
    let Some(mut t) = Topo::new("rs_nat") else {
        return;
    };
    let (c, _d, r) = nat_topology(&mut t);
    let args = rs_args("nat", "10.1.0.10", Some("10.2.0.1"));
    expect(&r, &args, &[]);
    t.sh(&format!(
        "ip -n {r} link add dum0 type dummy; ip -n {r} link set dum0 up
         ip -n {r} addr add 10.5.0.1/24 dev dum0
         ip -n {r} route replace default via 10.5.0.254"
    ));
    assert_eq!(
        fetch(&c, "http://10.1.0.10/"),
        "",
        "replies past the director"
    );
    let v = expect(&r, &args, &["rs_nat_route_bypasses_director"]);
    assert_eq!(
        v["findings"][0]["evidence"][0]["value"],
        "via 10.5.0.254 (dev dum0)"
    );
    t.sh(&format!("ip -n {r} route replace default via 10.2.0.1"));
    assert_eq!(fetch(&c, "http://10.1.0.10/"), format!("hello-{r}"));
    expect(&r, &args, &[]);
    common::check_schemas();
}

/// Clients knocking at 10.1.0.10 from `client` in the background (curl
/// retries its SYN for `secs` seconds).
fn knock(client: &str, secs: u32) -> std::process::Child {
    Command::new("ip")
        .args([
            "netns",
            "exec",
            client,
            "curl",
            "-s",
            "-m",
            &secs.to_string(),
            "http://10.1.0.10/",
        ])
        .spawn()
        .expect("starting curl")
}

#[test]
fn live_nat_replies_bypassing_the_director_then_a_real_server_gone() {
    let Some(mut t) = Topo::new("live") else {
        return;
    };
    let (c, d, r) = nat_topology(&mut t);
    expect(&d, &["--live", "2s"], &[]);

    // The real server's replies leave by another gateway.
    t.sh(&format!(
        "ip -n {r} link add dum0 type dummy; ip -n {r} link set dum0 up
         ip -n {r} addr add 10.5.0.1/24 dev dum0
         ip -n {r} route replace default via 10.5.0.254"
    ));
    let mut k = knock(&c, 12);
    std::thread::sleep(std::time::Duration::from_millis(500));
    let v = expect(&d, &["--live", "5s"], &["nat_return_path"]);
    assert_eq!(
        v["findings"][0]["subject"],
        "TCP 10.1.0.10:80 -> 10.2.0.2:80 (masq)"
    );
    let _ = k.kill();
    let _ = k.wait();

    // The real server's address gone: nobody answers at all.
    t.sh(&format!(
        "ip -n {r} route replace default via 10.2.0.1
         ip -n {r} addr del 10.2.0.2/24 dev r0
         ip netns exec {d} ipvsadm -Z"
    ));
    let mut k = knock(&c, 12);
    std::thread::sleep(std::time::Duration::from_millis(500));
    expect(&d, &["--live", "5s"], &["real_not_answering"]);
    let _ = k.kill();
    let _ = k.wait();
    common::check_schemas();
}

#[test]
fn a_protocol_this_kernels_ipvs_was_built_without() {
    let Some(mut t) = Topo::new("proto") else {
        return;
    };
    let d = director_alone(&mut t);
    t.sh(&format!(
        "ip netns exec {d} ipvsadm -A --sctp-service 10.2.0.1:80
         ip netns exec {d} ipvsadm -a --sctp-service 10.2.0.1:80 -r 10.2.0.5:80 -m"
    ));
    expect(&d, &[], &[]);
    // The same kernel as if built without SCTP in IPVS: its configuration
    // file says so, seen through a private mount namespace.
    let release = t.sh("uname -r").trim().to_string();
    let config = format!("/boot/config-{release}");
    let fake = std::env::temp_dir().join(format!("doctor-config-{}", std::process::id()));
    let text = std::fs::read_to_string(&config).unwrap();
    assert!(text.contains("CONFIG_IP_VS_PROTO_SCTP=y"), "{config}");
    std::fs::write(
        &fake,
        text.replace(
            "CONFIG_IP_VS_PROTO_SCTP=y",
            "# CONFIG_IP_VS_PROTO_SCTP is not set",
        ),
    )
    .unwrap();
    let mount = format!(
        "mount --bind {} {config} && exec \"$0\" \"$@\"",
        fake.display()
    );
    let wrap = ["unshare", "-m", "sh", "-c", &mount];
    let v = expect_under(&wrap, &d, &[], &["protocol_unsupported"]);
    assert_eq!(v["findings"][0]["subject"], "SCTP 10.2.0.1:80");
    assert_eq!(
        v["findings"][0]["evidence"][0]["value"],
        "CONFIG_IP_VS_PROTO_SCTP n"
    );
    let _ = std::fs::remove_file(&fake);
    common::check_schemas();
}

#[test]
fn a_kernel_before_5_9_stalls_reused_ports_with_conntrack() {
    let Some(mut t) = Topo::new("reuse") else {
        return;
    };
    let (_c, d, _r) = nat_topology(&mut t);
    t.sh(&format!(
        "ip netns exec {d} sysctl -qw net.ipv4.vs.conntrack=1"
    ));
    expect(&d, &[], &[]);
    // The same director as if on Linux 5.4: the release file says so,
    // seen through a private mount namespace.
    let fake = std::env::temp_dir().join(format!("doctor-osrelease-{}", std::process::id()));
    std::fs::write(&fake, "5.4.0-150-generic\n").unwrap();
    let mount = format!(
        "mount --bind {} /proc/sys/kernel/osrelease && exec \"$0\" \"$@\"",
        fake.display()
    );
    let wrap = ["unshare", "-m", "sh", "-c", &mount];
    let (v, _) = doctor_under(&wrap, &d, &[]);
    assert_eq!(codes(&v), ["conn_reuse_stall"], "report: {v:#}");
    assert_eq!(
        v["findings"][0]["evidence"][0]["value"],
        "5.4.0-150-generic"
    );
    t.sh(&format!(
        "ip netns exec {d} sysctl -qw net.ipv4.vs.conn_reuse_mode=0"
    ));
    let (v, _) = doctor_under(&wrap, &d, &[]);
    assert_eq!(codes(&v), Vec::<String>::new(), "report: {v:#}");
    let _ = std::fs::remove_file(&fake);
    common::check_schemas();
}
