use serde::{Deserialize, Serialize};

use crate::Confusion;

/// What a rate with a zero denominator becomes (docs/metrics.md#zero-division).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ZeroDivision {
    /// fairlearn's convention: TPR, FNR, FPR, TNR, PPV and NPV are 0 when their denominator is 0.
    #[default]
    #[serde(rename = "zero")]
    Zero,
    /// The AIF360 classic convention: such rates are NaN (reported as `null`).
    #[serde(rename = "nan")]
    NaN,
}

/// A per-group metric computed from confusion counts. The snake_case names are the keys of every
/// fairkit report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Number of rows (unweighted).
    Count,
    /// `(TP + FP) / W`: the weighted share predicted positive.
    SelectionRate,
    /// `TP / P` (recall).
    TruePositiveRate,
    /// `FP / N`.
    FalsePositiveRate,
    /// `FN / P`.
    FalseNegativeRate,
    /// `TN / N` (specificity).
    TrueNegativeRate,
    /// `TP / (TP + FP)` (precision).
    PositivePredictiveValue,
    /// `TN / (TN + FN)`.
    NegativePredictiveValue,
    /// `(TP + TN) / W`.
    Accuracy,
    /// Mean of the recalls of the classes present: `(TPR + TNR) / 2` with both classes.
    BalancedAccuracy,
    /// `1 − accuracy`.
    ErrorRate,
    /// `P / W`: the weighted share of actual positives.
    BaseRate,
}

impl Metric {
    /// The ten metrics of every report, in report order.
    pub const REPORT: [Metric; 10] = [
        Metric::Count,
        Metric::SelectionRate,
        Metric::TruePositiveRate,
        Metric::FalsePositiveRate,
        Metric::FalseNegativeRate,
        Metric::TrueNegativeRate,
        Metric::PositivePredictiveValue,
        Metric::NegativePredictiveValue,
        Metric::Accuracy,
        Metric::BalancedAccuracy,
    ];

    /// The snake_case key, e.g. `"true_positive_rate"`.
    pub fn name(self) -> &'static str {
        match self {
            Metric::Count => "count",
            Metric::SelectionRate => "selection_rate",
            Metric::TruePositiveRate => "true_positive_rate",
            Metric::FalsePositiveRate => "false_positive_rate",
            Metric::FalseNegativeRate => "false_negative_rate",
            Metric::TrueNegativeRate => "true_negative_rate",
            Metric::PositivePredictiveValue => "positive_predictive_value",
            Metric::NegativePredictiveValue => "negative_predictive_value",
            Metric::Accuracy => "accuracy",
            Metric::BalancedAccuracy => "balanced_accuracy",
            Metric::ErrorRate => "error_rate",
            Metric::BaseRate => "base_rate",
        }
    }

    /// A short column header for tables, e.g. `"TPR"`.
    pub fn short(self) -> &'static str {
        match self {
            Metric::Count => "n",
            Metric::SelectionRate => "SR",
            Metric::TruePositiveRate => "TPR",
            Metric::FalsePositiveRate => "FPR",
            Metric::FalseNegativeRate => "FNR",
            Metric::TrueNegativeRate => "TNR",
            Metric::PositivePredictiveValue => "PPV",
            Metric::NegativePredictiveValue => "NPV",
            Metric::Accuracy => "acc",
            Metric::BalancedAccuracy => "bal.acc",
            Metric::ErrorRate => "err",
            Metric::BaseRate => "base",
        }
    }

    /// Every metric, in declaration order: `Metric::ALL[m.index()] == m`.
    pub const ALL: [Metric; 12] = [
        Metric::Count,
        Metric::SelectionRate,
        Metric::TruePositiveRate,
        Metric::FalsePositiveRate,
        Metric::FalseNegativeRate,
        Metric::TrueNegativeRate,
        Metric::PositivePredictiveValue,
        Metric::NegativePredictiveValue,
        Metric::Accuracy,
        Metric::BalancedAccuracy,
        Metric::ErrorRate,
        Metric::BaseRate,
    ];

    /// The position of the metric in [`Metric::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// Parses a snake_case key.
    pub fn from_name(name: &str) -> Option<Metric> {
        Metric::ALL.into_iter().find(|m| m.name() == name)
    }
}

fn ratio(num: f64, den: f64, zero: ZeroDivision) -> f64 {
    if den == 0.0 {
        match zero {
            ZeroDivision::Zero => 0.0,
            ZeroDivision::NaN => f64::NAN,
        }
    } else {
        num / den
    }
}

impl Confusion {
    /// Every metric of [`Metric::ALL`], in that order.
    pub fn rates(&self, zero: ZeroDivision) -> [f64; 12] {
        Metric::ALL.map(|m| self.rate_with(m, zero))
    }

    /// A metric with fairlearn's zero-division convention ([`ZeroDivision::Zero`]).
    pub fn rate(&self, metric: Metric) -> f64 {
        self.rate_with(metric, ZeroDivision::Zero)
    }

    /// A metric with an explicit zero-division convention.
    ///
    /// Rows with no mass at all (an empty intersection, or all weights zero) give NaN for
    /// every metric but [`Metric::Count`], whatever the convention. Otherwise: selection rate,
    /// accuracy, error and base rate always have a denominator; TPR, FNR, FPR, TNR, PPV and NPV
    /// follow `zero`; balanced accuracy averages the recalls of the classes present (so with one
    /// class it is that class's recall, as scikit-learn's).
    pub fn rate_with(&self, metric: Metric, zero: ZeroDivision) -> f64 {
        let (p, n, w) = (self.positives(), self.negatives(), self.total());
        if metric == Metric::Count {
            return self.rows as f64;
        }
        if w == 0.0 {
            return f64::NAN;
        }
        match metric {
            Metric::Count => unreachable!(),
            Metric::SelectionRate => (self.tp + self.fp) / w,
            Metric::TruePositiveRate => ratio(self.tp, p, zero),
            Metric::FalseNegativeRate => ratio(self.fn_, p, zero),
            Metric::FalsePositiveRate => ratio(self.fp, n, zero),
            Metric::TrueNegativeRate => ratio(self.tn, n, zero),
            Metric::PositivePredictiveValue => ratio(self.tp, self.tp + self.fp, zero),
            Metric::NegativePredictiveValue => ratio(self.tn, self.tn + self.fn_, zero),
            Metric::Accuracy => (self.tp + self.tn) / w,
            Metric::ErrorRate => (self.fp + self.fn_) / w,
            Metric::BaseRate => p / w,
            Metric::BalancedAccuracy => match (p > 0.0, n > 0.0) {
                (true, true) => (self.tp / p + self.tn / n) / 2.0,
                (true, false) => self.tp / p,
                (false, true) => self.tn / n,
                (false, false) => f64::NAN,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ConfusionTable;

    fn o1() -> ConfusionTable {
        let g = [0u32, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1];
        let y = [1, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0].map(|v| v == 1);
        let p = [1, 1, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0].map(|v| v == 1);
        ConfusionTable::accumulate(&y, &p, &g, 2, None).unwrap()
    }

    #[test]
    fn o1_per_group_rates_exactly() {
        use Metric::*;
        let t = o1();
        let expect: [(Metric, [f64; 3]); 9] = [
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
        for (m, [a, b, all]) in expect {
            assert_eq!(t.group(0).rate(m), a, "{m:?} a");
            assert_eq!(t.group(1).rate(m), b, "{m:?} b");
            assert!((t.overall().rate(m) - all).abs() < 1e-15, "{m:?} overall");
        }
        assert!((t.overall().rate(BalancedAccuracy) - 0.728571).abs() < 1e-6);
    }

    #[test]
    fn zero_denominators_follow_the_policy() {
        // E1: group b has no positives.
        let c = Confusion {
            tp: 0.0,
            fn_: 0.0,
            fp: 1.0,
            tn: 2.0,
            rows: 3,
        };
        assert_eq!(c.rate(Metric::TruePositiveRate), 0.0);
        assert!(
            c.rate_with(Metric::TruePositiveRate, ZeroDivision::NaN)
                .is_nan()
        );
        assert_eq!(c.rate(Metric::BalancedAccuracy), 2.0 / 3.0);
        let empty = Confusion::default();
        assert!(empty.rate(Metric::SelectionRate).is_nan());
        assert!(empty.rate(Metric::TruePositiveRate).is_nan());
        assert_eq!(empty.rate(Metric::Count), 0.0);
    }

    #[test]
    fn names_round_trip() {
        for m in Metric::ALL {
            assert_eq!(Metric::from_name(m.name()), Some(m));
            assert_eq!(Metric::ALL[m.index()], m);
        }
    }
}
