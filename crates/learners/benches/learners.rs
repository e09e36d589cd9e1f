//! Fit time of every learner on Adult (32,561 x 106, the prepared reference file, features as
//! in the file). scikit-learn's counterparts on the same file and machine, one thread
//! (`scripts/sklearn_learners.py`, recorded in `tests/data/sklearn_learners.json`), are printed
//! beside them. Run with `cargo bench -p fairkit-learners --bench learners`.

use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use fairkit_core::Learner;
use fairkit_data::{DatasetSpec, Encoder, Table};
use fairkit_learners::{
    ForestParams, LinfaTree, LogisticParams, NaiveBayesParams, SvmParams, TreeParams,
};
use serde_json::Value;

fn adult_train() -> Option<fairkit_core::FairDataset> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/reference/prepared/adult_train.csv");
    let Ok(file) = std::fs::File::open(&path) else {
        println!("skipping the Adult bench: {} is absent", path.display());
        return None;
    };
    let table = Table::from_csv(file, &path.display().to_string()).ok()?;
    let spec = DatasetSpec {
        standardize: false,
        ..DatasetSpec::new("label", ["sensitive"])
    };
    let encoder = Encoder::fit(&spec, &table, &[]).ok()?;
    encoder.transform(&table).ok()
}

/// scikit-learn's median fit seconds of `learner` on Adult, as recorded.
fn sklearn_seconds(learner: &str) -> Option<f64> {
    let all: Value =
        serde_json::from_str(include_str!("../tests/data/sklearn_learners.json")).ok()?;
    all["datasets"]["adult"][learner]["fit_seconds"].as_f64()
}

fn bench_one<L: Learner>(c: &mut Criterion, name: &str, sklearn: Option<&str>, learner: &L) {
    let Some(data) = adult_train() else { return };
    if let Some(seconds) = sklearn.and_then(sklearn_seconds) {
        println!("{name}: scikit-learn fits Adult in {seconds:.3} s (one thread, recorded)");
    }
    let mut group = c.benchmark_group(name);
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

fn bench(c: &mut Criterion) {
    bench_one(c, "logistic", None, &LogisticParams::default());
    bench_one(c, "tree", Some("tree"), &TreeParams::default());
    bench_one(c, "linfa-tree", Some("tree"), &LinfaTree::default());
    bench_one(
        c,
        "naive-bayes",
        Some("naive_bayes"),
        &NaiveBayesParams::default(),
    );
    bench_one(c, "svm", Some("svm"), &SvmParams::default());
    bench_one(c, "forest", Some("forest"), &ForestParams::default());
}

criterion_group!(benches, bench);
criterion_main!(benches);
