//! Invariants and errors of the two-group post-processors (reject option, equalized odds,
//! calibrated equalized odds): sample weights are honoured (an integer weight acts as that many
//! copies of the row, and weights change the fit), the equalized-odds solution equalizes the
//! expected rates, fitted models survive a save/load round trip, bad input is refused.

use fairkit_core::Groups;
use fairkit_postprocessing::{
    CalibratedEqOddsParams, CostConstraint, Disparity, EqOddsParams, FitTwoGroups, ParamGuard,
    PostprocessingMethodError, RejectOptionParams,
};
use proptest::prelude::*;

use crate::aif360::{Split, case};

/// The first `n` training rows of COMPAS with AIF360's scores, or `None` when absent.
fn compas(n: usize) -> Option<Split> {
    let c = case("compas")?;
    let idx: Vec<usize> = (0..n.min(c.train.scores.len())).collect();
    Some(Split {
        scores: idx.iter().map(|&i| c.train.scores[i]).collect(),
        labels: idx.iter().map(|&i| c.train.labels[i]).collect(),
        groups: c.train.groups.select(&idx),
    })
}

/// `split` with every row `i` repeated `w[i]` times.
fn repeated(split: &Split, w: &[usize]) -> Split {
    let idx: Vec<usize> = (0..w.len())
        .flat_map(|i| std::iter::repeat_n(i, w[i]))
        .collect();
    Split {
        scores: idx.iter().map(|&i| split.scores[i]).collect(),
        labels: idx.iter().map(|&i| split.labels[i]).collect(),
        groups: split.groups.select(&idx),
    }
}

fn integer_weights(n: usize) -> Vec<usize> {
    (0..n).map(|i| (i * 7 + 3) % 4).collect() // 0 to 3, some rows dropped
}

#[test]
fn integer_weights_act_as_copies_and_change_the_fit() {
    let Some(s) = compas(2000) else { return };
    let w = integer_weights(s.scores.len());
    let wf: Vec<f64> = w.iter().map(|&v| v as f64).collect();
    let r = repeated(&s, &w);

    for metric in Disparity::ALL {
        let params = RejectOptionParams::new().metric(metric);
        let weighted = params
            .fit_scores(&s.scores, &s.labels, &s.groups, Some(&wf))
            .unwrap();
        let copies = params
            .fit_scores(&r.scores, &r.labels, &r.groups, None)
            .unwrap();
        assert_eq!(weighted, copies, "{metric}");
        let plain = params
            .fit_scores(&s.scores, &s.labels, &s.groups, None)
            .unwrap();
        let ones = vec![1.0; s.scores.len()];
        assert_eq!(
            plain,
            params
                .fit_scores(&s.scores, &s.labels, &s.groups, Some(&ones))
                .unwrap()
        );
        // Weights change the counts, hence the fit (here its balanced accuracy and disparity).
        assert_ne!(plain.train_metric(), weighted.train_metric(), "{metric}");
        assert_ne!(
            plain.train_balanced_accuracy(),
            weighted.train_balanced_accuracy()
        );
    }

    let weighted = EqOddsParams::new()
        .fit_scores(&s.scores, &s.labels, &s.groups, Some(&wf))
        .unwrap();
    let copies = EqOddsParams::new()
        .fit_scores(&r.scores, &r.labels, &r.groups, None)
        .unwrap();
    let plain = EqOddsParams::new()
        .fit_scores(&s.scores, &s.labels, &s.groups, None)
        .unwrap();
    for (a, b) in [
        (weighted.privileged_rates(), copies.privileged_rates()),
        (weighted.unprivileged_rates(), copies.unprivileged_rates()),
    ] {
        assert!((a.p2p - b.p2p).abs() < 1e-12 && (a.n2p - b.n2p).abs() < 1e-12);
    }
    assert_ne!(weighted.privileged_rates(), plain.privileged_rates());

    for c in CostConstraint::ALL {
        let params = CalibratedEqOddsParams::new().cost_constraint(c);
        let weighted = params
            .fit_scores(&s.scores, &s.labels, &s.groups, Some(&wf))
            .unwrap();
        let copies = params
            .fit_scores(&r.scores, &r.labels, &r.groups, None)
            .unwrap();
        let plain = params
            .fit_scores(&s.scores, &s.labels, &s.groups, None)
            .unwrap();
        for k in 0..2 {
            assert!(
                (weighted.mix_rates()[k] - copies.mix_rates()[k]).abs() < 1e-12,
                "{c}"
            );
            assert!(
                (weighted.costs()[k] - copies.costs()[k]).abs() < 1e-12,
                "{c}"
            );
        }
        assert_ne!(weighted.costs(), plain.costs());
    }
}

#[test]
fn fitted_models_round_trip_through_json() {
    let Some(s) = compas(1500) else { return };
    let ro = RejectOptionParams::new()
        .fit_scores(&s.scores, &s.labels, &s.groups, None)
        .unwrap();
    let back: fairkit_postprocessing::RejectOption =
        serde_json::from_str(&serde_json::to_string(&ro).unwrap()).unwrap();
    assert_eq!(back, ro);
    let eo = EqOddsParams::new()
        .fit_scores(&s.scores, &s.labels, &s.groups, None)
        .unwrap();
    let back: fairkit_postprocessing::EqOdds =
        serde_json::from_str(&serde_json::to_string(&eo).unwrap()).unwrap();
    assert_eq!(back, eo);
    let ce = CalibratedEqOddsParams::new()
        .fit_scores(&s.scores, &s.labels, &s.groups, None)
        .unwrap();
    let back: fairkit_postprocessing::CalibratedEqOdds =
        serde_json::from_str(&serde_json::to_string(&ce).unwrap()).unwrap();
    assert_eq!(back, ce);
    assert_eq!(
        back.predict(&s.scores, &s.groups, 11).unwrap(),
        ce.predict(&s.scores, &s.groups, 11).unwrap()
    );
}

fn groups(names: &[&str]) -> Groups {
    Groups::from_labels("g", names).unwrap()
}

#[test]
fn bad_input_is_refused_with_the_reason() {
    let scores = [0.9, 0.2, 0.7, 0.4, 0.6, 0.3];
    let labels = [true, false, true, false, true, false];
    let three = groups(&["a", "a", "b", "b", "c", "c"]);
    let err = EqOddsParams::new()
        .fit_scores(&scores, &labels, &three, None)
        .unwrap_err();
    assert!(
        matches!(err, PostprocessingMethodError::NotTwoGroups { .. }),
        "{err}"
    );
    assert!(err.to_string().contains("'a', 'b', 'c'"), "{err}");

    let two = groups(&["a", "a", "a", "b", "b", "b"]);
    let err = RejectOptionParams::new()
        .privileged("z")
        .fit_scores(&scores, &labels, &two, None)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "privileged group 'z' is not among the training groups ('a', 'b')"
    );
    // Group b = rows 3..6 holds labels true, false... make group a all positive instead.
    let one_class = [true, true, true, false, true, false];
    let err = CalibratedEqOddsParams::new()
        .fit_scores(&scores, &one_class, &two, None)
        .unwrap_err();
    assert!(
        matches!(err, PostprocessingMethodError::DegenerateLabels { ref group, .. } if group == "a"),
        "{err}"
    );

    let err = CalibratedEqOddsParams::new()
        .fit_scores(&[1.5, 0.2, 0.7, 0.4, 0.6, 0.3], &labels, &two, None)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "score 1.5 at row 1 (counting from 1) is not a probability in [0, 1]"
    );

    let err = RejectOptionParams::new()
        .num_roc_margin(0)
        .check()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid parameter num_roc_margin = '0': must be at least 1"
    );
    let err = RejectOptionParams::new()
        .metric_lb(0.1)
        .metric_ub(0.0)
        .check()
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("invalid parameter metric_ub = '0'"),
        "{err}"
    );
    let err: PostprocessingMethodError = "parity".parse::<Disparity>().unwrap_err();
    assert!(
        err.to_string().contains("statistical_parity_difference"),
        "{err}"
    );
    assert!("costly".parse::<CostConstraint>().is_err());

    // A group not seen when fitting is refused at prediction time, by name.
    let fitted = EqOddsParams::new()
        .fit_scores(&scores, &labels, &two, None)
        .unwrap();
    let err = fitted.probability(&[0.5], &groups(&["c"])).unwrap_err();
    assert_eq!(err.to_string(), "group 'c' was not seen when fitting");
    let err = fitted
        .probability(&[f64::NAN], &groups(&["a"]))
        .unwrap_err();
    assert!(err.to_string().contains("non-finite"), "{err}");
}

#[test]
fn equal_base_rates_need_a_named_privileged_group() {
    let scores = [0.9, 0.2, 0.7, 0.4];
    let labels = [true, false, true, false];
    let g = groups(&["a", "a", "b", "b"]);
    let err = EqOddsParams::new()
        .fit_scores(&scores, &labels, &g, None)
        .unwrap_err();
    assert!(
        matches!(err, PostprocessingMethodError::PrivilegedTie { .. }),
        "{err}"
    );
    let fitted = EqOddsParams::new()
        .privileged("b")
        .fit_scores(&scores, &labels, &g, None)
        .unwrap();
    assert_eq!(fitted.groups().privileged, "b");
    assert_eq!(fitted.groups().unprivileged, "a");
}

fn rows() -> impl Strategy<Value = Vec<(f64, bool, bool)>> {
    prop::collection::vec((0.0..1.0f64, any::<bool>(), any::<bool>()), 12..80)
}

fn usable(rows: &[(f64, bool, bool)]) -> bool {
    // Both groups hold both labels.
    [false, true].iter().all(|&g| {
        [false, true]
            .iter()
            .all(|&y| rows.iter().any(|r| r.2 == g && r.1 == y))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// The LP's solution gives both groups the same expected TPR and FPR on the fitting rows,
    /// and its rates are probabilities.
    #[test]
    fn eq_odds_equalizes_expected_rates(rows in rows()) {
        prop_assume!(usable(&rows));
        let scores: Vec<f64> = rows.iter().map(|r| r.0).collect();
        let labels: Vec<bool> = rows.iter().map(|r| r.1).collect();
        let names: Vec<&str> = rows.iter().map(|r| if r.2 { "p" } else { "u" }).collect();
        let g = groups(&names);
        let fitted = EqOddsParams::new().privileged("p").fit_scores(&scores, &labels, &g, None).unwrap();
        let p = fitted.probability(&scores, &g).unwrap();
        prop_assert!(p.iter().all(|v| (0.0..=1.0).contains(v)));
        let rate = |side: bool, y: bool| {
            let sel: Vec<f64> = (0..p.len()).filter(|&i| rows[i].2 == side && rows[i].1 == y).map(|i| p[i]).collect();
            sel.iter().sum::<f64>() / sel.len() as f64
        };
        prop_assert!((rate(true, true) - rate(false, true)).abs() < 1e-9);
        prop_assert!((rate(true, false) - rate(false, false)).abs() < 1e-9);
    }

    /// Reject option's choice meets the bound whenever it says so, and prediction is the
    /// documented rule.
    #[test]
    fn reject_option_meets_its_bound(rows in rows()) {
        prop_assume!(usable(&rows));
        let scores: Vec<f64> = rows.iter().map(|r| r.0).collect();
        let labels: Vec<bool> = rows.iter().map(|r| r.1).collect();
        let names: Vec<&str> = rows.iter().map(|r| if r.2 { "p" } else { "u" }).collect();
        let g = groups(&names);
        let fitted = RejectOptionParams::new().num_class_thresh(20).num_roc_margin(10)
            .privileged("p").fit_scores(&scores, &labels, &g, None).unwrap();
        let pred = fitted.predict(&scores, &g).unwrap();
        let (t, m) = (fitted.classification_threshold(), fitted.roc_margin());
        for i in 0..rows.len() {
            let cut = if rows[i].2 { t + m } else { t - m };
            prop_assert_eq!(pred[i], scores[i] > cut);
        }
        let sr = |side: bool| {
            let sel: Vec<bool> = (0..pred.len()).filter(|&i| rows[i].2 == side).map(|i| pred[i]).collect();
            sel.iter().filter(|&&b| b).count() as f64 / sel.len() as f64
        };
        let spd = sr(false) - sr(true);
        prop_assert_eq!(spd, fitted.train_metric());
        if fitted.bound_met() {
            prop_assert!((-0.05..=0.05).contains(&spd));
        }
    }
}
