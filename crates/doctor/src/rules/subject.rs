//! How findings name what they are about.

use rvsadm::{Destination, Service};

/// `TCP 192.0.2.1:80`, `fwmark 5` (ipvsadm's way of naming a service).
///
/// ```
/// let s = rvsadm::Service::new(rvsadm::ServiceKey::tcp("192.0.2.1:80".parse().unwrap()));
/// assert_eq!(rvsadm_doctor::service_subject(&s), "TCP 192.0.2.1:80");
/// ```
pub fn service_subject(s: &Service) -> String {
    let text = s.key.to_string();
    match (s.key.protocol(), text.split_once(' ')) {
        (Some(_), Some((proto, rest))) => format!("{} {rest}", proto.to_uppercase()),
        _ => text,
    }
}

/// `TCP 192.0.2.1:80 -> 10.0.0.2:80 (masq)`.
pub fn dest_subject(s: &Service, d: &Destination) -> String {
    let how = d.config.forward.name().unwrap_or("?");
    format!("{} -> {} ({how})", service_subject(s), d.addr)
}
