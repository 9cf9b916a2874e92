//! ICMP echo messages: the request a PING check sends, and reading a
//! datagram back from bytes alone ([`echo_reply`]).

/// ICMPv4 echo request and reply types.
const V4_REQUEST: u8 = 8;
const V4_REPLY: u8 = 0;
/// ICMPv6 echo request and reply types.
const V6_REQUEST: u8 = 128;
const V6_REPLY: u8 = 129;

/// An echo request with identifier `id`, sequence `seq` and `payload`.
/// The ICMPv4 checksum is filled in; the kernel fills ICMPv6's.
///
/// ```
/// use rvsadmd::probe::icmp::{echo_request, echo_reply};
/// let mut m = echo_request(false, 7, 1, b"rvsadmd");
/// m[0] = 0; // as the echo reply comes back
/// assert_eq!(echo_reply(&m, false, false), Some((7, 1)));
/// ```
pub fn echo_request(v6: bool, id: u16, seq: u16, payload: &[u8]) -> Vec<u8> {
    let mut m = Vec::with_capacity(8 + payload.len());
    m.push(if v6 { V6_REQUEST } else { V4_REQUEST });
    m.push(0);
    m.extend_from_slice(&[0, 0]);
    m.extend_from_slice(&id.to_be_bytes());
    m.extend_from_slice(&seq.to_be_bytes());
    m.extend_from_slice(payload);
    if !v6 {
        let sum = checksum(&m);
        m[2..4].copy_from_slice(&sum.to_be_bytes());
    }
    m
}

/// The Internet checksum (RFC 1071) of `data`.
pub fn checksum(data: &[u8]) -> u16 {
    let mut sum: u32 = data
        .chunks(2)
        .map(|c| u32::from(u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)])))
        .sum();
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// The identifier and sequence of `datagram` if it is an echo reply;
/// `with_ip_header`: it starts with an IPv4 header (what a raw IPv4
/// socket receives), skipped by its length field.
pub fn echo_reply(datagram: &[u8], v6: bool, with_ip_header: bool) -> Option<(u16, u16)> {
    let icmp = if with_ip_header {
        let ihl = usize::from(datagram.first()? & 0x0f) * 4;
        if ihl < 20 {
            return None;
        }
        datagram.get(ihl..)?
    } else {
        datagram
    };
    let want = if v6 { V6_REPLY } else { V4_REPLY };
    if icmp.len() < 8 || icmp[0] != want || icmp[1] != 0 {
        return None;
    }
    Some((
        u16::from_be_bytes([icmp[4], icmp[5]]),
        u16::from_be_bytes([icmp[6], icmp[7]]),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksums_and_replies() {
        // A request's checksum over itself (checksum included) is 0.
        let m = echo_request(false, 0x1234, 9, b"abc");
        assert_eq!(checksum(&m), 0);
        assert_eq!(&m[..2], &[8, 0]);
        let mut ip = vec![0x45u8; 1];
        ip.extend_from_slice(&[0; 19]);
        let mut reply = m.clone();
        reply[0] = 0;
        ip.extend_from_slice(&reply);
        assert_eq!(echo_reply(&ip, false, true), Some((0x1234, 9)));
        assert_eq!(echo_reply(&m, false, false), None); // a request
        assert_eq!(echo_reply(&[0x41, 0, 0], false, true), None);
        assert_eq!(echo_reply(&[], false, true), None);
        let mut v6 = echo_request(true, 1, 2, b"");
        assert_eq!(v6[0], 128);
        v6[0] = 129;
        assert_eq!(echo_reply(&v6, true, false), Some((1, 2)));
        assert_eq!(echo_reply(&v6, false, false), None);
    }
}
