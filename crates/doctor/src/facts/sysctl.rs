//! Sysctls, read from `/proc/sys` (per network namespace for `net.*`).

use std::collections::BTreeMap;

/// The file of sysctl `name` (`net.ipv4.ip_forward`); `parts` are joined
/// with `/`, so an interface name with a dot (`eth0.100`) stays whole.
///
/// ```
/// use rvsadm_doctor::facts::sysctl_path;
/// assert_eq!(sysctl_path(&["net", "ipv4", "conf", "eth0.100", "rp_filter"]),
///            "/proc/sys/net/ipv4/conf/eth0.100/rp_filter");
/// ```
pub fn sysctl_path(parts: &[&str]) -> String {
    format!("/proc/sys/{}", parts.join("/"))
}

/// Sysctl values read so far, by file; a value that could not be read
/// keeps why.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sysctls {
    values: BTreeMap<String, Result<String, String>>,
}

impl Sysctls {
    /// Read the file `path` (once) and keep what it said.
    pub fn read(&mut self, path: &str) {
        if self.values.contains_key(path) {
            return;
        }
        let v = std::fs::read_to_string(path)
            .map(|s| s.trim().to_string())
            .map_err(|e| e.to_string());
        self.values.insert(path.to_string(), v);
    }

    /// Set a value (tests, and readers that got it elsewhere).
    pub fn set(&mut self, path: &str, v: Result<String, String>) {
        self.values.insert(path.to_string(), v);
    }

    /// The value of `path`, or why it is not known.
    pub fn get(&self, path: &str) -> Result<&str, String> {
        match self.values.get(path) {
            Some(Ok(v)) => Ok(v),
            Some(Err(e)) => Err(e.clone()),
            None => Err("not read".to_string()),
        }
    }

    /// A per-interface sysctl as the kernel applies it, the higher of
    /// `all`'s and `ifname`'s values counting (rp_filter, arp_ignore,
    /// arp_announce): both values, or the file that could not be read and
    /// why. `path` makes the file of an interface name.
    pub fn all_and(
        &self,
        path: impl Fn(&str) -> String,
        ifname: &str,
    ) -> Result<(i64, i64), (String, String)> {
        let read = |p: String| self.number(&p).map_err(|e| (p, e));
        Ok((read(path("all"))?, read(path(ifname))?))
    }

    /// The value of `path` as a number.
    pub fn number(&self, path: &str) -> Result<i64, String> {
        let v = self.get(path)?;
        v.parse().map_err(|_| format!("`{v}` is not a number"))
    }
}
