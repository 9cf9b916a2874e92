//! Time a `/metrics` scrape of a large table.
//!
//! `metrics_scrape [--services S] [--per N] [--reps R] [--kernel | --ipvs-only]`
//!
//! Without `--kernel`: a table of S services with N destinations each,
//! made here with counters, and rvsadmd's families for all of them (an
//! engine on a configuration of the same services, a check result per
//! destination); each repetition builds the registry and encodes it as
//! rvsadmd does at a scrape, the read of the kernel's table aside. With
//! `--kernel`: the table is the kernel's (load it first, e.g. with
//! `rvsadm -R`), and each repetition reads it with counters and encodes
//! its families, as `rvsadm metrics` does. Prints the times (min, median,
//! max) and the size of one exposition. Used by `benches/run --only
//! metrics`.

use rvsadm::{DestConfig, Destination, ForwardMethod, Ipvs, Service, ServiceKey, Weight};
use rvsadm_metrics::{encode, Format, IpvsFamilies, Registry};
use rvsadmd::engine::Engine;
use rvsadmd::health::Outcome;
use rvsadmd::metrics::view::View;
use rvsadmd::metrics::Metrics;
use std::net::{Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

struct Args {
    services: u32,
    per: u32,
    reps: usize,
    kernel: bool,
    ipvs_only: bool,
}

fn args() -> Result<Args, String> {
    let mut a = Args {
        services: 1000,
        per: 10,
        reps: 20,
        kernel: false,
        ipvs_only: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(w) = it.next() {
        let mut num = |name: &str| -> Result<u32, String> {
            it.next()
                .and_then(|v| v.parse().ok())
                .ok_or(format!("{name} takes a number"))
        };
        match w.as_str() {
            "--services" => a.services = num("--services")?,
            "--per" => a.per = num("--per")?,
            "--reps" => a.reps = num("--reps")? as usize,
            "--kernel" => a.kernel = true,
            "--ipvs-only" => a.ipvs_only = true,
            _ => return Err(format!("unknown argument {w}")),
        }
    }
    Ok(a)
}

fn vip(i: u32) -> Ipv4Addr {
    Ipv4Addr::from(0x0a00_0000 + i)
}

fn real(i: u32, j: u32) -> SocketAddr {
    SocketAddr::from((Ipv4Addr::from(0xac10_0000 + i * 64 + j), 80))
}

/// S services of N destinations, with counters.
fn table(a: &Args) -> Vec<Service> {
    (0..a.services)
        .map(|i| {
            let mut s = Service::new(ServiceKey::tcp(SocketAddr::from((vip(i), 80))));
            s.stats.conns = u64::from(i) * 1000;
            s.destinations = (0..a.per)
                .map(|j| {
                    let mut d = Destination::new(
                        real(i, j),
                        DestConfig::new(ForwardMethod::Masq).with_weight(Weight::from(1u16)),
                    );
                    d.status.active_conns = j;
                    d.status.stats.inbytes = u64::from(i * j) * 1500;
                    d
                })
                .collect();
            s
        })
        .collect()
}

/// An engine on the same services (TCP checks), one result each, and the
/// daemon's counted families.
fn daemon(a: &Args) -> Result<(Engine, Metrics), String> {
    let mut cf = String::new();
    for i in 0..a.services {
        cf += &format!(
            "[[services]]\nprotocol = \"tcp\"\naddress = \"{}\"\nport = 80\n\
             check = {{ type = \"tcp\", interval = \"5s\", timeout = \"1s\" }}\n",
            vip(i)
        );
        for j in 0..a.per {
            let r = real(i, j);
            cf += &format!(
                "[[services.destinations]]\naddress = \"{}\"\nport = 80\nforward = \"masq\"\n",
                r.ip()
            );
        }
    }
    let config = rvsadmd::config::native::parse(std::path::Path::new("bench.toml"), &cf)
        .map_err(|e| e.to_string())?;
    let mut engine = Engine::new(config);
    let metrics = Metrics::default();
    for (id, _) in engine.checks() {
        let o = Outcome {
            ok: true,
            weight: None,
            add: 0,
            latency: Duration::from_millis(2),
            reason: "connected".into(),
        };
        let users = engine
            .check(id)
            .map(|c| c.users.clone())
            .unwrap_or_default();
        metrics.check_result(&users, "tcp", &o);
        engine.record(id, o);
    }
    engine.desired(None);
    Ok((engine, metrics))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let a = args()?;
    let mut times = Vec::with_capacity(a.reps);
    let mut bytes = 0;
    let mut dests = 0;
    if a.kernel {
        let ipvs = Ipvs::connect()?;
        for _ in 0..a.reps {
            let t = Instant::now();
            let services = ipvs.services_with_destinations()?;
            let mut r = Registry::default();
            r.register_collector(Box::new(IpvsFamilies::new(&services)));
            let text = encode(&r, Format::Prometheus)?;
            times.push(t.elapsed());
            bytes = text.len();
            dests = services.iter().map(|s| s.destinations.len()).sum();
        }
    } else {
        let services = table(&a);
        let (engine, metrics) = daemon(&a)?;
        dests = services.iter().map(|s| s.destinations.len()).sum();
        for _ in 0..a.reps {
            let t = Instant::now();
            let mut r = Registry::default();
            r.register_collector(Box::new(IpvsFamilies::new(&services)));
            if !a.ipvs_only {
                r.register_collector(Box::new(View::of(&engine)));
                metrics.register(&mut r);
            }
            let text = encode(&r, Format::Prometheus)?;
            times.push(t.elapsed());
            bytes = text.len();
        }
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "{} scrape of {dests} destinations, {} reps: min {:.1} ms, median {:.1} ms, max {:.1} ms; {bytes} bytes",
        if a.kernel { "kernel" } else { "daemon" },
        times.len(),
        ms(times[0]),
        ms(times[times.len() / 2]),
        ms(times[times.len() - 1]),
    );
    Ok(())
}
