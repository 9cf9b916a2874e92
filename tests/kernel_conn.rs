//! Real connection entries: make IPVS create them, parse
//! `/proc/net/ip_vs_conn` with [`ConnectionTable`], and check that rvsadm's
//! `-c` rendering is byte-identical to `ipvsadm -Lnc` (plain,
//! `--persistent-conn`, and with names).

mod common;

use rvsadm::ConnectionTable;
use rvsadm_cli::compat::names::SystemNames;
use rvsadm_cli::compat::render::{
    write_conn_header, write_conn_row, write_proc_conns, ConnOptions, ConnRow,
};
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
/// never happened in a few tries (under the VM's CPU emulation one ipvsadm
/// run takes longer than the counters stay still); then the text is one
/// whose entries were the same before and after, apart from their expiry
/// counters (none came, went or changed state while ipvsadm read them), and
/// the caller compares with the expiry column masked.
fn snapshot(args: &[&str]) -> (Vec<u8>, Vec<u8>, bool) {
    let mut same_entries = None;
    for attempt in 0..10 {
        let before = std::fs::read(ConnectionTable::path()).unwrap();
        let out = common::ipvsadm(args);
        assert!(out.status.success(), "ipvsadm {args:?}: {out:?}");
        let after = std::fs::read(ConnectionTable::path()).unwrap();
        if before == after {
            return (before, out.stdout, true);
        }
        if same_entries.is_none() && without_expiry(&before) == without_expiry(&after) {
            same_entries = Some((after, out.stdout));
        }
        if attempt >= 2 {
            if let Some((text, out)) = same_entries.take() {
                return (text, out, false);
            }
        }
    }
    panic!("ipvsadm {args:?}: the connection entries changed during each of 10 runs");
}

/// The proc text's lines without their expiry field (the ninth word).
fn without_expiry(text: &[u8]) -> Vec<Vec<String>> {
    String::from_utf8_lossy(text)
        .lines()
        .map(|l| {
            l.split_whitespace()
                .enumerate()
                .filter(|(k, _)| *k != 8)
                .map(|(_, w)| w.to_string())
                .collect()
        })
        .collect()
}

/// A row with its expiry field (the token after the protocol) blanked.
fn mask_expiry(l: &str) -> String {
    let Some((proto, rest)) = l.split_once(' ') else {
        return l.to_string();
    };
    let n = rest.find(' ').unwrap_or(rest.len());
    format!("{proto} {}{}", "#".repeat(n), &rest[n..])
}

/// What ipvsadm 1.31 prints for one piece of `/proc/net/ip_vs_conn`, as far
/// as it is defined.
#[derive(Debug, Clone, PartialEq)]
enum Row {
    /// Every printed field comes from this piece: the row must be exact.
    Defined,
    /// The row prints fields this piece did not set (they hold whatever the
    /// stack held: an earlier line's values, other data, or what an
    /// overflowing string wrote there). Only the row's existence is defined,
    /// and its start when the piece set the protocol alone and it fit.
    Undefined { prefix: Option<String> },
}

/// ipvsadm's `fgets` into a 256-byte buffer: pieces of at most 255 bytes,
/// each ending after a newline if one comes first.
fn fgets_pieces(text: &[u8]) -> Vec<&[u8]> {
    let mut pieces = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let limit = rest.len().min(255);
        let end = rest[..limit]
            .iter()
            .position(|b| *b == b'\n')
            .map_or(limit, |p| p + 1);
        pieces.push(&rest[..end]);
        rest = &rest[end..];
    }
    pieces
}

/// The conversions of ipvsadm's `sscanf(piece, "%s %s %hX %s %hX %s %hX
/// %s %d %s %s", protocol, client, cport, virtual, vport, dest, dport,
/// state, expires, pe_name, pe_data)`: each `%s` with the size of the array
/// it is stored in (`char protocol[8]`, addresses `INET6_ADDRSTRLEN`,
/// `state[16]`, PE name `IP_VS_PENAME_MAXLEN`, PE data
/// `IP_VS_PEDATA_MAXLEN`), each number with its base.
const CONVERSIONS: [Conv; 11] = [
    Conv::Str(8),
    Conv::Str(46),
    Conv::Num(16),
    Conv::Str(46),
    Conv::Num(16),
    Conv::Str(46),
    Conv::Num(16),
    Conv::Str(16),
    Conv::Num(10),
    Conv::Str(16),
    Conv::Str(255),
];

#[derive(Clone, Copy)]
enum Conv {
    Str(usize),
    Num(u32),
}

/// Which of ipvsadm's rows (one per piece after the header's) come from
/// defined memory, by rule: `print_conn`'s variables are not initialised,
/// and a row prints the protocol, the three addresses and ports, the state
/// and the expiry (the first nine conversions; with `--persistent-conn` and
/// all eleven set, the PE name and data too). So a row is defined if its
/// piece sets at least the first nine, every string fits its array with
/// its NUL, and the virtual address parses in the client's family (ipvsadm
/// picks the family from the client and leaves the virtual address unset
/// if it does not parse in it).
fn ipvsadm_rows(text: &[u8]) -> Vec<Row> {
    let c_space = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r');
    fgets_pieces(text)
        .into_iter()
        .skip(1)
        .map(|piece| {
            let words: Vec<&[u8]> = piece.split(c_space).filter(|w| !w.is_empty()).collect();
            let mut set = 0;
            let mut clean = true;
            for (conv, w) in CONVERSIONS.iter().zip(&words) {
                match *conv {
                    Conv::Str(size) => clean &= w.len() < size,
                    Conv::Num(base) => {
                        let digits = w.strip_prefix(b"-").unwrap_or(w);
                        let whole = std::str::from_utf8(digits)
                            .is_ok_and(|d| u64::from_str_radix(d, base).is_ok());
                        if !whole {
                            // sscanf would take a part of the word or stop:
                            // not worth modelling for kernel text.
                            clean = false;
                            break;
                        }
                    }
                }
                set += 1;
            }
            let text = |w: &[u8]| String::from_utf8_lossy(w).into_owned();
            let same_family = words.len() < 4 || {
                let (c, v) = (text(words[1]), text(words[3]));
                let v6 = |a: &str| a.parse::<std::net::Ipv6Addr>().is_ok();
                let v4 = |a: &str| a.parse::<std::net::Ipv4Addr>().is_ok();
                (!v6(&c) || v6(&v)) && (v6(&c) || !v4(&c) || v4(&v))
            };
            if set >= 9 && clean && same_family {
                Row::Defined
            } else {
                let prefix = (clean && set >= 1).then(|| format!("{:<3} ", text(words[0])));
                Row::Undefined { prefix }
            }
        })
        .collect()
}

/// Compare rvsadm's `-c` output with ipvsadm's for the same proc text:
/// the header and every defined row exactly (the expiry column masked if
/// the snapshot was not `stable`), and for each undefined row that ipvsadm
/// printed one (it may hold a newline of its own, so it is the text up to
/// the next defined row) and that both start with what is defined.
/// Returns ipvsadm's undefined rows.
fn compare(got: &str, want: &str, rows: &[Row], stable: bool, what: &str) -> Vec<String> {
    let same = |a: &str, b: &str| {
        if stable {
            a == b
        } else {
            mask_expiry(a) == mask_expiry(b)
        }
    };
    let got: Vec<&str> = got.split_inclusive('\n').collect();
    let want: Vec<&str> = want.split_inclusive('\n').collect();
    assert_eq!(
        got.len(),
        rows.len() + 2,
        "{what}: rvsadm prints a row per piece"
    );
    assert_eq!(got[..2], want[..2.min(want.len())], "{what}: header");
    let mut undefined = Vec::new();
    let mut j = 2;
    let mut i = 0;
    while i < rows.len() {
        if rows[i] == Row::Defined {
            let w = want.get(j).copied().unwrap_or_default();
            assert!(
                same(got[2 + i], w),
                "{what}: row {i}\n  rvsadm:  {:?}\n  ipvsadm: {w:?}",
                got[2 + i]
            );
            i += 1;
            j += 1;
            continue;
        }
        // A run of undefined rows, then the next defined one (if any).
        let end = rows[i..]
            .iter()
            .position(|r| *r == Row::Defined)
            .map_or(rows.len(), |k| i + k);
        let next = (end < rows.len()).then(|| got[2 + end]);
        let start = j;
        while j < want.len() && (j < start + (end - i) || !next.is_some_and(|n| same(n, want[j]))) {
            j += 1;
        }
        assert!(
            j - start >= end - i,
            "{what}: ipvsadm printed fewer rows than pieces at row {i}"
        );
        let region = &want[start..j];
        for (k, row) in rows[i..end].iter().enumerate() {
            let Row::Undefined { prefix: Some(p) } = row else {
                continue;
            };
            assert!(
                got[2 + i + k].starts_with(p.as_str()),
                "{what}: rvsadm row {}",
                i + k
            );
            // Line k of ipvsadm's run is row k only if no row of the run
            // held a newline of its own.
            if k == 0 || region.len() == end - i {
                assert!(
                    region[k].starts_with(p.as_str()),
                    "{what}: ipvsadm row {}",
                    i + k
                );
            }
        }
        undefined.push(region.concat());
        i = end;
    }
    assert_eq!(
        j,
        want.len(),
        "{what}: ipvsadm printed more rows than pieces"
    );
    undefined
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

    // The typed path (parser + row renderer) gives the same rows as the
    // compat path for every line short enough for ipvsadm to read in one
    // piece (longer ones are split by ipvsadm, checked below). This works
    // on the text read right after the traffic, while every entry is there.
    let short: String = text
        .lines()
        .filter(|l| l.len() < 255)
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(short.lines().count() >= 10, "{short}");
    for (numeric, persistent_conn) in [(true, false), (true, true), (false, false), (false, true)] {
        let opts = ConnOptions {
            numeric,
            persistent_conn,
        };
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
            "typed rows, {opts:?}"
        );
    }

    // Compat rendering of the raw text is byte-identical to ipvsadm's in
    // every row ipvsadm prints from defined memory.
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
        let rows = ipvsadm_rows(&proc_text);
        // The rule finds the undefined rows where they are: the pieces
        // that continue a line longer than 255 bytes, and only those.
        let continuations: Vec<bool> = String::from_utf8_lossy(&proc_text)
            .lines()
            .skip(1)
            .flat_map(|l| (0..=l.len() / 255).map(|k| k > 0))
            .collect();
        let undefined: Vec<bool> = rows.iter().map(|r| *r != Row::Defined).collect();
        assert_eq!(undefined, continuations, "{args:?}");
        assert!(undefined.contains(&false), "{args:?}: no defined row");

        let mut got = Vec::new();
        write_proc_conns(&mut got, &proc_text, opts, &SystemNames).unwrap();
        let (got_s, want_s) = (
            String::from_utf8_lossy(&got),
            String::from_utf8_lossy(&want),
        );
        eprintln!("ipvsadm {args:?} (stable: {stable}):\n{want_s}");
        let what = format!("ipvsadm {args:?}");
        for row in compare(&got_s, &want_s, &rows, stable, &what) {
            eprintln!("{what}: from undefined memory: {row:?}");
        }
    }
}

/// The rule and the comparison on their own (no kernel): a table with a
/// line split in two by ipvsadm's buffer, compared with ipvsadm outputs
/// whose undefined row is garbage, even with a newline in it.
#[test]
fn undefined_rows_are_found_by_rule_and_skipped_whole() {
    let long = format!(
        "UDP fd00:0000:0000:0000:0000:0000:0000:0001 0000 fd00:0000:0000:0000:0000:0000:0000:0001 \
         13C4 fd00:0000:0000:0000:0000:0000:0000:0051 13C4 NONE             59 sip {LONG_CALL_ID}"
    );
    let text = format!(
        "Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData\n\
         TCP 0A140001 D864 0A140001 0050 0A140001 1F90 ESTABLISHED     898\n\
         {long}\n\
         UDP 0A140001 DD1F 0A140001 0035 0A140032 0035 UDP             216\n"
    );
    let rows = ipvsadm_rows(text.as_bytes());
    assert_eq!(
        rows,
        [
            Row::Defined,
            Row::Defined,
            Row::Undefined { prefix: None },
            Row::Defined
        ]
    );
    // A continuation whose first word fits `protocol`: that much is defined.
    let split = format!("header\n{}TCP 0A14\n", &long[..255]);
    assert_eq!(
        ipvsadm_rows(split.as_bytes()),
        [
            Row::Defined,
            Row::Undefined {
                prefix: Some("TCP ".into())
            }
        ]
    );

    let opts = ConnOptions {
        numeric: true,
        persistent_conn: true,
    };
    let mut got = Vec::new();
    write_proc_conns(&mut got, text.as_bytes(), opts, &SystemNames).unwrap();
    let got = String::from_utf8(got).unwrap();
    let lines: Vec<&str> = got.split_inclusive('\n').collect();
    assert_eq!(lines.len(), 6);
    for garbage in ["def01234n\u{1} ###### P\u{fffd}U [fd00::1]:0\n", "x\n\ny\n"] {
        let want = format!(
            "{}{}{}{}{garbage}{}",
            lines[0], lines[1], lines[2], lines[3], lines[5]
        );
        let found = compare(&got, &want, &rows, true, "test");
        assert_eq!(found, [garbage.to_string()]);
    }
    // A defined row that differs, or a missing row, is a failure.
    let changed = got.replace("ESTABLISHED", "ESTABLISHEX");
    let missing = got.replace(lines[4], "");
    for want in [changed, missing] {
        let r = std::panic::catch_unwind(|| compare(&got, &want, &rows, true, "test"));
        assert!(r.is_err(), "{want}");
    }
}
