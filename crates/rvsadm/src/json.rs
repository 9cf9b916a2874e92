//! Stable JSON documents: what `rvsadm --json` prints and `rvsadm -R --json`
//! reads.
//!
//! The shapes here are a published interface (JSON Schemas in
//! `docs/schema/`), kept apart from the Rust model so the model can evolve
//! without breaking scripts. Conventions follow `ip -j` and `nft -j`:
//! snake_case keys, numbers as JSON numbers (full 64-bit counters), addresses
//! as strings with the address family explicit, enumerations as lowercase
//! strings, flag sets as arrays of names.
//!
//! **Stability:** within schema version [`SCHEMA_VERSION`], fields are only
//! ever added, never renamed, removed or retyped. Every document carries
//! `schema_version`.
//!
//! ```
//! use rvsadm::{json, Service, ServiceKey};
//! let svc = Service::new(ServiceKey::tcp("192.0.2.1:80".parse().unwrap()));
//! let doc = json::ServiceDoc::from(&svc);
//! let text = serde_json::to_string(&doc).unwrap();
//! assert!(text.contains(r#""family":"inet""#));
//! assert!(text.contains(r#""scheduler":"wlc""#));
//! ```

use crate::model::{
    Connection, Daemon, DesiredState, DestConfig, DestSpec, Destination, Family, ForwardMethod,
    Info, Netmask, Protocol, Scheduler, Service, ServiceConfig, ServiceFlags, ServiceKey,
    ServiceSpec, Stats, Timeouts, Tunnel, TunnelFlags, TunnelType, Weight,
};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::net::{IpAddr, Ipv4Addr};

mod change;

pub use change::{
    ChangeDoc, ChangeErrorDoc, ChangeResult, ConfigDoc, DestConfigDoc, DestinationKeyDoc,
    ServiceConfigDoc, ServiceKeyDoc,
};

/// The version of the JSON documents' schema.
pub const SCHEMA_VERSION: u32 = 1;

/// A virtual service with its destinations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceDoc {
    /// `inet` or `inet6`.
    pub family: Family,
    /// `tcp`, `udp` or `sctp`; absent for firewall-mark services.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<Protocol>,
    /// Virtual address; absent for firewall-mark services.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<IpAddr>,
    /// Virtual port; absent for firewall-mark services.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    /// Firewall mark; present only for firewall-mark services.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fwmark: Option<u32>,
    /// Scheduler name (`wlc`, `rr`, ...).
    pub scheduler: String,
    /// Flag names: `persistent`, `hashed`, `ops`, and the scheduler flags
    /// as ipvsadm names them (`sh-fallback`, `sh-port`, `mh-fallback`,
    /// `mh-port`, otherwise `flag-1`, `flag-2`, `flag-3`).
    #[serde(default)]
    pub flags: Vec<String>,
    /// Persistence timeout in seconds.
    #[serde(default)]
    pub timeout: u32,
    /// IPv4 services: the persistence netmask.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub netmask: Option<Ipv4Addr>,
    /// IPv6 services: the persistence prefix length.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix_length: Option<u32>,
    /// Persistence engine, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pe_name: Option<String>,
    /// Counters and rates (in listings; ignored on restore).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stats: Option<Stats>,
    /// Destinations.
    #[serde(default)]
    pub destinations: Vec<DestinationDoc>,
}

/// Tunnel parameters of a destination.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TunnelDoc {
    /// `ipip`, `gue` or `gre`.
    #[serde(rename = "type")]
    pub tun_type: TunnelType,
    /// Destination port of the encapsulation (GUE).
    #[serde(default)]
    pub port: u16,
    /// Checksum flags: `[]` (none), `["csum"]`, `["remcsum"]`.
    #[serde(default)]
    pub flags: Vec<String>,
}

/// A destination (real server).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DestinationDoc {
    /// `inet` or `inet6` (may differ from the service's for tunnels).
    pub family: Family,
    /// Address.
    pub address: IpAddr,
    /// Port.
    pub port: u16,
    /// `masq`, `local`, `tunnel`, `route` or `bypass`.
    pub forward: ForwardMethod,
    /// Weight (0 to 2147483647).
    pub weight: i64,
    /// Upper connection threshold (0: none).
    #[serde(default)]
    pub upper_threshold: u32,
    /// Lower connection threshold (0: none).
    #[serde(default)]
    pub lower_threshold: u32,
    /// Tunnel parameters (reported for every destination; used by `tunnel`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tunnel: Option<TunnelDoc>,
    /// Active connections (listings only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_conns: Option<u32>,
    /// Inactive connections (listings only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inactive_conns: Option<u32>,
    /// Persistent connection templates (listings only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub persistent_conns: Option<u32>,
    /// Counters and rates (listings only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stats: Option<Stats>,
}

/// `rvsadm -L --json` (all services, or one with `-t/-u/-f`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListDoc {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// IPVS version, `major.minor.patch`.
    pub version: String,
    /// Size of the connection hash table.
    pub conn_tab_size: u32,
    /// The services; `[]` for an empty table.
    pub services: Vec<ServiceDoc>,
}

/// `rvsadm -L -c --json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionsDoc {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The connection entries.
    pub connections: Vec<Connection>,
}

/// `rvsadm -L --timeout --json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeoutsDoc {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The timeouts in seconds.
    pub timeouts: Timeouts,
}

/// `rvsadm -L --daemon --json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DaemonsDoc {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// Running sync daemons; `[]` when none.
    pub daemons: Vec<Daemon>,
}

/// `rvsadm -S --json`, read back by `rvsadm -R --json`: the whole
/// configuration, including what ipvsadm's `-S` drops (timeouts and sync
/// daemons). Counters are not part of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SaveDoc {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// Services and their destinations.
    #[serde(default)]
    pub services: Vec<ServiceDoc>,
    /// Protocol timeouts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeouts: Option<Timeouts>,
    /// Sync daemons; absent: not managed (`rvsadm apply` leaves them as
    /// they are, `-R --json` starts none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub daemons: Option<Vec<Daemon>>,
}

impl DestinationDoc {
    /// The configuration part of a destination's document (no counters).
    pub fn of_spec(d: &DestSpec) -> Self {
        let c = DestConfigDoc::from(&d.config);
        DestinationDoc {
            family: d.family(),
            address: d.addr.ip(),
            port: d.addr.port(),
            forward: c.forward,
            weight: c.weight,
            upper_threshold: c.upper_threshold,
            lower_threshold: c.lower_threshold,
            tunnel: c.tunnel,
            active_conns: None,
            inactive_conns: None,
            persistent_conns: None,
            stats: None,
        }
    }
}

impl From<&Destination> for DestinationDoc {
    fn from(d: &Destination) -> Self {
        DestinationDoc {
            active_conns: Some(d.status.active_conns),
            inactive_conns: Some(d.status.inactive_conns),
            persistent_conns: Some(d.status.persist_conns),
            stats: Some(d.status.stats),
            ..DestinationDoc::of_spec(&d.spec())
        }
    }
}

impl ServiceDoc {
    /// The document of a service in a desired state (no counters).
    pub fn of_spec(s: &ServiceSpec) -> Self {
        let mut doc = Self::of_parts(&s.key, &s.config, ServiceFlags::empty());
        doc.destinations = s.destinations.iter().map(DestinationDoc::of_spec).collect();
        doc
    }

    fn of_parts(key: &ServiceKey, c: &ServiceConfig, kernel_flags: ServiceFlags) -> Self {
        let (protocol, address, port, fwmark) = match *key {
            ServiceKey::Addr {
                protocol,
                addr,
                port,
            } => (Some(protocol), Some(addr), Some(port), None),
            ServiceKey::Fwmark { mark, .. } => (None, None, None, Some(mark)),
        };
        let (netmask, prefix_length) = match c.netmask {
            Netmask::V4(m) => (Some(m), None),
            Netmask::V6Prefix(p) => (None, Some(p)),
        };
        ServiceDoc {
            family: key.family(),
            protocol,
            address,
            port,
            fwmark,
            scheduler: c.scheduler.name().to_string(),
            flags: (c.flags | kernel_flags).names(&c.scheduler),
            timeout: c.timeout,
            netmask,
            prefix_length,
            pe_name: c.pe_name.clone(),
            stats: None,
            destinations: Vec::new(),
        }
    }
}

impl From<&Service> for ServiceDoc {
    fn from(s: &Service) -> Self {
        let mut doc = ServiceDoc::of_parts(&s.key, &s.config, s.kernel_flags);
        doc.stats = Some(s.stats);
        doc.destinations = s.destinations.iter().map(DestinationDoc::from).collect();
        doc
    }
}

impl ServiceDoc {
    /// The same without counters, connection counts and the kernel-set
    /// `hashed` flag: the configuration only, as the save format holds it.
    pub fn config_only(mut self) -> Self {
        self.stats = None;
        self.flags.retain(|f| f != "hashed");
        for d in &mut self.destinations {
            d.stats = None;
            d.active_conns = None;
            d.inactive_conns = None;
            d.persistent_conns = None;
        }
        self
    }
}

fn tunnel_flag_names(f: TunnelFlags) -> Vec<String> {
    let mut v = Vec::new();
    if f.contains(TunnelFlags::CSUM) {
        v.push("csum".to_string());
    }
    if f.contains(TunnelFlags::REMCSUM) {
        v.push("remcsum".to_string());
    }
    let rest = f.bits() & !0x3;
    if rest != 0 {
        v.push(format!("{rest:#x}"));
    }
    v
}

/// A problem in a JSON document, located by its path
/// (`services[3].destinations[0].weight`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocError {
    /// Where in the document.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for DocError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() || self.path == "." {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for DocError {}

fn err(path: impl Into<String>, message: impl Into<String>) -> DocError {
    DocError {
        path: path.into(),
        message: message.into(),
    }
}

/// Parse a save document; type errors name the path of the bad value.
pub fn parse_save(text: &str) -> Result<SaveDoc, DocError> {
    let de = &mut serde_json::Deserializer::from_str(text);
    let doc: SaveDoc = serde_path_to_error::deserialize(de).map_err(|e| {
        // The document itself has no path ("." or "?" from the parser).
        let path = match e.path().to_string() {
            p if p == "." || p == "?" => String::new(),
            p => p,
        };
        err(path, e.into_inner().to_string())
    })?;
    if doc.schema_version != SCHEMA_VERSION {
        return Err(err(
            "schema_version",
            format!(
                "unsupported schema version {} (this rvsadm reads {SCHEMA_VERSION})",
                doc.schema_version
            ),
        ));
    }
    Ok(doc)
}

/// A scheduler flag's bit by its name, if `sched` takes that name.
fn sched_flag(name: &str, sched: &Scheduler) -> Option<ServiceFlags> {
    ServiceFlags::SCHED_FLAG_NAMES
        .iter()
        .find(|(_, n, owner)| *n == name && !owner.is_some_and(|o| o != sched.name()))
        .map(|(bit, _, _)| *bit)
}

fn parse_flags(names: &[String], sched: &Scheduler, path: &str) -> Result<ServiceFlags, DocError> {
    let mut f = ServiceFlags::empty();
    for (i, n) in names.iter().enumerate() {
        let bit = match n.as_str() {
            "persistent" => ServiceFlags::PERSISTENT,
            "hashed" => ServiceFlags::HASHED,
            "ops" => ServiceFlags::ONEPACKET,
            other => match (
                sched_flag(other, sched),
                other.strip_prefix("0x").map(|h| u32::from_str_radix(h, 16)),
            ) {
                (Some(bit), _) => bit,
                (None, Some(Ok(v))) => ServiceFlags::from_bits_retain(v),
                _ => {
                    return Err(err(
                        format!("{path}.flags[{i}]"),
                        format!("unknown flag `{other}` for scheduler {sched}"),
                    ))
                }
            },
        };
        f.insert(bit);
    }
    f.remove(ServiceFlags::HASHED);
    Ok(f)
}

fn parse_tunnel_flags(names: &[String], path: &str) -> Result<TunnelFlags, DocError> {
    let mut v = TunnelFlags::NOCSUM;
    for (i, n) in names.iter().enumerate() {
        v |= match n.as_str() {
            "csum" => TunnelFlags::CSUM,
            "remcsum" => TunnelFlags::REMCSUM,
            other => {
                return Err(err(
                    format!("{path}.tunnel.flags[{i}]"),
                    format!("unknown tunnel flag `{other}` (csum, remcsum)"),
                ))
            }
        };
    }
    Ok(v)
}

impl ServiceDoc {
    /// The desired service this document describes; `path` locates it in
    /// its document for error messages (`services[3]`). The shape is
    /// checked here, the values by [`DesiredState::check`].
    pub fn to_spec(&self, path: &str) -> Result<ServiceSpec, DocError> {
        let key = match (self.fwmark, self.protocol, self.address, self.port) {
            (Some(mark), None, None, None) => {
                if mark == 0 {
                    return Err(err(format!("{path}.fwmark"), "must be 1 to 4294967295"));
                }
                match self.family {
                    Family::Inet | Family::Inet6 => {}
                    Family::Other(_) => {
                        return Err(err(format!("{path}.family"), "must be inet or inet6"))
                    }
                }
                ServiceKey::Fwmark {
                    mark,
                    family: self.family,
                }
            }
            (None, Some(protocol), Some(addr), Some(port)) => {
                if let Protocol::Other(p) = protocol {
                    return Err(err(
                        format!("{path}.protocol"),
                        format!("unknown protocol {p} (tcp, udp, sctp)"),
                    ));
                }
                if Family::of(&addr) != self.family {
                    return Err(err(
                        format!("{path}.family"),
                        format!("{} does not match address {addr}", family_name(self.family)),
                    ));
                }
                ServiceKey::Addr {
                    protocol,
                    addr,
                    port,
                }
            }
            _ => {
                return Err(err(
                    path,
                    "a service has either `fwmark`, or `protocol`, `address` and `port`",
                ))
            }
        };
        let scheduler = Scheduler::from_name(&self.scheduler);
        let flags = parse_flags(&self.flags, &scheduler, path)?;
        let netmask = match (key.family(), self.netmask, self.prefix_length) {
            (Family::Inet6, None, Some(p)) => Netmask::V6Prefix(p),
            (Family::Inet6, None, None) => Netmask::V6Prefix(128),
            (Family::Inet6, Some(_), _) => {
                return Err(err(
                    format!("{path}.netmask"),
                    "IPv6 services take prefix_length",
                ))
            }
            (_, Some(m), None) => Netmask::V4(m),
            (_, None, None) => Netmask::V4(Ipv4Addr::BROADCAST),
            (_, _, Some(_)) => {
                return Err(err(
                    format!("{path}.prefix_length"),
                    "IPv4 services take netmask",
                ))
            }
        };
        let config = ServiceConfig {
            scheduler,
            flags,
            timeout: self.timeout,
            netmask,
            pe_name: self.pe_name.clone(),
        };
        let mut spec = ServiceSpec::new(key).with_config(config);
        for (i, d) in self.destinations.iter().enumerate() {
            spec.destinations
                .push(d.to_spec(&format!("{path}.destinations[{i}]"))?);
        }
        Ok(spec)
    }
}

fn family_name(f: Family) -> String {
    match f {
        Family::Inet => "inet".into(),
        Family::Inet6 => "inet6".into(),
        Family::Other(n) => format!("family {n}"),
    }
}

impl DestinationDoc {
    /// The desired destination this document describes. The shape is
    /// checked here, the values by [`DesiredState::check`].
    pub fn to_spec(&self, path: &str) -> Result<DestSpec, DocError> {
        if Family::of(&self.address) != self.family {
            return Err(err(
                format!("{path}.family"),
                format!(
                    "{} does not match address {}",
                    family_name(self.family),
                    self.address
                ),
            ));
        }
        let weight = Weight::try_from(self.weight)
            .map_err(|_| err(format!("{path}.weight"), "must be 0 to 2147483647"))?;
        let mut c = DestConfig::new(self.forward)
            .with_weight(weight)
            .with_thresholds(self.upper_threshold, self.lower_threshold);
        if let Some(t) = &self.tunnel {
            c.tunnel = Tunnel {
                kind: t.tun_type,
                port: t.port,
                flags: parse_tunnel_flags(&t.flags, path)?,
            };
        }
        Ok(DestSpec::new(
            std::net::SocketAddr::new(self.address, self.port),
            c,
        ))
    }
}

impl SaveDoc {
    /// Check the whole document and return the desired state it
    /// describes. Nothing is applied; the first problem is returned with
    /// its path.
    pub fn validate(&self) -> Result<DesiredState, DocError> {
        let state = DesiredState {
            services: self
                .services
                .iter()
                .enumerate()
                .map(|(i, s)| s.to_spec(&format!("services[{i}]")))
                .collect::<Result<_, _>>()?,
            timeouts: self.timeouts,
            daemons: self.daemons.clone(),
        };
        match state.check() {
            Ok(()) => Ok(state),
            Err(crate::Error::InvalidDocument { path, message }) => Err(DocError { path, message }),
            Err(e) => Err(DocError {
                path: String::new(),
                message: e.to_string(),
            }),
        }
    }

    /// The document of a desired state.
    pub fn of_desired(d: &DesiredState) -> Self {
        SaveDoc {
            schema_version: SCHEMA_VERSION,
            services: d.services.iter().map(ServiceDoc::of_spec).collect(),
            timeouts: d.timeouts,
            daemons: d.daemons.clone(),
        }
    }
}

/// Build the listing document.
pub fn list_doc(info: &Info, services: &[Service]) -> ListDoc {
    ListDoc {
        schema_version: SCHEMA_VERSION,
        version: info.version_string(),
        conn_tab_size: info.conn_tab_size,
        services: services.iter().map(ServiceDoc::from).collect(),
    }
}

/// Build the save document.
pub fn save_doc(services: &[Service], timeouts: Timeouts, daemons: &[Daemon]) -> SaveDoc {
    SaveDoc {
        schema_version: SCHEMA_VERSION,
        services: services
            .iter()
            .map(|s| ServiceDoc::from(s).config_only())
            .collect(),
        timeouts: Some(timeouts),
        daemons: Some(daemons.to_vec()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Service {
        let mut s = Service::new(ServiceKey::tcp("192.0.2.1:80".parse().unwrap()))
            .with_scheduler(Scheduler::Sh)
            .with_persistence(120)
            .with_flags(ServiceFlags::SCHED2)
            .with_netmask(Netmask::V4("255.255.255.0".parse().unwrap()));
        s.destinations.push(Destination::new(
            "10.0.0.1:80".parse().unwrap(),
            DestConfig::new(ForwardMethod::Masq).with_weight(Weight::from(3u16)),
        ));
        s.destinations.push(Destination::new(
            "[2001:db8::1]:0".parse().unwrap(),
            DestConfig::default().with_tunnel(TunnelType::Gue, 6080, TunnelFlags::REMCSUM),
        ));
        s
    }

    #[test]
    fn service_round_trips_through_json() {
        let svc = sample();
        let doc = ServiceDoc::from(&svc).config_only();
        let text = serde_json::to_string(&doc).unwrap();
        assert!(
            text.contains(r#""flags":["persistent","sh-port"]"#),
            "{text}"
        );
        assert!(text.contains(r#""netmask":"255.255.255.0""#), "{text}");
        assert!(text.contains(r#""flags":["remcsum"]"#), "{text}");
        let back: ServiceDoc = serde_json::from_str(&text).unwrap();
        assert_eq!(back.to_spec("s").unwrap(), svc.spec());
    }

    #[test]
    fn bad_values_name_their_path() {
        let text = r#"{"schema_version":1,"services":[{"family":"inet","protocol":"tcp",
            "address":"192.0.2.1","port":80,"scheduler":"wlc","destinations":[
            {"family":"inet","address":"10.0.0.1","port":80,"forward":"masq","weight":"x"}]}]}"#;
        let e = parse_save(text).unwrap_err();
        assert_eq!(e.path, "services[0].destinations[0].weight");
        let text = r#"{"schema_version":1,"services":[{"family":"inet","protocol":"tcp",
            "address":"192.0.2.1","port":70000,"scheduler":"wlc"}]}"#;
        assert_eq!(parse_save(text).unwrap_err().path, "services[0].port");
        let text = r#"{"schema_version":1,"services":[{"family":"inet","protocol":"tcp",
            "address":"192.0.2.1","port":80,"scheduler":"much-too-long-name"}]}"#;
        let doc = parse_save(text).unwrap();
        assert_eq!(doc.validate().unwrap_err().path, "services[0].scheduler");
        let text = r#"{"schema_version":1,"services":[{"family":"inet","protocol":"tcp",
            "address":"192.0.2.1","port":80,"scheduler":"wlc","destinations":[
            {"family":"inet","address":"10.0.0.1","port":80,"forward":"masq","weight":-1}]}]}"#;
        let doc = parse_save(text).unwrap();
        assert_eq!(
            doc.validate().unwrap_err().path,
            "services[0].destinations[0].weight"
        );
        assert!(parse_save("{").is_err());
        assert_eq!(
            parse_save(r#"{"schema_version":2}"#).unwrap_err().path,
            "schema_version"
        );
    }

    #[test]
    fn scheduler_flag_names_read_back() {
        for sched in [Scheduler::Sh, Scheduler::Mh, Scheduler::Rr] {
            for bits in 0..8u32 {
                let f = ServiceFlags::from_bits_retain(bits << 3) | ServiceFlags::ONEPACKET;
                let names = f.names(&sched);
                assert_eq!(parse_flags(&names, &sched, "s").unwrap(), f, "{names:?}");
            }
        }
        let sh = ServiceFlags::SCHED1 | ServiceFlags::SCHED2 | ServiceFlags::SCHED3;
        assert_eq!(
            sh.names(&Scheduler::Sh),
            ["sh-fallback", "sh-port", "flag-3"]
        );
        assert_eq!(sh.names(&Scheduler::Wlc), ["flag-1", "flag-2", "flag-3"]);
        let port = vec!["sh-port".to_string()];
        assert!(parse_flags(&port, &Scheduler::Mh, "s").is_err());
    }

    #[test]
    fn empty_listing_is_an_object_with_empty_array() {
        let doc = list_doc(
            &Info {
                version: 0x010201,
                conn_tab_size: 4096,
            },
            &[],
        );
        assert_eq!(
            serde_json::to_string(&doc).unwrap(),
            r#"{"schema_version":1,"version":"1.2.1","conn_tab_size":4096,"services":[]}"#
        );
    }
}
