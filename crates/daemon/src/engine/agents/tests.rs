//! The agents' state, the weight they make, and how the agent's admin
//! state, the operator's and the checks' health stay apart.

use super::*;
use crate::engine::tests::{engine, result, weights};
use crate::engine::Engine;
use crate::probe::agent::Answer;
use crate::probe::agent_reply::parse;

const CFG: &str = r#"
[defaults]
agent = { port = 3333, interval = "5s" }
[[services]]
protocol = "tcp"
address = "192.0.2.1"
port = 80
[[services.destinations]]
address = "10.0.0.1"
port = 80
forward = "masq"
weight = 10
upper_threshold = 100
lower_threshold = 50
[[services.destinations]]
address = "10.0.0.2"
port = 80
forward = "masq"
weight = 4
agent = { port = 4444 }
"#;

fn said(line: &str) -> Result<Answer, String> {
    Ok(Answer {
        line: line.into(),
        reply: parse(line.as_bytes()),
    })
}

/// The agent of the first service's `i`th destination says `got`.
fn agent(e: &mut Engine, i: usize, got: Result<Answer, String>) -> bool {
    let r = &e.config.services[0].reals[i];
    let key = (r.dest.addr.ip(), r.agent.clone().unwrap());
    e.record_agent(&key, got)
}

fn both_up(e: &mut Engine) {
    result(e, 0, true);
    result(e, 1, true);
}

fn first(e: &mut Engine) -> (u32, u32) {
    let d = e.desired(None);
    let x = &d.services[0].destinations[0];
    (x.config.weight.get(), x.config.upper_threshold)
}

#[test]
fn agents_are_configured_layer_over_layer() {
    let e = engine(CFG);
    let mut ports: Vec<u16> = e.agents().iter().map(|k| k.1.port).collect();
    ports.sort_unstable();
    assert_eq!(ports, vec![3333, 4444]);
    let second = &e.config.services[0].reals[1].agent;
    assert_eq!(
        second.as_ref().unwrap().interval,
        std::time::Duration::from_secs(5)
    );
}

#[test]
fn each_word_moves_the_weight() {
    let mut e = engine(CFG);
    both_up(&mut e);
    assert_eq!(
        weights(&e.desired(None)),
        vec![("10.0.0.1:80".into(), 10), ("10.0.0.2:80".into(), 4)]
    );
    assert!(agent(&mut e, 0, said("50%")));
    assert_eq!(first(&mut e), (5, 100));
    assert!(agent(&mut e, 0, said("weight:25%")));
    assert_eq!(first(&mut e).0, 3, "2.5 rounded up");
    assert!(agent(&mut e, 0, said("weight:7")));
    assert_eq!(first(&mut e).0, 7);
    assert!(agent(&mut e, 0, said("100% maxconn:30")));
    // The lower threshold (50) is brought down to the upper one.
    assert_eq!(first(&mut e), (10, 30));
    let d = e.desired(None);
    assert_eq!(d.services[0].destinations[0].config.lower_threshold, 30);
    assert!(agent(&mut e, 0, said("drain")));
    assert_eq!(first(&mut e).0, 0);
    assert!(agent(&mut e, 0, said("ready")));
    assert_eq!(first(&mut e).0, 10);
    assert!(agent(&mut e, 0, said("maint")));
    assert_eq!(first(&mut e).0, 0, "out as a failed destination (quiesce)");
    assert!(agent(&mut e, 0, said("ready")));
    for word in ["down", "fail", "stopped #for the night"] {
        assert!(agent(&mut e, 0, said(word)));
        assert_eq!(first(&mut e).0, 0, "{word}");
        assert!(agent(&mut e, 0, said("up")));
        assert_eq!(first(&mut e).0, 10, "{word}");
    }
    assert!(agent(&mut e, 0, said("0%")));
    assert_eq!(first(&mut e).0, 0);
    // What changes nothing says so.
    assert!(!agent(&mut e, 0, said("0% # still idle")));
    assert!(!agent(&mut e, 0, said("hello")));
}

#[test]
fn no_answer_keeps_what_was_said() {
    let mut e = engine(CFG);
    both_up(&mut e);
    agent(&mut e, 0, said("drain 50%"));
    assert!(!agent(
        &mut e,
        0,
        Err("agent 10.0.0.1:3333: connection refused".into())
    ));
    assert_eq!(first(&mut e).0, 0);
    let k = (e.config.services[0].key(), "10.0.0.1:80".parse().unwrap());
    let a = e.agent_of(&k).unwrap();
    assert!(!a.answered);
    assert_eq!(a.admin, AgentAdmin::Drain);
    assert_eq!(a.percent(), Some(50));
    agent(&mut e, 0, said("ready"));
    assert_eq!(first(&mut e).0, 5);
}

#[test]
fn the_agent_the_operator_and_the_checks_each_undo_only_their_own() {
    let mut e = engine(CFG);
    both_up(&mut e);
    let key = e.config.services[0].key();
    let dest = "10.0.0.1:80".parse().unwrap();
    // The agent drains; the operator's ready does not undo it.
    agent(&mut e, 0, said("drain"));
    e.ready(key, Some(dest));
    assert_eq!(first(&mut e).0, 0);
    // The operator drains; the agent's ready does not undo that.
    e.drain(key, dest);
    agent(&mut e, 0, said("ready"));
    assert_eq!(first(&mut e).0, 0);
    e.ready(key, Some(dest));
    assert_eq!(first(&mut e).0, 10);
    // The checks' down is not undone by the agent's up.
    result(&mut e, 0, false);
    result(&mut e, 0, false);
    result(&mut e, 0, false);
    agent(&mut e, 0, said("up ready 100%"));
    assert_eq!(first(&mut e).0, 0);
    result(&mut e, 0, true);
    result(&mut e, 0, true);
    result(&mut e, 0, true);
    assert_eq!(first(&mut e).0, 10);
    // Nor the agent's down by the checks' up.
    agent(&mut e, 0, said("down"));
    result(&mut e, 0, true);
    assert_eq!(first(&mut e).0, 0);
}

#[test]
fn a_reload_keeps_what_an_unchanged_agent_said() {
    let mut e = engine(CFG);
    both_up(&mut e);
    agent(&mut e, 0, said("drain"));
    agent(&mut e, 1, said("50%"));
    let cfg = CFG.replace("agent = { port = 4444 }", "agent = { port = 4445 }");
    e.reconfigure(crate::config::native::parse(std::path::Path::new("t.toml"), &cfg).unwrap());
    let d = e.desired(None);
    assert_eq!(
        weights(&d),
        vec![("10.0.0.1:80".into(), 0), ("10.0.0.2:80".into(), 4)]
    );
}

#[test]
fn the_effective_weight_multiplies_its_factors() {
    let pct = |p| AgentState {
        weight: Some(AgentWeight::Percent(p)),
        ..AgentState::default()
    };
    assert_eq!(effective(10, Some(&pct(50)), RAMP_FULL, 100), 5);
    assert_eq!(effective(10, Some(&pct(50)), 50, 100), 3);
    assert_eq!(effective(10, Some(&pct(0)), RAMP_FULL, 100), 0);
    assert_eq!(effective(10, Some(&pct(1)), RAMP_FULL, 100), 1);
    assert_eq!(effective(90, Some(&pct(200)), RAMP_FULL, 100), 100);
    assert_eq!(effective(u32::MAX, Some(&pct(u32::MAX)), u32::MAX, 7), 7);
    let abs = AgentState {
        weight: Some(AgentWeight::Absolute(3)),
        ..AgentState::default()
    };
    assert_eq!(effective(10, Some(&abs), RAMP_FULL, 100), 3);
}
