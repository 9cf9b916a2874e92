//! The `rvsadm` command line (feature `cli`). Not a stable library API.

pub mod compat;
