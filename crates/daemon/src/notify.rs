//! systemd's readiness protocol (`Type=notify` units): a datagram to the
//! socket `$NOTIFY_SOCKET` names when the table is set up, around a
//! reload, and at stop. Without the variable nothing is sent.

use std::os::unix::net::UnixDatagram;

/// Tell systemd `state` (`READY=1`, `STOPPING=1` ...), if it asked for
/// notifications. A failure to send is ignored: systemd times a start out
/// by itself, and a daemon that cannot notify must still check.
///
/// ```
/// // Without NOTIFY_SOCKET (as under a plain shell), nothing happens.
/// rvsadmd::notify::notify("READY=1");
/// ```
pub fn notify(state: &str) {
    let Some(path) = std::env::var_os("NOTIFY_SOCKET") else {
        return;
    };
    let Ok(sock) = UnixDatagram::unbound() else {
        return;
    };
    let bytes = path.as_encoded_bytes();
    let _ = match bytes.strip_prefix(b"@") {
        // An abstract socket (systemd's default for user managers).
        Some(name) => {
            use std::os::linux::net::SocketAddrExt;
            std::os::unix::net::SocketAddr::from_abstract_name(name)
                .and_then(|a| sock.send_to_addr(state.as_bytes(), &a))
        }
        None => sock.send_to(state.as_bytes(), &path),
    };
}

/// `RELOADING=1` with the monotonic time systemd's `Type=notify-reload`
/// asks for.
pub fn reloading() {
    let usec = nix::time::clock_gettime(nix::time::ClockId::CLOCK_MONOTONIC)
        .map(|t| t.tv_sec() as u64 * 1_000_000 + t.tv_nsec() as u64 / 1_000)
        .unwrap_or(0);
    notify(&format!("RELOADING=1\nMONOTONIC_USEC={usec}"));
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_datagram_reaches_the_socket_named() {
        let dir = std::env::temp_dir().join(format!("rvsadmd-notify-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("notify.sock");
        let l = std::os::unix::net::UnixDatagram::bind(&path).unwrap();
        l.set_read_timeout(Some(std::time::Duration::from_secs(5)))
            .unwrap();
        // The only test of this binary that sets the variable.
        std::env::set_var("NOTIFY_SOCKET", &path);
        super::notify("READY=1");
        super::reloading();
        std::env::remove_var("NOTIFY_SOCKET");
        let mut buf = [0u8; 256];
        let n = l.recv(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"READY=1");
        let n = l.recv(&mut buf).unwrap();
        let text = std::str::from_utf8(&buf[..n]).unwrap();
        assert!(text.starts_with("RELOADING=1\nMONOTONIC_USEC="), "{text}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
