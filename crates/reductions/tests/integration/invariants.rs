//! Invariants: mixture weights, probabilities, seeds, thread counts, sample weights.

use fairkit_core::FairDataset;
use fairkit_reductions::{ExponentiatedGradient, GridSearch, UtilityParity};
use proptest::prelude::*;

use crate::common::{CellMajority, cells, o9};

fn dataset(rows: &[(u32, bool, bool)]) -> FairDataset {
    let rows: Vec<(u32, &str, bool)> = rows
        .iter()
        .map(|&(c, g, y)| (c, if g { "b" } else { "a" }, y))
        .collect();
    cells(&rows)
}

fn in_pool<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
        .install(f)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn mixtures_are_distributions_and_predictions_repeat(
        rows in prop::collection::vec((0u32..4, any::<bool>(), any::<bool>()), 12..40),
        seed in any::<u64>(),
    ) {
        let data = dataset(&rows);
        for c in [
            UtilityParity::demographic_parity(),
            UtilityParity::equalized_odds(),
            UtilityParity::error_rate_parity(),
        ] {
            let Ok(eg) = ExponentiatedGradient::params(CellMajority, c).fit(&data) else {
                // Single-group or single-class data is refused by design.
                continue;
            };
            let w = eg.weights();
            prop_assert_eq!(w.len(), eg.predictors().len());
            prop_assert!(w.iter().all(|&v| v >= 0.0));
            prop_assert!((w.iter().sum::<f64>() - 1.0).abs() < 1e-9);
            let p = eg.expected(data.features()).unwrap();
            prop_assert!(p.iter().all(|&v| (0.0..=1.0).contains(&v)));
            let proba = eg.predict_proba(data.features()).unwrap();
            for (row, &pi) in proba.rows().into_iter().zip(&p) {
                prop_assert_eq!(row[1], pi);
                prop_assert!((row[0] + row[1] - 1.0).abs() < 1e-15);
            }
            let a = eg.predict(data.features(), seed).unwrap();
            let b = in_pool(2, || eg.predict(data.features(), seed).unwrap());
            prop_assert_eq!(a, b);
        }
    }

    #[test]
    fn grid_search_is_identical_on_one_and_two_threads(
        rows in prop::collection::vec((0u32..4, any::<bool>(), any::<bool>()), 12..40),
    ) {
        let data = dataset(&rows);
        let fit = || GridSearch::params(CellMajority, UtilityParity::equalized_odds())
            .grid_size(12)
            .fit(&data);
        let (one, two) = (in_pool(1, fit), in_pool(2, fit));
        match (one, two) {
            (Ok(one), Ok(two)) => {
                prop_assert_eq!(one.predictors(), two.predictors());
                prop_assert_eq!(one.objectives(), two.objectives());
                prop_assert_eq!(one.gammas(), two.gammas());
                prop_assert_eq!(one.losses(), two.losses());
                prop_assert_eq!(one.best_index(), two.best_index());
            }
            (Err(a), Err(b)) => prop_assert_eq!(a, b),
            (a, b) => prop_assert!(false, "{:?} vs {:?}", a.is_ok(), b.is_ok()),
        }
    }
}

/// Integer sample weights act as duplicated rows end to end (with `nu` fixed, since the
/// automatic `nu` uses the row count).
#[test]
fn integer_weights_act_as_duplicated_rows() {
    let data = o9();
    let weights: Vec<f64> = (0..data.n_rows()).map(|i| (1 + i % 3) as f64).collect();
    let dup: Vec<usize> = weights
        .iter()
        .enumerate()
        .flat_map(|(i, &k)| std::iter::repeat_n(i, k as usize))
        .collect();
    let weighted = data.clone().with_weights(weights).unwrap();
    let copies = data.select(&dup);
    for c in [
        UtilityParity::demographic_parity(),
        UtilityParity::equalized_odds(),
    ] {
        let fit = |d: &FairDataset| {
            ExponentiatedGradient::params(CellMajority, c)
                .nu(Some(0.01))
                .fit(d)
                .unwrap()
        };
        let (a, b) = (fit(&weighted), fit(&copies));
        let pa = a.expected(data.features()).unwrap();
        let pb = b.expected(data.features()).unwrap();
        for (x, y) in pa.iter().zip(&pb) {
            assert!((x - y).abs() < 1e-9, "{pa} vs {pb}");
        }
        assert!((a.expected_training_error() - b.expected_training_error()).abs() < 1e-12);
        assert_eq!(a.n_oracle_calls(), b.n_oracle_calls());
    }
    // And the weights matter: the weighted fit differs from the unweighted one.
    let plain = ExponentiatedGradient::params(CellMajority, UtilityParity::demographic_parity())
        .nu(Some(0.01))
        .fit(&data)
        .unwrap();
    let weighted_fit =
        ExponentiatedGradient::params(CellMajority, UtilityParity::demographic_parity())
            .nu(Some(0.01))
            .fit(&weighted)
            .unwrap();
    assert!(
        (plain.expected_training_error() - weighted_fit.expected_training_error()).abs() > 1e-6
    );
}

/// A fitted model survives a serde round trip and predicts the same.
#[test]
fn fitted_models_serialize() {
    let data = o9();
    let eg = ExponentiatedGradient::params(CellMajority, UtilityParity::demographic_parity())
        .fit(&data)
        .unwrap();
    let json = serde_json::to_string(&eg).unwrap();
    let back: ExponentiatedGradient<crate::common::CellTable> =
        serde_json::from_str(&json).unwrap();
    // serde_json's default float parsing may move the last bit.
    for (a, b) in back.weights().iter().zip(eg.weights()) {
        assert!((a - b).abs() < 1e-15);
    }
    assert_eq!(back.predictors(), eg.predictors());
    let (pa, pb) = (
        back.expected(data.features()).unwrap(),
        eg.expected(data.features()).unwrap(),
    );
    for (a, b) in pa.iter().zip(&pb) {
        assert!((a - b).abs() < 1e-14);
    }
}
