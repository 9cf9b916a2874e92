//! One line of keepalived.conf as text: comments, the `{`/`}` split,
//! the `include` test and the split into words, following keepalived
//! 2.2.7's `lib/parser.c` (`decomment`, `read_line`, `is_include`,
//! `alloc_strvec_r`).

/// keepalived's `WHITE_SPACE_STR`, what separates words.
const WHITE: &[char] = &[' ', '\t', '\x0c', '\n', '\r', '\x0b'];

fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// A line without its comment and surrounding blanks (`decomment`):
/// `#` or `!` outside double quotes starts a comment; `\#` and `\!`
/// outside quotes stand for the character itself; a final `\` is kept
/// (it continues a multi-line definition) with the blanks before it
/// removed, even when a comment precedes it.
///
/// # Errors
/// A double quote left open (keepalived: "Unterminated quote").
pub fn decomment(line: &str) -> Result<String, String> {
    let line = line.trim_start_matches(is_blank);
    let mut out = String::with_capacity(line.len());
    let mut quote = false;
    let mut comment: Option<usize> = None;
    let mut cont = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                if comment.is_none() {
                    quote = !quote;
                }
                out.push(c);
            }
            '\\' => match chars.next() {
                None => {
                    cont = true;
                    break;
                }
                Some(n @ ('#' | '!')) if !quote => out.push(n),
                Some(n) => {
                    out.push(c);
                    out.push(n);
                }
            },
            '#' | '!' if !quote && comment.is_none() => {
                comment = Some(out.len());
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    if quote {
        return Err(format!(
            "unterminated quote in `{line}`: close the string with '\"'"
        ));
    }
    if let Some(at) = comment {
        out.truncate(at);
    }
    let keep = out.trim_end_matches(is_blank).len();
    out.truncate(keep);
    if cont {
        out.push('\\');
    }
    Ok(out)
}

/// The `include` forms (`is_include`): `include`, `includer`,
/// `includem`, `includew`, `includeb`, `includea`, then a blank, then the
/// pattern (the rest of the line). The variant letter and the pattern.
pub fn include(line: &str) -> Option<(Option<char>, &str)> {
    let rest = line.strip_prefix("include")?;
    let mut chars = rest.chars();
    let first = chars.next()?;
    let (variant, pattern) = if first.is_ascii_whitespace() {
        (None, &rest[1..])
    } else if "rmwba".contains(first) && chars.next().is_some_and(|c| c.is_ascii_whitespace()) {
        (Some(first), &rest[2..])
    } else {
        return None;
    };
    Some((variant, pattern.trim_start_matches(is_blank)))
}

/// Split off the first `{` or `}` outside double quotes (`read_line`):
/// a line starting with a brace gives the brace and the rest; otherwise
/// the text before the brace and the rest from the brace. Each part
/// without its outer blanks; `None` when there is no brace to split at.
pub fn split_brace(line: &str) -> Option<(String, String)> {
    let at = if line.starts_with(['{', '}']) {
        0
    } else {
        let mut quote = false;
        line.char_indices()
            .find(|&(_, c)| {
                if c == '"' {
                    quote = !quote;
                }
                !quote && (c == '{' || c == '}')
            })?
            .0
    };
    let (head, tail) = if at == 0 {
        line.split_at(1)
    } else {
        line.split_at(at)
    };
    let tail = tail.trim_start_matches(is_blank).trim_end_matches(is_blank);
    if tail.is_empty() {
        return None;
    }
    Some((
        head.trim_end_matches(is_blank).to_string(),
        tail.to_string(),
    ))
}

/// The words of a line (`alloc_strvec_r`): separated by white space; a
/// word starting with `"` runs to the next `"` (quotes removed, blanks
/// kept); a `"` also ends an unquoted word.
///
/// # Errors
/// A `"` without its closing `"`.
pub fn words(line: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut rest = line;
    loop {
        rest = rest.trim_start_matches(WHITE);
        if rest.is_empty() {
            return Ok(out);
        }
        if let Some(quoted) = rest.strip_prefix('"') {
            let Some(end) = quoted.find('"') else {
                return Err(format!(
                    "unmatched quote in `{line}`: close the string with '\"'"
                ));
            };
            out.push(quoted[..end].to_string());
            rest = &quoted[end + 1..];
        } else {
            let end = rest
                .find(|c| WHITE.contains(&c) || c == '"')
                .unwrap_or(rest.len());
            out.push(rest[..end].to_string());
            rest = &rest[end..];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_start_with_hash_or_bang_anywhere_outside_quotes() {
        assert_eq!(decomment("  weight 1 # the weight").unwrap(), "weight 1");
        assert_eq!(decomment("weight 1! old").unwrap(), "weight 1");
        assert_eq!(decomment("! a comment").unwrap(), "");
        assert_eq!(decomment("url \"/a#b!c\" # x").unwrap(), "url \"/a#b!c\"");
        assert_eq!(decomment("path /a\\#b\\!c").unwrap(), "path /a#b!c");
        assert_eq!(decomment("x \"a\\#b\"").unwrap(), "x \"a\\#b\"");
        assert_eq!(decomment("\tweight 1 \t").unwrap(), "weight 1");
    }

    #[test]
    fn a_final_backslash_is_kept_without_the_blanks_before_it() {
        assert_eq!(
            decomment("real_server 1.2.3.4 80 {   \\").unwrap(),
            "real_server 1.2.3.4 80 {\\"
        );
        assert_eq!(decomment("a # comment \\").unwrap(), "a\\");
    }

    #[test]
    fn an_open_quote_is_an_error() {
        assert!(decomment("misc_path \"/bin/true")
            .unwrap_err()
            .contains("unterminated quote"));
        assert!(decomment("a # \"not a quote").is_ok());
    }

    #[test]
    fn include_forms() {
        assert_eq!(
            include("include /etc/k/*.conf"),
            Some((None, "/etc/k/*.conf"))
        );
        assert_eq!(include("includea  a b"), Some((Some('a'), "a b")));
        assert_eq!(include("include_check readable"), None);
        assert_eq!(include("include"), None);
        assert_eq!(include("includex a"), None);
    }

    #[test]
    fn braces_split_outside_quotes() {
        let s = split_brace;
        assert_eq!(
            s("virtual_server 10.0.0.1 80 {"),
            Some(("virtual_server 10.0.0.1 80".into(), "{".into()))
        );
        assert_eq!(s("{ weight 1 }"), Some(("{".into(), "weight 1 }".into())));
        assert_eq!(s("weight 1 }"), Some(("weight 1".into(), "}".into())));
        assert_eq!(s("}"), None);
        assert_eq!(s("regex \"a{2}\""), None);
        assert_eq!(s("plain"), None);
    }

    #[test]
    fn words_with_double_quotes() {
        assert_eq!(
            words("misc_path \"/bin/check -a 1\" x").unwrap(),
            ["misc_path", "/bin/check -a 1", "x"]
        );
        assert_eq!(words("a\"b c\"d").unwrap(), ["a", "b c", "d"]);
        assert_eq!(words("  \"\"  ").unwrap(), [""]);
        assert_eq!(
            words("'single quotes' stay").unwrap(),
            ["'single", "quotes'", "stay"]
        );
        assert!(words("a \"b").unwrap_err().contains("unmatched quote"));
    }
}
