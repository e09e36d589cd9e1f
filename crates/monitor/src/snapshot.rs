//! The gauges of one evaluation: per-group counts and rates, and the monitored metrics.

use fairkit_metrics::{Aggregate, Confusion, Metric};
use serde::Serialize;

use crate::config::MonitorConfig;
use crate::interval::{self, Interval, Proportion};
use crate::window::{Counters, GroupCounters, WindowBounds};

/// The metrics the monitor evaluates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MonitoredMetric {
    /// Largest minus smallest selection rate over the groups (label-free).
    DemographicParityDifference,
    /// Smallest over largest selection rate (label-free; the four-fifths ratio).
    DemographicParityRatio,
    /// The larger of the TPR and FPR differences over the groups (labelled records only).
    EqualizedOddsDifference,
    /// Accuracy of the labelled records.
    Accuracy,
}

impl MonitoredMetric {
    /// Every monitored metric, in report order.
    pub const ALL: [MonitoredMetric; 4] = [
        MonitoredMetric::DemographicParityDifference,
        MonitoredMetric::DemographicParityRatio,
        MonitoredMetric::EqualizedOddsDifference,
        MonitoredMetric::Accuracy,
    ];

    /// The snake_case name.
    pub fn name(self) -> &'static str {
        match self {
            MonitoredMetric::DemographicParityDifference => "demographic_parity_difference",
            MonitoredMetric::DemographicParityRatio => "demographic_parity_ratio",
            MonitoredMetric::EqualizedOddsDifference => "equalized_odds_difference",
            MonitoredMetric::Accuracy => "accuracy",
        }
    }

    /// Whether the threshold is a maximum (differences) rather than a minimum.
    pub fn is_upper_bound(self) -> bool {
        matches!(
            self,
            MonitoredMetric::DemographicParityDifference | MonitoredMetric::EqualizedOddsDifference
        )
    }

    fn threshold(self, config: &MonitorConfig) -> Option<f64> {
        match self {
            MonitoredMetric::DemographicParityDifference => config.dp_max,
            MonitoredMetric::DemographicParityRatio => config.four_fifths,
            MonitoredMetric::EqualizedOddsDifference => config.eo_max,
            MonitoredMetric::Accuracy => config.accuracy_min,
        }
    }
}

/// A metric's status at one evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Within its range (or no threshold set).
    Ok,
    /// Outside its range.
    Violation,
    /// Too few records (or an undefined value): never alerts.
    InsufficientData,
}

/// One metric's value and status.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MetricReading {
    /// Which metric.
    pub metric: MonitoredMetric,
    /// Its value, `None` when there is not enough data.
    pub value: Option<f64>,
    /// The configured threshold, if any.
    pub threshold: Option<f64>,
    /// Ok, violation or insufficient data. With `confidence`, a violation needs the whole
    /// interval beyond the threshold.
    pub status: Status,
    /// With `confidence`: the interval of the value (docs/gate-and-monitor.md#monitor-confidence).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interval: Option<Interval>,
    /// Groups that met `min_samples` and were compared (for accuracy: groups pooled).
    pub groups_compared: usize,
    /// Whether the metric's alert state is "alerting" (fired and not yet re-armed).
    pub alerting: bool,
}

/// One group's counts and rates in the window.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupSnapshot {
    /// The group.
    pub group: String,
    /// Predictions in the window.
    pub predictions: u64,
    /// Of which predicted positive.
    pub selected: u64,
    /// `selected / predictions`.
    pub selection_rate: Option<f64>,
    /// Predictions with a joined label.
    pub labelled: u64,
    /// Predictions still waiting for a label.
    pub pending: u64,
    /// Predictions whose label did not arrive within the timeout.
    pub expired: u64,
    /// Labelled: true positives.
    pub tp: u64,
    /// Labelled: false positives.
    pub fp: u64,
    /// Labelled: true negatives.
    pub tn: u64,
    /// Labelled: false negatives.
    #[serde(rename = "fn")]
    pub fn_: u64,
    /// TPR of the labelled records (0 without positives, as fairlearn).
    pub true_positive_rate: Option<f64>,
    /// FPR of the labelled records (0 without negatives, as fairlearn).
    pub false_positive_rate: Option<f64>,
    /// Accuracy of the labelled records.
    pub accuracy: Option<f64>,
}

/// The monitor's gauges at one moment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Snapshot {
    /// Evaluations so far (0 before the first).
    pub evaluation: u64,
    /// Events recorded so far (predictions and labels).
    pub events: u64,
    /// The newest timestamp seen.
    pub ts: Option<f64>,
    /// The window's extent.
    pub window: WindowBounds,
    /// Running totals.
    pub counters: Counters,
    /// Alerts fired so far.
    pub alerts_fired: u64,
    /// Violations held back by the cooldown so far.
    pub alerts_suppressed: u64,
    /// Callback calls that panicked or failed so far.
    pub callback_failures: u64,
    /// Groups with at least one prediction in the window, sorted by name.
    pub groups: Vec<GroupSnapshot>,
    /// The monitored metrics, in [`MonitoredMetric::ALL`] order.
    pub metrics: Vec<MetricReading>,
}

impl Snapshot {
    /// The reading of one metric.
    pub fn metric(&self, metric: MonitoredMetric) -> &MetricReading {
        // `metrics` always holds every metric in `ALL` order.
        &self.metrics[metric as usize]
    }

    /// The counts of one group, if it has predictions in the window.
    pub fn group(&self, group: &str) -> Option<&GroupSnapshot> {
        self.groups.iter().find(|g| g.group == group)
    }
}

fn defined(v: f64) -> Option<f64> {
    (!v.is_nan()).then_some(v)
}

pub(crate) fn group_snapshot(g: &GroupCounters) -> GroupSnapshot {
    let p = g.predictions();
    let l = g.labels();
    GroupSnapshot {
        group: g.name.to_string(),
        predictions: p.rows,
        selected: p.fp as u64,
        selection_rate: defined(p.rate(Metric::SelectionRate)),
        labelled: l.rows,
        pending: g.pending,
        expired: g.expired,
        tp: l.tp as u64,
        fp: l.fp as u64,
        tn: l.tn as u64,
        fn_: l.fn_ as u64,
        true_positive_rate: defined(l.rate(Metric::TruePositiveRate)),
        false_positive_rate: defined(l.rate(Metric::FalsePositiveRate)),
        accuracy: defined(l.rate(Metric::Accuracy)),
    }
}

/// Between-groups difference and ratio (fairkit-metrics' [`Aggregate`]) of at least two
/// values; `None` with fewer.
fn spread(values: &[f64]) -> Option<(f64, f64)> {
    (values.len() >= 2).then(|| {
        let a = Aggregate::of(values, f64::NAN);
        (a.difference, a.ratio)
    })
}

/// One metric's value, status, groups compared and interval (before the alert state).
pub(crate) type Reading = (Option<f64>, Status, usize, Option<Interval>);

/// Values and statuses of every monitored metric (before the alert state is applied).
pub(crate) fn readings(groups: &[GroupCounters], config: &MonitorConfig) -> [Reading; 4] {
    let min = config.min_samples;
    // Per compared group: (successes, trials) of the rate.
    let counts = |of: fn(&GroupCounters) -> Confusion, rate: fn(&Confusion) -> Proportion| {
        groups
            .iter()
            .map(of)
            .filter(|c| c.rows >= min)
            .map(|c| rate(&c))
            .collect::<Vec<Proportion>>()
    };
    let sr = counts(GroupCounters::predictions, |c| {
        (c.tp + c.fp, c.tp + c.fp + c.tn + c.fn_)
    });
    let tpr = counts(GroupCounters::labels, |c| (c.tp, c.tp + c.fn_));
    let fpr = counts(GroupCounters::labels, |c| (c.fp, c.fp + c.tn));
    // Rates as fairkit-metrics defines them (0 without positives or negatives, as Fairlearn).
    let rates = |of: fn(&GroupCounters) -> Confusion, metric: Metric| -> Vec<f64> {
        groups
            .iter()
            .map(of)
            .filter(|c| c.rows >= min)
            .map(|c| c.rate(metric))
            .collect()
    };
    let dp = spread(&rates(GroupCounters::predictions, Metric::SelectionRate));
    let eo = spread(&rates(GroupCounters::labels, Metric::TruePositiveRate))
        .zip(spread(&rates(
            GroupCounters::labels,
            Metric::FalsePositiveRate,
        )))
        .map(|(t, f)| t.0.max(f.0));
    let mut pooled = Confusion::default();
    for g in groups {
        pooled.add(&g.labels());
    }
    let accuracy = (pooled.rows >= min).then(|| pooled.rate(Metric::Accuracy));
    let values = [
        dp.map(|d| d.0),
        dp.map(|d| d.1).filter(|r| !r.is_nan()),
        eo,
        accuracy,
    ];
    let intervals = match config.confidence {
        None => [None; 4],
        Some(c) => [
            interval::difference(&[&sr], c),
            interval::ratio(&sr, c),
            interval::difference(&[&tpr, &fpr], c),
            interval::wilson((pooled.tp + pooled.tn, pooled.rows as f64), c),
        ],
    };
    let compared = [sr.len(), sr.len(), tpr.len(), 1];
    let mut out = [(None, Status::InsufficientData, 0, None); 4];
    for (i, metric) in MonitoredMetric::ALL.into_iter().enumerate() {
        let interval = values[i].and(intervals[i]);
        let status = match (values[i], metric.threshold(config)) {
            (None, _) => Status::InsufficientData,
            (Some(_), None) => Status::Ok,
            (Some(v), Some(t)) => {
                // With an interval, the whole of it must be beyond the threshold.
                let (low, high) = interval.map_or((v, v), |i| (i.lower, i.upper));
                let bad = if metric.is_upper_bound() {
                    low > t
                } else {
                    high < t
                };
                if bad { Status::Violation } else { Status::Ok }
            }
        };
        out[i] = (values[i], status, compared[i], interval);
    }
    out
}

/// A fresh reading list with thresholds and alert flags filled in.
pub(crate) fn metric_readings(
    groups: &[GroupCounters],
    config: &MonitorConfig,
    alerting: [bool; 4],
) -> Vec<MetricReading> {
    readings(groups, config)
        .into_iter()
        .zip(MonitoredMetric::ALL)
        .zip(alerting)
        .map(
            |(((value, status, groups_compared, interval), metric), alerting)| MetricReading {
                metric,
                value,
                threshold: metric.threshold(config),
                status,
                interval,
                groups_compared,
                alerting,
            },
        )
        .collect()
}
