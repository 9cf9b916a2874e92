//! The protocol timeouts: the top-level `TIMEOUT_*` attributes of
//! `SET_CONFIG` and of `GET_CONFIG`'s reply.

use super::command::cmd_attr;
use crate::model::Timeouts;
use crate::netlink::attr::{AttrWriter, Attrs, DecodeError};

/// Append the three timeout attributes (top level).
pub(crate) fn put_timeouts(w: &mut AttrWriter, t: &Timeouts) {
    w.u32(cmd_attr::TIMEOUT_TCP, t.tcp);
    w.u32(cmd_attr::TIMEOUT_TCP_FIN, t.tcp_fin);
    w.u32(cmd_attr::TIMEOUT_UDP, t.udp);
}

/// Decode the attributes of a `GET_CONFIG` reply (missing values stay 0).
pub(crate) fn decode_timeouts(attrs: &[u8]) -> Result<Timeouts, DecodeError> {
    let mut t = Timeouts::default();
    for a in Attrs::new(attrs) {
        let a = a?;
        match a.ty {
            cmd_attr::TIMEOUT_TCP => t.tcp = a.u32("tcp timeout")?,
            cmd_attr::TIMEOUT_TCP_FIN => t.tcp_fin = a.u32("tcp fin timeout")?,
            cmd_attr::TIMEOUT_UDP => t.udp = a.u32("udp timeout")?,
            _ => {}
        }
    }
    Ok(t)
}
