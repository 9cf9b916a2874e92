//! Fuzz the keepalived.conf front end (comments, quotes, braces, includes
//! and their globs, `@` lines, `$` definitions, `~SEQ`): any bytes as the
//! main file give statements or an error with a file and a line, never a
//! panic or a hang. The input is also on disk twice, in memory, under
//! names its includes can reach (loops, globs, braces). A document that
//! reads goes on through the typed layer and the mapping into rvsadmd's
//! model: a configuration (that prints as native TOML that reads back)
//! or an error with a line, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rvsadmd::config::keepalived::{map, read_from, typed, IncludeCheck, Memory, Options};
use rvsadmd::config::native;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let fs = Memory::new()
        .with("/k/keepalived.conf", data)
        .with("/k/conf.d/a.conf", data)
        .with("/k/conf.d/b.conf", "$A=1\nreal_server 10.0.0.${A} 80 {\n weight $A\n}\n")
        .with("/k/rs.conf", "}\n");
    let options = Options {
        config_id: "lb1".into(),
        include_check: IncludeCheck::default(),
        random_seed: 1,
    };
    match read_from(&fs, Path::new("/k/keepalived.conf"), &options) {
        Ok(doc) => {
            assert!(!doc.files.is_empty());
            match typed::lvs(&doc).and_then(|l| map::config(&l)) {
                Ok(cfg) => {
                    let f = Path::new("fuzz.toml");
                    let again = native::parse(f, &native::to_toml(&cfg));
                    assert!(again.is_ok(), "{:?}", again.err());
                }
                Err(e) => assert!(!e.message.is_empty()),
            }
        }
        Err(e) => assert!(!e.at.file.as_os_str().is_empty() && !e.message.is_empty()),
    }
});
