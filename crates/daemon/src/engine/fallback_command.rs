//! ldirectord's `fallbackcommand` (native `fallback_command`): a shell
//! command run as `COMMAND start VIRTUAL PROTOCOL` when a service is
//! left without quorum (by default: no destination up; its fallback, if
//! any, goes in) and as `COMMAND stop VIRTUAL PROTOCOL` when it has
//! quorum again, never twice in a row with the same word. What was last
//! said is forgotten at a reload, so the first decision after the start
//! and after each reload says the word of the moment (ldirectord builds
//! its virtuals anew at a reload and runs the command again).
//!
//! `VIRTUAL PROTOCOL` is what ldirectord passes: `192.0.2.1:80 tcp`,
//! `[2001:db8::1]:80 udp`, and for a firewall mark, whose virtual has
//! no address and port 0 in ldirectord, `:0 fwm`.

use crate::config::{RunAs, Script};
use rvsadm::model::{Protocol, ServiceKey};

/// The shell that runs the command (ldirectord's `system`).
const SHELL: &str = "/bin/sh";

/// `VIRTUAL PROTOCOL` of service `key`, as ldirectord writes them.
pub fn virtual_words(key: ServiceKey) -> String {
    match key {
        ServiceKey::Addr {
            protocol,
            addr,
            port,
        } => {
            let proto = match protocol {
                Protocol::Udp => "udp",
                Protocol::Sctp => "sctp",
                _ => "tcp",
            };
            format!("{} {proto}", std::net::SocketAddr::new(addr, port))
        }
        ServiceKey::Fwmark { .. } => ":0 fwm".into(),
    }
}

/// The program that runs `command` with `word` (`start` or `stop`) for
/// service `key`: the shell, given the whole line.
pub fn script(command: &str, start: bool, key: ServiceKey) -> Script {
    let word = if start { "start" } else { "stop" };
    Script {
        argv: vec![
            SHELL.into(),
            "-c".into(),
            format!("{command} {word} {}", virtual_words(key)),
        ],
        run_as: None::<RunAs>,
    }
}

/// The word last said for a service (`Some(true)`: `start`), and
/// whether to say `start` now given that it `has_quorum`: `None` when it
/// was said already.
pub fn next(said: &mut Option<bool>, has_quorum: bool) -> Option<bool> {
    let start = !has_quorum;
    if *said == Some(start) {
        return None;
    }
    *said = Some(start);
    Some(start)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rvsadm::model::Family;

    #[test]
    fn the_words_are_ldirectords() {
        let k = ServiceKey::Addr {
            protocol: Protocol::Tcp,
            addr: "192.0.2.1".parse().unwrap(),
            port: 80,
        };
        assert_eq!(virtual_words(k), "192.0.2.1:80 tcp");
        let k = ServiceKey::Addr {
            protocol: Protocol::Udp,
            addr: "2001:db8::1".parse().unwrap(),
            port: 53,
        };
        assert_eq!(virtual_words(k), "[2001:db8::1]:53 udp");
        let k = ServiceKey::Fwmark {
            mark: 7,
            family: Family::Inet,
        };
        assert_eq!(virtual_words(k), ":0 fwm");
        let s = script("/usr/local/bin/fb \"x\"", true, k);
        assert_eq!(
            s.argv,
            ["/bin/sh", "-c", "/usr/local/bin/fb \"x\" start :0 fwm"]
        );
    }

    #[test]
    fn never_twice_in_a_row_with_the_same_word() {
        let mut said = None;
        assert_eq!(next(&mut said, false), Some(true));
        assert_eq!(next(&mut said, false), None);
        assert_eq!(next(&mut said, true), Some(false));
        assert_eq!(next(&mut said, true), None);
        assert_eq!(next(&mut said, false), Some(true));
        let mut fresh = None;
        assert_eq!(next(&mut fresh, true), Some(false));
    }
}
