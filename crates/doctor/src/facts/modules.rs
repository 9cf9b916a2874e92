//! Kernel modules (loaded, built in, installed) and the kernel's build
//! configuration.

use std::collections::{BTreeMap, BTreeSet};

/// The running kernel's release (`uname -r`) and its version numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kernel {
    /// `6.1.0-27-amd64`.
    pub release: String,
    /// `(6, 1)`, if the release starts with numbers.
    pub version: Option<(u32, u32)>,
}

impl Kernel {
    /// From a release string.
    ///
    /// ```
    /// use rvsadm_doctor::facts::Kernel;
    /// assert_eq!(Kernel::from_release("5.4.0-150-generic").version, Some((5, 4)));
    /// assert_eq!(Kernel::from_release("6.10-rc1").version, Some((6, 10)));
    /// assert_eq!(Kernel::from_release("weird").version, None);
    /// ```
    pub fn from_release(release: &str) -> Kernel {
        let mut nums = release
            .split(|c: char| !c.is_ascii_digit())
            .map(str::parse::<u32>);
        let version = match (nums.next(), nums.next()) {
            (Some(Ok(a)), Some(Ok(b))) => Some((a, b)),
            _ => None,
        };
        Kernel {
            release: release.to_string(),
            version,
        }
    }

    /// The running kernel, from [`OSRELEASE`] (what `uname -r` prints),
    /// else from uname(2) itself.
    pub fn running() -> Kernel {
        let release = std::fs::read_to_string(OSRELEASE)
            .map(|s| s.trim().to_string())
            .unwrap_or_else(|_| {
                nix::sys::utsname::uname()
                    .map(|u| u.release().to_string_lossy().into_owned())
                    .unwrap_or_default()
            });
        Kernel::from_release(&release)
    }
}

/// The file of the kernel's release.
pub const OSRELEASE: &str = "/proc/sys/kernel/osrelease";

/// Which modules this kernel has, by name (`ip_vs_mh`; `-` read as `_`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Modules {
    /// Loaded now (`/proc/modules`).
    pub loaded: BTreeSet<String>,
    /// Built into the kernel (`modules.builtin`).
    pub builtin: BTreeSet<String>,
    /// Installed and loadable (`modules.dep`).
    pub installed: BTreeSet<String>,
    /// Where `builtin` and `installed` were read (`/lib/modules/RELEASE`).
    pub dir: String,
}

/// The file of loaded modules.
pub const PROC_MODULES: &str = "/proc/modules";

impl Modules {
    /// Whether `name` is loaded, built in or installed.
    pub fn has(&self, name: &str) -> bool {
        let n = normal(name);
        self.loaded.contains(&n) || self.builtin.contains(&n) || self.installed.contains(&n)
    }

    /// Read them for kernel `release`. `/proc/modules` must be readable;
    /// a module directory that is missing leaves `builtin` and
    /// `installed` empty and says so in the error.
    pub fn read(release: &str) -> Result<Modules, String> {
        let read = |path: &str| std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"));
        let dir = format!("/lib/modules/{release}");
        Ok(Modules::parse(
            &read(PROC_MODULES)?,
            &read(&format!("{dir}/modules.builtin"))?,
            &read(&format!("{dir}/modules.dep"))?,
            &dir,
        ))
    }

    /// From the texts of `/proc/modules`, `modules.builtin` and
    /// `modules.dep` (read in `dir`).
    ///
    /// ```
    /// use rvsadm_doctor::facts::Modules;
    /// let m = Modules::parse(
    ///     "ip_vs 188416 0 - Live 0x0\n",
    ///     "kernel/net/ipv4/tcp.ko\n",
    ///     "kernel/net/netfilter/ipvs/ip_vs_mh.ko.xz: kernel/net/netfilter/ipvs/ip_vs.ko.xz\n",
    ///     "/lib/modules/x",
    /// );
    /// assert!(m.has("ip_vs") && m.has("ip_vs_mh") && m.has("tcp") && !m.has("ip_vs_sh"));
    /// ```
    pub fn parse(proc_modules: &str, builtin: &str, dep: &str, dir: &str) -> Modules {
        let names = |text: &str| text.lines().filter_map(module_of_line).collect();
        Modules {
            loaded: proc_modules
                .lines()
                .filter_map(|l| l.split_whitespace().next())
                .map(normal)
                .collect(),
            builtin: names(builtin),
            installed: names(dep),
            dir: dir.to_string(),
        }
    }
}

/// The module a line of `modules.dep` or `modules.builtin` names
/// (`kernel/net/netfilter/ipvs/ip_vs_mh.ko.xz: ...` → `ip_vs_mh`).
fn module_of_line(line: &str) -> Option<String> {
    let path = line.split(':').next()?.trim();
    let file = path.rsplit('/').next()?;
    let stem = file.split(".ko").next()?;
    (!stem.is_empty()).then(|| normal(stem))
}

fn normal(name: &str) -> String {
    name.replace('-', "_")
}

/// The kernel's build configuration (`/boot/config-RELEASE`): option →
/// `y`, `m`, a value, or `n` for `# CONFIG_X is not set`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KernelConfig {
    /// Where it was read.
    pub path: String,
    /// The options.
    pub options: BTreeMap<String, String>,
}

impl KernelConfig {
    /// Read `/boot/config-RELEASE`.
    pub fn read(release: &str) -> Result<KernelConfig, String> {
        let path = format!("/boot/config-{release}");
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
        Ok(KernelConfig::parse(&path, &text))
    }

    /// Parse the text of a kernel configuration.
    ///
    /// ```
    /// use rvsadm_doctor::facts::KernelConfig;
    /// let c = KernelConfig::parse("x", "CONFIG_IP_VS=m\n# CONFIG_IP_VS_PROTO_SCTP is not set\n");
    /// assert_eq!(c.options["CONFIG_IP_VS"], "m");
    /// assert_eq!(c.options["CONFIG_IP_VS_PROTO_SCTP"], "n");
    /// ```
    pub fn parse(path: &str, text: &str) -> KernelConfig {
        let mut options = BTreeMap::new();
        for line in text.lines() {
            if let Some(name) = line
                .strip_prefix("# ")
                .and_then(|l| l.strip_suffix(" is not set"))
            {
                options.insert(name.to_string(), "n".to_string());
            } else if let Some((k, v)) = line.split_once('=') {
                if k.starts_with("CONFIG_") {
                    options.insert(k.to_string(), v.to_string());
                }
            }
        }
        KernelConfig {
            path: path.to_string(),
            options,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_names_from_index_lines() {
        assert_eq!(
            module_of_line(
                "kernel/net/netfilter/ipvs/ip_vs_mh.ko.xz: kernel/net/netfilter/ipvs/ip_vs.ko.xz"
            ),
            Some("ip_vs_mh".into())
        );
        assert_eq!(
            module_of_line("kernel/drivers/foo-bar.ko"),
            Some("foo_bar".into())
        );
        assert_eq!(module_of_line(""), None);
    }
}
