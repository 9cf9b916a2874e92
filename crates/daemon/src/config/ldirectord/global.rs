//! The global directives of `ldirectord.cf` (those outside a `virtual=`
//! section).

use super::lines::Item;
use super::words::{number, yes_no};
use crate::config::{ConfigError, Location};
use std::path::Path;

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
                notes.push(format!("{at}: checkcount is used by ping checks only, which rvsadmd does not run"));
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
            "fork" => {
                if yn()? {
                    return Err(bad("fork = yes is not needed: rvsadmd checks every real in parallel; remove it".into()));
                }
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
            "maintenancedir" | "fallbackcommand" | "callback" | "execute" => {
                return Err(bad(format!("{k} is not supported by rvsadmd; use `rvsadmd drain` for maintenance")))
            }
            _ => return Err(bad(format!("unknown directive `{k}`"))),
        }
        Ok(())
    }

    /// `cleanstop` (yes unless told).
    pub(super) fn cleanstop(&self) -> bool {
        self.cleanstop.unwrap_or(true)
    }
}
