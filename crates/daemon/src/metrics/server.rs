//! The HTTP server of `/metrics` (hyper's HTTP/1 server on the daemon's
//! runtime). A scrape asks the run loop for the engine's [`View`], reads
//! the whole table with counters on a handle of its own, and encodes
//! both with the counted families, off the loop's thread.
//!
//! Answers: `200` with the exposition (`GET` or `HEAD /metrics`; the
//! Prometheus text format, or OpenMetrics when `Accept` asks for it);
//! `404` for another path; `405` for another method; `503` when the
//! loop is gone or the table could not be read (the error in the body).

use super::view::View;
use super::Metrics;
use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{ACCEPT, ALLOW, CONTENT_TYPE};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use rvsadm::Ipvs;
use rvsadm_metrics::{encode, Format, IpvsFamilies, Registry};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot, Semaphore};

/// How a scrape asks the loop for the engine's view.
pub type Ask = mpsc::Sender<oneshot::Sender<View>>;

/// Scrapes served at once (more wait for their turn to be accepted).
const CONNECTIONS: usize = 16;

/// What a scrape needs.
struct Scraper {
    ask: Ask,
    ipvs: Arc<Ipvs>,
    metrics: Metrics,
}

/// Listen on `addr` and serve `/metrics` from a task of the runtime.
/// Errors: the address cannot be bound, IPVS cannot be opened.
pub fn listen(addr: SocketAddr, ask: Ask, metrics: Metrics) -> Result<(), String> {
    let cannot = |e: std::io::Error| format!("cannot serve metrics on {addr}: {e}");
    let std_listener = std::net::TcpListener::bind(addr).map_err(cannot)?;
    std_listener.set_nonblocking(true).map_err(cannot)?;
    let listener = tokio::net::TcpListener::from_std(std_listener).map_err(cannot)?;
    let ipvs = Ipvs::connect().map_err(|e| format!("metrics: {e}"))?;
    let s = Arc::new(Scraper {
        ask,
        ipvs: Arc::new(ipvs),
        metrics,
    });
    tokio::spawn(accept(listener, s));
    Ok(())
}

/// Accept connections for ever, each served on a task of its own; an
/// error of one accept (out of descriptors) is waited out.
async fn accept(listener: tokio::net::TcpListener, s: Arc<Scraper>) {
    let places = Arc::new(Semaphore::new(CONNECTIONS));
    loop {
        let Ok(place) = places.clone().acquire_owned().await else {
            return;
        };
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let s = s.clone();
        tokio::spawn(async move {
            let service = service_fn(move |req| answer(req, s.clone()));
            let _ = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(Duration::from_secs(10))
                .serve_connection(TokioIo::new(stream), service)
                .await;
            drop(place);
        });
    }
}

/// The answer to one request.
async fn answer(
    req: Request<Incoming>,
    s: Arc<Scraper>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    if req.uri().path() != "/metrics" {
        return Ok(plain(
            StatusCode::NOT_FOUND,
            "only /metrics is served\n".into(),
        ));
    }
    if req.method() != Method::GET && req.method() != Method::HEAD {
        let mut r = plain(StatusCode::METHOD_NOT_ALLOWED, "GET or HEAD\n".into());
        r.headers_mut()
            .insert(ALLOW, "GET, HEAD".parse().expect("a valid header"));
        return Ok(r);
    }
    let accept = req.headers().get(ACCEPT).and_then(|v| v.to_str().ok());
    let format = Format::negotiate(accept);
    Ok(match scrape(&s, format).await {
        Ok(text) => {
            let mut r = Response::new(Full::new(Bytes::from(text)));
            let ct = format.content_type().parse().expect("a valid header");
            r.headers_mut().insert(CONTENT_TYPE, ct);
            r
        }
        Err(e) => plain(StatusCode::SERVICE_UNAVAILABLE, format!("{e}\n")),
    })
}

/// The exposition: the engine's view from the loop, then the table read
/// and everything encoded on a blocking thread.
async fn scrape(s: &Arc<Scraper>, format: Format) -> Result<String, String> {
    let (tx, rx) = oneshot::channel();
    s.ask
        .send(tx)
        .await
        .map_err(|_| "rvsadmd is stopping".to_string())?;
    let view = rx.await.map_err(|_| "rvsadmd is stopping".to_string())?;
    let (ipvs, metrics) = (s.ipvs.clone(), s.metrics.clone());
    tokio::task::spawn_blocking(move || render(&ipvs, view, &metrics, format))
        .await
        .map_err(|e| e.to_string())?
}

/// Every family: the table's, the engine's view and the counted ones.
fn render(ipvs: &Ipvs, view: View, metrics: &Metrics, format: Format) -> Result<String, String> {
    let services = ipvs
        .services_with_destinations()
        .map_err(|e| format!("cannot read the IPVS table: {e} ({})", e.code()))?;
    let mut r = Registry::default();
    r.register_collector(Box::new(IpvsFamilies::new(&services)));
    r.register_collector(Box::new(view));
    metrics.register(&mut r);
    encode(&r, format).map_err(|e| e.to_string())
}

/// A plain-text answer with `status`.
fn plain(status: StatusCode, text: String) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(Bytes::from(text)));
    *r.status_mut() = status;
    r.headers_mut().insert(
        CONTENT_TYPE,
        "text/plain; charset=utf-8".parse().expect("a valid header"),
    );
    r
}
