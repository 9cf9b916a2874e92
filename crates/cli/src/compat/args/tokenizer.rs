//! popt's option reader: argv words in, ipvsadm's rows of [`super::OPTIONS`] with
//! their values out, in order.

use super::table::{ipvsadm_options, short_option, ArgKind, OptSpec};

/// A popt error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PoptError {
    /// No such option.
    Unknown,
    /// A required value is missing.
    MissingArg,
    /// `--flag=value` or `-f=value` on a flag.
    UnwantedArg,
}

impl PoptError {
    /// popt's message for the error.
    pub fn text(self) -> &'static str {
        match self {
            PoptError::Unknown => "unknown option",
            PoptError::MissingArg => "missing argument",
            PoptError::UnwantedArg => "option does not take an argument",
        }
    }
}

/// One option the tokenizer read.
#[derive(Debug, Clone, Copy)]
pub struct Event<'a> {
    /// Its table row.
    pub spec: &'static OptSpec,
    /// The whole argv word it came from (what ipvsadm blames).
    pub word: &'a str,
    /// Its value, if any.
    pub value: Option<&'a str>,
}

/// popt's option reader over argv\[1..\]: yields options in order,
/// collecting non-option words ("positional arguments") on the side.
///
/// Rules (popt 1.19 as ipvsadm configures it):
/// - `--` ends the options; every later word is positional;
/// - `--name` / `--name=value`: exact names only;
/// - `-abc`: a cluster of short options; an option that takes a value takes
///   the rest of the cluster (a leading `=` dropped, so `-s=rr` is `rr` and
///   `-s=` is empty), or else the next word;
/// - a flag followed by `=` in a cluster (`-n=x`) is an error;
/// - a required value takes the next word whatever it is; an optional one
///   only a word that does not start with `-`;
/// - `-` alone and words not starting with `-` are positional;
/// - errors blame the whole word.
#[derive(Debug)]
pub struct Tokenizer<'a> {
    words: &'a [String],
    next: usize,
    /// Inside a short-option cluster: the word index and byte offset.
    cluster: Option<(usize, usize)>,
    options_done: bool,
    /// Positional arguments seen so far.
    pub positionals: Vec<&'a str>,
}

impl<'a> Tokenizer<'a> {
    /// A tokenizer over `words` (argv without argv\[0\]).
    pub fn new(words: &'a [String]) -> Self {
        Tokenizer {
            words,
            next: 0,
            cluster: None,
            options_done: false,
            positionals: Vec::new(),
        }
    }

    /// The value of a value-taking option whose own word is used up.
    fn value_from_next(
        &mut self,
        kind: ArgKind,
        word: &'a str,
    ) -> Result<Option<&'a str>, (PoptError, &'a str)> {
        match self.words.get(self.next) {
            Some(w) if kind == ArgKind::Required || !w.starts_with('-') => {
                self.next += 1;
                Ok(Some(w.as_str()))
            }
            None if kind == ArgKind::Required => Err((PoptError::MissingArg, word)),
            _ => Ok(None),
        }
    }
}

/// A popt error and the argv word it blames.
pub type Blame<'a> = (PoptError, &'a str);

impl<'a> Iterator for Tokenizer<'a> {
    type Item = Result<Event<'a>, Blame<'a>>;

    /// The next option, `None` at the end, or a popt error with the word to
    /// blame. Non-option words go to [`Tokenizer::positionals`].
    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some((wi, pos)) = self.cluster {
                let word = self.words.get(wi)?.as_str();
                let rest = word.get(pos..).unwrap_or("");
                let Some(c) = rest.chars().next() else {
                    self.cluster = None;
                    continue;
                };
                let after = rest.get(c.len_utf8()..).unwrap_or("");
                let Some(spec) = short_option(c) else {
                    self.cluster = None;
                    return Some(Err((PoptError::Unknown, word)));
                };
                if spec.arg == ArgKind::None {
                    if after.starts_with('=') {
                        self.cluster = None;
                        return Some(Err((PoptError::UnwantedArg, word)));
                    }
                    self.cluster = Some((wi, pos + c.len_utf8()));
                    return Some(Ok(Event {
                        spec,
                        word,
                        value: None,
                    }));
                }
                self.cluster = None;
                let value = if after.is_empty() {
                    match self.value_from_next(spec.arg, word) {
                        Ok(v) => v,
                        Err(e) => return Some(Err(e)),
                    }
                } else {
                    Some(after.strip_prefix('=').unwrap_or(after))
                };
                return Some(Ok(Event { spec, word, value }));
            }

            let wi = self.next;
            let word = self.words.get(wi)?.as_str();
            self.next += 1;
            if self.options_done || word == "-" || !word.starts_with('-') {
                self.positionals.push(word);
                continue;
            }
            if word == "--" {
                self.options_done = true;
                continue;
            }
            let Some(long) = word.strip_prefix("--") else {
                self.cluster = Some((wi, 1));
                continue;
            };
            let (name, inline) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (long, None),
            };
            let Some(spec) = ipvsadm_options().find(|o| o.long == Some(name)) else {
                return Some(Err((PoptError::Unknown, word)));
            };
            let value = match (spec.arg, inline) {
                (ArgKind::None, Some(_)) => return Some(Err((PoptError::UnwantedArg, word))),
                (ArgKind::None, None) => None,
                (_, Some(v)) => Some(v),
                (kind, None) => match self.value_from_next(kind, word) {
                    Ok(v) => v,
                    Err(e) => return Some(Err(e)),
                },
            };
            return Some(Ok(Event { spec, word, value }));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(args: &[&str]) -> Vec<String> {
        let words: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        let mut t = Tokenizer::new(&words);
        let mut out = Vec::new();
        for ev in t.by_ref() {
            match ev {
                Ok(e) => out.push(format!("{:?}={:?}", e.spec.id, e.value)),
                Err((e, w)) => {
                    out.push(format!("ERR {e:?} {w}"));
                    break;
                }
            }
        }
        for p in t.positionals {
            out.push(format!("pos {p}"));
        }
        out
    }

    #[test]
    fn tokenizer_rules() {
        assert_eq!(
            toks(&["-Lnc"]),
            ["List=None", "Numeric=None", "Connection=None"]
        );
        assert_eq!(
            toks(&["-At1.2.3.4:80"]),
            ["AddService=None", "TcpService=Some(\"1.2.3.4:80\")"]
        );
        assert_eq!(toks(&["-s=rr"]), ["Scheduler=Some(\"rr\")"]);
        assert_eq!(toks(&["-s=", "rr"]), ["Scheduler=Some(\"\")", "pos rr"]);
        assert_eq!(
            toks(&["-p", "-t", "x"]),
            ["Persistent=None", "TcpService=Some(\"x\")"]
        );
        assert_eq!(toks(&["-p", "5"]), ["Persistent=Some(\"5\")"]);
        assert_eq!(toks(&["-p", ""]), ["Persistent=Some(\"\")"]);
        assert_eq!(toks(&["-t", "-u"]), ["TcpService=Some(\"-u\")"]);
        assert_eq!(toks(&["-t"]), ["ERR MissingArg -t"]);
        assert_eq!(toks(&["-n=x"]), ["ERR UnwantedArg -n=x"]);
        assert_eq!(toks(&["-Lq"]), ["List=None", "ERR Unknown -Lq"]);
        assert_eq!(toks(&["--stats=1"]), ["ERR UnwantedArg --stats=1"]);
        assert_eq!(
            toks(&["--persistent=", "5"]),
            ["Persistent=Some(\"\")", "pos 5"]
        );
        assert_eq!(toks(&["-", "--", "-n"]), ["pos -", "pos -n"]);
        assert_eq!(toks(&["--num"]), ["ERR Unknown --num"]);
    }
}
