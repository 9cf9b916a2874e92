//! The reader of the IPVS connection table (`/proc/net/ip_vs_conn`).
//!
//! The kernel has no netlink dump for connections; [`ConnectionTable`]
//! reads and parses the procfs file of the caller's network namespace into
//! [`Connection`] values (plain values of [`crate::model`]); a failure is a
//! [`ConnError`] (of [`crate::error`], wrapped by
//! [`Error::ConnTable`](crate::Error::ConnTable)). Both are re-exported
//! here, so this module is all a reader of the table needs.
//!
//! The kernel writes one header line, then one line per entry:
//!
//! ```text
//! Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData
//! TCP 0A140001 9828 0A140001 0050 0A140001 1F90 ESTABLISHED     894
//! UDP 0A140001 0000 0A140001 13C4 0A140033 13C4 NONE             54 sip a84b4c76e66710@pc33.example.com
//! ```
//!
//! IPv4 addresses are 8 hex digits, IPv6 addresses the full colon form
//! (`%pI6`), ports 4 hex digits; the destination may be of another family
//! than the client and virtual addresses (tunnels). The persistence engine
//! name and its data follow when the entry has them.
//!
//! Parsing is strict: a line that does not have this shape is an error
//! ([`ConnError::Line`]) rather than being skipped, so a format change is
//! noticed. Empty lines are ignored. Nothing here panics, whatever the
//! input.

pub use crate::error::ConnError;
pub use crate::model::Connection;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::Path;

/// Where the kernel publishes the table of the current network namespace
/// (the namespace of the process's main thread: `/proc/net` is
/// `/proc/self/net`).
pub const PROC_IP_VS_CONN: &str = "/proc/net/ip_vs_conn";

/// The same table for the calling thread's network namespace (Linux 3.17+),
/// which differs from [`PROC_IP_VS_CONN`] when a thread entered another
/// namespace with `unshare`/`setns`.
pub const PROC_THREAD_IP_VS_CONN: &str = "/proc/thread-self/net/ip_vs_conn";

/// Reader of the connection table.
///
/// ```
/// use rvsadm::ConnectionTable;
/// let text = "Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData\n\
///             TCP 0A140001 9828 0A140001 0050 0A140001 1F90 ESTABLISHED     894\n";
/// let conns = ConnectionTable::parse(text).unwrap();
/// assert_eq!(conns[0].client_addr.to_string(), "10.20.0.1");
/// assert_eq!(conns[0].client_port, 0x9828);
/// assert_eq!(conns[0].expires, 894);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct ConnectionTable;

impl ConnectionTable {
    /// Read and parse the connection table of the calling thread's network
    /// namespace ([`PROC_THREAD_IP_VS_CONN`], or [`PROC_IP_VS_CONN`] on
    /// kernels without `/proc/thread-self`).
    pub fn read() -> Result<Vec<Connection>, ConnError> {
        Self::read_from(Self::path())
    }

    /// The file [`ConnectionTable::read`] reads.
    pub fn path() -> &'static str {
        if Path::new("/proc/thread-self").exists() {
            PROC_THREAD_IP_VS_CONN
        } else {
            PROC_IP_VS_CONN
        }
    }

    /// Read and parse a file in the same format.
    pub fn read_from(path: impl AsRef<Path>) -> Result<Vec<Connection>, ConnError> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|source| ConnError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Self::parse(&String::from_utf8_lossy(&bytes))
    }

    /// Parse the text of the file: the first line (the header) is skipped,
    /// empty lines are ignored, any other line must be a valid entry.
    pub fn parse(text: &str) -> Result<Vec<Connection>, ConnError> {
        text.lines()
            .enumerate()
            .skip(1)
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(i, l)| parse_line(l).map_err(|reason| line_error(i + 1, reason, l)))
            .collect()
    }
}

fn line_error(line: usize, reason: &'static str, text: &str) -> ConnError {
    ConnError::Line {
        line,
        reason,
        text: text.to_string(),
    }
}

/// Split off the next space-separated token.
fn next_token(s: &str) -> Option<(&str, &str)> {
    let s = s.trim_start_matches(' ');
    if s.is_empty() {
        return None;
    }
    let end = s.find(' ').unwrap_or(s.len());
    Some((&s[..end], &s[end..]))
}

/// An address as the kernel prints it: 8 hex digits (IPv4) or `%pI6`.
fn parse_addr(s: &str) -> Result<IpAddr, &'static str> {
    if s.contains(':') {
        return s
            .parse::<Ipv6Addr>()
            .map(IpAddr::V6)
            .map_err(|_| "bad IPv6 address");
    }
    if s.len() != 8 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err("bad IPv4 address");
    }
    u32::from_str_radix(s, 16)
        .map(|v| IpAddr::V4(Ipv4Addr::from(v)))
        .map_err(|_| "bad IPv4 address")
}

fn parse_port(s: &str) -> Result<u16, &'static str> {
    if s.is_empty() || s.len() > 4 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err("bad port");
    }
    u16::from_str_radix(s, 16).map_err(|_| "bad port")
}

/// Parse one entry line.
fn parse_line(line: &str) -> Result<Connection, &'static str> {
    let line = line.trim_end_matches(['\r', '\n']);
    let mut rest = line;
    let mut take = |what: &'static str| -> Result<&str, &'static str> {
        let (t, r) = next_token(rest).ok_or(what)?;
        rest = r;
        Ok(t)
    };
    let protocol = take("missing protocol")?.to_string();
    let client_addr = parse_addr(take("missing client address")?)?;
    let client_port = parse_port(take("missing client port")?)?;
    let virtual_addr = parse_addr(take("missing virtual address")?)?;
    let virtual_port = parse_port(take("missing virtual port")?)?;
    let dest_addr = parse_addr(take("missing destination address")?)?;
    let dest_port = parse_port(take("missing destination port")?)?;
    let state = take("missing state")?.to_string();
    let expires = take("missing expiry")?
        .parse::<u64>()
        .map_err(|_| "bad expiry")?;
    let (pe_name, pe_data) = match take("") {
        Err(_) => (None, None),
        Ok(name) => {
            // The data is the rest of the line after one separating space.
            let data = rest.strip_prefix(' ').unwrap_or(rest);
            (Some(name.to_string()), Some(data.to_string()))
        }
    };
    if client_addr.is_ipv4() != virtual_addr.is_ipv4() {
        return Err("client and virtual address families differ");
    }
    Ok(Connection {
        protocol,
        client_addr,
        client_port,
        virtual_addr,
        virtual_port,
        dest_addr,
        dest_port,
        state,
        expires,
        pe_name,
        pe_data,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str =
        "Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData\n";

    #[test]
    fn kernel_lines() {
        let text = format!(
            "{HEADER}\
TCP fd00:0000:0000:0000:0000:0000:0000:0001 96FE fd00:0000:0000:0000:0000:0000:0000:0001 0051 0A140046 0051 SYN_RECV         58\n\
UDP 0A140001 0000 0A140001 13C4 0A140033 13C4 NONE             57 sip a84b4c76e66710@pc33.example.com\n"
        );
        let c = ConnectionTable::parse(&text).unwrap();
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].client_addr, "fd00::1".parse::<IpAddr>().unwrap());
        assert_eq!(c[0].client_port, 0x96FE);
        assert_eq!(c[0].virtual_port, 81);
        assert_eq!(c[0].dest_addr, "10.20.0.70".parse::<IpAddr>().unwrap());
        assert_eq!(c[0].state, "SYN_RECV");
        assert_eq!(c[0].expires, 58);
        assert_eq!(c[0].pe_name, None);
        assert_eq!(c[1].protocol, "UDP");
        assert_eq!(c[1].client_port, 0);
        assert_eq!(c[1].dest_port, 5060);
        assert_eq!(c[1].pe_name.as_deref(), Some("sip"));
        assert_eq!(
            c[1].pe_data.as_deref(),
            Some("a84b4c76e66710@pc33.example.com")
        );
    }

    #[test]
    fn header_only_and_empty() {
        assert!(ConnectionTable::parse(HEADER).unwrap().is_empty());
        assert!(ConnectionTable::parse("").unwrap().is_empty());
        assert!(ConnectionTable::parse(&format!("{HEADER}\n\n"))
            .unwrap()
            .is_empty());
    }

    #[test]
    fn bad_lines_are_errors_with_line_numbers() {
        let bad = [
            "TCP",
            "TCP 0A140001 9828 0A140001 0050 0A140001 1F90 ESTABLISHED",
            "TCP 0A14001 9828 0A140001 0050 0A140001 1F90 ESTABLISHED 1",
            "TCP 0A140001 98281 0A140001 0050 0A140001 1F90 ESTABLISHED 1",
            "TCP 0A140001 9828 0A140001 0050 0A140001 1F90 ESTABLISHED -1",
            "TCP 0A140001 9828 fd00::1 0050 0A140001 1F90 ESTABLISHED 1",
            "TCP 0A140001 9828 0A14000G 0050 0A140001 1F90 ESTABLISHED 1",
            "TCP zz::1 9828 0A140001 0050 0A140001 1F90 ESTABLISHED 1",
        ];
        for b in bad {
            let e = ConnectionTable::parse(&format!("{HEADER}{b}\n")).unwrap_err();
            match e {
                ConnError::Line { line, .. } => assert_eq!(line, 2, "{b}"),
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn pe_name_without_data() {
        let t = format!("{HEADER}UDP 0A140001 0000 0A140001 13C4 0A140033 13C4 NONE 57 sip \n");
        let c = ConnectionTable::parse(&t).unwrap();
        assert_eq!(c[0].pe_name.as_deref(), Some("sip"));
        assert_eq!(c[0].pe_data.as_deref(), Some(""));
    }

    #[test]
    fn missing_file_is_an_io_error() {
        let e = ConnectionTable::read_from("/nonexistent/ip_vs_conn").unwrap_err();
        assert!(matches!(e, ConnError::Io { .. }), "{e}");
    }

    #[test]
    fn arbitrary_input_never_panics() {
        let junk = [
            "\u{0}\u{1}",
            "é ü 𝄞",
            "TCP ::::::::: 0 0 0 0 0 0 0",
            "   ",
            "TCP 0A140001 FFFFFFFFFFFFFFFFFFFF 0A140001 0050 0A140001 1F90 X 99999999999999999999999",
        ];
        for j in junk {
            let _ = ConnectionTable::parse(&format!("{HEADER}{j}\n"));
            let _ = ConnectionTable::parse(j);
        }
    }
}
