//! Network namespaces for topologies with traffic (client, director, real
//! servers), joined by veth pairs, with busybox httpd on the real servers
//! and curl on the client.

use std::process::{Command, Output, Stdio};

/// Named network namespaces for one test; on drop, their processes are
/// killed and the namespaces deleted.
pub struct Topo {
    tag: String,
    names: Vec<String>,
}

impl Topo {
    /// `None` outside the VM (the test is then skipped).
    pub fn new(test: &str) -> Option<Topo> {
        if !super::in_vm() {
            eprintln!("SKIPPED {test}: kernel test, runs inside the VM (scripts/vm)");
            return None;
        }
        let tag = format!("{}{}", &test[..test.len().min(6)], std::process::id());
        Some(Topo {
            tag,
            names: Vec::new(),
        })
    }

    /// What this test's names end with (unique to the process).
    pub fn tag(&self) -> &str {
        &self.tag
    }

    /// A new namespace for `role` (`dir`, `cl`, `rs` ...), `lo` up.
    pub fn ns(&mut self, role: &str) -> String {
        let name = format!("{role}-{}", self.tag);
        self.sh(&format!("ip netns add {name}; ip -n {name} link set lo up"));
        self.names.push(name.clone());
        name
    }

    /// Run a bash script (`set -e`); panic with its output if it fails.
    pub fn sh(&self, script: &str) -> String {
        let o = bash(script);
        assert!(o.status.success(), "script failed:\n{script}\n{o:?}");
        String::from_utf8_lossy(&o.stdout).into_owned()
    }
}

impl Drop for Topo {
    fn drop(&mut self) {
        for n in &self.names {
            let _ = bash(&format!(
                "for p in $(ip netns pids {n}); do kill -9 $p; done; ip netns del {n}"
            ));
        }
    }
}

/// Run a bash script with `set -e`; its output, whatever its status.
pub fn bash(script: &str) -> Output {
    Command::new("bash")
        .args(["-ec", script])
        .stdin(Stdio::null())
        .output()
        .expect("running bash")
}

/// A web page served by busybox httpd in `ns` on `addr:80`.
pub fn serve(t: &Topo, ns: &str, addr: &str) {
    let dir = format!("/tmp/www-{ns}");
    t.sh(&format!(
        "mkdir -p {dir}; echo hello-{ns} > {dir}/index.html; \
         ip netns exec {ns} busybox httpd -p {addr}:80 -h {dir}"
    ));
}

/// The page at `url` fetched from namespace `client` (empty on failure).
pub fn fetch(client: &str, url: &str) -> String {
    let o = Command::new("ip")
        .args(["netns", "exec", client, "curl", "-s", "-m", "5", url])
        .output()
        .expect("running curl");
    String::from_utf8_lossy(&o.stdout).trim().to_string()
}
