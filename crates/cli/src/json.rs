//! `--json`: machine-readable listings, lossless save/restore, and errors as
//! JSON objects.
//!
//! `--json` and `--pretty` are extensions: ipvsadm rejects both words, so
//! they are taken out of argv (as whole words, before any `--`) and the rest
//! goes through the ipvsadm parser unchanged. No valid ipvsadm command line
//! changes meaning.
//!
//! With `--json`:
//! - `-L` in every form prints one document of `docs/schema/` (`-n` is
//!   implied; counters, rates, thresholds, tunnel data and connection counts
//!   are always included, whatever the text-mode modifiers);
//! - `-S` prints the whole configuration, services, destinations, timeouts
//!   and sync daemons ([`rvsadm::json::SaveDoc`]), and `-R` reads exactly that
//!   back, validating the whole document before the first change;
//! - `-v`/`--version` prints which rvsadm this is and which ipvsadm it
//!   reproduces ([`VersionDoc`]; without `--json`, `-v` prints ipvsadm's
//!   version line only, as scripts expect);
//! - an error is one JSON object on stderr (`docs/schema/error.schema.json`)
//!   with the stable code; exit codes stay ipvsadm's.

use super::compat::args::{self, Command, Failure, Listing, Opt};
use super::compat::help;
use super::compat::messages::ipvsadm_message;
use super::compat::run::Kernel;
use super::compat::sort;
use rvsadm::json::{self, ConnectionsDoc, DaemonsDoc, TimeoutsDoc, SCHEMA_VERSION};
use rvsadm::{Change, ConnectionTable, DesiredState, Error, Ipvs, Service};
use serde::Serialize;
use std::io::{Read, Write};

/// The extension flags found in argv.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Flags {
    /// `--json`.
    pub json: bool,
    /// `--pretty`: indented JSON.
    pub pretty: bool,
}

/// Take `--json` and `--pretty` (their rows of [`args::OPTIONS`]) out of
/// `argv` (whole words before `--`).
pub fn extract(argv: &[String]) -> (Vec<String>, Flags) {
    let mut flags = Flags::default();
    let mut rest = Vec::with_capacity(argv.len());
    let mut options_done = false;
    for (i, a) in argv.iter().enumerate() {
        if i > 0 && !options_done {
            match args::extension_flag(a) {
                Some(Opt::Json) => {
                    flags.json = true;
                    continue;
                }
                Some(Opt::Pretty) => {
                    // Indented JSON; implies --json.
                    flags.pretty = true;
                    flags.json = true;
                    continue;
                }
                _ if a == "--" => options_done = true,
                _ => {}
            }
        }
        rest.push(a.clone());
    }
    (rest, flags)
}

/// `rvsadm -v --json` (`docs/schema/version.schema.json`): this rvsadm's
/// version and the ipvsadm it stands in for. Needs no IPVS.
///
/// ```
/// let doc = rvsadm_cli::json::VersionDoc::new();
/// assert_eq!(doc.rvsadm, env!("CARGO_PKG_VERSION"));
/// assert_eq!(doc.ipvsadm_compat, "1.31");
/// assert!(doc.ipvsadm_version.starts_with("ipvsadm v1.31 "));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VersionDoc {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// This rvsadm's version (the crate's, `major.minor.patch`).
    pub rvsadm: &'static str,
    /// The ipvsadm release whose command line and output rvsadm reproduces.
    pub ipvsadm_compat: &'static str,
    /// The line `rvsadm -v` prints, as ipvsadm prints it (no newline).
    pub ipvsadm_version: &'static str,
}

impl VersionDoc {
    /// The document for this build.
    pub fn new() -> Self {
        VersionDoc {
            schema_version: SCHEMA_VERSION,
            rvsadm: env!("CARGO_PKG_VERSION"),
            ipvsadm_compat: help::IPVSADM_RELEASE,
            ipvsadm_version: help::VERSION.trim_end_matches('\n'),
        }
    }
}

impl Default for VersionDoc {
    fn default() -> Self {
        Self::new()
    }
}

/// A JSON error object (`docs/schema/error.schema.json`).
#[derive(Debug, Clone, Serialize)]
struct ErrorBody {
    code: &'static str,
    number: u16,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    errno: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
struct ErrorDoc {
    schema_version: u32,
    error: ErrorBody,
}

struct Out<'a> {
    out: &'a mut dyn Write,
    err: &'a mut dyn Write,
    pretty: bool,
}

impl Out<'_> {
    fn doc<T: Serialize>(&mut self, doc: &T) -> i32 {
        let r = if self.pretty {
            serde_json::to_writer_pretty(&mut *self.out, doc)
        } else {
            serde_json::to_writer(&mut *self.out, doc)
        };
        match r
            .map_err(std::io::Error::from)
            .and_then(|()| self.out.write_all(b"\n"))
        {
            Ok(()) => 0,
            Err(e) => self.error(&Error::Io(e), 1),
        }
    }

    /// Print `e` as one JSON object on stderr; returns `exit`.
    fn error(&mut self, e: &Error, exit: i32) -> i32 {
        report(self.err, e, exit)
    }

    fn failure(&mut self, f: &Failure) -> i32 {
        report_usage(self.err, f.stderr.trim_end(), f.exit_code)
    }
}

/// Print a command-line usage error (code `usage`, [`super::USAGE`]) as
/// one JSON object on `err`; returns `exit`.
pub fn report_usage(err: &mut dyn Write, message: &str, exit: i32) -> i32 {
    let (number, code) = super::USAGE;
    let doc = ErrorDoc {
        schema_version: SCHEMA_VERSION,
        error: ErrorBody {
            code,
            number,
            message: message.to_string(),
            errno: None,
            path: None,
        },
    };
    let text = serde_json::to_string(&doc).unwrap_or_default();
    let _ = writeln!(err, "{text}");
    exit
}

/// Print `e` as one JSON object (`docs/schema/error.schema.json`) on `err`;
/// returns `exit`.
pub fn report(err: &mut dyn Write, e: &Error, exit: i32) -> i32 {
    {
        let (message, path) = match e {
            Error::InvalidDocument { path, message } => (message.clone(), Some(path.clone())),
            other => (ipvsadm_message(other), None),
        };
        let doc = ErrorDoc {
            schema_version: SCHEMA_VERSION,
            error: ErrorBody {
                code: e.code(),
                number: e.number(),
                message,
                errno: e.errno(),
                path,
            },
        };
        let text = serde_json::to_string(&doc).unwrap_or_default();
        let _ = writeln!(err, "{text}");
        exit
    }
}

/// Run a command line in JSON mode (`argv` without the extension flags).
pub fn main(
    argv: &[String],
    flags: Flags,
    stdin: &mut dyn Read,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let mut o = Out {
        out,
        err,
        pretty: flags.pretty,
    };
    let cmd = match args::parse(argv, false) {
        Ok(c) => c,
        Err(f) => return o.failure(&f),
    };
    let mut kernel = Kernel::default();
    match &cmd {
        Command::Help(text) => {
            let _ = o.out.write_all(text.as_bytes());
            0
        }
        Command::Version(_) => o.doc(&VersionDoc::new()),
        Command::List(spec) if spec.listing == Listing::Connections => {
            match ConnectionTable::read() {
                Ok(connections) => o.doc(&ConnectionsDoc {
                    schema_version: SCHEMA_VERSION,
                    connections,
                }),
                Err(e) => o.error(&Error::ConnTable(e), 1),
            }
        }
        // The whole document is checked before the kernel is even opened.
        Command::Restore => {
            let config = match read_config(stdin) {
                Ok(c) => c,
                Err(e) => return o.error(&e, 2),
            };
            match kernel.connect() {
                Ok(ipvs) => restore(ipvs, &config, &mut o),
                Err(e) => o.error(&e, 2),
            }
        }
        _ => {
            let ipvs = match kernel.connect() {
                Ok(h) => h,
                Err(e) => return o.error(&e, 2),
            };
            run(&cmd, ipvs, &mut o)
        }
    }
}

fn run(cmd: &Command, ipvs: &Ipvs, o: &mut Out<'_>) -> i32 {
    match cmd {
        Command::List(spec) => match &spec.listing {
            Listing::Timeout => match ipvs.timeouts() {
                Ok(timeouts) => o.doc(&TimeoutsDoc {
                    schema_version: SCHEMA_VERSION,
                    timeouts,
                }),
                Err(e) => o.error(&e, 1),
            },
            Listing::Daemon => match ipvs.daemons() {
                Ok(daemons) => o.doc(&DaemonsDoc {
                    schema_version: SCHEMA_VERSION,
                    daemons,
                }),
                Err(e) => o.error(&e, 1),
            },
            Listing::Service(key) => {
                let r = ipvs.info().and_then(|info| {
                    let mut svc = ipvs.service(key)?;
                    svc.destinations = ipvs.destinations(&svc.key)?;
                    sort::sort_dests(&mut svc.destinations);
                    Ok(json::list_doc(&info, std::slice::from_ref(&svc)))
                });
                match r {
                    Ok(doc) => o.doc(&doc),
                    Err(e) => o.error(&e, 1),
                }
            }
            Listing::All | Listing::Connections => {
                match ipvs
                    .info()
                    .and_then(|info| Ok((info, all_services(ipvs, spec.nosort)?)))
                {
                    Ok((info, services)) => o.doc(&json::list_doc(&info, &services)),
                    Err(e) => o.error(&e, 1),
                }
            }
        },
        Command::Save { .. } => {
            let r = all_services(ipvs, false)
                .and_then(|s| Ok(json::save_doc(&s, ipvs.timeouts()?, &ipvs.daemons()?)));
            match r {
                Ok(doc) => o.doc(&doc),
                Err(e) => o.error(&e, 1),
            }
        }
        Command::Restore => 0, // handled before connecting
        other => match change(other) {
            Some(op) => match ipvs.apply_batch(std::slice::from_ref(&op)) {
                Ok(r) => match r.into_iter().next() {
                    Some(Err(e)) => o.error(&e, 255),
                    _ => 0,
                },
                Err(e) => o.error(&e, 255),
            },
            None => 0,
        },
    }
}

fn change(cmd: &Command) -> Option<Change> {
    super::compat::run::operation(cmd)
}

/// Every service with its destinations, in ipvsadm's order unless `nosort`.
fn all_services(ipvs: &Ipvs, nosort: bool) -> rvsadm::Result<Vec<Service>> {
    let mut services = ipvs.services_with_destinations()?;
    if !nosort {
        sort::sort_service_list(&mut services);
        for s in &mut services {
            sort::sort_dests(&mut s.destinations);
        }
    }
    Ok(services)
}

/// Read and check a save document from `stdin`; nothing is applied.
fn read_config(stdin: &mut dyn Read) -> Result<DesiredState, Error> {
    let mut text = String::new();
    stdin
        .read_to_string(&mut text)
        .map_err(|e| Error::InvalidDocument {
            path: String::new(),
            message: format!("cannot read standard input: {e}"),
        })?;
    json::parse_save(&text)
        .and_then(|d| d.validate())
        .map_err(|e| Error::InvalidDocument {
            path: e.path,
            message: e.message,
        })
}

/// `-R --json`: apply a checked document in one pipelined batch.
fn restore(ipvs: &Ipvs, config: &DesiredState, o: &mut Out<'_>) -> i32 {
    let mut ops = Vec::new();
    for svc in &config.services {
        ops.push(Change::AddService(
            Service::new(svc.key).with_config(svc.config.clone()),
        ));
        for d in &svc.destinations {
            ops.push(Change::AddDestination(svc.key, *d));
        }
    }
    if let Some(t) = config.timeouts {
        ops.push(Change::SetTimeouts(t));
    }
    for d in config.daemons.iter().flatten() {
        ops.push(Change::StartDaemon(d.clone()));
    }
    match ipvs.apply_batch(&ops) {
        Ok(results) => {
            let mut status = 0;
            for r in results {
                if let Err(e) = r {
                    status = o.error(&e, 255);
                }
            }
            status
        }
        Err(e) => o.error(&e, 255),
    }
}
