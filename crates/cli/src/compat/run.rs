//! Run a parsed ipvsadm command: one library call, then render.
//!
//! This is the middle of the CLI pipeline (argv → [`super::args::parse`] →
//! here → [`super::render`]). It reproduces ipvsadm's exit codes: 0 on
//! success, 1 when a listing fails, 2 for command-line errors and a failed
//! initialisation, 255 when the kernel rejects a change.
//!
//! `-R` is [`super::replay`]: consecutive changes go to the kernel together
//! while the next lines are read, and every line's result is reported in
//! input order, exactly as if each line had been run on its own.

use super::args::{self, Command, Failure, ListSpec, Listing};
use super::messages::ipvsadm_message;
use super::names::SystemNames;
use super::render::{self, ConnOptions, DestCounters, ListFormat, ListOptions, Renderer};
use super::replay;
use super::sort;
use rvsadm::{Change, Error, Ipvs, Service};
use std::io::{self, Read, Write};
use std::sync::Arc;

/// Exit status of ipvsadm's `return -1` (a kernel rejection, a popt error).
const EXIT_REJECTED: i32 = 255;

/// Where a run writes: stdout and stderr (locked and buffered by the caller).
pub struct Io<'a> {
    /// Standard output.
    pub out: &'a mut dyn Write,
    /// Standard error.
    pub err: &'a mut dyn Write,
}

impl std::fmt::Debug for Io<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Io").finish_non_exhaustive()
    }
}

/// The handle, opened on first use (help, version, parse errors and `-c`
/// never need the kernel).
#[derive(Debug, Default)]
pub struct Kernel {
    handle: Option<Arc<Ipvs>>,
}

impl Kernel {
    /// Open the handle if needed. On failure, ipvsadm's initialisation
    /// error (exit 2) is the result, after one `modprobe ip_vs` attempt as
    /// ipvsadm makes.
    pub fn get(&mut self) -> Result<&Ipvs, Failure> {
        self.connect().map_err(init_failure)
    }

    /// Open the handle if needed (one `modprobe ip_vs` attempt when IPVS
    /// is missing, as ipvsadm makes), with the library's error.
    pub fn connect(&mut self) -> Result<&Ipvs, Error> {
        if self.handle.is_none() {
            let h = match Ipvs::connect() {
                Err(Error::IpvsUnavailable) => {
                    let _ = std::process::Command::new("/sbin/modprobe")
                        .args(["--", "ip_vs"])
                        .stderr(std::process::Stdio::null())
                        .status();
                    Ipvs::connect()?
                }
                other => other?,
            };
            h.set_timeout(crate::REPLY_TIMEOUT);
            self.handle = Some(Arc::new(h));
        }
        self.handle.as_deref().ok_or(Error::IpvsUnavailable)
    }

    /// [`Kernel::get`], as a handle another thread can hold.
    pub fn shared(&mut self) -> Result<Arc<Ipvs>, Failure> {
        self.get()?;
        self.handle
            .clone()
            .ok_or_else(|| init_failure(Error::IpvsUnavailable))
    }
}

/// ipvsadm's message when IPVS cannot be initialised (exit 2).
pub fn init_failure(e: Error) -> Failure {
    let reason = ipvsadm_message(&e);
    Failure::fail(format!(
        "Can't initialize ipvs: {reason}\nAre you sure that IP Virtual Server is built in the kernel or as module?"
    ))
}

/// The outcome of one command: an exit status, or "exit now with this
/// status" (ipvsadm's `exit()` inside a restore).
pub(super) enum Outcome {
    /// ipvsadm's `return 0` / `return -1`.
    Status(i32),
    /// ipvsadm's `exit(n)`: ends even a restore.
    Exit(i32),
}

/// Run ipvsadm's command line `argv` (argv\[0\] included); returns the exit
/// status.
pub fn main(argv: &[String], stdin: &mut dyn Read, io: &mut Io<'_>) -> i32 {
    let mut kernel = Kernel::default();
    match args::parse(argv, false) {
        Err(f) => report(io, &f),
        Ok(cmd) => match execute(&cmd, argv, stdin, &mut kernel, io) {
            Outcome::Status(s) | Outcome::Exit(s) => s,
        },
    }
}

pub(super) fn report(io: &mut Io<'_>, f: &Failure) -> i32 {
    let _ = io.err.write_all(f.stderr.as_bytes());
    f.exit_code
}

fn argv0(argv: &[String]) -> &str {
    argv.first().map(String::as_str).unwrap_or("ipvsadm")
}

pub(super) fn execute(
    cmd: &Command,
    argv: &[String],
    stdin: &mut dyn Read,
    kernel: &mut Kernel,
    io: &mut Io<'_>,
) -> Outcome {
    match cmd {
        // ipvsadm exits right after printing these, even inside `-R`.
        Command::Help(text) | Command::Version(text) => {
            let _ = io.out.write_all(text.as_bytes());
            Outcome::Exit(0)
        }
        Command::List(spec) => list(spec, kernel, io),
        Command::Save { numeric } => save(*numeric, kernel, io),
        Command::Restore => replay::restore_from(argv0(argv), stdin, kernel, io),
        change => match operation(change) {
            Some(op) => {
                let ipvs = match kernel.get() {
                    Ok(h) => h,
                    Err(f) => return Outcome::Exit(report(io, &f)),
                };
                match ipvs.apply_batch(std::slice::from_ref(&op)) {
                    Ok(mut results) => match results.pop() {
                        Some(Ok(())) => Outcome::Status(0),
                        Some(Err(e)) => Outcome::Status(rejected(io, &e)),
                        None => Outcome::Status(0),
                    },
                    Err(e) => Outcome::Status(rejected(io, &e)),
                }
            }
            None => Outcome::Status(0),
        },
    }
}

/// A kernel rejection of a change: ipvsadm's message, exit 255.
fn rejected(io: &mut Io<'_>, e: &Error) -> i32 {
    rejected_with(io, &ipvsadm_message(e))
}

/// [`rejected`] with ipvsadm's message already made.
pub(super) fn rejected_with(io: &mut Io<'_>, message: &str) -> i32 {
    let _ = writeln!(io.err, "{message}");
    EXIT_REJECTED
}

/// The library operation of a changing command (`None` for help, version,
/// listings, save and restore).
pub fn operation(cmd: &Command) -> Option<Change> {
    match cmd {
        Command::Change(c) => Some(c.clone()),
        Command::Help(_)
        | Command::Version(_)
        | Command::List(_)
        | Command::Save { .. }
        | Command::Restore => None,
    }
}

/// The listing options for the compat renderer.
///
/// Destination counters are shown in full (docs/compat.md,
/// `dest-counters-64bit`), where ipvsadm truncates them to 32 bits.
fn list_options(spec: &ListSpec) -> ListOptions {
    ListOptions {
        format: ListFormat::select(
            spec.stats,
            spec.rate,
            spec.thresholds,
            spec.persistent_conn,
            spec.tun_info,
        ),
        numeric: spec.numeric,
        exact: spec.exact,
        dest_counters: DestCounters::Full,
    }
}

/// A failed listing: the message (unless ipvsadm is silent), exit 1.
fn list_failed(io: &mut Io<'_>, e: Option<&Error>) -> Outcome {
    if let Some(e) = e {
        let _ = writeln!(io.err, "{}", ipvsadm_message(e));
    }
    Outcome::Exit(1)
}

fn write_ok(io: &mut Io<'_>, r: io::Result<()>) -> Outcome {
    match r {
        Ok(()) => Outcome::Status(0),
        Err(e) => {
            let _ = writeln!(io.err, "write error: {e}");
            Outcome::Exit(1)
        }
    }
}

fn list(spec: &ListSpec, kernel: &mut Kernel, io: &mut Io<'_>) -> Outcome {
    if spec.listing == Listing::Connections {
        return list_connections(spec, io);
    }
    let ipvs = match kernel.get() {
        Ok(h) => h,
        Err(f) => return Outcome::Exit(report(io, &f)),
    };
    let opts = list_options(spec);
    let names = SystemNames;
    let r = Renderer::new(opts, &names);
    match &spec.listing {
        Listing::Timeout => match ipvs.timeouts() {
            Ok(t) => {
                let r = render::write_timeouts(io.out, &t);
                write_ok(io, r)
            }
            Err(_) => list_failed(io, None),
        },
        Listing::Daemon => match ipvs.daemons() {
            Ok(d) => {
                let r = render::write_daemons(io.out, &d);
                write_ok(io, r)
            }
            Err(_) => list_failed(io, None),
        },
        Listing::Service(key) => {
            let mut svc = match ipvs.service(key) {
                Ok(s) => s,
                Err(e) => return list_failed(io, Some(&e)),
            };
            match ipvs.destinations(&svc.key) {
                Ok(d) => svc.destinations = d,
                Err(e) => return list_failed(io, Some(&e)),
            }
            if !spec.nosort {
                sort::sort_dests(&mut svc.destinations);
            }
            let res = r
                .write_title(io.out)
                .and_then(|()| r.write_service(io.out, &svc));
            write_ok(io, res)
        }
        Listing::All => {
            let info = match ipvs.info() {
                Ok(i) => i,
                Err(e) => return list_failed(io, Some(&e)),
            };
            if let Err(e) = render::write_version(io.out, &info) {
                return write_ok(io, Err(e));
            }
            let keep_stats = matches!(opts.format, ListFormat::Stats | ListFormat::Rate);
            let services = match sorted_services(ipvs, spec.nosort, keep_stats) {
                Ok(s) => s,
                Err(e) => return list_failed(io, Some(&e)),
            };
            if let Err(e) = r.write_title(io.out) {
                return write_ok(io, Err(e));
            }
            for_each_with_dests(ipvs, services, spec.nosort, keep_stats, io, |io, svc| {
                r.write_service(io.out, svc)
            })
        }
        Listing::Connections => Outcome::Status(0),
    }
}

/// A service as a listing holds it until its turn to print: what the
/// service line shows, in well under half of a [`Service`], so that a large
/// table costs little memory while its destinations stream.
struct Held {
    key: rvsadm::ServiceKey,
    scheduler: rvsadm::Scheduler,
    flags: rvsadm::ServiceFlags,
    timeout: u32,
    netmask: rvsadm::Netmask,
    pe_name: Option<Box<str>>,
    /// Only for the listings that print counters.
    stats: Option<Box<rvsadm::Stats>>,
}

impl Held {
    fn new(s: Service, keep_stats: bool) -> Held {
        Held {
            key: s.key,
            scheduler: s.config.scheduler,
            flags: s.config.flags,
            timeout: s.config.timeout,
            netmask: s.config.netmask,
            pe_name: s.config.pe_name.map(String::into_boxed_str),
            stats: keep_stats.then(|| Box::new(s.stats)),
        }
    }

    fn into_service(self) -> Service {
        let mut s = Service::new(self.key);
        s.config.scheduler = self.scheduler;
        s.config.flags = self.flags;
        s.config.timeout = self.timeout;
        s.config.netmask = self.netmask;
        s.config.pe_name = self.pe_name.map(String::from);
        s.stats = self.stats.map(|b| *b).unwrap_or_default();
        s
    }
}

/// All services, in ipvsadm's order unless `nosort`, streamed from the
/// kernel into their [`Held`] form.
fn sorted_services(ipvs: &Ipvs, nosort: bool, keep_stats: bool) -> rvsadm::Result<Vec<Held>> {
    let mut services = ipvs.services_as(|s| Held::new(s, keep_stats), |h| h.key)?;
    if !nosort {
        sort::merge_sort_by(&mut services, |a, b| sort::cmp_service_keys(&a.key, &b.key));
    }
    Ok(services)
}

/// How many services' destinations are fetched and printed at a time: the
/// output streams, memory stays bounded.
const DEST_CHUNK: usize = 256;

/// Fetch the services' destinations (in the services' order, as ipvsadm
/// asks for them) a chunk at a time and hand each service to `emit`; the
/// destinations' counters only `with_stats` (without, they come the
/// kernel's cheaper way).
fn for_each_with_dests(
    ipvs: &Ipvs,
    services: Vec<Held>,
    nosort: bool,
    with_stats: bool,
    io: &mut Io<'_>,
    mut emit: impl FnMut(&mut Io<'_>, &Service) -> io::Result<()>,
) -> Outcome {
    // Without counters, every IPv4 service's count of destinations is
    // taken once, for all the chunks.
    let reader = ipvs.destination_reader(with_stats);
    let mut services = services.into_iter().peekable();
    while services.peek().is_some() {
        let mut chunk: Vec<Service> = services
            .by_ref()
            .take(DEST_CHUNK)
            .map(Held::into_service)
            .collect();
        let keys: Vec<_> = chunk.iter().map(|s| s.key).collect();
        match reader.read(&keys) {
            Ok(all) => {
                for (svc, d) in chunk.iter_mut().zip(all) {
                    svc.destinations = d;
                }
            }
            Err(e) => return list_failed(io, Some(&e)),
        }
        for svc in &mut chunk {
            if !nosort {
                sort::sort_dests(&mut svc.destinations);
            }
            if let Err(e) = emit(io, svc) {
                return write_ok(io, Err(e));
            }
        }
    }
    Outcome::Status(0)
}

fn save(numeric: bool, kernel: &mut Kernel, io: &mut Io<'_>) -> Outcome {
    let ipvs = match kernel.get() {
        Ok(h) => h,
        Err(f) => return Outcome::Exit(report(io, &f)),
    };
    let opts = ListOptions {
        numeric,
        ..ListOptions::default()
    };
    let names = SystemNames;
    let r = Renderer::new(opts, &names);
    let services = match sorted_services(ipvs, false, false) {
        Ok(s) => s,
        Err(e) => return list_failed(io, Some(&e)),
    };
    for_each_with_dests(ipvs, services, false, false, io, |io, svc| {
        r.write_save_service(io.out, svc)
    })
}

/// ipvsadm reads the table of the process's namespace.
const CONN_FILE: &str = rvsadm::conn::PROC_IP_VS_CONN;

fn list_connections(spec: &ListSpec, io: &mut Io<'_>) -> Outcome {
    let text = match std::fs::read(CONN_FILE) {
        Ok(t) => t,
        Err(_) => {
            let _ = writeln!(io.err, "cannot open file {CONN_FILE}");
            return Outcome::Exit(1);
        }
    };
    let opts = ConnOptions {
        numeric: spec.numeric,
        persistent_conn: spec.persistent_conn,
    };
    match render::write_proc_conns(io.out, &text, opts, &SystemNames) {
        Ok(()) => Outcome::Status(0),
        Err(render::ConnListError::UnexpectedInput) => {
            let _ = writeln!(io.err, "unexpected input from {CONN_FILE}");
            Outcome::Exit(1)
        }
        Err(render::ConnListError::EmptyLine) => Outcome::Exit(1),
        Err(e) => {
            let _ = writeln!(io.err, "{e}");
            Outcome::Exit(1)
        }
    }
}
