//! Reweighing: O4 (docs/test-oracles.md#o4), invariants, the learner guard and bad input.

use fairkit_core::{Classifier, Error, FairDataset, Groups, Learner, LearnerError, WeightSupport};
use fairkit_preprocessing::{PreprocessingError, Reweighing, require_weight_support};
use ndarray::{Array1, ArrayView1, ArrayView2};
use proptest::prelude::*;

use crate::common::dataset;

const O1_GROUPS: [&str; 12] = ["a", "a", "a", "a", "a", "a", "b", "b", "b", "b", "b", "b"];
const O1_Y: [u8; 12] = [1, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0];

fn o1() -> FairDataset {
    dataset(&[&[0.0; 12]], &O1_GROUPS, &O1_Y)
}

/// Weighted base rate of each group with rows.
fn base_rates(data: &FairDataset, w: &[f64]) -> Vec<f64> {
    let n = data.groups().n_groups();
    let (mut pos, mut all) = (vec![0.0; n], vec![0.0; n]);
    for ((&c, &y), &w) in data.groups().codes().iter().zip(data.labels()).zip(w) {
        all[c as usize] += w;
        if y {
            pos[c as usize] += w;
        }
    }
    pos.iter()
        .zip(&all)
        .filter(|(_, a)| **a > 0.0)
        .map(|(p, a)| p / a)
        .collect()
}

#[test]
fn o4_factors_weights_and_base_rates() {
    let data = o1();
    let rw = Reweighing::fit(&data).unwrap();
    assert_eq!(rw.factor(0, true), Some(5.0 / 6.0));
    assert_eq!(rw.factor(0, false), Some(7.0 / 6.0));
    assert_eq!(rw.factor(1, true), Some(5.0 / 4.0));
    assert_eq!(rw.factor(1, false), Some(7.0 / 8.0));
    assert_eq!(rw.total_mass(), 12.0);
    assert_eq!(rw.cell_mass(1, false), 4.0);
    let w = rw.weights(&data).unwrap();
    let mut expected = vec![5.0 / 6.0; 3];
    expected.extend([7.0 / 6.0; 3]);
    expected.extend([5.0 / 4.0; 2]);
    expected.extend([7.0 / 8.0; 4]);
    assert_eq!(w, expected);
    assert!((w.iter().sum::<f64>() - 12.0).abs() < 1e-12);
    for rate in base_rates(&data, &w) {
        assert!((rate - 5.0 / 12.0).abs() < 1e-15, "{rate}");
    }
    // transform puts the weights in the dataset and changes nothing else.
    let out = Reweighing::fit_transform(&data).unwrap();
    assert_eq!(out.weights().unwrap(), &expected[..]);
    assert_eq!(out.clone().without_weights(), data);
}

#[test]
fn existing_weights_multiply() {
    // O1 with sample weights [2,1,1,1,1,1, 1,1,1,1,1,3]: n = 15, n_a = 7, n_b = 8,
    // n_fav = 6 (a: 2+1+1, b: 1+1), cells a+ = 4, a- = 3, b+ = 2, b- = 6.
    let sw = vec![2.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 3.0];
    let data = o1().with_weights(sw.clone()).unwrap();
    let rw = Reweighing::fit(&data).unwrap();
    assert_eq!(rw.factor(0, true), Some(6.0 * 7.0 / (15.0 * 4.0)));
    assert_eq!(rw.factor(1, false), Some(9.0 * 8.0 / (15.0 * 6.0)));
    let w = rw.weights(&data).unwrap();
    assert_eq!(w[0], 2.0 * rw.factor(0, true).unwrap());
    assert_eq!(w[11], 3.0 * rw.factor(1, false).unwrap());
    assert!((w.iter().sum::<f64>() - 15.0).abs() < 1e-12);
    for rate in base_rates(&data, &w) {
        assert!((rate - 6.0 / 15.0).abs() < 1e-15, "{rate}");
    }
}

#[test]
fn intersectional_groups_and_empty_cells() {
    // sex x race, with (M, y) all positive and (F, y) empty (the layout of E4,
    // docs/test-oracles.md#e4).
    let g = Groups::from_columns(
        &["sex", "race"],
        &[
            vec!["F", "F", "M", "M", "M", "M"],
            vec!["x", "x", "x", "x", "y", "y"],
        ],
    )
    .unwrap();
    let y = [1, 0, 1, 0, 1, 1].map(|v| v == 1).to_vec();
    let data = FairDataset::new(ndarray::Array2::zeros((6, 1)), y, g).unwrap();
    let rw = Reweighing::fit(&data).unwrap();
    // Codes: (F,x)=0, (F,y)=1, (M,x)=2, (M,y)=3. n = 6, n_fav = 4, n_unfav = 2.
    assert_eq!(rw.factor(0, true), Some(4.0 * 2.0 / (6.0 * 1.0)));
    assert_eq!(rw.factor(1, true), None);
    assert_eq!(rw.factor(1, false), None);
    assert_eq!(rw.factor(3, false), None);
    assert_eq!(rw.factor(3, true), Some(4.0 * 2.0 / (6.0 * 2.0)));
    // (M, y) has no negatives, so the mass a (M, y, 0) cell would get is missing: the weights
    // are 4/3, 2/3, 4/3, 2/3, 2/3, 2/3 and sum to 16/3, not 6.
    let w = rw.weights(&data).unwrap();
    assert!((w.iter().sum::<f64>() - 16.0 / 3.0).abs() < 1e-12);
    // A positive-weight row in the empty cell (M, y, label 0) cannot be weighed...
    let g_new = Groups::from_columns(&["sex", "race"], &[vec!["M"], vec!["y"]]).unwrap();
    let new = FairDataset::new(ndarray::Array2::zeros((1, 1)), vec![false], g_new).unwrap();
    assert!(matches!(
        rw.weights(&new),
        Err(PreprocessingError::EmptyCell { label: 0, .. })
    ));
    // ...unless its weight is 0; and a group without rows at fit time is unseen.
    assert_eq!(
        rw.weights(&new.clone().with_weights(vec![0.0]).unwrap())
            .unwrap(),
        vec![0.0]
    );
    let g_unseen = Groups::from_columns(&["sex", "race"], &[vec!["F"], vec!["y"]]).unwrap();
    let unseen = FairDataset::new(ndarray::Array2::zeros((1, 1)), vec![true], g_unseen).unwrap();
    assert!(matches!(
        rw.weights(&unseen),
        Err(PreprocessingError::Core(Error::UnseenGroup { .. }))
    ));
}

#[test]
fn bad_input_is_an_error() {
    let single_group = dataset(&[&[0.0; 3]], &["a", "a", "a"], &[1, 0, 1]);
    assert!(matches!(
        Reweighing::fit(&single_group),
        Err(PreprocessingError::Core(Error::SingleGroup { .. }))
    ));
    let single_class = dataset(&[&[0.0; 4]], &["a", "b", "a", "b"], &[1, 1, 1, 1]);
    assert!(matches!(
        Reweighing::fit(&single_class),
        Err(PreprocessingError::Core(Error::SingleClass { .. }))
    ));
    let empty = o1().select(&[]);
    assert!(matches!(
        Reweighing::fit(&empty),
        Err(PreprocessingError::Core(Error::Empty { .. }))
    ));
    let zero = o1().with_weights(vec![0.0; 12]).unwrap();
    assert!(matches!(
        Reweighing::fit(&zero),
        Err(PreprocessingError::Core(Error::InvalidParameter { .. }))
    ));
    // A group with a single row is fine: its one cell gets a factor, the other none.
    let lone = dataset(&[&[0.0; 4]], &["a", "a", "a", "b"], &[1, 0, 0, 1]);
    let rw = Reweighing::fit(&lone).unwrap();
    assert_eq!(rw.factor(1, true), Some(2.0 * 1.0 / (4.0 * 1.0)));
    assert_eq!(rw.factor(1, false), None);
}

/// A learner that predicts the weighted majority label, with a chosen weight support.
struct Majority(WeightSupport);

#[derive(Clone)]
struct Constant(bool);

impl Classifier for Constant {
    fn n_features(&self) -> usize {
        1
    }
    fn predict(&self, x: ArrayView2<'_, f64>) -> Array1<bool> {
        Array1::from_elem(x.nrows(), self.0)
    }
    fn score(&self, x: ArrayView2<'_, f64>) -> Array1<f64> {
        Array1::from_elem(x.nrows(), f64::from(u8::from(self.0)))
    }
}

impl Learner for Majority {
    type Model = Constant;
    fn name(&self) -> String {
        "majority".into()
    }
    fn weight_support(&self) -> WeightSupport {
        self.0
    }
    fn fit(
        &self,
        _x: ArrayView2<'_, f64>,
        y: ArrayView1<'_, bool>,
        weights: Option<ArrayView1<'_, f64>>,
    ) -> Result<Constant, LearnerError> {
        let w = weights.ok_or_else(|| LearnerError::new("majority", "weights expected"))?;
        let pos: f64 = y.iter().zip(&w).filter(|(y, _)| **y).map(|(_, w)| w).sum();
        Ok(Constant(2.0 * pos > w.sum()))
    }
}

#[test]
fn learners_must_honour_weights() {
    let data = o1();
    let rw = Reweighing::fit(&data).unwrap();
    // Unweighted, 5 of 12 are positive; reweighed the positive mass is still 5 of 12.
    let model = rw
        .fit_learner(&Majority(WeightSupport::Honoured), &data)
        .unwrap();
    assert!(!model.0);
    let ignored = Majority(WeightSupport::Ignored);
    assert!(matches!(
        rw.fit_learner(&ignored, &data),
        Err(PreprocessingError::Core(Error::IgnoresWeights { ref learner, ref method }))
            if learner == "majority" && method == "reweighing"
    ));
    assert!(require_weight_support(&Majority(WeightSupport::Honoured), "x").is_ok());
    // The real learners: linfa-logistic as published ignores weights, fairkit's own honours them.
    assert!(matches!(
        rw.fit_learner(&fairkit_learners::LinfaLogistic::default(), &data),
        Err(PreprocessingError::Core(Error::IgnoresWeights { .. }))
    ));
    let x = ndarray::Array2::from_shape_fn((12, 1), |(i, _)| i as f64);
    let data = data.with_features(x).unwrap();
    assert!(
        rw.fit_learner(&fairkit_learners::Logistic::params(), &data)
            .is_ok()
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Every group whose two cells have weight ends at the overall base rate, and the total
    /// weight is kept when that holds for every group; with two sensitive columns the cells
    /// are intersectional.
    #[test]
    fn weights_make_group_and_label_independent(
        rows in prop::collection::vec((0u8..2, 0u8..3, any::<bool>(), 0.0f64..3.0), 8..60)
    ) {
        let sex: Vec<String> = rows.iter().map(|r| r.0.to_string()).collect();
        let race: Vec<String> = rows.iter().map(|r| r.1.to_string()).collect();
        let g = Groups::from_columns(&["sex", "race"], &[sex, race]).unwrap();
        let y: Vec<bool> = rows.iter().map(|r| r.2).collect();
        let sw: Vec<f64> = rows.iter().map(|r| r.3).collect();
        let data = FairDataset::new(ndarray::Array2::zeros((rows.len(), 1)), y, g)
            .unwrap()
            .with_weights(sw.clone())
            .unwrap();
        let Ok(rw) = Reweighing::fit(&data) else { return Ok(()) };
        let w = rw.weights(&data).unwrap();
        let total: f64 = sw.iter().sum();
        let full = (0..6).all(|c| {
            rw.cell_mass(c, true) + rw.cell_mass(c, false) == 0.0
                || (rw.factor(c, true).is_some() && rw.factor(c, false).is_some())
        });
        if full {
            prop_assert!((w.iter().sum::<f64>() - total).abs() < 1e-9 * total.max(1.0));
        }
        let overall = (0..6).map(|c| rw.cell_mass(c, true)).sum::<f64>() / total;
        for c in 0..6u32 {
            if rw.factor(c, true).is_some() && rw.factor(c, false).is_some() {
                let (p, n) = data
                    .groups()
                    .codes()
                    .iter()
                    .zip(data.labels())
                    .zip(&w)
                    .filter(|((code, _), _)| **code == c)
                    .fold((0.0, 0.0), |(p, n), ((_, &y), &w)| {
                        (p + if y { w } else { 0.0 }, n + w)
                    });
                prop_assert!((p / n - overall).abs() < 1e-9, "{} vs {}", p / n, overall);
            }
        }
    }
}
