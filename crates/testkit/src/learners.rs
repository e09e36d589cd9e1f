//! Deterministic learners for the tests of the mitigation crates, which never name a concrete
//! learner (docs/test-oracles.md#o9, docs/test-oracles.md#o10).

use fairkit_core::{
    Classifier, FairDataset, Groups, Learner, LearnerError, Predictor, WeightSupport,
    classifier_expected,
};
use ndarray::{Array1, ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};

/// O9's deterministic learner (docs/test-oracles.md#o9): column 0 holds an integer cell, and the
/// model predicts 1 for a cell iff the weighted mass of label 1 there is strictly greater than that
/// of label 0.
#[derive(Debug, Clone, Copy)]
pub struct CellMajority;

/// The fitted cell table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CellTable(pub Vec<bool>);

impl Classifier for CellTable {
    fn n_features(&self) -> usize {
        1
    }

    fn predict(&self, x: ArrayView2<'_, f64>) -> Array1<bool> {
        x.column(0)
            .iter()
            .map(|&c| self.0.get(c as usize).copied().unwrap_or(false))
            .collect()
    }

    fn score(&self, x: ArrayView2<'_, f64>) -> Array1<f64> {
        self.predict(x).mapv(|p| f64::from(u8::from(p)))
    }
}

/// A deterministic predictor of the cell table; a table without cells is inconsistent (so
/// tests see whether a reduction's check reaches its models).
impl Predictor for CellTable {
    fn n_features(&self) -> usize {
        1
    }

    fn expected(&self, x: ArrayView2<'_, f64>, _groups: &Groups) -> fairkit_core::Result<Vec<f64>> {
        classifier_expected(self, x)
    }

    fn validate(&self) -> fairkit_core::Result<()> {
        if self.0.is_empty() {
            Err(fairkit_core::Error::inconsistent(
                "cell table",
                "it has no cells",
            ))
        } else {
            Ok(())
        }
    }
}

impl Learner for CellMajority {
    type Model = CellTable;

    fn name(&self) -> String {
        "cell_majority".into()
    }

    fn weight_support(&self) -> WeightSupport {
        WeightSupport::Honoured
    }

    fn fit(
        &self,
        x: ArrayView2<'_, f64>,
        y: ArrayView1<'_, bool>,
        weights: Option<ArrayView1<'_, f64>>,
    ) -> Result<CellTable, LearnerError> {
        let n_cells = x
            .column(0)
            .iter()
            .map(|&c| c as usize + 1)
            .max()
            .unwrap_or(0);
        let mut mass = vec![[0.0f64; 2]; n_cells];
        for (i, (&c, &label)) in x.column(0).iter().zip(y).enumerate() {
            let w = weights.map_or(1.0, |w| w[i]);
            mass[c as usize][usize::from(label)] += w;
        }
        Ok(CellTable(mass.iter().map(|m| m[1] > m[0]).collect()))
    }
}

impl CellMajority {
    /// Fits on a whole dataset, unweighted.
    ///
    /// # Panics
    /// Never: the fit cannot fail.
    pub fn fit_dataset(&self, data: &FairDataset) -> CellTable {
        match self.fit(data.features(), data.labels_view(), None) {
            Ok(table) => table,
            Err(e) => panic!("the cell majority fits every dataset: {e}"),
        }
    }
}

/// A learner that says it ignores weights.
#[derive(Debug, Clone, Copy)]
pub struct WeightBlind;

impl Learner for WeightBlind {
    type Model = CellTable;

    fn name(&self) -> String {
        "weight_blind".into()
    }

    fn weight_support(&self) -> WeightSupport {
        WeightSupport::Ignored
    }

    fn fit(
        &self,
        x: ArrayView2<'_, f64>,
        y: ArrayView1<'_, bool>,
        _weights: Option<ArrayView1<'_, f64>>,
    ) -> Result<CellTable, LearnerError> {
        CellMajority.fit(x, y, None)
    }
}

/// A "model" whose score is the first feature (O10, docs/test-oracles.md#o10:
/// `predict_method = "predict"` on the identity).
#[derive(Debug, Clone)]
pub struct FirstFeature;

impl Classifier for FirstFeature {
    fn n_features(&self) -> usize {
        1
    }

    fn predict(&self, x: ArrayView2<'_, f64>) -> Array1<bool> {
        x.column(0).mapv(|v| v > 0.5)
    }

    fn score(&self, x: ArrayView2<'_, f64>) -> Array1<f64> {
        x.column(0).to_owned()
    }
}
