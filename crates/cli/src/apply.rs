//! `rvsadm apply`: converge the table to a desired state (an extension;
//! ipvsadm has no such command).
//!
//! Input: the lossless JSON document of `rvsadm -S --json`, or ipvsadm
//! rules text (`-A` and `-a` lines, as `ipvsadm -S` writes them), told
//! apart by content unless `--format` says. The plan is made by
//! [`rvsadm::reconcile::plan`] and applied by [`rvsadm::reconcile::converge`].
//!
//! Exit status: 0 the table is the desired state (with `--dry-run`: nothing
//! to do); 1 with `--dry-run`: changes pending; 2 nothing changed (bad
//! command line, bad document, IPVS not usable); 3 some changes failed (the
//! rest applied) or the table did not end as planned; 4 converged but for
//! drains still pending.

use super::compat::args::{self, Command};
use super::compat::restore;
use super::json::{report, report_usage};
use rvsadm::json::{self, DestinationDoc, ServiceDoc, SCHEMA_VERSION};
use rvsadm::reconcile::{
    self, Action, ApplyOptions, Before, Object, Options, Outcome, Pending, Plan, Step,
};
use rvsadm::{
    Change, Daemon, DesiredState, DestConfig, Error, ForwardMethod, Ipvs, ServiceConfig,
    ServiceFlags, ServiceKey, ServiceSpec, Timeouts,
};
use serde_json::{json, Map, Value};
use std::io::{Read, Write};
use std::net::SocketAddr;
use std::time::Duration;

/// Exit: converged (or, dry run, nothing to do).
pub const EXIT_OK: i32 = 0;
/// Exit (dry run): changes pending.
pub const EXIT_PENDING_CHANGES: i32 = 1;
/// Exit: nothing changed (usage, document, IPVS).
pub const EXIT_NOTHING_DONE: i32 = 2;
/// Exit: some changes failed, or the table did not converge.
pub const EXIT_FAILED: i32 = 3;
/// Exit: converged except drains still pending.
pub const EXIT_DRAINING: i32 = 4;

/// `--drain` without a value: wait this long.
pub const DEFAULT_DRAIN: Duration = Duration::from_secs(60);

const HELP: &str = "\
Usage: rvsadm apply [OPTIONS] FILE|-

Converge the IPVS table to the desired state in FILE (- reads standard
input): the fewest changes, edits in place where the kernel allows them,
never a flush. The services FILE names are owned (their destinations not in
FILE are removed); other services are left alone unless --prune.

FILE is the JSON document `rvsadm -S --json` writes, or ipvsadm rules (the
-A and -a lines `ipvsadm -S` writes; they carry no thresholds, timeouts or
sync daemons, which are then left as they are except thresholds, set to 0).

Options:
  --dry-run             print the plan, change nothing
  --json                the plan or result as one JSON object on stdout
  --pretty              indented JSON (implies --json)
  --prune               also delete the services FILE does not name
  --allow-empty         with --prune, let a FILE without services delete all
  --drain[=SECONDS]     remove destinations gracefully: weight 0 first, delete
                        once their connections end, waiting up to SECONDS
                        (default 60; 0: do not wait, a later apply finishes)
  --format json|rules   the input format (default: told by content)
  -h, --help            this text

Exit status: 0 the table is the desired state (--dry-run: nothing to do);
1 --dry-run with changes to make; 2 nothing changed (bad command line, bad
document, IPVS not usable); 3 some changes failed, the rest applied; 4 all
applied but drains still pending.
";

/// What a flag of `rvsadm apply` takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlagValue {
    /// Nothing.
    None,
    /// An optional `=VALUE` (`--drain[=SECONDS]`).
    Optional,
    /// One of these words.
    OneOf(&'static [&'static str]),
}

/// A flag of `rvsadm apply`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flag {
    /// Its long name, without `--`.
    pub long: &'static str,
    /// Its value.
    pub value: FlagValue,
    /// One line of help.
    pub help: &'static str,
}

/// The flags [`parse`] takes (besides `-h`/`--help`), for the shell
/// completions; a test checks them against the parser and the help text.
pub const FLAGS: &[Flag] = &[
    Flag {
        long: "dry-run",
        value: FlagValue::None,
        help: "print the plan, change nothing",
    },
    Flag {
        long: "json",
        value: FlagValue::None,
        help: "the plan or result as JSON",
    },
    Flag {
        long: "pretty",
        value: FlagValue::None,
        help: "indented JSON (implies --json)",
    },
    Flag {
        long: "prune",
        value: FlagValue::None,
        help: "also delete the services FILE does not name",
    },
    Flag {
        long: "allow-empty",
        value: FlagValue::None,
        help: "with --prune, let a FILE without services delete all",
    },
    Flag {
        long: "drain",
        value: FlagValue::Optional,
        help: "remove destinations gracefully, waiting up to SECONDS",
    },
    Flag {
        long: "format",
        value: FlagValue::OneOf(&["json", "rules"]),
        help: "the input format",
    },
];

/// The input format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The `-S --json` document.
    Json,
    /// ipvsadm rules text.
    Rules,
}

/// A parsed `rvsadm apply` command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplyArgs {
    /// `--dry-run`.
    pub dry_run: bool,
    /// `--json`.
    pub json: bool,
    /// `--pretty`.
    pub pretty: bool,
    /// `--prune`.
    pub prune: bool,
    /// `--drain[=SECONDS]`: how long to wait.
    pub drain: Option<Duration>,
    /// `--format`; `None`: by content.
    pub format: Option<Format>,
    /// `--allow-empty`: with `--prune`, a desired state without services
    /// may delete them all.
    pub allow_empty: bool,
    /// The file, `-` for standard input.
    pub file: String,
}

/// What went wrong before anything changed: the message, and whether it
/// was the command line (`usage`) or the input.
#[derive(Debug)]
enum Refusal {
    Usage(String),
    Error(Error),
}

/// Parse the words after `apply`; `Ok(None)` is `--help`.
pub fn parse(words: &[String]) -> Result<Option<ApplyArgs>, String> {
    let mut a = ApplyArgs {
        dry_run: false,
        json: false,
        pretty: false,
        prune: false,
        drain: None,
        format: None,
        allow_empty: false,
        file: String::new(),
    };
    let mut file = None;
    let mut it = words.iter();
    let mut options_done = false;
    while let Some(w) = it.next() {
        let w = w.as_str();
        if options_done || w == "-" || !w.starts_with('-') {
            if file.replace(w.to_string()).is_some() {
                return Err("apply takes one FILE (or - for standard input)".into());
            }
            continue;
        }
        match w {
            "--" => options_done = true,
            "-h" | "--help" => return Ok(None),
            "--dry-run" => a.dry_run = true,
            "--json" => a.json = true,
            "--pretty" => {
                a.json = true;
                a.pretty = true;
            }
            "--prune" => a.prune = true,
            "--allow-empty" => a.allow_empty = true,
            "--drain" => a.drain = Some(DEFAULT_DRAIN),
            "--format" => {
                let v = it.next().ok_or("--format needs a value: json or rules")?;
                a.format = Some(format_of(v)?);
            }
            _ => {
                if let Some(v) = w.strip_prefix("--drain=") {
                    let secs: u64 = v.parse().map_err(|_| {
                        format!("--drain={v}: the drain time is a whole number of seconds")
                    })?;
                    a.drain = Some(Duration::from_secs(secs));
                } else if let Some(v) = w.strip_prefix("--format=") {
                    a.format = Some(format_of(v)?);
                } else {
                    return Err(format!("unknown option {w} (see rvsadm apply --help)"));
                }
            }
        }
    }
    a.file = file.ok_or("apply needs a FILE (or - for standard input)")?;
    Ok(Some(a))
}

fn format_of(v: &str) -> Result<Format, String> {
    match v {
        "json" => Ok(Format::Json),
        "rules" => Ok(Format::Rules),
        _ => Err(format!("--format {v}: the formats are json and rules")),
    }
}

/// Run `rvsadm apply` with `words` (what follows `apply`).
pub fn main(
    words: &[String],
    stdin: &mut dyn Read,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let json_mode = words.iter().any(|w| w == "--json" || w == "--pretty");
    let a = match parse(words) {
        Ok(Some(a)) => a,
        Ok(None) => {
            let _ = out.write_all(HELP.as_bytes());
            return EXIT_OK;
        }
        Err(m) => return refuse(err, json_mode, Refusal::Usage(m)),
    };
    // The table is read while the document is parsed (reading changes
    // nothing; a bad document still wins, and its error is the one told).
    let reader = std::thread::spawn(|| -> rvsadm::Result<(Ipvs, rvsadm::Snapshot)> {
        let ipvs = Ipvs::connect()?;
        let live = ipvs.snapshot_without_stats()?;
        Ok((ipvs, live))
    });
    let desired = match read_input(&a, stdin) {
        Ok(d) => d,
        Err(r) => return refuse(err, a.json, r),
    };
    let read = reader.join().unwrap_or_else(|_| {
        Err(Error::Io(std::io::Error::other(
            "the thread reading the table stopped",
        )))
    });
    let (ipvs, live) = match read {
        Ok(r) => r,
        Err(e) => return refuse(err, a.json, Refusal::Error(e)),
    };
    let opts = ApplyOptions {
        plan: Options {
            prune: a.prune,
            drain: a.drain.is_some(),
        },
        drain_wait: a.drain.unwrap_or(Duration::ZERO),
        ..ApplyOptions::default()
    };
    if a.dry_run {
        let plan = match reconcile::plan(&desired, &live, &opts.plan) {
            Ok(p) => p,
            Err(e) => return refuse(err, a.json, Refusal::Error(e)),
        };
        let code = if plan.is_empty() {
            EXIT_OK
        } else {
            EXIT_PENDING_CHANGES
        };
        let shown = Shown::planned(&plan);
        return finish(out, err, &a, &shown, code);
    }
    let text = !a.json;
    let mut last_note = None;
    let mut progress = |p: &reconcile::Progress| {
        if text {
            let now = (p.waiting, p.conns, p.left.as_secs() / 10);
            if last_note != Some(now) {
                last_note = Some(now);
                let _ = writeln!(
                    err,
                    "rvsadm apply: draining {} (connections left: {}), waiting up to {} s more",
                    plural(p.waiting, "destination"),
                    p.conns,
                    p.left.as_secs()
                );
            }
        }
    };
    let report = match reconcile::converge_from(&ipvs, &desired, live, &opts, &mut progress) {
        Ok(r) => r,
        Err(e) => return refuse(err, a.json, Refusal::Error(e)),
    };
    let code = if report.failed() || !report.converged() {
        EXIT_FAILED
    } else if !report.remaining.pending.is_empty() {
        EXIT_DRAINING
    } else {
        EXIT_OK
    };
    let shown = Shown::applied(&report);
    finish(out, err, &a, &shown, code)
}

fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

fn refuse(err: &mut dyn Write, json_mode: bool, r: Refusal) -> i32 {
    match r {
        Refusal::Usage(m) if json_mode => {
            report_usage(err, &m, EXIT_NOTHING_DONE);
        }
        Refusal::Usage(m) => {
            let _ = writeln!(err, "rvsadm apply: {m}");
        }
        Refusal::Error(e) if json_mode => {
            report(err, &e, EXIT_NOTHING_DONE);
        }
        Refusal::Error(e) => {
            let _ = writeln!(err, "rvsadm apply: {e}");
        }
    }
    EXIT_NOTHING_DONE
}

/// Read and check the desired state; nothing is applied.
fn read_input(a: &ApplyArgs, stdin: &mut dyn Read) -> Result<DesiredState, Refusal> {
    let mut bytes = Vec::new();
    let read = if a.file == "-" {
        stdin.read_to_end(&mut bytes).map(|_| ())
    } else {
        std::fs::File::open(&a.file).and_then(|mut f| f.read_to_end(&mut bytes).map(|_| ()))
    };
    read.map_err(|e| {
        let name = if a.file == "-" {
            "standard input"
        } else {
            &a.file
        };
        Refusal::Error(Error::InvalidDocument {
            path: String::new(),
            message: format!("cannot read {name}: {e}"),
        })
    })?;
    let format = a.format.unwrap_or_else(|| detect(&bytes));
    let desired = match format {
        Format::Json => {
            let text = std::str::from_utf8(&bytes).map_err(|_| {
                Refusal::Error(Error::InvalidDocument {
                    path: String::new(),
                    message: "the JSON document is not UTF-8".into(),
                })
            })?;
            json::parse_save(text)
                .and_then(|d| d.validate())
                .map_err(|e| {
                    Refusal::Error(Error::InvalidDocument {
                        path: e.path,
                        message: e.message,
                    })
                })?
        }
        Format::Rules => parse_rules(&bytes).map_err(Refusal::Error)?,
    };
    desired.check().map_err(Refusal::Error)?;
    if a.prune && desired.services.is_empty() && !a.allow_empty {
        return Err(Refusal::Usage(
            "the desired state names no service: with --prune that deletes every service; add --allow-empty if that is what you mean".into(),
        ));
    }
    Ok(desired)
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
    for (i, line) in bytes.split(|&b| b == b'\n').enumerate() {
        let n = i + 1;
        let Some(argv) = restore::argv_of(line, "rvsadm") else {
            continue;
        };
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

// ---- what is shown ---------------------------------------------------------

/// One line of the output: a step or a pending removal, with its result.
struct Line {
    action: Action,
    object: Object,
    change: Change,
    before: Option<Before>,
    /// `planned`, `applied`, `failed`, `pending`.
    result: &'static str,
    error: Option<Value>,
    error_text: Option<String>,
    /// Connections a pending removal waits for.
    conns: Option<u64>,
}

struct Shown {
    lines: Vec<Line>,
    notes: Vec<String>,
    dry_run: bool,
    converged: bool,
    /// Steps a re-read still finds (a table changed meanwhile).
    unconverged: usize,
    /// Changes sent to the kernel.
    sent: usize,
}

fn error_value(e: &Error) -> Value {
    let mut m = Map::new();
    m.insert("code".into(), json!(e.code()));
    m.insert("number".into(), json!(e.number()));
    m.insert("message".into(), json!(e.to_string()));
    if let Some(n) = e.errno() {
        m.insert("errno".into(), json!(n));
    }
    Value::Object(m)
}

fn line_of_step(s: &Step, result: &'static str, e: Option<&Error>) -> Line {
    Line {
        action: s.action,
        object: s.object(),
        change: s.change.clone(),
        before: s.before.clone(),
        result,
        error: e.map(error_value),
        error_text: e.map(Error::to_string),
        conns: None,
    }
}

fn line_of_pending(p: &Pending, result: &'static str, e: Option<&Error>) -> Line {
    let object = match p.change {
        Change::DeleteService(_) => Object::Service,
        _ => Object::Destination,
    };
    Line {
        action: Action::Delete,
        object,
        change: p.change.clone(),
        before: None,
        result,
        error: e.map(error_value),
        error_text: e.map(Error::to_string),
        conns: Some(p.conns),
    }
}

impl Shown {
    fn planned(plan: &Plan) -> Self {
        let mut lines: Vec<Line> = plan
            .steps
            .iter()
            .map(|s| line_of_step(s, "planned", None))
            .collect();
        lines.extend(
            plan.pending
                .iter()
                .map(|p| line_of_pending(p, "planned", None)),
        );
        Shown {
            lines,
            notes: plan.notes.clone(),
            dry_run: true,
            converged: plan.is_empty(),
            unconverged: 0,
            sent: 0,
        }
    }

    fn applied(r: &reconcile::Report) -> Self {
        fn result(o: &Outcome) -> (&'static str, Option<&Error>) {
            match o {
                Outcome::Applied => ("applied", None),
                Outcome::Failed(e) => ("failed", Some(e)),
                Outcome::Pending => ("pending", None),
            }
        }
        let mut lines: Vec<Line> = r
            .plan
            .steps
            .iter()
            .zip(&r.steps)
            .map(|(s, o)| {
                let (res, e) = result(o);
                line_of_step(s, res, e)
            })
            .collect();
        lines.extend(r.plan.pending.iter().zip(&r.pending).map(|(p, o)| {
            let (res, e) = result(o);
            line_of_pending(p, res, e)
        }));
        Shown {
            lines,
            notes: r.plan.notes.clone(),
            dry_run: false,
            converged: r.converged(),
            unconverged: r.remaining.steps.len(),
            sent: r.sent,
        }
    }

    fn count(&self, f: impl Fn(&Line) -> bool) -> usize {
        self.lines.iter().filter(|l| f(l)).count()
    }
}

fn finish(
    out: &mut dyn Write,
    err: &mut dyn Write,
    a: &ApplyArgs,
    shown: &Shown,
    code: i32,
) -> i32 {
    let r = if a.json {
        let doc = json_doc(shown);
        let text = if a.pretty {
            serde_json::to_string_pretty(&doc)
        } else {
            serde_json::to_string(&doc)
        }
        .unwrap_or_default();
        writeln!(out, "{text}")
    } else {
        write_text(out, shown)
    };
    match r.and_then(|()| out.flush()) {
        Ok(()) => code,
        Err(e) => {
            let _ = writeln!(err, "rvsadm apply: cannot write the output: {e}");
            // The changes are made; only the report is lost.
            if code == EXIT_OK {
                EXIT_FAILED
            } else {
                code
            }
        }
    }
}

fn write_text(out: &mut dyn Write, s: &Shown) -> std::io::Result<()> {
    for l in &s.lines {
        let mark = if l.result == "pending" || (l.conns.is_some() && l.result == "planned") {
            '-'
        } else {
            l.action.mark()
        };
        write!(out, "{mark} {}", describe(l))?;
        write!(out, "  [ipvsadm {}]", l.change.ipvsadm_args())?;
        match (l.result, &l.error_text) {
            ("failed", Some(e)) => write!(out, "  FAILED: {e}")?,
            ("pending", _) => write!(out, "  (pending: connections left)")?,
            _ => {}
        }
        writeln!(out)?;
    }
    for n in &s.notes {
        writeln!(out, "note: {n}")?;
    }
    let add = s.count(|l| l.action == Action::Add);
    let edit = s.count(|l| l.action == Action::Edit);
    let del = s.count(|l| l.action == Action::Delete);
    let drain = s.count(|l| l.action == Action::Drain);
    let failed = s.count(|l| l.result == "failed");
    let pending = s.count(|l| l.result == "pending" || (s.dry_run && l.conns.is_some()));
    if s.lines.is_empty() {
        return writeln!(out, "No changes: the table is the desired state.");
    }
    let verb = if s.dry_run { "Plan" } else { "Applied" };
    write!(
        out,
        "{verb}: {add} to add, {edit} to change, {del} to delete, {drain} to drain"
    )?;
    if s.dry_run {
        if pending > 0 {
            write!(out, " ({pending} deletions wait for connections to end)")?;
        }
        writeln!(out, "; nothing changed (--dry-run).")
    } else {
        write!(out, "; {failed} failed, {pending} pending")?;
        if s.converged {
            writeln!(out, "; the table is the desired state.")
        } else if failed > 0 {
            writeln!(
                out,
                "; the rest applied, and the table differs from the desired state where changes failed."
            )
        } else {
            writeln!(
                out,
                "; the table re-read still differs in {} (changed meanwhile? run apply again).",
                plural(s.unconverged, "place")
            )
        }
    }
}

/// How a service is named in plans: `tcp 192.0.2.1:80`, `fwmark 7`.
fn svc_text(k: &ServiceKey) -> String {
    k.to_string()
}

fn fwd_text(f: ForwardMethod) -> String {
    f.name()
        .map_or_else(|| format!("forward {}", f.to_raw()), str::to_string)
}

fn dest_text(c: &DestConfig) -> String {
    let mut s = format!("{} weight {}", fwd_text(c.forward), c.weight);
    if c.upper_threshold != 0 || c.lower_threshold != 0 {
        s += &format!(" thresholds {}/{}", c.upper_threshold, c.lower_threshold);
    }
    if c.forward == ForwardMethod::Tunnel {
        s += &format!(" tunnel {:?}", c.tunnel.kind).to_lowercase();
        if c.tunnel.port != 0 {
            s += &format!(":{}", c.tunnel.port);
        }
    }
    s
}

fn svc_cfg_text(c: &ServiceConfig) -> String {
    let mut s = format!("scheduler {}", c.scheduler);
    if c.is_persistent() {
        s += &format!(" persistent {}", c.timeout);
    }
    if let Some(pe) = &c.pe_name {
        s += &format!(" pe {pe}");
    }
    let names: Vec<String> = c
        .flags
        .names(&c.scheduler)
        .into_iter()
        .filter(|n| n != "persistent")
        .collect();
    if !names.is_empty() {
        s += &format!(" flags {}", names.join(","));
    }
    s
}

/// The fields that differ, `name old -> new`, comma-separated.
fn dest_diff(a: &DestConfig, b: &DestConfig) -> String {
    let mut v = Vec::new();
    if a.forward != b.forward {
        v.push(format!(
            "{} -> {}",
            fwd_text(a.forward),
            fwd_text(b.forward)
        ));
    }
    if a.weight != b.weight {
        v.push(format!("weight {} -> {}", a.weight, b.weight));
    }
    if (a.upper_threshold, a.lower_threshold) != (b.upper_threshold, b.lower_threshold) {
        v.push(format!(
            "thresholds {}/{} -> {}/{}",
            a.upper_threshold, a.lower_threshold, b.upper_threshold, b.lower_threshold
        ));
    }
    if a.tunnel != b.tunnel && b.forward == ForwardMethod::Tunnel {
        v.push(
            format!(
                "tunnel {:?}:{} -> {:?}:{}",
                a.tunnel.kind, a.tunnel.port, b.tunnel.kind, b.tunnel.port
            )
            .to_lowercase(),
        );
    }
    v.join(", ")
}

fn svc_diff(a: &ServiceConfig, b: &ServiceConfig) -> String {
    let mut v = Vec::new();
    if a.scheduler != b.scheduler {
        v.push(format!("scheduler {} -> {}", a.scheduler, b.scheduler));
    }
    let pers = |c: &ServiceConfig| {
        if c.is_persistent() {
            c.timeout.to_string()
        } else {
            "off".into()
        }
    };
    if pers(a) != pers(b) {
        v.push(format!("persistent {} -> {}", pers(a), pers(b)));
    } else if a.timeout != b.timeout {
        v.push(format!("timeout {} -> {}", a.timeout, b.timeout));
    }
    if a.netmask != b.netmask {
        v.push(format!("netmask {:?} -> {:?}", a.netmask, b.netmask));
    }
    if a.pe_name != b.pe_name {
        let pe = |c: &ServiceConfig| c.pe_name.clone().unwrap_or_else(|| "none".into());
        v.push(format!("pe {} -> {}", pe(a), pe(b)));
    }
    let rest = |c: &ServiceConfig| c.flags - ServiceFlags::PERSISTENT;
    if rest(a) != rest(b) {
        let names = |c: &ServiceConfig| {
            let n = rest(c).names(&c.scheduler);
            if n.is_empty() {
                "none".to_string()
            } else {
                n.join(",")
            }
        };
        v.push(format!("flags {} -> {}", names(a), names(b)));
    }
    v.join(", ")
}

fn describe(l: &Line) -> String {
    let before_dest = match &l.before {
        Some(Before::Destination(c)) => Some(c),
        _ => None,
    };
    match &l.change {
        Change::AddService(s) => {
            format!("service {}: {}", svc_text(&s.key), svc_cfg_text(&s.config))
        }
        Change::EditService(s) => match &l.before {
            Some(Before::Service(c)) => {
                format!("service {}: {}", svc_text(&s.key), svc_diff(c, &s.config))
            }
            _ => format!("service {}: {}", svc_text(&s.key), svc_cfg_text(&s.config)),
        },
        Change::DeleteService(k) => match l.conns {
            Some(n) => format!("service {} once drained ({n} connections)", svc_text(k)),
            None => format!("service {}", svc_text(k)),
        },
        Change::AddDestination(k, d) => {
            format!(
                "destination {} -> {}: {}",
                svc_text(k),
                d.addr,
                dest_text(&d.config)
            )
        }
        Change::EditDestination(k, d) => {
            let what = if l.action == Action::Drain {
                "drain "
            } else {
                ""
            };
            let change =
                before_dest.map_or_else(|| dest_text(&d.config), |c| dest_diff(c, &d.config));
            format!("{what}destination {} -> {}: {change}", svc_text(k), d.addr)
        }
        Change::DeleteDestination(k, a) => match l.conns {
            Some(n) => format!(
                "destination {} -> {a} once drained ({n} connections)",
                svc_text(k)
            ),
            None => format!("destination {} -> {a}", svc_text(k)),
        },
        Change::SetTimeouts(t) => {
            let was = match &l.before {
                Some(Before::Timeouts(b)) => format!(" (were {} {} {})", b.tcp, b.tcp_fin, b.udp),
                _ => String::new(),
            };
            format!(
                "timeouts tcp {} tcpfin {} udp {} (0: unchanged){was}",
                t.tcp, t.tcp_fin, t.udp
            )
        }
        Change::StartDaemon(d) => format!("sync daemon {}", daemon_text(d)),
        Change::StopDaemon(d) => format!("sync daemon {}", daemon_text(d)),
        // Flush, zero, and any change a later library adds: its debug form.
        _ => format!("{:?}", l.change),
    }
}

fn daemon_text(d: &Daemon) -> String {
    let state = match d.state {
        rvsadm::DaemonState::Master => "master".to_string(),
        rvsadm::DaemonState::Backup => "backup".to_string(),
        other => format!("state {}", other.to_raw()),
    };
    format!("{state} on {} syncid {}", d.mcast_ifn, d.sync_id)
}

// ---- JSON ------------------------------------------------------------------

fn key_value(k: &ServiceKey) -> Value {
    let doc = ServiceDoc::of_spec(&ServiceSpec::new(*k));
    let mut m = Map::new();
    m.insert("family".into(), json!(doc.family));
    if let Some(p) = doc.protocol {
        m.insert("protocol".into(), json!(p));
    }
    if let Some(a) = doc.address {
        m.insert("address".into(), json!(a));
    }
    if let Some(p) = doc.port {
        m.insert("port".into(), json!(p));
    }
    if let Some(f) = doc.fwmark {
        m.insert("fwmark".into(), json!(f));
    }
    Value::Object(m)
}

/// A service configuration as the save document spells it (no key, no
/// destinations).
fn svc_cfg_value(k: &ServiceKey, c: &ServiceConfig) -> Value {
    let doc = ServiceDoc::of_spec(&ServiceSpec::new(*k).with_config(c.clone()));
    let mut v = serde_json::to_value(&doc).unwrap_or(Value::Null);
    if let Value::Object(m) = &mut v {
        for f in [
            "family",
            "protocol",
            "address",
            "port",
            "fwmark",
            "destinations",
        ] {
            m.remove(f);
        }
    }
    v
}

fn dest_cfg_value(a: &SocketAddr, c: &DestConfig) -> Value {
    let doc = DestinationDoc::of_spec(&rvsadm::DestSpec::new(*a, *c));
    let mut v = serde_json::to_value(&doc).unwrap_or(Value::Null);
    if let Value::Object(m) = &mut v {
        for f in ["family", "address", "port"] {
            m.remove(f);
        }
    }
    v
}

fn dest_key_value(a: &SocketAddr) -> Value {
    json!({
        "family": rvsadm::Family::of(&a.ip()),
        "address": a.ip(),
        "port": a.port(),
    })
}

fn timeouts_value(t: &Timeouts) -> Value {
    json!({"tcp": t.tcp, "tcp_fin": t.tcp_fin, "udp": t.udp})
}

fn line_value(l: &Line) -> Value {
    let mut m = Map::new();
    m.insert("action".into(), json!(l.action.name()));
    m.insert("object".into(), json!(l.object.name()));
    match &l.change {
        Change::AddService(s) | Change::EditService(s) => {
            m.insert("service".into(), key_value(&s.key));
            m.insert("after".into(), svc_cfg_value(&s.key, &s.config));
        }
        Change::DeleteService(k) | Change::Zero(Some(k)) => {
            m.insert("service".into(), key_value(k));
        }
        Change::AddDestination(k, d) => {
            m.insert("service".into(), key_value(k));
            m.insert("destination".into(), dest_key_value(&d.addr));
            m.insert("after".into(), dest_cfg_value(&d.addr, &d.config));
        }
        Change::EditDestination(k, d) => {
            m.insert("service".into(), key_value(k));
            m.insert("destination".into(), dest_key_value(&d.addr));
            m.insert("after".into(), dest_cfg_value(&d.addr, &d.config));
        }
        Change::DeleteDestination(k, a) => {
            m.insert("service".into(), key_value(k));
            m.insert("destination".into(), dest_key_value(a));
        }
        Change::SetTimeouts(t) => {
            m.insert("after".into(), timeouts_value(t));
        }
        Change::StartDaemon(d) | Change::StopDaemon(d) => {
            m.insert(
                "daemon".into(),
                serde_json::to_value(d).unwrap_or(Value::Null),
            );
        }
        // Flush, zero all, and any change a later library adds: the
        // action, object and ipvsadm fields below say it.
        _ => {}
    }
    let key = l.change.service().copied();
    match (&l.before, key) {
        (Some(Before::Service(c)), Some(k)) => {
            m.insert("before".into(), svc_cfg_value(&k, c));
        }
        (Some(Before::Destination(c)), _) => {
            if let Change::EditDestination(_, d) = &l.change {
                m.insert("before".into(), dest_cfg_value(&d.addr, c));
            } else if let Change::DeleteDestination(_, a) = &l.change {
                m.insert("before".into(), dest_cfg_value(a, c));
            }
        }
        (Some(Before::Timeouts(t)), _) => {
            m.insert("before".into(), timeouts_value(t));
        }
        (Some(Before::Daemon(d)), _) => {
            m.insert(
                "before".into(),
                serde_json::to_value(d).unwrap_or(Value::Null),
            );
        }
        _ => {}
    }
    if let Some(n) = l.conns {
        m.insert("connections".into(), json!(n));
    }
    m.insert("ipvsadm".into(), json!(l.change.ipvsadm_args()));
    m.insert("result".into(), json!(l.result));
    if let Some(e) = &l.error {
        m.insert("error".into(), e.clone());
    }
    Value::Object(m)
}

fn json_doc(s: &Shown) -> Value {
    json!({
        "schema_version": SCHEMA_VERSION,
        "dry_run": s.dry_run,
        "changes": s.lines.iter().map(line_value).collect::<Vec<_>>(),
        "notes": s.notes,
        "summary": {
            "add": s.count(|l| l.action == Action::Add),
            "edit": s.count(|l| l.action == Action::Edit),
            "delete": s.count(|l| l.action == Action::Delete),
            "drain": s.count(|l| l.action == Action::Drain),
            "failed": s.count(|l| l.result == "failed"),
            "pending": s.count(|l| l.result == "pending"),
            "sent": s.sent,
        },
        "converged": s.converged,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rvsadm::{Netmask, TunnelFlags, TunnelType};

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn command_lines() {
        let a = parse(&words(
            "--dry-run --prune --drain=30 --format rules x.rules",
        ))
        .unwrap()
        .unwrap();
        assert!(a.dry_run && a.prune && !a.json);
        assert_eq!(a.drain, Some(Duration::from_secs(30)));
        assert_eq!(a.format, Some(Format::Rules));
        assert_eq!(a.file, "x.rules");
        let a = parse(&words("--drain --pretty -")).unwrap().unwrap();
        assert_eq!(
            (a.drain, a.json, a.file.as_str()),
            (Some(DEFAULT_DRAIN), true, "-")
        );
        assert_eq!(parse(&words("--help")).unwrap(), None);
        // Every flag the completions offer is one the parser takes and the
        // help text describes.
        for f in FLAGS {
            let mut w = vec![format!("--{}", f.long)];
            match f.value {
                FlagValue::None => {}
                FlagValue::Optional => w[0].push_str("=5"),
                FlagValue::OneOf(v) => w.extend(v.iter().take(1).map(|x| x.to_string())),
            }
            w.push("f.json".into());
            assert!(parse(&w).is_ok_and(|a| a.is_some()), "{w:?}");
            assert!(
                HELP.contains(&format!("--{}", f.long)),
                "--{} not in the help",
                f.long
            );
        }
        for bad in [
            "",
            "a b",
            "--drain=x f",
            "--format yaml f",
            "--nope f",
            "--format",
        ] {
            assert!(parse(&words(bad)).is_err(), "{bad}");
        }
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
