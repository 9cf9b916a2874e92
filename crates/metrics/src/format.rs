//! The two expositions and the choice between them.

use crate::Error;
use prometheus_client::encoding::{prometheus_text, text};
use prometheus_client::registry::Registry;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The media type of OpenMetrics text, as a scrape's `Accept` names it.
const OPENMETRICS: &str = "application/openmetrics-text";

/// How a registry is written out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The Prometheus text format, version 0.0.4 (the default).
    Prometheus,
    /// OpenMetrics 1.0 text (`# EOF` at the end, counters typed by their
    /// name without `_total`).
    OpenMetrics,
}

impl Format {
    /// The format a scrape asks for by its `Accept` header: OpenMetrics
    /// when it lists `application/openmetrics-text` with a quality above
    /// 0 and no lower than any `text/plain` it lists (as Prometheus asks by
    /// default); else the Prometheus text format.
    ///
    /// ```
    /// use rvsadm_metrics::Format;
    /// let prometheus = "application/openmetrics-text;version=1.0.0;q=0.5,\
    ///                   text/plain;version=0.0.4;q=0.3,*/*;q=0.2";
    /// assert_eq!(Format::negotiate(Some(prometheus)), Format::OpenMetrics);
    /// assert_eq!(Format::negotiate(Some("text/plain")), Format::Prometheus);
    /// assert_eq!(Format::negotiate(None), Format::Prometheus);
    /// ```
    pub fn negotiate(accept: Option<&str>) -> Format {
        let (mut open, mut plain) = (0.0_f64, 0.0_f64);
        for range in accept.unwrap_or_default().split(',') {
            let mut parts = range.split(';').map(str::trim);
            let media = parts.next().unwrap_or_default().to_ascii_lowercase();
            let q = parts
                .filter_map(|p| p.strip_prefix("q="))
                .find_map(|v| v.parse::<f64>().ok())
                .unwrap_or(1.0);
            if media == OPENMETRICS {
                open = open.max(q);
            } else if media == "text/plain" {
                plain = plain.max(q);
            }
        }
        if open > 0.0 && open >= plain {
            Format::OpenMetrics
        } else {
            Format::Prometheus
        }
    }

    /// The `Content-Type` of an exposition in this format.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Prometheus => prometheus_text::CONTENT_TYPE,
            Format::OpenMetrics => "application/openmetrics-text; version=1.0.0; charset=utf-8",
        }
    }
}

/// The size of the last exposition: the next one's buffer starts that
/// large (a scrape of 10,000 destinations is some 40 MB, which growing a
/// buffer by doubling would copy twice over).
static LAST_SIZE: AtomicUsize = AtomicUsize::new(0);

/// `registry` written out in `format`.
pub fn encode(registry: &Registry, format: Format) -> Result<String, Error> {
    let mut out = String::with_capacity(LAST_SIZE.load(Ordering::Relaxed));
    match format {
        Format::Prometheus => prometheus_text::encode(&mut out, registry),
        Format::OpenMetrics => text::encode(&mut out, registry),
    }
    .map_err(|_| Error::Encode)?;
    LAST_SIZE.store(out.len() + out.len() / 16, Ordering::Relaxed);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_client_decides_by_quality() {
        let n = |a| Format::negotiate(Some(a));
        assert_eq!(n("application/openmetrics-text"), Format::OpenMetrics);
        assert_eq!(
            n("Application/OpenMetrics-Text; version=1.0.0"),
            Format::OpenMetrics
        );
        assert_eq!(n("application/openmetrics-text;q=0"), Format::Prometheus);
        assert_eq!(
            n("text/plain;q=0.9, application/openmetrics-text;q=0.5"),
            Format::Prometheus
        );
        assert_eq!(n("*/*"), Format::Prometheus);
        assert_eq!(n(""), Format::Prometheus);
    }
}
