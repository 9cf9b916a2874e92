use std::time::Instant;
fn main() {
    let t0 = Instant::now();
    let ipvs = rvsadm::Ipvs::connect().unwrap();
    let t1 = Instant::now();
    let s = ipvs.services().unwrap();
    let t2 = Instant::now();
    let keys: Vec<_> = s.iter().map(|s| s.key).collect();
    let d = ipvs.destinations_of(&keys).unwrap();
    let t3 = Instant::now();
    let d2 = ipvs.destinations_of(&keys[..keys.len() / 2]).unwrap();
    let t4 = Instant::now();
    eprintln!(
        "connect {:?} services {:?} ({}) dests {:?} ({}) half-again {:?} ({})",
        t1 - t0,
        t2 - t1,
        s.len(),
        t3 - t2,
        d.len(),
        t4 - t3,
        d2.len()
    );
}
