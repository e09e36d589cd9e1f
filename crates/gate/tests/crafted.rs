//! Crafted prediction sets that must pass, fail and be inconclusive, with their exit codes.

use fairkit_gate::{CheckKind as K, GateConfig, Status, run_gate};

use crate::{block, rows};

#[test]
fn a_fair_accurate_model_passes() {
    // 200 rows per group, 100 positives; TPR 0.9, FPR 0.1 and SR 0.5 in both groups.
    let blocks = [block("F", 200, 100, 90, 10), block("M", 200, 100, 90, 10)];
    let (y, p, g) = rows(&blocks);
    let report = run_gate(&y, &p, &g, None, &GateConfig::default()).unwrap();
    for c in &report.checks {
        assert_eq!(c.status, Status::Pass, "{:?}", c.check);
    }
    assert_eq!(report.check(K::Accuracy).unwrap().value, Some(0.9));
    assert_eq!(
        report.check(K::DemographicParityDifference).unwrap().value,
        Some(0.0)
    );
    assert_eq!(report.check(K::FourFifths).unwrap().value, Some(1.0));
    assert_eq!((report.status, report.exit_code()), (Status::Pass, 0));
}

#[test]
fn a_biased_model_fails() {
    // M: SR 0.5, TPR 0.9, FPR 0.1; F: SR 0.3, TPR 0.55, FPR 0.05.
    let blocks = [block("F", 200, 100, 55, 5), block("M", 200, 100, 90, 10)];
    let (y, p, g) = rows(&blocks);
    let report = run_gate(&y, &p, &g, None, &GateConfig::default()).unwrap();
    let value = |k| report.check(k).unwrap().value.unwrap();
    assert!((value(K::DemographicParityDifference) - 0.2).abs() < 1e-12);
    assert!((value(K::EqualizedOddsDifference) - 0.35).abs() < 1e-12);
    assert!((value(K::FourFifths) - 0.6).abs() < 1e-12);
    assert!((value(K::Accuracy) - 0.825).abs() < 1e-12);
    assert_eq!(report.check(K::Accuracy).unwrap().status, Status::Pass);
    assert_eq!(
        report
            .check(K::FourFifths)
            .unwrap()
            .four_fifths
            .as_ref()
            .unwrap()
            .reference
            .as_deref(),
        Some("M")
    );
    assert_eq!((report.status, report.exit_code()), (Status::Fail, 1));
}

#[test]
fn a_small_group_makes_it_inconclusive_and_strict_fails() {
    // A fair model, but group X has 40 rows and 5 positives.
    let blocks = [
        block("F", 200, 100, 90, 10),
        block("M", 200, 100, 90, 10),
        block("X", 40, 5, 5, 15),
    ];
    let (y, p, g) = rows(&blocks);
    let report = run_gate(&y, &p, &g, None, &GateConfig::default()).unwrap();
    for c in &report.checks {
        assert_eq!(c.status, Status::Inconclusive, "{:?}", c.check);
    }
    let eo = report.check(K::EqualizedOddsDifference).unwrap();
    assert_eq!(
        eo.reasons,
        vec![
            "group X: 40 rows, below min_samples_per_group = 100".to_string(),
            "group X: 5 positives, below min_positives_per_group = 10".to_string(),
        ]
    );
    assert_eq!(
        (report.status, report.exit_code()),
        (Status::Inconclusive, 0)
    );
    let strict = GateConfig {
        strict: true,
        ..GateConfig::default()
    };
    assert_eq!(run_gate(&y, &p, &g, None, &strict).unwrap().exit_code(), 1);
    // With the small group's minimum met, the (fair) gate passes.
    let lenient = GateConfig {
        min_samples_per_group: 40,
        min_positives_per_group: 5,
        dp_difference_max: Some(0.2),
        eo_difference_max: Some(0.35),
        four_fifths: false,
        ..GateConfig::default()
    };
    let report = run_gate(&y, &p, &g, None, &lenient).unwrap();
    assert_eq!(report.status, Status::Pass, "{report}");
}

#[test]
fn weights_weight_the_rates_but_not_the_minimum_sizes() {
    let blocks = [block("a", 6, 3, 2, 1), block("b", 6, 2, 1, 0)];
    let (y, p, g) = rows(&blocks);
    // O1 weights (docs/test-oracles.md#o1): SR_a = 4/7, SR_b = 1/8, DP difference 25/56, EO 1/3.
    let w = [2.0, 1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 3.];
    let config = GateConfig {
        min_samples_per_group: 6,
        min_positives_per_group: 2,
        min_negatives_per_group: 2,
        ..GateConfig::default()
    };
    let report = run_gate(&y, &p, &g, Some(&w), &config).unwrap();
    let dp = report
        .check(K::DemographicParityDifference)
        .unwrap()
        .value
        .unwrap();
    assert!((dp - 25.0 / 56.0).abs() < 1e-12);
    let eo = report
        .check(K::EqualizedOddsDifference)
        .unwrap()
        .value
        .unwrap();
    assert!((eo - 1.0 / 3.0).abs() < 1e-12);
    assert_eq!((report.groups[0].count, report.groups[0].weight), (6, 7.0));
    let doubled = GateConfig {
        min_samples_per_group: 7,
        ..config
    };
    let report = run_gate(&y, &p, &g, Some(&w), &doubled).unwrap();
    assert_eq!(
        report.check(K::DemographicParityDifference).unwrap().status,
        Status::Inconclusive
    );
}

#[test]
fn the_text_table_and_json_are_deterministic() {
    let blocks = [block("F", 200, 100, 55, 5), block("M", 200, 100, 90, 10)];
    let (y, p, g) = rows(&blocks);
    let config = GateConfig {
        confidence: Some(0.9),
        n_boot: 50,
        seed: 3,
        ..GateConfig::default()
    };
    let a = run_gate(&y, &p, &g, None, &config).unwrap();
    let b = run_gate(&y, &p, &g, None, &config).unwrap();
    assert_eq!(a, b);
    assert_eq!(a.to_string(), b.to_string());
    let text = a.to_string();
    assert!(text.contains("demographic_parity_difference"));
    assert!(text.ends_with("gate: FAIL\n"), "{text}");
    let json = serde_json::to_value(&a).unwrap();
    assert_eq!(json["status"], "fail");
    assert_eq!(json["checks"][1]["check"], "demographic_parity_difference");
    assert_eq!(json["checks"][1]["bound"], "max");
    assert_eq!(json["groups"][0]["group"], "F");
    assert_eq!(json["checks"][3]["four_fifths"]["reference"], "M");
}

#[test]
fn bad_input_is_an_error() {
    let (y, p, g) = rows(&[block("a", 3, 1, 1, 0), block("b", 3, 1, 1, 0)]);
    let c = GateConfig::default();
    assert!(run_gate(&y[..5], &p, &g, None, &c).is_err());
    assert!(run_gate(&y, &p, &g, Some(&[1.0; 5]), &c).is_err());
    assert!(run_gate(&y, &p, &g, Some(&[1.0, 1.0, -1.0, 1.0, 1.0, 1.0]), &c).is_err());
    let (y1, p1, g1) = rows(&[block("a", 3, 1, 1, 0)]);
    let err = run_gate(&y1, &p1, &g1, None, &c).unwrap_err();
    assert!(err.to_string().contains("single group"), "{err}");
}
