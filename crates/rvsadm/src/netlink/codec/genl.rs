//! Generic netlink framing: the `nlmsghdr` and genl headers, message
//! flags and types, the controller (`nlctrl`) that resolves the `IPVS`
//! family, and the walk over the messages of a datagram.

use crate::netlink::attr::{align4, AttrWriter, Attrs, DecodeError};

/// `NLM_F_REQUEST`.
pub(crate) const NLM_F_REQUEST: u16 = 0x1;

/// `NLM_F_ACK`.
pub(crate) const NLM_F_ACK: u16 = 0x4;

/// `NLM_F_DUMP` (`NLM_F_ROOT | NLM_F_MATCH`).
pub(crate) const NLM_F_DUMP: u16 = 0x300;

/// `nlmsg_flags` of a request that is acknowledged, and of a dump if
/// `dump` (the one place a single request's flags are decided).
pub(crate) const fn request_flags(dump: bool) -> u16 {
    if dump {
        NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP
    } else {
        NLM_F_REQUEST | NLM_F_ACK
    }
}

/// `NLMSG_NOOP`.
pub(crate) const NLMSG_NOOP: u16 = 1;

/// `NLMSG_ERROR` (also the ACK).
pub(crate) const NLMSG_ERROR: u16 = 2;

/// `NLMSG_DONE`.
pub(crate) const NLMSG_DONE: u16 = 3;

/// `NLMSG_OVERRUN`.
pub(crate) const NLMSG_OVERRUN: u16 = 4;

/// Size of `struct nlmsghdr`.
pub(crate) const NLMSG_HDRLEN: usize = 16;

/// Size of `struct genlmsghdr`.
pub(crate) const GENL_HDRLEN: usize = 4;

/// The generic-netlink controller's family id (`GENL_ID_CTRL`).
pub(crate) const GENL_ID_CTRL: u16 = 0x10;

/// `CTRL_CMD_GETFAMILY`.
pub(crate) const CTRL_CMD_GETFAMILY: u8 = 3;

/// `CTRL_ATTR_FAMILY_ID`.
pub(crate) const CTRL_ATTR_FAMILY_ID: u16 = 1;

/// `CTRL_ATTR_FAMILY_NAME`.
pub(crate) const CTRL_ATTR_FAMILY_NAME: u16 = 2;

/// The IPVS family name.
pub(crate) const IPVS_GENL_NAME: &str = "IPVS";

/// `IPVS_GENL_VERSION`.
pub(crate) const IPVS_GENL_VERSION: u8 = 1;

/// A complete netlink + genl request (the tests' framing of one message;
/// the transport appends to its own buffers with [`append_frame`]).
#[cfg(test)]
pub(crate) fn frame(
    nl_type: u16,
    flags: u16,
    seq: u32,
    pid: u32,
    cmd: u8,
    version: u8,
    attrs: &[u8],
) -> Vec<u8> {
    let mut out = Vec::with_capacity(NLMSG_HDRLEN + GENL_HDRLEN + attrs.len());
    append_frame(&mut out, nl_type, flags, seq, pid, cmd, version, attrs);
    out
}

/// Append a complete request to `out` (for batches).
#[allow(clippy::too_many_arguments)]
pub(crate) fn append_frame(
    out: &mut Vec<u8>,
    nl_type: u16,
    flags: u16,
    seq: u32,
    pid: u32,
    cmd: u8,
    version: u8,
    attrs: &[u8],
) {
    let len = NLMSG_HDRLEN + GENL_HDRLEN + attrs.len();
    let len32 = u32::try_from(len).unwrap_or(u32::MAX);
    out.extend_from_slice(&len32.to_ne_bytes());
    out.extend_from_slice(&nl_type.to_ne_bytes());
    out.extend_from_slice(&flags.to_ne_bytes());
    out.extend_from_slice(&seq.to_ne_bytes());
    out.extend_from_slice(&pid.to_ne_bytes());
    out.extend_from_slice(&[cmd, version, 0, 0]);
    out.extend_from_slice(attrs);
    let target = align4(out.len());
    out.resize(target, 0);
}

/// Set `flags` in the header of the frame that starts at `at` in `out`
/// (written by [`append_frame`]).
pub(crate) fn add_frame_flags(out: &mut [u8], at: usize, flags: u16) {
    // nlmsg_flags follows nlmsg_len (u32) and nlmsg_type (u16).
    if let Some(f) = out.get_mut(at + 6..at + 8) {
        let old = u16::from_ne_bytes([f[0], f[1]]);
        f.copy_from_slice(&(old | flags).to_ne_bytes());
    }
}

/// One netlink message of a received datagram.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NlMsg<'a> {
    /// `nlmsg_type`.
    pub(crate) ty: u16,
    /// `nlmsg_seq`.
    pub(crate) seq: u32,
    /// `nlmsg_pid`.
    pub(crate) pid: u32,
    /// Everything after the netlink header.
    pub(crate) payload: &'a [u8],
}

impl<'a> NlMsg<'a> {
    /// For `NLMSG_ERROR` and `NLMSG_DONE`: the (negative or zero) error code.
    pub(crate) fn error_code(&self) -> Option<i32> {
        let b: [u8; 4] = self.payload.get(..4)?.try_into().ok()?;
        Some(i32::from_ne_bytes(b))
    }

    /// For family messages: the genl command and the attributes after the
    /// genl header.
    pub(crate) fn genl(&self) -> Result<(u8, &'a [u8]), DecodeError> {
        let cmd = *self
            .payload
            .first()
            .ok_or_else(|| DecodeError::new("message too short for a genl header"))?;
        let attrs = self
            .payload
            .get(GENL_HDRLEN..)
            .ok_or_else(|| DecodeError::new("message too short for a genl header"))?;
        Ok((cmd, attrs))
    }
}

/// Iterator over the netlink messages in a datagram.
#[derive(Debug, Clone)]
pub(crate) struct NlMsgs<'a> {
    rest: &'a [u8],
}

impl<'a> NlMsgs<'a> {
    /// The messages in `buf`.
    pub(crate) fn new(buf: &'a [u8]) -> Self {
        NlMsgs { rest: buf }
    }
}

impl<'a> Iterator for NlMsgs<'a> {
    type Item = Result<NlMsg<'a>, DecodeError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        let hdr: &[u8; NLMSG_HDRLEN] = match self.rest.get(..NLMSG_HDRLEN) {
            Some(h) => match h.try_into() {
                Ok(h) => h,
                Err(_) => return self.fail("short header"),
            },
            None => return self.fail("datagram ends inside a netlink header"),
        };
        let len = u32::from_ne_bytes([hdr[0], hdr[1], hdr[2], hdr[3]]) as usize;
        let ty = u16::from_ne_bytes([hdr[4], hdr[5]]);
        let seq = u32::from_ne_bytes([hdr[8], hdr[9], hdr[10], hdr[11]]);
        let pid = u32::from_ne_bytes([hdr[12], hdr[13], hdr[14], hdr[15]]);
        let payload = match (len >= NLMSG_HDRLEN)
            .then(|| self.rest.get(NLMSG_HDRLEN..len))
            .flatten()
        {
            Some(p) => p,
            None => return self.fail("netlink message length exceeds the datagram"),
        };
        self.rest = self.rest.get(align4(len)..).unwrap_or_default();
        Some(Ok(NlMsg {
            ty,
            seq,
            pid,
            payload,
        }))
    }
}

impl<'a> NlMsgs<'a> {
    fn fail(&mut self, why: &str) -> Option<Result<NlMsg<'a>, DecodeError>> {
        self.rest = &[];
        Some(Err(DecodeError::new(why)))
    }
}

/// The family-resolution request payload (`CTRL_ATTR_FAMILY_NAME`).
pub(crate) fn getfamily_attrs(name: &str) -> Vec<u8> {
    let mut w = AttrWriter::new();
    w.string(CTRL_ATTR_FAMILY_NAME, name);
    w.into_vec()
}

/// Decode a family-resolution reply: the family id.
pub(crate) fn decode_family_id(attrs: &[u8]) -> Result<u16, DecodeError> {
    for a in Attrs::new(attrs) {
        let a = a?;
        if a.ty == CTRL_ATTR_FAMILY_ID {
            return a.u16("family id");
        }
    }
    Err(DecodeError::new("controller reply without a family id"))
}
