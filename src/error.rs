//! The crate's one error type, with stable codes.
//!
//! Every variant has a snake_case code and a number that never change
//! meaning (see `docs/errors.md`).

/// Which kind of request an error came from; it selects ipvsadm's message
/// for a kernel errno (`EEXIST` on a service is "Service already exists", on a
/// destination "Destination already exists").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
    /// Add a service.
    AddService,
    /// Edit a service.
    EditService,
    /// Delete a service.
    DelService,
    /// Get one service.
    GetService,
    /// List services.
    ListServices,
    /// List destinations.
    ListDests,
    /// Add a destination.
    AddDest,
    /// Edit a destination.
    EditDest,
    /// Delete a destination.
    DelDest,
    /// Zero counters.
    Zero,
    /// Flush all services.
    Flush,
    /// Start a sync daemon.
    StartDaemon,
    /// Stop a sync daemon.
    StopDaemon,
    /// List sync daemons.
    ListDaemons,
    /// Set timeouts.
    SetTimeouts,
    /// Get timeouts.
    GetTimeouts,
    /// Get info.
    GetInfo,
    /// Resolve the netlink family / open the socket.
    Connect,
}

/// Errors of the rvsadm library.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Placeholder while the library is being written.
    #[error("{0}")]
    Other(String),
}

/// Result alias.
pub type Result<T, E = Error> = std::result::Result<T, E>;
