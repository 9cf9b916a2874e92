//! The netlink transport: one `NETLINK_GENERIC` socket (neli's raw
//! [`NlSocket`]), the resolved `IPVS` family id, sequence numbering, stale
//! reply filtering, receive timeouts and pipelined batches.
//!
//! Every receive is bounded by `SO_RCVTIMEO`; a timeout or a lost message
//! (`ENOBUFS`) marks the socket as out of sync, and the next request opens a
//! fresh socket (the family id is kept) so that no late reply of an earlier
//! request can be mistaken for a new one.

use super::codec::{
    self, decode_family_id, getfamily_attrs, NlMsg, NlMsgs, Request, CTRL_CMD_GETFAMILY,
    GENL_ID_CTRL, IPVS_GENL_NAME, IPVS_GENL_VERSION, NLMSG_DONE, NLMSG_ERROR, NLMSG_NOOP,
    NLMSG_OVERRUN, NLM_F_ACK, NLM_F_DUMP, NLM_F_REQUEST,
};
use crate::error::{Error, Op, Result};
use neli::consts::socket::NlFamily;
use neli::socket::NlSocket;
use neli::utils::Groups;
use nix::errno::Errno;
use nix::sched::{setns, CloneFlags};
use nix::sys::socket::{setsockopt, sockopt, MsgFlags};
use nix::sys::time::TimeVal;
use std::fs::File;
use std::io;
use std::os::fd::AsFd;
use std::os::fd::{AsRawFd, BorrowedFd};
use std::os::unix::fs::MetadataExt;
use std::sync::Arc;
use std::time::Duration;

/// Default receive timeout.
pub(crate) const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// Receive buffer size asked for (`SO_RCVBUFFORCE`, else `SO_RCVBUF`).
const RCVBUF: usize = 4 << 20;

/// Datagrams taken per receive call (`recvmmsg`, waiting for the first
/// only): the end of a dump, or a run of ACKs, costs one system call.
const SLOTS: usize = 16;

/// The largest datagram a netlink socket is ever sent: the kernel caps dump
/// skbs below 32 KiB, and every other reply is smaller.
const MAX_SLOT: usize = 32 << 10;

/// `struct skb_shared_info` as 64-bit kernels lay it out (cache-aligned).
const SKB_SHARED_INFO: usize = 320;

/// Receive size per datagram for sockets that run many small dumps (of
/// destinations): the kernel's `NLMSG_GOODSIZE` (a page, at most 8 KiB, less
/// the skb's shared info).
///
/// The kernel sizes every dump skb after the largest receive buffer the
/// socket ever offered (up to 32 KiB) and clears it on allocation, so a
/// generous buffer makes each dump, even of four destinations, allocate and
/// zero 32 KiB; under emulation that was a third of `-Ln`'s time. Offering
/// exactly `NLMSG_GOODSIZE` keeps dumps at one page. Every reply fits: doit
/// replies are built in `NLMSG_GOODSIZE` too, and ACKs are capped. Should a
/// kernel send more anyway (a smaller `skb_shared_info`), the datagram comes
/// truncated: the transport then raises its slot to [`MAX_SLOT`] and reports
/// it, and the handle runs the read again.
fn initial_slot() -> usize {
    let page = nix::unistd::sysconf(nix::unistd::SysconfVar::PAGE_SIZE)
        .ok()
        .flatten()
        .and_then(|p| usize::try_from(p).ok())
        .unwrap_or(4096);
    page.clamp(4096, 8192) - SKB_SHARED_INFO
}

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
    /// Receive size per datagram (see [`initial_slot`]).
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

/// The network namespace a transport's socket was opened in, so that the
/// sockets that replace it (after a timeout) or join it (parallel dumps) are
/// opened there too, whichever thread asks: a socket stays in the namespace
/// it was created in, a thread may have moved since.
#[derive(Clone)]
struct Netns {
    /// `/proc/thread-self/ns/net` at connect time.
    file: Arc<File>,
    /// Its device and inode: the namespace's identity.
    id: (u64, u64),
}

const THREAD_NETNS: &str = "/proc/thread-self/ns/net";

impl Netns {
    /// The calling thread's namespace (`None` without `/proc`: sockets are
    /// then opened in whichever namespace the caller is in).
    fn current() -> Option<Netns> {
        let file = File::open(THREAD_NETNS).ok()?;
        let m = file.metadata().ok()?;
        Some(Netns {
            file: Arc::new(file),
            id: (m.dev(), m.ino()),
        })
    }

    /// Run `f` (which opens a socket) in this namespace: directly when the
    /// calling thread is in it, else on a short-lived thread that enters it
    /// first.
    fn run<T: Send>(&self, f: impl FnOnce() -> Result<T> + Send) -> Result<T> {
        let here = std::fs::metadata(THREAD_NETNS)
            .ok()
            .map(|m| (m.dev(), m.ino()));
        if here == Some(self.id) {
            return f();
        }
        std::thread::scope(|s| {
            s.spawn(|| {
                setns(self.file.as_fd(), CloneFlags::CLONE_NEWNET)
                    .map_err(|e| Error::Io(io::Error::from(e)))?;
                f()
            })
            .join()
            .unwrap_or_else(|_| Err(Error::Io(io::Error::other("socket thread panicked"))))
        })
    }
}

/// Run `f` in `ns` (see [`Netns::run`]), or in the caller's namespace
/// when it is unknown.
fn run_in<T: Send>(ns: Option<&Netns>, f: impl FnOnce() -> Result<T> + Send) -> Result<T> {
    match ns {
        Some(ns) => ns.run(f),
        None => f(),
    }
}

/// Open a netlink socket in `ns`.
fn open_in(ns: Option<&Netns>, timeout: Duration) -> Result<(NlSocket, u32, usize)> {
    run_in(ns, || open(timeout))
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

/// Datagram `k` of the last [`Transport::recv_many`], given the
/// transport's `buf`, `slot` and `lens` (fields, so that the caller may
/// still change the others).
fn datagram<'b>(buf: &'b [u8], slot: usize, lens: &[usize], k: usize) -> &'b [u8] {
    let start = k.saturating_mul(slot);
    let len = lens.get(k).copied().unwrap_or(0);
    buf.get(start..start.saturating_add(len))
        .unwrap_or_default()
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
            let (sock, pid, window) = open_in(self.netns.as_ref(), self.timeout)?;
            self.sock = sock;
            self.pid = pid;
            self.window = window;
            self.dirty = false;
        }
        Ok(())
    }

    /// Use receive slots of `slot` bytes.
    fn set_slot(&mut self, slot: usize) {
        self.slot = slot;
        self.buf = vec![0; SLOTS * slot];
    }

    /// Whether a reply came truncated since the last call (the slot has
    /// been raised since, so running the same read again succeeds).
    pub(crate) fn take_truncated(&mut self) -> bool {
        std::mem::take(&mut self.truncated)
    }

    /// Receive up to [`SLOTS`] datagrams, waiting (up to the timeout) for
    /// the first only; returns how many. Datagram `k` is [`Self::datagram`].
    fn recv_many(&mut self, op: Op) -> Result<usize> {
        self.recv_upto(op, SLOTS)
    }

    /// [`Self::recv_many`], taking at most `max` datagrams.
    fn recv_upto(&mut self, op: Op, max: usize) -> Result<usize> {
        let fd = self.sock.as_raw_fd();
        loop {
            // The headers live on the stack (nix's `recvmmsg` allocates
            // them per call, and this runs once per dump).
            // SAFETY: all-zero `iovec`s and `mmsghdr`s are valid (null
            // pointers, zero lengths).
            let mut iov: [nix::libc::iovec; SLOTS] = unsafe { std::mem::zeroed() };
            let mut hdrs: [nix::libc::mmsghdr; SLOTS] = unsafe { std::mem::zeroed() };
            let mut vlen = 0;
            for ((chunk, v), h) in self
                .buf
                .chunks_mut(self.slot)
                .zip(iov.iter_mut())
                .zip(hdrs.iter_mut())
                .take(max.max(1))
            {
                v.iov_base = chunk.as_mut_ptr().cast();
                v.iov_len = chunk.len();
                h.msg_hdr.msg_iov = v;
                h.msg_hdr.msg_iovlen = 1;
                vlen += 1;
            }
            // SAFETY: `hdrs[..vlen]` point at `iov[..vlen]`, which point at
            // disjoint slots of `self.buf`; all outlive the call, and the
            // kernel writes at most `iov_len` bytes to each. No address or
            // control buffers are given.
            let got = unsafe {
                nix::libc::recvmmsg(
                    fd,
                    hdrs.as_mut_ptr(),
                    vlen,
                    nix::libc::MSG_TRUNC | nix::libc::MSG_WAITFORONE,
                    std::ptr::null_mut(),
                )
            };
            let e = match usize::try_from(got) {
                Ok(n) => {
                    self.lens.clear();
                    self.lens
                        .extend(hdrs.iter().take(n).map(|h| h.msg_len as usize));
                    break;
                }
                Err(_) => Errno::last(),
            };
            match e {
                Errno::EINTR => continue,
                Errno::EAGAIN => {
                    self.dirty = true;
                    return Err(Error::Timeout {
                        op,
                        after: self.timeout,
                    });
                }
                e => {
                    self.dirty = true;
                    return Err(Error::Io(io::Error::from(e)));
                }
            }
        }
        if let Some(n) = self.lens.iter().copied().find(|n| *n > self.slot) {
            // Part of a reply is lost: this request cannot finish. Later
            // ones get room for any datagram, on a fresh socket.
            self.truncated = true;
            self.dirty = true;
            self.set_slot(MAX_SLOT);
            return Err(Error::MalformedReply {
                op,
                reason: format!("datagram of {n} bytes truncated"),
            });
        }
        Ok(self.lens.len())
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
        let mut msg = std::mem::take(&mut self.sendbuf);
        msg.clear();
        codec::append_frame(&mut msg, nl_type, flags, seq, self.pid, cmd, version, attrs);
        let sent = self.send_all(&msg);
        self.sendbuf = msg;
        sent?;
        // The first callback error is kept, the rest of the reply still
        // read so the socket stays in step.
        let mut first_err: Option<Error> = None;
        loop {
            // A reply is a data part and its end (or an ACK): taking two
            // at a time spares the kernel a third, empty, receive.
            let count = self.recv_upto(op, 2)?;
            let mut end: Option<Result<()>> = None;
            for k in 0..count {
                let buf = datagram(&self.buf, self.slot, &self.lens, k);
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
    /// caller) with fresh sequence numbers, up to `window` requests or
    /// [`BATCH_BYTES`]; only the last asks for an ACK (the kernel answers
    /// the others only if they fail). Returns the index of the first
    /// request left out.
    fn fill_chunk(
        &mut self,
        chunk: &mut Vec<u8>,
        reqs: &[Request],
        first: usize,
        window: usize,
    ) -> usize {
        let mut next = first;
        let mut last_at = None;
        while next - first < window && chunk.len() < BATCH_BYTES {
            let Some(Request { cmd, attrs, .. }) = reqs.get(next) else {
                break;
            };
            let seq = self.next_seq();
            last_at = Some(chunk.len());
            codec::append_frame(
                chunk,
                self.family,
                NLM_F_REQUEST,
                seq,
                self.pid,
                *cmd,
                IPVS_GENL_VERSION,
                attrs,
            );
            next += 1;
        }
        if let Some(at) = last_at {
            codec::add_frame_flags(chunk, at, NLM_F_ACK);
        }
        next
    }

    /// Run many dump requests, one after the other; `on_reply` gets the
    /// index of the request with each data message. Results are per
    /// request.
    ///
    /// They are not pipelined: the kernel runs one dump at a time per
    /// socket, and a dump is only over once the receive that takes its data
    /// lets the kernel append the end (a request sent earlier is refused
    /// with `EBUSY`). Each dump costs one `send` and one `recvmmsg`.
    pub(crate) fn dumps(
        &mut self,
        reqs: &[Request],
        on_reply: OnIndexedReply<'_>,
    ) -> Result<Vec<Result<()>>> {
        Ok(reqs
            .iter()
            .enumerate()
            .map(|(i, req)| self.request(req, &mut |c, a| on_reply(i, c, a)))
            .collect())
    }

    /// Send many change requests, pipelined: as many per `send` as fit in
    /// [`BATCH_BYTES`] and the in-flight window, then read their answers,
    /// correlated by sequence number. One result per request, in order. The
    /// kernel handles each message on its own, so a failure does not stop
    /// the ones after it.
    ///
    /// Only the last request of a `send` asks for an ACK: the kernel
    /// answers a request without the flag only when it fails, and it
    /// answers in order, so once the last one's ACK is in, every request
    /// of the `send` without an error has succeeded. This spares the kernel
    /// an ACK message per change (and us reading it). Should the kernel
    /// drop answers (`ENOBUFS`), the rest of that `send` is reported
    /// [unconfirmed](Error::Unconfirmed), as any lost answer is.
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
            next = self.fill_chunk(&mut chunk, reqs, first, self.window);
            let count_sent = next - first;
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
            // Read the failures of this chunk, up to the last one's ACK.
            let mut pending = true;
            while pending {
                let op_of_first = reqs.get(first).map(|r| r.op).unwrap_or(Op::Connect);
                let count = match self.recv_many(op_of_first) {
                    Ok(n) => n,
                    Err(_) => {
                        // Lost answers (ENOBUFS) or a timeout: the rest of
                        // the chunk stays without a result, which is
                        // reported unconfirmed at the end; later chunks go
                        // on a fresh socket.
                        self.reopen_if_dirty()?;
                        pending = false;
                        continue;
                    }
                };
                for k in 0..count {
                    let buf = datagram(&self.buf, self.slot, &self.lens, k);
                    for m in NlMsgs::new(buf) {
                        let Ok(m) = m else {
                            self.dirty = true;
                            break;
                        };
                        if m.ty != NLMSG_ERROR || m.pid != self.pid {
                            continue;
                        }
                        let idx = m.seq.wrapping_sub(base) as usize;
                        if idx >= count_sent {
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
                        if idx + 1 == count_sent {
                            // The last one's answer: the requests before it
                            // that have none succeeded.
                            for slot in results.iter_mut().take(next).skip(first) {
                                slot.get_or_insert(Ok(()));
                            }
                            pending = false;
                        }
                    }
                }
                if self.dirty && pending {
                    // An undecodable datagram: as above.
                    self.reopen_if_dirty()?;
                    pending = false;
                }
            }
        }
        // A request without a result had its answer lost.
        Ok(results
            .into_iter()
            .zip(reqs)
            .map(|(r, req)| r.unwrap_or(Err(Error::Unconfirmed { op: req.op })))
            .collect())
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
    use super::*;
    use crate::netlink::codec::frame;

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
