//! `rvsadmd`'s feedback agents (HAProxy's agent-check) against the real
//! kernel (inside the VM): an agent on the real server's address answers
//! the line the test sets, and each word of the protocol moves the
//! destination's weight (or upper threshold) in the table as rvsadmd(8)
//! says, read back with `ipvsadm -Sn`; an agent that stops answering
//! changes nothing; the agent's drain, the operator's drain and the
//! checks' health do not undo each other.

mod common;

use common::backend::{add_addrs, Backend, Mode};
use common::daemon::Daemon;
use std::io::Write;
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// An agent on `addr`: each connection gets the line set last (`None`:
/// closed without a word), and the count of questions goes up.
#[derive(Clone)]
struct Agent {
    line: Arc<Mutex<(Option<String>, u64)>>,
}

impl Agent {
    fn start(addr: &str) -> Agent {
        let l = TcpListener::bind(addr).unwrap_or_else(|e| panic!("bind {addr}: {e}"));
        let a = Agent {
            line: Arc::new(Mutex::new((Some("up ready 100%\n".into()), 0))),
        };
        let me = a.clone();
        std::thread::spawn(move || {
            for c in l.incoming() {
                let Ok(mut c) = c else { continue };
                let mut g = me.line.lock().unwrap();
                g.1 += 1;
                if let Some(line) = &g.0 {
                    let _ = c.write_all(line.as_bytes());
                }
            }
        });
        a
    }

    /// Answer `line` from now on, and wait until it has been asked twice
    /// with it (so rvsadmd has read it at least once).
    fn say(&self, line: Option<&str>) {
        let start = {
            let mut g = self.line.lock().unwrap();
            g.0 = line.map(|l| format!("{l}\n"));
            g.1
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        while self.line.lock().unwrap().1 < start + 2 {
            assert!(Instant::now() < deadline, "the agent was not asked in 60 s");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// The weight (from `ipvsadm -Sn`) and upper threshold (from `ipvsadm
/// -Ln --thresholds`: `-Sn` does not write thresholds) of 10.0.0.1:8080.
fn in_table() -> Option<(u32, u32)> {
    in_table_of("10.0.0.1:8080")
}

/// The weight and upper threshold of destination `dest`, as [`in_table`].
fn in_table_of(dest: &str) -> Option<(u32, u32)> {
    let table = common::stdout_ok(&common::ipvsadm(&["-Sn"]));
    let weight: u32 = table.lines().find_map(|l| {
        let w: Vec<&str> = l.split_whitespace().collect();
        let at = |flag: &str| w.iter().position(|x| *x == flag).and_then(|i| w.get(i + 1));
        if w.first() != Some(&"-a") || at("-r") != Some(&dest) {
            return None;
        }
        at("-w")?.parse().ok()
    })?;
    let listed = common::stdout_ok(&common::ipvsadm(&["-Ln", "--thresholds"]));
    // `-> ADDRESS UTHRESHOLD LTHRESHOLD ACTIVECONN INACTCONN`
    let upper = listed.lines().find_map(|l| {
        let w: Vec<&str> = l.split_whitespace().collect();
        if w.first() != Some(&"->") || w.get(1) != Some(&dest) {
            return None;
        }
        w.get(2)?.parse::<u32>().ok()
    })?;
    Some((weight, upper))
}

const CONFIG: &str = r#"
[defaults]
check = { type = "tcp", interval = "300ms", timeout = "1s", rise = 1, fall = 1 }
agent = { port = 3333, interval = "200ms", timeout = "1s", send = "status\n" }

[[services]]
protocol = "tcp"
address = "192.0.2.10"
port = 80
scheduler = "wlc"

[[services.destinations]]
address = "10.0.0.1"
port = 8080
forward = "masq"
weight = 10
"#;

const SERVICE: &str = "tcp:192.0.2.10:80";
const DEST: &str = "10.0.0.1:8080";

/// Wait (60 s at most) until the destination's weight and upper
/// threshold in the table are `want`.
fn wait(d: &Daemon, want: (u32, u32), what: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let got = in_table();
        if got == Some(want) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{what}: the table has {got:?}, not {want:?} after 60 s; {}",
            d.said()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The table keeps `want` while the agent is asked twice more.
fn stays(d: &Daemon, agent: &Agent, want: (u32, u32), what: &str) {
    let line = agent.line.lock().unwrap().0.clone();
    agent.say(line.as_deref().map(str::trim_end));
    assert_eq!(in_table(), Some(want), "{what}; {}", d.said());
}

#[test]
fn agent_words_drive_the_weight_and_the_admin_states_stay_apart() {
    let Some(_ns) =
        common::kernel_netns("agent_words_drive_the_weight_and_the_admin_states_stay_apart")
    else {
        return;
    };
    add_addrs(&["10.0.0.1"]);
    let dir = std::env::temp_dir().join(format!("rvsadmd-agent-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let agent = Agent::start("10.0.0.1:3333");
    let mut backend = Some(Backend::start("10.0.0.1:8080", Mode::Ok));
    let cfg = dir.join("rvsadmd.toml");
    std::fs::write(&cfg, CONFIG).unwrap();
    let d = Daemon::start(&dir, &cfg);
    wait(&d, (10, 0), "up, agent ready at 100%");

    // Each word.
    for (line, want) in [
        ("50%", (5, 0)),
        ("weight:30%", (3, 0)),
        ("weight:7", (7, 0)),
        ("100%, maxconn:40", (10, 40)),
        ("maxconn:0", (10, 0)),
        ("drain", (0, 0)),
        ("ready", (10, 0)),
        ("maint", (0, 0)),
        ("ready", (10, 0)),
        ("down", (0, 0)),
        ("up", (10, 0)),
        ("fail #disk full", (0, 0)),
        ("up", (10, 0)),
        ("stopped", (0, 0)),
        ("UP\t25%", (3, 0)),
        ("100%", (10, 0)),
    ] {
        agent.say(Some(line));
        wait(&d, want, &format!("agent said `{line}`"));
    }

    // Status shows each factor.
    agent.say(Some("drain 50% # going away"));
    wait(&d, (0, 0), "agent drain at 50%");
    let json = d.ctl(&["status", "--json"]);
    let rows: serde_json::Value = serde_json::from_str(&json).unwrap();
    let row = &rows[0];
    assert_eq!(row["configured"], 10, "{json}");
    assert_eq!(row["effective"], 0, "{json}");
    assert_eq!(row["agent"]["admin"], "drain", "{json}");
    assert_eq!(row["agent"]["health"], "up", "{json}");
    assert_eq!(row["agent"]["percent"], 50, "{json}");
    assert_eq!(row["agent"]["last"], "drain 50% # going away", "{json}");
    assert_eq!(row["agent"]["reason"], "going away", "{json}");
    // The `maxconn:0` said before stands (what a line does not say stays).
    assert_eq!(row["agent"]["maxconn"], 0, "{json}");
    let text = d.ctl(&["status"]);
    assert!(
        text.contains("AGENT") && text.contains("50% drain up maxconn:0 => 0"),
        "{text}"
    );

    // An agent that stops answering changes nothing.
    agent.say(None);
    stays(&d, &agent, (0, 0), "no answer keeps the agent's drain");
    let json = d.ctl(&["status", "--json"]);
    assert!(json.contains("\"answered\": false"), "{json}");
    assert!(d.ctl(&["status"]).contains("(no answer)"));

    // The operator's ready does not undo the agent's drain ...
    d.ctl(&["ready", SERVICE, DEST]);
    agent.say(Some("drain 100%"));
    stays(
        &d,
        &agent,
        (0, 0),
        "the operator's ready leaves the agent's drain",
    );
    // ... and the agent's ready does not undo the operator's drain.
    d.ctl(&["drain", SERVICE, DEST]);
    agent.say(Some("ready"));
    stays(
        &d,
        &agent,
        (0, 0),
        "the agent's ready leaves the operator's drain",
    );
    d.ctl(&["ready", SERVICE, DEST]);
    wait(&d, (10, 0), "both ready");

    // The checks' down is not undone by the agent's up ...
    backend.take();
    wait(&d, (0, 0), "the check fails");
    agent.say(Some("up ready 100%"));
    stays(&d, &agent, (0, 0), "the agent's up leaves the checks' down");
    backend = Some(Backend::start("10.0.0.1:8080", Mode::Ok));
    wait(&d, (10, 0), "the check passes again");
    // ... nor the agent's down by the checks' up.
    agent.say(Some("down"));
    wait(&d, (0, 0), "agent down, checks up");
    stays(&d, &agent, (0, 0), "the checks' up leaves the agent's down");
    agent.say(Some("up"));
    wait(&d, (10, 0), "agent up again");
    drop(backend);
}

/// An agent's line read from a file (`agent = { file }`): what the file
/// says moves the weight as an agent's answer does; a missing file is
/// no answer and changes nothing.
#[test]
fn an_agent_file_drives_the_weight() {
    let Some(_ns) = common::kernel_netns("an_agent_file_drives_the_weight") else {
        return;
    };
    add_addrs(&["10.0.0.2"]);
    let dir = std::env::temp_dir().join(format!("rvsadmd-agent-file-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let line = dir.join("agent-line");
    std::fs::write(&line, "50%\n").unwrap();
    let _backend = Backend::start("10.0.0.2:8080", Mode::Ok);
    let cfg = dir.join("rvsadmd.toml");
    std::fs::write(
        &cfg,
        format!(
            r#"
[[services]]
protocol = "tcp"
address = "192.0.2.10"
port = 80
check = {{ type = "tcp", interval = "300ms", timeout = "1s" }}
agent = {{ file = "{}", interval = "200ms" }}

[[services.destinations]]
address = "10.0.0.2"
port = 8080
forward = "masq"
weight = 10
"#,
            line.display()
        ),
    )
    .unwrap();
    let d = Daemon::start(&dir, &cfg);
    let wait = |want: u32, what: &str| {
        let deadline = Instant::now() + Duration::from_secs(60);
        while in_table_of("10.0.0.2:8080").map(|x| x.0) != Some(want) {
            assert!(
                Instant::now() < deadline,
                "{what}: not weight {want} after 60 s; status:\n{}",
                d.ctl(&["status"])
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    };
    wait(5, "the file says 50%");
    std::fs::write(&line, "drain\n").unwrap();
    wait(0, "the file says drain");
    // No file: no answer, the drain stays (until the status says so).
    std::fs::remove_file(&line).unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while !d.ctl(&["status"]).contains("(no answer)") {
        assert!(Instant::now() < deadline, "{}", d.ctl(&["status"]));
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(in_table_of("10.0.0.2:8080").map(|x| x.0), Some(0));
    std::fs::write(&line, "ready 100%\n").unwrap();
    wait(10, "the file says ready 100%");
    // Each change was told as an `agent` event.
    let events = d.events();
    let said: Vec<&str> = events
        .lines()
        .filter(|l| l.contains(r#""event":"agent""#))
        .collect();
    assert!(
        said.len() >= 3
            && said[0].contains(r#""weight":"50%""#)
            && said[1].contains(r#""admin":"drain""#)
            && said.last().unwrap().contains(r#""line":"ready 100%""#),
        "{events}"
    );
}
