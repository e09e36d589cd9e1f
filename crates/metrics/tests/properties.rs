//! Invariants of the grouped report (proptest) and bootstrap determinism.

use fairkit_core::Groups;
use fairkit_metrics::{
    BootstrapParams, ComputeReport, ConfusionTable, Disparity, GroupedReport, Metric, ReportInput,
};
use proptest::prelude::*;

/// Rows: (y, ŷ, group code, weight).
fn rows(max_groups: u32) -> impl Strategy<Value = Vec<(bool, bool, u32, f64)>> {
    (1..=max_groups).prop_flat_map(|g| {
        prop::collection::vec((any::<bool>(), any::<bool>(), 0..g, 0.0..5.0f64), 1..120)
    })
}

fn split(rows: &[(bool, bool, u32, f64)]) -> (Vec<bool>, Vec<bool>, Vec<String>, Vec<f64>) {
    (
        rows.iter().map(|r| r.0).collect(),
        rows.iter().map(|r| r.1).collect(),
        rows.iter().map(|r| format!("g{}", r.2)).collect(),
        rows.iter().map(|r| r.3).collect(),
    )
}

fn report(rows: &[(bool, bool, u32, f64)], weighted: bool) -> GroupedReport {
    let (y, p, labels, w) = split(rows);
    let g = Groups::from_labels("g", &labels).unwrap();
    let input = ReportInput::new(&y, &p, &g);
    let input = if weighted { input.weights(&w) } else { input };
    GroupedReport::params().compute(input).unwrap()
}

fn same(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || (a - b).abs() <= 1e-12
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn permuting_rows_changes_nothing(rows in rows(4), seed in any::<u64>()) {
        let perm = fairkit_core::rng::permutation(&mut fairkit_core::rng::seeded(seed), rows.len());
        let shuffled: Vec<_> = perm.iter().map(|&i| rows[i]).collect();
        // Unweighted counts are exact, so the whole report is identical (NaN included).
        let (a, b) = (report(&rows, false), report(&shuffled, false));
        prop_assert_eq!(serde_json::to_string(&a).unwrap(), serde_json::to_string(&b).unwrap());
        let (a, b) = (report(&rows, true), report(&shuffled, true));
        for d in Disparity::ALL {
            prop_assert!(same(a.disparity(d), b.disparity(d)), "{:?}", d);
        }
    }

    #[test]
    fn relabelling_groups_permutes_by_group(rows in rows(4), seed in any::<u64>()) {
        let n_codes = 4;
        let pi = fairkit_core::rng::permutation(&mut fairkit_core::rng::seeded(seed), n_codes);
        let a = report(&rows, true);
        let (y, p, _, w) = split(&rows);
        let renamed: Vec<String> = rows.iter().map(|r| format!("h{}", pi[r.2 as usize])).collect();
        let g = Groups::from_labels("g", &renamed).unwrap();
        let b = GroupedReport::params()
            .compute(ReportInput::new(&y, &p, &g).weights(&w))
            .unwrap();
        for (code, label) in a.labels().iter().enumerate() {
            let old: usize = label[1..].parse().unwrap();
            let new_label = format!("h{}", pi[old]);
            let new_code = b.labels().iter().position(|l| *l == new_label).unwrap() as u32;
            for m in Metric::ALL {
                prop_assert!(same(a.value(m, code as u32), b.value(m, new_code)));
            }
        }
        for m in Metric::ALL {
            let (x, z) = (a.aggregate(m), b.aggregate(m));
            prop_assert!(same(x.difference, z.difference) && same(x.ratio, z.ratio));
            prop_assert!(same(x.ratio_to_overall, z.ratio_to_overall));
        }
        for d in Disparity::ALL {
            prop_assert!(same(a.disparity(d), b.disparity(d)), "{:?}", d);
        }
        prop_assert_eq!(a.four_fifths().status, b.four_fifths().status);
    }

    #[test]
    fn merged_shards_equal_the_whole(rows in rows(5), cut in 0usize..120) {
        let (y, p, _, w) = split(&rows);
        let g: Vec<u32> = rows.iter().map(|r| r.2).collect();
        let cut = cut.min(rows.len());
        let whole = ConfusionTable::accumulate(&y, &p, &g, 5, None).unwrap();
        let mut left = ConfusionTable::accumulate(&y[..cut], &p[..cut], &g[..cut], 5, None).unwrap();
        let right = ConfusionTable::accumulate(&y[cut..], &p[cut..], &g[cut..], 5, None).unwrap();
        left.merge(&right).unwrap();
        prop_assert_eq!(&left, &whole);
        let whole_w = ConfusionTable::accumulate(&y, &p, &g, 5, Some(&w)).unwrap();
        let mut left_w = ConfusionTable::accumulate(&y[..cut], &p[..cut], &g[..cut], 5, Some(&w[..cut])).unwrap();
        let right_w = ConfusionTable::accumulate(&y[cut..], &p[cut..], &g[cut..], 5, Some(&w[cut..])).unwrap();
        left_w.merge(&right_w).unwrap();
        for k in 0..5 {
            let (a, b) = (left_w.group(k), whole_w.group(k));
            prop_assert_eq!(a.rows, b.rows);
            prop_assert!(same(a.tp, b.tp) && same(a.fp, b.fp) && same(a.tn, b.tn) && same(a.fn_, b.fn_));
        }
    }

    #[test]
    fn differences_and_ratios_lie_in_0_1(rows in rows(5), weighted in any::<bool>()) {
        let r = report(&rows, weighted);
        let in01 = |v: f64| v.is_nan() || (0.0..=1.0).contains(&v);
        for d in Disparity::ALL {
            prop_assert!(in01(r.disparity(d)), "{:?} = {}", d, r.disparity(d));
        }
        for m in Metric::ALL.into_iter().filter(|&m| m != Metric::Count) {
            let a = r.aggregate(m);
            prop_assert!(in01(a.difference) && in01(a.ratio), "{:?}", m);
            prop_assert!(in01(a.difference_to_overall) && in01(a.ratio_to_overall), "{:?}", m);
        }
        for &v in &r.four_fifths().ratios {
            prop_assert!(in01(v));
        }
    }
}

fn bootstrap_report(threads: usize, seed: u64, weighted: bool) -> GroupedReport {
    let n = 500;
    let y: Vec<bool> = (0..n).map(|i| (i * 7) % 3 == 0).collect();
    let p: Vec<bool> = (0..n).map(|i| (i * 5) % 4 < 2).collect();
    let labels: Vec<&str> = (0..n).map(|i| ["a", "b", "c"][(i * 11) % 3]).collect();
    let w: Vec<f64> = (0..n).map(|i| 0.5 + (i % 5) as f64).collect();
    let g = Groups::from_labels("g", &labels).unwrap();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    pool.install(|| {
        let input = ReportInput::new(&y, &p, &g);
        let input = if weighted { input.weights(&w) } else { input };
        GroupedReport::params()
            .bootstrap(BootstrapParams::new(200, seed).with_quantiles(vec![0.05, 0.5, 0.95]))
            .compute(input)
            .unwrap()
    })
}

#[test]
fn bootstrap_is_identical_on_1_and_2_threads() {
    for weighted in [false, true] {
        let one = bootstrap_report(1, 42, weighted);
        let two = bootstrap_report(2, 42, weighted);
        let json = |r: &GroupedReport| serde_json::to_string(r).unwrap();
        assert_eq!(json(&one), json(&two));
        assert!(json(&one).contains("\"intervals\""));
        let other = bootstrap_report(2, 43, weighted);
        assert_ne!(json(&one), json(&other));
    }
}

#[test]
fn bootstrap_intervals_bracket_the_point_values() {
    let r = bootstrap_report(2, 1, true);
    let iv = r.intervals().unwrap();
    for m in [
        Metric::SelectionRate,
        Metric::Accuracy,
        Metric::TruePositiveRate,
    ] {
        let q = &iv.section.overall[m.index()];
        assert_eq!(q.len(), 3);
        assert!(q[0] <= q[1] && q[1] <= q[2], "{m:?}: {q:?}");
        assert!(q[0] < r.overall(m) && r.overall(m) < q[2], "{m:?}: {q:?}");
        for code in 0..3u32 {
            let qg = &iv.section.by_group[code as usize][m.index()];
            assert!(qg[0] <= r.value(m, code) && r.value(m, code) <= qg[2]);
        }
    }
    let dp = iv
        .section
        .disparities
        .get(Disparity::DemographicParityDifference);
    assert!(dp[0] >= 0.0 && dp[0] <= dp[2]);
    // The count of a resample is always n.
    assert_eq!(iv.section.overall[Metric::Count.index()], vec![500.0; 3]);
}

#[test]
fn bad_bootstrap_parameters_are_errors() {
    let g = Groups::from_labels("g", &["a", "b"]).unwrap();
    let y = [true, false];
    for b in [
        BootstrapParams::new(0, 1),
        BootstrapParams::new(10, 1).with_quantiles(vec![]),
        BootstrapParams::new(10, 1).with_quantiles(vec![0.0]),
        BootstrapParams::new(10, 1).with_quantiles(vec![0.5, 1.0]),
        BootstrapParams::new(10, 1).with_quantiles(vec![f64::NAN]),
    ] {
        let r = GroupedReport::params()
            .bootstrap(b)
            .compute(ReportInput::new(&y, &y, &g));
        assert!(r.is_err());
    }
}
