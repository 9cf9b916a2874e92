//! Where the keepalived.conf reader finds its files: the disk, or files
//! held in memory (unit tests, fuzzing) so that `include` and its globs can
//! be exercised without touching the disk.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

/// What a path names, as keepalived's `check_glob_file` tells them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A regular file; `executable` when any of its execute bits is set
    /// (keepalived skips those).
    File {
        /// Any of the user, group or other execute bits.
        executable: bool,
    },
    /// A directory.
    Dir,
    /// Anything else (device, socket, fifo).
    Other,
}

/// The file operations the reader needs.
pub trait Files {
    /// What `path` is (following symbolic links); `None` when it does not
    /// exist or cannot be examined.
    fn kind(&self, path: &Path) -> Option<Kind>;
    /// The names in directory `dir` (without `.` and `..`), in any order.
    ///
    /// # Errors
    /// When `dir` cannot be listed.
    fn list(&self, dir: &Path) -> io::Result<Vec<String>>;
    /// The whole content of `path`.
    ///
    /// # Errors
    /// When `path` cannot be read.
    fn read(&self, path: &Path) -> io::Result<Vec<u8>>;
    /// The physical absolute form of directory `dir` (what `getcwd` would
    /// say after `chdir(dir)`), for `${_PWD}`.
    fn real_dir(&self, dir: &Path) -> PathBuf;
}

/// The real file system.
#[derive(Debug, Clone, Copy, Default)]
pub struct Disk;

impl Files for Disk {
    fn kind(&self, path: &Path) -> Option<Kind> {
        use std::os::unix::fs::PermissionsExt;
        let meta = std::fs::metadata(path).ok()?;
        Some(if meta.is_file() {
            Kind::File {
                executable: meta.permissions().mode() & 0o111 != 0,
            }
        } else if meta.is_dir() {
            Kind::Dir
        } else {
            Kind::Other
        })
    }

    fn list(&self, dir: &Path) -> io::Result<Vec<String>> {
        let mut names = Vec::new();
        for entry in std::fs::read_dir(dir)? {
            names.push(entry?.file_name().to_string_lossy().into_owned());
        }
        Ok(names)
    }

    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        std::fs::read(path)
    }

    fn real_dir(&self, dir: &Path) -> PathBuf {
        // The directory held the file just read, so it normally resolves;
        // when it does not (removed meanwhile), the absolute form is the
        // best answer and is what keepalived would have had as its cwd.
        std::fs::canonicalize(dir)
            .unwrap_or_else(|_| std::path::absolute(dir).unwrap_or(dir.into()))
    }
}

/// Files in memory: each file's path and content; directories are the
/// paths' ancestors. Every file is regular and not executable.
///
/// ```
/// use rvsadmd::config::keepalived::{Files, Kind, Memory};
/// use std::path::Path;
///
/// let fs = Memory::new().with("/etc/keepalived/keepalived.conf", "global_defs {\n}\n");
/// assert_eq!(fs.kind(Path::new("/etc/keepalived")), Some(Kind::Dir));
/// assert_eq!(fs.list(Path::new("/etc/keepalived")).unwrap(), ["keepalived.conf"]);
/// ```
#[derive(Debug, Clone, Default)]
pub struct Memory {
    files: BTreeMap<PathBuf, Vec<u8>>,
}

/// `path` with `.` and `..` resolved by name, as the kernel would
/// without symbolic links.
fn lexical(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            c => out.push(c),
        }
    }
    out
}

impl Memory {
    /// No files.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The same files and `path` holding `content`.
    #[must_use]
    pub fn with(mut self, path: impl Into<PathBuf>, content: impl Into<Vec<u8>>) -> Self {
        self.files.insert(path.into(), content.into());
        self
    }

    fn is_dir(&self, path: &Path) -> bool {
        let path = &lexical(path);
        self.files.keys().any(|f| f != path && f.starts_with(path))
    }
}

impl Files for Memory {
    fn kind(&self, path: &Path) -> Option<Kind> {
        if self.files.contains_key(&lexical(path)) {
            Some(Kind::File { executable: false })
        } else if self.is_dir(path) {
            Some(Kind::Dir)
        } else {
            None
        }
    }

    fn list(&self, dir: &Path) -> io::Result<Vec<String>> {
        if !self.is_dir(dir) {
            return Err(io::Error::from(io::ErrorKind::NotFound));
        }
        let mut names: Vec<String> = self
            .files
            .keys()
            .filter_map(|f| f.strip_prefix(lexical(dir)).ok())
            .filter_map(|rest| rest.components().next())
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        names.dedup();
        Ok(names)
    }

    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        self.files
            .get(&lexical(path))
            .cloned()
            .ok_or_else(|| io::Error::from(io::ErrorKind::NotFound))
    }

    fn real_dir(&self, dir: &Path) -> PathBuf {
        lexical(dir)
    }
}
