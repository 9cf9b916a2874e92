//! # rvsadm-doctor: why an LVS does not work
//!
//! The LVS-HOWTO's question, the table looks right so why do clients
//! hang, has a few answers that recur: forwarding off on a NAT director,
//! replies that bypass the director, the VIP missing where it must be,
//! strict reverse-path filters, missing modules, drains that never end.
//! This crate reads the evidence and names them.
//!
//! The rooms: [`facts`] reads (the IPVS table through the `rvsadm`
//! library, sysctls, modules, the kernel's configuration, addresses and
//! routes over rtnetlink) into plain values; `rules` judges those values
//! with no I/O ([`director`]); [`Report`] holds the [`Finding`]s, each with
//! a stable [`Code`] (the table [`CODES`] gives its severity, meaning and
//! fix, and `docs/doctor.md` lists them), and what could not be checked.
//! The `rvsadm doctor` command (crate `rvsadm-cli`) prints a report as
//! text or JSON.
//!
//! # Example
//!
//! ```no_run
//! let facts = rvsadm_doctor::facts::gather_director(Vec::new(), None);
//! let report = rvsadm_doctor::director(&facts);
//! for f in &report.findings {
//!     println!("{} {}: {}", f.severity(), f.code, f.subject);
//! }
//! std::process::exit(report.exit_status());
//! ```

#![warn(missing_docs)]

mod code;
pub mod facts;
mod finding;
mod rules;
mod setup;

pub use code::{Code, CodeInfo, Severity, CODES};
pub use finding::{Evidence, Finding, Report, Unchecked, EXIT_CLEAN, EXIT_ERRORS, EXIT_WARNINGS};
pub use rules::{dest_subject, director, real_server, service_subject};
pub use setup::setup_commands;
