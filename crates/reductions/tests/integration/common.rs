//! Test learners and fixtures shared by the integration tests.

use fairkit_core::{Classifier, FairDataset, Groups, Learner, LearnerError, WeightSupport};
use ndarray::{Array1, Array2, ArrayView1, ArrayView2};
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
    pub fn fit_dataset(&self, data: &FairDataset) -> CellTable {
        self.fit(data.features(), data.labels_view(), None).unwrap()
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

/// A dataset of `(cell, group, label)` rows, the cell as the only feature.
pub fn cells(rows: &[(u32, &str, bool)]) -> FairDataset {
    let x = Array2::from_shape_fn((rows.len(), 1), |(i, _)| rows[i].0 as f64);
    let groups: Vec<&str> = rows.iter().map(|r| r.1).collect();
    let y = rows.iter().map(|r| r.2).collect();
    FairDataset::new(x, y, Groups::from_labels("g", &groups).unwrap()).unwrap()
}

/// O9's 21 rows (docs/test-oracles.md#o9): per cell, group a then group b, positives then
/// negatives.
pub fn o9() -> FairDataset {
    let table: [(u32, [usize; 2], [usize; 2]); 4] = [
        (0, [3, 1], [1, 1]),
        (1, [2, 1], [1, 3]),
        (2, [1, 1], [0, 3]),
        (3, [0, 1], [0, 2]),
    ];
    let mut rows = Vec::new();
    for (cell, a, b) in table {
        for (group, [pos, neg]) in [("a", a), ("b", b)] {
            rows.extend(std::iter::repeat_n((cell, group, true), pos));
            rows.extend(std::iter::repeat_n((cell, group, false), neg));
        }
    }
    cells(&rows)
}

/// Mean of `values` over the rows of group `code`.
pub fn group_mean(data: &FairDataset, values: &[f64], code: u32) -> f64 {
    let (sum, count) = data
        .groups()
        .codes()
        .iter()
        .zip(values)
        .filter(|(c, _)| **c == code)
        .fold((0.0, 0.0), |(s, n), (_, v)| (s + v, n + 1.0));
    sum / count
}

/// Expected error of probabilities `p` against the labels.
pub fn expected_error(data: &FairDataset, p: &[f64]) -> f64 {
    let total: f64 = data
        .labels()
        .iter()
        .zip(p)
        .map(|(&y, &p)| if y { 1.0 - p } else { p })
        .sum();
    total / p.len() as f64
}
