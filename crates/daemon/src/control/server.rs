//! The control socket's server side: the accept loop, one bounded request
//! line per connection, read into a [`Request`] and handed to the run
//! loop, whose answer is written back.
//!
//! The accept loop outlives its errors (each is reported as a
//! `control_accept_failed` event, then it waits a little and goes on), and
//! a request line longer than [`MAX_REQUEST`] is answered with an error and
//! the connection closed, unread further.

use super::{Answer, Request};
use crate::events::Event;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::UnixListener;
use tokio::sync::{mpsc, oneshot};

/// The longest request line read (64 KiB); a request is a few dozen bytes.
pub const MAX_REQUEST: u64 = 64 * 1024;

/// A request and where its answer goes.
pub type Asked = (Request, oneshot::Sender<Answer>);

/// Accept connections on `listener` until the run loop stops listening
/// (`to_loop` closed).
pub async fn serve(listener: UnixListener, to_loop: mpsc::Sender<Asked>) {
    loop {
        let s = match listener.accept().await {
            Ok((s, _)) => s,
            Err(e) => {
                // Out of file descriptors and the like: say so, let it
                // pass, and go on listening.
                Event::ControlAcceptFailed {
                    error: e.to_string(),
                }
                .emit();
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        if to_loop.is_closed() {
            return;
        }
        let to_loop = to_loop.clone();
        tokio::spawn(async move {
            let (r, mut w) = s.into_split();
            let answer = answer(BufReader::new(r), &to_loop).await;
            let _ = w
                .write_all(format!("{}\n", answer.to_line()).as_bytes())
                .await;
        });
    }
}

/// Read one request line from `r` and get the run loop's answer to it.
async fn answer<R: tokio::io::AsyncRead + Unpin>(
    r: BufReader<R>,
    to_loop: &mpsc::Sender<Asked>,
) -> Answer {
    let line = match read_line(r).await {
        Ok(l) => l,
        Err(e) => return Answer::Refused(e),
    };
    let req = match serde_json::from_str::<Request>(&line) {
        Ok(req) => req,
        Err(e) => return Answer::Refused(format!("bad request: {e}")),
    };
    let (otx, orx) = oneshot::channel();
    if to_loop.send((req, otx)).await.is_err() {
        return Answer::Refused("rvsadmd is stopping".into());
    }
    orx.await
        .unwrap_or_else(|_| Answer::Refused("no answer".into()))
}

/// One line of at most [`MAX_REQUEST`] bytes.
async fn read_line<R: tokio::io::AsyncRead + Unpin>(r: BufReader<R>) -> Result<String, String> {
    let mut line = String::new();
    let mut limited = r.take(MAX_REQUEST + 1);
    limited
        .read_line(&mut line)
        .await
        .map_err(|e| e.to_string())?;
    if line.len() as u64 > MAX_REQUEST {
        return Err(format!(
            "request longer than {MAX_REQUEST} bytes (a request is one JSON line)"
        ));
    }
    Ok(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rt() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    }

    #[test]
    fn a_long_line_is_refused() {
        rt().block_on(async {
            let (tx, _rx) = mpsc::channel::<Asked>(1);
            let long = vec![b'x'; MAX_REQUEST as usize + 10];
            let v = answer(BufReader::new(&long[..]), &tx).await;
            assert!(
                matches!(&v, Answer::Refused(e) if e.contains("longer than")),
                "{v:?}"
            );
            let v = answer(BufReader::new(&b"{\"command\":\"flush\"}\n"[..]), &tx).await;
            assert!(
                matches!(&v, Answer::Refused(e) if e.contains("bad request")),
                "{v:?}"
            );
        });
    }

    #[test]
    fn a_request_reaches_the_loop_and_its_answer_comes_back() {
        rt().block_on(async {
            let (tx, mut rx) = mpsc::channel::<Asked>(1);
            tokio::spawn(async move {
                if let Some((req, back)) = rx.recv().await {
                    assert_eq!(req, Request::Reload);
                    let _ = back.send(Answer::Done);
                }
            });
            let v = answer(BufReader::new(&b"{\"command\":\"reload\"}\n"[..]), &tx).await;
            assert_eq!(v, Answer::Done);
        });
    }
}
