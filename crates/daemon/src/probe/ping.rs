//! PING checks: one ICMP echo, answered. The socket is an ICMP datagram
//! ("ping") socket where the process's group is in
//! `net.ipv4.ping_group_range`, a raw socket (CAP_NET_RAW) otherwise;
//! rvsadmd never changes `ping_group_range`. When neither can be opened
//! the check fails and says why. A source address, interface and mark
//! are applied as for every other check (a source port is not: a ping
//! socket takes its port as the echo identifier).

use super::{icmp, within, Verdict};
use crate::config::Source;
use socket2::{Domain, Protocol, Socket, Type};
use std::net::{IpAddr, SocketAddr};
use tokio::net::UdpSocket;
use tokio::time::Instant;

/// The payload of every echo request.
const PAYLOAD: &[u8] = b"rvsadmd health check";

/// Which kind of ICMP socket was opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `SOCK_DGRAM`: the kernel sets the identifier and hands over only
    /// this socket's replies, without the IP header.
    Ping,
    /// `SOCK_RAW`: every ICMP message of the family; IPv4 ones with
    /// their IP header.
    Raw,
}

/// Ping `target` once from `src` before `deadline`.
pub(super) async fn check(target: IpAddr, src: &Source, deadline: Instant) -> Verdict {
    Verdict::of(within(deadline, "ping", ping(target, src)).await)
}

async fn ping(target: IpAddr, src: &Source) -> Result<String, String> {
    let v6 = target.is_ipv6();
    let (s, kind) = open(v6)?;
    super::source::set_up(&s, src)?;
    if let Some(a) = src.address {
        let at = SocketAddr::new(a, 0);
        s.bind(&at.into())
            .map_err(|e| super::source::bind_error(at, &e))?;
    }
    let to = SocketAddr::new(target, 0);
    s.connect(&to.into()).map_err(|e| format!("connect: {e}"))?;
    s.set_nonblocking(true)
        .map_err(|e| format!("ICMP socket: {e}"))?;
    let s = UdpSocket::from_std(std::net::UdpSocket::from(std::os::fd::OwnedFd::from(s)))
        .map_err(|e| format!("ICMP socket: {e}"))?;
    let id = (std::process::id() & 0xffff) as u16;
    let seq = next_seq();
    s.send(&icmp::echo_request(v6, id, seq, PAYLOAD))
        .await
        .map_err(|e| format!("send: {e}"))?;
    let mut buf = [0u8; 1500];
    loop {
        let n = s
            .recv(&mut buf)
            .await
            .map_err(|e| format!("receive: {e}"))?;
        let with_ip = kind == Kind::Raw && !v6;
        match icmp::echo_reply(&buf[..n], v6, with_ip) {
            // A ping socket's identifier is the kernel's; a raw socket
            // sees every reply, so the identifier tells ours.
            Some((rid, rseq)) if rseq == seq && (kind == Kind::Ping || rid == id) => {
                return Ok(match kind {
                    Kind::Ping => "echo reply (ping socket)".into(),
                    Kind::Raw => "echo reply (raw socket)".into(),
                });
            }
            _ => continue,
        }
    }
}

/// A sequence number per echo, so that a late reply to an earlier check
/// is not taken for this one's.
fn next_seq() -> u16 {
    static SEQ: std::sync::atomic::AtomicU16 = std::sync::atomic::AtomicU16::new(1);
    SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// A ping socket if this process may open one, else a raw socket, else
/// an error saying why neither.
fn open(v6: bool) -> Result<(Socket, Kind), String> {
    let (domain, proto) = if v6 {
        (Domain::IPV6, Protocol::ICMPV6)
    } else {
        (Domain::IPV4, Protocol::ICMPV4)
    };
    let dgram = match Socket::new(domain, Type::DGRAM, Some(proto)) {
        Ok(s) => return Ok((s, Kind::Ping)),
        Err(e) => e,
    };
    let raw = match Socket::new(domain, Type::RAW, Some(proto)) {
        Ok(s) => return Ok((s, Kind::Raw)),
        Err(e) => e,
    };
    Err(no_socket(&dgram, &raw))
}

/// Why no ICMP socket could be opened, and what to do.
fn no_socket(dgram: &std::io::Error, raw: &std::io::Error) -> String {
    let range = std::fs::read_to_string("/proc/sys/net/ipv4/ping_group_range")
        .map(|r| r.split_whitespace().collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|e| format!("unreadable: {e}"));
    let gid = nix::unistd::getegid();
    format!(
        "cannot open an ICMP socket: a ping socket needs the process's group (gid {gid}) in \
         net.ipv4.ping_group_range (now {range}) ({dgram}); a raw socket needs CAP_NET_RAW \
         ({raw}). rvsadmd does not change ping_group_range: widen it, or give rvsadmd \
         CAP_NET_RAW (systemd: AmbientCapabilities=CAP_NET_RAW)"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// Pings 127.0.0.1 (and ::1 where the host has it). Needs a ping
    /// socket (the group in ping_group_range) or CAP_NET_RAW; skipped,
    /// saying so, only when neither can be opened.
    #[tokio::test]
    async fn loopback_answers() {
        if let Err(why) = open(false) {
            eprintln!("SKIPPED loopback_answers: {why}");
            return;
        }
        let soon = || Instant::now() + Duration::from_secs(2);
        let v = check("127.0.0.1".parse().unwrap(), &Source::default(), soon()).await;
        assert!(v.ok && v.reason.starts_with("echo reply"), "{v:?}");
        if std::net::UdpSocket::bind("[::1]:0").is_ok() && open(true).is_ok() {
            let v = check("::1".parse().unwrap(), &Source::default(), soon()).await;
            assert!(v.ok, "{v:?}");
        }
    }

    #[test]
    fn the_error_says_what_to_do() {
        let e = std::io::Error::from_raw_os_error(nix::libc::EACCES);
        let r = std::io::Error::from_raw_os_error(nix::libc::EPERM);
        let m = no_socket(&e, &r);
        assert!(
            m.contains("ping_group_range") && m.contains("CAP_NET_RAW"),
            "{m}"
        );
    }

    /// Runs this test binary's `inside` test in a network namespace of its
    /// own (`unshare -n`), with `ping_group_range` set there (never the
    /// host's) and CAP_NET_RAW out of its bounding set: `allowed` (gid 0
    /// in the range) must ping 127.0.0.1 over a ping socket, `denied`
    /// (range `1 0`) must fail saying why. Needs root and util-linux's
    /// `unshare` and `setpriv`; skipped, saying so, without them.
    #[test]
    fn ping_socket_or_a_clear_error_in_a_namespace_of_its_own() {
        if !nix::unistd::geteuid().is_root() {
            eprintln!("SKIPPED ping_socket_or_a_clear_error: needs root for a network namespace");
            return;
        }
        let host_range = std::fs::read_to_string("/proc/sys/net/ipv4/ping_group_range").unwrap();
        let me = std::env::current_exe().unwrap();
        for (case, range) in [("allowed", "0 2147483647"), ("denied", "1 0")] {
            let script = format!(
                "ip link set lo up && echo '{range}' > /proc/sys/net/ipv4/ping_group_range && \
                 exec setpriv --bounding-set -net_raw -- \"$0\" --exact probe::ping::tests::inside \
                 --ignored --nocapture"
            );
            let out = std::process::Command::new("unshare")
                .args(["-n", "sh", "-c", &script])
                .arg(&me)
                .env("RVSADMD_PING_INSIDE", case)
                .output();
            let out = match out {
                Ok(o) => o,
                Err(e) => {
                    eprintln!("SKIPPED ping_socket_or_a_clear_error: unshare: {e}");
                    return;
                }
            };
            let text = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(out.status.success(), "{case}: {text}");
            assert!(
                text.contains(&format!("inside {case}: ok")),
                "{case}: {text}"
            );
        }
        // The host's range is as it was.
        assert_eq!(
            std::fs::read_to_string("/proc/sys/net/ipv4/ping_group_range").unwrap(),
            host_range
        );
    }

    /// Run by the test above, in its namespace; does nothing elsewhere.
    #[tokio::test]
    #[ignore = "run inside a namespace by ping_socket_or_a_clear_error_in_a_namespace_of_its_own"]
    async fn inside() {
        let Ok(case) = std::env::var("RVSADMD_PING_INSIDE") else {
            return;
        };
        let soon = Instant::now() + Duration::from_secs(2);
        let v = check("127.0.0.1".parse().unwrap(), &Source::default(), soon).await;
        match case.as_str() {
            "allowed" => {
                assert_eq!(v, Verdict::up("echo reply (ping socket)"));
            }
            _ => {
                assert!(!v.ok, "{v:?}");
                assert!(
                    v.reason.contains("ping_group_range (now 1 0)")
                        && v.reason.contains("CAP_NET_RAW"),
                    "{v:?}"
                );
            }
        }
        println!("inside {case}: ok");
    }
}
