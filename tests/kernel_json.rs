//! `--json` against the real kernel (inside the VM): every listing form
//! validates against its schema in docs/schema/, save/restore is lossless,
//! bad restore input changes nothing, and kernel errors carry their stable
//! codes. Every test runs in a fresh network namespace.

mod common;

use serde_json::Value;

use rvsadm_cli::compat::messages::ipvsadm_message;
use std::process::{Command, Output};

use common::{check_schemas, rvsadm_in, rvsadm_path, validate};

fn rvsadm(args: &[&str]) -> Output {
    rvsadm_in(args, "")
}

/// Run, expect success, parse stdout as JSON and validate it against
/// `docs/schema/<schema>.schema.json`.
fn json_ok(args: &[&str], schema: &str) -> Value {
    let out = rvsadm(args);
    assert!(out.status.success(), "rvsadm {args:?}: {out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    validate(&text, schema);
    serde_json::from_str(&text).unwrap()
}

/// The JSON error object of a failed run: validated, returns (code, exit).
fn json_err(out: &Output) -> (Value, i32) {
    let text = String::from_utf8(out.stderr.clone()).unwrap();
    let first = text.lines().next().unwrap_or_default();
    validate(first, "error");
    let v: Value = serde_json::from_str(first).unwrap();
    (v["error"].clone(), out.status.code().unwrap_or(-1))
}

fn ipvsadm_ok(args: &[&str]) {
    let o = common::ipvsadm(args);
    assert!(o.status.success(), "ipvsadm {args:?}: {o:?}");
}

/// A mixed-family tunnel destination (the kernel refuses sync daemons while
/// one exists, so it has its own set-up).
fn mixed_family_setup() {
    for args in [
        "-A -t [2001:db8::1]:443 -s wlc",
        "-a -t [2001:db8::1]:443 -r 10.0.0.6 -i --tun-type ipip",
        "-a -t [2001:db8::1]:443 -r [2001:db8::7]:443 -m",
    ] {
        let v: Vec<&str> = args.split(' ').collect();
        ipvsadm_ok(&v);
    }
}

/// A table with every kind of attribute but mixed families, timeouts and
/// both sync daemons, set up with ipvsadm.
fn full_setup() {
    for args in [
        "-A -t 192.0.2.1:80 -s rr -p 120 -M 255.255.255.0 -b flag-1",
        "-a -t 192.0.2.1:80 -r 10.0.0.1:80 -m -w 3 -x 100 -y 10",
        "-a -t 192.0.2.1:80 -r 10.0.0.2 -i --tun-type gue --tun-port 6080 --tun-remcsum",
        "-a -t 192.0.2.1:80 -r 10.0.0.3 -i --tun-type gre --tun-csum -w 0",
        "-A -u 192.0.2.1:5060 -s sh -p 60 --pe sip -o -b sh-port",
        "-a -u 192.0.2.1:5060 -r 10.0.0.4:5060 -m",
        "--add-service --sctp-service 192.0.2.1:3868 -s nq",
        "-a --sctp-service 192.0.2.1:3868 -r 10.0.0.5 -g",
        "-A -f 4294967295 -6 -s mh -b mh-fallback,mh-port -p -M 64",
        "-a -f 4294967295 -6 -r [2001:db8::5]:0 -g",
        "-A -t [2001:db8::1]:443 -s wlc",
        "-a -t [2001:db8::1]:443 -r [2001:db8::7]:443 -m",
        "--set 900 120 300",
        "--start-daemon master --mcast-interface lo --syncid 7 --mcast-group 239.1.2.3 --mcast-port 9000 --mcast-ttl 3",
        "--start-daemon backup --mcast-interface lo --syncid 8 --mcast-group ff02::1:2",
    ] {
        let v: Vec<&str> = args.split(' ').collect();
        ipvsadm_ok(&v);
    }
}

#[test]
fn every_listing_form_validates() {
    let Some(_ns) = common::kernel_netns("every_listing_form_validates") else {
        return;
    };
    // Empty table: an object with an empty array.
    let v = json_ok(&["-Ln", "--json"], "list");
    assert_eq!(v["services"], Value::Array(vec![]));
    assert_eq!(v["version"], "1.2.1");
    let v = json_ok(&["-L", "--daemon", "--json"], "daemons");
    assert_eq!(v["daemons"], Value::Array(vec![]));
    full_setup();
    let v = json_ok(&["-Ln", "--json"], "list");
    assert_eq!(v["services"].as_array().unwrap().len(), 5);
    // Text modifiers change nothing in JSON: everything is always there.
    for extra in [
        &["--stats"][..],
        &["--rate", "--exact"],
        &["--thresholds"],
        &["--tun-info"],
    ] {
        let mut args = vec!["-L", "--json"];
        args.extend_from_slice(extra);
        assert_eq!(json_ok(&args, "list"), v);
    }
    let pretty = rvsadm(&["-Ln", "--pretty"]);
    let text = String::from_utf8(pretty.stdout).unwrap();
    assert!(text.contains("\n  \"services\": ["), "{text}");
    assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), v);
    // One service.
    let one = json_ok(&["-L", "-t", "192.0.2.1:80", "--json"], "list");
    let svc = &one["services"][0];
    assert_eq!(svc["protocol"], "tcp");
    assert_eq!(svc["address"], "192.0.2.1");
    assert_eq!(svc["family"], "inet");
    assert_eq!(svc["scheduler"], "rr");
    assert_eq!(svc["netmask"], "255.255.255.0");
    assert_eq!(svc["timeout"], 120);
    let flags: Vec<&str> = svc["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    assert!(
        flags.contains(&"persistent") && flags.contains(&"flag-1"),
        "{flags:?}"
    );
    let dests = svc["destinations"].as_array().unwrap();
    assert_eq!(dests.len(), 3);
    assert_eq!(dests[0]["forward"], "masq");
    assert_eq!(dests[0]["weight"], 3);
    assert_eq!(dests[0]["upper_threshold"], 100);
    assert_eq!(dests[1]["tunnel"]["type"], "gue");
    assert_eq!(dests[1]["tunnel"]["port"], 6080);
    assert_eq!(dests[1]["tunnel"]["flags"][0], "remcsum");
    assert!(dests[0]["stats"]["conns"].is_u64());
    // fwmark, IPv6, full 32-bit mark.
    let fw = json_ok(&["-L", "-f", "4294967295", "-6", "--json"], "list");
    assert_eq!(fw["services"][0]["fwmark"], 4294967295u64);
    assert_eq!(fw["services"][0]["family"], "inet6");
    assert_eq!(fw["services"][0]["prefix_length"], 64);
    let t = json_ok(&["-L", "--timeout", "--json"], "timeouts");
    assert_eq!(t["timeouts"]["tcp"], 900);
    assert_eq!(t["timeouts"]["tcp_fin"], 120);
    assert_eq!(t["timeouts"]["udp"], 300);
    let d = json_ok(&["-L", "--daemon", "--json"], "daemons");
    assert_eq!(d["daemons"].as_array().unwrap().len(), 2);
    assert_eq!(d["daemons"][0]["state"], "master");
    assert_eq!(d["daemons"][0]["mcast_group"], "239.1.2.3");
    let c = json_ok(&["-L", "-c", "--json"], "connections");
    assert!(c["connections"].is_array());
    json_ok(&["-S", "--json"], "save");
    // Stopping the daemons before the namespace goes away.
    ipvsadm_ok(&["--stop-daemon", "master"]);
    ipvsadm_ok(&["--stop-daemon", "backup"]);
    check_schemas();
}

#[test]
fn connections_listing_has_real_entries() {
    let Some(_ns) = common::kernel_netns("connections_listing_has_real_entries") else {
        return;
    };
    // A local UDP service on loopback: sending to it creates an entry.
    ipvsadm_ok(&["-A", "-u", "127.0.0.1:9999", "-s", "rr"]);
    ipvsadm_ok(&["-a", "-u", "127.0.0.1:9999", "-r", "127.0.0.1:9998", "-m"]);
    let rx = std::net::UdpSocket::bind("127.0.0.1:9998").unwrap();
    let tx = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    tx.send_to(b"hello", "127.0.0.1:9999").unwrap();
    rx.set_read_timeout(Some(std::time::Duration::from_secs(5)))
        .unwrap();
    let mut buf = [0u8; 16];
    let _ = rx.recv_from(&mut buf);
    let c = json_ok(&["-L", "-c", "--json"], "connections");
    let conns = c["connections"].as_array().unwrap();
    assert!(!conns.is_empty(), "no connection entry: {c}");
    assert_eq!(conns[0]["protocol"], "UDP");
    assert_eq!(conns[0]["virtual_port"], 9999);
    assert_eq!(conns[0]["dest_port"], 9998);
    check_schemas();
}

#[test]
fn mixed_family_lists_and_round_trips() {
    let Some(_ns) = common::kernel_netns("mixed_family_lists_and_round_trips") else {
        return;
    };
    mixed_family_setup();
    let v6 = json_ok(&["-L", "-t", "[2001:db8::1]:443", "--json"], "list");
    let fams: Vec<&str> = v6["services"][0]["destinations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["family"].as_str().unwrap())
        .collect();
    assert_eq!(fams, ["inet", "inet6"]);
    let save1 = String::from_utf8(rvsadm(&["-S", "--json"]).stdout).unwrap();
    validate(&save1, "save");
    ipvsadm_ok(&["-C"]);
    let r = rvsadm_in(&["-R", "--json"], &save1);
    assert!(r.status.success(), "{r:?}");
    assert_eq!(
        String::from_utf8(rvsadm(&["-S", "--json"]).stdout).unwrap(),
        save1
    );
    check_schemas();
}

#[test]
fn save_flush_restore_save_is_identical() {
    let Some(_ns) = common::kernel_netns("save_flush_restore_save_is_identical") else {
        return;
    };
    full_setup();
    let save1 = rvsadm(&["-S", "--json"]);
    assert!(save1.status.success(), "{save1:?}");
    let text1 = String::from_utf8(save1.stdout).unwrap();
    validate(&text1, "save");
    let doc: Value = serde_json::from_str(&text1).unwrap();
    assert_eq!(doc["services"].as_array().unwrap().len(), 5);
    assert_eq!(doc["daemons"].as_array().unwrap().len(), 2);
    // Flush everything, daemons and timeouts included.
    ipvsadm_ok(&["-C"]);
    ipvsadm_ok(&["--stop-daemon", "master"]);
    ipvsadm_ok(&["--stop-daemon", "backup"]);
    ipvsadm_ok(&["--set", "11", "12", "13"]);
    assert_eq!(common::stdout_ok(&common::ipvsadm(&["-Sn"])), "");
    let r = rvsadm_in(&["-R", "--json"], &text1);
    assert!(r.status.success(), "{r:?}");
    let save2 = rvsadm(&["-S", "--json"]);
    assert_eq!(String::from_utf8(save2.stdout).unwrap(), text1);
    // And ipvsadm sees the same table it was given.
    let sn = common::stdout_ok(&common::ipvsadm(&["-Sn"]));
    assert!(
        sn.contains("-A -t 192.0.2.1:80 -s rr -p 120 -M 255.255.255.0 -b flag-1"),
        "{sn}"
    );
    assert!(
        sn.contains("--tun-type gue --tun-port 6080 --tun-remcsum"),
        "{sn}"
    );
    ipvsadm_ok(&["--stop-daemon", "master"]);
    ipvsadm_ok(&["--stop-daemon", "backup"]);
    check_schemas();
}

#[test]
fn bad_restore_documents_change_nothing() {
    let Some(_ns) = common::kernel_netns("bad_restore_documents_change_nothing") else {
        return;
    };
    ipvsadm_ok(&["-A", "-t", "192.0.2.9:80"]);
    let before = common::stdout_ok(&common::ipvsadm(&["-Sn"]));
    let good_svc =
        r#"{"family":"inet","protocol":"tcp","address":"192.0.2.1","port":80,"scheduler":"wlc"}"#;
    let cases: &[(&str, &str)] = &[
        ("{", ""),
        ("[]", ""),
        (
            r#"{"schema_version":1,"services":[{"family":"inet"}]}"#,
            "services[0]",
        ),
        (
            &format!(
                r#"{{"schema_version":1,"services":[{good_svc},{{"family":"inet","protocol":"tcp","address":"192.0.2.2","port":70000,"scheduler":"wlc"}}]}}"#
            ),
            "services[1].port",
        ),
        (
            &format!(
                r#"{{"schema_version":1,"services":[{good_svc},{{"family":"inet","protocol":"tcp","address":"192.0.2.2","port":80,"scheduler":"much-too-long-name"}}]}}"#
            ),
            "services[1].scheduler",
        ),
        (
            // The kernel refuses a lower threshold above the upper one even
            // when the upper one is 0 (none).
            r#"{"schema_version":1,"services":[{"family":"inet","protocol":"tcp","address":"192.0.2.1","port":80,"scheduler":"wlc","destinations":[{"family":"inet","address":"10.0.0.1","port":80,"forward":"masq","weight":1,"lower_threshold":5}]}]}"#,
            "services[0].destinations[0].lower_threshold",
        ),
        (
            // The other address family needs tunnel forwarding.
            r#"{"schema_version":1,"services":[{"family":"inet","protocol":"tcp","address":"192.0.2.1","port":80,"scheduler":"wlc","destinations":[{"family":"inet6","address":"2001:db8::1","port":80,"forward":"masq","weight":1}]}]}"#,
            "services[0].destinations[0].address",
        ),
        (
            r#"{"schema_version":1,"services":[{"family":"inet","protocol":"tcp","address":"192.0.2.1","port":80,"scheduler":"wlc","destinations":[{"family":"inet","address":"10.0.0.1","port":80,"forward":"masq","weight":1},{"family":"inet","address":"10.0.0.2","port":80,"forward":"masq","weight":-3}]}]}"#,
            "services[0].destinations[1].weight",
        ),
        (
            r#"{"schema_version":1,"services":[{"family":"inet","protocol":"tcp","address":"192.0.2.1","port":80,"scheduler":"wlc","destinations":[{"family":"inet","address":"10.0.0.1","port":80,"forward":"masq","weight":"heavy"}]}]}"#,
            "services[0].destinations[0].weight",
        ),
        (
            r#"{"schema_version":1,"services":[],"daemons":[{"state":"master","mcast_ifn":"lo","sync_id":300}]}"#,
            "daemons[0].sync_id",
        ),
        (
            r#"{"schema_version":1,"services":[],"timeouts":{"tcp":-1,"tcp_fin":0,"udp":0}}"#,
            "timeouts.tcp",
        ),
    ];
    for (doc, path) in cases {
        let out = rvsadm_in(&["-R", "--json"], doc);
        let (err, rc) = json_err(&out);
        assert_eq!(rc, 2, "{doc}: {out:?}");
        assert_eq!(err["code"], "invalid_document", "{doc}");
        assert_eq!(err["number"], 51);
        if !path.is_empty() {
            assert_eq!(err["path"], *path, "{doc}: {err}");
        }
        assert_eq!(
            common::stdout_ok(&common::ipvsadm(&["-Sn"])),
            before,
            "{doc}"
        );
    }
    check_schemas();
}

#[test]
fn kernel_errors_carry_stable_codes() {
    let Some(_ns) = common::kernel_netns("kernel_errors_carry_stable_codes") else {
        return;
    };
    let check = |args: &[&str], code: &str, number: u64, errno: Option<i64>| {
        let mut a = args.to_vec();
        a.push("--json");
        eprintln!("rvsadm {a:?}");
        let out = rvsadm(&a);
        let (err, rc) = json_err(&out);
        assert_eq!(err["code"], code, "{args:?}: {err}");
        assert_eq!(err["number"], number, "{args:?}");
        match errno {
            Some(e) => assert_eq!(err["errno"], e, "{args:?}"),
            None => assert!(err.get("errno").is_none()),
        }
        rc
    };
    ipvsadm_ok(&["-A", "-t", "192.0.2.1:80"]);
    ipvsadm_ok(&["-a", "-t", "192.0.2.1:80", "-r", "10.0.0.1", "-m"]);
    assert_eq!(
        check(
            &["-A", "-t", "192.0.2.1:80"],
            "service_exists",
            10,
            Some(17)
        ),
        255
    );
    check(
        &["-E", "-t", "192.0.2.2:80"],
        "no_such_service",
        11,
        Some(3),
    );
    check(
        &["-A", "-t", "192.0.2.3:80", "-s", "nosuch"],
        "scheduler_or_pe_not_found",
        12,
        Some(2),
    );
    check(
        &["-a", "-t", "192.0.2.1:80", "-r", "10.0.0.1", "-m"],
        "destination_exists",
        13,
        Some(17),
    );
    check(
        &["-e", "-t", "192.0.2.1:80", "-r", "10.0.0.9", "-m"],
        "no_such_destination",
        14,
        Some(2),
    );
    check(
        &["-a", "-t", "192.0.2.1:80", "-r", "224.0.0.1", "-m"],
        "invalid_argument",
        20,
        Some(22),
    );
    check(
        &[
            "-a",
            "-t",
            "192.0.2.1:80",
            "-r",
            "10.0.0.2",
            "-m",
            "-y",
            "5",
        ],
        "out_of_range",
        21,
        Some(34),
    );
    check(
        &[
            "--start-daemon",
            "master",
            "--mcast-interface",
            "nosuchdev0",
        ],
        "no_such_device",
        22,
        Some(19),
    );
    check(
        &["--stop-daemon", "backup"],
        "no_daemon_running",
        16,
        Some(3),
    );
    ipvsadm_ok(&["--start-daemon", "master", "--mcast-interface", "lo"]);
    check(
        &["--start-daemon", "master", "--mcast-interface", "lo"],
        "daemon_running",
        15,
        Some(17),
    );
    ipvsadm_ok(&["--stop-daemon", "master"]);
    // A listing that fails exits 1.
    assert_eq!(
        check(
            &["-L", "-t", "192.0.2.7:80"],
            "no_such_service",
            11,
            Some(3)
        ),
        1
    );
    // A usage error keeps ipvsadm's text and exit code.
    let out = rvsadm(&["-A", "-t", "192.0.2.1:0", "--json"]);
    let (err, rc) = json_err(&out);
    assert_eq!(err["code"], "usage");
    assert_eq!(
        err["message"],
        "Zero port specified for non-persistent service"
    );
    assert_eq!(rc, 2);
    // Output that cannot be written (a full device): `io`, exit 1.
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!("{} -Ln --json > /dev/full", rvsadm_path()))
        .output()
        .unwrap();
    let (err, rc) = json_err(&out);
    assert_eq!(err["code"], "io", "{out:?}");
    assert_eq!(err["number"], 40);
    assert_eq!(rc, 1);
    // Not root: permission denied.
    let out = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(rvsadm_path())
        .args(["-A", "-t", "192.0.2.5:80", "--json"])
        .output()
        .expect("setpriv");
    let (err, rc) = json_err(&out);
    assert_eq!(err["code"], "permission_denied", "{out:?}");
    assert_eq!(err["errno"], 1);
    assert_eq!(rc, 255);
    check_schemas();
}

#[test]
fn library_kernel_variant_for_unmapped_errno() {
    let Some(_ns) = common::kernel_netns("library_kernel_variant_for_unmapped_errno") else {
        return;
    };
    // An address family the kernel does not know gets EAFNOSUPPORT: no
    // dedicated variant, so the generic `kernel` code with the errno.
    let ipvs = rvsadm::Ipvs::connect().unwrap();
    let svc = rvsadm::Service::new(rvsadm::ServiceKey::Fwmark {
        mark: 1,
        family: rvsadm::Family::Other(7),
    });
    let e = ipvs.add_service(&svc).unwrap_err();
    assert_eq!(e.code(), "kernel", "{e}");
    assert_eq!(e.number(), 30);
    assert_eq!(e.errno(), Some(97));
    assert_eq!(
        ipvsadm_message(&e),
        "Operation not supported with specified address family"
    );
}

/// `-v --json` needs no IPVS, but its document is checked against its
/// schema here, where the schema checker is sure to be installed.
#[test]
fn version_document_matches_its_schema() {
    if !common::in_vm() {
        eprintln!("SKIPPED version_document_matches_its_schema: runs inside the VM (scripts/vm)");
        return;
    }
    for args in [&["-v", "--json"][..], &["--version", "--pretty"]] {
        let v = json_ok(args, "version");
        assert_eq!(v["rvsadm"], env!("CARGO_PKG_VERSION"));
        assert_eq!(v["ipvsadm_compat"], "1.31");
    }
    check_schemas();
}
