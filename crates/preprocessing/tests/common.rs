//! Fixtures shared by the tests.

use fairkit_core::{FairDataset, Groups};
use ndarray::Array2;

/// A dataset with one feature column per entry of `columns`, one sensitive column `g`.
pub fn dataset(columns: &[&[f64]], groups: &[&str], y: &[u8]) -> FairDataset {
    let n = groups.len();
    let x = Array2::from_shape_fn((n, columns.len()), |(i, j)| columns[j][i]);
    let g = Groups::from_labels("g", groups).unwrap();
    FairDataset::new(x, y.iter().map(|&v| v == 1).collect(), g).unwrap()
}

/// One feature `x` and integer group values (O13 style, docs/test-oracles.md#o13); labels are
/// all 0.
pub fn one_feature(x: &[f64], g: &[u32]) -> FairDataset {
    let labels: Vec<String> = g.iter().map(u32::to_string).collect();
    let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
    dataset(&[x], &labels, &vec![0; x.len()])
}

/// The first feature column.
pub fn column0(d: &FairDataset) -> Vec<f64> {
    d.features().column(0).to_vec()
}
