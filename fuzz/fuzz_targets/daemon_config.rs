//! Fuzz both rvsadmd configuration readers (rvsadmd.toml, ldirectord.cf):
//! any text gives a configuration or an error with a line, never a
//! panic; a configuration read from either prints as native TOML that
//! reads back, and expands for checks through the VIP without a panic;
//! each native service prints as fleet mode's etcd value that reads back
//! as that service; fleet mode's `[fleet]` reader gives settings or an
//! error, never a panic; a range of marks or of ports that reads prints
//! as itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rvsadmd::config::{ldirectord, native, via_vip};
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(r) = via_vip::MarkRange::parse(text) {
        assert_eq!(via_vip::MarkRange::parse(&r.to_string()), Ok(r));
    }
    if let Ok(r) = via_vip::PortRange::parse(text) {
        assert_eq!(via_vip::PortRange::parse(&r.to_string()), Ok(r));
    }
    let f = Path::new("fuzz");
    for cfg in [native::parse(f, text), ldirectord::parse(f, text)]
        .into_iter()
        .flatten()
    {
        let again = native::parse(f, &native::to_toml(&cfg));
        assert!(again.is_ok(), "{:?}", again.err());
        let values = rvsadmd::fleet::values_of(&cfg);
        assert!(values.is_ok(), "{:?}", values.err());
        let run = via_vip::expand(cfg, None);
        let _ = via_vip::expand(run.clone(), Some(&run));
    }
    if let Ok(Some((raw, line))) = rvsadm_fleet::settings::read("fuzz", text) {
        let _ = rvsadm_fleet::Settings::validate(raw, "fuzz", line);
    }
});
