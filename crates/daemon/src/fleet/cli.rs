//! `rvsadmd fleet put|get|status`, and the fleet options that `run`
//! shares: the command line's overrides of the `[fleet]` table.

use super::{file_of, order_warnings, values_of};
use crate::config::native;
use clap::{Arg, ArgAction, ArgMatches, Command};
use rvsadm_fleet::status::disagreements;
use rvsadm_fleet::store::{Put, Store};
use rvsadm_fleet::{Raw, Settings};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The options that override `[fleet]`: name, value, its key, help and
/// the key's default when the help says it.
const OVERRIDES: [(&str, &str, &str, &str, Option<&str>); 9] = [
    (
        "etcd-endpoints",
        "URL,...",
        "endpoints",
        "etcd's client URLs, comma-separated (http://HOST:PORT or https://HOST:PORT)",
        None,
    ),
    (
        "fleet-prefix",
        "PREFIX",
        "prefix",
        "the cluster's key prefix in etcd (/rvsadm/CLUSTER)",
        None,
    ),
    (
        "fleet-name",
        "NAME",
        "name",
        "this director's name (its key PREFIX/directors/NAME)",
        None,
    ),
    (
        "etcd-ca",
        "FILE",
        "ca",
        "TLS: the CA certificate etcd's is checked against (PEM)",
        None,
    ),
    (
        "etcd-cert",
        "FILE",
        "cert",
        "TLS: the client certificate (PEM), with --etcd-key",
        None,
    ),
    (
        "etcd-key",
        "FILE",
        "key",
        "TLS: the client certificate's key (PEM)",
        None,
    ),
    (
        "etcd-user",
        "USER",
        "user",
        "etcd's user, with --etcd-password-file",
        None,
    ),
    (
        "etcd-password-file",
        "FILE",
        "password_file",
        "the file whose first line is the etcd user's password",
        None,
    ),
    (
        "fleet-state-file",
        "FILE",
        "state_file",
        "where the last applied fleet state is kept",
        Some(rvsadm_fleet::settings::DEFAULT_STATE_FILE),
    ),
];

/// The override options, for `run` and each `fleet` command.
pub fn override_args(mut c: Command) -> Command {
    for (long, value, key, help, default) in OVERRIDES {
        let default = default
            .map(|d| format!(" [default: {d}]"))
            .unwrap_or_default();
        c = c.arg(
            Arg::new(long)
                .long(long)
                .value_name(value)
                .help(format!("{help}{default} [overrides [fleet] {key}]")),
        );
    }
    c
}

/// The `[fleet]` keys the command line gives.
fn overrides(m: &ArgMatches) -> Raw {
    let s = |id: &str| m.get_one::<String>(id).cloned();
    let p = |id: &str| s(id).map(PathBuf::from);
    Raw {
        endpoints: s("etcd-endpoints").map(|e| {
            e.split(',')
                .map(|x| x.trim().to_string())
                .filter(|x| !x.is_empty())
                .collect()
        }),
        prefix: s("fleet-prefix"),
        name: s("fleet-name"),
        ca: p("etcd-ca"),
        cert: p("etcd-cert"),
        key: p("etcd-key"),
        user: s("etcd-user"),
        password_file: p("etcd-password-file"),
        state_file: p("fleet-state-file"),
    }
}

/// The fleet settings of `file`'s `[fleet]` with the command line's
/// overrides; `None` when neither gives any (not fleet mode).
pub fn settings(m: &ArgMatches, file: Option<&Path>) -> Result<Option<Settings>, String> {
    let (from_file, name, line) = match file {
        Some(f) => {
            let text = std::fs::read_to_string(f)
                .map_err(|e| format!("cannot read {}: {e}", f.display()))?;
            let name = f.display().to_string();
            match rvsadm_fleet::settings::read(&name, &text).map_err(|e| e.to_string())? {
                Some((raw, line)) => (raw, name, line),
                None => (Raw::default(), "command line".to_string(), 0),
            }
        }
        None => (Raw::default(), "command line".to_string(), 0),
    };
    let raw = from_file.overridden_by(overrides(m));
    if raw.is_empty() {
        return Ok(None);
    }
    Settings::validate(raw, &name, line)
        .map(Some)
        .map_err(|e| e.to_string())
}

/// `rvsadmd fleet`'s definition.
pub fn command() -> Command {
    let config = || {
        Arg::new("config")
            .long("config")
            .short('c')
            .value_name("FILE")
            .help("the rvsadmd.toml whose [fleet] table says where etcd is")
    };
    Command::new("fleet")
        .about("fleet mode: the services and drains of many directors in etcd")
        .subcommand_required(true)
        .subcommand(override_args(
            Command::new("put")
                .about("write a file's services to etcd, one key each, in one compare-and-swap transaction (services absent from it are deleted)")
                .arg(config())
                .arg(
                    Arg::new("expect-revision")
                        .long("expect-revision")
                        .value_name("REVISION")
                        .value_parser(clap::value_parser!(i64).range(1..))
                        .help("write only if no service changed after this revision (as `fleet get` printed it) [default: the revision read just before]"),
                )
                .arg(Arg::new("file").required(true).value_name("FILE").help("a native rvsadmd.toml with the services")),
        ))
        .subcommand(override_args(
            Command::new("get")
                .about("print the services in etcd as one native rvsadmd.toml")
                .arg(config()),
        ))
        .subcommand(override_args(
            Command::new("status")
                .about("every director's applied revision and health, and where they disagree")
                .arg(config())
                .arg(Arg::new("json").long("json").action(ArgAction::SetTrue).help("as JSON")),
        ))
}

fn fail(msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("rvsadmd: {msg}");
    ExitCode::from(1)
}

/// Run `rvsadmd fleet SUB`.
pub fn main(m: &ArgMatches) -> ExitCode {
    let Some((sub, s)) = m.subcommand() else {
        return fail("fleet: give put, get or status (see rvsadmd fleet --help)");
    };
    let settings = match settings(s, s.get_one::<String>("config").map(Path::new)) {
        Ok(Some(st)) => st,
        Ok(None) => {
            return fail("fleet: say where etcd is: --config FILE with a [fleet] table, or --etcd-endpoints and --fleet-prefix")
        }
        Err(e) => return fail(e),
    };
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return fail(format!("cannot start the runtime: {e}")),
    };
    let r = rt.block_on(async {
        let mut store = Store::connect(&settings).await.map_err(|e| e.to_string())?;
        match sub {
            "put" => put(&mut store, s).await,
            "get" => get(&mut store).await,
            _ => status(&mut store, s.get_flag("json")).await,
        }
    });
    match r {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(e),
    }
}

async fn put(store: &mut Store, m: &ArgMatches) -> Result<(), String> {
    let f = PathBuf::from(m.get_one::<String>("file").cloned().unwrap_or_default());
    let text =
        std::fs::read_to_string(&f).map_err(|e| format!("cannot read {}: {e}", f.display()))?;
    let cfg = native::parse(&f, &text).map_err(|e| e.to_string())?;
    let values = values_of(&cfg)?;
    for w in order_warnings(&cfg) {
        eprintln!("rvsadmd fleet put: warning: {w}");
    }
    let expect = m.get_one::<i64>("expect-revision").copied();
    match store
        .put_services(&values, expect)
        .await
        .map_err(|e| e.to_string())?
    {
        Put::Unchanged(r) => println!("rvsadmd fleet put: unchanged ({} services at revision {r})", values.len()),
        Put::Written {
            revision,
            puts,
            deletes,
        } => println!(
            "rvsadmd fleet put: revision {revision}: {} services, {puts} written, {deletes} deleted",
            values.len()
        ),
    }
    Ok(())
}

async fn get(store: &mut Store) -> Result<(), String> {
    let (rev, values) = store.services().await.map_err(|e| e.to_string())?;
    print!("{}", file_of(rev, &values));
    Ok(())
}

async fn status(store: &mut Store, json: bool) -> Result<(), String> {
    let (rev, _) = store.services().await.map_err(|e| e.to_string())?;
    let all = store.directors().await.map_err(|e| e.to_string())?;
    if json {
        let text = serde_json::to_string_pretty(&all)
            .map_err(|e| format!("cannot write the status as JSON: {e}"))?;
        println!("{text}");
        return Ok(());
    }
    let mut t = comfy_table::Table::new();
    t.load_style(comfy_table::presets::NOTHING);
    t.set_header(["DIRECTOR", "REVISION", "STORE", "UP", "DOWN", "UNKNOWN"]);
    for d in &all {
        let count = |h: &str| {
            d.health
                .iter()
                .filter(|x| x.health == h)
                .count()
                .to_string()
        };
        let mut applied = d.revision.to_string();
        if let Some(r) = d.refused {
            applied.push_str(&format!(" (refused {r})"));
        } else if d.revision < rev {
            applied.push_str(&format!(" (behind {rev})"));
        }
        t.add_row([
            d.name.clone(),
            applied,
            if d.store_reachable {
                "reachable"
            } else {
                "unreachable"
            }
            .to_string(),
            count("up"),
            count("down"),
            count("unknown"),
        ]);
    }
    println!("{t}");
    let dis = disagreements(&all);
    if all.is_empty() {
        println!("\nno director has published its status (none running, or none reaches etcd)");
    } else if dis.is_empty() {
        println!("\nall {} directors see every destination alike", all.len());
    } else {
        println!("\ndisagreements:");
        for d in dis {
            let seen: Vec<String> = d.seen.iter().map(|(n, h)| format!("{n}={h}")).collect();
            println!("{} {} {}", d.service, d.destination, seen.join(" "));
        }
    }
    Ok(())
}

/// The line `rvsadmd status` adds in fleet mode: the director, the
/// revision applied, and whether etcd is reachable, since when.
pub fn status_line(f: &rvsadm_control::FleetRow) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64());
    let ago = (now - f.store_since).max(0.0);
    let store = if f.store_reachable {
        format!("store reachable for {ago:.0}s")
    } else {
        format!(
            "store unreachable for {ago:.0}s: {}",
            f.store_error.as_deref().unwrap_or("no answer")
        )
    };
    let refused = match (f.refused_revision, &f.refused_error) {
        (Some(r), e) => format!(
            ", revision {r} refused ({}; fix the services in etcd)",
            e.as_deref().unwrap_or("no reason given")
        ),
        (None, _) => String::new(),
    };
    format!(
        "\nfleet: director {}, revision {} applied{refused}, {store}",
        f.director, f.revision
    )
}
