//! Fit time of the threshold optimizer on Adult (32,561 training rows, 106 features), over the
//! weighted logistic regression baseline fitted on the training rows. Fairlearn 0.15 takes
//! 0.29 s (demographic parity) and 0.26 s (equalized odds) for the same fit of a prefit
//! estimator (shared/reference/README.md). Timed, as there: scoring the training rows with the
//! model, then the threshold search (`…/fit`); also the search alone on precomputed scores
//! (`…/fit_scores`). The baseline's own fit is not timed, on either side.
//!
//! `cargo bench -p fairkit-postprocessing --bench adult`. Skipped with a message when the
//! prepared files (shared/reference/prepared/adult_*.csv) are absent.

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use fairkit_core::{Classifier, FairDataset, Learner};
use fairkit_data::{DatasetSpec, Prepared, Table};
use fairkit_learners::Logistic;
use fairkit_postprocessing::{Constraint, FitThresholds, ParamGuard, ThresholdOptimizerParams};

fn adult() -> Option<FairDataset> {
    let train = fairkit_testkit::shared("reference/prepared/adult_train.csv")?;
    let test = fairkit_testkit::shared("reference/prepared/adult_test.csv")?;
    let table = |p: &Path| {
        let file = std::fs::File::open(p).unwrap();
        Table::from_csv(std::io::BufReader::new(file), &p.display().to_string()).unwrap()
    };
    let spec = DatasetSpec {
        standardize: false,
        ..DatasetSpec::new("label", ["sensitive"])
    };
    Some(
        Prepared::from_tables(&spec, &table(&train), &table(&test))
            .unwrap()
            .train,
    )
}

fn bench(c: &mut Criterion) {
    let Some(train) = adult() else { return };
    let model = Logistic::params()
        .fit(train.features(), train.labels_view(), None)
        .unwrap();
    let scores = model.score(train.features()).to_vec();
    let mut group = c.benchmark_group("threshold_optimizer/adult");
    group.sample_size(50);
    for (name, constraint) in [
        ("demographic_parity", Constraint::DemographicParity),
        ("equalized_odds", Constraint::EqualizedOdds),
    ] {
        let params = ThresholdOptimizerParams::new()
            .constraint(constraint)
            .check()
            .unwrap();
        group.bench_function(format!("{name}/fit"), |b| {
            b.iter(|| params.fit(black_box(&model), &train).unwrap())
        });
        group.bench_function(format!("{name}/fit_scores"), |b| {
            b.iter(|| {
                params
                    .fit_scores(black_box(&scores), train.labels(), train.groups(), None)
                    .unwrap()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
