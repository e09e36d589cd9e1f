//! The JSON-lines reader and driver: malformed lines are reported with their line number and
//! never stop the stream.

use fairkit_monitor::{
    Event, EventId, EventReader, FairnessMonitor, MonitorConfig, StreamItem, parse_event,
    run_stream, run_stream_parallel,
};

#[test]
fn events_parse_with_numeric_and_string_ids() {
    let line = br#"{"type":"prediction","id":"u-\u00e9","ts":12.5,"group":"F","prediction":1,"score":0.9,"extra":[1]}"#;
    let Ok(Event::Prediction(p)) = parse_event(line) else {
        panic!("not a prediction");
    };
    assert_eq!(p.id, EventId::from("u-é".to_string()));
    assert_eq!(
        (p.ts, p.group.as_ref(), p.prediction, p.score),
        (12.5, "F", true, Some(0.9))
    );
    let Ok(Event::Label(l)) = parse_event(br#"{"label":0,"id":-7,"type":"label"}"#) else {
        panic!("not a label");
    };
    assert_eq!((l.id, l.label), (EventId::Int(-7), false));
}

#[test]
fn malformed_lines_are_counted_reported_and_skipped() {
    let mut input = Vec::new();
    let lines: [&[u8]; 14] = [
        br#"{"type":"prediction","id":1,"ts":0,"group":"a","prediction":1}"#,
        b"",
        b"not json",
        br#"{"type":"prediction","id":2,"ts":1,"group":"b","prediction":2}"#,
        br#"{"type":"prediction","id":3,"group":"b","prediction":0}"#,
        br#"{"type":"feedback","id":4}"#,
        br#"{"type":"label","id":1.5,"label":1}"#,
        b"{\"type\":\"prediction\",\"id\":5,\"ts\":2,\"group\":\"\xff\",\"prediction\":1}",
        br#"{"type":"prediction","id":6,"ts":1e999,"group":"a","prediction":1}"#,
        br#"{"type":"label","id":18446744073709551615,"label":1}"#,
        br#"{"type":"label","id":1,"label":1}"#,
        br#"{"type":"label","id":99,"label":1}"#,
        b"   ",
        br#"{"type":"prediction","id":7,"ts":3,"group":"b","prediction":0}"#,
    ];
    for l in lines {
        input.extend_from_slice(l);
        input.push(b'\n');
    }
    input.extend_from_slice(br#"{"type":"label","id":7,"label":0}"#); // no final newline
    let config = MonitorConfig {
        min_samples: 1,
        evaluate_every: 2,
        ..Default::default()
    };
    let mut monitor = FairnessMonitor::new(config).unwrap();
    let mut malformed = Vec::new();
    let mut snapshots = 0;
    let summary = run_stream(&mut monitor, &input[..], |item| {
        match item {
            StreamItem::Malformed(m) => malformed.push((m.line, m.message.clone())),
            StreamItem::Evaluation(_) => snapshots += 1,
        }
        Ok(())
    })
    .unwrap();
    let lines: Vec<u64> = malformed.iter().map(|m| m.0).collect();
    assert_eq!(lines, vec![3, 4, 5, 6, 7, 8, 9, 10]);
    assert_eq!(
        (summary.lines, summary.events, summary.malformed),
        (15, 5, 8)
    );
    assert_eq!(snapshots, 2);
    let msg = |line: u64| &malformed.iter().find(|m| m.0 == line).unwrap().1;
    assert!(
        msg(3).starts_with("expected ") && msg(3).ends_with("(column 2)"),
        "{}",
        msg(3)
    );
    assert_eq!(msg(4), "\"prediction\" must be 0 or 1, got 2");
    assert_eq!(msg(5), "missing field \"ts\"");
    assert!(
        msg(6).starts_with("unknown variant `feedback`"),
        "{}",
        msg(6)
    );
    assert!(msg(7).contains("an integer or a string id"), "{}", msg(7));
    assert!(msg(10).contains("does not fit"), "{}", msg(10));
    let c = monitor.counters();
    assert_eq!(
        (c.predictions, c.labels, c.labels_joined, c.labels_unknown),
        (2, 3, 2, 1)
    );
}

/// Found by the `events` fuzz target: the reader handed the line break to the JSON parser, so
/// a line cut short inside a string was reported as a control character at column 0.
#[test]
fn an_error_at_the_end_of_a_line_names_its_column_on_that_line() {
    for ending in ["\n", "\r\n", ""] {
        let input = format!("{{\"type\":\"label\",\"id\":\"abc{ending}");
        let mut reader = EventReader::new(input.as_bytes());
        let (line, event) = reader.next_event().unwrap().unwrap();
        assert_eq!(line, 1);
        let malformed = event.unwrap_err();
        assert_eq!(
            malformed.message, "EOF while parsing a string (column 25)",
            "{ending:?}"
        );
        assert_eq!(
            Err(malformed.message.clone()),
            parse_event(input.trim_end().as_bytes()).map(|_| ())
        );
    }
}

#[test]
fn evaluations_write_snapshot_and_alert_lines() {
    let input = r#"{"type":"prediction","id":"x","ts":0,"group":"a","prediction":1}
{"type":"prediction","id":"y","ts":1,"group":"b","prediction":0}
"#;
    let config = MonitorConfig {
        min_samples: 1,
        evaluate_every: 2,
        ..Default::default()
    };
    let mut monitor = FairnessMonitor::new(config).unwrap();
    let mut out = Vec::new();
    run_stream(&mut monitor, input.as_bytes(), |item| match item {
        StreamItem::Evaluation(e) => e.write_json_lines(&mut out),
        StreamItem::Malformed(_) => unreachable!(),
    })
    .unwrap();
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["type"], "snapshot");
    assert_eq!(lines[0]["window"]["size"], 2);
    assert_eq!(lines[0]["groups"][0]["group"], "a");
    assert_eq!(lines[0]["groups"][1]["selection_rate"], 0.0);
    assert_eq!(
        lines[0]["metrics"][0]["metric"],
        "demographic_parity_difference"
    );
    assert_eq!(lines[0]["metrics"][0]["status"], "violation");
    assert_eq!(lines[0]["metrics"][2]["value"], serde_json::Value::Null);
    assert_eq!(lines[0]["metrics"][2]["status"], "insufficient_data");
    assert_eq!(lines[1]["type"], "alert");
    assert_eq!(lines[1]["value"], 1.0);
    assert_eq!(lines[1]["threshold"], 0.1);
    assert_eq!(lines[1]["groups"][0]["predictions"], 1);
}

/// The two-thread driver hands the sink the same items, in the same order, with the same
/// totals as the one-thread driver: on a long stream of mixed ids with labels, blank and
/// malformed lines, CRLF endings, escapes and no final line break, read whole and through
/// buffers small enough to split nearly every line.
#[test]
fn the_parallel_driver_matches_the_sequential_one() {
    let mut input = String::new();
    for i in 0..5000u64 {
        let id = if i % 2 == 0 {
            format!("{i}")
        } else {
            format!("\"r\\u00e9-{i}\"")
        };
        let group = ["a", "b", "c"][(i * 7 % 3) as usize];
        input.push_str(&format!(
            "{{\"type\":\"prediction\",\"id\":{id},\"ts\":{}.5,\"group\":\"{group}\",\"prediction\":{}}}\n",
            i,
            (i * 13) % 2
        ));
        if i >= 30 && i % 5 != 0 {
            let id = if i % 2 == 0 {
                format!("{}", i - 30)
            } else {
                format!("\"r\\u00e9-{}\"", i - 31)
            };
            input.push_str(&format!(
                "{{\"type\":\"label\",\"id\":{id},\"label\":{}}}\r\n",
                (i / 3) % 2
            ));
        }
        match i % 97 {
            0 => input.push_str("not json\n"),
            1 => input.push_str("   \n"),
            2 => input.push_str("{\"type\":\"label\",\"id\":1,\"label\":7}\n"),
            _ => {}
        }
    }
    input.push_str("{\"type\":\"label\",\"id\":4990,\"label\":1}");
    let config = MonitorConfig {
        min_samples: 5,
        evaluate_every: 37,
        window: fairkit_monitor::Window::Count(400),
        ..Default::default()
    };
    let run = |parallel: Option<usize>| {
        let mut monitor = FairnessMonitor::new(config.clone()).unwrap();
        let mut items = Vec::new();
        let sink = |item: StreamItem<'_>| {
            items.push(format!("{item:?}"));
            Ok(())
        };
        let summary = match parallel {
            None => run_stream(&mut monitor, input.as_bytes(), sink),
            Some(capacity) => {
                let owned = std::io::Cursor::new(input.clone().into_bytes());
                let reader = std::io::BufReader::with_capacity(capacity, owned);
                run_stream_parallel(&mut monitor, reader, sink)
            }
        }
        .unwrap();
        (summary, items)
    };
    let (summary, items) = run(None);
    assert!(
        summary.malformed >= 100 && summary.events > 8900,
        "{summary:?}"
    );
    assert!(items.len() > 200);
    for capacity in [7, 100, 1 << 16] {
        let (s, i) = run(Some(capacity));
        assert_eq!(s, summary, "capacity {capacity}");
        assert!(i == items, "capacity {capacity}: the items differ");
    }
}
