//! O9 (docs/test-oracles.md#o9): ExponentiatedGradient and GridSearch end to end with the
//! CellMajority learner.

use approx::assert_abs_diff_eq;
use fairkit_core::Error;
use fairkit_reductions::{
    Bound, ExponentiatedGradient, FitReduction, GridSearch, Hypothesis, ReductionsError,
    UtilityParity,
};

use crate::common::{CellMajority, CellTable, WeightBlind, expected_error, group_mean, o9};

/// The summed mixture weight of the hypotheses predicting `table` on cells 0..4.
fn weight_of(model: &ExponentiatedGradient<CellTable>, table: [bool; 4]) -> f64 {
    let x = ndarray::Array2::from_shape_fn((4, 1), |(i, _)| i as f64);
    model
        .predictors()
        .iter()
        .zip(model.weights())
        .filter(|(h, _)| h.predict(x.view()).to_vec() == table)
        .map(|(_, w)| w)
        .sum()
}

const ZERO: [bool; 4] = [false; 4];
const CELL0: [bool; 4] = [true, false, false, false];

#[test]
fn unconstrained_solution_and_default_nu() {
    let data = o9();
    assert_eq!(data.n_rows(), 21);
    let model = CellMajority.fit_dataset(&data);
    assert_eq!(model.0, CELL0.to_vec());
    // nu = 0.5·sd(error indicator)/√21 with 6 errors.
    let eg = ExponentiatedGradient::params(CellMajority, UtilityParity::demographic_parity())
        .fit(&data)
        .unwrap();
    assert_abs_diff_eq!(eg.nu(), 0.0505076, epsilon = 1e-7);
    assert_eq!(
        eg.predictors()[0],
        Hypothesis::Learned(CellTable(CELL0.to_vec()))
    );
    assert_abs_diff_eq!(eg.training_errors()[0], 6.0 / 21.0, epsilon = 1e-15);
}

#[test]
fn eg_demographic_parity() {
    let data = o9();
    let eg = ExponentiatedGradient::params(CellMajority, UtilityParity::demographic_parity())
        .eps(0.01)
        .fit(&data)
        .unwrap();
    assert_abs_diff_eq!(eg.best_gap(), 0.0, epsilon = 1e-12);
    assert_eq!(eg.best_iteration(), 5);
    assert_eq!(eg.last_iteration(), 5);
    // The optimum is unique: 0.0875 = 0.01/(0.4 − 6/21).
    assert_abs_diff_eq!(weight_of(&eg, CELL0), 0.0875, epsilon = 1e-9);
    assert_abs_diff_eq!(weight_of(&eg, ZERO), 0.9125, epsilon = 1e-9);
    let p = eg.expected(data.features()).unwrap().to_vec();
    assert_abs_diff_eq!(expected_error(&data, &p), 0.372619, epsilon = 1e-6);
    assert_abs_diff_eq!(eg.expected_training_error(), 0.372619, epsilon = 1e-6);
    assert_abs_diff_eq!(group_mean(&data, &p, 0), 0.035, epsilon = 1e-9);
    assert_abs_diff_eq!(group_mean(&data, &p, 1), 0.015909, epsilon = 1e-6);
    // Group a sits exactly at the bound: SR_a − SR_overall = 0.01.
    let overall = p.iter().sum::<f64>() / 21.0;
    assert_abs_diff_eq!(group_mean(&data, &p, 0) - overall, 0.01, epsilon = 1e-9);
    assert_eq!(eg.lambda_history().len(), 6);
    assert!(eg.lambda_history()[0].iter().all(|&l| l == 20.0));
}

#[test]
fn eg_demographic_parity_difference_bound_005() {
    let data = o9();
    let dp = UtilityParity::demographic_parity().with_bound(Bound::Difference(0.05));
    let eg = ExponentiatedGradient::params(CellMajority, dp)
        .fit(&data)
        .unwrap();
    assert_abs_diff_eq!(weight_of(&eg, CELL0), 0.4375, epsilon = 1e-9);
    assert_abs_diff_eq!(weight_of(&eg, ZERO), 0.5625, epsilon = 1e-9);
    let p = eg.expected(data.features()).unwrap().to_vec();
    assert_abs_diff_eq!(expected_error(&data, &p), 0.339286, epsilon = 1e-6);
    assert_abs_diff_eq!(group_mean(&data, &p, 0), 0.175, epsilon = 1e-9);
    assert_abs_diff_eq!(group_mean(&data, &p, 1), 0.079545, epsilon = 1e-6);
}

#[test]
fn eg_true_positive_rate_parity_keeps_the_unconstrained_table() {
    let data = o9();
    let eg =
        ExponentiatedGradient::params(CellMajority, UtilityParity::true_positive_rate_parity())
            .fit(&data)
            .unwrap();
    assert_abs_diff_eq!(weight_of(&eg, CELL0), 1.0, epsilon = 1e-12);
    let p = eg.expected(data.features()).unwrap().to_vec();
    assert_abs_diff_eq!(expected_error(&data, &p), 6.0 / 21.0, epsilon = 1e-12);
}

#[test]
fn grid_search_demographic_parity_selects_the_all_zero_table() {
    let data = o9();
    let gs = GridSearch::params(CellMajority, UtilityParity::demographic_parity())
        .grid_size(10)
        .fit(&data)
        .unwrap();
    let objectives: Vec<f64> = [[6.0; 8].as_slice(), &[8.0, 9.0]]
        .concat()
        .iter()
        .map(|v| v / 21.0)
        .collect();
    let max_gamma = [[0.114286; 8].as_slice(), &[0.0, 0.033333]].concat();
    let losses = [[0.2; 8].as_slice(), &[0.190476, 0.230952]].concat();
    for i in 0..10 {
        assert_abs_diff_eq!(gs.objectives()[i], objectives[i], epsilon = 1e-12);
        let g = gs.gammas()[i]
            .iter()
            .copied()
            .fold(f64::NEG_INFINITY, f64::max);
        assert_abs_diff_eq!(g, max_gamma[i], epsilon = 1e-6);
        assert_abs_diff_eq!(gs.losses()[i], losses[i], epsilon = 1e-6);
    }
    assert_eq!(gs.best_index(), 8);
    let x = ndarray::Array2::from_shape_fn((4, 1), |(i, _)| i as f64);
    assert_eq!(gs.predict(x.view()).unwrap().to_vec(), ZERO.to_vec());
    // λ coefficients −2.0 … 1.6 on group a (the first-seen group, which is not the last).
    assert_abs_diff_eq!(gs.lambdas()[0][2], 2.0, epsilon = 1e-12);
    assert_abs_diff_eq!(gs.lambdas()[9][0], 1.6, epsilon = 1e-12);
}

#[test]
fn bad_parameters_and_learners_are_refused() {
    let data = o9();
    let dp = UtilityParity::demographic_parity();
    for eps in [0.0, -0.1, f64::NAN] {
        let err = ExponentiatedGradient::params(CellMajority, dp)
            .eps(eps)
            .fit(&data);
        assert!(matches!(
            err,
            Err(ReductionsError::Core(Error::InvalidParameter { ref name, .. })) if name == "eps"
        ));
    }
    let ratio = dp.with_bound(Bound::Ratio {
        ratio: 1.2,
        slack: 0.0,
    });
    assert!(matches!(
        ExponentiatedGradient::params(CellMajority, ratio).fit(&data),
        Err(ReductionsError::Core(Error::InvalidParameter { .. }))
    ));
    assert!(matches!(
        ExponentiatedGradient::params(WeightBlind, dp).fit(&data),
        Err(ReductionsError::Core(Error::IgnoresWeights { .. }))
    ));
    assert!(matches!(
        GridSearch::params(WeightBlind, dp).fit(&data),
        Err(ReductionsError::Core(Error::IgnoresWeights { .. }))
    ));
    assert!(matches!(
        GridSearch::params(CellMajority, dp)
            .constraint_weight(1.5)
            .fit(&data),
        Err(ReductionsError::Core(Error::InvalidParameter { .. }))
    ));
    assert!(matches!(
        GridSearch::params(CellMajority, dp)
            .grid(Some(vec![vec![0.0; 3]]))
            .fit(&data),
        Err(ReductionsError::Core(Error::LengthMismatch { .. }))
    ));
}

#[test]
fn unseen_groups_and_feature_counts_are_refused_at_prediction() {
    let data = o9();
    let eg = ExponentiatedGradient::params(CellMajority, UtilityParity::demographic_parity())
        .fit(&data)
        .unwrap();
    assert!(eg.check_groups(data.groups()).is_ok());
    let other = crate::common::cells(&[(0, "a", true), (1, "c", false)]);
    assert!(matches!(
        eg.check_groups(other.groups()),
        Err(Error::UnseenGroup { ref group }) if group == "g=c"
    ));
    let wide = ndarray::Array2::<f64>::zeros((2, 3));
    assert!(matches!(
        eg.expected(wide.view()),
        Err(Error::FeatureMismatch {
            expected: 1,
            got: 3
        })
    ));
}

/// The loop's bookkeeping matches fairlearn 0.15.0 run on the same data with the same learner
/// (oracle calls, constant fallbacks, hypotheses stored, iterations, expected error), recorded
/// with `scripts/o9_fairlearn.py`.
#[test]
fn bookkeeping_matches_fairlearn_on_o9() {
    let data = o9();
    let dp = UtilityParity::demographic_parity();
    let eo = UtilityParity::equalized_odds();
    let ratio = dp.with_bound(Bound::Ratio {
        ratio: 0.8,
        slack: 0.0,
    });
    let dp05 = dp.with_bound(Bound::Difference(0.05));
    let tprp = UtilityParity::true_positive_rate_parity();
    let erp = UtilityParity::error_rate_parity();
    // (name, constraint, eps, oracle calls, constants, predictors, expected error)
    #[rustfmt::skip]
    let cases = [
        ("dp", dp, 0.01, 22, 0, 4, 0.3726190476190476),
        ("dp05", dp05, 0.01, 22, 0, 4, 0.3392857142857143),
        ("tprp", tprp, 0.01, 34, 0, 1, 0.2857142857142857),
        ("eo", eo, 0.01, 22, 0, 5, 0.3702857142857143),
        ("erp", erp, 0.01, 21, 0, 4, 0.31935483870967746),
        ("dp_ratio", ratio, 0.01, 22, 12, 4, 0.30867346938775514),
        ("dp eps 0.1", dp, 0.1, 22, 0, 4, 0.3726190476190476),
        ("eo eps 0.1", eo, 0.1, 22, 0, 5, 0.3702857142857143),
        ("dp eps 0.002", dp, 0.002, 22, 0, 4, 0.3726190476190476),
        ("eo eps 0.002", eo, 0.002, 22, 0, 5, 0.3702857142857143),
    ];
    for (name, constraint, eps, calls, constants, n_predictors, error) in cases {
        let eg = ExponentiatedGradient::params(CellMajority, constraint)
            .eps(eps)
            .fit(&data)
            .unwrap();
        assert_eq!(eg.n_oracle_calls(), calls, "{name}");
        assert_eq!(eg.n_constant_fallbacks(), constants, "{name}");
        assert_eq!(eg.predictors().len(), n_predictors, "{name}");
        assert_eq!((eg.best_iteration(), eg.last_iteration()), (5, 5), "{name}");
        assert!(eg.best_gap().abs() < 1e-12, "{name}: {}", eg.best_gap());
        let p = eg.expected(data.features()).unwrap().to_vec();
        assert_abs_diff_eq!(expected_error(&data, &p), error, epsilon = 1e-9);
    }
}

/// Both reductions as a `fairkit_core::Predictor`: the same numbers as their own methods,
/// groups unseen in training refused first, and a check that reaches the learned models.
#[test]
fn reductions_predict_as_predictors() {
    use fairkit_core::Predictor;
    let data = o9();
    let x = data.features();
    let eg = ExponentiatedGradient::params(CellMajority, UtilityParity::demographic_parity())
        .fit(&data)
        .unwrap();
    let p: &dyn Predictor = &eg;
    assert!(p.is_randomized());
    assert_eq!(p.n_features(), 1);
    assert_eq!(
        p.expected(x, data.groups()).unwrap(),
        eg.expected(x).unwrap().to_vec()
    );
    assert_eq!(p.score(x, data.groups()).unwrap(), None);
    p.validate().unwrap();
    let other = crate::common::cells(&[(0, "a", true), (1, "c", false)]);
    let unseen = Err(Error::UnseenGroup {
        group: "g=c".into(),
    });
    assert_eq!(p.check_groups(other.groups()), unseen);
    assert_eq!(
        p.expected(other.features(), other.groups()).map(|_| ()),
        unseen
    );

    let gs = GridSearch::params(CellMajority, UtilityParity::demographic_parity())
        .fit(&data)
        .unwrap();
    let p: &dyn Predictor = &gs;
    assert!(!p.is_randomized());
    let labels = gs.predict(x).unwrap();
    let expected = p.expected(x, data.groups()).unwrap();
    assert!(
        expected
            .iter()
            .zip(&labels)
            .all(|(e, &l)| *e == f64::from(u8::from(l)))
    );
    assert_eq!(
        p.score(x, data.groups()).unwrap(),
        Some(gs.score(x).unwrap().to_vec())
    );
    assert_eq!(p.check_groups(other.groups()), unseen);

    // An empty cell table among the models: the mixture's own check passes, the predictor's
    // does not.
    let mut json = serde_json::to_value(&eg).unwrap();
    let learned = (0..eg.predictors().len())
        .find(|&i| eg.predictors()[i].model().is_some())
        .unwrap();
    json["predictors"][learned]["Learned"] = serde_json::json!([]);
    let broken: ExponentiatedGradient<crate::common::CellTable> =
        serde_json::from_value(json).unwrap();
    broken.validate().unwrap();
    let err = Predictor::validate(&broken).unwrap_err();
    assert_eq!(err.to_string(), "inconsistent cell table: it has no cells");
}
