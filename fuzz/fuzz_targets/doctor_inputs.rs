//! Fuzz what `rvsadm doctor` reads from files: any bytes as a kernel
//! configuration, as /proc/modules, modules.builtin and modules.dep, and
//! as a kernel release. Nothing may panic; a module read is found again.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rvsadm_doctor::facts::{Kernel, KernelConfig, Modules};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.splitn(3, '\0');
    let (a, b, c) = (
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
    );
    let _ = KernelConfig::parse("fuzz", &text);
    let _ = Kernel::from_release(a);
    let m = Modules::parse(a, b, c, "fuzz");
    for name in m.loaded.iter().chain(&m.installed).chain(&m.builtin) {
        assert!(m.has(name));
    }
});
