//! How the reals of a virtual section are checked: `checktype`,
//! `service`, `request`/`receive` and the timing directives, global and
//! the section's own.

use super::checktype::{perl_in, CheckType};
use super::global::Globals;
use super::lines::Section;
use super::service::{is_udp, port_of};
use super::syntax::{checktype_of, maybe_quoted, service_of};
use super::words::{digits, first_word, number, quoted, service_of_port, service_port};
use crate::config::validate::Patterns;
use crate::config::{
    Check, Combined, ConfigError, Expect, HttpProbe, Location, Maintenance, Pattern, Probe, Source,
    TcpClose, UrlCheck,
};
use negotiate::Credentials;
use rvsadm::model::{Protocol, ServiceKey};
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The most redirects ldirectord's HTTP client (LWP::UserAgent's
/// `max_redirect`) follows.
const LWP_MAX_REDIRECTS: u8 = 7;

/// A section's timing: each timeout falls back on the other, then on the
/// global ones.
#[derive(Debug, Clone, Copy)]
pub(super) struct Timing {
    /// Seconds (5 unless told).
    checktimeout: u64,
    /// Seconds (30 unless told).
    negotiatetimeout: u64,
    /// The global `checkinterval` (10 s unless told).
    interval: Duration,
    /// Failures in a row that make a real down (1 unless told).
    failurecount: u32,
}

impl Timing {
    /// The timing of section `s` under globals `g` (a `checkinterval` of
    /// its own counts with `fork = yes` only, as in ldirectord; without
    /// fork it is ignored, told in `notes`).
    pub(super) fn of(
        s: &Section,
        g: &Globals,
        file: &Path,
        notes: &mut Vec<String>,
    ) -> Result<Self, ConfigError> {
        let v_num = |k: &str| -> Result<Option<u64>, ConfigError> {
            match s.get(k) {
                Some(i) => number(&i.value).map(Some).ok_or_else(|| {
                    ConfigError::new(
                        file,
                        i.line,
                        format!("{k}: `{}` is not a number above 0", i.value),
                    )
                }),
                None => Ok(None),
            }
        };
        let (vct, vnt) = (v_num("checktimeout")?, v_num("negotiatetimeout")?);
        let vci = v_num("checkinterval")?;
        if let (Some(i), false) = (s.get("checkinterval"), g.fork) {
            notes.push(format!("{}: checkinterval in a virtual is ignored without fork = yes (as by ldirectord); the global one counts", Location::new(file, i.line)));
        }
        Ok(Timing {
            checktimeout: vct
                .or(vnt)
                .or(g.checktimeout)
                .or(g.negotiatetimeout)
                .unwrap_or(5),
            negotiatetimeout: vnt
                .or(vct)
                .or(g.negotiatetimeout)
                .or(g.checktimeout)
                .unwrap_or(30),
            interval: match vci {
                Some(n) if g.fork => Duration::from_secs(n),
                _ => g.interval(),
            },
            failurecount: match v_num("failurecount")? {
                Some(n) => u32::try_from(n).unwrap_or(u32::MAX),
                None => g.failurecount.unwrap_or(1),
            },
        })
    }
}

/// What a section says about checking its reals, read once; each real
/// then gets its [`Check`] from it.
pub(super) struct CheckPlan<'a> {
    file: &'a Path,
    key: ServiceKey,
    timing: Timing,
    /// `negotiate` unless told.
    checktype: CheckType,
    /// The protocol a negotiate check speaks (guessed from the port
    /// unless told; `none` for a fwmark).
    service: String,
    /// The section's `request`, starting with `/`.
    pub(super) request: String,
    /// The section's `receive`.
    pub(super) receive: Option<String>,
    method: String,
    virtualhost: Option<String>,
    checkport: Option<u16>,
    checkcommand: Option<String>,
    /// `login`, `passwd`, `database`: what the negotiate
    /// checks of some services log in with.
    creds: Credentials,
    /// Where errors about the check point: `checktype`, else the section.
    check_line: usize,
    /// `maintenancedir` (global).
    pub(super) maintenancedir: Option<PathBuf>,
}

impl<'a> CheckPlan<'a> {
    /// The check directives of section `s` of service `key`.
    pub(super) fn of(
        s: &Section,
        key: ServiceKey,
        fwmark: bool,
        timing: Timing,
        file: &'a Path,
    ) -> Result<Self, ConfigError> {
        // each value's syntax is checked as the line is read (`syntax`)
        let service = match s.get("service") {
            Some(i) => service_of(&i.value).unwrap_or("none").to_string(),
            None if fwmark => "none".into(),
            None => service_of_port(port_of(key)).into(),
        };
        let quoted_value = |k: &str| s.get(k).and_then(|i| quoted(&i.value)).map(str::to_string);
        let request = quoted_value("request").map_or_else(|| "/".into(), |r| rooted(&r));
        let receive = quoted_value("receive");
        let method = s
            .get("httpmethod")
            .and_then(|i| first_word(&i.value))
            .map_or("GET".into(), str::to_ascii_uppercase);
        let checkport = s
            .get("checkport")
            .and_then(|i| digits(&i.value))
            .and_then(|d| d.parse::<u16>().ok());
        // `"?([^"]*)"?`: an opening quote is dropped, the name ends at
        // the next quote
        let virtualhost = s.get("virtualhost").map(|i| {
            let v = i.value.strip_prefix('"').unwrap_or(&i.value);
            v.split('"').next().unwrap_or("").trim_end().to_string()
        });
        Ok(CheckPlan {
            file,
            key,
            timing,
            checktype: s
                .get("checktype")
                .and_then(|i| checktype_of(&i.value))
                .and_then(|w| CheckType::of(&w))
                .unwrap_or(CheckType::Negotiate),
            service,
            request,
            receive,
            method,
            virtualhost,
            checkport,
            checkcommand: s
                .get("checkcommand")
                .map(|i| maybe_quoted(&i.value).to_string()),
            creds: Credentials {
                login: quoted_value("login"),
                passwd: quoted_value("passwd"),
                database: quoted_value("database"),
                secret: quoted_value("secret"),
            },
            check_line: s.line_of("checktype"),
            maintenancedir: None,
        })
    }

    fn bad(&self, message: String) -> ConfigError {
        ConfigError::new(self.file, self.check_line, message)
    }

    /// The check of the real written `real` (its port is the one
    /// checked), with the request and receive it uses.
    pub(super) fn check(
        &self,
        real: SocketAddr,
        req: &str,
        recv: Option<&str>,
        patterns: &mut Patterns,
    ) -> Result<Check, ConfigError> {
        let t = &self.timing;
        let cport = self
            .checkport
            .or((real.port() > 0).then_some(real.port()))
            .or_else(|| service_port(&self.service, "tcp"))
            .unwrap_or(0);
        let target = SocketAddr::new(real.ip(), cport);
        let ping = Probe::Ping { target: real.ip() };
        let (probe, timeout) = match self.checktype {
            // ldirectord pings the reals of a udp virtual instead.
            CheckType::Connect if is_udp(self.key) => (ping, t.checktimeout),
            CheckType::Connect => (
                Probe::Tcp {
                    target,
                    close: TcpClose::Reset,
                },
                t.checktimeout,
            ),
            CheckType::Ping => (ping, t.checktimeout),
            CheckType::Negotiate => (
                self.negotiate(target, req, recv, patterns)?,
                t.negotiatetimeout,
            ),
            CheckType::Combined(connects) => (
                Probe::Combined(Combined {
                    connects,
                    connect: target,
                    connect_timeout: Duration::from_secs(t.checktimeout),
                    negotiate: Box::new(self.negotiate(target, req, recv, patterns)?),
                }),
                t.negotiatetimeout,
            ),
            CheckType::External => (self.external(real, &[]), t.checktimeout),
            // ldirectord runs the script inside itself with these
            // arguments; a script that works standalone (exit 0: up) does
            // the same run by perl
            CheckType::ExternalPerl => (self.external(real, &[self.perl()?]), t.checktimeout),
            CheckType::On => (Probe::Up, t.checktimeout),
            CheckType::Off => (Probe::Unchecked, t.checktimeout),
        };
        Ok(Check {
            probe,
            interval: t.interval,
            timeout: Duration::from_secs(timeout),
            rise: 1,
            fall: t.failurecount.max(1),
            retry_interval: None,
            start_up: false,
            warmup: None,
            source: Source::default(),
            maintenance: self.maintenancedir.as_ref().map(|dir| Maintenance {
                dir: dir.clone(),
                server: real.ip(),
                port: real.port(),
            }),
        })
    }

    /// The `perl` an `external-perl` check runs its script with (found in
    /// `PATH` as it runs; refused now when there is none).
    fn perl(&self) -> Result<&'static str, ConfigError> {
        let path = std::env::var("PATH").unwrap_or_default();
        match perl_in(&path) {
            Some(_) => Ok("perl"),
            None => Err(self.bad(format!(
                "checktype external-perl: ldirectord runs {} inside its own perl; rvsadmd runs it with `perl`, and none is in PATH: install perl, or write checktype = external with a checkcommand that is executable and starts with #!/usr/bin/perl (same arguments and exit codes)",
                self.checkcommand.as_deref().unwrap_or("the checkcommand")
            ))),
        }
    }

    /// A negotiate check: none (always up), HTTP, HTTPS, through an HTTP
    /// proxy; the other services in `other_service`.
    fn negotiate(
        &self,
        target: SocketAddr,
        req: &str,
        recv: Option<&str>,
        patterns: &mut Patterns,
    ) -> Result<Probe, ConfigError> {
        match self.service.as_str() {
            "none" => Ok(Probe::Up),
            "http" | "https" => {
                let expect = self.pattern(recv, patterns)?.map(Expect::Regex);
                if req.contains("://") {
                    return Err(
                        self.bad("a request with a full URL is not supported by rvsadmd".into())
                    );
                }
                Ok(Probe::Http(HttpProbe {
                    target,
                    tls: self.service == "https",
                    // ldirectord turns host name checks off; with no name
                    // to check, a chain check would only refuse
                    // self-signed real servers. (Without TLS the field
                    // means nothing.)
                    verify: self.service != "https",
                    method: self.method.clone(),
                    redirects: LWP_MAX_REDIRECTS,
                    urls: vec![UrlCheck {
                        host: self.virtualhost.clone(),
                        expect,
                        ..UrlCheck::new(req)
                    }],
                }))
            }
            "http_proxy" => {
                let expect = self.pattern(recv, patterns)?.map(Expect::Regex);
                negotiate::http_proxy(target, req, expect, &self.method).map_err(|m| self.bad(m))
            }
            _ => self.other_service(target, req, recv, patterns),
        }
    }

    /// A negotiate check of a service other than HTTP: each built in
    /// `negotiate.rs` as ldirectord reads its settings.
    fn other_service(
        &self,
        target: SocketAddr,
        req: &str,
        recv: Option<&str>,
        patterns: &mut Patterns,
    ) -> Result<Probe, ConfigError> {
        let bad = |m: String| self.bad(m);
        match self.service.as_str() {
            "mysql" => Ok(negotiate::mysql(target, req, &self.creds)),
            "pgsql" => Ok(negotiate::pgsql(target, req, &self.creds)),
            "oracle" => negotiate::oracle(target, req, &self.creds).map_err(bad),
            "sip" => negotiate::sip(target, &self.creds, !is_udp(self.key)).map_err(bad),
            "ftp" => {
                let expect = self.pattern(recv, patterns)?;
                negotiate::ftp(target, req, &self.creds, expect).map_err(bad)
            }
            "radius" => negotiate::radius(target, &self.creds).map_err(bad),
            "smtp" | "submission" => Ok(negotiate::smtp(target)),
            "pop" | "pops" | "imap" | "imaps" | "nntp" => {
                Ok(negotiate::mail(target, &self.service, &self.creds))
            }
            "ldap" | "ldaps" => {
                let expect = self.pattern(recv, patterns)?;
                Ok(negotiate::ldap(target, &self.service, req, &self.creds, expect))
            }
            "simpletcp" if is_udp(self.key) => Err(self.bad(
                "a simpletcp check of a udp virtual is not supported by rvsadmd (a tcp virtual, or checktype external)".into(),
            )),
            "simpletcp" => {
                let expect = self.compile(recv.unwrap_or(""), patterns)?;
                Ok(negotiate::simpletcp(target, req, expect))
            }
            "dns" => {
                let answer = self.pattern(recv, patterns)?;
                let tcp = matches!(self.key, ServiceKey::Addr { protocol: Protocol::Tcp, .. });
                negotiate::dns(target, req, answer, tcp).map_err(bad)
            }
            other => Err(self.bad(format!(
                "service {other}: service must be dns, ftp, http, https, http_proxy, imap, imaps, ldap, ldaps, mysql, nntp, none, oracle, pop, pops, radius, pgsql, simpletcp, sip, smtp or submission (ldirectord's list)"
            ))),
        }
    }

    /// `receive` compiled, if given.
    fn pattern(
        &self,
        recv: Option<&str>,
        patterns: &mut Patterns,
    ) -> Result<Option<Pattern>, ConfigError> {
        recv.map(|r| self.compile(r, patterns)).transpose()
    }

    /// `receive` text `r` compiled.
    fn compile(&self, r: &str, patterns: &mut Patterns) -> Result<Pattern, ConfigError> {
        patterns.compile(r).map_err(|e| {
            self.bad(format!(
                "receive is not a regular expression rvsadmd reads: {e}"
            ))
        })
    }

    /// An external check: `checkcommand VIP VPORT RIP RPORT` (ldirectord's
    /// arguments) run by `runner` (nothing: run itself), exit 0 is up.
    fn external(&self, real: SocketAddr, runner: &[&str]) -> Probe {
        let cmd = self
            .checkcommand
            .clone()
            .unwrap_or_else(|| "/bin/true".into());
        let rip = match real.ip() {
            IpAddr::V6(a) => format!("[{a}]"),
            a => a.to_string(),
        };
        let vip = match self.key {
            ServiceKey::Addr {
                addr: IpAddr::V6(a),
                ..
            } => format!("[{a}]"),
            ServiceKey::Addr { addr, .. } => addr.to_string(),
            ServiceKey::Fwmark { mark, .. } => mark.to_string(),
        };
        Probe::Exec {
            argv: runner
                .iter()
                .map(|r| r.to_string())
                .chain([
                    cmd,
                    vip,
                    port_of(self.key).to_string(),
                    rip,
                    real.port().to_string(),
                ])
                .collect(),
            env: Vec::new(),
            dynamic: false,
            percent: false,
            run_as: None,
        }
    }
}

/// A request path as ldirectord sends it: starting with `/`.
pub(super) fn rooted(r: &str) -> String {
    if r.starts_with('/') {
        r.to_string()
    } else {
        format!("/{r}")
    }
}

mod monitor;
mod negotiate;
#[cfg(test)]
mod tests;
