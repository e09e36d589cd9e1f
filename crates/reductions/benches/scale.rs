//! Exponentiated gradient and grid search at scale (docs/learners.md#newton-cholesky-at-scale):
//! demographic parity with the default logistic regression (Newton-Cholesky) on 1,000,000 rows
//! of the built-in `biased-credit` scenario (5 standardized features), simulated and encoded
//! before timing. A printed line first gives wall and CPU seconds of one fit of each, with the
//! oracle calls; `scripts/eg_scale.py` compares the same fit with Fairlearn's through the
//! binary, on one BLAS thread.
//!
//! Run: `cargo bench -p fairkit-reductions --bench scale`; `RAYON_NUM_THREADS=1` for one
//! thread. `FAIRKIT_SCALE_ROWS` changes the row count.

use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use fairkit_core::FairDataset;
use fairkit_data::{Encoder, sim};
use fairkit_learners::Logistic;
use fairkit_reductions::{ExponentiatedGradient, FitReduction, GridSearch, UtilityParity};

#[path = "common/cpu.rs"]
mod cpu;
use cpu::cpu_seconds;

/// Rows of the scenario: 1,000,000 unless `FAIRKIT_SCALE_ROWS` says otherwise.
fn rows() -> usize {
    std::env::var("FAIRKIT_SCALE_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000)
}

/// The built-in scenario, encoded as `fairkit mitigate` encodes it (standardized features).
fn simulated(rows: usize) -> FairDataset {
    let table = sim::simulate("biased-credit", rows, 0).expect("simulate");
    let spec = sim::spec("biased-credit").expect("the scenario's spec");
    let encoder = Encoder::fit(&spec, &table, &[]).expect("encoder");
    encoder.transform(&table).expect("encode")
}

fn bench(c: &mut Criterion) {
    let rows = rows();
    let data = simulated(rows);
    let eg = || {
        ExponentiatedGradient::params(Logistic::params(), UtilityParity::demographic_parity())
            .fit(&data)
            .expect("fit")
    };
    let grid = || {
        GridSearch::params(Logistic::params(), UtilityParity::demographic_parity())
            .fit(&data)
            .expect("fit")
    };
    let used = |a: Option<f64>, b: Option<f64>| match (a, b) {
        (Some(a), Some(b)) => format!("{:.3} s", b - a),
        _ => "n/a".into(),
    };
    let (cpu, start) = (cpu_seconds(), Instant::now());
    let model = eg();
    let (seconds, cpu_eg) = (start.elapsed().as_secs_f64(), cpu_seconds());
    let grid_start = Instant::now();
    grid();
    let (grid_seconds, cpu_grid) = (grid_start.elapsed().as_secs_f64(), cpu_seconds());
    eprintln!(
        "sim {rows} rows, {} threads: exponentiated gradient (DP) fit {seconds:.3} s (CPU {}; \
         learner {:.3} s), {} oracle calls, expected training error {:.6}; grid search (DP) fit \
         {grid_seconds:.3} s (CPU {})",
        rayon::current_num_threads(),
        used(cpu, cpu_eg),
        model.oracle_seconds().iter().sum::<f64>(),
        model.n_oracle_calls(),
        model.expected_training_error(),
        used(cpu_eg, cpu_grid),
    );
    let mut group = c.benchmark_group(format!("exp_grad/sim-{rows}"));
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    group.bench_function("dp/newton/nearest", |b| b.iter(eg));
    group.bench_function("gridsearch-dp/newton", |b| b.iter(grid));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
