//! The notify scripts: `quorum_up`, `quorum_down` (virtual server),
//! `notify_up`, `notify_down` (real server), each `KEYWORD "COMMAND
//! [ARGS]" [USER [GROUP]]`: the line split by keepalived's rules for
//! scripts ([`split`]: single and double quotes, backslash escapes), and
//! the command split again by the same rules into the program's words.

use super::{ignored, note, NotifyScript};
use crate::config::keepalived::{Note, Statement};

/// Read script keyword `k` into `slot`: keepalived keeps the first one
/// given and ignores the others.
pub fn read(slot: &mut Option<NotifyScript>, k: &Statement, notes: &mut Vec<Note>) {
    if slot.is_some() {
        note(
            notes,
            k,
            format!(
                "`{}` is given twice: keepalived keeps the first, and so does rvsadmd",
                k.keyword
            ),
        );
        return;
    }
    let words = match split(&k.text) {
        Ok(w) => w,
        Err(why) => return ignored(notes, k, &why),
    };
    let argv = match words.get(1).map(|c| split(c)) {
        Some(Ok(a)) if !a.is_empty() => a,
        Some(Err(why)) => return ignored(notes, k, &why),
        _ => return ignored(notes, k, "the script is missing"),
    };
    *slot = Some(NotifyScript {
        argv,
        user: words.get(2).cloned(),
        group: words.get(3).cloned(),
        at: k.at.clone(),
    });
}

/// keepalived's white space.
const WHITE: &[u8] = b" \t\x0c\n\r\x0b";

/// Split `src` into words as keepalived splits a script's line
/// (`alloc_strvec_quoted_escaped`): words end at white space outside
/// quotes; `'...'` and `"..."` quote (joined to what touches them); a
/// backslash escapes the next character, or writes one (`\n`, `\t`,
/// `\xHH`, `\NNN` octal, `\cX` control ...).
///
/// # Errors
/// A quote not closed, a backslash at the end.
pub fn split(src: &str) -> Result<Vec<String>, String> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if WHITE.contains(&b[i]) {
            i += 1;
            continue;
        }
        let mut word = Vec::new();
        let mut quote = None;
        while i < b.len() {
            let c = b[i];
            match (quote, c) {
                (_, b'\\') => {
                    let (ch, next) = escape(b, i + 1)
                        .ok_or_else(|| format!("a backslash ends `{src}`: escape something"))?;
                    word.push(ch);
                    i = next;
                    continue;
                }
                (Some(q), c) if c == q => quote = None,
                (Some(_), c) => word.push(c),
                (None, b'"' | b'\'') => quote = Some(c),
                (None, c) if WHITE.contains(&c) => break,
                (None, c) => word.push(c),
            }
            i += 1;
        }
        if let Some(q) = quote {
            return Err(format!("`{src}`: a {} quote is not closed", q as char));
        }
        out.push(String::from_utf8_lossy(&word).into_owned());
    }
    Ok(out)
}

/// The character a backslash at `b[i - 1]` writes, and where the text
/// goes on.
fn escape(b: &[u8], mut i: usize) -> Option<(u8, usize)> {
    let c = *b.get(i)?;
    i += 1;
    let hex = |c: u8| (c as char).to_digit(16);
    let ch = match c {
        b'x' if b.get(i).copied().and_then(hex).is_some() => {
            let mut v = 0u8;
            while let Some(d) = b.get(i).copied().and_then(hex) {
                v = v.wrapping_shl(4) | d as u8;
                i += 1;
            }
            v
        }
        b'c' if i < b.len() => {
            i += 1;
            b[i - 1] & 0x1f
        }
        b'0'..=b'7' => {
            let mut v = c - b'0';
            for _ in 0..2 {
                match b.get(i) {
                    Some(d @ b'0'..=b'7') => {
                        v = v.wrapping_shl(3).wrapping_add(d - b'0');
                        i += 1;
                    }
                    _ => break,
                }
            }
            v
        }
        b'a' => 0x07,
        b'b' => 0x08,
        b'E' => 0x1b,
        b'f' => 0x0c,
        b'n' => b'\n',
        b'r' => b'\r',
        b't' => b'\t',
        b'v' => 0x0b,
        c => c,
    };
    Some((ch, i))
}

#[cfg(test)]
mod tests {
    use super::split;

    #[test]
    fn words_quotes_and_escapes_as_keepalived_splits_them() {
        let s = |t: &str| split(t).unwrap();
        assert_eq!(
            s("quorum_up \"/bin/x a 'b c'\" u g"),
            ["quorum_up", "/bin/x a 'b c'", "u", "g"]
        );
        assert_eq!(s("/bin/x a 'b c'"), ["/bin/x", "a", "b c"]);
        assert_eq!(s("a\"b c\"'d'e  f"), ["ab cde", "f"]);
        assert_eq!(s(r"a\ b \x41\101\tz \cA"), ["a b", "AA\tz", "\u{1}"]);
        assert_eq!(s(r#""a\"b" 'c\'d'"#), ["a\"b", "c'd"]);
        assert!(split("a 'b").unwrap_err().contains("not closed"));
        assert!(split("a \\").unwrap_err().contains("backslash"));
        assert!(s("  ").is_empty());
    }
}
