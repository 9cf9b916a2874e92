//! ldirectord's `autoreload` and `callback` (native `reload_on_change`):
//! the configuration file is looked at at its pace; when its
//! modification time moved and its content (MD5) differs from what was
//! last seen, the loop reloads it (with `reload`), then the callback is
//! run with the file's path as its last argument, not waited for.

use crate::config::OnChange;
use crate::events::Event;
use crate::probe::exec;
use md5::{Digest, Md5};
use std::time::SystemTime;
use tokio::time::{Instant, Interval, MissedTickBehavior};

/// What the file was when last looked at.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct Seen {
    mtime: Option<SystemTime>,
    digest: Option<[u8; 16]>,
}

/// The watch of the configuration file (none without a callback or
/// `reload`).
pub(super) struct Watch {
    what: Option<OnChange>,
    seen: Seen,
    every: Option<Interval>,
}

impl Watch {
    /// Watch as `what` says, from the file as it is now.
    pub(super) fn new(what: Option<OnChange>) -> Self {
        let mut w = Watch {
            what: None,
            seen: Seen::default(),
            every: None,
        };
        w.set(what);
        w
    }

    /// Watch as `what` says (after a reload); the file as last seen is
    /// kept while it is the same file.
    pub(super) fn set(&mut self, what: Option<OnChange>) {
        if self.what == what {
            return;
        }
        let same_file = self.what.as_ref().map(|o| &o.file) == what.as_ref().map(|o| &o.file);
        if !same_file {
            self.seen = what
                .as_ref()
                .map_or_else(Seen::default, |o| look(&o.file, &Seen::default()).1);
        }
        self.every = what.as_ref().map(|o| {
            let mut i = tokio::time::interval_at(Instant::now() + o.every, o.every);
            i.set_missed_tick_behavior(MissedTickBehavior::Delay);
            i
        });
        self.what = what;
    }

    /// Wait for the next look (for ever without a callback).
    pub(super) async fn tick(&mut self) {
        match &mut self.every {
            Some(i) => {
                i.tick().await;
            }
            None => std::future::pending().await,
        }
    }

    /// Look at the file: whether it changed.
    pub(super) fn look(&mut self) -> bool {
        let Some(o) = &self.what else { return false };
        let (changed, seen) = look(&o.file, &self.seen);
        self.seen = seen;
        changed
    }

    /// Whether a change reloads the configuration.
    pub(super) fn reloads(&self) -> bool {
        self.what.as_ref().is_some_and(|o| o.reload)
    }

    /// Start the callback, if any (after a change).
    pub(super) fn call_back(&self) {
        if let Some((o, argv)) = self
            .what
            .as_ref()
            .and_then(|o| Some((o, o.callback.as_ref()?)))
        {
            run(&o.file, argv);
        }
    }
}

/// Whether `file` changed since `before` (its modification time moved
/// and its content differs), and what it is now. A file that cannot be
/// read is not a change and keeps what was seen of its content.
fn look(file: &std::path::Path, before: &Seen) -> (bool, Seen) {
    let mtime = std::fs::metadata(file).and_then(|m| m.modified()).ok();
    if mtime == before.mtime {
        return (false, before.clone());
    }
    let digest = std::fs::read(file)
        .ok()
        .map(|b| Md5::digest(&b).into())
        .or(before.digest);
    let changed = before.digest.is_some() && digest != before.digest;
    (changed, Seen { mtime, digest })
}

/// Start the callback `argv` with the file's path, said as an event.
fn run(file: &std::path::Path, argv: &[String]) {
    let mut argv = argv.to_vec();
    argv.push(file.display().to_string());
    let error = exec::start(&argv, None).err();
    Event::ConfigChanged {
        file: file.display().to_string(),
        argv,
        error,
    }
    .emit();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_of_content_is_a_change_a_touch_is_not() {
        let f = std::env::temp_dir().join(format!("rvsadmd-onchange-{}", std::process::id()));
        std::fs::write(&f, "a\n").unwrap();
        let (changed, seen) = look(&f, &Seen::default());
        assert!(!changed, "the first look only learns the file");
        let back = |s: &Seen| Seen {
            mtime: Some(SystemTime::UNIX_EPOCH),
            ..s.clone()
        };
        // the same content with another mtime: no change
        let (changed, seen) = look(&f, &back(&seen));
        assert!(!changed);
        std::fs::write(&f, "b\n").unwrap();
        let (changed, seen) = look(&f, &back(&seen));
        assert!(changed);
        // unchanged mtime: not read again
        assert_eq!(look(&f, &seen), (false, seen.clone()));
        std::fs::remove_file(&f).unwrap();
        let (changed, gone) = look(&f, &seen);
        assert!(!changed);
        assert_eq!(gone.digest, seen.digest);
    }
}
