//! man/rvsadm.8 documents every option of the option table, its APPLY
//! section exactly the flags of `rvsadm apply`'s table (the one definition
//! its parser, `--help` and completions are made from), and its TOP section
//! exactly the options of `rvsadm top`'s command (clap).

use rvsadm_cli::apply::{Flag, FlagValue, FLAGS};
use rvsadm_cli::compat::args::{Scope, OPTIONS};
use std::collections::BTreeSet;

/// `text` as roff writes it in bold: `\fB...\fR` with `-` escaped.
fn bold(text: &str) -> String {
    format!("\\fB{}\\fR", text.replace('-', "\\-"))
}

fn man() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/man/rvsadm.8"))
        .expect("man/rvsadm.8")
}

#[test]
fn man_page_documents_every_option() {
    let man = man();
    let mut missing = Vec::new();
    for spec in OPTIONS {
        if let Some(l) = spec.long {
            let want = match spec.scope {
                Scope::Subcommand => bold(&format!("rvsadm {l}")),
                Scope::Ipvsadm | Scope::Extension => bold(&format!("--{l}")),
            };
            if !man.contains(&want) {
                missing.push(want);
            }
        }
        if let Some(s) = spec.short {
            let want = bold(&format!("-{s}"));
            if !man.contains(&want) {
                missing.push(want);
            }
        }
    }
    assert!(
        missing.is_empty(),
        "man/rvsadm.8 lacks {}",
        missing.join(", ")
    );
}

/// `text` in roff with `-` escaped.
fn roff(text: &str) -> String {
    text.replace('-', "\\-")
}

/// How the APPLY section heads a flag's entry: `\fB\-\-drain\fR[=\fIseconds\fR]`,
/// `\fB\-\-format\fR \fBjson\fR|\fBrules\fR`, `\fB\-h\fR, \fB\-\-help\fR`.
fn heading(f: &Flag) -> String {
    let short = f
        .short
        .map(|c| format!("{}, ", bold(&format!("-{c}"))))
        .unwrap_or_default();
    let value = match f.value {
        FlagValue::None => String::new(),
        FlagValue::Optional(name) => format!("[=\\fI{}\\fR]", name.to_lowercase()),
        FlagValue::OneOf(words) => {
            let words: Vec<String> = words.iter().map(|w| bold(w)).collect();
            format!(" {}", words.join("|"))
        }
    };
    format!("{short}{}{value}", bold(&format!("--{}", f.long)))
}

/// How the SYNOPSIS names a flag: `[\-\-drain[=\fIseconds\fR]]`, `[\-h]`.
fn synopsis_item(f: &Flag) -> String {
    let name = match (f.short, f.value) {
        (Some(c), _) => format!("-{c}"),
        (None, FlagValue::None) => format!("--{}", f.long),
        (None, FlagValue::Optional(name)) => {
            return format!(
                "[{}[=\\fI{}\\fR]]",
                roff(&format!("--{}", f.long)),
                name.to_lowercase()
            )
        }
        (None, FlagValue::OneOf(words)) => format!("--{} {}", f.long, words.join("|")),
    };
    format!("[{}]", roff(&name))
}

/// The lines after each `.TP` of the APPLY section (the entries' headings).
fn apply_headings(man: &str) -> Vec<String> {
    headings(man, "APPLY")
}

/// The lines after each `.TP` of section `name`.
fn headings(man: &str, name: &str) -> Vec<String> {
    let start = man
        .find(&format!("\n.SH {name}\n"))
        .unwrap_or_else(|| panic!("a {name} section"));
    let section = &man[start + 1..];
    let section = &section[..section[1..].find("\n.SH ").map_or(section.len(), |i| i + 1)];
    let lines: Vec<&str> = section.lines().collect();
    lines
        .windows(2)
        .filter(|w| w[0] == ".TP")
        .map(|w| w[1].to_string())
        .collect()
}

#[test]
fn man_page_apply_section_is_the_flag_table() {
    let man = man();
    let headings = apply_headings(&man);
    // Every long option an entry is headed by, against the table's.
    let mut named = BTreeSet::new();
    for h in &headings {
        for (i, _) in h.match_indices("\\fB\\-\\-") {
            let rest = &h[i + "\\fB\\-\\-".len()..];
            if let Some(end) = rest.find("\\fR") {
                named.insert(rest[..end].replace("\\-", "-"));
            }
        }
    }
    let table: BTreeSet<String> = FLAGS.iter().map(|f| f.long.to_string()).collect();
    assert_eq!(
        named, table,
        "apply's options: man/rvsadm.8 APPLY (left) against apply's FLAGS (right)"
    );
    // Each is headed with its value as the table has it.
    for f in FLAGS {
        let want = heading(f);
        assert!(
            headings.iter().any(|h| h.contains(&want)),
            "man/rvsadm.8 APPLY has no entry headed {want}"
        );
    }
    // The SYNOPSIS line lists every flag, in the table's order.
    let items: Vec<String> = FLAGS.iter().map(synopsis_item).collect();
    let synopsis = format!(
        "\\fBrvsadm apply\\fR {} \\fIfile\\fR|\\-\n",
        items.join(" ")
    );
    assert!(
        man.contains(&synopsis),
        "man/rvsadm.8's SYNOPSIS lacks {synopsis}"
    );
}

/// The TOP section heads one entry per option of `rvsadm top` (with its
/// value's name), and the SYNOPSIS line lists them all.
#[test]
fn man_page_top_section_is_the_command() {
    let man = man();
    let headings = headings(&man, "TOP");
    let cmd = rvsadm_cli::top::command();
    let mut synopsis = vec!["\\fBrvsadm top\\fR".to_string()];
    for a in cmd.get_arguments() {
        let long = a.get_long().expect("every option of top is long");
        let value = a
            .get_value_names()
            .and_then(|v| v.first())
            .map(|v| v.to_lowercase());
        let want = match &value {
            Some(v) => format!("{} \\fI{v}\\fR", bold(&format!("--{long}"))),
            None => bold(&format!("--{long}")),
        };
        assert!(
            headings.iter().any(|h| h == &want),
            "man/rvsadm.8 TOP has no entry headed {want}: {headings:?}"
        );
        synopsis.push(match &value {
            Some(v) => format!("[{} \\fI{v}\\fR]", roff(&format!("--{long}"))),
            None => format!("[{}]", roff(&format!("--{long}"))),
        });
    }
    // clap's own --help is not among the command's arguments.
    let help = format!("{}, {}", bold("-h"), bold("--help"));
    assert!(headings.contains(&help), "man/rvsadm.8 TOP lacks {help}");
    synopsis.push("[\\-h]".to_string());
    let line = synopsis.join(" ") + "\n";
    assert!(man.contains(&line), "man/rvsadm.8's SYNOPSIS lacks {line}");
}
