//! Fuzz the ipvsadm-compatible argv parser: NUL-separated words become argv
//! (after `ipvsadm`); the first byte chooses restore mode. It must never
//! panic, and failures must look like ipvsadm's.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rvsadm_cli::compat::args::parse;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let mut argv = vec!["ipvsadm".to_string()];
    if !rest.is_empty() {
        argv.extend(
            rest.split(|&b| b == 0)
                .map(|w| String::from_utf8_lossy(w).into_owned()),
        );
    }
    if let Err(f) = parse(&argv, mode & 1 == 1) {
        assert!(f.exit_code == 2 || f.exit_code == 255);
        assert!(f.stderr.ends_with('\n'));
    }
});
