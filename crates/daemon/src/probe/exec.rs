//! Exec checks: a program's exit code, optionally run as another user;
//! programs run without waiting (the notify scripts), started the same
//! way; and programs fed a document on standard input within a deadline
//! (the event hooks).

use super::Verdict;
use crate::config::RunAs;
use tokio::time::Instant;

/// The command for `argv` (`None`: empty): no shell, standard input and
/// output on /dev/null, a process group of its own (to kill it whole),
/// run as `run_as` if given.
fn command(
    argv: &[String],
    env: &[(String, String)],
    run_as: Option<&RunAs>,
) -> Option<tokio::process::Command> {
    let (prog, args) = argv.split_first()?;
    let mut cmd = tokio::process::Command::new(prog);
    cmd.args(args)
        .envs(env.iter().map(|(k, v)| (k, v)))
        // systemd's socket is rvsadmd's to speak on, not a program's.
        .env_remove("NOTIFY_SOCKET")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .process_group(0);
    if let Some(r) = run_as {
        // setgid, then setuid, in the child before exec; run as root the
        // supplementary groups are dropped with them.
        cmd.gid(r.gid).uid(r.uid);
    }
    Some(cmd)
}

/// Start a program and do not wait for it (keepalived's notify scripts):
/// its exit is reaped in the background, it may run as long as it
/// likes. The error says why it could not start. Call it within a tokio
/// runtime.
pub fn start(argv: &[String], run_as: Option<&RunAs>) -> Result<(), String> {
    let mut child = spawn(argv, run_as)?;
    tokio::spawn(async move {
        let _ = child.wait().await;
    });
    Ok(())
}

/// Start a program as [`start`] does, and give its process to wait for
/// (ldirectord's `fallbackcommand`, run in order). Call it within a tokio
/// runtime.
pub fn spawn(argv: &[String], run_as: Option<&RunAs>) -> Result<tokio::process::Child, String> {
    let mut cmd = command(argv, &[], run_as).ok_or("no program")?;
    cmd.spawn().map_err(|e| {
        let who = run_as.map_or(String::new(), |r| format!(" as {}", r.user));
        let prog = argv.first().map_or("", String::as_str);
        format!("cannot run {prog}{who}: {e}")
    })
}

/// Run a program: exit 0 up, 1 down, 2-255 up with weight code - 2 when
/// `dynamic` (down otherwise); a signal or a timeout is down and never
/// asks for a weight (on timeout its whole process group is killed).
pub(super) async fn check(
    argv: &[String],
    env: &[(String, String)],
    dynamic: bool,
    run_as: Option<&RunAs>,
    deadline: Instant,
) -> Verdict {
    let Some(mut cmd) = command(argv, env, run_as) else {
        return Verdict::down("no program");
    };
    cmd.kill_on_drop(true);
    let prog = argv.first().map_or("", String::as_str);
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => {
            let who = run_as.map_or(String::new(), |r| format!(" as {}", r.user));
            return Verdict::down(format!("cannot run {prog}{who}: {e}"));
        }
    };
    match tokio::time::timeout_at(deadline, child.wait()).await {
        Ok(Ok(status)) => match status.code() {
            Some(0) => Verdict::up("exit 0"),
            Some(1) => Verdict::down("exit 1"),
            Some(c @ 2..=255) if dynamic => Verdict {
                ok: true,
                weight: u32::try_from(c - 2).ok(),
                add: 0,
                reason: format!("exit {c}"),
            },
            Some(c) => Verdict::down(format!("exit {c}")),
            None => Verdict::down("killed by a signal"),
        },
        Ok(Err(e)) => Verdict::down(format!("wait: {e}")),
        Err(_) => {
            kill_group(&mut child).await;
            Verdict::down("timed out")
        }
    }
}

/// Kill the whole process group of `child` (its own: [`command`]) and
/// reap it.
async fn kill_group(child: &mut tokio::process::Child) {
    if let Some(pid) = child.id().and_then(|p| i32::try_from(p).ok()) {
        let _ = nix::sys::signal::killpg(
            nix::unistd::Pid::from_raw(pid),
            nix::sys::signal::Signal::SIGKILL,
        );
    }
    let _ = child.wait().await;
}

/// The prefix of the variables [`feed`] gives: those inherited with it
/// are removed.
pub const FED_PREFIX: &str = "RVSADM_";

/// Run a program with `input` on its standard input and `env` added
/// (inherited variables named [`FED_PREFIX`]... removed), until
/// `deadline`: at the deadline its whole process group is killed.
/// `Ok` when it exited 0; the error says why not (could not start, its
/// exit code, a signal, killed at the deadline).
pub async fn feed(
    argv: &[String],
    env: &[(String, String)],
    input: Vec<u8>,
    deadline: Instant,
) -> Result<(), String> {
    let mut cmd = command(argv, env, None).ok_or("no program")?;
    cmd.stdin(std::process::Stdio::piped()).kill_on_drop(true);
    // The variables of the prefix of `env`'s names are the event's
    // alone: none inherited from rvsadmd's own environment.
    for (k, _) in std::env::vars_os() {
        let name = k.to_string_lossy();
        if name.starts_with(FED_PREFIX) && !env.iter().any(|(e, _)| *e == name) {
            cmd.env_remove(&k);
        }
    }
    let prog = argv.first().map_or("", String::as_str);
    let mut child = cmd.spawn().map_err(|e| format!("cannot run {prog}: {e}"))?;
    let stdin = child.stdin.take();
    let run = async {
        if let Some(mut i) = stdin {
            use tokio::io::AsyncWriteExt;
            // A program that does not read its input may close it: not
            // an error of its own.
            let _ = i.write_all(&input).await;
        }
        child.wait().await
    };
    let ended = tokio::time::timeout_at(deadline, run).await;
    match ended {
        Ok(Ok(status)) => match status.code() {
            Some(0) => Ok(()),
            Some(c) => Err(format!("exit {c}")),
            None => Err("killed by a signal".into()),
        },
        Ok(Err(e)) => Err(format!("wait: {e}")),
        Err(_) => {
            kill_group(&mut child).await;
            Err("timed out: killed".into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn sh(s: &str) -> Vec<String> {
        vec!["/bin/sh".to_string(), "-c".into(), s.to_string()]
    }

    fn in_5s() -> Instant {
        Instant::now() + Duration::from_secs(5)
    }

    #[tokio::test]
    async fn exit_codes_and_timeouts() {
        assert!(check(&sh("exit 0"), &[], true, None, in_5s()).await.ok);
        assert!(!check(&sh("exit 1"), &[], true, None, in_5s()).await.ok);
        let v = check(&sh("exit 7"), &[], true, None, in_5s()).await;
        assert_eq!(
            (v.ok, v.weight, v.reason.as_str()),
            (true, Some(5), "exit 7")
        );
        // Without `dynamic`, 2-255 is down.
        let v = check(&sh("exit 7"), &[], false, None, in_5s()).await;
        assert_eq!((v.ok, v.weight), (false, None));
        let env = [("RVSADMD_PORT".to_string(), "81".to_string())];
        let v = check(
            &sh("test \"$RVSADMD_PORT\" = 81"),
            &env,
            true,
            None,
            in_5s(),
        )
        .await;
        assert!(v.ok, "{v:?}");
        let start = std::time::Instant::now();
        let soon = Instant::now() + Duration::from_millis(200);
        // A program that would exit 250 (weight 248) but times out: down,
        // no weight.
        let v = check(&sh("sleep 30 & sleep 30; exit 250"), &[], true, None, soon).await;
        assert_eq!(v, Verdict::down("timed out"));
        assert!(start.elapsed() < Duration::from_secs(10));
        let v = check(&["/nonexistent/x".to_string()], &[], true, None, in_5s()).await;
        assert!(
            !v.ok && v.reason.starts_with("cannot run /nonexistent/x"),
            "{v:?}"
        );
    }

    #[tokio::test]
    async fn fed_programs_get_their_input_and_are_killed_whole_at_the_deadline() {
        let dir = std::env::temp_dir().join(format!("rvsadmd-feed-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let got = dir.join("got");
        let env = [("RVSADM_EVENT".to_string(), "drain".to_string())];
        let script = format!("cat > {0}; echo \"$RVSADM_EVENT\" >> {0}", got.display());
        feed(&sh(&script), &env, b"{\"a\":1}\n".to_vec(), in_5s())
            .await
            .unwrap();
        assert_eq!(std::fs::read_to_string(&got).unwrap(), "{\"a\":1}\ndrain\n");
        assert_eq!(
            feed(&sh("exit 3"), &[], Vec::new(), in_5s()).await,
            Err("exit 3".into())
        );
        // A program and its child that hang: both killed at the deadline.
        let pid = dir.join("pid");
        let hang = format!("sleep 60 & echo $! > {}; wait", pid.display());
        let t = std::time::Instant::now();
        let soon = Instant::now() + Duration::from_millis(300);
        assert_eq!(
            feed(&sh(&hang), &[], Vec::new(), soon).await,
            Err("timed out: killed".into())
        );
        assert!(t.elapsed() < Duration::from_secs(10));
        let child: i32 = std::fs::read_to_string(&pid)
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        // The grandchild is gone (reaped by init once killed).
        while nix::sys::signal::kill(nix::unistd::Pid::from_raw(child), None).is_ok() {
            assert!(
                std::time::Instant::now() < deadline,
                "sleep {child} still runs"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[tokio::test]
    async fn started_programs_are_not_waited_for() {
        let dir = std::env::temp_dir().join(format!("rvsadmd-start-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let mark = dir.join("mark");
        let t = std::time::Instant::now();
        let script = format!("echo ran > {}; sleep 5", mark.display());
        start(&sh(&script), None).unwrap();
        // Back before the program ends.
        assert!(t.elapsed() < Duration::from_secs(4));
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while !mark.exists() && std::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert_eq!(std::fs::read_to_string(&mark).unwrap(), "ran\n");
        let e = start(&["/nonexistent/x".to_string()], None).unwrap_err();
        assert!(e.starts_with("cannot run /nonexistent/x"), "{e}");
        assert_eq!(start(&[], None).unwrap_err(), "no program");
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// Needs root (CAP_SETUID and CAP_SETGID): runs `id` as `nobody`.
    #[tokio::test]
    async fn runs_as_another_user() {
        if !nix::unistd::geteuid().is_root() {
            eprintln!("SKIPPED runs_as_another_user: needs root to change user");
            return;
        }
        let nobody = nix::unistd::User::from_name("nobody")
            .ok()
            .flatten()
            .expect("a user `nobody` on this machine");
        let r = RunAs {
            user: "nobody".into(),
            group: None,
            uid: nobody.uid.as_raw(),
            gid: nobody.gid.as_raw(),
        };
        let want = format!(
            "test \"$(id -u)\" = {} && test \"$(id -g)\" = {} && test \"$(id -G)\" = {}",
            r.uid, r.gid, r.gid
        );
        let v = check(&sh(&want), &[], true, Some(&r), in_5s()).await;
        assert!(v.ok, "{v:?}");
        // The same check as root fails: the user really changed.
        assert!(!check(&sh(&want), &[], true, None, in_5s()).await.ok);
    }
}
