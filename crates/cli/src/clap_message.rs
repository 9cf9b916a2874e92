//! The one-line form of a clap error, for the subcommands whose arguments
//! clap parses (`doctor`, `top`): rvsadm prints its own usage line after it.

/// clap's message on one line, without its `error: ` prefix, usage and
/// hints (`the following required arguments were not provided: --vip <ADDR>`).
pub(crate) fn first_line(s: &str) -> String {
    let words: Vec<&str> = s
        .lines()
        .take_while(|l| !l.starts_with("Usage:"))
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("tip:"))
        .collect();
    let line = words.join(" ");
    line.strip_prefix("error: ").unwrap_or(&line).to_string()
}

#[cfg(test)]
mod tests {
    use super::first_line;

    #[test]
    fn one_line_without_prefix_usage_or_tips() {
        let clap = "error: unexpected argument '--x' found\n\n  tip: to pass '--x' as a value, use '-- --x'\n\nUsage: rvsadm top [OPTIONS]\n\nFor more information, try '--help'.\n";
        assert_eq!(first_line(clap), "unexpected argument '--x' found");
    }
}
