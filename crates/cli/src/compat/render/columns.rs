//! printf's columns as ipvsadm uses them: `%-Ns` padding, `" %-Nd"` line
//! ends, and `print_largenum`'s abbreviated counters.

use crate::compat::digits::push_u64;
use std::io::{self, Write};

/// `print_largenum`: a counter in a 9-byte column, abbreviated with
/// K/M/G/T (truncating division) unless `exact`.
///
/// ```
/// use rvsadm_cli::compat::render::largenum;
/// assert_eq!(largenum(123_456_789, false), "  123456K");
/// assert_eq!(largenum(150_000_000_000_000, false), "     150T");
/// assert_eq!(largenum(123_456_789_012, true), " 123456789012");
/// ```
pub fn largenum(i: u64, exact: bool) -> String {
    if exact {
        let len = i.to_string().len();
        let width = if len <= 8 { 9 } else { len + 1 };
        return format!("{i:>width$}");
    }
    if i < 100_000_000 {
        format!("{i:>9}")
    } else if i < 1_000_000_000 {
        format!("{:>8}K", i / 1000)
    } else if i < 100_000_000_000 {
        format!("{:>8}M", i / 1_000_000)
    } else if i < 100_000_000_000_000 {
        format!("{:>8}G", i / 1_000_000_000)
    } else {
        format!("{:>8}T", i / 1_000_000_000_000)
    }
}

/// Write `s` left-justified in `width` bytes (C's `%-Ns`: never truncates).
pub(super) fn pad<W: Write + ?Sized>(w: &mut W, s: &[u8], width: usize) -> io::Result<()> {
    w.write_all(s)?;
    const SPACES: [u8; 64] = [b' '; 64];
    let mut fill = width.saturating_sub(s.len());
    while fill > 0 {
        let n = fill.min(SPACES.len());
        w.write_all(&SPACES[..n])?;
        fill -= n;
    }
    Ok(())
}

/// One value of [`write_cols`].
#[derive(Debug, Clone, Copy)]
pub(super) enum Cell<'a> {
    /// Text as it is.
    Text(&'a str),
    /// A number in decimal.
    Num(u64),
}

/// Write the end of a line: each value after a space, left-aligned in its
/// width (C's `" %-Nd"`), then `\n`, in one write. The line is built with
/// one `resize` per fill, where `format!("{:<N}")` writes the fill a
/// character at a time, which shows in listings of many thousand lines.
pub(super) fn write_cols<W: Write + ?Sized>(
    w: &mut W,
    cols: &[(Cell<'_>, usize)],
) -> io::Result<()> {
    let mut line = Vec::with_capacity(64);
    for (v, width) in cols {
        line.push(b' ');
        let start = line.len();
        match v {
            Cell::Text(t) => line.extend_from_slice(t.as_bytes()),
            Cell::Num(n) => push_u64(&mut line, *n),
        }
        if line.len() - start < *width {
            line.resize(start + width, b' ');
        }
    }
    line.push(b'\n');
    w.write_all(&line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn largenum_boundaries() {
        let cases: [(u64, &str); 12] = [
            (0, "        0"),
            (99_999_999, " 99999999"),
            (100_000_000, "  100000K"),
            (123_456_789, "  123456K"),
            (999_999_999, "  999999K"),
            (1_000_000_000, "    1000M"),
            (99_999_999_999, "   99999M"),
            (100_000_000_000, "     100G"),
            (99_999_999_999_999, "   99999G"),
            (100_000_000_000_000, "     100T"),
            (150_000_000_000_000, "     150T"),
            (u64::MAX, "18446744T"),
        ];
        for (v, want) in cases {
            assert_eq!(largenum(v, false), want, "{v}");
        }
    }

    #[test]
    fn largenum_exact() {
        assert_eq!(largenum(0, true), "        0");
        assert_eq!(largenum(12_345_678, true), " 12345678");
        assert_eq!(largenum(123_456_789, true), " 123456789");
        assert_eq!(largenum(u64::MAX, true), " 18446744073709551615");
    }
}
