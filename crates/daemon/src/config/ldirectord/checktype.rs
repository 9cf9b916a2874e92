//! `checktype`: its values, read by ldirectord's rule.

/// How a section's reals are checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum CheckType {
    /// A TCP connect (an ICMP echo on a udp virtual).
    Connect,
    /// The service's own exchange.
    Negotiate,
    /// An ICMP echo.
    Ping,
    /// `checkcommand VIP VPORT RIP RPORT`, exit 0 is up.
    External,
    /// `checkcommand` as a Perl script, with the same arguments.
    ExternalPerl,
    /// Always up.
    On,
    /// Never checked.
    Off,
    /// `N`: a negotiate check, then N connects, then again.
    Combined(u32),
}

impl CheckType {
    /// The checktype `word` names: a word of ldirectord's, or the digits
    /// of a number, as `syntax::checktype_of` reads a value.
    pub(super) fn of(word: &str) -> Option<Self> {
        if let Ok(n) = word.parse::<u64>() {
            return Some(CheckType::Combined(u32::try_from(n).unwrap_or(u32::MAX)));
        }
        Some(match word {
            "connect" => CheckType::Connect,
            "negotiate" => CheckType::Negotiate,
            "ping" => CheckType::Ping,
            "external" => CheckType::External,
            "external-perl" => CheckType::ExternalPerl,
            "on" => CheckType::On,
            "off" => CheckType::Off,
            _ => return None,
        })
    }
}

/// The `perl` in `path` (a `PATH` value) an `external-perl` check runs
/// its script with.
pub(super) fn perl_in(path: &str) -> Option<std::path::PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    std::env::split_paths(path)
        .map(|d| d.join("perl"))
        .find(|p| {
            std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_as_ldirectord_reads_them() {
        use super::super::syntax::checktype_of;
        let of = |v: &str| checktype_of(v).and_then(|w| CheckType::of(&w));
        assert_eq!(of("ping"), Some(CheckType::Ping));
        assert_eq!(of("external-perl"), Some(CheckType::ExternalPerl));
        assert_eq!(of("3"), Some(CheckType::Combined(3)));
        assert_eq!(of("0"), Some(CheckType::Combined(0)));
        // digits anywhere make a number; the first word decides otherwise
        assert_eq!(of("connect2"), Some(CheckType::Combined(2)));
        assert_eq!(of("connect  # x"), Some(CheckType::Connect));
        assert_eq!(of("pong"), None);
    }

    #[test]
    fn perl_is_looked_for_in_the_path() {
        assert_eq!(perl_in("/nonexistent:/nowhere"), None);
        let d = std::env::temp_dir().join(format!("rvsadmd-perl-{}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(d.join("perl"), "#!/bin/sh\n").unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(d.join("perl"), std::fs::Permissions::from_mode(0o755)).unwrap();
        let path = format!("/nowhere:{}", d.display());
        assert_eq!(perl_in(&path), Some(d.join("perl")));
        std::fs::remove_dir_all(&d).unwrap();
    }
}
