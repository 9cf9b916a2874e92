//! `~SEQ(VAR, START, STEP, END) TEXT` and `~SEQx(...)` lines, following
//! keepalived 2.2.7's `lib/parser.c` (`add_seq` and the sequence branch
//! of `read_line`): TEXT is read once per value, with `$VAR` defined as
//! that value (in hexadecimal for `~SEQx`).

/// keepalived's buffer for the numbers: three longs, separators, `)`.
const MAX_PARAMS: usize = 3 * 20 + 3;

/// A sequence being read out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seq {
    /// The variable defined for each line.
    pub var: String,
    next: i64,
    step: i64,
    last: i64,
    hex: bool,
    /// The text read once per value.
    pub text: String,
    done: bool,
}

/// The parts of a `~SEQ` line before its numbers are read: the
/// variable, whether `~SEQx`, the numbers' text (up to and with `)`,
/// where definitions are then substituted) and the text after.
#[derive(Debug, PartialEq, Eq)]
pub struct Head<'a> {
    /// The variable.
    pub var: &'a str,
    /// `~SEQx`.
    pub hex: bool,
    /// The numbers, with the closing `)`.
    pub params: &'a str,
    /// The text after `)`, without leading blanks.
    pub text: &'a str,
}

fn blanks(s: &str) -> &str {
    s.trim_start_matches([' ', '\t'])
}

/// Split a line starting `~SEQ`.
///
/// # Errors
/// The line does not have keepalived's form.
pub fn head(line: &str) -> Result<Head<'_>, String> {
    let bad =
        || format!("invalid ~SEQ specification `{line}`: write ~SEQ(VAR, START, STEP, END) TEXT");
    let rest = line.strip_prefix("~SEQ").ok_or_else(bad)?;
    let (hex, rest) = match rest.strip_prefix('x') {
        Some(r) => (true, r),
        None => (false, rest),
    };
    let rest = blanks(blanks(rest).strip_prefix('(').ok_or_else(bad)?);
    let var_end = rest.find([' ', '\t', ',', ')']).unwrap_or(rest.len());
    let var = &rest[..var_end];
    let after = blanks(&rest[var_end..]);
    let mut chars = after.chars();
    match chars.next() {
        Some(')') | None => return Err(bad()),
        _ if var.is_empty() => return Err(bad()),
        Some(_) => {}
    }
    // keepalived steps over the separator without looking at it.
    let numbers = blanks(chars.as_str());
    let close = numbers.find(')').ok_or_else(bad)?;
    if close + 1 > MAX_PARAMS {
        return Err(format!("~SEQ parameter strings too long in `{line}`"));
    }
    Ok(Head {
        var,
        hex,
        params: &numbers[..=close],
        text: blanks(&numbers[close + 1..]),
    })
}

/// strtol(3) with base 0: blanks, a sign, then `0x` hex, `0` octal or
/// decimal; the value (saturated) and the rest; no digits reads 0 and
/// consumes nothing.
fn strtol(s: &str) -> (i64, &str) {
    let t = s.trim_start_matches(|c: char| c.is_ascii_whitespace());
    let (neg, t) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let (radix, digits) = if (t.starts_with("0x") || t.starts_with("0X"))
        && t[2..].starts_with(|c: char| c.is_ascii_hexdigit())
    {
        (16, &t[2..])
    } else if t.starts_with('0') {
        (8, t)
    } else {
        (10, t)
    };
    let end = digits
        .find(|c: char| !c.is_digit(radix))
        .unwrap_or(digits.len());
    if end == 0 {
        return (0, s);
    }
    let mut v: i64 = 0;
    for c in digits[..end].chars() {
        let d = i64::from(c.to_digit(radix).unwrap_or(0));
        v = v.saturating_mul(i64::from(radix)).saturating_add(d);
    }
    (if neg { v.saturating_neg() } else { v }, &digits[end..])
}

impl Seq {
    /// The sequence of `head` with its numbers (definitions already
    /// substituted in `params`): `(END)`, `(START, END)` or `(START, STEP,
    /// END)`.
    ///
    /// # Errors
    /// Bad numbers, a step going the wrong way, `~SEQx` with negatives.
    pub fn new(head: &Head, params: &str, line: &str) -> Result<Self, String> {
        let bad =
            || format!("invalid ~SEQ definition `{line}`: write ~SEQ(VAR, START, STEP, END) TEXT");
        let mut nums = Vec::new();
        let mut rest = params;
        loop {
            let (n, r) = strtol(rest);
            nums.push(n);
            let r = blanks(r);
            if r.starts_with(')') {
                break;
            }
            if nums.len() == 3 {
                return Err(bad());
            }
            rest = r.strip_prefix(',').ok_or_else(bad)?;
        }
        let (start, step, last) = match nums[..] {
            [end] => (
                if end < 0 { -1 } else { 1 },
                if end < 1 { -1 } else { 1 },
                end,
            ),
            [start, end] => (start, if start <= end { 1 } else { -1 }, end),
            [start, step, end] => {
                if step == 0 || (start < end && step < 0) || (start > end && step > 0) {
                    return Err(format!(
                        "invalid ~SEQ values `{line}`: the step must go from START to END"
                    ));
                }
                (start, step, end)
            }
            _ => return Err(bad()),
        };
        if head.hex && (start < 0 || last < 0) {
            return Err(format!(
                "~SEQx is only valid for positive numbers: `{line}`"
            ));
        }
        Ok(Self {
            var: head.var.to_string(),
            next: start,
            step,
            last,
            hex: head.hex,
            text: head.text.to_string(),
            done: false,
        })
    }

    /// The next value as text, `None` once past the end.
    pub fn take(&mut self) -> Option<String> {
        if self.done {
            return None;
        }
        let v = self.next;
        match v.checked_add(self.step) {
            Some(n) if (self.step > 0 && n <= self.last) || (self.step < 0 && n >= self.last) => {
                self.next = n
            }
            _ => self.done = true,
        }
        Some(if self.hex {
            format!("{v:x}")
        } else {
            v.to_string()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(line: &str) -> Result<(Vec<String>, String), String> {
        let h = head(line)?;
        let mut s = Seq::new(&h, h.params, line)?;
        let mut out = Vec::new();
        while let Some(v) = s.take() {
            out.push(v);
        }
        Ok((out, s.text))
    }

    #[test]
    fn the_forms_of_the_man_page() {
        let (v, t) = all("~SEQ(SUBNET, 0, 3) ip_address 10.0.${SUBNET}.1").unwrap();
        assert_eq!(v, ["0", "1", "2", "3"]);
        assert_eq!(t, "ip_address 10.0.${SUBNET}.1");
        assert_eq!(
            all("~SEQx(S, 144, 16, 192) x").unwrap().0,
            ["90", "a0", "b0", "c0"]
        );
        assert_eq!(
            all("~SEQx(S, 0x90, 0x10, 0xc0) x").unwrap().0,
            ["90", "a0", "b0", "c0"]
        );
        assert_eq!(all("~SEQ(I, 3) x").unwrap().0, ["1", "2", "3"]);
        assert_eq!(all("~SEQ(I, -2) x").unwrap().0, ["-1", "-2"]);
        assert_eq!(all("~SEQ(I, 5, 3) x").unwrap().0, ["5", "4", "3"]);
        assert_eq!(all("~SEQ(I, 0x12, -1, 0x0c) x").unwrap().0.len(), 7);
        assert_eq!(all("~SEQ(I, 010, 8) x").unwrap().0, ["8"]);
    }

    #[test]
    fn bad_sequences() {
        assert!(all("~SEQ I, 1) x").is_err());
        assert!(all("~SEQ(I) x").is_err());
        assert!(all("~SEQ(, 1) x").is_err());
        assert!(all("~SEQ(I, 1, 2").is_err());
        assert!(all("~SEQ(I, 1, 0, 3) x").unwrap_err().contains("step"));
        assert!(all("~SEQ(I, 1, -1, 3) x").unwrap_err().contains("step"));
        assert!(all("~SEQ(I, 1, 1, 3, 4) x").is_err());
        assert!(all("~SEQ(I, a) x").is_err());
        assert!(all("~SEQx(I, -3, 3) x").unwrap_err().contains("positive"));
    }

    #[test]
    fn extremes_do_not_overflow() {
        let (v, _) = all("~SEQ(I, 9223372036854775806, 99999999999999999999) x").unwrap();
        assert_eq!(v, ["9223372036854775806", "9223372036854775807"]);
    }
}
