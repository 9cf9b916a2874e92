//! The one text form of a service and of a destination: what `status`
//! prints, the control commands take, events carry and the state file
//! keeps. It is part of the control protocol, so it lives in the crate
//! `rvsadm-control` (shared with `rvsadm top`).

pub use rvsadm_control::service::{format, parse, parse_dest};
