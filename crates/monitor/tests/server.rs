//! The `/metrics` endpoint, scraped over loopback with a plain HTTP GET.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use fairkit_monitor::{
    FairnessMonitor, Label, MonitorConfig, Prediction, SharedSnapshot, render_prometheus, serve,
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
