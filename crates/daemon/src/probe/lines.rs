//! A connection of the text and LDAP checks: TCP, or TLS over it
//! without verifying the certificate; [`Lines`] reads it one line at a
//! time (POP3, IMAP, NNTP, simpletcp).

use crate::config::Source;
use std::net::SocketAddr;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// The longest line read.
const MAX_LINE: usize = 8 * 1024;

/// Either side of a TCP or TLS connection.
pub(super) trait Stream: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Stream for T {}

/// Connect to `target` from `src`, with TLS (the certificate not
/// verified) if `tls`; the stream and its local address.
pub(super) async fn connect(
    target: SocketAddr,
    src: &Source,
    tls: bool,
) -> Result<(Box<dyn Stream>, SocketAddr), String> {
    let tcp = super::source::tcp(target, src).await?;
    let local = tcp
        .local_addr()
        .map_err(|e| format!("local address: {e}"))?;
    if !tls {
        return Ok((Box::new(tcp), local));
    }
    let config = super::tls::config(false)?;
    let name = super::tls::server_name(None, target.ip())?;
    let t = tokio_rustls::TlsConnector::from(config)
        .connect(name, tcp)
        .await
        .map_err(|e| format!("TLS: {e}"))?;
    Ok((Box::new(t), local))
}

/// A connection read line by line.
pub(super) struct Lines {
    s: Box<dyn Stream>,
    /// The check's end of the connection.
    local: Option<SocketAddr>,
    buf: Vec<u8>,
}

impl Lines {
    /// Connect to `target` from `src`, with TLS (not verified) if `tls`.
    pub(super) async fn connect(
        target: SocketAddr,
        src: &Source,
        tls: bool,
    ) -> Result<Self, String> {
        let (s, local) = connect(target, src, tls).await?;
        Ok(Lines {
            s,
            local: Some(local),
            buf: Vec::new(),
        })
    }

    /// The check's side of the connection (for a request that names it).
    pub(super) fn local_addr(&self) -> Result<SocketAddr, String> {
        self.local.ok_or_else(|| "no local address".to_string())
    }

    /// The next line, without its line end (`\r\n` or `\n`); `None` at
    /// the end of the stream (a last line without an end is a line).
    pub(super) async fn line(&mut self) -> Result<Option<String>, String> {
        let mut chunk = [0u8; 2048];
        loop {
            if let Some(end) = self.buf.iter().position(|&b| b == b'\n') {
                let raw: Vec<u8> = self.buf.drain(..=end).collect();
                return Ok(Some(text(&raw[..end])));
            }
            if self.buf.len() > MAX_LINE {
                return Err("a line longer than 8 KiB".into());
            }
            let n = self
                .s
                .read(&mut chunk)
                .await
                .map_err(|e| format!("receive: {e}"))?;
            if n == 0 {
                if self.buf.is_empty() {
                    return Ok(None);
                }
                let rest = std::mem::take(&mut self.buf);
                return Ok(Some(text(&rest)));
            }
            self.buf.extend_from_slice(&chunk[..n]);
        }
    }

    /// The next line; the end of the stream is an error.
    pub(super) async fn expect_line(&mut self) -> Result<String, String> {
        self.line()
            .await?
            .ok_or_else(|| "the server closed the connection".to_string())
    }

    /// Send `text` as it is.
    pub(super) async fn send(&mut self, text: &str) -> Result<(), String> {
        self.s
            .write_all(text.as_bytes())
            .await
            .map_err(|e| format!("send: {e}"))
    }

    /// Shut the check's side of the connection (the server sees the end
    /// of the request).
    pub(super) async fn shut(&mut self) -> Result<(), String> {
        self.s
            .shutdown()
            .await
            .map_err(|e| format!("shutdown: {e}"))
    }
}

/// A line's bytes as text, without a final `\r`.
fn text(raw: &[u8]) -> String {
    let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
    String::from_utf8_lossy(raw).into_owned()
}
