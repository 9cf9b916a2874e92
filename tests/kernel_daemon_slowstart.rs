//! `rvsadmd`'s slow start and depool floor against the real kernel
//! (inside the VM). Slow start: the weight read from the table over time
//! follows the configured ramp (a straight line, and `aggression` 3), in
//! no more steps than rvsadmd(8) says, never falling; a destination down
//! again mid-ramp starts a new ramp from the floor; none at the daemon's
//! start. Depool floor: 10 destinations, floor 50%, 8 fail one after the
//! other and 5 stay in; those that recover bring the kept-in ones out in
//! the order they failed.

mod common;

use common::backend::{add_addrs, Backend, Mode};
use common::daemon::Daemon;
use rvsadm::Ipvs;
use rvsadmd::config::SlowStart;
use rvsadmd::engine::ramp;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// The destinations of every service in the table and their weights.
fn weights(ipvs: &Ipvs) -> Vec<(SocketAddr, u32)> {
    let s = ipvs.snapshot().expect("read the table");
    let mut all: Vec<(SocketAddr, u32)> = s
        .services
        .iter()
        .flat_map(|s| {
            s.destinations
                .iter()
                .map(|d| (d.addr, d.config.weight.get()))
        })
        .collect();
    all.sort();
    all
}

/// The weight of `dest` in the table (`None`: not in it).
fn weight_of(ipvs: &Ipvs, dest: &str) -> Option<u32> {
    let a: SocketAddr = dest.parse().unwrap();
    weights(ipvs).into_iter().find(|x| x.0 == a).map(|x| x.1)
}

/// A fresh directory for one test.
fn dir_for(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rvsadmd-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const DEST: &str = "10.0.0.1:8080";

/// One destination of weight 100 with a slow start of 10 s.
fn one(aggression: f64) -> String {
    format!(
        r#"
[defaults]
check = {{ type = "tcp", interval = "200ms", timeout = "1s", rise = 1, fall = 1 }}

[[services]]
protocol = "tcp"
address = "192.0.2.10"
port = 80
scheduler = "wlc"
slow_start = {{ window = "10s", aggression = {aggression:?}, floor = "10%" }}

[[services.destinations]]
address = "10.0.0.1"
port = 8080
forward = "masq"
weight = 100
"#
    )
}

/// Sample the weight of [`DEST`] from its first weight above 0 until it
/// is 100 (or `stop` says so): (seconds since the first, weight).
fn sample(ipvs: &Ipvs, d: &Daemon, stop: impl Fn(f64, u32) -> bool) -> Vec<(f64, u32)> {
    wait(d, ipvs, "a weight above 0", |_| {
        weight_of(ipvs, DEST).is_some_and(|w| w > 0)
    });
    let t0 = Instant::now();
    let mut got = Vec::new();
    loop {
        let w = weight_of(ipvs, DEST).unwrap_or(0);
        let t = t0.elapsed().as_secs_f64();
        got.push((t, w));
        if w >= 100 || stop(t, w) {
            return got;
        }
        assert!(
            t < 90.0,
            "the ramp did not end in 90 s: {got:?}; {}",
            d.said()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The ramp's weight of 100 `t` seconds into it (100 after it).
fn curve(s: &SlowStart, t: f64) -> u32 {
    let n = ramp::steps(s.window, &rvsadm::Scheduler::Wlc);
    ramp::at(s, n, Duration::from_secs_f64(t.max(0.0))).map_or(100, |x| x.0)
}

/// The samples follow the ramp of `s`: never falling, at most its steps
/// plus the end, each within `slack` seconds of the curve (the first
/// sample is up to `slack` after the ramp began; a step written late by
/// a loaded VM is up to `slack` behind), and the end no sooner than the
/// window allows.
fn follows(samples: &[(f64, u32)], s: &SlowStart, slack: f64) {
    let n = ramp::steps(s.window, &rvsadm::Scheduler::Wlc);
    let mut distinct: Vec<u32> = samples.iter().map(|x| x.1).collect();
    distinct.dedup();
    assert!(
        samples.windows(2).all(|w| w[0].1 <= w[1].1),
        "the weight fell during the ramp: {samples:?}"
    );
    assert!(
        distinct.len() as u32 <= n + 1,
        "more than {n} steps: {distinct:?}"
    );
    assert!(distinct.len() >= 3, "no ramp seen: {samples:?}");
    for (t, w) in samples {
        let (lo, hi) = (curve(s, t - slack), curve(s, t + slack));
        assert!(
            (lo..=hi).contains(w),
            "at {t:.2} s the weight is {w}, not within {lo}..={hi}: {samples:?}"
        );
    }
    let end = samples.last().unwrap().0;
    let window = s.window.as_secs_f64();
    assert!(
        end >= window - slack,
        "full weight at {end:.2} s, before the window of {window} s allows: {samples:?}"
    );
}

fn slow(aggression: f64) -> SlowStart {
    SlowStart {
        window: Duration::from_secs(10),
        aggression,
        floor: 10,
        on_add: false,
    }
}

#[test]
fn slow_start_follows_its_ramp_and_starts_over_when_down_again() {
    let Some(_ns) =
        common::kernel_netns("slow_start_follows_its_ramp_and_starts_over_when_down_again")
    else {
        return;
    };
    add_addrs(&["10.0.0.1"]);
    let ipvs = Ipvs::connect().unwrap();
    for aggression in [1.0, 3.0] {
        let dir = dir_for(&format!("slowstart-{aggression}"));
        let mut backend = Some(Backend::start(DEST, Mode::Ok));
        let d = Daemon::start_text(&dir, &one(aggression));
        // Serving when the daemon starts: no ramp, full weight at once.
        let start = sample(&ipvs, &d, |_, _| false);
        assert!(
            start.iter().all(|x| x.1 == 100),
            "aggression {aggression}: a ramp at start: {start:?}"
        );
        // Down, then back: the ramp.
        backend.take();
        wait(&d, &ipvs, "the check fails", |_| {
            weight_of(&ipvs, DEST) == Some(0)
        });
        backend = Some(Backend::start(DEST, Mode::Ok));
        let got = sample(&ipvs, &d, |_, _| false);
        eprintln!("aggression {aggression}: {got:?}");
        follows(&got, &slow(aggression), 3.0);
        let events = d.events();
        assert!(events.contains(r#""event":"destination_up""#), "{events}");
        drop(backend);
    }
}

#[test]
fn a_ramp_interrupted_by_down_starts_over_from_the_floor() {
    let Some(_ns) = common::kernel_netns("a_ramp_interrupted_by_down_starts_over_from_the_floor")
    else {
        return;
    };
    add_addrs(&["10.0.0.1"]);
    let ipvs = Ipvs::connect().unwrap();
    let dir = dir_for("slowstart-interrupted");
    let mut backend = Some(Backend::start(DEST, Mode::Ok));
    let d = Daemon::start_text(&dir, &one(1.0));
    wait(&d, &ipvs, "full weight at start", |_| {
        weight_of(&ipvs, DEST) == Some(100)
    });
    backend.take();
    wait(&d, &ipvs, "the check fails", |_| {
        weight_of(&ipvs, DEST) == Some(0)
    });
    backend = Some(Backend::start(DEST, Mode::Ok));
    // Mid-ramp (40% or more, not yet full) ...
    let first = sample(&ipvs, &d, |_, w| w >= 40);
    let mid = first.last().unwrap().1;
    assert!((40..100).contains(&mid), "{first:?}");
    let json = d.ctl(&["status", "--json"]);
    let rows: serde_json::Value = serde_json::from_str(&json).unwrap();
    let ramp = rows[0]["ramp"].as_u64().unwrap_or(100);
    assert!(
        (40..100).contains(&ramp),
        "status shows the ramp factor: {json}"
    );
    assert!(d.ctl(&["status"]).contains("ramp "), "{}", d.said());
    // ... down again: out (weight 0), then back: a new ramp from the
    // floor, not where the first one was.
    backend.take();
    wait(&d, &ipvs, "down mid-ramp", |_| {
        weight_of(&ipvs, DEST) == Some(0)
    });
    backend = Some(Backend::start(DEST, Mode::Ok));
    let again = sample(&ipvs, &d, |_, _| false);
    assert!(
        again[0].1 < mid && again[0].1 <= 30,
        "the ramp did not start over: {again:?}"
    );
    follows(&again, &slow(1.0), 3.0);
    drop(backend);
}

/// Ten destinations 10.0.0.1 to 10.0.0.10 (port 8080, weight 5), failed
/// ones removed, floor 50%.
fn ten() -> String {
    let mut c = String::from(
        r#"
[defaults]
check = { type = "tcp", interval = "200ms", timeout = "1s", rise = 1, fall = 1 }

[[services]]
protocol = "tcp"
address = "192.0.2.10"
port = 80
on_failure = "remove"
depool_floor = "50%"
"#,
    );
    for i in 1..=10 {
        c.push_str(&format!(
            "[[services.destinations]]\naddress = \"10.0.0.{i}\"\nport = 8080\nforward = \"masq\"\nweight = 5\n"
        ));
    }
    c
}

/// The last octets of the destinations in the table (each at weight 5).
fn octets(w: &[(SocketAddr, u32)]) -> Vec<u8> {
    w.iter()
        .filter(|x| x.1 == 5)
        .map(|x| match x.0.ip() {
            std::net::IpAddr::V4(a) => a.octets()[3],
            std::net::IpAddr::V6(_) => 0,
        })
        .collect()
}

#[test]
fn a_depool_floor_of_half_keeps_five_of_ten_in() {
    let Some(_ns) = common::kernel_netns("a_depool_floor_of_half_keeps_five_of_ten_in") else {
        return;
    };
    let addrs: Vec<String> = (1..=10).map(|i| format!("10.0.0.{i}")).collect();
    add_addrs(&addrs.iter().map(String::as_str).collect::<Vec<_>>());
    let ipvs = Ipvs::connect().unwrap();
    let dir = dir_for("depool");
    let mut backends: Vec<Option<Backend>> = addrs
        .iter()
        .map(|a| Some(Backend::start(&format!("{a}:8080"), Mode::Ok)))
        .collect();
    let d = Daemon::start_text(&dir, &ten());
    wait(&d, &ipvs, "all ten in", |w| octets(w).len() == 10);
    // 1 to 5 fail one after the other: each goes out.
    for i in 1..=5u8 {
        backends[usize::from(i) - 1].take();
        wait(&d, &ipvs, &format!("10.0.0.{i} out"), |w| {
            !octets(w).contains(&i)
        });
    }
    // 6 to 8 fail: the floor keeps each in (told by an event).
    for i in 6..=8u8 {
        backends[usize::from(i) - 1].take();
        let dest = format!(r#""destination":"10.0.0.{i}:8080""#);
        let kept = |l: &str| {
            l.contains(r#""event":"depool_floor""#)
                && l.contains(&dest)
                && l.contains(r#""kept":true"#)
        };
        let deadline = Instant::now() + Duration::from_secs(90);
        while !d.events().lines().any(kept) {
            assert!(
                Instant::now() < deadline,
                "10.0.0.{i} not kept in; {}",
                d.said()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    assert_eq!(octets(&weights(&ipvs)), [6, 7, 8, 9, 10], "{}", d.said());
    let json = d.ctl(&["status", "--json"]);
    let rows: serde_json::Value = serde_json::from_str(&json).unwrap();
    let floor: Vec<&str> = rows
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["floor"] == true)
        .filter_map(|r| r["destination"].as_str())
        .collect();
    assert_eq!(
        floor,
        ["10.0.0.6:8080", "10.0.0.7:8080", "10.0.0.8:8080"],
        "{json}"
    );
    assert!(d.ctl(&["status"]).contains("down (kept: depool floor)"));
    // Recovering ones come back; the kept-in ones go out in the order
    // they failed.
    for (i, want) in [
        (1u8, [1, 7, 8, 9, 10]),
        (2, [1, 2, 8, 9, 10]),
        (3, [1, 2, 3, 9, 10]),
    ] {
        let a = &addrs[usize::from(i) - 1];
        backends[usize::from(i) - 1] = Some(Backend::start(&format!("{a}:8080"), Mode::Ok));
        wait(&d, &ipvs, &format!("10.0.0.{i} back"), |w| {
            octets(w) == want
        });
    }
    // The rest recover: all ten in.
    for i in [4u8, 5, 6, 7, 8] {
        let a = &addrs[usize::from(i) - 1];
        backends[usize::from(i) - 1] = Some(Backend::start(&format!("{a}:8080"), Mode::Ok));
    }
    wait(&d, &ipvs, "all ten in again", |w| octets(w).len() == 10);
}

/// Wait (90 s at most) until `ok` holds of the table's weights.
fn wait(d: &Daemon, ipvs: &Ipvs, what: &str, ok: impl Fn(&[(SocketAddr, u32)]) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let got = weights(ipvs);
        if ok(&got) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{what}: the table has {got:?} after 90 s; {}",
            d.said()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}
