//! Fit time of the two-group post-processors on Adult (32,561 training rows), on the base scores
//! AIF360 used (tests/data/aif360/adult_train_scores.csv), timed as AIF360's `fit` was timed by
//! scripts/aif360_reference.py (the fit alone, data already in memory): reject option with each
//! bounded disparity, equalized odds, calibrated equalized odds with each cost constraint.
//!
//! `cargo bench -p fairkit-postprocessing --bench aif360`. Skipped with a message when the
//! prepared file (shared/reference/prepared/adult_train.csv) is absent.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use fairkit_core::Groups;
use fairkit_postprocessing::{
    CalibratedEqOddsParams, CostConstraint, Disparity, EqOddsParams, FitTwoGroups,
    RejectOptionParams,
};

fn adult() -> Option<(Vec<f64>, Vec<bool>, Groups)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let prepared = fairkit_testkit::shared("reference/prepared/adult_train.csv")?;
    let mut reader = csv::Reader::from_path(&prepared).unwrap();
    let header = reader.headers().unwrap().clone();
    let label = header.iter().position(|h| h == "label").unwrap();
    let sensitive = header.iter().position(|h| h == "sensitive").unwrap();
    let (mut labels, mut names) = (vec![], vec![]);
    for record in reader.records() {
        let record = record.unwrap();
        labels.push(&record[label] == "1");
        names.push(record[sensitive].to_string());
    }
    let scores_path = root.join("../../tests/data/aif360/adult_train_scores.csv");
    let scores: Vec<f64> = csv::Reader::from_path(scores_path)
        .unwrap()
        .records()
        .map(|r| r.unwrap()[0].parse().unwrap())
        .collect();
    let groups = Groups::from_labels("sensitive", &names).unwrap();
    Some((scores, labels, groups))
}

fn bench(c: &mut Criterion) {
    let Some((scores, labels, groups)) = adult() else {
        return;
    };
    let mut group = c.benchmark_group("aif360_postprocessing/adult");
    group.sample_size(20);
    for metric in Disparity::ALL {
        let params = RejectOptionParams::new().metric(metric);
        group.bench_function(format!("reject_option/{metric}"), |b| {
            b.iter(|| {
                params
                    .fit_scores(black_box(&scores), &labels, &groups, None)
                    .unwrap()
            })
        });
    }
    let params = EqOddsParams::new();
    group.bench_function("eq_odds", |b| {
        b.iter(|| {
            params
                .fit_scores(black_box(&scores), &labels, &groups, None)
                .unwrap()
        })
    });
    for cost in CostConstraint::ALL {
        let params = CalibratedEqOddsParams::new().cost_constraint(cost);
        group.bench_function(format!("calibrated_eq_odds/{cost}"), |b| {
            b.iter(|| {
                params
                    .fit_scores(black_box(&scores), &labels, &groups, None)
                    .unwrap()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
