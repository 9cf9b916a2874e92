//! The kernel's older IPVS interface, `getsockopt(IPPROTO_IP,
//! IP_VS_SO_GET_*)` on any IPv4 socket, used for one thing: reading the
//! destinations of IPv4 services without their counters, cheaply.
//!
//! A netlink `GET_DEST` dump costs the kernel a request skb, the generic
//! netlink lock, a one-page reply skb and a second one for `NLMSG_DONE`;
//! these two calls copy a few structs (and one `GET_SERVICES` call gives the
//! destination count of every IPv4 service at once, [`DestCounts`]). They
//! see less, though:
//! - only IPv4 services, and only their IPv4 destinations: a destination of
//!   another family is skipped silently, which shows as fewer entries than the
//!   service's `num_dests`;
//! - no tunnel type, port or flags;
//! - 32-bit counters.
//!
//! So [`Sockopt::destinations`] answers only when its answer is whole, and
//! otherwise says so; the handle then asks netlink.
//!
//! This file holds the socket and its calls; [`layout`] the kernel's
//! structs (read and written by byte offset, the offsets checked against
//! `repr(C)` mirrors of the kernel's `<linux/ip_vs.h>` in `tests.rs`) and
//! the parsing of the answers.

mod layout;
#[cfg(test)]
mod tests;

use crate::model::{Destination, ServiceKey};
pub(crate) use layout::DestCounts;
use layout::{
    dest, get_dests, get_services, info, ne_u32, parse_dests, parse_services, put, put_key, svc,
    GET_DESTS, GET_INFO, GET_SERVICE, GET_SERVICES, MAX_DESTS, MAX_SERVICES,
};
use nix::errno::Errno;
use nix::libc;
use std::os::fd::{AsRawFd, OwnedFd};

/// An IPv4 socket of the handle's namespace for the `IP_VS_SO_GET_*`
/// options, and a buffer reused across calls.
pub(crate) struct Sockopt {
    fd: OwnedFd,
    buf: Vec<u8>,
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
        call(&self.fd, opt, &mut self.buf)
    }

    /// The kernel's count of destinations (all families) of every IPv4
    /// service, in one `GET_SERVICES` call (after a `GET_INFO` for its
    /// size), or `Ok(None)` when the answer may not hold them all (the
    /// table grew past the room asked for in between), or when the
    /// table has more than `most` IPv4 services (`GET_INFO`'s count, of
    /// IPv4 services only): for reading a few services of a large table,
    /// counting each is cheaper. The
    /// answer's buffer (104 bytes a service) is freed before returning.
    pub(crate) fn dest_counts(&mut self, most: usize) -> Result<Option<DestCounts>, Errno> {
        self.buf.clear();
        self.buf.resize(info::SIZE, 0);
        self.get(GET_INFO)?;
        let n = ne_u32(&self.buf, info::NUM_SERVICES) as usize;
        if n > MAX_SERVICES || n > most {
            return Ok(None);
        }
        // Room for a few services added since; entries the kernel does not
        // fill stay zero, and no service has protocol 0 and mark 0.
        let room = n + n / 8 + 8;
        let mut buf = vec![0u8; get_services::TABLE + room * svc::SIZE];
        let room32 = u32::try_from(room).map_err(|_| Errno::E2BIG)?;
        put(&mut buf, get_services::NUM_SERVICES, &room32.to_ne_bytes());
        call(&self.fd, GET_SERVICES, &mut buf)?;
        Ok(parse_services(
            buf.get(get_services::TABLE..).unwrap_or(&[]),
            room,
        ))
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
        let n = ne_u32(&self.buf, svc::NUM_DESTS);
        if n == 0 {
            return Ok(Some(Vec::new()));
        }
        self.destinations_counted(key, n)
    }

    /// Like [`Sockopt::destinations`], with the service's count of
    /// destinations `n` known already (from [`DestCounts`]): one call. The
    /// answer has room for one more, so that a destination of the service's
    /// family added since the count shows (as more than `n`); one removed
    /// since, or one of the other family, shows as fewer. Either is not
    /// whole, `Ok(None)`.
    pub(crate) fn destinations_counted(
        &mut self,
        key: &ServiceKey,
        n: u32,
    ) -> Result<Option<Vec<Destination>>, Errno> {
        let n = n as usize;
        if n > MAX_DESTS {
            // Not believable: leave it to netlink's bounded reads rather
            // than allocate for it.
            return Ok(None);
        }
        // Room for one more than that. Entries the kernel does not fill
        // stay zero, and no destination has the address 0.0.0.0.
        let room = n + 1;
        self.buf.clear();
        self.buf.resize(get_dests::TABLE + room * dest::SIZE, 0);
        if put_key(&mut self.buf, key).is_none() {
            return Ok(None);
        }
        let room32 = u32::try_from(room).map_err(|_| Errno::E2BIG)?;
        put(&mut self.buf, get_dests::NUM_DESTS, &room32.to_ne_bytes());
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

/// `getsockopt(IPPROTO_IP, opt)` with `buf` in and out, whose length the
/// kernel checks exactly.
fn call(fd: &OwnedFd, opt: libc::c_int, buf: &mut [u8]) -> Result<(), Errno> {
    let mut len = libc::socklen_t::try_from(buf.len()).map_err(|_| Errno::E2BIG)?;
    // SAFETY: the pointer and length describe `buf`, which lives through
    // the call; the kernel writes at most `len` bytes.
    let rc = unsafe {
        libc::getsockopt(
            fd.as_raw_fd(),
            libc::IPPROTO_IP,
            opt,
            buf.as_mut_ptr().cast(),
            &mut len,
        )
    };
    Errno::result(rc).map(drop)
}
