//! The report for programs (`docs/schema/doctor.schema.json`): every
//! finding with its code's meaning and fix, so a reader needs no table.

use rvsadm::json::SCHEMA_VERSION;
use rvsadm_doctor::{Evidence, Finding, Report, Severity, Unchecked};
use serde::Serialize;

#[derive(Serialize)]
struct Doc<'a> {
    schema_version: u32,
    findings: Vec<FindingDoc<'a>>,
    unchecked: &'a [Unchecked],
    examined: &'a [Evidence],
    summary: Summary,
}

#[derive(Serialize)]
struct FindingDoc<'a> {
    #[serde(flatten)]
    finding: &'a Finding,
    severity: Severity,
    meaning: &'static str,
    fix: &'static str,
}

#[derive(Serialize)]
struct Summary {
    errors: usize,
    warnings: usize,
    unchecked: usize,
    exit_status: i32,
}

/// The JSON text of `report`, one line (indented if `pretty`).
pub(super) fn render(report: &Report, pretty: bool) -> String {
    let doc = Doc {
        schema_version: SCHEMA_VERSION,
        findings: report
            .findings
            .iter()
            .map(|f| FindingDoc {
                finding: f,
                severity: f.severity(),
                meaning: f.code.info().meaning,
                fix: f.code.info().fix,
            })
            .collect(),
        unchecked: &report.unchecked,
        examined: &report.examined,
        summary: Summary {
            errors: report.count(Severity::Error),
            warnings: report.count(Severity::Warning),
            unchecked: report.unchecked.len(),
            exit_status: report.exit_status(),
        },
    };
    let text = if pretty {
        serde_json::to_string_pretty(&doc)
    } else {
        serde_json::to_string(&doc)
    };
    text.unwrap_or_default() + "\n"
}
