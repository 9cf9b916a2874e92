//! IPVS requests: the request for each read and each [`Change`] (the
//! command numbers and top-level attributes are in [`super::command`]).

use super::command::cmd;
use super::daemon::{put_daemon_del, put_daemon_new};
use super::dest::put_dest;
use super::service::{put_service, put_service_key, SvcFields};
use super::timeouts::put_timeouts;
use crate::error::Op;
use crate::model::{Change, DestConfig, ServiceKey};
use crate::netlink::attr::AttrWriter;

/// One IPVS request: its kind, genl command, whether it is a dump, and its
/// attributes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Request {
    /// The request kind (selects the errno mapping).
    pub(crate) op: Op,
    /// The genl command.
    pub(crate) cmd: u8,
    /// Sent with `NLM_F_DUMP`.
    pub(crate) dump: bool,
    /// The attributes after the genl header.
    pub(crate) attrs: Vec<u8>,
}

impl Request {
    /// A request that changes something (acknowledged, no dump).
    pub(crate) fn change(op: Op, cmd: u8, attrs: Vec<u8>) -> Self {
        Request {
            op,
            cmd,
            dump: false,
            attrs,
        }
    }

    /// `GET_INFO`.
    pub(crate) fn get_info() -> Self {
        Request {
            op: Op::GetInfo,
            cmd: cmd::GET_INFO,
            dump: false,
            attrs: Vec::new(),
        }
    }

    /// The service dump.
    pub(crate) fn list_services() -> Self {
        Request {
            op: Op::ListServices,
            cmd: cmd::GET_SERVICE,
            dump: true,
            attrs: Vec::new(),
        }
    }

    /// `GET_SERVICE` for one service: the full nest with no scheduler and
    /// a zero netmask, as ipvsadm sends it.
    pub(crate) fn get_service(key: &ServiceKey) -> Self {
        let mut w = AttrWriter::new();
        put_service(
            &mut w,
            &SvcFields {
                netmask: 0,
                ..SvcFields::key_only(key)
            },
        );
        Request {
            op: Op::GetService,
            cmd: cmd::GET_SERVICE,
            dump: false,
            attrs: w.into_vec(),
        }
    }

    /// The destination dump of one service.
    pub(crate) fn list_dests(key: &ServiceKey) -> Self {
        let mut w = AttrWriter::new();
        put_service_key(&mut w, key);
        Request {
            op: Op::ListDests,
            cmd: cmd::GET_DEST,
            dump: true,
            attrs: w.into_vec(),
        }
    }

    /// `GET_CONFIG` (the timeouts).
    pub(crate) fn get_timeouts() -> Self {
        Request {
            op: Op::GetTimeouts,
            cmd: cmd::GET_CONFIG,
            dump: false,
            attrs: Vec::new(),
        }
    }

    /// The daemon dump.
    pub(crate) fn list_daemons() -> Self {
        Request {
            op: Op::ListDaemons,
            cmd: cmd::GET_DAEMON,
            dump: true,
            attrs: Vec::new(),
        }
    }
}

/// The request for one change.
pub(crate) fn encode_change(c: &Change) -> Request {
    let mut w = AttrWriter::new();
    let command = match c {
        Change::AddService(s) => {
            put_service(&mut w, &SvcFields::of(&s.key, &s.config));
            cmd::NEW_SERVICE
        }
        Change::EditService(s) => {
            let mut f = SvcFields::of(&s.key, &s.config);
            f.kept = &s.unknown;
            put_service(&mut w, &f);
            cmd::SET_SERVICE
        }
        Change::DeleteService(k) => {
            put_service(&mut w, &SvcFields::key_only(k));
            cmd::DEL_SERVICE
        }
        Change::Flush => cmd::FLUSH,
        Change::AddDestination(k, d) => {
            put_service(&mut w, &SvcFields::key_only(k));
            put_dest(&mut w, &d.addr, &d.config, &[]);
            cmd::NEW_DEST
        }
        Change::EditDestination(k, d) => {
            put_service(&mut w, &SvcFields::key_only(k));
            put_dest(&mut w, &d.addr, &d.config, &d.unknown);
            cmd::SET_DEST
        }
        Change::DeleteDestination(k, addr) => {
            // The kernel reads only the address and port of a deletion;
            // the rest is ipvsadm's defaults, so the bytes are its bytes.
            put_service(&mut w, &SvcFields::key_only(k));
            put_dest(&mut w, addr, &DestConfig::default(), &[]);
            cmd::DEL_DEST
        }
        Change::Zero(k) => {
            if let Some(k) = k {
                put_service(&mut w, &SvcFields::key_only(k));
            }
            cmd::ZERO
        }
        Change::SetTimeouts(t) => {
            put_timeouts(&mut w, t);
            cmd::SET_CONFIG
        }
        Change::StartDaemon(d) => {
            put_daemon_new(&mut w, d);
            cmd::NEW_DAEMON
        }
        Change::StopDaemon(d) => {
            put_daemon_del(&mut w, d);
            cmd::DEL_DAEMON
        }
    };
    Request::change(c.op(), command, w.into_vec())
}
