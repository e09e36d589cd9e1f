//! Invariants of the score metrics (proptest): ROC AUC and average precision depend on the
//! order of the scores only, AUC is the pair-counting (Mann–Whitney) statistic, integer weights
//! are repeated rows, group values are the metrics of the group's rows, and the bootstrap is
//! reproducible at any thread count.

use fairkit_core::Groups;
use fairkit_metrics::BootstrapParams;
use fairkit_metrics::scores::{self, Binning, ScoreInput, ScoreMetric, ScoreParams, ScoreReport};
use proptest::prelude::*;

/// Rows: (label, score on a grid of twentieths so that ties are common, group, weight 1..=3).
fn rows() -> impl Strategy<Value = Vec<(bool, f64, u32, u32)>> {
    prop::collection::vec(
        (
            any::<bool>(),
            (0u32..=20).prop_map(|k| f64::from(k) / 20.0),
            0u32..3,
            1u32..=3,
        ),
        1..80,
    )
}

fn cols(r: &[(bool, f64, u32, u32)]) -> (Vec<bool>, Vec<f64>, Vec<String>, Vec<f64>) {
    (
        r.iter().map(|x| x.0).collect(),
        r.iter().map(|x| x.1).collect(),
        r.iter().map(|x| format!("g{}", x.2)).collect(),
        r.iter().map(|x| f64::from(x.3)).collect(),
    )
}

fn same(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || (a - b).abs() <= 1e-12
}

/// ROC AUC by counting pairs: a positive above a negative counts 1, a tie one half.
fn auc_by_pairs(y: &[bool], s: &[f64], w: &[f64]) -> f64 {
    let (mut num, mut p, mut n) = (0.0, 0.0, 0.0);
    for i in 0..y.len() {
        if y[i] {
            p += w[i];
        } else {
            n += w[i];
        }
        for j in 0..y.len() {
            if y[i] && !y[j] {
                let v = if s[i] > s[j] {
                    1.0
                } else if s[i] == s[j] {
                    0.5
                } else {
                    0.0
                };
                num += w[i] * w[j] * v;
            }
        }
    }
    num / (p * n)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn auc_and_ap_depend_on_the_order_only(r in rows()) {
        let (y, s, _, w) = cols(&r);
        // Strictly increasing maps of [0, 1] into [0, 1]: the same order, the same ties.
        let square: Vec<f64> = s.iter().map(|v| v * v).collect();
        let squeeze: Vec<f64> = s.iter().map(|v| 0.25 + v / 2.0).collect();
        for weights in [None, Some(&w[..])] {
            let auc = scores::roc_auc(&y, &s, weights).unwrap();
            let ap = scores::average_precision(&y, &s, weights).unwrap();
            for t in [&square, &squeeze] {
                prop_assert!(same(scores::roc_auc(&y, t, weights).unwrap(), auc));
                prop_assert!(same(scores::average_precision(&y, t, weights).unwrap(), ap));
            }
        }
    }

    #[test]
    fn auc_of_reversed_scores_is_its_complement(r in rows()) {
        let (y, s, _, w) = cols(&r);
        let reversed: Vec<f64> = s.iter().map(|v| 1.0 - v).collect();
        for weights in [None, Some(&w[..])] {
            let auc = scores::roc_auc(&y, &s, weights).unwrap();
            let rev = scores::roc_auc(&y, &reversed, weights).unwrap();
            prop_assert!(same(rev, 1.0 - auc), "{rev} vs 1 - {auc}");
            // Swapping the classes as well gives the same AUC back.
            let flipped: Vec<bool> = y.iter().map(|v| !v).collect();
            prop_assert!(same(scores::roc_auc(&flipped, &reversed, weights).unwrap(), auc));
        }
    }

    #[test]
    fn auc_is_the_pair_count(r in rows()) {
        let (y, s, _, w) = cols(&r);
        let ones = vec![1.0; y.len()];
        let auc = scores::roc_auc(&y, &s, None).unwrap();
        prop_assert!(same(auc, auc_by_pairs(&y, &s, &ones)), "{auc}");
        let wauc = scores::roc_auc(&y, &s, Some(&w)).unwrap();
        prop_assert!(same(wauc, auc_by_pairs(&y, &s, &w)), "{wauc}");
        let one_class = y.iter().all(|&v| v) || y.iter().all(|&v| !v);
        prop_assert_eq!(auc.is_nan(), one_class);
    }

    #[test]
    fn integer_weights_are_repeated_rows(r in rows()) {
        let (y, s, g, w) = cols(&r);
        let mut ry = Vec::new();
        let mut rs = Vec::new();
        let mut rg = Vec::new();
        for i in 0..y.len() {
            for _ in 0..(w[i] as usize) {
                ry.push(y[i]);
                rs.push(s[i]);
                rg.push(g[i].clone());
            }
        }
        let groups = Groups::from_labels("g", &g).unwrap();
        let repeated = Groups::from_labels("g", &rg).unwrap();
        let weighted = ScoreReport::params()
            .compute(ScoreInput::new(&y, &s, &groups).weights(&w))
            .unwrap();
        let plain = ScoreReport::params()
            .compute(ScoreInput::new(&ry, &rs, &repeated))
            .unwrap();
        prop_assert_eq!(weighted.labels(), plain.labels());
        for m in ScoreMetric::ALL {
            prop_assert!(same(weighted.overall(m), plain.overall(m)), "{:?}", m);
            for code in 0..weighted.labels().len() as u32 {
                prop_assert!(same(weighted.value(m, code), plain.value(m, code)), "{:?}", m);
            }
        }
        let (a, b) = (&weighted.overall_calibration().uniform, &plain.overall_calibration().uniform);
        prop_assert_eq!(&a.bins, &b.bins);
        prop_assert_eq!(&a.weights, &b.counts.iter().map(|&c| c as f64).collect::<Vec<_>>());
        for (x, z) in a.prob_true.iter().zip(&b.prob_true).chain(a.prob_pred.iter().zip(&b.prob_pred)) {
            prop_assert!(same(*x, *z));
        }
    }

    #[test]
    fn group_values_are_the_metrics_of_the_group_rows(r in rows()) {
        let (y, s, g, w) = cols(&r);
        let groups = Groups::from_labels("g", &g).unwrap();
        let report = ScoreReport::params()
            .compute(ScoreInput::new(&y, &s, &groups).weights(&w))
            .unwrap();
        for (code, label) in report.labels().iter().enumerate() {
            let pick = |i: &usize| g[*i] == *label;
            let idx: Vec<usize> = (0..y.len()).filter(pick).collect();
            let gy: Vec<bool> = idx.iter().map(|&i| y[i]).collect();
            let gs: Vec<f64> = idx.iter().map(|&i| s[i]).collect();
            let gw: Vec<f64> = idx.iter().map(|&i| w[i]).collect();
            let code = code as u32;
            let auc = scores::roc_auc(&gy, &gs, Some(&gw)).unwrap();
            prop_assert_eq!(report.value(ScoreMetric::RocAuc, code).to_bits(), auc.to_bits());
            let ll = scores::log_loss(&gy, &gs, Some(&gw)).unwrap();
            prop_assert_eq!(report.value(ScoreMetric::LogLoss, code).to_bits(), ll.to_bits());
            let curve = scores::calibration_curve(&gy, &gs, Some(&gw), Binning::Uniform, 10).unwrap();
            prop_assert!(same(report.value(ScoreMetric::Ece, code), curve.ece()));
            // Bounds.
            let ece = report.value(ScoreMetric::Ece, code);
            prop_assert!((0.0..=1.0).contains(&ece));
            let brier = report.value(ScoreMetric::Brier, code);
            prop_assert!((0.0..=1.0).contains(&brier));
            prop_assert!(ll >= 0.0);
        }
        let a = report.aggregate(ScoreMetric::Brier);
        prop_assert!(same(a.difference, a.group_max - a.group_min));
    }
}

/// The bootstrap: the same seed gives the same intervals at any thread count; the
/// intervals are ordered and hold every statistic of the report.
#[test]
fn score_bootstrap_is_reproducible() {
    let n = 240;
    let y: Vec<bool> = (0..n).map(|i| (i * 7) % 5 < 2).collect();
    let s: Vec<f64> = (0..n).map(|i| ((i * 37) % 101) as f64 / 100.0).collect();
    let g: Vec<&str> = (0..n).map(|i| ["a", "b", "c"][i % 3]).collect();
    let groups = Groups::from_labels("g", &g).unwrap();
    let params = ScoreParams::default()
        .bootstrap(BootstrapParams::new(200, 5).with_quantiles(vec![0.05, 0.5, 0.95]));
    let run = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| params.compute(ScoreInput::new(&y, &s, &groups)).unwrap())
    };
    let one = run(1);
    assert_eq!(one, run(2));
    let iv = one.intervals().unwrap();
    assert_eq!(iv.section.by_group.len(), 3);
    for m in ScoreMetric::ALL {
        let v = &iv.section.overall[m.index()];
        assert_eq!(v.len(), 3);
        assert!(v[0] <= v[1] && v[1] <= v[2], "{m:?}: {v:?}");
        // The median of the resamples is near the point value.
        assert!((v[1] - one.overall(m)).abs() < 0.1, "{m:?}: {v:?}");
        let d = &iv.section.aggregates[m.index()].difference;
        assert!(d[0] >= 0.0 && d[0] <= d[2], "{m:?}: {d:?}");
    }
    let other = ScoreParams::default()
        .bootstrap(BootstrapParams::new(200, 6))
        .compute(ScoreInput::new(&y, &s, &groups))
        .unwrap();
    assert_ne!(other.intervals().unwrap().section, iv.section);
}

/// Bad input is an error, never a panic.
#[test]
fn bad_scores_are_refused() {
    let y = [true, false];
    for bad in [[0.5, 1.5], [f64::NAN, 0.5], [-0.1, 0.2]] {
        let e = scores::roc_auc(&y, &bad, None).unwrap_err().to_string();
        assert!(e.contains("probability in [0, 1]"), "{e}");
    }
    assert!(scores::brier_score(&y, &[0.5], None).is_err());
    assert!(scores::log_loss(&[], &[], None).is_err());
    assert!(scores::calibration_curve(&y, &[0.1, 0.2], None, Binning::Quantile, 0).is_err());
    assert!(
        ScoreParams::default()
            .n_bins(0)
            .compute(ScoreInput::new(
                &y,
                &[0.1, 0.2],
                &Groups::from_labels("g", &["a", "b"]).unwrap()
            ))
            .is_err()
    );
}
