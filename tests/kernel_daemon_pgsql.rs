//! `rvsadmd`'s pgsql check against a real PostgreSQL server (Debian's,
//! inside the VM) that logs users in by SCRAM-SHA-256 only, as PostgreSQL
//! 14 and later do by default: the check with the right password keeps
//! its destination up, the one with a wrong password takes its own down.
//! The server runs as the unprivileged user `postgres` in a temporary
//! directory, on an address of the test's namespace.

mod common;

use common::backend::add_addrs;
use common::daemon::Daemon;
use std::net::TcpStream;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The directory of Debian's PostgreSQL programs (`/usr/lib/postgresql/N/bin`).
fn pg_bin() -> PathBuf {
    std::fs::read_dir("/usr/lib/postgresql")
        .ok()
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path().join("bin"))
        .find(|b| b.join("postgres").exists())
        .expect("PostgreSQL's server (Debian package postgresql; scripts/vm installs it)")
}

/// A PostgreSQL server (killed when dropped).
struct Postgres(Child);

impl Postgres {
    /// initdb in `dir` (user `lb` with `password`, scram-sha-256 for every
    /// connection), then the server on `addr`:5432, as user `postgres`.
    fn start(dir: &Path, addr: &str, password: &str) -> Postgres {
        let user = nix::unistd::User::from_name("postgres")
            .unwrap()
            .expect("a user `postgres` (Debian's package makes it)");
        let as_postgres = |prog: &str| {
            let mut c = Command::new(pg_bin().join(prog));
            c.uid(user.uid.as_raw())
                .gid(user.gid.as_raw())
                .env("LC_ALL", "C")
                .stdin(Stdio::null());
            c
        };
        std::os::unix::fs::chown(dir, Some(user.uid.as_raw()), Some(user.gid.as_raw())).unwrap();
        let pwfile = dir.join("pw");
        std::fs::write(&pwfile, password).unwrap();
        std::os::unix::fs::chown(&pwfile, Some(user.uid.as_raw()), Some(user.gid.as_raw()))
            .unwrap();
        let data = dir.join("data");
        let o = as_postgres("initdb")
            .arg("-D")
            .arg(&data)
            .args(["-U", "lb", "--auth=scram-sha-256", "--no-sync", "--pwfile"])
            .arg(&pwfile)
            .output()
            .expect("running initdb");
        assert!(o.status.success(), "initdb: {o:?}");
        // initdb lets in 127.0.0.1 and ::1 only.
        let hba = data.join("pg_hba.conf");
        let mut rules = std::fs::read_to_string(&hba).unwrap();
        rules.push_str(&format!("host all all {addr}/32 scram-sha-256\n"));
        std::fs::write(&hba, rules).unwrap();
        let log = std::fs::File::create(dir.join("postgres.log")).unwrap();
        let child = as_postgres("postgres")
            .arg("-D")
            .arg(&data)
            .arg("-k")
            .arg(dir)
            .args(["-h", addr, "-p", "5432"])
            // Small and without fsync: the VM has 1 GiB and other tests.
            .args(["-c", "shared_buffers=16MB", "-c", "max_connections=20"])
            .args(["-c", "fsync=off"])
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("starting postgres");
        let pg = Postgres(child);
        let deadline = Instant::now() + Duration::from_secs(60);
        while TcpStream::connect((addr, 5432)).is_err() {
            assert!(
                Instant::now() < deadline,
                "postgres did not listen: {}",
                std::fs::read_to_string(dir.join("postgres.log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        pg
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        // SIGINT: PostgreSQL's fast shutdown.
        let pid = nix::unistd::Pid::from_raw(self.0.id() as i32);
        let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGINT);
        let _ = self.0.wait();
    }
}

/// The weight of `dest` in service `service` (`-t ADDR:PORT`), from
/// `ipvsadm -Sn`.
fn weight(service: &str, dest: &str) -> Option<u32> {
    let table = common::stdout_ok(&common::ipvsadm(&["-Sn"]));
    table.lines().find_map(|l| {
        let w: Vec<&str> = l.split_whitespace().collect();
        let at = |flag: &str| w.iter().position(|x| *x == flag).and_then(|i| w.get(i + 1));
        if w.first() != Some(&"-a") || at("-t") != Some(&service) || at("-r") != Some(&dest) {
            return None;
        }
        at("-w")?.parse().ok()
    })
}

const PASSWORD: &str = "S3cret, pw";

/// Two services on the same server: the first checks with the right
/// password, the second with a wrong one. The debug build's PBKDF2 (4096
/// rounds) is slow under emulation: a generous timeout.
fn config() -> String {
    let service = |port: u16, password: &str| {
        format!(
            r#"
[[services]]
protocol = "tcp"
address = "192.0.2.10"
port = {port}
scheduler = "wlc"
check = {{ type = "pgsql", user = "lb", password = "{password}", database = "postgres", query = "SELECT 1", interval = "1s", timeout = "10s" }}

[[services.destinations]]
address = "10.0.0.1"
port = 5432
forward = "masq"
weight = 3
"#
        )
    };
    service(5432, PASSWORD) + &service(5433, "wrong")
}

#[test]
fn scram_login_keeps_a_real_server_up_and_a_wrong_password_takes_it_down() {
    let Some(_ns) = common::kernel_netns(
        "scram_login_keeps_a_real_server_up_and_a_wrong_password_takes_it_down",
    ) else {
        return;
    };
    add_addrs(&["10.0.0.1"]);
    let dir = std::env::temp_dir().join(format!("rvsadmd-pgsql-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let t = Instant::now();
    let _pg = Postgres::start(&dir, "10.0.0.1", PASSWORD);
    eprintln!("postgres listening after {:?}", t.elapsed());
    let cfg = dir.join("rvsadmd.toml");
    std::fs::write(&cfg, config()).unwrap();
    let d = Daemon::start(&dir, &cfg);
    let (good, bad) = ("192.0.2.10:5432", "192.0.2.10:5433");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let ev = d.events();
        if weight(good, "10.0.0.1:5432") == Some(3)
            && ev.contains("28P01")
            && ev.contains("query `SELECT 1`: 1 rows")
        {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no verdicts in 60 s; events:\n{ev}\npostgres:\n{}",
            std::fs::read_to_string(dir.join("postgres.log")).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    eprintln!("both verdicts after {:?}", t.elapsed());
    // Several more rounds: the good one stays up, the bad one down.
    std::thread::sleep(Duration::from_secs(4));
    assert_eq!(weight(good, "10.0.0.1:5432"), Some(3), "{}", d.events());
    assert_eq!(weight(bad, "10.0.0.1:5432"), Some(0), "{}", d.events());
    let ev = d.events();
    assert!(
        ev.contains("pgsql: FATAL 28P01: password authentication failed for user \\\"lb\\\""),
        "{ev}"
    );
    assert!(!ev.contains("SCRAM"), "no SCRAM failure: {ev}");
}
