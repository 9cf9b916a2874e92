//! What `rvsadm top` shows, computed from what it read (pure: no I/O, no
//! clock). Rates come from the difference of the counters between two
//! reads, divided by the time between them; the rows are filtered on their
//! text and sorted by any column; each service keeps a short history of its
//! rates for the detail view's chart.

use std::cmp::Ordering;
use std::collections::{HashMap, VecDeque};

/// How many refreshes of rate history a service keeps (2 minutes at 1 s).
pub const HISTORY: usize = 120;

/// The kernel's cumulative counters of a service or destination.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counters {
    /// Connections scheduled.
    pub conns: u64,
    /// Packets in.
    pub inpkts: u64,
    /// Packets out.
    pub outpkts: u64,
    /// Bytes in.
    pub inbytes: u64,
    /// Bytes out.
    pub outbytes: u64,
}

/// One destination as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DestReading {
    /// `ADDR:PORT` (IPv6 as `[ADDR]:PORT`).
    pub addr: String,
    /// The weight in the table.
    pub weight: u32,
    /// Active connections.
    pub active: u64,
    /// Inactive connections.
    pub inactive: u64,
    /// Its counters.
    pub counters: Counters,
}

/// One service as read, with its destinations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceReading {
    /// The one text form of a service (`tcp:192.0.2.1:80`), as rvsadmd's
    /// status names it.
    pub key: String,
    /// The scheduler's name.
    pub scheduler: String,
    /// Its counters.
    pub counters: Counters,
    /// Its destinations, in the kernel's order.
    pub dests: Vec<DestReading>,
}

/// One read of the table.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Reading {
    /// When it was read, in seconds on a monotonic clock.
    pub at: f64,
    /// The services, in the kernel's order.
    pub services: Vec<ServiceReading>,
}

/// What rvsadmd said of one destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DestHealth {
    /// `up`, `down`, `unknown`, `fallback`.
    pub health: String,
    /// `ready`, `drained`.
    pub admin: String,
}

/// What rvsadmd said, if anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Daemon {
    /// Not asked yet.
    NotAsked,
    /// No answer (no daemon on the socket, or a refusal): why.
    Absent(String),
    /// Its status: by (service text form, destination `ADDR:PORT`).
    Status(HashMap<(String, String), DestHealth>),
}

/// Rates per second over one interval.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Rates {
    /// Connections per second.
    pub cps: f64,
    /// Packets in per second.
    pub inpps: f64,
    /// Packets out per second.
    pub outpps: f64,
    /// Bytes in per second.
    pub inbps: f64,
    /// Bytes out per second.
    pub outbps: f64,
}

impl Rates {
    /// Packets per second, in and out.
    pub fn pps(&self) -> f64 {
        self.inpps + self.outpps
    }

    /// Bytes per second, in and out.
    pub fn bps(&self) -> f64 {
        self.inbps + self.outbps
    }
}

/// How much a counter grew from `old` to `new`. A counter that went down
/// was reset (`rvsadm -Z`, or the service or destination deleted and added
/// again): it counted from 0 since, so it grew by `new`. The library reads
/// 64-bit counters, which do not wrap in practice (bytes at 100 Gbit/s
/// would take 46 years), so a fall is never read as a wrap.
pub fn delta(old: u64, new: u64) -> u64 {
    new.checked_sub(old).unwrap_or(new)
}

/// The rates between two reads of the same counters `secs` apart; `None`
/// when no time passed.
pub fn rates(old: &Counters, new: &Counters, secs: f64) -> Option<Rates> {
    if secs.is_nan() || secs <= 0.0 {
        return None;
    }
    let r = |o: u64, n: u64| delta(o, n) as f64 / secs;
    Some(Rates {
        cps: r(old.conns, new.conns),
        inpps: r(old.inpkts, new.inpkts),
        outpps: r(old.outpkts, new.outpkts),
        inbps: r(old.inbytes, new.inbytes),
        outbps: r(old.outbytes, new.outbytes),
    })
}

/// A column of the table; each can be sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    /// The service or destination.
    Name,
    /// The weight.
    Weight,
    /// Active connections.
    Active,
    /// Inactive connections.
    Inactive,
    /// Connections per second.
    Cps,
    /// Packets per second (in and out).
    Pps,
    /// Bytes per second (in and out).
    Bps,
    /// rvsadmd's health.
    Health,
    /// rvsadmd's admin state.
    Admin,
}

impl Column {
    /// Every column, in the order shown (key `1` is the first).
    pub const ALL: [Column; 9] = [
        Column::Name,
        Column::Weight,
        Column::Active,
        Column::Inactive,
        Column::Cps,
        Column::Pps,
        Column::Bps,
        Column::Health,
        Column::Admin,
    ];

    /// Its heading.
    pub fn title(self) -> &'static str {
        match self {
            Column::Name => "SERVICE / DESTINATION",
            Column::Weight => "WEIGHT",
            Column::Active => "ACTIVE",
            Column::Inactive => "INACT",
            Column::Cps => "CONN/S",
            Column::Pps => "PKT/S",
            Column::Bps => "BYTES/S",
            Column::Health => "HEALTH",
            Column::Admin => "ADMIN",
        }
    }

    /// Whether it holds numbers (sorted largest first when chosen).
    fn numeric(self) -> bool {
        !matches!(self, Column::Name | Column::Health | Column::Admin)
    }
}

/// A row of the table: a service or one of its destinations.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The service it is or belongs to (its text form).
    pub service: String,
    /// `None` for the service's own row; the destination's `ADDR:PORT`.
    pub dest: Option<String>,
    /// The destination's weight (none for a service).
    pub weight: Option<u32>,
    /// Active connections (a service: its destinations' sum).
    pub active: u64,
    /// Inactive connections (a service: its destinations' sum).
    pub inactive: u64,
    /// Rates over the last interval (`None`: one read only so far).
    pub rates: Option<Rates>,
    /// rvsadmd's health (a service: `N/M up`); `None`: no daemon.
    pub health: Option<String>,
    /// rvsadmd's admin state (a service: none).
    pub admin: Option<String>,
}

impl Row {
    /// What the first column shows and the filter reads.
    pub fn name(&self) -> &str {
        self.dest.as_deref().unwrap_or(&self.service)
    }

    fn cmp_by(&self, other: &Row, c: Column) -> Ordering {
        let num = |r: &Row| -> f64 {
            match c {
                Column::Weight => r.weight.map_or(-1.0, f64::from),
                Column::Active => r.active as f64,
                Column::Inactive => r.inactive as f64,
                Column::Cps => r.rates.map_or(-1.0, |x| x.cps),
                Column::Pps => r.rates.map_or(-1.0, |x| x.pps()),
                Column::Bps => r.rates.map_or(-1.0, |x| x.bps()),
                _ => 0.0,
            }
        };
        let text = |r: &Row| -> String {
            match c {
                Column::Health => r.health.clone().unwrap_or_default(),
                Column::Admin => r.admin.clone().unwrap_or_default(),
                _ => r.name().to_string(),
            }
        };
        if c.numeric() {
            num(self).total_cmp(&num(other))
        } else {
            text(self).cmp(&text(other))
        }
        .then_with(|| self.name().cmp(other.name()))
    }
}

/// The whole state of the view: the last two reads, what rvsadmd said, and
/// how the person set the view up.
#[derive(Debug, Clone)]
pub struct Model {
    prev: Option<Reading>,
    now: Option<Reading>,
    /// What rvsadmd said at the last read.
    pub daemon: Daemon,
    /// The last read's error, if it failed (the rows are the last good ones).
    pub error: Option<String>,
    /// The column sorted by.
    pub sort: Column,
    /// Largest (or last) first.
    pub descending: bool,
    /// The filter in force (empty: none).
    pub filter: String,
    /// The filter being typed after `/`, if the prompt is open.
    pub prompt: Option<String>,
    /// Refreshes stopped.
    pub paused: bool,
    /// The selected service (its text form).
    pub selected: Option<String>,
    /// The service whose detail is shown.
    pub detail: Option<String>,
    history: HashMap<String, VecDeque<Rates>>,
}

impl Default for Model {
    fn default() -> Self {
        Model {
            prev: None,
            now: None,
            daemon: Daemon::NotAsked,
            error: None,
            sort: Column::Name,
            descending: false,
            filter: String::new(),
            prompt: None,
            paused: false,
            selected: None,
            detail: None,
            history: HashMap::new(),
        }
    }
}

impl Model {
    /// Take a new read: the rates are now between it and the one before,
    /// and each service's history grows by one.
    pub fn update(&mut self, r: Reading) {
        self.prev = self.now.take();
        self.now = Some(r);
        self.error = None;
        let Some(now) = &self.now else { return };
        let mut seen = Vec::new();
        for s in &now.services {
            if let Some(rt) = self.service_rates(&s.key) {
                let h = self.history.entry(s.key.clone()).or_default();
                h.push_back(rt);
                while h.len() > HISTORY {
                    h.pop_front();
                }
            }
            seen.push(s.key.clone());
        }
        self.history.retain(|k, _| seen.contains(k));
        if self.selected.is_none() {
            self.selected = now.services.first().map(|s| s.key.clone());
        }
    }

    /// The seconds between the last two reads.
    pub fn interval(&self) -> Option<f64> {
        Some(self.now.as_ref()?.at - self.prev.as_ref()?.at)
    }

    /// The last read, if any.
    pub fn reading(&self) -> Option<&Reading> {
        self.now.as_ref()
    }

    /// A service as last read.
    pub fn service(&self, key: &str) -> Option<&ServiceReading> {
        self.now.as_ref()?.services.iter().find(|s| s.key == key)
    }

    /// A service's rates over the last interval.
    pub fn service_rates(&self, key: &str) -> Option<Rates> {
        let old = self.prev.as_ref()?.services.iter().find(|s| s.key == key)?;
        let new = self.service(key)?;
        rates(&old.counters, &new.counters, self.interval()?)
    }

    fn dest_rates(&self, key: &str, addr: &str) -> Option<Rates> {
        let old = self.prev.as_ref()?.services.iter().find(|s| s.key == key)?;
        let old = old.dests.iter().find(|d| d.addr == addr)?;
        let new = self.service(key)?.dests.iter().find(|d| d.addr == addr)?;
        rates(&old.counters, &new.counters, self.interval()?)
    }

    /// A service's rate history, oldest first.
    pub fn history(&self, key: &str) -> Vec<Rates> {
        self.history
            .get(key)
            .map(|h| h.iter().copied().collect())
            .unwrap_or_default()
    }

    /// The rows to show: each service followed by its destinations, the
    /// services sorted by the column and the destinations within each
    /// service too; with a filter, a service whose text matches keeps all
    /// its destinations, otherwise only the matching destinations stay
    /// (under their service's row), and a service with none goes.
    pub fn rows(&self) -> Vec<Row> {
        let Some(now) = &self.now else {
            return Vec::new();
        };
        let needle = self.filter.to_lowercase();
        let matches = |t: &str| needle.is_empty() || t.to_lowercase().contains(&needle);
        let mut groups: Vec<(Row, Vec<Row>)> = Vec::new();
        for s in &now.services {
            let all = matches(&s.key);
            let mut dests: Vec<Row> = s
                .dests
                .iter()
                .filter(|d| all || matches(&d.addr))
                .map(|d| self.dest_row(s, d))
                .collect();
            if !all && dests.is_empty() {
                continue;
            }
            self.sort_rows(&mut dests);
            groups.push((self.service_row(s), dests));
        }
        groups.sort_by(|a, b| self.order(&a.0, &b.0));
        groups
            .into_iter()
            .flat_map(|(s, d)| std::iter::once(s).chain(d))
            .collect()
    }

    /// The rows of one service's destinations (the detail view), sorted.
    pub fn dest_rows(&self, key: &str) -> Vec<Row> {
        let Some(s) = self.service(key) else {
            return Vec::new();
        };
        let mut rows: Vec<Row> = s.dests.iter().map(|d| self.dest_row(s, d)).collect();
        self.sort_rows(&mut rows);
        rows
    }

    fn sort_rows(&self, rows: &mut [Row]) {
        rows.sort_by(|a, b| self.order(a, b));
    }

    fn order(&self, a: &Row, b: &Row) -> Ordering {
        let o = a.cmp_by(b, self.sort);
        if self.descending {
            o.reverse()
        } else {
            o
        }
    }

    fn service_row(&self, s: &ServiceReading) -> Row {
        let health = match &self.daemon {
            Daemon::Status(m) => {
                let known: Vec<&DestHealth> = s
                    .dests
                    .iter()
                    .filter_map(|d| m.get(&(s.key.clone(), d.addr.clone())))
                    .collect();
                let up = known.iter().filter(|h| h.health == "up").count();
                // None of its destinations is rvsadmd's: `-`, as for them.
                Some(match known.len() {
                    0 => "-".to_string(),
                    n => format!("{up}/{n} up"),
                })
            }
            _ => None,
        };
        Row {
            service: s.key.clone(),
            dest: None,
            weight: None,
            active: s.dests.iter().map(|d| d.active).sum(),
            inactive: s.dests.iter().map(|d| d.inactive).sum(),
            rates: self.service_rates(&s.key),
            health,
            admin: None,
        }
    }

    fn dest_row(&self, s: &ServiceReading, d: &DestReading) -> Row {
        let (health, admin) = match &self.daemon {
            Daemon::Status(m) => match m.get(&(s.key.clone(), d.addr.clone())) {
                Some(h) => (Some(h.health.clone()), Some(h.admin.clone())),
                // In the table but not in rvsadmd's configuration.
                None => (Some("-".into()), Some("-".into())),
            },
            _ => (None, None),
        };
        Row {
            service: s.key.clone(),
            dest: Some(d.addr.clone()),
            weight: Some(d.weight),
            active: d.active,
            inactive: d.inactive,
            rates: self.dest_rates(&s.key, &d.addr),
            health,
            admin,
        }
    }

    /// Sort by `c`; the same column again turns the order round. Numbers
    /// sort largest first, text from A.
    pub fn sort_by(&mut self, c: Column) {
        if self.sort == c {
            self.descending = !self.descending;
        } else {
            self.sort = c;
            self.descending = c.numeric();
        }
    }

    /// The services shown, in order (what the selection moves over).
    pub fn shown_services(&self) -> Vec<String> {
        self.rows()
            .into_iter()
            .filter(|r| r.dest.is_none())
            .map(|r| r.service)
            .collect()
    }

    /// Show the detail of the selected service, or of the first shown
    /// when the selected one is filtered out.
    pub fn open(&mut self) {
        let shown = self.shown_services();
        if !self.selected.as_ref().is_some_and(|s| shown.contains(s)) {
            self.selected = shown.first().cloned();
        }
        self.detail = self.selected.clone();
    }

    /// Move the selection by `step` services (down when positive).
    pub fn move_selection(&mut self, step: isize) {
        let shown = self.shown_services();
        if shown.is_empty() {
            return;
        }
        let at = self
            .selected
            .as_ref()
            .and_then(|s| shown.iter().position(|k| k == s));
        let next = match at {
            None => 0,
            Some(i) => i.saturating_add_signed(step).min(shown.len() - 1),
        };
        self.selected = shown.get(next).cloned();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counters(conns: u64, pkts: u64, bytes: u64) -> Counters {
        Counters {
            conns,
            inpkts: pkts,
            outpkts: pkts,
            inbytes: bytes,
            outbytes: bytes,
        }
    }

    fn dest(addr: &str, w: u32, active: u64, c: Counters) -> DestReading {
        DestReading {
            addr: addr.into(),
            weight: w,
            active,
            inactive: 0,
            counters: c,
        }
    }

    fn service(key: &str, dests: Vec<DestReading>) -> ServiceReading {
        let mut c = Counters::default();
        for d in &dests {
            c.conns += d.counters.conns;
            c.inpkts += d.counters.inpkts;
            c.outpkts += d.counters.outpkts;
            c.inbytes += d.counters.inbytes;
            c.outbytes += d.counters.outbytes;
        }
        ServiceReading {
            key: key.into(),
            scheduler: "wlc".into(),
            counters: c,
            dests,
        }
    }

    /// Two reads 2 s apart: web's .1 gets 10 connections, .2 gets 40;
    /// dns gets 4.
    fn two_reads() -> Model {
        let mut m = Model::default();
        m.update(Reading {
            at: 10.0,
            services: vec![
                service(
                    "tcp:192.0.2.1:80",
                    vec![
                        dest("10.0.0.1:80", 1, 1, counters(100, 1000, 10_000)),
                        dest("10.0.0.2:80", 3, 2, counters(100, 1000, 10_000)),
                    ],
                ),
                service(
                    "udp:192.0.2.9:53",
                    vec![dest("10.0.0.9:53", 1, 0, counters(0, 0, 0))],
                ),
            ],
        });
        m.update(Reading {
            at: 12.0,
            services: vec![
                service(
                    "tcp:192.0.2.1:80",
                    vec![
                        dest("10.0.0.1:80", 1, 5, counters(110, 1100, 20_000)),
                        dest("10.0.0.2:80", 3, 9, counters(140, 1400, 50_000)),
                    ],
                ),
                service(
                    "udp:192.0.2.9:53",
                    vec![dest("10.0.0.9:53", 1, 0, counters(4, 8, 800))],
                ),
            ],
        });
        m
    }

    fn names(rows: &[Row]) -> Vec<&str> {
        rows.iter().map(Row::name).collect()
    }

    #[test]
    fn rates_are_counter_deltas_over_the_interval() {
        let m = two_reads();
        assert_eq!(m.interval(), Some(2.0));
        let r = m.service_rates("tcp:192.0.2.1:80").unwrap();
        assert_eq!(r.cps, 25.0);
        assert_eq!(r.inpps, 250.0);
        assert_eq!(r.pps(), 500.0);
        assert_eq!(r.bps(), 50_000.0);
        let rows = m.rows();
        let d2 = rows.iter().find(|r| r.name() == "10.0.0.2:80").unwrap();
        assert_eq!(d2.rates.unwrap().cps, 20.0);
        assert_eq!(d2.active, 9);
        let svc = &rows[0];
        assert_eq!((svc.name(), svc.active), ("tcp:192.0.2.1:80", 14));
        // One read only: no rates yet.
        let mut one = Model::default();
        one.update(Reading {
            at: 1.0,
            services: vec![service("tcp:192.0.2.1:80", vec![])],
        });
        assert_eq!(one.rows()[0].rates, None);
        assert_eq!(rates(&Counters::default(), &Counters::default(), 0.0), None);
    }

    #[test]
    fn a_counter_that_falls_was_reset() {
        assert_eq!(delta(100, 130), 30);
        // `rvsadm -Z` between two reads: counted from 0 since.
        assert_eq!(delta(1_000_000, 70), 70);
        // The largest 64-bit value and back to a small one: a reset too.
        assert_eq!(delta(u64::MAX, 5), 5);
        assert_eq!(delta(0, u64::MAX), u64::MAX);
        let r = rates(&counters(500, 500, 500), &counters(10, 20, 40), 2.0).unwrap();
        assert_eq!((r.cps, r.inpps, r.inbps), (5.0, 10.0, 20.0));
    }

    #[test]
    fn history_grows_per_refresh_and_is_bounded() {
        let mut m = Model::default();
        for i in 0..(HISTORY as u64 + 10) {
            m.update(Reading {
                at: i as f64,
                services: vec![service(
                    "tcp:192.0.2.1:80",
                    vec![dest("10.0.0.1:80", 1, 0, counters(i * 3, 0, 0))],
                )],
            });
        }
        let h = m.history("tcp:192.0.2.1:80");
        assert_eq!(h.len(), HISTORY);
        assert!(h.iter().all(|r| r.cps == 3.0));
        // A service gone takes its history with it.
        m.update(Reading {
            at: 1000.0,
            services: vec![],
        });
        assert!(m.history("tcp:192.0.2.1:80").is_empty());
    }

    #[test]
    fn sorting_orders_services_and_destinations_within() {
        let mut m = two_reads();
        assert_eq!(
            names(&m.rows()),
            [
                "tcp:192.0.2.1:80",
                "10.0.0.1:80",
                "10.0.0.2:80",
                "udp:192.0.2.9:53",
                "10.0.0.9:53"
            ]
        );
        // Connections per second, largest first: web (25) before dns (2);
        // .2 (20) before .1 (5).
        m.sort_by(Column::Cps);
        assert!(m.descending);
        assert_eq!(
            names(&m.rows()),
            [
                "tcp:192.0.2.1:80",
                "10.0.0.2:80",
                "10.0.0.1:80",
                "udp:192.0.2.9:53",
                "10.0.0.9:53"
            ]
        );
        // Again: the other way round.
        m.sort_by(Column::Cps);
        assert_eq!(names(&m.rows())[0], "udp:192.0.2.9:53");
        m.sort_by(Column::Name);
        assert!(!m.descending);
        m.sort_by(Column::Name);
        assert_eq!(names(&m.rows())[0], "udp:192.0.2.9:53");
        m.sort_by(Column::Weight);
        // Services have no weight (a tie, broken by name, reversed too);
        // within web, weight 3 before weight 1.
        assert_eq!(
            names(&m.rows()),
            [
                "udp:192.0.2.9:53",
                "10.0.0.9:53",
                "tcp:192.0.2.1:80",
                "10.0.0.2:80",
                "10.0.0.1:80"
            ]
        );
    }

    #[test]
    fn filtering_keeps_matching_services_and_destinations() {
        let mut m = two_reads();
        m.filter = "UDP".into();
        assert_eq!(names(&m.rows()), ["udp:192.0.2.9:53", "10.0.0.9:53"]);
        m.filter = "10.0.0.2".into();
        assert_eq!(names(&m.rows()), ["tcp:192.0.2.1:80", "10.0.0.2:80"]);
        m.filter = "nothing".into();
        assert!(m.rows().is_empty());
        m.filter.clear();
        assert_eq!(m.rows().len(), 5);
    }

    #[test]
    fn daemon_health_fills_the_columns() {
        let mut m = two_reads();
        assert_eq!(m.rows()[1].health, None);
        let mut s = HashMap::new();
        s.insert(
            ("tcp:192.0.2.1:80".to_string(), "10.0.0.1:80".to_string()),
            DestHealth {
                health: "up".into(),
                admin: "ready".into(),
            },
        );
        s.insert(
            ("tcp:192.0.2.1:80".to_string(), "10.0.0.2:80".to_string()),
            DestHealth {
                health: "down".into(),
                admin: "drained".into(),
            },
        );
        m.daemon = Daemon::Status(s);
        let rows = m.rows();
        assert_eq!(rows[0].health.as_deref(), Some("1/2 up"));
        assert_eq!(rows[2].admin.as_deref(), Some("drained"));
        assert_eq!(
            rows[3].health.as_deref(),
            Some("-"),
            "no destination of rvsadmd's"
        );
        assert_eq!(rows[4].health.as_deref(), Some("-"), "not rvsadmd's");
        m.sort_by(Column::Health);
        m.sort_by(Column::Health);
        assert_eq!(
            names(&m.rows())[1],
            "10.0.0.1:80",
            "up after down, reversed"
        );
    }

    #[test]
    fn selection_moves_over_shown_services() {
        let mut m = two_reads();
        assert_eq!(m.selected.as_deref(), Some("tcp:192.0.2.1:80"));
        m.move_selection(1);
        assert_eq!(m.selected.as_deref(), Some("udp:192.0.2.9:53"));
        m.move_selection(5);
        assert_eq!(m.selected.as_deref(), Some("udp:192.0.2.9:53"));
        m.move_selection(-3);
        assert_eq!(m.selected.as_deref(), Some("tcp:192.0.2.1:80"));
        // The selected service filtered out: enter opens the first shown.
        m.filter = "udp".into();
        m.open();
        assert_eq!(m.detail.as_deref(), Some("udp:192.0.2.9:53"));
    }
}
