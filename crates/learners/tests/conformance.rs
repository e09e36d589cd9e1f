//! The weight conformance check applied to every learner: the ones offered for reweighting pass,
//! and linfa-logistic (which ignores weights) demonstrably fails. The forest passes with its
//! bootstrap off; with it on (the default) zero weights still drop rows exactly, and integer
//! weights act as duplicated rows in distribution, not draw for draw.

use fairkit_core::{Learner, WeightSupport};
use fairkit_learners::conformance::{self, Conformance};
use fairkit_learners::{
    BoostingParams, Estimator, ForestParams, LinfaLogistic, LinfaTree, LogisticParams,
    LogisticSolver, NaiveBayesParams, SvmParams, TreeParams,
};

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
fn newton_cholesky_logistic_passes() {
    let result = run(&LogisticParams::default().solver(LogisticSolver::NewtonCholesky));
    assert!(result.passes());
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
fn linfa_tree_passes() {
    let result = run(&LinfaTree::default());
    assert!(result.passes());
}

#[test]
fn forest_passes_without_bootstrap() {
    let result = run(&ForestParams::default().n_estimators(25).bootstrap(false));
    assert!(result.passes());
    assert_eq!(result.duplicated_score_diff, 0.0);
    assert_eq!(result.dropped_score_diff, 0.0);
}

#[test]
fn bootstrap_forest_drops_zero_weight_rows_and_duplicates_rows_in_distribution() {
    let result = run(&ForestParams::default());
    assert_eq!(result.dropped_mismatches, 0);
    assert_eq!(result.dropped_score_diff, 0.0);
    assert!(result.shifted_changes > 20);
    // other draws, the same distribution: most probe rows agree
    assert!(result.duplicated_mismatches > 0);
    assert!(
        result.duplicated_mismatches * 10 < result.probe_rows,
        "{result:?}"
    );
}

#[test]
fn naive_bayes_passes() {
    let result = run(&NaiveBayesParams::default());
    assert!(result.passes());
    assert!(result.duplicated_score_diff < 1e-12);
    assert!(result.dropped_score_diff < 1e-12);
    assert!(result.shifted_changes > 40);
}

#[test]
fn svm_passes() {
    let result = run(&SvmParams::default());
    assert!(result.passes());
    assert!(result.duplicated_score_diff < 1e-9);
    assert!(result.dropped_score_diff < 1e-9);
    assert!(result.shifted_changes > 40);
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
        let estimator = match name.parse().unwrap() {
            // the bootstrap is the only draw that differs between weighted and duplicated rows
            Estimator::Forest(params) => Estimator::Forest(params.bootstrap(false)),
            other => other,
        };
        let passes = conformance::check(&estimator, 11).unwrap().passes();
        let expected = if passes {
            WeightSupport::Honoured
        } else {
            WeightSupport::Ignored
        };
        assert_eq!(estimator.weight_support(), expected, "{name}");
    }
}
