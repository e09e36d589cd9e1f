//! The score metrics of one set of rows, with scikit-learn's conventions
//! (docs/metrics.md#score-metrics).

/// Rows of labels, scores and optional weights (validated by the caller: equal lengths,
/// finite scores, finite non-negative weights).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rows<'a> {
    pub y: &'a [bool],
    pub s: &'a [f64],
    pub w: Option<&'a [f64]>,
}

impl Rows<'_> {
    fn weight(&self, i: usize) -> f64 {
        self.w.map_or(1.0, |w| w[i])
    }
}

/// A sum with Neumaier's compensation: at least as accurate as numpy's pairwise sum, so the
/// means below agree with numpy's to a few units in the last place.
#[derive(Debug, Clone, Copy, Default)]
struct Sum {
    sum: f64,
    comp: f64,
}

impl Sum {
    fn add(&mut self, x: f64) {
        let t = self.sum + x;
        if self.sum.abs() >= x.abs() {
            self.comp += (self.sum - t) + x;
        } else {
            self.comp += (x - t) + self.sum;
        }
        self.sum = t;
    }

    fn value(&self) -> f64 {
        self.sum + self.comp
    }
}

/// The cumulative (weighted) true and false positives at each distinct score, from the highest
/// score down: scikit-learn's `_binary_clf_curve` (docs/metrics.md#roc-auc).
fn clf_curve(r: &Rows<'_>) -> Vec<(f64, f64)> {
    let mut order: Vec<usize> = (0..r.y.len()).collect();
    // Descending scores; the order inside a tie does not matter (sums are taken after it).
    order.sort_by(|&a, &b| r.s[b].total_cmp(&r.s[a]));
    let mut out = Vec::new();
    let (mut tp, mut fp) = (0.0, 0.0);
    for (k, &i) in order.iter().enumerate() {
        let w = r.weight(i);
        if r.y[i] {
            tp += w;
        } else {
            fp += w;
        }
        let last_of_tie = order.get(k + 1).is_none_or(|&j| r.s[j] != r.s[i]);
        if last_of_tie {
            out.push((tp, fp));
        }
    }
    out
}

/// ROC AUC as scikit-learn's `roc_auc_score`: the trapezoids under the ROC curve through every
/// distinct score, so a tied positive/negative pair counts one half. NaN with one class only
/// (or no weight on one class).
pub(crate) fn roc_auc(r: &Rows<'_>) -> f64 {
    let curve = clf_curve(r);
    let Some(&(p, n)) = curve.last() else {
        return f64::NAN;
    };
    if p == 0.0 || n == 0.0 {
        return f64::NAN;
    }
    let mut area = Sum::default();
    let (mut tpr0, mut fpr0) = (0.0, 0.0);
    for &(tp, fp) in &curve {
        let (tpr, fpr) = (tp / p, fp / n);
        area.add((fpr - fpr0) * (tpr + tpr0) / 2.0);
        (tpr0, fpr0) = (tpr, fpr);
    }
    area.value()
}

/// Average precision as scikit-learn's `average_precision_score`: `Σ_k (R_k − R_{k−1}) P_k`
/// over the distinct scores in decreasing order. Without positives recall is 1 at every
/// threshold (so AP is 0); without any row, NaN.
pub(crate) fn average_precision(r: &Rows<'_>) -> f64 {
    let curve = clf_curve(r);
    let Some(&(p, _)) = curve.last() else {
        return f64::NAN;
    };
    let mut ap = Sum::default();
    let mut recall0 = 0.0;
    for &(tp, fp) in &curve {
        let selected = tp + fp;
        let precision = if selected != 0.0 { tp / selected } else { 0.0 };
        let recall = if p == 0.0 { 1.0 } else { tp / p };
        ap.add((recall - recall0) * precision);
        recall0 = recall;
    }
    ap.value()
}

/// A (weighted) mean of `f(i)` over the rows; NaN without weight.
fn mean(r: &Rows<'_>, f: impl Fn(usize) -> f64) -> f64 {
    let (mut num, mut den) = (Sum::default(), Sum::default());
    for i in 0..r.y.len() {
        let w = r.weight(i);
        num.add(w * f(i));
        den.add(w);
    }
    num.value() / den.value()
}

/// The Brier score, scikit-learn's `brier_score_loss`: the (weighted) mean of `(s − y)²`.
pub(crate) fn brier(r: &Rows<'_>) -> f64 {
    mean(r, |i| {
        let d = r.s[i] - f64::from(u8::from(r.y[i]));
        d * d
    })
}

/// Machine epsilon of `f64`, scikit-learn's clipping bound for the log loss.
pub(crate) const LOG_LOSS_EPS: f64 = f64::EPSILON;

/// The log loss, scikit-learn's `log_loss(y, s, labels=[0, 1])`: the probabilities
/// `[1 − s, s]` clipped to `[ε, 1 − ε]` (ε = machine epsilon) and renormalized to sum 1, then
/// the (weighted) mean of `−ln` of the true class's probability.
pub(crate) fn log_loss(r: &Rows<'_>) -> f64 {
    mean(r, |i| {
        let clip = |p: f64| p.clamp(LOG_LOSS_EPS, 1.0 - LOG_LOSS_EPS);
        let (q0, q1) = (clip(1.0 - r.s[i]), clip(r.s[i]));
        let p = if r.y[i] { q1 } else { q0 };
        -(p / (q0 + q1)).ln()
    })
}

/// How a calibration curve bins the scores (docs/metrics.md#calibration-curve).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Binning {
    /// Edges `k / n_bins` (numpy's `linspace(0, 1, n_bins + 1)`).
    Uniform,
    /// Edges at the scores' percentiles `100 k / n_bins` (numpy's `percentile`, `linear`).
    Quantile,
}

impl Binning {
    /// Both, in this order.
    pub const ALL: [Binning; 2] = [Binning::Uniform, Binning::Quantile];

    /// The snake_case name, `uniform` or `quantile`.
    pub fn name(self) -> &'static str {
        match self {
            Binning::Uniform => "uniform",
            Binning::Quantile => "quantile",
        }
    }
}

/// A calibration curve: per non-empty bin, the fraction of positives against the mean score,
/// as scikit-learn's `calibration_curve` (with weights: weighted fractions and means).
#[derive(Debug, Clone, PartialEq)]
pub struct CalibrationCurve {
    /// The binning.
    pub binning: Binning,
    /// The `n_bins + 1` edges used.
    pub edges: Vec<f64>,
    /// The 0-based index of each non-empty bin, ascending.
    pub bins: Vec<usize>,
    /// Rows in each non-empty bin.
    pub counts: Vec<u64>,
    /// Weight in each non-empty bin (equal to `counts` without weights).
    pub weights: Vec<f64>,
    /// Fraction of positives (weighted) in each non-empty bin: `prob_true`.
    pub prob_true: Vec<f64>,
    /// Mean score (weighted) in each non-empty bin: `prob_pred`.
    pub prob_pred: Vec<f64>,
}

/// numpy's `linspace(0, 1, n + 1)`: `k · (1 / n)`, the last exactly 1.
fn linspace01(n: usize) -> Vec<f64> {
    let step = 1.0 / n as f64;
    let mut e: Vec<f64> = (0..=n).map(|k| k as f64 * step).collect();
    e[n] = 1.0;
    e
}

/// The bin edges of `binning` for these scores.
pub(crate) fn edges(binning: Binning, s: &[f64], n_bins: usize) -> Vec<f64> {
    let lin = linspace01(n_bins);
    match binning {
        Binning::Uniform => lin,
        Binning::Quantile => {
            let mut sorted = s.to_vec();
            sorted.sort_by(f64::total_cmp);
            // numpy's percentile(s, linspace * 100) divides the percentages by 100 again.
            lin.iter()
                .map(|&q| crate::quantile_linear(&sorted, q * 100.0 / 100.0))
                .collect()
        }
    }
}

/// numpy's `searchsorted(edges[1:-1], s)` (side left): the number of inner edges below `s`.
fn bin_of(inner: &[f64], s: f64) -> usize {
    inner.partition_point(|&e| e < s)
}

/// The calibration curve of the rows with `n_bins` bins: scikit-learn's `calibration_curve`
/// (sums in row order as `np.bincount`), weighted when the rows are.
pub(crate) fn calibration_curve(r: &Rows<'_>, binning: Binning, n_bins: usize) -> CalibrationCurve {
    let edges = edges(binning, r.s, n_bins);
    let inner = &edges[1..n_bins];
    let mut count = vec![0u64; n_bins];
    let mut total = vec![0.0; n_bins];
    let mut sum_s = vec![0.0; n_bins];
    let mut sum_y = vec![0.0; n_bins];
    for i in 0..r.y.len() {
        let b = bin_of(inner, r.s[i]);
        let w = r.weight(i);
        count[b] += 1;
        total[b] += w;
        sum_s[b] += w * r.s[i];
        sum_y[b] += w * f64::from(u8::from(r.y[i]));
    }
    let mut c = CalibrationCurve {
        binning,
        edges: edges.clone(),
        bins: Vec::new(),
        counts: Vec::new(),
        weights: Vec::new(),
        prob_true: Vec::new(),
        prob_pred: Vec::new(),
    };
    for b in 0..n_bins {
        // A bin with rows but no weight has no fraction: it is left out, as an empty one.
        if count[b] == 0 || total[b] == 0.0 {
            continue;
        }
        c.bins.push(b);
        c.counts.push(count[b]);
        c.weights.push(total[b]);
        c.prob_true.push(sum_y[b] / total[b]);
        c.prob_pred.push(sum_s[b] / total[b]);
    }
    c
}

impl CalibrationCurve {
    /// The expected calibration error of the curve: `Σ_b W_b |prob_true_b − prob_pred_b| /
    /// Σ_b W_b` over its non-empty bins (`W_b`: rows, or weight with weights); NaN without bins.
    pub fn ece(&self) -> f64 {
        let mut num = 0.0;
        let mut den = 0.0;
        for ((w, t), p) in self
            .weights
            .iter()
            .zip(&self.prob_true)
            .zip(&self.prob_pred)
        {
            num += w * (t - p).abs();
            den += w;
        }
        num / den
    }
}

/// The five metrics of [`super::ScoreMetric::ALL`] for these rows; `n_bins` uniform bins for
/// the ECE.
pub(crate) fn all(r: &Rows<'_>, n_bins: usize) -> [f64; 5] {
    let weight: f64 = r.w.map_or(r.y.len() as f64, |w| w.iter().sum());
    if r.y.is_empty() || weight == 0.0 {
        return [f64::NAN; 5];
    }
    [
        roc_auc(r),
        average_precision(r),
        brier(r),
        log_loss(r),
        calibration_curve(r, Binning::Uniform, n_bins).ece(),
    ]
}
