//! Fleet mode on the daemon's side: the services of a native
//! configuration as etcd values (one native TOML document per service)
//! and back, the configuration a director runs (its own file's
//! settings, the services from etcd), and the `rvsadmd fleet` commands
//! (`cli.rs`). The etcd side is the crate `rvsadm-fleet`.

pub mod cli;

use crate::config::{native, Config, Virtual};
use crate::run::fleet::FleetRun;
use crate::run::Loader;
use crate::service;
use rvsadm_fleet::Desired;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// Each service of `cfg` as its etcd value: text form -> native TOML
/// (its destinations and checks, `[defaults]` merged in). Errors: a
/// value that does not read back as that one service.
pub fn values_of(cfg: &Config) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    for v in &cfg.services {
        let name = service::format(&v.key());
        let text = native::service_to_toml(v);
        let back = read_value(&name, &text)?;
        if back.key() != v.key() || back.reals.len() != v.reals.len() {
            return Err(format!(
                "{name}: its native TOML does not read back as the same service (please report this); nothing written"
            ));
        }
        out.insert(name, text);
    }
    Ok(out)
}

/// A warning for each service of `cfg` whose scheduler hashes into a
/// table filled in the order destinations were added (`mh`, `sh`, `dh`)
/// and that deletes a destination that fails (`on_failure = "remove"`):
/// one that comes back is appended at the end, on each director at its own
/// moment, so the directors' tables drift apart.
pub fn order_warnings(cfg: &Config) -> Vec<String> {
    use rvsadm::Scheduler;
    cfg.services
        .iter()
        .filter(|v| v.on_failure == crate::config::OnFailure::Remove)
        .filter_map(|v| {
            let name = match v.config.scheduler {
                Scheduler::Mh => "mh",
                Scheduler::Sh => "sh",
                Scheduler::Dh => "dh",
                _ => return None,
            };
            Some(format!(
                "{}: scheduler {name} with on_failure = \"remove\": a destination that fails and comes back is appended at the end of the table, on each director at its own moment, so their tables differ; give it on_failure = \"quiesce\" (see rvsadmd(8), FLEET)",
                service::format(&v.key())
            ))
        })
        .collect()
}

/// The one service of etcd value `text` stored under service `name`.
pub fn read_value(name: &str, text: &str) -> Result<Virtual, String> {
    let cfg = native::parse(Path::new(&format!("etcd:services/{name}")), text)
        .map_err(|e| e.to_string())?;
    let mut services = cfg.services;
    match (services.pop(), services.is_empty()) {
        (Some(v), true) if service::format(&v.key()) == name => Ok(v),
        _ => Err(format!(
            "etcd:services/{name}: give exactly one [[services]] table, the service {name}"
        )),
    }
}

/// The configuration a director runs: `base` (its own file: daemon
/// settings, defaults, hooks; no services) with the services of
/// `desired`, each with its destinations in one canonical order
/// (address, then port), so that every director adds them to the kernel
/// alike (`mh`'s table depends on that order). Errors: a value that does
/// not read, or services that do not go together (the whole revision is
/// refused, as an invalid reload is).
pub fn config_of(base: &Config, desired: &Desired) -> Result<Config, String> {
    let mut cfg = base.clone();
    cfg.services = desired
        .services
        .iter()
        .map(|(name, text)| read_value(name, text).map(canonical))
        .collect::<Result<_, _>>()?;
    crate::config::validate::check_whole(&cfg).map_err(|e| e.to_string())?;
    Ok(cfg)
}

/// `v` with its destinations sorted by address, then port.
pub fn canonical(mut v: Virtual) -> Virtual {
    v.reals
        .sort_by_key(|r| (r.dest.addr.ip(), r.dest.addr.port()));
    v
}

/// The services of `cfg` as `rvsadmd fleet get` prints them: one
/// `rvsadmd.toml` whose `[[services]]` tables are the etcd values in key
/// order, read back by `rvsadmd fleet put`.
pub fn file_of(revision: i64, values: &BTreeMap<String, String>) -> String {
    let mut out =
        format!("# rvsadmd fleet get: the services in etcd, last written at revision {revision}\n");
    for text in values.values() {
        out.push_str(text);
    }
    out
}

/// What `rvsadmd run` starts with: the configuration, its loader and
/// fleet mode. Without fleet settings, `load`'s as they are. With them,
/// `load` reads this director's own file (which may hold no service: the
/// services are the fleet's) and the services come from the last applied
/// state (the state file's, until etcd says more). Errors: the file does
/// not read or has services, no name. A state file that does not load
/// is not one: it is said (a note) and the director starts as without
/// it, with no service until etcd answers.
pub fn run_parts(
    fleet: Option<rvsadm_fleet::Settings>,
    load: Loader,
) -> Result<(Config, Loader, Option<FleetRun>), String> {
    let Some(settings) = fleet else {
        let cfg = load()?;
        return Ok((cfg, load, None));
    };
    settings.director().map_err(|e| e.to_string())?;
    let own = move || -> Result<Config, String> {
        let cfg = load()?;
        if let Some(v) = cfg.services.first() {
            return Err(format!(
                "{}:{}: fleet mode: the services come from etcd; put them there with `rvsadmd fleet put FILE` and leave them out of this file",
                v.at.file.display(),
                v.at.line
            ));
        }
        Ok(cfg)
    };
    let base = own()?;
    let (start, config) = start_state(&settings.state_file, &base);
    let shared = Arc::new(Mutex::new(start));
    let from = shared.clone();
    let loader: Loader = Box::new(move || {
        let base = own()?;
        let d = from
            .lock()
            .map_err(|_| "fleet: the desired state is poisoned (please report this)".to_string())?
            .clone();
        config_of(&base, &d)
    });
    Ok((config, loader, Some(FleetRun { settings, shared })))
}

/// The state the director starts with (the state file's, or none) and
/// the configuration of it; a state file set aside (it does not read, or
/// its services do not) is said in a note of that configuration.
fn start_state(path: &Path, base: &Config) -> (Desired, Config) {
    let loaded = Desired::load(path)
        .map_err(|e| e.to_string())
        .and_then(|d| {
            let d = d.unwrap_or_default();
            let cfg = config_of(base, &d)
                .map_err(|e| format!("fleet: state file {}: its services: {e}", path.display()))?;
            Ok((d, cfg))
        });
    match loaded {
        Ok(started) => started,
        Err(e) => {
            let mut cfg = base.clone();
            cfg.notes.push(format!(
                "{e}; started without it: the services come from etcd when it answers, \
                 and the file is written again at the first revision applied \
                 (move it aside to keep it)"
            ));
            (Desired::default(), cfg)
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    const FILE: &str = r#"
[defaults]
check = { type = "tcp", interval = "3s" }

[[services]]
protocol = "tcp"
address = "192.0.2.1"
port = 80
scheduler = "mh"
[[services.destinations]]
address = "10.0.0.2"
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
"#;

    fn cfg() -> Config {
        native::parse(Path::new("f.toml"), FILE).unwrap()
    }

    #[test]
    fn each_service_is_one_value_that_reads_back_alone() {
        let values = values_of(&cfg()).unwrap();
        assert_eq!(
            values.keys().collect::<Vec<_>>(),
            ["tcp:192.0.2.1:80", "udp:[2001:db8::1]:53"]
        );
        let v = read_value("tcp:192.0.2.1:80", &values["tcp:192.0.2.1:80"]).unwrap();
        // [defaults] is merged into the value.
        assert_eq!(
            v.reals[0].checks[0].interval,
            std::time::Duration::from_secs(3)
        );
        assert!(read_value("tcp:192.0.2.9:80", &values["tcp:192.0.2.1:80"]).is_err());
    }

    #[test]
    fn a_hash_scheduler_that_removes_failed_destinations_is_warned_of() {
        assert!(order_warnings(&cfg()).is_empty());
        let text = FILE.replacen(
            "scheduler = \"mh\"",
            "scheduler = \"mh\"\non_failure = \"remove\"",
            1,
        );
        let w = order_warnings(&native::parse(Path::new("f.toml"), &text).unwrap());
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(
            w[0].starts_with("tcp:192.0.2.1:80: scheduler mh"),
            "{}",
            w[0]
        );
        let wlc = text.replacen("scheduler = \"mh\"", "scheduler = \"wlc\"", 1);
        assert!(order_warnings(&native::parse(Path::new("f.toml"), &wlc).unwrap()).is_empty());
    }

    #[test]
    fn get_prints_what_put_reads_back() {
        let values = values_of(&cfg()).unwrap();
        let text = file_of(7, &values);
        let again = native::parse(Path::new("g.toml"), &text).unwrap();
        assert_eq!(values_of(&again).unwrap(), values);
    }

    #[test]
    fn a_director_runs_its_settings_with_the_services_in_canonical_order() {
        let base = native::parse(Path::new("b.toml"), "[daemon]\non_stop = \"remove\"\n").unwrap();
        let desired = Desired {
            revision: 5,
            services: values_of(&cfg()).unwrap(),
            ..Desired::default()
        };
        let run = config_of(&base, &desired).unwrap();
        assert_eq!(run.on_stop, base.on_stop);
        let addrs: Vec<String> = run.services[0]
            .reals
            .iter()
            .map(|r| r.dest.addr.to_string())
            .collect();
        assert_eq!(addrs, ["10.0.0.1:80", "10.0.0.2:80"]);
        let mut bad = desired.clone();
        bad.services
            .insert("tcp:192.0.2.7:80".into(), "[[services]]\nport = 1\n".into());
        assert!(config_of(&base, &bad)
            .unwrap_err()
            .contains("etcd:services/tcp:192.0.2.7:80"));
    }

    /// Fleet settings with `state` as the state file.
    pub(crate) fn settings_with(state: &Path) -> rvsadm_fleet::Settings {
        rvsadm_fleet::Settings::validate(
            rvsadm_fleet::Raw {
                endpoints: Some(vec!["http://127.0.0.1:1".into()]),
                prefix: Some("/rvsadm/t".into()),
                name: Some("d1".into()),
                state_file: Some(state.to_path_buf()),
                ..rvsadm_fleet::Raw::default()
            },
            "test",
            0,
        )
        .unwrap()
    }

    #[test]
    fn a_state_file_that_does_not_load_is_said_and_the_director_starts_without_it() {
        let dir = std::env::temp_dir().join(format!("rvsadmd-fleet-start-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let state = dir.join("fleet.json");
        let base = || -> Loader {
            Box::new(|| {
                native::parse(Path::new("b.toml"), "[daemon]\non_stop = \"remove\"\n")
                    .map_err(|e| e.to_string())
            })
        };
        let good = Desired {
            revision: 5,
            services: values_of(&cfg()).unwrap(),
            ..Desired::default()
        };
        good.save(&state).unwrap();
        let (c, _, run) = run_parts(Some(settings_with(&state)), base()).unwrap();
        assert_eq!(c.services.len(), 2);
        assert!(c.notes.is_empty(), "{:?}", c.notes);
        assert_eq!(*run.unwrap().shared.lock().unwrap(), good);

        let mut bad_service = good.clone();
        bad_service
            .services
            .insert("tcp:192.0.2.7:80".into(), "[[services]]\nport = 1\n".into());
        for bad in [
            "{".to_string(),
            // A newer version's file, with a field this one does not know.
            r#"{"revision":5,"services":{},"drains":[],"newer":1}"#.to_string(),
            serde_json::to_string(&bad_service).unwrap(),
        ] {
            std::fs::write(&state, &bad).unwrap();
            let (c, _, run) = run_parts(Some(settings_with(&state)), base()).unwrap();
            assert!(c.services.is_empty(), "{bad}");
            assert_eq!(*run.unwrap().shared.lock().unwrap(), Desired::default());
            assert_eq!(c.notes.len(), 1, "{bad}: {:?}", c.notes);
            let note = &c.notes[0];
            assert!(note.contains(&state.display().to_string()), "{note}");
            assert!(note.contains("started without it"), "{note}");
        }
        let _ = std::fs::remove_dir_all(dir);
    }
}
