//! `rvsadmd` command line: its definition (clap) and what each
//! subcommand does.

use crate::config::{keepalived, ldirectord, native, parse_duration, Config};
use crate::control::{self, Answer, Request};
use crate::engine::StatusRow;
use crate::run::{run, Loader, RunOptions};
use clap::{Arg, ArgAction, ArgGroup, ArgMatches, Command};
use rvsadm::model::ServiceKey;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use rvsadm_control::DEFAULT_SOCKET;

const DEFAULT_STATE: &str = "/var/lib/rvsadmd/state.json";

fn config_args(c: Command) -> Command {
    c.arg(
        Arg::new("config")
            .long("config")
            .short('c')
            .value_name("FILE")
            .help("the native configuration (rvsadmd.toml)"),
    )
    .arg(
        Arg::new("ldirectord")
            .long("ldirectord")
            .value_name("FILE")
            .help("an ldirectord.cf, read by ldirectord's rules"),
    )
    .arg(
        Arg::new("keepalived")
            .long("keepalived")
            .value_name("FILE")
            .help("a keepalived.conf, read by keepalived's rules (its virtual servers)"),
    )
    .arg(config_id_arg().conflicts_with_all(["config", "ldirectord"]))
    .group(
        ArgGroup::new("source")
            .args(["config", "ldirectord", "keepalived"])
            .required(true),
    )
}

fn config_id_arg() -> Arg {
    Arg::new("config-id")
        .long("config-id")
        .short('i')
        .value_name("ID")
        .help("keepalived's config id for @ID lines [default: the host name up to its first dot]")
}

/// keepalived's reading options, with `--config-id` when given.
fn keepalived_options(m: &ArgMatches) -> keepalived::Options {
    let mut o = keepalived::Options::default();
    if let Some(id) = m.get_one::<String>("config-id") {
        o.config_id = id.clone();
    }
    o
}

fn socket_arg() -> Arg {
    Arg::new("control-socket")
        .long("control-socket")
        .value_name("PATH")
        .help(format!(
            "the control socket [default: the configuration's, else {DEFAULT_SOCKET}]"
        ))
}

fn service_arg() -> Arg {
    Arg::new("service")
        .required(true)
        .value_name("SERVICE")
        .value_parser(|s: &str| crate::service::parse(s))
        .help("tcp:ADDR:PORT, udp:..., sctp:..., fwmark:N[:inet6], as `status` prints it")
}

fn destination_arg() -> Arg {
    Arg::new("destination")
        .value_name("DESTINATION")
        .value_parser(|s: &str| crate::service::parse_dest(s))
        .help("ADDR:PORT (IPv6 as [ADDR]:PORT)")
}

/// The shells `rvsadmd completions` writes a script for.
const SHELLS: [&str; 5] = ["bash", "zsh", "fish", "elvish", "powershell"];

/// The definition of `rvsadmd`'s command line: it drives the parser, the
/// help (`--help`, `help SUB`), the shell completions, and a test keeps
/// `man/rvsadmd.8` in step with it.
pub fn command() -> Command {
    Command::new("rvsadmd")
        .version(env!("CARGO_PKG_VERSION"))
        .about("Health-check controller for Linux IPVS: checks real servers and keeps their weights in the table")
        .after_help("`rvsadmd help COMMAND` or `rvsadmd COMMAND --help` for one command; man rvsadmd for everything.")
        .subcommand_required(true)
        .subcommand(
            crate::fleet::cli::override_args(config_args(Command::new("run").about("run in the foreground (SIGTERM stops, SIGHUP reloads)")))
                .arg(socket_arg())
                .arg(
                    Arg::new("state-file")
                        .long("state-file")
                        .value_name("FILE")
                        .help(format!("where drains are kept across restarts [default: the configuration's, else {DEFAULT_STATE}]")),
                )
                .arg(
                    Arg::new("poll")
                        .long("poll")
                        .value_name("DURATION")
                        .default_value("2s")
                        .value_parser(parse_poll)
                        .help("how often the table is read for changes made by hand"),
                )
                .arg(
                    Arg::new("metrics-listen")
                        .long("metrics-listen")
                        .value_name("ADDR:PORT")
                        .value_parser(clap::value_parser!(SocketAddr))
                        .help("serve Prometheus metrics at http://ADDR:PORT/metrics [default: the configuration's metrics_listen, else not served]"),
                ),
        )
        .subcommand(config_args(
            Command::new("check").about("read a configuration and report the first error; changes nothing"),
        ))
        .subcommand(
            Command::new("status")
                .about("the state of every destination")
                .arg(socket_arg())
                .arg(Arg::new("json").long("json").action(ArgAction::SetTrue).help("as JSON")),
        )
        .subcommand(
            Command::new("drain")
                .about("weight 0 for a destination whatever its checks say (kept across restarts)")
                .arg(socket_arg())
                .arg(service_arg())
                .arg(destination_arg().required(true)),
        )
        .subcommand(
            Command::new("ready")
                .about("back under its checks: clears a drain and a change by hand being kept")
                .arg(socket_arg())
                .arg(service_arg())
                .arg(destination_arg().help("ADDR:PORT; absent: every destination of the service")),
        )
        .subcommand(
            Command::new("reload")
                .about("read the configuration again (an invalid one is refused and the old one kept)")
                .arg(socket_arg()),
        )
        .subcommand(
            Command::new("import-ldirectord")
                .about("print the native configuration equivalent to an ldirectord.cf")
                .arg(Arg::new("file").required(true).value_name("FILE")),
        )
        .subcommand(
            Command::new("import-keepalived")
                .about("print the native configuration equivalent to a keepalived.conf's virtual servers")
                .arg(config_id_arg())
                .arg(Arg::new("file").required(true).value_name("FILE")),
        )
        .subcommand(crate::fleet::cli::command())
        .subcommand(
            Command::new("completions")
                .about("print a completion script for a shell")
                .arg(
                    Arg::new("shell")
                        .required(true)
                        .value_name("SHELL")
                        .value_parser(SHELLS)
                        .help("the shell to complete for"),
                ),
        )
}

/// Write the completion script for `shell` (one of [`SHELLS`]).
fn completions(shell: &str) -> ExitCode {
    use clap_complete::Shell;
    let shell = match shell {
        "bash" => Shell::Bash,
        "zsh" => Shell::Zsh,
        "fish" => Shell::Fish,
        "elvish" => Shell::Elvish,
        _ => Shell::PowerShell,
    };
    clap_complete::generate(shell, &mut command(), "rvsadmd", &mut std::io::stdout());
    ExitCode::SUCCESS
}

/// `--poll`: a duration above 0.
fn parse_poll(s: &str) -> Result<Duration, String> {
    match parse_duration(s)? {
        p if p.is_zero() => Err("must be above 0".into()),
        p => Ok(p),
    }
}

fn load(m: &ArgMatches) -> Loader {
    if let Some(f) = m.get_one::<String>("config") {
        let f = PathBuf::from(f);
        Box::new(move || read(&f, native::parse))
    } else if let Some(f) = m.get_one::<String>("keepalived") {
        let f = PathBuf::from(f);
        let o = keepalived_options(m);
        Box::new(move || keepalived::load(&f, &o).map_err(|e| e.to_string()))
    } else {
        let f = PathBuf::from(
            m.get_one::<String>("ldirectord")
                .cloned()
                .unwrap_or_default(),
        );
        Box::new(move || read(&f, ldirectord::parse))
    }
}

fn read(
    f: &Path,
    parse: fn(&Path, &str) -> Result<Config, crate::config::ConfigError>,
) -> Result<Config, String> {
    let text =
        std::fs::read_to_string(f).map_err(|e| format!("cannot read {}: {e}", f.display()))?;
    parse(f, &text).map_err(|e| e.to_string())
}

fn socket_of(m: &ArgMatches) -> PathBuf {
    PathBuf::from(
        m.get_one::<String>("control-socket")
            .map_or(DEFAULT_SOCKET, |s| s.as_str()),
    )
}

/// The SERVICE argument, as the daemon reads it.
fn service_of(m: &ArgMatches) -> Option<String> {
    m.get_one::<ServiceKey>("service")
        .map(crate::service::format)
}

fn fail(msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("rvsadmd: {msg}");
    ExitCode::from(1)
}

fn ask(m: &ArgMatches, req: Request) -> ExitCode {
    match control::call(&socket_of(m), &req) {
        Ok(Answer::Refused(e)) => fail(e),
        Ok(_) => ExitCode::SUCCESS,
        Err(e) => fail(e),
    }
}

fn status(m: &ArgMatches) -> ExitCode {
    let st = match control::call(&socket_of(m), &Request::Status) {
        Ok(Answer::Status(st)) => st,
        Ok(Answer::Refused(e)) => return fail(e),
        Ok(Answer::Done) => return fail("rvsadmd answered `status` without its rows"),
        Err(e) => return fail(e),
    };
    // State-file entries the daemon set aside: said on standard error,
    // so that the rows (and --json) stay what they are.
    for r in &st.rejected {
        eprintln!(
            "rvsadmd: state file entry set aside (not used): {} {}: {}",
            r.list, r.entry, r.reason
        );
    }
    if m.get_flag("json") {
        match serde_json::to_string_pretty(&st.destinations) {
            Ok(text) => println!("{text}"),
            Err(e) => return fail(format!("cannot write the rows as JSON: {e}")),
        }
        return ExitCode::SUCCESS;
    }
    println!("{}", status_table(&st.destinations));
    if let Some(f) = &st.fleet {
        println!("{}", crate::fleet::cli::status_line(f));
    }
    ExitCode::SUCCESS
}

/// The table `rvsadmd status` prints from the rows of the daemon's answer;
/// its SERVICE cells are in the form `drain` and `ready` take.
fn status_table(rows: &[StatusRow]) -> comfy_table::Table {
    let mut t = comfy_table::Table::new();
    t.load_style(comfy_table::presets::NOTHING);
    t.set_header([
        "SERVICE",
        "DESTINATION",
        "HEALTH",
        "ADMIN",
        "WEIGHT",
        "AGENT",
        "CHECK",
        "LAST",
        "MS",
        "SINCE",
    ]);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64());
    for r in rows {
        let admin = match &r.override_ {
            Some(o) => format!("{} (by hand: {o})", r.admin),
            None => r.admin.clone(),
        };
        let mut weight = match r.weight {
            Some(w) => format!("{w}/{}", r.configured),
            None => format!("-/{}", r.configured),
        };
        if let Some(p) = r.ramp {
            weight.push_str(&format!(" ramp {p}%"));
        }
        let health = match r.floor {
            true => format!("{} (kept: depool floor)", r.health),
            false => r.health.clone(),
        };
        let since = if r.since > 0.0 {
            format!("{:.0}s ago", (now - r.since).max(0.0))
        } else {
            String::new()
        };
        t.add_row([
            r.service.clone(),
            r.destination.clone(),
            health,
            admin,
            weight,
            agent_cell(r),
            r.check.clone(),
            r.last.clone().unwrap_or_default(),
            r.latency_ms.map_or(String::new(), |l| format!("{l:.1}")),
            since,
        ]);
    }
    t
}

/// The AGENT cell of a row: the agent's factor, admin state and health,
/// its connection limit, and the weight they make with the checks and
/// the admin states (`-`: no agent); `(no answer)` while it is not
/// answering (what it said last stands).
fn agent_cell(r: &StatusRow) -> String {
    let Some(a) = &r.agent else {
        return "-".into();
    };
    let factor = match (a.percent, a.weight) {
        (_, Some(w)) => format!("weight:{w}"),
        (Some(p), None) => format!("{p}%"),
        (None, None) => "-".into(),
    };
    let mut cell = format!("{factor} {} {}", a.admin, a.health);
    if let Some(m) = a.maxconn {
        cell.push_str(&format!(" maxconn:{m}"));
    }
    match r.effective {
        Some(w) => cell.push_str(&format!(" => {w}")),
        None => cell.push_str(" => out"),
    }
    if !a.answered && a.last.is_some() {
        cell.push_str(" (no answer)");
    }
    cell
}

/// A command-line error as clap wrote it, with the usage of the command
/// it is about when clap left it out (a value that does not read).
fn with_usage(text: String, args: &[std::ffi::OsString]) -> String {
    if text.contains("Usage:") {
        return text;
    }
    let mut cmd = command();
    cmd.build();
    let sub = args
        .iter()
        .skip(1)
        .filter_map(|a| a.to_str())
        .find(|a| cmd.find_subcommand(a).is_some())
        .map(str::to_string);
    let usage = match sub.and_then(|s| cmd.find_subcommand_mut(&s)) {
        Some(c) => c.render_usage(),
        None => cmd.render_usage(),
    };
    let more = "\nFor more information";
    match text.find(more) {
        Some(i) => format!("{}\n{usage}\n{}", &text[..i], &text[i..]),
        None => format!("{text}\n{usage}\n"),
    }
}

/// Run `rvsadmd` with the process's arguments and return its exit status.
pub fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let m = match command().try_get_matches_from(&args) {
        Ok(m) => m,
        Err(e) if !e.use_stderr() => {
            // --help, help, --version.
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprint!("{}", with_usage(e.render().to_string(), &args));
            return ExitCode::from(2);
        }
    };
    match m.subcommand() {
        Some(("check", s)) => match load(s)() {
            Ok(cfg) => {
                for note in &cfg.notes {
                    eprintln!("rvsadmd: note: {note}");
                }
                let n: usize = cfg.services.iter().map(|v| v.reals.len()).sum();
                println!(
                    "rvsadmd: configuration OK: {} services, {n} destinations",
                    cfg.services.len()
                );
                ExitCode::SUCCESS
            }
            Err(e) => fail(e),
        },
        Some(("run", s)) => {
            let poll = s
                .get_one::<Duration>("poll")
                .copied()
                .unwrap_or(Duration::from_secs(2));
            let load = load(s);
            let fleet = match crate::fleet::cli::settings(
                s,
                s.get_one::<String>("config").map(Path::new),
            ) {
                Ok(f) => f,
                Err(e) => return fail(e),
            };
            let (config, load, fleet) = match crate::fleet::run_parts(fleet, load) {
                Ok(parts) => parts,
                Err(e) => return fail(e),
            };
            // The configuration's own paths, unless the command line says.
            let state_file = s
                .get_one::<String>("state-file")
                .map(PathBuf::from)
                .or(config.state_file.clone())
                .unwrap_or_else(|| PathBuf::from(DEFAULT_STATE));
            if let Some(dir) = state_file.parent() {
                let _ = std::fs::create_dir_all(dir);
            }
            let control_socket = s
                .get_one::<String>("control-socket")
                .map(PathBuf::from)
                .or(config.control_socket.clone())
                .unwrap_or_else(|| PathBuf::from(DEFAULT_SOCKET));
            match run(RunOptions {
                config,
                load,
                state_file: Some(state_file),
                control_socket: Some(control_socket),
                poll,
                metrics_listen: s.get_one::<SocketAddr>("metrics-listen").copied(),
                fleet,
            }) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => fail(e),
            }
        }
        Some(("status", s)) => status(s),
        Some(("drain", s)) => match (service_of(s), s.get_one::<SocketAddr>("destination")) {
            (Some(service), Some(d)) => ask(
                s,
                Request::Drain {
                    service,
                    destination: d.to_string(),
                },
            ),
            _ => fail("drain: SERVICE and DESTINATION are wanted (see rvsadmd drain --help)"),
        },
        Some(("ready", s)) => match service_of(s) {
            Some(service) => ask(
                s,
                Request::Ready {
                    service,
                    destination: s
                        .get_one::<SocketAddr>("destination")
                        .map(|d| d.to_string()),
                },
            ),
            None => fail("ready: SERVICE is wanted (see rvsadmd ready --help)"),
        },
        Some(("reload", s)) => ask(s, Request::Reload),
        Some(("fleet", s)) => crate::fleet::cli::main(s),
        Some(("import-ldirectord", s)) => {
            let f = PathBuf::from(s.get_one::<String>("file").cloned().unwrap_or_default());
            match read(&f, ldirectord::parse) {
                Ok(cfg) => {
                    print!("{}", native::to_toml(&cfg));
                    for n in native::not_written(&cfg) {
                        eprintln!("rvsadmd import-ldirectord: {}: {n}", f.display());
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e),
            }
        }
        Some(("import-keepalived", s)) => {
            let f = PathBuf::from(s.get_one::<String>("file").cloned().unwrap_or_default());
            match keepalived::load(&f, &keepalived_options(s)) {
                Ok(cfg) => {
                    for note in &cfg.notes {
                        eprintln!("rvsadmd: note: {note}");
                    }
                    print!("{}", native::to_toml(&cfg));
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e),
            }
        }
        Some(("completions", s)) => {
            completions(s.get_one::<String>("shell").map_or("bash", |s| s.as_str()))
        }
        _ => fail("unknown command (see rvsadmd --help)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Engine;
    use rvsadm::model::Snapshot;

    #[test]
    fn every_service_cell_of_status_is_taken_by_drain() {
        let cfg = native::parse(
            Path::new("t.toml"),
            r#"
[[services]]
protocol = "tcp"
address = "192.0.2.1"
port = 80
[[services.destinations]]
address = "10.0.0.1"
port = 80
[[services]]
protocol = "udp"
address = "2001:db8::1"
port = 53
[[services.destinations]]
address = "2001:db8::10"
port = 53
[[services]]
fwmark = 7
family = "inet6"
[[services.destinations]]
address = "2001:db8::11"
port = 0
"#,
        )
        .unwrap();
        let keys: Vec<ServiceKey> = cfg.services.iter().map(|v| v.key()).collect();
        let e = Engine::new(cfg);
        let table = status_table(&e.status(&Snapshot::default())).to_string();
        let mut lines = table.lines();
        assert!(lines.next().unwrap().trim_start().starts_with("SERVICE"));
        let mut seen = Vec::new();
        for line in lines {
            let cell = line.split_whitespace().next().unwrap();
            let k = crate::service::parse(cell).unwrap();
            // As the command line reads it for `drain SERVICE DEST`.
            let m = command()
                .try_get_matches_from(["rvsadmd", "drain", cell, "10.0.0.1:80"])
                .unwrap();
            let (_, sub) = m.subcommand().unwrap();
            assert_eq!(sub.get_one::<ServiceKey>("service"), Some(&k));
            seen.push(k);
        }
        assert_eq!(seen, keys, "{table}");
    }
}
