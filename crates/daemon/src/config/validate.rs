//! What every configuration reader checks the same way: the whole
//! configuration as one desired state, and the regular expressions of
//! checks, compiled once per pattern while a file is read.

use super::{Config, ConfigError, Pattern};
use rvsadm::model::DesiredState;
use std::collections::HashMap;

/// What every format must satisfy: the services and their fallbacks are
/// a valid desired state (each service once, fallbacks not among the
/// destinations), and checks through the VIP can be made
/// ([`super::via_vip::check`]). The error names the service's line.
pub(crate) fn check_whole(cfg: &Config) -> Result<(), ConfigError> {
    let state = DesiredState {
        services: cfg
            .services
            .iter()
            .map(|v| {
                let mut s = v.spec();
                s.destinations.extend(v.fallback);
                s
            })
            .collect(),
        timeouts: None,
        daemons: None,
    };
    if let Err(e) = state.check() {
        let (i, message) = match &e {
            rvsadm::Error::InvalidDocument { path, message } => (
                index_of(path).unwrap_or(0),
                format!("{path}: {message}").replace(".destinations[", " destination ["),
            ),
            other => (0, other.to_string()),
        };
        let at = cfg
            .services
            .get(i)
            .map(|v| v.at.clone())
            .unwrap_or_default();
        let n = cfg.services.get(i).map_or(0, |v| v.reals.len());
        let message = match cfg.services.get(i).and_then(|v| v.fallback) {
            Some(f) if message.contains(&format!("[{n}]")) => {
                format!("fallback {}: {message}", f.addr)
            }
            _ => message,
        };
        return Err(ConfigError { at, message });
    }
    super::via_vip::check(cfg)
}

/// The service index of a document path `services[I]...`.
fn index_of(path: &str) -> Option<usize> {
    let rest = path.strip_prefix("services[")?;
    rest.get(..rest.find(']')?)?.parse().ok()
}

/// The check patterns of one file: each text compiled once, however many
/// destinations' checks use it (they share the compiled expression).
#[derive(Default)]
pub(crate) struct Patterns(HashMap<String, Pattern>);

impl Patterns {
    /// `text` compiled, or the compiler's complaint.
    pub(crate) fn compile(&mut self, text: &str) -> Result<Pattern, regex::Error> {
        if let Some(p) = self.0.get(text) {
            return Ok(p.clone());
        }
        let p = Pattern::new(text)?;
        self.0.insert(text.to_string(), p.clone());
        Ok(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_indexes_of_paths() {
        assert_eq!(index_of("services[12].destinations[0]"), Some(12));
        assert_eq!(index_of("services[x]"), None);
        assert_eq!(index_of("timeouts"), None);
    }

    #[test]
    fn a_pattern_is_compiled_once_per_text() {
        let mut p = Patterns::default();
        let a = p.compile("^ok$").unwrap();
        let b = p.compile("^ok$").unwrap();
        assert!(a.shares(&b));
        assert!(a.is_match("ok") && !a.is_match("not ok"));
        assert!(p.compile("(").is_err());
    }
}
