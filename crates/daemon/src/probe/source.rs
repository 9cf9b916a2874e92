//! A check's socket set up as its [`Source`] says, in keepalived's order:
//! the firewall mark (`SO_MARK`), the interface (`SO_BINDTODEVICE`),
//! then the bind to the source address and port; then the connect. A
//! step that fails is the check's failure, its reason naming the step,
//! the value and what to do.
//!
//! A check through the VIP without a source address is bound to the
//! address this host sends from towards the real server (the VIP, the
//! kernel's own choice for a local destination, would come back to the
//! real server as its own address).
//!
//! A check through the VIP also has a fixed source port of its own
//! (`vip_check_ports`, see [`crate::config::via_vip`]).
//!
//! With a fixed source port the socket may reuse the address
//! (`SO_REUSEADDR`: several checks from one port to different targets,
//! and the next check while the last one's socket is still closing), and
//! a TCP connection closes with a reset, so that no TIME_WAIT socket
//! keeps the same four addresses from the next check for a minute.

use crate::config::Source;
use socket2::SockRef;
use std::borrow::Cow;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::os::fd::AsFd;
use std::time::Duration;
use tokio::net::{TcpSocket, TcpStream, UdpSocket};

/// A TCP connection to `target` from `src` (not bounded in time: the
/// caller's deadline bounds it).
pub(super) async fn tcp(target: SocketAddr, src: &Source) -> Result<TcpStream, String> {
    let src = &*resolved(src)?;
    let s = match target {
        SocketAddr::V4(_) => TcpSocket::new_v4(),
        SocketAddr::V6(_) => TcpSocket::new_v6(),
    }
    .map_err(|e| format!("TCP socket: {e}"))?;
    set_up(&s, src)?;
    if let Some(at) = src.bind_addr(target.ip()) {
        if src.port.is_some() {
            let r = SockRef::from(&s);
            r.set_reuse_address(true)
                .and_then(|()| r.set_linger(Some(Duration::ZERO)))
                .map_err(|e| format!("TCP socket options: {e}"))?;
        }
        s.bind(at).map_err(|e| bind_error(at, &e))?;
    }
    s.connect(target).await.map_err(|e| connect_error(src, &e))
}

/// A UDP socket of `target`'s family from `src`, connected to `target`.
pub(super) async fn udp(target: SocketAddr, src: &Source) -> Result<UdpSocket, String> {
    let src = &*resolved(src)?;
    // Bound even without a source: to the wildcard address, any port.
    let at = Source {
        port: Some(src.port.unwrap_or(0)),
        ..src.clone()
    }
    .bind_addr(target.ip())
    .ok_or("UDP socket: no address to bind")?;
    let domain = socket2::Domain::for_address(target);
    let s = socket2::Socket::new(domain, socket2::Type::DGRAM, Some(socket2::Protocol::UDP))
        .and_then(|s| s.set_nonblocking(true).map(|()| s))
        .map_err(|e| format!("UDP socket: {e}"))?;
    set_up(&s, src)?;
    if src.port.is_some() {
        s.set_reuse_address(true)
            .map_err(|e| format!("UDP socket options: {e}"))?;
    }
    s.bind(&at.into()).map_err(|e| bind_error(at, &e))?;
    let s = UdpSocket::from_std(s.into()).map_err(|e| format!("UDP socket: {e}"))?;
    s.connect(target)
        .await
        .map_err(|e| connect_error(src, &e))?;
    Ok(s)
}

/// `src`, with the address this host sends from towards the real server
/// when it is a check through the VIP without a source address.
fn resolved(src: &Source) -> Result<Cow<'_, Source>, String> {
    match (src.via_vip, src.address) {
        (Some(real), None) => Ok(Cow::Owned(Source {
            address: Some(sender_toward(real)?),
            ..src.clone()
        })),
        _ => Ok(Cow::Borrowed(src)),
    }
}

/// The local address the kernel sends from towards `real` (a UDP socket
/// connected to it: a route lookup, no datagram sent).
fn sender_toward(real: IpAddr) -> Result<IpAddr, String> {
    let any: IpAddr = match real {
        IpAddr::V4(_) => Ipv4Addr::UNSPECIFIED.into(),
        IpAddr::V6(_) => Ipv6Addr::UNSPECIFIED.into(),
    };
    std::net::UdpSocket::bind(SocketAddr::new(any, 0))
        .and_then(|s| s.connect(SocketAddr::new(real, 9)).map(|()| s))
        .and_then(|s| s.local_addr())
        .map(|a| a.ip())
        .map_err(|e| format!("no route to the real server {real} to send from: {e}"))
}

/// Send `req` on the connected UDP socket `s` and read datagrams until
/// `answer` takes one (it returns `None` for one that is not the answer).
/// Connected, an ICMP port unreachable comes back as an error
/// (ECONNREFUSED).
pub(super) async fn exchange<T>(
    s: &UdpSocket,
    req: &[u8],
    mut answer: impl FnMut(&[u8]) -> Option<T>,
) -> Result<T, String> {
    s.send(req).await.map_err(|e| format!("send: {e}"))?;
    let mut buf = [0u8; 4096];
    loop {
        let n = s
            .recv(&mut buf)
            .await
            .map_err(|e| format!("receive: {e}"))?;
        if let Some(t) = answer(&buf[..n]) {
            return Ok(t);
        }
    }
}

/// The mark and the interface of `src` on socket `fd`, in that order
/// (keepalived's); nothing when neither is set.
pub(super) fn set_up(fd: &impl AsFd, src: &Source) -> Result<(), String> {
    let s = SockRef::from(fd);
    if let Some(m) = src.mark {
        s.set_mark(m).map_err(|e| {
            let hint = if e.kind() == io::ErrorKind::PermissionDenied {
                ": setting a mark needs CAP_NET_ADMIN (systemd: AmbientCapabilities=CAP_NET_ADMIN)"
            } else {
                ""
            };
            format!("mark {m}: {e}{hint}")
        })?;
    }
    if let Some(i) = &src.interface {
        s.bind_device(Some(i.as_bytes())).map_err(|e| {
            let hint = match e.raw_os_error() {
                Some(nix::libc::ENODEV) => ": no such interface on this host",
                Some(nix::libc::EPERM) => ": binding to an interface needs CAP_NET_RAW",
                _ => "",
            };
            format!("interface {i}: {e}{hint}")
        })?;
    }
    Ok(())
}

/// Why connecting from `src` failed: a fixed source port to a target
/// another socket already connects to from it is named.
fn connect_error(src: &Source, e: &io::Error) -> String {
    match (src.port, e.raw_os_error()) {
        (Some(p), Some(nix::libc::EADDRNOTAVAIL)) => format!(
            "connect: {e}: another connection from source port {p} to this target is open (give each check a port of its own)"
        ),
        _ => format!("connect: {e}"),
    }
}

/// Why binding to `at` failed, and what to do.
pub(super) fn bind_error(at: SocketAddr, e: &io::Error) -> String {
    let hint = match e.raw_os_error() {
        Some(nix::libc::EADDRNOTAVAIL) => {
            ": the address is not one of this host's (add it, or fix `source`)"
        }
        Some(nix::libc::EADDRINUSE) => {
            ": another socket holds this source port (another check or program; give each a port of its own)"
        }
        Some(nix::libc::EACCES) => ": a port below 1024 needs CAP_NET_BIND_SERVICE",
        _ => "",
    };
    format!("bind to {at}: {e}{hint}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::IpAddr;
    use tokio::net::TcpListener;

    fn from(a: &str) -> Source {
        Source {
            address: Some(a.parse().unwrap()),
            ..Source::default()
        }
    }

    /// A port free on 127.0.0.2 a moment ago.
    fn free_port() -> u16 {
        let s = std::net::TcpListener::bind("127.0.0.2:0").unwrap();
        s.local_addr().unwrap().port()
    }

    #[tokio::test]
    async fn the_server_sees_the_source_address_and_port() {
        let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let target = l.local_addr().unwrap();
        let _c = tcp(target, &from("127.0.0.2")).await.unwrap();
        let (_, peer) = l.accept().await.unwrap();
        assert_eq!(peer.ip(), "127.0.0.2".parse::<IpAddr>().unwrap());
        // From a fixed port, twice in a row (the first closed by a reset:
        // no TIME_WAIT keeps the second from connecting).
        let port = free_port();
        let src = Source {
            port: Some(port),
            ..from("127.0.0.2")
        };
        for _ in 0..2 {
            let c = tcp(target, &src).await.unwrap();
            let (_, peer) = l.accept().await.unwrap();
            assert_eq!(peer, SocketAddr::new(src.address.unwrap(), port));
            drop(c);
        }
        let u = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let s = udp(u.local_addr().unwrap(), &src).await.unwrap();
        s.send(b"x").await.unwrap();
        let mut b = [0u8; 4];
        let (_, peer) = u.recv_from(&mut b).await.unwrap();
        assert_eq!(peer, SocketAddr::new(src.address.unwrap(), port));
    }

    #[tokio::test]
    async fn a_check_that_cannot_bind_is_down_and_says_why() {
        let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let target = l.local_addr().unwrap();
        let v = super::super::tcp::check(
            target,
            crate::config::TcpClose::Reset,
            &from("192.0.2.77"),
            tokio::time::Instant::now() + Duration::from_secs(2),
        )
        .await;
        assert!(!v.ok, "{v:?}");
        assert!(
            v.reason.starts_with("bind to 192.0.2.77:0: ")
                && v.reason
                    .ends_with("not one of this host's (add it, or fix `source`)"),
            "{v:?}"
        );
        // Through `run`, the reason names the source.
        let o = super::super::run(
            &crate::config::Probe::Tcp {
                target,
                close: crate::config::TcpClose::Reset,
            },
            &from("192.0.2.77"),
            tokio::time::Instant::now(),
            Duration::from_secs(2),
        )
        .await;
        assert!(!o.ok && o.reason.ends_with(" (from 192.0.2.77)"), "{o:?}");
        // A port another socket listens on.
        let taken = Source {
            port: Some(target.port()),
            ..from("127.0.0.1")
        };
        let e = tcp(target, &taken).await.unwrap_err();
        assert!(e.contains("another socket holds this source port"), "{e}");
        let nowhere = Source {
            interface: Some("rvsadmd-none0".into()),
            ..Source::default()
        };
        let e = udp(target, &nowhere).await.unwrap_err();
        assert!(e.starts_with("interface rvsadmd-none0: "), "{e}");
    }

    /// A check through the VIP with no source address is bound to the
    /// address towards the real server; with one, to that one.
    #[tokio::test]
    async fn through_the_vip_the_source_is_the_address_towards_the_real() {
        let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let target = l.local_addr().unwrap();
        let via = Source {
            via_vip: Some("127.0.0.3".parse().unwrap()),
            ..Source::default()
        };
        assert_eq!(
            resolved(&via).unwrap().address,
            Some("127.0.0.1".parse().unwrap())
        );
        let _c = tcp(target, &via).await.unwrap();
        let (_, peer) = l.accept().await.unwrap();
        assert_eq!(peer.ip(), "127.0.0.1".parse::<IpAddr>().unwrap());
        let given = Source {
            address: Some("127.0.0.2".parse().unwrap()),
            ..via
        };
        assert!(matches!(resolved(&given).unwrap(), Cow::Borrowed(_)));
    }

    /// A mark and an interface are set on the socket (CAP_NET_ADMIN and
    /// CAP_NET_RAW; skipped, saying so, without them).
    #[tokio::test]
    async fn the_mark_and_the_interface_are_set() {
        let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let src = Source {
            interface: Some("lo".into()),
            mark: Some(0x2a),
            ..Source::default()
        };
        match tcp(l.local_addr().unwrap(), &src).await {
            Ok(c) => {
                let r = SockRef::from(&c);
                assert_eq!(r.mark().unwrap(), 0x2a);
                assert_eq!(r.device().unwrap().as_deref(), Some(&b"lo"[..]));
            }
            Err(e) if e.contains("CAP_NET_") => {
                eprintln!("SKIPPED the_mark_and_the_interface_are_set: {e}")
            }
            Err(e) => panic!("{e}"),
        }
    }
}
