//! The key layout under a cluster's prefix.
//!
//! | key | value |
//! |---|---|
//! | `PREFIX/services/SERVICE` | one service of the native configuration (a `[[services]]` table with its destinations and checks, TOML) |
//! | `PREFIX/drains/SERVICE/DEST` | a drain of one destination on every director (value: who drained it and when, not read) |
//! | `PREFIX/directors/NAME` | a director's status (JSON, [`crate::status::DirectorStatus`]), under its lease |
//!
//! SERVICE is rvsadmd's text form of a service (`tcp:192.0.2.1:80`,
//! `udp:[2001:db8::1]:53`, `fwmark:7`), DEST a destination's `ADDR:PORT`
//! (`[ADDR]:PORT` for IPv6): neither holds a `/`. The desired state a
//! director follows is the range from `PREFIX/drains/` to the end of
//! `PREFIX/services/` (directors' status writes are outside it, so that
//! they wake no watch).

/// The keys of one cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    prefix: String,
}

/// What a key under the prefix is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// `services/SERVICE`.
    Service(String),
    /// `drains/SERVICE/DEST`.
    Drain(String, String),
    /// `directors/NAME`.
    Director(String),
    /// Anything else (not read).
    Other,
}

const SERVICES: &str = "/services/";
const DRAINS: &str = "/drains/";
const DIRECTORS: &str = "/directors/";

impl Layout {
    /// The layout under `prefix` (valid, as [`crate::Settings`] checks it).
    pub fn new(prefix: &str) -> Self {
        Layout {
            prefix: prefix.to_string(),
        }
    }

    /// The key of a service.
    pub fn service(&self, service: &str) -> String {
        format!("{}{SERVICES}{service}", self.prefix)
    }

    /// The key of a drain.
    pub fn drain(&self, service: &str, dest: &str) -> String {
        format!("{}{DRAINS}{service}/{dest}", self.prefix)
    }

    /// The prefix of every drain of a service.
    pub fn drains_of(&self, service: &str) -> String {
        format!("{}{DRAINS}{service}/", self.prefix)
    }

    /// The key of a director's status.
    pub fn director(&self, name: &str) -> String {
        format!("{}{DIRECTORS}{name}", self.prefix)
    }

    /// The prefix of every service key.
    pub fn services(&self) -> String {
        format!("{}{SERVICES}", self.prefix)
    }

    /// The prefix of every director key.
    pub fn directors(&self) -> String {
        format!("{}{DIRECTORS}", self.prefix)
    }

    /// The range `[start, end)` of the desired state: every drain and
    /// every service, no director.
    pub fn desired_range(&self) -> (String, Vec<u8>) {
        (
            format!("{}{DRAINS}", self.prefix),
            range_end(self.services().as_bytes()),
        )
    }

    /// What `key` is.
    pub fn entry(&self, key: &str) -> Entry {
        let Some(rest) = key.strip_prefix(&self.prefix) else {
            return Entry::Other;
        };
        if let Some(s) = rest.strip_prefix(SERVICES) {
            if !s.is_empty() && !s.contains('/') {
                return Entry::Service(s.to_string());
            }
        } else if let Some(d) = rest.strip_prefix(DRAINS) {
            if let Some((s, dest)) = d.split_once('/') {
                if !s.is_empty() && !dest.is_empty() && !dest.contains('/') {
                    return Entry::Drain(s.to_string(), dest.to_string());
                }
            }
        } else if let Some(n) = rest.strip_prefix(DIRECTORS) {
            if crate::settings::check_name(n).is_ok() {
                return Entry::Director(n.to_string());
            }
        }
        Entry::Other
    }
}

/// The end of the range of every key starting with `p` (etcd's rule: the
/// last byte below 0xff plus one, what follows dropped).
pub fn range_end(p: &[u8]) -> Vec<u8> {
    let mut end = p.to_vec();
    while let Some(last) = end.pop() {
        if last < 0xff {
            end.push(last + 1);
            return end;
        }
    }
    // All 0xff: to the end of the key space.
    vec![0]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_reads_back_as_what_it_was_made_for() {
        let l = Layout::new("/rvsadm/eu-1");
        let s = "udp:[2001:db8::1]:53";
        assert_eq!(l.service(s), "/rvsadm/eu-1/services/udp:[2001:db8::1]:53");
        assert_eq!(l.entry(&l.service(s)), Entry::Service(s.into()));
        let d = "[2001:db8::10]:53";
        assert_eq!(l.entry(&l.drain(s, d)), Entry::Drain(s.into(), d.into()));
        assert!(l.drain(s, d).starts_with(&l.drains_of(s)));
        assert_eq!(l.entry(&l.director("d-1")), Entry::Director("d-1".into()));
        for other in [
            "/rvsadm/eu-10/services/tcp:1.2.3.4:80",
            "/rvsadm/eu-1/services/",
            "/rvsadm/eu-1/services/a/b",
            "/rvsadm/eu-1/drains/tcp:1.2.3.4:80",
            "/rvsadm/eu-1/drains/tcp:1.2.3.4:80/",
            "/rvsadm/eu-1/directors/a b",
            "/rvsadm/eu-1/other",
        ] {
            assert_eq!(l.entry(other), Entry::Other, "{other}");
        }
    }

    #[test]
    fn the_desired_range_holds_drains_and_services_but_no_director() {
        let l = Layout::new("/p");
        let (start, end) = l.desired_range();
        let inside = |k: &str| k.as_bytes() >= start.as_bytes() && k.as_bytes() < &end[..];
        assert!(inside(&l.service("tcp:1.2.3.4:80")));
        assert!(inside(&l.drain("tcp:1.2.3.4:80", "10.0.0.1:80")));
        assert!(!inside(&l.director("d1")));
        assert!(!inside("/p/servicet"));
        assert!(!inside("/q/services/x"));
    }

    #[test]
    fn range_end_follows_etcds_rule() {
        assert_eq!(range_end(b"/a/"), b"/a0".to_vec());
        assert_eq!(range_end(b"a\xff"), b"b".to_vec());
        assert_eq!(range_end(b"\xff"), vec![0]);
    }
}
