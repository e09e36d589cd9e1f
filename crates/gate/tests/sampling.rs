//! The interval-aware gate: a small biased sample that the plain gate fails is inconclusive
//! with intervals; a large one still fails; a large fair one passes.

use fairkit_gate::{CheckKind as K, GateConfig, Status, run_gate};

use crate::{block, rows};

fn only_dp(min: u64) -> GateConfig {
    GateConfig {
        accuracy_floor: None,
        eo_difference_max: None,
        four_fifths: false,
        min_samples_per_group: min,
        ..GateConfig::default()
    }
}

#[test]
fn a_small_biased_sample_fails_plainly_but_is_inconclusive_with_intervals() {
    // 40 rows per group; SR 0.5 against 0.3: DP difference 0.2 > 0.1.
    let blocks = [block("a", 40, 20, 16, 4), block("b", 40, 20, 10, 2)];
    let (y, p, g) = rows(&blocks);
    let plain = run_gate(&y, &p, &g, None, &only_dp(30)).unwrap();
    let dp = plain.check(K::DemographicParityDifference).unwrap();
    assert!((dp.value.unwrap() - 0.2).abs() < 1e-12);
    assert_eq!((dp.status, plain.exit_code()), (Status::Fail, 1));

    let config = GateConfig {
        confidence: Some(0.95),
        ..only_dp(30)
    };
    let report = run_gate(&y, &p, &g, None, &config).unwrap();
    let dp = report.check(K::DemographicParityDifference).unwrap();
    let i = dp.interval.unwrap();
    assert!(i.lower < 0.1 && i.upper > 0.1, "{i:?}");
    assert_eq!(i.confidence, 0.95);
    assert_eq!(dp.status, Status::Inconclusive);
    assert!(
        dp.reasons[0].contains("straddles the threshold 0.1"),
        "{:?}",
        dp.reasons
    );
    assert_eq!(
        (report.status, report.exit_code()),
        (Status::Inconclusive, 0)
    );
    // Same seed, same interval; another seed, another one.
    let again = run_gate(&y, &p, &g, None, &config).unwrap();
    assert_eq!(
        again
            .check(K::DemographicParityDifference)
            .unwrap()
            .interval,
        Some(i)
    );
    let other = GateConfig { seed: 1, ..config };
    let other = run_gate(&y, &p, &g, None, &other).unwrap();
    assert_ne!(
        other
            .check(K::DemographicParityDifference)
            .unwrap()
            .interval,
        Some(i)
    );
}

#[test]
fn a_large_biased_sample_still_fails_and_a_large_fair_one_passes() {
    let config = GateConfig {
        confidence: Some(0.95),
        n_boot: 200,
        ..only_dp(100)
    };
    let biased = [
        block("a", 1000, 500, 400, 100),
        block("b", 1000, 500, 250, 50),
    ];
    let (y, p, g) = rows(&biased);
    let report = run_gate(&y, &p, &g, None, &config).unwrap();
    let dp = report.check(K::DemographicParityDifference).unwrap();
    assert!(dp.interval.unwrap().lower > 0.1, "{:?}", dp.interval);
    assert_eq!(dp.status, Status::Fail);

    let fair = [
        block("a", 1000, 500, 400, 100),
        block("b", 1000, 500, 400, 100),
    ];
    let (y, p, g) = rows(&fair);
    let report = run_gate(&y, &p, &g, None, &config).unwrap();
    let dp = report.check(K::DemographicParityDifference).unwrap();
    assert!(dp.interval.unwrap().upper < 0.1, "{:?}", dp.interval);
    assert_eq!((report.status, report.exit_code()), (Status::Pass, 0));
}

#[test]
fn minimum_checks_use_the_lower_end() {
    // Accuracy 0.72 on 200 rows: above the 0.70 floor, but not clearly.
    let blocks = [block("a", 100, 50, 36, 14), block("b", 100, 50, 36, 14)];
    let (y, p, g) = rows(&blocks);
    let config = GateConfig {
        dp_difference_max: None,
        eo_difference_max: None,
        four_fifths: false,
        confidence: Some(0.95),
        n_boot: 300,
        ..GateConfig::default()
    };
    let plain = GateConfig {
        confidence: None,
        ..config.clone()
    };
    let acc = |c: &GateConfig| {
        run_gate(&y, &p, &g, None, c)
            .unwrap()
            .check(K::Accuracy)
            .unwrap()
            .clone()
    };
    assert_eq!(acc(&plain).status, Status::Pass);
    let with_interval = acc(&config);
    assert!((with_interval.value.unwrap() - 0.72).abs() < 1e-12);
    assert_eq!(with_interval.status, Status::Inconclusive);
    let strict_floor = GateConfig {
        accuracy_floor: Some(0.9),
        ..config
    };
    assert_eq!(acc(&strict_floor).status, Status::Fail);
}
