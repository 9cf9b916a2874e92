//! The library against the real kernel (inside the VM), with ipvsadm 1.31
//! as the oracle. Every test runs in a fresh network namespace.

mod common;

use rvsadm::Ipvs;

/// `IP Virtual Server version 1.2.1 (size=4096)` -> (version, size).
fn ipvsadm_header() -> (String, u32) {
    let out = common::stdout_ok(&common::ipvsadm(&["-Ln"]));
    let first = out.lines().next().unwrap().to_string();
    let rest = first
        .strip_prefix("IP Virtual Server version ")
        .unwrap_or_else(|| panic!("unexpected first line {first:?}"));
    let (ver, size) = rest.split_once(" (size=").unwrap();
    let size: u32 = size.trim_end_matches(')').parse().unwrap();
    (ver.to_string(), size)
}

#[test]
fn info_matches_ipvsadm() {
    let Some(_ns) = common::kernel_netns("info_matches_ipvsadm") else {
        return;
    };
    let ipvs = Ipvs::connect().unwrap();
    let info = ipvs.info().unwrap();
    assert_eq!(info.version, 0x010201);
    let (ver, size) = ipvsadm_header();
    assert_eq!(info.version_string(), ver);
    assert_eq!(info.conn_tab_size, size);
    assert_eq!(size, 4096);
    // The socket is reused: many requests in a row on one handle.
    for _ in 0..50 {
        assert_eq!(ipvs.info().unwrap(), info);
    }
}
