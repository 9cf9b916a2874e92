//! The depool floor through the engine's decisions.

use crate::engine::tests::{engine, result, weights};
use crate::engine::Engine;

/// A service of 10 destinations (10.0.0.1 to .10, weight 5), failed ones
/// removed, with `floor`.
fn ten(floor: &str) -> Engine {
    let mut text = format!(
        "[[services]]\nprotocol = \"tcp\"\naddress = \"192.0.2.1\"\nport = 80\non_failure = \"remove\"\n{floor}\n"
    );
    for i in 1..=10 {
        text.push_str(&format!(
            "[[services.destinations]]\naddress = \"10.0.0.{i}\"\nport = 80\nforward = \"masq\"\nweight = 5\n"
        ));
    }
    engine(&text)
}

/// The last octets of the destinations in the table.
fn inside(e: &mut Engine) -> Vec<u8> {
    weights(&e.desired(None))
        .into_iter()
        .map(|(a, w)| {
            assert_eq!(w, 5, "{a} in at its weight");
            a.trim_end_matches(":80")
                .rsplit('.')
                .next()
                .unwrap()
                .parse()
                .unwrap()
        })
        .collect()
}

#[test]
fn eight_of_ten_fail_and_five_stay_in() {
    let mut e = ten("depool_floor = \"50%\"");
    for i in 0..10 {
        result(&mut e, i, true);
    }
    assert_eq!(inside(&mut e).len(), 10);
    // Destinations 1 to 8 fail one after the other.
    for i in 0..8 {
        result(&mut e, i, false);
        inside(&mut e);
    }
    assert_eq!(
        inside(&mut e),
        [6, 7, 8, 9, 10],
        "the first five to fail are out"
    );
    assert_eq!(e.floor_kept(), 3);
    let kept: Vec<_> = e
        .take_floor_changes()
        .into_iter()
        .map(|(k, kept)| (k.1.ip().to_string(), kept))
        .collect();
    assert_eq!(
        kept,
        [
            ("10.0.0.6".into(), true),
            ("10.0.0.7".into(), true),
            ("10.0.0.8".into(), true)
        ]
    );
    // 1 recovers: 6, the earliest failed of those kept in, goes out.
    result(&mut e, 0, true);
    assert_eq!(inside(&mut e), [1, 7, 8, 9, 10]);
    // 2 recovers: 7 goes out; then 8; then nothing is kept in.
    result(&mut e, 1, true);
    assert_eq!(inside(&mut e), [1, 2, 8, 9, 10]);
    result(&mut e, 2, true);
    assert_eq!(inside(&mut e), [1, 2, 3, 9, 10]);
    assert_eq!(e.floor_kept(), 0);
    result(&mut e, 3, true);
    assert_eq!(inside(&mut e), [1, 2, 3, 4, 9, 10]);
    // A kept-in destination that recovers is simply in.
    for i in 4..8 {
        result(&mut e, i, true);
    }
    assert_eq!(inside(&mut e).len(), 10);
}

#[test]
fn without_a_floor_failures_go_out_and_a_floor_of_100_keeps_all() {
    let mut e = ten("");
    for i in 0..10 {
        result(&mut e, i, false);
    }
    assert!(inside(&mut e).is_empty());
    let mut e = ten("depool_floor = \"100%\"");
    for i in 0..10 {
        result(&mut e, i, false);
    }
    assert_eq!(inside(&mut e).len(), 10);
}

/// The agent of the `i`th destination says `line`.
fn agent_says(e: &mut Engine, i: usize, line: &str) {
    use crate::probe::agent::Answer;
    let r = &e.config.services[0].reals[i];
    let key = (r.dest.addr.ip(), r.agent.clone().unwrap());
    let reply = crate::probe::agent_reply::parse(line.as_bytes());
    e.record_agent(
        &key,
        Ok(Answer {
            line: line.into(),
            reply,
        }),
    );
}

#[test]
fn an_agents_down_is_a_failure_its_maint_is_not() {
    let mut e = ten("depool_floor = \"50%\"\nagent = { port = 3333 }");
    for i in 0..10 {
        result(&mut e, i, true);
    }
    // 1 to 5 in maintenance: out, not failures.
    for i in 0..5 {
        agent_says(&mut e, i, "maint");
    }
    assert_eq!(inside(&mut e), [6, 7, 8, 9, 10]);
    // 6 and 7 say down: failures; 3 of 10 would be in service, below
    // the floor of 5, so both are kept in.
    agent_says(&mut e, 5, "down");
    agent_says(&mut e, 6, "down");
    assert_eq!(inside(&mut e), [6, 7, 8, 9, 10]);
    assert_eq!(e.floor_kept(), 2);
}

#[test]
fn drained_destinations_are_not_in_service_and_not_kept() {
    let mut e = ten("depool_floor = \"50%\"");
    for i in 0..10 {
        result(&mut e, i, true);
    }
    let key = e.config.services[0].key;
    for i in 0..4 {
        let a = e.config.services[0].reals[i].dest.addr;
        e.drain(key, a);
    }
    // 4 drained (weight 0, not listed by `inside`), 2 fail: 4 in
    // service, one short of 5: the later to fail is kept in.
    result(&mut e, 4, false);
    result(&mut e, 5, false);
    let d = e.desired(None);
    let w: Vec<u32> = weights(&d).iter().map(|x| x.1).collect();
    assert_eq!(
        w,
        [0, 0, 0, 0, 5, 5, 5, 5, 5],
        "5 (10.0.0.5) out, 6 kept in"
    );
    assert_eq!(e.floor_kept(), 1);
}
