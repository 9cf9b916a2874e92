use super::*;

fn admin(raw: &[u8]) -> Option<AgentAdmin> {
    parse(raw).admin
}

fn health(raw: &[u8]) -> Option<AgentHealth> {
    parse(raw).health
}

#[test]
fn each_admin_word() {
    assert_eq!(admin(b"ready\n"), Some(AgentAdmin::Ready));
    assert_eq!(admin(b"drain\n"), Some(AgentAdmin::Drain));
    assert_eq!(admin(b"maint\n"), Some(AgentAdmin::Maint));
    assert_eq!(admin(b"MAINT"), Some(AgentAdmin::Maint));
    assert_eq!(admin(b"Drain\r\n"), Some(AgentAdmin::Drain));
    assert_eq!(admin(b"75%\n"), None);
}

#[test]
fn each_health_word() {
    assert_eq!(health(b"up\n"), Some(AgentHealth::Up));
    assert_eq!(health(b"down\n"), Some(AgentHealth::Down));
    assert_eq!(health(b"fail\n"), Some(AgentHealth::Fail));
    assert_eq!(health(b"stopped\n"), Some(AgentHealth::Stopped));
    assert_eq!(health(b"UP"), Some(AgentHealth::Up));
    assert_eq!(health(b"ready"), None);
}

#[test]
fn weights_in_each_form() {
    assert_eq!(parse(b"75%").weight, Some(AgentWeight::Percent(75)));
    assert_eq!(parse(b"0%").weight, Some(AgentWeight::Percent(0)));
    assert_eq!(parse(b"150%").weight, Some(AgentWeight::Percent(150)));
    assert_eq!(parse(b"weight:40%").weight, Some(AgentWeight::Percent(40)));
    assert_eq!(parse(b"WEIGHT:7").weight, Some(AgentWeight::Absolute(7)));
    assert_eq!(parse(b"maxconn:30").maxconn, Some(30));
    assert_eq!(parse(b"maxconn:0").maxconn, Some(0));
    // Not numbers: unknown words, nothing changed.
    for bad in [
        &b"%"[..],
        b"-5%",
        b"7.5%",
        b"75",
        b"weight:",
        b"weight:%",
        b"maxconn:",
        b"maxconn:5%",
        b"maxconn: 5",
        b"99999999999%",
        b"weight:x",
    ] {
        let r = parse(bad);
        assert_eq!((r.weight, r.maxconn), (None, None), "{bad:?}");
        assert!(!r.unknown.is_empty(), "{bad:?}");
    }
}

#[test]
fn several_words_and_separators() {
    let r = parse(b"  up,drain\t 50% maxconn:10,,\n");
    assert_eq!(
        r,
        Reply {
            weight: Some(AgentWeight::Percent(50)),
            maxconn: Some(10),
            admin: Some(AgentAdmin::Drain),
            health: Some(AgentHealth::Up),
            reason: None,
            unknown: vec![],
        }
    );
    // The later word of a kind wins.
    let r = parse(b"drain ready 10% 20% down up");
    assert_eq!(r.admin, Some(AgentAdmin::Ready));
    assert_eq!(r.weight, Some(AgentWeight::Percent(20)));
    assert_eq!(r.health, Some(AgentHealth::Up));
}

#[test]
fn a_sharp_starts_the_reason() {
    let r = parse(b"stopped #maintenance window, back at 5\n");
    assert_eq!(r.health, Some(AgentHealth::Stopped));
    assert_eq!(r.reason.as_deref(), Some("maintenance window, back at 5"));
    // Words after the sharp are the reason's, not the agent's.
    let r = parse(b"down#drain 0%");
    assert_eq!(r.health, Some(AgentHealth::Down));
    assert_eq!(r.admin, None);
    assert_eq!(r.reason.as_deref(), Some("drain 0%"));
    assert_eq!(parse(b"fail #  \n").reason, None);
}

#[test]
fn only_the_first_line_counts() {
    let r = parse(b"80%\ndrain\n");
    assert_eq!(r.weight, Some(AgentWeight::Percent(80)));
    assert_eq!(r.admin, None);
    assert_eq!(parse(b"\rdrain"), Reply::default());
    assert_eq!(parse(b""), Reply::default());
}

#[test]
fn garbage_is_reported_not_taken() {
    let r = parse(b"hello \xff\x00world up");
    assert_eq!(r.health, Some(AgentHealth::Up));
    assert_eq!(r.unknown, vec!["hello".to_string(), "\u{fffd}world".into()]);
    let many = b"a b c d e f g h i j k l".as_slice();
    assert_eq!(parse(many).unknown.len(), MAX_UNKNOWN);
    let long = vec![b'x'; 5000];
    assert!(parse(&long).unknown[0].len() <= 200);
}

/// Any bytes give a reply, never a panic; what it keeps is bounded.
#[test]
fn any_bytes_read() {
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    let words: [&[u8]; 8] = [
        b"up",
        b"drain",
        b"75%",
        b"weight:",
        b"maxconn:",
        b"#",
        b",",
        b"\t",
    ];
    for _ in 0..5000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let mut d = Vec::new();
        for k in 0..(x % 9) {
            d.extend_from_slice(words[((x >> (k * 3)) % 8) as usize]);
            d.push((x >> (k * 5)) as u8);
        }
        let r = parse(&d);
        assert!(r.unknown.len() <= MAX_UNKNOWN);
        assert!(r.reason.as_ref().map_or(0, String::len) <= 3 * 200);
    }
}
