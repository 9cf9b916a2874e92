//! The IPVS generic-netlink wire layer: attribute encoding and decoding
//! ([`attr`]), translation between the typed model and attributes
//! ([`codec`]), and the socket transport ([`socket`]).
//!
//! Nothing here is public API; the [`crate::Ipvs`] handle sits on top.

pub(crate) mod attr;
pub(crate) mod codec;
pub(crate) mod socket;

#[cfg(test)]
mod golden;
#[cfg(test)]
mod proptests;
