//! The netlink transport: one `NETLINK_GENERIC` socket (neli's raw
//! [`NlSocket`]), the resolved `IPVS` family id, sequence numbering, stale
//! reply filtering, receive timeouts and pipelined batches.
//!
//! Every receive is bounded by `SO_RCVTIMEO`; a timeout or a lost message
//! (`ENOBUFS`) marks the socket as out of sync, and the next request opens a
//! fresh socket (the family id is kept) so that no late reply of an earlier
//! request can be mistaken for a new one.

//!
//! | file | what |
//! |---|---|
//! | this file | [`Transport`]: connecting (the `IPVS` family lookup), siblings, timeouts, sequence numbers |
//! | `open.rs` | opening a socket: receive buffer, timeout, batch window |
//! | `netns.rs` | the namespace a transport's sockets are opened in |
//! | `recv.rs` | one request: send, `recvmmsg`, the reply state machine, dumps |
//! | `batch.rs` | pipelined batches of changes |

mod batch;
mod netns;
mod open;
mod recv;

#[cfg(any(test, fuzzing))]
pub(crate) use recv::classify;

use super::codec::{
    decode_family_id, getfamily_attrs, CTRL_CMD_GETFAMILY, GENL_ID_CTRL, IPVS_GENL_NAME,
};
use crate::error::{Error, Op, Result};
use crate::netlink::attr::{malformed, DecodeError};
use neli::socket::NlSocket;
use netns::{run_in, Netns};
use open::{borrow, open, open_in, set_timeout_fd};
use recv::{initial_slot, MAX_SLOT, SLOTS};
use std::time::Duration;

/// Default receive timeout.
pub(crate) const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// The wire transport. Not thread-safe by itself; [`crate::Ipvs`] keeps it
/// behind a mutex.
pub(crate) struct Transport {
    sock: NlSocket,
    pid: u32,
    seq: u32,
    family: u16,
    timeout: Duration,
    /// Most requests in flight in one batch send (derived from the receive
    /// buffer the kernel granted, so their ACKs always fit).
    window: usize,
    /// Receive size per datagram (see [`recv::initial_slot`]).
    slot: usize,
    /// `SLOTS` receive slots of `slot` bytes each.
    buf: Vec<u8>,
    /// Lengths of the datagrams of the last receive, one per slot.
    lens: Vec<usize>,
    /// A datagram came truncated since the last [`Transport::take_truncated`].
    truncated: bool,
    /// The socket may hold replies of an abandoned request: reopen first.
    dirty: bool,
    /// Where replacement and sibling sockets are opened.
    netns: Option<Netns>,
    /// Reused for framing single requests.
    sendbuf: Vec<u8>,
}

impl Transport {
    /// Open a socket and resolve the `IPVS` family. Its receive slots are
    /// large ([`MAX_SLOT`]): a multi-part dump (of services) then takes few
    /// parts, and the kernel resumes each part by walking its service table
    /// from the start, so part count matters. Use [`Transport::sibling`]
    /// for many small dumps.
    pub(crate) fn connect(timeout: Duration) -> Result<Transport> {
        let netns = Netns::current();
        let mut t = Transport::new(open(timeout)?, 0, timeout, netns, MAX_SLOT);
        let mut id = None;
        let attrs = getfamily_attrs(IPVS_GENL_NAME);
        let r = t.request_raw(
            Op::Connect,
            GENL_ID_CTRL,
            CTRL_CMD_GETFAMILY,
            1,
            false,
            &attrs,
            &mut |_, a| {
                id = Some(decode_family_id(a).map_err(malformed(Op::Connect))?);
                Ok(())
            },
        );
        match r {
            Ok(()) => {}
            Err(Error::Kernel { errno, .. }) if errno == nix::libc::ENOENT => {
                return Err(Error::IpvsUnavailable)
            }
            Err(e) => return Err(e),
        }
        t.family = id.ok_or_else(|| {
            DecodeError::new("no reply to the family lookup").malformed(Op::Connect)
        })?;
        Ok(t)
    }

    /// Another transport on a socket of its own, for the same family (no
    /// lookup), namespace and timeout, with the [small
    /// slots](initial_slot) that suit many short dumps.
    pub(crate) fn sibling(&self) -> Result<Transport> {
        Ok(Transport::new(
            open_in(self.netns.as_ref(), self.timeout)?,
            self.family,
            self.timeout,
            self.netns.clone(),
            initial_slot(),
        ))
    }

    /// Run `f`, which opens a socket of another kind, in this transport's
    /// namespace.
    pub(crate) fn in_netns<T: Send>(&self, f: impl FnOnce() -> Result<T> + Send) -> Result<T> {
        run_in(self.netns.as_ref(), f)
    }

    /// A transport on an opened socket (see [`open`]).
    fn new(
        (sock, pid, window): (NlSocket, u32, usize),
        family: u16,
        timeout: Duration,
        netns: Option<Netns>,
        slot: usize,
    ) -> Transport {
        let mut t = Transport {
            sock,
            pid,
            seq: initial_seq(),
            family,
            timeout,
            window,
            slot: 0,
            buf: Vec::new(),
            lens: Vec::with_capacity(SLOTS),
            truncated: false,
            dirty: false,
            netns,
            sendbuf: Vec::new(),
        };
        t.set_slot(slot);
        t
    }

    /// The resolved IPVS family id.
    #[cfg(test)]
    pub(crate) fn family(&self) -> u16 {
        self.family
    }

    /// Change the receive timeout.
    pub(crate) fn set_timeout(&mut self, d: Duration) -> Result<()> {
        self.timeout = d;
        set_timeout_fd(&borrow(&self.sock), d)
    }

    fn next_seq(&mut self) -> u32 {
        self.seq = self.seq.wrapping_add(1);
        self.seq
    }

    /// Replace a socket that may hold stale replies.
    fn reopen_if_dirty(&mut self) -> Result<()> {
        if self.dirty {
            let (sock, pid, window) = open_in(self.netns.as_ref(), self.timeout)?;
            self.sock = sock;
            self.pid = pid;
            self.window = window;
            self.dirty = false;
        }
        Ok(())
    }

    /// Whether a reply came truncated since the last call (the slot has
    /// been raised since, so running the same read again succeeds).
    pub(crate) fn take_truncated(&mut self) -> bool {
        std::mem::take(&mut self.truncated)
    }
}

#[cfg(test)]
impl Transport {
    /// A transport on the controller family only (no IPVS needed: runs on
    /// any Linux host), with receive slots of `slot` bytes.
    pub(crate) fn controller(timeout: Duration, slot: usize) -> Transport {
        let opened = open(timeout).expect("netlink socket");
        Transport::new(opened, GENL_ID_CTRL, timeout, Netns::current(), slot)
    }

    /// Dump every generic netlink family; returns how many there are.
    pub(crate) fn count_families(&mut self) -> Result<usize> {
        let mut n = 0;
        self.request_raw(
            Op::Connect,
            GENL_ID_CTRL,
            CTRL_CMD_GETFAMILY,
            1,
            true,
            &[],
            &mut |_, _| {
                n += 1;
                Ok(())
            },
        )?;
        Ok(n)
    }
}

/// A starting sequence number that differs between handles and runs, so
/// replies meant for an earlier socket with the same port id cannot match.
fn initial_seq() -> u32 {
    use std::time::{SystemTime, UNIX_EPOCH};
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as u32)
        .unwrap_or(1);
    now ^ std::process::id().rotate_left(16)
}

#[cfg(test)]
mod tests {
    use super::recv::{datagram, Step};
    use super::*;
    use crate::netlink::codec::{
        frame, NlMsgs, Request, NLMSG_DONE, NLMSG_ERROR, NLMSG_NOOP, NLM_F_ACK, NLM_F_DUMP,
        NLM_F_REQUEST,
    };
    use nix::sys::socket::{setsockopt, sockopt};

    fn msg(ty: u16, seq: u32, pid: u32, payload: &[u8]) -> Vec<u8> {
        let mut v = Vec::new();
        v.extend_from_slice(&((16 + payload.len()) as u32).to_ne_bytes());
        v.extend_from_slice(&ty.to_ne_bytes());
        v.extend_from_slice(&0u16.to_ne_bytes());
        v.extend_from_slice(&seq.to_ne_bytes());
        v.extend_from_slice(&pid.to_ne_bytes());
        v.extend_from_slice(payload);
        v
    }

    /// A transport on the controller family only (no IPVS needed: these run
    /// on any Linux host).
    fn ctrl_transport(timeout: Duration) -> Transport {
        Transport::controller(timeout, initial_slot())
    }

    fn resolve(t: &mut Transport, name: &str) -> Result<u16> {
        let mut id = None;
        t.request_raw(
            Op::Connect,
            GENL_ID_CTRL,
            CTRL_CMD_GETFAMILY,
            1,
            false,
            &getfamily_attrs(name),
            &mut |_, a| {
                id = decode_family_id(a).ok();
                Ok(())
            },
        )?;
        Ok(id.unwrap())
    }

    #[test]
    fn missing_family_is_an_error_and_nlctrl_resolves() {
        let mut t = ctrl_transport(DEFAULT_TIMEOUT);
        assert_eq!(resolve(&mut t, "nlctrl").unwrap(), GENL_ID_CTRL);
        let e = resolve(&mut t, "no-such-family").unwrap_err();
        assert_eq!(e.errno(), Some(nix::libc::ENOENT), "{e:?}");
        // Still in step afterwards.
        assert_eq!(resolve(&mut t, "nlctrl").unwrap(), GENL_ID_CTRL);
    }

    #[test]
    fn replies_to_earlier_requests_are_discarded() {
        let mut t = ctrl_transport(DEFAULT_TIMEOUT);
        // Two requests whose replies (errors) are never read...
        for _ in 0..2 {
            let seq = t.next_seq();
            let m = frame(
                GENL_ID_CTRL,
                NLM_F_REQUEST | NLM_F_ACK,
                seq,
                t.pid,
                CTRL_CMD_GETFAMILY,
                1,
                &getfamily_attrs("no-such-family"),
            );
            t.send_all(&m).unwrap();
        }
        // ...are skipped by the next request, which gets its own answer.
        assert_eq!(resolve(&mut t, "nlctrl").unwrap(), GENL_ID_CTRL);
        assert!(!t.dirty);
    }

    #[test]
    fn a_reply_that_never_comes_is_a_timeout_not_a_hang() {
        let timeout = Duration::from_millis(100);
        let mut t = ctrl_transport(timeout);
        // NLMSG_NOOP without NLM_F_ACK: the kernel answers nothing.
        let m = frame(NLMSG_NOOP, NLM_F_REQUEST, t.next_seq(), t.pid, 0, 0, &[]);
        t.send_all(&m).unwrap();
        let start = std::time::Instant::now();
        let e = t.recv_many(Op::GetInfo).unwrap_err();
        assert!(
            matches!(e, Error::Timeout { op: Op::GetInfo, after } if after == timeout),
            "{e:?}"
        );
        assert!(start.elapsed() < Duration::from_secs(3));
        assert!(t.dirty, "a timed-out socket is replaced before reuse");
        let old_pid = t.pid;
        assert_eq!(resolve(&mut t, "nlctrl").unwrap(), GENL_ID_CTRL);
        assert_ne!(t.pid, old_pid);
        // And the timeout can be changed.
        t.set_timeout(Duration::from_secs(1)).unwrap();
        assert_eq!(resolve(&mut t, "nlctrl").unwrap(), GENL_ID_CTRL);
    }

    #[test]
    fn lost_acks_are_unconfirmed_and_the_socket_recovers() {
        // A receive buffer far too small for the replies of a large window:
        // the kernel drops replies (ENOBUFS), so the requests whose ACK was
        // lost are reported as unconfirmed, never as done or failed, and the
        // next request runs on a fresh socket.
        let mut t = ctrl_transport(DEFAULT_TIMEOUT);
        setsockopt(&borrow(&t.sock), sockopt::RcvBuf, &0usize).unwrap();
        t.window = 1000;
        let reqs: Vec<Request> = (0..1000)
            .map(|_| Request {
                op: Op::AddService,
                cmd: CTRL_CMD_GETFAMILY,
                dump: false,
                attrs: getfamily_attrs("nlctrl"),
            })
            .collect();
        let r = t.batch(&reqs).unwrap();
        assert_eq!(r.len(), 1000);
        let lost: Vec<&Error> = r.iter().filter_map(|r| r.as_ref().err()).collect();
        assert!(!lost.is_empty(), "no reply was dropped");
        for e in &lost {
            assert_eq!(e.code(), "unconfirmed", "{e}");
            assert_eq!(e.number(), 5);
        }
        assert_eq!(resolve(&mut t, "nlctrl").unwrap(), GENL_ID_CTRL);
    }

    #[test]
    fn batch_on_the_controller_correlates_acks() {
        // Pipelined requests with per-message results, on a family every
        // kernel has: unknown-family lookups fail, the rest succeed. More
        // requests than one window, so several sends and reads.
        let mut t = ctrl_transport(DEFAULT_TIMEOUT);
        let n = t.window * 2 + 7;
        let reqs: Vec<Request> = (0..n)
            .map(|i| Request {
                op: Op::Connect,
                cmd: CTRL_CMD_GETFAMILY,
                dump: false,
                attrs: getfamily_attrs(if i % 10 == 3 {
                    "no-such-family"
                } else {
                    "nlctrl"
                }),
            })
            .collect();
        // The controller expects version 1 like IPVS, so the batch framing
        // (IPVS_GENL_VERSION) fits.
        let r = t.batch(&reqs).unwrap();
        assert_eq!(r.len(), n);
        for (i, r) in r.iter().enumerate() {
            if i % 10 == 3 {
                assert_eq!(
                    r.as_ref().unwrap_err().errno(),
                    Some(nix::libc::ENOENT),
                    "{i}"
                );
            } else {
                assert!(r.is_ok(), "{i}: {r:?}");
            }
        }
        // Replies carrying data (GETFAMILY answers) were skipped; the socket
        // is still in step.
        assert_eq!(resolve(&mut t, "nlctrl").unwrap(), GENL_ID_CTRL);
    }

    #[test]
    fn host_without_ipvs_reports_unavailable() {
        // The build machines have no IPVS (then the lookup must say so);
        // inside the VM it resolves (and then IPVS is visibly loaded).
        match Transport::connect(DEFAULT_TIMEOUT) {
            Ok(t) => {
                assert!(t.family() > GENL_ID_CTRL);
                assert!(std::path::Path::new("/proc/net/ip_vs").exists());
            }
            Err(e) => {
                assert!(matches!(e, Error::IpvsUnavailable), "{e:?}");
                assert_eq!(e.code(), "ipvs_unavailable");
                assert!(e.to_string().contains("modprobe ip_vs"));
            }
        }
    }

    #[test]
    fn a_truncated_dump_raises_the_slot_and_the_next_run_is_whole() {
        // Slots far smaller than the kernel's dump skbs: the first family
        // dump comes truncated, is reported as such, and raises the slot;
        // the same dump then succeeds on the replacement socket.
        let whole = ctrl_transport(DEFAULT_TIMEOUT).count_families().unwrap();
        assert!(whole > 1, "{whole}");
        let mut t = Transport::controller(DEFAULT_TIMEOUT, 256);
        let e = t.count_families().unwrap_err();
        assert_eq!(e.code(), "malformed_reply", "{e}");
        assert!(e.to_string().contains("truncated"), "{e}");
        assert!(t.take_truncated());
        assert!(!t.take_truncated(), "reported once");
        assert_eq!(t.slot, MAX_SLOT);
        assert_eq!(t.count_families().unwrap(), whole);
        assert!(!t.take_truncated());
    }

    #[test]
    fn one_receive_takes_many_datagrams() {
        // A family dump spans several skbs; each receive takes all that
        // are queued (the kernel queues the next part as the previous one
        // is read), so fewer receives than datagrams.
        let mut t = ctrl_transport(DEFAULT_TIMEOUT);
        let seq = t.next_seq();
        let m = frame(
            GENL_ID_CTRL,
            NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP,
            seq,
            t.pid,
            CTRL_CMD_GETFAMILY,
            1,
            &[],
        );
        t.send_all(&m).unwrap();
        let mut most = 0;
        let mut done = false;
        while !done {
            let n = t.recv_many(Op::Connect).unwrap();
            most = most.max(n);
            for k in 0..n {
                let d = datagram(&t.buf, t.slot, &t.lens, k);
                assert!(!d.is_empty() && d.len() <= t.slot);
                done |= NlMsgs::new(d).any(|m| m.is_ok_and(|m| m.ty == NLMSG_DONE));
            }
        }
        assert!(most >= 2, "one datagram per receive: {most}");
    }

    #[test]
    fn stale_replies_are_skipped() {
        let b = msg(NLMSG_ERROR, 7, 42, &(-17i32).to_ne_bytes());
        let m = NlMsgs::new(&b).next().unwrap().unwrap();
        assert!(matches!(classify(&m, 42, 8, false), Ok(Step::Skip)));
        assert!(matches!(classify(&m, 42, 7, false), Ok(Step::Fail(17))));
        assert!(matches!(classify(&m, 43, 7, false), Ok(Step::Skip)));
        let done = msg(NLMSG_DONE, 7, 42, &0i32.to_ne_bytes());
        let m = NlMsgs::new(&done).next().unwrap().unwrap();
        assert!(matches!(classify(&m, 42, 7, true), Ok(Step::Done)));
        let data = msg(0x20, 7, 42, &[1, 1, 0, 0]);
        let m = NlMsgs::new(&data).next().unwrap().unwrap();
        assert!(matches!(classify(&m, 42, 7, true), Ok(Step::Data)));
    }
}
