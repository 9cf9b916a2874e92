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
    /// `value` as ldirectord reads it: a value holding digits is the
    /// number they make (`checktype = 3`), else its first word must be a
    /// known one. `Err` is ldirectord's message.
    pub(super) fn parse(value: &str) -> Result<Self, String> {
        let digits: String = value
            .chars()
            .skip_while(|c| !c.is_ascii_digit())
            .take_while(char::is_ascii_digit)
            .collect();
        if !digits.is_empty() {
            return Ok(CheckType::Combined(digits.parse().unwrap_or(u32::MAX)));
        }
        let word: String = value
            .chars()
            .skip_while(|c| !is_word(*c))
            .take_while(|c| is_word(*c))
            .collect();
        Ok(match word.as_str() {
            "connect" => CheckType::Connect,
            "negotiate" => CheckType::Negotiate,
            "ping" => CheckType::Ping,
            "external" => CheckType::External,
            "external-perl" => CheckType::ExternalPerl,
            "on" => CheckType::On,
            "off" => CheckType::Off,
            _ => return Err("checktype must be \"connect\", \"negotiate\", \"on\", \"off\", \"ping\", \"external\", \"external-perl\" or a positive number".into()),
        })
    }
}

/// A character of a Perl `[\w-]` class.
fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '-'
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
        assert_eq!(CheckType::parse("ping"), Ok(CheckType::Ping));
        assert_eq!(
            CheckType::parse("external-perl"),
            Ok(CheckType::ExternalPerl)
        );
        assert_eq!(CheckType::parse("3"), Ok(CheckType::Combined(3)));
        assert_eq!(CheckType::parse("0"), Ok(CheckType::Combined(0)));
        // digits anywhere make a number; the first word decides otherwise
        assert_eq!(CheckType::parse("connect2"), Ok(CheckType::Combined(2)));
        assert_eq!(CheckType::parse("connect  # x"), Ok(CheckType::Connect));
        assert!(CheckType::parse("pong")
            .unwrap_err()
            .contains("a positive number"));
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
