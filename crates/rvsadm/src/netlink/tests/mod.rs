//! The wire layer's tests that need no kernel: golden bytes captured from
//! ipvsadm ([`golden`]) and property tests ([`proptests`]).

mod golden;
mod proptests;
