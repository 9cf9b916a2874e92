//! Counters and rates (`IPVS_STATS_ATTR_*`), the same in the service and
//! destination nests, 32- or 64-bit.

use crate::model::Stats;
use crate::netlink::attr::{Attr, DecodeError};

/// Stats attributes (`IPVS_STATS_ATTR_*`), the same ids in both nests.
mod nla {
    pub(crate) const CONNS: u16 = 1;
    pub(crate) const INPKTS: u16 = 2;
    pub(crate) const OUTPKTS: u16 = 3;
    pub(crate) const INBYTES: u16 = 4;
    pub(crate) const OUTBYTES: u16 = 5;
    pub(crate) const CPS: u16 = 6;
    pub(crate) const INPPS: u16 = 7;
    pub(crate) const OUTPPS: u16 = 8;
    pub(crate) const INBPS: u16 = 9;
    pub(crate) const OUTBPS: u16 = 10;
}

/// Decode a stats nest (32- or 64-bit counters).
pub(super) fn decode_stats(nest: &Attr<'_>) -> Result<Stats, DecodeError> {
    let mut s = Stats::default();
    for a in nest.nested() {
        let a = a?;
        let slot = match a.ty {
            nla::CONNS => &mut s.conns,
            nla::INPKTS => &mut s.inpkts,
            nla::OUTPKTS => &mut s.outpkts,
            nla::INBYTES => &mut s.inbytes,
            nla::OUTBYTES => &mut s.outbytes,
            nla::CPS => &mut s.cps,
            nla::INPPS => &mut s.inpps,
            nla::OUTPPS => &mut s.outpps,
            nla::INBPS => &mut s.inbps,
            nla::OUTBPS => &mut s.outbps,
            _ => continue, // PAD and future counters
        };
        *slot = a.u64_or_u32("stats counter")?;
    }
    Ok(s)
}
