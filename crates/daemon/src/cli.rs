//! `rvsadmd` command line: its definition (clap) and what each
//! subcommand does.

use crate::config::{parse_duration, Config};
use crate::control::{self, Request};
use crate::run::{run, RunOptions};
use crate::{ldirectord, native};
use clap::{Arg, ArgAction, ArgGroup, ArgMatches, Command};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const DEFAULT_SOCKET: &str = "/run/rvsadmd.sock";
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
    .group(
        ArgGroup::new("source")
            .args(["config", "ldirectord"])
            .required(true),
    )
}

fn socket_arg() -> Arg {
    Arg::new("control-socket")
        .long("control-socket")
        .value_name("PATH")
        .help(format!(
            "the control socket [default: the configuration's, else {DEFAULT_SOCKET}]"
        ))
}

fn cli() -> Command {
    Command::new("rvsadmd")
        .version(env!("CARGO_PKG_VERSION"))
        .about("Health-check controller for Linux IPVS: checks real servers and keeps their weights in the table")
        .subcommand_required(true)
        .subcommand(
            config_args(Command::new("run").about("run in the foreground (SIGTERM stops, SIGHUP reloads)"))
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
                        .help("how often the table is read for changes made by hand"),
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
                .arg(Arg::new("service").required(true).help("tcp:ADDR:PORT, udp:..., sctp:..., fwmark:N"))
                .arg(Arg::new("destination").required(true).help("ADDR:PORT")),
        )
        .subcommand(
            Command::new("ready")
                .about("back under its checks: clears a drain and a change by hand being kept")
                .arg(socket_arg())
                .arg(Arg::new("service").required(true))
                .arg(Arg::new("destination").help("ADDR:PORT; absent: every destination of the service")),
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
}

fn load(m: &ArgMatches) -> Box<dyn Fn() -> Result<Config, String> + Send> {
    if let Some(f) = m.get_one::<String>("config") {
        let f = PathBuf::from(f);
        Box::new(move || read(&f, native::parse))
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

fn fail(msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("rvsadmd: {msg}");
    ExitCode::from(1)
}

fn ask(m: &ArgMatches, req: Request) -> ExitCode {
    match control::call(&socket_of(m), &req) {
        Ok(v) if v["ok"] == true => ExitCode::SUCCESS,
        Ok(v) => fail(v["error"].as_str().unwrap_or("refused")),
        Err(e) => fail(e),
    }
}

fn status(m: &ArgMatches) -> ExitCode {
    let v = match control::call(&socket_of(m), &Request::Status) {
        Ok(v) if v["ok"] == true => v,
        Ok(v) => return fail(v["error"].as_str().unwrap_or("refused")),
        Err(e) => return fail(e),
    };
    if m.get_flag("json") {
        println!(
            "{}",
            serde_json::to_string_pretty(&v["destinations"]).unwrap_or_default()
        );
        return ExitCode::SUCCESS;
    }
    let mut t = comfy_table::Table::new();
    t.load_style(comfy_table::presets::NOTHING);
    t.set_header([
        "SERVICE",
        "DESTINATION",
        "HEALTH",
        "ADMIN",
        "WEIGHT",
        "CHECK",
        "LAST",
        "MS",
        "SINCE",
    ]);
    let empty = Vec::new();
    for r in v["destinations"].as_array().unwrap_or(&empty) {
        let s = |k: &str| r[k].as_str().unwrap_or("").to_string();
        let mut admin = s("admin");
        if let Some(o) = r["override"].as_str() {
            admin = format!("{admin} (by hand: {o})");
        }
        let weight = match r["weight"].as_u64() {
            Some(w) => format!("{w}/{}", r["configured"]),
            None => format!("-/{}", r["configured"]),
        };
        let since = r["since"]
            .as_f64()
            .filter(|s| *s > 0.0)
            .map_or(String::new(), |s| {
                let now = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0.0, |d| d.as_secs_f64());
                format!("{:.0}s ago", (now - s).max(0.0))
            });
        t.add_row([
            s("service"),
            s("destination"),
            s("health"),
            admin,
            weight,
            s("check"),
            s("last"),
            r["latency_ms"]
                .as_f64()
                .map_or(String::new(), |l| format!("{l:.1}")),
            since,
        ]);
    }
    println!("{t}");
    ExitCode::SUCCESS
}

/// Run `rvsadmd` with the process's arguments and return its exit status.
pub fn main() -> ExitCode {
    let m = match cli().try_get_matches() {
        Ok(m) => m,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match m.subcommand() {
        Some(("check", s)) => match load(s)() {
            Ok(cfg) => {
                for note in &cfg.notes {
                    eprintln!("rvsadmd: note: {note}");
                }
                let n: usize = cfg.services.iter().map(|v| v.spec.destinations.len()).sum();
                println!(
                    "rvsadmd: configuration OK: {} services, {n} destinations",
                    cfg.services.len()
                );
                ExitCode::SUCCESS
            }
            Err(e) => fail(e),
        },
        Some(("run", s)) => {
            let poll =
                match parse_duration(s.get_one::<String>("poll").map_or("2s", |p| p.as_str())) {
                    Ok(p) if !p.is_zero() => p,
                    Ok(_) => return fail("--poll must be above 0"),
                    Err(e) => return fail(format!("--poll: {e}")),
                };
            let load = load(s);
            let config = match load() {
                Ok(c) => c,
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
            }) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => fail(e),
            }
        }
        Some(("status", s)) => status(s),
        Some(("drain", s)) => ask(
            s,
            Request::Drain {
                service: s.get_one::<String>("service").cloned().unwrap_or_default(),
                destination: s
                    .get_one::<String>("destination")
                    .cloned()
                    .unwrap_or_default(),
            },
        ),
        Some(("ready", s)) => ask(
            s,
            Request::Ready {
                service: s.get_one::<String>("service").cloned().unwrap_or_default(),
                destination: s.get_one::<String>("destination").cloned(),
            },
        ),
        Some(("reload", s)) => ask(s, Request::Reload),
        Some(("import-ldirectord", s)) => {
            let f = PathBuf::from(s.get_one::<String>("file").cloned().unwrap_or_default());
            match read(&f, ldirectord::parse) {
                Ok(cfg) => {
                    print!("{}", native::to_toml(&cfg));
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e),
            }
        }
        _ => fail("unknown command (see rvsadmd --help)"),
    }
}
