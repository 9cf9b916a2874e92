//! `ipvsadm -c` output from `/proc/net/ip_vs_conn` text.
//!
//! Fixtures are real: `render_fixtures/conn/` holds a kernel table with TCP,
//! UDP, IPv6, mixed-family (IPv6 service, IPv4 tunnel destination),
//! persistence templates and a SIP persistence-engine entry, captured by
//! `cap2.sh` together with ipvsadm's listings of it; `render_fixtures/
//! conn_crafted/` holds hand-written files that `cap4.sh` bind-mounted over
//! `/proc` so ipvsadm read them (odd fields, lines of 255+ bytes, blank
//! lines, a missing header ...), with ipvsadm's output and exit status.

use rvsadm::{ConnectionTable, Protocol};
use rvsadm_cli::compat::names::{service_name, Resolver};
use rvsadm_cli::compat::render::{
    write_conn_header, write_conn_row, write_proc_conns, ConnListError, ConnOptions, ConnRow,
};
use std::net::IpAddr;

/// No host names (the VM's netns had none for these addresses); port
/// names from the real `/etc/services`, as in the VM.
struct ServicesOnly;

impl Resolver for ServicesOnly {
    fn host(&self, _: &IpAddr) -> Option<Vec<u8>> {
        None
    }
    fn service(&self, port: u16, protocol: Protocol) -> Option<Vec<u8>> {
        service_name(port, protocol)
    }
}

fn opts(numeric: bool, persistent_conn: bool) -> ConnOptions {
    ConnOptions {
        numeric,
        persistent_conn,
    }
}

fn render(text: &[u8], o: ConnOptions) -> (String, Result<(), ConnListError>) {
    let mut out = Vec::new();
    let r = write_proc_conns(&mut out, text, o, &ServicesOnly);
    (String::from_utf8_lossy(&out).into_owned(), r)
}

fn same(got: &str, want: &str) {
    for (i, (g, w)) in got.lines().zip(want.lines()).enumerate() {
        assert_eq!(g, w, "line {}", i + 1);
    }
    assert_eq!(got, want);
}

/// The expire column (bytes 4..10) of every row, blanked: the non-numeric
/// listing was captured a second after the proc snapshot.
fn mask_expire(s: &str) -> String {
    s.lines()
        .enumerate()
        .map(|(i, l)| {
            if i < 2 || l.len() < 10 {
                format!("{l}\n")
            } else {
                format!("{}######{}\n", &l[..4], &l[10..])
            }
        })
        .collect()
}

const PROC: &[u8] = include_bytes!("render_fixtures/conn/proc_conn.txt");

#[test]
fn kernel_table_numeric() {
    let (got, r) = render(PROC, opts(true, false));
    r.unwrap();
    same(&got, include_str!("render_fixtures/conn/Lnc.out"));
}

#[test]
fn kernel_table_persistent_conn() {
    let (got, r) = render(PROC, opts(true, true));
    r.unwrap();
    same(&got, include_str!("render_fixtures/conn/Lnc_pconn.out"));
}

#[test]
fn kernel_table_names() {
    let (got, r) = render(PROC, opts(false, false));
    r.unwrap();
    same(
        &mask_expire(&got),
        &mask_expire(include_str!("render_fixtures/conn/Lc.out")),
    );
    let (got, r) = render(PROC, opts(false, true));
    r.unwrap();
    same(
        &mask_expire(&got),
        &mask_expire(include_str!("render_fixtures/conn/Lc_pconn.out")),
    );
}

/// The typed parser plus [`write_conn_row`] gives the same bytes.
#[test]
fn typed_connections_render_the_same() {
    let conns = ConnectionTable::parse(std::str::from_utf8(PROC).unwrap()).unwrap();
    assert_eq!(conns.len(), 8);
    for (pconn, want) in [
        (false, include_str!("render_fixtures/conn/Lnc.out")),
        (true, include_str!("render_fixtures/conn/Lnc_pconn.out")),
    ] {
        let mut out = Vec::new();
        write_conn_header(&mut out, pconn).unwrap();
        for c in &conns {
            write_conn_row(
                &mut out,
                &ConnRow::from(c),
                opts(true, pconn),
                &ServicesOnly,
            )
            .unwrap();
        }
        same(&String::from_utf8(out).unwrap(), want);
    }
}

macro_rules! crafted {
    ($name:literal, $kind:literal) => {
        include_str!(concat!(
            "render_fixtures/conn_crafted/",
            $name,
            ".",
            $kind,
            ".out"
        ))
    };
    ($name:literal) => {
        include_bytes!(concat!("render_fixtures/conn_crafted/", $name, ".in"))
    };
}

/// The three listings of one crafted file; `ok` is whether ipvsadm exited 0.
fn check_crafted(input: &[u8], want: [&str; 3], ok: bool) {
    for (o, want) in [opts(true, false), opts(true, true), opts(false, false)]
        .into_iter()
        .zip(want)
    {
        let (got, r) = render(input, o);
        same(&got, want);
        match r {
            Ok(()) => assert!(ok, "ipvsadm failed here"),
            Err(ConnListError::EmptyLine) => assert!(!ok, "ipvsadm succeeded here"),
            Err(e) => panic!("{e}"),
        }
    }
}

#[test]
fn crafted_odd_fields() {
    // Lower-case protocols, SCTP names, IP templates, 6000 s expiry,
    // dotted and garbage addresses, 0x/+ ports, overflows, negative
    // expiry, PE name without data, extra PE words, tabs, short lines,
    // mixed families, a line split at 255 bytes.
    check_crafted(
        crafted!("odd"),
        [
            crafted!("odd", "Lnc"),
            crafted!("odd", "Lncp"),
            crafted!("odd", "Lc"),
        ],
        true,
    );
}

#[test]
fn crafted_line_of_255_bytes_stops_at_its_newline() {
    check_crafted(
        crafted!("l255"),
        [
            crafted!("l255", "Lnc"),
            crafted!("l255", "Lncp"),
            crafted!("l255", "Lc"),
        ],
        false,
    );
}

#[test]
fn crafted_blank_and_space_lines_stop() {
    check_crafted(
        crafted!("blank"),
        [
            crafted!("blank", "Lnc"),
            crafted!("blank", "Lncp"),
            crafted!("blank", "Lc"),
        ],
        false,
    );
    check_crafted(
        crafted!("spaces"),
        [
            crafted!("spaces", "Lnc"),
            crafted!("spaces", "Lncp"),
            crafted!("spaces", "Lc"),
        ],
        false,
    );
}

#[test]
fn crafted_header_only_and_no_final_newline() {
    check_crafted(
        crafted!("header"),
        [
            crafted!("header", "Lnc"),
            crafted!("header", "Lncp"),
            crafted!("header", "Lc"),
        ],
        true,
    );
    check_crafted(
        crafted!("noeol"),
        [
            crafted!("noeol", "Lnc"),
            crafted!("noeol", "Lncp"),
            crafted!("noeol", "Lc"),
        ],
        true,
    );
}

#[test]
fn crafted_empty_file_is_unexpected_input() {
    assert!(crafted!("empty").is_empty());
    for o in [opts(true, false), opts(true, true)] {
        let (got, r) = render(crafted!("empty"), o);
        assert_eq!(got, crafted!("empty", "Lnc"));
        assert!(matches!(r, Err(ConnListError::UnexpectedInput)), "{r:?}");
    }
    assert_eq!(
        ConnListError::UnexpectedInput.to_string(),
        "unexpected input from /proc/net/ip_vs_conn"
    );
}

#[test]
fn arbitrary_bytes_never_panic() {
    let inputs: [&[u8]; 6] = [
        b"h\n\x00\x01\x02 \xff\xfe\n",
        b"h\nTCP ::: 0 ::: 0 ::: 0 S 1 a b c d e f\n",
        b"h\nTCP 0 -0x 0 0xg 0 0X 99999999999999999999999999999999 -99999999999999999999999\n",
        b"h\n\t\x0b\x0c\r x\n",
        &[b'x'; 1000],
        b"h\n1.2.3.4 1.2.3.4 1 1.2.3.4 1 1.2.3.4 1 s -1\n",
    ];
    for i in inputs {
        for o in [opts(true, false), opts(true, true), opts(false, true)] {
            let _ = render(i, o);
        }
    }
}

mod fuzz {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Neither the typed parser nor the compat renderer panics, whatever
        /// the bytes (kernel-like lines with random edits included).
        #[test]
        fn never_panics(
            raw in proptest::collection::vec(any::<u8>(), 0..600),
            fields in proptest::collection::vec("[0-9A-Fa-fx:.+ -]{0,12}", 0..14),
        ) {
            let line = format!("h\n{}\n", fields.join(" "));
            for text in [raw.as_slice(), line.as_bytes()] {
                let _ = ConnectionTable::parse(&String::from_utf8_lossy(text));
                for o in [opts(true, false), opts(true, true)] {
                    let _ = render(text, o);
                }
            }
        }
    }
}
