//! Fleet settings: the `[fleet]` table of `rvsadmd.toml` and the command
//! line's overrides, validated into [`Settings`].
//!
//! ```toml
//! [fleet]
//! endpoints = ["http://192.0.2.5:2379", "http://192.0.2.6:2379"]
//! prefix = "/rvsadm/eu-1"          # every key of this cluster under it
//! name = "director-1"              # this director's key: PREFIX/directors/NAME
//! ca = "/etc/rvsadmd/etcd-ca.pem"  # TLS: the CA etcd's certificate is checked against
//! cert = "/etc/rvsadmd/etcd.pem"   # TLS client certificate and its key
//! key = "/etc/rvsadmd/etcd.key"
//! user = "rvsadmd"                 # etcd's auth, with the password in a file
//! password_file = "/etc/rvsadmd/etcd-password"
//! state_file = "/var/lib/rvsadmd/fleet.json"  # the last applied state
//! ```

use crate::Error;
use serde::Deserialize;
use std::path::PathBuf;
use toml::Spanned;

/// Where the last applied state is kept when nothing says otherwise.
pub const DEFAULT_STATE_FILE: &str = "/var/lib/rvsadmd/fleet.json";

/// The longest director name.
pub const MAX_NAME_LEN: usize = 64;

/// Valid fleet settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// etcd's client URLs (`http://HOST:PORT` or `https://HOST:PORT`).
    pub endpoints: Vec<String>,
    /// The key prefix of the cluster: `/` and path segments, no trailing `/`.
    pub prefix: String,
    /// This director's name (needed by `run`).
    pub name: Option<String>,
    /// TLS: the CA file, and the client certificate and key files.
    pub tls: Option<Tls>,
    /// etcd's auth: the user and the file holding the password.
    pub auth: Option<Auth>,
    /// Where the last applied state is kept.
    pub state_file: PathBuf,
}

/// TLS files: the CA to check etcd's certificate against, and a client
/// certificate with its key (both or neither).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tls {
    /// The CA certificate(s), PEM.
    pub ca: Option<PathBuf>,
    /// The client certificate and its key, PEM.
    pub identity: Option<(PathBuf, PathBuf)>,
}

/// etcd's user name and the file its password is read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Auth {
    /// The user.
    pub user: String,
    /// The password's file (its first line is the password).
    pub password_file: PathBuf,
}

/// The `[fleet]` table as written (every key optional here; the
/// overrides are laid on it before it is validated).
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    /// `endpoints`.
    pub endpoints: Option<Vec<String>>,
    /// `prefix`.
    pub prefix: Option<String>,
    /// `name`.
    pub name: Option<String>,
    /// `ca`.
    pub ca: Option<PathBuf>,
    /// `cert`.
    pub cert: Option<PathBuf>,
    /// `key`.
    pub key: Option<PathBuf>,
    /// `user`.
    pub user: Option<String>,
    /// `password_file`.
    pub password_file: Option<PathBuf>,
    /// `state_file`.
    pub state_file: Option<PathBuf>,
}

impl Raw {
    /// Lay `over` (the command line's) on `self`: each key given there
    /// wins.
    pub fn overridden_by(self, over: Raw) -> Raw {
        Raw {
            endpoints: over.endpoints.or(self.endpoints),
            prefix: over.prefix.or(self.prefix),
            name: over.name.or(self.name),
            ca: over.ca.or(self.ca),
            cert: over.cert.or(self.cert),
            key: over.key.or(self.key),
            user: over.user.or(self.user),
            password_file: over.password_file.or(self.password_file),
            state_file: over.state_file.or(self.state_file),
        }
    }

    /// Whether any key is given (fleet mode is on when one is).
    pub fn is_empty(&self) -> bool {
        *self == Raw::default()
    }
}

/// The whole file as far as fleet mode reads it: its `[fleet]` table.
#[derive(Deserialize)]
struct FileView {
    fleet: Option<Spanned<Raw>>,
}

/// The `[fleet]` table of a `rvsadmd.toml` (`None` when it has none);
/// `file` names it in errors, with the table's line.
pub fn read(file: &str, text: &str) -> Result<Option<(Raw, usize)>, Error> {
    let line_of = |at: usize| text[..at.min(text.len())].matches('\n').count() + 1;
    let view: FileView = toml::from_str(text).map_err(|e| {
        Error::setting(
            file,
            e.span().map_or(0, |s| line_of(s.start)),
            e.message().trim_end(),
        )
    })?;
    Ok(view.fleet.map(|f| {
        let line = line_of(f.span().start);
        (f.into_inner(), line)
    }))
}

impl Settings {
    /// Validate `raw`; `file:line` (where `[fleet]` is, or `command
    /// line`) names it in errors.
    pub fn validate(raw: Raw, file: &str, line: usize) -> Result<Settings, Error> {
        let bad = |msg: String| Error::setting(file, line, msg);
        let endpoints = raw.endpoints.unwrap_or_default();
        if endpoints.is_empty() {
            return Err(bad(
                "endpoints: give etcd's client URLs, e.g. endpoints = [\"http://192.0.2.5:2379\"] (or --etcd-endpoints)".into(),
            ));
        }
        let mut https = 0;
        for e in &endpoints {
            https += usize::from(endpoint_is_https(e).map_err(&bad)?);
        }
        if https != 0 && https != endpoints.len() {
            return Err(bad(
                "endpoints: give all of them with https:// or none (one TLS setting for all)"
                    .into(),
            ));
        }
        let prefix = raw.prefix.ok_or_else(|| {
            bad("prefix: give the cluster's key prefix, e.g. prefix = \"/rvsadm/eu-1\" (or --fleet-prefix)".into())
        })?;
        check_prefix(&prefix).map_err(&bad)?;
        if let Some(n) = &raw.name {
            check_name(n).map_err(&bad)?;
        }
        let identity = match (raw.cert, raw.key) {
            (Some(c), Some(k)) => Some((c, k)),
            (None, None) => None,
            _ => {
                return Err(bad(
                    "cert and key: give both (the client certificate and its key) or neither"
                        .into(),
                ))
            }
        };
        if https != 0 && raw.ca.is_none() {
            return Err(bad(
                "ca: https:// endpoints need the CA that signed etcd's server certificate (etcd's --trusted-ca-file), e.g. ca = \"/etc/rvsadmd/etcd-ca.pem\" (or --etcd-ca); rvsadmd does not use the system's roots"
                    .into(),
            ));
        }
        let tls = match (raw.ca, identity) {
            (None, None) => None,
            (ca, identity) => Some(Tls { ca, identity }),
        };
        if tls.is_some() && https == 0 {
            return Err(bad(
                "ca, cert and key are for TLS: give the endpoints as https://HOST:PORT".into(),
            ));
        }
        let auth = match (raw.user, raw.password_file) {
            (Some(user), Some(password_file)) if !user.is_empty() => Some(Auth {
                user,
                password_file,
            }),
            (None, None) => None,
            _ => return Err(bad("user and password_file: give both (etcd's user and the file its password is in) or neither".into())),
        };
        Ok(Settings {
            endpoints,
            prefix,
            name: raw.name,
            tls,
            auth,
            state_file: raw
                .state_file
                .unwrap_or_else(|| PathBuf::from(DEFAULT_STATE_FILE)),
        })
    }

    /// This director's name, which `run` needs.
    pub fn director(&self) -> Result<&str, Error> {
        self.name.as_deref().ok_or_else(|| {
            Error::setting(
                "command line",
                0,
                "name: give this director's name ([fleet] name or --fleet-name)",
            )
        })
    }
}

/// Whether endpoint `e` is `https://` (`http://` or no scheme: plain).
fn endpoint_is_https(e: &str) -> Result<bool, String> {
    let (https, rest) = if let Some(r) = e.strip_prefix("https://") {
        (true, r)
    } else if let Some(r) = e.strip_prefix("http://") {
        (false, r)
    } else if e.contains("://") {
        return Err(format!(
            "endpoint `{e}`: give http://HOST:PORT or https://HOST:PORT"
        ));
    } else {
        (false, e)
    };
    let port = rest.rsplit_once(':').map(|(h, p)| (h, p.parse::<u16>()));
    match port {
        Some((h, Ok(p))) if !h.is_empty() && p != 0 && !rest.contains('/') => Ok(https),
        _ => Err(format!(
            "endpoint `{e}`: give HOST:PORT with a port from 1 to 65535 (http://192.0.2.5:2379)"
        )),
    }
}

/// A prefix: `/` then segments of printable characters other than `/`,
/// no empty segment, no trailing `/`.
fn check_prefix(p: &str) -> Result<(), String> {
    let ok = p.starts_with('/')
        && p.len() > 1
        && p[1..].split('/').all(|s| !s.is_empty())
        && p.chars().all(|c| c.is_ascii_graphic());
    if ok {
        Ok(())
    } else {
        Err(format!(
            "prefix `{p}`: give `/` and segments without spaces, no empty one and no trailing `/` (\"/rvsadm/eu-1\")"
        ))
    }
}

/// A director name: 1 to [`MAX_NAME_LEN`] of `A-Z a-z 0-9 . _ -`.
pub fn check_name(n: &str) -> Result<(), String> {
    let ok = !n.is_empty()
        && n.len() <= MAX_NAME_LEN
        && n.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "name `{n}`: give 1 to {MAX_NAME_LEN} letters, digits, `.`, `_` or `-`"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> Settings {
        let (raw, line) = read("f.toml", text).unwrap().unwrap();
        Settings::validate(raw, "f.toml", line).unwrap()
    }

    fn err(text: &str) -> String {
        let (raw, line) = match read("f.toml", text) {
            Ok(Some(r)) => r,
            Ok(None) => panic!("no [fleet]"),
            Err(e) => return e.to_string(),
        };
        Settings::validate(raw, "f.toml", line)
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn a_whole_table_reads_and_the_rest_of_the_file_is_not_its_business() {
        let s = ok(r#"
[daemon]
on_stop = "keep"

[fleet]
endpoints = ["https://192.0.2.5:2379", "https://etcd-2:2379"]
prefix = "/rvsadm/eu-1"
name = "director-1"
ca = "/etc/ca.pem"
cert = "/etc/c.pem"
key = "/etc/c.key"
user = "rvsadmd"
password_file = "/etc/pw"
"#);
        assert_eq!(s.endpoints.len(), 2);
        assert_eq!(s.prefix, "/rvsadm/eu-1");
        assert_eq!(s.director().unwrap(), "director-1");
        let tls = s.tls.unwrap();
        assert_eq!(tls.ca, Some(PathBuf::from("/etc/ca.pem")));
        assert!(tls.identity.is_some());
        assert_eq!(s.auth.unwrap().user, "rvsadmd");
        assert_eq!(s.state_file, PathBuf::from(DEFAULT_STATE_FILE));
    }

    #[test]
    fn no_fleet_table_is_none() {
        assert_eq!(read("f.toml", "[daemon]\n").unwrap(), None);
    }

    #[test]
    fn each_error_names_the_file_line_and_the_fix() {
        let e = err("\n\n[fleet]\nprefix = \"/x\"\n");
        assert!(e.starts_with("f.toml:3: fleet: endpoints:"), "{e}");
        let e = err("[fleet]\nendpoints = [\"http://a:2379\"]\n");
        assert!(e.contains("prefix: give"), "{e}");
        for p in ["x", "/", "/a/", "/a//b", "/a b"] {
            let e = err(&format!(
                "[fleet]\nendpoints = [\"a:1\"]\nprefix = \"{p}\"\n"
            ));
            assert!(e.contains(&format!("prefix `{p}`")), "{e}");
        }
        for ep in ["ftp://a:1", "a", "a:0", "a:99999", "http://a:1/x", ":1"] {
            let e = err(&format!(
                "[fleet]\nendpoints = [\"{ep}\"]\nprefix = \"/p\"\n"
            ));
            assert!(e.contains(&format!("endpoint `{ep}`")), "{e}");
        }
        let e = err("[fleet]\nendpoints = [\"a:1\"]\nprefix = \"/p\"\nname = \"a/b\"\n");
        assert!(e.contains("name `a/b`"), "{e}");
        let e = err("[fleet]\nendpoints = [\"a:1\"]\nprefix = \"/p\"\ncert = \"c\"\n");
        assert!(e.contains("cert and key"), "{e}");
        let e = err("[fleet]\nendpoints = [\"a:1\"]\nprefix = \"/p\"\nca = \"c\"\n");
        assert!(e.contains("https://"), "{e}");
        let e = err(
            "[fleet]\nendpoints = [\"https://a:1\"]\nprefix = \"/p\"\ncert = \"c\"\nkey = \"k\"\n",
        );
        assert!(e.contains("ca: https:// endpoints need the CA"), "{e}");
        let e = err("[fleet]\nendpoints = [\"https://a:1\", \"http://b:1\"]\nprefix = \"/p\"\n");
        assert!(e.contains("all of them"), "{e}");
        let e = err("[fleet]\nendpoints = [\"a:1\"]\nprefix = \"/p\"\nuser = \"u\"\n");
        assert!(e.contains("user and password_file"), "{e}");
        let e = err("[fleet]\nendpoints = [\"a:1\"]\nprefix = \"/p\"\nbogus = 1\n");
        assert!(e.contains("unknown field `bogus`"), "{e}");
    }

    #[test]
    fn the_command_line_wins_key_by_key() {
        let (raw, _) = read(
            "f.toml",
            "[fleet]\nendpoints = [\"a:1\"]\nprefix = \"/p\"\nname = \"d1\"\n",
        )
        .unwrap()
        .unwrap();
        let over = Raw {
            name: Some("d2".into()),
            ..Raw::default()
        };
        let s = Settings::validate(raw.overridden_by(over), "f.toml", 1).unwrap();
        assert_eq!(s.name.as_deref(), Some("d2"));
        assert_eq!(s.endpoints, ["a:1"]);
    }

    #[test]
    fn run_needs_a_name() {
        let s = ok("[fleet]\nendpoints = [\"a:1\"]\nprefix = \"/p\"\n");
        assert!(s
            .director()
            .unwrap_err()
            .to_string()
            .contains("--fleet-name"));
    }
}
