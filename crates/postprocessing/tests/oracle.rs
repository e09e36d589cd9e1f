//! Oracles O10 and O10b (docs/test-oracles.md#o10), checked exactly (values also reproduced with
//! Fairlearn 0.15).

use fairkit_core::{Error, Groups};
use fairkit_postprocessing::{
    Constraint, FitThresholds, GroupRule, InterpolatedThresholder, Objective, Operator,
    PostprocessingError, ThresholdOperation, ThresholdOptimizerParams, UnseenGroupPolicy,
};

use crate::util::{FirstFeature, O10, O10B, dataset, expected};

const INF: f64 = f64::INFINITY;
/// `(0.7 + 0.6) / 2` in floating point.
const T065: f64 = 0.6499999999999999;

fn gt(threshold: f64) -> ThresholdOperation {
    ThresholdOperation {
        operator: Operator::Greater,
        threshold,
    }
}

fn fit(rows: &[(f64, u8, &str)], params: ThresholdOptimizerParams) -> InterpolatedThresholder {
    params.fit(&FirstFeature, &dataset(rows)).unwrap()
}

fn pmf(t: &InterpolatedThresholder, rows: &[(f64, u8, &str)]) -> Vec<f64> {
    t.probability_on(&FirstFeature, &dataset(rows)).unwrap()
}

fn rule(t: &InterpolatedThresholder, code: u32) -> GroupRule {
    *t.rule(code).unwrap()
}

#[test]
fn o10_demographic_parity_every_variant_gives_the_same_answer() {
    let variants = [
        ThresholdOptimizerParams::new(),
        ThresholdOptimizerParams::new().grid_size(4),
        ThresholdOptimizerParams::new().objective(Objective::BalancedAccuracy),
        ThresholdOptimizerParams::new().flip(true),
    ];
    for params in variants {
        let t = fit(&O10, params.clone());
        assert_eq!(t.x_best(), Some(0.5), "{params:?}");
        assert_eq!(t.y_best(), 0.875, "{params:?}");
        let a = rule(&t, 0);
        assert_eq!(
            (a.p0, a.operation0, a.p1, a.operation1),
            (0.0, gt(INF), 1.0, gt(0.55))
        );
        let b = rule(&t, 1);
        assert_eq!(
            (b.p0, b.operation0, b.p1, b.operation1),
            (0.5, gt(T065), 0.5, gt(0.25))
        );
        assert_eq!(a.ignore, None);
        let p = pmf(&t, &O10);
        assert_eq!(p, [1.0, 1.0, 0.0, 0.0, 1.0, 0.5, 0.5, 0.0], "{params:?}");
        let d = dataset(&O10);
        for code in 0..2 {
            let e = expected(&p, d.labels(), d.groups().codes(), Some(code));
            assert_eq!(e.selection_rate, 0.5);
        }
    }
}

#[test]
fn o10_equalized_odds() {
    let t = fit(
        &O10,
        ThresholdOptimizerParams::new().constraint(Constraint::EqualizedOdds),
    );
    assert_eq!((t.x_best(), t.y_best()), (Some(0.0), 0.5));
    assert_eq!(t.objective_value(), 0.75);
    let a = rule(&t, 0);
    let b = rule(&t, 1);
    assert_eq!((a.p0, a.operation0, a.p1), (1.0, gt(0.55), 0.0));
    assert_eq!(a.operation1, gt(f64::NEG_INFINITY));
    let ia = a.ignore.unwrap();
    assert_eq!((ia.p_ignore, ia.prediction_constant), (0.5, 0.0));
    assert_eq!((b.p0, b.operation0, b.p1), (1.0, gt(T065), 0.0));
    assert_eq!(b.ignore.unwrap().p_ignore, 0.0);
    let p = pmf(&t, &O10);
    assert_eq!(p, [0.5, 0.5, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0]);
    let d = dataset(&O10);
    for code in 0..2 {
        let e = expected(&p, d.labels(), d.groups().codes(), Some(code));
        assert_eq!((e.tpr, e.fpr), (0.5, 0.0));
    }
    assert_eq!(
        t.describe(),
        [
            "g=a: score > 0.550 -> 1 with p = 0.500; else 0 (mixed in: with p = 0.500 the score \
             is ignored and 1 is predicted with p = 0)",
            "g=b: score > 0.650 -> 1; else 0",
            "unseen groups: error",
        ]
    );
}

#[test]
fn o10_true_positive_rate_parity() {
    let t = fit(
        &O10,
        ThresholdOptimizerParams::new().constraint(Constraint::TruePositiveRateParity),
    );
    assert_eq!((t.x_best(), t.y_best()), (Some(1.0), 0.875));
    assert_eq!(pmf(&t, &O10), [1.0, 1.0, 0.0, 0.0, 1.0, 1.0, 1.0, 0.0]);
}

#[test]
fn o10_unseen_group_is_an_error_naming_it_unless_a_fallback_is_chosen() {
    let t = fit(&O10, ThresholdOptimizerParams::new());
    let scores = [0.9, 0.7, 0.95];
    let groups = Groups::from_labels("g", &["a", "b", "c"]).unwrap();
    let err = t.probability(&scores, &groups).unwrap_err();
    assert_eq!(
        err,
        Error::UnseenGroup {
            group: "g=c".into()
        }
    );
    assert!(err.to_string().contains("g=c"), "{err}");
    assert_eq!(t.check_groups(&groups), Err(err));
    assert!(t.predict(&scores, &groups, 1).is_err());

    // Fairlearn's behaviour, on request.
    let zero = fit(
        &O10,
        ThresholdOptimizerParams::new().unseen_groups(UnseenGroupPolicy::Zero),
    );
    assert_eq!(zero.probability(&scores, &groups).unwrap(), [1.0, 1.0, 0.0]);

    // The pooled rule reaches the same selection rate (0.5) on all rows together.
    let overall = fit(
        &O10,
        ThresholdOptimizerParams::new().unseen_groups(UnseenGroupPolicy::Overall),
    );
    let pooled = overall.overall_rule().unwrap();
    let all: Vec<f64> = O10.iter().map(|r| pooled.probability(r.0)).collect();
    assert_eq!(all.iter().sum::<f64>() / 8.0, 0.5);
    assert_eq!(overall.probability(&scores, &groups).unwrap()[2], 1.0);
    assert!(overall.describe()[2].starts_with("unseen groups (rule fitted on all rows): "));
}

#[test]
fn o10_degenerate_labels() {
    let mut rows = O10;
    rows[2].1 = 1;
    rows[3].1 = 1; // group a: all labels 1
    for constraint in [Constraint::DemographicParity, Constraint::EqualizedOdds] {
        let err = ThresholdOptimizerParams::new()
            .constraint(constraint)
            .fit(&FirstFeature, &dataset(&rows))
            .unwrap_err();
        assert!(
            matches!(&err, PostprocessingError::DegenerateLabels { group, positives, negatives }
                if group == "g=a" && *positives == 4.0 && *negatives == 0.0),
            "{err:?}"
        );
        assert!(
            err.to_string()
                .starts_with("Degenerate labels for sensitive feature value g=a"),
            "{err}"
        );
    }
}

#[test]
fn o10b_strict_and_relaxed_demographic_parity() {
    let strict = fit(&O10B, ThresholdOptimizerParams::new());
    assert_eq!(strict.x_best(), Some(0.167));
    assert_eq!(strict.y_best(), 0.8666);
    let relaxed = fit(&O10B, ThresholdOptimizerParams::new().tol(0.4));
    assert_eq!(relaxed.x_best(), None);
    let xs: Vec<f64> = relaxed.groups().iter().map(|g| g.x).collect();
    assert_eq!(xs, [0.5, 0.167]);
    assert_eq!(relaxed.y_best(), 0.9998);
    assert!((relaxed.between_groups() - 0.333).abs() < 1e-12);
    // The expected selection rates are the chosen x values (the thresholds themselves depend on
    // which near-collinear hull points survive rounding,
    // docs/threshold-optimizer.md#upper-convex-hull).
    let d = dataset(&O10B);
    for (t, want) in [(&strict, [0.167, 0.167]), (&relaxed, [0.5, 0.167])] {
        let p = pmf(t, &O10B);
        for code in 0..2u32 {
            let e = expected(&p, d.labels(), d.groups().codes(), Some(code));
            assert!(
                (e.selection_rate - want[code as usize]).abs() < 1e-12,
                "{e:?}"
            );
        }
    }
    // tol = 0 is the strict solve, as in Fairlearn.
    let zero = fit(&O10B, ThresholdOptimizerParams::new().tol(0.0));
    assert_eq!(zero.x_best(), Some(0.167));
}

#[test]
fn o10b_matches_fairlearn_mixing_probabilities() {
    // Fairlearn 0.15 keeps the near-collinear vertex (1/3, 5/6) of group b, as we do.
    let strict = fit(&O10B, ThresholdOptimizerParams::new());
    let a = rule(&strict, 0);
    assert_eq!((a.p0, a.p1), (0.6659999999999999, 0.3340000000000001));
    let b = rule(&strict, 1);
    assert_eq!((b.p0, b.operation0), (0.9979999999999999, gt(T065)));
    assert_eq!((b.p1, b.operation1), (0.002000000000000113, gt(0.55)));
}

#[test]
fn test_groups_with_their_own_schema_are_matched_by_value() {
    let t = fit(&O10, ThresholdOptimizerParams::new());
    // A test set holding only group b, so its schema has one level and b has code 0.
    let only_b = Groups::from_labels("g", &["b", "b"]).unwrap();
    assert_eq!(t.probability(&[0.7, 0.6], &only_b).unwrap(), [1.0, 0.5]);
    let other_column = Groups::from_labels("sex", &["a", "b"]).unwrap();
    assert!(matches!(
        t.probability(&[0.7, 0.6], &other_column),
        Err(Error::InvalidParameter { .. })
    ));
    assert!(t.check_groups(&only_b).is_ok());
    assert!(matches!(
        t.check_groups(&other_column),
        Err(Error::InvalidParameter { .. })
    ));
}

#[test]
fn predictions_are_seeded_and_proba_rows_sum_to_one() {
    let t = fit(&O10, ThresholdOptimizerParams::new());
    let d = dataset(&O10);
    let a = t.predict_on(&FirstFeature, &d, 7).unwrap();
    assert_eq!(a, t.predict_on(&FirstFeature, &d, 7).unwrap());
    // Rows with probability 0 or 1 are deterministic.
    assert_eq!(
        (a[0], a[1], a[2], a[3], a[4], a[7]),
        (true, true, false, false, true, false)
    );
    let proba = t.predict_proba_on(&FirstFeature, &d).unwrap();
    assert_eq!(proba.shape(), [8, 2]);
    assert_eq!(proba.row(5).to_vec(), [0.5, 0.5]);
    assert_eq!(proba.row(0).to_vec(), [0.0, 1.0]);
    // Over many seeds the sampled rate approaches the probability.
    let hits = (0..2000u64)
        .filter(|&s| t.predict_on(&FirstFeature, &d, s).unwrap()[5])
        .count();
    assert!((hits as f64 / 2000.0 - 0.5).abs() < 0.05, "{hits}");
}

#[test]
fn fitted_thresholder_round_trips_through_json() {
    let t = fit(
        &O10,
        ThresholdOptimizerParams::new()
            .constraint(Constraint::EqualizedOdds)
            .unseen_groups(UnseenGroupPolicy::Overall),
    );
    let json = serde_json::to_string(&t).unwrap();
    let back: InterpolatedThresholder = serde_json::from_str(&json).unwrap();
    assert_eq!(back, t);
    assert_eq!(pmf(&back, &O10), pmf(&t, &O10));
}

#[test]
fn intersectional_groups_get_one_rule_each() {
    // Two columns; the combination (b, y) has no rows and is reported as unseen.
    let scores = [0.9, 0.2, 0.8, 0.1, 0.7, 0.3, 0.6, 0.4];
    let labels = [true, false, true, false, true, false, false, true];
    let first = ["a", "a", "a", "a", "b", "b", "b", "b"];
    let second = ["x", "x", "y", "y", "x", "x", "x", "x"];
    let groups = Groups::from_columns(&["g", "h"], &[first.to_vec(), second.to_vec()]).unwrap();
    let t = ThresholdOptimizerParams::new()
        .fit_scores(&scores, &labels, &groups, None)
        .unwrap();
    let names: Vec<&str> = t.groups().iter().map(|g| g.group.as_str()).collect();
    assert_eq!(names, ["g=a,h=x", "g=a,h=y", "g=b,h=x"]);
    let p = t.probability(&scores, &groups).unwrap();
    for code in [0u32, 1, 2] {
        let e = expected(&p, &labels, groups.codes(), Some(code));
        assert!((e.selection_rate - t.x_best().unwrap()).abs() < 1e-12);
    }
    let by = Groups::from_columns(&["g", "h"], &[vec!["b"], vec!["y"]]).unwrap();
    let err = t.probability(&[0.5], &by).unwrap_err();
    assert!(err.to_string().contains("g=b,h=y"), "{err}");
}

#[test]
fn weights_count_like_duplicated_rows() {
    // Integer weights must give the rules of the data with rows repeated that many times.
    let weights = [2.0, 1.0, 1.0, 3.0, 3.0, 2.0, 1.0, 1.0];
    let d = dataset(&O10);
    let mut repeated = Vec::new();
    for (row, &w) in O10.iter().zip(&weights) {
        for _ in 0..w as usize {
            repeated.push(*row);
        }
    }
    for constraint in [Constraint::DemographicParity, Constraint::EqualizedOdds] {
        let params = ThresholdOptimizerParams::new().constraint(constraint);
        let weighted = params
            .fit(
                &FirstFeature,
                &d.clone().with_weights(weights.to_vec()).unwrap(),
            )
            .unwrap();
        let dup = params.fit(&FirstFeature, &dataset(&repeated)).unwrap();
        assert_eq!(weighted.x_best(), dup.x_best());
        assert_eq!(weighted.groups(), dup.groups());
        // ... and differ from the unweighted fit here.
        let plain = params.fit(&FirstFeature, &d).unwrap();
        assert_ne!(weighted.groups(), plain.groups(), "{constraint}");
    }
}

#[test]
fn pooled_fallback_rules_reach_the_solution_on_all_rows() {
    // Relaxed: the grid point nearest the share-weighted mean x, 0.4 · 0.5 + 0.6 · 0.167.
    let t = fit(
        &O10B,
        ThresholdOptimizerParams::new()
            .tol(0.4)
            .unseen_groups(UnseenGroupPolicy::Overall),
    );
    let pooled = t.overall_rule().unwrap();
    let sr = O10B.iter().map(|r| pooled.probability(r.0)).sum::<f64>() / 10.0;
    assert!((sr - 0.3).abs() < 1e-12, "{sr}");
    // Equalized odds: pooled TPR 3/4 at FPR 0, mixed down to y* = 1/2 with p_ignore = 1/3.
    let t = fit(
        &O10,
        ThresholdOptimizerParams::new()
            .constraint(Constraint::EqualizedOdds)
            .unseen_groups(UnseenGroupPolicy::Overall),
    );
    let pooled = t.overall_rule().unwrap();
    assert!((pooled.ignore.unwrap().p_ignore - 1.0 / 3.0).abs() < 1e-15);
    let p: Vec<f64> = O10.iter().map(|r| pooled.probability(r.0)).collect();
    let d = dataset(&O10);
    let e = expected(&p, d.labels(), d.groups().codes(), None);
    assert!((e.tpr - 0.5).abs() < 1e-12 && e.fpr == 0.0, "{e:?}");
}
