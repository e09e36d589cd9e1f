//! The JSON-lines event reader, and the monitor fed with what it reads.
//!
//! Input: two flags bytes that choose the monitor's settings and the chunk size of the reader,
//! then the JSON lines. Checked beyond "no panic, no hang": every line is an event or
//! malformed (never lost), the reader agrees with `parse_event` line by line, every output
//! line is JSON, and the Prometheus rendering ends with `# EOF`.
#![no_main]

#[path = "common.rs"]
mod common;

use common::Trickle;
use fairkit_monitor::{
    EventReader, FairnessMonitor, MonitorConfig, StreamItem, Window, parse_event,
    render_prometheus, run_stream,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let [a, b, input @ ..] = data else {
        return;
    };
    let (a, b) = (*a, *b);
    let config = MonitorConfig {
        window: if a & 1 == 0 {
            Window::Count(usize::from(a >> 1 & 7) + 1)
        } else {
            Window::Span(f64::from(a >> 1 & 7) * 0.75)
        },
        label_timeout: (a & 16 != 0).then(|| f64::from(b & 7)),
        min_samples: u64::from(a >> 5 & 3),
        evaluate_every: u64::from(b >> 3 & 3) + 1,
        recovery_evaluations: u32::from(b >> 5 & 1) + 1,
        cooldown: (b & 64 != 0).then_some(1.5),
        four_fifths: (b & 128 != 0).then_some(0.8),
        accuracy_min: (b & 128 != 0).then_some(0.5),
        ..MonitorConfig::default()
    };
    let chunk = usize::from(b & 7) + 1;

    // The reader, line by line, against parse_event on the same lines.
    let mut reader = EventReader::new(Trickle::new(input, chunk));
    let mut split = input.split(|&c| c == b'\n').enumerate();
    let mut events = 0u64;
    while let Some((line, event)) = reader.next_event().expect("reading memory") {
        let (i, text) = split
            .by_ref()
            .find(|(_, l)| !l.iter().all(u8::is_ascii_whitespace))
            .expect("the reader found a line that is not there");
        assert_eq!(line, i as u64 + 1);
        let direct = parse_event(text.strip_suffix(b"\r").unwrap_or(text));
        match (&event, &direct) {
            (Ok(x), Ok(y)) => assert_eq!(x, y),
            (Err(x), Err(y)) => assert_eq!(&x.message, y),
            _ => panic!("reader and parse_event disagree on line {line}"),
        }
        events += u64::from(event.is_ok());
    }
    assert_eq!(reader.lines(), bytecount_lines(input));

    let Ok(mut monitor) = FairnessMonitor::new(config) else {
        return;
    };
    let mut out = Vec::new();
    let summary = run_stream(
        &mut monitor,
        Trickle::new(input, chunk),
        |item| match item {
            StreamItem::Evaluation(e) => {
                let text = render_prometheus(&e.snapshot);
                assert!(text.ends_with("# EOF\n"), "{text}");
                e.write_json_lines(&mut out)
            }
            StreamItem::Malformed(_) => Ok(()),
        },
    )
    .expect("reading memory");
    // Every parsed event is recorded or rejected by the monitor (e.g. a timestamp going
    // backwards), and every line is counted.
    assert!(summary.events <= events);
    assert_eq!(summary.lines, reader.lines());
    let last = monitor.evaluate();
    last.write_json_lines(&mut out).expect("writing memory");
    assert!(render_prometheus(&last.snapshot).ends_with("# EOF\n"));
    for line in out.split(|&c| c == b'\n').filter(|l| !l.is_empty()) {
        if let Err(e) = serde_json::from_slice::<serde_json::Value>(line) {
            panic!(
                "output line is not JSON ({e}): {}",
                String::from_utf8_lossy(line)
            );
        }
    }
});

/// Lines as `read_until(b'\n')` counts them: one per line break, plus an unterminated last.
fn bytecount_lines(input: &[u8]) -> u64 {
    let breaks = input.iter().filter(|&&c| c == b'\n').count() as u64;
    breaks + u64::from(!input.is_empty() && !input.ends_with(b"\n"))
}
