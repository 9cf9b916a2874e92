//! Real connection entries: make IPVS create them, parse
//! `/proc/net/ip_vs_conn` with [`ConnectionTable`], and check that rvsadm's
//! `-c` rendering is byte-identical to `ipvsadm -Lnc` (plain,
//! `--persistent-conn`, and with names).

mod common;

use rvsadm::cli::compat::names::SystemNames;
use rvsadm::cli::compat::render::{
    write_conn_header, write_conn_row, write_proc_conns, ConnOptions, ConnRow,
};
use rvsadm::ConnectionTable;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::time::Duration;
use std::time::Instant;

fn sh(args: &[&str]) {
    let o = common::run(args[0], &args[1..]);
    assert!(o.status.success(), "{args:?}: {o:?}");
}

fn ipvsadm(args: &[&str]) {
    let o = common::ipvsadm(args);
    assert!(o.status.success(), "ipvsadm {args:?}: {o:?}");
}

/// A long SIP Call-ID: its IPv6 line is longer than ipvsadm's 255-byte read.
const LONG_CALL_ID: &str = "a84b4c76e66710-0123456789abcdef0123456789abcdef0123456789abcdef\
0123456789abcdef0123456789abcdef0123456789abcdef@pc33.example.com";

fn sip_invite(call_id: &str) -> Vec<u8> {
    format!(
        "INVITE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP client\r\n\
         Call-ID: {call_id}\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n"
    )
    .into_bytes()
}

/// Services on a dummy interface's addresses; local NAT destinations for
/// TCP (so connections complete), unreachable ones for UDP and the
/// persistent/tunnel services (entries appear all the same).
fn setup() {
    sh(&["ip", "link", "add", "d0", "type", "dummy"]);
    sh(&["ip", "link", "set", "d0", "up"]);
    sh(&["ip", "addr", "add", "10.20.0.1/24", "dev", "d0"]);
    sh(&[
        "ip",
        "-6",
        "addr",
        "add",
        "fd00::1/64",
        "dev",
        "d0",
        "nodad",
    ]);
    ipvsadm(&["-A", "-t", "10.20.0.1:80", "-s", "rr"]);
    ipvsadm(&["-a", "-t", "10.20.0.1:80", "-r", "10.20.0.1:8080", "-m"]);
    ipvsadm(&["-A", "-t", "[fd00::1]:80", "-s", "rr"]);
    ipvsadm(&["-a", "-t", "[fd00::1]:80", "-r", "[fd00::1]:8080", "-m"]);
    ipvsadm(&["-A", "-u", "10.20.0.1:53", "-s", "rr"]);
    ipvsadm(&["-a", "-u", "10.20.0.1:53", "-r", "10.20.0.50:53", "-m"]);
    ipvsadm(&["-A", "-t", "10.20.0.1:443", "-s", "rr", "-p", "120"]);
    ipvsadm(&["-a", "-t", "10.20.0.1:443", "-r", "10.20.0.60:443", "-m"]);
    ipvsadm(&["-A", "-t", "[fd00::1]:81", "-s", "rr"]);
    ipvsadm(&["-a", "-t", "[fd00::1]:81", "-r", "10.20.0.70:81", "-i"]);
    for vip in ["10.20.0.1:5060", "[fd00::1]:5060"] {
        ipvsadm(&["-A", "-u", vip, "-s", "rr", "-p", "60", "--pe", "sip"]);
    }
    ipvsadm(&["-a", "-u", "10.20.0.1:5060", "-r", "10.20.0.51:5060", "-m"]);
    ipvsadm(&["-a", "-u", "[fd00::1]:5060", "-r", "[fd00::51]:5060", "-m"]);
}

/// Open connections of every kind; the returned sockets keep them alive.
fn traffic() -> Vec<Box<dyn std::any::Any>> {
    let mut keep: Vec<Box<dyn std::any::Any>> = Vec::new();
    for (listen, vip) in [
        ("10.20.0.1:8080", "10.20.0.1:80"),
        ("[fd00::1]:8080", "[fd00::1]:80"),
    ] {
        let l = TcpListener::bind(listen).unwrap();
        let vip: SocketAddr = vip.parse().unwrap();
        let mut c = TcpStream::connect_timeout(&vip, Duration::from_secs(5)).unwrap();
        let (mut s, _) = l.accept().unwrap();
        c.write_all(b"ping").unwrap();
        let mut buf = [0u8; 4];
        s.read_exact(&mut buf).unwrap();
        assert_eq!(&buf, b"ping");
        keep.push(Box::new((l, c, s)));
    }
    // Half-open TCP (no server answers): SYN_RECV entries and a template.
    for vip in ["10.20.0.1:443", "[fd00::1]:81"] {
        let vip: SocketAddr = vip.parse().unwrap();
        let r = TcpStream::connect_timeout(&vip, Duration::from_millis(300));
        assert!(r.is_err(), "nothing should answer on {vip}");
    }
    let u = UdpSocket::bind("0.0.0.0:0").unwrap();
    u.send_to(b"x", "10.20.0.1:53").unwrap();
    u.send_to(
        &sip_invite("a84b4c76e66710@pc33.example.com"),
        "10.20.0.1:5060",
    )
    .unwrap();
    keep.push(Box::new(u));
    let u6 = UdpSocket::bind("[::]:0").unwrap();
    u6.send_to(&sip_invite(LONG_CALL_ID), "[fd00::1]:5060")
        .unwrap();
    keep.push(Box::new(u6));
    std::thread::sleep(Duration::from_millis(300));
    keep
}

/// The proc text and ipvsadm's output for the same instant: retried until
/// the file is the same before and after ipvsadm ran (expiry counters tick
/// every second, each entry at its own moment). The flag is false if that
/// never happened (ipvsadm can take most of a second under emulation, more
/// with name lookups); then the caller compares with the expiry column
/// masked.
fn snapshot(args: &[&str]) -> (Vec<u8>, Vec<u8>, bool) {
    let mut last = None;
    for _ in 0..10 {
        let before = std::fs::read(ConnectionTable::path()).unwrap();
        let out = common::ipvsadm(args);
        assert!(out.status.success(), "ipvsadm {args:?}: {out:?}");
        let after = std::fs::read(ConnectionTable::path()).unwrap();
        if before == after {
            return (before, out.stdout, true);
        }
        last = Some((after, out.stdout));
    }
    let (text, out) = last.unwrap();
    (text, out, false)
}

/// Rows with their expiry field (the token after the protocol) blanked.
fn mask_expiry(s: &str) -> String {
    s.lines()
        .enumerate()
        .map(|(i, l)| {
            if i < 2 {
                return format!("{l}\n");
            }
            let Some((proto, rest)) = l.split_once(' ') else {
                return format!("{l}\n");
            };
            let n = rest.find(' ').unwrap_or(rest.len());
            format!("{proto} {}{}\n", "#".repeat(n), &rest[n..])
        })
        .collect()
}

#[test]
fn conn_listing_matches_ipvsadm() {
    let Some(_ns) = common::kernel_netns("conn_listing_matches_ipvsadm") else {
        return;
    };
    let t0 = Instant::now();
    setup();
    eprintln!("setup {:?}", t0.elapsed());
    let _keep = traffic();
    eprintln!("traffic {:?}", t0.elapsed());

    // The typed parser understands every line the kernel wrote.
    let conns = ConnectionTable::read().unwrap();
    let text = String::from_utf8(std::fs::read(ConnectionTable::path()).unwrap()).unwrap();
    eprintln!("{text}");
    let find = |f: &dyn Fn(&rvsadm::Connection) -> bool| conns.iter().find(|c| f(c)).cloned();
    let est4 = find(&|c| c.virtual_port == 80 && c.client_addr.is_ipv4()).expect("TCP v4 entry");
    assert_eq!(est4.protocol, "TCP");
    assert_eq!(est4.state, "ESTABLISHED");
    assert_eq!(est4.dest_port, 8080);
    assert!(find(&|c| c.virtual_port == 80 && c.client_addr.is_ipv6()).is_some());
    let mixed = find(&|c| c.virtual_port == 81).expect("IPv6 service, IPv4 tunnel dest");
    assert!(mixed.client_addr.is_ipv6() && mixed.dest_addr.is_ipv4());
    let udp = find(&|c| c.virtual_port == 53).expect("UDP entry");
    assert_eq!((udp.protocol.as_str(), udp.state.as_str()), ("UDP", "UDP"));
    let tmpl = find(&|c| c.virtual_port == 443 && c.client_port == 0).expect("template");
    assert_eq!(tmpl.state, "NONE");
    let sip = find(&|c| c.pe_name.is_some() && c.client_addr.is_ipv4()).expect("SIP template");
    assert_eq!(sip.pe_name.as_deref(), Some("sip"));
    assert_eq!(
        sip.pe_data.as_deref(),
        Some("a84b4c76e66710@pc33.example.com")
    );
    let sip6 = find(&|c| c.pe_name.is_some() && c.client_addr.is_ipv6()).expect("SIP v6");
    assert_eq!(sip6.pe_data.as_deref(), Some(LONG_CALL_ID));
    assert!(
        text.lines().any(|l| l.len() > 255),
        "a kernel line longer than ipvsadm's buffer"
    );

    // Compat rendering of the raw text is byte-identical to ipvsadm.
    for (args, opts) in [
        (vec!["-Lnc"], (true, false)),
        (vec!["-Lnc", "--persistent-conn"], (true, true)),
        (vec!["-Lc"], (false, false)),
        (vec!["-Lc", "--persistent-conn"], (false, true)),
    ] {
        let opts = ConnOptions {
            numeric: opts.0,
            persistent_conn: opts.1,
        };
        let (proc_text, want, stable) = snapshot(&args);
        let mut got = Vec::new();
        write_proc_conns(&mut got, &proc_text, opts, &SystemNames).unwrap();
        let (got_s, want_s) = (
            String::from_utf8_lossy(&got),
            String::from_utf8_lossy(&want),
        );
        eprintln!("ipvsadm {args:?} (stable: {stable}):\n{want_s}");
        if stable {
            assert_eq!(got_s, want_s, "ipvsadm {args:?}");
        } else {
            assert_eq!(
                mask_expiry(&got_s),
                mask_expiry(&want_s),
                "ipvsadm {args:?}"
            );
        }

        // The typed path (parser + row renderer) gives the same rows as the
        // compat path for every line short enough for ipvsadm to read in
        // one piece (longer ones are split by ipvsadm, checked above).
        let proc_str = String::from_utf8(proc_text.clone()).unwrap();
        let short: String = proc_str
            .lines()
            .filter(|l| l.len() < 255)
            .map(|l| format!("{l}\n"))
            .collect();
        assert!(short.lines().count() >= 10, "{short}");
        let mut compat = Vec::new();
        write_proc_conns(&mut compat, short.as_bytes(), opts, &SystemNames).unwrap();
        let mut typed = Vec::new();
        write_conn_header(&mut typed, opts.persistent_conn).unwrap();
        for c in ConnectionTable::parse(&short).unwrap() {
            write_conn_row(&mut typed, &ConnRow::from(&c), opts, &SystemNames).unwrap();
        }
        assert_eq!(
            String::from_utf8_lossy(&typed),
            String::from_utf8_lossy(&compat),
            "typed rows, {args:?}"
        );
    }
}
