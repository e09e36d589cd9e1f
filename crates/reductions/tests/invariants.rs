//! Invariants: mixture weights, probabilities, seeds, thread counts, sample weights.

use fairkit_core::FairDataset;
use fairkit_reductions::{ExponentiatedGradient, FitReduction, GridSearch, UtilityParity};
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

/// Large inputs are predicted on blocks of rows in parallel: the same values as one serial
/// pass, on one thread or two.
#[test]
fn block_parallel_prediction_matches_serial() {
    let rows: Vec<(u32, &str, bool)> = (0..10_000u32)
        .map(|i| {
            let cell = i % 7;
            let group = if cell >= 4 || i % 5 == 0 { "a" } else { "b" };
            (cell, group, (i * 7919) % 10 < cell + 2)
        })
        .collect();
    let data = cells(&rows);
    let eg = ExponentiatedGradient::params(CellMajority, UtilityParity::demographic_parity())
        .fit(&data)
        .unwrap();
    let mut serial = vec![0.0; data.n_rows()];
    for (h, &w) in eg.predictors().iter().zip(eg.weights()) {
        for (s, y) in serial.iter_mut().zip(h.predict(data.features())) {
            *s += w * f64::from(u8::from(y));
        }
    }
    for threads in [1, 2] {
        let p = in_pool(threads, || eg.expected(data.features()).unwrap());
        assert_eq!(p.to_vec(), serial);
    }
    assert!(eg.predictors().len() > 1);
}

/// A CellMajority that numbers its fits and records which earlier fit each one started from.
#[derive(Default)]
struct WarmRecorder {
    starts: std::sync::Mutex<Vec<Option<usize>>>,
}

#[derive(Debug, Clone, PartialEq)]
struct Numbered(crate::common::CellTable, usize);

impl fairkit_core::Classifier for Numbered {
    fn n_features(&self) -> usize {
        1
    }
    fn predict(&self, x: ndarray::ArrayView2<'_, f64>) -> ndarray::Array1<bool> {
        self.0.predict(x)
    }
    fn score(&self, x: ndarray::ArrayView2<'_, f64>) -> ndarray::Array1<f64> {
        self.0.score(x)
    }
}

impl fairkit_core::Learner for &WarmRecorder {
    type Model = Numbered;
    fn name(&self) -> String {
        "warm_recorder".into()
    }
    fn weight_support(&self) -> fairkit_core::WeightSupport {
        fairkit_core::WeightSupport::Honoured
    }
    fn fit(
        &self,
        x: ndarray::ArrayView2<'_, f64>,
        y: ndarray::ArrayView1<'_, bool>,
        w: Option<ndarray::ArrayView1<'_, f64>>,
    ) -> Result<Numbered, fairkit_core::LearnerError> {
        self.fit_warm(x, y, w, None)
    }
    fn fit_warm(
        &self,
        x: ndarray::ArrayView2<'_, f64>,
        y: ndarray::ArrayView1<'_, bool>,
        w: Option<ndarray::ArrayView1<'_, f64>>,
        warm: Option<&Numbered>,
    ) -> Result<Numbered, fairkit_core::LearnerError> {
        let mut starts = self.starts.lock().unwrap();
        starts.push(warm.map(|m| m.1));
        Ok(Numbered(CellMajority.fit(x, y, w)?, starts.len() - 1))
    }
}

#[test]
fn warm_starts_follow_the_chosen_rule_and_leave_table_fits_unchanged() {
    use fairkit_reductions::WarmStart;
    let data = o9();
    let mut expected = Vec::new();
    for rule in [
        WarmStart::Off,
        WarmStart::MostRecent,
        WarmStart::NearestLambda,
    ] {
        let recorder = WarmRecorder::default();
        let eg = ExponentiatedGradient::params(&recorder, UtilityParity::equalized_odds())
            .warm_start(rule)
            .fit(&data)
            .unwrap();
        let starts = recorder.starts.into_inner().unwrap();
        assert_eq!(starts.len(), eg.n_oracle_calls());
        match rule {
            WarmStart::Off => assert!(starts.iter().all(Option::is_none)),
            WarmStart::MostRecent => {
                for (i, s) in starts.iter().enumerate() {
                    assert_eq!(*s, i.checked_sub(1));
                }
            }
            _ => {
                assert_eq!(starts[0], None);
                assert!(starts[1..].iter().all(|s| s.is_some()));
                // Nearest multipliers: not always the previous fit.
                assert!(
                    starts
                        .iter()
                        .enumerate()
                        .any(|(i, s)| *s != i.checked_sub(1))
                );
            }
        }
        expected.push(eg.expected(data.features()).unwrap());
    }
    assert_eq!(expected[0], expected[1]);
    assert_eq!(expected[0], expected[2]);
}

/// Counts how often the feature cache is filled and read.
#[derive(Default)]
struct CacheCounter {
    fills: std::sync::atomic::AtomicUsize,
    fits: std::sync::atomic::AtomicUsize,
    predictions: std::sync::atomic::AtomicUsize,
}

impl fairkit_core::Learner for &CacheCounter {
    type Model = crate::common::CellTable;
    fn name(&self) -> String {
        "cache_counter".into()
    }
    fn weight_support(&self) -> fairkit_core::WeightSupport {
        fairkit_core::WeightSupport::Honoured
    }
    fn fit(
        &self,
        x: ndarray::ArrayView2<'_, f64>,
        y: ndarray::ArrayView1<'_, bool>,
        w: Option<ndarray::ArrayView1<'_, f64>>,
    ) -> Result<Self::Model, fairkit_core::LearnerError> {
        CellMajority.fit(x, y, w)
    }
    fn fit_cached(
        &self,
        x: ndarray::ArrayView2<'_, f64>,
        y: ndarray::ArrayView1<'_, bool>,
        w: Option<ndarray::ArrayView1<'_, f64>>,
        _warm: Option<&Self::Model>,
        cache: &fairkit_core::FeatureCache,
    ) -> Result<Self::Model, fairkit_core::LearnerError> {
        use std::sync::atomic::Ordering::SeqCst;
        let rows = cache.get_or_init(|| {
            self.fills.fetch_add(1, SeqCst);
            x.nrows()
        });
        assert_eq!(rows, Some(&x.nrows()));
        self.fits.fetch_add(1, SeqCst);
        CellMajority.fit(x, y, w)
    }
    fn predict_cached(
        &self,
        model: &Self::Model,
        x: ndarray::ArrayView2<'_, f64>,
        cache: &fairkit_core::FeatureCache,
    ) -> ndarray::Array1<bool> {
        assert_eq!(cache.get::<usize>(), Some(&x.nrows()));
        self.predictions
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        fairkit_core::Classifier::predict(model, x)
    }
}

#[test]
fn one_feature_cache_serves_every_fit_of_a_reduction() {
    let data = o9();
    let counter = CacheCounter::default();
    let eg = ExponentiatedGradient::params(&counter, UtilityParity::equalized_odds())
        .fit(&data)
        .unwrap();
    let learned = eg.n_oracle_calls() - eg.n_constant_fallbacks();
    assert!(learned > 1);
    assert_eq!(counter.fills.into_inner(), 1);
    assert_eq!(counter.fits.into_inner(), learned);
    assert_eq!(counter.predictions.into_inner(), learned);

    let counter = CacheCounter::default();
    in_pool(2, || {
        GridSearch::params(&counter, UtilityParity::demographic_parity())
            .grid_size(7)
            .fit(&data)
            .unwrap()
    });
    assert_eq!(counter.fills.into_inner(), 1);
    assert!(counter.fits.into_inner() > 1);
}

/// A fit read back from JSON validates; edited in one place, it is refused.
#[test]
fn validate_refuses_inconsistent_fits_read_back() {
    use serde_json::{Value, json};
    fn refused<T: serde::de::DeserializeOwned>(
        fit: &Value,
        pointer: &str,
        value: Value,
        validate: fn(&T) -> fairkit_core::Result<()>,
        needle: &str,
    ) {
        let mut broken = fit.clone();
        *broken.pointer_mut(pointer).unwrap() = value;
        let read: T = serde_json::from_value(broken).unwrap();
        let err = validate(&read).unwrap_err().to_string();
        assert!(err.contains(needle), "{pointer}: {err}");
    }
    let data = o9();
    let eg = ExponentiatedGradient::params(CellMajority, UtilityParity::demographic_parity())
        .fit(&data)
        .unwrap();
    eg.validate().unwrap();
    let json = serde_json::to_value(&eg).unwrap();
    let n = eg.predictors().len();
    type Eg = ExponentiatedGradient<crate::common::CellTable>;
    refused::<Eg>(
        &json,
        "/weights",
        json!(vec![0.5; n + 1]),
        Eg::validate,
        "non-negative weights",
    );
    refused::<Eg>(
        &json,
        "/weights/0",
        json!(-0.1),
        Eg::validate,
        "non-negative weights",
    );
    refused::<Eg>(
        &json,
        "/n_features",
        json!(2),
        Eg::validate,
        "a predictor has 1 features, the reduction 2",
    );

    let gs = GridSearch::params(CellMajority, UtilityParity::demographic_parity())
        .fit(&data)
        .unwrap();
    gs.validate().unwrap();
    let json = serde_json::to_value(&gs).unwrap();
    type Gs = GridSearch<crate::common::CellTable>;
    refused::<Gs>(
        &json,
        "/best_idx",
        json!(10),
        Gs::validate,
        "the selected predictor 10 is not one of the 10",
    );
    refused::<Gs>(
        &json,
        "/n_features",
        json!(3),
        Gs::validate,
        "the reduction 3",
    );
}
