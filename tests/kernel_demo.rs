//! `scripts/demo`, the README's first command, keeps working: run in the
//! VM with the binaries under test, it exits 0 and tells each part of its
//! story (the plan, the weight set to 0 and back, the drain).

mod common;

use std::path::Path;
use std::process::Command;

#[test]
fn demo_tells_the_whole_story() {
    if !common::in_vm() {
        eprintln!("SKIPPED demo_tells_the_whole_story: runs inside the VM (scripts/vm)");
        return;
    }
    let rvsadm = common::rvsadm_path();
    let bin = Path::new(&rvsadm).parent().expect("rvsadm's directory");
    let out = Command::new(concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/demo"))
        .env("RVSADM_BIN", bin)
        .output()
        .expect("running scripts/demo");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "scripts/demo failed: {}\n{text}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    for part in [
        // apply: the plan, then the edit in place.
        "Plan: 5 to add, 0 to change, 0 to delete, 0 to drain; nothing changed (--dry-run).",
        "~ destination tcp 192.0.2.1:80 -> 10.0.0.3:8080: weight 3 -> 2",
        // rvsadmd: the back end stops (weight 0), comes back (weight 2).
        "\"change\":\"-e -t 192.0.2.1:80 -r 10.0.0.3:8080 -m -w 0\"",
        "\"change\":\"-e -t 192.0.2.1:80 -r 10.0.0.3:8080 -m -w 2\"",
        "  -> 10.0.0.3:8080                Masq    0      ",
        // The drain and its status row.
        "10.0.0.2:8080  up      drained  0/3",
        // A frame of rvsadm top with rvsadmd's health.
        "rvsadm top  2 services, 3 destinations",
        "  -> 10.0.0.3:8080",
        // The scrape: the destination that went down and came back.
        "rvsadm_destination_transitions_total{",
        "rvsadm_destination_health{",
    ] {
        assert!(
            text.contains(part),
            "the demo's output lacks {part:?}:\n{text}"
        );
    }
}
