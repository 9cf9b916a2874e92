//! The control socket: one JSON request per connection, one JSON answer.
//!
//! The protocol (requests, answers, the client) is the crate
//! `rvsadm-control`, shared with `rvsadm top`; this module adds the
//! server ([`server`]).

pub mod server;

pub use rvsadm_control::answer;
pub use rvsadm_control::{call, Answer, Request};
