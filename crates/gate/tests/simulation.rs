//! Seeded simulations of the gate's intervals (docs/gate-and-monitor.md#what-the-intervals-promise):
//! the false-fail rate with many groups under each multiplicity method, and the coverage of
//! the 95 % intervals of the demographic parity and equalized odds differences.
//!
//! Bootstrap counts are reduced where that is statistically sound: the Bonferroni intervals need
//! only the bootstrap standard error, for which 200 resamples suffice (Efron & Tibshirani 1993,
//! §6.4); max-t also reads the 95 % quantile of the largest standardized deviation, and `none`
//! the 2.5 % and 97.5 % quantiles of the statistic, which 400 resamples estimate to about ±1
//! point of level. The coverage test uses the full 1,000. Results are identical on
//! any number of threads (each resample has its own seeded stream).

use fairkit_core::Groups;
use fairkit_core::rng;
use fairkit_gate::{CheckKind, GateConfig, Multiplicity, Status, run_gate};

/// Rows of a simulated dataset: per group `(rows, tpr, fpr)`, labels 1 with probability 1/2.
fn simulate(spec: &[(usize, f64, f64)], seed: u64) -> (Vec<bool>, Vec<bool>, Groups) {
    let mut r = rng::seeded(seed);
    let (mut y, mut p, mut g) = (Vec::new(), Vec::new(), Vec::new());
    for (k, &(n, tpr, fpr)) in spec.iter().enumerate() {
        for _ in 0..n {
            let label = rng::uniform(&mut r) < 0.5;
            let rate = if label { tpr } else { fpr };
            y.push(label);
            p.push(rng::uniform(&mut r) < rate);
            g.push(format!("g{k:02}"));
        }
    }
    let groups = Groups::from_labels("group", &g).expect("two or more groups");
    (y, p, groups)
}

/// Only the fairness checks, at 95 %.
fn fairness_only(multiplicity: Multiplicity, n_boot: usize, seed: u64) -> GateConfig {
    GateConfig {
        accuracy_floor: None,
        confidence: Some(0.95),
        n_boot,
        seed,
        multiplicity,
        ..GateConfig::default()
    }
}

#[test]
fn many_groups_fail_by_chance_at_most_five_percent_with_simultaneous_intervals() {
    // 50 groups of 100 rows; TPRs spread over [0.60, 0.65], FPRs over [0.20, 0.25]: the true
    // demographic parity and equalized odds differences are 0.05 (threshold 0.10), the true
    // four-fifths ratio 0.40 / 0.45 = 0.89 (threshold 0.8). Every check should pass; a fail is
    // a false alarm.
    let spec: Vec<(usize, f64, f64)> = (0..50)
        .map(|k| {
            let s = 0.05 * k as f64 / 49.0;
            (100, 0.60 + s, 0.20 + s)
        })
        .collect();
    let datasets = 200;
    let mut fails = [0usize; 3];
    let methods = [
        (Multiplicity::None, 400),
        (Multiplicity::Bonferroni, 200),
        (Multiplicity::MaxT, 400),
    ];
    for d in 0..datasets {
        let (y, p, groups) = simulate(&spec, 1_000 + d);
        for (m, &(method, n_boot)) in methods.iter().enumerate() {
            let report = run_gate(&y, &p, &groups, None, &fairness_only(method, n_boot, d))
                .expect("valid input");
            fails[m] += usize::from(report.status == Status::Fail);
        }
    }
    let rate = |m: usize| fails[m] as f64 / datasets as f64;
    println!(
        "false-fail rate over {datasets} datasets of 50 groups: none {:.3}, bonferroni {:.3}, max-t {:.3}",
        rate(0),
        rate(1),
        rate(2)
    );
    assert!(rate(1) <= 0.05, "bonferroni: {}", rate(1));
    assert!(rate(2) <= 0.05, "max-t: {}", rate(2));
    // Without an adjustment, the percentile interval of a range over 50 groups sits above the
    // true range (the largest of 1225 noisy pairwise differences): false fails are the rule.
    assert!(rate(0) > 0.5, "none: {}", rate(0));
}

#[test]
fn ninety_five_percent_intervals_cover_the_true_disparities() {
    // Two groups of 500 rows: TPR 0.70 / 0.60, FPR 0.20 / 0.15, so SR 0.45 / 0.375. True
    // demographic parity difference 0.075, equalized odds difference max(0.10, 0.05) = 0.10.
    // The gate's `none` interval is the percentile interval of each check's statistic.
    let spec = [(500, 0.70, 0.20), (500, 0.60, 0.15)];
    let (true_dp, true_eo) = (0.075, 0.10);
    let datasets = 500;
    let covers =
        |i: Option<(f64, f64)>, truth: f64| i.is_some_and(|(l, u)| l <= truth && truth <= u);
    let mut hits = [0usize; 2];
    for d in 0..datasets {
        let (y, p, groups) = simulate(&spec, 50_000 + d);
        let report = run_gate(
            &y,
            &p,
            &groups,
            None,
            &fairness_only(Multiplicity::None, 1000, d),
        )
        .expect("valid input");
        let ours = |k: CheckKind| {
            report
                .check(k)
                .and_then(|c| c.interval)
                .map(|i| (i.lower, i.upper))
        };
        hits[0] += usize::from(covers(
            ours(CheckKind::DemographicParityDifference),
            true_dp,
        ));
        hits[1] += usize::from(covers(ours(CheckKind::EqualizedOddsDifference), true_eo));
    }
    let rate = |k: usize| hits[k] as f64 / datasets as f64;
    println!(
        "coverage over {datasets} datasets (n = 500 per group), 95 % percentile intervals: \
         DP {:.3}, EO {:.3}",
        rate(0),
        rate(1)
    );
    for k in 0..2 {
        assert!(
            (0.93..=0.97).contains(&rate(k)),
            "coverage {k}: {}",
            rate(k)
        );
    }
}
