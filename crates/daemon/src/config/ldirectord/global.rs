//! The global directives of `ldirectord.cf` (those outside a `virtual=`
//! section).

use super::lines::Item;
use super::words::{number, unquote, yes_no};
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
        let num = |what: &str| {
            number(v).ok_or_else(|| bad(format!("{k}: `{v}` is not a {what} above 0")))
        };
        let yn = || yes_no(v).ok_or_else(|| bad(format!("{k} must be yes or no")));
        match k {
            "checktimeout" => self.checktimeout = Some(num("number of seconds")?),
            "negotiatetimeout" => self.negotiatetimeout = Some(num("number of seconds")?),
            "checkinterval" => self.checkinterval = Some(num("number of seconds")?),
            "failurecount" => {
                self.failurecount = Some(num("count")?.min(u64::from(u32::MAX)) as u32)
            }
            "checkcount" => {
                num("count")?;
                notes.push(format!("{at}: checkcount: rvsadmd's ping check sends one echo and waits checktimeout for it (ldirectord tries checkcount times); failurecount counts failed checks"));
            }
            "quiescent" => self.quiescent = Some(yn()?),
            "cleanstop" => self.cleanstop = Some(yn()?),
            "readdquiescent" => {
                if yn()? {
                    return Err(bad("readdquiescent = yes is not supported by rvsadmd (a quiesced real is kept at weight 0 either way)".into()));
                }
            }
            "fallback" => self.fallback = Some((n, v.to_string())),
            "fallback6" => self.fallback6 = Some((n, v.to_string())),
            // rvsadmd checks every real in parallel either way; what fork
            // changes is that each virtual's own checkinterval counts.
            "fork" => self.fork = yn()?,
            "maintenancedir" if !v.is_empty() => {
                if !Path::new(v).is_dir() {
                    notes.push(format!("{at}: maintenancedir {v} is not a directory (yet): no real is in maintenance while it is not"));
                }
                self.maintenancedir = Some(PathBuf::from(v));
            }
            "maintenancedir" => return Err(bad("maintenance directory not specified".into())),
            "callback" => {
                let words = unquote(v)
                    .map(|c| c.split_whitespace().map(str::to_string).collect::<Vec<_>>())
                    .filter(|w| !w.is_empty())
                    .ok_or_else(|| bad(format!("callback must be a \"quoted\" program path, not `{v}` (ldirectord refuses it too)")))?;
                self.callback = Some(words);
            }
            "autoreload" => {
                if yn()? {
                    notes.push(format!("{at}: autoreload: rvsadmd reloads on SIGHUP or `rvsadmd reload`, not on a change of the file"));
                }
            }
            "logfile" | "supervised" | "emailalert" | "emailalertfreq" | "emailalertstatus"
            | "emailalertfrom" | "smtp" => {
                notes.push(format!("{at}: {k}: no effect in rvsadmd (events go to standard output as JSON lines)"));
            }
            "connecttimeout" | "timeout" => {
                return Err(bad(format!("{k} is deprecated (ldirectord refuses it too): use negotiatetimeout or checktimeout")))
            }
            "fallbackcommand" | "execute" => {
                return Err(bad(format!("{k} is not supported by rvsadmd")))
            }
            _ => return Err(bad(format!("unknown directive `{k}`"))),
        }
        Ok(())
    }

    /// The global `checkinterval` (10 s unless told).
    pub(super) fn interval(&self) -> Duration {
        Duration::from_secs(self.checkinterval.unwrap_or(10))
    }

    /// `callback`, run when `file` changes: looked at every second with
    /// `fork = yes`, every `checkinterval` otherwise (as ldirectord's
    /// loop looks at its file).
    pub(super) fn on_change(&self, file: &Path) -> Option<OnChange> {
        let words = self.callback.as_ref()?;
        Some(OnChange {
            argv: words.clone(),
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
