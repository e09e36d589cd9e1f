//! The measured value of each check, read from fairkit-metrics' [`GroupedReport`]. The
//! intervals are the simultaneous ones of crate::joint.

use fairkit_core::Groups;
use fairkit_metrics::{
    Aggregate, Disparities, Disparity, GroupedReport, Metric, ReportInput, Section,
};

use crate::{CheckKind, GateConfig, Result};

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

/// The report the checks read: point values (the intervals come from the joint bootstrap,
/// crate::joint).
pub(crate) fn report(
    y_true: &[bool],
    y_pred: &[bool],
    groups: &Groups,
    weights: Option<&[f64]>,
    config: &GateConfig,
) -> Result<GroupedReport> {
    let params = GroupedReport::params()
        .four_fifths_threshold(config.four_fifths_threshold)
        .min_group_size(config.min_samples_per_group);
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
