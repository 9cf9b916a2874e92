//! The `rvsadm` command line (feature `cli`). Not a stable library API.

pub mod compat;

use std::io::{Read, Write};

/// Run the command line `argv` (argv\[0\] included) and return the exit
/// status.
pub fn main(
    argv: &[String],
    stdin: &mut dyn Read,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let mut io = compat::run::Io { out, err };
    compat::run::main(argv, stdin, &mut io)
}
