//! Fuzz the `-R` input reader and the parser behind it: any bytes, split
//! into records, each parsed in restore mode. Nothing may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rvsadm_cli::compat::{args::parse, restore};

fuzz_target!(|data: &[u8]| {
    let all = restore::records(data, "ipvsadm");
    let mut reader = restore::Reader::new(data, "ipvsadm");
    let mut streamed = Vec::new();
    while let Ok(Some(argv)) = reader.next_record() {
        streamed.push(argv);
    }
    assert_eq!(all, streamed);
    for argv in &all {
        assert!(argv.iter().skip(1).all(|t| t != "ipvsadm"));
        let _ = parse(argv, true);
    }
});
