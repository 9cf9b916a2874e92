//! rvsadmd's `/metrics`: the daemon's own families beside the IPVS ones
//! (crate `rvsadm-metrics`, which `rvsadm metrics` prints too).
//!
//! - this file: [`Metrics`], what the run loop counts as it goes (check
//!   results and their latency, up/down transitions, batches and changes,
//!   the time from a check result to its write, reads of the table,
//!   reloads), through one small call each;
//! - [`view`]: what the engine says at a scrape (weights, health, admin
//!   state, destinations up per service), read from it when asked;
//! - [`server`]: the HTTP server (hyper), which asks the loop for a
//!   [`view::View`], reads the table with counters and encodes it all.
//!
//! Every name is listed in `man/rvsadmd.8` (METRICS) and pinned by
//! `tests/metrics_names.rs`.

pub mod server;
pub mod view;

use crate::engine::DestKey;
use crate::health::Outcome;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::metrics::info::Info;
use prometheus_client::registry::Registry;
use rvsadm::reconcile::Outcome as StepOutcome;
use rvsadm_metrics::DestLabels;
use std::sync::atomic::AtomicU64;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// A destination's labels and two more (`check` and `outcome`, or `to`).
type With<const N: usize> = (DestLabels, [(&'static str, &'static str); N]);

/// Builds a histogram with the buckets of its family.
type Buckets = fn() -> Histogram;

/// The bounds of a check's latency, in seconds (1 ms to 10 s; few, as
/// every destination has its histogram: a scrape of 10,000 destinations
/// stays within 100 ms).
const CHECK_SECONDS: [f64; 7] = [0.001, 0.005, 0.025, 0.1, 0.5, 2.5, 10.0];

/// The bounds of the time from a result to the write, in seconds (the
/// loop gathers results for 20 ms before it decides).
const WRITE_SECONDS: [f64; 10] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

fn check_buckets() -> Histogram {
    Histogram::new(CHECK_SECONDS)
}

/// What the daemon counts as it runs. Clones share the same values (the
/// server registers clones at each scrape).
#[derive(Debug, Clone)]
pub struct Metrics {
    check_results: Family<With<2>, Counter>,
    check_seconds: Family<With<1>, Histogram, Buckets>,
    transitions: Family<With<1>, Counter>,
    floor_kept: Family<DestLabels, Counter>,
    batches: Counter,
    written: Counter,
    refused: Counter,
    result_to_write: Histogram,
    last_read: Gauge<f64, AtomicU64>,
    reloads: Family<[(&'static str, &'static str); 1], Counter>,
    generation: Gauge,
    /// When the oldest result not yet written arrived (not shared: the
    /// loop's own).
    pending: Option<Instant>,
}

impl Default for Metrics {
    fn default() -> Self {
        let generation = Gauge::default();
        generation.set(1);
        Metrics {
            check_results: Family::default(),
            check_seconds: Family::new_with_constructor(check_buckets),
            transitions: Family::default(),
            floor_kept: Family::default(),
            batches: Counter::default(),
            written: Counter::default(),
            refused: Counter::default(),
            result_to_write: Histogram::new(WRITE_SECONDS),
            last_read: Gauge::default(),
            reloads: Family::default(),
            generation,
            pending: None,
        }
    }
}

impl Metrics {
    /// A result of a check of kind `check` for the destinations `users`.
    pub fn check_result(&self, users: &[DestKey], check: &'static str, o: &Outcome) {
        let outcome = if o.ok { "success" } else { "failure" };
        for (k, a) in users {
            let l = DestLabels::of(k, *a);
            self.check_seconds
                .get_or_create(&(l.clone(), [("check", check)]))
                .observe(o.latency.as_secs_f64());
            self.check_results
                .get_or_create(&(l, [("check", check), ("outcome", outcome)]))
                .inc();
        }
    }

    /// A destination's health went to `to` (`up` or `down`).
    pub fn transition(&self, dest: &DestKey, to: &'static str) {
        self.transitions
            .get_or_create(&(DestLabels::of(&dest.0, dest.1), [("to", to)]))
            .inc();
    }

    /// A service's depool floor began keeping the failed `dest` in.
    pub fn floor_kept(&self, dest: &DestKey) {
        self.floor_kept
            .get_or_create(&DestLabels::of(&dest.0, dest.1))
            .inc();
    }

    /// A result changed a decision; its write is timed from now.
    pub fn result_changed(&mut self) {
        self.pending.get_or_insert_with(Instant::now);
    }

    /// A decision found nothing to write.
    pub fn nothing_to_write(&mut self) {
        self.pending = None;
    }

    /// A batch was sent and the kernel answered each change.
    pub fn batch(&mut self, outcomes: &[StepOutcome]) {
        self.batches.inc();
        let refused = outcomes
            .iter()
            .filter(|o| matches!(o, StepOutcome::Failed(_)))
            .count() as u64;
        self.refused.inc_by(refused);
        self.written.inc_by(outcomes.len() as u64 - refused);
        if let Some(t) = self.pending.take() {
            self.result_to_write.observe(t.elapsed().as_secs_f64());
        }
    }

    /// The table was read.
    pub fn table_read(&self) {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64());
        self.last_read.set(now);
    }

    /// A reload was taken (`ok`) or refused.
    pub fn reload(&self, ok: bool) {
        let result = if ok { "ok" } else { "refused" };
        self.reloads.get_or_create(&[("result", result)]).inc();
        if ok {
            self.generation.inc();
        }
    }

    /// Register the daemon's counted families (clones) in `r` (the
    /// registry ends each help with a full stop).
    pub fn register(&self, r: &mut Registry) {
        r.register(
            "rvsadm_destination_check_results",
            "Check results for the destination, by check type and outcome",
            self.check_results.clone(),
        );
        r.register(
            "rvsadm_destination_check_duration_seconds",
            "How long the destination's checks took, by check type",
            self.check_seconds.clone(),
        );
        r.register(
            "rvsadm_destination_transitions",
            "Changes of the destination's health to up or down",
            self.transitions.clone(),
        );
        r.register(
            "rvsadm_destination_depool_floor_kept",
            "Times the service's depool floor kept the failed destination in",
            self.floor_kept.clone(),
        );
        r.register(
            "rvsadm_batches",
            "Batches of changes sent to the kernel",
            self.batches.clone(),
        );
        r.register(
            "rvsadm_changes_written",
            "Changes the kernel accepted",
            self.written.clone(),
        );
        r.register(
            "rvsadm_changes_refused",
            "Changes the kernel refused (tried again at the next sync)",
            self.refused.clone(),
        );
        r.register(
            "rvsadm_result_to_write_seconds",
            "Time from a check result that changed a decision to the batch that wrote it",
            self.result_to_write.clone(),
        );
        r.register(
            "rvsadm_last_table_read_timestamp_seconds",
            "When the table was last read successfully (seconds since the epoch)",
            self.last_read.clone(),
        );
        r.register(
            "rvsadm_reloads",
            "Reloads of the configuration, taken (ok) or refused",
            self.reloads.clone(),
        );
        r.register(
            "rvsadm_config_generation",
            "The configuration in force: 1 at start, one more at each reload taken",
            self.generation.clone(),
        );
        r.register(
            "rvsadm_build",
            "rvsadmd's version",
            Info::new([("version", env!("CARGO_PKG_VERSION"))]),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rvsadm::ServiceKey;
    use rvsadm_metrics::{encode, Format};

    fn text(m: &Metrics) -> String {
        let mut r = Registry::default();
        m.register(&mut r);
        encode(&r, Format::Prometheus).unwrap()
    }

    fn has(t: &str, line: &str) -> bool {
        t.lines().any(|l| l == line)
    }

    #[test]
    fn batches_count_written_and_refused_and_time_the_pending_result() {
        let mut m = Metrics::default();
        let refused = rvsadm::Error::IpvsUnavailable;
        m.nothing_to_write();
        m.batch(&[StepOutcome::Applied, StepOutcome::Failed(refused)]);
        let t = text(&m);
        assert!(has(&t, "rvsadm_batches_total 1"), "{t}");
        assert!(has(&t, "rvsadm_changes_written_total 1"), "{t}");
        assert!(has(&t, "rvsadm_changes_refused_total 1"), "{t}");
        // No result was waiting: nothing timed.
        assert!(has(&t, "rvsadm_result_to_write_seconds_count 0"), "{t}");
        m.result_changed();
        m.nothing_to_write();
        m.batch(&[StepOutcome::Applied]);
        assert!(has(&text(&m), "rvsadm_result_to_write_seconds_count 0"));
        m.result_changed();
        m.result_changed();
        m.batch(&[StepOutcome::Applied]);
        assert!(has(&text(&m), "rvsadm_result_to_write_seconds_count 1"));
    }

    #[test]
    fn results_and_transitions_count_per_destination() {
        let m = Metrics::default();
        let k = ServiceKey::tcp("192.0.2.1:80".parse().unwrap());
        let users = [
            (k, "10.0.0.1:80".parse().unwrap()),
            (k, "10.0.0.2:80".parse().unwrap()),
        ];
        let o = Outcome {
            ok: false,
            weight: None,
            add: 0,
            latency: std::time::Duration::from_millis(30),
            reason: "refused".into(),
        };
        m.check_result(&users, "tcp", &o);
        m.check_result(&users[..1], "tcp", &o);
        m.transition(&users[0], "down");
        m.reload(false);
        let t = text(&m);
        let l =
            r#"protocol="tcp",vip="192.0.2.1",port="80",fwmark="0",real="10.0.0.1",real_port="80""#;
        assert!(has(&t, &format!("rvsadm_destination_check_results_total{{{l},check=\"tcp\",outcome=\"failure\"}} 2")), "{t}");
        assert!(has(&t, &format!("rvsadm_destination_check_duration_seconds_bucket{{{l},check=\"tcp\",le=\"0.1\"}} 2")), "{t}");
        assert!(
            has(
                &t,
                &format!("rvsadm_destination_transitions_total{{{l},to=\"down\"}} 1")
            ),
            "{t}"
        );
        assert!(has(&t, "rvsadm_reloads_total{result=\"refused\"} 1"), "{t}");
        assert!(has(&t, "rvsadm_config_generation 1"), "{t}");
    }
}
