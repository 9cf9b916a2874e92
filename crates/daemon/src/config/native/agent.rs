//! The `agent` key (of `[defaults]`, a service, a destination): a
//! destination's feedback agent, each key over the one above it.

use super::check::duration_of;
use super::doc::DurationDoc;
use crate::config::AgentCheck;
use serde::Deserialize;

/// `agent = { port, interval, timeout, send }`.
#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub(super) struct AgentDoc {
    pub(super) port: Option<u16>,
    pub(super) file: Option<String>,
    pub(super) interval: Option<DurationDoc>,
    pub(super) timeout: Option<DurationDoc>,
    pub(super) send: Option<String>,
}

impl AgentDoc {
    /// `over`'s keys, and this one's where `over` has none.
    pub(super) fn merged(&self, over: &AgentDoc) -> AgentDoc {
        AgentDoc {
            port: over.port.or(self.port),
            file: over.file.clone().or_else(|| self.file.clone()),
            interval: over.interval.clone().or_else(|| self.interval.clone()),
            timeout: over.timeout.clone().or_else(|| self.timeout.clone()),
            send: over.send.clone().or_else(|| self.send.clone()),
        }
    }
}

/// The agent of a destination from the `agent` tables over it (defaults,
/// service, destination; `None` where none is given); `path` names it in
/// messages.
pub(super) fn agent_of(
    layers: [Option<&AgentDoc>; 3],
    path: &str,
) -> Result<Option<AgentCheck>, String> {
    let mut given = layers.into_iter().flatten().peekable();
    if given.peek().is_none() {
        return Ok(None);
    }
    let doc = given.fold(AgentDoc::default(), |acc, d| acc.merged(d));
    let port = match (doc.port, &doc.file) {
        (Some(_), Some(_)) => {
            return Err(format!(
                "{path}.agent: give `port` (ask the agent over TCP) or `file` (read its line from a file), not both"
            ))
        }
        (None, Some(f)) if !f.is_empty() => 0,
        (Some(p), None) if p != 0 => p,
        _ => {
            return Err(format!(
                "{path}.agent: give the agent's `port` (1-65535; Loadbalancer.org's agent listens on 3333) or a `file` holding its line"
            ))
        }
    };
    if doc.file.is_some() && doc.send.is_some() {
        return Err(format!(
            "{path}.agent.send: nothing is sent to a `file`; remove it"
        ));
    }
    let interval = match &doc.interval {
        Some(d) => duration_of(d, &format!("{path}.agent.interval"))?,
        None => AgentCheck::INTERVAL,
    };
    if interval.is_zero() {
        return Err(format!(
            "{path}.agent.interval: give a time above 0 (such as \"2s\")"
        ));
    }
    let timeout = match &doc.timeout {
        Some(d) => duration_of(d, &format!("{path}.agent.timeout"))?,
        None => interval,
    };
    if timeout.is_zero() {
        return Err(format!(
            "{path}.agent.timeout: give a time above 0 (such as \"1s\")"
        ));
    }
    Ok(Some(AgentCheck {
        port,
        file: doc.file.map(Into::into),
        interval,
        timeout,
        send: doc.send,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn doc(port: Option<u16>, interval: Option<f64>) -> AgentDoc {
        AgentDoc {
            port,
            interval: interval.map(DurationDoc::Seconds),
            ..AgentDoc::default()
        }
    }

    #[test]
    fn layers_merge_key_by_key() {
        let d = doc(Some(3333), Some(5.0));
        let s = AgentDoc {
            send: Some("hello\n".into()),
            ..AgentDoc::default()
        };
        let own = doc(Some(4444), None);
        let a = agent_of([Some(&d), Some(&s), Some(&own)], "x")
            .unwrap()
            .unwrap();
        assert_eq!(
            a,
            AgentCheck {
                port: 4444,
                file: None,
                interval: Duration::from_secs(5),
                timeout: Duration::from_secs(5),
                send: Some("hello\n".into()),
            }
        );
        assert_eq!(agent_of([None, None, None], "x"), Ok(None));
        let a = agent_of([None, None, Some(&doc(Some(1), None))], "x")
            .unwrap()
            .unwrap();
        assert_eq!(a.interval, AgentCheck::INTERVAL);
    }

    #[test]
    fn a_port_is_needed() {
        let e = agent_of([Some(&doc(None, Some(1.0))), None, None], "services[0]").unwrap_err();
        assert!(
            e.starts_with("services[0].agent: give the agent's `port`"),
            "{e}"
        );
        assert!(agent_of([None, Some(&doc(Some(0), None)), None], "x").is_err());
        let file = AgentDoc {
            file: Some("/run/agent".into()),
            ..AgentDoc::default()
        };
        let a = agent_of([None, None, Some(&file)], "x").unwrap().unwrap();
        assert_eq!((a.port, a.file), (0, Some("/run/agent".into())));
        let e = agent_of([None, Some(&doc(Some(1), None)), Some(&file)], "x").unwrap_err();
        assert!(e.contains("not both"), "{e}");
        let e = agent_of([None, None, Some(&doc(Some(1), Some(0.0)))], "x").unwrap_err();
        assert!(e.contains("agent.interval"), "{e}");
    }
}
