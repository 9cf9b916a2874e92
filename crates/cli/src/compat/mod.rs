//! ipvsadm 1.31 compatible command line: parse argv into a typed command
//! ([`args`], [`failure`], [`matrix`], [`resolve`], [`restore`], [`help`]), run it
//! ([`run`]; [`replay`] for `-R`), and print exactly what ipvsadm prints ([`render`], [`sort`], [`names`],
//! [`messages`]).

pub mod args;
pub mod digits;
pub mod failure;
pub mod help;
pub mod libc;
pub mod matrix;
pub mod messages;
pub mod names;
pub mod render;
pub mod replay;
pub mod resolve;
pub mod restore;
pub mod run;
pub mod sort;
