//! Bad input and bad parameters give clear errors.

use fairkit_core::{Error, Groups};
use fairkit_postprocessing::{
    Constraint, FitThresholds, Objective, ParamGuard, PostprocessingError,
    ThresholdOptimizerParams, ThresholdOptimizerParamsError,
};

use crate::util::{FirstFeature, O10, dataset};

fn o10_columns() -> (Vec<f64>, Vec<bool>, Groups) {
    let d = dataset(&O10);
    (
        O10.iter().map(|r| r.0).collect(),
        d.labels().to_vec(),
        d.groups().clone(),
    )
}

#[test]
fn constraint_and_objective_that_cannot_be_combined() {
    for objective in [
        Objective::SelectionRate,
        Objective::TruePositiveRate,
        Objective::TrueNegativeRate,
    ] {
        let err = ThresholdOptimizerParams::new()
            .constraint(Constraint::EqualizedOdds)
            .objective(objective)
            .check()
            .unwrap_err();
        assert_eq!(
            err,
            ThresholdOptimizerParamsError::IncompatibleObjective {
                constraint: Constraint::EqualizedOdds,
                objective
            }
        );
        assert!(
            err.to_string()
                .contains("allowed objectives: accuracy_score, balanced_accuracy_score"),
            "{err}"
        );
    }
    // Every objective is allowed with every one-rate constraint.
    for c in Constraint::ALL
        .into_iter()
        .filter(|&c| c != Constraint::EqualizedOdds)
    {
        for o in Objective::ALL {
            assert!(
                ThresholdOptimizerParams::new()
                    .constraint(c)
                    .objective(o)
                    .check()
                    .is_ok()
            );
        }
    }
}

#[test]
fn bad_tol_and_grid_size() {
    let eo = ThresholdOptimizerParams::new().constraint(Constraint::EqualizedOdds);
    assert!(matches!(
        eo.tol(0.1).check(),
        Err(ThresholdOptimizerParamsError::TolWithEqualizedOdds { .. })
    ));
    for tol in [-0.1, f64::NAN, f64::INFINITY] {
        assert!(matches!(
            ThresholdOptimizerParams::new().tol(tol).check(),
            Err(ThresholdOptimizerParamsError::InvalidTol { .. })
        ));
    }
    let err = ThresholdOptimizerParams::new()
        .grid_size(0)
        .check()
        .unwrap_err();
    assert_eq!(
        err,
        ThresholdOptimizerParamsError::InvalidGridSize { grid_size: 0 }
    );
    // Fitting checks the parameters first.
    let (s, y, g) = o10_columns();
    assert!(matches!(
        ThresholdOptimizerParams::new()
            .grid_size(0)
            .fit_scores(&s, &y, &g, None),
        Err(PostprocessingError::Params(_))
    ));
}

#[test]
fn names_parse_with_fairlearn_spellings() {
    assert_eq!(
        "selection_rate_parity".parse(),
        Ok(Constraint::DemographicParity)
    );
    assert_eq!("equalized_odds".parse(), Ok(Constraint::EqualizedOdds));
    assert_eq!("accuracy_score".parse(), Ok(Objective::Accuracy));
    assert_eq!("balanced_accuracy".parse(), Ok(Objective::BalancedAccuracy));
    let err = "equal_odds".parse::<Constraint>().unwrap_err();
    assert!(err.to_string().contains("equalized_odds"), "{err}");
    for c in Constraint::ALL {
        assert_eq!(c.name().parse(), Ok(c));
    }
}

#[test]
fn non_finite_scores_at_fit_and_predict_time() {
    let (mut s, y, g) = o10_columns();
    let fitted = ThresholdOptimizerParams::new()
        .fit_scores(&s, &y, &g, None)
        .unwrap();
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        s[5] = bad;
        let err = ThresholdOptimizerParams::new()
            .fit_scores(&s, &y, &g, None)
            .unwrap_err();
        assert!(
            matches!(&err, PostprocessingError::Core(Error::NonFinite { row: 5, what, .. }) if what == "scores"),
            "{err:?}"
        );
        assert!(fitted.probability(&s, &g).is_err());
    }
}

#[test]
fn a_group_with_all_scores_equal() {
    let mut rows = O10;
    for r in rows.iter_mut().filter(|r| r.2 == "b") {
        r.0 = 0.5;
    }
    let err = ThresholdOptimizerParams::new()
        .fit(&FirstFeature, &dataset(&rows))
        .unwrap_err();
    assert_eq!(
        err,
        PostprocessingError::ConstantScores {
            group: "g=b".into(),
            rows: 4,
            score: 0.5
        }
    );
    assert!(
        err.to_string()
            .contains("all 4 scores of group g=b equal 0.5"),
        "{err}"
    );
}

#[test]
fn shapes_groups_and_features() {
    let (s, y, g) = o10_columns();
    let p = ThresholdOptimizerParams::new();
    assert!(matches!(
        p.fit_scores(&s[..7], &y, &g, None),
        Err(PostprocessingError::Core(Error::LengthMismatch { .. }))
    ));
    assert!(matches!(
        p.fit_scores(&s, &y, &g, Some(&[1.0; 3])),
        Err(PostprocessingError::Core(Error::LengthMismatch { .. }))
    ));
    let mut w = vec![1.0; 8];
    w[0] = -1.0;
    assert!(matches!(
        p.fit_scores(&s, &y, &g, Some(&w)),
        Err(PostprocessingError::Core(Error::NegativeWeight {
            row: 0,
            ..
        }))
    ));
    // Zero weight on every negative of a group leaves it one (weighted) label class.
    let w = [1.0, 1.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0];
    assert!(matches!(
        p.fit_scores(&s, &y, &g, Some(&w)),
        Err(PostprocessingError::DegenerateLabels { negatives, .. }) if negatives == 0.0
    ));
    let one = Groups::from_labels("g", &["a"; 8]).unwrap();
    assert!(matches!(
        p.fit_scores(&s, &y, &one, None),
        Err(PostprocessingError::Core(Error::SingleGroup { .. }))
    ));
    let empty = Groups::from_labels::<&str>("g", &[]);
    if let Ok(empty) = empty {
        assert!(p.fit_scores(&[], &[], &empty, None).is_err());
    }
    // A model fitted on another feature count.
    struct TwoFeatures;
    impl fairkit_core::Classifier for TwoFeatures {
        fn n_features(&self) -> usize {
            2
        }
        fn predict(&self, x: ndarray::ArrayView2<'_, f64>) -> ndarray::Array1<bool> {
            ndarray::Array1::from_elem(x.nrows(), false)
        }
        fn score(&self, x: ndarray::ArrayView2<'_, f64>) -> ndarray::Array1<f64> {
            ndarray::Array1::zeros(x.nrows())
        }
    }
    assert!(matches!(
        p.fit(&TwoFeatures, &dataset(&O10)),
        Err(PostprocessingError::Core(Error::FeatureMismatch {
            expected: 2,
            got: 1
        }))
    ));
}
