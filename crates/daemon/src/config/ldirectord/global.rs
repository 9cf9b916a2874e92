//! The global directives of `ldirectord.cf` (those outside a `virtual=`
//! section), each read by ldirectord's rule for it and refused with its
//! text.

use super::lines::Item;
use super::real::resolve_fallback;
use super::syntax::{emailalert, emailalertstatus, smtp};
use super::words::{number, quoted, yes_no};
use crate::config::{ConfigError, Location, OnChange};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Global settings (those that may also be per virtual are resolved per
/// virtual).
#[derive(Debug, Default, Clone)]
pub(super) struct Globals {
    pub(super) checktimeout: Option<u64>,
    pub(super) negotiatetimeout: Option<u64>,
    pub(super) checkinterval: Option<u64>,
    pub(super) failurecount: Option<u32>,
    pub(super) quiescent: Option<bool>,
    pub(super) cleanstop: Option<bool>,
    /// The value with its line.
    pub(super) fallback: Option<(usize, String)>,
    /// The value with its line.
    pub(super) fallback6: Option<(usize, String)>,
    /// `fork = yes`: each virtual's own `checkinterval` counts.
    pub(super) fork: bool,
    /// `maintenancedir`: where files put reals in maintenance.
    pub(super) maintenancedir: Option<PathBuf>,
    /// `callback`: its words (run with the file's path added).
    pub(super) callback: Option<Vec<String>>,
    /// `autoreload = yes`: a change of the file reloads it.
    pub(super) autoreload: bool,
    /// `fallbackcommand`: every virtual's, unless it gives its own (the
    /// value as written, quotes and all: the shell reads it).
    pub(super) fallbackcommand: Option<String>,
    /// The first directive ldirectord reads but rvsadmd does not do:
    /// refused once the whole file has passed ldirectord's rules, so that
    /// a file ldirectord refuses is refused where ldirectord refuses it.
    pub(super) not_done: Option<ConfigError>,
}

/// What ldirectord says of a `yes`/`no` directive that is neither.
fn yes_no_text(k: &str) -> String {
    format!("{k} must be 'yes' or 'no'")
}

impl Globals {
    /// Take the global directive `item`; what has no effect in rvsadmd
    /// is added to `notes`, what rvsadmd does not do is an error.
    pub(super) fn take(
        &mut self,
        item: &Item,
        file: &Path,
        notes: &mut Vec<String>,
    ) -> Result<(), ConfigError> {
        let (n, k, v) = (item.line, item.key.as_str(), item.value.as_str());
        let bad = |m: String| ConfigError::new(file, n, m);
        let at = Location::new(file, n);
        let num = |what: &str| number(v).ok_or_else(|| bad(format!("invalid {what} value")));
        let yn = || yes_no(v).ok_or_else(|| bad(yes_no_text(k)));
        let unknown = || bad(format!("Unknown command {}", item.text));
        match k {
            "checktimeout" => self.checktimeout = Some(num("check timeout")?),
            "negotiatetimeout" => self.negotiatetimeout = Some(num("negotiate timeout")?),
            "checkinterval" => self.checkinterval = Some(num("check interval")?),
            "failurecount" => {
                self.failurecount = Some(num("failure count")?.min(u64::from(u32::MAX)) as u32)
            }
            "checkcount" => {
                num("check count")?;
                notes.push(format!("{at}: checkcount is deprecated (ldirectord says so too); rvsadmd's ping check sends one echo and waits checktimeout for it (ldirectord tries checkcount times); failurecount counts failed checks"));
            }
            "quiescent" => self.quiescent = Some(yn()?),
            "cleanstop" => self.cleanstop = Some(yn()?),
            "readdquiescent" => {
                if yn()? {
                    notes.push(format!("{at}: readdquiescent: rvsadmd keeps a quiesced real in the table at weight 0, as readdquiescent = yes does"));
                }
            }
            "fallback" | "fallback6" => {
                check_global_fallback(v, k == "fallback6").map_err(bad)?;
                let slot = if k == "fallback" {
                    &mut self.fallback
                } else {
                    &mut self.fallback6
                };
                *slot = Some((n, v.to_string()));
            }
            // rvsadmd checks every real in parallel either way; what fork
            // changes is that each virtual's own checkinterval counts.
            "fork" => self.fork = yn()?,
            "autoreload" => self.autoreload = yn()?,
            "supervised" => supervised(v).map_err(bad)?,
            "logfile" => {
                quoted(v).ok_or_else(unknown)?;
                notes.push(format!("{at}: logfile: no effect in rvsadmd (events go to standard output as JSON lines)"));
            }
            "emailalert" => {
                emailalert(v).map_err(bad)?;
                notes.push(no_effect(&at, k));
            }
            "emailalertfreq" => {
                if !v.starts_with(|c: char| c.is_ascii_digit()) {
                    return Err(bad("invalid email alert frequency".into()));
                }
                notes.push(no_effect(&at, k));
            }
            "emailalertstatus" => {
                emailalertstatus(v).map_err(bad)?;
                notes.push(no_effect(&at, k));
            }
            "emailalertfrom" => {
                if v.is_empty() {
                    return Err(bad("no email from address specified".into()));
                }
                notes.push(no_effect(&at, k));
            }
            "smtp" => {
                smtp(v).map_err(bad)?;
                notes.push(no_effect(&at, k));
            }
            "connecttimeout" => {
                return Err(bad(
                    "connecttimeout directive deprecated in favour of negotiatetimeout".into(),
                ))
            }
            "timeout" => {
                return Err(bad(
                    "timeout directive deprecated in favour of checktimeout and negotiatetimeout"
                        .into(),
                ))
            }
            "callback" => {
                let words: Vec<String> = quoted(v)
                    .ok_or_else(unknown)?
                    .split_whitespace()
                    .map(str::to_string)
                    .collect();
                self.callback = (!words.is_empty()).then_some(words);
            }
            "fallbackcommand" => {
                if v.is_empty() {
                    return Err(bad("invalid fallback command".into()));
                }
                self.fallbackcommand = Some(v.to_string());
            }
            "maintenancedir" => {
                if v.is_empty() {
                    return Err(bad("maintenance directory not specified".into()));
                }
                if !Path::new(v).is_dir() {
                    notes.push(format!("{at}: maintenance directory does not exist (ldirectord warns too): no real is in maintenance while it does not"));
                }
                self.maintenancedir = Some(PathBuf::from(v));
            }
            "execute" => self.not_yet(bad(
                "execute is not supported by rvsadmd: run one rvsadmd per configuration file"
                    .into(),
            )),
            _ => return Err(unknown()),
        }
        Ok(())
    }

    /// Keep `e`, what rvsadmd does not do, if it is the first.
    fn not_yet(&mut self, e: ConfigError) {
        self.not_done.get_or_insert(e);
    }

    /// The global `checkinterval` (10 s unless told).
    pub(super) fn interval(&self) -> Duration {
        Duration::from_secs(self.checkinterval.unwrap_or(10))
    }

    /// `autoreload` and `callback`, what a change of `file` does: it is
    /// looked at every second with `fork = yes`, every `checkinterval`
    /// otherwise (as ldirectord's loop looks at its file).
    pub(super) fn on_change(&self, file: &Path) -> Option<OnChange> {
        if self.callback.is_none() && !self.autoreload {
            return None;
        }
        Some(OnChange {
            callback: self.callback.clone(),
            reload: self.autoreload,
            file: file.to_path_buf(),
            every: if self.fork {
                Duration::from_secs(1)
            } else {
                self.interval()
            },
        })
    }

    /// `cleanstop` (yes unless told).
    pub(super) fn cleanstop(&self) -> bool {
        self.cleanstop.unwrap_or(true)
    }
}

fn no_effect(at: &Location, k: &str) -> String {
    format!("{at}: {k}: no effect in rvsadmd (events go to standard output as JSON lines)")
}

/// `supervised = yes|no`, or bare (what follows the word in `rest`).
fn supervised(rest: &str) -> Result<(), String> {
    let bare = rest.trim_matches(super::lines::is_blank).is_empty();
    if bare || yes_no(rest).is_some() {
        Ok(())
    } else {
        Err(yes_no_text("supervised"))
    }
}

/// ldirectord reads a global fallback for TCP and for UDP services: both
/// must resolve.
fn check_global_fallback(v: &str, v6: bool) -> Result<(), String> {
    for proto in ["tcp", "udp"] {
        resolve_fallback(v, v6, None, proto)?;
    }
    Ok(())
}
