//! `rvsadm apply` against the real kernel (inside the VM), ipvsadm as the
//! oracle: each in-place edit, identity changes, no-ops, dry runs, bad
//! input, a kernel refusal mid-plan, the state `ipvsadm -R` would leave,
//! and drains of destinations with real connections. Every test runs in a
//! fresh network namespace.

mod common;

use serde_json::Value;
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{check_schemas, rvsadm_in, rvsadm_path};

/// `rvsadm apply --json ARGS -` with `input` on stdin: (exit, document),
/// the document checked against docs/schema/apply.schema.json.
fn apply(args: &[&str], input: &str) -> (i32, Value) {
    let mut a = vec!["apply", "--json"];
    a.extend_from_slice(args);
    a.push("-");
    let out = rvsadm_in(&a, input);
    let code = out.status.code().unwrap_or(-1);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let doc: Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("apply {args:?}: not JSON ({e}): {out:?}"));
    common::validate(&text, "apply");
    (code, doc)
}

fn ipvsadm(args: &[&str]) {
    let o = common::ipvsadm(args);
    assert!(o.status.success(), "ipvsadm {args:?}: {o:?}");
}

fn ipvsadm_in(args: &[&str], stdin: &str) {
    let o = common::run_in("ipvsadm", args, stdin);
    assert!(o.status.success(), "ipvsadm {args:?}: {o:?}");
}

/// What ipvsadm sees: `-Sn` plus the thresholds listing, lines sorted
/// (destinations of one service keep kernel insertion order, which apply
/// does not promise).
fn state() -> String {
    let mut lines: Vec<String> = Vec::new();
    for args in [&["-Sn"][..], &["-Ln", "--thresholds"], &["-L", "--timeout"]] {
        let text = common::stdout_ok(&common::ipvsadm(args));
        lines.extend(text.lines().map(str::to_string));
    }
    lines.sort();
    lines.join("\n")
}

fn changes(doc: &Value) -> Vec<(String, String, String)> {
    doc["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["action"].as_str().unwrap().to_string(),
                c["object"].as_str().unwrap().to_string(),
                c["result"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn ch(a: &str, o: &str, r: &str) -> (String, String, String) {
    (a.to_string(), o.to_string(), r.to_string())
}

/// A varied table: every protocol and family, fwmarks, persistence with
/// netmasks and an engine, scheduler flags, NAT/DR/tunnels with GUE,
/// thresholds, a weight-0 destination.
fn varied() {
    ipvsadm(&["-A", "-t", "192.0.2.1:80", "-s", "rr"]);
    ipvsadm(&[
        "-a",
        "-t",
        "192.0.2.1:80",
        "-r",
        "10.0.0.1:80",
        "-m",
        "-w",
        "3",
        "-x",
        "100",
        "-y",
        "10",
    ]);
    ipvsadm(&[
        "-a",
        "-t",
        "192.0.2.1:80",
        "-r",
        "10.0.0.2:80",
        "-m",
        "-w",
        "0",
    ]);
    ipvsadm(&[
        "-a",
        "-t",
        "192.0.2.1:80",
        "-r",
        "10.0.0.3:80",
        "-i",
        "--tun-type",
        "gue",
        "--tun-port",
        "6080",
        "--tun-csum",
    ]);
    ipvsadm(&[
        "-A",
        "-u",
        "192.0.2.1:5060",
        "-s",
        "sh",
        "-b",
        "sh-port",
        "-o",
        "-p",
        "60",
        "-M",
        "255.255.255.0",
        "--pe",
        "sip",
    ]);
    ipvsadm(&["-a", "-u", "192.0.2.1:5060", "-r", "10.0.0.5:5060", "-g"]);
    ipvsadm(&["-A", "-f", "7", "-s", "wlc"]);
    ipvsadm(&["-a", "-f", "7", "-r", "10.0.0.7:0", "-g", "-w", "2"]);
    ipvsadm(&["-A", "-f", "7", "-6", "-s", "mh", "-p", "30", "-M", "64"]);
    ipvsadm(&["-a", "-f", "7", "-6", "-r", "[2001:db8::7]:0", "-g"]);
    ipvsadm(&["-A", "--sctp-service", "[2001:db8::1]:3868", "-s", "lc"]);
    ipvsadm(&[
        "-a",
        "--sctp-service",
        "[2001:db8::1]:3868",
        "-r",
        "10.0.0.8:3868",
        "-i",
    ]);
    ipvsadm(&["--set", "800", "100", "200"]);
}

#[test]
fn a_saved_table_applies_as_a_no_op() {
    let Some(_ns) = common::kernel_netns("a_saved_table_applies_as_a_no_op") else {
        return;
    };
    varied();
    let before = state();
    let saved = rvsadm_in(&["-S", "--json"], "");
    assert!(saved.status.success(), "{saved:?}");
    let saved = String::from_utf8(saved.stdout).unwrap();
    let (code, doc) = apply(&[], &saved);
    assert_eq!(code, 0, "{doc}");
    assert_eq!(doc["changes"].as_array().unwrap().len(), 0, "{doc}");
    assert_eq!(doc["summary"]["sent"], 0);
    assert_eq!(doc["converged"], true);
    let (code, doc) = apply(&["--prune", "--drain=0"], &saved);
    assert_eq!(
        (code, doc["summary"]["sent"].as_u64()),
        (0, Some(0)),
        "{doc}"
    );
    // The rules text of `ipvsadm -Sn` too (it has no thresholds: the one
    // destination with thresholds is the only change).
    let rules = common::stdout_ok(&common::ipvsadm(&["-Sn"]));
    let (code, doc) = apply(&["--format", "rules", "--dry-run"], &rules);
    assert_eq!(code, 1);
    assert_eq!(
        changes(&doc),
        [ch("edit", "destination", "planned")],
        "{doc}"
    );
    assert_eq!(state(), before);
    check_schemas();
}

#[test]
fn each_field_is_edited_in_place() {
    let Some(_ns) = common::kernel_netns("each_field_is_edited_in_place") else {
        return;
    };
    let base = "-A -t 192.0.2.1:80 -s wlc\n-a -t 192.0.2.1:80 -r 10.0.0.1:80 -m -w 1\n";
    let (code, _) = apply(&["--format", "rules"], base);
    assert_eq!(code, 0);
    // One field at a time, as a JSON document (rules carry no thresholds).
    let svc = |extra: &str, dest: &str| {
        format!(
            r#"{{"schema_version":1,"services":[{{"family":"inet","protocol":"tcp","address":"192.0.2.1","port":80,{extra},"destinations":[{{"family":"inet","address":"10.0.0.1","port":80,{dest}}}]}}]}}"#
        )
    };
    let plain = r#""forward":"masq","weight":1"#;
    let cases: Vec<(String, &str)> = vec![
        (svc(r#""scheduler":"rr""#, plain), "service"),
        (
            svc(r#""scheduler":"sh","flags":["sh-port"]"#, plain),
            "service",
        ),
        (
            svc(
                r#""scheduler":"sh","flags":["persistent"],"timeout":300"#,
                plain,
            ),
            "service",
        ),
        (
            svc(
                r#""scheduler":"sh","flags":["persistent"],"timeout":300,"netmask":"255.255.0.0""#,
                plain,
            ),
            "service",
        ),
        (
            svc(
                r#""scheduler":"sh","flags":["persistent"],"timeout":300,"netmask":"255.255.0.0","pe_name":"sip""#,
                plain,
            ),
            "service",
        ),
        (svc(r#""scheduler":"wlc""#, plain), "service"),
        (
            svc(r#""scheduler":"wlc""#, r#""forward":"masq","weight":9"#),
            "destination",
        ),
        (
            svc(
                r#""scheduler":"wlc""#,
                r#""forward":"masq","weight":9,"upper_threshold":50,"lower_threshold":5"#,
            ),
            "destination",
        ),
        (
            svc(
                r#""scheduler":"wlc""#,
                r#""forward":"route","weight":9,"upper_threshold":50,"lower_threshold":5"#,
            ),
            "destination",
        ),
        (
            svc(
                r#""scheduler":"wlc""#,
                r#""forward":"tunnel","weight":9,"tunnel":{"type":"gue","port":6080,"flags":["remcsum"]}"#,
            ),
            "destination",
        ),
        (
            svc(
                r#""scheduler":"wlc""#,
                r#""forward":"tunnel","weight":9,"tunnel":{"type":"gre","flags":["csum"]}"#,
            ),
            "destination",
        ),
        (svc(r#""scheduler":"wlc""#, plain), "destination"),
    ];
    for (doc_in, object) in &cases {
        let (code, doc) = apply(&[], doc_in);
        assert_eq!(code, 0, "{doc_in}: {doc}");
        assert_eq!(
            changes(&doc),
            [ch("edit", object, "applied")],
            "{doc_in}: {doc}"
        );
        assert_eq!(doc["converged"], true);
        // What the kernel now has is what was asked, and asking again is
        // nothing.
        let (code, doc) = apply(&[], doc_in);
        assert_eq!(
            (code, doc["summary"]["sent"].as_u64()),
            (0, Some(0)),
            "{doc_in}: {doc}"
        );
    }
    // The last case restored the start: ipvsadm agrees.
    assert_eq!(common::stdout_ok(&common::ipvsadm(&["-Sn"])), base);
    check_schemas();
}

#[test]
fn identity_changes_add_the_new_before_removing_the_old() {
    let Some(_ns) = common::kernel_netns("identity_changes_add_the_new_before_removing_the_old")
    else {
        return;
    };
    let (code, _) = apply(
        &["--format", "rules"],
        "-A -t 192.0.2.1:80 -s rr\n-a -t 192.0.2.1:80 -r 10.0.0.1:80 -m\n",
    );
    assert_eq!(code, 0);
    let (code, doc) = apply(
        &["--format", "rules"],
        "-A -t 192.0.2.1:80 -s rr\n-a -t 192.0.2.1:80 -r 10.0.0.1:8080 -m\n",
    );
    assert_eq!(code, 0);
    assert_eq!(
        changes(&doc),
        [
            ch("add", "destination", "applied"),
            ch("delete", "destination", "applied")
        ]
    );
    assert_eq!(doc["changes"][0]["destination"]["port"], 8080);
    // A service's new identity: the old one stays unless --prune.
    let moved = "-A -u 192.0.2.1:80 -s rr\n-a -u 192.0.2.1:80 -r 10.0.0.1:8080 -m\n";
    let (code, doc) = apply(&["--format", "rules"], moved);
    assert_eq!(code, 0);
    assert_eq!(
        changes(&doc),
        [
            ch("add", "service", "applied"),
            ch("add", "destination", "applied")
        ]
    );
    assert!(common::stdout_ok(&common::ipvsadm(&["-Sn"])).contains("-A -t 192.0.2.1:80"));
    let (code, doc) = apply(&["--format", "rules", "--prune"], moved);
    assert_eq!(code, 0);
    assert_eq!(changes(&doc), [ch("delete", "service", "applied")]);
    assert_eq!(
        common::stdout_ok(&common::ipvsadm(&["-Sn"])),
        "-A -u 192.0.2.1:80 -s rr\n-a -u 192.0.2.1:80 -r 10.0.0.1:8080 -m -w 1\n"
    );
    check_schemas();
}

#[test]
fn state_after_apply_is_what_ipvsadm_restore_makes() {
    let Some(_ns) = common::kernel_netns("state_after_apply_is_what_ipvsadm_restore_makes") else {
        return;
    };
    let rules = "\
-A -t 192.0.2.1:80 -s wrr -p 120 -M 255.255.255.0
-a -t 192.0.2.1:80 -r 10.0.0.1:80 -m -w 5
-a -t 192.0.2.1:80 -r 10.0.0.2:80 -m -w 0
-A -u 192.0.2.1:53 -s sh -b sh-fallback,sh-port
-a -u 192.0.2.1:53 -r 10.0.0.3:53 -g -w 1
-A -f 42 -6 -s mh -b mh-port
-a -f 42 -6 -r [2001:db8::9]:0 -g -w 3
-A -t [2001:db8::1]:443 -s lc
-a -t [2001:db8::1]:443 -r 10.0.0.4:443 -i -w 2 --tun-type gue --tun-port 5555 --tun-csum
";
    // A table that differs everywhere: other schedulers, weights, methods,
    // a destination too many, a service too many.
    varied();
    ipvsadm(&["-A", "-t", "192.0.2.1:8080"]);
    ipvsadm(&["-A", "-u", "192.0.2.1:53", "-s", "rr"]);
    ipvsadm(&[
        "-a",
        "-u",
        "192.0.2.1:53",
        "-r",
        "10.0.0.3:53",
        "-m",
        "-w",
        "9",
    ]);
    ipvsadm(&["-a", "-u", "192.0.2.1:53", "-r", "10.0.0.4:53", "-m"]);
    let (code, doc) = apply(&["--format", "rules", "--prune"], rules);
    assert_eq!(code, 0, "{doc}");
    assert_eq!(doc["converged"], true);
    let ours = common::stdout_ok(&common::ipvsadm(&["-Sn"]));
    let mut ours: Vec<&str> = ours.lines().collect();
    ours.sort();
    // ipvsadm -R of the same rules into an empty table.
    ipvsadm(&["-C"]);
    ipvsadm_in(&["-R"], rules);
    let theirs = common::stdout_ok(&common::ipvsadm(&["-Sn"]));
    let mut theirs: Vec<&str> = theirs.lines().collect();
    theirs.sort();
    assert_eq!(ours, theirs);
    check_schemas();
}

#[test]
fn dry_runs_and_bad_input_change_nothing() {
    let Some(_ns) = common::kernel_netns("dry_runs_and_bad_input_change_nothing") else {
        return;
    };
    varied();
    let before = state();
    let want = "-A -t 192.0.2.1:80 -s wlc\n-a -t 192.0.2.1:80 -r 10.0.0.9:80 -m -w 1\n";
    let (code, doc) = apply(&["--dry-run", "--prune", "--drain"], want);
    assert_eq!(code, 1);
    assert!(doc["changes"].as_array().unwrap().len() > 3, "{doc}");
    assert!(doc["changes"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["result"] == "planned"));
    assert_eq!(state(), before);
    // Text plan: one marked line per change and a summary.
    let out = rvsadm_in(&["apply", "--dry-run", "--prune", "-"], want);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("~ service tcp 192.0.2.1:80: scheduler rr -> wlc")),
        "{text}"
    );
    assert!(
        lines.iter().any(|l| l.starts_with("+ destination")
            && l.contains("[ipvsadm -a -t 192.0.2.1:80 -r 10.0.0.9:80 -m -w 1]")),
        "{text}"
    );
    assert!(
        lines.iter().any(|l| l.starts_with("- service fwmark 7")),
        "{text}"
    );
    assert!(
        lines.last().unwrap().starts_with("Plan: 1 to add"),
        "{text}"
    );
    assert_eq!(state(), before);
    // Bad documents and rules: exit 2, stable codes, nothing changed.
    for (input, fmt, path) in [
        ("{", "json", ""),
        (
            r#"{"schema_version":1,"services":[{"family":"inet","protocol":"tcp","address":"192.0.2.1","port":80,"scheduler":"wlc","destinations":[{"family":"inet","address":"10.0.0.1","port":80,"forward":"masq","weight":1,"upper_threshold":0,"lower_threshold":4}]}]}"#,
            "json",
            "services[0].destinations[0].lower_threshold",
        ),
        ("-A -t 192.0.2.1:80\n-C\n", "rules", "line 2"),
        (
            "-A -t 192.0.2.1:80\n-a -t 192.0.2.1:80 -r 10.0.0.1 -w -1\n",
            "rules",
            "line 2",
        ),
        ("-a -t 192.0.2.9:80 -r 10.0.0.1\n", "rules", "line 1"),
    ] {
        let out = rvsadm_in(&["apply", "--json", "--format", fmt, "-"], input);
        assert_eq!(out.status.code(), Some(2), "{input}: {out:?}");
        let e: Value =
            serde_json::from_slice(out.stderr.split(|b| *b == b'\n').next().unwrap()).unwrap();
        assert_eq!(e["error"]["code"], "invalid_document", "{input}");
        assert_eq!(e["error"]["path"].as_str().unwrap_or(""), path, "{input}");
        assert!(out.stdout.is_empty());
    }
    let out = rvsadm_in(&["apply", "--frobnicate", "-"], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown option --frobnicate"));
    assert_eq!(state(), before);
    check_schemas();
}

#[test]
fn a_kernel_refusal_mid_plan_is_exit_3_with_the_rest_applied() {
    let Some(_ns) =
        common::kernel_netns("a_kernel_refusal_mid_plan_is_exit_3_with_the_rest_applied")
    else {
        return;
    };
    // The scheduler name is well formed, so only the kernel can refuse it.
    let want = "\
-A -t 192.0.2.1:80 -s rr
-a -t 192.0.2.1:80 -r 10.0.0.1:80 -m
-A -t 192.0.2.2:80 -s nosuchsched
-a -t 192.0.2.2:80 -r 10.0.0.2:80 -m
-A -t 192.0.2.3:80 -s wlc
-a -t 192.0.2.3:80 -r 10.0.0.3:80 -m
";
    let (code, doc) = apply(&["--format", "rules"], want);
    assert_eq!(code, 3, "{doc}");
    let c = changes(&doc);
    assert_eq!(c.len(), 6);
    assert_eq!(c[2], ch("add", "service", "failed"));
    assert_eq!(
        doc["changes"][2]["error"]["code"],
        "scheduler_or_pe_not_found"
    );
    assert_eq!(c[3], ch("add", "destination", "failed"));
    assert_eq!(doc["changes"][3]["error"]["code"], "no_such_service");
    for i in [0, 1, 4, 5] {
        assert_eq!(c[i].2, "applied", "{doc}");
    }
    assert_eq!(doc["summary"]["failed"], 2);
    assert_eq!(doc["converged"], false);
    let saved = common::stdout_ok(&common::ipvsadm(&["-Sn"]));
    assert!(
        saved.contains("-A -t 192.0.2.1:80 -s rr") && saved.contains("-A -t 192.0.2.3:80 -s wlc"),
        "{saved}"
    );
    assert!(!saved.contains("192.0.2.2"), "{saved}");
    // Fixed, a second run converges with just the missing service.
    let (code, doc) = apply(&["--format", "rules"], &want.replace("nosuchsched", "sh"));
    assert_eq!(code, 0, "{doc}");
    assert_eq!(
        changes(&doc),
        [
            ch("add", "service", "applied"),
            ch("add", "destination", "applied")
        ]
    );
    check_schemas();
}

#[test]
fn timeouts_and_daemons() {
    let Some(_ns) = common::kernel_netns("timeouts_and_daemons") else {
        return;
    };
    let doc = |t: &str, d: &str| {
        format!(r#"{{"schema_version":1,"services":[],"timeouts":{t},"daemons":{d}}}"#)
    };
    let master = r#"[{"state":"master","mcast_ifn":"lo","sync_id":3}]"#;
    let (code, out) = apply(&[], &doc(r#"{"tcp":700,"tcp_fin":0,"udp":100}"#, master));
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        changes(&out),
        [
            ch("edit", "timeouts", "applied"),
            ch("add", "daemon", "applied")
        ]
    );
    // A 0 cannot be set: reported, and not a difference to chase.
    assert_eq!(out["notes"].as_array().unwrap().len(), 1, "{out}");
    let t = common::stdout_ok(&common::ipvsadm(&["-L", "--timeout"]));
    assert_eq!(t, "Timeout (tcp tcpfin udp): 700 120 100\n");
    let d = common::stdout_ok(&common::ipvsadm(&["-L", "--daemon"]));
    assert!(d.contains("master sync daemon (mcast=lo, syncid=3"), "{d}");
    // The same again: nothing. A new sync id: stop, then start.
    let (code, out) = apply(&[], &doc(r#"{"tcp":700,"tcp_fin":0,"udp":100}"#, master));
    assert_eq!(
        (code, out["summary"]["sent"].as_u64()),
        (0, Some(0)),
        "{out}"
    );
    let (code, out) = apply(
        &[],
        &doc(
            r#"{"tcp":700,"tcp_fin":120,"udp":100}"#,
            &master.replace('3', "4"),
        ),
    );
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        changes(&out),
        [
            ch("delete", "daemon", "applied"),
            ch("add", "daemon", "applied")
        ]
    );
    let d = common::stdout_ok(&common::ipvsadm(&["-L", "--daemon"]));
    assert!(d.contains("syncid=4"), "{d}");
    // An empty list stops it.
    let (code, out) = apply(&[], &doc(r#"{"tcp":700,"tcp_fin":120,"udp":100}"#, "[]"));
    assert_eq!(
        (code, changes(&out)),
        (0, vec![ch("delete", "daemon", "applied")])
    );
    assert_eq!(common::stdout_ok(&common::ipvsadm(&["-L", "--daemon"])), "");
    check_schemas();
}

/// A local service with one local destination and a real TCP connection
/// through IPVS to it; returns (listener, client, served) to keep alive.
fn one_connection() -> (
    std::net::TcpListener,
    std::net::TcpStream,
    std::net::TcpStream,
) {
    let listener = std::net::TcpListener::bind("127.0.0.1:80").unwrap();
    ipvsadm(&["-A", "-t", "127.0.0.1:80", "-s", "rr"]);
    ipvsadm(&["-a", "-t", "127.0.0.1:80", "-r", "127.0.0.1:80", "-g"]);
    let client = std::net::TcpStream::connect("127.0.0.1:80").unwrap();
    let (served, _) = listener.accept().unwrap();
    // Another destination, without connections.
    ipvsadm(&["-a", "-t", "127.0.0.1:80", "-r", "127.0.0.2:80", "-g"]);
    ipvsadm(&["-a", "-t", "127.0.0.1:80", "-r", "127.0.0.3:80", "-g"]);
    let l = common::stdout_ok(&common::ipvsadm(&["-Ln"]));
    assert!(
        l.contains("127.0.0.1:80                 Route   1      1"),
        "{l}"
    );
    (listener, client, served)
}

/// Reset the connection (no FIN wait): IPVS keeps its entry for the CLOSE
/// state's 10 s.
fn reset(s: std::net::TcpStream) {
    use std::os::fd::AsRawFd;
    let linger = nix::libc::linger {
        l_onoff: 1,
        l_linger: 0,
    };
    // SAFETY: a valid socket and a linger struct of the right size.
    let r = unsafe {
        nix::libc::setsockopt(
            s.as_raw_fd(),
            nix::libc::SOL_SOCKET,
            nix::libc::SO_LINGER,
            (&linger as *const nix::libc::linger).cast(),
            std::mem::size_of::<nix::libc::linger>() as u32,
        )
    };
    assert_eq!(r, 0);
    drop(s);
}

const ONLY_2: &str = "-A -t 127.0.0.1:80 -s rr\n-a -t 127.0.0.1:80 -r 127.0.0.2:80 -g -w 1\n";

#[test]
fn drains_wait_for_real_connections() {
    let Some(_ns) = common::kernel_netns("drains_wait_for_real_connections") else {
        return;
    };
    let (_l, client, _served) = one_connection();
    // No wait: the busy destination goes to weight 0 and stays; the idle
    // one is deleted at once.
    let (code, doc) = apply(&["--format", "rules", "--drain=0"], ONLY_2);
    assert_eq!(code, 4, "{doc}");
    // Drains and deletions come in the kernel's order of the destinations;
    // the pending removals come last.
    let mut first_two = changes(&doc)[..2].to_vec();
    first_two.sort();
    assert_eq!(
        first_two,
        [
            ch("delete", "destination", "applied"),
            ch("drain", "destination", "applied")
        ],
        "{doc}"
    );
    assert_eq!(
        changes(&doc)[2],
        ch("delete", "destination", "pending"),
        "{doc}"
    );
    assert_eq!(doc["changes"][2]["connections"], 1);
    let l = common::stdout_ok(&common::ipvsadm(&["-Ln"]));
    assert!(
        l.contains("127.0.0.1:80                 Route   0      1"),
        "{l}"
    );
    assert!(!l.contains("127.0.0.3:80"), "{l}");
    // A later run finds it still busy: nothing to send, still pending.
    let (code, doc) = apply(&["--format", "rules", "--drain=0"], ONLY_2);
    assert_eq!(
        (code, doc["summary"]["sent"].as_u64()),
        (4, Some(0)),
        "{doc}"
    );
    // Waiting: the connection is reset meanwhile; IPVS forgets it after the
    // CLOSE state's timeout, and the destination is deleted then.
    let child = Command::new(rvsadm_path())
        .args(["apply", "--json", "--format", "rules", "--drain=60", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut child = child;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(ONLY_2.as_bytes())
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    let t0 = Instant::now();
    reset(client);
    let out = child.wait_with_output().unwrap();
    let waited = t0.elapsed();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{doc}");
    assert_eq!(
        changes(&doc),
        [ch("delete", "destination", "applied")],
        "{doc}"
    );
    assert!(waited < Duration::from_secs(55), "{waited:?}");
    assert_eq!(
        common::stdout_ok(&common::ipvsadm(&["-Sn"])),
        "-A -t 127.0.0.1:80 -s rr\n-a -t 127.0.0.1:80 -r 127.0.0.2:80 -g -w 1\n"
    );
    check_schemas();
}

#[test]
fn without_drain_a_busy_destination_goes_at_once() {
    let Some(_ns) = common::kernel_netns("without_drain_a_busy_destination_goes_at_once") else {
        return;
    };
    let (_l, _client, _served) = one_connection();
    let (code, doc) = apply(&["--format", "rules"], ONLY_2);
    assert_eq!(code, 0, "{doc}");
    assert_eq!(
        changes(&doc),
        [
            ch("delete", "destination", "applied"),
            ch("delete", "destination", "applied")
        ]
    );
    // Pruning a busy service with --drain=0: its destinations drain.
    ipvsadm(&["-A", "-t", "127.0.0.1:81"]);
    let out = rvsadm_in(&["apply", "--format", "rules", "--prune", "-"], "");
    assert_eq!(
        out.status.code(),
        Some(2),
        "an empty desired state needs --allow-empty"
    );
    let (code, doc) = apply(
        &["--format", "rules", "--prune", "--allow-empty", "--drain=0"],
        "",
    );
    assert_eq!(code, 0, "{doc}");
    // The busy destination is gone, so both services simply go.
    assert_eq!(
        changes(&doc),
        [
            ch("delete", "service", "applied"),
            ch("delete", "service", "applied")
        ]
    );
    check_schemas();
}

#[test]
fn daemons_make_way_for_destinations_of_the_other_family() {
    let Some(_ns) = common::kernel_netns("daemons_make_way_for_destinations_of_the_other_family")
    else {
        return;
    };
    // A running daemon, and a desired state with a mixed-family tunnel
    // destination and no daemon: the stop must come before the add.
    ipvsadm(&["--start-daemon", "master", "--mcast-interface", "lo"]);
    let mixed = r#"{"schema_version":1,"services":[{"family":"inet6","protocol":"tcp","address":"2001:db8::1","port":80,"scheduler":"wlc","destinations":[{"family":"inet","address":"10.0.0.1","port":80,"forward":"tunnel","weight":1}]}],"daemons":[]}"#;
    let (code, doc) = apply(&[], mixed);
    assert_eq!(code, 0, "{doc}");
    assert_eq!(
        changes(&doc),
        [
            ch("delete", "daemon", "applied"),
            ch("add", "service", "applied"),
            ch("add", "destination", "applied")
        ]
    );
    // The other way: the destination goes before the daemon starts.
    let daemon = r#"{"schema_version":1,"services":[{"family":"inet6","protocol":"tcp","address":"2001:db8::1","port":80,"scheduler":"wlc","destinations":[]}],"daemons":[{"state":"master","mcast_ifn":"lo","sync_id":0}]}"#;
    let (code, doc) = apply(&[], daemon);
    assert_eq!(code, 0, "{doc}");
    assert_eq!(
        changes(&doc),
        [
            ch("delete", "destination", "applied"),
            ch("add", "daemon", "applied")
        ]
    );
    assert!(common::stdout_ok(&common::ipvsadm(&["-L", "--daemon"])).contains("master sync daemon"));
    check_schemas();
}

#[test]
fn weight_raises_go_to_the_kernel_before_cuts() {
    let Some(_ns) = common::kernel_netns("weight_raises_go_to_the_kernel_before_cuts") else {
        return;
    };
    // Blue/green: every live server is replaced or cut to 0, the new ones
    // come first, so the service always has weight.
    ipvsadm(&["-A", "-t", "192.0.2.1:80"]);
    ipvsadm(&[
        "-a",
        "-t",
        "192.0.2.1:80",
        "-r",
        "10.0.0.1:80",
        "-m",
        "-w",
        "5",
    ]);
    ipvsadm(&[
        "-a",
        "-t",
        "192.0.2.1:80",
        "-r",
        "10.0.0.2:80",
        "-m",
        "-w",
        "5",
    ]);
    let want = "-A -t 192.0.2.1:80 -s wlc\n\
                -a -t 192.0.2.1:80 -r 10.0.0.1:80 -m -w 0\n\
                -a -t 192.0.2.1:80 -r 10.0.0.3:80 -m -w 2\n\
                -a -t 192.0.2.1:80 -r 10.0.0.4:80 -m -w 7\n";
    let (code, doc) = apply(&["--format", "rules"], want);
    assert_eq!(code, 0, "{doc}");
    let got: Vec<(String, String)> = doc["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["action"].as_str().unwrap().to_string(),
                c["destination"]["address"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let s = |a: &str, b: &str| (a.to_string(), b.to_string());
    assert_eq!(&got[..2], [s("add", "10.0.0.3"), s("add", "10.0.0.4")]);
    let mut rest = got[2..].to_vec();
    rest.sort();
    assert_eq!(rest, [s("delete", "10.0.0.2"), s("edit", "10.0.0.1")]);
    check_schemas();
}
