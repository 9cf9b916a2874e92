//! One request and its replies: framing and sending it, `recvmmsg` into
//! fixed receive slots, and the state machine that tells stale replies,
//! data, the end and the kernel's error apart.

use super::Transport;
use crate::error::{Error, Op, Result};
use crate::netlink::attr::{malformed, DecodeError};
use crate::netlink::codec::{
    self, request_flags, NlMsg, NlMsgs, Request, IPVS_GENL_VERSION, NLMSG_DONE, NLMSG_ERROR,
    NLMSG_NOOP, NLMSG_OVERRUN,
};
use nix::errno::Errno;
use nix::sys::socket::MsgFlags;
use std::io;
use std::os::fd::AsRawFd;

/// Datagrams taken per receive call (`recvmmsg`, waiting for the first
/// only): the end of a dump, or a run of ACKs, costs one system call.
pub(super) const SLOTS: usize = 16;

/// The largest datagram a netlink socket is ever sent: the kernel caps dump
/// skbs below 32 KiB, and every other reply is smaller.
pub(super) const MAX_SLOT: usize = 32 << 10;

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
pub(super) fn initial_slot() -> usize {
    let page = nix::unistd::sysconf(nix::unistd::SysconfVar::PAGE_SIZE)
        .ok()
        .flatten()
        .and_then(|p| usize::try_from(p).ok())
        .unwrap_or(4096);
    page.clamp(4096, 8192) - SKB_SHARED_INFO
}

/// Datagram `k` of the last [`Transport::recv_many`], given the
/// transport's `buf`, `slot` and `lens` (fields, so that the caller may
/// still change the others).
pub(super) fn datagram<'b>(buf: &'b [u8], slot: usize, lens: &[usize], k: usize) -> &'b [u8] {
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
    /// Use receive slots of `slot` bytes.
    pub(super) fn set_slot(&mut self, slot: usize) {
        self.slot = slot;
        self.buf = vec![0; SLOTS * slot];
    }

    /// Receive up to [`SLOTS`] datagrams, waiting (up to the timeout) for
    /// the first only; returns how many. Datagram `k` is [`Self::datagram`].
    pub(super) fn recv_many(&mut self, op: Op) -> Result<usize> {
        self.recv_upto(op, SLOTS)
    }

    /// [`Self::recv_many`], taking at most `max` datagrams.
    pub(super) fn recv_upto(&mut self, op: Op, max: usize) -> Result<usize> {
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
            return Err(DecodeError::new(format!("datagram of {n} bytes truncated")).malformed(op));
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
    pub(super) fn request_raw(
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
        let flags = request_flags(dump);
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
                            return Err(e.malformed(op));
                        }
                    };
                    match classify(&m, self.pid, seq, dump) {
                        Ok(Step::Skip) => {}
                        Ok(Step::Data) => {
                            if first_err.is_none() {
                                let r = m
                                    .genl()
                                    .map_err(malformed(op))
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
                            return Err(DecodeError::new(why).malformed(op));
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

    pub(super) fn send_all(&mut self, msg: &[u8]) -> Result<()> {
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

    /// Run one dump and decode every data message with `decode`, in order
    /// (the dump loop of every list read: destinations, daemons ...).
    pub(crate) fn dump_all<T>(
        &mut self,
        req: &Request,
        decode: impl Fn(&[u8]) -> std::result::Result<T, DecodeError>,
    ) -> Result<Vec<T>> {
        let mut out = Vec::new();
        self.request(req, &mut |_, a| {
            out.push(decode(a).map_err(malformed(req.op))?);
            Ok(())
        })?;
        Ok(out)
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
}
