// Changes of every kind, with what the kernel had, connections, results
// and errors: the input of the checked-in `change_docs.json`.

/// One change as a report shows it.
struct Sample {
    action: Action,
    object: Object,
    change: Change,
    before: Option<Before>,
    conns: Option<u64>,
    result: &'static str,
    error: Option<Error>,
}

fn sample(action: Action, object: Object, change: Change) -> Sample {
    Sample {
        action,
        object,
        change,
        before: None,
        conns: None,
        result: "planned",
        error: None,
    }
}

fn samples() -> Vec<Sample> {
    let tcp = ServiceKey::tcp("192.0.2.1:80".parse().unwrap());
    let udp6 = ServiceKey::udp("[2001:db8::1]:53".parse().unwrap());
    let sctp = ServiceKey::Addr {
        protocol: Protocol::Sctp,
        addr: "192.0.2.9".parse().unwrap(),
        port: 3868,
    };
    let mark6 = ServiceKey::Fwmark {
        mark: 7,
        family: Family::Inet6,
    };
    let mark = ServiceKey::Fwmark {
        mark: 4_000_000_000,
        family: Family::Inet,
    };
    let sh = ServiceConfig::new(Family::Inet)
        .with_scheduler(Scheduler::Sh)
        .with_persistence(120)
        .with_flags(ServiceFlags::SCHED1 | ServiceFlags::SCHED2 | ServiceFlags::ONEPACKET)
        .with_netmask(Netmask::V4("255.255.255.0".parse().unwrap()))
        .with_pe("sip");
    let v6 = ServiceConfig::new(Family::Inet6)
        .with_scheduler(Scheduler::Mh)
        .with_flags(ServiceFlags::SCHED1)
        .with_netmask(Netmask::V6Prefix(64));
    let v6_before = ServiceConfig::new(Family::Inet6).with_scheduler(Scheduler::Rr);
    let gue = DestConfig::new(ForwardMethod::Tunnel)
        .with_tunnel(TunnelType::Gue, 6080, TunnelFlags::CSUM)
        .with_thresholds(100, 10)
        .with_weight(Weight::from(7u16));
    let masq = DestConfig::new(ForwardMethod::Masq).with_weight(Weight::from(3u16));
    let rs: std::net::SocketAddr = "10.0.0.1:80".parse().unwrap();
    let rs6: std::net::SocketAddr = "[2001:db8::10]:53".parse().unwrap();
    let daemon = Daemon {
        sync_maxlen: Some(1472),
        mcast_group: Some("239.1.2.3".parse().unwrap()),
        mcast_port: Some(8849),
        mcast_ttl: Some(2),
        ..Daemon::new(DaemonState::Master, "eth0").with_sync_id(9)
    };
    let backup = Daemon::new(DaemonState::Backup, "eth1");
    let odd = Daemon::new(DaemonState::Other(5), "eth2").with_sync_id(1);
    let t = Timeouts {
        tcp: 900,
        tcp_fin: 0,
        udp: 300,
    };
    vec![
        sample(
            Action::Add,
            Object::Service,
            Change::AddService(Service::new(tcp).with_config(sh.clone())),
        ),
        Sample {
            before: Some(Before::Service(v6_before.clone())),
            result: "applied",
            ..sample(
                Action::Edit,
                Object::Service,
                Change::EditService(Service::new(udp6).with_config(v6.clone())),
            )
        },
        Sample {
            before: Some(Before::Service(v6_before)),
            result: "failed",
            error: Some(Error::Kernel {
                op: Op::EditService,
                errno: 95,
            }),
            ..sample(
                Action::Edit,
                Object::Service,
                Change::EditService(
                    Service::new(mark6).with_config(v6.with_scheduler(Scheduler::Wlc)),
                ),
            )
        },
        Sample {
            conns: Some(12),
            result: "pending",
            ..sample(Action::Delete, Object::Service, Change::DeleteService(sctp))
        },
        Sample {
            result: "applied",
            ..sample(Action::Delete, Object::Service, Change::DeleteService(mark))
        },
        sample(
            Action::Add,
            Object::Destination,
            Change::add_destination(tcp, rs, gue),
        ),
        Sample {
            before: Some(Before::Destination(masq)),
            result: "applied",
            ..sample(
                Action::Drain,
                Object::Destination,
                Change::EditDestination(tcp, Destination::new(rs, masq.with_weight(Weight::ZERO))),
            )
        },
        Sample {
            before: Some(Before::Destination(masq)),
            ..sample(
                Action::Edit,
                Object::Destination,
                Change::EditDestination(tcp, Destination::new(rs, gue)),
            )
        },
        Sample {
            before: Some(Before::Destination(masq)),
            result: "failed",
            error: Some(Error::NoSuchDestination { op: Op::DelDest }),
            ..sample(
                Action::Delete,
                Object::Destination,
                Change::DeleteDestination(tcp, rs),
            )
        },
        Sample {
            conns: Some(3),
            ..sample(
                Action::Delete,
                Object::Destination,
                Change::DeleteDestination(udp6, rs6),
            )
        },
        Sample {
            before: Some(Before::Timeouts(Timeouts {
                tcp: 60,
                tcp_fin: 120,
                udp: 300,
            })),
            result: "applied",
            ..sample(Action::Edit, Object::Timeouts, Change::SetTimeouts(t))
        },
        sample(Action::Add, Object::Daemon, Change::StartDaemon(daemon)),
        Sample {
            before: Some(Before::Daemon(backup.clone())),
            ..sample(Action::Delete, Object::Daemon, Change::StopDaemon(backup))
        },
        sample(Action::Delete, Object::Daemon, Change::StopDaemon(odd)),
        sample(Action::Edit, Object::Service, Change::Zero(Some(tcp))),
        sample(Action::Edit, Object::Service, Change::Zero(None)),
        sample(Action::Delete, Object::Service, Change::Flush),
    ]
}
