//! The one text form of a service and of a destination: what `status`
//! prints, the control commands take, events carry and the state file
//! keeps.
//!
//! A service is `tcp:192.0.2.1:80`, `udp:[2001:db8::1]:53`,
//! `sctp:192.0.2.1:9`, `fwmark:7` or `fwmark:7:inet6`; a destination is
//! `ADDR:PORT` (IPv6 as `[ADDR]:PORT`). [`format()`] writes a service,
//! [`parse`] reads it back (and, for what people type, ipvsadm's
//! `-t ADDR:PORT`, `-u`, `--sctp-service` and `-f N` too).

use rvsadm::model::{Family, ServiceKey};
use std::net::{IpAddr, SocketAddr};

/// A service in its one text form.
///
/// ```
/// use rvsadm_control::service::{format, parse};
/// let k = rvsadm::ServiceKey::udp("[2001:db8::1]:53".parse().unwrap());
/// assert_eq!(format(&k), "udp:[2001:db8::1]:53");
/// assert_eq!(parse(&format(&k)).unwrap(), k);
/// ```
pub fn format(k: &ServiceKey) -> String {
    match k {
        ServiceKey::Addr {
            protocol,
            addr,
            port,
        } => {
            let p = protocol.name().unwrap_or("?").to_ascii_lowercase();
            match addr {
                IpAddr::V6(a) => format!("{p}:[{a}]:{port}"),
                IpAddr::V4(a) => format!("{p}:{a}:{port}"),
            }
        }
        ServiceKey::Fwmark {
            mark,
            family: Family::Inet6,
        } => format!("fwmark:{mark}:inet6"),
        ServiceKey::Fwmark { mark, .. } => format!("fwmark:{mark}"),
    }
}

/// Read a service written by [`format()`]; for what people type or copy,
/// also as ipvsadm's switches name it (`-t 192.0.2.1:80`, one word with a
/// space) and as earlier versions printed it in `status` and events
/// (`TCP 192.0.2.1:80`, `fwmark 7 ipv6`).
///
/// ```
/// use rvsadm_control::service::parse;
/// let k = parse("tcp:192.0.2.1:80").unwrap();
/// assert_eq!(k, rvsadm::ServiceKey::tcp("192.0.2.1:80".parse().unwrap()));
/// assert!(parse("tcp:nowhere").is_err());
/// ```
pub fn parse(s: &str) -> Result<ServiceKey, String> {
    let s = s.trim();
    let (kind, rest) = s.split_once([':', ' ']).ok_or_else(|| {
        format!("`{s}`: write tcp:ADDR:PORT, udp:ADDR:PORT, sctp:ADDR:PORT or fwmark:N")
    })?;
    let addr = |r: &str| -> Result<SocketAddr, String> {
        r.trim()
            .parse()
            .map_err(|_| format!("`{r}` is not ADDR:PORT (IPv6 as [ADDR]:PORT)"))
    };
    match kind.to_ascii_lowercase().as_str() {
        "tcp" | "-t" => Ok(ServiceKey::tcp(addr(rest)?)),
        "udp" | "-u" => Ok(ServiceKey::udp(addr(rest)?)),
        "sctp" | "--sctp-service" => Ok(ServiceKey::sctp(addr(rest)?)),
        "fwmark" | "-f" => {
            let (n, fam) = match rest.split_once([':', ' ']) {
                Some((n, f)) => (n, f),
                None => (rest, "inet"),
            };
            let mark: u32 = n
                .trim()
                .parse()
                .ok()
                .filter(|m| *m > 0)
                .ok_or_else(|| format!("`{n}` is not a firewall mark (1 to 4294967295)"))?;
            match fam {
                "inet" => Ok(ServiceKey::fwmark(mark)),
                "inet6" | "ipv6" => Ok(ServiceKey::Fwmark {
                    mark,
                    family: Family::Inet6,
                }),
                f => Err(format!("`{f}`: write inet or inet6")),
            }
        }
        k => Err(format!("`{k}`: write tcp, udp, sctp or fwmark")),
    }
}

/// Read a destination `ADDR:PORT` (IPv6 as `[ADDR]:PORT`); written by
/// `SocketAddr`'s `Display`.
pub fn parse_dest(s: &str) -> Result<SocketAddr, String> {
    s.trim()
        .parse()
        .map_err(|_| format!("`{s}` is not ADDR:PORT (IPv6 as [ADDR]:PORT)"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rvsadm::model::Protocol;

    #[test]
    fn every_kind_of_service_reads_back() {
        let v4: IpAddr = "192.0.2.1".parse().unwrap();
        let v6: IpAddr = "2001:db8::1".parse().unwrap();
        let mut all = Vec::new();
        for protocol in [Protocol::Tcp, Protocol::Udp, Protocol::Sctp] {
            for addr in [v4, v6] {
                for port in [0, 80, 65535] {
                    all.push(ServiceKey::Addr {
                        protocol,
                        addr,
                        port,
                    });
                }
            }
        }
        for mark in [1, 7, u32::MAX] {
            all.push(ServiceKey::fwmark(mark));
            all.push(ServiceKey::Fwmark {
                mark,
                family: Family::Inet6,
            });
        }
        for k in all {
            let text = format(&k);
            assert_eq!(parse(&text), Ok(k), "{text}");
            assert!(!text.contains(' '), "one word: {text}");
        }
    }

    #[test]
    fn the_forms_people_type() {
        assert_eq!(
            parse("udp:[2001:db8::1]:53").unwrap(),
            ServiceKey::udp("[2001:db8::1]:53".parse().unwrap())
        );
        assert_eq!(
            parse("-t 10.0.0.1:80").unwrap(),
            ServiceKey::tcp("10.0.0.1:80".parse().unwrap())
        );
        assert_eq!(
            parse("fwmark:7:inet6").unwrap(),
            ServiceKey::Fwmark {
                mark: 7,
                family: Family::Inet6
            }
        );
        assert!(parse("fwmark:0").is_err());
        assert!(parse("fwmark:7:ipx").is_err());
        assert!(parse("icmp:1.2.3.4:0").is_err());
        assert!(parse("").is_err());
        // As `status` and events printed a service before.
        assert_eq!(
            parse("TCP 192.0.2.1:80").unwrap(),
            ServiceKey::tcp("192.0.2.1:80".parse().unwrap())
        );
        assert_eq!(
            parse("fwmark 7 ipv6").unwrap(),
            ServiceKey::Fwmark {
                mark: 7,
                family: Family::Inet6
            }
        );
        assert_eq!(
            parse_dest("[2001:db8::2]:8080").unwrap().to_string(),
            "[2001:db8::2]:8080"
        );
        assert!(parse_dest("10.0.0.1").is_err());
    }
}
