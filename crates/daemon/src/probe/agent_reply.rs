//! The reply line of a feedback agent, in the words of HAProxy's
//! `agent-check` (the protocol Loadbalancer.org's feedback agent speaks):
//! a pure function of the bytes read ([`parse`]).
//!
//! The rules (HAProxy's configuration manual, section 5.2, `agent-check`):
//! one ASCII line, ended by the first CR or LF (or the end of what was
//! read); words separated by spaces, tabs or commas, in any order, each
//! optional; words are matched without regard to case:
//!
//! - `NN%` or `weight:NN%`: the weight as a percentage of the configured
//!   weight; `weight:N`: a weight of N;
//! - `maxconn:N`: at most N connections (the destination's upper
//!   threshold; 0 is none);
//! - `ready`, `drain`, `maint`: the agent's admin state (`ready` ends its
//!   drain and maint);
//! - `up`; `down`, `fail`, `stopped`: the agent's health (down whatever
//!   the checks say; `up` ends it);
//! - `#`: the rest of the line is a reason (HAProxy: after `down`, `fail`
//!   or `stopped`, a description).
//!
//! What the reply does not say stays as it was. A later word of the same
//! kind wins. A word that is none of these is kept in
//! [`Reply::unknown`] (reported, otherwise ignored).

/// The weight an agent asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgentWeight {
    /// `NN%`, `weight:NN%`: a percentage of the configured weight.
    Percent(u32),
    /// `weight:N`: this weight, whatever the configured one.
    Absolute(u32),
}

/// The agent's admin state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AgentAdmin {
    /// In service (as its checks say).
    #[default]
    Ready,
    /// Weight 0: no new connections, those there go on.
    Drain,
    /// Out of service, as a failed destination is.
    Maint,
}

impl AgentAdmin {
    /// `ready`, `drain`, `maint`.
    pub fn name(self) -> &'static str {
        match self {
            AgentAdmin::Ready => "ready",
            AgentAdmin::Drain => "drain",
            AgentAdmin::Maint => "maint",
        }
    }
}

/// The agent's word on the destination's health.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AgentHealth {
    /// Up if its checks say so too.
    #[default]
    Up,
    /// `down`: down whatever its checks say.
    Down,
    /// `fail`: as `down` (the word says the service fails a test).
    Fail,
    /// `stopped`: as `down` (the word says it was stopped on purpose).
    Stopped,
}

impl AgentHealth {
    /// `up`, `down`, `fail`, `stopped`.
    pub fn name(self) -> &'static str {
        match self {
            AgentHealth::Up => "up",
            AgentHealth::Down => "down",
            AgentHealth::Fail => "fail",
            AgentHealth::Stopped => "stopped",
        }
    }
}

/// What one reply line says; `None` for what it does not.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reply {
    /// The weight asked for.
    pub weight: Option<AgentWeight>,
    /// The connection limit asked for.
    pub maxconn: Option<u32>,
    /// The admin state asked for.
    pub admin: Option<AgentAdmin>,
    /// The health said.
    pub health: Option<AgentHealth>,
    /// What follows `#`, trimmed (`None`: no `#`, or nothing after it).
    pub reason: Option<String>,
    /// Words not understood, in order (at most [`MAX_UNKNOWN`]).
    pub unknown: Vec<String>,
}

/// How many words not understood a reply keeps.
pub const MAX_UNKNOWN: usize = 8;

/// How many bytes of a word or reason a reply keeps.
const MAX_TEXT: usize = 200;

/// Read the reply `raw`: its first line, word by word.
///
/// ```
/// use rvsadmd::probe::agent_reply::{parse, AgentAdmin, AgentWeight};
/// let r = parse(b"drain, 75%\tmaxconn:30\n");
/// assert_eq!(r.admin, Some(AgentAdmin::Drain));
/// assert_eq!(r.weight, Some(AgentWeight::Percent(75)));
/// assert_eq!(r.maxconn, Some(30));
/// ```
pub fn parse(raw: &[u8]) -> Reply {
    let line = raw
        .iter()
        .position(|b| *b == b'\r' || *b == b'\n')
        .map_or(raw, |end| &raw[..end]);
    let (words, reason) = match line.iter().position(|b| *b == b'#') {
        Some(at) => (&line[..at], Some(&line[at + 1..])),
        None => (line, None),
    };
    let mut r = Reply {
        reason: reason
            .map(|t| text(t).trim().to_string())
            .filter(|t| !t.is_empty()),
        ..Reply::default()
    };
    for w in words
        .split(|b| matches!(b, b' ' | b'\t' | b','))
        .filter(|w| !w.is_empty())
    {
        if !r.take(w) && r.unknown.len() < MAX_UNKNOWN {
            r.unknown.push(text(w));
        }
    }
    r
}

impl Reply {
    /// Take one word; false when it is not one of the protocol's.
    fn take(&mut self, w: &[u8]) -> bool {
        let lower = w.to_ascii_lowercase();
        match lower.as_slice() {
            b"ready" => self.admin = Some(AgentAdmin::Ready),
            b"drain" => self.admin = Some(AgentAdmin::Drain),
            b"maint" => self.admin = Some(AgentAdmin::Maint),
            b"up" => self.health = Some(AgentHealth::Up),
            b"down" => self.health = Some(AgentHealth::Down),
            b"fail" => self.health = Some(AgentHealth::Fail),
            b"stopped" => self.health = Some(AgentHealth::Stopped),
            _ => return self.take_number(&lower),
        }
        true
    }

    /// `NN%`, `weight:NN%`, `weight:N`, `maxconn:N`.
    fn take_number(&mut self, w: &[u8]) -> bool {
        if let Some(n) = w.strip_prefix(b"maxconn:") {
            return number(n).map(|n| self.maxconn = Some(n)).is_some();
        }
        let (w, named) = match w.strip_prefix(b"weight:") {
            Some(rest) => (rest, true),
            None => (w, false),
        };
        let weight = match w.strip_suffix(b"%") {
            Some(pct) => number(pct).map(AgentWeight::Percent),
            None if named => number(w).map(AgentWeight::Absolute),
            None => None,
        };
        weight.map(|x| self.weight = Some(x)).is_some()
    }
}

/// A number of decimal digits only, that fits in 32 bits.
fn number(digits: &[u8]) -> Option<u32> {
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(digits).ok()?.parse().ok()
}

/// Bytes as text for a report: invalid UTF-8 replaced, control
/// characters dropped, at most [`MAX_TEXT`] bytes.
fn text(raw: &[u8]) -> String {
    let t: String = String::from_utf8_lossy(&raw[..raw.len().min(MAX_TEXT)])
        .chars()
        .filter(|c| !c.is_control() || *c == '\t')
        .collect();
    t
}

#[cfg(test)]
mod tests;
