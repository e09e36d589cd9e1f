//! The measured value of each check, read from fairkit-metrics' [`GroupedReport`], and with
//! multiplicity `none` its percentile interval: the report's bootstrap follows
//! docs/metrics.md#bootstrap-intervals (`n` rows drawn with replacement from the whole data,
//! resample `i` from `rng::stream(seed, i)`, numpy's linear quantiles). The simultaneous
//! intervals are crate::joint's.

use fairkit_core::Groups;
use fairkit_metrics::{
    Aggregate, BootstrapParams, ComputeReport, Disparities, Disparity, GroupedReport, Metric,
    ReportInput, Section,
};

use crate::{CheckKind, GateConfig, Multiplicity, Result};

/// A check's statistic in a report section (`T = f64` for the value, `Vec<f64>` for the
/// interval's two quantiles).
fn pick<T>(kind: CheckKind, s: &Section<T>) -> &T {
    let aggregate = |m: Metric| -> &Aggregate<T> { &s.aggregates[m.index()] };
    let d: &Disparities<T> = &s.disparities;
    match kind {
        CheckKind::Accuracy => &s.overall[Metric::Accuracy.index()],
        CheckKind::GroupAccuracy => &aggregate(Metric::Accuracy).group_min,
        CheckKind::DemographicParityDifference => d.get(Disparity::DemographicParityDifference),
        CheckKind::EqualizedOddsDifference => d.get(Disparity::EqualizedOddsDifference),
        CheckKind::FourFifths => &d.four_fifths.ratio,
    }
}

/// The report the checks read: point values, and with `confidence` and multiplicity `none`
/// each check's percentile interval (the others come from the joint bootstrap, crate::joint).
pub(crate) fn report(
    y_true: &[bool],
    y_pred: &[bool],
    groups: &Groups,
    weights: Option<&[f64]>,
    config: &GateConfig,
) -> Result<GroupedReport> {
    let mut params = GroupedReport::params()
        .four_fifths_threshold(config.four_fifths_threshold)
        .min_group_size(config.min_samples_per_group);
    if let (Some(c), Multiplicity::None) = (config.confidence, config.multiplicity) {
        let tail = (1.0 - c) / 2.0;
        params = params.bootstrap(
            BootstrapParams::new(config.n_boot, config.seed).with_quantiles(vec![tail, 1.0 - tail]),
        );
    }
    let mut input = ReportInput::new(y_true, y_pred, groups);
    if let Some(w) = weights {
        input = input.weights(w);
    }
    Ok(params.compute(input)?)
}

/// The value of a check (NaN when undefined).
pub(crate) fn value(kind: CheckKind, report: &GroupedReport) -> f64 {
    *pick(kind, report.section())
}

/// The percentile interval of a check, if the report has intervals: `Some(None)` when no
/// resample defines the value.
pub(crate) fn interval(kind: CheckKind, report: &GroupedReport) -> Option<Option<(f64, f64)>> {
    report
        .intervals()
        .map(|i| match pick(kind, &i.section)[..] {
            [lo, hi] if !lo.is_nan() && !hi.is_nan() => Some((lo, hi)),
            _ => None,
        })
}
