//! DNS checks over UDP (or TCP): one query (recursion desired, class
//! IN); up on a reply with the query's id, the response bit and NOERROR;
//! a reply with another id or without the response bit is not the answer
//! and is waited past (keepalived's DNS_CHECK rule). With an expected
//! answer, an A or PTR record of the answer must match it too
//! (ldirectord's rule). Queries are built and
//! replies read by the `simple-dns` codec; [`judge`] reads a reply from
//! bytes alone.

use super::{within, Verdict};
use crate::config::{DnsProbe, Pattern, Source};
use simple_dns::rdata::RData;
use simple_dns::{
    header_buffer, Name, Packet, PacketFlag, Question, CLASS, QCLASS, QTYPE, RCODE, TYPE,
};
use tokio::time::Instant;

/// Ask `p.target` before `deadline`.
pub(super) async fn check(p: &DnsProbe, src: &Source, deadline: Instant) -> Verdict {
    Verdict::of(within(deadline, "DNS query", ask(p, src)).await)
}

async fn ask(p: &DnsProbe, src: &Source) -> Result<String, String> {
    let id = random_id();
    let q = query(id, p.qtype, &p.name)?;
    let reply = if p.tcp {
        over_tcp(p, src, &q).await?
    } else {
        over_udp(p, src, id, &q).await?
    };
    match (judge(id, &reply), &p.answer) {
        (Judged::Answer(Ok(_)), Some(want)) => answered(&reply, want),
        (Judged::Answer(r), _) => r,
        (Judged::NotTheAnswer, _) => Err("a reply over TCP that is not the answer".into()),
    }
}

/// Send `q` over UDP; the first datagram that is the answer to `id`.
async fn over_udp(p: &DnsProbe, src: &Source, id: u16, q: &[u8]) -> Result<Vec<u8>, String> {
    let s = super::source::udp(p.target, src).await?;
    super::source::exchange(&s, q, |d| {
        (judge(id, d) != Judged::NotTheAnswer).then(|| d.to_vec())
    })
    .await
}

/// Send `q` over TCP (each message after its 2-byte length); the reply.
async fn over_tcp(p: &DnsProbe, src: &Source, q: &[u8]) -> Result<Vec<u8>, String> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = super::source::tcp(p.target, src).await?;
    let len = u16::try_from(q.len()).map_err(|_| "a query too long for TCP")?;
    let mut out = len.to_be_bytes().to_vec();
    out.extend_from_slice(q);
    s.write_all(&out).await.map_err(|e| format!("send: {e}"))?;
    let mut n = [0u8; 2];
    s.read_exact(&mut n)
        .await
        .map_err(|e| format!("receive: {e}"))?;
    let mut reply = vec![0u8; usize::from(u16::from_be_bytes(n))];
    s.read_exact(&mut reply)
        .await
        .map_err(|e| format!("receive: {e}"))?;
    Ok(reply)
}

/// Whether reply `reply` holds in its answer an A record whose address,
/// or a PTR record whose name (without the final dot), matches `want`
/// (ldirectord's DNS check; other records are passed over).
///
/// ```
/// use rvsadmd::config::Pattern;
/// let q = rvsadmd::probe::dns::query(7, 1, "example.com").unwrap();
/// let why = rvsadmd::probe::dns::answered(&q, &Pattern::new("^192").unwrap());
/// assert_eq!(why, Err("no A or PTR record of the answer matches `^192`".into()));
/// ```
pub fn answered(reply: &[u8], want: &Pattern) -> Result<String, String> {
    let p = Packet::parse(reply).map_err(|e| format!("reply: {e}"))?;
    for rr in &p.answers {
        let text = match &rr.rdata {
            RData::A(a) => std::net::Ipv4Addr::from(a.address).to_string(),
            RData::PTR(name) => name.0.to_string(),
            _ => continue,
        };
        if want.is_match(&text) {
            return Ok(format!("answer {text}"));
        }
    }
    Err(format!(
        "no A or PTR record of the answer matches `{}`",
        want.as_str()
    ))
}

/// A query id that the next check will not guess.
fn random_id() -> u16 {
    (super::unguessable() & 0xffff) as u16
}

/// The query for `name` (`.` or empty: the root), record type `qtype`.
///
/// ```
/// let q = rvsadmd::probe::dns::query(0x1234, 6, ".").unwrap();
/// assert_eq!(&q[..2], &[0x12, 0x34]);
/// assert!(rvsadmd::probe::dns::query(1, 1, "a..b").is_err());
/// ```
pub fn query(id: u16, qtype: u16, name: &str) -> Result<Vec<u8>, String> {
    let text = name.strip_suffix('.').unwrap_or(name);
    let qname = Name::new(text).map_err(|e| format!("DNS name `{name}`: {e}"))?;
    if text.split('.').any(str::is_empty) && !text.is_empty() {
        return Err(format!("DNS name `{name}`: an empty label"));
    }
    let mut p = Packet::new_query(id);
    p.set_flags(PacketFlag::RECURSION_DESIRED);
    p.questions.push(Question::new(
        qname,
        QTYPE::TYPE(TYPE::from(qtype)),
        QCLASS::CLASS(CLASS::IN),
        false,
    ));
    p.build_bytes_vec()
        .map_err(|e| format!("DNS query for `{name}`: {e}"))
}

/// What a datagram says of query `id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Judged {
    /// The answer: up (`Ok`) or down (`Err`), and why.
    Answer(Result<String, String>),
    /// Too short, another id, or not a response: wait for another.
    NotTheAnswer,
}

/// Judge datagram `reply` as the answer to query `id`.
///
/// ```
/// use rvsadmd::probe::dns::{judge, Judged};
/// let mut r = rvsadmd::probe::dns::query(7, 1, "example.com").unwrap();
/// assert_eq!(judge(7, &r), Judged::NotTheAnswer); // a query, not a reply
/// r[2] |= 0x80;
/// assert!(matches!(judge(7, &r), Judged::Answer(Ok(_))));
/// assert_eq!(judge(8, &r), Judged::NotTheAnswer);
/// ```
pub fn judge(id: u16, reply: &[u8]) -> Judged {
    let Ok(got) = header_buffer::id(reply) else {
        return Judged::NotTheAnswer;
    };
    if reply.len() < 12
        || got != id
        || !header_buffer::has_flags(reply, PacketFlag::RESPONSE).unwrap_or(false)
    {
        return Judged::NotTheAnswer;
    }
    match header_buffer::rcode(reply) {
        Ok(RCODE::NoError) => Judged::Answer(Ok("NOERROR".into())),
        Ok(other) => Judged::Answer(Err(format!("response code {other:?}"))),
        Err(e) => Judged::Answer(Err(format!("reply: {e}"))),
    }
}

#[cfg(test)]
mod tests;
