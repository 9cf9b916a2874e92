//! man/rvsadm.8 documents every option of the option table.

use rvsadm_cli::compat::args::{Scope, OPTIONS};

/// `text` as roff writes it in bold: `\fB...\fR` with `-` escaped.
fn bold(text: &str) -> String {
    format!("\\fB{}\\fR", text.replace('-', "\\-"))
}

#[test]
fn man_page_documents_every_option() {
    let man = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/man/rvsadm.8"))
        .expect("man/rvsadm.8");
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
