//! `--timeout`: the protocol timeouts line.

use rvsadm::model::Timeouts;
use std::io::{self, Write};

/// `--timeout`: `"Timeout (tcp tcpfin udp): %d %d %d\n"`.
///
/// ```
/// let mut out = Vec::new();
/// let t = rvsadm::Timeouts { tcp: 900, tcp_fin: 120, udp: 300 };
/// rvsadm_cli::compat::render::write_timeouts(&mut out, &t).unwrap();
/// assert_eq!(out, b"Timeout (tcp tcpfin udp): 900 120 300\n");
/// ```
pub fn write_timeouts<W: Write + ?Sized>(w: &mut W, t: &Timeouts) -> io::Result<()> {
    writeln!(
        w,
        "Timeout (tcp tcpfin udp): {} {} {}",
        t.tcp as i32, t.tcp_fin as i32, t.udp as i32
    )
}
