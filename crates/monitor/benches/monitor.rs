//! Throughput of the monitor on JSON lines held in memory: parsing plus the window update,
//! with the default config (window 10,000, evaluation every 1,000 events, `min_samples` 100).
//!
//! `cargo bench -p fairkit-monitor --bench monitor`
//!
//! Three figures: `wall` is criterion's usual wall-clock time, which on a busy shared machine
//! includes the time the thread waited for a core; `cpu` times the same work by the thread's
//! own CPU time (Linux `/proc/thread-self/schedstat`), i.e. the throughput of one core;
//! `wall_two_threads` is the wall-clock time of `run_stream_parallel` (parsing on a second
//! thread), meaningful on an otherwise idle machine only.

use std::fmt::Write;
use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use fairkit_core::rng;
use fairkit_monitor::{
    FairnessMonitor, MonitorConfig, StreamItem, run_stream, run_stream_parallel,
};

/// `n` predictions over 4 groups, each followed ~200 events later by its label for 80% of
/// them (the rest never get one); ids are integers or strings, half each.
fn events(n: usize, seed: u64) -> (String, u64) {
    let mut r = rng::seeded(seed);
    let groups = ["female", "male", "nonbinary", "unknown"];
    let mut out = String::new();
    let mut count = 0;
    let id = |i: usize| {
        if i.is_multiple_of(2) {
            format!("{i}")
        } else {
            format!("\"req-{i:08}\"")
        }
    };
    for i in 0..n {
        let g = groups[rng::index(&mut r, groups.len())];
        let score = rng::uniform(&mut r);
        let p = u8::from(score > 0.5);
        let ts = 1_700_000_000.0 + i as f64 * 0.01;
        writeln!(
            out,
            r#"{{"type":"prediction","id":{},"ts":{ts},"group":"{g}","prediction":{p},"score":{score:.4}}}"#,
            id(i)
        )
        .unwrap();
        count += 1;
        if i >= 200 && rng::uniform(&mut r) < 0.8 {
            let y = u8::from(rng::uniform(&mut r) < 0.5);
            writeln!(
                out,
                r#"{{"type":"label","id":{},"label":{y}}}"#,
                id(i - 200)
            )
            .unwrap();
            count += 1;
        }
    }
    (out, count)
}

/// Parses and records every event of `input` into a fresh default monitor.
fn run(input: &str) -> u64 {
    let mut monitor = FairnessMonitor::new(MonitorConfig::default()).unwrap();
    let mut in_window = 0u64;
    let summary = run_stream(&mut monitor, black_box(input.as_bytes()), |item| {
        if let StreamItem::Evaluation(e) = item {
            in_window += e.snapshot.window.size;
        }
        Ok(())
    })
    .unwrap();
    assert_eq!(summary.malformed, 0);
    black_box(in_window) + summary.events
}

/// [`run`] with the two-thread driver (the input is copied outside the timing).
fn run_parallel(input: Vec<u8>) -> u64 {
    let mut monitor = FairnessMonitor::new(MonitorConfig::default()).unwrap();
    let mut in_window = 0u64;
    let reader = std::io::BufReader::with_capacity(64 << 10, std::io::Cursor::new(input));
    let summary = run_stream_parallel(&mut monitor, reader, |item| {
        if let StreamItem::Evaluation(e) = item {
            in_window += e.snapshot.window.size;
        }
        Ok(())
    })
    .unwrap();
    assert_eq!(summary.malformed, 0);
    black_box(in_window) + summary.events
}

/// This thread's CPU time, if the platform tells.
fn cpu_time() -> Option<Duration> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns = text.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(ns))
}

fn bench(c: &mut Criterion) {
    let (input, n_events) = events(200_000, 7);
    let mut group = c.benchmark_group("monitor/json_lines_parse_and_update");
    group.throughput(Throughput::Elements(n_events));
    group.sample_size(20);
    group.bench_function("wall", |b| b.iter(|| run(&input)));
    group.bench_function("wall_two_threads", |b| {
        b.iter_batched(
            || input.clone().into_bytes(),
            run_parallel,
            criterion::BatchSize::LargeInput,
        )
    });
    if cpu_time().is_some() {
        group.bench_function("cpu", |b| {
            b.iter_custom(|iters| {
                let start = cpu_time().unwrap_or_default();
                for _ in 0..iters {
                    run(&input);
                }
                cpu_time().unwrap_or_default() - start
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
