//! HTTP over loopback, for the tests of the monitor's `/metrics` endpoint (the library's server
//! and the binary's `monitor --serve`).

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// Sends `request` on a new connection and reads the answer until the server closes, failing
/// the read after `within` of silence (a liveness bound, not a speed measurement).
///
/// # Errors
/// The connection, the write or the read failing, or `within` passing without a byte.
pub fn exchange(addr: SocketAddr, request: &[u8], within: Duration) -> std::io::Result<Vec<u8>> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(within))?;
    stream.write_all(request)?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response)?;
    Ok(response)
}

/// A `GET path` (with `Connection: close`) on a new connection; the whole response.
///
/// # Panics
/// When no answer comes within 30 s of silence or the answer is not UTF-8: the test fails.
pub fn get(addr: SocketAddr, path: &str) -> String {
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    let response = exchange(addr, request.as_bytes(), Duration::from_secs(30))
        .unwrap_or_else(|e| panic!("no answer to GET {path} from {addr}: {e}"));
    String::from_utf8(response).unwrap_or_else(|e| panic!("GET {path}: not UTF-8: {e}"))
}
