//! What a file check says, by keepalived 2.2.7's FILE_CHECK rules
//! (`trackers/track_file.c`, `check/check_file.c`, `check/ipwrapper.c`,
//! `check/check_daemon.c`), as read from its source:
//!
//! * **Reading.** The file's first 127 bytes are read as C's
//!   `strtol(text, NULL, 0)`: white space skipped, a sign, then `0x` for
//!   hexadecimal, a leading `0` for octal, else decimal, up to the first
//!   byte that is not a digit (`0x10` is 16, `010` is 8, `-3` is -3,
//!   `12abc` is 12, `abc` is 0). A missing, empty or unreadable file
//!   reads as 0, and so does a file deleted or moved away. A number
//!   beyond C's `long`, or outside -2147483648..=2147483648, is logged
//!   and ignored: the value read before stays. keepalived reads the file
//!   at start and whenever inotify reports it written and closed, moved
//!   in, moved away or deleted; rvsadmd reads it at every check (`file`
//!   checks of a keepalived.conf every second) and acts when the value
//!   differs from the last one, which comes to the same except that a
//!   file held open while written counts when read, not when closed.
//! * **Weight.** `track_file`'s `weight W [reverse]` (default 1, within
//!   -254..=254) is the factor unless the FILE_CHECK writes its own
//!   `weight W [reverse|noreverse]` (±2147483647). With `reverse` the
//!   product is negated.
//! * **Status.** With factor 0 the value only says down (any value but 0;
//!   with `reverse`: 0) or up, adding nothing. Otherwise the checker's
//!   status is value × factor (× -1 with reverse), clamped to the range of
//!   C's `int`: -2147483648 or less is down (keepalived's fault), anything
//!   else is up and is added to the real server's weight.
//! * **Changes.** When the value changes and with it the status, the
//!   checker goes down (its addition taken back) when the new status is
//!   a fault; comes up adding the new status when the old one was a
//!   fault; else changes its addition by the difference of the two
//!   statuses, staying up or down as it was.
//! * **Start.** At start keepalived reads a value other than 0 its own
//!   way: with factor 0 it is down whatever `reverse` says; otherwise its
//!   addition is the product cut to 32 bits (C's `int`), down when the
//!   product is -2147483648 or less, that addition kept in the weight
//!   even while down. A value of 0 at start is up, adding nothing (with
//!   factor 0 and `reverse` too). These stay until a change above says
//!   otherwise. If the file's directory does not exist at start,
//!   keepalived forgets the file: the checker stays up, adding nothing.
//! * **`init_file [V] [overwrite]`** writes `V` (default 0) and a newline
//!   to the file when it does not exist, or with `overwrite` when it is a
//!   regular file, before the first read (keepalived, when it reads its
//!   configuration; rvsadmd, before the check's first read, and not again
//!   while a reload keeps the check).
//! * **The real server.** Its weight is its configured weight plus what
//!   its file checks add (a MISC_CHECK with `misc_dynamic` replaces the
//!   configured weight by the one it asks for), put in the table as 0
//!   when the sum is 0 or less and as 2147483647 at most: a real whose
//!   sum falls to 0 or below stays in the table at weight 0. Several
//!   FILE_CHECKs add up. The real server is up while every checker is up
//!   (FILE_CHECK, TCP_CHECK ... alike): [`crate::health::verdict`].

/// keepalived's fault status (`IPVS_WEIGHT_FAULT`, C's `INT_MIN`).
pub const FAULT: i64 = i32::MIN as i64;

/// The largest value read that keepalived takes (`INT32_MAX + 1`).
const MAX_VALUE: i64 = i32::MAX as i64 + 1;

/// A file check's factor and direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Factor {
    /// The multiplier (keepalived's `weight`).
    pub weight: i64,
    /// Negate the product (with weight 0: 0 is down, the rest up).
    pub reverse: bool,
}

impl Factor {
    /// The status of value `v`: [`FAULT`] (down) or what the checker adds.
    pub fn status(self, v: i64) -> i64 {
        if self.weight == 0 {
            return if (v != 0) != self.reverse { FAULT } else { 0 };
        }
        let sign = if self.reverse { -1 } else { 1 };
        v.saturating_mul(self.weight)
            .saturating_mul(sign)
            .clamp(FAULT, i64::from(i32::MAX))
    }
}

/// What a file check has read and says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Track {
    /// The file's directory did not exist at start: up, adding nothing.
    Forgotten,
    /// The file is followed.
    Read {
        /// The last value taken.
        last: i64,
        /// Whether the checker is up.
        up: bool,
        /// The checker's current status (keepalived's `cur_weight`).
        cur: i64,
        /// What it has added to the real server's weight.
        added: i64,
    },
}

impl Track {
    /// The state after the read at start of value `v` (0 when the file
    /// does not exist).
    pub fn start(f: Factor, v: i64) -> Track {
        let product = v
            .saturating_mul(f.weight)
            .saturating_mul(if f.reverse { -1 } else { 1 });
        let down = v != 0 && (f.weight == 0 || product <= FAULT);
        // C's (int) of the 64-bit product: its low 32 bits.
        let cur = if v != 0 && f.weight != 0 {
            i64::from(product as i32)
        } else {
            0
        };
        Track::Read {
            last: v,
            up: !down,
            cur,
            added: cur,
        }
    }

    /// The state after value `n` is read (`None`: a number keepalived
    /// ignores).
    pub fn next(self, f: Factor, n: Option<i64>) -> Track {
        let (
            Track::Read {
                last,
                up,
                cur,
                added,
            },
            Some(n),
        ) = (self, n)
        else {
            return self;
        };
        let (prev, new) = (f.status(last), f.status(n));
        let (up, cur, added) = if n == last || prev == new {
            (up, cur, added)
        } else if new == FAULT {
            (false, 0, added - cur)
        } else if prev == FAULT {
            (true, new, added + new)
        } else {
            (up, new, added + new - prev)
        };
        Track::Read {
            last: n,
            up,
            cur,
            added,
        }
    }

    /// Whether the checker is up, and what it adds to the weight.
    pub fn says(self) -> (bool, i64) {
        match self {
            Track::Forgotten => (true, 0),
            Track::Read { up, added, .. } => (up, added),
        }
    }
}

/// The number at the start of `text`, read as C's `strtol(text, NULL, 0)`
/// on a 64-bit machine; `None` when keepalived ignores it (beyond `long`,
/// or outside -2147483648..=2147483648).
///
/// ```
/// use rvsadmd::probe::file_track::c_number;
/// assert_eq!(c_number(b" 0x10\n"), Some(16));
/// assert_eq!(c_number(b"010"), Some(8));
/// assert_eq!(c_number(b"-3 apples"), Some(-3));
/// assert_eq!(c_number(b"apples"), Some(0));
/// assert_eq!(c_number(b"4294967296"), None);
/// ```
pub fn c_number(text: &[u8]) -> Option<i64> {
    let at = |i: usize| text.get(i).copied().unwrap_or(0);
    let mut i = text
        .iter()
        .position(|b| !matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r'))
        .unwrap_or(text.len());
    let negative = at(i) == b'-';
    if matches!(at(i), b'-' | b'+') {
        i += 1;
    }
    let radix =
        if at(i) == b'0' && matches!(at(i + 1), b'x' | b'X') && at(i + 2).is_ascii_hexdigit() {
            i += 2;
            16
        } else if at(i) == b'0' {
            8
        } else {
            10
        };
    let mut magnitude: u128 = 0;
    while let Some(d) = char::from(at(i)).to_digit(radix) {
        // Past 2^64 the value is out of every range that matters.
        magnitude = (magnitude * u128::from(radix) + u128::from(d)).min(1 << 65);
        i += 1;
    }
    let value = if negative {
        -i128::try_from(magnitude).ok()?
    } else {
        i128::try_from(magnitude).ok()?
    };
    i64::try_from(value)
        .ok()
        .filter(|v| (FAULT..=MAX_VALUE).contains(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ONE: Factor = Factor {
        weight: 1,
        reverse: false,
    };

    #[test]
    fn numbers_in_c_notation() {
        for (text, want) in [
            (&b"16"[..], Some(16)),
            (b"0x10", Some(16)),
            (b"0X1f", Some(31)),
            (b"010", Some(8)),
            (b"08", Some(0)),
            (b"-3", Some(-3)),
            (b"+7", Some(7)),
            (b" \t\n-0x10\n", Some(-16)),
            (b"12abc", Some(12)),
            (b"0x", Some(0)),
            (b"0xg", Some(0)),
            (b"1e3", Some(1)),
            (b"+-3", Some(0)),
            (b"-", Some(0)),
            (b"", Some(0)),
            (b"abc", Some(0)),
            (b"2147483648", Some(2_147_483_648)),
            (b"-2147483648", Some(-2_147_483_648)),
            (b"2147483649", None),
            (b"-2147483649", None),
            (b"99999999999999999999999", None),
        ] {
            assert_eq!(c_number(text), want, "{:?}", String::from_utf8_lossy(text));
        }
    }

    #[test]
    fn status_multiplies_negates_and_clamps() {
        let f = |weight, reverse| Factor { weight, reverse };
        assert_eq!(f(2, false).status(3), 6);
        assert_eq!(f(2, true).status(3), -6);
        assert_eq!(f(-2, true).status(3), 6);
        assert_eq!(f(1, false).status(-3), -3);
        assert_eq!(f(1, false).status(2_147_483_648), i64::from(i32::MAX));
        assert_eq!(f(2, true).status(2_000_000_000), FAULT);
        assert_eq!(f(1, false).status(-2_147_483_648), FAULT);
        // Factor 0: 0 up, the rest down; reverse turns it around.
        assert_eq!((f(0, false).status(0), f(0, false).status(5)), (0, FAULT));
        assert_eq!((f(0, true).status(0), f(0, true).status(-5)), (FAULT, 0));
    }

    fn run(f: Factor, start: i64, values: &[Option<i64>]) -> Vec<(bool, i64)> {
        let mut t = Track::start(f, start);
        let mut out = vec![t.says()];
        for v in values {
            t = t.next(f, *v);
            out.push(t.says());
        }
        out
    }

    #[test]
    fn values_add_to_the_weight_and_negative_sums_stay_up() {
        // Positive, 0, negative, missing (0), 0x10, a number ignored.
        let got = run(
            Factor {
                weight: 2,
                reverse: false,
            },
            5,
            &[Some(0), Some(-3), Some(0), Some(16), None],
        );
        assert_eq!(
            got,
            [
                (true, 10),
                (true, 0),
                (true, -6),
                (true, 0),
                (true, 32),
                (true, 32)
            ]
        );
        let rev = run(
            Factor {
                weight: 3,
                reverse: true,
            },
            1,
            &[Some(-2)],
        );
        assert_eq!(rev, [(true, -3), (true, 6)]);
    }

    #[test]
    fn a_fault_takes_the_addition_back_and_recovery_adds_anew() {
        let f = Factor {
            weight: 1,
            reverse: false,
        };
        let got = run(f, 4, &[Some(-2_147_483_648), Some(7), Some(7)]);
        assert_eq!(got, [(true, 4), (false, 0), (true, 7), (true, 7)]);
    }

    #[test]
    fn factor_zero_only_says_up_or_down() {
        let plain = Factor {
            weight: 0,
            reverse: false,
        };
        assert_eq!(
            run(plain, 0, &[Some(3), Some(0), Some(-1)]),
            [(true, 0), (false, 0), (true, 0), (false, 0)]
        );
        let reverse = Factor {
            weight: 0,
            reverse: true,
        };
        assert_eq!(
            run(reverse, 3, &[Some(0), Some(4)]),
            // At start keepalived reads 3 as down whatever reverse says;
            // the change to 0 keeps it down, 4 brings it up.
            [(false, 0), (false, 0), (true, 0)]
        );
        // 0 at start is up, even reversed; it stays up until a value
        // other than 0 and back again.
        assert_eq!(
            run(reverse, 0, &[Some(5), Some(0)]),
            [(true, 0), (true, 0), (false, 0)]
        );
    }

    #[test]
    fn start_keeps_keepalived_int_arithmetic() {
        // 2147483648 x 1 is up at start with C's (int) of it added.
        assert_eq!(Track::start(ONE, 2_147_483_648).says(), (true, FAULT));
        // A fault at start keeps its product in the weight, even after.
        let t = Track::start(ONE, -2_147_483_648);
        assert_eq!(t.says(), (false, FAULT));
        assert_eq!(t.next(ONE, Some(5)).says(), (true, FAULT + 5));
        assert_eq!(Track::Forgotten.next(ONE, Some(5)).says(), (true, 0));
    }
}
