//! `rvsadm`: administer Linux IPVS; a drop-in for ipvsadm 1.31.
//!
//! Parsing, the library call and rendering live in the library
//! (`rvsadm::cli`); this file only wires up the process: argv, locked and
//! buffered standard streams, and the exit status.

fn main() {
    // Like a C tool, die quietly on a closed pipe (`rvsadm -Ln | head -1`)
    // instead of reporting a write error.
    // SAFETY: restoring the default disposition of SIGPIPE at start-up,
    // before any other thread exists.
    unsafe {
        let _ = nix::sys::signal::signal(
            nix::sys::signal::Signal::SIGPIPE,
            nix::sys::signal::SigHandler::SigDfl,
        );
    }
    let argv: Vec<String> = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, stdout.lock());
    let mut err = std::io::stderr().lock();
    let mut stdin = std::io::stdin().lock();
    let code = rvsadm_cli::main(&argv, &mut stdin, &mut out, &mut err);
    drop(out);
    std::process::exit(code);
}
