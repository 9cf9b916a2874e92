//! Slow start: the curve and its steps, and which destinations ramp
//! through the engine's decisions.

use super::*;
use crate::engine::tests::{engine, result, weights};
use crate::engine::Engine;
use rvsadm::model::Scheduler;
use std::time::{Duration, Instant};

fn slow(window: u64, aggression: f64, floor: u32) -> SlowStart {
    SlowStart {
        window: Duration::from_secs(window),
        aggression,
        floor,
        on_add: false,
    }
}

/// The factor at each whole second of a ramp of `s` under `sched`.
fn each_second(s: &SlowStart, sched: &Scheduler) -> Vec<Option<u32>> {
    let n = steps(s.window, sched);
    (0..=s.window.as_secs())
        .map(|t| at(s, n, Duration::from_secs(t)).map(|x| x.0))
        .collect()
}

#[test]
fn a_straight_line_from_the_floor_in_ten_steps() {
    let s = slow(20, 1.0, 10);
    let got = each_second(&s, &Scheduler::Wlc);
    let want: Vec<Option<u32>> = [
        10, 10, 10, 10, 20, 20, 30, 30, 40, 40, 50, 50, 60, 60, 70, 70, 80, 80, 90, 90,
    ]
    .into_iter()
    .map(Some)
    .chain([None])
    .collect();
    assert_eq!(got, want);
}

#[test]
fn aggression_rises_fast_then_slowly_and_never_falls() {
    let s = slow(10, 2.0, 10);
    let got = each_second(&s, &Scheduler::Wlc);
    // sqrt(k/10) rounded up, in percent.
    let want = [10, 32, 45, 55, 64, 71, 78, 84, 90, 95];
    assert_eq!(got[..10], want.map(Some));
    assert_eq!(got[10], None);
    // Every curve is monotone, at or above its floor, at most 100.
    for a in [0.25, 0.5, 1.0, 1.5, 2.0, 4.0, 10.0] {
        let s = slow(10, a, 25);
        let mut last = 0;
        for i in 0..=1000 {
            let p = curve(&s, f64::from(i) / 1000.0);
            assert!(
                p >= last && (25..=100).contains(&p),
                "aggression {a} at {i}: {p}"
            );
            last = p;
        }
        assert_eq!(curve(&s, 1.0), 100);
    }
}

#[test]
fn hashing_schedulers_take_three_steps() {
    let s = slow(30, 1.0, 10);
    let got = each_second(&s, &Scheduler::Mh);
    let distinct: std::collections::BTreeSet<_> = got.iter().collect();
    assert_eq!(distinct.len(), 4, "10, 34, 67 and over: {got:?}");
    assert_eq!(
        (got[0], got[10], got[20], got[30]),
        (Some(10), Some(34), Some(67), None)
    );
    assert_eq!(steps(Duration::from_secs(2), &Scheduler::Sh), 2);
}

#[test]
fn next_step_is_the_start_of_the_next_part() {
    let s = slow(10, 1.0, 10);
    assert_eq!(
        at(&s, 10, Duration::ZERO),
        Some((10, Duration::from_secs(1)))
    );
    assert_eq!(
        at(&s, 10, Duration::from_millis(9999)),
        Some((90, Duration::from_secs(10)))
    );
    let short = SlowStart {
        window: Duration::from_millis(500),
        ..s
    };
    assert_eq!(
        at(&short, 1, Duration::from_millis(100)),
        Some((10, Duration::from_millis(500)))
    );
}

const CFG: &str = r#"
[[services]]
protocol = "tcp"
address = "192.0.2.1"
port = 80
slow_start = { window = "10s" }
[[services.destinations]]
address = "10.0.0.1"
port = 80
forward = "masq"
weight = 100
[[services.destinations]]
address = "10.0.0.2"
port = 80
forward = "masq"
weight = 50
slow_start = { aggression = 2.0, floor = "20%" }
"#;

/// The weights decided at `t` seconds after `t0`.
fn at_time(e: &mut Engine, t0: Instant, t: f64) -> Vec<u32> {
    e.at(t0 + Duration::from_secs_f64(t));
    weights(&e.desired(None)).into_iter().map(|x| x.1).collect()
}

#[test]
fn no_ramp_at_start_one_after_down_then_up() {
    let mut e = engine(CFG);
    let t0 = Instant::now();
    e.at(t0);
    result(&mut e, 0, true);
    result(&mut e, 1, true);
    assert_eq!(
        at_time(&mut e, t0, 0.0),
        [100, 50],
        "serving at start: no ramp"
    );
    assert_eq!(e.next_ramp_step(), None);
    result(&mut e, 0, false);
    result(&mut e, 1, false);
    assert_eq!(at_time(&mut e, t0, 1.0), [0, 0]);
    result(&mut e, 0, true);
    result(&mut e, 1, true);
    // Back at t = 2: the first at 10%, the second (aggression 2, floor
    // 20%) at 20% of 50.
    assert_eq!(at_time(&mut e, t0, 2.0), [10, 10]);
    assert_eq!(e.next_ramp_step(), Some(t0 + Duration::from_secs(3)));
    assert_eq!(
        e.ramp_of(&(e.config.services[0].key, "10.0.0.1:80".parse().unwrap())),
        Some(10)
    );
    assert_eq!(at_time(&mut e, t0, 4.5), [20, 23], "45% of 50, rounded up");
    assert_eq!(at_time(&mut e, t0, 11.9), [90, 48]);
    assert_eq!(at_time(&mut e, t0, 12.0), [100, 50]);
    assert_eq!(e.next_ramp_step(), None);
}

/// An engine on [`CFG`] whose first destination was down at start and
/// came back at 1 s (the second serving from the start), seen at 5 s, 40%
/// up its ramp; and its time 0.
fn first_ramping() -> (Engine, Instant) {
    let mut e = engine(CFG);
    let t0 = Instant::now();
    e.at(t0);
    result(&mut e, 0, false);
    result(&mut e, 1, true);
    at_time(&mut e, t0, 0.0);
    result(&mut e, 0, true);
    assert_eq!(at_time(&mut e, t0, 1.0)[0], 10, "back at 1s");
    assert_eq!(at_time(&mut e, t0, 5.0)[0], 40);
    (e, t0)
}

#[test]
fn down_mid_ramp_starts_over_and_a_drain_abandons_it() {
    let (mut e, t0) = first_ramping();
    result(&mut e, 0, false);
    assert_eq!(at_time(&mut e, t0, 6.0)[0], 0);
    result(&mut e, 0, true);
    assert_eq!(at_time(&mut e, t0, 7.0)[0], 10, "a new ramp from the floor");
    let k = (e.config.services[0].key, "10.0.0.1:80".parse().unwrap());
    e.drain(k.0, k.1);
    assert_eq!(at_time(&mut e, t0, 8.0)[0], 0);
    e.ready(k.0, Some(k.1));
    assert_eq!(
        at_time(&mut e, t0, 9.0)[0],
        100,
        "the drain abandoned the ramp"
    );
}

#[test]
fn a_reload_keeps_the_ramp_toward_the_new_weight_and_on_add_ramps_new_ones() {
    let (mut e, t0) = first_ramping();
    let more = CFG
        .replace("weight = 100", "weight = 200")
        .replace("window = \"10s\"", "window = \"10s\", on_add = true")
        + "[[services.destinations]]\naddress = \"10.0.0.3\"\nport = 80\nforward = \"masq\"\nweight = 10\n";
    let cfg = crate::config::native::parse(std::path::Path::new("t.toml"), &more).unwrap();
    e.reconfigure(cfg);
    result(&mut e, 2, true);
    // 40% of 200, 100% of 50, the new one at the floor of its own ramp.
    assert_eq!(at_time(&mut e, t0, 5.5), [80, 50, 1]);
    assert_eq!(at_time(&mut e, t0, 15.5), [200, 50, 10]);
}

/// Two destinations of weight 100, quorum 150, a fallback, slow start.
const QUORUM: &str = r#"
[[services]]
protocol = "tcp"
address = "192.0.2.1"
port = 80
slow_start = { window = "10s" }
quorum = 150
fallback = { address = "10.0.0.9", port = 80 }
[[services.destinations]]
address = "10.0.0.1"
port = 80
forward = "masq"
weight = 100
[[services.destinations]]
address = "10.0.0.2"
port = 80
forward = "masq"
weight = 100
"#;

#[test]
fn the_quorum_counts_a_ramping_destination_at_its_full_weight() {
    let mut e = engine(QUORUM);
    let t0 = Instant::now();
    e.at(t0);
    result(&mut e, 0, true);
    result(&mut e, 1, true);
    assert_eq!(at_time(&mut e, t0, 0.0), [100, 100]);
    result(&mut e, 0, false);
    result(&mut e, 1, false);
    assert_eq!(
        at_time(&mut e, t0, 1.0),
        [0, 0, 1],
        "quorum lost: the fallback"
    );
    result(&mut e, 0, true);
    result(&mut e, 1, true);
    // Back at t = 2, both ramping from 10%: their full weights (200) make
    // quorum, so they come in at the ramp's floor, not all at once at the
    // ramp's end.
    assert_eq!(at_time(&mut e, t0, 2.0), [10, 10]);
    assert_eq!(at_time(&mut e, t0, 7.0), [50, 50]);
    assert_eq!(at_time(&mut e, t0, 12.0), [100, 100]);
}

#[test]
fn back_from_down_while_drained_ramps_when_the_drain_ends() {
    let mut e = engine(CFG);
    let t0 = Instant::now();
    e.at(t0);
    result(&mut e, 0, true);
    result(&mut e, 1, true);
    at_time(&mut e, t0, 0.0);
    let k = (e.config.services[0].key, "10.0.0.1:80".parse().unwrap());
    e.drain(k.0, k.1);
    assert_eq!(at_time(&mut e, t0, 1.0)[0], 0);
    result(&mut e, 0, false);
    assert_eq!(at_time(&mut e, t0, 2.0)[0], 0);
    result(&mut e, 0, true);
    assert_eq!(at_time(&mut e, t0, 3.0)[0], 0, "still drained");
    e.ready(k.0, Some(k.1));
    assert_eq!(at_time(&mut e, t0, 4.0)[0], 10, "the ramp begins at ready");
    assert_eq!(at_time(&mut e, t0, 14.0)[0], 100);
    // Drained and ready again without a failure between: no ramp.
    e.drain(k.0, k.1);
    assert_eq!(at_time(&mut e, t0, 15.0)[0], 0);
    e.ready(k.0, Some(k.1));
    assert_eq!(at_time(&mut e, t0, 16.0)[0], 100);
}
