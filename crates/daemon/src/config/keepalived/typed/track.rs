//! The global `track_file NAME { ... }` blocks (and their deprecated
//! spelling `vrrp_track_file`) as keepalived 2.2.7's
//! `trackers/track_file.c` reads them, and the FILE_CHECKs that name
//! them.

use super::kinds::File;
use super::{ignored, note, unknown, CheckerKind, VirtualServer};
use crate::config::keepalived::{Note, Statement};

/// A `track_file` block keepalived keeps (one with a `file`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackFile {
    /// Its name, as FILE_CHECK's `track_file` names it.
    pub name: String,
    /// `file PATH`.
    pub path: String,
    /// `weight W [reverse]`: the factor (-254..=254, default 1) and its
    /// direction.
    pub weight: (i64, bool),
    /// `init_file [VALUE] [overwrite]`: the value (default 0) and
    /// whether it is written over an existing file.
    pub init: Option<(i64, bool)>,
}

/// The block `s` if it is a `track_file` keepalived keeps.
pub fn read(s: &Statement, notes: &mut Vec<Note>) -> Option<TrackFile> {
    if !matches!(s.keyword.as_str(), "track_file" | "vrrp_track_file") {
        return None;
    }
    let mut t = TrackFile {
        name: s.args.first()?.clone(),
        path: String::new(),
        weight: (1, false),
        init: None,
    };
    for k in s.block.as_deref().unwrap_or_default() {
        match (k.keyword.as_str(), k.args.first()) {
            ("file", Some(_)) if !t.path.is_empty() => ignored(notes, k, "the file is already set"),
            ("file", Some(_)) => t.path = k.args.join(" "),
            ("weight", Some(_)) if t.weight.0 != 1 => {
                ignored(notes, k, "the weight is already set")
            }
            ("weight", Some(w)) => t.weight = weight(w, k, notes),
            ("init_file", _) => t.init = Some(init(k, notes)),
            ("file" | "weight", None) => ignored(notes, k, "its value is missing"),
            (other, _) => unknown(notes, k, other),
        }
    }
    if t.path.is_empty() {
        note(
            notes,
            s,
            format!(
                "track_file `{}` has no file: keepalived ignores it, and so does rvsadmd",
                t.name
            ),
        );
        return None;
    }
    Some(t)
}

/// `weight W [reverse]`: W read as keepalived reads it (decimal, junk
/// after the digits warned about and ignored), 1 when outside -254..=254.
fn weight(w: &str, k: &Statement, notes: &mut Vec<Note>) -> (i64, bool) {
    let n = match lenient_int(w).filter(|n| (-254..=254).contains(n)) {
        Some(n) => n,
        None => {
            ignored(
                notes,
                k,
                &format!("`{w}` is not a number within -254..=254: the weight is 1"),
            );
            1
        }
    };
    let reverse = match k.args.get(1).map(String::as_str) {
        Some("reverse") => true,
        None => false,
        Some(o) => {
            note(notes, k, format!("`{o}` is not `reverse`: keepalived warns and takes the weight without it, and so does rvsadmd"));
            false
        }
    };
    (n, reverse)
}

/// `init_file [VALUE] [overwrite]`, word by word as keepalived reads it.
fn init(k: &Statement, notes: &mut Vec<Note>) -> (i64, bool) {
    let (mut value, mut overwrite) = (0, false);
    for w in &k.args {
        let w = w.trim_start();
        if w.starts_with(|c: char| c.is_ascii_digit() || c == '-') {
            value = w.parse::<i32>().map(i64::from).unwrap_or_else(|_| {
                ignored(
                    notes,
                    k,
                    &format!("`{w}` is not a whole number: the value is 0"),
                );
                0
            });
        } else if w == "overwrite" {
            overwrite = true;
        } else {
            ignored(notes, k, &format!("`{w}` is not a value or `overwrite`"));
        }
    }
    (value, overwrite)
}

/// A number as keepalived's `read_int` reads one where it tolerates junk
/// (C's `strtol` in base 10: white space, a sign, the digits; none is 0);
/// `None` beyond C's `int`.
pub fn lenient_int(word: &str) -> Option<i64> {
    let w = word.trim_start();
    let (negative, digits) = match w.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, w.strip_prefix('+').unwrap_or(w)),
    };
    let end = digits
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(digits.len());
    let magnitude: i64 = match &digits[..end] {
        "" => 0,
        d => d.parse().ok().filter(|m| *m <= 1 << 31)?,
    };
    let n = if negative { -magnitude } else { magnitude };
    i32::try_from(n).ok().map(i64::from)
}

/// Give the FILE_CHECKs of `v` the `track_file` they name among those
/// read before (`known`, the first of a name); drop those that name
/// none, as keepalived reports the name and drops the checker.
pub fn resolve(v: &mut VirtualServer, known: &[TrackFile], notes: &mut Vec<Note>) {
    for r in &mut v.reals {
        r.checkers.retain_mut(|c| {
            let at = c.at.clone();
            let CheckerKind::File(File {
                track: Some(t),
                source,
                ..
            }) = &mut c.kind
            else {
                return true;
            };
            *source = known.iter().find(|k| &k.name == t).cloned();
            if source.is_none() {
                notes.push(Note {
                    at,
                    message: format!("FILE_CHECK: no track_file `{t}` above it: keepalived drops the checker, and so does rvsadmd"),
                });
            }
            source.is_some()
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_where_keepalived_tolerates_junk() {
        assert_eq!(lenient_int("12"), Some(12));
        assert_eq!(lenient_int("-3x"), Some(-3));
        assert_eq!(lenient_int("+7"), Some(7));
        assert_eq!(lenient_int("abc"), Some(0));
        assert_eq!(lenient_int("0x10"), Some(0));
        assert_eq!(lenient_int("-2147483648"), Some(-2_147_483_648));
        assert_eq!(lenient_int("2147483648"), None);
        assert_eq!(lenient_int("99999999999999999999"), None);
    }
}
