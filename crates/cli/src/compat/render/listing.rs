//! `-L` and `-S`: the version line, service and destination lines in every
//! layout, and the save format.

use super::columns::{largenum, pad, write_cols, Cell::Num, Cell::Text};
use crate::compat::digits::write_u64;
use crate::compat::names::{addrport, NumericNames, Resolver};
use rvsadm::model::{
    Destination, Family, ForwardMethod, Info, Protocol, Scheduler, Service, ServiceFlags,
    ServiceKey, Stats, TunnelType,
};
use std::io::{self, Write};
use std::net::Ipv4Addr;

/// Which listing layout to print. When several of ipvsadm's flags are
/// given, the first in this order wins: `--stats`, `--rate`,
/// `--thresholds`, `--persistent-conn`, `--tun-info` ([`ListFormat::select`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ListFormat {
    /// Forward method, weight and connection counts.
    #[default]
    Default,
    /// `--stats`: counters.
    Stats,
    /// `--rate`: rate estimates.
    Rate,
    /// `--thresholds`: upper/lower thresholds and connection counts.
    Thresholds,
    /// `--persistent-conn`: weight, persistent templates, connection counts.
    PersistentConn,
    /// `--tun-info`: like the default plus the tunnel parameters.
    TunInfo,
}

impl ListFormat {
    /// The layout ipvsadm picks for this combination of flags.
    ///
    /// ```
    /// use rvsadm_cli::compat::render::ListFormat;
    /// assert_eq!(ListFormat::select(false, true, true, false, false), ListFormat::Rate);
    /// assert_eq!(ListFormat::select(false, false, false, false, false), ListFormat::Default);
    /// ```
    pub fn select(stats: bool, rate: bool, thresholds: bool, pconn: bool, tun_info: bool) -> Self {
        if stats {
            ListFormat::Stats
        } else if rate {
            ListFormat::Rate
        } else if thresholds {
            ListFormat::Thresholds
        } else if pconn {
            ListFormat::PersistentConn
        } else if tun_info {
            ListFormat::TunInfo
        } else {
            ListFormat::Default
        }
    }
}

/// How destination counters are shown: THE one place where rvsadm decides
/// whether to copy ipvsadm's 32-bit truncation.
///
/// libipvs reads the destination `STATS64` nest with 32-bit getters, so
/// ipvsadm 1.31 shows only the low 32 bits of a destination's conns,
/// inpkts, outpkts, cps, inpps, outpps, inbps and outbps (inbytes and
/// outbytes are full 64-bit; service counters are always full). For example
/// 150000000000 connections show as 3971111936. [`DestCounters::Ipvsadm`]
/// reproduces that (the default, for byte-identical output);
/// [`DestCounters::Full`] shows the real 64-bit values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DestCounters {
    /// Low 32 bits, like ipvsadm 1.31 (default).
    #[default]
    Ipvsadm,
    /// Full 64-bit values.
    Full,
}

impl DestCounters {
    /// A destination counter (not a byte counter) as it is shown.
    ///
    /// ```
    /// use rvsadm_cli::compat::render::DestCounters;
    /// assert_eq!(DestCounters::Ipvsadm.apply(150_000_000_000), 3_971_111_936);
    /// assert_eq!(DestCounters::Full.apply(150_000_000_000), 150_000_000_000);
    /// ```
    pub fn apply(self, v: u64) -> u64 {
        match self {
            DestCounters::Ipvsadm => v & 0xffff_ffff,
            DestCounters::Full => v,
        }
    }

    /// The stats of a destination with the policy applied
    /// (byte counters are never truncated).
    pub fn dest_stats(self, s: &Stats) -> Stats {
        Stats {
            conns: self.apply(s.conns),
            inpkts: self.apply(s.inpkts),
            outpkts: self.apply(s.outpkts),
            inbytes: s.inbytes,
            outbytes: s.outbytes,
            cps: self.apply(s.cps),
            inpps: self.apply(s.inpps),
            outpps: self.apply(s.outpps),
            inbps: self.apply(s.inbps),
            outbps: self.apply(s.outbps),
        }
    }
}

/// Options of a listing (`-L`/`-S`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ListOptions {
    /// The layout (ignored when saving).
    pub format: ListFormat,
    /// `-n`: no name lookups.
    pub numeric: bool,
    /// `--exact`/`-X`: print counters unabbreviated.
    pub exact: bool,
    /// Destination counter policy (see [`DestCounters`]).
    pub dest_counters: DestCounters,
}

/// `"IP Virtual Server version %d.%d.%d (size=%d)\n"`.
///
/// ```
/// let mut out = Vec::new();
/// let info = rvsadm::Info { version: 0x010201, conn_tab_size: 4096 };
/// rvsadm_cli::compat::render::write_version(&mut out, &info).unwrap();
/// assert_eq!(out, b"IP Virtual Server version 1.2.1 (size=4096)\n");
/// ```
pub fn write_version<W: Write + ?Sized>(w: &mut W, info: &Info) -> io::Result<()> {
    let (a, b, c) = info.version_triple();
    writeln!(
        w,
        "IP Virtual Server version {a}.{b}.{c} (size={})",
        info.conn_tab_size as i32
    )
}

/// A service's protocol as ipvsadm's name lookups see it (fwmark services
/// report protocol 0, so their ports are never resolved).
fn lookup_protocol(key: &ServiceKey) -> Option<Protocol> {
    key.protocol()
}

/// Protocol name column of a listing: `TCP`, `UDP`, `SCTP`, else `?`.
fn proto_label(p: Protocol) -> &'static str {
    match p {
        Protocol::Tcp => "TCP",
        Protocol::Udp => "UDP",
        Protocol::Sctp => "SCTP",
        _ => "?",
    }
}

/// Protocol switch of a saved service.
fn proto_switch(p: Protocol) -> &'static str {
    match p {
        Protocol::Tcp => "-t",
        Protocol::Udp => "-u",
        Protocol::Sctp => "--sctp-service",
        _ => "--xxx-service",
    }
}

/// ipvsadm's `fwd_name` (unknown methods print as glibc prints a NULL
/// `%s`, `(null)`: ipvsadm has no name for them).
fn fwd_name(f: ForwardMethod) -> &'static str {
    match f {
        ForwardMethod::Masq => "Masq",
        ForwardMethod::Local => "Local",
        ForwardMethod::Tunnel => "Tunnel",
        ForwardMethod::Route => "Route",
        _ => "(null)",
    }
}

/// ipvsadm's `fwd_switch` for `-S` (same `(null)` rule as [`fwd_name`]).
fn fwd_switch(f: ForwardMethod) -> &'static str {
    match f {
        ForwardMethod::Masq => "-m",
        ForwardMethod::Tunnel => "-i",
        ForwardMethod::Local | ForwardMethod::Route => "-g",
        _ => "(null)",
    }
}

/// Index into ipvsadm's tunnel checksum tables: 0 no checksum, 1 checksum,
/// 2 remote checksum. ipvsadm indexes its table with the raw value (any
/// other value reads past it); rvsadm maps other values by their highest
/// known bit instead, a documented divergence for values the kernel never
/// reports.
fn csum_index(flags: u16) -> usize {
    if flags & 2 != 0 {
        2
    } else if flags & 1 != 0 {
        1
    } else {
        0
    }
}

/// The `--tun-info` column: `ipip`, `gue:%d:%s`, `gre:%s` for tunnels,
/// `n/a` otherwise (also for tunnel types ipvsadm does not know).
fn tun_info(d: &Destination) -> String {
    const FLAG: [&str; 3] = ["-c", "+c", "r+c"];
    let flag = FLAG
        .get(csum_index(d.config.tunnel.flags.bits()))
        .copied()
        .unwrap_or("-c");
    if d.config.forward != ForwardMethod::Tunnel {
        return "n/a".to_string();
    }
    match d.config.tunnel.kind {
        TunnelType::Ipip => "ipip".to_string(),
        TunnelType::Gue => format!("gue:{}:{flag}", d.config.tunnel.port),
        TunnelType::Gre => format!("gre:{flag}"),
        _ => "n/a".to_string(),
    }
}

/// Names of the scheduler flags (bits 0x38) joined with `,` as ipvsadm's
/// `print_sched_flags` prints them: `sh`/`mh` know only their two flags (so
/// flag-3 alone prints nothing), other schedulers print `flag-1..3`.
pub fn sched_flag_names(flags: ServiceFlags, sched: &Scheduler) -> String {
    // A scheduler with names of its own prints only those.
    let table = ServiceFlags::SCHED_FLAG_NAMES;
    let owner = Some(sched.name()).filter(|s| table.iter().any(|(_, _, o)| *o == Some(s)));
    let names: Vec<&str> = table
        .iter()
        .filter(|(bit, _, o)| *o == owner && flags.intersects(*bit))
        .map(|(_, name, _)| *name)
        .collect();
    names.join(",")
}

/// Netmask text if it differs from the family default: IPv4 as a dotted
/// quad (`inet_ntoa`, shown unless 255.255.255.255), IPv6 as the prefix
/// length (`%i`, shown unless 128).
fn netmask_text(svc: &Service) -> Option<String> {
    let raw = svc.config.netmask.to_raw();
    if svc.key.family() == Family::Inet6 {
        (raw != 128).then(|| (raw as i32).to_string())
    } else {
        (raw != u32::MAX).then(|| Ipv4Addr::from(raw).to_string())
    }
}

/// The persistence engine name, if set and not empty.
fn pe_name(svc: &Service) -> Option<&str> {
    svc.config.pe_name.as_deref().filter(|p| !p.is_empty())
}

/// Renders services and destinations for one set of [`ListOptions`].
///
/// ```
/// use rvsadm_cli::compat::render::{ListOptions, Renderer};
/// use rvsadm_cli::compat::names::NumericNames;
/// use rvsadm::{DestConfig, Destination, ForwardMethod, Scheduler, Service, ServiceKey, Weight};
/// let svc = Service {
///     destinations: vec![Destination::new(
///         "10.0.0.2:80".parse().unwrap(),
///         DestConfig::new(ForwardMethod::Masq).with_weight(Weight::from(3u16)),
///     )],
///     ..Service::new(ServiceKey::tcp("192.0.2.1:80".parse().unwrap()))
///         .with_scheduler(Scheduler::Rr)
/// };
/// let r = Renderer::new(ListOptions { numeric: true, ..Default::default() }, &NumericNames);
/// let mut out = Vec::new();
/// r.write_service(&mut out, &svc).unwrap();
/// assert_eq!(
///     String::from_utf8(out).unwrap(),
///     "TCP  192.0.2.1:80 rr\n  -> 10.0.0.2:80                  Masq    3      0          0         \n"
/// );
/// ```
pub struct Renderer<'a> {
    opts: ListOptions,
    names: &'a dyn Resolver,
}

impl std::fmt::Debug for Renderer<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Renderer")
            .field("opts", &self.opts)
            .finish_non_exhaustive()
    }
}

impl<'a> Renderer<'a> {
    /// A renderer; `names` is used only when `opts.numeric` is false.
    pub fn new(opts: ListOptions, names: &'a dyn Resolver) -> Self {
        Renderer { opts, names }
    }

    /// The options in use.
    pub fn options(&self) -> &ListOptions {
        &self.opts
    }

    fn resolver(&self) -> &dyn Resolver {
        if self.opts.numeric {
            &NumericNames
        } else {
            self.names
        }
    }

    /// `svc_name` for listings: `FWM  %d[ IPv6]` or `%-4s %s` (protocol,
    /// `addrport`), cut to 33 bytes unless IPv6.
    pub fn service_name(&self, key: &ServiceKey) -> Vec<u8> {
        match key {
            ServiceKey::Fwmark { mark, family } => {
                let v6 = if *family == Family::Inet6 {
                    " IPv6"
                } else {
                    ""
                };
                format!("FWM  {}{v6}", *mark).into_bytes()
            }
            ServiceKey::Addr {
                protocol,
                addr,
                port,
            } => {
                let mut s = format!("{:<4} ", proto_label(*protocol)).into_bytes();
                s.extend(addrport(addr, *port, Some(*protocol), self.resolver()));
                if !addr.is_ipv6() {
                    s.truncate(33);
                }
                s
            }
        }
    }

    /// `svc_name` for `-S`: `-f %d[ -6]` or `<switch> <addrport>`.
    pub fn save_service_name(&self, key: &ServiceKey) -> Vec<u8> {
        match key {
            ServiceKey::Fwmark { mark, family } => {
                let v6 = if *family == Family::Inet6 { " -6" } else { "" };
                format!("-f {}{v6}", *mark).into_bytes()
            }
            ServiceKey::Addr {
                protocol,
                addr,
                port,
            } => {
                let mut s = format!("{} ", proto_switch(*protocol)).into_bytes();
                s.extend(addrport(addr, *port, Some(*protocol), self.resolver()));
                s
            }
        }
    }

    /// A destination's `addrport` (the service's protocol selects the port
    /// name lookup), cut to 28 bytes unless IPv6 when `listing`.
    fn dest_name(&self, svc: &ServiceKey, d: &Destination, listing: bool) -> Vec<u8> {
        let mut s = addrport(
            &d.addr.ip(),
            d.addr.port(),
            lookup_protocol(svc),
            self.resolver(),
        );
        if listing && !d.addr.is_ipv6() {
            s.truncate(28);
        }
        s
    }

    /// The two title lines of the chosen format.
    pub fn write_title<W: Write + ?Sized>(&self, w: &mut W) -> io::Result<()> {
        const FIRST: &str = "Prot LocalAddress:Port";
        match self.opts.format {
            ListFormat::Stats => writeln!(
                w,
                "{FIRST:<33} {:>8} {:>8} {:>8} {:>8} {:>8}\n  -> RemoteAddress:Port",
                "Conns", "InPkts", "OutPkts", "InBytes", "OutBytes"
            ),
            ListFormat::Rate => writeln!(
                w,
                "{FIRST:<33} {:>8} {:>8} {:>8} {:>8} {:>8}\n  -> RemoteAddress:Port",
                "CPS", "InPPS", "OutPPS", "InBPS", "OutBPS"
            ),
            ListFormat::Thresholds => writeln!(
                w,
                "{FIRST:<33} {:<10} {:<10} {:<10} {:<10}\n  -> RemoteAddress:Port",
                "Uthreshold", "Lthreshold", "ActiveConn", "InActConn"
            ),
            ListFormat::PersistentConn => writeln!(
                w,
                "{FIRST:<33} {:<9} {:<11} {:<10} {:<10}\n  -> RemoteAddress:Port",
                "Weight", "PersistConn", "ActiveConn", "InActConn"
            ),
            ListFormat::TunInfo => writeln!(
                w,
                "Prot LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward TunnelInfo    Weight ActiveConn InActConn"
            ),
            ListFormat::Default => writeln!(
                w,
                "Prot LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn"
            ),
        }
    }

    /// Five counters through [`largenum`].
    fn write_counters<W: Write + ?Sized>(&self, w: &mut W, v: [u64; 5]) -> io::Result<()> {
        for x in v {
            w.write_all(largenum(x, self.opts.exact).as_bytes())?;
        }
        Ok(())
    }

    /// One service line (no destinations).
    pub fn write_service_line<W: Write + ?Sized>(
        &self,
        w: &mut W,
        svc: &Service,
    ) -> io::Result<()> {
        let name = self.service_name(&svc.key);
        let s = &svc.stats;
        match self.opts.format {
            ListFormat::Stats => {
                pad(w, &name, 33)?;
                self.write_counters(w, [s.conns, s.inpkts, s.outpkts, s.inbytes, s.outbytes])?;
            }
            ListFormat::Rate => {
                pad(w, &name, 33)?;
                self.write_counters(w, [s.cps, s.inpps, s.outpps, s.inbps, s.outbps])?;
            }
            _ => {
                w.write_all(&name)?;
                w.write_all(b" ")?;
                w.write_all(svc.config.scheduler.name().as_bytes())?;
                if svc.config.flags.intersects(ServiceFlags::SCHED_MASK) {
                    write!(
                        w,
                        " ({})",
                        sched_flag_names(svc.config.flags, &svc.config.scheduler)
                    )?;
                }
                if svc.is_persistent() {
                    write!(w, " persistent {}", svc.config.timeout)?;
                    if let Some(m) = netmask_text(svc) {
                        write!(w, " mask {m}")?;
                    }
                    if let Some(pe) = pe_name(svc) {
                        write!(w, " pe {pe}")?;
                    }
                }
                if svc.config.flags.intersects(ServiceFlags::ONEPACKET) {
                    w.write_all(b" ops")?;
                }
            }
        }
        w.write_all(b"\n")
    }

    /// One destination line of `svc`.
    pub fn write_dest_line<W: Write + ?Sized>(
        &self,
        w: &mut W,
        svc: &Service,
        d: &Destination,
    ) -> io::Result<()> {
        let name = self.dest_name(&svc.key, d, true);
        w.write_all(b"  -> ")?;
        pad(w, &name, 28)?;
        let s = self.opts.dest_counters.dest_stats(&d.status.stats);
        match self.opts.format {
            ListFormat::Stats => {
                self.write_counters(w, [s.conns, s.inpkts, s.outpkts, s.inbytes, s.outbytes])?;
                w.write_all(b"\n")
            }
            ListFormat::Rate => {
                write!(w, " {:>8} {:>8} {:>8}", s.cps, s.inpps, s.outpps)?;
                w.write_all(largenum(s.inbps, self.opts.exact).as_bytes())?;
                w.write_all(largenum(s.outbps, self.opts.exact).as_bytes())?;
                w.write_all(b"\n")
            }
            ListFormat::Thresholds => write_cols(
                w,
                &[
                    (Num(d.config.upper_threshold.into()), 10),
                    (Num(d.config.lower_threshold.into()), 10),
                    (Num(d.status.active_conns.into()), 10),
                    (Num(d.status.inactive_conns.into()), 10),
                ],
            ),
            ListFormat::PersistentConn => write_cols(
                w,
                &[
                    (Num(d.config.weight.get().into()), 9),
                    (Num(d.status.persist_conns.into()), 11),
                    (Num(d.status.active_conns.into()), 10),
                    (Num(d.status.inactive_conns.into()), 10),
                ],
            ),
            ListFormat::TunInfo => write_cols(
                w,
                &[
                    (Text(fwd_name(d.config.forward)), 7),
                    (Text(&tun_info(d)), 13),
                    (Num(d.config.weight.get().into()), 6),
                    (Num(d.status.active_conns.into()), 10),
                    (Num(d.status.inactive_conns.into()), 10),
                ],
            ),
            ListFormat::Default => write_cols(
                w,
                &[
                    (Text(fwd_name(d.config.forward)), 7),
                    (Num(d.config.weight.get().into()), 6),
                    (Num(d.status.active_conns.into()), 10),
                    (Num(d.status.inactive_conns.into()), 10),
                ],
            ),
        }
    }

    /// A service line followed by its destination lines, in the order of
    /// `svc.destinations` (sort them first unless `--nosort`).
    pub fn write_service<W: Write + ?Sized>(&self, w: &mut W, svc: &Service) -> io::Result<()> {
        self.write_service_line(w, svc)?;
        for d in &svc.destinations {
            self.write_dest_line(w, svc, d)?;
        }
        Ok(())
    }

    // The `-S` lines are not `rvsadm::Change::ipvsadm_args` (the library's
    // numeric spelling of a change, which `rvsadm apply` and rvsadmd print),
    // and cannot be without changing a byte of ipvsadm's output: `-S`
    // resolves names unless `-n`, writes `(null)` for a forwarding method
    // ipvsadm has no switch for, drops thresholds, always writes a tunnel's
    // checksum switch (`--tun-nocsum` too) and, for `sh`/`mh`, leaves out
    // flag-3; a change must be a command that reads back as itself, so it
    // writes `-g`, `-x`/`-y`, no `--tun-nocsum` and every flag. Both take
    // the scheduler flags' names from `ServiceFlags::SCHED_FLAG_NAMES`.
    /// The `-S` line of a service (`-A ...`), without destinations.
    pub fn write_save_service_line<W: Write + ?Sized>(
        &self,
        w: &mut W,
        svc: &Service,
    ) -> io::Result<()> {
        w.write_all(b"-A ")?;
        w.write_all(&self.save_service_name(&svc.key))?;
        w.write_all(b" -s ")?;
        w.write_all(svc.config.scheduler.name().as_bytes())?;
        if svc.is_persistent() {
            write!(w, " -p {}", svc.config.timeout)?;
            if let Some(m) = netmask_text(svc) {
                write!(w, " -M {m}")?;
            }
        }
        if let Some(pe) = pe_name(svc) {
            write!(w, " --pe {pe}")?;
        }
        if svc.config.flags.intersects(ServiceFlags::ONEPACKET) {
            w.write_all(b" -o")?;
        }
        if svc.config.flags.intersects(ServiceFlags::SCHED_MASK) {
            write!(
                w,
                " -b {}",
                sched_flag_names(svc.config.flags, &svc.config.scheduler)
            )?;
        }
        w.write_all(b"\n")
    }

    /// The `-S` line of one destination (`-a ...`).
    pub fn write_save_dest_line<W: Write + ?Sized>(
        &self,
        w: &mut W,
        svc: &Service,
        d: &Destination,
    ) -> io::Result<()> {
        self.write_save_dest(w, &self.save_service_name(&svc.key), svc, d)
    }

    /// [`Self::write_save_dest_line`] with the service's name already made.
    fn write_save_dest<W: Write + ?Sized>(
        &self,
        w: &mut W,
        svc_name: &[u8],
        svc: &Service,
        d: &Destination,
    ) -> io::Result<()> {
        w.write_all(b"-a ")?;
        w.write_all(svc_name)?;
        w.write_all(b" -r ")?;
        w.write_all(&self.dest_name(&svc.key, d, false))?;
        w.write_all(b" ")?;
        w.write_all(fwd_switch(d.config.forward).as_bytes())?;
        w.write_all(b" -w ")?;
        write_u64(w, d.config.weight.get().into())?;
        if d.config.forward == ForwardMethod::Tunnel {
            const CSUM: [&str; 3] = ["--tun-nocsum", "--tun-csum", "--tun-remcsum"];
            let csum = CSUM
                .get(csum_index(d.config.tunnel.flags.bits()))
                .copied()
                .unwrap_or("--tun-nocsum");
            match d.config.tunnel.kind {
                TunnelType::Ipip => w.write_all(b" --tun-type ipip")?,
                TunnelType::Gue => write!(
                    w,
                    " --tun-type gue --tun-port {} {csum}",
                    d.config.tunnel.port
                )?,
                TunnelType::Gre => write!(w, " --tun-type gre {csum}")?,
                _ => {}
            }
        }
        w.write_all(b"\n")
    }

    /// A service's `-S` lines: `-A ...` and one `-a ...` per destination.
    pub fn write_save_service<W: Write + ?Sized>(
        &self,
        w: &mut W,
        svc: &Service,
    ) -> io::Result<()> {
        self.write_save_service_line(w, svc)?;
        let name = self.save_service_name(&svc.key);
        for d in &svc.destinations {
            self.write_save_dest(w, &name, svc, d)?;
        }
        Ok(())
    }
}
