//! The pure planner: desired state and snapshot in, ordered changes out.

use super::{Action, Before, Options, Pending, Plan, Step};
use crate::error::Result;
use crate::model::{
    Change, Daemon, DesiredState, DestConfig, Destination, ForwardMethod, Service, ServiceKey,
    Snapshot, Timeouts, Weight,
};
use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;

/// The plan that takes `live` to `desired`. No I/O: the same inputs give
/// the same plan.
///
/// Errors: [`crate::Error::InvalidDocument`] when `desired` fails
/// [`DesiredState::check`]; nothing else (what only the kernel can judge,
/// such as a scheduler name, fails when the plan is applied).
pub fn plan(desired: &DesiredState, live: &Snapshot, opts: &Options) -> Result<Plan> {
    desired.check()?;
    Ok(plan_checked(desired, live, opts))
}

/// [`plan`] for a desired state that passed [`DesiredState::check`].
pub(crate) fn plan_checked(desired: &DesiredState, live: &Snapshot, opts: &Options) -> Plan {
    let mut p = Planner::default();
    if let Some(want) = &desired.daemons {
        p.daemons(want, &live.daemons);
    }
    if let Some(want) = desired.timeouts {
        p.timeouts(want, live.timeouts);
    }
    let by_key: HashMap<ServiceKey, &Service> = live.services.iter().map(|s| (s.key, s)).collect();
    for s in &desired.services {
        match by_key.get(&s.key) {
            None => {
                p.first.push(step(
                    Action::Add,
                    Change::AddService(Service::new(s.key).with_config(s.config.clone())),
                    None,
                ));
                for d in &s.destinations {
                    p.first
                        .push(step(Action::Add, Change::AddDestination(s.key, *d), None));
                }
            }
            Some(l) => p.owned(s, l, opts),
        }
    }
    if opts.prune {
        let named: HashSet<ServiceKey> = desired.services.iter().map(|s| s.key).collect();
        for l in live.services.iter().filter(|l| !named.contains(&l.key)) {
            p.prune(l, opts);
        }
    }
    let Planner {
        stops,
        first,
        then,
        last,
        starts,
        pending,
        notes,
    } = p;
    Plan {
        steps: [stops, first, then, last, starts].concat(),
        pending,
        notes,
    }
}

/// Whether a live destination's configuration is the wanted one. Tunnel
/// parameters count only for tunnel forwarding: on other methods they do
/// nothing, and the kernel's cheaper listing does not report them.
pub(crate) fn same_dest_config(want: &DestConfig, live: &DestConfig) -> bool {
    want.forward == live.forward
        && want.weight == live.weight
        && want.upper_threshold == live.upper_threshold
        && want.lower_threshold == live.lower_threshold
        && (want.forward != ForwardMethod::Tunnel || want.tunnel == live.tunnel)
}

/// Destinations of one service by address: a search through a short list
/// (the common case, and cheaper than hashing), a hash map for a long one.
enum Lookup<'a, T> {
    Few(&'a [T], fn(&T) -> SocketAddr),
    Many(HashMap<SocketAddr, &'a T>),
}

impl<'a, T> Lookup<'a, T> {
    const FEW: usize = 16;

    fn new(items: &'a [T], addr: fn(&T) -> SocketAddr) -> Self {
        if items.len() <= Self::FEW {
            Lookup::Few(items, addr)
        } else {
            Lookup::Many(items.iter().map(|d| (addr(d), d)).collect())
        }
    }

    fn get(&self, a: &SocketAddr) -> Option<&'a T> {
        match self {
            Lookup::Few(items, addr) => items.iter().find(|d| addr(d) == *a),
            Lookup::Many(m) => m.get(a).copied(),
        }
    }
}

fn step(action: Action, change: Change, before: Option<Before>) -> Step {
    Step {
        action,
        change,
        before,
    }
}

/// Steps by phase; the plan is their concatenation in field order.
#[derive(Default)]
struct Planner {
    /// Daemon stops (before any destination of the other family comes).
    stops: Vec<Step>,
    /// Timeouts, service adds and edits, destination adds, raises and
    /// edits that do not lower a weight.
    first: Vec<Step>,
    /// Weight cuts, drains and destination deletions.
    then: Vec<Step>,
    /// Service deletions.
    last: Vec<Step>,
    /// Daemon starts (after destinations of the other family are gone).
    starts: Vec<Step>,
    pending: Vec<Pending>,
    notes: Vec<String>,
}

/// Whether a live daemon is what `want` asks for: `None` fields of `want`
/// are the kernel's choice and match anything.
fn daemon_matches(want: &Daemon, live: &Daemon) -> bool {
    fn ok<T: PartialEq>(w: &Option<T>, l: &Option<T>) -> bool {
        w.is_none() || w == l
    }
    want.state == live.state
        && want.mcast_ifn == live.mcast_ifn
        && want.sync_id == live.sync_id
        && ok(&want.sync_maxlen, &live.sync_maxlen)
        && ok(&want.mcast_group, &live.mcast_group)
        && ok(&want.mcast_port, &live.mcast_port)
        && ok(&want.mcast_ttl, &live.mcast_ttl)
}

impl Planner {
    fn daemons(&mut self, want: &[Daemon], live: &[Daemon]) {
        for l in live {
            match want.iter().find(|w| w.state == l.state) {
                Some(w) if daemon_matches(w, l) => {}
                _ => self.stops.push(step(
                    Action::Delete,
                    Change::StopDaemon(l.clone()),
                    Some(Before::Daemon(l.clone())),
                )),
            }
        }
        for w in want {
            let running = live.iter().find(|l| l.state == w.state);
            match running {
                Some(l) if daemon_matches(w, l) => {}
                _ => self.starts.push(step(
                    Action::Add,
                    Change::StartDaemon(w.clone()),
                    running.cloned().map(Before::Daemon),
                )),
            }
        }
    }

    fn timeouts(&mut self, want: Timeouts, live: Timeouts) {
        let mut set = Timeouts::default();
        for (name, w, l, s) in [
            ("tcp", want.tcp, live.tcp, &mut set.tcp),
            ("tcp_fin", want.tcp_fin, live.tcp_fin, &mut set.tcp_fin),
            ("udp", want.udp, live.udp, &mut set.udp),
        ] {
            if w == 0 && l != 0 {
                self.notes.push(format!(
                    "timeouts.{name}: 0 cannot be set (the kernel reads 0 as \"unchanged\"); it stays {l}"
                ));
            } else if w != l {
                *s = w;
            }
        }
        if set != Timeouts::default() {
            self.first.push(step(
                Action::Edit,
                Change::SetTimeouts(set),
                Some(Before::Timeouts(live)),
            ));
        }
    }

    /// A service the desired state names and the kernel has.
    fn owned(&mut self, want: &crate::model::ServiceSpec, live: &Service, opts: &Options) {
        if want.config != live.config {
            self.first.push(step(
                Action::Edit,
                Change::edit_service_from(live, want.config.clone()),
                Some(Before::Service(live.config.clone())),
            ));
        }
        let live_dests = Lookup::new(&live.destinations, |d| d.addr);
        for d in &want.destinations {
            match live_dests.get(&d.addr) {
                None => self.first.push(step(
                    Action::Add,
                    Change::AddDestination(want.key, *d),
                    None,
                )),
                Some(l) if !same_dest_config(&d.config, &l.config) => {
                    let s = step(
                        Action::Edit,
                        Change::edit_destination_from(want.key, l, d.config),
                        Some(Before::Destination(l.config)),
                    );
                    if d.config.weight < l.config.weight {
                        self.then.push(s);
                    } else {
                        self.first.push(s);
                    }
                }
                Some(_) => {}
            }
        }
        let wanted = Lookup::new(&want.destinations, |d| d.addr);
        for l in live
            .destinations
            .iter()
            .filter(|l| wanted.get(&l.addr).is_none())
        {
            let delete = Change::DeleteDestination(want.key, l.addr);
            if opts.drain && l.status.conns() > 0 {
                self.drain(want.key, l);
                self.pending.push(Pending {
                    change: delete,
                    service: want.key,
                    dests: vec![l.addr],
                    conns: l.status.conns(),
                });
            } else {
                self.then.push(step(
                    Action::Delete,
                    delete,
                    Some(Before::Destination(l.config)),
                ));
            }
        }
    }

    /// Weight 0 for a destination that is to go, unless it has it.
    fn drain(&mut self, key: ServiceKey, l: &Destination) {
        if !l.config.weight.is_zero() {
            let mut c = l.config;
            c.weight = Weight::ZERO;
            self.then.push(step(
                Action::Drain,
                Change::edit_destination_from(key, l, c),
                Some(Before::Destination(l.config)),
            ));
        }
    }

    /// A live service the desired state does not name, with pruning on.
    fn prune(&mut self, live: &Service, opts: &Options) {
        let busy: Vec<&Destination> = live
            .destinations
            .iter()
            .filter(|d| d.status.conns() > 0)
            .collect();
        let delete = Change::DeleteService(live.key);
        if opts.drain && !busy.is_empty() {
            for d in &live.destinations {
                self.drain(live.key, d);
            }
            self.pending.push(Pending {
                change: delete,
                service: live.key,
                dests: busy.iter().map(|d| d.addr).collect(),
                conns: busy.iter().map(|d| d.status.conns()).sum(),
            });
        } else {
            self.last.push(step(
                Action::Delete,
                delete,
                Some(Before::Service(live.config.clone())),
            ));
        }
    }
}
