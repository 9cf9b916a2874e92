//! The IPVS generic-netlink wire layer: attribute encoding and decoding
//! ([`attr`]), translation between the typed model and attributes
//! ([`codec`]: framing, requests, one file per IPVS object), and the socket
//! transport ([`socket`]: opening, namespaces, the request state machine,
//! batches). Golden bytes and property tests are in `tests/`.
//!
//! Nothing here is public API; the [`crate::Ipvs`] handle sits on top.

pub(crate) mod attr;
pub(crate) mod codec;
pub(crate) mod socket;

/// Feed arbitrary bytes to every reply decoder, as a datagram and as bare
/// attributes, the way replies reach them. Errors are expected; a panic is a
/// bug. The entry point of the fuzz target (`fuzz/`) and of the property
/// tests.
#[cfg(any(test, fuzzing))]
pub fn fuzz_decode(b: &[u8]) {
    use crate::model::Family;
    let _ = codec::decode_service_msg(b);
    let _ = codec::decode_dest_msg(b, Family::Inet);
    let _ = codec::decode_dest_msg(b, Family::Other(3));
    let _ = codec::decode_daemon_msg(b);
    let _ = codec::decode_timeouts(b);
    let _ = codec::decode_info(b);
    let _ = codec::decode_family_id(b);
    for a in attr::Attrs::new(b).flatten() {
        let _ = a.string();
        for n in a.nested().flatten() {
            let _ = n.string();
        }
    }
    for m in codec::NlMsgs::new(b).flatten() {
        let _ = m.error_code();
        for dump in [false, true] {
            let _ = socket::classify(&m, m.pid, m.seq, dump);
        }
        if let Ok((_, attrs)) = m.genl() {
            let _ = codec::decode_service_msg(attrs);
            let _ = codec::decode_dest_msg(attrs, Family::Inet6);
            let _ = codec::decode_daemon_msg(attrs);
            let _ = codec::decode_timeouts(attrs);
            let _ = codec::decode_info(attrs);
        }
    }
}

#[cfg(test)]
mod tests;
