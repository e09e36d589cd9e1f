//! Named disparities (docs/metrics.md#named-disparities) and the four-fifths rule
//! (docs/metrics.md#four-fifths-rule).

use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

use crate::aggregate::{Aggregate, Aggregation, EqualizedOddsAgg, nan_max, nan_mean2, nan_min};
use crate::ser::{MapOf, Stat, StatRef};
use crate::{Confusion, Metric};

/// A named disparity between groups. Differences lie in `[0, 1]` and ratios in `[0, 1]`; both
/// use the report's [`Aggregation`] method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Disparity {
    /// Difference of selection rates.
    DemographicParityDifference,
    /// Ratio of selection rates.
    DemographicParityRatio,
    /// The larger (or mean, by [`EqualizedOddsAgg`]) of the TPR and FPR differences.
    EqualizedOddsDifference,
    /// The smaller (or mean) of the TPR and FPR ratios.
    EqualizedOddsRatio,
    /// Difference of true positive rates.
    EqualOpportunityDifference,
    /// Ratio of true positive rates.
    EqualOpportunityRatio,
    /// Difference of positive predictive values (precision).
    PredictiveParityDifference,
    /// Ratio of positive predictive values.
    PredictiveParityRatio,
    /// Difference of error rates (fairlearn's `zero_one_loss_difference`).
    ErrorRateDifference,
    /// Ratio of error rates.
    ErrorRateRatio,
}

impl Disparity {
    /// Every disparity, in report order.
    pub const ALL: [Disparity; 10] = [
        Disparity::DemographicParityDifference,
        Disparity::DemographicParityRatio,
        Disparity::EqualizedOddsDifference,
        Disparity::EqualizedOddsRatio,
        Disparity::EqualOpportunityDifference,
        Disparity::EqualOpportunityRatio,
        Disparity::PredictiveParityDifference,
        Disparity::PredictiveParityRatio,
        Disparity::ErrorRateDifference,
        Disparity::ErrorRateRatio,
    ];

    /// The snake_case key, e.g. `"demographic_parity_difference"`.
    pub fn name(self) -> &'static str {
        match self {
            Disparity::DemographicParityDifference => "demographic_parity_difference",
            Disparity::DemographicParityRatio => "demographic_parity_ratio",
            Disparity::EqualizedOddsDifference => "equalized_odds_difference",
            Disparity::EqualizedOddsRatio => "equalized_odds_ratio",
            Disparity::EqualOpportunityDifference => "equal_opportunity_difference",
            Disparity::EqualOpportunityRatio => "equal_opportunity_ratio",
            Disparity::PredictiveParityDifference => "predictive_parity_difference",
            Disparity::PredictiveParityRatio => "predictive_parity_ratio",
            Disparity::ErrorRateDifference => "error_rate_difference",
            Disparity::ErrorRateRatio => "error_rate_ratio",
        }
    }

    /// Whether this is a ratio (1 is parity) rather than a difference (0 is parity).
    pub fn is_ratio(self) -> bool {
        (self as usize) % 2 == 1
    }

    /// The per-group metric compared; for equalized odds, the true positive rate (the
    /// report's [`extreme_groups`](crate::GroupedReport::extreme_groups) names the part that
    /// drives the value).
    pub fn metric(self) -> Metric {
        match self {
            Disparity::DemographicParityDifference | Disparity::DemographicParityRatio => {
                Metric::SelectionRate
            }
            Disparity::EqualizedOddsDifference
            | Disparity::EqualizedOddsRatio
            | Disparity::EqualOpportunityDifference
            | Disparity::EqualOpportunityRatio => Metric::TruePositiveRate,
            Disparity::PredictiveParityDifference | Disparity::PredictiveParityRatio => {
                Metric::PositivePredictiveValue
            }
            Disparity::ErrorRateDifference | Disparity::ErrorRateRatio => Metric::ErrorRate,
        }
    }
}

/// Outcome of a rule such as the four-fifths rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleStatus {
    /// The rule holds.
    Pass,
    /// The rule is violated.
    Fail,
    /// The data cannot decide: a group is too small or the value is undefined.
    Inconclusive,
}

/// The four-fifths (80 %) rule (docs/metrics.md#four-fifths-rule): each group's selection rate
/// divided by the highest one.
#[derive(Debug, Clone, PartialEq)]
pub struct FourFifths<T> {
    /// The group with the highest selection rate (first in code order on ties); `None` when no
    /// group has a defined rate.
    pub reference: Option<u32>,
    /// Each group's `SR_g / SR_reference`, indexed by code (NaN for empty groups, and for all
    /// when the reference rate is 0).
    pub ratios: Vec<T>,
    /// The smallest ratio: the adverse impact ratio (= DP ratio between groups).
    pub ratio: T,
    /// Threshold; the rule fails when `ratio < threshold` (strict).
    pub threshold: f64,
    /// Groups with rows but fewer than this make the outcome inconclusive.
    pub min_group_size: u64,
    /// The outcome.
    pub status: RuleStatus,
}

impl<T> FourFifths<T> {
    /// `Some(true)` on pass, `Some(false)` on fail, `None` when inconclusive.
    pub fn pass(&self) -> Option<bool> {
        match self.status {
            RuleStatus::Pass => Some(true),
            RuleStatus::Fail => Some(false),
            RuleStatus::Inconclusive => None,
        }
    }
}

impl FourFifths<f64> {
    /// Evaluates the rule on per-group counts.
    pub fn evaluate(groups: &[Confusion], threshold: f64, min_group_size: u64) -> Self {
        let sr: Vec<f64> = groups
            .iter()
            .map(|c| c.rate(Metric::SelectionRate))
            .collect();
        let agg = Aggregate::of(&sr, f64::NAN);
        let reference = agg.argmax;
        let top = agg.group_max;
        let ratios: Vec<f64> = sr.iter().map(|&s| s / top).collect();
        let ratio = ratios.iter().copied().fold(f64::NAN, nan_min);
        let small = groups.iter().any(|c| c.rows > 0 && c.rows < min_group_size);
        let status = if small || ratio.is_nan() {
            RuleStatus::Inconclusive
        } else if ratio < threshold {
            RuleStatus::Fail
        } else {
            RuleStatus::Pass
        };
        FourFifths {
            reference,
            ratios,
            ratio,
            threshold,
            min_group_size,
            status,
        }
    }
}

/// The named disparities of one set of groups.
#[derive(Debug, Clone, PartialEq)]
pub struct Disparities<T> {
    /// Values in the order of [`Disparity::ALL`].
    values: Vec<T>,
    /// Which part drives equalized odds (TPR or FPR): the larger difference / smaller ratio.
    eo_metric: [Metric; 2],
    /// The four-fifths rule.
    pub four_fifths: FourFifths<T>,
}

impl<T> Disparities<T> {
    /// The value of one disparity.
    pub fn get(&self, d: Disparity) -> &T {
        &self.values[d as usize]
    }

    /// The per-group metric whose extreme groups drive `d`.
    pub fn driving_metric(&self, d: Disparity) -> Metric {
        match d {
            Disparity::EqualizedOddsDifference => self.eo_metric[0],
            Disparity::EqualizedOddsRatio => self.eo_metric[1],
            _ => d.metric(),
        }
    }

    pub(crate) fn for_each(&self, f: &mut impl FnMut(&T)) {
        self.values.iter().for_each(&mut *f);
        self.four_fifths.ratios.iter().for_each(&mut *f);
        f(&self.four_fifths.ratio);
    }

    pub(crate) fn map<U>(&self, f: &mut impl FnMut(&T) -> U) -> Disparities<U> {
        let values = self.values.iter().map(&mut *f).collect();
        let ratios = self.four_fifths.ratios.iter().map(&mut *f).collect();
        Disparities {
            values,
            eo_metric: self.eo_metric,
            four_fifths: FourFifths {
                reference: self.four_fifths.reference,
                ratios,
                ratio: f(&self.four_fifths.ratio),
                threshold: self.four_fifths.threshold,
                min_group_size: self.four_fifths.min_group_size,
                status: self.four_fifths.status,
            },
        }
    }
}

/// Settings of the named disparities.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct DisparitySettings {
    pub method: Aggregation,
    pub eo_agg: EqualizedOddsAgg,
    pub threshold: f64,
    pub min_group_size: u64,
}

impl Disparities<f64> {
    /// Computes every disparity from the per-metric aggregates and the group counts.
    pub(crate) fn compute(
        aggregates: &[Aggregate<f64>],
        groups: &[Confusion],
        s: &DisparitySettings,
    ) -> Self {
        let agg = |m: Metric| &aggregates[m.index()];
        let diff = |m: Metric| *agg(m).difference_by(s.method);
        let ratio = |m: Metric| *agg(m).ratio_by(s.method);
        let (tpr, fpr) = (Metric::TruePositiveRate, Metric::FalsePositiveRate);
        let (dt, df) = (diff(tpr), diff(fpr));
        let (rt, rf) = (ratio(tpr), ratio(fpr));
        let (eo_diff, eo_ratio) = match s.eo_agg {
            EqualizedOddsAgg::WorstCase => (nan_max(dt, df), nan_min(rt, rf)),
            EqualizedOddsAgg::Mean => (nan_mean2(dt, df), nan_mean2(rt, rf)),
        };
        // The part that drives equalized odds: the worse one (TPR on ties, as fairlearn lists it
        // first).
        let eo_metric = [
            if df > dt { fpr } else { tpr },
            if rf < rt { fpr } else { tpr },
        ];
        let values = Disparity::ALL
            .iter()
            .map(|&d| match d {
                Disparity::EqualizedOddsDifference => eo_diff,
                Disparity::EqualizedOddsRatio => eo_ratio,
                d if d.is_ratio() => ratio(d.metric()),
                d => diff(d.metric()),
            })
            .collect();
        Disparities {
            values,
            eo_metric,
            four_fifths: FourFifths::evaluate(groups, s.threshold, s.min_group_size),
        }
    }
}

/// Serializes [`Disparities`], naming groups by their labels; `aggregates` give the extreme
/// groups.
pub(crate) struct DisparitiesJson<'a, T> {
    pub disparities: &'a Disparities<T>,
    pub labels: &'a [String],
    pub aggregates: &'a [Aggregate<T>],
}

impl<T: Stat> Serialize for DisparitiesJson<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let label = |g: u32| self.labels[g as usize].as_str();
        let aggregates = self.aggregates;
        let me = self.disparities;
        let mut map = serializer.serialize_map(None)?;
        for d in Disparity::ALL {
            map.serialize_entry(d.name(), &StatRef(me.get(d)))?;
        }
        let ff = &me.four_fifths;
        let ratios = MapOf(|| {
            ff.ratios
                .iter()
                .enumerate()
                .map(|(g, r)| (label(g as u32), StatRef(r)))
        });
        if T::POINT {
            map.serialize_entry(
                "four_fifths",
                &FourFifthsJson {
                    reference_group: ff.reference.map(label),
                    ratio: StatRef(&ff.ratio),
                    ratios,
                    threshold: ff.threshold,
                    min_group_size: ff.min_group_size,
                    status: ff.status,
                    pass: ff.pass(),
                },
            )?;
            let extremes = MapOf(|| {
                Disparity::ALL.iter().map(|&d| {
                    let a = &aggregates[me.driving_metric(d).index()];
                    let pair = ExtremeJson {
                        metric: me.driving_metric(d).name(),
                        max: a.argmax.map(label),
                        min: a.argmin.map(label),
                    };
                    (d.name(), pair)
                })
            });
            map.serialize_entry("extreme_groups", &extremes)?;
        } else {
            map.serialize_entry(
                "four_fifths",
                &FourFifthsIntervalJson {
                    ratio: StatRef(&ff.ratio),
                    ratios,
                },
            )?;
        }
        map.end()
    }
}

#[derive(Serialize)]
struct FourFifthsJson<'a, R: Serialize, Q: Serialize> {
    reference_group: Option<&'a str>,
    ratio: Q,
    ratios: R,
    threshold: f64,
    min_group_size: u64,
    status: RuleStatus,
    pass: Option<bool>,
}

#[derive(Serialize)]
struct FourFifthsIntervalJson<R: Serialize, Q: Serialize> {
    ratio: Q,
    ratios: R,
}

#[derive(Serialize)]
struct ExtremeJson<'a> {
    metric: &'static str,
    max: Option<&'a str>,
    min: Option<&'a str>,
}
