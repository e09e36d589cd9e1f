//! The weight conformance check: does a learner's fit really honour sample weights?
//!
//! Three properties on seeded synthetic data (fresh probe rows for comparing models):
//! 1. **duplicated**: integer weights in {1, 2, 3} give the model fitted on the rows repeated that
//!    many times without weights;
//! 2. **dropped**: weights in {0, 1} give the model fitted on the rows of weight 1;
//! 3. **shifted**: moving weight towards the label-`true` rows changes predictions.
//!
//! Only learners that pass may report [`WeightSupport::Honoured`](fairkit_core::WeightSupport).

use fairkit_core::{Classifier, Learner, LearnerError, rng};
use ndarray::{Array1, Array2, ArrayView2, Axis};

/// Largest score difference (probability of label `true`) that still counts as the same model.
pub const SCORE_TOLERANCE: f64 = 1e-6;

/// Rows of the synthetic training data.
const TRAIN_ROWS: usize = 150;
/// Rows on which fitted models are compared.
const PROBE_ROWS: usize = 400;
/// Features of the synthetic data.
const FEATURES: usize = 3;

/// What the check measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Conformance {
    /// Largest score difference between the integer-weighted and the duplicated-rows model.
    pub duplicated_score_diff: f64,
    /// Probe rows whose predicted label differs between those two models.
    pub duplicated_mismatches: usize,
    /// Largest score difference between the zero-weighted and the dropped-rows model.
    pub dropped_score_diff: f64,
    /// Probe rows whose predicted label differs between those two models.
    pub dropped_mismatches: usize,
    /// Probe rows whose predicted label changes when weight shifts towards label `true`.
    pub shifted_changes: usize,
    /// Number of probe rows.
    pub probe_rows: usize,
}

impl Conformance {
    /// Whether all three properties hold: same predictions and scores within
    /// [`SCORE_TOLERANCE`] for duplicated and dropped rows, and at least one changed prediction
    /// when weight shifts.
    pub fn passes(&self) -> bool {
        self.duplicated_mismatches == 0
            && self.dropped_mismatches == 0
            && self.duplicated_score_diff <= SCORE_TOLERANCE
            && self.dropped_score_diff <= SCORE_TOLERANCE
            && self.shifted_changes > 0
    }
}

/// Standard normal features (Box-Muller) and labels from a logistic model on them.
fn synthetic(seed: u64, rows: usize) -> (Array2<f64>, Array1<bool>) {
    let mut rng = rng::seeded(seed);
    let x = Array2::from_shape_fn((rows, FEATURES), |_| {
        let u = 1.0 - rng::uniform(&mut rng);
        let v = rng::uniform(&mut rng);
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    });
    let y = x
        .rows()
        .into_iter()
        .map(|r| {
            let z = 1.5 * r[0] - r[1] + 0.5 * r[2] - 0.3;
            rng::uniform(&mut rng) < 1.0 / (1.0 + (-z).exp())
        })
        .collect();
    (x, y)
}

/// Largest score difference and number of prediction mismatches of two models on `probe`.
fn compare<C: Classifier>(a: &C, b: &C, probe: ArrayView2<'_, f64>) -> (f64, usize) {
    let diff = (a.score(probe) - b.score(probe))
        .iter()
        .fold(0.0_f64, |m, d| m.max(d.abs()));
    let mismatches = a
        .predict(probe)
        .iter()
        .zip(b.predict(probe).iter())
        .filter(|(p, q)| p != q)
        .count();
    (diff, mismatches)
}

/// Runs the check on data made from `seed`.
///
/// # Errors
/// A fit that fails.
pub fn check<L: Learner>(learner: &L, seed: u64) -> Result<Conformance, LearnerError> {
    let (x, y) = synthetic(seed, TRAIN_ROWS);
    let (probe, _) = synthetic(seed.wrapping_add(1), PROBE_ROWS);
    let mut rng = rng::stream(seed, 1);

    // 1. integer weights vs duplicated rows
    let counts: Vec<usize> = (0..TRAIN_ROWS)
        .map(|_| 1 + rng::index(&mut rng, 3))
        .collect();
    let weights = Array1::from_iter(counts.iter().map(|&c| c as f64));
    let repeated: Vec<usize> = (0..TRAIN_ROWS)
        .flat_map(|i| std::iter::repeat_n(i, counts[i]))
        .collect();
    let weighted = learner.fit(x.view(), y.view(), Some(weights.view()))?;
    let duplicated = learner.fit(
        x.select(Axis(0), &repeated).view(),
        y.select(Axis(0), &repeated).view(),
        None,
    )?;
    let (duplicated_score_diff, duplicated_mismatches) =
        compare(&weighted, &duplicated, probe.view());

    // 2. zero weights vs dropped rows
    let keep: Vec<bool> = (0..TRAIN_ROWS)
        .map(|_| rng::uniform(&mut rng) >= 0.3)
        .collect();
    let weights = Array1::from_iter(keep.iter().map(|&k| f64::from(u8::from(k))));
    let kept: Vec<usize> = (0..TRAIN_ROWS).filter(|&i| keep[i]).collect();
    let zeroed = learner.fit(x.view(), y.view(), Some(weights.view()))?;
    let dropped = learner.fit(
        x.select(Axis(0), &kept).view(),
        y.select(Axis(0), &kept).view(),
        None,
    )?;
    let (dropped_score_diff, dropped_mismatches) = compare(&zeroed, &dropped, probe.view());

    // 3. shifting weight towards label `true`
    let plain = learner.fit(x.view(), y.view(), None)?;
    let weights = y.mapv(|label| if label { 4.0 } else { 0.25 });
    let shifted = learner.fit(x.view(), y.view(), Some(weights.view()))?;
    let (_, shifted_changes) = compare(&plain, &shifted, probe.view());

    Ok(Conformance {
        duplicated_score_diff,
        duplicated_mismatches,
        dropped_score_diff,
        dropped_mismatches,
        shifted_changes,
        probe_rows: PROBE_ROWS,
    })
}
