//! docs/errors.md and the error enum agree: same numbers, same codes.

#[test]
fn docs_errors_table_matches_the_enum() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/errors.md"))
        .expect("docs/errors.md");
    let rows: Vec<(u16, String)> = doc
        .lines()
        .filter_map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            let number = cells.get(1)?.parse::<u16>().ok()?;
            // Code rows name the code in backticks (the exit-status table
            // of `apply` does not).
            let code = cells
                .get(2)?
                .strip_prefix('`')?
                .strip_suffix('`')?
                .to_string();
            Some((number, code))
        })
        .collect();
    let mut want: Vec<(u16, String)> = rvsadm::CODES
        .iter()
        .chain(rvsadm_cli::CLI_CODES)
        .map(|(n, c)| (*n, c.to_string()))
        .collect();
    want.sort();
    assert_eq!(rows, want, "docs/errors.md and rvsadm::CODES disagree");
}
