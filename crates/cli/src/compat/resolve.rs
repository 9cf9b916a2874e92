//! Number and address parsing with ipvsadm's (that is, the C library's)
//! semantics, and forward name lookups.
//!
//! ipvsadm reads numbers with `strtol` and addresses with `inet_aton`,
//! `inet_pton`, `gethostbyname` and `getservbyname`. Their quirks are part of
//! the command line ipvsadm accepts, so they are reproduced (the C library's
//! readers in [`super::libc`], re-exported here):
//!
//! - [`string_to_number`]: leading white space and a `+` are accepted,
//!   `080` is 80, trailing text is not;
//! - [`inet_aton`]: `1.2.3` is `1.2.0.3`, `0x01020304` and `16909060` are
//!   `1.2.3.4`, `010` is octal, and anything after white space is ignored;
//! - [`atoi`]: a prefix is enough, and the value wraps to 32 bits;
//! - [`host_v4`] and [`service_port`] ask the system resolver (NSS: files,
//!   DNS, ...), exactly as ipvsadm does, through the re-entrant
//!   `gethostbyname_r` / `getservbyname_r`.
//!
//! [`parse_service`] combines them into ipvsadm's `host[:port]` reader.

pub use super::libc::{atoi, inet_aton, inet_pton4, inet_pton6, strtol_full};
use rvsadm::Protocol;
use std::ffi::CString;
use std::net::{IpAddr, Ipv4Addr};

/// ipvsadm's `string_to_number`: [`strtol_full`] and `min <= n <= max`.
///
/// ```
/// use rvsadm_cli::compat::resolve::string_to_number;
/// assert_eq!(string_to_number(" +080", 0, 65535), Some(80));
/// assert_eq!(string_to_number("80 ", 0, 65535), None);
/// assert_eq!(string_to_number("", 0, 65535), None);
/// ```
pub fn string_to_number(s: &str, min: i64, max: i64) -> Option<i64> {
    strtol_full(s).filter(|n| (min..=max).contains(n))
}

/// Forward lookup of an IPv4 address by name, `gethostbyname` style: the
/// first address the resolver returns for `AF_INET`.
pub fn host_v4(name: &str) -> Option<Ipv4Addr> {
    ffi::gethostbyname_v4(name)
}

/// Port number (host order) of a named service for `tcp`, `udp` or `sctp`,
/// `getservbyname` style.
pub fn service_port(name: &str, proto: &str) -> Option<u16> {
    ffi::getservbyname_port(name, proto)
}

/// The result of [`parse_service`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HostPort {
    /// The address (IPv6 only from literal text).
    pub addr: IpAddr,
    /// The port, when the text had one.
    pub port: Option<u16>,
}

/// ipvsadm's `host[:port]` reader (`parse_service`).
///
/// `proto` is the protocol used to look up a service name in the port part;
/// `None` (no protocol known yet) matches no name.
///
/// - all digits (or empty): error;
/// - `[host]:port`: brackets need a `:` right after `]`;
/// - a host that is an IPv6 literal is taken whole, so `::1:80` is the
///   address `::1:80` without a port;
/// - otherwise the text is split at its last `:`, and the host is read by
///   [`inet_aton`], then [`host_v4`]. The split also applies to a bracketed
///   host, so `[1.2.3.4]:80` loses its port;
/// - the port is [`string_to_number`] in `0..=65535`, else a service name.
pub fn parse_service(text: &str, proto: Option<Protocol>) -> Option<HostPort> {
    if text.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let (mut host, mut port_text) = match text.strip_prefix('[') {
        Some(inner) => {
            let close = inner.find(']')?;
            let after = inner.get(close + 1..)?;
            (inner.get(..close)?, Some(after.strip_prefix(':')?))
        }
        None => (text, None),
    };
    // An IPv6 address has two colons at least: an IPv4 `host:port` is not
    // given to the IPv6 parser.
    let v6 = match host.bytes().filter(|&c| c == b':').nth(1) {
        Some(_) => inet_pton6(host),
        None => None,
    };
    let addr = match v6 {
        Some(a) => IpAddr::V6(a),
        None => {
            port_text = match host.rfind(':') {
                Some(i) => {
                    let p = host.get(i + 1..);
                    host = host.get(..i)?;
                    p
                }
                None => None,
            };
            IpAddr::V4(inet_aton(host).or_else(|| host_v4(host))?)
        }
    };
    let port = match port_text {
        None => None,
        Some(p) => Some(match string_to_number(p, 0, 65535) {
            Some(n) => u16::try_from(n).ok()?,
            None => service_port(p, proto.and_then(Protocol::name)?)?,
        }),
    };
    Some(HostPort { addr, port })
}

/// The C library calls. Kept small: strings in, plain values out.
mod ffi {
    use super::CString;
    use nix::libc::{c_char, c_int, hostent, servent, size_t, AF_INET, ERANGE};
    use std::net::Ipv4Addr;
    use std::ptr;

    extern "C" {
        fn gethostbyname_r(
            name: *const c_char,
            ret: *mut hostent,
            buf: *mut c_char,
            buflen: size_t,
            result: *mut *mut hostent,
            h_errnop: *mut c_int,
        ) -> c_int;
        fn getservbyname_r(
            name: *const c_char,
            proto: *const c_char,
            result_buf: *mut servent,
            buf: *mut c_char,
            buflen: size_t,
            result: *mut *mut servent,
        ) -> c_int;
    }

    /// Largest scratch buffer we try before giving up.
    const MAX_BUF: usize = 1 << 20;

    pub(super) fn gethostbyname_v4(name: &str) -> Option<Ipv4Addr> {
        let cname = CString::new(name).ok()?;
        let mut buf: Vec<c_char> = vec![0; 2048];
        loop {
            let mut he = hostent {
                h_name: ptr::null_mut(),
                h_aliases: ptr::null_mut(),
                h_addrtype: 0,
                h_length: 0,
                h_addr_list: ptr::null_mut(),
            };
            let mut result: *mut hostent = ptr::null_mut();
            let mut herr: c_int = 0;
            // SAFETY: every pointer refers to live, writable memory of the
            // stated size; the C library fills `he` and `buf` only.
            let rc = unsafe {
                gethostbyname_r(
                    cname.as_ptr(),
                    &mut he,
                    buf.as_mut_ptr(),
                    buf.len(),
                    &mut result,
                    &mut herr,
                )
            };
            if rc == ERANGE && buf.len() < MAX_BUF {
                buf.resize(buf.len() * 4, 0);
                continue;
            }
            if rc != 0 || result.is_null() {
                return None;
            }
            if he.h_addrtype != AF_INET || he.h_length != 4 || he.h_addr_list.is_null() {
                return None;
            }
            // SAFETY: on success h_addr_list is a NULL-terminated array of
            // pointers to h_length (4) bytes, stored in `buf`.
            let first = unsafe { *he.h_addr_list };
            if first.is_null() {
                return None;
            }
            let mut octets = [0u8; 4];
            // SAFETY: `first` points to 4 readable bytes (h_length == 4).
            unsafe { ptr::copy_nonoverlapping(first.cast::<u8>(), octets.as_mut_ptr(), 4) };
            return Some(Ipv4Addr::from(octets));
        }
    }

    pub(super) fn getservbyname_port(name: &str, proto: &str) -> Option<u16> {
        let cname = CString::new(name).ok()?;
        let cproto = CString::new(proto).ok()?;
        let mut buf: Vec<c_char> = vec![0; 1024];
        loop {
            let mut se = servent {
                s_name: ptr::null_mut(),
                s_aliases: ptr::null_mut(),
                s_port: 0,
                s_proto: ptr::null_mut(),
            };
            let mut result: *mut servent = ptr::null_mut();
            // SAFETY: as above; all buffers are live and sized.
            let rc = unsafe {
                getservbyname_r(
                    cname.as_ptr(),
                    cproto.as_ptr(),
                    &mut se,
                    buf.as_mut_ptr(),
                    buf.len(),
                    &mut result,
                )
            };
            if rc == ERANGE && buf.len() < MAX_BUF {
                buf.resize(buf.len() * 4, 0);
                continue;
            }
            if rc != 0 || result.is_null() {
                return None;
            }
            // s_port holds the port in network byte order in its low 16 bits.
            return Some(u16::from_be(se.s_port as u16));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(strtol_full(" \t+5"), Some(5));
        assert_eq!(strtol_full("-5"), Some(-5));
        assert_eq!(strtol_full("+"), None);
        assert_eq!(strtol_full(" "), None);
        assert_eq!(strtol_full("5 "), None);
        assert_eq!(strtol_full("9223372036854775807"), Some(i64::MAX));
        assert_eq!(strtol_full("9223372036854775808"), None);
        assert_eq!(strtol_full("-9223372036854775808"), Some(i64::MIN));
        assert_eq!(strtol_full("-9223372036854775809"), None);
        assert_eq!(
            string_to_number("2147483647", 0, i64::from(i32::MAX)),
            Some(2147483647)
        );
        assert_eq!(string_to_number("2147483648", 0, i64::from(i32::MAX)), None);
        assert_eq!(atoi("64abc"), 64);
        assert_eq!(atoi(" +64"), 64);
        assert_eq!(atoi("4294967360"), 64);
        assert_eq!(atoi("x"), 0);
        assert_eq!(atoi("99999999999999999999999"), -1);
    }

    #[test]
    fn aton() {
        let a = |s| inet_aton(s);
        assert_eq!(a("1.2.3.4"), Some(Ipv4Addr::new(1, 2, 3, 4)));
        assert_eq!(a("16909060"), Some(Ipv4Addr::new(1, 2, 3, 4)));
        assert_eq!(a("1.16777215"), Some(Ipv4Addr::new(1, 255, 255, 255)));
        assert_eq!(a("1.16777216"), None);
        assert_eq!(a("0xffffffff"), Some(Ipv4Addr::BROADCAST));
        assert_eq!(a("0x100000000"), None);
        assert_eq!(a("01.02.03.010"), Some(Ipv4Addr::new(1, 2, 3, 8)));
        assert_eq!(a("1.2.3.4 junk"), Some(Ipv4Addr::new(1, 2, 3, 4)));
        assert_eq!(a("1.2.3.4\t"), Some(Ipv4Addr::new(1, 2, 3, 4)));
        assert_eq!(a("0"), Some(Ipv4Addr::UNSPECIFIED));
        for bad in [
            "",
            "1.2.3.4.5",
            "256.1.1.1",
            "1..2",
            "1.2.3.",
            "09.1.1.1",
            "0x",
            "x",
            " 1.2.3.4",
            "1.2.3.4x",
            "+1.2.3.4",
            "1.2.3.4.",
        ] {
            assert_eq!(a(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn services() {
        let tcp = Some(Protocol::Tcp);
        let p = |s: &str| parse_service(s, tcp);
        let v4 = |a, b, c, d| IpAddr::V4(Ipv4Addr::new(a, b, c, d));
        assert_eq!(
            p("1.2.3.4:80"),
            Some(HostPort {
                addr: v4(1, 2, 3, 4),
                port: Some(80)
            })
        );
        assert_eq!(
            p("[1.2.3.4]:80"),
            Some(HostPort {
                addr: v4(1, 2, 3, 4),
                port: None
            })
        );
        assert_eq!(
            p("::1:80"),
            Some(HostPort {
                addr: "::1:80".parse().unwrap(),
                port: None
            })
        );
        assert_eq!(
            p("[::1]:80"),
            Some(HostPort {
                addr: "::1".parse().unwrap(),
                port: Some(80)
            })
        );
        for bad in [
            "",
            "80",
            "[::1]",
            "[::1]80",
            "1.2.3.4:",
            ":80",
            "1.2.3.4:0x50",
            "1.2.3.4:99999",
        ] {
            assert_eq!(p(bad), None, "{bad:?}");
        }
    }
}
