//! The `/metrics` endpoint, scraped over loopback with a plain HTTP GET, and kept answering
//! whatever other clients do: idle connections, slow-loris trickles, garbage, huge headers,
//! many parallel requests, paths that try to leave `/metrics`.

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use fairkit_monitor::{
    FairnessMonitor, Label, MetricsServer, MonitorConfig, Prediction, ServerLimits, SharedSnapshot,
    render_prometheus, serve, serve_with,
};

fn get(addr: SocketAddr, path: &str) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

#[test]
fn scrape_metrics_over_loopback() {
    let config = MonitorConfig {
        min_samples: 2,
        evaluate_every: 1_000,
        ..Default::default()
    };
    let mut monitor = FairnessMonitor::new(config).unwrap();
    let shared = SharedSnapshot::new(monitor.snapshot());
    let server = serve("127.0.0.1:0", shared.clone()).unwrap();
    let addr = server.local_addr();
    assert!(addr.ip().is_loopback());
    assert_ne!(addr.port(), 0);

    let empty = get(addr, "/metrics");
    assert!(empty.starts_with("HTTP/1.1 200"), "{empty}");
    assert!(empty.contains("fairkit_monitor_window_size 0.0\n"));

    // a: 3 of 4 selected; b: 1 of 4. Labels: a perfect, b has one false negative.
    let rows = [
        ("a", true, true),
        ("a", true, true),
        ("a", true, true),
        ("a", false, false),
        ("b", true, true),
        ("b", false, true),
        ("b", false, false),
        ("b", false, false),
    ];
    for (i, (g, p, _)) in rows.iter().enumerate() {
        monitor
            .record_prediction(&Prediction::new(i as i64, i as f64, g, *p))
            .unwrap();
    }
    for (i, (_, _, y)) in rows.iter().enumerate() {
        monitor.record_label(&Label::new(i as i64, *y));
    }
    let evaluation = monitor.evaluate();
    assert_eq!(evaluation.alerts.len(), 2);
    shared.publish(evaluation.snapshot);

    let response = get(addr, "/metrics");
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 200"));
    assert!(
        head.to_ascii_lowercase()
            .contains("content-type: application/openmetrics-text")
    );
    for expected in [
        "fairkit_monitor_selection_rate{group=\"a\"} 0.75",
        "fairkit_monitor_selection_rate{group=\"b\"} 0.25",
        "fairkit_monitor_predictions{group=\"a\"} 4.0",
        "fairkit_monitor_labelled{group=\"b\"} 4.0",
        "fairkit_monitor_true_positive_rate{group=\"b\"} 0.5",
        "fairkit_monitor_demographic_parity_difference 0.5",
        "fairkit_monitor_equalized_odds_difference 0.5",
        "fairkit_monitor_accuracy 0.875",
        "fairkit_monitor_demographic_parity_ratio 0.3333333333333333",
        "fairkit_monitor_window_size 8.0",
        "fairkit_monitor_events 16.0",
        "fairkit_monitor_alert{metric=\"demographic_parity_difference\"} 1.0",
        "fairkit_monitor_alert{metric=\"equalized_odds_difference\"} 1.0",
        "fairkit_monitor_alert{metric=\"accuracy\"} 0.0",
    ] {
        assert!(
            body.lines().any(|l| l == expected),
            "missing {expected:?} in\n{body}"
        );
    }
    assert!(body.ends_with("# EOF\n"));
    // The body is exactly the deterministic rendering, group lines sorted.
    assert_eq!(body, render_prometheus(&shared.get()));
    let a = body.find("selection_rate{group=\"a\"}").unwrap();
    let b = body.find("selection_rate{group=\"b\"}").unwrap();
    assert!(a < b);

    assert!(get(addr, "/other").starts_with("HTTP/1.1 404"));
    server.shutdown();
}

/// How long a test client waits for an answer: a liveness bound, not a speed measurement.
const ANSWER_WITHIN: Duration = Duration::from_secs(2);

/// A server over an empty monitor's snapshot, with `limits`.
fn server_with(limits: ServerLimits) -> (MetricsServer, SharedSnapshot) {
    let monitor = FairnessMonitor::new(MonitorConfig::default()).unwrap();
    let shared = SharedSnapshot::new(monitor.snapshot());
    (
        serve_with("127.0.0.1:0", shared.clone(), limits).unwrap(),
        shared,
    )
}

/// Sends `request` and reads the answer until the server closes, failing the read after
/// `ANSWER_WITHIN` of silence.
fn exchange(addr: SocketAddr, request: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(ANSWER_WITHIN))?;
    stream.write_all(request)?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response)?;
    Ok(response)
}

/// `GET /metrics` answers 200 with the current rendering, within `ANSWER_WITHIN`.
fn assert_serving(addr: SocketAddr, shared: &SharedSnapshot) {
    let request = format!("GET /metrics HTTP/1.1\r\nHost: {addr}\r\n\r\n");
    let response = exchange(addr, request.as_bytes())
        .unwrap_or_else(|e| panic!("no answer to GET /metrics within {ANSWER_WITHIN:?}: {e}"));
    let text = String::from_utf8(response).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert_eq!(body, render_prometheus(&shared.get()));
}

/// A connection that is open and has sent nothing.
fn idle(addr: SocketAddr) -> TcpStream {
    TcpStream::connect(addr).unwrap()
}

#[test]
fn idle_connections_do_not_stall_the_endpoint() {
    let (server, shared) = server_with(ServerLimits::default());
    let addr = server.local_addr();
    let held: Vec<TcpStream> = (0..16).map(|_| idle(addr)).collect();
    for _ in 0..3 {
        assert_serving(addr, &shared);
    }
    // Many more: the server's thread count does not depend on them (one event loop).
    let more: Vec<TcpStream> = (0..300).map(|_| idle(addr)).collect();
    assert_serving(addr, &shared);
    drop((held, more));
}

#[test]
fn head_metrics_is_answered_without_a_body() {
    let (server, shared) = server_with(ServerLimits::default());
    let addr = server.local_addr();
    let request = format!("HEAD /metrics HTTP/1.1\r\nHost: {addr}\r\n\r\n");
    let response = String::from_utf8(exchange(addr, request.as_bytes()).unwrap()).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    let head = head.to_ascii_lowercase();
    assert!(head.contains("content-type: application/openmetrics-text"));
    let length = render_prometheus(&shared.get()).len();
    assert!(
        head.contains(&format!("content-length: {length}\r\n")),
        "{head}"
    );
    assert_eq!(body, "");
}

#[test]
fn other_methods_and_paths_are_refused() {
    let (server, shared) = server_with(ServerLimits::default());
    let addr = server.local_addr();
    let status = |request: &str| {
        let response = exchange(addr, request.as_bytes()).unwrap();
        String::from_utf8_lossy(&response)
            .lines()
            .next()
            .unwrap_or("")
            .to_string()
    };
    let post = status("POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");
    assert_eq!(post, "HTTP/1.1 405 Method Not Allowed");
    // Paths that try to climb out of /metrics name nothing: 404, and no file is read.
    for path in [
        "/metrics/../metrics",
        "/../../../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/metrics/..%2f..%2fCargo.toml",
        "//metrics",
        "/metrics/",
    ] {
        let request = format!("GET {path} HTTP/1.1\r\nHost: x\r\n\r\n");
        let response = String::from_utf8(exchange(addr, request.as_bytes()).unwrap()).unwrap();
        assert!(response.starts_with("HTTP/1.1 404"), "{path}: {response}");
        assert!(response.ends_with("not found; try /metrics\n"), "{path}");
    }
    // A query string does not change the path.
    let query = exchange(addr, b"GET /metrics?x=1 HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    assert!(query.starts_with(b"HTTP/1.1 200"));
    assert_serving(addr, &shared);
}

#[test]
fn garbage_and_huge_requests_leave_it_serving() {
    let (server, shared) = server_with(ServerLimits::default());
    let addr = server.local_addr();
    let garbage: [&[u8]; 6] = [
        b"\x00\x01\x02\x03\xff\xfe\r\n\r\n",
        b"GET\r\n\r\n",
        b"GET /metrics HTTP/9.9\r\n\r\n",
        b"GET /metrics HTTP/1.1\r\nBad Header\r\n\r\n",
        b"\r\n\r\n!!! ?? %%\r\n\r\n",
        b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
    ];
    for request in garbage {
        // Each gets a 4xx or a closed connection, never a hang.
        match exchange(addr, request) {
            Ok(response) => assert!(
                response.is_empty() || response.starts_with(b"HTTP/1.1 4"),
                "{request:?}: {}",
                String::from_utf8_lossy(&response)
            ),
            Err(e) => assert!(
                !matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut),
                "{request:?}: no answer: {e}"
            ),
        }
        assert_serving(addr, &shared);
    }
    // A 1 MB header: 431 (or a reset once the server stops reading), then still serving.
    let mut huge = b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Filler: ".to_vec();
    huge.extend(std::iter::repeat_n(b'a', 1 << 20));
    huge.extend(b"\r\n\r\n");
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(ANSWER_WITHIN)).unwrap();
    let _ = stream.write_all(&huge);
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    assert!(
        response.is_empty() || response.starts_with(b"HTTP/1.1 431"),
        "{}",
        String::from_utf8_lossy(&response)
    );
    assert_serving(addr, &shared);
}

#[test]
fn two_hundred_parallel_gets_are_all_answered() {
    let (server, shared) = server_with(ServerLimits::default());
    let addr = server.local_addr();
    let expected = render_prometheus(&shared.get());
    let answered = std::thread::scope(|scope| {
        let clients: Vec<_> = (0..200)
            .map(|_| {
                scope.spawn(|| {
                    let mut stream = TcpStream::connect(addr).unwrap();
                    // Generous: 200 clients share 2 cores with the rest of the tests.
                    stream
                        .set_read_timeout(Some(Duration::from_secs(30)))
                        .unwrap();
                    stream
                        .write_all(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
                        .unwrap();
                    let mut response = String::new();
                    stream.read_to_string(&mut response).unwrap();
                    response
                })
            })
            .collect();
        clients
            .into_iter()
            .map(|c| c.join().unwrap())
            .filter(|r| r.starts_with("HTTP/1.1 200") && r.ends_with(&expected))
            .count()
    });
    assert_eq!(answered, 200);
    assert_serving(addr, &shared);
}

#[test]
fn a_slow_loris_is_cut_at_the_request_deadline() {
    // Bytes trickle in every 100 ms, so no idle timeout would ever fire; only the deadline on
    // the whole request does.
    let limits = ServerLimits {
        request_timeout: Duration::from_secs(1),
        ..ServerLimits::default()
    };
    let (server, shared) = server_with(limits);
    let addr = server.local_addr();
    let mut loris = TcpStream::connect(addr).unwrap();
    loris
        .set_read_timeout(Some(Duration::from_millis(100)))
        .unwrap();
    loris.write_all(b"GET /metrics HTTP/1.1\r\n").unwrap();
    let started = Instant::now();
    let mut closed = false;
    for i in 0..300 {
        if i == 3 {
            // The trickle holds no worker: others are answered meanwhile.
            assert_serving(addr, &shared);
        }
        if loris.write_all(b"X").is_err() {
            closed = true;
            break;
        }
        let mut buf = [0; 256];
        match loris.read(&mut buf) {
            Ok(0) => {
                closed = true;
                break;
            }
            // An answer (e.g. 408) before closing also ends the trickle.
            Ok(_) => {}
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(_) => {
                closed = true;
                break;
            }
        }
    }
    assert!(
        closed,
        "a 1 s request deadline left a trickling client connected for {:?}",
        started.elapsed()
    );
    assert_serving(addr, &shared);
}

#[test]
fn connections_beyond_the_limit_are_closed_at_once() {
    let limits = ServerLimits {
        max_connections: 4,
        ..ServerLimits::default()
    };
    let (server, shared) = server_with(limits);
    let addr = server.local_addr();
    let held: Vec<TcpStream> = (0..4).map(|_| idle(addr)).collect();
    // Let the server accept (and count) the four before the fifth arrives.
    std::thread::sleep(Duration::from_millis(200));
    let mut fifth = idle(addr);
    fifth.set_read_timeout(Some(ANSWER_WITHIN)).unwrap();
    let mut buf = [0; 16];
    // Closed by the server: end of stream (or a reset), not a wait for the read timeout.
    match fifth.read(&mut buf) {
        Ok(n) => assert_eq!(n, 0),
        Err(e) => assert_eq!(e.kind(), ErrorKind::ConnectionReset, "{e}"),
    }
    // Hanging up frees the slots.
    drop(held);
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let request = b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n";
        if let Ok(response) = exchange(addr, request)
            && response.starts_with(b"HTTP/1.1 200")
        {
            break;
        }
        assert!(Instant::now() < deadline, "slots were not freed");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_serving(addr, &shared);
}

#[test]
fn shutdown_closes_open_connections_and_the_port() {
    let (server, _) = server_with(ServerLimits::default());
    let addr = server.local_addr();
    let mut open = idle(addr);
    open.set_read_timeout(Some(ANSWER_WITHIN)).unwrap();
    std::thread::sleep(Duration::from_millis(100));
    server.shutdown();
    let mut buf = [0; 16];
    match open.read(&mut buf) {
        Ok(n) => assert_eq!(n, 0),
        Err(e) => assert_eq!(e.kind(), ErrorKind::ConnectionReset, "{e}"),
    }
    assert!(TcpStream::connect(addr).is_err(), "still listening");
}

#[test]
fn limits_must_be_positive() {
    let shared = SharedSnapshot::new(
        FairnessMonitor::new(MonitorConfig::default())
            .unwrap()
            .snapshot(),
    );
    for limits in [
        ServerLimits {
            request_timeout: Duration::ZERO,
            ..ServerLimits::default()
        },
        ServerLimits {
            max_connections: 0,
            ..ServerLimits::default()
        },
    ] {
        let err = serve_with("127.0.0.1:0", shared.clone(), limits).unwrap_err();
        assert!(err.to_string().contains("must be positive"), "{err}");
    }
}
