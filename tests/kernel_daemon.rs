//! `rvsadmd` against the real kernel (inside the VM): real back ends (TCP
//! and HTTP servers on their own addresses in the test's namespace),
//! failures and recoveries, a fallback, a server that never answers, drains
//! across a restart, a change by hand, a refused reload. ipvsadm reads the
//! table.

mod common;

use common::backend::{add_addrs, Backend, Mode, TlsServer};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn rvsadmd_path() -> String {
    std::env::var("NEXTEST_BIN_EXE_rvsadmd")
        .unwrap_or_else(|_| env!("CARGO_BIN_EXE_rvsadmd").to_string())
}

/// A running `rvsadmd run`; stopped (SIGTERM) when dropped.
struct Daemon {
    child: Option<Child>,
    socket: PathBuf,
    log: PathBuf,
}

impl Daemon {
    fn start(dir: &Path, flag: &str, config: &Path) -> Daemon {
        Daemon::start_env(dir, flag, config, &[])
    }

    fn start_env(dir: &Path, flag: &str, config: &Path, env: &[(&str, &Path)]) -> Daemon {
        let socket = dir.join("ctl.sock");
        let log = dir.join(format!("events-{}.log", std::process::id()));
        let out = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)
            .unwrap();
        let err = out.try_clone().unwrap();
        let child = Command::new(rvsadmd_path())
            .args(["run", flag])
            .arg(config)
            .arg("--control-socket")
            .arg(&socket)
            .arg("--state-file")
            .arg(dir.join("state.json"))
            .args(["--poll", "1s"])
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .expect("starting rvsadmd");
        let d = Daemon {
            child: Some(child),
            socket,
            log,
        };
        d.wait_for(|| d.socket.exists(), "the control socket");
        d
    }

    fn events(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn wait_for(&self, mut f: impl FnMut() -> bool, what: &str) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if f() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!(
            "timed out waiting for {what}; table:\n{}\nevents:\n{}",
            table(),
            self.events()
        );
    }

    fn ctl(&self, args: &[&str]) -> std::process::Output {
        let mut a: Vec<String> = vec![args[0].to_string(), "--control-socket".into()];
        a.push(self.socket.display().to_string());
        a.extend(args[1..].iter().map(|s| s.to_string()));
        Command::new(rvsadmd_path()).args(&a).output().unwrap()
    }

    fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = nix::sys::signal::kill(
                nix::unistd::Pid::from_raw(c.id() as i32),
                nix::sys::signal::Signal::SIGTERM,
            );
            let _ = c.wait();
        }
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        self.stop();
    }
}

/// `ipvsadm -Sn`.
fn table() -> String {
    common::stdout_ok(&common::ipvsadm(&["-Sn"]))
}

/// The weight of `dest` in the table (`None`: not there).
fn weight(dest: &str) -> Option<u32> {
    table().lines().find_map(|l| {
        let w: Vec<&str> = l.split_whitespace().collect();
        let i = w.iter().position(|x| *x == "-r")?;
        if w.get(i + 1) != Some(&dest) {
            return None;
        }
        let j = w.iter().position(|x| *x == "-w")?;
        w.get(j + 1)?.parse().ok()
    })
}

fn tempdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("rvsadmd-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

const TWO_HTTP: &str = r#"
[defaults]
check = { type = "http", path = "/health", expect = "healthy", interval = "300ms", timeout = "1s", fall = 2 }

[[services]]
protocol = "tcp"
address = "192.0.2.10"
port = 80
scheduler = "wlc"
fallback = { address = "10.0.0.9", port = 80, forward = "masq", weight = 1 }

[[services.destinations]]
address = "10.0.0.1"
port = 8080
forward = "masq"
weight = 3

[[services.destinations]]
address = "10.0.0.2"
port = 8080
forward = "masq"
weight = 5
"#;

#[test]
fn failures_recoveries_and_the_fallback() {
    let Some(_ns) = common::kernel_netns("failures_recoveries_and_the_fallback") else {
        return;
    };
    add_addrs(&["10.0.0.1", "10.0.0.2"]);
    let dir = tempdir("fail");
    let cfg = dir.join("rvsadmd.toml");
    std::fs::write(&cfg, TWO_HTTP).unwrap();
    let a = Backend::start("10.0.0.1:8080", Mode::Ok);
    let b = Backend::start("10.0.0.2:8080", Mode::Ok);
    let d = Daemon::start(&dir, "--config", &cfg);
    d.wait_for(
        || weight("10.0.0.1:8080") == Some(3) && weight("10.0.0.2:8080") == Some(5),
        "both destinations up",
    );
    assert_eq!(
        weight("10.0.0.9:80"),
        None,
        "no fallback while a server is up"
    );
    assert!(
        table().contains("-A -t 192.0.2.10:80 -s wlc"),
        "{}",
        table()
    );
    drop(b);
    d.wait_for(|| weight("10.0.0.2:8080") == Some(0), "10.0.0.2 quiesced");
    assert_eq!(weight("10.0.0.1:8080"), Some(3));
    drop(a);
    d.wait_for(
        || weight("10.0.0.1:8080") == Some(0) && weight("10.0.0.9:80") == Some(1),
        "all down: the fallback in",
    );
    let _b = Backend::start("10.0.0.2:8080", Mode::Ok);
    d.wait_for(
        || weight("10.0.0.2:8080") == Some(5) && weight("10.0.0.9:80").is_none(),
        "10.0.0.2 back at its weight, the fallback out",
    );
    let ev = d.events();
    assert!(ev.contains("\"event\":\"batch\""), "{ev}");
    assert!(ev.contains("\"health\":\"down\""), "{ev}");
}

#[test]
fn a_server_that_never_answers_delays_no_other_check() {
    let Some(_ns) = common::kernel_netns("a_server_that_never_answers_delays_no_other_check")
    else {
        return;
    };
    add_addrs(&["10.0.0.1", "10.0.0.2"]);
    let dir = tempdir("hang");
    let cfg = dir.join("rvsadmd.toml");
    // The hanging server's check waits 20 s before it gives up.
    std::fs::write(
        &cfg,
        TWO_HTTP
            .replace("timeout = \"1s\", fall = 2", "timeout = \"20s\", fall = 1")
            .replace("interval = \"300ms\"", "interval = \"500ms\""),
    )
    .unwrap();
    let _hang = Backend::start("10.0.0.1:8080", Mode::Hang);
    let b = Backend::start("10.0.0.2:8080", Mode::Ok);
    let d = Daemon::start(&dir, "--config", &cfg);
    d.wait_for(|| weight("10.0.0.2:8080") == Some(5), "10.0.0.2 up");
    let t = Instant::now();
    drop(b);
    d.wait_for(|| weight("10.0.0.2:8080") == Some(0), "10.0.0.2 down");
    assert!(
        t.elapsed() < Duration::from_secs(15),
        "10.0.0.2 took {:?}: the hanging check held it up",
        t.elapsed()
    );
    // The hanging one has no result yet: it was not in the table, so it
    // came in at weight 0 and stays there.
    assert_eq!(weight("10.0.0.1:8080"), Some(0));
}

#[test]
fn drains_survive_a_restart_and_hand_made_weights_are_kept() {
    let Some(_ns) = common::kernel_netns("drains_survive_a_restart_and_hand_made_weights_are_kept")
    else {
        return;
    };
    add_addrs(&["10.0.0.1", "10.0.0.2"]);
    let dir = tempdir("drain");
    let cfg = dir.join("rvsadmd.toml");
    std::fs::write(&cfg, TWO_HTTP).unwrap();
    let _a = Backend::start("10.0.0.1:8080", Mode::Ok);
    let _b = Backend::start("10.0.0.2:8080", Mode::Ok);
    let mut d = Daemon::start(&dir, "--config", &cfg);
    d.wait_for(|| weight("10.0.0.2:8080") == Some(5), "up");
    let o = d.ctl(&["drain", "tcp:192.0.2.10:80", "10.0.0.2:8080"]);
    assert!(o.status.success(), "{o:?}");
    d.wait_for(|| weight("10.0.0.2:8080") == Some(0), "drained");
    let o = d.ctl(&["drain", "tcp:192.0.2.10:80", "10.0.0.7:8080"]);
    assert!(!o.status.success(), "a destination not configured: {o:?}");
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("not in the configuration"),
        "{o:?}"
    );
    // A weight set by hand is kept.
    let o = common::ipvsadm(&[
        "-e",
        "-t",
        "192.0.2.10:80",
        "-r",
        "10.0.0.1:8080",
        "-m",
        "-w",
        "9",
    ]);
    assert!(o.status.success(), "{o:?}");
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(weight("10.0.0.1:8080"), Some(9), "{}", d.events());
    let st = d.ctl(&["status", "--json"]);
    let rows: serde_json::Value = serde_json::from_slice(&st.stdout).unwrap();
    let row = |a: &str| {
        rows.as_array()
            .unwrap()
            .iter()
            .find(|r| r["destination"] == a)
            .cloned()
            .unwrap()
    };
    assert_eq!(row("10.0.0.1:8080")["override"], "weight 9", "{rows}");
    assert_eq!(row("10.0.0.2:8080")["admin"], "drained", "{rows}");
    assert_eq!(row("10.0.0.2:8080")["health"], "up", "{rows}");
    // Restart: the table is left as it is, the drain and the override stay.
    d.stop();
    assert_eq!(weight("10.0.0.2:8080"), Some(0));
    let d = Daemon::start(&dir, "--config", &cfg);
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(weight("10.0.0.2:8080"), Some(0), "{}", d.events());
    assert_eq!(weight("10.0.0.1:8080"), Some(9), "{}", d.events());
    let o = d.ctl(&["ready", "tcp:192.0.2.10:80"]);
    assert!(o.status.success(), "{o:?}");
    d.wait_for(
        || weight("10.0.0.2:8080") == Some(5) && weight("10.0.0.1:8080") == Some(3),
        "back under the checks",
    );
}

#[test]
fn an_invalid_reload_is_refused_and_a_valid_one_changes_only_the_difference() {
    let Some(_ns) = common::kernel_netns(
        "an_invalid_reload_is_refused_and_a_valid_one_changes_only_the_difference",
    ) else {
        return;
    };
    add_addrs(&["10.0.0.1", "10.0.0.2"]);
    let dir = tempdir("reload");
    let cfg = dir.join("rvsadmd.toml");
    std::fs::write(&cfg, TWO_HTTP).unwrap();
    let _a = Backend::start("10.0.0.1:8080", Mode::Ok);
    let _b = Backend::start("10.0.0.2:8080", Mode::Ok);
    let d = Daemon::start(&dir, "--config", &cfg);
    d.wait_for(|| weight("10.0.0.2:8080") == Some(5), "up");
    let before = table();
    std::fs::write(&cfg, TWO_HTTP.replace("weight = 5", "weight = \"five\"")).unwrap();
    let o = d.ctl(&["reload"]);
    assert!(!o.status.success(), "{o:?}");
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("rvsadmd.toml:"),
        "{o:?}"
    );
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(table(), before);
    // A valid one: the weight changes, a new service comes, nothing else.
    let mut text = TWO_HTTP.replace("weight = 5", "weight = 6");
    text.push_str("\n[[services]]\nprotocol = \"udp\"\naddress = \"192.0.2.10\"\nport = 53\ncheck = { type = \"on\" }\n[[services.destinations]]\naddress = \"10.0.0.1\"\nport = 53\nforward = \"masq\"\n");
    std::fs::write(&cfg, text).unwrap();
    let o = d.ctl(&["reload"]);
    assert!(o.status.success(), "{o:?}");
    d.wait_for(
        || weight("10.0.0.2:8080") == Some(6) && weight("10.0.0.1:53") == Some(1),
        "the new weight and the new service",
    );
    assert_eq!(weight("10.0.0.1:8080"), Some(3));
    let o = common::run(
        &rvsadmd_path(),
        &["check", "--config", cfg.to_str().unwrap()],
    );
    assert!(o.status.success(), "{o:?}");
}

#[test]
fn exec_weights_policies_and_a_drain_across_a_reload() {
    let Some(_ns) = common::kernel_netns("exec_weights_policies_and_a_drain_across_a_reload")
    else {
        return;
    };
    add_addrs(&["10.0.0.1", "10.0.0.2", "10.0.0.3"]);
    let dir = tempdir("exec");
    let code = dir.join("code");
    std::fs::write(&code, "0").unwrap();
    let cfg = dir.join("rvsadmd.toml");
    let text = format!(
        r#"
[defaults]
check = {{ type = "on", interval = "300ms" }}

[[services]]
protocol = "tcp"
address = "192.0.2.10"
port = 80
check = {{ type = "exec", argv = ["/bin/sh", "-c", "exit $(cat {code})"], interval = "300ms", timeout = "2s" }}
[[services.destinations]]
address = "10.0.0.1"
port = 80
forward = "masq"
weight = 4

[[services]]
protocol = "tcp"
address = "192.0.2.11"
port = 80
manual = "revert"
[[services.destinations]]
address = "10.0.0.2"
port = 80
forward = "masq"
weight = 2

[[services]]
protocol = "tcp"
address = "192.0.2.12"
port = 80
manual = "ignore"
[[services.destinations]]
address = "10.0.0.3"
port = 80
forward = "masq"
weight = 3
"#,
        code = code.display()
    );
    std::fs::write(&cfg, &text).unwrap();
    let d = Daemon::start(&dir, "--config", &cfg);
    d.wait_for(
        || weight("10.0.0.1:80") == Some(4),
        "exec 0: the configured weight",
    );
    std::fs::write(&code, "9").unwrap();
    d.wait_for(|| weight("10.0.0.1:80") == Some(7), "exec 9: weight 7");
    std::fs::write(&code, "1").unwrap();
    d.wait_for(|| weight("10.0.0.1:80") == Some(0), "exec 1: down");
    std::fs::write(&code, "0").unwrap();
    d.wait_for(|| weight("10.0.0.1:80") == Some(4), "exec 0 again");
    // Changes by hand: reverted under revert, left under ignore.
    d.wait_for(
        || weight("10.0.0.2:80") == Some(2) && weight("10.0.0.3:80") == Some(3),
        "the other services up",
    );
    for (svc, rs, w) in [
        ("192.0.2.11:80", "10.0.0.2:80", "8"),
        ("192.0.2.12:80", "10.0.0.3:80", "8"),
    ] {
        let o = common::ipvsadm(&["-e", "-t", svc, "-r", rs, "-m", "-w", w]);
        assert!(o.status.success(), "{o:?}");
    }
    d.wait_for(
        || weight("10.0.0.2:80") == Some(2),
        "revert: the weight put back",
    );
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(
        weight("10.0.0.3:80"),
        Some(8),
        "ignore: left alone\n{}",
        d.events()
    );
    // A drain survives a reload (SIGHUP) of a changed configuration.
    let o = d.ctl(&["drain", "tcp:192.0.2.10:80", "10.0.0.1:80"]);
    assert!(o.status.success(), "{o:?}");
    d.wait_for(|| weight("10.0.0.1:80") == Some(0), "drained");
    std::fs::write(&cfg, text.replace("weight = 2", "weight = 6")).unwrap();
    let pid = d.child.as_ref().map(|c| c.id()).unwrap();
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(pid as i32),
        nix::sys::signal::Signal::SIGHUP,
    )
    .unwrap();
    d.wait_for(
        || weight("10.0.0.2:80") == Some(6),
        "reloaded: the new weight",
    );
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(
        weight("10.0.0.1:80"),
        Some(0),
        "the drain stays\n{}",
        d.events()
    );
    assert!(
        d.events().contains("\"event\":\"reloaded\""),
        "{}",
        d.events()
    );
}

#[test]
fn https_checks_with_and_without_verification() {
    let Some(_ns) = common::kernel_netns("https_checks_with_and_without_verification") else {
        return;
    };
    add_addrs(&["10.0.0.1"]);
    let dir = tempdir("tls");
    let cfg = dir.join("rvsadmd.toml");
    // The same self-signed server behind two services: one trusts any
    // certificate, one verifies it against the system's trust store.
    let svc = |vip: &str, verify: bool| {
        format!(
            "[[services]]\nprotocol = \"tcp\"\naddress = \"{vip}\"\nport = 443\n\
check = {{ type = \"https\", host = \"rs.example\", path = \"/\", verify = {verify}, interval = \"300ms\", timeout = \"10s\" }}\n\
[[services.destinations]]\naddress = \"10.0.0.1\"\nport = 8443\nforward = \"masq\"\nweight = 3\n"
        )
    };
    std::fs::write(&cfg, svc("192.0.2.10", false) + &svc("192.0.2.11", true)).unwrap();
    let server = TlsServer::start(&dir, "10.0.0.1:8443", "rs.example");
    let d = Daemon::start(&dir, "--config", &cfg);
    let of = |vip: &str| {
        table().lines().find_map(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            (w.get(2) == Some(&format!("{vip}:443").as_str()) && w.first() == Some(&"-a"))
                .then(|| {
                    w.get(w.iter().position(|x| *x == "-w")? + 1)?
                        .parse::<u32>()
                        .ok()
                })
                .flatten()
        })
    };
    d.wait_for(
        || of("192.0.2.10") == Some(3) && of("192.0.2.11") == Some(0),
        "up without verification, down with it",
    );
    // Under a loaded VM a handshake may first time out; the verdict that
    // matters is the certificate's, which the next checks give.
    let verified = || {
        let st = d.ctl(&["status", "--json"]);
        let rows: serde_json::Value = serde_json::from_slice(&st.stdout).unwrap_or_default();
        rows.as_array()
            .into_iter()
            .flatten()
            .find(|r| {
                r["service"]
                    .as_str()
                    .is_some_and(|s| s.contains("192.0.2.11"))
            })
            .cloned()
            .unwrap_or_default()
    };
    d.wait_for(
        || verified()["last"].as_str().unwrap_or("").contains("TLS"),
        "the verified check fails on the certificate",
    );
    let verified = verified();
    let rows = &verified;
    assert_eq!(verified["check"], "https", "{rows}");
    drop(server);
    d.wait_for(
        || of("192.0.2.10") == Some(0),
        "down once the server is gone",
    );
}

#[test]
fn systemd_hears_ready_after_the_first_sync_then_reloading_and_stopping() {
    let Some(_ns) = common::kernel_netns("systemd_hears_ready") else {
        return;
    };
    add_addrs(&["10.0.0.1", "10.0.0.2"]);
    let dir = tempdir("notify");
    let cfg = dir.join("rvsadmd.toml");
    std::fs::write(&cfg, TWO_HTTP).unwrap();
    let sock = dir.join("notify.sock");
    let l = std::os::unix::net::UnixDatagram::bind(&sock).unwrap();
    l.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let next = || {
        let mut buf = [0u8; 512];
        let n = l.recv(&mut buf).expect("a notification within 30 s");
        String::from_utf8_lossy(&buf[..n]).into_owned()
    };
    let _a = Backend::start("10.0.0.1:8080", Mode::Ok);
    let mut d = Daemon::start_env(&dir, "--config", &cfg, &[("NOTIFY_SOCKET", &sock)]);
    assert_eq!(next(), "READY=1");
    // Ready means the service is in the table already.
    assert!(
        table().contains("-A -t 192.0.2.10:80 -s wlc"),
        "{}",
        table()
    );
    let pid = nix::unistd::Pid::from_raw(d.child.as_ref().unwrap().id() as i32);
    nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGHUP).unwrap();
    let r = next();
    assert!(r.starts_with("RELOADING=1\nMONOTONIC_USEC="), "{r}");
    assert_eq!(next(), "READY=1");
    d.stop();
    assert_eq!(next(), "STOPPING=1");
}

const KEEPALIVED_NAT: &str = "\
global_defs {
    router_id lb1
}
virtual_server 192.0.2.20 80 {
    delay_loop 0.3
    lb_algo rr
    lb_kind NAT
    protocol TCP
    real_server 10.0.0.1 8080 {
        weight 3
        TCP_CHECK {
            connect_timeout 1
            retry 0
        }
    }
    real_server 10.0.0.2 8080 {
        weight 5
        TCP_CHECK {
            connect_timeout 1
            retry 0
        }
    }
}
";

#[test]
fn keepalived_conf_nat_with_tcp_checks() {
    let Some(_ns) = common::kernel_netns("keepalived_conf_nat_with_tcp_checks") else {
        return;
    };
    add_addrs(&["10.0.0.1", "10.0.0.2"]);
    let dir = tempdir("keepalived");
    let cfg = dir.join("keepalived.conf");
    std::fs::write(&cfg, KEEPALIVED_NAT).unwrap();
    let _a = Backend::start("10.0.0.1:8080", Mode::Ok);
    let b = Backend::start("10.0.0.2:8080", Mode::Ok);
    let mut d = Daemon::start(&dir, "--keepalived", &cfg);
    d.wait_for(
        || weight("10.0.0.1:8080") == Some(3) && weight("10.0.0.2:8080") == Some(5),
        "both real servers in at their weights",
    );
    let t = table();
    assert!(t.contains("-A -t 192.0.2.20:80 -s rr"), "{t}");
    assert!(
        t.contains("-a -t 192.0.2.20:80 -r 10.0.0.1:8080 -m -w 3"),
        "{t}"
    );
    assert!(
        t.contains("-a -t 192.0.2.20:80 -r 10.0.0.2:8080 -m -w 5"),
        "{t}"
    );
    // A failed real is removed (no inhibit_on_failure), then comes back.
    drop(b);
    d.wait_for(|| weight("10.0.0.2:8080").is_none(), "10.0.0.2 removed");
    assert_eq!(weight("10.0.0.1:8080"), Some(3));
    let _b = Backend::start("10.0.0.2:8080", Mode::Ok);
    d.wait_for(
        || weight("10.0.0.2:8080") == Some(5),
        "10.0.0.2 back at weight 5",
    );
    assert!(d.events().contains("\"event\":\"note\""), "{}", d.events());
    // Stop removes the service keepalived made.
    d.stop();
    assert!(!table().contains("192.0.2.20:80"), "{}", table());
}

/// keepalived's `alpha`, `sorry_server_inhibit` and `delay_before_retry`:
/// a real server out of the table until its first success (the sorry server
/// in meanwhile), the sorry server then kept at weight 0, and a failure
/// retried after 0.2 s rather than the 4 s `delay_loop`.
const KEEPALIVED_ALPHA: &str = "\
virtual_server 192.0.2.21 80 {
    delay_loop 4
    lb_algo rr
    lb_kind NAT
    protocol TCP
    alpha
    sorry_server 10.0.0.9 80
    sorry_server_inhibit
    real_server 10.0.0.1 8080 {
        weight 3
        TCP_CHECK {
            connect_timeout 1
            retry 2
            delay_before_retry 0.2
        }
    }
}
";

#[test]
fn keepalived_alpha_sorry_server_inhibit_and_delay_before_retry() {
    let Some(_ns) = common::kernel_netns("keepalived_alpha_sorry_server_inhibit") else {
        return;
    };
    add_addrs(&["10.0.0.1"]);
    let dir = tempdir("keepalived-alpha");
    let cfg = dir.join("keepalived.conf");
    std::fs::write(&cfg, KEEPALIVED_ALPHA).unwrap();
    let mut d = Daemon::start(&dir, "--keepalived", &cfg);
    // alpha: the real is out until its first success, the sorry server in.
    d.wait_for(
        || weight("10.0.0.9:80") == Some(1),
        "the sorry server in at weight 1",
    );
    assert_eq!(weight("10.0.0.1:8080"), None, "{}", table());
    // Its checks fail (nothing listens) for more than one delay_loop: still
    // out.
    std::thread::sleep(Duration::from_millis(4500));
    assert_eq!(weight("10.0.0.1:8080"), None, "{}", table());
    assert_eq!(weight("10.0.0.9:80"), Some(1), "{}", table());
    // Its first success brings it in; the sorry server stays at weight 0.
    let b = Backend::start("10.0.0.1:8080", Mode::Ok);
    d.wait_for(
        || weight("10.0.0.1:8080") == Some(3) && weight("10.0.0.9:80") == Some(0),
        "the real in at weight 3, the sorry server at weight 0",
    );
    // retry 2: three failures in a row, the last two 0.2 s after the one
    // before, so it is out within one delay_loop and a little (three
    // delay_loops apart it would take 8 s or more).
    let dropped = Instant::now();
    drop(b);
    d.wait_for(
        || weight("10.0.0.1:8080").is_none() && weight("10.0.0.9:80") == Some(1),
        "the real out, the sorry server at weight 1",
    );
    let took = dropped.elapsed();
    assert!(took < Duration::from_secs(7), "out after {took:?}");
    // Stop removes the service, the sorry server with it.
    d.stop();
    assert!(!table().contains("192.0.2.21:80"), "{}", table());
}

/// One destination checked twice (HTTP on 8080, TCP on 8081): up only
/// while both pass. The second service, which removes a failing
/// destination, checks 10.0.0.1:8082 by the same two checks.
const TWO_CHECKS: &str = r#"
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
weight = 3
checks = [
    { type = "http", path = "/health", expect = "healthy" },
    { type = "tcp", port = 8081 },
]

[[services]]
protocol = "tcp"
address = "192.0.2.11"
port = 80
on_failure = "remove"

[[services.destinations]]
address = "10.0.0.1"
port = 8082
forward = "masq"
weight = 4
checks = [
    { type = "http", port = 8080, path = "/health", expect = "healthy" },
    { type = "tcp", port = 8081 },
]
"#;

#[test]
fn a_destination_with_two_checks_is_up_only_while_both_pass() {
    let Some(_ns) = common::kernel_netns("a_destination_with_two_checks") else {
        return;
    };
    add_addrs(&["10.0.0.1"]);
    let dir = tempdir("two-checks");
    let cfg = dir.join("rvsadmd.toml");
    std::fs::write(&cfg, TWO_CHECKS).unwrap();
    let _http = Backend::start("10.0.0.1:8080", Mode::Ok);
    let tcp = Backend::start("10.0.0.1:8081", Mode::Ok);
    let d = Daemon::start(&dir, "--config", &cfg);
    d.wait_for(
        || weight("10.0.0.1:8080") == Some(3) && weight("10.0.0.1:8082") == Some(4),
        "both destinations up",
    );
    let status = || -> serde_json::Value {
        serde_json::from_slice(&d.ctl(&["status", "--json"]).stdout).unwrap()
    };
    let rows = status();
    assert_eq!(rows[0]["check"], "http+tcp", "{rows}");
    assert_eq!(rows[0]["health"], "up", "{rows}");
    // The HTTP check still passes, the TCP one fails: down.
    drop(tcp);
    d.wait_for(
        || weight("10.0.0.1:8080") == Some(0) && weight("10.0.0.1:8082").is_none(),
        "quiesced in the first service, removed from the second",
    );
    let rows = status();
    assert_eq!(rows[0]["health"], "down", "{rows}");
    assert_eq!(rows[1]["health"], "down", "{rows}");
    // Said by the check that changed, with the destination's health.
    let ev = d.events();
    let told = ev
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .any(|e| {
            e["event"] == "health"
                && e["check"] == "tcp"
                && e["destination"] == "10.0.0.1:8080"
                && e["health"] == "down"
        });
    assert!(told, "{ev}");
    // Both pass again: up again at their weights.
    let _tcp = Backend::start("10.0.0.1:8081", Mode::Ok);
    d.wait_for(
        || weight("10.0.0.1:8080") == Some(3) && weight("10.0.0.1:8082") == Some(4),
        "both destinations up again",
    );
    assert_eq!(status()[1]["health"], "up");
}

const NATIVE_HOOKS: &str = r#"
[daemon]
reload_on_change = "1s"

[defaults]
check = { type = "tcp", interval = "300ms", timeout = "1s" }
fallback_command = "DIR/fb.sh"

[[services]]
protocol = "tcp"
address = "192.0.2.10"
port = 80
on_stop = "remove"
monitor_file = "DIR/monitor.log"

[[services.destinations]]
address = "10.0.0.1"
port = 8080
forward = "masq"

[[services.destinations]]
address = "10.0.0.2"
port = 8080
forward = "masq"
"#;

// rvsadmd.toml's fallback_command, monitor_file, a service's on_stop and
// reload_on_change: the command says start then stop, the monitor file
// gets lines, an edit of the file is read, and stop deletes the service
// whose on_stop is "remove" and keeps the other ([daemon]'s "keep").
#[test]
fn fallback_command_monitor_file_on_stop_and_reload_on_change() {
    let name = "fallback_command_monitor_file_on_stop_and_reload_on_change";
    let Some(_ns) = common::kernel_netns(name) else {
        return;
    };
    add_addrs(&["10.0.0.1", "10.0.0.2"]);
    let dir = tempdir("hooks");
    let d_ = dir.display().to_string();
    let fb = dir.join("fb.sh");
    std::fs::write(&fb, format!("#!/bin/sh\necho \"$@\" >> {d_}/fb.out\n")).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&fb, std::fs::Permissions::from_mode(0o755)).unwrap();
    let cfg = dir.join("rvsadmd.toml");
    let text = NATIVE_HOOKS.replace("DIR", &d_);
    std::fs::write(&cfg, &text).unwrap();
    let a = Backend::start("10.0.0.1:8080", Mode::Ok);
    let _b = Backend::start("10.0.0.2:8080", Mode::Ok);
    let mut d = Daemon::start(&dir, "--config", &cfg);
    let said = || std::fs::read_to_string(dir.join("fb.out")).unwrap_or_default();
    d.wait_for(
        || said() == "start 192.0.2.10:80 tcp\nstop 192.0.2.10:80 tcp\n",
        "the fallback command's start, then stop",
    );
    let monitor = || std::fs::read_to_string(dir.join("monitor.log")).unwrap_or_default();
    d.wait_for(
        || monitor().contains("] 10.0.0.1 8080 [up] connected"),
        "a monitor line",
    );
    drop(a);
    d.wait_for(
        || monitor().contains("] 10.0.0.1 8080 [down] "),
        "a monitor line of 10.0.0.1 down",
    );
    // The file edited: a second service, stopped as [daemon] says (keep).
    std::thread::sleep(Duration::from_millis(1100));
    let second = "\n[[services]]\nprotocol = \"tcp\"\naddress = \"192.0.2.20\"\nport = 80\n\n[[services.destinations]]\naddress = \"10.0.0.2\"\nport = 8080\nforward = \"masq\"\n";
    std::fs::write(&cfg, format!("{text}{second}")).unwrap();
    d.wait_for(
        || table().contains("-A -t 192.0.2.20:80"),
        "the edited file read",
    );
    d.stop();
    let t = table();
    assert!(!t.contains("192.0.2.10:80"), "{t}");
    assert!(t.contains("-a -t 192.0.2.20:80 -r 10.0.0.2:8080"), "{t}");
}

/// The hookable events of the log `log`, as their lines.
fn hookable_lines(log: &str) -> Vec<String> {
    log.lines()
        .filter(|l| {
            serde_json::from_str::<serde_json::Value>(l)
                .ok()
                .and_then(|v| {
                    v["event"]
                        .as_str()
                        .map(|e| rvsadmd::config::HOOK_EVENTS.contains(&e))
                })
                .unwrap_or(false)
        })
        .map(str::to_string)
        .collect()
}

/// The events named `name` in `log`, parsed.
fn events_named(log: &str, name: &str) -> Vec<serde_json::Value> {
    log.lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["event"] == name)
        .collect()
}

/// The environment a hook is documented to get for event line `line`,
/// as `env | sort` prints it.
fn documented_env(line: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(line).unwrap();
    let mut env: Vec<String> = v
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| {
            let value = match v {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Null => String::new(),
                v => v.to_string(),
            };
            format!("RVSADM_{}={value}\n", k.to_uppercase())
        })
        .collect();
    env.sort();
    env.concat()
}

/// Every hookable event (destinations up and down, quorum gained and
/// lost, drain, ready, a reload done and refused) runs the hook that
/// names it once, with the event's JSON line on its standard input and
/// its fields in the environment; a hook that hangs is killed at its
/// timeout while the checks go on on time; a hook over its rate limit is
/// dropped and told.
#[test]
fn hooks_run_once_per_event_and_a_hanging_one_is_killed_without_delaying_checks() {
    let Some(_ns) = common::kernel_netns(
        "hooks_run_once_per_event_and_a_hanging_one_is_killed_without_delaying_checks",
    ) else {
        return;
    };
    add_addrs(&["10.0.0.1", "10.0.0.2"]);
    let dir = tempdir("hooks");
    let runs = dir.join("runs");
    std::fs::create_dir_all(&runs).unwrap();
    let d_ = dir.display().to_string();
    let cfg = dir.join("rvsadmd.toml");
    let text = format!(
        r#"
[[services]]
protocol = "tcp"
address = "192.0.2.10"
port = 80

[[services.destinations]]
address = "10.0.0.1"
port = 80
forward = "masq"
weight = 3
check = {{ type = "exec", argv = ["/bin/sh", "-c", "test ! -e {d_}/a.down"], interval = "300ms", timeout = "5s" }}

[[services.destinations]]
address = "10.0.0.2"
port = 80
forward = "masq"
weight = 5
check = {{ type = "exec", argv = ["/bin/sh", "-c", "date +%s.%N >> {d_}/b.times; test ! -e {d_}/b.down"], interval = "300ms", timeout = "5s" }}

[[hooks]]
on = ["destination_up", "destination_down", "drain", "ready", "quorum_gained", "quorum_lost", "reloaded", "reload_refused", "change_failed"]
command = ["/bin/sh", "-c", "f=$(mktemp {d_}/runs/r.XXXXXX); cat > $f.json; env | grep ^RVSADM_ | sort > $f.env"]
rate_limit = {{ runs = 100, per = "1m" }}

[[hooks]]
on = ["destination_down"]
command = ["/bin/sh", "-c", "sleep 300; echo not killed > {d_}/hang"]
timeout = "20s"
rate_limit = {{ runs = 1, per = "1h" }}

[[hooks]]
on = ["drain"]
command = ["/bin/true"]
rate_limit = {{ runs = 1, per = "1h" }}
"#
    );
    std::fs::write(&cfg, &text).unwrap();
    let d = Daemon::start(&dir, "--config", &cfg);
    d.wait_for(
        || weight("10.0.0.1:80") == Some(3) && weight("10.0.0.2:80") == Some(5),
        "both up",
    );
    d.wait_for(
        || !events_named(&d.events(), "quorum_gained").is_empty(),
        "quorum gained",
    );
    // A down: the hanging hook starts, and is killed 20 s later.
    std::fs::write(dir.join("a.down"), "").unwrap();
    d.wait_for(|| weight("10.0.0.1:80") == Some(0), "a down");
    let deadline = Instant::now() + Duration::from_secs(60);
    let failed = loop {
        let f = events_named(&d.events(), "hook_failed");
        if let Some(f) = f.into_iter().next() {
            break f;
        }
        assert!(Instant::now() < deadline, "no hook_failed:\n{}", d.events());
        std::thread::sleep(Duration::from_millis(200));
    };
    let down = events_named(&d.events(), "destination_down").remove(0);
    assert_eq!(
        (&failed["hook"], &failed["trigger"]),
        (&2.into(), &"destination_down".into())
    );
    assert_eq!(failed["error"], "timed out: killed", "{failed}");
    let (t_down, t_killed) = (
        down["time"].as_f64().unwrap(),
        failed["time"].as_f64().unwrap(),
    );
    let hung = t_killed - t_down;
    assert!(
        (19.5..80.0).contains(&hung),
        "killed {hung} s after the event"
    );
    assert!(
        !dir.join("hang").exists(),
        "the hook ran on past its timeout"
    );
    // The checks went on meanwhile (b's is due every 300 ms; how often
    // it runs is the machine's). b's check starts within [from, to], and
    // the widest gap between them (the window's ends counted).
    let within = |from: f64, to: f64| -> (usize, f64) {
        let all: Vec<f64> = std::fs::read_to_string(dir.join("b.times"))
            .unwrap()
            .lines()
            .filter_map(|l| l.trim().parse().ok())
            .collect();
        let times: Vec<f64> = all
            .iter()
            .copied()
            .filter(|t| (from..=to).contains(t))
            .collect();
        let widest = std::iter::once(from)
            .chain(times.iter().copied())
            .chain(std::iter::once(to))
            .collect::<Vec<f64>>()
            .windows(2)
            .map(|w| w[1] - w[0])
            .fold(0.0, f64::max);
        (times.len(), widest)
    };
    let (ran, widest) = within(t_down, t_killed);
    eprintln!(
        "the hook was killed {hung:.2} s after its event; b's check ran {ran} times meanwhile, the widest gap {widest:.2} s"
    );
    // A loop held up by the hook would leave a gap of 20 s (in a loaded
    // VM the checks here run every 2 to 4 s, hook or not).
    assert!(
        ran >= 2 && widest < 14.0,
        "b's checks while the hook hung ({hung:.1} s): {ran} runs, widest gap {widest:.2} s"
    );
    // A back, drains (the second over hook 3's limit), ready.
    std::fs::remove_file(dir.join("a.down")).unwrap();
    d.wait_for(|| weight("10.0.0.1:80") == Some(3), "a up");
    for _ in 0..2 {
        let o = d.ctl(&["drain", "tcp:192.0.2.10:80", "10.0.0.1:80"]);
        assert!(o.status.success(), "{o:?}");
    }
    let o = d.ctl(&["ready", "tcp:192.0.2.10:80", "10.0.0.1:80"]);
    assert!(o.status.success(), "{o:?}");
    // A reload done, one refused.
    let o = d.ctl(&["reload"]);
    assert!(o.status.success(), "{o:?}");
    std::fs::write(&cfg, "[[services]]\nport = 80\n").unwrap();
    let o = d.ctl(&["reload"]);
    assert!(!o.status.success(), "{o:?}");
    // Both down: quorum lost.
    std::fs::write(dir.join("a.down"), "").unwrap();
    std::fs::write(dir.join("b.down"), "").unwrap();
    d.wait_for(
        || !events_named(&d.events(), "quorum_lost").is_empty(),
        "quorum lost",
    );
    // Every hookable event's run is in (hook 1 names them all).
    let record = || -> Vec<(String, String)> {
        let mut r: Vec<(String, String)> = std::fs::read_dir(&runs)
            .unwrap()
            .filter_map(|e| {
                let p = e.ok()?.path();
                (p.extension()? == "json").then_some(p)
            })
            .filter_map(|p| {
                let env = std::fs::read_to_string(p.with_extension("env")).ok()?;
                let json = std::fs::read_to_string(&p).ok()?;
                Some((json, env))
            })
            .collect();
        r.sort();
        r
    };
    d.wait_for(
        || {
            record().len() >= hookable_lines(&d.events()).len()
                && record().iter().all(|(_, e)| e.contains("RVSADM_TIME="))
        },
        "a run of hook 1 for every event",
    );
    let lines = hookable_lines(&d.events());
    let mut want: Vec<(String, String)> = lines
        .iter()
        .map(|l| (format!("{l}\n"), documented_env(l)))
        .collect();
    want.sort();
    assert_eq!(
        record(),
        want,
        "hook 1's runs (left) and the events (right)"
    );
    let names: std::collections::BTreeSet<String> = lines
        .iter()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["event"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    for e in [
        "destination_up",
        "destination_down",
        "drain",
        "ready",
        "quorum_gained",
        "quorum_lost",
        "reloaded",
        "reload_refused",
    ] {
        assert!(names.contains(e), "no {e} event:\n{}", d.events());
    }
    // The checks' own pace on this machine, no hook running: the same
    // span after the kill (told, to compare).
    let epoch = || {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs_f64()
    };
    while epoch() < t_killed + hung {
        std::thread::sleep(Duration::from_millis(200));
    }
    let (ran_after, widest_after) = within(t_killed, t_killed + hung);
    eprintln!(
        "the {hung:.2} s after the kill: b's check ran {ran_after} times, the widest gap {widest_after:.2} s"
    );
    let ev = d.events();
    assert_eq!(events_named(&ev, "quorum_gained").len(), 1, "{ev}");
    let of = |name: &str| -> Vec<String> {
        events_named(&ev, name)
            .iter()
            .map(|e| e["destination"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    // Up at their first result (their state was unknown), a once more;
    // the VM's own RVSADM_VM=1 was not passed on (the runs' environment
    // is the event's alone, as compared above).
    let mut ups = of("destination_up");
    ups.sort();
    assert_eq!(ups, ["10.0.0.1:80", "10.0.0.1:80", "10.0.0.2:80"], "{ev}");
    let mut downs = of("destination_down");
    downs.sort();
    assert_eq!(downs, ["10.0.0.1:80", "10.0.0.1:80", "10.0.0.2:80"], "{ev}");
    let dropped = events_named(&ev, "hook_dropped");
    assert!(
        dropped
            .iter()
            .any(|e| e["hook"] == 3 && e["trigger"] == "drain" && e["dropped"] == 1),
        "{ev}"
    );
}
