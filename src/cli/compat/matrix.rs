//! ipvsadm's command/option matrix and tunnel-type table.
//!
//! After all options are read, ipvsadm checks which options a command
//! requires, allows or forbids, walking the option columns in a fixed order
//! and reporting the first problem. The same check, with "tunnel type" in
//! the messages, decides which tunnel options fit a tunnel type. Both tables
//! are data here ([`MATRIX`], [`TUNNEL_TABLE`]), one row per command or type,
//! one character per column:
//!
//! | char | meaning |
//! |---|---|
//! | `+` | required |
//! | `x` | illegal |
//! | `1` | at most one of the `1` columns |
//! | ` ` | optional |

use super::failure::Failure;

/// The option columns, in the order ipvsadm checks them. The names are the
/// ones its messages use (also for `multiple '%s' options specified`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(missing_docs)] // each variant is the option named by `name()`
pub enum OptCol {
    Numeric,
    Connection,
    ServiceAddress,
    Scheduler,
    Persistent,
    Netmask,
    RealServer,
    ForwardingMethod,
    Weight,
    UThreshold,
    LThreshold,
    McastInterface,
    Timeout,
    Daemon,
    Stats,
    Rate,
    Thresholds,
    PersistentConn,
    NoSort,
    SyncId,
    Exact,
    Ops,
    Pe,
    SchedFlags,
    McastGroup,
    McastPort,
    McastTtl,
    SyncMaxlen,
    TunInfo,
    TunType,
    TunPort,
    TunNocsum,
    TunCsum,
    TunRemcsum,
}

/// Number of option columns.
pub const NUM_COLS: usize = 34;

/// Every column with its message name, in check order.
pub const COLUMNS: [(OptCol, &str); NUM_COLS] = [
    (OptCol::Numeric, "numeric"),
    (OptCol::Connection, "connection"),
    (OptCol::ServiceAddress, "service-address"),
    (OptCol::Scheduler, "scheduler"),
    (OptCol::Persistent, "persistent"),
    (OptCol::Netmask, "netmask"),
    (OptCol::RealServer, "real-server"),
    (OptCol::ForwardingMethod, "forwarding-method"),
    (OptCol::Weight, "weight"),
    (OptCol::UThreshold, "u-threshold"),
    (OptCol::LThreshold, "l-threshold"),
    (OptCol::McastInterface, "mcast-interface"),
    (OptCol::Timeout, "timeout"),
    (OptCol::Daemon, "daemon"),
    (OptCol::Stats, "stats"),
    (OptCol::Rate, "rate"),
    (OptCol::Thresholds, "thresholds"),
    (OptCol::PersistentConn, "persistent-conn"),
    (OptCol::NoSort, "nosort"),
    (OptCol::SyncId, "syncid"),
    (OptCol::Exact, "exact"),
    (OptCol::Ops, "ops"),
    (OptCol::Pe, "pe"),
    (OptCol::SchedFlags, "sched-flags"),
    (OptCol::McastGroup, "mcast-group"),
    (OptCol::McastPort, "mcast-port"),
    (OptCol::McastTtl, "mcast-ttl"),
    (OptCol::SyncMaxlen, "sync-maxlen"),
    (OptCol::TunInfo, "tun-info"),
    (OptCol::TunType, "tun-type"),
    (OptCol::TunPort, "tun-port"),
    (OptCol::TunNocsum, "tun-nocsum"),
    (OptCol::TunCsum, "tun-csum"),
    (OptCol::TunRemcsum, "tun-remcsum"),
];

impl OptCol {
    /// Column index (check order).
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The name ipvsadm's messages use.
    pub fn name(self) -> &'static str {
        COLUMNS.get(self.index()).map_or("", |(_, n)| n)
    }
}

/// A set of option columns.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OptSet(u64);

impl OptSet {
    /// Whether `c` is in the set.
    pub fn has(self, c: OptCol) -> bool {
        self.0 & (1 << c.index()) != 0
    }
    /// Add `c`.
    pub fn add(&mut self, c: OptCol) {
        self.0 |= 1 << c.index();
    }
    /// Whether any of `cs` is in the set.
    pub fn any(self, cs: &[OptCol]) -> bool {
        cs.iter().any(|c| self.has(*c))
    }
}

/// ipvsadm's commands, in its table order (help and version are handled
/// before the matrix and have no row).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(missing_docs)] // each variant is the command named by `name()`
pub enum Cmd {
    AddService,
    EditService,
    DeleteService,
    Flush,
    List,
    AddServer,
    DeleteServer,
    EditServer,
    Set,
    StartDaemon,
    StopDaemon,
    Restore,
    Save,
    Zero,
}

/// Every command with its message name and matrix row (columns in
/// [`COLUMNS`] order).
pub const MATRIX: [(Cmd, &str, &[u8; NUM_COLS]); 14] = [
    //                                  0         1         2         3
    //                                  0123456789012345678901234567890123
    (
        Cmd::AddService,
        "add-service",
        b"xx+   xxxxxxxxxxxxxxx   xxxxxxxxxx",
    ),
    (
        Cmd::EditService,
        "edit-service",
        b"xx+   xxxxxxxxxxxxxxx   xxxxxxxxxx",
    ),
    (
        Cmd::DeleteService,
        "delete-service",
        b"xx+xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    ),
    (Cmd::Flush, "flush", b"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
    (Cmd::List, "list", b" 11xxxxxxxxx11       xxxxxxx xxxxx"),
    (
        Cmd::AddServer,
        "add-server",
        b"xx+xxx+    xxxxxxxxxxxxxxxxxx     ",
    ),
    (
        Cmd::DeleteServer,
        "delete-server",
        b"xx+xxx+xxxxxxxxxxxxxxxxxxxxxxxxxxx",
    ),
    (
        Cmd::EditServer,
        "edit-server",
        b"xx+xxx+    xxxxxxxxxxxxxxxxxx     ",
    ),
    (Cmd::Set, "set", b"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
    (
        Cmd::StartDaemon,
        "start-daemon",
        b"xxxxxxxxxxx xxxxxxx xxxx    xxxxxx",
    ),
    (
        Cmd::StopDaemon,
        "stop-daemon",
        b"xxxxxxxxxxxxxxxxxxx xxxxxxxxxxxxxx",
    ),
    (
        Cmd::Restore,
        "restore",
        b"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    ),
    (Cmd::Save, "save", b" xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
    (Cmd::Zero, "zero", b"xx xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
];

/// The tunnel columns of [`TUNNEL_TABLE`].
pub const TUNNEL_COLS: [OptCol; 4] = [
    OptCol::TunPort,
    OptCol::TunNocsum,
    OptCol::TunCsum,
    OptCol::TunRemcsum,
];

/// Tunnel types (by their kernel number 0, 1, 2) and the tunnel options they
/// take, columns as in [`TUNNEL_COLS`].
pub const TUNNEL_TABLE: [(&str, &[u8; 4]); 3] =
    [("ipip", b"xxxx"), ("gue", b"+111"), ("gre", b"x11x")];

impl Cmd {
    fn row(self) -> Option<&'static (Cmd, &'static str, &'static [u8; NUM_COLS])> {
        MATRIX.iter().find(|(c, _, _)| *c == self)
    }

    /// The name ipvsadm's messages use.
    pub fn name(self) -> &'static str {
        self.row().map_or("", |(_, n, _)| n)
    }
}

/// Walk `cols` in order against `row` and report the first problem, with
/// `what` naming the row (`'add-service' command`, `'gue' tunnel type`).
fn check_row(row: &[u8], cols: &[OptCol], given: OptSet, what: &str) -> Result<(), Failure> {
    let mut first_exclusive: Option<OptCol> = None;
    for (col, code) in cols.iter().zip(row) {
        let has = given.has(*col);
        let msg = match code {
            b'x' if has => format!("Illegal '{}' option with the {what}", col.name()),
            b'+' if !has => format!(
                "You need to supply the '{}' option for the {what}",
                col.name()
            ),
            b'1' if has => match first_exclusive {
                None => {
                    first_exclusive = Some(*col);
                    continue;
                }
                Some(prev) => format!(
                    "The option '{}' conflicts with the '{}' option in the {what}",
                    col.name(),
                    prev.name()
                ),
            },
            _ => continue,
        };
        return Err(Failure::fail(msg));
    }
    Ok(())
}

/// ipvsadm's `generic_opt_check` for a command.
pub fn check_command(cmd: Cmd, given: OptSet) -> Result<(), Failure> {
    let Some((_, name, row)) = cmd.row() else {
        return Ok(());
    };
    let cols: Vec<OptCol> = COLUMNS.iter().map(|(c, _)| *c).collect();
    check_row(&row[..], &cols, given, &format!("'{name}' command"))
}

/// The tunnel-type check (`tunnel_opt_check`); `tun_type` is the kernel
/// number (0 ipip, 1 gue, 2 gre).
pub fn check_tunnel(tun_type: u8, given: OptSet) -> Result<(), Failure> {
    let Some((name, row)) = TUNNEL_TABLE.get(usize::from(tun_type)) else {
        return Ok(());
    };
    check_row(
        &row[..],
        &TUNNEL_COLS,
        given,
        &format!("'{name}' tunnel type"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_in_order() {
        for (i, (c, _)) in COLUMNS.iter().enumerate() {
            assert_eq!(c.index(), i);
        }
        for (i, (c, _, _)) in MATRIX.iter().enumerate() {
            assert_eq!(*c as usize, i);
        }
    }

    #[test]
    fn first_problem_in_column_order() {
        let mut s = OptSet::default();
        s.add(OptCol::RealServer);
        s.add(OptCol::Numeric);
        let e = check_command(Cmd::AddServer, s).unwrap_err();
        assert_eq!(
            e.stderr,
            "Illegal 'numeric' option with the 'add-server' command\n"
        );
        let mut s = OptSet::default();
        s.add(OptCol::Daemon);
        s.add(OptCol::Timeout);
        s.add(OptCol::ServiceAddress);
        let e = check_command(Cmd::List, s).unwrap_err();
        assert_eq!(
            e.stderr,
            "The option 'timeout' conflicts with the 'service-address' option in the 'list' command\n"
        );
        let e = check_tunnel(1, OptSet::default()).unwrap_err();
        assert_eq!(
            e.stderr,
            "You need to supply the 'tun-port' option for the 'gue' tunnel type\n"
        );
    }
}
