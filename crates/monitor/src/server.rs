//! The `/metrics` HTTP server: the one part of this crate that does network IO (feature
//! `server`, on by default). `GET /metrics` (and `HEAD /metrics`) answer
//! [`render_prometheus`] of the latest published snapshot; other methods on `/metrics` get
//! 405, any other path 404.
//!
//! # Why hyper on one tokio thread, and not tiny_http
//!
//! The server must stay responsive when clients misbehave: connections that send nothing,
//! clients that trickle a request byte by byte, oversized requests. tiny_http (used before)
//! gives each connection a blocking thread and has no read timeout, no limit on the time to
//! read a request and no connection bound: a handful of idle connections kept `/metrics`
//! from answering for over 40 s. A blocking design cannot fix this with a bounded pool
//! either: P idle connections occupy P workers until their timeout, so any fixed pool
//! stalls for the timeout's length. An event loop does not: an idle connection costs a
//! socket and a few hundred bytes, never a thread. So the server is hyper's HTTP/1 connection
//! driver on a single-threaded tokio runtime, on one background thread, with:
//!
//! * a deadline per connection ([`ServerLimits::request_timeout`]) covering the whole
//!   exchange: reading the request head (however slowly it trickles in) and writing the
//!   response; hyper's header-read timeout is set to the same value;
//! * at most [`ServerLimits::max_connections`] open connections; beyond that, new ones are
//!   closed at once rather than queued;
//! * a cap on the request head ([`ServerLimits::max_request_bytes`]); a larger one gets
//!   431, and request bodies are never read;
//! * one request per connection (no keep-alive), so that no idle connection outlives its
//!   answer.
//!
//! The cost is build time (tokio and hyper instead of tiny_http), paid once; the thread count
//! stays fixed whatever the clients do.

use std::convert::Infallible;
use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{ALLOW, CONTENT_TYPE as CONTENT_TYPE_HEADER, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::sync::{Semaphore, oneshot};

use crate::exposition::{CONTENT_TYPE, SharedSnapshot};
use crate::{MonitorError, Result};

#[cfg(doc)]
use crate::exposition::render_prometheus;

/// The bounds that keep the server answering whatever its clients do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerLimits {
    /// The longest a connection may take to send its request and receive the answer.
    /// Default 10 s.
    pub request_timeout: Duration,
    /// Open connections at most; a connection beyond it is closed at once. Default 512.
    pub max_connections: usize,
    /// The largest request head (request line and headers) read, in bytes; at least 8192.
    /// Default 16 KiB.
    pub max_request_bytes: usize,
}

impl Default for ServerLimits {
    fn default() -> Self {
        Self {
            request_timeout: Duration::from_secs(10),
            max_connections: 512,
            max_request_bytes: 16 * 1024,
        }
    }
}

/// hyper's smallest read buffer.
const MIN_REQUEST_BYTES: usize = 8192;

/// A running `/metrics` server. Dropping it (or [`MetricsServer::shutdown`]) stops it.
pub struct MetricsServer {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

/// Starts serving `state` at `http://addr/metrics` on a background thread, with the default
/// [`ServerLimits`]. Port 0 picks a free port; [`MetricsServer::local_addr`] tells which.
///
/// # Errors
/// The address does not resolve or cannot be bound.
pub fn serve(
    addr: impl ToSocketAddrs + std::fmt::Debug,
    state: SharedSnapshot,
) -> Result<MetricsServer> {
    serve_with(addr, state, ServerLimits::default())
}

/// [`serve`] with explicit limits.
///
/// # Errors
/// The address does not resolve or cannot be bound, or a limit is zero.
pub fn serve_with(
    addr: impl ToSocketAddrs + std::fmt::Debug,
    state: SharedSnapshot,
    limits: ServerLimits,
) -> Result<MetricsServer> {
    let fail = |reason: String| MonitorError::Serve {
        addr: format!("{addr:?}"),
        reason,
    };
    if limits.request_timeout.is_zero() || limits.max_connections == 0 {
        return Err(fail(
            "the request timeout and the connection limit must be positive".into(),
        ));
    }
    let listener = std::net::TcpListener::bind(&addr).map_err(|e| fail(e.to_string()))?;
    let local = listener.local_addr().map_err(|e| fail(e.to_string()))?;
    listener
        .set_nonblocking(true)
        .map_err(|e| fail(e.to_string()))?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()
        .map_err(|e| fail(e.to_string()))?;
    let listener = {
        let _context = runtime.enter();
        tokio::net::TcpListener::from_std(listener).map_err(|e| fail(e.to_string()))?
    };
    let (stop, stopped) = oneshot::channel();
    let thread = std::thread::Builder::new()
        .name("fairkit-metrics-server".into())
        .spawn(move || {
            runtime.block_on(async move {
                tokio::spawn(accept(listener, state, limits));
                // Resolves on `stop` or when the sender is dropped.
                let _ = stopped.await;
            });
            // Dropping the runtime cancels the accept loop and closes every connection.
        })
        .map_err(|e| fail(e.to_string()))?;
    Ok(MetricsServer {
        addr: local,
        stop: Some(stop),
        thread: Some(thread),
    })
}

/// Accepts connections for ever, each served on its own task within the limits.
async fn accept(listener: tokio::net::TcpListener, state: SharedSnapshot, limits: ServerLimits) {
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.request_timeout)
        .keep_alive(false)
        .max_buf_size(limits.max_request_bytes.max(MIN_REQUEST_BYTES));
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            // Out of file descriptors, a connection reset before accept: wait a moment
            // rather than spin, and go on.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
        };
        // Over the limit: close it now (dropping the stream) rather than let it wait.
        let Ok(slot) = Arc::clone(&slots).try_acquire_owned() else {
            continue;
        };
        let state = state.clone();
        let connection = http.serve_connection(
            TokioIo::new(stream),
            service_fn(move |request| {
                let response = respond(&request, &state);
                async move { Ok::<_, Infallible>(response) }
            }),
        );
        tokio::spawn(async move {
            // A client that times out, hangs up or sends garbage is not the server's
            // problem: the connection just ends.
            let _ = tokio::time::timeout(limits.request_timeout, connection).await;
            drop(slot);
        });
    }
}

/// The answer to one request.
fn respond(request: &Request<Incoming>, state: &SharedSnapshot) -> Response<Full<Bytes>> {
    let reply = |status: StatusCode, body: String| {
        let mut r = Response::new(Full::new(Bytes::from(body)));
        *r.status_mut() = status;
        r
    };
    if request.uri().path() != "/metrics" {
        return reply(StatusCode::NOT_FOUND, "not found; try /metrics\n".into());
    }
    match *request.method() {
        // hyper leaves the body out of a HEAD answer and keeps its length.
        Method::GET | Method::HEAD => {
            let mut r = reply(StatusCode::OK, state.render());
            r.headers_mut()
                .insert(CONTENT_TYPE_HEADER, HeaderValue::from_static(CONTENT_TYPE));
            r
        }
        _ => {
            let mut r = reply(
                StatusCode::METHOD_NOT_ALLOWED,
                "only GET and HEAD are served\n".into(),
            );
            r.headers_mut()
                .insert(ALLOW, HeaderValue::from_static("GET, HEAD"));
            r
        }
    }
}

impl std::fmt::Debug for MetricsServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MetricsServer")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl MetricsServer {
    /// The bound address.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting requests, closes open connections and waits for the server thread.
    pub fn shutdown(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for MetricsServer {
    fn drop(&mut self) {
        self.stop();
    }
}
