//! Translation between the typed model and IPVS netlink messages.
//!
//! Requests are laid out attribute for attribute as ipvsadm 1.31 (libipvs on
//! libnl-3) sends them, so the kernel sees identical bytes. Replies are read
//! with the panic-free walker of [`super::attr`]; unknown attributes of a
//! service or destination are kept in its `unknown` list and unknown values
//! land in the model's `Other(..)` variants.

//!
//! One file per concern, constants beside the object they describe (in the
//! manner of netlink-packet-route): [`genl`] (netlink and generic netlink
//! framing, the family controller), [`command`] (IPVS command numbers and
//! top-level attributes, a leaf), [`request`] (the request of each read
//! and change), [`service`],
//! [`dest`], [`daemon`], [`stats`], [`info`], [`timeouts`] (each object's
//! attributes, encoding and decoding) and [`values`] (addresses and other
//! values several objects share).

pub(crate) mod command;
pub(crate) mod daemon;
pub(crate) mod dest;
pub(crate) mod genl;
pub(crate) mod info;
pub(crate) mod request;
pub(crate) mod service;
pub(crate) mod stats;
pub(crate) mod timeouts;
pub(crate) mod values;

pub(crate) use daemon::decode_daemon_msg;
pub(crate) use dest::decode_dest_msg;
pub(crate) use genl::*;
pub(crate) use info::decode_info;
pub(crate) use request::{encode_change, Request};
pub(crate) use service::decode_service_msg;
pub(crate) use timeouts::decode_timeouts;

// What only the golden-bytes and property tests reach from here.
#[cfg(test)]
pub(crate) use dest::{decode_dest, put_dest};
#[cfg(test)]
pub(crate) use service::{put_service, SvcFields};
#[cfg(test)]
pub(crate) use values::find_nest;
#[cfg(test)]
pub(crate) use {daemon::put_daemon_new, timeouts::put_timeouts};
