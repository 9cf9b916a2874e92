//! Pipelined batches of changes: many requests per `send`, only the last
//! acknowledged, answers correlated by sequence number.

use super::recv::datagram;
use super::Transport;
use crate::error::{Error, Op, Result};
use crate::netlink::attr::DecodeError;
use crate::netlink::codec::{
    self, NlMsgs, Request, IPVS_GENL_VERSION, NLMSG_ERROR, NLM_F_ACK, NLM_F_REQUEST,
};
use std::io;

/// Most bytes of requests in one `send` of a batch.
const BATCH_BYTES: usize = 64 << 10;

impl Transport {
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
                            None => {
                                Err(DecodeError::new("ACK without an error code").malformed(op))
                            }
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
