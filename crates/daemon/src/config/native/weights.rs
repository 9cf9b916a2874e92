//! The `slow_start` key (of a service, a destination over it) and the
//! `depool_floor` key of a service.

use super::check::duration_of;
use super::doc::DurationDoc;
use crate::config::{DepoolFloor, SlowStart};
use serde::Deserialize;

/// `slow_start = { window, aggression, floor, on_add }`.
#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub(super) struct SlowStartDoc {
    pub(super) window: Option<DurationDoc>,
    pub(super) aggression: Option<f64>,
    pub(super) floor: Option<String>,
    pub(super) on_add: Option<bool>,
}

impl SlowStartDoc {
    /// `over`'s keys, and this one's where `over` has none.
    fn merged(&self, over: &SlowStartDoc) -> SlowStartDoc {
        SlowStartDoc {
            window: over.window.clone().or_else(|| self.window.clone()),
            aggression: over.aggression.or(self.aggression),
            floor: over.floor.clone().or_else(|| self.floor.clone()),
            on_add: over.on_add.or(self.on_add),
        }
    }
}

/// A destination's slow start from the service's table and its own
/// (key by key; `None` where neither is given); `path` names it.
pub(super) fn slow_start_of(
    layers: [Option<&SlowStartDoc>; 2],
    path: &str,
) -> Result<Option<SlowStart>, String> {
    let mut given = layers.into_iter().flatten().peekable();
    if given.peek().is_none() {
        return Ok(None);
    }
    let doc = given.fold(SlowStartDoc::default(), |acc, d| acc.merged(d));
    let at = format!("{path}.slow_start");
    let window = match &doc.window {
        Some(w) => duration_of(w, &format!("{at}.window"))?,
        None => return Err(format!("{at}: give its `window` (such as \"30s\")")),
    };
    if window.is_zero() {
        return Err(format!(
            "{at}.window: give a time above 0 (such as \"30s\")"
        ));
    }
    let aggression = doc.aggression.unwrap_or(SlowStart::AGGRESSION);
    if !(aggression.is_finite() && aggression > 0.0) {
        return Err(format!(
            "{at}.aggression: {aggression} is not above 0 (1.0 is a straight line; above 1 rises faster at first)"
        ));
    }
    let floor = match &doc.floor {
        Some(f) => percent_of(f, &format!("{at}.floor"))?,
        None => SlowStart::FLOOR,
    };
    Ok(Some(SlowStart {
        window,
        aggression,
        floor,
        on_add: doc.on_add.unwrap_or(false),
    }))
}

/// A service's `depool_floor = "50%"`; `path` names it.
pub(super) fn depool_floor_of(
    text: Option<&str>,
    path: &str,
) -> Result<Option<DepoolFloor>, String> {
    text.map(|t| percent_of(t, &format!("{path}.depool_floor")).map(DepoolFloor))
        .transpose()
}

/// A percentage `"1%"` to `"100%"`.
fn percent_of(text: &str, what: &str) -> Result<u32, String> {
    text.trim()
        .strip_suffix('%')
        .and_then(|n| n.trim().parse::<u32>().ok())
        .filter(|n| (1..=100).contains(n))
        .ok_or_else(|| format!("{what}: \"{text}\" is not a percentage from \"1%\" to \"100%\""))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn doc(window: Option<&str>, aggression: Option<f64>, floor: Option<&str>) -> SlowStartDoc {
        SlowStartDoc {
            window: window.map(|w| DurationDoc::Text(w.into())),
            aggression,
            floor: floor.map(Into::into),
            on_add: None,
        }
    }

    #[test]
    fn defaults_and_a_destination_over_its_service() {
        let s = doc(Some("30s"), None, None);
        let got = slow_start_of([Some(&s), None], "x").unwrap().unwrap();
        assert_eq!(
            got,
            SlowStart {
                window: Duration::from_secs(30),
                aggression: 1.0,
                floor: 10,
                on_add: false
            }
        );
        let own = SlowStartDoc {
            on_add: Some(true),
            ..doc(None, Some(2.0), Some("25%"))
        };
        let got = slow_start_of([Some(&s), Some(&own)], "x").unwrap().unwrap();
        assert_eq!(
            (got.window, got.aggression, got.floor, got.on_add),
            (Duration::from_secs(30), 2.0, 25, true)
        );
        assert_eq!(slow_start_of([None, None], "x").unwrap(), None);
    }

    #[test]
    fn errors_name_the_key() {
        let e = |d: SlowStartDoc| slow_start_of([Some(&d), None], "services[0]").unwrap_err();
        assert!(e(doc(None, None, None)).contains("services[0].slow_start: give its `window`"));
        assert!(e(doc(Some("0s"), None, None)).contains(".window: give a time above 0"));
        assert!(e(doc(Some("1s"), Some(0.0), None)).contains(".aggression: 0 is not above 0"));
        assert!(e(doc(Some("1s"), None, Some("0%"))).contains(".floor: \"0%\" is not a percentage"));
        assert!(e(doc(Some("1s"), None, Some("10"))).contains(".floor: \"10\""));
        assert_eq!(
            depool_floor_of(Some("50%"), "s").unwrap(),
            Some(DepoolFloor(50))
        );
        assert_eq!(depool_floor_of(None, "s").unwrap(), None);
        assert!(depool_floor_of(Some("101%"), "s")
            .unwrap_err()
            .contains("s.depool_floor: \"101%\""));
    }
}
