//! LFR: the analytic gradient against central differences, weights as duplicated rows,
//! repeatability on any thread count, the fitted model's shape, and bad input.

use fairkit_core::{Classifier, Error, FairDataset, Groups, rng};
use fairkit_preprocessing::{
    FeatureTransform, FitFeatureTransform, Lfr, ParamGuard, PreprocessingError,
};
use ndarray::Array2;

use crate::common::dataset;

/// `n` seeded rows of `d` features in two groups whose feature means differ, labels tied to
/// the first feature.
fn synthetic(n: usize, d: usize, seed: u64) -> FairDataset {
    let mut r = rng::seeded(seed);
    let groups: Vec<&str> = (0..n).map(|i| if i % 3 == 0 { "u" } else { "p" }).collect();
    let x = Array2::from_shape_fn((n, d), |(i, j)| {
        rng::uniform(&mut r) * 2.0 - 1.0 + if i % 3 == 0 && j == 0 { 0.8 } else { 0.0 }
    });
    let y = (0..n)
        .map(|i| x[[i, 0]] + 0.5 * rng::uniform(&mut r) > 0.3)
        .collect();
    FairDataset::new(x, y, Groups::from_labels("g", &groups).unwrap()).unwrap()
}

/// Max over parameters of |analytic − central difference| / max(1e-3, |central difference|).
fn gradient_error(data: &FairDataset, k: usize, seed: u64) -> f64 {
    let params = Lfr::params().k(k).check().unwrap();
    let d = data.n_features();
    let mut r = rng::seeded(seed);
    let w: Vec<f64> = (0..k).map(|_| 0.1 + 0.8 * rng::uniform(&mut r)).collect();
    let v = Array2::from_shape_fn((k, d), |_| rng::uniform(&mut r) * 2.0 - 1.0);
    let (_, grad) = Lfr::objective(&params, data, &w, v.view()).unwrap();
    let loss =
        |w: &[f64], v: &Array2<f64>| Lfr::objective(&params, data, w, v.view()).unwrap().0.total;
    let h = 1e-6;
    let mut worst: f64 = 0.0;
    for p in 0..k + k * d {
        let (mut wp, mut wm, mut vp, mut vm) = (w.clone(), w.clone(), v.clone(), v.clone());
        if p < k {
            wp[p] += h;
            wm[p] -= h;
        } else {
            let (a, b) = ((p - k) / d, (p - k) % d);
            vp[[a, b]] += h;
            vm[[a, b]] -= h;
        }
        let numeric = (loss(&wp, &vp) - loss(&wm, &vm)) / (2.0 * h);
        worst = worst.max((grad[p] - numeric).abs() / numeric.abs().max(1e-3));
    }
    worst
}

#[test]
fn analytic_gradient_matches_central_differences() {
    let data = synthetic(300, 4, 1);
    for (k, seed) in [(1, 2), (3, 3), (5, 4)] {
        let err = gradient_error(&data, k, seed);
        assert!(err < 1e-6, "k = {k}: relative error {err:e}");
    }
    // With sample weights every mean is weighted, and the gradient follows.
    let n = data.n_rows();
    let weighted = data
        .clone()
        .with_weights((0..n).map(|i| (i % 4) as f64 * 0.5 + 0.25).collect())
        .unwrap();
    let err = gradient_error(&weighted, 4, 5);
    assert!(err < 1e-6, "weighted: relative error {err:e}");
}

#[test]
fn analytic_gradient_matches_central_differences_on_compas() {
    let Some((train, _)) = crate::aif360::prepared("compas") else {
        return;
    };
    let rows: Vec<usize> = (0..train.n_rows()).step_by(7).collect();
    let err = gradient_error(&train.select(&rows), 5, 11);
    assert!(err < 1e-5, "relative error {err:e}");
}

#[test]
fn the_objective_is_aif360s_on_a_hand_computed_case() {
    // One feature, k = 1: every row is assigned to the one prototype (m = 1), so x̂ = v and
    // ŷ = w. Rows: u: x = 0, y = 1; p: x = 2, y = 0; p: x = 4, y = 1. v = 1, w = 0.25.
    let data = dataset(&[&[0.0, 2.0, 4.0]], &["u", "p", "p"], &[1, 0, 1]);
    let params = Lfr::params().k(1).check().unwrap();
    let v = Array2::from_elem((1, 1), 1.0);
    let (loss, grad) = Lfr::objective(&params, &data, &[0.25], v.view()).unwrap();
    // L_x = mean_u (1 − 0)² + mean_p ((1 − 2)², (1 − 4)²) = 1 + 5 = 6.
    assert!((loss.reconstruction - 6.0).abs() < 1e-15);
    // L_y = −(ln 0.25 + ln 0.75 + ln 0.25) / 3.
    let ly = -(0.25f64.ln() * 2.0 + 0.75f64.ln()) / 3.0;
    assert!((loss.prediction - ly).abs() < 1e-15);
    assert_eq!(loss.fairness, 0.0);
    assert!((loss.total - (0.01 * 6.0 + ly)).abs() < 1e-15);
    // ∂/∂w = −(1/0.25 · 2 − 1/0.75) / 3; ∂/∂v = 0.01 · (2 (1 − 0) + ((1 − 2) + (1 − 4))).
    let dw = -(2.0 / 0.25 - 1.0 / 0.75) / 3.0;
    assert!((grad[0] - dw).abs() < 1e-12, "{} vs {dw}", grad[0]);
    assert!((grad[1] - 0.01 * (2.0 - 4.0)).abs() < 1e-15, "{}", grad[1]);
}

#[test]
fn integer_weights_act_as_duplicated_rows() {
    let data = synthetic(120, 3, 7);
    let weights: Vec<f64> = (0..120).map(|i| (i % 4) as f64).collect();
    let mut rows = Vec::new();
    for (i, &w) in weights.iter().enumerate() {
        rows.extend(std::iter::repeat_n(i, w as usize));
    }
    let duplicated = data.select(&rows);
    let weighted = data.clone().with_weights(weights).unwrap();
    let params = Lfr::params().k(3).seed(5);
    let a = params.fit(&weighted).unwrap();
    let b = params.fit(&duplicated).unwrap();
    assert!((a.loss().total - b.loss().total).abs() < 1e-9);
    for (x, y) in a.prototypes().iter().zip(b.prototypes().iter()) {
        assert!((x - y).abs() < 1e-6, "{x} vs {y}");
    }
    // ... and the weights change the result.
    let unweighted = params.fit(&data).unwrap();
    assert!((unweighted.loss().total - a.loss().total).abs() > 1e-6);
}

#[test]
fn same_seed_same_bytes_on_any_thread_count() {
    let data = synthetic(5000, 6, 9);
    let fit = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| Lfr::params().k(4).seed(3).fit(&data).unwrap())
    };
    let (one, two) = (fit(1), fit(2));
    assert_eq!(
        serde_json::to_string(&one).unwrap(),
        serde_json::to_string(&two).unwrap()
    );
    let other = Lfr::params().k(4).seed(4).fit(&data).unwrap();
    assert_ne!(one.prototypes(), other.prototypes());
    // The saved model reads back to the same model.
    let back: Lfr = serde_json::from_str(&serde_json::to_string(&one).unwrap()).unwrap();
    assert_eq!(back, one);
}

#[test]
fn the_fit_lowers_the_objective_and_predicts_from_the_representation() {
    let data = synthetic(600, 3, 12);
    let start = Lfr::params()
        .k(3)
        .seed(1)
        .max_iterations(1)
        .fit(&data)
        .unwrap();
    let lfr = Lfr::params().k(3).seed(1).fit(&data).unwrap();
    assert!(lfr.loss().total < start.loss().total);
    assert!(lfr.label_weights().iter().all(|w| (0.0..=1.0).contains(w)));
    let x = data.features();
    let p = lfr.probabilities(x).unwrap();
    assert_eq!(p, lfr.score(x));
    assert_eq!(lfr.predict(x), p.mapv(|v| v > 0.5));
    // x̂ is a convex combination of the prototypes: inside their bounding box.
    let xhat = lfr.transform(&data).unwrap();
    for (j, col) in xhat.features().columns().into_iter().enumerate() {
        let proto = lfr.prototypes().column(j).to_owned();
        let (lo, hi) = proto
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
                (a.min(v), b.max(v))
            });
        assert!(col.iter().all(|&v| v >= lo - 1e-12 && v <= hi + 1e-12));
    }
    assert_eq!(xhat.labels(), data.labels());
    // A threshold of 1 predicts no row positive.
    let strict = Lfr::params()
        .k(3)
        .seed(1)
        .threshold(1.0)
        .fit(&data)
        .unwrap();
    assert!(!strict.predict(x).iter().any(|&v| v));
}

#[test]
fn a_given_start_is_used() {
    let data = synthetic(200, 2, 13);
    let start = vec![0.2, 0.7, 0.1, 0.2, -0.3, 0.4];
    let a = Lfr::params().k(2).initial(start.clone()).max_iterations(1);
    let b = Lfr::params().k(2).initial(start).seed(99).max_iterations(1);
    assert_eq!(a.fit(&data).unwrap(), b.fit(&data).unwrap());
}

#[test]
fn bad_input_is_refused() {
    let three = dataset(&[&[0.0, 1.0, 2.0]], &["a", "b", "c"], &[0, 1, 0]);
    assert!(matches!(
        Lfr::params().fit(&three),
        Err(PreprocessingError::NotTwoGroups { found: 3, .. })
    ));
    let one = dataset(&[&[0.0, 1.0]], &["a", "a"], &[0, 1]);
    assert!(matches!(
        Lfr::params().fit(&one),
        Err(PreprocessingError::Core(Error::SingleGroup { .. }))
    ));
    let data = synthetic(50, 2, 1);
    for (params, name) in [
        (Lfr::params().k(0), "k"),
        (Lfr::params().az(-1.0), "az"),
        (Lfr::params().ax(f64::NAN), "ax"),
        (Lfr::params().threshold(1.5), "threshold"),
        (Lfr::params().max_iterations(0), "max-iterations"),
        (Lfr::params().gradient_tolerance(0.0), "gradient-tolerance"),
        (Lfr::params().initial(vec![2.0; 15]), "initial"),
        (Lfr::params().initial(vec![0.5; 4]), "initial"),
    ] {
        match params.fit(&data) {
            Err(PreprocessingError::Core(Error::InvalidParameter { name: got, .. })) => {
                assert_eq!(got, name)
            }
            other => panic!("{name}: {other:?}"),
        }
    }
    let zero_group = data
        .clone()
        .with_weights(
            (0..50)
                .map(|i| if i % 3 == 0 { 0.0 } else { 1.0 })
                .collect(),
        )
        .unwrap();
    assert!(Lfr::params().fit(&zero_group).is_err());
    let lfr = Lfr::params().k(2).max_iterations(3).fit(&data).unwrap();
    let wide = Array2::zeros((2, 3));
    assert!(matches!(
        lfr.representation(wide.view()),
        Err(PreprocessingError::Core(Error::FeatureMismatch {
            expected: 2,
            got: 3
        }))
    ));
    assert!(lfr.probabilities(wide.view()).is_err());
}

#[test]
fn lfr_is_a_predictor_and_a_saved_model_is_checked() {
    use fairkit_core::Predictor;
    let data = synthetic(300, 3, 21);
    let lfr = Lfr::params().k(3).seed(2).fit(&data).unwrap();
    let (x, g) = (data.features(), data.groups());
    let p: &dyn Predictor = &lfr;
    assert!(!p.is_randomized());
    assert_eq!(Predictor::n_features(&lfr), 3);
    let hard: Vec<f64> = Classifier::predict(&lfr, x)
        .iter()
        .map(|&v| f64::from(u8::from(v)))
        .collect();
    assert_eq!(p.expected(x, g).unwrap(), hard);
    assert_eq!(
        p.score(x, g).unwrap(),
        Some(lfr.probabilities(x).unwrap().to_vec())
    );
    assert!(matches!(
        p.expected(
            Array2::zeros((2, 2)).view(),
            &Groups::from_labels("g", &["u", "p"]).unwrap()
        ),
        Err(Error::FeatureMismatch {
            expected: 3,
            got: 2
        })
    ));
    Predictor::validate(&lfr).unwrap();
    // A saved model edited by hand: a label weight outside [0, 1], a missing prototype.
    let mut json: serde_json::Value = serde_json::to_value(&lfr).unwrap();
    json["w"][0] = serde_json::json!(1.5);
    let bad: Lfr = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(
        Predictor::validate(&bad).unwrap_err().to_string(),
        "inconsistent lfr: a label weight is 1.5, outside [0, 1]"
    );
    json["w"] = serde_json::json!([0.5, 0.5]);
    let bad: Lfr = serde_json::from_value(json).unwrap();
    assert!(FeatureTransform::validate(&bad).is_err());
}

/// A line search that cannot improve ends the fit at its last point, as scipy's L-BFGS-B
/// (which AIF360 runs) does, instead of failing: tolerances below rounding drive L-BFGS until
/// its line search gives up.
#[test]
fn a_failed_line_search_keeps_the_last_point() {
    let data = synthetic(300, 3, 21);
    let params = Lfr::params().k(3).seed(2);
    let converged = params.clone().fit(&data).unwrap();
    let stuck = params
        .gradient_tolerance(1e-300)
        .cost_tolerance(1e-300)
        .fit(&data)
        .unwrap();
    assert!(
        stuck.termination().contains("Line search"),
        "{}",
        stuck.termination()
    );
    assert!(!stuck.converged());
    assert!(stuck.iterations() >= converged.iterations());
    assert!(stuck.loss().total <= converged.loss().total);
    let back: Lfr = serde_json::from_str(&serde_json::to_string(&stuck).unwrap()).unwrap();
    assert_eq!(back, stuck);
}
