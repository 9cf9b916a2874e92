//! Netlink attribute (TLV) encoding and panic-free decoding over byte slices.
//!
//! Layout of one attribute: `u16 len` (header included, padding excluded),
//! `u16 type` (the top two bits are the `NLA_F_NESTED` / `NLA_F_NET_BYTEORDER`
//! flags), the payload, then zero padding to a 4-byte boundary. Integers are
//! in host order unless stated otherwise.

use crate::error::{Error, Op};

/// `NLA_F_NESTED`.
pub(crate) const NLA_F_NESTED: u16 = 0x8000;
/// `NLA_F_NET_BYTEORDER`.
pub(crate) const NLA_F_NET_BYTEORDER: u16 = 0x4000;
/// The mask of the type bits.
pub(crate) const NLA_TYPE_MASK: u16 = !(NLA_F_NESTED | NLA_F_NET_BYTEORDER);

/// Round up to the netlink alignment (4).
pub(crate) const fn align4(n: usize) -> usize {
    (n + 3) & !3
}

/// Builds attributes into a byte buffer.
#[derive(Debug, Default)]
pub(crate) struct AttrWriter {
    buf: Vec<u8>,
}

impl AttrWriter {
    /// An empty writer.
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// The bytes written.
    pub(crate) fn into_vec(self) -> Vec<u8> {
        self.buf
    }

    /// One attribute with a byte payload.
    pub(crate) fn bytes(&mut self, ty: u16, payload: &[u8]) {
        // Attribute payloads built here are at most a few dozen bytes.
        let len = (4 + payload.len()).min(usize::from(u16::MAX)) as u16;
        self.buf.extend_from_slice(&len.to_ne_bytes());
        self.buf.extend_from_slice(&ty.to_ne_bytes());
        self.buf.extend_from_slice(payload);
        self.pad();
    }

    fn pad(&mut self) {
        let target = align4(self.buf.len());
        self.buf.resize(target, 0);
    }

    /// A `u8` attribute.
    pub(crate) fn u8(&mut self, ty: u16, v: u8) {
        self.bytes(ty, &[v]);
    }

    /// A host-order `u16` attribute.
    pub(crate) fn u16(&mut self, ty: u16, v: u16) {
        self.bytes(ty, &v.to_ne_bytes());
    }

    /// A big-endian `u16` attribute (ports).
    pub(crate) fn be16(&mut self, ty: u16, v: u16) {
        self.bytes(ty, &v.to_be_bytes());
    }

    /// A host-order `u32` attribute.
    pub(crate) fn u32(&mut self, ty: u16, v: u32) {
        self.bytes(ty, &v.to_ne_bytes());
    }

    /// A host-order `u64` attribute (the kernel's 64-bit counters).
    #[cfg(test)]
    pub(crate) fn u64(&mut self, ty: u16, v: u64) {
        self.bytes(ty, &v.to_ne_bytes());
    }

    /// A NUL-terminated string attribute.
    pub(crate) fn string(&mut self, ty: u16, s: &str) {
        let mut v = Vec::with_capacity(s.len() + 1);
        v.extend_from_slice(s.as_bytes());
        v.push(0);
        self.bytes(ty, &v);
    }

    /// Open a nested attribute (`NLA_F_NESTED` set); close it with
    /// [`AttrWriter::end_nest`] and the returned position.
    pub(crate) fn begin_nest(&mut self, ty: u16) -> usize {
        let pos = self.buf.len();
        self.buf.extend_from_slice(&0u16.to_ne_bytes());
        self.buf
            .extend_from_slice(&(ty | NLA_F_NESTED).to_ne_bytes());
        pos
    }

    /// Close the nest opened at `pos`: patch its length.
    pub(crate) fn end_nest(&mut self, pos: usize) {
        let len = (self.buf.len().saturating_sub(pos)).min(usize::from(u16::MAX)) as u16;
        if let Some(slot) = self.buf.get_mut(pos..pos + 2) {
            slot.copy_from_slice(&len.to_ne_bytes());
        }
    }
}

/// Something wrong in the bytes being decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DecodeError(pub(crate) String);

impl DecodeError {
    pub(crate) fn new(s: impl Into<String>) -> Self {
        DecodeError(s.into())
    }

    /// The library's error for a reply to `op` that could not be read: the
    /// one place a decode error becomes [`Error::MalformedReply`].
    pub(crate) fn malformed(self, op: Op) -> Error {
        Error::MalformedReply { op, reason: self.0 }
    }
}

/// `map_err` for a decode step of a reply to `op`.
pub(crate) fn malformed(op: Op) -> impl Fn(DecodeError) -> Error {
    move |e| e.malformed(op)
}

/// One decoded attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Attr<'a> {
    /// The type, flags removed.
    pub(crate) ty: u16,
    /// The payload (padding excluded).
    pub(crate) payload: &'a [u8],
}

impl<'a> Attr<'a> {
    fn fixed<const N: usize>(&self, what: &str) -> Result<[u8; N], DecodeError> {
        self.payload
            .get(..N)
            .and_then(|s| <[u8; N]>::try_from(s).ok())
            .ok_or_else(|| {
                DecodeError::new(format!(
                    "attribute {what} (type {}) has {} bytes, expected {N}",
                    self.ty,
                    self.payload.len()
                ))
            })
    }

    /// The payload as a `u8`.
    pub(crate) fn u8(&self, what: &str) -> Result<u8, DecodeError> {
        Ok(self.fixed::<1>(what)?[0])
    }

    /// The payload as a host-order `u16`.
    pub(crate) fn u16(&self, what: &str) -> Result<u16, DecodeError> {
        Ok(u16::from_ne_bytes(self.fixed(what)?))
    }

    /// The payload as a big-endian `u16`.
    pub(crate) fn be16(&self, what: &str) -> Result<u16, DecodeError> {
        Ok(u16::from_be_bytes(self.fixed(what)?))
    }

    /// The payload as a host-order `u32`.
    pub(crate) fn u32(&self, what: &str) -> Result<u32, DecodeError> {
        Ok(u32::from_ne_bytes(self.fixed(what)?))
    }

    /// The payload as a host-order `u64`; a 4-byte payload is widened (the
    /// 32-bit counters of the old `STATS` nest).
    pub(crate) fn u64_or_u32(&self, what: &str) -> Result<u64, DecodeError> {
        if self.payload.len() >= 8 {
            Ok(u64::from_ne_bytes(self.fixed(what)?))
        } else {
            Ok(u64::from(self.u32(what)?))
        }
    }

    /// The payload as exactly `N` leading bytes.
    pub(crate) fn array<const N: usize>(&self, what: &str) -> Result<[u8; N], DecodeError> {
        self.fixed(what)
    }

    /// The payload as a string: cut at the first NUL, invalid UTF-8
    /// replaced. Never panics (empty payloads give "").
    pub(crate) fn string(&self) -> String {
        let end = self
            .payload
            .iter()
            .position(|&b| b == 0)
            .unwrap_or(self.payload.len());
        String::from_utf8_lossy(self.payload.get(..end).unwrap_or_default()).into_owned()
    }

    /// Iterate over the attributes nested in this one.
    pub(crate) fn nested(&self) -> Attrs<'a> {
        Attrs::new(self.payload)
    }
}

/// Iterator over the attributes in a byte slice. Yields an error (and then
/// stops) on a truncated or impossible length.
#[derive(Debug, Clone)]
pub(crate) struct Attrs<'a> {
    rest: &'a [u8],
    failed: bool,
}

impl<'a> Attrs<'a> {
    /// Attributes in `buf`.
    pub(crate) fn new(buf: &'a [u8]) -> Self {
        Attrs {
            rest: buf,
            failed: false,
        }
    }
}

impl<'a> Iterator for Attrs<'a> {
    type Item = Result<Attr<'a>, DecodeError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.rest.is_empty() {
            return None;
        }
        let hdr = match self.rest.get(..4) {
            Some(h) => h,
            None => {
                self.failed = true;
                return Some(Err(DecodeError::new(format!(
                    "{} stray bytes after the last attribute",
                    self.rest.len()
                ))));
            }
        };
        let len = usize::from(u16::from_ne_bytes([hdr[0], hdr[1]]));
        let ty = u16::from_ne_bytes([hdr[2], hdr[3]]) & NLA_TYPE_MASK;
        let payload = match (len >= 4).then(|| self.rest.get(4..len)).flatten() {
            Some(p) => p,
            None => {
                self.failed = true;
                return Some(Err(DecodeError::new(format!(
                    "attribute type {ty} has length {len} but {} bytes remain",
                    self.rest.len()
                ))));
            }
        };
        // The last attribute may lack its padding.
        self.rest = self.rest.get(align4(len)..).unwrap_or_default();
        Some(Ok(Attr { ty, payload }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_and_read_back() {
        let mut w = AttrWriter::new();
        w.u16(1, 2);
        let n = w.begin_nest(3);
        w.string(6, "wlc");
        w.be16(4, 80);
        w.end_nest(n);
        w.u8(9, 7);
        let b = w.into_vec();
        assert_eq!(b.len() % 4, 0);
        let attrs: Vec<_> = Attrs::new(&b).collect::<Result<_, _>>().unwrap();
        assert_eq!(attrs.len(), 3);
        assert_eq!(attrs[0].u16("af").unwrap(), 2);
        assert_eq!(attrs[1].ty, 3);
        let inner: Vec<_> = attrs[1].nested().collect::<Result<_, _>>().unwrap();
        assert_eq!(inner[0].string(), "wlc");
        assert_eq!(inner[1].be16("port").unwrap(), 80);
        assert_eq!(attrs[2].u8("x").unwrap(), 7);
        // nest header carries NLA_F_NESTED on the wire
        assert_eq!(u16::from_ne_bytes([b[10], b[11]]), 3 | NLA_F_NESTED);
    }

    #[test]
    fn malformed_does_not_panic() {
        for bad in [
            &[1u8][..],
            &[3, 0, 1, 0][..],
            &[8, 0, 1, 0, 1][..],
            &[0xff, 0xff, 1, 0, 0, 0, 0, 0][..],
        ] {
            let r: Result<Vec<_>, _> = Attrs::new(bad).collect();
            assert!(r.is_err(), "{bad:?}");
        }
        let empty = Attr {
            ty: 6,
            payload: &[],
        };
        assert_eq!(empty.string(), "");
        assert!(empty.u32("x").is_err());
    }
}
