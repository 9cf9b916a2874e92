//! The Prometheus families of an IPVS table, shared by `rvsadm metrics`
//! (printed once) and rvsadmd's `/metrics` (served, beside the daemon's
//! own families).
//!
//! - [`labels`]: the one label set of a service (`protocol`, `vip`,
//!   `port`, `fwmark`) and of a destination (those and `real`,
//!   `real_port`), which the daemon's families use too, so that series
//!   of both join;
//! - [`ipvs`]: [`IpvsFamilies`], a collector over services read with
//!   their counters: the kernel's counters as they are, its rate
//!   estimates, connections and weights;
//! - [`format`](mod@format): the two expositions ([`Format::Prometheus`], the text
//!   format 0.0.4, and [`Format::OpenMetrics`]), chosen from a scrape's
//!   `Accept` header, and [`encode`].
//!
//! Every name, type and label is listed in `man/rvsadm.8` and
//! `man/rvsadmd.8`, and pinned by the golden test `tests/metrics_names.rs`.
//!
//! ```
//! use rvsadm::{Service, ServiceKey};
//! use rvsadm_metrics::{encode, Format, IpvsFamilies, Registry};
//! let mut web = Service::new(ServiceKey::tcp("192.0.2.1:80".parse().unwrap()));
//! web.stats.conns = 7;
//! let mut registry = Registry::default();
//! registry.register_collector(Box::new(IpvsFamilies::new(&[web])));
//! let text = encode(&registry, Format::Prometheus).unwrap();
//! assert!(text.contains(
//!     "rvsadm_service_connections_total{protocol=\"tcp\",vip=\"192.0.2.1\",port=\"80\",fwmark=\"0\"} 7"
//! ));
//! ```

pub mod format;
pub mod ipvs;
pub mod labels;

pub use format::{encode, Format};
pub use ipvs::IpvsFamilies;
pub use labels::{DestLabels, ServiceLabels};
pub use prometheus_client::registry::Registry;

/// What went wrong while encoding.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A collector or metric failed to write its part of the exposition
    /// (a bug: writing to memory does not fail); report it.
    #[error("the metrics could not be encoded (please report this)")]
    Encode,
}

impl Error {
    /// The stable code of the error.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Encode => "metrics_encode",
        }
    }
}
