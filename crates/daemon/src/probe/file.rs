//! FILE checks (keepalived's FILE_CHECK): a whole number read from a
//! file, multiplied by a factor. [`judge`] decides from the file's text
//! alone.
//!
//! With factor 0 the number only says up (0) or down (anything else).
//! Otherwise the result (number x factor, negated with `reverse`) is
//! added to the destination's configured weight: down when that sum is
//! 0 or less; with `dynamic` the sum is the weight asked for.

use super::{within, Verdict};
use crate::config::FileProbe;
use tokio::time::Instant;

/// The most of the file read.
const MAX_FILE: u64 = 4096;

/// Read `p.path` (off the loop's thread, before `deadline`: a file on a
/// hung network file system is a timeout) and judge it.
pub(super) async fn check(p: &FileProbe, deadline: Instant) -> Verdict {
    let path = p.path.clone();
    let read = async move {
        tokio::task::spawn_blocking(move || {
            use std::io::Read;
            let mut text = String::new();
            std::fs::File::open(&path)
                .and_then(|f| f.take(MAX_FILE).read_to_string(&mut text))
                .map(|_| text)
        })
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())
    };
    match within(deadline, "read", read).await {
        Ok(text) => judge(p, &text),
        Err(e) => Verdict::down(format!("{}: {e}", p.path.display())),
    }
}

/// The verdict of a file holding `text`: its first word a whole number.
///
/// ```
/// use rvsadmd::config::FileProbe;
/// use rvsadmd::probe::file::judge;
/// let p = FileProbe { path: "/w".into(), factor: 2, reverse: false, dynamic: true, base: 10 };
/// assert_eq!(judge(&p, "3\n").weight, Some(16));
/// assert!(!judge(&p, "-5").ok);
/// assert!(!judge(&p, "three").ok);
/// ```
pub fn judge(p: &FileProbe, text: &str) -> Verdict {
    let Some(word) = text.split_whitespace().next() else {
        return Verdict::down(format!("{}: empty", p.path.display()));
    };
    let Ok(value) = word.parse::<i64>() else {
        return Verdict::down(format!(
            "{}: `{word}` is not a whole number",
            p.path.display()
        ));
    };
    if p.factor == 0 {
        return if (value == 0) != p.reverse {
            Verdict::up(format!("value {value}"))
        } else {
            Verdict::down(format!("value {value}"))
        };
    }
    let sign = if p.reverse { -1 } else { 1 };
    let sum = value
        .saturating_mul(p.factor)
        .saturating_mul(sign)
        .saturating_add(i64::from(p.base));
    if sum <= 0 {
        return Verdict::down(format!("value {value}: weight {sum}"));
    }
    Verdict {
        ok: true,
        weight: p.dynamic.then(|| u32::try_from(sum).unwrap_or(u32::MAX)),
        reason: format!("value {value}: weight {sum}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn probe(factor: i64, reverse: bool, dynamic: bool) -> FileProbe {
        FileProbe {
            path: "/run/w".into(),
            factor,
            reverse,
            dynamic,
            base: 5,
        }
    }

    #[test]
    fn factors_signs_and_dynamic_weights() {
        // Factor 0: 0 is up, anything else down; reverse swaps.
        assert!(judge(&probe(0, false, false), "0").ok);
        assert!(!judge(&probe(0, false, false), "2").ok);
        assert!(!judge(&probe(0, true, false), "0").ok);
        assert!(judge(&probe(0, true, false), "7").ok);
        // Added to the configured weight (5).
        assert_eq!(judge(&probe(3, false, true), "2\n").weight, Some(11));
        assert_eq!(judge(&probe(3, true, true), "1").weight, Some(2));
        assert!(!judge(&probe(3, true, true), "2").ok); // 5 - 6
                                                        // Without dynamic: up or down only, no weight asked for.
        let v = judge(&probe(3, false, false), "2");
        assert_eq!((v.ok, v.weight), (true, None));
        assert!(!judge(&probe(1, false, false), "-5").ok);
        assert!(!judge(&probe(1, false, false), "").ok);
        assert!(!judge(&probe(1, false, false), "1.5").ok);
        let v = judge(&probe(i64::MAX, false, true), "9");
        assert_eq!(v.weight, Some(u32::MAX));
    }

    fn soon() -> Instant {
        Instant::now() + std::time::Duration::from_secs(2)
    }

    #[tokio::test]
    async fn the_file_is_read_each_time() {
        let dir = std::env::temp_dir().join(format!("rvsadmd-file-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("weight");
        let p = FileProbe {
            path: f.clone(),
            ..probe(1, false, true)
        };
        let v = check(&p, soon()).await;
        assert!(!v.ok && v.reason.contains("No such file"), "{v:?}");
        std::fs::write(&f, "4\n").unwrap();
        assert_eq!(check(&p, soon()).await.weight, Some(9));
        std::fs::write(&f, "-5\n").unwrap();
        assert!(!check(&p, soon()).await.ok);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
