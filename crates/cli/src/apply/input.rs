//! The desired state from a file: the `-S --json` document or ipvsadm
//! rules, told apart by content.

use super::{ApplyArgs, Format, Refusal};
use crate::compat::args::{self, Command};
use crate::compat::restore;
use rvsadm::json;
use rvsadm::{Change, DesiredState, Error, ServiceKey, ServiceSpec};
use std::io::Read;

/// Read and check the desired state; nothing is applied.
pub(super) fn read_input(a: &ApplyArgs, stdin: &mut dyn Read) -> Result<DesiredState, Refusal> {
    let desired = read_desired(&a.file, a.format, stdin).map_err(Refusal::Error)?;
    if a.prune && desired.services.is_empty() && !a.allow_empty {
        return Err(Refusal::Usage(
            "the desired state names no service: with --prune that deletes every service; add --allow-empty if that is what you mean".into(),
        ));
    }
    Ok(desired)
}

/// Read and check a desired state from `file` (`-`: `stdin`): the
/// `-S --json` document or ipvsadm rules (`format`, else told apart by
/// content). Errors are [`Error::InvalidDocument`], naming the place.
pub fn read_desired(
    file: &str,
    format: Option<Format>,
    stdin: &mut dyn Read,
) -> Result<DesiredState, Error> {
    let mut bytes = Vec::new();
    let read = if file == "-" {
        stdin.read_to_end(&mut bytes).map(|_| ())
    } else {
        std::fs::File::open(file).and_then(|mut f| f.read_to_end(&mut bytes).map(|_| ()))
    };
    read.map_err(|e| {
        let name = if file == "-" { "standard input" } else { file };
        Error::InvalidDocument {
            path: String::new(),
            message: format!("cannot read {name}: {e}"),
        }
    })?;
    match format.unwrap_or_else(|| detect(&bytes)) {
        Format::Json => {
            let text = std::str::from_utf8(&bytes).map_err(|_| Error::InvalidDocument {
                path: String::new(),
                message: "the JSON document is not UTF-8".into(),
            })?;
            json::parse_save(text)
                .and_then(|d| d.validate())
                .map_err(|e| Error::InvalidDocument {
                    path: e.path,
                    message: e.message,
                })
        }
        // `validate` above has checked the document's values
        // (`DesiredState::check`); rules are checked here, once.
        Format::Rules => parse_rules(&bytes).and_then(|d| d.check().map(|()| d)),
    }
}

/// JSON if the first byte that is not white space is `{`, else rules.
pub fn detect(bytes: &[u8]) -> Format {
    match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'{') => Format::Json,
        _ => Format::Rules,
    }
}

/// ipvsadm rules as a desired state: `-A` lines make services, `-a` lines
/// their destinations (after their `-A`); any other command is refused,
/// naming its line. Each line is read by ipvsadm's own rules (`-R`).
pub fn parse_rules(bytes: &[u8]) -> rvsadm::Result<DesiredState> {
    let bad = |line: usize, message: String| Error::InvalidDocument {
        path: format!("line {line}"),
        message,
    };
    let mut services: Vec<ServiceSpec> = Vec::new();
    // Where each service is in `services`: a table of 10,000 services
    // must not be searched once per line.
    let mut index: std::collections::HashMap<ServiceKey, usize> = Default::default();
    let mut argv = Vec::new();
    for (i, line) in bytes.split(|&b| b == b'\n').enumerate() {
        let n = i + 1;
        if !restore::fill_argv(line, "rvsadm", &mut argv) {
            continue;
        }
        match args::parse(&argv, true) {
            Ok(Command::Change(Change::AddService(s))) => {
                if index.insert(s.key, services.len()).is_some() {
                    return Err(bad(n, format!("service {} is listed twice", s.key)));
                }
                services.push(ServiceSpec::new(s.key).with_config(s.config));
            }
            Ok(Command::Change(Change::AddDestination(k, d))) => match index.get(&k).and_then(|&i| services.get_mut(i)) {
                Some(s) => {
                    if s.destinations.iter().any(|x| x.addr == d.addr) {
                        return Err(bad(
                            n,
                            format!("destination {} of {k} is listed twice", d.addr),
                        ));
                    }
                    s.destinations.push(d);
                }
                None => {
                    return Err(bad(
                        n,
                        format!("destination of {k} before an -A line for that service"),
                    ))
                }
            },
            Ok(_) => {
                return Err(bad(
                    n,
                    format!(
                        "`{}` is not part of a desired state: apply reads -A and -a lines (as ipvsadm -S writes them)",
                        argv.get(1..).unwrap_or(&[]).join(" ")
                    ),
                ))
            }
            Err(f) => return Err(bad(n, f.stderr.trim_end().replace('\n', " "))),
        }
    }
    Ok(DesiredState {
        services,
        timeouts: None,
        daemons: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rvsadm::{
        DestConfig, ForwardMethod, Netmask, ServiceConfig, ServiceFlags, TunnelFlags, TunnelType,
    };
    use std::net::SocketAddr;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn formats_are_told_by_content() {
        assert_eq!(detect(b"  \n{\"schema_version\":1}"), Format::Json);
        assert_eq!(detect(b"-A -t 1.2.3.4:80 -s wlc\n"), Format::Rules);
        assert_eq!(detect(b""), Format::Rules);
    }

    #[test]
    fn rules_become_a_desired_state() {
        let d = parse_rules(
            b"-A -t 192.0.2.1:80 -s rr\n-a -t 192.0.2.1:80 -r 10.0.0.1:80 -m -w 3\n\n-A -f 7 -s wlc -p 60\n",
        )
        .unwrap();
        assert_eq!(d.services.len(), 2);
        assert_eq!(d.services[0].destinations[0].config.weight.get(), 3);
        assert!(d.services[1].config.is_persistent());
        assert_eq!((d.timeouts, d.daemons), (None, None));
        let e = parse_rules(b"-A -t 192.0.2.1:80\n-C\n").unwrap_err();
        assert!(e.to_string().starts_with("line 2: "), "{e}");
        let e = parse_rules(b"\n-a -t 192.0.2.1:80 -r 10.0.0.1:80\n").unwrap_err();
        assert!(e.to_string().contains("line 2"), "{e}");
        let e = parse_rules(b"-A -t 192.0.2.1:80 -s\n").unwrap_err();
        assert_eq!(e.code(), "invalid_document");
        let e = parse_rules(b"-A -t 192.0.2.1:80\n-A -t 192.0.2.1:80\n").unwrap_err();
        assert!(e.to_string().contains("twice"), "{e}");
    }

    #[test]
    fn ipvsadm_commands_read_back_as_the_same_change() {
        let key = ServiceKey::udp("192.0.2.1:80".parse().unwrap());
        let cfg = ServiceConfig::new(rvsadm::Family::Inet)
            .with_scheduler(rvsadm::Scheduler::Sh)
            .with_persistence(120)
            .with_flags(ServiceFlags::SCHED1 | ServiceFlags::ONEPACKET)
            .with_netmask(Netmask::V4("255.255.255.0".parse().unwrap()));
        let svc = rvsadm::Service::new(key).with_config(cfg);
        let dest = DestConfig::new(ForwardMethod::Tunnel)
            .with_tunnel(TunnelType::Gue, 6080, TunnelFlags::CSUM)
            .with_thresholds(100, 10)
            .with_weight(rvsadm::Weight::from(7u16));
        let a: SocketAddr = "10.0.0.1:80".parse().unwrap();
        let argv = |c: &Change| {
            let mut v = vec!["rvsadm".to_string()];
            v.extend(words(&c.ipvsadm_args()));
            args::parse(&v, false).unwrap()
        };
        match argv(&Change::AddService(svc.clone())) {
            Command::Change(Change::AddService(s)) => assert_eq!(s.config, svc.config),
            c => panic!("{c:?}"),
        }
        match argv(&Change::add_destination(key, a, dest)) {
            Command::Change(Change::AddDestination(k, d)) => {
                assert_eq!((k, d.addr, d.config), (key, a, dest))
            }
            c => panic!("{c:?}"),
        }
        match argv(&Change::DeleteDestination(key, a)) {
            Command::Change(Change::DeleteDestination(k, x)) => assert_eq!((k, x), (key, a)),
            c => panic!("{c:?}"),
        }
    }
}
