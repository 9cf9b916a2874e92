//! One `virtual=` section: its service, reals, checks, fallback and
//! policies.

use super::check::{CheckPlan, Timing};
use super::global::Globals;
use super::lines::Section;
use super::real::{fallback_of, reals_of};
use super::service::{config_of, is_fwmark, key_of, port_of, port_written};
use super::syntax::maybe_quoted;
use super::words::yes_no;
use crate::config::validate::Patterns;
use crate::config::{ConfigError, Location, Manual, OnFailure, OnStop, Quorum, Real, Virtual};
use rvsadm::model::{DestSpec, ServiceKey};
use std::path::Path;

/// Known directives that have no effect on the table (a note).
const NO_EFFECT: &[&str] = &[
    "load",
    "emailalert",
    "emailalertfreq",
    "emailalertstatus",
    "smtp",
    "servicename",
    "comment",
    // A ping check sends one echo (ldirectord tries checkcount times).
    "checkcount",
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
    let key = key_of(s, file, notes)?;
    let config = config_of(s, key, file)?;
    let timing = Timing::of(s, g, file, notes)?;
    let quiescent = match s.get("quiescent") {
        Some(i) => {
            yes_no(&i.value).ok_or_else(|| bad(i.line, "quiescent must be yes or no".into()))?
        }
        None => g.quiescent.unwrap_or(false),
    };
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
    let mut plan = CheckPlan::of(s, key, is_fwmark(s), timing, file)?;
    plan.maintenancedir = g.maintenancedir.clone();
    let reals = reals(s, &plan, key, (file, notes), patterns)?;
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
        on_stop: s
            .get("cleanstop")
            .and_then(|i| yes_no(&i.value))
            .map(|yes| if yes { OnStop::Remove } else { OnStop::Keep }),
        // The virtual's own (quotes taken off), else the global one as
        // written: ldirectord gives either to the shell.
        fallback_command: s
            .get("fallbackcommand")
            .map(|i| maybe_quoted(&i.value).to_string())
            .or_else(|| g.fallbackcommand.clone()),
        monitor_file: s.get("monitorfile").map(|i| maybe_quoted(&i.value).into()),
        depool_floor: None,
        check_only: false,
        at: Location::new(file, s.line),
    })
}

/// The reals of section `s` (of service `key`), each with its check (one
/// each, as ldirectord checks a real). A real at an address already in
/// the table is left out, told in `notes`: ldirectord's second add of it
/// fails, the first stays.
fn reals(
    s: &Section,
    plan: &CheckPlan<'_>,
    key: ServiceKey,
    (file, notes): (&Path, &mut Vec<String>),
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
            if out.iter().any(|o: &Real| o.dest.addr == r.spec.addr) {
                notes.push(format!(
                    "{}: real {} is in this virtual already: ldirectord's second add of it fails, the first stays",
                    Location::new(file, i.line),
                    r.spec.addr
                ));
                continue;
            }
            let monitor_as = s.get("monitorfile").map(|_| plan.monitor_as(&r));
            let c = plan.check(
                r.addr_written,
                r.request.as_deref().unwrap_or(&plan.request),
                r.receive.as_deref().or(plan.receive.as_deref()),
                patterns,
            )?;
            out.push(Real {
                dest: r.spec,
                agent: None,
                checks: vec![c],
                notify_up: None,
                notify_down: None,
                monitor_as,
                slow_start: None,
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
    let (line, value, written) = match s.get("fallback").or(s.get("fallback6")) {
        Some(i) => (i.line, &i.value, port_written(s)),
        None if !is_fwmark(s) => match if s.v6 { &g.fallback6 } else { &g.fallback } {
            Some((line, v)) => (*line, v, None),
            None => return Ok(None),
        },
        None => return Ok(None),
    };
    fallback_of(value, s.v6, key, (port_of(key), written.as_deref()))
        .map(Some)
        .map_err(|m| ConfigError::new(file, line, m))
}
