//! One `[[services]]` table: its service and destinations, each with its
//! checks, its fallback and policies.

use super::agent::agent_of;
use super::check::check_of;
use super::doc::{
    CheckDoc, DefaultsDoc, ForeignDoc, ManualDoc, OnFailureDoc, ServiceStopDoc, ServiceToml,
};
use super::lines::Lines;
use super::scripts::{notify_of, quorum_of};
use super::weights::{depool_floor_of, slow_start_of};
use crate::config::validate::Patterns;
use crate::config::{
    Check, ConfigError, Location, Manual, OnFailure, OnStop, Probe, Real, Virtual,
};
use rvsadm::json::ServiceDoc;
use rvsadm::model::{Family, ServiceSpec};
use std::net::SocketAddr;
use std::path::Path;
use toml::Spanned;

/// Where the tables being read come from: the file (for messages), its
/// line starts, and its `[defaults]`.
pub(super) struct Source<'a> {
    pub(super) file: &'a Path,
    pub(super) lines: &'a Lines,
    pub(super) defaults: &'a DefaultsDoc,
}

impl Source<'_> {
    fn bad(&self, line: usize, message: String) -> ConfigError {
        ConfigError::new(self.file, line, message)
    }
}

/// The service of the `i`th `[[services]]` table.
pub(super) fn virtual_of(
    from: &Source<'_>,
    i: usize,
    table: &Spanned<ServiceToml>,
    patterns: &mut Patterns,
) -> Result<Virtual, ConfigError> {
    let line = from.lines.of(table.span().start);
    let s = table.get_ref();
    let path = format!("services[{i}]");
    let spec = spec_of(s, &path).map_err(|m| from.bad(line, m))?;
    let checks = checks_of(from, s, &spec, &path, patterns)?;
    let ServiceSpec {
        key,
        config,
        destinations,
    } = spec;
    // `spec_of` made one destination of each table, in order.
    let mut reals = Vec::with_capacity(destinations.len());
    for (j, (dest, checks)) in destinations.into_iter().zip(checks).enumerate() {
        let d = &s.destinations[j];
        let dpath = format!("{path}.destinations[{j}]");
        let (notify_up, notify_down) = notify_of(d.get_ref(), &dpath)
            .map_err(|m| from.bad(from.lines.of(d.span().start), m))?;
        let layers = [
            from.defaults.agent.as_ref(),
            s.agent.as_ref(),
            d.get_ref().agent.as_ref(),
        ];
        let agent =
            agent_of(layers, &dpath).map_err(|m| from.bad(from.lines.of(d.span().start), m))?;
        let slow_start = slow_start_of(
            [s.slow_start.as_ref(), d.get_ref().slow_start.as_ref()],
            &dpath,
        )
        .map_err(|m| from.bad(from.lines.of(d.span().start), m))?;
        reals.push(Real {
            dest,
            checks,
            agent,
            notify_up,
            notify_down,
            monitor_as: None,
            slow_start,
        });
    }
    let quorum = quorum_of(s, &path).map_err(|m| from.bad(line, m))?;
    let depool_floor =
        depool_floor_of(s.depool_floor.as_deref(), &path).map_err(|m| from.bad(line, m))?;
    if s.fallback.as_ref().is_some_and(|f| f.agent.is_some()) {
        return Err(from.bad(
            line,
            format!("{path}.fallback.agent: a fallback has no agent (it is in only while no destination is); remove it"),
        ));
    }
    let fallback = match &s.fallback {
        Some(f) => Some(
            f.doc()
                .to_spec(&format!("{path}.fallback"))
                .map_err(|e| from.bad(line, e.to_string()))?,
        ),
        None => None,
    };
    if s.fallback_idle.is_some() && fallback.is_none() {
        return Err(from.bad(
            line,
            format!("{path}: fallback_idle without a fallback (add `fallback`, or remove it)"),
        ));
    }
    let manual = s.manual.or(from.defaults.manual);
    let fallback_command = s
        .fallback_command
        .as_ref()
        .or(from.defaults.fallback_command.as_ref())
        .cloned();
    if fallback_command
        .as_deref()
        .is_some_and(|c| c.trim().is_empty())
    {
        return Err(from.bad(
            line,
            format!("{path}.fallback_command: give a command (run by /bin/sh), or remove it"),
        ));
    }
    if s.monitor_file.as_deref() == Some("") {
        return Err(from.bad(
            line,
            format!("{path}.monitor_file: give a file path, or remove it"),
        ));
    }
    Ok(Virtual {
        key,
        config,
        reals,
        fallback,
        quorum,
        fallback_idle: match s.fallback_idle {
            Some(OnFailureDoc::Quiesce) => OnFailure::Quiesce,
            _ => OnFailure::Remove,
        },
        on_failure: match s.on_failure.or(from.defaults.on_failure) {
            Some(OnFailureDoc::Remove) => OnFailure::Remove,
            _ => OnFailure::Quiesce,
        },
        manual: match manual {
            Some(ManualDoc::Revert) => Manual::Revert,
            Some(ManualDoc::Ignore) => Manual::Ignore,
            _ => Manual::Adopt,
        },
        keep_foreign: match s.foreign {
            Some(ForeignDoc::Keep) => true,
            Some(ForeignDoc::Remove) => false,
            None => !matches!(manual, Some(ManualDoc::Revert)),
        },
        on_stop: s.on_stop.map(|o| match o {
            ServiceStopDoc::Keep => OnStop::Keep,
            ServiceStopDoc::Remove => OnStop::Remove,
        }),
        fallback_command,
        monitor_file: s.monitor_file.as_ref().map(Into::into),
        depool_floor,
        check_only: false,
        at: Location::new(from.file, line),
    })
}

/// The service and its destinations, read as `rvsadm apply` reads them
/// (the family taken from the address, scheduler `wlc` unless given).
fn spec_of(s: &ServiceToml, path: &str) -> Result<ServiceSpec, String> {
    let family = match (s.family, s.address) {
        (Some(f), _) => f,
        (None, Some(a)) => Family::of(&a),
        (None, None) => Family::Inet,
    };
    let doc = ServiceDoc {
        family,
        protocol: s.protocol,
        address: s.address,
        port: s.port,
        fwmark: s.fwmark,
        scheduler: s.scheduler.clone().unwrap_or_else(|| "wlc".into()),
        flags: s.flags.clone(),
        timeout: s.timeout,
        netmask: s.netmask,
        prefix_length: s.prefix_length,
        pe_name: s.pe_name.clone(),
        stats: None,
        destinations: s.destinations.iter().map(|d| d.get_ref().doc()).collect(),
    };
    doc.to_spec(path).map_err(|e| e.to_string())
}

/// Each destination's checks: its `check`, or each of its `checks`,
/// merged over `[defaults]`' and the service's `check` (a destination
/// with neither has the service's); an error names the line.
fn checks_of(
    from: &Source<'_>,
    s: &ServiceToml,
    spec: &ServiceSpec,
    path: &str,
    patterns: &mut Patterns,
) -> Result<Vec<Vec<Check>>, ConfigError> {
    let svc_check = from.defaults.check.merged(&s.check);
    let service = spec.key.to_string();
    let mut all = Vec::with_capacity(s.destinations.len());
    for (j, d) in s.destinations.iter().enumerate() {
        let dline = from.lines.of(d.span().start);
        let dd = d.get_ref();
        let target = SocketAddr::new(dd.address, dd.port);
        let dpath = format!("{path}.destinations[{j}]");
        let mut one = |c: &CheckDoc, line: usize, what: String| {
            check_of(&svc_check.merged(c), target, &service, patterns)
                .map_err(|m| from.bad(line, format!("{what}: {m}")))
        };
        let checks = match (&dd.check, &dd.checks) {
            (Some(_), Some(_)) => {
                return Err(from.bad(
                    dline,
                    format!("{dpath}: give `check` (one) or `checks` (a list), not both"),
                ))
            }
            (Some(c), None) => vec![one(c, dline, format!("{dpath}.check"))?],
            (None, None) => vec![one(&CheckDoc::default(), dline, format!("{dpath}.check"))?],
            (None, Some(list)) => {
                let mut checks = Vec::with_capacity(list.len());
                for (k, c) in list.iter().enumerate() {
                    let line = from.lines.of(c.span().start);
                    checks.push(one(c.get_ref(), line, format!("{dpath}.checks[{k}]"))?);
                }
                if list.len() > 1 {
                    if let Some(k) = checks.iter().position(|c| c.probe == Probe::Unchecked) {
                        let line = from.lines.of(list[k].span().start);
                        return Err(from.bad(
                            line,
                            format!(
                                "{dpath}.checks[{k}]: a `none` check is never run, so the \
                                 destination's other checks could never decide: give it alone"
                            ),
                        ));
                    }
                }
                checks
            }
        };
        all.push(checks);
    }
    Ok(all)
}
