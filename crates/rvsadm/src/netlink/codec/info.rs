//! `GET_INFO`'s reply (`IPVS_INFO_ATTR_*`): version and connection-table
//! size.

use crate::model::Info;
use crate::netlink::attr::{Attrs, DecodeError};

/// Info attributes (`IPVS_INFO_ATTR_*`).
mod nla {
    pub(crate) const VERSION: u16 = 1;
    pub(crate) const CONN_TAB_SIZE: u16 = 2;
}

/// Decode the attributes of a `GET_INFO` reply.
pub(crate) fn decode_info(attrs: &[u8]) -> Result<Info, DecodeError> {
    let mut version = None;
    let mut size = None;
    for a in Attrs::new(attrs) {
        let a = a?;
        match a.ty {
            nla::VERSION => version = Some(a.u32("version")?),
            nla::CONN_TAB_SIZE => size = Some(a.u32("conn_tab_size")?),
            _ => {}
        }
    }
    Ok(Info {
        version: version.ok_or_else(|| DecodeError::new("info reply without a version"))?,
        conn_tab_size: size.ok_or_else(|| DecodeError::new("info reply without a table size"))?,
    })
}
