//! Aggregations over groups (docs/metrics.md#aggregations): min, max, difference and ratio, between
//! groups or to the overall value, skipping undefined (NaN) group values.

use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

use crate::ser::{Stat, StatRef};

/// How a difference or ratio compares groups (fairlearn's `method`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Aggregation {
    /// `max − min` and `min / max` over groups.
    #[default]
    BetweenGroups,
    /// The largest `|v_g − overall|` and the smallest `v_g / overall` folded to `≤ 1`.
    ToOverall,
}

/// How equalized odds combines its TPR and FPR parts (fairlearn's `agg`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EqualizedOddsAgg {
    /// The larger difference, or the smaller ratio.
    #[default]
    WorstCase,
    /// The mean of the two.
    Mean,
}

/// The aggregates of one metric over groups.
///
/// Group values that are NaN (empty groups, undefined rates) are skipped; when every value is
/// NaN every aggregate is NaN. `argmin` and `argmax` are the codes of the groups that attain the
/// minimum and maximum (the first in code order on ties); they are metadata and are not
/// bootstrapped.
#[derive(Debug, Clone, PartialEq)]
pub struct Aggregate<T> {
    /// Smallest group value.
    pub group_min: T,
    /// Largest group value.
    pub group_max: T,
    /// `group_max − group_min`.
    pub difference: T,
    /// `max_g |v_g − overall|`.
    pub difference_to_overall: T,
    /// `group_min / group_max` (NaN when both are 0).
    pub ratio: T,
    /// `min_g r_g` with `r_g = v_g / overall`, replaced by `1 / r_g` when above 1.
    pub ratio_to_overall: T,
    /// Group attaining the minimum.
    pub argmin: Option<u32>,
    /// Group attaining the maximum.
    pub argmax: Option<u32>,
}

impl<T> Aggregate<T> {
    /// The difference by `method`.
    pub fn difference_by(&self, method: Aggregation) -> &T {
        match method {
            Aggregation::BetweenGroups => &self.difference,
            Aggregation::ToOverall => &self.difference_to_overall,
        }
    }

    /// The ratio by `method`.
    pub fn ratio_by(&self, method: Aggregation) -> &T {
        match method {
            Aggregation::BetweenGroups => &self.ratio,
            Aggregation::ToOverall => &self.ratio_to_overall,
        }
    }

    /// The six values in a fixed order (for bootstrapping).
    pub(crate) fn values(&self) -> [&T; 6] {
        [
            &self.group_min,
            &self.group_max,
            &self.difference,
            &self.difference_to_overall,
            &self.ratio,
            &self.ratio_to_overall,
        ]
    }

    /// Maps every value, keeping the group codes.
    pub(crate) fn map<U>(&self, f: &mut impl FnMut(&T) -> U) -> Aggregate<U> {
        Aggregate {
            group_min: f(&self.group_min),
            group_max: f(&self.group_max),
            difference: f(&self.difference),
            difference_to_overall: f(&self.difference_to_overall),
            ratio: f(&self.ratio),
            ratio_to_overall: f(&self.ratio_to_overall),
            argmin: self.argmin,
            argmax: self.argmax,
        }
    }
}

/// Minimum with NaN skipped (NaN only when both are NaN).
pub(crate) fn nan_min(a: f64, b: f64) -> f64 {
    a.min(b)
}

/// Maximum with NaN skipped (NaN only when both are NaN).
pub(crate) fn nan_max(a: f64, b: f64) -> f64 {
    a.max(b)
}

/// Mean of two values with NaN skipped, as pandas' `mean`.
pub(crate) fn nan_mean2(a: f64, b: f64) -> f64 {
    match (a.is_nan(), b.is_nan()) {
        (true, true) => f64::NAN,
        (true, false) => b,
        (false, true) => a,
        (false, false) => (a + b) / 2.0,
    }
}

impl Aggregate<f64> {
    /// Aggregates group values against an overall value (docs/metrics.md#aggregations).
    ///
    /// ```
    /// use fairkit_metrics::Aggregate;
    /// // E4: an empty intersection is NaN and skipped.
    /// let a = Aggregate::of(&[1.0, f64::NAN, 0.0, 0.5], 0.5);
    /// assert_eq!((a.group_min, a.group_max, a.difference, a.ratio), (0.0, 1.0, 1.0, 0.0));
    /// assert_eq!(a.difference_to_overall, 0.5);
    /// assert_eq!((a.argmin, a.argmax), (Some(2), Some(0)));
    /// ```
    pub fn of(values: &[f64], overall: f64) -> Self {
        let mut out = Aggregate {
            group_min: f64::NAN,
            group_max: f64::NAN,
            difference: f64::NAN,
            difference_to_overall: f64::NAN,
            ratio: f64::NAN,
            ratio_to_overall: f64::NAN,
            argmin: None,
            argmax: None,
        };
        for (g, &v) in values.iter().enumerate() {
            if v.is_nan() {
                continue;
            }
            if out.argmin.is_none() || v < out.group_min {
                out.group_min = v;
                out.argmin = Some(g as u32);
            }
            if out.argmax.is_none() || v > out.group_max {
                out.group_max = v;
                out.argmax = Some(g as u32);
            }
            out.difference_to_overall = nan_max(out.difference_to_overall, (v - overall).abs());
            // fairlearn: r = v / overall, folded with 1 / r when above 1 (+inf folds to 0).
            let r = v / overall;
            let r = if r > 1.0 { 1.0 / r } else { r };
            out.ratio_to_overall = nan_min(out.ratio_to_overall, r);
        }
        out.difference = out.group_max - out.group_min;
        out.ratio = out.group_min / out.group_max;
        out
    }
}

/// Serializes an [`Aggregate`], naming groups by their labels.
pub(crate) struct AggregateJson<'a, T> {
    pub aggregate: &'a Aggregate<T>,
    pub labels: &'a [String],
}

impl<T: Stat> Serialize for AggregateJson<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let label = |g: u32| self.labels[g as usize].as_str();
        let me = self.aggregate;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("group_min", &StatRef(&me.group_min))?;
        map.serialize_entry("group_max", &StatRef(&me.group_max))?;
        map.serialize_entry("difference", &StatRef(&me.difference))?;
        map.serialize_entry("difference_to_overall", &StatRef(&me.difference_to_overall))?;
        map.serialize_entry("ratio", &StatRef(&me.ratio))?;
        map.serialize_entry("ratio_to_overall", &StatRef(&me.ratio_to_overall))?;
        if T::POINT {
            map.serialize_entry("argmin", &me.argmin.map(label))?;
            map.serialize_entry("argmax", &me.argmax.map(label))?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratio_rules_of_metrics_doc() {
        // Every value 0: ratio NaN, difference 0.
        let a = Aggregate::of(&[0.0, 0.0], 0.0);
        assert_eq!(a.difference, 0.0);
        assert!(a.ratio.is_nan());
        assert!(a.ratio_to_overall.is_nan());
        // min 0, max positive: ratio 0; v > 0 with overall 0 folds +inf to 0.
        let a = Aggregate::of(&[0.0, 0.5], 0.0);
        assert_eq!(a.ratio, 0.0);
        assert_eq!(a.ratio_to_overall, 0.0);
        // Everything NaN.
        let a = Aggregate::of(&[f64::NAN, f64::NAN], 0.3);
        assert!(a.group_min.is_nan() && a.difference.is_nan() && a.ratio_to_overall.is_nan());
        assert_eq!(a.argmin, None);
        // Single group: difference 0, ratio 1.
        let a = Aggregate::of(&[0.25], 0.25);
        assert_eq!((a.difference, a.ratio, a.ratio_to_overall), (0.0, 1.0, 1.0));
        // O1 SR to overall: min((1/3)/(1/2), (1/6)/(1/3)) = 1/2; difference 1/6.
        let a = Aggregate::of(&[0.5, 1.0 / 6.0], 1.0 / 3.0);
        assert_eq!(a.ratio_to_overall, 0.5);
        assert!((a.difference_to_overall - 1.0 / 6.0).abs() < 1e-15);
    }

    #[test]
    fn ties_pick_the_first_group() {
        let a = Aggregate::of(&[0.2, 0.7, 0.2, 0.7], 0.5);
        assert_eq!((a.argmin, a.argmax), (Some(0), Some(1)));
    }

    #[test]
    fn nan_helpers() {
        assert_eq!(nan_mean2(f64::NAN, 2.0), 2.0);
        assert_eq!(nan_mean2(1.0, 2.0), 1.5);
        assert!(nan_mean2(f64::NAN, f64::NAN).is_nan());
        assert_eq!(nan_max(f64::NAN, 1.0), 1.0);
    }
}
