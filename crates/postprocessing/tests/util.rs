//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

use fairkit_core::{Classifier, FairDataset, Groups};
use ndarray::{Array1, Array2, ArrayView2};

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

/// The shared folder beside the repository (`../../../shared` from this crate).
pub fn shared_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
}

/// A shared file, or `None` with a notice when it is absent (a panic under
/// `FAIRKIT_REQUIRE_SHARED=1`).
pub fn shared_or_skip(relative: &str) -> Option<PathBuf> {
    let path = shared_dir().join(relative);
    if path.exists() {
        return Some(path);
    }
    if std::env::var("FAIRKIT_REQUIRE_SHARED").as_deref() == Ok("1") {
        panic!("required shared file {} is missing", path.display());
    }
    eprintln!("skipping: shared file {} is absent", path.display());
    None
}
