//! The file name patterns of `include`, as keepalived expands them with
//! glibc's `glob(GLOB_MARK | GLOB_BRACE | GLOB_ALTDIRFUNC)`: csh braces
//! first (each alternative in written order, the names each one matches
//! sorted), then `*`, `?` and `[...]` per path component, a leading `.`
//! matched only by a pattern that spells it, `\` escaping the next
//! character. Relative patterns are taken from the including file's
//! directory (keepalived `chdir`s there).

use super::fs::{Files, Kind};
use std::path::{Path, PathBuf};

/// What a pattern matched.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Matches {
    /// The matching paths; `true` for a directory.
    pub paths: Vec<(PathBuf, bool)>,
    /// A directory or a plain (wildcard-free) name along the way did not
    /// exist (glibc's `gl_opendir`/`gl_lstat` failed).
    pub missing: bool,
    /// The pattern holds a wildcard.
    pub wildcards: bool,
    /// The pattern holds a `{` brace expression.
    pub braces: bool,
}

/// Brace alternatives of one pattern beyond which the reader gives up
/// (each brace group multiplies them).
pub const MAX_ALTERNATIVES: usize = 1024;

/// Expand `pattern`, relative ones from `base`.
///
/// # Errors
/// The braces make more than [`MAX_ALTERNATIVES`] patterns.
pub fn expand(files: &dyn Files, base: &Path, pattern: &str) -> Result<Matches, String> {
    let mut out = Matches::default();
    let mut alternatives = Vec::new();
    if !braces(pattern, &mut alternatives) {
        return Err(format!(
            "`{pattern}` expands to more than {MAX_ALTERNATIVES} names: write fewer brace alternatives"
        ));
    }
    out.braces = alternatives.len() > 1 || alternatives.first().is_some_and(|a| a != pattern);
    for alt in alternatives {
        let mut found = Vec::new();
        let (start, rest) = match alt.strip_prefix('/') {
            Some(rest) => (PathBuf::from("/"), rest),
            None => (base.to_path_buf(), alt.as_str()),
        };
        let parts: Vec<&str> = rest.split('/').filter(|p| !p.is_empty()).collect();
        // glibc lists (`gl_opendir`) every directory holding a wildcard.
        out.wildcards |= parts.iter().any(|p| has_magic(p));
        walk(files, &start, &parts, &mut found, &mut out);
        found.sort();
        out.paths.extend(found);
    }
    Ok(out)
}

fn walk(
    files: &dyn Files,
    dir: &Path,
    parts: &[&str],
    found: &mut Vec<(PathBuf, bool)>,
    out: &mut Matches,
) {
    let Some((first, rest)) = parts.split_first() else {
        return;
    };
    let names: Vec<String> = if has_magic(first) {
        match files.list(dir) {
            Ok(mut names) => {
                names.retain(|n| matches(first, n));
                names
            }
            Err(_) => {
                out.missing = true;
                return;
            }
        }
    } else {
        vec![unescape(first)]
    };
    for name in names {
        let path = dir.join(&name);
        match (files.kind(&path), rest.is_empty()) {
            (None, _) => out.missing = true,
            (Some(kind), true) => found.push((path, kind == Kind::Dir)),
            (Some(Kind::Dir), false) => walk(files, &path, rest, found, out),
            (Some(_), false) => out.missing = true,
        }
    }
}

fn has_magic(part: &str) -> bool {
    let mut chars = part.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '*' | '?' | '[' => return true,
            _ => {}
        }
    }
    false
}

fn unescape(part: &str) -> String {
    let mut out = String::new();
    let mut chars = part.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Add the csh brace alternatives of `pattern` to `out`, outermost first,
/// in written order; a `{` without its `}` is an ordinary character
/// (glibc retries without `GLOB_BRACE`). `false` when they would pass
/// [`MAX_ALTERNATIVES`].
pub fn braces(pattern: &str, out: &mut Vec<String>) -> bool {
    let bytes = pattern.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'{' => break,
            _ => i += 1,
        }
    }
    if i >= bytes.len() {
        out.push(pattern.to_string());
        return out.len() <= MAX_ALTERNATIVES;
    }
    let open = i;
    let mut depth = 0usize;
    let mut commas = Vec::new();
    let mut close = None;
    let mut j = open;
    while j < bytes.len() {
        match bytes[j] {
            b'\\' => j += 1,
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    close = Some(j);
                    break;
                }
            }
            b',' if depth == 1 => commas.push(j),
            _ => {}
        }
        j += 1;
    }
    let Some(close) = close else {
        out.push(pattern.to_string());
        return out.len() <= MAX_ALTERNATIVES;
    };
    let (head, tail) = (&pattern[..open], &pattern[close + 1..]);
    let mut cuts = vec![open];
    cuts.extend(commas);
    cuts.push(close);
    cuts.windows(2).all(|w| {
        let alt = &pattern[w[0] + 1..w[1]];
        braces(&format!("{head}{alt}{tail}"), out)
    })
}

/// fnmatch(3) without flags but `FNM_PERIOD`: `*`, `?`, `[...]` (`!` or
/// `^` negates, `a-z` ranges), `\` escapes.
pub fn matches(pattern: &str, name: &str) -> bool {
    if name.starts_with('.') && !pattern.starts_with('.') && !pattern.starts_with("\\.") {
        return false;
    }
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    match_from(&p, &n)
}

fn match_from(p: &[char], n: &[char]) -> bool {
    let (mut pi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        let step = match p.get(pi) {
            Some('*') => {
                star = Some((pi, ni));
                pi += 1;
                continue;
            }
            Some('?') => Some(1),
            Some('[') => class(&p[pi..], n[ni]),
            Some('\\') if pi + 1 < p.len() => (p[pi + 1] == n[ni]).then_some(2),
            Some(&c) => (c == n[ni]).then_some(1),
            None => None,
        };
        match step {
            Some(len) => {
                pi += len;
                ni += 1;
            }
            None => match star {
                Some((sp, sn)) => {
                    pi = sp + 1;
                    ni = sn + 1;
                    star = Some((sp, sn + 1));
                }
                None => return false,
            },
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// Does the bracket expression at the start of `p` match `c`? The length
/// of the expression when it does; a `[` without `]` matches itself.
fn class(p: &[char], c: char) -> Option<usize> {
    let mut i = 1;
    let negate = matches!(p.get(i), Some('!' | '^'));
    if negate {
        i += 1;
    }
    let mut hit = false;
    let mut first = true;
    loop {
        let &lo = p.get(i)?;
        if lo == ']' && !first {
            break;
        }
        first = false;
        if p.get(i + 1) == Some(&'-') && p.get(i + 2).is_some_and(|&h| h != ']') {
            hit |= lo <= c && c <= p[i + 2];
            i += 3;
        } else {
            hit |= lo == c;
            i += 1;
        }
    }
    (hit != negate).then_some(i + 1)
}

#[cfg(test)]
mod tests {
    use super::super::fs::Memory;
    use super::*;

    fn alts(p: &str) -> Vec<String> {
        let mut out = Vec::new();
        assert!(braces(p, &mut out));
        out
    }

    #[test]
    fn too_many_alternatives_are_refused() {
        let fs = Memory::new();
        let e = expand(&fs, Path::new("/"), &"{a,b}".repeat(11)).unwrap_err();
        assert!(e.contains("more than 1024"), "{e}");
        assert!(expand(&fs, Path::new("/"), &"{a,b}".repeat(10)).is_ok());
    }

    #[test]
    fn braces_expand_in_written_order_and_nest() {
        assert_eq!(alts("a{b,c}d"), ["abd", "acd"]);
        assert_eq!(alts("{x/{,cat,dog},bar}"), ["x/", "x/cat", "x/dog", "bar"]);
        assert_eq!(alts("a{b"), ["a{b"]);
        assert_eq!(alts("a\\{b,c}"), ["a\\{b,c}"]);
    }

    #[test]
    fn fnmatch_rules() {
        assert!(matches("*.conf", "a.conf"));
        assert!(!matches("*.conf", ".hidden.conf"));
        assert!(matches(".*.conf", ".hidden.conf"));
        assert!(matches("a?c", "abc"));
        assert!(matches("[a-c]x", "bx"));
        assert!(!matches("[!a-c]x", "bx"));
        assert!(matches("[]]", "]"));
        assert!(matches("a\\*", "a*"));
        assert!(!matches("a\\*", "ab"));
        assert!(matches("*", ""));
        assert!(!matches("a*b", "ac"));
        assert!(matches("a*b*c", "aXbYbZc"));
    }

    #[test]
    fn wildcards_sorted_per_alternative_relative_to_base() {
        let fs = Memory::new()
            .with("/k/conf.d/b.conf", "")
            .with("/k/conf.d/a.conf", "")
            .with("/k/conf.d/z.txt", "")
            .with("/k/other/c.conf", "");
        let m = expand(&fs, Path::new("/k"), "{other,conf.d}/*.conf").unwrap();
        let names: Vec<_> = m.paths.iter().map(|(p, _)| p.to_str().unwrap()).collect();
        assert_eq!(
            names,
            ["/k/other/c.conf", "/k/conf.d/a.conf", "/k/conf.d/b.conf"]
        );
        assert!(m.wildcards && m.braces && !m.missing);
    }

    #[test]
    fn missing_names_and_directories_are_told() {
        let fs = Memory::new().with("/k/a.conf", "");
        let m = expand(&fs, Path::new("/k"), "nope.conf").unwrap();
        assert!(m.paths.is_empty() && m.missing && !m.wildcards);
        let m = expand(&fs, Path::new("/k"), "/nodir/*.conf").unwrap();
        assert!(m.paths.is_empty() && m.missing && m.wildcards);
        let m = expand(&fs, Path::new("/k"), "*.none").unwrap();
        assert!(m.paths.is_empty() && !m.missing && m.wildcards);
        let m = expand(&fs, Path::new("/"), "k").unwrap();
        assert_eq!(m.paths, [(PathBuf::from("/k"), true)]);
    }
}
