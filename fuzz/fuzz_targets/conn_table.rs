//! Fuzz the `/proc/net/ip_vs_conn` readers: the typed parser
//! (`ConnectionTable::parse`) and the ipvsadm-compatible `-c` renderer that
//! scans the raw text, must never panic on any input.
//!
//! Run with `cargo +nightly fuzz run conn_table` from the crate root.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rvsadm_cli::compat::names::NumericNames;
use rvsadm_cli::compat::render::{write_proc_conns, ConnOptions};

fuzz_target!(|data: &[u8]| {
    let _ = rvsadm::ConnectionTable::parse(&String::from_utf8_lossy(data));
    for persistent_conn in [false, true] {
        let opts = ConnOptions {
            numeric: true,
            persistent_conn,
        };
        let mut out = Vec::new();
        let _ = write_proc_conns(&mut out, data, opts, &NumericNames);
    }
});
