//! keepalived.conf's `global_defs` that act on the whole IPVS table
//! (`lvs_flush`, `lvs_timeouts`, `lvs_flush_onstop`, `lvs_sync_daemon`
//! without a VRRP instance), run by `keepalived -C` (the oracle, inside the
//! VM) and by `rvsadmd run --keepalived`, each in a fresh namespace: the
//! table (`ipvsadm -Sn`), the timeouts (`ipvsadm -L --timeout`) and the
//! sync daemons (`ipvsadm -L --daemon`) after each step must be the same.
//! Steps: start over a table holding a service of someone else's, timeouts
//! set by hand and a sync daemon of someone else's; a reload that drops
//! `lvs_timeouts` and changes the sync id while another foreign service
//! was added; stop.

mod common;

use common::backend::add_addrs;
use common::settle::{
    keepalived_command, rvsadmd_command, settled, signal, spawn_logged, stop, table,
};
use std::path::Path;
use std::process::Child;
use std::time::{Duration, Instant};

fn conf(timeouts: bool, sync_id: u8) -> String {
    let t = if timeouts {
        " lvs_timeouts tcp 60 udp 30\n"
    } else {
        ""
    };
    format!(
        "global_defs {{\n router_id table\n lvs_flush\n lvs_flush_onstop\n\
         \x20lvs_sync_daemon sync0 id {sync_id} maxlen 1400\n{t}}}\n\
         virtual_server 192.0.2.1 80 {{\n delay_loop 1\n lb_algo rr\n lb_kind NAT\n protocol TCP\n\
         \x20real_server 10.0.0.1 80 {{\n  weight 2\n }}\n}}\n"
    )
}

fn ipvsadm_ok(args: &[&str]) -> String {
    common::stdout_ok(&common::ipvsadm(args))
}

fn start(keepalived: bool, dir: &Path, cf: &Path) -> Child {
    let c = if keepalived {
        keepalived_command(cf, dir)
    } else {
        rvsadmd_command("--keepalived", cf, dir)
    };
    spawn_logged(c, dir, "daemon.log")
}

/// The table once settled (on the oracle's, for rvsadmd), and the
/// timeouts.
fn state(want: Option<&Vec<String>>) -> Vec<String> {
    // The oracle's state ends with its timeouts line.
    let table_part = want.map(|w| {
        w.iter()
            .filter(|l| l.starts_with('-'))
            .cloned()
            .collect::<Vec<_>>()
    });
    let mut t = settled(Duration::from_secs(3), table_part.as_ref(), None);
    t.extend(ipvsadm_ok(&["-L", "--daemon"]).lines().map(str::to_string));
    t.push(ipvsadm_ok(&["-L", "--timeout"]).trim().to_string());
    t
}

fn scenario(keepalived: bool, oracle: Option<&[Vec<String>]>) -> Vec<Vec<String>> {
    let dir = std::env::temp_dir().join(format!("kat-{keepalived}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let cf = dir.join("keepalived.conf");
    std::fs::write(&cf, conf(true, 9)).unwrap();
    add_addrs(&["10.0.0.1"]);
    // The sync daemons' interface: multicast, up, addressed.
    for args in [
        &["link", "add", "sync0", "type", "dummy"][..],
        &["link", "set", "sync0", "multicast", "on", "up"],
        &["addr", "add", "10.9.9.1/24", "dev", "sync0"],
    ] {
        let o = common::run("ip", args);
        assert!(o.status.success(), "ip {args:?}: {o:?}");
    }
    // Someone else's backup daemon: stopped at start, as keepalived does.
    ipvsadm_ok(&[
        "--start-daemon",
        "backup",
        "--mcast-interface",
        "sync0",
        "--syncid",
        "4",
    ]);
    ipvsadm_ok(&["--set", "900", "120", "300"]);
    ipvsadm_ok(&["-A", "-t", "192.0.2.99:80", "-s", "rr"]);
    let want = |i: usize| oracle.map(|o| &o[i]);
    let mut out = Vec::new();
    let d = start(keepalived, &dir, &cf);
    let t = Instant::now();
    while !table().iter().any(|l| l.contains("192.0.2.1:80"))
        && t.elapsed() < Duration::from_secs(60)
    {
        std::thread::sleep(Duration::from_millis(200));
    }
    out.push(state(want(0)));
    ipvsadm_ok(&["-A", "-t", "192.0.2.98:80", "-s", "rr"]);
    std::fs::write(&cf, conf(false, 10)).unwrap();
    signal(&d, nix::sys::signal::Signal::SIGHUP);
    std::thread::sleep(Duration::from_secs(2));
    out.push(state(want(1)));
    stop(d);
    out.push(state(want(2)));
    out
}

#[test]
fn flush_timeouts_and_sync_daemons_at_start_reload_and_stop() {
    let name = "flush_timeouts_and_sync_daemons_at_start_reload_and_stop";
    let oracle = {
        let Some(_ns) = common::kernel_netns(name) else {
            return;
        };
        scenario(true, None)
    };
    eprintln!("keepalived: {oracle:#?}");
    // The oracle did what the test is about: the foreign service flushed
    // at start, the timeouts set, put back on the reload, all gone at stop.
    assert!(
        !oracle[0].iter().any(|l| l.contains("192.0.2.99")),
        "{oracle:#?}"
    );
    assert!(
        oracle[0].iter().any(|l| l.contains("60 120 30")),
        "{oracle:#?}"
    );
    assert!(
        oracle[1].iter().any(|l| l.contains("192.0.2.98")),
        "{oracle:#?}"
    );
    assert!(
        oracle[1].iter().any(|l| l.contains("900 120 300")),
        "{oracle:#?}"
    );
    // Master and backup with sync id 9, then 10 after the reload (the
    // other backup stopped at start); none after the stop.
    let daemons = |i: usize, id: &str| {
        oracle[i]
            .iter()
            .filter(|l| l.contains("sync daemon") && l.contains(&format!("syncid={id}")))
            .count()
    };
    assert_eq!((daemons(0, "9"), daemons(0, "4")), (2, 0), "{oracle:#?}");
    assert_eq!(daemons(1, "10"), 2, "{oracle:#?}");
    assert_eq!(oracle[2].len(), 1, "{oracle:#?}");
    let Some(_ns) = common::kernel_netns(name) else {
        return;
    };
    let ours = scenario(false, Some(&oracle));
    assert_eq!(ours, oracle, "rvsadmd (left) against keepalived (right)");
}
