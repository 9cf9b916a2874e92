//! `--live DURATION`: what changes while doctor watches. The table's
//! counters before and after, the connection table at the end, and for
//! each destination with connections stuck in `SYN_RECV`, whether the
//! director itself can connect to it.

use rvsadm::{Connection, ConnectionTable, Ipvs, Service};
use std::collections::BTreeMap;
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// How long the director's own connection to a real server may take.
pub const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

/// The TCP state of a connection whose SYN got no answer the director saw.
pub const SYN_RECV: &str = "SYN_RECV";

/// A sample of the table over a duration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveSample {
    /// How long it watched.
    pub duration: Duration,
    /// The table (with counters) at the start.
    pub before: Vec<Service>,
    /// The table at the end.
    pub after: Vec<Service>,
    /// The connection table at the end.
    pub conns: Vec<Connection>,
    /// The director's own TCP connection to each destination that had
    /// connections in `SYN_RECV` at the end: `Ok` it was accepted, else
    /// why not.
    pub probes: BTreeMap<SocketAddr, Result<(), String>>,
}

/// Watch for `duration`. `Err`: the table or the connection table could
/// not be read.
pub fn sample_live(duration: Duration) -> Result<LiveSample, String> {
    let ipvs = Ipvs::connect().map_err(|e| e.to_string())?;
    let before = ipvs
        .services_with_destinations()
        .map_err(|e| e.to_string())?;
    std::thread::sleep(duration);
    let after = ipvs
        .services_with_destinations()
        .map_err(|e| e.to_string())?;
    let conns = ConnectionTable::read().map_err(|e| e.to_string())?;
    let mut probes = BTreeMap::new();
    for c in conns
        .iter()
        .filter(|c| c.protocol == "TCP" && c.state == SYN_RECV)
    {
        let dest = SocketAddr::new(c.dest_addr, c.dest_port);
        probes.entry(dest).or_insert_with(|| probe(dest));
    }
    Ok(LiveSample {
        duration,
        before,
        after,
        conns,
        probes,
    })
}

fn probe(dest: SocketAddr) -> Result<(), String> {
    TcpStream::connect_timeout(&dest, PROBE_TIMEOUT)
        .map(drop)
        .map_err(|e| e.to_string())
}
