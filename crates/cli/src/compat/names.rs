//! Reverse name lookups for listings without `-n`.
//!
//! ipvsadm shows a host as `gethostbyaddr()->h_name` (falling back to the
//! numeric address) and a port as `getservbyport(port, "tcp"|"udp"|"sctp")`
//! (falling back to the number). [`SystemNames`] does the same lookups
//! through the C library's reentrant variants (`gethostbyaddr_r`,
//! `getservbyport_r`), so it is safe to use from several threads; results are
//! the same NSS answers ipvsadm gets (`/etc/hosts`, DNS, `/etc/services` ...).
//!
//! Names are bytes: ipvsadm copies whatever the resolver returns and pads it
//! by bytes, and [`crate::compat::render`] does the same.
//!
//! Rendering takes any [`Resolver`]; [`NumericNames`] never resolves (the
//! `-n` behaviour), and tests can plug in a fixed table.

use super::digits::{push_ipv4, push_u64};
use nix::libc;
use rvsadm::model::Protocol;
use std::ffi::{c_char, c_int, c_void, CStr};
use std::net::IpAddr;

/// Source of host and service names for non-numeric listings.
pub trait Resolver {
    /// The host name of `addr`, or `None` to print it numerically.
    fn host(&self, addr: &IpAddr) -> Option<Vec<u8>>;
    /// The service name of `port` for `protocol`, or `None` to print the
    /// number. Called only for TCP, UDP and SCTP.
    fn service(&self, port: u16, protocol: Protocol) -> Option<Vec<u8>>;
}

/// A resolver that knows no names (everything prints numerically).
#[derive(Debug, Clone, Copy, Default)]
pub struct NumericNames;

impl Resolver for NumericNames {
    fn host(&self, _addr: &IpAddr) -> Option<Vec<u8>> {
        None
    }
    fn service(&self, _port: u16, _protocol: Protocol) -> Option<Vec<u8>> {
        None
    }
}

/// The system resolver (NSS), as ipvsadm uses it.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemNames;

impl Resolver for SystemNames {
    fn host(&self, addr: &IpAddr) -> Option<Vec<u8>> {
        host_name(addr)
    }
    fn service(&self, port: u16, protocol: Protocol) -> Option<Vec<u8>> {
        service_name(port, protocol)
    }
}

extern "C" {
    // glibc and musl both provide these; the libc crate does not bind them.
    fn gethostbyaddr_r(
        addr: *const c_void,
        len: libc::socklen_t,
        af: c_int,
        ret: *mut libc::hostent,
        buf: *mut c_char,
        buflen: libc::size_t,
        result: *mut *mut libc::hostent,
        h_errnop: *mut c_int,
    ) -> c_int;

    fn getservbyport_r(
        port: c_int,
        proto: *const c_char,
        result_buf: *mut libc::servent,
        buf: *mut c_char,
        buflen: libc::size_t,
        result: *mut *mut libc::servent,
    ) -> c_int;
}

/// Largest scratch buffer tried for one lookup (the C library asks for
/// more with `ERANGE`).
const MAX_BUF: usize = 1 << 20;

/// `gethostbyaddr(addr)->h_name`, or `None` when the address has no name.
///
/// Reentrant (`gethostbyaddr_r`). May block on DNS like ipvsadm does.
pub fn host_name(addr: &IpAddr) -> Option<Vec<u8>> {
    let (bytes, af): (Vec<u8>, c_int) = match addr {
        IpAddr::V4(a) => (a.octets().to_vec(), libc::AF_INET),
        IpAddr::V6(a) => (a.octets().to_vec(), libc::AF_INET6),
    };
    let len = libc::socklen_t::try_from(bytes.len()).ok()?;
    let mut buflen = 1024;
    loop {
        let mut buf = vec![0 as c_char; buflen];
        // SAFETY: all-zero is a valid `hostent` (null pointers, zero ints).
        let mut ent: libc::hostent = unsafe { std::mem::zeroed() };
        let mut result: *mut libc::hostent = std::ptr::null_mut();
        let mut herr: c_int = 0;
        // SAFETY: every pointer is valid for the call and `buf` has `buflen`
        // bytes; the function writes only into `ent`, `buf`, `result`, `herr`.
        let rc = unsafe {
            gethostbyaddr_r(
                bytes.as_ptr().cast(),
                len,
                af,
                &mut ent,
                buf.as_mut_ptr(),
                buf.len(),
                &mut result,
                &mut herr,
            )
        };
        if rc == libc::ERANGE && buflen < MAX_BUF {
            buflen *= 4;
            continue;
        }
        if rc != 0 || result.is_null() || ent.h_name.is_null() {
            return None;
        }
        // SAFETY: on success h_name points to a NUL-terminated string inside
        // `buf`, which is still alive here.
        let name = unsafe { CStr::from_ptr(ent.h_name) };
        return Some(name.to_bytes().to_vec());
    }
}

/// `getservbyport(port, proto)->s_name` for TCP, UDP and SCTP; `None`
/// otherwise or when the port has no name.
///
/// Reentrant (`getservbyport_r`).
pub fn service_name(port: u16, protocol: Protocol) -> Option<Vec<u8>> {
    let proto: &CStr = match protocol {
        Protocol::Tcp => c"tcp",
        Protocol::Udp => c"udp",
        Protocol::Sctp => c"sctp",
        _ => return None,
    };
    let net_port = c_int::from(port.to_be());
    let mut buflen = 1024;
    loop {
        let mut buf = vec![0 as c_char; buflen];
        // SAFETY: all-zero is a valid `servent`.
        let mut ent: libc::servent = unsafe { std::mem::zeroed() };
        let mut result: *mut libc::servent = std::ptr::null_mut();
        // SAFETY: pointers are valid for the call; `buf` has `buflen` bytes.
        let rc = unsafe {
            getservbyport_r(
                net_port,
                proto.as_ptr(),
                &mut ent,
                buf.as_mut_ptr(),
                buf.len(),
                &mut result,
            )
        };
        if rc == libc::ERANGE && buflen < MAX_BUF {
            buflen *= 4;
            continue;
        }
        if rc != 0 || result.is_null() || ent.s_name.is_null() {
            return None;
        }
        // SAFETY: on success s_name is a NUL-terminated string in `buf`.
        let name = unsafe { CStr::from_ptr(ent.s_name) };
        return Some(name.to_bytes().to_vec());
    }
}

/// ipvsadm's `addrport_to_anyname` buffer is 60 bytes, so at most 59 bytes
/// of `host:port` survive.
pub const ADDRPORT_MAX: usize = 59;

/// `host:port` as ipvsadm prints it: `%s%s%s:%u` (or `:%s` with a service
/// name), IPv6 hosts in brackets, cut to [`ADDRPORT_MAX`] bytes.
///
/// `protocol` selects the service-name lookup (`None` for fwmark services,
/// whose ports stay numeric). With `numeric` nothing is resolved.
///
/// ```
/// use rvsadm_cli::compat::names::{addrport, NumericNames};
/// let s = addrport(&"2001:db8::1".parse().unwrap(), 443, None, &NumericNames);
/// assert_eq!(s, b"[2001:db8::1]:443");
/// ```
pub fn addrport(
    addr: &IpAddr,
    port: u16,
    protocol: Option<Protocol>,
    names: &dyn Resolver,
) -> Vec<u8> {
    use std::io::Write as _;
    let mut out = Vec::with_capacity(48);
    let v6 = addr.is_ipv6();
    if v6 {
        out.push(b'[');
    }
    // Numbers are written in place (writing to a Vec cannot fail): listings
    // format tens of thousands of these.
    match (names.host(addr), addr) {
        (Some(host), _) => out.extend_from_slice(&host),
        (None, IpAddr::V4(a)) => push_ipv4(&mut out, *a),
        (None, IpAddr::V6(a)) => {
            let _ = write!(out, "{a}");
        }
    }
    if v6 {
        out.push(b']');
    }
    out.push(b':');
    match protocol.and_then(|p| names.service(port, p)) {
        Some(name) => out.extend_from_slice(&name),
        None => push_u64(&mut out, u64::from(port)),
    }
    out.truncate(ADDRPORT_MAX);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_forms() {
        let n = NumericNames;
        let v4: IpAddr = "10.0.0.1".parse().unwrap();
        assert_eq!(addrport(&v4, 0, Some(Protocol::Tcp), &n), b"10.0.0.1:0");
        let v6: IpAddr = "::".parse().unwrap();
        assert_eq!(addrport(&v6, 65535, None, &n), b"[::]:65535");
    }

    #[test]
    fn long_names_are_cut_to_59_bytes() {
        struct Long;
        impl Resolver for Long {
            fn host(&self, _: &IpAddr) -> Option<Vec<u8>> {
                Some(b"vip-with-a-quite-long-name-for-service-column.example.org".to_vec())
            }
            fn service(&self, _: u16, _: Protocol) -> Option<Vec<u8>> {
                Some(b"http".to_vec())
            }
        }
        let a: IpAddr = "192.168.1.1".parse().unwrap();
        // Seen in `ipvsadm -S` output in the VM.
        assert_eq!(
            addrport(&a, 80, Some(Protocol::Tcp), &Long),
            b"vip-with-a-quite-long-name-for-service-column.example.org:h"
        );
    }

    #[test]
    fn system_service_names() {
        // /etc/services is present on the build machine and in the VM.
        if std::path::Path::new("/etc/services").exists() {
            assert_eq!(
                service_name(80, Protocol::Tcp).as_deref(),
                Some(&b"http"[..])
            );
            assert_eq!(
                service_name(53, Protocol::Udp).as_deref(),
                Some(&b"domain"[..])
            );
        }
        assert_eq!(service_name(80, Protocol::Other(0)), None);
        assert_eq!(service_name(0, Protocol::Tcp), None);
    }

    #[test]
    fn system_host_name_of_localhost() {
        // /etc/hosts starts with "127.0.0.1 localhost" on the build machine
        // and in the VM (same root file system).
        let hosts = std::fs::read_to_string("/etc/hosts").unwrap_or_default();
        let first = hosts.lines().find(|l| l.starts_with("127.0.0.1"));
        let got = host_name(&"127.0.0.1".parse().unwrap());
        if first.map(|l| l.split_whitespace().nth(1)) == Some(Some("localhost")) {
            assert_eq!(got.as_deref(), Some(&b"localhost"[..]));
        }
        // IPv6 goes through the same FFI path; any answer is fine.
        let _ = host_name(&"::1".parse().unwrap());
    }
}
