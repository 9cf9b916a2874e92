//! Fuzz rvsadmd's probe reply readers: an HTTP response (fed in two
//! pieces, judged with a digest and a regex), an SMTP reply, a DNS reply
//! (and its A/PTR answers), MySQL packets (handshake, login and query
//! replies), LDAP messages, PostgreSQL backend messages, an ICMP echo
//! reply, a UDP reply match, a FILE check's text, a feedback agent's
//! reply line (what it keeps bounded, a percentage never read from a
//! line without `%`), an ARP answer and a `/proc/net/arp` table, and the
//! hex of
//! `payload`/`require_reply`: any bytes give a verdict, never a panic; the
//! HTTP digest does not depend on where the bytes were cut.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rvsadmd::config::{Expect, Pattern, ReplyMatch, UrlCheck};
use rvsadmd::probe::{agent_reply, arp, dns, file_track, http, icmp, ldap, mysql, pgsql, smtp, udp};

fuzz_target!(|data: &[u8]| {
    let cut = usize::from(data.first().copied().unwrap_or(0)).min(data.len());
    let whole = http::Response::parse(data);
    let mut pieces = http::Response::default();
    pieces.feed(&data[..cut]);
    pieces.feed(&data[cut..]);
    assert_eq!(whole.digest(), pieces.digest());
    assert_eq!(whole.body(), pieces.body());
    if let Ok(p) = Pattern::new("^ok") {
        let u = UrlCheck {
            expect: Some(Expect::Regex(p)),
            digest: Some(whole.digest()),
            ..UrlCheck::new("/")
        };
        let _ = http::judge(&u, &whole);
    }
    if let Ok(Some(r)) = smtp::reply(data) {
        assert!(r.len <= data.len());
    }
    let _ = dns::judge(0x1234, data);
    if let Ok(p) = Pattern::new("^192") {
        let _ = dns::answered(data, &p);
    }
    let vip = std::net::Ipv4Addr::new(10, 1, 0, 10);
    if let Some(mac) = arp::answer_for(data, vip) {
        assert_eq!(&data[8..14], &mac);
    }
    let _ = arp::neighbours(&String::from_utf8_lossy(data)).get(&vip);
    let _ = mysql::handshake(data);
    let _ = mysql::auth_reply(data);
    let _ = mysql::query_reply(data);
    let _ = mysql::lenenc(data);
    if let Ok(Some((t, _))) = ldap::ber::read(data) {
        let _ = ldap::message(t.tag, t.value);
    }
    for t in [b'R', b'E', b'C', b'D', b'Z'] {
        let _ = pgsql::wire::backend(t, data);
    }
    for (v6, ip) in [(false, false), (false, true), (true, false)] {
        let _ = icmp::echo_reply(data, v6, ip);
    }
    let text = String::from_utf8_lossy(data);
    if let Ok(m) = ReplyMatch::parse(&text, true) {
        assert_eq!(m.value.len(), m.mask.len());
        assert_eq!(ReplyMatch::parse(&m.to_text(), true), Ok(m.clone()));
        let _ = udp::matches(&m, data);
    }
    let r = agent_reply::parse(data);
    assert!(r.unknown.len() <= agent_reply::MAX_UNKNOWN);
    if r.weight.is_some() || r.maxconn.is_some() {
        assert!(data.iter().any(u8::is_ascii_digit));
    }
    if matches!(r.weight, Some(agent_reply::AgentWeight::Percent(_))) {
        assert!(data.contains(&b'%'));
    }
    // A FILE check's text, then that value as a change after a start.
    if let Some(v) = file_track::c_number(data) {
        let f = file_track::Factor {
            weight: i64::from(cut as u8) - 128,
            reverse: cut % 2 == 0,
        };
        let _ = file_track::Track::start(f, v).next(f, Some(-v)).says();
    }
});
