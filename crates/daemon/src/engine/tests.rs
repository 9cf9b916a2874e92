//! The engine's decisions over a few syncs.

use super::*;
use crate::health::{Outcome, State};
use rvsadm::model::Destination;
use rvsadm::model::{DesiredState, Service};
use std::time::Duration;

const CFG: &str = r#"
[[services]]
protocol = "tcp"
address = "192.0.2.1"
port = 80
fallback = { address = "10.0.0.9", port = 80, forward = "masq" }
[[services.destinations]]
address = "10.0.0.1"
port = 80
forward = "masq"
weight = 3
[[services.destinations]]
address = "10.0.0.2"
port = 80
forward = "masq"
weight = 5
"#;

pub(super) fn engine(text: &str) -> Engine {
    Engine::new(crate::config::native::parse(std::path::Path::new("t.toml"), text).unwrap())
}

/// A result of the check of the first service's `i`th destination.
pub(super) fn result(e: &mut Engine, i: usize, ok: bool) {
    let v = &e.config.services[0];
    let dest = (v.key(), v.reals[i].dest.addr);
    let id = e
        .checks()
        .into_iter()
        .map(|(id, _)| id)
        .find(|id| e.check(*id).is_some_and(|c| c.users.contains(&dest)))
        .unwrap();
    e.record(
        id,
        Outcome {
            ok,
            weight: None,
            add: 0,
            latency: Duration::ZERO,
            reason: String::new(),
        },
    );
}

/// The table holding what `d` wants (as if the plan had been applied).
fn table_of(d: &DesiredState) -> Snapshot {
    Snapshot {
        services: d
            .services
            .iter()
            .map(|s| {
                let mut l = Service::new(s.key).with_config(s.config.clone());
                l.destinations = s
                    .destinations
                    .iter()
                    .map(|x| Destination::new(x.addr, x.config))
                    .collect();
                l
            })
            .collect(),
        ..Snapshot::default()
    }
}

pub(super) fn weights(d: &DesiredState) -> Vec<(String, u32)> {
    d.services[0]
        .destinations
        .iter()
        .map(|x| (x.addr.to_string(), x.config.weight.get()))
        .collect()
}

pub(super) fn w(list: &[(&str, u32)]) -> Vec<(String, u32)> {
    list.iter().map(|(a, w)| (a.to_string(), *w)).collect()
}

/// One sync as `run` does it: look, decide, "apply".
pub(super) fn sync(e: &mut Engine, live: &mut Snapshot) -> DesiredState {
    e.observe(live.clone());
    let d = e.desired(None);
    *live = table_of(&d);
    // What was written is the table as known now.
    e.kernel.replace(live.clone());
    d
}

#[test]
fn health_drains_and_the_fallback() {
    let mut e = engine(CFG);
    let mut live = Snapshot::default();
    // No result yet: in at weight 0, fallback in.
    let d = sync(&mut e, &mut live);
    assert_eq!(
        weights(&d),
        w(&[("10.0.0.1:80", 0), ("10.0.0.2:80", 0), ("10.0.0.9:80", 1)])
    );
    result(&mut e, 0, true);
    result(&mut e, 1, true);
    let d = sync(&mut e, &mut live);
    assert_eq!(weights(&d), w(&[("10.0.0.1:80", 3), ("10.0.0.2:80", 5)]));
    let key = e.config.services[0].key();
    e.drain(key, "10.0.0.2:80".parse().unwrap());
    result(&mut e, 0, false);
    let d = sync(&mut e, &mut live);
    assert_eq!(
        weights(&d),
        w(&[("10.0.0.1:80", 0), ("10.0.0.2:80", 0), ("10.0.0.9:80", 1)])
    );
    e.ready(key, None);
    let d = sync(&mut e, &mut live);
    assert_eq!(weights(&d), w(&[("10.0.0.1:80", 0), ("10.0.0.2:80", 5)]));
}

/// [`CFG`] and a second service of one destination.
fn two_services() -> String {
    format!(
        "{CFG}\n[[services]]\nprotocol = \"tcp\"\naddress = \"192.0.2.2\"\nport = 80\n\
         [[services.destinations]]\naddress = \"10.0.0.7\"\nport = 80\nforward = \"masq\"\n"
    )
}

#[test]
fn a_result_marks_only_the_services_it_changed() {
    let mut e = engine(&two_services());
    let mut live = Snapshot::default();
    sync(&mut e, &mut live);
    assert!(e.take_changed().is_empty(), "no result yet");
    result(&mut e, 0, true);
    result(&mut e, 0, true); // no change: nothing new marked
    let changed = e.take_changed();
    let first = e.config.services[0].key();
    assert_eq!(changed.into_iter().collect::<Vec<_>>(), vec![first]);
    let d = e.desired(Some(&[first].into_iter().collect()));
    assert_eq!(d.services.len(), 1);
    assert_eq!(d.services[0].key, first);
    assert!(e.take_changed().is_empty());
}

#[test]
fn a_drain_and_a_ready_mark_only_their_service() {
    let mut e = engine(&two_services());
    let mut live = Snapshot::default();
    result(&mut e, 0, true);
    result(&mut e, 1, true);
    sync(&mut e, &mut live);
    e.take_changed();
    let (first, second) = (e.config.services[0].key(), e.config.services[1].key());
    e.drain(first, "10.0.0.2:80".parse().unwrap());
    let changed = e.take_changed();
    assert_eq!(changed.iter().copied().collect::<Vec<_>>(), vec![first]);
    // Decided from that alone, the drained destination goes to 0.
    let d = e.desired(Some(&changed));
    assert_eq!(d.services.len(), 1);
    assert_eq!(weights(&d), w(&[("10.0.0.1:80", 3), ("10.0.0.2:80", 0)]));
    e.ready(second, None);
    assert_eq!(
        e.take_changed().into_iter().collect::<Vec<_>>(),
        vec![second]
    );
}

#[test]
fn a_restart_keeps_weights_until_the_first_result() {
    let mut e = engine(CFG);
    let mut live = Snapshot::default();
    result(&mut e, 0, true);
    result(&mut e, 1, true);
    sync(&mut e, &mut live);
    let mut fresh = engine(CFG);
    let d = sync(&mut fresh, &mut live);
    assert_eq!(weights(&d), w(&[("10.0.0.1:80", 3), ("10.0.0.2:80", 5)]));
}

#[test]
fn hand_made_changes_under_each_policy() {
    for (policy, want_after_hand, want_after_transition) in
        [("adopt", 9, 9), ("revert", 3, 0), ("ignore", 9, 0)]
    {
        let mut e = engine(&CFG.replace(
            "port = 80\nfallback",
            &format!("port = 80\nmanual = \"{policy}\"\nfallback"),
        ));
        let mut live = Snapshot::default();
        result(&mut e, 0, true);
        result(&mut e, 1, true);
        sync(&mut e, &mut live);
        // By hand: 10.0.0.1 to weight 9.
        live.services[0].destinations[0].config.weight = Weight::new(9).unwrap();
        let d = sync(&mut e, &mut live);
        assert_eq!(weights(&d)[0].1, want_after_hand, "{policy}");
        // Then its check fails.
        result(&mut e, 0, false);
        let d = sync(&mut e, &mut live);
        assert_eq!(weights(&d)[0].1, want_after_transition, "{policy}");
    }
    // Adopt: a deletion by hand is not undone.
    let mut e = engine(CFG);
    let mut live = Snapshot::default();
    result(&mut e, 0, true);
    result(&mut e, 1, true);
    sync(&mut e, &mut live);
    live.services[0].destinations.remove(0);
    let d = sync(&mut e, &mut live);
    assert_eq!(weights(&d), w(&[("10.0.0.2:80", 5)]));
    assert_eq!(e.overrides.values().next(), Some(&Override::Deleted));
}

const SHARED: &str = r#"
[[services]]
protocol = "tcp"
address = "192.0.2.1"
port = 80
[[services.destinations]]
address = "10.0.0.1"
port = 80
forward = "masq"
[[services]]
protocol = "tcp"
address = "192.0.2.2"
port = 80
[[services.destinations]]
address = "10.0.0.1"
port = 80
forward = "masq"
[[services.destinations]]
address = "10.0.0.2"
port = 80
forward = "masq"
"#;

fn ok() -> Outcome {
    Outcome {
        ok: true,
        weight: None,
        add: 0,
        latency: Duration::ZERO,
        reason: String::new(),
    }
}

#[test]
fn a_check_has_an_id_that_a_reload_keeps_while_it_is_the_same() {
    let mut e = engine(SHARED);
    let ids: Vec<CheckId> = e.checks().into_iter().map(|(id, _)| id).collect();
    assert_eq!(
        ids.len(),
        2,
        "10.0.0.1:80 is checked once for both services"
    );
    let (s1, s2) = (e.config.services[0].key(), e.config.services[1].key());
    let rs1: SocketAddr = "10.0.0.1:80".parse().unwrap();
    assert_eq!(e.check(ids[0]).unwrap().users, vec![(s1, rs1), (s2, rs1)]);
    assert!(e.record(ids[0], ok()));
    assert_eq!(
        e.take_changed().into_iter().collect::<Vec<_>>(),
        vec![s1, s2]
    );
    // The same checks less 10.0.0.2: the first keeps its id and health;
    // a late result of the one removed finds nothing.
    let cut = SHARED.replace(
        "[[services.destinations]]\naddress = \"10.0.0.2\"\nport = 80\nforward = \"masq\"\n",
        "",
    );
    e.reconfigure(crate::config::native::parse(std::path::Path::new("t.toml"), &cut).unwrap());
    let after: Vec<CheckId> = e.checks().into_iter().map(|(id, _)| id).collect();
    assert_eq!(after, vec![ids[0]]);
    assert_eq!(e.check(ids[0]).unwrap().health.state, State::Up);
    assert!(!e.record(ids[1], ok()));
    assert!(e.check(ids[1]).is_none());
    // A check configured otherwise is another check, from unknown.
    let slower = cut.replace(
        "port = 80\n[[",
        "port = 80\ncheck = { interval = \"9s\" }\n[[",
    );
    e.reconfigure(crate::config::native::parse(std::path::Path::new("t.toml"), &slower).unwrap());
    let (id, c) = e.checks().into_iter().next().unwrap();
    assert_ne!(id, ids[0]);
    assert_eq!(c.interval, Duration::from_secs(9));
    assert_eq!(e.check(id).unwrap().health.state, State::Unknown);
}

#[test]
fn the_table_as_known_follows_accepted_writes_and_goes_stale_on_a_refusal() {
    let mut e = engine(CFG);
    assert!(e.kernel.fresh().is_none(), "never read");
    e.observe(Snapshot::default());
    assert!(e.kernel.fresh().is_some());
    let d = e.desired(None);
    let plan = rvsadm::reconcile::plan(&d, e.kernel.table(), &Default::default()).unwrap();
    let applied: Vec<StepOutcome> = plan.steps.iter().map(|_| StepOutcome::Applied).collect();
    e.written(&plan.steps, &applied);
    assert!(e.kernel.fresh().is_some());
    assert_eq!(weights(&table_d(&e)), weights(&d));
    // A refused change: the table is read before the next decision, the
    // accepted ones are known.
    result(&mut e, 0, true);
    let d = e.desired(None);
    let plan = rvsadm::reconcile::plan(&d, e.kernel.table(), &Default::default()).unwrap();
    let refused: Vec<StepOutcome> = plan
        .steps
        .iter()
        .map(|_| StepOutcome::Failed(rvsadm::Error::IpvsUnavailable))
        .collect();
    e.written(&plan.steps, &refused);
    assert!(e.kernel.fresh().is_none());
    assert_eq!(
        weights(&table_d(&e)),
        w(&[("10.0.0.1:80", 0), ("10.0.0.2:80", 0), ("10.0.0.9:80", 1)])
    );
    // A reload reads again too.
    e.observe(e.kernel.table().clone());
    e.reconfigure(e.config.clone());
    assert!(e.kernel.fresh().is_none());
}

/// The table as known, as a desired state (to compare weights).
fn table_d(e: &Engine) -> DesiredState {
    DesiredState {
        services: e
            .kernel
            .table()
            .services
            .iter()
            .map(|s| {
                let mut spec = rvsadm::model::ServiceSpec::new(s.key);
                spec.destinations = s.destinations.iter().map(|x| x.spec()).collect();
                spec
            })
            .collect(),
        timeouts: None,
        daemons: None,
    }
}

#[test]
fn a_destination_taken_over_by_a_reload_is_no_change_by_hand() {
    // 10.0.0.5 is someone else's, at weight 7, until a reload names it.
    let mut e = engine(CFG);
    let mut live = Snapshot::default();
    result(&mut e, 0, true);
    result(&mut e, 1, true);
    sync(&mut e, &mut live);
    let cfg = live.services[0].destinations[0].config;
    live.services[0]
        .destinations
        .push(Destination::new("10.0.0.5:80".parse().unwrap(), cfg));
    live.services[0].destinations[2].config.weight = Weight::new(7).unwrap();
    sync(&mut e, &mut live);
    let named = CFG.replace(
        "weight = 5\n",
        "weight = 5\n[[services.destinations]]\naddress = \"10.0.0.5\"\nport = 80\nforward = \"masq\"\n",
    );
    e.reconfigure(crate::config::native::parse(std::path::Path::new("t.toml"), &named).unwrap());
    let d = sync(&mut e, &mut live);
    assert!(e.overrides.is_empty(), "{:?}", e.overrides);
    // No result yet: the weight in the table stays.
    assert!(
        weights(&d).contains(&("10.0.0.5:80".to_string(), 7)),
        "{d:?}"
    );
    // A change by hand since the last look is one.
    live.services[0].destinations[0].config.weight = Weight::new(2).unwrap();
    sync(&mut e, &mut live);
    assert_eq!(e.overrides.len(), 1, "{:?}", e.overrides);
}

/// keepalived.conf `text` read.
fn keepalived_config(text: &str) -> crate::config::Config {
    let f = "/k.conf";
    let fs = crate::config::keepalived::Memory::new().with(f, text);
    let o = crate::config::keepalived::Options {
        config_id: "x".into(),
        include_check: Default::default(),
        random_seed: 1,
    };
    crate::config::keepalived::load_from(&fs, std::path::Path::new(f), &o).unwrap()
}

/// keepalived.conf `text` in an engine.
pub(super) fn keepalived(text: &str) -> Engine {
    Engine::new(keepalived_config(text))
}

/// Two NAT reals (weights 3 and 5) with a TCP_CHECK each, a sorry server,
/// and `settings` in the virtual server.
fn two_reals(settings: &str) -> String {
    format!("virtual_server 192.0.2.1 80 {{\n protocol TCP\n lb_kind NAT\n sorry_server 10.0.0.9 80\n{settings} real_server 10.0.0.1 80 {{\n  weight 3\n  TCP_CHECK {{ }}\n }}\n real_server 10.0.0.2 80 {{\n  weight 5\n  TCP_CHECK {{ }}\n }}\n}}\n")
}

#[test]
fn keepalived_reals_are_in_at_their_weight_before_their_first_result() {
    let mut e = keepalived(&two_reals(""));
    let mut live = Snapshot::default();
    // No result yet: both in at their weight, no sorry server.
    let d = sync(&mut e, &mut live);
    assert_eq!(weights(&d), w(&[("10.0.0.1:80", 3), ("10.0.0.2:80", 5)]));
    // TCP_CHECK retries once (retry 1): the first failure changes nothing,
    // the second removes (no inhibit_on_failure); both down: the sorry
    // server.
    result(&mut e, 0, false);
    let d = sync(&mut e, &mut live);
    assert_eq!(weights(&d), w(&[("10.0.0.1:80", 3), ("10.0.0.2:80", 5)]));
    result(&mut e, 0, false);
    let d = sync(&mut e, &mut live);
    assert_eq!(weights(&d), w(&[("10.0.0.2:80", 5)]));
    result(&mut e, 1, false);
    result(&mut e, 1, false);
    let d = sync(&mut e, &mut live);
    assert_eq!(weights(&d), w(&[("10.0.0.9:80", 1)]));
    result(&mut e, 0, true);
    let d = sync(&mut e, &mut live);
    assert_eq!(weights(&d), w(&[("10.0.0.1:80", 3)]));
}

#[test]
fn with_alpha_keepalived_reals_are_out_until_their_first_success() {
    let mut e = keepalived(&two_reals(" alpha\n"));
    let mut live = Snapshot::default();
    // No result yet: neither is up, so the sorry server.
    let d = sync(&mut e, &mut live);
    assert_eq!(weights(&d), w(&[("10.0.0.9:80", 1)]));
    // The first success brings one in at once (rise 1).
    result(&mut e, 1, true);
    let d = sync(&mut e, &mut live);
    assert_eq!(weights(&d), w(&[("10.0.0.2:80", 5)]));
    // A failure before any success keeps the other out.
    result(&mut e, 0, false);
    let d = sync(&mut e, &mut live);
    assert_eq!(weights(&d), w(&[("10.0.0.2:80", 5)]));
    // With inhibit_on_failure they start in the table at weight 0.
    let mut e = keepalived(&two_reals(" alpha\n inhibit_on_failure\n"));
    let mut live = Snapshot::default();
    let d = sync(&mut e, &mut live);
    assert_eq!(
        weights(&d),
        w(&[("10.0.0.1:80", 0), ("10.0.0.2:80", 0), ("10.0.0.9:80", 1)])
    );
}

#[test]
fn with_sorry_server_inhibit_the_sorry_server_stays_at_weight_0_while_a_real_is_up() {
    let mut e = keepalived(&two_reals(" sorry_server_inhibit\n"));
    let mut live = Snapshot::default();
    let d = sync(&mut e, &mut live);
    assert_eq!(
        weights(&d),
        w(&[("10.0.0.1:80", 3), ("10.0.0.2:80", 5), ("10.0.0.9:80", 0)])
    );
    for i in [0, 0, 1, 1] {
        result(&mut e, i, false);
    }
    let d = sync(&mut e, &mut live);
    assert_eq!(weights(&d), w(&[("10.0.0.9:80", 1)]));
    result(&mut e, 1, true);
    let d = sync(&mut e, &mut live);
    assert_eq!(weights(&d), w(&[("10.0.0.2:80", 5), ("10.0.0.9:80", 0)]));
    // Without it the sorry server is removed.
    let mut e = keepalived(&two_reals(""));
    let mut live = Snapshot::default();
    let d = sync(&mut e, &mut live);
    assert_eq!(weights(&d), w(&[("10.0.0.1:80", 3), ("10.0.0.2:80", 5)]));
}

const TWO_CHECKS: &str = r#"
[[services]]
protocol = "tcp"
address = "192.0.2.1"
port = 80
[[services.destinations]]
address = "10.0.0.1"
port = 80
forward = "masq"
weight = 4
checks = [{ type = "tcp", port = 81 }, { type = "exec", argv = ["/bin/true"] }]
[[services.destinations]]
address = "10.0.0.2"
port = 80
forward = "masq"
weight = 6
checks = []
"#;

fn said(ok: bool, weight: Option<u32>, reason: &str) -> Outcome {
    Outcome {
        ok,
        weight,
        add: 0,
        latency: Duration::ZERO,
        reason: reason.into(),
    }
}

#[test]
fn a_destination_is_up_only_while_all_its_checks_pass() {
    let mut e = engine(TWO_CHECKS);
    let ids: Vec<CheckId> = e.checks().into_iter().map(|(id, _)| id).collect();
    assert_eq!(ids.len(), 2, "each check of 10.0.0.1 on its own");
    let (tcp, exec) = (ids[0], ids[1]);
    let mut live = Snapshot::default();
    let status = |e: &Engine, live: &Snapshot| -> Vec<(String, String, Option<String>)> {
        e.status(live)
            .into_iter()
            .map(|r| (r.check, r.health, r.last))
            .collect()
    };
    // No checks: up from the start. One result of two: still unknown.
    let d = sync(&mut e, &mut live);
    assert_eq!(weights(&d), w(&[("10.0.0.1:80", 0), ("10.0.0.2:80", 6)]));
    assert!(e.record(tcp, said(true, None, "connected")));
    let d = sync(&mut e, &mut live);
    assert_eq!(weights(&d), w(&[("10.0.0.1:80", 0), ("10.0.0.2:80", 6)]));
    assert_eq!(
        status(&e, &live),
        vec![
            ("tcp+exec".into(), "unknown".into(), None),
            ("-".into(), "up".into(), None)
        ]
    );
    // Both pass: up at its weight.
    assert!(e.record(exec, said(true, None, "exit 0")));
    let d = sync(&mut e, &mut live);
    assert_eq!(weights(&d), w(&[("10.0.0.1:80", 4), ("10.0.0.2:80", 6)]));
    assert_eq!(status(&e, &live)[0].1, "up");
    // One fails: down (weight 0), told by the failing check.
    assert!(e.record(tcp, said(false, None, "refused")));
    let d = sync(&mut e, &mut live);
    assert_eq!(weights(&d)[0], ("10.0.0.1:80".into(), 0));
    assert_eq!(
        status(&e, &live)[0],
        ("tcp+exec".into(), "down".into(), Some("refused".into()))
    );
    // Back, and the exec check asks for weights: the lowest wins.
    assert!(e.record(tcp, said(true, None, "connected")));
    assert!(e.record(exec, said(true, Some(2), "exit 4")));
    let d = sync(&mut e, &mut live);
    assert_eq!(weights(&d)[0], ("10.0.0.1:80".into(), 2));
    assert_eq!(
        e.verdict(&(e.config.services[0].key(), "10.0.0.1:80".parse().unwrap()))
            .weight,
        Some(2)
    );
}

#[test]
fn a_real_server_a_reload_takes_out_is_removed_while_foreign_ones_stay() {
    let mut e = keepalived(&two_reals(""));
    let mut live = Snapshot::default();
    sync(&mut e, &mut live);
    // Someone adds 10.0.0.50 by hand: keepalived leaves it, so does rvsadmd.
    let by_hand = Destination::new(
        "10.0.0.50:80".parse().unwrap(),
        live.services[0].destinations[0].config,
    );
    live.services[0].destinations.push(by_hand);
    let d = sync(&mut e, &mut live);
    assert_eq!(
        weights(&d),
        w(&[("10.0.0.1:80", 3), ("10.0.0.2:80", 5), ("10.0.0.50:80", 3)])
    );
    // The reload drops 10.0.0.2: out of the table, not kept as foreign.
    let text = two_reals("").replace(
        " real_server 10.0.0.2 80 {\n  weight 5\n  TCP_CHECK { }\n }\n",
        "",
    );
    e.reconfigure(keepalived_config(&text));
    let d = sync(&mut e, &mut live);
    assert_eq!(weights(&d), w(&[("10.0.0.1:80", 3), ("10.0.0.50:80", 3)]));
    // Once a look sees it gone, it is foreign again if someone puts it
    // back.
    sync(&mut e, &mut live);
    live.services[0].destinations.push(Destination::new(
        "10.0.0.2:80".parse().unwrap(),
        d.services[0].destinations[0].config,
    ));
    let d = sync(&mut e, &mut live);
    assert_eq!(
        weights(&d),
        w(&[("10.0.0.1:80", 3), ("10.0.0.50:80", 3), ("10.0.0.2:80", 3)])
    );
}

#[test]
fn file_checks_add_to_the_weight_and_a_sum_below_1_is_weight_0() {
    let mut e = keepalived(
        "track_file a {\n file /run/a\n}\nvirtual_server 192.0.2.1 80 {\n protocol TCP\n real_server 10.0.0.1 80 {\n  weight 5\n  FILE_CHECK { track_file a }\n  FILE_CHECK { track_file a\n weight 2 }\n  TCP_CHECK { }\n }\n}\n",
    );
    let ids: Vec<CheckId> = e.checks().into_iter().map(|(id, _)| id).collect();
    let [one, two, tcp] = ids[..] else {
        panic!("{ids:?}")
    };
    let file = |ok, add| Outcome {
        add,
        ..said(ok, None, "file")
    };
    let mut live = Snapshot::default();
    // The file checks' first reads: 5 + 3 + 6 (the TCP check starts up).
    e.record(one, file(true, 3));
    e.record(two, file(true, 6));
    let d = sync(&mut e, &mut live);
    assert_eq!(weights(&d), w(&[("10.0.0.1:80", 14)]));
    // 5 - 4 - 8 is below 1: in the table at weight 0, still up.
    e.record(one, file(true, -4));
    e.record(two, file(true, -8));
    let d = sync(&mut e, &mut live);
    assert_eq!(weights(&d), w(&[("10.0.0.1:80", 0)]));
    // The TCP check down: out, whatever the files add; back: the sum.
    e.record(one, file(true, 1));
    e.record(two, file(true, 2));
    // (retry 1: the second failure in a row).
    e.record(tcp, said(false, None, "refused"));
    assert!(e.record(tcp, said(false, None, "refused")));
    assert!(sync(&mut e, &mut live).services[0].destinations.is_empty());
    assert!(e.record(tcp, said(true, None, "connected")));
    let d = sync(&mut e, &mut live);
    assert_eq!(weights(&d), w(&[("10.0.0.1:80", 8)]));
    // A file check down takes the real out.
    assert!(e.record(two, file(false, 0)));
    assert!(sync(&mut e, &mut live).services[0].destinations.is_empty());
}

/// An exec check's `dynamic = "percent"`: exit code - 2 is a percentage
/// of the configured weight (rounded up); plain `dynamic` a weight.
#[test]
fn exec_dynamic_percent_is_a_part_of_the_configured_weight() {
    let cfg = |dynamic: &str| {
        format!(
            "[[services]]\nprotocol = \"tcp\"\naddress = \"192.0.2.1\"\nport = 80\ncheck = {{ type = \"exec\", argv = [\"/bin/check\"], dynamic = {dynamic} }}\n[[services.destinations]]\naddress = \"10.0.0.1\"\nport = 80\nforward = \"masq\"\nweight = 30\n"
        )
    };
    for (dynamic, code, want) in [
        ("\"percent\"", 52, 15),
        ("\"percent\"", 102, 30),
        ("\"percent\"", 3, 1),
        ("\"percent\"", 2, 0),
        ("true", 52, 50),
    ] {
        let mut e = engine(&cfg(dynamic));
        let (id, _) = e.checks()[0].clone();
        e.record(
            id,
            Outcome {
                ok: true,
                weight: Some(code - 2),
                add: 0,
                latency: Duration::ZERO,
                reason: format!("exit {code}"),
            },
        );
        assert_eq!(
            weights(&e.desired(None)),
            w(&[("10.0.0.1:80", want)]),
            "dynamic = {dynamic}, exit {code}"
        );
    }
}
