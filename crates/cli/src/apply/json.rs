//! The JSON rendering of what `rvsadm apply` shows
//! (`docs/schema/apply.schema.json`).

use super::report::{Line, Shown};
use rvsadm::json::{DestinationDoc, ServiceDoc, SCHEMA_VERSION};
use rvsadm::reconcile::{Action, Before};
use rvsadm::{Change, DestConfig, ServiceConfig, ServiceKey, ServiceSpec, Timeouts};
use serde_json::{json, Map, Value};
use std::net::SocketAddr;

fn key_value(k: &ServiceKey) -> Value {
    let doc = ServiceDoc::of_spec(&ServiceSpec::new(*k));
    let mut m = Map::new();
    m.insert("family".into(), json!(doc.family));
    if let Some(p) = doc.protocol {
        m.insert("protocol".into(), json!(p));
    }
    if let Some(a) = doc.address {
        m.insert("address".into(), json!(a));
    }
    if let Some(p) = doc.port {
        m.insert("port".into(), json!(p));
    }
    if let Some(f) = doc.fwmark {
        m.insert("fwmark".into(), json!(f));
    }
    Value::Object(m)
}

/// A service configuration as the save document spells it (no key, no
/// destinations).
fn svc_cfg_value(k: &ServiceKey, c: &ServiceConfig) -> Value {
    let doc = ServiceDoc::of_spec(&ServiceSpec::new(*k).with_config(c.clone()));
    let mut v = serde_json::to_value(&doc).unwrap_or(Value::Null);
    if let Value::Object(m) = &mut v {
        for f in [
            "family",
            "protocol",
            "address",
            "port",
            "fwmark",
            "destinations",
        ] {
            m.remove(f);
        }
    }
    v
}

fn dest_cfg_value(a: &SocketAddr, c: &DestConfig) -> Value {
    let doc = DestinationDoc::of_spec(&rvsadm::DestSpec::new(*a, *c));
    let mut v = serde_json::to_value(&doc).unwrap_or(Value::Null);
    if let Value::Object(m) = &mut v {
        for f in ["family", "address", "port"] {
            m.remove(f);
        }
    }
    v
}

fn dest_key_value(a: &SocketAddr) -> Value {
    json!({
        "family": rvsadm::Family::of(&a.ip()),
        "address": a.ip(),
        "port": a.port(),
    })
}

fn timeouts_value(t: &Timeouts) -> Value {
    json!({"tcp": t.tcp, "tcp_fin": t.tcp_fin, "udp": t.udp})
}

fn line_value(l: &Line) -> Value {
    let mut m = Map::new();
    m.insert("action".into(), json!(l.action.name()));
    m.insert("object".into(), json!(l.object.name()));
    match &l.change {
        Change::AddService(s) | Change::EditService(s) => {
            m.insert("service".into(), key_value(&s.key));
            m.insert("after".into(), svc_cfg_value(&s.key, &s.config));
        }
        Change::DeleteService(k) | Change::Zero(Some(k)) => {
            m.insert("service".into(), key_value(k));
        }
        Change::AddDestination(k, d) => {
            m.insert("service".into(), key_value(k));
            m.insert("destination".into(), dest_key_value(&d.addr));
            m.insert("after".into(), dest_cfg_value(&d.addr, &d.config));
        }
        Change::EditDestination(k, d) => {
            m.insert("service".into(), key_value(k));
            m.insert("destination".into(), dest_key_value(&d.addr));
            m.insert("after".into(), dest_cfg_value(&d.addr, &d.config));
        }
        Change::DeleteDestination(k, a) => {
            m.insert("service".into(), key_value(k));
            m.insert("destination".into(), dest_key_value(a));
        }
        Change::SetTimeouts(t) => {
            m.insert("after".into(), timeouts_value(t));
        }
        Change::StartDaemon(d) | Change::StopDaemon(d) => {
            m.insert(
                "daemon".into(),
                serde_json::to_value(d).unwrap_or(Value::Null),
            );
        }
        // Flush, zero all, and any change a later library adds: the
        // action, object and ipvsadm fields below say it.
        _ => {}
    }
    let key = l.change.service().copied();
    match (&l.before, key) {
        (Some(Before::Service(c)), Some(k)) => {
            m.insert("before".into(), svc_cfg_value(&k, c));
        }
        (Some(Before::Destination(c)), _) => {
            if let Change::EditDestination(_, d) = &l.change {
                m.insert("before".into(), dest_cfg_value(&d.addr, c));
            } else if let Change::DeleteDestination(_, a) = &l.change {
                m.insert("before".into(), dest_cfg_value(a, c));
            }
        }
        (Some(Before::Timeouts(t)), _) => {
            m.insert("before".into(), timeouts_value(t));
        }
        (Some(Before::Daemon(d)), _) => {
            m.insert(
                "before".into(),
                serde_json::to_value(d).unwrap_or(Value::Null),
            );
        }
        _ => {}
    }
    if let Some(n) = l.conns {
        m.insert("connections".into(), json!(n));
    }
    m.insert("ipvsadm".into(), json!(l.change.ipvsadm_args()));
    m.insert("result".into(), json!(l.result));
    if let Some(e) = &l.error {
        m.insert("error".into(), e.clone());
    }
    Value::Object(m)
}

pub(super) fn json_doc(s: &Shown) -> Value {
    json!({
        "schema_version": SCHEMA_VERSION,
        "dry_run": s.dry_run,
        "changes": s.lines.iter().map(line_value).collect::<Vec<_>>(),
        "notes": s.notes,
        "summary": {
            "add": s.count(|l| l.action == Action::Add),
            "edit": s.count(|l| l.action == Action::Edit),
            "delete": s.count(|l| l.action == Action::Delete),
            "drain": s.count(|l| l.action == Action::Drain),
            "failed": s.count(|l| l.result == "failed"),
            "pending": s.count(|l| l.result == "pending"),
            "sent": s.sent,
        },
        "converged": s.converged,
    })
}
