//! The label sets of a service and of a destination.
//!
//! A service is named by the kernel's four fields, each always present:
//! `protocol` (`tcp`, `udp`, `sctp`, or `fwmark` for a firewall-mark
//! service), `vip` (the virtual address; for a firewall-mark service the
//! family's unspecified address, `0.0.0.0` or `::`, which tells an IPv4
//! mark from an IPv6 one), `port` (`0` for a firewall-mark service) and
//! `fwmark` (`0` for an address service). A destination adds `real` (its
//! address, without brackets) and `real_port`, kept apart as `vip` and
//! `port` are, so that a query can group by real server whatever its port.

use prometheus_client::encoding::{EncodeLabel, EncodeLabelSet, LabelSetEncoder};
use rvsadm::{Family, ServiceKey};
use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};

/// The labels of a service: `protocol`, `vip`, `port`, `fwmark`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ServiceLabels {
    protocol: &'static str,
    vip: String,
    port: u16,
    fwmark: u32,
}

impl ServiceLabels {
    /// The labels of the service `key`.
    pub fn of(key: &ServiceKey) -> Self {
        match *key {
            ServiceKey::Addr {
                protocol,
                addr,
                port,
            } => ServiceLabels {
                protocol: protocol.name().unwrap_or("unknown"),
                vip: addr.to_string(),
                port,
                fwmark: 0,
            },
            ServiceKey::Fwmark { mark, family } => ServiceLabels {
                protocol: "fwmark",
                vip: match family {
                    Family::Inet6 => Ipv6Addr::UNSPECIFIED.to_string(),
                    _ => Ipv4Addr::UNSPECIFIED.to_string(),
                },
                port: 0,
                fwmark: mark,
            },
        }
    }
}

impl EncodeLabelSet for ServiceLabels {
    fn encode(&self, e: &mut LabelSetEncoder) -> Result<(), fmt::Error> {
        ("protocol", self.protocol).encode(e.encode_label())?;
        ("vip", self.vip.as_str()).encode(e.encode_label())?;
        ("port", self.port).encode(e.encode_label())?;
        ("fwmark", self.fwmark).encode(e.encode_label())
    }
}

/// The labels of a destination: its service's, then `real` and
/// `real_port`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DestLabels {
    service: ServiceLabels,
    real: String,
    real_port: u16,
}

impl DestLabels {
    /// The labels of destination `real` of service `key`.
    pub fn of(key: &ServiceKey, real: SocketAddr) -> Self {
        DestLabels {
            service: ServiceLabels::of(key),
            real: real.ip().to_string(),
            real_port: real.port(),
        }
    }
}

impl EncodeLabelSet for DestLabels {
    fn encode(&self, e: &mut LabelSetEncoder) -> Result<(), fmt::Error> {
        self.service.encode(e)?;
        ("real", self.real.as_str()).encode(e.encode_label())?;
        ("real_port", self.real_port).encode(e.encode_label())
    }
}

/// A borrowed label set encodes as the set (for samples built over rows).
impl EncodeLabelSet for &ServiceLabels {
    fn encode(&self, e: &mut LabelSetEncoder) -> Result<(), fmt::Error> {
        (*self).encode(e)
    }
}

/// A borrowed label set encodes as the set.
impl EncodeLabelSet for &DestLabels {
    fn encode(&self, e: &mut LabelSetEncoder) -> Result<(), fmt::Error> {
        (*self).encode(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{encode, Format};
    use prometheus_client::metrics::family::Family as Fam;
    use prometheus_client::metrics::gauge::Gauge;
    use prometheus_client::registry::Registry;

    fn line(labels: DestLabels) -> String {
        let f: Fam<DestLabels, Gauge> = Fam::default();
        f.get_or_create(&labels).set(1);
        let mut r = Registry::default();
        r.register("x", "x", f);
        let text = encode(&r, Format::Prometheus).unwrap();
        text.lines()
            .find(|l| l.starts_with("x{"))
            .unwrap()
            .to_string()
    }

    #[test]
    fn address_and_mark_services_name_all_four_fields() {
        let k = ServiceKey::udp("[2001:db8::1]:53".parse().unwrap());
        assert_eq!(
            line(DestLabels::of(&k, "[2001:db8::2]:5353".parse().unwrap())),
            "x{protocol=\"udp\",vip=\"2001:db8::1\",port=\"53\",fwmark=\"0\",\
             real=\"2001:db8::2\",real_port=\"5353\"} 1"
        );
        let m = ServiceKey::Fwmark {
            mark: 7,
            family: Family::Inet6,
        };
        assert_eq!(
            line(DestLabels::of(&m, "[2001:db8::2]:0".parse().unwrap())),
            "x{protocol=\"fwmark\",vip=\"::\",port=\"0\",fwmark=\"7\",\
             real=\"2001:db8::2\",real_port=\"0\"} 1"
        );
        let m4 = ServiceKey::fwmark(7);
        assert_ne!(ServiceLabels::of(&m4), ServiceLabels::of(&m));
    }
}
