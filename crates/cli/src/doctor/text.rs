//! The report for people: each finding with its meaning, the evidence
//! read and the fix; what was not checked; what was examined; a summary.

use rvsadm_doctor::{Finding, Report, Severity};
use std::fmt::Write;

/// The text of `report`.
pub(super) fn render(report: &Report) -> String {
    let mut s = String::new();
    for f in &report.findings {
        finding(&mut s, f);
    }
    for u in &report.unchecked {
        let _ = writeln!(
            s,
            "not checked: {} ({}: {})",
            u.checks.join(", "),
            u.source,
            u.reason
        );
    }
    let examined: Vec<String> = report
        .examined
        .iter()
        .map(|e| format!("{} {}", e.source, e.value))
        .collect();
    let _ = writeln!(s, "examined: {}", examined.join("; "));
    let _ = writeln!(s, "{}", summary(report));
    s
}

fn finding(s: &mut String, f: &Finding) {
    let info = f.code.info();
    let _ = writeln!(s, "{} {}: {}", f.severity(), f.code, f.subject);
    let _ = writeln!(s, "  {}", info.meaning);
    if let Some(d) = &f.detail {
        let _ = writeln!(s, "  {d}");
    }
    for e in &f.evidence {
        let _ = writeln!(s, "  read: {e}");
    }
    let _ = writeln!(s, "  fix: {}", info.fix);
    s.push('\n');
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

fn summary(r: &Report) -> String {
    let (e, w) = (r.count(Severity::Error), r.count(Severity::Warning));
    if e + w == 0 && r.unchecked.is_empty() {
        return "doctor: nothing found".to_string();
    }
    let mut parts = vec![plural(e, "error"), plural(w, "warning")];
    if !r.unchecked.is_empty() {
        parts.push(format!("{} not checked", r.unchecked.len()));
    }
    format!("doctor: {}", parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rvsadm_doctor::{Code, Evidence};

    #[test]
    fn a_finding_shows_meaning_evidence_and_fix() {
        let mut r = Report::default();
        r.findings.push(
            Finding::new(
                Code::NatForwardingOff,
                "TCP 192.0.2.1:80 -> 10.0.0.2:80 (masq)",
            )
            .with(Evidence::new("/proc/sys/net/ipv4/ip_forward", "0")),
        );
        let t = render(&r);
        assert!(
            t.starts_with(
                "error nat_forwarding_off: TCP 192.0.2.1:80 -> 10.0.0.2:80 (masq)\n  Masquerading"
            ),
            "{t}"
        );
        assert!(t.contains("\n  read: /proc/sys/net/ipv4/ip_forward = 0\n  fix: `sysctl -w net.ipv4.ip_forward=1`"), "{t}");
        assert!(t.ends_with("doctor: 1 error, 0 warnings\n"), "{t}");
        assert!(render(&Report::default()).ends_with("doctor: nothing found\n"));
    }
}
