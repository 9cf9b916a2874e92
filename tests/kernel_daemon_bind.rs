//! `rvsadmd run` with checks from a chosen source (inside the VM): a TCP
//! check bound to a second local address and a fixed port, as the back
//! end sees it; an HTTP check with a firewall mark that policy routing
//! lets through, and one with a mark it prohibits; a check from an
//! address the host does not have, down with the reason; and the same
//! checks written in keepalived.conf (`bindto`, `bind_port`, `fwmark`).

mod common;

use common::backend::{add_addrs, Backend, Mode};
use common::settle::{rvsadmd_command, stop, table};
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A TCP server on `addr` that records where each connection came from.
fn recording_server(addr: &str) -> Arc<Mutex<Vec<SocketAddr>>> {
    let l = TcpListener::bind(addr).unwrap_or_else(|e| panic!("bind {addr}: {e}"));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    std::thread::spawn(move || {
        for c in l.incoming().flatten() {
            if let Ok(peer) = c.peer_addr() {
                s.lock().unwrap().push(peer);
            }
        }
    });
    seen
}

/// The weight of `dest` in the table (`None`: not there).
fn weight(dest: &str) -> Option<u32> {
    table().iter().find_map(|l| {
        let w: Vec<&str> = l.split_whitespace().collect();
        let i = w.iter().position(|x| *x == "-r")?;
        if w.get(i + 1) != Some(&dest) {
            return None;
        }
        let j = w.iter().position(|x| *x == "-w")?;
        w.get(j + 1)?.parse().ok()
    })
}

fn wait_for(what: &str, log: &Path, mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if f() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!(
        "timed out waiting for {what}; table:\n{:#?}\nevents:\n{}",
        table(),
        std::fs::read_to_string(log).unwrap_or_default()
    );
}

fn tempdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("rvsadmd-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// `rvsadmd run FLAG FILE` with its events in `dir/events.log`.
fn start(dir: &Path, flag: &str, file: &Path) -> (Child, PathBuf) {
    let log = dir.join("events.log");
    let out = std::fs::File::create(&log).unwrap();
    let err = out.try_clone().unwrap();
    let child = rvsadmd_command(flag, file, dir)
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .expect("starting rvsadmd");
    (child, log)
}

/// Packets marked 7 are refused by policy routing, even to local
/// addresses (the `local` table's rule moved after the mark's).
fn prohibit_mark_7() {
    for args in [
        &["rule", "add", "fwmark", "7", "prohibit", "pref", "10"][..],
        &["rule", "add", "table", "local", "pref", "100"],
        &["rule", "del", "pref", "0"],
    ] {
        let o = common::run("ip", args);
        assert!(o.status.success(), "ip {args:?}: {o:?}");
    }
}

/// The back ends and addresses both tests use: 10.0.0.1:8080 records the
/// sources of its connections, 10.0.0.2 and 10.0.0.3 answer HTTP;
/// 10.0.0.254 is the checks' second local address.
fn back_ends() -> (Arc<Mutex<Vec<SocketAddr>>>, Backend, Backend) {
    add_addrs(&["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.254"]);
    prohibit_mark_7();
    let seen = recording_server("10.0.0.1:8080");
    let b = Backend::start("10.0.0.2:8080", Mode::Ok);
    let c = Backend::start("10.0.0.3:8080", Mode::Ok);
    (seen, b, c)
}

/// What both tests expect once the checks ran: 10.0.0.1 up and seeing
/// 10.0.0.254:4000 only; 10.0.0.2 (mark 8) up; 10.0.0.3 (mark 7) down
/// with the routing's refusal; 10.0.0.4 (from an address the host does
/// not have) down with the bind's.
fn expect_sources(seen: &Arc<Mutex<Vec<SocketAddr>>>, log: &Path) {
    wait_for("10.0.0.1 and 10.0.0.2 up", log, || {
        weight("10.0.0.1:8080") == Some(2) && weight("10.0.0.2:8080") == Some(3)
    });
    wait_for("two checks of 10.0.0.1 from the fixed port", log, || {
        seen.lock().unwrap().len() >= 2
    });
    let from: SocketAddr = "10.0.0.254:4000".parse().unwrap();
    let s = seen.lock().unwrap().clone();
    assert!(s.iter().all(|p| *p == from), "{s:?}");
    wait_for("10.0.0.3 and 10.0.0.4 down", log, || {
        weight("10.0.0.3:8080") == Some(0) && weight("10.0.0.4:8080") == Some(0)
    });
    let ev = std::fs::read_to_string(log).unwrap();
    let down = |dest: &str, why: &str| {
        ev.lines().any(|l| {
            l.contains(&format!("\"destination\":\"{dest}\""))
                && l.contains("\"health\":\"down\"")
                && l.contains(why)
        })
    };
    assert!(down("10.0.0.3:8080", "connect: "), "{ev}");
    assert!(down("10.0.0.4:8080", "bind to 192.0.2.99:0: "), "{ev}");
}

const NATIVE: &str = r#"
[defaults]
check = { interval = "300ms", timeout = "1s" }

[[services]]
protocol = "tcp"
address = "192.0.2.10"
port = 80

[[services.destinations]]
address = "10.0.0.1"
port = 8080
forward = "masq"
weight = 2
check = { type = "tcp", source = "10.0.0.254", source_port = 4000 }

[[services.destinations]]
address = "10.0.0.2"
port = 8080
forward = "masq"
weight = 3
check = { type = "http", path = "/", mark = 8, interface = "lo" }

[[services.destinations]]
address = "10.0.0.3"
port = 8080
forward = "masq"
weight = 4
check = { type = "http", path = "/", mark = 7 }

[[services.destinations]]
address = "10.0.0.4"
port = 8080
forward = "masq"
weight = 5
check = { type = "tcp", source = "192.0.2.99" }
"#;

#[test]
fn native_checks_from_a_source_address_port_and_mark() {
    let Some(_ns) = common::kernel_netns("native_checks_from_a_source_address_port_and_mark")
    else {
        return;
    };
    let (seen, _b, _c) = back_ends();
    let dir = tempdir("bind-native");
    let cfg = dir.join("rvsadmd.toml");
    std::fs::write(&cfg, NATIVE).unwrap();
    let (d, log) = start(&dir, "--config", &cfg);
    expect_sources(&seen, &log);
    stop(d);
}

const KEEPALIVED: &str = "virtual_server 192.0.2.10 80 {
  delay_loop 1
  inhibit_on_failure
  lb_kind NAT
  protocol TCP
  real_server 10.0.0.1 8080 {
    weight 2
    TCP_CHECK {
      bindto 10.0.0.254
      bind_port 4000
      connect_timeout 1
    }
  }
  real_server 10.0.0.2 8080 {
    weight 3
    HTTP_GET {
      url { path / }
      fwmark 8
      bind_if lo
      connect_timeout 1
    }
  }
  real_server 10.0.0.3 8080 {
    weight 4
    HTTP_GET {
      url { path / }
      fwmark 7
      connect_timeout 1
      retry 0
    }
  }
  real_server 10.0.0.4 8080 {
    weight 5
    TCP_CHECK {
      bindto 192.0.2.99
      connect_timeout 1
      retry 0
    }
  }
}
";

#[test]
fn keepalived_bindto_bind_port_and_fwmark() {
    let Some(_ns) = common::kernel_netns("keepalived_bindto_bind_port_and_fwmark") else {
        return;
    };
    let (seen, _b, _c) = back_ends();
    let dir = tempdir("bind-keepalived");
    let cfg = dir.join("keepalived.conf");
    std::fs::write(&cfg, KEEPALIVED).unwrap();
    let (d, log) = start(&dir, "--keepalived", &cfg);
    expect_sources(&seen, &log);
    stop(d);
}
