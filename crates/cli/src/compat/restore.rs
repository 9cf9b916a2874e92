//! The `-R` input reader: ipvsadm's tokenizer for restore lines.
//!
//! Each record (line) becomes an argv for [`super::args::parse`] with
//! `in_restore = true`, argv\[0\] being the program's own:
//!
//! - tokens are separated by space, tab or carriage return; a newline ends
//!   the record; the last record needs no newline;
//! - there is no quoting and there are no comments (`# x` is just two
//!   tokens, and ipvsadm then complains about them);
//! - a token exactly equal to `ipvsadm` is dropped, wherever it is, so
//!   `ipvsadm -A -t ...` lines (as `ipvsadm-save` never writes, but people
//!   do) work;
//! - a token is at most 4096 bytes: a longer run is cut into several tokens;
//! - a NUL byte ends the token's text (the rest of that token is ignored,
//!   as C strings would; the line goes on);
//! - records without tokens are skipped.
//!
//! ```
//! use rvsadm_cli::compat::restore::records;
//! let r = records(b"ipvsadm -A -t 1.2.3.4:80\r\n\n-a\t-t 1.2.3.4:80 -r 10.0.0.1", "ipvsadm");
//! assert_eq!(r.len(), 2);
//! assert_eq!(r[0], ["ipvsadm", "-A", "-t", "1.2.3.4:80"]);
//! ```

use std::borrow::Cow;
use std::io::{self, BufRead};

/// Longest token, in bytes.
pub const MAX_TOKEN: usize = 4096;

/// Each token of one line (without its newline) in turn, borrowed from it
/// where it is UTF-8: one pass over the line, no iterator adaptors (every
/// line of a large `-R` or `apply` input comes through here).
fn for_each_token<'a>(line: &'a [u8], mut f: impl FnMut(&str)) {
    for word in line.split(|b| matches!(b, b' ' | b'\t' | b'\r')) {
        for chunk in word.chunks(MAX_TOKEN) {
            let t = match chunk.iter().position(|&b| b == 0) {
                Some(end) => chunk.get(..end).unwrap_or(&[]),
                None => chunk,
            };
            let text: Cow<'a, str> = match std::str::from_utf8(t) {
                Ok(s) => Cow::Borrowed(s),
                Err(_) => String::from_utf8_lossy(t),
            };
            if text != "ipvsadm" {
                f(&text);
            }
        }
    }
}

/// The argv of every non-empty record of `input`, each starting with
/// `argv0`.
pub fn records(input: &[u8], argv0: &str) -> Vec<Vec<String>> {
    input
        .split(|&b| b == b'\n')
        .filter_map(|line| argv_of(line, argv0))
        .collect()
}

/// The argv of one line (without its newline), `None` when it has no
/// token.
pub fn argv_of(line: &[u8], argv0: &str) -> Option<Vec<String>> {
    let mut argv = Vec::new();
    fill_argv(line, argv0, &mut argv).then_some(argv)
}

/// [`argv_of`] into `argv`, whose strings are reused (a restore of
/// thousands of lines allocates for its longest line, not for each):
/// whether the line has a token (when not, `argv` holds `argv0` alone).
///
/// ```
/// use rvsadm_cli::compat::restore::fill_argv;
/// let mut argv = Vec::new();
/// assert!(fill_argv(b"-A -t 1.2.3.4:80 -s rr", "ipvsadm", &mut argv));
/// assert_eq!(argv, ["ipvsadm", "-A", "-t", "1.2.3.4:80", "-s", "rr"]);
/// assert!(fill_argv(b"-D -f 7", "ipvsadm", &mut argv));
/// assert_eq!(argv, ["ipvsadm", "-D", "-f", "7"]);
/// assert!(!fill_argv(b" \r", "ipvsadm", &mut argv));
/// ```
pub fn fill_argv(line: &[u8], argv0: &str, argv: &mut Vec<String>) -> bool {
    let mut n = 0;
    let mut put = |t: &str| {
        match argv.get_mut(n) {
            Some(s) => {
                s.clear();
                s.push_str(t);
            }
            None => argv.push(t.to_owned()),
        }
        n += 1;
    };
    put(argv0);
    for_each_token(line, put);
    argv.truncate(n);
    n > 1
}

/// Streaming form of [`records`]: reads one record at a time, so each can be
/// run before the next line is read (as ipvsadm does).
#[derive(Debug)]
pub struct Reader<R> {
    input: R,
    argv0: String,
    buf: Vec<u8>,
}

impl<R: BufRead> Reader<R> {
    /// Read records from `input`; `argv0` heads each argv.
    pub fn new(input: R, argv0: impl Into<String>) -> Self {
        Reader {
            input,
            argv0: argv0.into(),
            buf: Vec::new(),
        }
    }

    /// The next non-empty record's argv, `None` at end of input.
    pub fn next_record(&mut self) -> io::Result<Option<Vec<String>>> {
        loop {
            self.buf.clear();
            if self.input.read_until(b'\n', &mut self.buf)? == 0 {
                return Ok(None);
            }
            let line = self.buf.strip_suffix(b"\n").unwrap_or(&self.buf);
            if let Some(argv) = argv_of(line, &self.argv0) {
                return Ok(Some(argv));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reader_matches_records() {
        let input = b"\n  \t\r\nipvsadm ipvsadm\n-A -t 1.2.3.4:80 ipvsadm\n# c\n-C";
        let all = records(input, "x");
        let mut r = Reader::new(&input[..], "x");
        let mut streamed = Vec::new();
        while let Some(a) = r.next_record().unwrap() {
            streamed.push(a);
        }
        assert_eq!(all, streamed);
        assert_eq!(
            all,
            [
                vec!["x", "-A", "-t", "1.2.3.4:80"],
                vec!["x", "#", "c"],
                vec!["x", "-C"]
            ]
        );
    }

    #[test]
    fn long_tokens_are_cut() {
        let mut line = b"-L ".to_vec();
        line.extend(std::iter::repeat_n(b'x', MAX_TOKEN + 1));
        let r = records(&line, "a");
        assert_eq!(r[0].len(), 4);
        assert_eq!(r[0][2].len(), MAX_TOKEN);
        assert_eq!(r[0][3], "x");
    }

    #[test]
    fn nul_ends_the_token_only() {
        let r = records(b"-A\0junk -t 1.2.3.4:80 -s rr\0x -p\nipvsadm\0z", "a");
        assert_eq!(r, [vec!["a", "-A", "-t", "1.2.3.4:80", "-s", "rr", "-p"]]);
    }
}
