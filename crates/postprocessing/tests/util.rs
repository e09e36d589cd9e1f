//! Helpers shared by the integration tests.
#![allow(dead_code)]

use fairkit_core::{FairDataset, Groups};
pub use fairkit_testkit::learners::FirstFeature;
use ndarray::Array2;

/// A dataset of `(score, label, group)` rows with the score as the one feature.
pub fn dataset(rows: &[(f64, u8, &str)]) -> FairDataset {
    let x = Array2::from_shape_fn((rows.len(), 1), |(i, _)| rows[i].0);
    let y = rows.iter().map(|r| r.1 == 1).collect();
    let g: Vec<&str> = rows.iter().map(|r| r.2).collect();
    FairDataset::new(x, y, Groups::from_labels("g", &g).unwrap()).unwrap()
}

/// O10 rows (docs/test-oracles.md#o10).
pub const O10: [(f64, u8, &str); 8] = [
    (0.9, 1, "a"),
    (0.8, 1, "a"),
    (0.3, 0, "a"),
    (0.2, 0, "a"),
    (0.7, 1, "b"),
    (0.6, 0, "b"),
    (0.4, 1, "b"),
    (0.1, 0, "b"),
];

/// O10b rows (docs/test-oracles.md#o10b): group a of O10, group b with six rows.
pub const O10B: [(f64, u8, &str); 10] = [
    (0.9, 1, "a"),
    (0.8, 1, "a"),
    (0.3, 0, "a"),
    (0.2, 0, "a"),
    (0.7, 1, "b"),
    (0.6, 0, "b"),
    (0.5, 0, "b"),
    (0.4, 0, "b"),
    (0.35, 0, "b"),
    (0.1, 0, "b"),
];

/// Expected rates of a probability vector on labelled rows of one group code.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Expected {
    pub selection_rate: f64,
    pub tpr: f64,
    pub fpr: f64,
    pub accuracy: f64,
}

pub fn expected(p: &[f64], y: &[bool], codes: &[u32], code: Option<u32>) -> Expected {
    let (mut n, mut pos, mut neg, mut sel, mut tp, mut fp, mut correct) =
        (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
    for i in 0..p.len() {
        if code.is_some_and(|c| c != codes[i]) {
            continue;
        }
        n += 1.0;
        sel += p[i];
        if y[i] {
            pos += 1.0;
            tp += p[i];
            correct += p[i];
        } else {
            neg += 1.0;
            fp += p[i];
            correct += 1.0 - p[i];
        }
    }
    Expected {
        selection_rate: sel / n,
        tpr: tp / pos,
        fpr: fp / neg,
        accuracy: correct / n,
    }
}
