//! `fairkit assess` over Parquet, streamed (docs/parquet.md#streaming): 10,000,000 simulated
//! predictions (label, prediction, group, weight; `examples/write_predictions.rs`) written once
//! into a temporary directory, then assessed through the library call the binary makes
//! (`fairkit_harness::assess::run`), weighted, with 1,000 bootstrap resamples and without.
//!
//! Run: `cargo bench -p fairkit-harness --bench parquet_assess`. The figures measured on the
//! project's shared 2-core machine are in docs/parquet.md#streaming.

use criterion::{Criterion, criterion_group, criterion_main};
use fairkit_data::predictions::PredictionColumns;
use fairkit_harness::assess::{AssessConfig, run};
use fairkit_metrics::{BootstrapParams, ReportParams};

#[allow(dead_code)]
#[path = "../examples/write_predictions.rs"]
mod write_predictions;

const ROWS: u64 = 10_000_000;

fn streamed_assess(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("predictions.parquet");
    write_predictions::write(ROWS, &path).expect("the predictions are written");
    let mut columns = PredictionColumns::new("label", "prediction", ["group"]);
    columns.weights = Some("weight".into());
    let plain = AssessConfig::new(&path, columns);
    let mut boot = plain.clone();
    boot.report = ReportParams::default().bootstrap(BootstrapParams::new(1000, 7));
    let mut group = c.benchmark_group("parquet_assess_10m");
    group.sample_size(10);
    group.bench_function("weighted", |b| {
        b.iter(|| run(&plain).expect("the assessment runs"))
    });
    group.bench_function("weighted_bootstrap_1000", |b| {
        b.iter(|| run(&boot).expect("the assessment runs"))
    });
    group.finish();
}

criterion_group!(benches, streamed_assess);
criterion_main!(benches);
