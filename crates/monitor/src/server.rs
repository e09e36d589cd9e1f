//! The `/metrics` HTTP server: the one part of this crate that does network IO (feature
//! `server`, on by default). It answers `GET /metrics` with [`render_prometheus`] of the
//! latest published snapshot and anything else with 404, on its own thread.

use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::Arc;
use std::thread::JoinHandle;

use tiny_http::{Header, Method, Response, Server};

use crate::exposition::{CONTENT_TYPE, SharedSnapshot};
use crate::{MonitorError, Result};

#[cfg(doc)]
use crate::exposition::render_prometheus;

/// A running `/metrics` server. Dropping it (or [`MetricsServer::shutdown`]) stops it.
pub struct MetricsServer {
    server: Arc<Server>,
    addr: SocketAddr,
    thread: Option<JoinHandle<()>>,
}

/// Starts serving `state` at `http://addr/metrics` on a background thread. Port 0 picks a
/// free port; [`MetricsServer::local_addr`] tells which.
///
/// # Errors
/// The address does not resolve or cannot be bound.
pub fn serve(
    addr: impl ToSocketAddrs + std::fmt::Debug,
    state: SharedSnapshot,
) -> Result<MetricsServer> {
    let fail = |reason: String| MonitorError::Serve {
        addr: format!("{addr:?}"),
        reason,
    };
    let server = Server::http(&addr).map_err(|e| fail(e.to_string()))?;
    let local = server
        .server_addr()
        .to_ip()
        .ok_or_else(|| fail("not an IP address".into()))?;
    let server = Arc::new(server);
    let worker = Arc::clone(&server);
    let thread = std::thread::Builder::new()
        .name("fairkit-metrics-server".into())
        .spawn(move || answer(&worker, &state))
        .map_err(|e| fail(e.to_string()))?;
    Ok(MetricsServer {
        server,
        addr: local,
        thread: Some(thread),
    })
}

fn answer(server: &Server, state: &SharedSnapshot) {
    for request in server.incoming_requests() {
        let path = request.url().split('?').next().unwrap_or("");
        let response = if *request.method() == Method::Get && path == "/metrics" {
            let mut r = Response::from_string(state.render());
            if let Ok(h) = Header::from_bytes("Content-Type", CONTENT_TYPE) {
                r.add_header(h);
            }
            r
        } else {
            Response::from_string("not found; try /metrics\n").with_status_code(404)
        };
        // A client that hung up is not the server's problem.
        let _ = request.respond(response);
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

    /// Stops accepting requests and waits for the server thread.
    pub fn shutdown(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        self.server.unblock();
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
