//! docs/doctor.md, the code table (`rvsadm_doctor::CODES`) and the JSON
//! schema's list of codes agree: same codes in the same order, same
//! severity, meaning and fix.

use rvsadm_doctor::CODES;

fn read(rel: &str) -> String {
    std::fs::read_to_string(format!("{}/{rel}", env!("CARGO_MANIFEST_DIR")))
        .unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// (name, severity, meaning, fix) of each `## `code`` section.
fn doc_rows() -> Vec<(String, String, String, String)> {
    let doc = read("docs/doctor.md");
    let mut rows = Vec::new();
    for section in doc.split("\n## ").skip(1) {
        let name = section.lines().next().unwrap_or_default().trim_matches('`');
        let field = |label: &str| {
            section
                .lines()
                .find_map(|l| l.strip_prefix(label))
                .unwrap_or_default()
                .to_string()
        };
        rows.push((
            name.to_string(),
            field("Severity: ").trim_end_matches('.').to_string(),
            field("Meaning: "),
            field("Fix: "),
        ));
    }
    rows
}

#[test]
fn docs_doctor_md_lists_every_code_as_the_table_says() {
    let want: Vec<(String, String, String, String)> = CODES
        .iter()
        .map(|c| {
            (
                c.name.to_string(),
                c.severity.name().to_string(),
                c.meaning.to_string(),
                c.fix.to_string(),
            )
        })
        .collect();
    assert_eq!(
        doc_rows(),
        want,
        "docs/doctor.md and rvsadm_doctor::CODES disagree"
    );
}

#[test]
fn the_schema_knows_every_code() {
    let schema: serde_json::Value =
        serde_json::from_str(&read("docs/schema/doctor.schema.json")).unwrap();
    let codes = &schema["properties"]["findings"]["items"]["properties"]["code"]["enum"];
    let want: Vec<&str> = CODES.iter().map(|c| c.name).collect();
    assert_eq!(codes, &serde_json::json!(want));
}
