//! `[[hooks]]` and `[daemon] notify_fifo`, `notify_fifo_script`.

use super::check::duration_of;
use super::doc::{DaemonDoc, HookDoc};
use super::lines::Lines;
use crate::config::{
    ConfigError, Hook, NotifyFifo, RateLimit, Script, DEFAULT_HOOK_TIMEOUT, DEFAULT_RATE_LIMIT,
    HOOK_EVENTS,
};
use std::path::Path;
use toml::Spanned;

/// The shortest timeout and period (what `rvsadmd.toml` writes).
const MS: std::time::Duration = std::time::Duration::from_millis(1);

/// The hooks of the file, in order.
pub(super) fn hooks_of(
    docs: &[Spanned<HookDoc>],
    file: &Path,
    lines: &Lines,
) -> Result<Vec<Hook>, ConfigError> {
    docs.iter()
        .enumerate()
        .map(|(i, d)| {
            hook_of(d.get_ref()).map_err(|m| {
                ConfigError::new(file, lines.of(d.span().start), format!("hooks[{i}]: {m}"))
            })
        })
        .collect()
}

fn hook_of(d: &HookDoc) -> Result<Hook, String> {
    if d.on.is_empty() {
        return Err(format!(
            "on = []: name one event or more of {}",
            HOOK_EVENTS.join(", ")
        ));
    }
    if let Some(e) = d.on.iter().find(|e| !HOOK_EVENTS.contains(&e.as_str())) {
        return Err(format!(
            "on: `{e}` is not an event a hook runs on; give one of {}",
            HOOK_EVENTS.join(", ")
        ));
    }
    if d.command.first().map_or(true, String::is_empty) {
        return Err("command: give the program and its arguments, as a list".into());
    }
    let timeout = match &d.timeout {
        Some(t) => duration_of(t, "timeout")?,
        None => DEFAULT_HOOK_TIMEOUT,
    };
    if timeout < MS {
        return Err("timeout: must be 1ms or more".into());
    }
    let rate_limit = match &d.rate_limit {
        None => DEFAULT_RATE_LIMIT,
        Some(r) => RateLimit {
            runs: u32::try_from(r.runs)
                .ok()
                .filter(|n| *n >= 1)
                .ok_or_else(|| {
                    format!(
                        "rate_limit: runs = {}: must be a whole number from 1 to {}",
                        r.runs,
                        u32::MAX
                    )
                })?,
            per: duration_of(&r.per, "rate_limit: per").and_then(|p| {
                (p >= MS)
                    .then_some(p)
                    .ok_or_else(|| "rate_limit: per must be 1ms or more".to_string())
            })?,
        },
    };
    Ok(Hook {
        on: d.on.clone(),
        command: d.command.clone(),
        timeout,
        rate_limit,
    })
}

/// `notify_fifo` and `notify_fifo_script` of `[daemon]`.
pub(super) fn notify_fifo_of(
    d: &DaemonDoc,
    file: &Path,
) -> Result<Option<NotifyFifo>, ConfigError> {
    let bad = |m: &str| ConfigError::new(file, 0, m.to_string());
    let script = match &d.notify_fifo_script {
        None => None,
        Some(argv) if argv.first().map_or(true, String::is_empty) => {
            return Err(bad(
                "[daemon] notify_fifo_script: give the program and its arguments, as a list",
            ))
        }
        Some(argv) => Some(Script {
            argv: argv.clone(),
            run_as: None,
        }),
    };
    match (&d.notify_fifo, script) {
        (None, None) => Ok(None),
        (None, Some(_)) => Err(bad(
            "[daemon] notify_fifo_script without notify_fifo: give the FIFO it reads",
        )),
        (Some(p), script) if !p.is_empty() => Ok(Some(NotifyFifo {
            path: p.into(),
            script,
            groups: Vec::new(),
        })),
        (Some(_), _) => Err(bad("[daemon] notify_fifo: give a path")),
    }
}

#[cfg(test)]
mod tests {
    use crate::config::native::{parse, to_toml};
    use crate::config::{RateLimit, DEFAULT_HOOK_TIMEOUT, DEFAULT_RATE_LIMIT};
    use std::path::Path;
    use std::time::Duration;

    const SERVICE: &str = "[[services]]\nprotocol = \"tcp\"\naddress = \"192.0.2.1\"\nport = 80\n[[services.destinations]]\naddress = \"10.0.0.1\"\nport = 80\n";

    #[test]
    fn hooks_and_the_fifo_read_and_write_back() {
        let text = format!(
            "[daemon]\nnotify_fifo = \"/run/rvsadmd.fifo\"\nnotify_fifo_script = [\"/bin/reader\", \"-q\"]\n{SERVICE}\n[[hooks]]\non = [\"destination_down\", \"destination_up\"]\ncommand = [\"/usr/local/bin/page\", \"--x\"]\ntimeout = \"5s\"\nrate_limit = {{ runs = 3, per = \"1m\" }}\n\n[[hooks]]\non = [\"reload_refused\"]\ncommand = [\"/bin/mail\"]\n"
        );
        let c = parse(Path::new("h.toml"), &text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.hooks.len(), 2);
        let h = &c.hooks[0];
        assert_eq!(h.on, ["destination_down", "destination_up"]);
        assert_eq!(h.command, ["/usr/local/bin/page", "--x"]);
        assert_eq!(h.timeout, Duration::from_secs(5));
        assert_eq!(
            h.rate_limit,
            RateLimit {
                runs: 3,
                per: Duration::from_secs(60)
            }
        );
        assert_eq!(c.hooks[1].timeout, DEFAULT_HOOK_TIMEOUT);
        assert_eq!(c.hooks[1].rate_limit, DEFAULT_RATE_LIMIT);
        let f = c.notify_fifo.as_ref().unwrap();
        assert_eq!(f.path, Path::new("/run/rvsadmd.fifo"));
        assert_eq!(f.script.as_ref().unwrap().argv, ["/bin/reader", "-q"]);
        let back = to_toml(&c);
        let d = parse(Path::new("b.toml"), &back).unwrap_or_else(|e| panic!("{e}\n{back}"));
        assert_eq!(
            (&c.hooks, &c.notify_fifo),
            (&d.hooks, &d.notify_fifo),
            "{back}"
        );
    }

    #[test]
    fn bad_hooks_are_errors_with_their_line() {
        for (hook, what) in [
            ("on = []\ncommand = [\"/x\"]", "name one event"),
            (
                "on = [\"health\"]\ncommand = [\"/x\"]",
                "`health` is not an event",
            ),
            (
                "on = [\"drain\"]\ncommand = []",
                "command: give the program",
            ),
            (
                "on = [\"drain\"]\ncommand = [\"/x\"]\ntimeout = \"0.5ms\"",
                "timeout: must be 1ms or more",
            ),
            (
                "on = [\"drain\"]\ncommand = [\"/x\"]\nrate_limit = { runs = 0, per = \"1s\" }",
                "runs = 0",
            ),
            (
                "on = [\"drain\"]\ncommand = [\"/x\"]\nrate_limit = { runs = 1, per = 0 }",
                "per must be 1ms or more",
            ),
            (
                "on = [\"drain\"]\ncommand = [\"/x\"]\nshell = true",
                "unknown field",
            ),
        ] {
            let text = format!("{SERVICE}\n[[hooks]]\n{hook}\n");
            let e = parse(Path::new("h.toml"), &text).unwrap_err();
            assert!(e.message.contains(what), "{what}: {e}");
            assert!(e.at.line >= 8, "{what}: {e}");
        }
        let e = parse(
            Path::new("h.toml"),
            "[daemon]\nnotify_fifo_script = [\"/r\"]\n",
        )
        .unwrap_err();
        assert!(e.message.contains("without notify_fifo"), "{e}");
    }
}
