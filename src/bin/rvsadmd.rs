//! `rvsadmd`: the health-check controller for IPVS. The command line and
//! everything behind it live in the `rvsadmd` crate (`crates/daemon`); this
//! file only starts it.

fn main() -> std::process::ExitCode {
    rvsadmd::cli::main()
}
