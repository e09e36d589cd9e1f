//! Fit and transform times of the three pre-processing methods on seeded synthetic data.
//!
//! `cargo bench -p fairkit-preprocessing`

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use fairkit_core::{FairDataset, Groups, rng};
use fairkit_preprocessing::{
    CorrelationRemover, DisparateImpactRemover, FitFeatureTransform, Reweighing,
};
use ndarray::Array2;

/// `n` rows, `d` features (half continuous, half small integers with ties), `k` groups.
fn data(n: usize, d: usize, k: usize, seed: u64) -> FairDataset {
    let mut r = rng::seeded(seed);
    let codes: Vec<String> = (0..n)
        .map(|_| format!("g{}", rng::index(&mut r, k)))
        .collect();
    let groups = Groups::from_labels("g", &codes).unwrap();
    let x = Array2::from_shape_fn((n, d), |(_, j)| {
        let u = rng::uniform(&mut r);
        if j % 2 == 0 {
            u * 10.0
        } else {
            (u * 12.0).floor()
        }
    });
    let y = (0..n).map(|_| rng::uniform(&mut r) < 0.4).collect();
    FairDataset::new(x, y, groups).unwrap()
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("preprocessing");
    group.sample_size(10);
    for &(n, d, k) in &[(10_000usize, 10usize, 3usize), (100_000, 10, 3)] {
        let train = data(n, d, k, 1);
        let test = data(n, d, k, 2);
        let id = |name: &str| BenchmarkId::new(name, format!("{n}x{d}/g{k}"));
        group.bench_function(id("reweighing_fit_weights"), |b| {
            b.iter(|| Reweighing::fit(&train).unwrap().weights(&train).unwrap())
        });
        let di = DisparateImpactRemover::params();
        group.bench_function(id("di_remover_fit"), |b| b.iter(|| di.fit(&train).unwrap()));
        let fitted = di.fit(&train).unwrap();
        group.bench_function(id("di_remover_transform"), |b| {
            b.iter(|| fairkit_preprocessing::FeatureTransform::transform(&fitted, &test).unwrap())
        });
        let cr = CorrelationRemover::params();
        group.bench_function(id("correlation_remover_fit_transform"), |b| {
            b.iter(|| cr.fit_transform(&train).unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
