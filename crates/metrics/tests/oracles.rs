//! Oracles O1, O2 (E1-E5) and the four-fifths parts of O14 (docs/test-oracles.md), exactly.

use fairkit_core::Groups;
use fairkit_metrics::{
    Aggregation, ComputeReport, Disparity, EqualizedOddsAgg, GroupedReport, Metric, ReportInput,
    ReportParams, RuleStatus, ZeroDivision,
};

fn bits(v: &[u8]) -> Vec<bool> {
    v.iter().map(|&b| b == 1).collect()
}

struct O1 {
    g: Groups,
    y: Vec<bool>,
    p: Vec<bool>,
}

fn o1() -> O1 {
    let (y, p, g) = fairkit_testkit::fixtures::o1();
    O1 { g, y, p }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

#[track_caller]
fn assert_close(got: f64, want: f64) {
    assert!(close(got, want), "got {got}, want {want}");
}

fn report(params: ReportParams, d: &O1) -> GroupedReport {
    params.compute(ReportInput::new(&d.y, &d.p, &d.g)).unwrap()
}

#[test]
fn o1_rates_by_group_and_overall() {
    use Metric::*;
    let r = report(GroupedReport::params(), &o1());
    let table: [(Metric, [f64; 3]); 9] = [
        (SelectionRate, [1. / 2., 1. / 6., 1. / 3.]),
        (TruePositiveRate, [2. / 3., 1. / 2., 3. / 5.]),
        (FalsePositiveRate, [1. / 3., 0., 1. / 7.]),
        (FalseNegativeRate, [1. / 3., 1. / 2., 2. / 5.]),
        (TrueNegativeRate, [2. / 3., 1., 6. / 7.]),
        (PositivePredictiveValue, [2. / 3., 1., 3. / 4.]),
        (NegativePredictiveValue, [2. / 3., 4. / 5., 3. / 4.]),
        (Accuracy, [2. / 3., 5. / 6., 3. / 4.]),
        (
            BalancedAccuracy,
            [2. / 3., 3. / 4., (3. / 5. + 6. / 7.) / 2.],
        ),
    ];
    for (m, [a, b, all]) in table {
        assert_eq!(r.value(m, 0), a, "{m:?}");
        assert_eq!(r.value(m, 1), b, "{m:?}");
        assert_close(r.overall(m), all);
    }
    assert_eq!(r.overall(Count), 12.0);
    assert_eq!(r.value(Count, 0), 6.0);
}

#[test]
fn o1_disparities() {
    let d = o1();
    let r = report(GroupedReport::params(), &d);
    use Disparity::*;
    assert_close(r.disparity(DemographicParityDifference), 1.0 / 3.0);
    assert_eq!(r.disparity(DemographicParityRatio), 1.0 / 3.0);
    assert_close(r.disparity(EqualOpportunityDifference), 1.0 / 6.0);
    assert_eq!(r.disparity(EqualOpportunityRatio), 0.75);
    assert_eq!(r.disparity(EqualizedOddsDifference), 1.0 / 3.0);
    assert_eq!(r.disparity(EqualizedOddsRatio), 0.0);
    assert_close(r.disparity(PredictiveParityDifference), 1.0 / 3.0);
    assert_close(r.disparity(ErrorRateDifference), 1.0 / 6.0);
    // Other differences of O1.
    assert_close(r.aggregate(Metric::BalancedAccuracy).difference, 1.0 / 12.0);
    assert_close(r.aggregate(Metric::Accuracy).difference, 1.0 / 6.0);
    assert_close(r.aggregate(Metric::Accuracy).ratio, 0.8);
    assert_close(
        r.aggregate(Metric::NegativePredictiveValue).difference,
        2.0 / 15.0,
    );
    // The pair behind each difference: a has the higher SR, b the lower.
    assert_eq!(
        r.extreme_groups(DemographicParityDifference),
        (Some(0), Some(1))
    );
    // Equalized odds is driven by FPR (1/3 > 1/6): a has FPR 1/3, b has 0.
    assert_eq!(
        r.extreme_groups(EqualizedOddsDifference),
        (Some(0), Some(1))
    );
    // Four-fifths: ratio 1/3 < 0.8 fails once groups are large enough (O14: minimum 6).
    let ff = report(GroupedReport::params().min_group_size(6), &d);
    let ff = ff.four_fifths();
    assert_eq!(ff.status, RuleStatus::Fail);
    assert_eq!(ff.pass(), Some(false));
    assert_eq!(ff.reference, Some(0));
    assert_eq!(ff.ratios, vec![1.0, 1.0 / 3.0]);
    assert_eq!(ff.ratio, 1.0 / 3.0);
    // With the default minimum of 30 rows: inconclusive.
    assert_eq!(r.four_fifths().status, RuleStatus::Inconclusive);
}

#[test]
fn o1_to_overall_and_mean() {
    let d = o1();
    let r = report(GroupedReport::params().method(Aggregation::ToOverall), &d);
    use Disparity::*;
    assert_close(r.disparity(DemographicParityDifference), 1.0 / 6.0);
    assert_eq!(r.disparity(DemographicParityRatio), 0.5);
    assert_close(r.disparity(EqualOpportunityDifference), 0.1);
    assert_close(r.disparity(EqualOpportunityRatio), 0.833333333333333);
    assert_close(r.disparity(EqualizedOddsDifference), 1.0 / 3.0 - 1.0 / 7.0);
    let m = report(
        GroupedReport::params().equalized_odds_agg(EqualizedOddsAgg::Mean),
        &d,
    );
    assert_close(m.disparity(EqualizedOddsDifference), 0.25);
    assert_eq!(m.disparity(EqualizedOddsRatio), 0.375);
}

#[test]
fn o1_weighted() {
    let d = o1();
    let w = [2.0, 1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 3.];
    let r = GroupedReport::params()
        .compute(ReportInput::new(&d.y, &d.p, &d.g).weights(&w))
        .unwrap();
    assert_eq!(r.value(Metric::SelectionRate, 0), 4.0 / 7.0);
    assert_eq!(r.value(Metric::SelectionRate, 1), 1.0 / 8.0);
    assert_close(
        r.disparity(Disparity::DemographicParityDifference),
        25.0 / 56.0,
    );
    assert_eq!(r.disparity(Disparity::DemographicParityRatio), 7.0 / 32.0);
    assert_eq!(r.value(Metric::TruePositiveRate, 0), 3.0 / 4.0);
    assert_eq!(r.value(Metric::FalsePositiveRate, 0), 1.0 / 3.0);
    assert_eq!(r.value(Metric::TruePositiveRate, 1), 1.0 / 2.0);
    assert_eq!(r.value(Metric::FalsePositiveRate, 1), 0.0);
    assert_eq!(r.disparity(Disparity::EqualizedOddsDifference), 1.0 / 3.0);
    // Sizes: unweighted counts and weight sums.
    assert_eq!(r.sizes()[0].count, 6);
    assert_eq!(r.sizes()[0].weight, 7.0);
    assert_eq!(r.sizes()[1].weight, 8.0);
    assert_eq!(r.overall_size().weight, 15.0);
}

fn six(y: &[u8], p: &[u8]) -> O1 {
    O1 {
        g: Groups::from_labels("g", &["a", "a", "a", "b", "b", "b"]).unwrap(),
        y: bits(y),
        p: bits(p),
    }
}

#[test]
fn e1_group_without_positives() {
    let d = six(&[1, 0, 1, 0, 0, 0], &[1, 0, 0, 1, 0, 0]);
    let r = report(GroupedReport::params(), &d);
    assert_eq!(r.value(Metric::TruePositiveRate, 1), 0.0);
    assert_eq!(r.value(Metric::TruePositiveRate, 0), 0.5);
    assert_eq!(r.value(Metric::FalsePositiveRate, 0), 0.0);
    assert_eq!(r.value(Metric::FalsePositiveRate, 1), 1.0 / 3.0);
    assert_eq!(r.disparity(Disparity::EqualizedOddsDifference), 0.5);
    assert_eq!(r.disparity(Disparity::EqualizedOddsRatio), 0.0);
    assert!(r.sizes()[1].warnings.no_positives);
    assert!(!r.sizes()[0].warnings.no_positives);
    // AIF360's classic convention: NaN.
    let nan = report(GroupedReport::params().zero_division(ZeroDivision::NaN), &d);
    assert!(nan.value(Metric::TruePositiveRate, 1).is_nan());
}

#[test]
fn e2_e3_selection_edge_cases() {
    let e2 = six(&[1, 0, 1, 0, 0, 0], &[0; 6]);
    for method in [Aggregation::BetweenGroups, Aggregation::ToOverall] {
        let r = report(GroupedReport::params().method(method), &e2);
        assert_eq!(r.disparity(Disparity::DemographicParityDifference), 0.0);
        assert!(r.disparity(Disparity::DemographicParityRatio).is_nan());
        // docs/metrics.md#edge-cases: nobody selected makes the four-fifths rule inconclusive.
        let ff = report(GroupedReport::params().min_group_size(1), &e2);
        assert_eq!(ff.four_fifths().status, RuleStatus::Inconclusive);
        assert!(ff.four_fifths().ratio.is_nan());
    }
    let e3 = six(&[1, 0, 1, 0, 0, 0], &[1, 0, 0, 0, 0, 0]);
    let r = report(GroupedReport::params(), &e3);
    assert_eq!(r.disparity(Disparity::DemographicParityRatio), 0.0);
    let r = report(GroupedReport::params().method(Aggregation::ToOverall), &e3);
    assert_eq!(r.disparity(Disparity::DemographicParityRatio), 0.0);
}

#[test]
fn e4_empty_intersection() {
    let sex = vec!["F", "F", "M", "M", "M", "M"];
    let race = vec!["x", "x", "x", "x", "y", "y"];
    let g = Groups::from_columns(&["sex", "race"], &[sex, race]).unwrap();
    let y = bits(&[1, 0, 1, 0, 1, 1]);
    let p = bits(&[1, 1, 0, 0, 1, 0]);
    let r = GroupedReport::params()
        .compute(ReportInput::new(&y, &p, &g))
        .unwrap();
    assert_eq!(r.labels(), &["F,x", "F,y", "M,x", "M,y"]);
    let sr = Metric::SelectionRate;
    assert_eq!(r.value(sr, 0), 1.0);
    assert!(r.value(sr, 1).is_nan());
    assert_eq!(r.value(Metric::Count, 1), 0.0); // fairlearn: NaN (documented difference)
    assert!(r.sizes()[1].warnings.empty);
    assert_eq!(r.value(sr, 2), 0.0);
    assert_eq!(r.value(sr, 3), 0.5);
    let a = r.aggregate(sr);
    assert_eq!(
        (a.group_min, a.group_max, a.difference, a.ratio),
        (0.0, 1.0, 1.0, 0.0)
    );
    assert_eq!(r.overall(sr), 0.5);
    assert_eq!(a.difference_to_overall, 0.5);
    // Count aggregates skip the empty intersection too.
    assert_eq!(r.aggregate(Metric::Count).group_min, 2.0);
}

#[test]
fn e5_control_features() {
    let d = o1();
    let cf = Groups::from_labels(
        "cf",
        &"uuuvvvuuvvvu"
            .split("")
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>(),
    )
    .unwrap();
    let r = GroupedReport::params()
        .compute(ReportInput::new(&d.y, &d.p, &d.g).control(&cf))
        .unwrap();
    let c = r.control().unwrap();
    assert_eq!(c.columns, vec!["cf"]);
    let (u, v) = (&c.levels[0], &c.levels[1]);
    assert_eq!((u.label.as_str(), v.label.as_str()), ("u", "v"));
    let sr = Metric::SelectionRate.index();
    assert_eq!(u.section.overall[sr], 0.5);
    assert_eq!(v.section.overall[sr], 1.0 / 6.0);
    assert_eq!(u.section.by_group[0][sr], 2.0 / 3.0);
    assert_eq!(u.section.by_group[1][sr], 1.0 / 3.0);
    assert_eq!(v.section.by_group[0][sr], 1.0 / 3.0);
    assert_eq!(v.section.by_group[1][sr], 0.0);
    let (au, av) = (&u.section.aggregates[sr], &v.section.aggregates[sr]);
    assert_close(au.difference, 1.0 / 3.0);
    assert_close(av.difference, 1.0 / 3.0);
    assert_eq!((au.ratio, av.ratio), (0.5, 0.0));
    assert_close(au.difference_to_overall, 1.0 / 6.0);
    assert_close(av.difference_to_overall, 1.0 / 6.0);
    assert_close(au.ratio_to_overall, 2.0 / 3.0);
    assert_eq!(av.ratio_to_overall, 0.0);
    assert_eq!((au.group_max, av.group_max), (2.0 / 3.0, 1.0 / 3.0));
    assert_eq!(u.overall_size.count, 6);
    // The whole-data section ignores the control feature.
    assert_eq!(r.value(Metric::SelectionRate, 1), 1.0 / 6.0);
}

#[test]
fn bad_input_is_an_error() {
    let d = o1();
    let short = &d.p[..5];
    assert!(
        GroupedReport::params()
            .compute(ReportInput::new(&d.y, short, &d.g))
            .is_err()
    );
    let w = vec![1.0; 11];
    assert!(
        GroupedReport::params()
            .compute(ReportInput::new(&d.y, &d.p, &d.g).weights(&w))
            .is_err()
    );
    let mut w = vec![1.0; 12];
    w[3] = -1.0;
    assert!(
        GroupedReport::params()
            .compute(ReportInput::new(&d.y, &d.p, &d.g).weights(&w))
            .is_err()
    );
    w[3] = f64::NAN;
    assert!(
        GroupedReport::params()
            .compute(ReportInput::new(&d.y, &d.p, &d.g).weights(&w))
            .is_err()
    );
    assert!(
        GroupedReport::params()
            .four_fifths_threshold(0.0)
            .compute(ReportInput::new(&d.y, &d.p, &d.g))
            .is_err()
    );
    let empty = Groups::new(d.g.schema_arc().clone(), vec![]).unwrap();
    assert!(
        GroupedReport::params()
            .compute(ReportInput::new(&[], &[], &empty))
            .is_err()
    );
}

#[test]
fn single_group_has_difference_0_and_ratio_1() {
    let g = Groups::from_labels("g", &["a", "a", "a"]).unwrap();
    let y = bits(&[1, 0, 1]);
    let p = bits(&[1, 0, 0]);
    let r = GroupedReport::params()
        .compute(ReportInput::new(&y, &p, &g))
        .unwrap();
    assert_eq!(r.disparity(Disparity::DemographicParityDifference), 0.0);
    assert_eq!(r.disparity(Disparity::DemographicParityRatio), 1.0);
}
