//! ipvsadm 1.31 compatible command line: parse argv into a typed command
//! ([`args`], [`matrix`], [`restore`]), run it, and print exactly what
//! ipvsadm prints ([`render`], [`sort`], [`names`]).

pub mod args;
pub mod matrix;
pub mod names;
pub mod render;
pub mod restore;
pub mod sort;
