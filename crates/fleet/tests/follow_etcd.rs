//! The follower against a real etcd (Debian's etcd-server, on loopback):
//! it lists, follows puts and deletes, resumes after a compaction by
//! listing again, replays what it missed when it resumes, says when etcd
//! is down and converges when it is back. Skipped (said so) where no
//! `etcd` is installed; `scripts/vm --install` installs it.

use rvsadm_fleet::follow::{self, Follow};
use rvsadm_fleet::store::Store;
use rvsadm_fleet::{Desired, Raw, Settings};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// How long a condition is waited for (a loaded machine: generous).
const DEADLINE: Duration = Duration::from_secs(60);

/// A loopback port for etcd, held for the test's life: below Linux's
/// ephemeral range (32768-60999), so that no connection's source port
/// takes it between this choice and etcd's bind, nor while etcd is
/// stopped and started again; claimed by a file created exclusively (so
/// two tests running at once never choose the same), removed on drop.
struct Port {
    n: u16,
    claim: PathBuf,
}

impl Port {
    fn take() -> Port {
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let seed = std::process::id().wrapping_mul(7919);
        for _ in 0..10_000 {
            let i = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let n = 20_000 + (seed.wrapping_add(i.wrapping_mul(104_729)) % 10_000) as u16;
            let claim = std::env::temp_dir().join(format!("rvsadm-test-port-{n}"));
            let mine = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&claim)
                .is_ok();
            if !mine {
                continue;
            }
            if std::net::TcpListener::bind(("127.0.0.1", n)).is_ok() {
                return Port { n, claim };
            }
            let _ = std::fs::remove_file(&claim);
        }
        panic!("no free loopback port in 20000-29999");
    }
}

impl Drop for Port {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.claim);
    }
}

struct Etcd {
    child: Option<Child>,
    /// Held until the end: the client and peer ports.
    _ports: [Port; 2],
    dir: PathBuf,
    client: String,
    peer: String,
}

impl Etcd {
    /// `None` (said so) where no etcd is installed.
    fn start(test: &str) -> Option<Etcd> {
        if Command::new("etcd").arg("--version").output().is_err() {
            eprintln!("SKIPPED {test}: no etcd here (scripts/vm --install installs etcd-server)");
            return None;
        }
        let dir = std::env::temp_dir().join(format!("fleet-etcd-{test}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let ports = [Port::take(), Port::take()];
        let mut e = Etcd {
            child: None,
            client: format!("http://127.0.0.1:{}", ports[0].n),
            peer: format!("http://127.0.0.1:{}", ports[1].n),
            _ports: ports,
            dir,
        };
        e.run();
        Some(e)
    }

    fn run(&mut self) {
        let log = std::fs::File::create(self.dir.join("etcd.log")).unwrap();
        let child = Command::new("etcd")
            .arg("--data-dir")
            .arg(self.dir.join("data"))
            .args(["--listen-client-urls", &self.client])
            .args(["--advertise-client-urls", &self.client])
            .args(["--listen-peer-urls", &self.peer])
            .args(["--initial-advertise-peer-urls", &self.peer])
            .args(["--initial-cluster", &format!("default={}", self.peer)])
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("starting etcd");
        self.child = Some(child);
    }

    fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = nix_kill(&c);
            let _ = c.wait();
        }
    }

    fn settings(&self, state: &Path) -> Settings {
        Settings::validate(
            Raw {
                endpoints: Some(vec![self.client.clone()]),
                prefix: Some("/rvsadm/test".into()),
                name: Some("d1".into()),
                state_file: Some(state.to_path_buf()),
                ..Raw::default()
            },
            "test",
            0,
        )
        .unwrap()
    }
}

/// SIGTERM without a dependency: `kill`.
fn nix_kill(c: &Child) -> std::io::Result<std::process::ExitStatus> {
    Command::new("kill").arg(c.id().to_string()).status()
}

impl Drop for Etcd {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Connect, retrying until etcd answers.
async fn store(s: &Settings) -> Store {
    let end = tokio::time::Instant::now() + DEADLINE;
    loop {
        if let Ok(mut st) = Store::connect(s).await {
            if st.list_desired().await.is_ok() {
                return st;
            }
        }
        assert!(tokio::time::Instant::now() < end, "etcd did not answer");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Wait until the follower's state satisfies `ok`.
async fn until(f: &mut Follow, what: &str, ok: impl Fn(&Desired) -> bool) -> Desired {
    let r = tokio::time::timeout(DEADLINE, async {
        loop {
            let d = f.desired.borrow_and_update().clone();
            if ok(&d) {
                return d;
            }
            let _ = f.desired.changed().await;
        }
    })
    .await;
    match r {
        Ok(d) => d,
        Err(_) => panic!("{what}: not within {DEADLINE:?}: {:?}", *f.desired.borrow()),
    }
}

fn services(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn the_follower_lists_and_follows() {
    let Some(e) = Etcd::start("follow") else {
        return;
    };
    let state = e.dir.join("fleet.json");
    let s = e.settings(&state);
    rt().block_on(async {
        let mut st = store(&s).await;
        st.put_services(&services(&[("tcp:10.0.0.1:80", "a")]), None)
            .await
            .unwrap();
        let mut f = follow::spawn(s.clone(), Desired::default());
        until(&mut f, "the list", |d| d.services.len() == 1).await;
        st.put_drain("tcp:10.0.0.1:80", "10.1.0.1:80", "t")
            .await
            .unwrap();
        until(&mut f, "a drain", |d| d.drains.len() == 1).await;
        st.put_services(&services(&[("tcp:10.0.0.2:80", "b")]), None)
            .await
            .unwrap();
        let d = until(&mut f, "a put and a delete", |d| {
            d.services.keys().eq(["tcp:10.0.0.2:80"])
        })
        .await;
        st.delete_drain("tcp:10.0.0.1:80", None).await.unwrap();
        let d2 = until(&mut f, "the drain cleared", |d| d.drains.is_empty()).await;
        assert!(d2.revision > d.revision);
        // What is received is not kept on disk: the daemon keeps what it
        // applied.
        assert_eq!(Desired::load(&state).unwrap(), None);
    });
}

/// Put the first services (`tcp:10.0.0.1:80`, "a"); their revision.
async fn put_first(st: &mut Store) -> i64 {
    st.put_services(&services(&[("tcp:10.0.0.1:80", "a")]), None)
        .await
        .unwrap();
    st.list_desired().await.unwrap().0
}

/// Put the last services (`tcp:10.0.0.9:80`, "z" alone); their revision.
async fn put_last(st: &mut Store) -> i64 {
    st.put_services(&services(&[("tcp:10.0.0.9:80", "z")]), None)
        .await
        .unwrap();
    st.list_desired().await.unwrap().0
}

/// A director that applied the first services at `rev` and was away
/// since.
fn first_applied_at(rev: i64) -> Desired {
    Desired {
        revision: rev,
        services: services(&[("tcp:10.0.0.1:80", "a")]),
        ..Desired::default()
    }
}

#[test]
fn after_a_compaction_the_follower_lists_again() {
    let Some(e) = Etcd::start("compact") else {
        return;
    };
    let state = e.dir.join("fleet.json");
    let s = e.settings(&state);
    rt().block_on(async {
        let mut st = store(&s).await;
        let old = put_first(&mut st).await;
        for _ in 0..100 {
            st.put_drain("tcp:10.0.0.1:80", "10.1.0.1:80", "t")
                .await
                .unwrap();
            st.delete_drain("tcp:10.0.0.1:80", Some("10.1.0.1:80"))
                .await
                .unwrap();
        }
        let now = put_last(&mut st).await;
        st.compact(now).await.unwrap();
        // A director that applied `old` and was away since.
        let mut f = follow::spawn(s.clone(), first_applied_at(old));
        let d = until(&mut f, "the re-list", |d| {
            d.services.keys().eq(["tcp:10.0.0.9:80"])
        })
        .await;
        assert!(d.revision >= now, "{d:?}");
    });
}

/// A director away since `old`, with many changes since and no
/// compaction: its watch from `old + 1` replays them all, and a progress
/// notification etcd answers while the watch still catches up (etcd 3.4
/// gives the current revision then: etcd issue #15220) must not make it
/// skip them.
#[test]
fn a_resumed_follower_replays_every_change_since_its_revision() {
    let Some(e) = Etcd::start("resume") else {
        return;
    };
    let state = e.dir.join("fleet.json");
    let s = e.settings(&state);
    rt().block_on(async {
        let mut st = store(&s).await;
        let old = put_first(&mut st).await;
        for i in 0..300 {
            st.put_drain("tcp:10.0.0.1:80", &format!("10.1.0.{}:80", i % 200), "t")
                .await
                .unwrap();
        }
        let now = put_last(&mut st).await;
        let mut f = follow::spawn(s.clone(), first_applied_at(old));
        let d = until(&mut f, "the replayed changes", |d| {
            d.services.keys().eq(["tcp:10.0.0.9:80"])
        })
        .await;
        assert_eq!(d.revision, now, "{d:?}");
        assert_eq!(d.drains.len(), 200, "{d:?}");
    });
}

#[test]
fn etcd_down_is_told_and_its_return_converges() {
    let Some(mut e) = Etcd::start("down") else {
        return;
    };
    let state = e.dir.join("fleet.json");
    let s = e.settings(&state);
    let r = rt();
    r.block_on(async {
        let mut st = store(&s).await;
        st.put_services(&services(&[("tcp:10.0.0.1:80", "a")]), None)
            .await
            .unwrap();
        let mut f = follow::spawn(s.clone(), Desired::default());
        until(&mut f, "the list", |d| d.services.len() == 1).await;
        let reachable = |f: &Follow| f.store.borrow().reachable;
        let end = tokio::time::Instant::now() + DEADLINE;
        while !reachable(&f) {
            assert!(tokio::time::Instant::now() < end, "never reachable");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        e.stop();
        let end = tokio::time::Instant::now() + DEADLINE;
        while reachable(&f) {
            assert!(tokio::time::Instant::now() < end, "etcd down not seen");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let down = f.store.borrow().clone();
        assert!(down.error.is_some(), "{down:?}");
        // Nothing applied meanwhile: the state stays.
        assert_eq!(f.desired.borrow().services.len(), 1);
        e.run();
        let mut st = store(&s).await;
        st.put_services(&services(&[("tcp:10.0.0.2:80", "b")]), None)
            .await
            .unwrap();
        until(&mut f, "converged after etcd's return", |d| {
            d.services.keys().eq(["tcp:10.0.0.2:80"])
        })
        .await;
        assert!(reachable(&f));
    });
}
