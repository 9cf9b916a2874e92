//! The C library as ipvsadm sees it: glibc's number and address readers
//! and the `fgets`/`sscanf` used to read `/proc`, with their quirks.
//!
//! ipvsadm reads its numbers with `strtol`/`strtoul`, its addresses with
//! `inet_aton` and `inet_pton`, and `/proc/net/ip_vs_conn` with `fgets` and
//! `sscanf`. What they accept and how they cut, wrap or saturate is part of
//! what ipvsadm does, so the command line ([`super::resolve`], the parser)
//! and the connection listing ([`super::render`]) both read through this
//! one module:
//!
//! - [`isspace`]: white space in the "C" locale;
//! - [`Scan`]: a cursor with `sscanf`'s `%s` and `strtol`/`strtoul`
//!   conversions (sign, `0x` in radix 16, saturation);
//! - [`strtol_full`] and [`atoi`] (on [`Scan`]), [`clamp_ul`] and
//!   [`strtoul_hex_u32`] (`strtoul`'s wrap to `unsigned long` and the cut to
//!   32 bits);
//! - [`inet_aton`]: `1.2.3` is `1.2.0.3`, `0x01020304` and `16909060` are
//!   `1.2.3.4`, `010` is octal, and anything after white space is ignored;
//! - [`pton4`]/[`inet_pton4`] and [`pton6`]/[`inet_pton6`]: `inet_pton`;
//! - [`fgets_chunks`]: a 256-byte `fgets` buffer;
//! - [`strerror`]: the text of an errno, ipvsadm's last resort for a
//!   message ([`super::messages`]).

use std::net::{Ipv4Addr, Ipv6Addr};

/// glibc's `strerror` text for a positive `errno` (`"No such process"`
/// for 3), as ipvsadm prints it for an errno it has no text of its own for.
///
/// ```
/// use rvsadm_cli::compat::libc::strerror;
/// assert_eq!(strerror(34), "Numerical result out of range");
/// ```
pub fn strerror(errno: i32) -> String {
    let text = std::io::Error::from_raw_os_error(errno).to_string();
    // std's text is the C library's with " (os error N)" appended.
    match text.rfind(" (os error ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

/// C's `isspace` in the "C" locale.
pub fn isspace(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// A cursor emulating glibc `sscanf` conversions.
#[derive(Debug, Clone)]
pub struct Scan<'a> {
    s: &'a [u8],
    i: usize,
}

impl<'a> Scan<'a> {
    /// A cursor at the start of `s`.
    pub fn new(s: &'a [u8]) -> Self {
        Scan { s, i: 0 }
    }

    /// How many bytes have been read.
    pub fn consumed(&self) -> usize {
        self.i
    }

    /// Skip white space (`isspace`), as every conversion but `%c` does.
    pub fn skip_ws(&mut self) {
        while self.s.get(self.i).is_some_and(|b| isspace(*b)) {
            self.i += 1;
        }
    }

    /// `%s`: `None` at end of input.
    pub fn word(&mut self) -> Option<&'a [u8]> {
        self.skip_ws();
        let start = self.i;
        while self.s.get(self.i).is_some_and(|b| !isspace(*b) && *b != 0) {
            self.i += 1;
        }
        (self.i > start).then(|| &self.s[start..self.i])
    }

    /// An integer in `radix` with `strtoul`/`strtol` rules (sign, `0x` for
    /// radix 16, saturation on overflow); `None` if no digit.
    pub fn number(&mut self, radix: u32) -> Option<i128> {
        self.skip_ws();
        let mut neg = false;
        if let Some(c @ (b'+' | b'-')) = self.s.get(self.i) {
            neg = *c == b'-';
            self.i += 1;
        }
        if radix == 16
            && self.s.get(self.i) == Some(&b'0')
            && matches!(self.s.get(self.i + 1), Some(b'x' | b'X'))
            && self.s.get(self.i + 2).is_some_and(u8::is_ascii_hexdigit)
        {
            self.i += 2;
        }
        let start = self.i;
        let mut v: i128 = 0;
        while let Some(d) = self
            .s
            .get(self.i)
            .and_then(|b| (*b as char).to_digit(radix))
        {
            v = (v * i128::from(radix) + i128::from(d)).min(i128::from(u64::MAX) + 1);
            self.i += 1;
        }
        (self.i > start).then_some(if neg { -v } else { v })
    }
}

/// `strtol(s, &end, 10)` on the longest prefix: `None` when no digit was
/// read; otherwise the value (saturated to the `i64` range, with a flag that
/// is `true` on overflow, C's `ERANGE`) and the number of bytes consumed.
fn strtol_prefix(s: &str) -> Option<(i64, bool, usize)> {
    let mut sc = Scan::new(s.as_bytes());
    let v = sc.number(10)?;
    let value = i64::try_from(v).unwrap_or(if v < 0 { i64::MIN } else { i64::MAX });
    Some((value, i128::from(value) != v, sc.consumed()))
}

/// `strtol(s, &end, 10)` that must consume the whole string without
/// overflow. Leading white space and a sign are accepted.
pub fn strtol_full(s: &str) -> Option<i64> {
    match strtol_prefix(s) {
        Some((v, false, n)) if n == s.len() => Some(v),
        _ => None,
    }
}

/// C's `atoi` as glibc implements it: `(int) strtol(s, NULL, 10)`. A number
/// prefix is enough, no digits give 0, and the saturated `long` wraps to
/// 32 bits (`4294967360` is 64).
pub fn atoi(s: &str) -> i32 {
    match strtol_prefix(s) {
        // Truncation to int is the point here.
        Some((v, _, _)) => v as i32,
        None => 0,
    }
}

/// A scanned `%hX` value as `strtoul` gives it before the cut to 16 bits.
pub fn clamp_ul(v: i128) -> u64 {
    if v > i128::from(u64::MAX) {
        u64::MAX
    } else if v < 0 {
        (v.unsigned_abs().min(u128::from(u64::MAX)) as u64).wrapping_neg()
    } else {
        v as u64
    }
}

/// `strtoul(s, NULL, 16)` truncated to 32 bits, as ipvsadm's last-resort
/// address parse does.
pub fn strtoul_hex_u32(s: &[u8]) -> u32 {
    let mut sc = Scan::new(s);
    clamp_ul(sc.number(16).unwrap_or(0)) as u32
}

/// `strtoul(s, &end, 0)` for a string that starts with a digit: the value
/// (`None` on overflow of 64 bits) and the bytes consumed.
fn strtoul_c_literal(s: &[u8]) -> (Option<u64>, usize) {
    let (radix, mut i) = match s {
        [b'0', b'x' | b'X', h, ..] if h.is_ascii_hexdigit() => (16, 2),
        [b'0', ..] => (8, 0),
        _ => (10, 0),
    };
    let mut acc: Option<u64> = Some(0);
    while let Some(&c) = s.get(i) {
        let Some(d) = char::from(c).to_digit(radix) else {
            break;
        };
        acc = acc
            .and_then(|a| a.checked_mul(u64::from(radix)))
            .and_then(|a| a.checked_add(u64::from(d)));
        i += 1;
    }
    (acc, i)
}

/// glibc's `inet_aton`: one to four parts separated by dots, each a C
/// integer literal (decimal, `0` octal or `0x` hex); the last part fills the
/// remaining bytes. The text may end at white space, after which anything
/// is ignored.
///
/// ```
/// use rvsadm_cli::compat::libc::inet_aton;
/// use std::net::Ipv4Addr;
/// assert_eq!(inet_aton("1.2.3"), Some(Ipv4Addr::new(1, 2, 0, 3)));
/// assert_eq!(inet_aton("0x01020304"), Some(Ipv4Addr::new(1, 2, 3, 4)));
/// assert_eq!(inet_aton("010.1.1.1 junk"), Some(Ipv4Addr::new(8, 1, 1, 1)));
/// assert_eq!(inet_aton("09.1.1.1"), None);
/// ```
pub fn inet_aton(s: &str) -> Option<Ipv4Addr> {
    let b = s.as_bytes();
    // At most four parts: the dotted ones, then the last.
    let mut parts = [0u64; 4];
    let mut count = 0usize;
    let mut i = 0;
    loop {
        if !b.get(i)?.is_ascii_digit() {
            return None;
        }
        let (value, used) = strtoul_c_literal(b.get(i..)?);
        let value = value.filter(|v| *v <= 0xffff_ffff)?;
        i += used;
        match b.get(i) {
            Some(b'.') => {
                if count >= 3 || value > 0xff {
                    return None;
                }
                *parts.get_mut(count)? = value;
                count += 1;
                i += 1;
            }
            None => {
                *parts.get_mut(count)? = value;
                count += 1;
                break;
            }
            Some(&c) if isspace(c) => {
                *parts.get_mut(count)? = value;
                count += 1;
                break;
            }
            Some(_) => return None,
        }
    }
    let parts = parts.get(..count)?;
    let last = *parts.last()?;
    let head = parts.len() - 1;
    let room: u32 = 8 * (4 - head as u32);
    if room < 32 && last >> room != 0 {
        return None;
    }
    let mut v: u32 = 0;
    for (k, p) in parts.iter().take(head).enumerate() {
        v |= (*p as u32) << (24 - 8 * k as u32);
    }
    Some(Ipv4Addr::from(v | last as u32))
}

/// `inet_pton(AF_INET, ..)`: strict dotted quad ([`pton4`]).
pub fn inet_pton4(s: &str) -> Option<Ipv4Addr> {
    pton4(s.as_bytes()).map(Ipv4Addr::from)
}

/// `inet_pton(AF_INET6, ..)`: no brackets, no scope.
pub fn inet_pton6(s: &str) -> Option<Ipv6Addr> {
    s.parse().ok()
}

/// glibc `inet_pton(AF_INET)`: four decimal octets, no leading zeros.
pub fn pton4(s: &[u8]) -> Option<[u8; 4]> {
    let mut out = [0u8; 4];
    let mut octets = 0usize;
    let mut cur: u32 = 0;
    let mut saw_digit = false;
    for &c in s {
        if c.is_ascii_digit() {
            if saw_digit && cur == 0 {
                return None;
            }
            cur = cur * 10 + u32::from(c - b'0');
            if cur > 255 {
                return None;
            }
            if !saw_digit {
                octets += 1;
                if octets > 4 {
                    return None;
                }
                saw_digit = true;
            }
            *out.get_mut(octets - 1)? = cur as u8;
        } else if c == b'.' && saw_digit {
            if octets == 4 {
                return None;
            }
            cur = 0;
            saw_digit = false;
        } else {
            return None;
        }
    }
    (octets == 4).then_some(out)
}

/// `inet_pton(AF_INET6)` on bytes ([`inet_pton6`]).
pub fn pton6(s: &[u8]) -> Option<[u8; 16]> {
    inet_pton6(std::str::from_utf8(s).ok()?).map(|a| a.octets())
}

/// `fgets` into a 256-byte buffer, as ipvsadm reads `/proc`: pieces of at
/// most 255 bytes, each ending after a newline if one comes first.
pub fn fgets_chunks(text: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let limit = rest.len().min(255);
        let end = rest
            .iter()
            .take(limit)
            .position(|b| *b == b'\n')
            .map_or(limit, |p| p + 1);
        let (chunk, r) = rest.split_at(end);
        rest = r;
        Some(chunk)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strtol_saturates_and_counts() {
        assert_eq!(strtol_prefix(" +12x"), Some((12, false, 4)));
        assert_eq!(strtol_prefix("-"), None);
        assert_eq!(
            strtol_prefix("-9223372036854775808"),
            Some((i64::MIN, false, 20))
        );
        assert_eq!(
            strtol_prefix("9223372036854775808"),
            Some((i64::MAX, true, 19))
        );
        assert_eq!(
            strtol_prefix("-99999999999999999999999"),
            Some((i64::MIN, true, 24))
        );
        assert_eq!(atoi("4294967360"), 64);
    }

    #[test]
    fn pton4_is_strict_dotted_quad() {
        for s in [
            "1.2.3.4",
            "0.0.0.0",
            "255.255.255.255",
            "01.2.3.4",
            "00.1.1.1",
            "256.1.1.1",
            "1.2.3",
            "1.2.3.4.",
            "1..2.3",
            " 1.2.3.4",
            "1.2.3.4 ",
            "+1.2.3.4",
            "1.2.3.0x4",
            "",
            "1.2.3.1000",
        ] {
            assert_eq!(inet_pton4(s), s.parse::<Ipv4Addr>().ok(), "{s:?}");
        }
    }

    #[test]
    fn fgets_pieces() {
        let long = [b'a'; 300];
        let v: Vec<usize> = fgets_chunks(&long).map(<[u8]>::len).collect();
        assert_eq!(v, [255, 45]);
        let v: Vec<&[u8]> = fgets_chunks(b"a\nb").collect();
        assert_eq!(v, [&b"a\n"[..], &b"b"[..]]);
    }
}
