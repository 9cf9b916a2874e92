//! Fuzz the choice of exposition from a scrape's `Accept` header (what
//! rvsadmd's `/metrics` reads from the network). Nothing may panic; the
//! choice must not depend on what follows a quality of 0 for OpenMetrics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rvsadm_metrics::Format;

fuzz_target!(|data: &[u8]| {
    if let Ok(accept) = std::str::from_utf8(data) {
        let f = Format::negotiate(Some(accept));
        let _ = f.content_type();
        let refused = format!("application/openmetrics-text;q=0,{accept}");
        if !accept.to_ascii_lowercase().contains("openmetrics") {
            assert_eq!(Format::negotiate(Some(&refused)), Format::Prometheus);
        }
    }
});
