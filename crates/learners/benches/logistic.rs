//! Fit time of the weighted logistic regression on Adult (32,561 x 106, the prepared reference
//! file; scikit-learn's `LogisticRegression(lbfgs, C=1)` takes about 0.24 s on it).
//! Run with `cargo bench -p fairkit-learners --bench logistic`.

use criterion::{Criterion, criterion_group, criterion_main};
use fairkit_core::Learner;
use fairkit_data::{DatasetSpec, Encoder, Table};
use fairkit_learners::LogisticParams;

fn adult_train() -> Option<fairkit_core::FairDataset> {
    let path = fairkit_testkit::shared("reference/prepared/adult_train.csv")?;
    let file = std::fs::File::open(&path).ok()?;
    let table = Table::from_csv(file, &path.display().to_string()).ok()?;
    let spec = DatasetSpec {
        standardize: false,
        ..DatasetSpec::new("label", ["sensitive"])
    };
    let encoder = Encoder::fit(&spec, &table, &[]).ok()?;
    encoder.transform(&table).ok()
}

fn bench(c: &mut Criterion) {
    let Some(data) = adult_train() else { return };
    let learner = LogisticParams::default();
    let mut group = c.benchmark_group("logistic");
    group.sample_size(10);
    group.bench_function("adult/32561x106/fit", |b| {
        b.iter(|| {
            learner
                .fit(data.features(), data.labels_view(), None)
                .expect("fit")
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
