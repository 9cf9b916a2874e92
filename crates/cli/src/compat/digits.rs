//! Numbers and IPv4 addresses as decimal text, appended to a byte buffer.
//!
//! Listings write tens of thousands of them; `core::fmt` goes through its
//! formatter (width, fill, flags) for each, which costs more than the
//! digits. These write the same bytes as `{}` does.
//!
//! ```
//! use rvsadm_cli::compat::digits::{push_ipv4, push_u64};
//! let mut out = Vec::new();
//! push_ipv4(&mut out, "10.0.255.1".parse().unwrap());
//! out.push(b':');
//! push_u64(&mut out, 8080);
//! assert_eq!(out, b"10.0.255.1:8080");
//! ```

use std::io::{self, Write};
use std::net::Ipv4Addr;

/// The digits of `v` at the end of a buffer, and where they start.
fn decimal(v: u64) -> ([u8; 20], usize) {
    // u64::MAX has 20 digits.
    let mut buf = [0u8; 20];
    let mut at = buf.len();
    let mut rest = v;
    loop {
        at -= 1;
        if let Some(slot) = buf.get_mut(at) {
            // The remainder is below 10.
            *slot = b'0' + (rest % 10) as u8;
        }
        rest /= 10;
        if rest == 0 || at == 0 {
            break;
        }
    }
    (buf, at)
}

/// `v` in decimal, as `{}` writes it.
pub fn push_u64(out: &mut Vec<u8>, v: u64) {
    let (buf, at) = decimal(v);
    out.extend_from_slice(buf.get(at..).unwrap_or_default());
}

/// [`push_u64`] to a writer.
pub fn write_u64<W: Write + ?Sized>(w: &mut W, v: u64) -> io::Result<()> {
    let (buf, at) = decimal(v);
    w.write_all(buf.get(at..).unwrap_or_default())
}

/// `a` as `a.b.c.d`, as `{}` writes it.
pub fn push_ipv4(out: &mut Vec<u8>, a: Ipv4Addr) {
    for (i, octet) in a.octets().into_iter().enumerate() {
        if i > 0 {
            out.push(b'.');
        }
        push_u64(out, u64::from(octet));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_bytes_as_display() {
        for v in [0, 1, 9, 10, 99, 100, 255, 65535, 4_294_967_295, u64::MAX] {
            let mut out = Vec::new();
            push_u64(&mut out, v);
            assert_eq!(out, v.to_string().as_bytes());
            let mut written = Vec::new();
            write_u64(&mut written, v).unwrap();
            assert_eq!(written, out);
        }
        for a in ["0.0.0.0", "255.255.255.255", "10.0.0.1", "192.168.100.9"] {
            let a: Ipv4Addr = a.parse().unwrap();
            let mut out = Vec::new();
            push_ipv4(&mut out, a);
            assert_eq!(out, a.to_string().as_bytes());
        }
    }
}
