//! The netlink transport: one `NETLINK_GENERIC` socket (neli's raw
//! [`NlSocket`]), the resolved `IPVS` family id, sequence numbering, stale
//! reply filtering, receive timeouts and pipelined batches.
//!
//! Every receive is bounded by `SO_RCVTIMEO`; a timeout or a lost message
//! (`ENOBUFS`) marks the socket as out of sync, and the next request opens a
//! fresh socket (the family id is kept) so that no late reply of an earlier
//! request can be mistaken for a new one.

use super::codec::{
    self, decode_family_id, frame, getfamily_attrs, NlMsg, NlMsgs, Request, CTRL_CMD_GETFAMILY,
    GENL_ID_CTRL, IPVS_GENL_NAME, IPVS_GENL_VERSION, NLMSG_DONE, NLMSG_ERROR, NLMSG_NOOP,
    NLMSG_OVERRUN, NLM_F_ACK, NLM_F_DUMP, NLM_F_REQUEST,
};
use crate::error::{Error, Op, Result};
use neli::consts::socket::{Msg, NlFamily};
use neli::socket::NlSocket;
use neli::utils::Groups;
use nix::sys::socket::{setsockopt, sockopt, MsgFlags};
use nix::sys::time::TimeVal;
use std::io;
use std::os::fd::{AsRawFd, BorrowedFd};
use std::time::Duration;

/// Default receive timeout.
pub(crate) const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// Receive buffer size asked for (`SO_RCVBUFFORCE`, else `SO_RCVBUF`).
const RCVBUF: usize = 4 << 20;

/// Size of the user-space receive buffer. The kernel's netlink dumps fill
/// skbs of at most 32 KiB; a larger datagram is reported as truncated.
const RECV_BUF: usize = 64 << 10;

/// Most bytes of requests in one `send` of a batch.
const BATCH_BYTES: usize = 64 << 10;

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
    buf: Vec<u8>,
    /// The socket may hold replies of an abandoned request: reopen first.
    dirty: bool,
}

/// Opened socket plus its port id and batch window.
fn open(timeout: Duration) -> Result<(NlSocket, u32, usize)> {
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

fn borrow(sock: &NlSocket) -> BorrowedFd<'_> {
    // SAFETY: the descriptor is owned by `sock`, open for its whole life,
    // and the borrow cannot outlive `sock`.
    unsafe { BorrowedFd::borrow_raw(sock.as_raw_fd()) }
}

fn set_timeout_fd(fd: &BorrowedFd<'_>, d: Duration) -> Result<()> {
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

/// What a reply callback gets: the genl command and the attributes.
pub(crate) type OnReply<'f> = &'f mut dyn FnMut(u8, &[u8]) -> Result<()>;

/// Callback for [`Transport::dumps`]: the index of the request, then the
/// genl command and attributes of one data message.
pub(crate) type OnIndexedReply<'a> = &'a mut dyn FnMut(usize, u8, &[u8]) -> Result<()>;

/// How a received message relates to the request being waited for.
pub(crate) enum Step {
    /// Not ours (stale or a no-op): ignore.
    Skip,
    /// A data message: hand to the callback.
    Data,
    /// The end: success.
    Done,
    /// The end: the kernel's error.
    Fail(i32),
}

pub(crate) fn classify(
    m: &NlMsg<'_>,
    pid: u32,
    seq: u32,
    dump: bool,
) -> Result<Step, &'static str> {
    if m.seq != seq || (m.pid != pid && m.pid != 0) {
        return Ok(Step::Skip);
    }
    match m.ty {
        NLMSG_NOOP => Ok(Step::Skip),
        NLMSG_OVERRUN => Err("netlink overrun"),
        NLMSG_ERROR => match m.error_code() {
            Some(0) => Ok(Step::Done),
            Some(e) => Ok(Step::Fail(e.saturating_neg())),
            None => Err("error message without an error code"),
        },
        NLMSG_DONE => match m.error_code() {
            Some(e) if e < 0 => Ok(Step::Fail(e.saturating_neg())),
            _ => Ok(Step::Done),
        },
        _ if dump || m.ty >= 0x10 => Ok(Step::Data),
        _ => Ok(Step::Skip),
    }
}

impl Transport {
    /// Open a socket and resolve the `IPVS` family.
    pub(crate) fn connect(timeout: Duration) -> Result<Transport> {
        let (sock, pid, window) = open(timeout)?;
        let mut t = Transport {
            sock,
            pid,
            seq: initial_seq(),
            family: 0,
            timeout,
            window,
            buf: vec![0; RECV_BUF],
            dirty: false,
        };
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
                id = Some(decode_family_id(a).map_err(|e| Error::MalformedReply {
                    op: Op::Connect,
                    reason: e.0,
                })?);
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
        t.family = id.ok_or_else(|| Error::MalformedReply {
            op: Op::Connect,
            reason: "no reply to the family lookup".into(),
        })?;
        Ok(t)
    }

    /// The resolved IPVS family id.
    #[allow(dead_code)]
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
            let (sock, pid, window) = open(self.timeout)?;
            self.sock = sock;
            self.pid = pid;
            self.window = window;
            self.dirty = false;
        }
        Ok(())
    }

    /// Receive one datagram into `self.buf`; returns its length.
    fn recv(&mut self, op: Op) -> Result<usize> {
        loop {
            match self.sock.recv(&mut self.buf[..], Msg::TRUNC) {
                Ok((n, _)) if n > self.buf.len() => {
                    self.dirty = true;
                    return Err(Error::MalformedReply {
                        op,
                        reason: format!("datagram of {n} bytes truncated"),
                    });
                }
                Ok((n, _)) => return Ok(n),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e)
                    if e.kind() == io::ErrorKind::WouldBlock
                        || e.kind() == io::ErrorKind::TimedOut =>
                {
                    self.dirty = true;
                    return Err(Error::Timeout {
                        op,
                        after: self.timeout,
                    });
                }
                Err(e) => {
                    self.dirty = true;
                    return Err(Error::Io(e));
                }
            }
        }
    }

    /// Send one IPVS request and consume its replies up to the ACK (or the
    /// end of the dump), handing every data message to `on_reply`.
    pub(crate) fn request(&mut self, req: &Request, on_reply: OnReply<'_>) -> Result<()> {
        let family = self.family;
        self.request_raw(
            req.op,
            family,
            req.cmd,
            IPVS_GENL_VERSION,
            req.dump,
            &req.attrs,
            on_reply,
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn request_raw(
        &mut self,
        op: Op,
        nl_type: u16,
        cmd: u8,
        version: u8,
        dump: bool,
        attrs: &[u8],
        on_reply: OnReply<'_>,
    ) -> Result<()> {
        self.reopen_if_dirty()?;
        let seq = self.next_seq();
        let mut flags = NLM_F_REQUEST | NLM_F_ACK;
        if dump {
            flags |= NLM_F_DUMP;
        }
        let msg = frame(nl_type, flags, seq, self.pid, cmd, version, attrs);
        self.send_all(&msg)?;
        // The first callback error is kept, the rest of the reply still
        // read so the socket stays in step.
        let mut first_err: Option<Error> = None;
        loop {
            let n = self.recv(op)?;
            let mut end: Option<Result<()>> = None;
            let buf = self.buf.get(..n).unwrap_or_default();
            for m in NlMsgs::new(buf) {
                let m = match m {
                    Ok(m) => m,
                    Err(e) => {
                        self.dirty = true;
                        return Err(Error::MalformedReply { op, reason: e.0 });
                    }
                };
                match classify(&m, self.pid, seq, dump) {
                    Ok(Step::Skip) => {}
                    Ok(Step::Data) => {
                        if first_err.is_none() {
                            let r = m
                                .genl()
                                .map_err(|e| Error::MalformedReply { op, reason: e.0 })
                                .and_then(|(c, a)| on_reply(c, a));
                            if let Err(e) = r {
                                first_err = Some(e);
                            }
                        }
                    }
                    Ok(Step::Done) => end = Some(Ok(())),
                    Ok(Step::Fail(errno)) => end = Some(Err(Error::from_kernel(op, errno))),
                    Err(why) => {
                        self.dirty = true;
                        return Err(Error::MalformedReply {
                            op,
                            reason: why.into(),
                        });
                    }
                }
                if end.is_some() {
                    break;
                }
            }
            if let Some(r) = end {
                return match first_err {
                    Some(e) => Err(e),
                    None => r,
                };
            }
        }
    }

    fn send_all(&mut self, msg: &[u8]) -> Result<()> {
        loop {
            match nix::sys::socket::send(self.sock.as_raw_fd(), msg, MsgFlags::empty()) {
                Ok(_) => return Ok(()),
                Err(nix::errno::Errno::EINTR) => continue,
                Err(e) => {
                    self.dirty = true;
                    return Err(Error::Io(io::Error::from(e)));
                }
            }
        }
    }

    /// Frame requests from `reqs[first..]` into `chunk` (cleared by the
    /// caller) with `flags` and fresh sequence numbers, up to `window`
    /// requests or [`BATCH_BYTES`]; returns the index of the first request
    /// left out.
    fn fill_chunk(
        &mut self,
        chunk: &mut Vec<u8>,
        reqs: &[Request],
        first: usize,
        window: usize,
        flags: u16,
    ) -> usize {
        let mut next = first;
        while next - first < window && chunk.len() < BATCH_BYTES {
            let Some(Request { cmd, attrs, .. }) = reqs.get(next) else {
                break;
            };
            let seq = self.next_seq();
            codec::append_frame(
                chunk,
                self.family,
                flags,
                seq,
                self.pid,
                *cmd,
                IPVS_GENL_VERSION,
                attrs,
            );
            next += 1;
        }
        next
    }

    /// Run many dump requests, pipelined: up to a window of them per
    /// `send`, their replies told apart by sequence number; `on_reply`
    /// gets the index of the request with each data message.
    ///
    /// The kernel runs one dump at a time per socket, but a dump whose
    /// reply fits in one message batch is over before the next request is
    /// read, so small dumps (a service's destinations) pipeline. A request
    /// that arrives while a dump is still running is refused with `EBUSY`;
    /// those are run again one at a time. Results are per request.
    pub(crate) fn dumps(
        &mut self,
        reqs: &[Request],
        on_reply: OnIndexedReply<'_>,
    ) -> Result<Vec<Result<()>>> {
        self.reopen_if_dirty()?;
        let mut results: Vec<Option<Result<()>>> = Vec::with_capacity(reqs.len());
        results.resize_with(reqs.len(), || None);
        let mut busy: Vec<usize> = Vec::new();
        // Each dump reply may take a whole dump skb (up to 32 KiB plus
        // overhead) of the receive buffer, even an empty one: keep the
        // requests in flight well below what the buffer holds.
        let mut window = (self.window / 16).max(4);
        let mut next = 0usize;
        let mut chunk = Vec::with_capacity(BATCH_BYTES);
        while next < reqs.len() {
            chunk.clear();
            let first = next;
            let base = self.seq.wrapping_add(1);
            next = self.fill_chunk(
                &mut chunk,
                reqs,
                first,
                window,
                NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP,
            );
            let count = next - first;
            self.send_all(&chunk)?;
            let mut pending = count;
            while pending > 0 {
                let op = reqs.get(first).map(|r| r.op).unwrap_or(Op::ListDests);
                let n = match self.recv(op) {
                    Ok(n) => n,
                    Err(_) => {
                        // Replies were lost (ENOBUFS) or late: the dumps of
                        // this chunk that did not finish are reported as
                        // unconfirmed (the caller runs them again), the
                        // socket is replaced and the window shrinks.
                        for slot in results.iter_mut().skip(first).take(count) {
                            if slot.is_none() {
                                *slot = Some(Err(Error::Unconfirmed { op }));
                            }
                        }
                        self.reopen_if_dirty()?;
                        window = (window / 2).max(1);
                        break;
                    }
                };
                let buf = self.buf.get(..n).unwrap_or_default();
                for m in NlMsgs::new(buf) {
                    let m = m.map_err(|e| {
                        self.dirty = true;
                        Error::MalformedReply { op, reason: e.0 }
                    })?;
                    if m.pid != self.pid && m.pid != 0 {
                        continue;
                    }
                    let idx = m.seq.wrapping_sub(base) as usize;
                    if idx >= count {
                        continue; // stale
                    }
                    let i = first + idx;
                    let op = reqs.get(i).map(|r| r.op).unwrap_or(Op::ListDests);
                    let step = classify(&m, self.pid, m.seq, true).map_err(|why| {
                        self.dirty = true;
                        Error::MalformedReply {
                            op,
                            reason: why.into(),
                        }
                    })?;
                    let Some(slot) = results.get_mut(i) else {
                        continue;
                    };
                    if slot.is_some() {
                        continue;
                    }
                    match step {
                        Step::Skip => {}
                        Step::Data => {
                            let r = m
                                .genl()
                                .map_err(|e| Error::MalformedReply { op, reason: e.0 })
                                .and_then(|(c, a)| on_reply(i, c, a));
                            if let Err(e) = r {
                                *slot = Some(Err(e));
                                pending -= 1;
                            }
                        }
                        Step::Done => {
                            *slot = Some(Ok(()));
                            pending -= 1;
                        }
                        Step::Fail(errno) if errno == nix::libc::EBUSY => {
                            busy.push(i);
                            *slot = Some(Ok(()));
                            pending -= 1;
                        }
                        Step::Fail(errno) => {
                            *slot = Some(Err(Error::from_kernel(op, errno)));
                            pending -= 1;
                        }
                    }
                }
            }
            // A callback error ends a dump early for us, not for the
            // kernel: drain what is left of it before the next chunk.
            if results
                .iter()
                .skip(first)
                .take(count)
                .any(|r| matches!(r, Some(Err(_))))
            {
                self.dirty = true;
                self.reopen_if_dirty()?;
            }
        }
        for i in busy {
            let Some(req) = reqs.get(i) else { continue };
            let r = self.request(req, &mut |c, a| on_reply(i, c, a));
            if let Some(slot) = results.get_mut(i) {
                *slot = Some(r);
            }
        }
        Ok(results
            .into_iter()
            .zip(reqs)
            .map(|(r, req)| r.unwrap_or(Err(Error::Unconfirmed { op: req.op })))
            .collect())
    }

    /// Send many acknowledged requests, pipelined: as many per `send` as
    /// fit in [`BATCH_BYTES`] and the in-flight window, then read their
    /// ACKs, correlated by sequence number. One result per request, in
    /// order. The kernel handles each message on its own, so a failure does
    /// not stop the ones after it.
    ///
    /// `Err` only when nothing could be sent at all.
    pub(crate) fn batch(&mut self, reqs: &[Request]) -> Result<Vec<Result<()>>> {
        self.reopen_if_dirty()?;
        let mut results: Vec<Option<Result<()>>> = Vec::with_capacity(reqs.len());
        results.resize_with(reqs.len(), || None);
        let mut next = 0usize;
        let mut chunk = Vec::with_capacity(BATCH_BYTES);
        while next < reqs.len() {
            // Build one chunk.
            chunk.clear();
            let first = next;
            let base = self.seq.wrapping_add(1);
            next = self.fill_chunk(
                &mut chunk,
                reqs,
                first,
                self.window,
                NLM_F_REQUEST | NLM_F_ACK,
            );
            let count = next - first;
            if let Err(e) = self.send_all(&chunk) {
                if first == 0 {
                    return Err(e);
                }
                // Nothing of this chunk or later reached the kernel.
                let why = e.to_string();
                for slot in results.iter_mut().skip(first) {
                    *slot = Some(Err(Error::Io(io::Error::other(format!(
                        "not sent after an earlier failure: {why}"
                    )))));
                }
                break;
            }
            // Read the ACKs of this chunk.
            let mut pending = count;
            while pending > 0 {
                let op_of_first = reqs.get(first).map(|r| r.op).unwrap_or(Op::Connect);
                let n = match self.recv(op_of_first) {
                    Ok(n) => n,
                    Err(_) => {
                        // Lost ACKs (ENOBUFS) or a timeout: the rest of the
                        // chunk is unconfirmed; later chunks go on a fresh
                        // socket.
                        for (i, slot) in results.iter_mut().enumerate().take(next).skip(first) {
                            if slot.is_none() {
                                let op = reqs.get(i).map(|r| r.op).unwrap_or(Op::Connect);
                                *slot = Some(Err(Error::Unconfirmed { op }));
                            }
                        }
                        self.reopen_if_dirty()?;
                        pending = 0;
                        continue;
                    }
                };
                let buf = self.buf.get(..n).unwrap_or_default();
                for m in NlMsgs::new(buf) {
                    let Ok(m) = m else {
                        self.dirty = true;
                        break;
                    };
                    if m.ty != NLMSG_ERROR || m.pid != self.pid {
                        continue;
                    }
                    let idx = m.seq.wrapping_sub(base) as usize;
                    if idx >= count {
                        continue; // stale
                    }
                    let i = first + idx;
                    let Some(slot) = results.get_mut(i) else {
                        continue;
                    };
                    if slot.is_some() {
                        continue;
                    }
                    let op = reqs.get(i).map(|r| r.op).unwrap_or(Op::Connect);
                    *slot = Some(match m.error_code() {
                        Some(0) => Ok(()),
                        Some(e) => Err(Error::from_kernel(op, e.saturating_neg())),
                        None => Err(Error::MalformedReply {
                            op,
                            reason: "ACK without an error code".into(),
                        }),
                    });
                    pending -= 1;
                }
                if self.dirty && pending > 0 {
                    for (i, slot) in results.iter_mut().enumerate().take(next).skip(first) {
                        if slot.is_none() {
                            let op = reqs.get(i).map(|r| r.op).unwrap_or(Op::Connect);
                            *slot = Some(Err(Error::Unconfirmed { op }));
                        }
                    }
                    self.reopen_if_dirty()?;
                    pending = 0;
                }
            }
        }
        Ok(results
            .into_iter()
            .zip(reqs)
            .map(|(r, req)| r.unwrap_or(Err(Error::Unconfirmed { op: req.op })))
            .collect())
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
    use super::*;

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
        let (sock, pid, window) = open(timeout).unwrap();
        Transport {
            sock,
            pid,
            seq: initial_seq(),
            family: GENL_ID_CTRL,
            timeout,
            window,
            buf: vec![0; RECV_BUF],
            dirty: false,
        }
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
        let e = t.recv(Op::GetInfo).unwrap_err();
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
