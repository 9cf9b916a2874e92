//! Fuzz the parser of `/proc/net/ip_vs` (the brief reads of listings) and
//! its match to a service dump: any text must parse or be refused, never
//! panic.
//!
//! Run with `cargo +nightly fuzz run proc_table` from the crate root.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        rvsadm::fuzz_proc_table(text);
    }
});
