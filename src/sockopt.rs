//! The kernel's older IPVS interface, `getsockopt(IPPROTO_IP,
//! IP_VS_SO_GET_*)` on any IPv4 socket, used for one thing: reading the
//! destinations of IPv4 services without their counters, cheaply.
//!
//! A netlink `GET_DEST` dump costs the kernel a request skb, the generic
//! netlink lock, a one-page reply skb and a second one for `NLMSG_DONE`;
//! these two calls copy a few structs. They see less, though:
//! - only IPv4 services, and only their IPv4 destinations: a destination of
//!   another family is skipped silently, which shows as fewer entries than the
//!   service's `num_dests`;
//! - no tunnel type, port or flags;
//! - 32-bit counters.
//!
//! So [`Sockopt::destinations`] answers only when its answer is whole, and
//! otherwise says so; the handle then asks netlink. The structs are read
//! and written by byte offset; the offsets are checked against `repr(C)`
//! mirrors of the kernel's `<linux/ip_vs.h>` in the tests.

use crate::model::{DestConfig, Destination, Family, ForwardMethod, ServiceKey, Weight};
use nix::errno::Errno;
use nix::libc;
use std::net::{IpAddr, Ipv4Addr};
use std::os::fd::{AsRawFd, OwnedFd};

/// `IP_VS_BASE_CTL` (64 + 1024 + 64).
const BASE_CTL: libc::c_int = 1152;
/// `IP_VS_SO_GET_SERVICE`.
const GET_SERVICE: libc::c_int = BASE_CTL + 3;
/// `IP_VS_SO_GET_DESTS`.
const GET_DESTS: libc::c_int = BASE_CTL + 4;

/// `struct ip_vs_service_entry` (also `struct ip_vs_get_dests`' head, up
/// to `fwmark`): the service key's offsets.
mod svc {
    pub const PROTOCOL: usize = 0;
    pub const ADDR: usize = 4;
    pub const PORT: usize = 8;
    pub const FWMARK: usize = 12;
    /// `ip_vs_service_entry.num_dests`.
    pub const NUM_DESTS: usize = 44;
    /// `sizeof(struct ip_vs_service_entry)`.
    pub const SIZE: usize = 104;
}

/// `struct ip_vs_get_dests`.
mod get_dests {
    /// `num_dests`: how many entries the caller has room for.
    pub const NUM_DESTS: usize = 16;
    /// `entrytable`, and the struct's size without it.
    pub const TABLE: usize = 24;
}

/// `struct ip_vs_dest_entry`.
mod dest {
    pub const ADDR: usize = 0;
    pub const PORT: usize = 4;
    pub const CONN_FLAGS: usize = 8;
    pub const WEIGHT: usize = 12;
    pub const U_THRESHOLD: usize = 16;
    pub const L_THRESHOLD: usize = 20;
    pub const ACTIVE: usize = 24;
    pub const INACTIVE: usize = 28;
    pub const PERSIST: usize = 32;
    pub const SIZE: usize = 96;
}

/// The most destinations one service's answer is sized for (about 100 MB
/// of room); a larger count from the kernel goes to netlink.
const MAX_DESTS: usize = 1 << 20;

/// `IP_VS_CONN_F_FWD_MASK`.
const FWD_MASK: u32 = 7;

/// An IPv4 socket of the handle's namespace for the `IP_VS_SO_GET_*`
/// options, and a buffer reused across calls.
pub(crate) struct Sockopt {
    fd: OwnedFd,
    buf: Vec<u8>,
}

/// Read `N` bytes at `at`, zeros past the end (never, for the offsets
/// above within a sized buffer).
fn bytes<const N: usize>(b: &[u8], at: usize) -> [u8; N] {
    let mut out = [0u8; N];
    if let Some(s) = b.get(at..at + N) {
        out.copy_from_slice(s);
    }
    out
}

fn ne_u32(b: &[u8], at: usize) -> u32 {
    u32::from_ne_bytes(bytes(b, at))
}

fn put(b: &mut [u8], at: usize, v: &[u8]) {
    if let Some(s) = b.get_mut(at..at + v.len()) {
        s.copy_from_slice(v);
    }
}

/// Write the service key at the start of `b` (the layout both structs
/// share). `None` for keys the interface cannot name (not IPv4).
fn put_key(b: &mut [u8], key: &ServiceKey) -> Option<()> {
    match *key {
        ServiceKey::Addr {
            protocol,
            addr: IpAddr::V4(a),
            port,
        } => {
            put(b, svc::PROTOCOL, &protocol.to_raw().to_ne_bytes());
            put(b, svc::ADDR, &a.octets());
            put(b, svc::PORT, &port.to_be_bytes());
        }
        ServiceKey::Fwmark {
            mark,
            family: Family::Inet,
        } if mark != 0 => put(b, svc::FWMARK, &mark.to_ne_bytes()),
        _ => return None,
    }
    Some(())
}

impl Sockopt {
    /// An IPv4 datagram socket in the calling thread's namespace (any
    /// `AF_INET` socket reaches the IPVS options; no raw-socket right is
    /// needed, only `CAP_NET_ADMIN` for the calls).
    pub(crate) fn open() -> std::io::Result<Sockopt> {
        use nix::sys::socket::{socket, AddressFamily, SockFlag, SockType};
        let fd = socket(
            AddressFamily::Inet,
            SockType::Datagram,
            SockFlag::SOCK_CLOEXEC,
            None,
        )?;
        Ok(Sockopt {
            fd,
            buf: Vec::new(),
        })
    }

    /// `getsockopt` of `opt` with `self.buf` in and out, whose length the
    /// kernel checks exactly.
    fn get(&mut self, opt: libc::c_int) -> Result<(), Errno> {
        let mut len = libc::socklen_t::try_from(self.buf.len()).map_err(|_| Errno::E2BIG)?;
        // SAFETY: the pointer and length describe `self.buf`, which lives
        // through the call; the kernel writes at most `len` bytes.
        let rc = unsafe {
            libc::getsockopt(
                self.fd.as_raw_fd(),
                libc::IPPROTO_IP,
                opt,
                self.buf.as_mut_ptr().cast(),
                &mut len,
            )
        };
        Errno::result(rc).map(drop)
    }

    /// The destinations of `key` with everything but their counters and
    /// rates (left zero), or `Ok(None)` when this interface cannot give
    /// them whole: an IPv6 or other-family service, a destination of the
    /// other family, a tunnel destination (its type, port and flags are not
    /// here). A service that does not exist has no destinations, as in a
    /// netlink dump. An `Err` means the interface itself refused (no
    /// right, an older layout): use netlink from then on.
    pub(crate) fn destinations(
        &mut self,
        key: &ServiceKey,
    ) -> Result<Option<Vec<Destination>>, Errno> {
        // How many destinations the service has, all families counted.
        self.buf.clear();
        self.buf.resize(svc::SIZE, 0);
        if put_key(&mut self.buf, key).is_none() {
            return Ok(None);
        }
        match self.get(GET_SERVICE) {
            Err(Errno::ESRCH) => return Ok(Some(Vec::new())),
            r => r?,
        }
        let n = ne_u32(&self.buf, svc::NUM_DESTS) as usize;
        if n == 0 {
            return Ok(Some(Vec::new()));
        }
        if n > MAX_DESTS {
            // Not believable: leave it to netlink's bounded reads rather
            // than allocate for it.
            return Ok(None);
        }
        // Then room for exactly that many. Entries the kernel does not fill
        // stay zero, and no destination has the address 0.0.0.0.
        self.buf.truncate(get_dests::NUM_DESTS);
        self.buf.resize(get_dests::TABLE + n * dest::SIZE, 0);
        let room = u32::try_from(n).map_err(|_| Errno::E2BIG)?;
        put(&mut self.buf, get_dests::NUM_DESTS, &room.to_ne_bytes());
        match self.get(GET_DESTS) {
            Err(Errno::ESRCH) => return Ok(Some(Vec::new())),
            r => r?,
        }
        Ok(parse_dests(
            self.buf.get(get_dests::TABLE..).unwrap_or(&[]),
            n,
        ))
    }
}

/// The entries of a `GET_DESTS` answer (`table`, room for `n` made
/// zero beforehand), or `None` unless they are whole: `n` entries (fewer
/// means the kernel skipped destinations of the other family) and none a
/// tunnel (its type, port and flags are not in the entry).
fn parse_dests(table: &[u8], n: usize) -> Option<Vec<Destination>> {
    let mut out = Vec::with_capacity(n.min(table.len() / dest::SIZE));
    for e in table.chunks_exact(dest::SIZE).take(n) {
        let addr = Ipv4Addr::from(bytes::<4>(e, dest::ADDR));
        if addr.is_unspecified() {
            break;
        }
        let forward = ForwardMethod::from_raw(ne_u32(e, dest::CONN_FLAGS) & FWD_MASK);
        if forward == ForwardMethod::Tunnel {
            return None;
        }
        // A weight the model cannot hold (never seen: the kernel refuses
        // negative ones) sends the service to netlink.
        let weight = Weight::new(ne_u32(e, dest::WEIGHT))?;
        let config = DestConfig::new(forward)
            .with_weight(weight)
            .with_thresholds(ne_u32(e, dest::U_THRESHOLD), ne_u32(e, dest::L_THRESHOLD));
        let mut d = Destination::new(
            (addr, u16::from_be_bytes(bytes(e, dest::PORT))).into(),
            config,
        );
        d.status.active_conns = ne_u32(e, dest::ACTIVE);
        d.status.inactive_conns = ne_u32(e, dest::INACTIVE);
        d.status.persist_conns = ne_u32(e, dest::PERSIST);
        out.push(d);
    }
    (out.len() == n).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::mem::{offset_of, size_of};

    /// `struct ip_vs_stats_user`, for its size and alignment.
    #[repr(C)]
    #[allow(dead_code)]
    struct StatsUser {
        conns: u32,
        inpkts: u32,
        outpkts: u32,
        inbytes: u64,
        outbytes: u64,
        cps: u32,
        inpps: u32,
        outpps: u32,
        inbps: u32,
        outbps: u32,
    }

    #[repr(C)]
    #[allow(dead_code)]
    struct ServiceEntry {
        protocol: u16,
        addr: u32,
        port: u16,
        fwmark: u32,
        sched_name: [u8; 16],
        flags: u32,
        timeout: u32,
        netmask: u32,
        num_dests: u32,
        stats: StatsUser,
    }

    #[repr(C)]
    #[allow(dead_code)]
    struct GetDests {
        protocol: u16,
        addr: u32,
        port: u16,
        fwmark: u32,
        num_dests: u32,
        entrytable: [DestEntry; 0],
    }

    #[repr(C)]
    #[allow(dead_code)]
    struct DestEntry {
        addr: u32,
        port: u16,
        conn_flags: u32,
        weight: i32,
        u_threshold: u32,
        l_threshold: u32,
        activeconns: u32,
        inactconns: u32,
        persistconns: u32,
        stats: StatsUser,
    }

    /// Each listed field of `$t` is at its offset constant.
    macro_rules! assert_offsets {
        ($t:ty { $($field:ident: $at:expr),* $(,)? }) => {
            $(assert_eq!(
                offset_of!($t, $field),
                $at,
                concat!(stringify!($t), ".", stringify!($field))
            );)*
        };
    }

    #[test]
    fn offsets_match_the_kernel_structs() {
        assert_offsets!(ServiceEntry {
            protocol: svc::PROTOCOL,
            addr: svc::ADDR,
            port: svc::PORT,
            fwmark: svc::FWMARK,
            num_dests: svc::NUM_DESTS,
        });
        assert_eq!(size_of::<ServiceEntry>(), svc::SIZE);
        // The get_dests head names the service as the service entry does.
        assert_offsets!(GetDests {
            protocol: svc::PROTOCOL,
            addr: svc::ADDR,
            port: svc::PORT,
            fwmark: svc::FWMARK,
            num_dests: get_dests::NUM_DESTS,
            entrytable: get_dests::TABLE,
        });
        assert_eq!(size_of::<GetDests>(), get_dests::TABLE);
        assert_offsets!(DestEntry {
            addr: dest::ADDR,
            port: dest::PORT,
            conn_flags: dest::CONN_FLAGS,
            weight: dest::WEIGHT,
            u_threshold: dest::U_THRESHOLD,
            l_threshold: dest::L_THRESHOLD,
            activeconns: dest::ACTIVE,
            inactconns: dest::INACTIVE,
            persistconns: dest::PERSIST,
        });
        assert_eq!(size_of::<DestEntry>(), dest::SIZE);
    }

    #[test]
    fn keys_are_written_in_the_kernels_byte_orders() {
        let mut b = vec![0u8; svc::SIZE];
        let key = ServiceKey::tcp("192.0.2.1:8080".parse().unwrap());
        assert_eq!(put_key(&mut b, &key), Some(()));
        assert_eq!(&b[svc::PROTOCOL..svc::PROTOCOL + 2], &6u16.to_ne_bytes());
        assert_eq!(&b[svc::ADDR..svc::ADDR + 4], &[192, 0, 2, 1]);
        assert_eq!(&b[svc::PORT..svc::PORT + 2], &[0x1f, 0x90]);
        assert_eq!(ne_u32(&b, svc::FWMARK), 0);

        let mut b = vec![0u8; svc::SIZE];
        let fwm = ServiceKey::Fwmark {
            mark: 7,
            family: Family::Inet,
        };
        assert_eq!(put_key(&mut b, &fwm), Some(()));
        assert_eq!(ne_u32(&b, svc::FWMARK), 7);
        assert_eq!(&b[svc::ADDR..svc::ADDR + 4], &[0; 4]);
    }

    /// Against the kernel (inside the project's VM only, in a namespace of
    /// its own): what the older interface answers, and what it leaves.
    #[test]
    fn the_kernel_answers_whole_or_not_at_all() {
        use crate::{
            Change, DestConfig, Destination, Ipvs, Service, TunnelFlags, TunnelType, Weight,
        };
        if std::env::var("RVSADM_VM").as_deref() != Ok("1") {
            eprintln!("SKIPPED: kernel test, runs inside the VM (scripts/vm)");
            return;
        }
        nix::sched::unshare(nix::sched::CloneFlags::CLONE_NEWNET).unwrap();
        let up = std::process::Command::new("ip")
            .args(["link", "set", "lo", "up"])
            .status()
            .unwrap();
        assert!(up.success());
        let ipvs = Ipvs::connect().unwrap();
        let sa = |s: &str| s.parse::<std::net::SocketAddr>().unwrap();
        let plain = ServiceKey::tcp(sa("192.0.2.1:80"));
        let tunnel = ServiceKey::tcp(sa("192.0.2.2:80"));
        let mixed = ServiceKey::tcp(sa("192.0.2.3:80"));
        let v6 = ServiceKey::tcp(sa("[2001:db8::1]:80"));
        let fwm = ServiceKey::Fwmark {
            mark: 9,
            family: Family::Inet,
        };
        let one = Destination::new(
            sa("10.0.0.1:8080"),
            DestConfig::new(ForwardMethod::Masq)
                .with_weight(Weight::from(3u16))
                .with_thresholds(50, 5),
        );
        let two = Destination::new(
            sa("10.0.0.2:80"),
            DestConfig::default().with_weight(Weight::ZERO),
        );
        let gue = Destination::new(
            sa("10.0.0.3:80"),
            DestConfig::new(ForwardMethod::Tunnel).with_tunnel(
                TunnelType::Gue,
                6080,
                TunnelFlags::NOCSUM,
            ),
        );
        let far = Destination::new(
            sa("[2001:db8::3]:80"),
            DestConfig::new(ForwardMethod::Tunnel),
        );
        let mut ops = Vec::new();
        for k in [plain, tunnel, mixed, v6, fwm] {
            ops.push(Change::AddService(Service::new(k)));
        }
        ops.push(Change::AddDestination(plain, one.spec()));
        ops.push(Change::AddDestination(plain, two.spec()));
        ops.push(Change::AddDestination(fwm, two.spec()));
        ops.push(Change::AddDestination(tunnel, gue.spec()));
        ops.push(Change::AddDestination(mixed, one.spec()));
        ops.push(Change::AddDestination(mixed, far.spec()));
        ops.push(Change::add_destination(
            v6,
            sa("[2001:db8::2]:80"),
            DestConfig::default(),
        ));
        for r in ipvs.apply_batch(&ops).unwrap() {
            r.unwrap();
        }

        let mut s = Sockopt::open().unwrap();
        let got = s.destinations(&plain).unwrap().expect("answered");
        // The kernel lists the newest first.
        assert_eq!(got, vec![two.clone(), one]);
        assert_eq!(s.destinations(&fwm).unwrap(), Some(vec![two]));
        assert_eq!(s.destinations(&tunnel).unwrap(), None);
        assert_eq!(s.destinations(&mixed).unwrap(), None);
        assert_eq!(s.destinations(&v6).unwrap(), None);
        let missing = ServiceKey::udp(sa("192.0.2.1:80"));
        assert_eq!(s.destinations(&missing).unwrap(), Some(vec![]));
    }

    #[test]
    fn entries_are_read_in_the_kernels_byte_orders() {
        let mut e = vec![0u8; dest::SIZE];
        put(&mut e, dest::ADDR, &[10, 0, 0, 7]);
        put(&mut e, dest::PORT, &8080u16.to_be_bytes());
        put(&mut e, dest::CONN_FLAGS, &0x0100u32.to_ne_bytes()); // MASQ + a non-method bit
        put(&mut e, dest::WEIGHT, &5i32.to_ne_bytes());
        put(&mut e, dest::U_THRESHOLD, &100u32.to_ne_bytes());
        put(&mut e, dest::L_THRESHOLD, &10u32.to_ne_bytes());
        put(&mut e, dest::ACTIVE, &3u32.to_ne_bytes());
        put(&mut e, dest::INACTIVE, &4u32.to_ne_bytes());
        put(&mut e, dest::PERSIST, &2u32.to_ne_bytes());
        let got = parse_dests(&e, 1).unwrap();
        let mut want = Destination::new(
            "10.0.0.7:8080".parse().unwrap(),
            DestConfig::new(ForwardMethod::Masq)
                .with_weight(Weight::from(5u16))
                .with_thresholds(100, 10),
        );
        want.status.active_conns = 3;
        want.status.inactive_conns = 4;
        want.status.persist_conns = 2;
        assert_eq!(got, vec![want]);
        // Room for two, one filled: the other was of another family.
        e.resize(2 * dest::SIZE, 0);
        assert_eq!(parse_dests(&e, 2), None);
        // A tunnel: not whole here.
        put(&mut e, dest::CONN_FLAGS, &2u32.to_ne_bytes());
        assert_eq!(parse_dests(&e[..dest::SIZE], 1), None);
    }

    proptest::proptest! {
        #[test]
        fn any_answer_parses_without_panic(
            table in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..600),
            n in 0usize..8,
        ) {
            if let Some(d) = parse_dests(&table, n) {
                proptest::prop_assert_eq!(d.len(), n);
            }
        }
    }

    #[test]
    fn keys_it_cannot_name_are_left_to_netlink() {
        let mut b = vec![0u8; svc::SIZE];
        let v6 = ServiceKey::tcp("[2001:db8::1]:80".parse().unwrap());
        assert_eq!(put_key(&mut b, &v6), None);
        let fwm6 = ServiceKey::Fwmark {
            mark: 7,
            family: Family::Inet6,
        };
        assert_eq!(put_key(&mut b, &fwm6), None);
    }
}
