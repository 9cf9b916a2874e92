//! How a service's weights follow its destinations' comings and goings:
//! slow start ([`SlowStart`]) and the depool floor ([`DepoolFloor`]).
//! Native configuration only (ldirectord and keepalived have neither).

use std::time::Duration;

/// Slow start: a destination that comes back (down to up) or, with
/// `on_add`, one a reload adds to a running service, is put in at a part
/// of its weight that grows to all of it over `window`
/// ([`crate::engine::ramp`] holds the curve and its steps).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SlowStart {
    /// How long the ramp takes.
    pub window: Duration,
    /// The curve's exponent is `1 / aggression`: 1.0 is a straight line
    /// (HAProxy's `slowstart`), above 1 it rises fast then slowly
    /// (Envoy's `aggression`).
    pub aggression: f64,
    /// The least part of the weight given while ramping, in percent
    /// (1-100; Envoy's `min_weight_percent`).
    pub floor: u32,
    /// Also ramp a destination a reload adds to a service already
    /// running.
    pub on_add: bool,
}

impl SlowStart {
    /// The floor unless given: 10% (Envoy's default `min_weight_percent`).
    pub const FLOOR: u32 = 10;
    /// The aggression unless given: 1.0, a straight line.
    pub const AGGRESSION: f64 = 1.0;
}

/// The depool floor (Wikimedia PyBal's `depool-threshold`): the part of
/// a service's destinations, in percent (1-100), that stays in the table
/// however many of them fail; failures beyond it are kept in at their
/// weight ([`crate::engine::depool`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DepoolFloor(pub u32);

impl DepoolFloor {
    /// How many of `n` destinations the floor keeps in service: the
    /// percentage of `n`, rounded up.
    ///
    /// ```
    /// use rvsadmd::config::DepoolFloor;
    /// assert_eq!(DepoolFloor(50).of(10), 5);
    /// assert_eq!(DepoolFloor(50).of(3), 2);
    /// assert_eq!(DepoolFloor(100).of(4), 4);
    /// ```
    pub fn of(self, n: usize) -> usize {
        (n * self.0 as usize).div_ceil(100)
    }
}
