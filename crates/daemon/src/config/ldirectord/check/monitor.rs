//! How `monitorfile` writes a real's results: ldirectord's id of the
//! real as its name, and which results it logs.

use super::super::checktype::CheckType;
use super::super::real::Real;
use super::super::service::is_udp;
use super::CheckPlan;
use crate::config::MonitorAs;
use rvsadm::model::{ForwardMethod, Protocol, ServiceKey};

impl CheckPlan<'_> {
    /// How `monitorfile` writes the results of real `r`: named by
    /// ldirectord's id of it (check, protocol, address, port,
    /// virtualhost, checkport, weight, forwarding, request, receive
    /// joined by `:`, each run of `:` then a blank, `\` dropped), with
    /// ldirectord's message for the check (an HTTP check's result, else
    /// `-`). ldirectord logs every result of a check but an ICMP echo's
    /// failure, and none of `external-perl` and `on`.
    pub(in super::super) fn monitor_as(&self, r: &Real) -> MonitorAs {
        let check = match self.checktype {
            CheckType::Negotiate => format!("negotiate:{}", self.service),
            CheckType::Combined(_) => format!("combined:{}", self.service),
            CheckType::External | CheckType::ExternalPerl => format!(
                "{}:{}",
                self.checktype_word(),
                self.checkcommand.as_deref().unwrap_or("/bin/true")
            ),
            _ => self.checktype_word().to_string(),
        };
        let server = match r.addr_written.ip() {
            std::net::IpAddr::V6(a) => format!("[{a}]"),
            a => a.to_string(),
        };
        let id = [
            check,
            protocol_word(self.key).into(),
            server,
            r.addr_written.port().to_string(),
            self.virtualhost.clone().unwrap_or_default(),
            self.checkport.map(|p| p.to_string()).unwrap_or_default(),
            r.spec.config.weight.to_string(),
            forward_word(r.spec.config.forward).into(),
            r.request.clone().unwrap_or_else(|| self.request.clone()),
            r.receive
                .clone()
                .or_else(|| self.receive.clone())
                .unwrap_or_default(),
        ]
        .join(":");
        let pinged = matches!(self.checktype, CheckType::Ping)
            || (self.checktype == CheckType::Connect && is_udp(self.key));
        let silent = matches!(self.checktype, CheckType::ExternalPerl | CheckType::On);
        let http = matches!(self.service.as_str(), "http" | "https" | "http_proxy")
            && matches!(
                self.checktype,
                CheckType::Negotiate | CheckType::Combined(_)
            );
        MonitorAs {
            name: id_words(&id),
            up: !silent,
            down: !silent && !pinged,
            reason: http,
        }
    }

    /// The `checktype` word ldirectord keeps for the virtual.
    fn checktype_word(&self) -> &'static str {
        match self.checktype {
            CheckType::Connect => "connect",
            CheckType::Negotiate => "negotiate",
            CheckType::Ping => "ping",
            CheckType::External => "external",
            CheckType::ExternalPerl => "external-perl",
            CheckType::On => "on",
            CheckType::Off => "off",
            CheckType::Combined(_) => "combined",
        }
    }
}

/// The protocol word of a virtual in ldirectord: tcp, udp or fwm.
fn protocol_word(key: ServiceKey) -> &'static str {
    match key {
        ServiceKey::Fwmark { .. } => "fwm",
        ServiceKey::Addr {
            protocol: Protocol::Udp,
            ..
        } => "udp",
        ServiceKey::Addr { .. } => "tcp",
    }
}

/// The word of a real's forwarding method in `ldirectord.cf`.
fn forward_word(f: ForwardMethod) -> &'static str {
    match f {
        ForwardMethod::Masq => "masq",
        ForwardMethod::Tunnel => "ipip",
        _ => "gate",
    }
}

/// ldirectord's id as `monitorfile` writes it: each run of `:` a blank,
/// every `\` dropped (its request and receive were escaped with `\`
/// before every character but letters, digits and `_`, and the escapes
/// are dropped again with any `\` written).
fn id_words(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    let mut colon = false;
    for c in id.chars() {
        match c {
            ':' if colon => {}
            ':' => out.push(' '),
            '\\' => {}
            c => out.push(c),
        }
        colon = c == ':';
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_of_colons_are_one_blank_and_backslashes_go() {
        assert_eq!(
            id_words("negotiate:http:tcp:10.0.0.1:80:::1:masq:/a\\b:"),
            "negotiate http tcp 10.0.0.1 80 1 masq /ab "
        );
        assert_eq!(
            id_words("connect:tcp:[2001:db8::2]:80:::1:gate:/:"),
            "connect tcp [2001 db8 2] 80 1 gate / "
        );
    }
}
