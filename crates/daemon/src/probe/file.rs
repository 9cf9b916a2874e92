//! FILE checks (keepalived's FILE_CHECK): a number read from a file at
//! every check, judged by keepalived's rules ([`super::file_track`]).
//! What the check has read is kept with its settings ([`FileMemory`]),
//! so a value is acted on when it changes, as keepalived acts on inotify
//! events.

use super::file_track::{c_number, Factor, Track};
use super::{within, Verdict};
use crate::config::{FileInit, FileProbe};
use std::io::Read;
use std::path::Path;
use std::sync::{Arc, Mutex};
use tokio::time::Instant;

/// The most of the file read (keepalived's buffer, less its NUL).
const MAX_READ: u64 = 127;

/// What a file check has read so far: shared by the clones of its
/// settings, and no part of what they are (equal and hashed alike
/// whatever it holds).
#[derive(Clone, Default)]
pub struct FileMemory(Arc<Mutex<Option<Track>>>);

impl PartialEq for FileMemory {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for FileMemory {}

impl std::hash::Hash for FileMemory {
    fn hash<H: std::hash::Hasher>(&self, _: &mut H) {}
}

impl std::fmt::Debug for FileMemory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FileMemory")
    }
}

impl FileMemory {
    /// What the check says now, `None` before its first read.
    fn said(&self) -> Option<Track> {
        *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Read the file once (the first time: write `init_file`, then take
    /// the value as keepalived does at start); what the check says then.
    fn poll(&self, p: &FileProbe) -> Track {
        let mut guard = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let f = Factor {
            weight: p.factor,
            reverse: p.reverse,
        };
        let t = match *guard {
            Some(t) => t.next(f, read(&p.path)),
            None => first(p, f),
        };
        *guard = Some(t);
        t
    }
}

/// The first read: `init_file`, then the value (none, when the file does
/// not exist), or [`Track::Forgotten`] when its directory does not.
fn first(p: &FileProbe, f: Factor) -> Track {
    if let Some(init) = p.init {
        initialise(&p.path, init);
    }
    match std::fs::canonicalize(&p.path) {
        Ok(_) => Track::start(f, read(&p.path).unwrap_or(0)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && directory_exists(&p.path) => {
            Track::start(f, 0)
        }
        Err(_) => Track::Forgotten,
    }
}

fn directory_exists(path: &Path) -> bool {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.is_dir(),
        _ => Path::new(".").is_dir(),
    }
}

/// keepalived's `init_file`: the value and a newline, written when the
/// file does not exist, or with `overwrite` over a regular file. A
/// failure changes nothing (keepalived reports it and goes on).
fn initialise(path: &Path, init: FileInit) {
    let write = match std::fs::metadata(path) {
        Ok(m) => init.overwrite && m.is_file(),
        Err(_) => true,
    };
    if write {
        let _ = std::fs::write(path, format!("{}\n", init.value));
    }
}

/// The value in the file: 0 when it cannot be read or is empty; `None`
/// for a number keepalived ignores.
fn read(path: &Path) -> Option<i64> {
    let mut text = Vec::new();
    match std::fs::File::open(path).and_then(|f| f.take(MAX_READ).read_to_end(&mut text)) {
        Ok(_) => c_number(&text),
        Err(_) => Some(0),
    }
}

/// Read `p.path` (off the loop's thread, before `deadline`: a file on a
/// hung network file system changes nothing) and say what the check says.
pub(super) async fn check(p: &FileProbe, deadline: Instant) -> Verdict {
    let probe = p.clone();
    let read = async move {
        tokio::task::spawn_blocking(move || probe.memory.poll(&probe))
            .await
            .map_err(|e| e.to_string())
    };
    match within(deadline, "read", read).await {
        Ok(t) => judged(p, t, ""),
        Err(e) => match p.memory.said() {
            Some(t) => judged(p, t, &format!(" ({e}: as before)")),
            None => Verdict::down(format!("{}: {e}", p.path.display())),
        },
    }
}

fn judged(p: &FileProbe, t: Track, note: &str) -> Verdict {
    let (up, add) = t.says();
    let reason = match t {
        Track::Forgotten => format!("{}: no such directory at start{note}", p.path.display()),
        Track::Read { last, .. } => format!("value {last}: adds {add}{note}"),
    };
    Verdict {
        ok: up,
        weight: None,
        add,
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn soon() -> Instant {
        Instant::now() + std::time::Duration::from_secs(2)
    }

    fn probe(path: &Path, factor: i64, reverse: bool) -> FileProbe {
        FileProbe {
            path: path.to_path_buf(),
            factor,
            reverse,
            init: None,
            memory: FileMemory::default(),
        }
    }

    fn dir(name: &str) -> std::path::PathBuf {
        let d = std::env::temp_dir().join(format!("rvsadmd-file-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[tokio::test]
    async fn the_file_is_read_at_every_check() {
        let d = dir("read");
        let f = d.join("weight");
        let p = probe(&f, 2, false);
        let said = |v: Verdict| (v.ok, v.add);
        // Missing at start: 0, up.
        assert_eq!(said(check(&p, soon()).await), (true, 0));
        for (text, want) in [
            ("4\n", (true, 8)),
            ("0x10", (true, 32)),
            ("010", (true, 16)),
            ("", (true, 0)),
            ("-3", (true, -6)),
            ("99999999999", (true, -6)), // ignored: as before
            ("junk", (true, 0)),
        ] {
            std::fs::write(&f, text).unwrap();
            assert_eq!(said(check(&p, soon()).await), want, "{text:?}");
        }
        std::fs::write(&f, "5").unwrap();
        assert_eq!(said(check(&p, soon()).await), (true, 10));
        std::fs::remove_file(&f).unwrap();
        assert_eq!(said(check(&p, soon()).await), (true, 0));
        // A clone shares what was read.
        std::fs::write(&f, "1").unwrap();
        assert_eq!(said(check(&p.clone(), soon()).await), (true, 2));
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[tokio::test]
    async fn init_file_and_a_missing_directory() {
        let d = dir("init");
        let f = d.join("w");
        let mut p = probe(&f, 1, true);
        p.init = Some(FileInit {
            value: 7,
            overwrite: false,
        });
        assert_eq!(check(&p, soon()).await.add, -7);
        assert_eq!(std::fs::read_to_string(&f).unwrap(), "7\n");
        // Not overwritten without `overwrite`; overwritten with it.
        std::fs::write(&f, "3").unwrap();
        p.memory = FileMemory::default();
        assert_eq!(check(&p, soon()).await.add, -3);
        p.init = Some(FileInit {
            value: 9,
            overwrite: true,
        });
        p.memory = FileMemory::default();
        assert_eq!(check(&p, soon()).await.add, -9);
        // No directory at start: forgotten, up, adding nothing, for good.
        let gone = probe(&d.join("no/such/w"), 5, false);
        let v = check(&gone, soon()).await;
        assert!(
            v.ok && v.add == 0 && v.reason.contains("no such directory"),
            "{v:?}"
        );
        std::fs::remove_dir_all(&d).unwrap();
    }
}
