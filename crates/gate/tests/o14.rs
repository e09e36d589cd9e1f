//! Oracle O14 (docs/test-oracles.md#o14), gate part, on the O1 data.

use fairkit_gate::{CheckKind as K, GateConfig, Status, run_gate};
use fairkit_testkit::fixtures::o1;

#[test]
fn o14_small_minima_fail_on_dp_eo_and_four_fifths() {
    let (y, p, groups) = o1();
    let config = GateConfig {
        min_samples_per_group: 6,
        min_positives_per_group: 2,
        min_negatives_per_group: 2,
        ..GateConfig::default()
    };
    let report = run_gate(&y, &p, &groups, None, &config).unwrap();
    let check = |k| report.check(k).unwrap();
    let third = |v: Option<f64>| (v.unwrap() - 1.0 / 3.0).abs() < 1e-15;
    let dp = check(K::DemographicParityDifference);
    assert!(third(dp.value));
    assert_eq!((dp.threshold, dp.status), (0.10, Status::Fail));
    let eo = check(K::EqualizedOddsDifference);
    assert!(third(eo.value));
    assert_eq!(eo.status, Status::Fail);
    let ff = check(K::FourFifths);
    assert!(third(ff.value));
    assert_eq!((ff.threshold, ff.status), (0.8, Status::Fail));
    let detail = ff.four_fifths.as_ref().unwrap();
    assert_eq!(detail.reference.as_deref(), Some("a"));
    assert_eq!(detail.ratios[0].ratio, Some(1.0));
    assert!(third(detail.ratios[1].ratio));
    // Accuracy 3/4 meets the 0.70 floor.
    let acc = check(K::Accuracy);
    assert_eq!((acc.value, acc.status), (Some(0.75), Status::Pass));
    assert!(report.checks.iter().all(|c| c.reasons.is_empty()));
    assert_eq!(report.status, Status::Fail);
    assert_eq!(report.exit_code(), 1);
    // Per-group counts.
    let b = &report.groups[1];
    assert_eq!(
        (b.group.as_str(), b.count, b.positives, b.negatives),
        ("b", 6, 2, 4)
    );
    assert_eq!(b.selection_rate, Some(1.0 / 6.0));
    assert_eq!(
        (b.true_positive_rate, b.false_positive_rate),
        (Some(0.5), Some(0.0))
    );
}

#[test]
fn o14_default_minima_make_every_check_inconclusive() {
    let (y, p, groups) = o1();
    // The defaults (100 rows per group) and the earlier proposal's (30) give the same
    // verdicts.
    for min_samples in [100, 30] {
        let config = GateConfig {
            min_samples_per_group: min_samples,
            ..GateConfig::default()
        };
        let report = run_gate(&y, &p, &groups, None, &config).unwrap();
        assert_eq!(report.checks.len(), 4);
        for c in &report.checks {
            assert_eq!(c.status, Status::Inconclusive, "{:?}", c.check);
            assert!(!c.reasons.is_empty());
        }
        // Values are still reported.
        let dp = report.check(K::DemographicParityDifference).unwrap();
        assert!((dp.value.unwrap() - 1.0 / 3.0).abs() < 1e-15);
        assert_eq!(
            dp.reasons,
            vec![
                format!("group a: 6 rows, below min_samples_per_group = {min_samples}"),
                format!("group b: 6 rows, below min_samples_per_group = {min_samples}"),
            ]
        );
        let eo = report.check(K::EqualizedOddsDifference).unwrap();
        assert!(
            eo.reasons
                .contains(&"group b: 2 positives, below min_positives_per_group = 10".to_string())
        );
        assert_eq!(report.status, Status::Inconclusive);
        assert_eq!(report.exit_code(), 0);
        let strict = GateConfig {
            strict: true,
            ..config
        };
        let report = run_gate(&y, &p, &groups, None, &strict).unwrap();
        assert_eq!(report.status, Status::Inconclusive);
        assert_eq!(report.exit_code(), 1);
    }
}
