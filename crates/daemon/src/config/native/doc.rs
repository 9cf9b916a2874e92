//! The document `rvsadmd.toml` is read into (serde, spans kept for line
//! numbers), before it is turned into the model; how a `check` table
//! inherits from `[defaults]` and its service.

use super::agent::AgentDoc;
use super::weights::SlowStartDoc;
use rvsadm::json::{DestinationDoc, TunnelDoc};
use rvsadm::model::{Family, ForwardMethod, Protocol};
use serde::Deserialize;
use std::net::IpAddr;
use toml::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileDoc {
    #[serde(default)]
    pub(super) daemon: DaemonDoc,
    #[serde(default)]
    pub(super) defaults: DefaultsDoc,
    #[serde(default)]
    pub(super) services: Vec<Spanned<ServiceToml>>,
    #[serde(default)]
    pub(super) hooks: Vec<Spanned<HookDoc>>,
    /// `[fleet]`: read and checked by `rvsadm_fleet::settings` (fleet
    /// mode), only let through here.
    #[serde(default, rename = "fleet")]
    pub(super) _fleet: Option<serde::de::IgnoredAny>,
}

/// `[[hooks]]`: `on`, `command`, `timeout`, `rate_limit`.
#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub(super) struct HookDoc {
    pub(super) on: Vec<String>,
    pub(super) command: Vec<String>,
    pub(super) timeout: Option<DurationDoc>,
    pub(super) rate_limit: Option<RateLimitDoc>,
}

/// `rate_limit = { runs = N, per = DURATION }`.
#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub(super) struct RateLimitDoc {
    pub(super) runs: i64,
    pub(super) per: DurationDoc,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct DaemonDoc {
    pub(super) state_file: Option<String>,
    pub(super) control_socket: Option<String>,
    pub(super) metrics_listen: Option<Spanned<String>>,
    pub(super) on_stop: Option<OnStopDoc>,
    pub(super) max_checks_in_flight_per_address: Option<Spanned<i64>>,
    /// The marks of the fwmark services of checks through the VIP.
    pub(super) vip_check_marks: Option<Spanned<String>>,
    /// The source ports of checks through the VIP.
    pub(super) vip_check_ports: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) flush_at_start: bool,
    pub(super) timeouts: Option<Spanned<TimeoutsDoc>>,
    pub(super) sync_daemon: Option<Spanned<SyncDaemonDoc>>,
    /// Look at the file this often, reload when its content changed.
    pub(super) reload_on_change: Option<Spanned<DurationDoc>>,
    /// keepalived's `lvs_notify_fifo` lines go there.
    pub(super) notify_fifo: Option<String>,
    /// Started at start with the FIFO as its last argument.
    pub(super) notify_fifo_script: Option<Vec<String>>,
}

/// `sync_daemon = { interface, sync_id, maxlen, port, ttl, group }`.
#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub(super) struct SyncDaemonDoc {
    pub(super) interface: String,
    pub(super) sync_id: Option<i64>,
    pub(super) maxlen: Option<i64>,
    pub(super) port: Option<i64>,
    pub(super) ttl: Option<i64>,
    pub(super) group: Option<IpAddr>,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "lowercase")]
pub(super) enum OnStopDoc {
    Keep,
    Remove,
    Flush,
}

/// `timeouts = { tcp = S, tcp_fin = S, udp = S }`: seconds, each optional.
#[derive(Deserialize, Clone, Copy, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct TimeoutsDoc {
    pub(super) tcp: Option<i64>,
    pub(super) tcp_fin: Option<i64>,
    pub(super) udp: Option<i64>,
}

/// A service's `on_stop`: `keep` or `remove` (`flush` is table-wide).
#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "lowercase")]
pub(super) enum ServiceStopDoc {
    Keep,
    Remove,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "lowercase")]
pub(super) enum OnFailureDoc {
    Quiesce,
    Remove,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "lowercase")]
pub(super) enum ManualDoc {
    Adopt,
    Revert,
    Ignore,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "lowercase")]
pub(super) enum ForeignDoc {
    Keep,
    Remove,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct DefaultsDoc {
    #[serde(default)]
    pub(super) check: CheckDoc,
    /// Every destination's feedback agent unless it or its service gives
    /// its own keys.
    pub(super) agent: Option<AgentDoc>,
    pub(super) on_failure: Option<OnFailureDoc>,
    pub(super) manual: Option<ManualDoc>,
    /// Every service's `fallback_command` unless it gives its own.
    pub(super) fallback_command: Option<String>,
}

/// An exec check's `dynamic`: `true`, `false` or `"percent"`.
#[derive(Deserialize, Clone, Debug, PartialEq)]
#[serde(untagged)]
pub(super) enum DynamicDoc {
    Flag(bool),
    Word(String),
}

/// A number of seconds or a text with a unit.
#[derive(Deserialize, Clone)]
#[serde(untagged)]
pub(super) enum DurationDoc {
    Seconds(f64),
    Text(String),
}

/// A status code or a range `"200-299"`.
#[derive(Deserialize, Clone)]
#[serde(untagged)]
pub(super) enum StatusDoc {
    Code(i64),
    Text(String),
}

#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub(super) struct CheckDoc {
    #[serde(rename = "type")]
    pub(super) kind: Option<String>,
    pub(super) interval: Option<DurationDoc>,
    pub(super) timeout: Option<DurationDoc>,
    pub(super) rise: Option<i64>,
    pub(super) fall: Option<i64>,
    /// After a failure, the next probe this long after (until `fall`).
    pub(super) retry_interval: Option<DurationDoc>,
    /// Passing before the first result (else unknown until it).
    pub(super) start_up: Option<bool>,
    /// Starts within this long from each interval's start.
    pub(super) warmup: Option<DurationDoc>,
    /// Probe this port instead of the destination's.
    pub(super) port: Option<u16>,
    /// Connect from this local address, port, interface, with this mark.
    pub(super) source: Option<IpAddr>,
    pub(super) source_port: Option<u16>,
    pub(super) interface: Option<String>,
    pub(super) mark: Option<u32>,
    /// Connect to the VIP, through a fwmark service of the real's own.
    pub(super) via_vip: Option<bool>,
    pub(super) method: Option<String>,
    pub(super) path: Option<String>,
    pub(super) host: Option<String>,
    pub(super) status: Option<Vec<StatusDoc>>,
    pub(super) expect: Option<String>,
    pub(super) regex: Option<String>,
    pub(super) verify: Option<bool>,
    /// HTTP: the most redirects followed per URL.
    pub(super) redirects: Option<u8>,
    pub(super) argv: Option<Vec<String>>,
    /// TCP: `reset` or `graceful`.
    pub(super) close: Option<String>,
    /// HTTP: several URLs, each with its own path and expectations.
    pub(super) urls: Option<Vec<UrlDoc>>,
    /// HTTP: the body's MD5 in hex.
    pub(super) digest: Option<String>,
    /// SMTP: the HELO name.
    pub(super) helo: Option<String>,
    /// DNS: the record type asked for, and the name.
    pub(super) query_type: Option<String>,
    pub(super) name: Option<String>,
    /// DNS: over TCP; what an A or PTR record of the answer must match.
    pub(super) tcp: Option<bool>,
    pub(super) answer: Option<String>,
    /// UDP: what is sent (hex), and whether (or what) must come back.
    pub(super) payload: Option<String>,
    pub(super) require_reply: Option<ReplyDoc>,
    pub(super) min_reply_length: Option<i64>,
    pub(super) max_reply_length: Option<i64>,
    /// FILE: the file, its factor, its sense, the number written before
    /// the first read and whether over an existing file.
    pub(super) file: Option<String>,
    pub(super) weight: Option<i64>,
    pub(super) reverse: Option<bool>,
    pub(super) init: Option<i64>,
    pub(super) overwrite: Option<bool>,
    /// Exec: whether exit codes 2-255 set the weight (`true`), a
    /// percentage of it (`"percent"`), or are down (`false`).
    pub(super) dynamic: Option<DynamicDoc>,
    /// Exec: run as this user and group. MySQL, POP3, IMAP: log in as
    /// this user.
    pub(super) user: Option<String>,
    pub(super) group: Option<String>,
    /// MySQL: the user's password, the database, a query that must
    /// return a row.
    pub(super) password: Option<String>,
    pub(super) database: Option<String>,
    pub(super) query: Option<String>,
    /// simpletcp: what is sent.
    pub(super) send: Option<String>,
    /// RADIUS: the secret shared with the server.
    pub(super) secret: Option<String>,
    /// LDAP: the entry searched for.
    pub(super) base: Option<String>,
}

/// One URL of an HTTP check's `urls`.
#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub(super) struct UrlDoc {
    pub(super) path: Option<String>,
    pub(super) host: Option<String>,
    pub(super) status: Option<Vec<StatusDoc>>,
    pub(super) expect: Option<String>,
    pub(super) regex: Option<String>,
    pub(super) digest: Option<String>,
}

/// A UDP check's `require_reply`: `true` (any reply) or the bytes it
/// must start with (hex, `x` for any 4 bits).
#[derive(Deserialize, Clone)]
#[serde(untagged)]
pub(super) enum ReplyDoc {
    Any(bool),
    Bytes(String),
}

impl CheckDoc {
    pub(super) fn with_kind(mut self, kind: Option<String>) -> Self {
        self.kind = kind;
        self
    }

    /// `self` with the fields `over` sets replaced. When `over` names
    /// another type of check, only the timing (interval, timeout, rise,
    /// fall, retry_interval, start_up, warmup) is inherited.
    pub(super) fn merged(&self, over: &CheckDoc) -> CheckDoc {
        fn pick<T: Clone>(a: &Option<T>, b: &Option<T>) -> Option<T> {
            b.clone().or_else(|| a.clone())
        }
        if over.kind.is_some() && over.kind != self.kind {
            let timing = CheckDoc {
                interval: self.interval.clone(),
                timeout: self.timeout.clone(),
                rise: self.rise,
                fall: self.fall,
                retry_interval: self.retry_interval.clone(),
                start_up: self.start_up,
                warmup: self.warmup.clone(),
                ..CheckDoc::default()
            };
            return timing
                .merged(&CheckDoc {
                    kind: None,
                    ..over.clone()
                })
                .with_kind(over.kind.clone());
        }
        CheckDoc {
            kind: pick(&self.kind, &over.kind),
            interval: pick(&self.interval, &over.interval),
            timeout: pick(&self.timeout, &over.timeout),
            rise: pick(&self.rise, &over.rise),
            fall: pick(&self.fall, &over.fall),
            retry_interval: pick(&self.retry_interval, &over.retry_interval),
            start_up: pick(&self.start_up, &over.start_up),
            warmup: pick(&self.warmup, &over.warmup),
            port: pick(&self.port, &over.port),
            source: pick(&self.source, &over.source),
            source_port: pick(&self.source_port, &over.source_port),
            interface: pick(&self.interface, &over.interface),
            mark: pick(&self.mark, &over.mark),
            via_vip: pick(&self.via_vip, &over.via_vip),
            method: pick(&self.method, &over.method),
            path: pick(&self.path, &over.path),
            host: pick(&self.host, &over.host),
            status: pick(&self.status, &over.status),
            expect: pick(&self.expect, &over.expect),
            regex: pick(&self.regex, &over.regex),
            verify: pick(&self.verify, &over.verify),
            redirects: pick(&self.redirects, &over.redirects),
            argv: pick(&self.argv, &over.argv),
            close: pick(&self.close, &over.close),
            urls: pick(&self.urls, &over.urls),
            digest: pick(&self.digest, &over.digest),
            helo: pick(&self.helo, &over.helo),
            query_type: pick(&self.query_type, &over.query_type),
            name: pick(&self.name, &over.name),
            tcp: pick(&self.tcp, &over.tcp),
            answer: pick(&self.answer, &over.answer),
            payload: pick(&self.payload, &over.payload),
            require_reply: pick(&self.require_reply, &over.require_reply),
            min_reply_length: pick(&self.min_reply_length, &over.min_reply_length),
            max_reply_length: pick(&self.max_reply_length, &over.max_reply_length),
            file: pick(&self.file, &over.file),
            weight: pick(&self.weight, &over.weight),
            reverse: pick(&self.reverse, &over.reverse),
            init: pick(&self.init, &over.init),
            overwrite: pick(&self.overwrite, &over.overwrite),
            dynamic: pick(&self.dynamic, &over.dynamic),
            user: pick(&self.user, &over.user),
            group: pick(&self.group, &over.group),
            password: pick(&self.password, &over.password),
            database: pick(&self.database, &over.database),
            query: pick(&self.query, &over.query),
            send: pick(&self.send, &over.send),
            base: pick(&self.base, &over.base),
            secret: pick(&self.secret, &over.secret),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ServiceToml {
    pub(super) family: Option<Family>,
    pub(super) protocol: Option<Protocol>,
    pub(super) address: Option<IpAddr>,
    pub(super) port: Option<u16>,
    pub(super) fwmark: Option<u32>,
    pub(super) scheduler: Option<String>,
    #[serde(default)]
    pub(super) flags: Vec<String>,
    #[serde(default)]
    pub(super) timeout: u32,
    pub(super) netmask: Option<std::net::Ipv4Addr>,
    pub(super) prefix_length: Option<u32>,
    pub(super) pe_name: Option<String>,
    #[serde(default)]
    pub(super) check: CheckDoc,
    /// Its destinations' feedback agent (over `[defaults]`').
    pub(super) agent: Option<AgentDoc>,
    pub(super) on_failure: Option<OnFailureDoc>,
    pub(super) manual: Option<ManualDoc>,
    /// Destinations in the table the file does not name: `keep` (the
    /// default, but for `manual = "revert"`) or `remove`.
    pub(super) foreign: Option<ForeignDoc>,
    pub(super) fallback: Option<DestToml>,
    /// The fallback while a destination is up: `remove` (the default) or
    /// `quiesce` (weight 0).
    pub(super) fallback_idle: Option<OnFailureDoc>,
    /// The weight of the destinations up that makes quorum (1).
    pub(super) quorum: Option<u64>,
    /// The lag of quorum changes around it (0).
    pub(super) hysteresis: Option<u64>,
    /// Run when quorum is gained.
    pub(super) quorum_up: Option<ScriptDoc>,
    /// Run when quorum is lost.
    pub(super) quorum_down: Option<ScriptDoc>,
    /// At stop, run `quorum_down` and the destinations' `notify_down`.
    #[serde(default)]
    pub(super) scripts_at_stop: bool,
    /// What stop does with it (`[daemon] on_stop` unless given).
    pub(super) on_stop: Option<ServiceStopDoc>,
    /// Run through the shell with `start`/`stop`, the service and its
    /// protocol when it is left without a destination up, and again.
    pub(super) fallback_command: Option<String>,
    /// Each check result of its destinations is appended to it.
    pub(super) monitor_file: Option<String>,
    /// Its destinations' slow start.
    pub(super) slow_start: Option<SlowStartDoc>,
    /// The part of its destinations kept in however many fail (`"50%"`).
    pub(super) depool_floor: Option<String>,
    #[serde(default)]
    pub(super) destinations: Vec<Spanned<DestToml>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct DestToml {
    pub(super) address: IpAddr,
    pub(super) port: u16,
    pub(super) forward: Option<ForwardMethod>,
    pub(super) weight: Option<i64>,
    #[serde(default)]
    pub(super) upper_threshold: u32,
    #[serde(default)]
    pub(super) lower_threshold: u32,
    pub(super) tunnel: Option<TunnelDoc>,
    /// Its one check (over the service's).
    pub(super) check: Option<CheckDoc>,
    /// Its checks, all of which must pass (each over the service's
    /// check); `[]`: none, always up.
    pub(super) checks: Option<Vec<Spanned<CheckDoc>>>,
    /// Its feedback agent (over the service's).
    pub(super) agent: Option<AgentDoc>,
    /// Its slow start (over the service's, key by key).
    pub(super) slow_start: Option<SlowStartDoc>,
    /// Run when its checks make it up.
    pub(super) notify_up: Option<ScriptDoc>,
    /// Run when its checks make it down.
    pub(super) notify_down: Option<ScriptDoc>,
}

/// A program run when something changes.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ScriptDoc {
    /// The program and its arguments.
    pub(super) argv: Vec<String>,
    /// Run as this user.
    pub(super) user: Option<String>,
    /// And this group (else the user's).
    pub(super) group: Option<String>,
}

impl DestToml {
    pub(super) fn doc(&self) -> DestinationDoc {
        DestinationDoc {
            family: Family::of(&self.address),
            address: self.address,
            port: self.port,
            forward: self.forward.unwrap_or(ForwardMethod::Route),
            weight: self.weight.unwrap_or(1),
            upper_threshold: self.upper_threshold,
            lower_threshold: self.lower_threshold,
            tunnel: self.tunnel.clone(),
            active_conns: None,
            inactive_conns: None,
            persistent_conns: None,
            stats: None,
        }
    }
}
