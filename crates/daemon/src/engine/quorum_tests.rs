//! A service's quorum over a few syncs: the table and the programs run
//! at each transition (keepalived's rules, `quorum.rs`).

use super::tests::{engine, keepalived, result, sync, w, weights};
use super::*;
use rvsadm::model::Snapshot;

/// Four NAT reals of weight 1 with a TCP_CHECK each (two failures make
/// one down, one success up), quorum 3 with hysteresis 1 (gained at 4,
/// lost below 2), a sorry server, quorum scripts, and `settings` in the
/// virtual server; the first real has notify scripts.
fn four(settings: &str) -> String {
    let real = |i: u32, extra: &str| {
        format!(" real_server 10.0.0.{i} 80 {{\n  weight 1\n{extra}  TCP_CHECK {{ }}\n }}\n")
    };
    format!(
        "virtual_server 192.0.2.1 80 {{\n protocol TCP\n lb_kind NAT\n sorry_server 10.0.0.9 80\n quorum 3\n hysteresis 1\n quorum_up \"/bin/up 1\"\n quorum_down /bin/down\n{settings}{}{}{}{}}}\n",
        real(1, "  notify_up /bin/rs-up\n  notify_down /bin/rs-down\n"),
        real(2, ""),
        real(3, ""),
        real(4, "")
    )
}

fn down(e: &mut Engine, i: usize) {
    result(e, i, false);
    result(e, i, false);
}

/// The programs asked for since the last call: which, and for which
/// destination.
fn ran(e: &mut Engine) -> Vec<(&'static str, Option<String>)> {
    e.take_scripts()
        .into_iter()
        .map(|r| (r.what, r.destination.map(|d| d.to_string())))
        .collect()
}

const ALL: [(&str, u32); 4] = [
    ("10.0.0.1:80", 1),
    ("10.0.0.2:80", 1),
    ("10.0.0.3:80", 1),
    ("10.0.0.4:80", 1),
];

#[test]
fn quorum_is_lost_below_quorum_minus_hysteresis_and_gained_at_quorum_plus_hysteresis() {
    let mut e = keepalived(&four(""));
    let mut live = Snapshot::default();
    // At start the four are up (weight 4 = 3 + 1): quorum gained, and
    // quorum_up runs.
    assert_eq!(weights(&sync(&mut e, &mut live)), w(&ALL));
    assert_eq!(ran(&mut e), [("quorum_up", None)]);
    // 3, then 2 (not below 3 - 1): quorum kept, the failed reals out.
    down(&mut e, 0);
    assert_eq!(weights(&sync(&mut e, &mut live)), w(&ALL[1..]));
    assert_eq!(ran(&mut e), [("notify_down", Some("10.0.0.1:80".into()))]);
    down(&mut e, 1);
    assert_eq!(weights(&sync(&mut e, &mut live)), w(&ALL[2..]));
    assert!(ran(&mut e).is_empty());
    // 1: lost; the sorry server replaces the reals still up.
    down(&mut e, 2);
    assert_eq!(weights(&sync(&mut e, &mut live)), w(&[("10.0.0.9:80", 1)]));
    assert_eq!(ran(&mut e), [("quorum_down", None)]);
    // 2, then 3 (below 3 + 1): still the sorry server alone.
    result(&mut e, 0, true);
    assert_eq!(weights(&sync(&mut e, &mut live)), w(&[("10.0.0.9:80", 1)]));
    assert_eq!(ran(&mut e), [("notify_up", Some("10.0.0.1:80".into()))]);
    result(&mut e, 1, true);
    assert_eq!(weights(&sync(&mut e, &mut live)), w(&[("10.0.0.9:80", 1)]));
    assert!(ran(&mut e).is_empty());
    // 4: gained; the reals up are back, the sorry server out.
    result(&mut e, 2, true);
    assert_eq!(weights(&sync(&mut e, &mut live)), w(&ALL));
    assert_eq!(ran(&mut e), [("quorum_up", None)]);
    // Nothing changes: nothing runs again.
    sync(&mut e, &mut live);
    assert!(ran(&mut e).is_empty());
}

#[test]
fn without_quorum_inhibited_reals_and_the_inhibited_sorry_server_stay_at_weight_0() {
    let mut e = keepalived(&four(" inhibit_on_failure\n sorry_server_inhibit\n"));
    let mut live = Snapshot::default();
    let mut with_sorry = ALL.to_vec();
    with_sorry.push(("10.0.0.9:80", 0));
    assert_eq!(weights(&sync(&mut e, &mut live)), w(&with_sorry));
    for i in 0..3 {
        down(&mut e, i);
    }
    // Lost: every real at weight 0 (the one still up too), the sorry
    // server at its weight.
    let zero: Vec<(&str, u32)> = ALL.iter().map(|(a, _)| (*a, 0)).collect();
    let mut lost = zero.clone();
    lost.push(("10.0.0.9:80", 1));
    assert_eq!(weights(&sync(&mut e, &mut live)), w(&lost));
    for i in 0..3 {
        result(&mut e, i, true);
    }
    assert_eq!(weights(&sync(&mut e, &mut live)), w(&with_sorry));
    assert_eq!(
        ran(&mut e).iter().map(|r| r.0).collect::<Vec<_>>(),
        [
            "quorum_up",
            "notify_down",
            "quorum_down",
            "notify_up",
            "quorum_up"
        ]
    );
}

#[test]
fn at_start_without_quorum_the_sorry_server_and_quorum_down() {
    // alpha: no real is up before its first result.
    let mut e = keepalived(&four(" alpha\n"));
    let mut live = Snapshot::default();
    assert_eq!(weights(&sync(&mut e, &mut live)), w(&[("10.0.0.9:80", 1)]));
    assert_eq!(ran(&mut e), [("quorum_down", None)]);
    // A first result down of an alpha check runs notify_down.
    result(&mut e, 0, false);
    sync(&mut e, &mut live);
    assert_eq!(ran(&mut e), [("notify_down", Some("10.0.0.1:80".into()))]);
}

#[test]
fn a_reload_keeps_the_quorum_and_decides_again_with_the_new_numbers() {
    let mut e = keepalived(&four(""));
    let mut live = Snapshot::default();
    sync(&mut e, &mut live);
    for i in 0..3 {
        down(&mut e, i);
    }
    sync(&mut e, &mut live);
    ran(&mut e);
    // The same configuration: still without quorum, nothing runs.
    let same = e.config.clone();
    e.reconfigure(same);
    assert_eq!(weights(&sync(&mut e, &mut live)), w(&[("10.0.0.9:80", 1)]));
    assert!(ran(&mut e).is_empty());
    // Quorum 1 now: the one real up makes it.
    let mut lower = e.config.clone();
    lower.services[0].quorum.quorum = 1;
    lower.services[0].quorum.hysteresis = 0;
    e.reconfigure(lower);
    assert_eq!(weights(&sync(&mut e, &mut live)), w(&[("10.0.0.4:80", 1)]));
    assert_eq!(ran(&mut e), [("quorum_up", None)]);
}

#[test]
fn native_quorum_and_programs() {
    let text = r#"
[[services]]
protocol = "tcp"
address = "192.0.2.1"
port = 80
quorum = 2
fallback = { address = "10.0.0.9", port = 80, forward = "masq" }
quorum_down = { argv = ["/bin/down"] }
[[services.destinations]]
address = "10.0.0.1"
port = 80
forward = "masq"
check = { type = "tcp", rise = 1, fall = 1 }
notify_up = { argv = ["/bin/up"], user = "root" }
[[services.destinations]]
address = "10.0.0.2"
port = 80
forward = "masq"
check = { type = "tcp", rise = 1, fall = 1 }
"#;
    let mut e = engine(text);
    let mut live = Snapshot::default();
    // No result yet: without quorum, the fallback.
    let d = sync(&mut e, &mut live);
    assert_eq!(
        weights(&d),
        w(&[("10.0.0.1:80", 0), ("10.0.0.2:80", 0), ("10.0.0.9:80", 1)])
    );
    assert_eq!(ran(&mut e), [("quorum_down", None)]);
    result(&mut e, 0, true);
    let d = sync(&mut e, &mut live);
    assert_eq!(
        weights(&d),
        w(&[("10.0.0.1:80", 0), ("10.0.0.2:80", 0), ("10.0.0.9:80", 1)])
    );
    assert_eq!(ran(&mut e), [("notify_up", Some("10.0.0.1:80".into()))]);
    result(&mut e, 1, true);
    let d = sync(&mut e, &mut live);
    assert_eq!(weights(&d), w(&[("10.0.0.1:80", 1), ("10.0.0.2:80", 1)]));
    // No quorum_up given: nothing runs.
    assert!(ran(&mut e).is_empty());
}

/// The argument line of each `fallback_command` asked for since the last
/// call (what follows `sh -c`).
fn fallback_lines(e: &mut Engine) -> Vec<String> {
    e.take_scripts()
        .into_iter()
        .filter(|r| r.what == quorum::FALLBACK_COMMAND)
        .map(|r| r.script.argv[2].clone())
        .collect()
}

#[test]
fn fallbackcommand_says_start_and_stop_once_each_and_again_after_a_reload() {
    let ld = "fallbackcommand=/fb\nvirtual=192.0.2.1:80\n    real=10.0.0.1:80 masq\n    real=10.0.0.2:80 masq\n    checktype=connect\n";
    let cfg = crate::config::ldirectord::parse(std::path::Path::new("ld.cf"), ld).unwrap();
    let mut e = Engine::new(cfg.clone());
    let mut live = Snapshot::default();
    // At start no real is up: start, once.
    sync(&mut e, &mut live);
    assert_eq!(fallback_lines(&mut e), ["/fb start 192.0.2.1:80 tcp"]);
    sync(&mut e, &mut live);
    assert!(fallback_lines(&mut e).is_empty());
    // The first real up: stop; the second: nothing.
    result(&mut e, 0, true);
    sync(&mut e, &mut live);
    result(&mut e, 1, true);
    sync(&mut e, &mut live);
    assert_eq!(fallback_lines(&mut e), ["/fb stop 192.0.2.1:80 tcp"]);
    // One down: nothing; both: start.
    result(&mut e, 0, false);
    sync(&mut e, &mut live);
    assert!(fallback_lines(&mut e).is_empty());
    result(&mut e, 1, false);
    sync(&mut e, &mut live);
    assert_eq!(fallback_lines(&mut e), ["/fb start 192.0.2.1:80 tcp"]);
    // A reload says the word of the moment again, as ldirectord does.
    e.reconfigure(cfg);
    sync(&mut e, &mut live);
    assert_eq!(fallback_lines(&mut e), ["/fb start 192.0.2.1:80 tcp"]);
}

/// The transitions since the last call, in short.
fn told(e: &mut Engine) -> Vec<String> {
    e.take_transitions()
        .iter()
        .map(|t| match t {
            Transition::Destination {
                destination, up, ..
            } => format!("{destination} {}", if *up { "up" } else { "down" }),
            Transition::Quorum { up, weight, .. } => {
                format!("quorum {} at {weight}", if *up { "gained" } else { "lost" })
            }
        })
        .collect()
}

#[test]
fn transitions_are_told_with_or_without_programs() {
    // The same virtual server without any program.
    let text = four("")
        .replace(" quorum_up \"/bin/up 1\"\n quorum_down /bin/down\n", "")
        .replace("  notify_up /bin/rs-up\n  notify_down /bin/rs-down\n", "");
    let mut e = keepalived(&text);
    let mut live = Snapshot::default();
    sync(&mut e, &mut live);
    assert!(ran(&mut e).is_empty());
    assert_eq!(told(&mut e), ["quorum gained at 4"]);
    for i in 0..3 {
        down(&mut e, i);
        sync(&mut e, &mut live);
    }
    assert_eq!(
        told(&mut e),
        [
            "10.0.0.1:80 down",
            "10.0.0.2:80 down",
            "10.0.0.3:80 down",
            "quorum lost at 1",
        ]
    );
    result(&mut e, 0, true);
    sync(&mut e, &mut live);
    assert_eq!(
        e.take_transitions(),
        [Transition::Destination {
            service: e.config.services[0].key(),
            destination: "10.0.0.1:80".parse().unwrap(),
            up: true,
        }]
    );
    sync(&mut e, &mut live);
    assert!(told(&mut e).is_empty());
}

/// The fwmark services added for checks through the VIP are put in the
/// table but gain no quorum, run nothing and are not in the status.
#[test]
fn services_added_for_checks_through_the_vip_are_check_only() {
    let cfg = crate::config::native::parse(
        std::path::Path::new("t.toml"),
        "[[services]]\nprotocol = \"tcp\"\naddress = \"192.0.2.10\"\nport = 80\n[[services.destinations]]\naddress = \"10.0.0.1\"\nport = 80\nforward = \"route\"\ncheck = { type = \"tcp\", via_vip = true }\n",
    )
    .unwrap();
    let run = crate::config::via_vip::expand(cfg, None);
    let added = run.services[1].key();
    let mut e = Engine::new(run);
    let mut live = Snapshot::default();
    let d = sync(&mut e, &mut live);
    assert!(d.services.iter().any(|s| s.key == added), "{d:?}");
    // Its destination, unchecked, is up at once: still no quorum said.
    assert!(told(&mut e).is_empty());
    assert!(ran(&mut e).is_empty());
    result(&mut e, 0, true);
    sync(&mut e, &mut live);
    // The configured service's quorum and destination only.
    assert_eq!(told(&mut e), ["10.0.0.1:80 up", "quorum gained at 1"]);
    assert_eq!(e.config.configured().count(), 1);
    let rows = e.status(&live);
    assert_eq!(rows.len(), 1);
}
