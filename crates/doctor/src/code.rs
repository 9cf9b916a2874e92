//! The findings doctor can report: one table, [`CODES`], gives each its
//! stable name, severity, meaning and fix. `docs/doctor.md` lists the same
//! rows (a test keeps the two in step). A code is never reused for another
//! meaning; new codes are added at the end.

use serde::{Serialize, Serializer};
use std::fmt;

/// How bad a finding is. The exit status of `rvsadm doctor` is the worst
/// one: 0 nothing, 1 a warning (or something not checked), 2 an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Traffic may suffer in some cases (a drain that takes long, a
    /// director that is a backup on purpose).
    Warning,
    /// Traffic does not flow as configured.
    Error,
}

impl Severity {
    /// `warning` or `error`.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A row of the table: what a code means and what to do.
#[derive(Debug, Clone, Copy)]
pub struct CodeInfo {
    /// The code.
    pub code: Code,
    /// Its stable name.
    pub name: &'static str,
    /// How bad it is.
    pub severity: Severity,
    /// What it means, in one sentence.
    pub meaning: &'static str,
    /// What to do.
    pub fix: &'static str,
}

macro_rules! codes {
    ($($code:ident $name:literal $sev:ident $meaning:literal $fix:literal;)*) => {
        /// One finding's stable identity (its name is [`Code::name`]).
        ///
        /// ```
        /// use rvsadm_doctor::Code;
        /// assert_eq!(Code::NatForwardingOff.name(), "nat_forwarding_off");
        /// assert_eq!(Code::from_name("nat_forwarding_off"), Some(Code::NatForwardingOff));
        /// ```
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Code {
            $(#[doc = $meaning] $code,)*
        }

        /// Every code, in the order they were added (never reordered): the
        /// `n`th row is the `n`th variant of [`Code`].
        pub const CODES: &[CodeInfo] = &[$(CodeInfo {
            code: Code::$code,
            name: $name,
            severity: Severity::$sev,
            meaning: $meaning,
            fix: $fix,
        },)*];
    };
}

codes! {
    IpvsUnavailable "ipvs_unavailable" Error
        "The kernel has no IPVS (the ip_vs module is not loaded and could not be used), so nothing is balanced."
        "Load it: `modprobe ip_vs` (and list it in /etc/modules-load.d/ to keep it); on a kernel built without CONFIG_IP_VS, use one that has it.";
    SchedulerModuleMissing "scheduler_module_missing" Error
        "A scheduler that a service uses or asks for is neither loaded, built in, nor in this kernel's module directory, so the kernel refuses the service."
        "Install the kernel's modules package (the ip_vs_<scheduler> module) or choose a scheduler this kernel has.";
    ProtocolUnsupported "protocol_unsupported" Error
        "This kernel's IPVS was built without the service's protocol: the service is accepted but no packet of it is ever balanced, and no tool says so."
        "Use a kernel built with CONFIG_IP_VS_PROTO_<protocol>=y.";
    VipNotLocal "vip_not_local" Warning
        "The virtual address is not an address of this host, so packets to it are routed past IPVS instead of being balanced (expected on a VRRP backup)."
        "Add the VIP to an interface (`ip addr add VIP/32 dev IF`) or let the VRRP master hold it; or route it here with an fwmark service.";
    NatForwardingOff "nat_forwarding_off" Error
        "Masquerading (NAT) destinations need the director to forward the real servers' replies, and forwarding is off."
        "`sysctl -w net.ipv4.ip_forward=1` (net.ipv6.conf.all.forwarding=1 for IPv6) and keep it in /etc/sysctl.d/.";
    NatRealUnreachable "nat_real_unreachable" Error
        "The director has no usable route to a masquerading real server, so the connections scheduled to it go nowhere."
        "Add an address on the real servers' network or a route to it; check the address of the destination.";
    DrRealNotOnLink "dr_real_not_on_link" Error
        "Direct routing rewrites only the MAC address, so a direct-routing real server must be on a network this director is connected to; this one is reached through a gateway or not at all."
        "Put the director on the real server's network (an address on that segment), or use tunnelling (-i) or masquerading (-m) for it.";
    RpFilterStrict "rp_filter_strict" Warning
        "Strict reverse-path filtering (rp_filter=1) drops packets that arrive on an interface other than the one the way back to their source leaves by: here client traffic to a VIP arrives on one interface and its way back leaves by another."
        "`sysctl -w net.ipv4.conf.IF.rp_filter=2` (loose) on that interface, or make the routing symmetric.";
    NoUsableDestination "no_usable_destination" Error
        "The service has no destination, or all of them have weight 0, so new connections to it are refused or dropped."
        "Add a destination or give one a weight above 0 (check why the health checker took them all out).";
    HashDrainWithoutFallback "hash_drain_without_fallback" Error
        "Under mh and sh a weight-0 destination keeps its share of the hash table, and without the scheduler's fallback flag new flows that hash to it are dropped."
        "Add the fallback flag (`-b mh-fallback` or `-b sh-fallback`, with `-E`), or remove the destination instead of setting weight 0.";
    QuiescentTemplateSticky "quiescent_template_sticky" Warning
        "A persistent service sends returning clients to the destination their template names even at weight 0, until the template expires, so the drain takes as long as the persistence timeout after the last visit."
        "`sysctl -w net.ipv4.vs.expire_quiescent_template=1` so that templates of a weight-0 destination expire at once.";
    DrainNeedsExpireNodest "drain_needs_expire_nodest" Warning
        "Connections whose destination was removed are kept and their packets silently dropped until they time out, so those clients hang instead of reconnecting."
        "`sysctl -w net.ipv4.vs.expire_nodest_conn=1` so that such connections end at their next packet; drain with weight 0 before removing.";
    ConnReuseStall "conn_reuse_stall" Warning
        "On kernels before 5.9, with conn_reuse_mode 1 and IPVS conntrack on, the first SYN of a client port that is reused while its old connection lingers is dropped: one second of delay."
        "`sysctl -w net.ipv4.vs.conn_reuse_mode=0` on this kernel, or use a kernel 5.9 or later.";
    SyncDaemonMismatch "sync_daemon_mismatch" Warning
        "A connection-synchronisation daemon cannot do its work: its interface is missing or down, or the master and backup daemons of this director use different sync ids, groups or ports, so the peer that mirrors this director cannot pair with both."
        "Restart the daemons on an interface that is up, with the same --syncid, --mcast-group and --mcast-port for master and backup on every director of the pair.";
    RsVipMissing "rs_vip_missing" Error
        "Direct routing and tunnelling deliver packets addressed to the VIP, so the real server must have the VIP (on lo for DR, on the tunnel device for TUN); without it, checks of the real address pass while traffic to the VIP is dropped."
        "`ip addr add VIP/32 dev lo` (DR) or `ip addr add VIP/32 dev tunl0` (TUN), and keep it in the network configuration.";
    RsArpAnnouncesVip "rs_arp_announces_vip" Error
        "The real server answers ARP for the VIP or announces it (the ARP problem), so clients or the router may send traffic for the VIP straight to this server, bypassing the director."
        "Keep the VIP off the interfaces facing clients, and `sysctl -w net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2` (the kernel takes the higher of `all` and the interface's value).";
    RsTunnelMissing "rs_tunnel_missing" Error
        "Tunnelling sends IPIP packets to the real server, which has no IPIP tunnel device up to take them out of the tunnel."
        "`modprobe ipip; ip link set tunl0 up` (ip6_tunnel and ip6tnl0 for IPv6) and add the VIP on it.";
    RsRpFilterDropsTunnel "rs_rp_filter_drops_tunnel" Error
        "Packets taken out of the tunnel carry the client's address, whose way back does not leave by the tunnel device, so strict reverse-path filtering drops them."
        "`sysctl -w net.ipv4.conf.tunl0.rp_filter=0 net.ipv4.conf.all.rp_filter=0` (the kernel takes the higher of `all` and the device's value; 2, loose, also works).";
    RsNatRouteBypassesDirector "rs_nat_route_bypasses_director" Error
        "With masquerading, the real server's replies must go back through the director to be rewritten, and its route to clients does not lead through the director."
        "Make the director's address on this network the real server's default gateway: `ip route replace default via DIRECTOR`.";
    NatReturnPath "nat_return_path" Error
        "Connections to a masquerading real server stay in SYN_RECV and nothing goes back to clients through the director, while the server answers the director itself: its replies leave by another way (its default route does not lead through this director)."
        "On the real server, route replies through the director: make the director's address on that network its default gateway (`rvsadm doctor --real-server --method nat` there says what it has).";
    RealNotAnswering "real_not_answering" Error
        "Connections scheduled to this real server stay in SYN_RECV while clients keep sending, and it does not accept a connection from the director either: it is down, not listening on the port, or unreachable."
        "Check the server and its service (is it listening on the port, is its address up?), and let the health checker take it out.";
}

impl Code {
    /// This code's row of [`CODES`].
    pub fn info(self) -> &'static CodeInfo {
        // Both are made by `codes!` from one list, in one order.
        &CODES[self as usize]
    }

    /// Its stable name (`nat_forwarding_off`).
    pub fn name(self) -> &'static str {
        self.info().name
    }

    /// How bad it is.
    pub fn severity(self) -> Severity {
        self.info().severity
    }

    /// The code of a name, if it is one.
    pub fn from_name(name: &str) -> Option<Code> {
        CODES.iter().find(|i| i.name == name).map(|i| i.code)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_one_row_and_names_are_unique() {
        let mut names: Vec<&str> = CODES.iter().map(|i| i.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), CODES.len());
        for i in CODES {
            assert_eq!(i.code.info().name, i.name);
            assert_eq!(Code::from_name(i.name), Some(i.code));
            assert!(i.meaning.ends_with('.') || i.meaning.ends_with(')'));
        }
    }
}
