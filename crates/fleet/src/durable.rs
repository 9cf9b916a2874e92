//! Replacing a small file so that a crash or a power cut leaves the old
//! content or the new one, never an empty or torn file: a temporary file
//! beside it, written and synced, renamed over it, the directory synced.
//! Used for the fleet state and for rvsadmd's own state file.

use std::io::Write;
use std::path::Path;

/// Replace `path`'s content with `bytes` durably (see the module). The
/// temporary file is `path` with `.tmp` appended; the directory is
/// created when missing.
///
/// ```
/// let dir = std::env::temp_dir().join(format!("durable-doc-{}", std::process::id()));
/// let p = dir.join("state.json");
/// rvsadm_fleet::durable::replace(&p, b"{}").unwrap();
/// assert_eq!(std::fs::read(&p).unwrap(), b"{}");
/// # std::fs::remove_dir_all(dir).unwrap();
/// ```
pub fn replace(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)?;
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let mut f = std::fs::File::create(&tmp)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    drop(f);
    std::fs::rename(&tmp, path)?;
    // The rename is durable once the directory is.
    std::fs::File::open(dir)?.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_new_content_replaces_the_old_and_no_temporary_file_is_left() {
        let dir = std::env::temp_dir().join(format!("durable-{}", std::process::id()));
        let p = dir.join("sub").join("f.json");
        replace(&p, b"one").unwrap();
        replace(&p, b"two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        let names: Vec<_> = std::fs::read_dir(dir.join("sub"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["f.json"]);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_directory_that_cannot_be_made_is_an_error() {
        let file = std::env::temp_dir().join(format!("durable-file-{}", std::process::id()));
        std::fs::write(&file, b"x").unwrap();
        assert!(replace(&file.join("f.json"), b"y").is_err());
        std::fs::remove_file(file).unwrap();
    }
}
