//! Fuzz the netlink reply decoders: any bytes the kernel (or anything
//! pretending to be it) could send must decode or fail, never panic.
//!
//! Run with `cargo +nightly fuzz run decode_reply` from the crate root.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    rvsadm::fuzz_decode(data);
});
