//! The ipvsadm-compatible parser against ipvsadm 1.31 itself.
//!
//! The recorded cases in `tests/cli_parse/` (one JSON object a line, so a
//! re-recording is a readable diff) were produced by running Debian's
//! ipvsadm 1.31 in the project VM (argv, exit code, stderr; for successful
//! commands the `ipvsadm -Sn` output afterwards). The host tests check [`parse`] against
//! them; the `oracle_*` tests (inside the VM: `RVSADM_VM=1`) re-run ipvsadm
//! on every case, so the recordings cannot drift from the real program:
//!
//! ```text
//! cargo nextest archive --archive-file target/vm/tests.tar.zst && \
//! scripts/vm -- cargo nextest run --archive-file target/vm/tests.tar.zst \
//!     --workspace-remap . --profile vm -E 'binary(cli_parse)'
//! ```

mod common;

use rvsadm::{
    Change, Daemon, DaemonState, DestConfig, DestSpec, Family, ForwardMethod, Netmask, Protocol,
    Service, ServiceFlags, ServiceKey, Timeouts, TunnelFlags, TunnelType, Weight,
};
use rvsadm_cli::compat::args::{parse, Command, Failure, ListSpec, Listing};
use rvsadm_cli::compat::restore;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use std::io::Write;
use std::net::IpAddr;
use std::process::Stdio;

/// One line of `tests/cli_parse/errors.jsonl`.
#[derive(Debug, Deserialize)]
struct ErrorCase {
    argv0: String,
    args: Vec<String>,
    exit: i32,
    stderr: String,
}

/// One line of `tests/cli_parse/saved.jsonl`.
#[derive(Debug, Deserialize)]
struct SavedCase {
    setup: Vec<Vec<String>>,
    args: Vec<String>,
    saved: String,
}

/// One line of `tests/cli_parse/restores.jsonl`.
#[derive(Debug, Deserialize)]
struct RestoreCase {
    argv0: String,
    args: Vec<String>,
    stdin: String,
    exit: i32,
    stderr: String,
    saved: Option<String>,
}

/// One line of `tests/cli_parse/sweep.jsonl`.
#[derive(Debug, Deserialize)]
struct SweepCase {
    args: Vec<String>,
    parses: bool,
    exit: i32,
    stderr: String,
}

/// The recorded cases in `tests/cli_parse/NAME`: one JSON object a line
/// (`#` lines are comments).
fn cases<T: DeserializeOwned>(name: &str) -> Vec<T> {
    let path = format!("{}/tests/cli_parse/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let rows: Vec<T> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|(i, l)| serde_json::from_str(l).unwrap_or_else(|e| panic!("{path}:{}: {e}", i + 1)))
        .collect();
    eprintln!("{name}: {} cases", rows.len());
    rows
}

/// `&[String]` as the `&[&str]` the helpers take.
fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

fn argv(argv0: &str, args: &[&str]) -> Vec<String> {
    std::iter::once(argv0)
        .chain(args.iter().copied())
        .map(String::from)
        .collect()
}

fn p(args: &[&str]) -> Result<Command, Failure> {
    parse(&argv("ipvsadm", args), false)
}

/// `{x*N}` stands for N letters x (long restore tokens).
fn expand(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find("{x*") {
        out.push_str(&rest[..i]);
        let tail = &rest[i + 3..];
        let j = tail.find('}').unwrap();
        out.push_str(&"x".repeat(tail[..j].parse().unwrap()));
        rest = &tail[j + 1..];
    }
    out.push_str(rest);
    out
}

/// A model IPVS table: what the typed commands do, printed like `ipvsadm -Sn`.
#[derive(Default)]
struct Table {
    services: Vec<(Service, Vec<DestSpec>)>,
}

fn svc_text(k: &ServiceKey) -> String {
    match k {
        ServiceKey::Fwmark { mark, family } => {
            let six = if *family == Family::Inet6 { " -6" } else { "" };
            format!("-f {}{six}", *mark as i32)
        }
        ServiceKey::Addr {
            protocol,
            addr,
            port,
        } => {
            let opt = match protocol {
                Protocol::Tcp => "-t",
                Protocol::Udp => "-u",
                Protocol::Sctp => "--sctp-service",
                _ => "--xxx-service",
            };
            format!("{opt} {}", addr_port(*addr, *port))
        }
    }
}

fn addr_port(a: IpAddr, port: u16) -> String {
    match a {
        IpAddr::V6(a) => format!("[{a}]:{port}"),
        IpAddr::V4(a) => format!("{a}:{port}"),
    }
}

impl Table {
    fn apply(&mut self, c: Command) {
        match c {
            Command::Change(Change::AddService(s)) => self.services.push((s, Vec::new())),
            Command::Change(Change::EditService(s)) => {
                let e = self
                    .services
                    .iter_mut()
                    .find(|(x, _)| x.key == s.key)
                    .unwrap();
                e.0 = s;
            }
            Command::Change(Change::DeleteService(k)) => self.services.retain(|(x, _)| x.key != k),
            Command::Change(Change::AddDestination(k, d)) => {
                let e = self.services.iter_mut().find(|(x, _)| x.key == k).unwrap();
                e.1.push(d);
            }
            Command::Change(Change::EditDestination(k, d)) => {
                let e = self.services.iter_mut().find(|(x, _)| x.key == k).unwrap();
                let old = e.1.iter_mut().find(|x| x.addr == d.addr).unwrap();
                *old = DestSpec::new(d.addr, d.config);
            }
            Command::Change(Change::DeleteDestination(k, d)) => {
                let e = self.services.iter_mut().find(|(x, _)| x.key == k).unwrap();
                e.1.retain(|x| x.addr != d);
            }
            Command::Change(Change::Flush) => self.services.clear(),
            _ => {}
        }
    }

    fn save(&self) -> String {
        let mut out = String::new();
        for (s, dests) in &self.services {
            let c = &s.config;
            out += &format!("-A {} -s {}", svc_text(&s.key), c.scheduler);
            if s.is_persistent() {
                out += &format!(" -p {}", c.timeout);
                match c.netmask {
                    Netmask::V4(m) if m.to_bits() != u32::MAX => out += &format!(" -M {m}"),
                    Netmask::V6Prefix(n) if n != 128 => out += &format!(" -M {n}"),
                    _ => {}
                }
                if let Some(pe) = &c.pe_name {
                    out += &format!(" --pe {pe}");
                }
            }
            if c.flags.contains(ServiceFlags::ONEPACKET) {
                out += " -o";
            }
            let sched = c.scheduler.name();
            let names: Vec<&str> = [
                (8, "fallback", "flag-1"),
                (0x10, "port", "flag-2"),
                (0x20, "", "flag-3"),
            ]
            .iter()
            .filter(|(bit, ..)| c.flags.bits() & bit != 0)
            .filter_map(|(_, suffix, plain)| match (sched, suffix.is_empty()) {
                ("sh" | "mh", true) => None,
                ("sh" | "mh", false) => Some(if sched == "sh" {
                    if *suffix == "port" {
                        "sh-port"
                    } else {
                        "sh-fallback"
                    }
                } else if *suffix == "port" {
                    "mh-port"
                } else {
                    "mh-fallback"
                }),
                _ => Some(*plain),
            })
            .collect();
            if !names.is_empty() {
                out += &format!(" -b {}", names.join(","));
            }
            out += "\n";
            for d in dests {
                let dc = &d.config;
                let fwd = match dc.forward {
                    ForwardMethod::Masq => "-m",
                    ForwardMethod::Tunnel => "-i",
                    _ => "-g",
                };
                out += &format!(
                    "-a {} -r {} {fwd} -w {}",
                    svc_text(&s.key),
                    addr_port(d.addr.ip(), d.addr.port()),
                    dc.weight
                );
                if dc.forward == ForwardMethod::Tunnel {
                    let t = match dc.tunnel.kind {
                        TunnelType::Gue => "gue",
                        TunnelType::Gre => "gre",
                        _ => "ipip",
                    };
                    out += &format!(" --tun-type {t}");
                    if dc.tunnel.kind == TunnelType::Gue {
                        out += &format!(" --tun-port {}", dc.tunnel.port);
                    }
                    if dc.tunnel.kind != TunnelType::Ipip {
                        out += match dc.tunnel.flags {
                            TunnelFlags::CSUM => " --tun-csum",
                            TunnelFlags::REMCSUM => " --tun-remcsum",
                            _ => " --tun-nocsum",
                        };
                    }
                }
                out += "\n";
            }
        }
        out
    }
}

/// What our parser makes of a whole `-R` input: (exit code, stderr, table).
fn simulate_restore(argv0: &str, stdin: &[u8]) -> (i32, String, Table) {
    let mut table = Table::default();
    let mut stderr = String::new();
    let mut rc = 0;
    for a in restore::records(stdin, argv0) {
        match parse(&a, true) {
            Ok(Command::Help(_) | Command::Version(_)) => return (0, stderr, table),
            Ok(c) => {
                table.apply(c);
                rc = 0;
            }
            Err(f) => {
                stderr += &f.stderr;
                if !f.returns {
                    return (f.exit_code, stderr, table);
                }
                rc = f.exit_code;
            }
        }
    }
    (rc, stderr, table)
}

fn ours_saved(setup: &[&[&str]], args: &[&str]) -> String {
    let mut t = Table::default();
    for s in setup {
        t.apply(p(s).unwrap());
    }
    t.apply(p(args).unwrap_or_else(|e| panic!("{args:?}: {e:?}")));
    t.save()
}

#[test]
fn errors_match_ipvsadm() {
    let mut bad = Vec::new();
    for ErrorCase {
        argv0,
        args,
        exit: code,
        stderr,
    } in &cases::<ErrorCase>("errors.jsonl")
    {
        let got = parse(&argv(argv0, &strs(args)), false);
        match got {
            Err(f) if f.exit_code == *code && f.stderr == *stderr => {}
            other => bad.push(format!(
                "{args:?}: want ({code}, {stderr:?}), got {other:?}"
            )),
        }
    }
    assert!(
        bad.is_empty(),
        "{} mismatches:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

#[test]
fn matrix_sweep_matches_ipvsadm() {
    let mut bad = Vec::new();
    for SweepCase {
        args,
        parses,
        exit: code,
        stderr,
    } in &cases::<SweepCase>("sweep.jsonl")
    {
        let got = p(&strs(args));
        let ok = match &got {
            Ok(_) => *parses,
            Err(f) => !*parses && f.exit_code == *code && f.stderr == *stderr,
        };
        if !ok {
            bad.push(format!(
                "{args:?}: want ({parses}, {code}, {stderr:?}), got {got:?}"
            ));
        }
    }
    assert!(
        bad.is_empty(),
        "{} mismatches:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

#[test]
fn successes_match_ipvsadm_state() {
    let mut bad = Vec::new();
    for SavedCase {
        setup,
        args,
        saved: want,
    } in &cases::<SavedCase>("saved.jsonl")
    {
        let setup: Vec<Vec<&str>> = setup.iter().map(|s| strs(s)).collect();
        let setup: Vec<&[&str]> = setup.iter().map(Vec::as_slice).collect();
        let got = ours_saved(&setup, &strs(args));
        if got != *want {
            bad.push(format!("{args:?}: want {want:?}, got {got:?}"));
        }
    }
    assert!(
        bad.is_empty(),
        "{} mismatches:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

#[test]
fn restores_match_ipvsadm() {
    let mut bad = Vec::new();
    for RestoreCase {
        argv0,
        args,
        stdin,
        exit: code,
        stderr,
        saved: post,
    } in &cases::<RestoreCase>("restores.jsonl")
    {
        assert_eq!(p(&strs(args)).ok(), Some(Command::Restore), "{args:?}");
        let (rc, err, table) = simulate_restore(argv0, expand(stdin).as_bytes());
        let state_ok = post.as_deref().is_none_or(|want| table.save() == want);
        if rc != *code || err != expand(stderr) || !state_ok {
            bad.push(format!(
                "{stdin:?}: want ({code}, {stderr:?}, {post:?}), got ({rc}, {err:?}, {:?})",
                table.save()
            ));
        }
    }
    assert!(
        bad.is_empty(),
        "{} mismatches:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

fn v4(s: &str) -> IpAddr {
    s.parse().unwrap()
}

#[test]
fn typed_services() {
    let Ok(Command::Change(Change::AddService(s))) = p(&[
        "-A",
        "-t",
        "1.2.3.4:80",
        "-s",
        "rr",
        "-p",
        "600",
        "-M",
        "24",
    ]) else {
        panic!()
    };
    assert_eq!(
        s.key,
        ServiceKey::Addr {
            protocol: Protocol::Tcp,
            addr: v4("1.2.3.4"),
            port: 80
        }
    );
    assert_eq!(s.config.scheduler.name(), "rr");
    assert_eq!((s.config.flags.bits(), s.config.timeout), (1, 600));
    assert_eq!(s.config.netmask, Netmask::V4("0.0.0.24".parse().unwrap()));
    assert_eq!(s.config.pe_name, None);

    // -E without -s resets to wlc; -o on UDP; -b replaces the scheduler bits.
    let Ok(Command::Change(Change::EditService(s))) = p(&[
        "-E",
        "-u",
        "1.2.3.4:53",
        "-o",
        "-b",
        "flag-1,flag-3",
        "--pe",
        "sip",
    ]) else {
        panic!()
    };
    assert_eq!(s.config.scheduler.name(), "wlc");
    assert_eq!(s.config.flags.bits(), 0x4 | 0x8 | 0x20);
    assert_eq!(s.config.pe_name.as_deref(), Some("sip"));

    // fwmark + -6 + -M (prefix, read with atoi at its position).
    let Ok(Command::Change(Change::AddService(s))) =
        p(&["-A", "-f", "4294967295", "-6", "-M", "64x", "-p"])
    else {
        panic!()
    };
    assert_eq!(
        s.key,
        ServiceKey::Fwmark {
            mark: u32::MAX,
            family: Family::Inet6
        }
    );
    assert_eq!(
        (s.config.netmask, s.config.timeout),
        (Netmask::V6Prefix(64), 360)
    );

    // The scheduler is cut to 15 bytes, the PE name to 16.
    let Ok(Command::Change(Change::AddService(s))) = p(&[
        "-A",
        "-t",
        "1.2.3.4:80",
        "-s",
        "abcdefghijklmnopqrstuvwxyz",
        "--pe",
        "abcdefghijklmnopqrstuvwxyz",
    ]) else {
        panic!()
    };
    assert_eq!(s.config.scheduler.name(), "abcdefghijklmno");
    assert_eq!(s.config.pe_name.as_deref(), Some("abcdefghijklmnop"));

    assert_eq!(
        p(&["-D", "--sctp-service", "[::1]:5"]),
        Ok(Command::Change(Change::DeleteService(ServiceKey::Addr {
            protocol: Protocol::Sctp,
            addr: v4("::1"),
            port: 5
        })))
    );
}

#[test]
fn typed_destinations() {
    let key = ServiceKey::Addr {
        protocol: Protocol::Tcp,
        addr: v4("1.2.3.4"),
        port: 80,
    };
    let Ok(Command::Change(Change::AddDestination(k, d))) = p(&[
        "-a",
        "-t",
        "1.2.3.4:80",
        "-r",
        "10.0.0.1:8080",
        "-m",
        "-w",
        "0",
        "-x",
        "9",
        "-y",
        "3",
    ]) else {
        panic!()
    };
    assert_eq!(k, key);
    assert_eq!(
        (
            d.addr.ip(),
            d.addr.port(),
            d.config.forward,
            d.config.weight
        ),
        (v4("10.0.0.1"), 8080, ForwardMethod::Masq, Weight::ZERO)
    );
    assert_eq!((d.config.upper_threshold, d.config.lower_threshold), (9, 3));

    // -g (the default) and -i take the service port; -d keeps what -r said.
    let Ok(Command::Change(Change::EditDestination(_, d))) =
        p(&["-e", "-t", "1.2.3.4:80", "-r", "10.0.0.1:8080"])
    else {
        panic!()
    };
    assert_eq!(
        (d.addr.port(), d.config.forward),
        (80, ForwardMethod::Route)
    );
    let Ok(Command::Change(Change::DeleteDestination(_, d))) =
        p(&["-d", "-t", "1.2.3.4:80", "-r", "10.0.0.1:8080"])
    else {
        panic!()
    };
    assert_eq!(d.port(), 8080);
    // -r before -t: the service port is not known yet.
    let Ok(Command::Change(Change::AddDestination(_, d))) =
        p(&["-a", "-r", "10.0.0.1", "-t", "1.2.3.4:80", "-m"])
    else {
        panic!()
    };
    assert_eq!(d.addr.port(), 0);

    let Ok(Command::Change(Change::AddDestination(_, d))) = p(&[
        "-a",
        "-t",
        "1.2.3.4:80",
        "-r",
        "[2001:db8::2]:8080",
        "-i",
        "--tun-type",
        "gue",
        "--tun-port",
        "6080",
        "--tun-csum",
    ]) else {
        panic!()
    };
    assert_eq!((d.addr.ip(), d.addr.port()), (v4("2001:db8::2"), 80));
    assert_eq!(
        (
            d.config.tunnel.kind,
            d.config.tunnel.port,
            d.config.tunnel.flags
        ),
        (TunnelType::Gue, 6080, TunnelFlags::CSUM)
    );
    // -d names the destination by its address only.
    let Ok(Command::Change(Change::DeleteDestination(_, d))) =
        p(&["-d", "-t", "1.2.3.4:80", "-r", "10.0.0.1:81"])
    else {
        panic!()
    };
    assert_eq!(d, "10.0.0.1:81".parse::<std::net::SocketAddr>().unwrap());
    // Everything not given keeps DestConfig's defaults (ipvsadm's for -a).
    let Ok(Command::Change(Change::AddDestination(_, d))) =
        p(&["-a", "-t", "1.2.3.4:80", "-r", "10.0.0.1:81"])
    else {
        panic!()
    };
    assert_eq!(
        d,
        DestSpec::new("10.0.0.1:80".parse().unwrap(), DestConfig::default())
    );
}

#[test]
fn typed_list_and_others() {
    assert_eq!(p(&[]), Ok(Command::List(ListSpec::default())));
    assert_eq!(
        p(&[
            "-Ln",
            "--stats",
            "--nosort",
            "-X",
            "--tun-info",
            "--syncid",
            "7",
            "--sort"
        ]),
        Ok(Command::List(ListSpec {
            numeric: true,
            stats: true,
            nosort: true,
            exact: true,
            tun_info: true,
            syncid: Some(7),
            ..ListSpec::default()
        }))
    );
    let l = |args: &[&str]| match p(args) {
        Ok(Command::List(s)) => s.listing,
        other => panic!("{other:?}"),
    };
    assert_eq!(l(&["-l", "-c"]), Listing::Connections);
    assert_eq!(l(&["--list", "--timeout"]), Listing::Timeout);
    assert_eq!(l(&["-L", "--daemon"]), Listing::Daemon);
    assert_eq!(
        l(&["-L", "-f", "1", "-6"]),
        Listing::Service(ServiceKey::Fwmark {
            mark: 1,
            family: Family::Inet6
        })
    );
    assert_eq!(p(&["-C"]), Ok(Command::Change(Change::Flush)));
    assert_eq!(p(&["-S", "-n"]), Ok(Command::Save { numeric: true }));
    assert_eq!(p(&["--save"]), Ok(Command::Save { numeric: false }));
    assert_eq!(p(&["-R"]), Ok(Command::Restore));
    assert_eq!(
        parse(&argv("ipvsadm", &["-R"]), true),
        Err(Failure::tryhelp("ipvsadm"))
    );
    assert_eq!(p(&["-Z"]), Ok(Command::Change(Change::Zero(None))));
    assert_eq!(
        p(&["-Z", "-t", "0.0.0.0:0"]),
        Ok(Command::Change(Change::Zero(None)))
    );
    assert_eq!(
        p(&["--zero", "-f", "3"]),
        Ok(Command::Change(Change::Zero(Some(ServiceKey::Fwmark {
            mark: 3,
            family: Family::Inet
        }))))
    );
    assert_eq!(
        p(&["--set", "10", "+20", " 30"]),
        Ok(Command::Change(Change::SetTimeouts(Timeouts {
            tcp: 10,
            tcp_fin: 20,
            udp: 30
        })))
    );
}

#[test]
fn typed_daemons() {
    let mut want = Daemon::new(DaemonState::Master, "lo").with_sync_id(7);
    want.sync_maxlen = Some(1000);
    want.mcast_group = Some(v4("239.1.2.3"));
    want.mcast_port = Some(9000);
    want.mcast_ttl = Some(4);
    assert_eq!(
        p(&[
            "--start-daemon",
            "master",
            "--mcast-interface",
            "lo",
            "--syncid",
            "7",
            "--sync-maxlen",
            "1000",
            "--mcast-group",
            "239.1.2.3",
            "--mcast-port",
            "9000",
            "--mcast-ttl",
            "4",
        ]),
        Ok(Command::Change(Change::StartDaemon(want)))
    );
    let mut want = Daemon::new(DaemonState::Backup, "eth0");
    want.mcast_group = Some(v4("ff02::5"));
    assert_eq!(
        p(&["--start-daemon=backup", "--mcast-group", "ff02::5"]),
        Ok(Command::Change(Change::StartDaemon(want)))
    );
    assert_eq!(
        p(&["--stop-daemon", "backup", "--syncid", "3"]),
        Ok(Command::Change(Change::StopDaemon(
            Daemon::new(DaemonState::Backup, "").with_sync_id(3)
        )))
    );
}

#[test]
fn help_and_version() {
    let Ok(Command::Help(h)) = parse(&argv("/sbin/x", &["-hL"]), false) else {
        panic!()
    };
    assert!(h.starts_with(
        "ipvsadm v1.31 2019/12/24 (compiled with popt and IPVS v1.2.1)\nUsage:\n  /sbin/x -A|E "
    ));
    assert_eq!(
        p(&["--help"]).ok(),
        Some(Command::Help(rvsadm_cli::compat::help::usage("ipvsadm")))
    );
    let v = "ipvsadm v1.31 2019/12/24 (compiled with popt and IPVS v1.2.1)\n".to_string();
    assert_eq!(p(&["-vL"]), Ok(Command::Version(v.clone())));
    assert_eq!(p(&["--version"]), Ok(Command::Version(v)));
}

/// Deliberate difference: ipvsadm dies with SIGSEGV on a `-b` made of commas.
#[test]
fn comma_only_sched_flags_is_an_error_not_a_crash() {
    assert_eq!(
        p(&["-A", "-t", "1.2.3.4:80", "-b", ","]),
        Err(Failure::fail("invalid scheduler flag `,'"))
    );
    assert_eq!(
        p(&["-L", "-b", ",,"]),
        Err(Failure::fail("invalid scheduler flag `,,'"))
    );
}

#[test]
fn popt_errors_return_fail_and_hint_exit() {
    assert!(p(&["-L", "--foo"]).unwrap_err().returns);
    assert!(!p(&["-L", "-n", "-n"]).unwrap_err().returns);
    assert!(!p(&["-n"]).unwrap_err().returns);
}

// ---- Inside the VM: the tables against ipvsadm itself. ----

fn run_ipvsadm(argv0: &str, args: &[&str], stdin: Option<&[u8]>) -> (i32, String, String) {
    use std::os::unix::process::{CommandExt, ExitStatusExt};
    let mut child = std::process::Command::new("/usr/sbin/ipvsadm")
        .arg0(argv0)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.unwrap_or(b"")).unwrap();
    drop(input);
    let out = child.wait_with_output().unwrap();
    let code = out
        .status
        .code()
        .unwrap_or_else(|| 128 + out.status.signal().unwrap_or(0));
    (
        code,
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn reset() {
    let (rc, _, err) = run_ipvsadm("ipvsadm", &["-C"], None);
    assert_eq!(rc, 0, "{err}");
    for state in ["master", "backup"] {
        let _ = run_ipvsadm("ipvsadm", &["--stop-daemon", state], None);
    }
}

fn saved() -> String {
    run_ipvsadm("ipvsadm", &["-Sn"], None).1
}

#[test]
fn oracle_errors() {
    let Some(_ns) = common::kernel_netns("oracle_errors") else {
        return;
    };
    let mut bad = Vec::new();
    for ErrorCase {
        argv0,
        args,
        exit: code,
        stderr,
    } in &cases::<ErrorCase>("errors.jsonl")
    {
        let (rc, _, err) = run_ipvsadm(argv0, &strs(args), None);
        if (rc, err.as_str()) != (*code, stderr.as_str()) {
            bad.push(format!(
                "{args:?}: table ({code}, {stderr:?}), ipvsadm ({rc}, {err:?})"
            ));
        }
        if rc == 0 {
            reset();
        }
    }
    assert!(
        bad.is_empty(),
        "{} mismatches:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

/// Runs one half of the sweep through ipvsadm (two tests: the VM is slow).
fn oracle_sweep_part(name: &str, rows: &[SweepCase]) {
    let Some(_ns) = common::kernel_netns(name) else {
        return;
    };
    let mut bad = Vec::new();
    for SweepCase {
        args,
        exit: code,
        stderr,
        ..
    } in rows
    {
        let (rc, _, err) = run_ipvsadm("ipvsadm", &strs(args), None);
        if (rc, err.as_str()) != (*code, stderr.as_str()) {
            bad.push(format!(
                "{args:?}: table ({code}, {stderr:?}), ipvsadm ({rc}, {err:?})"
            ));
        }
        if rc == 0 {
            reset();
        }
    }
    assert!(
        bad.is_empty(),
        "{} mismatches:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

#[test]
fn oracle_sweep_first_half() {
    let sweep = cases::<SweepCase>("sweep.jsonl");
    oracle_sweep_part("oracle_sweep_first_half", &sweep[..sweep.len() / 2]);
}

#[test]
fn oracle_sweep_second_half() {
    let sweep = cases::<SweepCase>("sweep.jsonl");
    oracle_sweep_part("oracle_sweep_second_half", &sweep[sweep.len() / 2..]);
}

#[test]
fn oracle_saved() {
    let Some(_ns) = common::kernel_netns("oracle_saved") else {
        return;
    };
    let mut bad = Vec::new();
    for SavedCase {
        setup,
        args,
        saved: want,
    } in &cases::<SavedCase>("saved.jsonl")
    {
        reset();
        for s in setup {
            assert_eq!(run_ipvsadm("ipvsadm", &strs(s), None).0, 0, "setup {s:?}");
        }
        let (rc, _, err) = run_ipvsadm("ipvsadm", &strs(args), None);
        let got = saved();
        if rc != 0 || got != *want {
            bad.push(format!(
                "{args:?}: table {want:?}, ipvsadm ({rc}, {err:?}) {got:?}"
            ));
        }
    }
    reset();
    assert!(
        bad.is_empty(),
        "{} mismatches:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

#[test]
fn oracle_restores() {
    let Some(_ns) = common::kernel_netns("oracle_restores") else {
        return;
    };
    let mut bad = Vec::new();
    for RestoreCase {
        argv0,
        args,
        stdin,
        exit: code,
        stderr,
        saved: post,
    } in &cases::<RestoreCase>("restores.jsonl")
    {
        reset();
        let (rc, _, err) = run_ipvsadm(argv0, &strs(args), Some(expand(stdin).as_bytes()));
        let got = saved();
        if rc != *code || err != expand(stderr) || post.as_deref().is_some_and(|w| w != got) {
            bad.push(format!(
                "{stdin:?}: table ({code}, {stderr:?}, {post:?}), ipvsadm ({rc}, {err:?}, {got:?})"
            ));
        }
    }
    reset();
    assert!(
        bad.is_empty(),
        "{} mismatches:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

#[test]
fn oracle_comma_sched_flags_crash() {
    let Some(_ns) = common::kernel_netns("oracle_comma_sched_flags_crash") else {
        return;
    };
    let (rc, _, _) = run_ipvsadm("ipvsadm", &["-A", "-t", "1.2.3.4:80", "-b", ","], None);
    assert_eq!(
        rc,
        128 + 11,
        "ipvsadm no longer crashes on `-b ,`: drop the deliberate difference"
    );
}

#[test]
fn oracle_help_text() {
    let Some(_ns) = common::kernel_netns("oracle_help_text") else {
        return;
    };
    for (argv0, flag) in [
        ("ipvsadm", "-h"),
        ("/usr/sbin/ipvsadm", "--help"),
        ("x y", "-hn"),
    ] {
        let (rc, out, _) = run_ipvsadm(argv0, &[flag], None);
        assert_eq!(rc, 0);
        assert_eq!(Ok(Command::Help(out)), parse(&argv(argv0, &[flag]), false));
    }
    let (_, out, _) = run_ipvsadm("ipvsadm", &["-v"], None);
    assert_eq!(Ok(Command::Version(out)), p(&["-v"]));
}
