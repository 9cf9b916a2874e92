//! The engine's decisions over a few syncs.

use super::*;
use crate::health::Outcome;
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

fn engine(text: &str) -> Engine {
    Engine::new(crate::native::parse(std::path::Path::new("t.toml"), text).unwrap())
}

/// A result of the check of the first service's `i`th destination.
fn result(e: &mut Engine, i: usize, ok: bool) {
    let v = &e.config.services[0];
    let dest = (v.key(), v.spec.destinations[i].addr);
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

fn weights(d: &DesiredState) -> Vec<(String, u32)> {
    d.services[0]
        .destinations
        .iter()
        .map(|x| (x.addr.to_string(), x.config.weight.get()))
        .collect()
}

fn w(list: &[(&str, u32)]) -> Vec<(String, u32)> {
    list.iter().map(|(a, w)| (a.to_string(), *w)).collect()
}

/// One sync as `run` does it: look, decide, "apply".
fn sync(e: &mut Engine, live: &mut Snapshot) -> DesiredState {
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

#[test]
fn a_result_marks_only_the_services_it_changed() {
    let two = format!(
        "{CFG}\n[[services]]\nprotocol = \"tcp\"\naddress = \"192.0.2.2\"\nport = 80\n\
         [[services.destinations]]\naddress = \"10.0.0.7\"\nport = 80\nforward = \"masq\"\n"
    );
    let mut e = engine(&two);
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
