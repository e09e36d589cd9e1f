//! `fairkit monitor`: malformed lines, delayed labels, alerts without storms, time windows, the
//! `/metrics` endpoint scraped over loopback while the input is open (and not stalled by idle
//! connections), `--keep-serving` stopped by SIGTERM or SIGINT with status 0, and bad
//! settings.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{ChildStderr, ChildStdout, Output, Stdio};
use std::time::Duration;

use fairkit_testkit::fixtures::{MONITOR_ROWS, MONITOR_SAMPLES};
use fairkit_testkit::http::{exchange, get};
use serde_json::Value;

use crate::util::{fairkit, run, stderr, stdout};

fn prediction(id: u64, ts: u64, group: &str, p: bool) -> String {
    format!(
        r#"{{"type":"prediction","id":{id},"ts":{ts},"group":"{group}","prediction":{}}}"#,
        p as u8
    ) + "\n"
}

fn label(id: u64, y: bool) -> String {
    format!(r#"{{"type":"label","id":{id},"label":{}}}"#, y as u8) + "\n"
}

/// Runs `fairkit monitor` with `input` on standard input.
fn monitor(args: &[&str], input: &str) -> Output {
    let mut child = fairkit()
        .arg("monitor")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("fairkit runs");
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_string();
    // Written from another thread, so that a full output pipe cannot block the writer.
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().unwrap();
    // A process that stops early (bad settings) may leave the input unread.
    let _ = writer.join();
    out
}

/// The output lines, parsed.
fn lines(out: &Output) -> Vec<Value> {
    stdout(out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

fn of_type<'a>(lines: &'a [Value], kind: &str) -> Vec<&'a Value> {
    lines.iter().filter(|l| l["type"] == kind).collect()
}

fn metric<'a>(snapshot: &'a Value, name: &str) -> &'a Value {
    snapshot["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["metric"] == name)
        .unwrap()
}

fn group<'a>(snapshot: &'a Value, name: &str) -> &'a Value {
    snapshot["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["group"] == name)
        .unwrap_or_else(|| panic!("no group {name} in {snapshot}"))
}

#[test]
fn malformed_lines_are_reported_with_their_line_and_skipped() {
    let input = [
        prediction(1, 0, "a", true),
        prediction(2, 1, "b", false),
        "not json\n".into(),
        prediction(3, 2, "a", true),
        r#"{"type":"prediction","id":4,"ts":3,"group":"b","prediction":7}"#.to_string() + "\n",
        "\n".into(),
        prediction(4, 4, "b", true),
        r#"{"type":"label","label":1}"#.to_string() + "\n",
        label(1, true),
    ]
    .concat();
    let args = ["--min-samples", "1", "--evaluate-every", "3"];
    let out = monitor(&args, &input);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    let warnings: Vec<&str> = err.lines().filter(|l| l.starts_with("warning")).collect();
    assert_eq!(
        warnings,
        [
            "warning: stdin: line 3: expected ident (column 2) (skipped)",
            "warning: stdin: line 5: \"prediction\" must be 0 or 1, got 7 (skipped)",
            "warning: stdin: line 8: missing field \"id\" (skipped)",
        ],
        "{err}"
    );
    assert!(err.contains("fairkit monitor: 5 events, 3 malformed lines, 1 alerts"));

    let lines = lines(&out);
    let snapshots = of_type(&lines, "snapshot");
    // After 3 events (a: 1 of 1 selected, b: 0 of 1), then once more at the end of input.
    assert_eq!(snapshots.len(), 2);
    let first = snapshots[0];
    assert_eq!(first["events"], 3);
    assert_eq!(group(first, "a")["selection_rate"], 1.0);
    assert_eq!(group(first, "b")["selection_rate"], 0.0);
    assert_eq!(metric(first, "demographic_parity_difference")["value"], 1.0);
    let last = snapshots[1];
    assert_eq!(last["events"], 5);
    assert_eq!(last["window"]["size"], 4);
    assert_eq!(group(last, "a")["predictions"], 2);
    assert_eq!(group(last, "a")["labelled"], 1);
    assert_eq!(group(last, "b")["selection_rate"], 0.5);
    assert_eq!(metric(last, "demographic_parity_difference")["value"], 0.5);
    // One alert: the violation is sustained, so it does not fire again.
    let alerts = of_type(&lines, "alert");
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0]["metric"], "demographic_parity_difference");
    let summary = lines.last().unwrap();
    assert_eq!(summary["type"], "summary");
    assert_eq!(
        (
            &summary["lines"],
            &summary["events"],
            &summary["malformed"],
            &summary["evaluations"],
            &summary["alerts"]
        ),
        (
            &Value::from(9),
            &Value::from(5),
            &Value::from(3),
            &Value::from(2),
            &Value::from(1)
        )
    );

    // A file gives the same output, and names itself in the warnings.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("events.jsonl");
    std::fs::write(&path, &input).unwrap();
    let file = path.to_str().unwrap();
    let mut with_file = args.to_vec();
    with_file.extend(["--input", file]);
    let from_file = monitor(&with_file, "");
    assert_eq!(from_file.stdout, out.stdout);
    assert!(stderr(&from_file).contains(&format!("warning: {file}: line 3: ")));
}

#[test]
fn delayed_labels_join_by_id_and_alerts_fire_once() {
    // O14's monitor sequence (docs/test-oracles.md#o14) through the command: 150 predictions per
    // group, then their labels, 50 per group at a time. Group a: ids 2j, predicted j % 2 == 0,
    // labels equal to the predictions. Group b: ids 2j + 1, predicted j % 5 == 0, label j % 2 == 0.
    let mut input = String::new();
    for j in 0..150 {
        input += &prediction(2 * j, 2 * j, "a", j % 2 == 0);
        input += &prediction(2 * j + 1, 2 * j + 1, "b", j % 5 == 0);
    }
    for batch in [0..50, 50..100] {
        for j in batch {
            input += &label(2 * j, j % 2 == 0);
            input += &label(2 * j + 1, j % 2 == 0);
        }
    }
    input += &label(9_999, true);
    let out = monitor(&["--min-samples", "100", "--evaluate-every", "100"], &input);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let lines = lines(&out);
    let snapshots = of_type(&lines, "snapshot");
    let events: Vec<u64> = snapshots
        .iter()
        .map(|s| s["events"].as_u64().unwrap())
        .collect();
    assert_eq!(events, [100, 200, 300, 400, 500, 501]);
    let status = |s: &Value, m: &str| metric(s, m)["status"].as_str().unwrap().to_string();
    // 50 predictions per group: too few for anything.
    assert_eq!(
        status(snapshots[0], "demographic_parity_difference"),
        "insufficient_data"
    );
    // 100 and 150 predictions per group, no labels: DP evaluated, EO not.
    for s in &snapshots[1..3] {
        assert_eq!(status(s, "demographic_parity_difference"), "violation");
        assert_eq!(status(s, "equalized_odds_difference"), "insufficient_data");
    }
    let s = snapshots[2];
    assert_eq!(group(s, "a")["selection_rate"], 0.5);
    assert_eq!(group(s, "b")["selection_rate"], 0.2);
    assert!(
        (metric(s, "demographic_parity_difference")["value"]
            .as_f64()
            .unwrap()
            - 0.3)
            .abs()
            < 1e-12
    );
    assert_eq!(group(s, "b")["pending"], 150);
    // 50 labels per group: still too few for EO.
    assert_eq!(
        status(snapshots[3], "equalized_odds_difference"),
        "insufficient_data"
    );
    assert_eq!(group(snapshots[3], "a")["labelled"], 50);
    // 100 labels per group: b has TPR 10/50 and FPR 10/50, a is perfect: EO 0.8.
    let s = snapshots[4];
    assert_eq!(status(s, "equalized_odds_difference"), "violation");
    assert_eq!(group(s, "b")["true_positive_rate"], 0.2);
    assert_eq!(group(s, "b")["false_positive_rate"], 0.2);
    assert_eq!(group(s, "a")["true_positive_rate"], 1.0);
    let eo = metric(s, "equalized_odds_difference")["value"]
        .as_f64()
        .unwrap();
    assert!((eo - 0.8).abs() < 1e-12, "{eo}");
    assert_eq!(group(s, "b")["pending"], 50);
    // The label for an id never seen is counted, not joined.
    let counters = &snapshots[5]["counters"];
    assert_eq!(counters["labels_joined"], 200);
    assert_eq!(counters["labels_unknown"], 1);
    // Each sustained violation alerted once: DP at the second evaluation, EO at the fifth.
    let alerts: Vec<(String, u64)> = of_type(&lines, "alert")
        .iter()
        .map(|a| {
            (
                a["metric"].as_str().unwrap().to_string(),
                a["evaluation"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        alerts,
        [
            ("demographic_parity_difference".to_string(), 2),
            ("equalized_odds_difference".to_string(), 5)
        ]
    );
    assert_eq!(stderr(&out).matches("alert: ").count(), 2);
    assert_eq!(lines.last().unwrap()["alerts"], 2);
}

#[test]
fn an_alert_rearms_after_recovery() {
    // Window of 4, evaluated every 4 events: biased, biased, fair, fair, biased.
    let biased = [("a", true), ("a", true), ("b", false), ("b", false)];
    let fair = [("a", true), ("a", false), ("b", true), ("b", false)];
    let mut input = String::new();
    let mut id = 0;
    for batch in [biased, biased, fair, fair, biased] {
        for (g, p) in batch {
            input += &prediction(id, id, g, p);
            id += 1;
        }
    }
    let out = monitor(
        &[
            "--window",
            "4",
            "--evaluate-every",
            "4",
            "--min-samples",
            "2",
            "--recovery-evaluations",
            "2",
        ],
        &input,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let lines = lines(&out);
    let alerting: Vec<bool> = of_type(&lines, "snapshot")
        .iter()
        .map(|s| {
            metric(s, "demographic_parity_difference")["alerting"]
                .as_bool()
                .unwrap()
        })
        .collect();
    assert_eq!(alerting, [true, true, true, false, true]);
    let fired: Vec<u64> = of_type(&lines, "alert")
        .iter()
        .map(|a| a["evaluation"].as_u64().unwrap())
        .collect();
    assert_eq!(fired, [1, 5]);
}

#[test]
fn a_time_window_and_a_label_timeout() {
    // Predictions at ts 0..9; the window keeps ts 5..9; unlabelled records more than 2 behind
    // the newest one expire.
    let mut input = String::new();
    for i in 0..10 {
        input += &prediction(i, i, if i % 2 == 0 { "a" } else { "b" }, i % 3 == 0);
    }
    input += &label(9, true); // joined
    input += &label(6, true); // its prediction expired: late
    input += &label(0, true); // evicted: unknown
    let out = monitor(
        &[
            "--window-seconds",
            "5",
            "--label-timeout",
            "2",
            "--min-samples",
            "1",
        ],
        &input,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let lines = lines(&out);
    let snapshots = of_type(&lines, "snapshot");
    assert_eq!(snapshots.len(), 1);
    let s = snapshots[0];
    assert_eq!(s["window"]["size"], 5);
    assert_eq!(s["window"]["first_ts"], 5.0);
    let c = &s["counters"];
    assert_eq!(
        (&c["labels_joined"], &c["labels_late"], &c["labels_unknown"]),
        (&Value::from(1), &Value::from(1), &Value::from(1))
    );
}

/// The sample lines of a `/metrics` body.
fn samples(response: &str) -> Vec<String> {
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(body.ends_with("# EOF\n"), "{body}");
    body.lines()
        .filter(|l| !l.starts_with('#'))
        .map(String::from)
        .collect()
}

fn has(samples: &[String], line: &str) {
    assert!(
        samples.iter().any(|s| s == line),
        "missing {line:?} in {samples:#?}"
    );
}

/// A monitor process with piped standard streams, killed if a test fails midway.
struct Running {
    child: std::process::Child,
    stdout: BufReader<ChildStdout>,
    stderr: BufReader<ChildStderr>,
}

impl Running {
    fn start(args: &[&str]) -> Self {
        let mut child = fairkit()
            .arg("monitor")
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("fairkit runs");
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let stderr = BufReader::new(child.stderr.take().unwrap());
        Running {
            child,
            stdout,
            stderr,
        }
    }

    fn write(&mut self, text: &str) {
        self.child
            .stdin
            .as_mut()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    }

    /// The next standard error line.
    fn stderr_line(&mut self) -> String {
        let mut line = String::new();
        self.stderr.read_line(&mut line).unwrap();
        line
    }

    /// Output lines up to and including the next one of type `kind`.
    fn until(&mut self, kind: &str) -> Vec<Value> {
        let mut seen = Vec::new();
        loop {
            let mut line = String::new();
            assert!(
                self.stdout.read_line(&mut line).unwrap() > 0,
                "output ended"
            );
            let value: Value = serde_json::from_str(&line).unwrap();
            let done = value["type"] == kind;
            seen.push(value);
            if done {
                return seen;
            }
        }
    }

    /// The address announced on standard error.
    fn announced(&mut self) -> SocketAddr {
        let line = self.stderr_line();
        let url = line
            .trim()
            .strip_prefix("fairkit monitor: serving metrics at http://")
            .unwrap_or_else(|| panic!("{line}"));
        url.strip_suffix("/metrics").unwrap().parse().unwrap()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        // Only matters when a test failed before the process ended.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn serve_exposes_the_gauges_while_the_input_is_open() {
    // A free port: bind port 0, read the port, release it.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    let mut m = Running::start(&[
        "--serve",
        &addr,
        "--min-samples",
        "2",
        "--evaluate-every",
        "16",
    ]);
    let served = m.announced();
    assert_eq!(served.to_string(), addr);

    // Before any event.
    let empty = samples(&get(served, "/metrics"));
    has(&empty, "fairkit_monitor_window_size 0.0");
    has(&empty, "fairkit_monitor_events 0.0");

    // a: 3 of 4 selected, labels all right; b: 1 of 4, one false negative.
    let rows = MONITOR_ROWS;
    let mut input = String::new();
    for (i, (g, p, _)) in rows.iter().enumerate() {
        input += &prediction(i as u64, i as u64, g, *p);
    }
    for (i, (_, _, y)) in rows.iter().enumerate() {
        input += &label(i as u64, *y);
    }
    m.write(&input);
    // The snapshot line is written after the gauges are published.
    let first = m.until("snapshot");
    assert_eq!(first.last().unwrap()["events"], 16);
    let scraped = samples(&get(served, "/metrics"));
    // The count gauges beside the shared samples.
    let counts = [
        "fairkit_monitor_selected{group=\"a\"} 3.0",
        "fairkit_monitor_true_positives{group=\"b\"} 1.0",
        "fairkit_monitor_false_negatives{group=\"b\"} 1.0",
        "fairkit_monitor_true_negatives{group=\"b\"} 2.0",
        "fairkit_monitor_false_positives{group=\"a\"} 0.0",
    ];
    for line in MONITOR_SAMPLES.into_iter().chain(counts) {
        has(&scraped, line);
    }
    assert!(get(served, "/other").starts_with("HTTP/1.1 404"));

    // More predictions, every one selected: the gauges follow.
    let mut more = String::new();
    for i in 8..24 {
        more += &prediction(i, i, if i % 2 == 0 { "a" } else { "b" }, true);
    }
    m.write(&more);
    let second = m.until("snapshot");
    assert_eq!(
        of_type(&second, "alert").len(),
        2,
        "the first evaluation's alerts"
    );
    let scraped = samples(&get(served, "/metrics"));
    has(&scraped, "fairkit_monitor_window_size 24.0");
    has(
        &scraped,
        "fairkit_monitor_selection_rate{group=\"a\"} 0.9166666666666666",
    );
    has(&scraped, "fairkit_monitor_events 32.0");

    // End of input: a summary, exit 0.
    drop(m.child.stdin.take());
    let rest = m.until("summary");
    assert_eq!(rest.len(), 1, "no evaluation left: {rest:?}");
    assert_eq!(rest[0]["events"], 32);
    assert_eq!(rest[0]["alerts"], 2);
    let status = m.child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
}

#[test]
fn keep_serving_serves_the_final_gauges_after_the_input_ends() {
    let mut m = Running::start(&[
        "--serve",
        "127.0.0.1:0",
        "--keep-serving",
        "--min-samples",
        "2",
    ]);
    let served = m.announced();
    assert_ne!(served.port(), 0);
    let mut input = String::new();
    for (i, (g, p)) in [("a", true), ("a", true), ("b", false), ("b", true)]
        .iter()
        .enumerate()
    {
        input += &prediction(i as u64, i as u64, g, *p);
    }
    m.write(&input);
    drop(m.child.stdin.take());
    // Fewer events than --evaluate-every: the one evaluation is the final one.
    let out = m.until("summary");
    assert_eq!(of_type(&out, "snapshot").len(), 1);
    loop {
        if m.stderr_line().contains("still serving") {
            break;
        }
    }
    let scraped = samples(&get(served, "/metrics"));
    has(&scraped, "fairkit_monitor_window_size 4.0");
    has(&scraped, "fairkit_monitor_selection_rate{group=\"b\"} 0.5");
    has(
        &scraped,
        "fairkit_monitor_demographic_parity_difference 0.5",
    );
    assert!(
        m.child.try_wait().unwrap().is_none(),
        "the process keeps serving"
    );
    // Dropping `m` stops it.
}

/// Sends `request` on a new connection and returns the answer, failing if none comes within
/// 2 s (a liveness bound, not a speed measurement).
fn answer_within_2s(addr: SocketAddr, request: &str) -> String {
    let response = exchange(addr, request.as_bytes(), Duration::from_secs(2))
        .unwrap_or_else(|e| panic!("no answer to {request:?} within 2 s: {e}"));
    String::from_utf8(response).unwrap()
}

/// The number of threads of a process.
#[cfg(target_os = "linux")]
fn threads(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/task"))
        .unwrap()
        .count()
}

#[test]
fn idle_connections_neither_stall_the_endpoint_nor_add_threads() {
    // A fresh `monitor --serve` reading an open standard input, as a deployment runs it.
    let mut m = Running::start(&["--serve", "127.0.0.1:0"]);
    let served = m.announced();
    let get = format!("GET /metrics HTTP/1.1\r\nHost: {served}\r\n\r\n");
    let head = format!("HEAD /metrics HTTP/1.1\r\nHost: {served}\r\n\r\n");
    assert!(answer_within_2s(served, &get).starts_with("HTTP/1.1 200"));
    #[cfg(target_os = "linux")]
    let before = threads(m.child.id());

    let idle: Vec<TcpStream> = (0..16)
        .map(|_| TcpStream::connect(served).unwrap())
        .collect();
    let response = answer_within_2s(served, &get);
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.ends_with("# EOF\n"), "{response}");
    let response = answer_within_2s(served, &head);
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(
        response.ends_with("\r\n\r\n"),
        "HEAD has no body: {response}"
    );

    // 300 open connections: still answered, and no thread per connection.
    let more: Vec<TcpStream> = (0..284)
        .map(|_| TcpStream::connect(served).unwrap())
        .collect();
    assert!(answer_within_2s(served, &get).starts_with("HTTP/1.1 200"));
    #[cfg(target_os = "linux")]
    assert_eq!(
        threads(m.child.id()),
        before,
        "threads grew with connections"
    );
    drop((idle, more));
    drop(m.child.stdin.take());
    assert_eq!(m.child.wait().unwrap().code(), Some(0));
}

/// Starts `monitor --serve 127.0.0.1:0 --keep-serving` on two predictions, waits until the
/// input is done and it says it keeps serving, and returns it with its address.
#[cfg(unix)]
fn keep_serving() -> (Running, SocketAddr) {
    let mut m = Running::start(&["--serve", "127.0.0.1:0", "--keep-serving"]);
    let served = m.announced();
    m.write(&(prediction(1, 0, "a", true) + &prediction(2, 1, "b", false)));
    drop(m.child.stdin.take());
    assert_eq!(m.until("summary").last().unwrap()["events"], 2);
    loop {
        let line = m.stderr_line();
        assert!(!line.is_empty(), "standard error ended");
        if line.contains("still serving") {
            return (m, served);
        }
    }
}

#[cfg(unix)]
#[test]
fn keep_serving_exits_0_on_sigterm_and_sigint() {
    for signal in ["TERM", "INT"] {
        let (mut m, served) = keep_serving();
        let get = format!("GET /metrics HTTP/1.1\r\nHost: {served}\r\n\r\n");
        assert!(answer_within_2s(served, &get).contains("fairkit_monitor_events 2.0\n"));
        let kill = std::process::Command::new("kill")
            .args([&format!("-{signal}"), &m.child.id().to_string()])
            .status()
            .unwrap();
        assert!(kill.success());
        let status = m.child.wait().unwrap();
        assert_eq!(status.code(), Some(0), "SIG{signal}: {status:?}");
        let mut rest = String::new();
        m.stderr.read_to_string(&mut rest).unwrap();
        assert_eq!(
            rest,
            format!("fairkit monitor: stopped serving on SIG{signal}\n")
        );
        assert!(
            TcpStream::connect(served).is_err(),
            "SIG{signal}: the port is released"
        );
    }
}

#[test]
fn bad_settings_exit_2() {
    for (args, needle) in [
        (&["--window", "0"][..], "window = 0"),
        (&["--evaluate-every", "0"], "evaluate_every = 0"),
        (&["--dp-max", "1.5"], "dp_max = 1.5"),
        (&["--confidence", "1"], "confidence = 1"),
        (
            &["--input", "/no/such/events.jsonl"],
            "/no/such/events.jsonl",
        ),
        (&["--serve", "127.0.0.1:http-ish"], "cannot serve metrics"),
        (&["--keep-serving"], "--serve"),
        (
            &["--window", "5", "--window-seconds", "3"],
            "--window-seconds",
        ),
    ] {
        let out = monitor(args, "");
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(needle),
            "{args:?}: {needle:?} not in {}",
            stderr(&out)
        );
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn help_describes_the_monitor() {
    let out = run(&["monitor", "--help"]);
    assert!(out.status.success());
    let text = stdout(&out);
    for needle in [
        "--window <N>",
        "--serve <ADDR>",
        "--keep-serving",
        r#"{"type":"label","id":17,"label":0}"#,
        "Prometheus text format",
        "and skipped; it never",
    ] {
        assert!(text.contains(needle), "{needle:?} not in\n{text}");
    }
}

#[test]
fn confidence_reports_intervals_and_holds_back_a_noisy_alert() {
    // 120 predictions per group, selection rates 0.60 and 0.45: the point value 0.15 exceeds
    // 0.10, but the 95 % interval of the difference does not clear it.
    let mut input = String::new();
    for i in 0..240u64 {
        let (g, k) = if i % 2 == 0 { ("a", 60) } else { ("b", 45) };
        input += &prediction(i, i, g, (i / 2) % 100 < k);
    }
    let plain = monitor(&["--min-samples", "100", "--evaluate-every", "240"], &input);
    assert!(
        stdout(&plain).contains(r#""type":"alert""#),
        "{}",
        stdout(&plain)
    );
    let sure = monitor(
        &[
            "--min-samples",
            "100",
            "--evaluate-every",
            "240",
            "--confidence",
            "0.95",
        ],
        &input,
    );
    assert_eq!(sure.status.code(), Some(0), "{}", stderr(&sure));
    let text = stdout(&sure);
    assert!(!text.contains(r#""type":"alert""#), "{text}");
    let snapshot: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    let dp = &snapshot["metrics"][0];
    assert_eq!(dp["metric"], "demographic_parity_difference");
    let (lower, upper) = (
        dp["interval"]["lower"].as_f64().unwrap(),
        dp["interval"]["upper"].as_f64().unwrap(),
    );
    assert!(lower < 0.10 && 0.15 < upper, "{dp}");
}
