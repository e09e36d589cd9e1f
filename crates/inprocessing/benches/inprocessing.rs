//! Fit time of the in-processing methods on the prepared Adult file (read from `../shared`;
//! skipped with a notice when absent).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use fairkit_core::{FairDataset, Groups};
use fairkit_inprocessing::{AdversarialDebiasing, GerryFair, PrejudiceRemover};
use ndarray::Array2;

/// Adult's train split (groups from `sensitive`).
fn adult() -> Option<FairDataset> {
    let path = fairkit_testkit::shared("reference/prepared/adult_train.csv")?;
    let text = std::fs::read_to_string(&path).ok()?;
    let mut lines = text.lines();
    let d = lines.next()?.split(',').count() - 2;
    let (mut values, mut labels, mut groups) = (Vec::new(), Vec::new(), Vec::new());
    for line in lines.filter(|l| !l.is_empty()) {
        let f: Vec<&str> = line.split(',').collect();
        values.extend(f[..d].iter().map(|v| v.parse::<f64>().unwrap_or(f64::NAN)));
        labels.push(f[d] == "1");
        groups.push(f[d + 1].to_string());
    }
    let n = labels.len();
    let g = Groups::from_labels("sensitive", &groups).ok()?;
    FairDataset::new(Array2::from_shape_vec((n, d), values).ok()?, labels, g).ok()
}

fn bench(c: &mut Criterion) {
    let Some(data) = adult() else {
        return;
    };
    let mut group = c.benchmark_group("adult");
    group.sample_size(10);
    for eta in [1.0, 25.0] {
        group.bench_function(format!("prejudice_remover_eta_{eta}"), |b| {
            b.iter(|| {
                PrejudiceRemover::params()
                    .eta(eta)
                    .fit(black_box(&data))
                    .unwrap()
            })
        });
    }
    group.bench_function("gerryfair", |b| {
        b.iter(|| GerryFair::params().fit(black_box(&data)).unwrap())
    });
    // AIF360's parameters (50 epochs of 128-row batches, 200 hidden units), seed 0.
    group.bench_function("adversarial", |b| {
        b.iter(|| {
            AdversarialDebiasing::params()
                .fit(black_box(&data))
                .unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
