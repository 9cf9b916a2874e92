//! What doctor says: findings (a code, what it is about, the evidence
//! read), what it could not check, and the report that holds both.

use crate::code::{Code, Severity};
use serde::Serialize;

/// One thing doctor read that a finding rests on: where (a file, a sysctl,
/// a table row, a route lookup) and what it said.
///
/// ```
/// let e = rvsadm_doctor::Evidence::new("/proc/sys/net/ipv4/ip_forward", "0");
/// assert_eq!(e.to_string(), "/proc/sys/net/ipv4/ip_forward = 0");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evidence {
    /// Where it was read.
    pub source: String,
    /// What it said.
    pub value: String,
}

impl Evidence {
    /// Evidence that `source` said `value`.
    pub fn new(source: impl Into<String>, value: impl Into<String>) -> Self {
        Evidence {
            source: source.into(),
            value: value.into(),
        }
    }
}

impl std::fmt::Display for Evidence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} = {}", self.source, self.value)
    }
}

/// One problem found.
///
/// ```
/// use rvsadm_doctor::{Code, Evidence, Finding};
/// let f = Finding::new(Code::NatForwardingOff, "TCP 192.0.2.1:80")
///     .with(Evidence::new("/proc/sys/net/ipv4/ip_forward", "0"));
/// assert_eq!(f.code.name(), "nat_forwarding_off");
/// assert_eq!(f.evidence.len(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// What was found (its meaning and fix are in [`crate::CODES`]).
    pub code: Code,
    /// What it is about: a service, a destination, an interface, a daemon
    /// (`TCP 192.0.2.1:80 -> 10.0.0.2:80`).
    pub subject: String,
    /// What it rests on.
    pub evidence: Vec<Evidence>,
    /// What this case adds to the code's meaning, if anything.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl Finding {
    /// A finding of `code` about `subject`, with no evidence yet.
    pub fn new(code: Code, subject: impl Into<String>) -> Self {
        Finding {
            code,
            subject: subject.into(),
            evidence: Vec::new(),
            detail: None,
        }
    }

    /// Add a piece of evidence.
    pub fn with(mut self, e: Evidence) -> Self {
        self.evidence.push(e);
        self
    }

    /// Say what this case adds to the code's meaning.
    pub fn detail(mut self, d: impl Into<String>) -> Self {
        self.detail = Some(d.into());
        self
    }

    /// The code's severity.
    pub fn severity(&self) -> Severity {
        self.code.severity()
    }
}

/// A check doctor could not make, and why (no privilege, no file): said,
/// not hidden.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unchecked {
    /// The codes that could not be checked (or `table` and the like when a
    /// whole reading failed).
    pub checks: Vec<String>,
    /// What could not be read.
    pub source: String,
    /// Why.
    pub reason: String,
}

impl Unchecked {
    /// `codes` could not be checked because `source` could not be read.
    pub fn new(codes: &[Code], source: impl Into<String>, reason: impl Into<String>) -> Self {
        Unchecked {
            checks: codes.iter().map(|c| c.name().to_string()).collect(),
            source: source.into(),
            reason: reason.into(),
        }
    }
}

/// Everything one run of doctor found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The problems, errors first.
    pub findings: Vec<Finding>,
    /// What could not be checked.
    pub unchecked: Vec<Unchecked>,
    /// What was looked at (`services: 3`, `kernel: 6.1.0-27-amd64`), for the
    /// reader to judge how much a clean report says.
    pub examined: Vec<Evidence>,
}

/// Exit status: nothing to report.
pub const EXIT_CLEAN: i32 = 0;
/// Exit status: warnings, or something could not be checked.
pub const EXIT_WARNINGS: i32 = 1;
/// Exit status: at least one error.
pub const EXIT_ERRORS: i32 = 2;

impl Report {
    /// Put errors first, then warnings, each by code (in table order) and
    /// subject, so that a report reads the same whatever order the kernel
    /// listed the table in; remove exact repeats.
    pub fn finish(mut self) -> Self {
        let mut seen = Vec::new();
        self.findings.retain(|f| {
            let new = !seen.contains(f);
            if new {
                seen.push(f.clone());
            }
            new
        });
        self.findings.sort_by(|a, b| {
            (std::cmp::Reverse(a.severity()), a.code, &a.subject).cmp(&(
                std::cmp::Reverse(b.severity()),
                b.code,
                &b.subject,
            ))
        });
        self.unchecked.dedup();
        self
    }

    /// Number of findings of `severity`.
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity() == severity)
            .count()
    }

    /// The exit status: [`EXIT_ERRORS`] with an error, [`EXIT_WARNINGS`]
    /// with a warning or anything not checked, else [`EXIT_CLEAN`].
    ///
    /// ```
    /// use rvsadm_doctor::{Code, Finding, Report};
    /// let mut r = Report::default();
    /// assert_eq!(r.exit_status(), 0);
    /// r.findings.push(Finding::new(Code::VipNotLocal, "TCP 192.0.2.1:80"));
    /// assert_eq!(r.exit_status(), 1);
    /// ```
    pub fn exit_status(&self) -> i32 {
        if self.count(Severity::Error) > 0 {
            EXIT_ERRORS
        } else if self.count(Severity::Warning) > 0 || !self.unchecked.is_empty() {
            EXIT_WARNINGS
        } else {
            EXIT_CLEAN
        }
    }
}
