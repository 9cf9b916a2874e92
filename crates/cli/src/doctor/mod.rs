//! `rvsadm doctor`: find out why an LVS does not work (an extension;
//! ipvsadm has no such command).
//!
//! argv → `args::parse` (clap, [`command`]) → evidence and rules (crate
//! `rvsadm-doctor`) → `text` for people or `json` for programs. Exit
//! status: 0 nothing found, 1 warnings (or something not checked), 2
//! errors; 3 the command line or the `--desired` file is not valid
//! (nothing was examined).

mod args;
mod json;
mod text;

pub use args::{command, DoctorArgs, RealServerArgs};

use rvsadm_doctor::{facts, Report};
use std::io::{Read, Write};

/// Exit: the command line or the desired-state file is not valid.
pub const EXIT_USAGE: i32 = 3;

/// Run `rvsadm doctor` with `argv` (the words after `doctor`).
pub fn main(
    argv: &[String],
    stdin: &mut dyn Read,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let a = match args::parse(argv) {
        Ok(args::Parsed::Run(a)) => a,
        Ok(args::Parsed::Help(text)) => {
            let _ = out.write_all(text.as_bytes());
            return rvsadm_doctor::EXIT_CLEAN;
        }
        Err(message) => return refuse(err, &message, argv_wants_json(argv)),
    };
    if let Some(rs) = &a.real_server {
        return real_server(&a, rs, out);
    }
    let desired = match &a.desired {
        None => Vec::new(),
        Some(file) => match crate::apply::read_desired(file, None, stdin) {
            Ok(d) => d.services.iter().map(service_of).collect(),
            Err(e) => {
                return if a.json {
                    crate::json::report(err, &e, EXIT_USAGE)
                } else {
                    let _ = writeln!(err, "rvsadm doctor: --desired {file}: {e}");
                    EXIT_USAGE
                };
            }
        },
    };
    let facts = facts::gather_director(desired, a.live);
    let report = rvsadm_doctor::director(&facts);
    print(&a, &report, out);
    report.exit_status()
}

/// `--real-server`: judge this host as a real server, or print its setup.
fn real_server(a: &DoctorArgs, rs: &args::RealServerArgs, out: &mut dyn Write) -> i32 {
    if rs.print_setup {
        let lines = rvsadm_doctor::setup_commands(rs.method, &rs.vips, rs.director);
        let text = if a.json {
            let doc = serde_json::json!({"schema_version": 1, "commands": lines});
            serde_json::to_string(&doc).unwrap_or_default() + "\n"
        } else {
            lines.iter().map(|l| format!("{l}\n")).collect()
        };
        let _ = out.write_all(text.as_bytes());
        return rvsadm_doctor::EXIT_CLEAN;
    }
    let facts = facts::gather_real_server(rs.vips.clone(), rs.method, rs.director);
    let report = rvsadm_doctor::real_server(&facts);
    print(a, &report, out);
    report.exit_status()
}

fn print(a: &DoctorArgs, report: &Report, out: &mut dyn Write) {
    let text = if a.json {
        json::render(report, a.pretty)
    } else {
        text::render(report)
    };
    let _ = out.write_all(text.as_bytes());
}

fn argv_wants_json(argv: &[String]) -> bool {
    argv.iter().any(|w| w == "--json" || w == "--pretty")
}

fn refuse(err: &mut dyn Write, message: &str, json: bool) -> i32 {
    if json {
        crate::json::report_usage(err, message, EXIT_USAGE)
    } else {
        let _ = writeln!(err, "rvsadm doctor: {message}\nTry `rvsadm doctor --help'.");
        EXIT_USAGE
    }
}

/// A desired service as the rules judge it (no counters).
fn service_of(s: &rvsadm::ServiceSpec) -> rvsadm::Service {
    let mut svc = rvsadm::Service::new(s.key).with_config(s.config.clone());
    svc.destinations = s
        .destinations
        .iter()
        .map(|d| rvsadm::Destination::new(d.addr, d.config))
        .collect();
    svc
}
