//! How findings name what they are about.

use rvsadm::{Destination, Service};

/// `TCP 192.0.2.1:80` (ipvsadm's way of naming a service).
pub fn service_subject(s: &Service) -> String {
    s.key.to_string()
}

/// `TCP 192.0.2.1:80 -> 10.0.0.2:80 (masq)`.
pub fn dest_subject(s: &Service, d: &Destination) -> String {
    let how = d.config.forward.name().unwrap_or("?");
    format!("{} -> {} ({how})", s.key, d.addr)
}
