//! `-c`: the connection table, from the library's connections or, as
//! ipvsadm reads it, from the raw text of `/proc/net/ip_vs_conn`.

use super::columns::pad;
use crate::compat::libc::{self, clamp_ul, pton4, pton6, strtoul_hex_u32, Scan};
use crate::compat::names::{addrport, NumericNames, Resolver};
use rvsadm::model::Protocol;
use std::io::{self, Write};
use std::net::{IpAddr, Ipv4Addr};

/// `-c` header: `IPVS connection entries` and the column titles (with
/// `pe name`/`pe_data` columns for `--persistent-conn`).
pub fn write_conn_header<W: Write + ?Sized>(w: &mut W, persistent_conn: bool) -> io::Result<()> {
    w.write_all(b"IPVS connection entries\n")?;
    if persistent_conn {
        writeln!(
            w,
            "pro expire {:<11} {:<18} {:<18} {:<18} {:<16} pe_data",
            "state", "source", "virtual", "destination", "pe name"
        )
    } else {
        writeln!(
            w,
            "pro expire {:<11} {:<18} {:<18} destination",
            "state", "source", "virtual"
        )
    }
}

/// Options of a `-c` listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ConnOptions {
    /// `-n`: no name lookups.
    pub numeric: bool,
    /// `--persistent-conn`: show the persistence engine columns.
    pub persistent_conn: bool,
}

/// One `-c` row, with values as ipvsadm holds them after reading a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnRow {
    /// Protocol text (`TCP`, `UDP`, ...), printed as is.
    pub protocol: Vec<u8>,
    /// Client address and port.
    pub client: (IpAddr, u16),
    /// Virtual address and port.
    pub virt: (IpAddr, u16),
    /// Destination address and port.
    pub dest: (IpAddr, u16),
    /// State text.
    pub state: Vec<u8>,
    /// Seconds to expiry, in ipvsadm's 32-bit unsigned variable.
    pub expires: u32,
    /// Persistence engine name and data; the row shows them only with
    /// `--persistent-conn`.
    pub pe: Option<(Vec<u8>, Vec<u8>)>,
}

impl From<&rvsadm::model::Connection> for ConnRow {
    fn from(c: &rvsadm::model::Connection) -> Self {
        ConnRow {
            protocol: c.protocol.as_bytes().to_vec(),
            client: (c.client_addr, c.client_port),
            virt: (c.virtual_addr, c.virtual_port),
            dest: (c.dest_addr, c.dest_port),
            state: c.state.as_bytes().to_vec(),
            // ipvsadm keeps the value in 32 bits.
            expires: c.expires as u32,
            pe: match (&c.pe_name, &c.pe_data) {
                (Some(n), Some(d)) if !d.is_empty() => {
                    Some((n.as_bytes().to_vec(), d.as_bytes().to_vec()))
                }
                _ => None,
            },
        }
    }
}

/// The protocol whose service names label a connection's ports.
fn conn_protocol(p: &[u8]) -> Option<Protocol> {
    match p {
        b"TCP" => Some(Protocol::Tcp),
        b"UDP" => Some(Protocol::Udp),
        b"SCTP" => Some(Protocol::Sctp),
        _ => None,
    }
}

/// One `-c` row (ports are named after the row's protocol text when it is
/// exactly `TCP`, `UDP` or `SCTP`).
pub fn write_conn_row<W: Write + ?Sized>(
    w: &mut W,
    row: &ConnRow,
    opts: ConnOptions,
    names: &dyn Resolver,
) -> io::Result<()> {
    write_conn_row_with(w, row, opts, names, conn_protocol(&row.protocol))
}

fn write_conn_row_with<W: Write + ?Sized>(
    w: &mut W,
    row: &ConnRow,
    opts: ConnOptions,
    names: &dyn Resolver,
    proto: Option<Protocol>,
) -> io::Result<()> {
    let names: &dyn Resolver = if opts.numeric { &NumericNames } else { names };
    let ap = |(a, p): (IpAddr, u16)| addrport(&a, p, proto, names);
    let e = row.expires;
    let expire = format!("{:02}:{:02}", e / 60, e % 60);
    pad(w, &row.protocol, 3)?;
    w.write_all(b" ")?;
    pad(w, expire.as_bytes(), 6)?;
    w.write_all(b" ")?;
    pad(w, &row.state, 11)?;
    w.write_all(b" ")?;
    pad(w, &ap(row.client), 18)?;
    w.write_all(b" ")?;
    pad(w, &ap(row.virt), 18)?;
    w.write_all(b" ")?;
    match (&row.pe, opts.persistent_conn) {
        (Some((name, data)), true) => {
            pad(w, &ap(row.dest), 16)?;
            w.write_all(b" ")?;
            pad(w, name, 18)?;
            w.write_all(b" ")?;
            w.write_all(data)?;
        }
        _ => w.write_all(&ap(row.dest))?,
    }
    w.write_all(b"\n")
}

/// Why a `-c` listing stopped (the caller exits 1, as ipvsadm does).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConnListError {
    /// The file is empty (not even the header): ipvsadm prints
    /// `unexpected input from /proc/net/ip_vs_conn` to stderr.
    #[error("unexpected input from /proc/net/ip_vs_conn")]
    UnexpectedInput,
    /// A line held nothing to scan (blank, or the newline of a line of
    /// exactly 255 bytes): ipvsadm exits 1 without a message.
    #[error("empty line in /proc/net/ip_vs_conn")]
    EmptyLine,
    /// Writing the output failed.
    #[error(transparent)]
    Io(#[from] io::Error),
}

/// What ipvsadm's per-line variables hold. They live in a function frame
/// that is reused from line to line, so fields a short line does not set
/// keep the previous line's values, except the client and virtual ports,
/// which are observed to read as 0 (ipvsadm 1.31 on Debian 12 in the VM;
/// ipvsadm has undefined behaviour there, rvsadm copies what it saw).
#[derive(Default)]
struct ConnScanState {
    protocol: Vec<u8>,
    temp: [Vec<u8>; 3],
    ports: [u16; 3],
    state: Vec<u8>,
    expires: u32,
    pe_name: Vec<u8>,
    pe_data: Vec<u8>,
    caddr: [u8; 16],
    vaddr: [u8; 16],
    daddr: [u8; 16],
}

impl ConnScanState {
    /// `sscanf("%s %s %hX %s %hX %s %hX %s %d %s %s")`: the number of
    /// fields set, or -1 if the line has nothing to scan.
    fn scan(&mut self, line: &[u8]) -> i32 {
        let mut sc = Scan::new(line);
        self.ports[0] = 0;
        self.ports[1] = 0;
        let Some(p) = sc.word() else { return -1 };
        self.protocol = p.to_vec();
        let mut n = 1;
        for k in 0..3 {
            let Some(t) = sc.word() else { return n };
            self.temp[k] = t.to_vec();
            n += 1;
            let Some(port) = sc.number(16) else { return n };
            self.ports[k] = clamp_ul(port) as u16;
            n += 1;
        }
        let Some(st) = sc.word() else { return n };
        self.state = st.to_vec();
        n += 1;
        let Some(e) = sc.number(10) else { return n };
        // %d into an unsigned int: strtol's long, cut to 32 bits.
        self.expires = e.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64 as u32;
        n += 1;
        let Some(pn) = sc.word() else { return n };
        self.pe_name = pn.to_vec();
        n += 1;
        let Some(pd) = sc.word() else { return n };
        self.pe_data = pd.to_vec();
        n + 1
    }

    /// ipvsadm's address parse: client and virtual by the form of the client
    /// text (IPv6, dotted IPv4, else hex through `strtoul`), destination on
    /// its own. A failed parse leaves the previous bytes.
    fn addresses(&mut self) -> (IpAddr, IpAddr, IpAddr) {
        let v4 = |b: &[u8; 16]| IpAddr::V4(Ipv4Addr::new(b[0], b[1], b[2], b[3]));
        let v6 = |b: &[u8; 16]| IpAddr::V6(std::net::Ipv6Addr::from(*b));
        let set4 = |dst: &mut [u8; 16], v: [u8; 4]| dst[..4].copy_from_slice(&v);
        let (c, v) = if let Some(a) = pton6(&self.temp[0]) {
            self.caddr = a;
            if let Some(b) = pton6(&self.temp[1]) {
                self.vaddr = b;
            }
            (v6(&self.caddr), v6(&self.vaddr))
        } else if let Some(a) = pton4(&self.temp[0]) {
            set4(&mut self.caddr, a);
            if let Some(b) = pton4(&self.temp[1]) {
                set4(&mut self.vaddr, b);
            }
            (v4(&self.caddr), v4(&self.vaddr))
        } else {
            set4(
                &mut self.caddr,
                strtoul_hex_u32(&self.temp[0]).to_be_bytes(),
            );
            set4(
                &mut self.vaddr,
                strtoul_hex_u32(&self.temp[1]).to_be_bytes(),
            );
            (v4(&self.caddr), v4(&self.vaddr))
        };
        let d = if let Some(a) = pton6(&self.temp[2]) {
            self.daddr = a;
            v6(&self.daddr)
        } else if let Some(a) = pton4(&self.temp[2]) {
            set4(&mut self.daddr, a);
            v4(&self.daddr)
        } else {
            set4(
                &mut self.daddr,
                strtoul_hex_u32(&self.temp[2]).to_be_bytes(),
            );
            v4(&self.daddr)
        };
        (c, v, d)
    }
}

/// `ipvsadm -c`: the header, then one row per line of `text` (the bytes of
/// `/proc/net/ip_vs_conn`), exactly as ipvsadm 1.31 prints them.
///
/// This works on the raw text the way ipvsadm does (256-byte `fgets`
/// pieces, `sscanf`, its address fallbacks), so lines the kernel makes
/// longer than 255 bytes (long SIP Call-IDs) come out split the same way.
/// Rows scanned from well-formed kernel lines are exact; for malformed
/// input ipvsadm reads undefined memory, and rvsadm prints the values
/// described at `ConnScanState` (the first row of such input may differ).
pub fn write_proc_conns<W: Write + ?Sized>(
    w: &mut W,
    text: &[u8],
    opts: ConnOptions,
    names: &dyn Resolver,
) -> Result<(), ConnListError> {
    let mut chunks = libc::fgets_chunks(text);
    if chunks.next().is_none() {
        return Err(ConnListError::UnexpectedInput);
    }
    write_conn_header(w, opts.persistent_conn)?;
    let mut st = ConnScanState::default();
    for chunk in chunks {
        let n = st.scan(chunk);
        if n == -1 {
            return Err(ConnListError::EmptyLine);
        }
        let (c, v, d) = st.addresses();
        let mut protocol = st.protocol.clone();
        // protocol[8] in ipvsadm: longer tokens overflow and show 8 bytes.
        protocol.truncate(8);
        let row = ConnRow {
            protocol,
            client: (c, st.ports[0]),
            virt: (v, st.ports[1]),
            dest: (d, st.ports[2]),
            state: st.state.clone(),
            expires: st.expires,
            pe: (n == 11).then(|| (st.pe_name.clone(), st.pe_data.clone())),
        };
        let lookup_proto = conn_protocol(&st.protocol);
        write_conn_row_with(w, &row, opts, names, lookup_proto)?;
    }
    Ok(())
}
