//! Attribute values more than one object uses: the 16-byte address union,
//! kept unknown attributes, top-level nests.

use crate::model::{Family, UnknownAttr};
use crate::netlink::attr::{Attr, AttrWriter, Attrs, DecodeError};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// 16-byte `union nf_inet_addr`.
pub(super) fn inet_addr(a: &IpAddr) -> [u8; 16] {
    let mut b = [0u8; 16];
    match a {
        IpAddr::V4(v4) => b[..4].copy_from_slice(&v4.octets()),
        IpAddr::V6(v6) => b = v6.octets(),
    }
    b
}

/// Append the unknown attributes an edit sends back, as they came.
pub(super) fn put_kept(w: &mut AttrWriter, kept: &[UnknownAttr]) {
    for a in kept {
        w.bytes(a.kind, &a.payload);
    }
}

pub(super) fn ip_from(fam: Family, raw: &[u8; 16], what: &str) -> Result<IpAddr, DecodeError> {
    match fam {
        Family::Inet => Ok(IpAddr::V4(Ipv4Addr::new(raw[0], raw[1], raw[2], raw[3]))),
        Family::Inet6 => Ok(IpAddr::V6(Ipv6Addr::from(*raw))),
        Family::Other(v) => Err(DecodeError::new(format!(
            "{what} has unknown address family {v}"
        ))),
    }
}

/// The 16-byte address attribute (an IPv4 one may be sent as 4 bytes).
pub(super) fn addr16(a: &Attr<'_>, what: &str) -> Result<[u8; 16], DecodeError> {
    let mut out = [0u8; 16];
    match a.payload.len() {
        n if n >= 16 => out = a.array::<16>(what)?,
        n if n >= 4 => out[..4].copy_from_slice(&a.array::<4>(what)?),
        n => return Err(DecodeError::new(format!("{what} address has {n} bytes"))),
    }
    Ok(out)
}

/// Find the one top-level nest of type `ty` in a reply's attributes.
pub(crate) fn find_nest<'a>(attrs: &'a [u8], ty: u16) -> Result<Option<Attr<'a>>, DecodeError> {
    for a in Attrs::new(attrs) {
        let a = a?;
        if a.ty == ty {
            return Ok(Some(a));
        }
    }
    Ok(None)
}
