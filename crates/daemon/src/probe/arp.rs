//! The ARP problem, asked after a check through the VIP passed: does the
//! real server answer ARP requests for the VIP? One that does (the VIP on
//! its loopback but `arp_ignore` left at 0) would draw the clients'
//! traffic on the VIP's link to itself, past the director: LVS-HOWTO's
//! "ARP problem" of direct routing and tunnelling.
//!
//! How: the director asks the real server alone (an ARP request sent to
//! its link-layer address, on the interface the neighbour table has it
//! on) "who has the VIP?", from the unspecified address 0.0.0.0 (an ARP
//! probe, RFC 5227: the real server's cache learns nothing from it).
//! Linux answers a probe for a local address unless `arp_ignore` says
//! not to (1 or 2: only for addresses of the interface asked on), so a
//! real server set up for direct routing keeps quiet, and one with the
//! ARP problem answers within the link's round trip. The answer is
//! waited for [`ARP_WAIT`] at most (less when the check's deadline comes
//! first). A real server that is not a neighbour (the check goes through
//! a router) is not asked, and the result says so.
//!
//! The neighbour table is read from `/proc/net/arp`, at most once every
//! [`NEIGHBOURS_FOR`] for all the checks of the process (the file holds
//! every neighbour: read at each check, its cost would grow with the
//! link's size); the request is sent on an `AF_PACKET` datagram socket of
//! the ARP protocol (the kernel adds the Ethernet header), which needs
//! CAP_NET_RAW, as the ping check does. A real server that kept quiet is
//! not asked again for [`QUIET_FOR`]: its sysctls seldom change, and each
//! question costs a socket that sees every ARP packet of the host and a
//! wait of up to [`ARP_WAIT`].

use socket2::{Domain, Protocol, SockAddr, SockAddrStorage, Socket, Type};
use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::net::Ipv4Addr;
use std::sync::Mutex;
use std::time::Duration;
use tokio::io::unix::AsyncFd;
use tokio::time::Instant;

/// How long a real server's answer is waited for at most.
pub const ARP_WAIT: Duration = Duration::from_millis(300);

/// How long the neighbour table, once read, serves every check.
pub const NEIGHBOURS_FOR: Duration = Duration::from_secs(1);

/// How long a real server that kept quiet is not asked again.
pub const QUIET_FOR: Duration = Duration::from_secs(10);

/// `ETH_P_ARP`.
const ETH_P_ARP: u16 = 0x0806;

/// A link-layer (Ethernet) address.
pub type Mac = [u8; 6];

/// What the real server did when asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// It answered for the VIP: the ARP problem.
    Answers(Mac),
    /// It kept quiet.
    Quiet,
    /// It was not asked: why.
    NotAsked(String),
}

/// Ask real server `real` whether it answers ARP for `vip`, until
/// `deadline` or [`ARP_WAIT`], whichever comes first (not when it kept
/// quiet less than [`QUIET_FOR`] ago: [`Answer::Quiet`] at once).
pub async fn ask(vip: Ipv4Addr, real: Ipv4Addr, deadline: Instant) -> Answer {
    let now = std::time::Instant::now();
    let found = match MEMO.lock() {
        Ok(mut m) => m.lookup(vip, real, now, read_neighbours),
        Err(_) => Err(Answer::NotAsked("the ARP memo is poisoned".into())),
    };
    let (dev, mac) = match found {
        Ok(n) => n,
        Err(a) => return a,
    };
    let a = match exchange(&dev, mac, vip, deadline.min(Instant::now() + ARP_WAIT)).await {
        Ok(a) => a,
        Err(e) => Answer::NotAsked(format!("ARP on {dev}: {e}")),
    };
    if let Ok(mut m) = MEMO.lock() {
        m.answered(vip, real, &a, std::time::Instant::now());
    }
    a
}

/// What the checks of the process learnt lately.
static MEMO: Mutex<Memo> = Mutex::new(Memo::new());

/// The neighbour table as last read, and the real servers that kept quiet.
struct Memo {
    /// When the table was read, and what it gave (or why not).
    neighbours: Option<(std::time::Instant, Result<Neighbours, String>)>,
    /// (VIP, real server) -> when it last kept quiet.
    quiet: BTreeMap<(Ipv4Addr, Ipv4Addr), std::time::Instant>,
}

/// The complete entries of the neighbour table: address -> (interface,
/// link-layer address).
pub type Neighbours = HashMap<Ipv4Addr, (String, Mac)>;

impl Memo {
    const fn new() -> Memo {
        Memo {
            neighbours: None,
            quiet: BTreeMap::new(),
        }
    }

    /// Whom to ask for `real` at `now`: its interface and link-layer
    /// address, or the answer without asking (quiet lately, or not a
    /// neighbour). The table is read by `read` when it is older than
    /// [`NEIGHBOURS_FOR`].
    fn lookup(
        &mut self,
        vip: Ipv4Addr,
        real: Ipv4Addr,
        now: std::time::Instant,
        read: impl FnOnce() -> Result<Neighbours, String>,
    ) -> Result<(String, Mac), Answer> {
        if self
            .quiet
            .get(&(vip, real))
            .is_some_and(|t| now.saturating_duration_since(*t) < QUIET_FOR)
        {
            return Err(Answer::Quiet);
        }
        let fresh = self
            .neighbours
            .as_ref()
            .is_some_and(|(t, _)| now.saturating_duration_since(*t) < NEIGHBOURS_FOR);
        if !fresh {
            self.neighbours = None;
        }
        match &self.neighbours.get_or_insert_with(|| (now, read())).1 {
            Ok(n) => n.get(&real).cloned().ok_or_else(|| {
                Answer::NotAsked(format!(
                    "{real} is not a neighbour of this host (reached through a router, or not resolved yet)"
                ))
            }),
            Err(e) => Err(Answer::NotAsked(e.clone())),
        }
    }

    /// Take note of what `real` answered at `now`.
    fn answered(&mut self, vip: Ipv4Addr, real: Ipv4Addr, a: &Answer, now: std::time::Instant) {
        match a {
            Answer::Quiet => {
                self.quiet.insert((vip, real), now);
            }
            _ => {
                self.quiet.remove(&(vip, real));
            }
        }
    }
}

/// The neighbour table of the host (of the daemon's network namespace).
fn read_neighbours() -> Result<Neighbours, String> {
    std::fs::read_to_string("/proc/net/arp")
        .map(|t| neighbours(&t))
        .map_err(|e| format!("/proc/net/arp: {e}"))
}

/// Send the request for `vip` to `mac` on `dev` and wait for its answer
/// until `until`.
async fn exchange(dev: &str, mac: Mac, vip: Ipv4Addr, until: Instant) -> std::io::Result<Answer> {
    let ifindex = nix::net::if_::if_nametoindex(dev)?;
    let own = own_mac(dev)?;
    let s = Socket::new(
        Domain::PACKET,
        Type::DGRAM.nonblocking().cloexec(),
        Some(Protocol::from(i32::from(ETH_P_ARP.to_be()))),
    )?;
    s.send_to(&request(own, vip), &link_addr(ifindex, mac))?;
    // SAFETY: the socket owns its descriptor, open and the same until it
    // is dropped with the `AsyncFd`.
    let fd = unsafe { AsyncFd::register_with_interest(s, tokio::io::Interest::READABLE) }
        .map_err(std::io::Error::from)?;
    let mut buf = [0u8; 64];
    loop {
        let ready = tokio::time::timeout_at(until, fd.readable()).await;
        let Ok(ready) = ready else {
            return Ok(Answer::Quiet);
        };
        let mut guard = ready?;
        match guard.try_io(|s| {
            let mut r: &Socket = s.get_ref();
            r.read(&mut buf)
        }) {
            Ok(Ok(n)) => {
                if let Some(from) = answer_for(&buf[..n], vip) {
                    if from == mac {
                        return Ok(Answer::Answers(from));
                    }
                }
            }
            Ok(Err(e)) => return Err(e),
            Err(_would_block) => {}
        }
    }
}

/// The complete entries (flag `ATF_COM`, 0x2) of `table`, the text of
/// `/proc/net/arp`: address -> (interface, link-layer address).
pub fn neighbours(table: &str) -> Neighbours {
    table
        .lines()
        .skip(1)
        .filter_map(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            let [addr, _hw_type, flags, hw, _mask, dev] = w[..] else {
                return None;
            };
            let flags = u32::from_str_radix(flags.trim_start_matches("0x"), 16).ok()?;
            if flags & 0x2 == 0 {
                return None;
            }
            Some((addr.parse().ok()?, (dev.to_string(), parse_mac(hw)?)))
        })
        .collect()
}

/// `aa:bb:cc:dd:ee:ff`.
fn parse_mac(s: &str) -> Option<Mac> {
    let mut mac = [0u8; 6];
    let mut parts = s.split(':');
    for b in &mut mac {
        *b = u8::from_str_radix(parts.next()?, 16).ok()?;
    }
    parts.next().is_none().then_some(mac)
}

/// This host's link-layer address on `dev`.
fn own_mac(dev: &str) -> std::io::Result<Mac> {
    let text = std::fs::read_to_string(format!("/sys/class/net/{dev}/address"))?;
    parse_mac(text.trim()).ok_or_else(|| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("{dev} has no Ethernet address ({})", text.trim()),
        )
    })
}

/// An ARP probe from `own` for `vip` (RFC 826's request, sender address
/// 0.0.0.0 as RFC 5227's probe).
pub fn request(own: Mac, vip: Ipv4Addr) -> [u8; 28] {
    let mut p = [0u8; 28];
    p[0..2].copy_from_slice(&1u16.to_be_bytes()); // Ethernet
    p[2..4].copy_from_slice(&0x0800u16.to_be_bytes()); // IPv4
    p[4] = 6;
    p[5] = 4;
    p[6..8].copy_from_slice(&1u16.to_be_bytes()); // request
    p[8..14].copy_from_slice(&own);
    // Sender address 0.0.0.0 (p[14..18]), target hardware address unknown.
    p[24..28].copy_from_slice(&vip.octets());
    p
}

/// The sender's link-layer address of `p` when it is an ARP reply for
/// `vip` (Ethernet, IPv4); `None` for anything else.
pub fn answer_for(p: &[u8], vip: Ipv4Addr) -> Option<Mac> {
    let head = p.get(0..8)?;
    if head != [0, 1, 8, 0, 6, 4, 0, 2] || p.get(14..18)? != vip.octets() {
        return None;
    }
    p.get(8..14)?.try_into().ok()
}

/// The `sockaddr_ll` of `mac` on interface `ifindex`, for ARP.
fn link_addr(ifindex: u32, mac: Mac) -> SockAddr {
    let mut addr = [0u8; 8];
    addr[..6].copy_from_slice(&mac);
    let ll = nix::libc::sockaddr_ll {
        sll_family: nix::libc::AF_PACKET as u16,
        sll_protocol: ETH_P_ARP.to_be(),
        sll_ifindex: ifindex as i32,
        sll_hatype: 0,
        sll_pkttype: 0,
        sll_halen: 6,
        sll_addr: addr,
    };
    let mut storage = SockAddrStorage::zeroed();
    // SAFETY: a `sockaddr_ll` (20 bytes, alignment 4) fits in the storage
    // (a `sockaddr_storage`: 128 bytes, alignment 8) and every bit
    // pattern of it is valid; the length given is its size.
    unsafe {
        *storage.view_as::<nix::libc::sockaddr_ll>() = ll;
        SockAddr::new(
            storage,
            std::mem::size_of::<nix::libc::sockaddr_ll>() as nix::libc::socklen_t,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: &str =
        "IP address       HW type     Flags       HW address            Mask     Device
10.1.0.21        0x1         0x2         02:00:0a:01:00:15     *        d0
10.1.0.22        0x1         0x0         00:00:00:00:00:00     *        d0
10.1.0.23        0x1         0x6         02:00:0a:01:00:17     *        d1
";

    fn ip(s: &str) -> Ipv4Addr {
        s.parse().unwrap()
    }

    #[test]
    fn a_neighbour_is_a_complete_entry() {
        let n = neighbours(TABLE);
        assert_eq!(
            n.get(&ip("10.1.0.21")),
            Some(&("d0".into(), [2, 0, 10, 1, 0, 0x15]))
        );
        assert_eq!(n.get(&ip("10.1.0.22")), None, "incomplete");
        assert_eq!(n.get(&ip("10.1.0.23")).map(|n| n.0.as_str()), Some("d1"));
        assert_eq!(n.get(&ip("10.1.0.24")), None);
        assert!(neighbours("").is_empty());
        assert!(neighbours("head\n1 2 3").is_empty());
    }

    #[test]
    fn the_table_is_read_once_a_while_and_a_quiet_server_is_not_asked_again_for_a_while() {
        let (vip, real) = (ip("10.1.0.10"), ip("10.1.0.21"));
        let t0 = std::time::Instant::now();
        let mut m = Memo::new();
        let reads = std::cell::Cell::new(0);
        let read = || {
            reads.set(reads.get() + 1);
            Ok(neighbours(TABLE))
        };
        let to = |n: Result<(String, Mac), Answer>| n.map(|n| n.0);
        assert_eq!(to(m.lookup(vip, real, t0, read)), Ok("d0".into()));
        // Within NEIGHBOURS_FOR: the same table, not read again.
        let soon = t0 + NEIGHBOURS_FOR / 2;
        assert!(matches!(
            m.lookup(vip, ip("10.1.0.99"), soon, read),
            Err(Answer::NotAsked(_))
        ));
        assert_eq!(reads.get(), 1);
        assert_eq!(
            to(m.lookup(vip, real, t0 + NEIGHBOURS_FOR, read)),
            Ok("d0".into())
        );
        assert_eq!(reads.get(), 2);
        // Quiet: not asked again for QUIET_FOR, for that VIP only.
        m.answered(vip, real, &Answer::Quiet, t0);
        assert_eq!(
            m.lookup(vip, real, t0 + QUIET_FOR / 2, read),
            Err(Answer::Quiet)
        );
        assert!(m
            .lookup(ip("10.1.0.11"), real, t0 + QUIET_FOR / 2, read)
            .is_ok());
        assert!(m.lookup(vip, real, t0 + QUIET_FOR, read).is_ok());
        // An answer (or a question that failed) forgets the quiet.
        m.answered(vip, real, &Answer::Quiet, t0);
        m.answered(vip, real, &Answer::Answers([2, 0, 0, 0, 0, 1]), t0);
        assert!(m.lookup(vip, real, t0 + QUIET_FOR / 2, read).is_ok());
        // A table that cannot be read: said, and tried again later.
        let mut m = Memo::new();
        let bad = || Err("/proc/net/arp: denied".to_string());
        assert_eq!(
            m.lookup(vip, real, t0, bad),
            Err(Answer::NotAsked("/proc/net/arp: denied".into()))
        );
        assert!(m.lookup(vip, real, t0 + NEIGHBOURS_FOR, read).is_ok());
    }

    #[test]
    fn the_probe_and_the_answer() {
        let vip: Ipv4Addr = "10.1.0.10".parse().unwrap();
        let own = [2, 0, 0, 0, 0, 1];
        let p = request(own, vip);
        assert_eq!(&p[..8], &[0, 1, 8, 0, 6, 4, 0, 1]);
        assert_eq!(&p[8..14], &own);
        assert_eq!(&p[14..18], &[0, 0, 0, 0], "a probe: no sender address");
        assert_eq!(&p[24..28], &vip.octets());
        // The request itself is not an answer; a reply for the VIP is.
        assert_eq!(answer_for(&p, vip), None);
        let real = [2, 0, 0, 0, 0, 2];
        let mut r = p;
        r[7] = 2;
        r[8..14].copy_from_slice(&real);
        r[14..18].copy_from_slice(&vip.octets());
        assert_eq!(answer_for(&r, vip), Some(real));
        assert_eq!(answer_for(&r, "10.1.0.11".parse().unwrap()), None);
        assert_eq!(answer_for(&r[..10], vip), None);
        assert_eq!(answer_for(&[], vip), None);
    }
}
