//! Fuzz the `-R --json` reader: any document must parse and validate into
//! a configuration or an error with a path, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(doc) = rvsadm::json::parse_save(text) {
            let _ = doc.validate();
        }
    }
});
