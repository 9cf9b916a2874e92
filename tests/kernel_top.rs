//! `rvsadm top` as a person uses it, in the VM: a NAT director in its own
//! network namespace with traffic from a client namespace through one of
//! its services, `rvsadm top` in a shell inside `tmux`, keys sent with
//! `tmux send-keys` and the screen read back with `tmux capture-pane`.
//! Then its plain-text mode (standard output a pipe) on the same table.

mod common;

use common::topo::Topo;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long a condition on the screen is waited for (an emulated VM beside
/// other builds: generous).
const DEADLINE: Duration = Duration::from_secs(90);

/// Client 10.1.0.2 → director (VIPs 10.1.0.10, .11 and .12) → real server
/// 10.2.0.2 (busybox httpd), masquerading. Three services: TCP .10:80 and
/// .11:80, UDP .12:53; the traffic goes to .11 only. Returns (client,
/// director, real).
fn nat(t: &mut Topo) -> (String, String, String) {
    let (c, d, r) = (t.ns("cl"), t.ns("dir"), t.ns("rs"));
    t.sh(&format!(
        "ip link add c0 netns {c} type veth peer name d0 netns {d}
         ip link add r0 netns {r} type veth peer name d1 netns {d}
         ip -n {c} addr add 10.1.0.2/24 dev c0; ip -n {c} link set c0 up
         ip -n {c} route add default via 10.1.0.1
         ip -n {d} addr add 10.1.0.1/24 dev d0
         for v in 10 11 12; do ip -n {d} addr add 10.1.0.$v/32 dev d0; done
         ip -n {d} addr add 10.2.0.1/24 dev d1
         ip -n {d} link set d0 up; ip -n {d} link set d1 up
         ip -n {r} addr add 10.2.0.2/24 dev r0; ip -n {r} link set r0 up
         ip -n {r} route add default via 10.2.0.1
         ip netns exec {d} sysctl -qw net.ipv4.ip_forward=1
         ip netns exec {d} ipvsadm -A -t 10.1.0.10:80 -s rr
         ip netns exec {d} ipvsadm -a -t 10.1.0.10:80 -r 10.2.0.2:80 -m
         ip netns exec {d} ipvsadm -A -t 10.1.0.11:80 -s rr
         ip netns exec {d} ipvsadm -a -t 10.1.0.11:80 -r 10.2.0.2:80 -m
         ip netns exec {d} ipvsadm -A -u 10.1.0.12:53 -s rr
         ip netns exec {d} ipvsadm -a -u 10.1.0.12:53 -r 10.2.0.2:53 -m
         mkdir -p /tmp/www-{r}; echo hello > /tmp/www-{r}/index.html
         ip netns exec {r} busybox httpd -p 10.2.0.2:80 -h /tmp/www-{r}"
    ));
    (c, d, r)
}

/// A tmux server of its own with one window (160×45, UTF-8) running a
/// shell in namespace `ns`, its prompt `READY> `.
struct Tmux {
    server: String,
}

const PROMPT: &str = "READY> ";
/// The prompt as `capture-pane` gives it back (trailing blanks cut).
const SEEN: &str = "READY>";

impl Tmux {
    fn start(tag: &str, ns: &str) -> Tmux {
        let t = Tmux {
            server: format!("rvsadm-top-{tag}"),
        };
        let shell = format!("ip netns exec {ns} env PS1='{PROMPT}' bash --norc --noprofile -i");
        t.tmux(&[
            "-u",
            "new-session",
            "-d",
            "-s",
            "top",
            "-x",
            "160",
            "-y",
            "45",
            &shell,
        ]);
        t.wait("the shell's prompt", |s| s.contains(SEEN));
        t
    }

    fn tmux(&self, args: &[&str]) -> String {
        let o = Command::new("tmux")
            .args(["-L", &self.server])
            .args(args)
            .env("TERM", "xterm-256color")
            .stdin(Stdio::null())
            .output()
            .expect("running tmux");
        assert!(o.status.success(), "tmux {args:?}: {o:?}");
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    /// Keys by tmux's names (`Enter`, `Escape`, `C-c`, `q`).
    fn keys(&self, keys: &[&str]) {
        let mut a = vec!["send-keys", "-t", "top"];
        a.extend(keys);
        self.tmux(&a);
    }

    /// `text` typed as it is, then Enter.
    fn line(&self, text: &str) {
        self.tmux(&["send-keys", "-t", "top", "-l", text]);
        self.keys(&["Enter"]);
    }

    fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-t", "top"])
    }

    /// The process the pane's shell runs in the foreground (`rvsadm top`).
    fn child(&self) -> nix::unistd::Pid {
        let shell = self.format("#{pane_pid}");
        let o = Command::new("pgrep")
            .args(["-P", &shell])
            .output()
            .expect("running pgrep");
        let pids = String::from_utf8_lossy(&o.stdout);
        let pid = pids.split_whitespace().next().unwrap_or_default();
        nix::unistd::Pid::from_raw(
            pid.parse()
                .unwrap_or_else(|_| panic!("a child of the pane's shell {shell}: {o:?}")),
        )
    }

    /// A tmux format of the pane (`#{alternate_on}`, `#{cursor_flag}`).
    fn format(&self, f: &str) -> String {
        self.tmux(&["display-message", "-p", "-t", "top", f])
            .trim()
            .to_string()
    }

    /// The screen once `ok` holds for it.
    fn wait(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + DEADLINE;
        loop {
            let s = self.screen();
            if ok(&s) {
                return s;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; the screen:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// `rvsadm top` has left: the shell's prompt is back on the main
    /// screen, the cursor shown, the terminal in canonical mode with echo.
    fn assert_restored(&self, how: &str) {
        self.wait(&format!("the prompt after {how}"), |s| {
            last_line(s).starts_with(SEEN) && !s.contains("q quit")
        });
        assert_eq!(
            self.format("#{alternate_on}"),
            "0",
            "alternate screen left after {how}"
        );
        assert_eq!(
            self.format("#{cursor_flag}"),
            "1",
            "cursor shown after {how}"
        );
        self.line("echo STTY:$(stty -a | tr ' ;' '\\n\\n' | grep -x -e -icanon -e icanon -e -echo -e echo | tr '\\n' ,)");
        self.wait(&format!("stty's modes after {how}"), |s| {
            s.contains("STTY:icanon,echo,")
        });
        self.line("clear");
        self.wait("a clear screen", |s| s.trim() == SEEN);
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.server, "kill-server"])
            .output();
    }
}

fn last_line(s: &str) -> &str {
    s.lines().rfind(|l| !l.trim().is_empty()).unwrap_or("")
}

/// The line of the screen that shows `name` (a service's row starts with
/// it; a destination's is `  -> ADDR:PORT`), as words.
fn row<'a>(screen: &'a str, name: &str) -> Option<Vec<&'a str>> {
    screen
        .lines()
        .find(|l| l.starts_with(name))
        .map(|l| l.split_whitespace().collect())
}

/// The rows of the destination 10.2.0.2:80 (one per TCP service), as words.
fn web_dests(screen: &str) -> Vec<Vec<&str>> {
    screen
        .lines()
        .filter(|l| l.starts_with("  -> 10.2.0.2:80"))
        .map(|l| l.split_whitespace().collect())
        .collect()
}

/// Where a line starting with `name` is on the screen.
fn line_of(screen: &str, name: &str) -> Option<usize> {
    screen.lines().position(|l| l.starts_with(name))
}

/// A figure as the view writes it (`12.5`, `3.4K`, `1.0M`).
fn figure(s: &str) -> f64 {
    let (num, mult) = match s.chars().last() {
        Some('K') => (&s[..s.len() - 1], 1e3),
        Some('M') => (&s[..s.len() - 1], 1e6),
        Some('G') => (&s[..s.len() - 1], 1e9),
        _ => (s, 1.0),
    };
    num.parse::<f64>()
        .unwrap_or_else(|_| panic!("`{s}` is not a figure"))
        * mult
}

/// A service row's connections per second (words: name, active, inactive,
/// conn/s, pkt/s, bytes/s, health...).
fn cps(screen: &str, service: &str) -> Option<f64> {
    row(screen, service).and_then(|w| w.get(3).map(|f| figure(f)))
}

const WEB: &str = "tcp:10.1.0.11:80";
const IDLE: &str = "tcp:10.1.0.10:80";
const DNS: &str = "udp:10.1.0.12:53";
const SPARK: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

const RVSADMD_TOML: &str = r#"
[[services]]
protocol = "tcp"
address = "10.1.0.11"
port = 80
scheduler = "rr"
check = { type = "tcp", interval = "500ms", timeout = "3s" }

[[services.destinations]]
address = "10.2.0.2"
port = 80
forward = "masq"
weight = 1
"#;

fn rvsadmd_path() -> String {
    std::env::var("NEXTEST_BIN_EXE_rvsadmd")
        .unwrap_or_else(|_| env!("CARGO_BIN_EXE_rvsadmd").to_string())
}

/// Two plain-text frames of `rvsadm top` (no terminal) in namespace `ns`,
/// each checked whole; whether either saw connections to the busy service.
fn text_frames_show_traffic(ns: &str, rvsadm: &str, socket: &std::path::Path) -> bool {
    let o = Command::new("ip")
        .args(["netns", "exec", ns, rvsadm, "top"])
        .args(["--interval", "2", "--iterations", "2", "--socket"])
        .arg(socket)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(o.status.success(), "{o:?}");
    eprintln!("rvsadm top, without a terminal:\n{text}");
    let frames: Vec<&str> = text.split("\n\n").collect();
    assert_eq!(frames.len(), 2, "{text}");
    for f in &frames {
        assert!(!f.contains('\x1b'), "no escape sequences: {f:?}");
        assert!(cps(f, WEB).is_some(), "{f}");
        assert_eq!(cps(f, IDLE), Some(0.0), "{f}");
        assert!(row(f, WEB).unwrap().ends_with(&["1/1", "up"]), "{f}");
    }
    frames.iter().any(|f| cps(f, WEB).is_some_and(|v| v > 0.0))
}

#[test]
fn top_under_tmux_with_traffic_keys_and_rvsadmd() {
    let Some(mut t) = Topo::new("top_under_tmux") else {
        return;
    };
    let (c, d, _r) = nat(&mut t);
    let dir = std::env::temp_dir().join(format!("kernel-top-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let socket = dir.join("ctl.sock");
    // Traffic to .11 until the client namespace is torn down.
    t.sh(&format!(
        "ip netns exec {c} bash -c 'while :; do curl -s -m 3 -o /dev/null http://10.1.0.11/; sleep 0.05; done' \
         </dev/null >/dev/null 2>&1 &"
    ));
    let rvsadm = common::rvsadm_path();
    let top = format!("{rvsadm} top --interval 0.5 --socket {}", socket.display());
    let tm = Tmux::start(t.tag(), &d);
    tm.line(&top);

    // Services and destinations, no daemon yet: the columns say so.
    let s = tm.wait("the three services and a destination", |s| {
        [WEB, IDLE, DNS, "  -> 10.2.0.2:80", "  -> 10.2.0.2:53"]
            .iter()
            .all(|n| s.contains(n))
    });
    assert!(s.contains("rvsadmd: no answer at"), "{s}");
    assert!(
        s.contains("q quit") && s.contains("/ filter"),
        "keys shown: {s}"
    );
    assert_eq!(tm.format("#{alternate_on}"), "1", "on the alternate screen");
    assert_eq!(row(&s, IDLE).unwrap().last(), Some(&"n/a"), "{s}");

    // Rates move with the traffic: .11 above 0, the idle service at 0.
    let s = tm.wait("conn/s of the service with traffic above 0", |s| {
        cps(s, WEB).is_some_and(|v| v > 0.0)
    });
    let w = row(&s, WEB).unwrap();
    assert!(figure(w[5]) > 0.0, "bytes/s with traffic: {s}");
    assert_eq!(cps(&s, IDLE), Some(0.0), "{s}");

    // Sorting: by name .10 comes first; by conn/s (key 5, largest first)
    // the service with traffic does.
    assert!(line_of(&s, IDLE) < line_of(&s, WEB), "by name: {s}");
    tm.keys(&["5"]);
    let s = tm.wait("the busy service first", |s| {
        s.contains("5:CONN/S▼")
            && line_of(s, WEB) < line_of(s, IDLE)
            && line_of(s, WEB) < line_of(s, DNS)
    });
    assert!(s.contains("1:SERVICE / DESTINATION "), "{s}");

    // Pause: nothing changes on the screen while paused.
    tm.keys(&["p"]);
    let before = tm.wait("PAUSED", |s| s.contains("PAUSED"));
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(tm.screen(), before, "the screen moved while paused");
    tm.keys(&["p"]);
    tm.wait("running again", |s| !s.contains("PAUSED"));

    // Filter: only .11 and its destination stay.
    tm.keys(&["/"]);
    tm.tmux(&["send-keys", "-t", "top", "-l", "10.1.0.11"]);
    tm.keys(&["Enter"]);
    let s = tm.wait("only the filtered service", |s| {
        s.contains(WEB) && !s.contains(IDLE) && !s.contains(DNS)
    });
    assert!(s.contains("filter: 10.1.0.11"), "{s}");

    // The detail view: the service's rate history as charts.
    tm.keys(&["Enter"]);
    let s = tm.wait("the detail's charts with bars", |s| {
        s.contains("conn/s history") && s.contains("bytes/s history") && s.contains(SPARK)
    });
    assert!(s.contains(&format!("{WEB}  scheduler rr")), "{s}");
    tm.keys(&["Escape"]);
    tm.wait("the table again", |s| {
        !s.contains("conn/s history") && s.contains(WEB)
    });
    // Esc in the prompt clears the filter.
    tm.keys(&["/", "Escape"]);
    tm.wait("every service again", |s| {
        s.contains(IDLE) && s.contains(DNS)
    });

    // rvsadmd starts managing .11: its health and admin state appear; a
    // drain shows.
    std::fs::write(dir.join("rvsadmd.toml"), RVSADMD_TOML).unwrap();
    let log = std::fs::File::create(dir.join("rvsadmd.log")).unwrap();
    let mut daemon = Command::new("ip")
        .args(["netns", "exec", &d, &rvsadmd_path(), "run", "--config"])
        .arg(dir.join("rvsadmd.toml"))
        .arg("--control-socket")
        .arg(&socket)
        .arg("--state-file")
        .arg(dir.join("state.json"))
        .stdin(Stdio::null())
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .expect("starting rvsadmd");
    let s = tm.wait("rvsadmd's health of .11's destination", |s| {
        row(s, WEB).is_some_and(|w| w.ends_with(&["1/1", "up"]))
    });
    assert!(s.contains(&format!("rvsadmd: {}", socket.display())), "{s}");
    let dests = web_dests(&s);
    assert!(dests.iter().any(|w| w.ends_with(&["up", "ready"])), "{s}");
    assert!(
        dests.iter().any(|w| w.ends_with(&["-", "-"])),
        "not rvsadmd's: {s}"
    );
    // Meanwhile, without a terminal: two tables as text, rvsadmd's columns
    // filled, the busy service moving. A client in an emulated, loaded VM
    // can stall for seconds, so runs repeat (each checked whole) until one
    // of them saw the traffic, within the deadline.
    let deadline = Instant::now() + DEADLINE;
    while !text_frames_show_traffic(&d, &rvsadm, &socket) {
        assert!(
            Instant::now() < deadline,
            "no text frame showed the traffic to {WEB} within {DEADLINE:?}"
        );
    }

    let o = Command::new(rvsadmd_path())
        .args(["drain", "--control-socket"])
        .arg(&socket)
        .args([WEB, "10.2.0.2:80"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{o:?}");
    tm.wait("the drain", |s| {
        web_dests(s).iter().any(|w| w.ends_with(&["up", "drained"]))
    });
    // Drained (weight 0), the service gets no new connection: its rate
    // falls to 0 while the client goes on trying.
    tm.wait("conn/s back to 0 after the drain", |s| {
        cps(s, WEB) == Some(0.0)
    });

    // q leaves and gives the terminal back.
    tm.keys(&["q"]);
    tm.assert_restored("q");
    // So does Ctrl-C.
    tm.line(&top);
    tm.wait("the table again", |s| {
        s.contains(WEB) && s.contains("q quit")
    });
    tm.keys(&["C-c"]);
    tm.assert_restored("Ctrl-C");
    // SIGTERM and SIGHUP from outside: the terminal is given back, then
    // `top` ends by the signal (the shell sees 128 + its number).
    for (signal, status) in [
        (nix::sys::signal::Signal::SIGTERM, 143),
        (nix::sys::signal::Signal::SIGHUP, 129),
    ] {
        tm.line(&top);
        tm.wait("the table again", |s| {
            s.contains(WEB) && s.contains("q quit")
        });
        nix::sys::signal::kill(tm.child(), signal).expect("signalling rvsadm top");
        tm.wait(&format!("the prompt after {signal}"), |s| {
            last_line(s).starts_with(SEEN) && !s.contains("q quit")
        });
        tm.line("echo STATUS:$?");
        tm.wait(&format!("the exit status after {signal}"), |s| {
            s.contains(&format!("STATUS:{status}"))
        });
        tm.assert_restored(signal.as_str());
    }

    let _ = nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(daemon.id() as i32),
        nix::sys::signal::Signal::SIGTERM,
    );
    let _ = daemon.wait();
    let _ = std::fs::remove_dir_all(&dir);
}
