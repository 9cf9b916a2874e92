//! Opening a `NETLINK_GENERIC` socket (neli's raw [`NlSocket`]): receive
//! buffer, receive timeout, and the batch window the buffer allows.

use super::netns::{run_in, Netns};
use crate::error::Result;
use neli::consts::socket::NlFamily;
use neli::socket::NlSocket;
use neli::utils::Groups;
use nix::sys::socket::{setsockopt, sockopt};
use nix::sys::time::TimeVal;
use std::io;
use std::os::fd::{AsRawFd, BorrowedFd};
use std::time::Duration;

/// Receive buffer size asked for (`SO_RCVBUFFORCE`, else `SO_RCVBUF`).
const RCVBUF: usize = 4 << 20;

/// Open a netlink socket in `ns`.
pub(super) fn open_in(ns: Option<&Netns>, timeout: Duration) -> Result<(NlSocket, u32, usize)> {
    run_in(ns, || open(timeout))
}

/// Opened socket plus its port id and batch window.
pub(super) fn open(timeout: Duration) -> Result<(NlSocket, u32, usize)> {
    let sock = NlSocket::connect(NlFamily::Generic, None, Groups::empty())?;
    let pid = sock.pid()?;
    let fd = borrow(&sock);
    set_timeout_fd(&fd, timeout)?;
    // Room for many ACKs: force past rmem_max when allowed (CAP_NET_ADMIN),
    // else take what rmem_max grants.
    if setsockopt(&fd, sockopt::RcvBufForce, &RCVBUF).is_err() {
        setsockopt(&fd, sockopt::RcvBuf, &RCVBUF).map_err(io::Error::from)?;
    }
    let granted = nix::sys::socket::getsockopt(&fd, sockopt::RcvBuf).unwrap_or(212_992);
    // An ACK costs well under 2 KiB of receive buffer (skb overhead
    // included); keep a safety factor of two.
    let window = (granted / 4096).clamp(16, 1024);
    Ok((sock, pid, window))
}

pub(super) fn borrow(sock: &NlSocket) -> BorrowedFd<'_> {
    // SAFETY: the descriptor is owned by `sock`, open for its whole life,
    // and the borrow cannot outlive `sock`.
    unsafe { BorrowedFd::borrow_raw(sock.as_raw_fd()) }
}

pub(super) fn set_timeout_fd(fd: &BorrowedFd<'_>, d: Duration) -> Result<()> {
    // A zero SO_RCVTIMEO would mean "block forever": use the smallest
    // positive timeout instead.
    let d = d.max(Duration::from_micros(1));
    let tv = TimeVal::new(
        i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        i64::from(d.subsec_micros()),
    );
    setsockopt(fd, sockopt::ReceiveTimeout, &tv).map_err(io::Error::from)?;
    Ok(())
}
