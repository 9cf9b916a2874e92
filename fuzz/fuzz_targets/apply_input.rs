//! Fuzz what `rvsadm apply` reads: any bytes as ipvsadm rules text and as a
//! JSON document, and whatever desired state comes out planned against a
//! small live table. Nothing may panic; a plan from a valid state must be
//! made.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rvsadm_cli::apply::parse_rules;
use rvsadm::reconcile::{plan, Options};
use rvsadm::{DestConfig, Destination, ForwardMethod, Service, ServiceKey, Snapshot};

fuzz_target!(|data: &[u8]| {
    let mut live = Snapshot::default();
    let mut s = Service::new(ServiceKey::tcp("192.0.2.1:80".parse().unwrap()));
    s.destinations.push(Destination::new(
        "10.0.0.1:80".parse().unwrap(),
        DestConfig::new(ForwardMethod::Masq),
    ));
    live.services.push(s);
    let mut states = Vec::new();
    if let Ok(d) = parse_rules(data) {
        states.push(d);
    }
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(d) = rvsadm::json::parse_save(text).and_then(|d| d.validate()) {
            states.push(d);
        }
    }
    for d in states {
        for (prune, drain) in [(false, false), (true, true)] {
            // A state that passed its checks always plans.
            let p = plan(&d, &live, &Options { prune, drain });
            assert!(d.check().is_err() || p.is_ok());
        }
    }
});
