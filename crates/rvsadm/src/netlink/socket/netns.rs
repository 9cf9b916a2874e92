//! Network namespaces: a transport remembers the namespace its socket was
//! opened in, and opens replacement and sibling sockets there.

use crate::error::{Error, Result};
use nix::sched::{setns, CloneFlags};
use std::fs::File;
use std::io;
use std::os::fd::AsFd;
use std::os::unix::fs::MetadataExt;
use std::sync::Arc;

/// The network namespace a transport's socket was opened in, so that the
/// sockets that replace it (after a timeout) or join it (parallel dumps) are
/// opened there too, whichever thread asks: a socket stays in the namespace
/// it was created in, a thread may have moved since.
#[derive(Clone)]
pub(super) struct Netns {
    /// `/proc/thread-self/ns/net` at connect time.
    file: Arc<File>,
    /// Its device and inode: the namespace's identity.
    id: (u64, u64),
}

const THREAD_NETNS: &str = "/proc/thread-self/ns/net";

impl Netns {
    /// The calling thread's namespace (`None` without `/proc`: sockets are
    /// then opened in whichever namespace the caller is in).
    pub(super) fn current() -> Option<Netns> {
        let file = File::open(THREAD_NETNS).ok()?;
        let m = file.metadata().ok()?;
        Some(Netns {
            file: Arc::new(file),
            id: (m.dev(), m.ino()),
        })
    }

    /// Run `f` (which opens a socket) in this namespace: directly when the
    /// calling thread is in it, else on a short-lived thread that enters it
    /// first.
    pub(super) fn run<T: Send>(&self, f: impl FnOnce() -> Result<T> + Send) -> Result<T> {
        let here = std::fs::metadata(THREAD_NETNS)
            .ok()
            .map(|m| (m.dev(), m.ino()));
        if here == Some(self.id) {
            return f();
        }
        std::thread::scope(|s| {
            s.spawn(|| {
                setns(self.file.as_fd(), CloneFlags::CLONE_NEWNET)
                    .map_err(|e| Error::Io(io::Error::from(e)))?;
                f()
            })
            .join()
            .unwrap_or_else(|_| Err(Error::Io(io::Error::other("socket thread panicked"))))
        })
    }
}

/// Run `f` in `ns` (see [`Netns::run`]), or in the caller's namespace
/// when it is unknown.
pub(super) fn run_in<T: Send>(
    ns: Option<&Netns>,
    f: impl FnOnce() -> Result<T> + Send,
) -> Result<T> {
    match ns {
        Some(ns) => ns.run(f),
        None => f(),
    }
}
