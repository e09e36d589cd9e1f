//! The weight conformance check applied to every learner: the ones offered for reweighting pass,
//! and linfa-logistic (which ignores weights) demonstrably fails.

use fairkit_core::{Learner, WeightSupport};
use fairkit_learners::conformance::{self, Conformance};
use fairkit_learners::{BoostingParams, Estimator, LinfaLogistic, LogisticParams, TreeParams};

fn run<L: Learner>(learner: &L) -> Conformance {
    let result = conformance::check(learner, 7).expect("fits succeed");
    eprintln!("{}: {result:?}", learner.name());
    result
}

#[test]
fn logistic_passes() {
    let result = run(&LogisticParams::default());
    assert!(result.passes());
    // the same objective: only rounding differs
    assert!(result.duplicated_score_diff < 1e-9);
    assert!(result.dropped_score_diff < 1e-12);
    assert!(result.shifted_changes > 40);
}

#[test]
fn tree_passes() {
    let result = run(&TreeParams::default());
    assert!(result.passes());
    assert_eq!(result.duplicated_score_diff, 0.0);
    assert_eq!(result.dropped_score_diff, 0.0);
}

#[test]
fn boosting_passes() {
    let result = run(&BoostingParams::default());
    assert!(result.passes());
}

#[test]
fn linfa_logistic_fails_because_it_ignores_weights() {
    let result = run(&LinfaLogistic::default());
    assert!(!result.passes());
    // weights change nothing at all
    assert_eq!(result.shifted_changes, 0);
    assert!(result.duplicated_score_diff > 1e-3);
}

#[test]
fn every_estimator_reports_what_the_check_finds() {
    for name in Estimator::NAMES {
        let estimator: Estimator = name.parse().unwrap();
        let passes = conformance::check(&estimator, 11).unwrap().passes();
        let expected = if passes {
            WeightSupport::Honoured
        } else {
            WeightSupport::Ignored
        };
        assert_eq!(estimator.weight_support(), expected, "{name}");
    }
}
