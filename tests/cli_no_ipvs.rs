//! The binary on a machine without IPVS (this one, outside the VM): help,
//! version and parse errors still work (ipvsadm fails there), and errors
//! carry their stable codes with --json.

use std::process::{Command, Output, Stdio};

fn no_ipvs_here() -> bool {
    if std::path::Path::new("/proc/net/ip_vs").exists() {
        eprintln!("SKIPPED: this kernel has IPVS; these tests are for machines without it");
        return false;
    }
    true
}

fn rvsadm(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rvsadm"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn json_error(o: &Output) -> serde_json::Value {
    let text = String::from_utf8_lossy(&o.stderr);
    let line = text.lines().last().unwrap_or_default();
    let v: serde_json::Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {text}"));
    v["error"].clone()
}

#[test]
fn help_and_version_work_without_ipvs() {
    if !no_ipvs_here() {
        return;
    }
    let v = rvsadm(&["-v"]);
    assert_eq!(v.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&v.stdout),
        "ipvsadm v1.31 2019/12/24 (compiled with popt and IPVS v1.2.1)\n"
    );
    let h = rvsadm(&["--help"]);
    assert_eq!(h.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&h.stdout).contains("--add-service     -A"));
    let bad = rvsadm(&["-A", "-t", "192.0.2.1:0"]);
    assert_eq!(bad.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&bad.stderr),
        "Zero port specified for non-persistent service\n"
    );
}

/// `-v` stays ipvsadm's line, for scripts; `-v --json` tells which rvsadm
/// this is as well. Neither needs IPVS, so this runs with or without it.
#[test]
fn version_line_and_version_document() {
    const LINE: &str = "ipvsadm v1.31 2019/12/24 (compiled with popt and IPVS v1.2.1)";
    for args in [&["-v"][..], &["--version"], &["-v", "-n"]] {
        let o = rvsadm(args);
        assert_eq!(o.status.code(), Some(0), "{args:?}");
        assert_eq!(
            String::from_utf8_lossy(&o.stdout),
            format!("{LINE}\n"),
            "{args:?}"
        );
        assert!(o.stderr.is_empty(), "{args:?}");
    }
    let want = serde_json::json!({
        "schema_version": 1,
        "rvsadm": env!("CARGO_PKG_VERSION"),
        "ipvsadm_compat": "1.31",
        "ipvsadm_version": LINE,
    });
    for args in [
        &["-v", "--json"][..],
        &["--json", "-v"],
        &["--version", "--json"],
        &["--version", "--pretty"],
    ] {
        let o = rvsadm(args);
        assert_eq!(o.status.code(), Some(0), "{args:?}");
        assert!(o.stderr.is_empty(), "{args:?}");
        let text = String::from_utf8(o.stdout).unwrap();
        let pretty = args.contains(&"--pretty");
        assert_eq!(text.lines().count() > 1, pretty, "{args:?}: {text}");
        assert!(text.ends_with("}\n"), "{args:?}: {text}");
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v, want, "{args:?}");
    }
}

#[test]
fn kernel_commands_fail_like_ipvsadm_without_ipvs() {
    if !no_ipvs_here() {
        return;
    }
    let o = rvsadm(&["-Ln"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).ends_with(
        "Can't initialize ipvs: Protocol not available\nAre you sure that IP Virtual Server is built in the kernel or as module?\n"
    ));
    let e = json_error(&rvsadm(&["-Ln", "--json"]));
    assert_eq!(e["code"], "ipvs_unavailable");
    assert_eq!(e["number"], 1);
}

#[test]
fn json_error_codes_without_ipvs() {
    if !no_ipvs_here() {
        return;
    }
    let o = rvsadm(&["-L", "-c", "--json"]);
    assert_eq!(o.status.code(), Some(1));
    let e = json_error(&o);
    assert_eq!(e["code"], "conn_table");
    assert_eq!(e["number"], 52);
    let o = rvsadm(&["-A", "--json"]);
    assert_eq!(o.status.code(), Some(2));
    let e = json_error(&o);
    assert_eq!(e["code"], "usage");
    assert_eq!(
        e["message"],
        "You need to supply the 'service-address' option for the 'add-service' command"
    );
}

#[test]
fn json_restore_is_validated_before_the_kernel_is_needed() {
    if !no_ipvs_here() {
        return;
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_rvsadm"))
        .args(["-R", "--json"])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(br#"{"schema_version":1,"services":[{"family":"inet","protocol":"tcp","address":"192.0.2.1","port":80,"scheduler":"wlc","destinations":[{"family":"inet","address":"10.0.0.1","port":80,"forward":"masq","weight":1},{"family":"inet","address":"10.0.0.2","port":80,"forward":"masq","weight":"x"}]}]}"#)
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let e = json_error(&o);
    assert_eq!(e["code"], "invalid_document");
    assert_eq!(e["path"], "services[0].destinations[1].weight");
}

#[test]
fn doctor_names_the_missing_ipvs_and_what_to_do() {
    if !no_ipvs_here() {
        return;
    }
    let o = rvsadm(&["doctor", "--json"]);
    assert_eq!(o.status.code(), Some(2), "{o:?}");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let codes: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["ipvs_unavailable"]);
    assert!(v["findings"][0]["fix"]
        .as_str()
        .unwrap()
        .contains("modprobe ip_vs"));
    let text = rvsadm(&["doctor"]);
    assert_eq!(text.status.code(), Some(2));
    let out = String::from_utf8_lossy(&text.stdout);
    assert!(out.starts_with("error ipvs_unavailable: "), "{out}");
    assert!(out.ends_with("doctor: 1 error, 0 warnings\n"), "{out}");
}

#[test]
fn doctor_refuses_a_bad_command_line_and_a_bad_desired_file() {
    let o = rvsadm(&["doctor", "--bogus"]);
    assert_eq!(o.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--bogus"));
    let o = rvsadm(&["doctor", "--json", "--desired", "/nonexistent/desired.json"]);
    assert_eq!(o.status.code(), Some(3));
    let e = json_error(&o);
    assert_eq!(e["code"], "invalid_document");
    assert!(e["message"]
        .as_str()
        .unwrap()
        .contains("/nonexistent/desired.json"));
}

#[test]
fn doctor_prints_a_real_servers_setup_anywhere() {
    let o = rvsadm(&[
        "doctor",
        "--real-server",
        "--method",
        "tun",
        "--vip",
        "192.0.2.10",
        "--print-setup",
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["schema_version"], 1);
    let cmds: Vec<&str> = v["commands"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert_eq!(
        cmds[..3],
        [
            "modprobe ipip",
            "ip link set tunl0 up",
            "ip addr add 192.0.2.10/32 dev tunl0"
        ]
    );
    let text = rvsadm(&[
        "doctor",
        "--real-server",
        "--method",
        "nat",
        "--vip",
        "192.0.2.10",
        "--director",
        "10.0.0.1",
        "--print-setup",
    ]);
    assert_eq!(
        String::from_utf8_lossy(&text.stdout),
        "ip route replace default via 10.0.0.1\n"
    );
}
