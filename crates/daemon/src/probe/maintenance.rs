//! ldirectord's `maintenancedir`: whether a real is in maintenance, and
//! by which file.

use crate::config::Maintenance;
use std::net::IpAddr;
use std::path::Path;

/// The file of `m`'s directory that puts its real in maintenance, if one
/// exists, looked for in ldirectord's order: `IP:PORT`, `IP`, then the
/// host name (`/etc/hosts`' first name for the address) with and without
/// `:PORT`, then its first label (when the name is one ldirectord shortens)
/// with and without `:PORT`.
pub fn found(m: &Maintenance) -> Option<String> {
    let name = host_name(Path::new("/etc/hosts"), m.server);
    names(m, name.as_deref())
        .into_iter()
        .find(|n| m.dir.join(n).exists())
}

/// The names looked for, in order, given the real's host name.
fn names(m: &Maintenance, host: Option<&str>) -> Vec<String> {
    let ip = match m.server {
        IpAddr::V6(a) => format!("[{a}]"),
        a => a.to_string(),
    };
    let mut out = vec![format!("{ip}:{}", m.port), ip];
    let short = host.and_then(short_name);
    for n in host.into_iter().chain(short) {
        out.push(format!("{n}:{}", m.port));
        out.push(n.to_string());
    }
    out
}

/// The first label of `name`, when it starts with a lower-case letter,
/// holds only lower-case letters, digits and `-`, and is followed by a
/// dot (ldirectord's rule).
fn short_name(name: &str) -> Option<&str> {
    let (first, _) = name.split_once('.')?;
    let mut c = first.chars();
    let lead = c.next().is_some_and(|x| x.is_ascii_lowercase());
    let rest = c.all(|x| x.is_ascii_lowercase() || x.is_ascii_digit() || x == '-');
    (lead && rest && first.len() >= 2).then_some(first)
}

/// The first name `hosts` (an `/etc/hosts`) gives `addr`.
fn host_name(hosts: &Path, addr: IpAddr) -> Option<String> {
    let text = std::fs::read_to_string(hosts).ok()?;
    text.lines().find_map(|line| {
        let line = line.split('#').next().unwrap_or("");
        let mut w = line.split_whitespace();
        let a: IpAddr = w.next()?.parse().ok()?;
        (a == addr).then(|| w.next().map(str::to_string)).flatten()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(dir: &Path, server: &str) -> Maintenance {
        Maintenance {
            dir: dir.to_path_buf(),
            server: server.parse().unwrap(),
            port: 8080,
        }
    }

    #[test]
    fn the_names_are_ldirectords_in_its_order() {
        let d = Path::new("/m");
        assert_eq!(
            names(&m(d, "10.0.0.2"), Some("web2.example.com")),
            [
                "10.0.0.2:8080",
                "10.0.0.2",
                "web2.example.com:8080",
                "web2.example.com",
                "web2:8080",
                "web2"
            ]
        );
        assert_eq!(
            names(&m(d, "2001:db8::1"), None),
            ["[2001:db8::1]:8080", "[2001:db8::1]"]
        );
        assert_eq!(short_name("Web.example"), None);
        assert_eq!(short_name("localhost"), None);
    }

    #[test]
    fn a_file_puts_its_real_in_maintenance_while_it_exists() {
        let dir = std::env::temp_dir().join(format!("rvsadmd-maint-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let r = m(&dir, "192.0.2.77");
        assert_eq!(found(&r), None);
        std::fs::write(dir.join("192.0.2.77"), "").unwrap();
        assert_eq!(found(&r).as_deref(), Some("192.0.2.77"));
        std::fs::write(dir.join("192.0.2.77:8080"), "").unwrap();
        assert_eq!(found(&r).as_deref(), Some("192.0.2.77:8080"));
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(found(&r), None);
    }

    #[test]
    fn host_names_come_from_a_hosts_file() {
        let f = std::env::temp_dir().join(format!("rvsadmd-hosts-{}", std::process::id()));
        std::fs::write(&f, "# c\n10.0.0.9 web9.lan web9 # x\n10.0.0.9 other\n").unwrap();
        assert_eq!(
            host_name(&f, "10.0.0.9".parse().unwrap()).as_deref(),
            Some("web9.lan")
        );
        assert_eq!(host_name(&f, "10.0.0.8".parse().unwrap()), None);
        std::fs::remove_file(&f).unwrap();
    }
}
