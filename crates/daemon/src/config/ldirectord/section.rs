//! One `virtual=` section: its service, reals, checks, fallback and
//! policies.

use super::check::{CheckPlan, Timing};
use super::global::Globals;
use super::lines::Section;
use super::real::{fallback_of, reals_of};
use super::service::{config_of, is_fwmark, key_of, port_of};
use super::words::yes_no;
use crate::config::validate::Patterns;
use crate::config::{ConfigError, Location, Manual, OnFailure, Quorum, Real, Virtual};
use rvsadm::model::{DestSpec, ServiceKey};
use std::path::Path;

/// The directives a virtual section may hold (ldirectord's).
const KNOWN: &[&str] = &[
    "real",
    "real6",
    "request",
    "receive",
    "checktype",
    "checkcommand",
    "checktimeout",
    "negotiatetimeout",
    "connecttimeout",
    "checkcount",
    "failurecount",
    "checkinterval",
    "checkport",
    "login",
    "passwd",
    "database",
    "secret",
    "load",
    "scheduler",
    "persistent",
    "schedflags",
    "netmask",
    "protocol",
    "ops",
    "service",
    "httpmethod",
    "virtualhost",
    "fallback",
    "fallback6",
    "fallbackcommand",
    "quiescent",
    "cleanstop",
    "emailalert",
    "emailalertfreq",
    "emailalertstatus",
    "smtp",
    "monitorfile",
    "servicename",
    "comment",
];

/// Known directives that rvsadmd does not do (an error).
const UNSUPPORTED: &[&str] = &["fallbackcommand", "monitorfile", "load"];

/// Known directives that have no effect on the table (a note).
const NO_EFFECT: &[&str] = &[
    "emailalert",
    "emailalertfreq",
    "emailalertstatus",
    "smtp",
    "servicename",
    "comment",
];

/// The service of section `s` under globals `g`; what has no effect is
/// added to `notes`.
pub(super) fn virtual_of(
    s: &Section,
    g: &Globals,
    file: &Path,
    notes: &mut Vec<String>,
    patterns: &mut Patterns,
) -> Result<Virtual, ConfigError> {
    let bad = |line: usize, m: String| ConfigError::new(file, line, m);
    refuse_unknown(s, file)?;
    let key = key_of(s, file, notes)?;
    let config = config_of(s, key, file)?;
    let timing = Timing::of(s, g, file, notes)?;
    let quiescent = match s.get("quiescent") {
        Some(i) => {
            yes_no(&i.value).ok_or_else(|| bad(i.line, "quiescent must be yes or no".into()))?
        }
        None => g.quiescent.unwrap_or(false),
    };
    if let Some(i) = s.get("cleanstop") {
        let v =
            yes_no(&i.value).ok_or_else(|| bad(i.line, "cleanstop must be yes or no".into()))?;
        if v != g.cleanstop() {
            return Err(bad(i.line, "a cleanstop of its own per virtual is not supported by rvsadmd: set cleanstop once, globally".into()));
        }
    }
    for k in UNSUPPORTED {
        if let Some(i) = s.get(k) {
            return Err(bad(i.line, format!("{k} is not supported by rvsadmd")));
        }
    }
    for i in s
        .items
        .iter()
        .filter(|i| NO_EFFECT.contains(&i.key.as_str()))
    {
        notes.push(format!(
            "{}: {}: no effect in rvsadmd",
            Location::new(file, i.line),
            i.key
        ));
    }
    let plan = CheckPlan::of(s, key, is_fwmark(s), timing, file)?;
    let reals = reals(s, &plan, key, file, patterns)?;
    let fallback = fallback_in(s, g, key, file)?;
    Ok(Virtual {
        key,
        config,
        reals,
        fallback,
        quorum: Quorum::default(),
        on_failure: if quiescent {
            OnFailure::Quiesce
        } else {
            OnFailure::Remove
        },
        manual: Manual::Ignore,
        keep_foreign: false,
        fallback_idle: OnFailure::Remove,
        at: Location::new(file, s.line),
    })
}

/// Refuses a directive ldirectord does not know in a section, and the
/// deprecated `connecttimeout`.
fn refuse_unknown(s: &Section, file: &Path) -> Result<(), ConfigError> {
    if let Some(i) = s.items.iter().find(|i| !KNOWN.contains(&i.key.as_str())) {
        return Err(ConfigError::new(
            file,
            i.line,
            format!("unknown directive `{}` in a virtual section", i.key),
        ));
    }
    if let Some(i) = s.items.iter().find(|i| i.key == "connecttimeout") {
        return Err(ConfigError::new(file, i.line, "connecttimeout is deprecated (ldirectord refuses it too): use negotiatetimeout or checktimeout".into()));
    }
    Ok(())
}

/// The reals of section `s` (of service `key`), each with its check (one
/// each, as ldirectord checks a real).
fn reals(
    s: &Section,
    plan: &CheckPlan<'_>,
    key: ServiceKey,
    file: &Path,
    patterns: &mut Patterns,
) -> Result<Vec<Real>, ConfigError> {
    let vport = port_of(key);
    let mut out = Vec::new();
    for i in s
        .items
        .iter()
        .filter(|i| i.key == "real" || i.key == "real6")
    {
        if (i.key == "real6") != s.v6 {
            let section = if s.v6 { "virtual6" } else { "virtual" };
            return Err(ConfigError::new(
                file,
                i.line,
                format!("{} in a {section} section", i.key),
            ));
        }
        let reals = reals_of(i, s.v6, key, vport).map_err(|m| ConfigError::new(file, i.line, m))?;
        for r in reals {
            let c = plan.check(
                r.addr_written,
                r.request.as_deref().unwrap_or(&plan.request),
                r.receive.as_deref().or(plan.receive.as_deref()),
                patterns,
            )?;
            out.push(Real {
                dest: r.spec,
                checks: vec![c],
                notify_up: None,
                notify_down: None,
            });
        }
    }
    Ok(out)
}

/// The fallback: the section's own, else the global one of its family
/// (not for a fwmark virtual).
fn fallback_in(
    s: &Section,
    g: &Globals,
    key: ServiceKey,
    file: &Path,
) -> Result<Option<DestSpec>, ConfigError> {
    let vport = port_of(key);
    let (line, value) = match s.get("fallback").or(s.get("fallback6")) {
        Some(i) => (i.line, &i.value),
        None if !is_fwmark(s) => match if s.v6 { &g.fallback6 } else { &g.fallback } {
            Some((line, v)) => (*line, v),
            None => return Ok(None),
        },
        None => return Ok(None),
    };
    fallback_of(value, s.v6, key, vport)
        .map(Some)
        .map_err(|m| ConfigError::new(file, line, m))
}
