//! A fairness gate for CI/CD pipelines (docs/gate-and-monitor.md#gate): checks a model's
//! predictions on a test set against fairness and accuracy thresholds and returns a verdict per
//! check and overall, `Pass`, `Fail` or `Inconclusive`, with the exit status a pipeline step should
//! end with.
//!
//! Checks (each one off-able, see [`GateConfig`]): overall accuracy, per-group accuracy,
//! demographic parity difference, equalized odds difference and the four-fifths rule. Each
//! reports its value, threshold, status and the reasons for an `Inconclusive`, and the report
//! lists every group's counts and rates. A check that involves a group with fewer than
//! `min_samples_per_group` rows (for equalized odds also fewer than
//! `min_positives_per_group` positives or `min_negatives_per_group` negatives) is
//! `Inconclusive`: a rate measured on a handful of rows says little. Output is deterministic:
//! groups in schema order, and the bootstrap is seeded.
//!
//! # Sampling noise and what a verdict means for a release
//!
//! A test set is a sample: the disparity measured on it differs from the one the model will
//! show in production by chance, and with small groups by a lot. Without `confidence` the gate
//! compares the point value with the threshold, so a small test set can pass or fail by luck.
//! With `confidence = c` (e.g. 0.95) each check draws `n_boot` seeded bootstrap resamples of
//! the test rows and takes the central `c` interval of the statistic:
//!
//! * **Pass**: the whole interval meets the threshold. The data is consistent only with
//!   meeting it: evidence, at that level, that the model meets the criterion.
//! * **Fail**: the whole interval is beyond the threshold. The violation is not explained by
//!   sampling noise: block the release.
//! * **Inconclusive**: the interval straddles the threshold. The test set is too small to tell
//!   (or the model sits near the threshold). This is not a pass: collect more labelled data
//!   or decide by policy; `strict` makes the pipeline treat it as a failure.
//!
//! So the interval-aware gate fails less often on small samples (no false alarms from noise)
//! and passes less often too (no false assurance from noise). Disparities are non-negative
//! and their bootstrap distribution sits above zero, so an interval-aware pass needs enough
//! rows for the upper end to fall under the threshold.
//!
//! ```
//! use fairkit_core::Groups;
//! use fairkit_gate::{GateConfig, Status, run_gate};
//!
//! // O1 (docs/test-oracles.md#o1): 12 rows, groups a and b.
//! let groups = Groups::from_labels("g", &["a", "a", "a", "a", "a", "a", "b", "b", "b", "b", "b", "b"])?;
//! let y = [1, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0].map(|v| v == 1);
//! let p = [1, 1, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0].map(|v| v == 1);
//! let report = run_gate(&y, &p, &groups, None, &GateConfig::default())?;
//! assert_eq!(report.status, Status::Inconclusive); // 6 rows per group < 100
//! assert_eq!(report.exit_code(), 0);
//! let strict = GateConfig { strict: true, ..GateConfig::default() };
//! assert_eq!(run_gate(&y, &p, &groups, None, &strict)?.exit_code(), 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

mod config;
mod error;
mod joint;
mod measure;
mod report;

use fairkit_core::{Error, Groups};
use fairkit_metrics::{Confusion, ConfusionTable, GroupedReport, Metric};

pub use config::GateConfig;
pub use error::{GateError, Result};
pub use joint::Multiplicity;
pub use report::{
    Check, CheckKind, Comparison, FourFifthsDetail, GateReport, GroupCounts, GroupRatio, Interval,
    RowsNeeded, Simultaneous, Status,
};

use joint::{Compared, Family, Rows};

/// The checks that are on, with their thresholds, in report order.
fn enabled(config: &GateConfig) -> Vec<(CheckKind, f64)> {
    [
        (CheckKind::Accuracy, config.accuracy_floor),
        (CheckKind::GroupAccuracy, config.per_group_accuracy_floor),
        (
            CheckKind::DemographicParityDifference,
            config.dp_difference_max,
        ),
        (CheckKind::EqualizedOddsDifference, config.eo_difference_max),
        (
            CheckKind::FourFifths,
            config.four_fifths.then_some(config.four_fifths_threshold),
        ),
    ]
    .into_iter()
    .filter_map(|(k, t)| t.map(|t| (k, t)))
    .collect()
}

/// Why a check cannot use the groups: each group with rows below a minimum, in group order.
fn size_reasons(
    kind: CheckKind,
    plain: &[Confusion],
    labels: &[String],
    c: &GateConfig,
) -> Vec<String> {
    let mut reasons = Vec::new();
    for (g, counts) in plain.iter().enumerate().filter(|(_, c)| c.rows > 0) {
        let mut below = |what: &str, have: u64, key: &str, min: u64| {
            if have < min {
                reasons.push(format!(
                    "group {}: {have} {what}, below {key} = {min}",
                    fairkit_core::text::ellipsize(&labels[g], 40)
                ));
            }
        };
        below(
            "rows",
            counts.rows,
            "min_samples_per_group",
            c.min_samples_per_group,
        );
        if kind == CheckKind::EqualizedOddsDifference {
            let (pos, neg) = (counts.positives() as u64, counts.negatives() as u64);
            below(
                "positives",
                pos,
                "min_positives_per_group",
                c.min_positives_per_group,
            );
            below(
                "negatives",
                neg,
                "min_negatives_per_group",
                c.min_negatives_per_group,
            );
        }
    }
    reasons
}

/// The verdict on a defined value (and its interval, with `confidence`); `upper`: the
/// threshold is a maximum.
fn decide(
    upper: bool,
    value: f64,
    threshold: f64,
    interval: Option<Option<Interval>>,
) -> (Status, Option<String>) {
    let beyond = |v: f64| {
        if upper { v > threshold } else { v < threshold }
    };
    match interval {
        None => (
            if beyond(value) {
                Status::Fail
            } else {
                Status::Pass
            },
            None,
        ),
        Some(None) => (
            Status::Inconclusive,
            Some(
                "the interval is undefined (a rate is undefined or 0 in the data or in every \
                 resample)"
                    .to_string(),
            ),
        ),
        Some(Some(i)) => {
            let (lower_beyond, upper_beyond) = (beyond(i.lower), beyond(i.upper));
            if lower_beyond && upper_beyond {
                (Status::Fail, None)
            } else if !lower_beyond && !upper_beyond {
                (Status::Pass, None)
            } else {
                let reason = format!(
                    "the {:.0}% interval [{:.4}, {:.4}] straddles the threshold {threshold}",
                    100.0 * i.confidence,
                    i.lower,
                    i.upper
                );
                (Status::Inconclusive, Some(reason))
            }
        }
    }
}

fn four_fifths_detail(report: &GroupedReport, plain: &[Confusion]) -> FourFifthsDetail {
    let rule = report.four_fifths();
    let labels = report.labels();
    FourFifthsDetail {
        reference: rule.reference.map(|g| labels[g as usize].clone()),
        ratios: (0..labels.len())
            .filter(|&g| plain[g].rows > 0)
            .map(|g| GroupRatio {
                group: labels[g].clone(),
                ratio: Some(rule.ratios[g]).filter(|r| !r.is_nan()),
            })
            .collect(),
    }
}

/// Runs the gate on hard predictions.
///
/// `groups` gives each row's sensitive group; `weights` (optional, non-negative) weight the
/// rates, while the minimum sizes count rows.
///
/// # Errors
/// An invalid config, inputs of different lengths, no rows, fewer than two groups with rows,
/// or a weight that is negative or not finite.
pub fn run_gate(
    y_true: &[bool],
    y_pred: &[bool],
    groups: &Groups,
    weights: Option<&[f64]>,
    config: &GateConfig,
) -> Result<GateReport> {
    run_gate_against(y_true, y_pred, None, groups, weights, config)
}

/// Runs the gate on a candidate's hard predictions and, with `baseline` (the production
/// model's predictions on the same rows, in the same order), compares the two
/// (docs/gate-and-monitor.md#candidate-against-baseline): for each margin that is set, the
/// difference candidate minus baseline of the metric, with `confidence` its paired bootstrap
/// interval (the same resampled rows for both models), is checked against the margin.
///
/// ```
/// use fairkit_core::Groups;
/// use fairkit_gate::{GateConfig, Status, run_gate_against};
///
/// let labels: Vec<&str> = (0..400).map(|i| if i % 2 == 0 { "a" } else { "b" }).collect();
/// let groups = Groups::from_labels("g", &labels)?;
/// let y: Vec<bool> = (0..400).map(|i| i % 3 == 0).collect();
/// let baseline = y.clone();
/// // The candidate flips one row in ten of group a (20 of 400): accuracy drops by 0.05 > 0.01.
/// let cand: Vec<bool> = (0..400).map(|i| y[i] ^ (i % 20 == 0)).collect();
/// let config = GateConfig { confidence: Some(0.95), n_boot: 200, ..GateConfig::default() };
/// let report = run_gate_against(&y, &cand, Some(&baseline), &groups, None, &config)?;
/// let acc = report.comparisons.iter().find(|c| c.metric == "accuracy").unwrap();
/// assert!((acc.difference.unwrap() + 0.05).abs() < 1e-12);
/// assert_eq!(acc.status, Status::Fail);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// As [`run_gate`], and a baseline of another length.
pub fn run_gate_against(
    y_true: &[bool],
    y_pred: &[bool],
    baseline: Option<&[bool]>,
    groups: &Groups,
    weights: Option<&[f64]>,
    config: &GateConfig,
) -> Result<GateReport> {
    config.validate()?;
    if y_true.is_empty() {
        return Err(Error::Empty {
            what: "the test set".into(),
        }
        .into());
    }
    Error::check_len("y_pred", y_true.len(), y_pred.len())?;
    if let Some(b) = baseline {
        Error::check_len("baseline predictions", y_true.len(), b.len())?;
    }
    Error::check_len("sensitive groups", y_true.len(), groups.len())?;
    groups.require_two_groups()?;
    let report = measure::report(y_true, y_pred, groups, weights, config)?;
    // Unweighted counts for the minimum sizes (the report's are weighted).
    let plain_table =
        ConfusionTable::accumulate(y_true, y_pred, groups.codes(), groups.n_groups(), None)?;
    let plain = plain_table.groups();
    let labels = report.labels();
    let active: Vec<usize> = (0..plain.len()).filter(|&g| plain[g].rows > 0).collect();
    let smallest = active.iter().map(|&g| plain[g].rows).min().unwrap_or(0);
    let rows = Rows {
        y: y_true,
        pred: y_pred,
        baseline,
        groups,
        weights,
    };

    let on = enabled(config);
    let compare: Vec<(Compared, f64)> = match baseline {
        None => Vec::new(),
        Some(_) => [
            (Compared::DemographicParity, config.dp_margin),
            (Compared::EqualizedOdds, config.eo_margin),
            (Compared::Accuracy, config.accuracy_margin),
        ]
        .into_iter()
        .filter_map(|(c, m)| m.map(|m| (c, m)))
        .collect(),
    };
    // Multiplicity none: each check's percentile interval (measure); the joint bootstrap
    // serves only the comparisons.
    let simultaneous = config.multiplicity != Multiplicity::None;
    let family = Family::new(
        &on.iter()
            .filter(|_| simultaneous)
            .map(|(k, _)| *k)
            .collect::<Vec<_>>(),
        &compare.iter().map(|(c, _)| *c).collect::<Vec<_>>(),
        active,
    );
    let joint = match config.confidence {
        Some(c) if family.len() > 0 => Some(joint::intervals(&family, rows, config, c)?),
        _ => None,
    };
    let interval_of = |found: Option<(f64, f64)>| {
        config.confidence.map(|c| {
            found.map(|(lower, upper)| Interval {
                lower,
                upper,
                confidence: c,
            })
        })
    };
    let estimate = |status: Status, interval: Option<Option<Interval>>, value: f64, t: f64| match (
        status, interval,
    ) {
        (Status::Inconclusive, Some(Some(i))) => {
            Some(RowsNeeded::estimate(i.lower, i.upper, value, t, smallest))
        }
        _ => None,
    };

    let checks: Vec<Check> = on
        .into_iter()
        .map(|(kind, threshold)| {
            let value = measure::value(kind, &report);
            let interval = if simultaneous {
                interval_of(joint.as_ref().and_then(|j| j.check(&family, kind)))
            } else {
                interval_of(measure::interval(kind, &report).flatten())
            };
            let mut reasons = size_reasons(kind, &plain, labels, config);
            let mut rows_needed = None;
            let status = if !reasons.is_empty() {
                Status::Inconclusive
            } else if value.is_nan() {
                reasons.push("the value is undefined (no group has a defined rate)".into());
                Status::Inconclusive
            } else {
                let (status, reason) = decide(kind.is_upper_bound(), value, threshold, interval);
                reasons.extend(reason);
                rows_needed = estimate(status, interval, value, threshold);
                status
            };
            Check {
                check: kind,
                value: (!value.is_nan()).then_some(value),
                threshold,
                bound: if kind.is_upper_bound() { "max" } else { "min" },
                interval: interval.flatten(),
                status,
                reasons,
                four_fifths: (kind == CheckKind::FourFifths)
                    .then(|| four_fifths_detail(&report, &plain)),
                rows_needed,
            }
        })
        .collect();

    let comparisons: Vec<Comparison> = compare
        .into_iter()
        .map(|(c, margin)| {
            let (cand, base) = joint::both_values(rows, c);
            let diff = cand - base;
            let upper = c != Compared::Accuracy;
            let bound = if upper { margin } else { -margin };
            let interval = interval_of(joint.as_ref().and_then(|j| j.comparison(&family, c).1));
            let mut reasons = Vec::new();
            let mut rows_needed = None;
            let status = if diff.is_nan() {
                reasons.push("the difference is undefined (no group has a defined rate)".into());
                Status::Inconclusive
            } else {
                let (status, reason) = decide(upper, diff, bound, interval);
                reasons.extend(reason);
                rows_needed = estimate(status, interval, diff, bound);
                status
            };
            let defined = |v: f64| (!v.is_nan()).then_some(v);
            Comparison {
                metric: match c {
                    Compared::DemographicParity => "demographic_parity_difference",
                    Compared::EqualizedOdds => "equalized_odds_difference",
                    Compared::Accuracy => "accuracy",
                },
                candidate: defined(cand),
                baseline: defined(base),
                difference: defined(diff),
                margin,
                bound: if upper { "max" } else { "min" },
                interval: interval.flatten(),
                status,
                reasons,
                rows_needed,
            }
        })
        .collect();

    let rates = |g: Option<u32>| -> [f64; 4] {
        let m = [
            Metric::SelectionRate,
            Metric::TruePositiveRate,
            Metric::FalsePositiveRate,
            Metric::Accuracy,
        ];
        m.map(|m| g.map_or_else(|| report.overall(m), |g| report.value(m, g)))
    };
    let group_counts = (0..groups.n_groups())
        .map(|g| {
            let weight = report.sizes()[g].weight;
            GroupCounts::new(labels[g].clone(), weight, &plain[g], rates(Some(g as u32)))
        })
        .collect();
    let overall = GroupCounts::new(
        "overall".into(),
        report.overall_size().weight,
        &plain_table.overall(),
        rates(None),
    );
    Ok(GateReport {
        status: checks
            .iter()
            .map(|c| c.status)
            .chain(comparisons.iter().map(|c| c.status))
            .max()
            .unwrap_or(Status::Pass),
        strict: config.strict,
        confidence: config.confidence,
        simultaneous: config.confidence.map(|_| Simultaneous {
            multiplicity: config.multiplicity,
            statistics: joint.as_ref().map_or(0, |j| j.family_size),
            critical_value: joint.as_ref().map(|j| j.critical_value),
        }),
        checks,
        groups: group_counts,
        overall,
        comparisons,
    })
}
