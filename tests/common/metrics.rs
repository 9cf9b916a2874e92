//! Reading an exposition with a Prometheus text-format parser
//! (`prometheus-parse`), strictly: every line must be a comment it knows,
//! a sample, or empty.

use prometheus_parse::{LineInfo, SampleType, Scrape, Value};
use std::collections::{BTreeMap, BTreeSet};

/// One family: its type, its help and the names of its labels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FamilyDoc {
    pub kind: String,
    pub help: String,
    pub labels: BTreeSet<String>,
}

/// The exposition parsed: its samples, each family's type, help and
/// labels. Panics on a line the parser does not take.
pub fn parse(text: &str) -> (Scrape, BTreeMap<String, FamilyDoc>) {
    let mut types = BTreeMap::new();
    for line in text.lines() {
        match LineInfo::parse(line) {
            LineInfo::Ignored => panic!("not Prometheus text: {line:?}"),
            LineInfo::Type {
                metric_name,
                metric_alias,
                sample_type,
            } => {
                types.insert(metric_alias.unwrap_or(metric_name), kind(sample_type));
            }
            _ => {}
        }
    }
    let scrape = Scrape::parse(text.lines().map(|l| Ok(l.to_string()))).expect("parsed");
    let mut families: BTreeMap<String, FamilyDoc> = BTreeMap::new();
    for s in &scrape.samples {
        let name = family_of(&s.metric, &types);
        let kind = types
            .get(&name)
            .unwrap_or_else(|| panic!("{} has no TYPE", s.metric));
        let help = scrape
            .docs
            .get(&name)
            .unwrap_or_else(|| panic!("{name} has no HELP"));
        let f = families.entry(name).or_insert_with(|| FamilyDoc {
            kind: kind.clone(),
            help: help.clone(),
            labels: BTreeSet::new(),
        });
        f.labels
            .extend(s.labels.keys().filter(|k| *k != "le").cloned());
    }
    (scrape, families)
}

/// The family a sample's name belongs to (a histogram's `_sum` and
/// `_count` to the histogram; in OpenMetrics, a counter's `_total` and an
/// info's `_info` to the family named without them).
fn family_of(metric: &str, types: &BTreeMap<String, String>) -> String {
    if types.contains_key(metric) {
        return metric.to_string();
    }
    for (suffix, kind) in [
        ("_sum", "histogram"),
        ("_count", "histogram"),
        ("_total", "counter"),
        ("_info", "untyped"),
    ] {
        if let Some(base) = metric.strip_suffix(suffix) {
            if types.get(base).is_some_and(|k| k == kind) {
                return base.to_string();
            }
        }
    }
    metric.to_string()
}

fn kind(t: SampleType) -> String {
    match t {
        SampleType::Counter => "counter",
        SampleType::Gauge => "gauge",
        SampleType::Histogram => "histogram",
        SampleType::Summary => "summary",
        SampleType::Untyped => "untyped",
    }
    .to_string()
}

/// The value of the sample `metric` whose labels include `want`.
pub fn value(scrape: &Scrape, metric: &str, want: &[(&str, &str)]) -> Option<f64> {
    scrape
        .samples
        .iter()
        .find(|s| s.metric == metric && want.iter().all(|(k, v)| s.labels.get(k) == Some(*v)))
        .and_then(|s| match s.value {
            Value::Counter(v) | Value::Gauge(v) | Value::Untyped(v) => Some(v),
            _ => None,
        })
}

/// The families as golden lines: `NAME TYPE LABEL,LABEL HELP`.
pub fn golden(families: &BTreeMap<String, FamilyDoc>) -> String {
    families
        .iter()
        .map(|(name, f)| {
            let labels: Vec<&str> = f.labels.iter().map(String::as_str).collect();
            let labels = if labels.is_empty() {
                "-".to_string()
            } else {
                labels.join(",")
            };
            format!("{name} {} {labels} {}\n", f.kind, f.help)
        })
        .collect()
}
