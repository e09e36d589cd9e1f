//! The built-in scenario (fairkit-data's default simulator): every method lowers the
//! demographic parity difference of the logistic-regression baseline on held-out rows.

use fairkit_core::{Classifier, FairDataset, Learner};
use fairkit_data::{Prepared, sim};
use fairkit_learners::Logistic;
use fairkit_preprocessing::{
    CorrelationRemover, DisparateImpactRemover, FeatureTransform, FitFeatureTransform, Reweighing,
};

/// Test accuracy and demographic parity difference (largest minus smallest selection rate).
fn evaluate(model: &impl Classifier, test: &FairDataset) -> (f64, f64) {
    let predicted = model.predict(test.features());
    let n_groups = test.groups().n_groups();
    let (mut selected, mut sizes) = (vec![0.0; n_groups], vec![0.0; n_groups]);
    for (&p, &g) in predicted.iter().zip(test.groups().codes()) {
        sizes[g as usize] += 1.0;
        selected[g as usize] += f64::from(u8::from(p));
    }
    let rates: Vec<f64> = selected
        .iter()
        .zip(&sizes)
        .filter(|(_, n)| **n > 0.0)
        .map(|(s, n)| s / n)
        .collect();
    let dp = rates.iter().copied().fold(f64::MIN, f64::max)
        - rates.iter().copied().fold(f64::MAX, f64::min);
    let correct = predicted
        .iter()
        .zip(test.labels())
        .filter(|(p, y)| p == y)
        .count();
    (correct as f64 / test.n_rows() as f64, dp)
}

#[test]
fn every_method_lowers_the_baseline_disparity() {
    let table = sim::simulate(sim::DEFAULT_SCENARIO, 4000, 7).unwrap();
    let Prepared { train, test, .. } =
        Prepared::split(&sim::default_spec(), &table, 0.3, 7, false).unwrap();
    let lr = Logistic::params();
    let fit = |d: &FairDataset| {
        lr.fit(d.features(), d.labels_view(), d.weights_view())
            .unwrap()
    };
    let (base_accuracy, baseline) = evaluate(&fit(&train), &test);
    eprintln!("baseline: accuracy {base_accuracy:.4}, DP difference {baseline:.4}");
    assert!(
        baseline > 0.05,
        "the scenario should be biased: DP difference {baseline}"
    );

    let reweighed = Reweighing::fit(&train)
        .unwrap()
        .fit_learner(&lr, &train)
        .unwrap();
    let di = DisparateImpactRemover::params().fit(&train).unwrap();
    let cr = CorrelationRemover::params().fit(&train).unwrap();
    let results = [
        ("reweighing", evaluate(&reweighed, &test)),
        (
            "di-remover",
            evaluate(
                &fit(&di.transform(&train).unwrap()),
                &di.transform(&test).unwrap(),
            ),
        ),
        (
            "correlation-remover",
            evaluate(
                &fit(&cr.transform(&train).unwrap()),
                &cr.transform(&test).unwrap(),
            ),
        ),
    ];
    for (name, (accuracy, dp)) in results {
        eprintln!("{name}: accuracy {accuracy:.4}, DP difference {dp:.4}");
        assert!(
            dp < baseline,
            "{name}: DP difference {dp} is not below the baseline's {baseline}"
        );
    }
}
