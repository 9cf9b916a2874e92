//! ipvsadm 1.31's output, byte for byte.
//!
//! Everything here writes straight into a [`std::io::Write`] with `write!`,
//! one service at a time, so a caller can print services as they arrive
//! (ipvsadm itself sorts first; see [`super::sort`]). Trailing spaces,
//! truncations and the other quirks of ipvsadm are kept on purpose; the
//! tests compare against output captured from the real ipvsadm.
//!
//! Padding and truncation work on bytes, as C's `printf` does, so host names
//! from the resolver are handled exactly as ipvsadm handles them.
//!
//! Entry points, by file:
//! - `listing.rs`: [`write_version`], the `IP Virtual Server version ...`
//!   line; [`Renderer`]: title, service lines, destination lines and `-S`
//!   lines for the chosen [`ListOptions`];
//! - `timeouts.rs`, `daemons.rs`: [`write_timeouts`], [`write_daemons`]
//!   (`--timeout` and `--daemon`);
//! - `conn.rs`: [`write_conn_header`], [`write_conn_row`],
//!   [`write_proc_conns`] (`-c`; the C library's readers it needs are in
//!   [`super::libc`]);
//! - `columns.rs`: printf's padding and [`largenum`].

mod columns;
mod conn;
mod daemons;
mod listing;
mod timeouts;

pub use columns::largenum;
pub use conn::{
    write_conn_header, write_conn_row, write_proc_conns, ConnListError, ConnOptions, ConnRow,
};
pub use daemons::write_daemons;
pub use listing::{
    sched_flag_names, write_version, DestCounters, ListFormat, ListOptions, Renderer,
};
pub use timeouts::write_timeouts;
