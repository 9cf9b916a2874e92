//! Apply an ipvsadm restore file through the library's pipelined batch API.
//!
//! `batch_restore FILE`: every line of FILE (as `ipvsadm -S` writes them) is
//! parsed with rvsadm's ipvsadm-compatible parser and the whole file goes to
//! the kernel as one [`rvsadm::Ipvs::apply_batch`] call. Prints how many operations
//! failed. Used by `benches/run` to time the batch API directly.

use rvsadm::{Change, Ipvs};
use rvsadm_cli::compat::{args, restore, run};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: batch_restore FILE")?;
    let text = std::fs::read(&path)?;
    let mut ops: Vec<Change> = Vec::new();
    for argv in restore::records(&text, "batch_restore") {
        let cmd = args::parse(&argv, true).map_err(|f| f.stderr)?;
        ops.push(run::operation(&cmd).ok_or("only changes are supported")?);
    }
    let ipvs = Ipvs::connect()?;
    let results = ipvs.apply_batch(&ops)?;
    let failed = results.iter().filter(|r| r.is_err()).count();
    if failed > 0 {
        eprintln!("{failed} of {} operations failed", ops.len());
        std::process::exit(1);
    }
    Ok(())
}
