//! Fixtures shared by the integration tests (the test learners are fairkit-testkit's).

use fairkit_core::{FairDataset, Groups};
pub use fairkit_testkit::learners::{CellMajority, CellTable, WeightBlind};
use ndarray::Array2;

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
