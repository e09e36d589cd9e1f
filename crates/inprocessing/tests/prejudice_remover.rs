//! The prejudice remover against tests/data/aif360 (docs/inprocessing.md#prejudice-remover).

use fairkit_inprocessing::PrejudiceRemover;

use fairkit_inprocessing::ParamGuard;
use serde_json::Value;

use crate::common::{num, prepared, reference};

fn check(dataset: &str) {
    let (Some(train), Some(test)) = (prepared(dataset, "train"), prepared(dataset, "test")) else {
        return;
    };
    let refs = reference(dataset);
    for (key, v) in refs["prejudice_remover"]["variants"].as_object().unwrap() {
        let eta = num(&v["eta"]);
        let model = PrejudiceRemover::params()
            .eta(eta)
            .fit(&train.data)
            .unwrap();
        let p = model
            .predict(test.data.features(), test.data.groups())
            .unwrap();
        let p: Vec<f64> = p.iter().map(|&b| f64::from(u8::from(b))).collect();
        let (acc, dp) = test.accuracy_dp(&p);
        let conv = &v["converged_reference"];
        let (c_acc, c_dp) = (
            num(&conv["test"]["accuracy"]),
            num(&conv["test"]["demographic_parity_difference"]),
        );
        let (a_acc, a_dp) = (
            num(&v["test"]["accuracy"]),
            num(&v["test"]["demographic_parity_difference"]),
        );
        println!(
            "{dataset} {key}: fairkit acc {acc:.4} dp {dp:.4} loss {:.4} (iters {}, converged {}); \
             converged reference acc {c_acc:.4} dp {c_dp:.4} loss {:.4}; AIF360 acc {a_acc:.4} dp {a_dp:.4} loss {:.4}",
            model.loss(),
            model.iterations(),
            model.converged(),
            num(&conv["final_loss"]),
            num(&v["final_loss"]),
        );
        assert!(
            (acc - c_acc).abs() <= 0.01,
            "{dataset} {key}: accuracy {acc} vs {c_acc}"
        );
        assert!(
            (dp - c_dp).abs() <= 0.02,
            "{dataset} {key}: DP {dp} vs {c_dp}"
        );
        let ref_loss = num(&conv["final_loss"]);
        assert!(
            model.loss() <= ref_loss * (1.0 + 1e-6),
            "{dataset} {key}: loss {} vs {ref_loss}",
            model.loss()
        );
    }
}

#[test]
fn compas_matches_the_converged_reference() {
    check("compas");
}

#[test]
fn adult_matches_the_converged_reference() {
    check("adult");
}

/// A deterministic 60-row dataset with two groups and two features.
fn synthetic() -> (ndarray::Array2<f64>, Vec<bool>, Vec<&'static str>) {
    let n = 60;
    let x =
        ndarray::Array2::from_shape_fn((n, 2), |(i, j)| ((i * 7 + j * 13) % 11) as f64 / 5.0 - 1.0);
    let g: Vec<&str> = (0..n).map(|i| if i % 3 == 0 { "a" } else { "b" }).collect();
    let y: Vec<bool> = (0..n)
        .map(|i| {
            x[[i, 0]]
                + 0.5 * x[[i, 1]]
                + if g[i] == "a" { 0.6 } else { -0.2 }
                + ((i % 5) as f64 - 2.0) * 0.3
                > 0.0
        })
        .collect();
    (x, y, g)
}

#[test]
fn integer_weights_act_as_duplicated_rows_and_change_the_fit() {
    use fairkit_core::{FairDataset, Groups};
    let (x, y, g) = synthetic();
    let w: Vec<f64> = (0..x.nrows())
        .map(|i| if i % 4 == 1 { 3.0 } else { 1.0 })
        .collect();
    let weighted = FairDataset::new(x.clone(), y.clone(), Groups::from_labels("g", &g).unwrap())
        .unwrap()
        .with_weights(w.clone())
        .unwrap();
    let rows: Vec<usize> = (0..x.nrows())
        .flat_map(|i| std::iter::repeat_n(i, w[i] as usize))
        .collect();
    let dup = FairDataset::new(
        x.select(ndarray::Axis(0), &rows),
        rows.iter().map(|&i| y[i]).collect(),
        Groups::from_labels("g", &rows.iter().map(|&i| g[i]).collect::<Vec<_>>()).unwrap(),
    )
    .unwrap();
    let plain = FairDataset::new(x, y, Groups::from_labels("g", &g).unwrap()).unwrap();
    let fit = |d: &FairDataset| PrejudiceRemover::params().eta(5.0).fit(d).unwrap();
    let (a, b, c) = (fit(&weighted), fit(&dup), fit(&plain));
    assert!((a.loss() - b.loss()).abs() <= 1e-8 * b.loss().abs());
    for code in 0..2 {
        let (wa, wb, wc) = (
            a.coefficients(code).unwrap(),
            b.coefficients(code).unwrap(),
            c.coefficients(code).unwrap(),
        );
        for k in 0..3 {
            assert!((wa[k] - wb[k]).abs() < 1e-5, "{wa:?} vs {wb:?}");
        }
        assert!(
            wa.iter().zip(&wc).any(|(p, q)| (p - q).abs() > 1e-3),
            "weights changed nothing"
        );
    }
}

#[test]
fn eta_pulls_the_group_selection_rates_together() {
    use fairkit_core::{FairDataset, Groups};
    let (x, y, g) = synthetic();
    let groups = Groups::from_labels("g", &g).unwrap();
    let data = FairDataset::new(x.clone(), y, groups.clone()).unwrap();
    let gap = |eta: f64| {
        let p = PrejudiceRemover::params()
            .eta(eta)
            .fit(&data)
            .unwrap()
            .predict_proba(x.view(), &groups)
            .unwrap();
        let mean = |want: &str| {
            let v: Vec<f64> = p
                .iter()
                .zip(&g)
                .filter(|&(_, gg)| *gg == want)
                .map(|(p, _)| *p)
                .collect();
            v.iter().sum::<f64>() / v.len() as f64
        };
        (mean("a") - mean("b")).abs()
    };
    let (g0, g1, g2) = (gap(0.0), gap(10.0), gap(100.0));
    assert!(g0 > g1 && g1 > g2, "{g0} {g1} {g2}");
}

#[test]
fn bad_input_is_refused_with_a_clear_error() {
    use fairkit_core::{FairDataset, Groups};
    let (x, y, g) = synthetic();
    let groups = Groups::from_labels("g", &g).unwrap();
    let data = FairDataset::new(x.clone(), y, groups.clone()).unwrap();
    let err = PrejudiceRemover::params().eta(-1.0).fit(&data).unwrap_err();
    assert!(err.to_string().contains("eta"), "{err}");
    let err = PrejudiceRemover::params()
        .eta(f64::NAN)
        .fit(&data)
        .unwrap_err();
    assert!(err.to_string().contains("eta"), "{err}");
    let model = PrejudiceRemover::params().fit(&data).unwrap();
    let err = model
        .predict(x.slice(ndarray::s![.., ..1]), &groups)
        .unwrap_err();
    assert!(err.to_string().contains("feature count"), "{err}");
    let other = Groups::from_labels("g", &vec!["c"; x.nrows()]).unwrap();
    let err = model.predict(x.view(), &other).unwrap_err();
    assert!(err.to_string().contains('c'), "{err}");
    let one = FairDataset::new(x.clone(), vec![true; x.nrows()], groups).unwrap();
    assert!(PrejudiceRemover::params().fit(&one).is_err());
}

#[test]
fn the_fitted_model_round_trips_through_json() {
    use fairkit_core::{FairDataset, Groups};
    let (x, y, g) = synthetic();
    let groups = Groups::from_labels("g", &g).unwrap();
    let model = PrejudiceRemover::params()
        .fit(&FairDataset::new(x.clone(), y, groups.clone()).unwrap())
        .unwrap();
    let back: PrejudiceRemover =
        serde_json::from_str(&serde_json::to_string(&model).unwrap()).unwrap();
    assert_eq!(back, model);
    assert_eq!(
        back.predict_proba(x.view(), &groups).unwrap(),
        model.predict_proba(x.view(), &groups).unwrap()
    );
    back.validate().unwrap();
    // A saved model whose weight table lost a group row is refused, not indexed out of range.
    let mut v = serde_json::to_value(&model).unwrap();
    let table = &mut v["coefficients"];
    let cols = table["dim"][1].as_u64().unwrap() as usize;
    table["dim"][0] = 1.into();
    table["data"].as_array_mut().unwrap().truncate(cols);
    let broken: PrejudiceRemover = serde_json::from_value(v).unwrap();
    let err = broken.validate().unwrap_err();
    assert!(
        err.to_string().contains("1 weight rows for 2 groups"),
        "{err}"
    );
}

#[test]
fn the_fit_is_a_deterministic_predictor_with_its_probability_as_score() {
    use fairkit_core::{FairDataset, Groups, Predictor};
    let (x, y, g) = synthetic();
    let groups = Groups::from_labels("g", &g).unwrap();
    let model = PrejudiceRemover::params()
        .eta(5.0)
        .fit(&FairDataset::new(x.clone(), y, groups.clone()).unwrap())
        .unwrap();
    let p: &dyn Predictor = &model;
    assert!(!p.is_randomized());
    assert_eq!(p.n_features(), 2);
    let proba = model.predict_proba(x.view(), &groups).unwrap().to_vec();
    let expected: Vec<f64> = proba
        .iter()
        .map(|&v| f64::from(u8::from(v > 0.5)))
        .collect();
    assert_eq!(p.expected(x.view(), &groups).unwrap(), expected);
    assert_eq!(p.score(x.view(), &groups).unwrap(), Some(proba));
    p.check_groups(&groups).unwrap();
    let other = Groups::from_labels("g", &vec!["c"; x.nrows()]).unwrap();
    assert!(p.check_groups(&other).is_err());
    p.validate().unwrap();
}

/// AIF360's result reproduced: `aif360_compat` against the `prejudice_remover` entries of
/// tests/data/aif360 and the runs of scipy's fmin_cg in tests/data/aif360/pr_compat.json
/// (scripts/pr_compat_reference.py). Returns the largest coefficient gaps (own start, AIF360's
/// start) over the etas.
fn check_compat(dataset: &str) -> Option<(f64, f64)> {
    let (Some(train), Some(test)) = (prepared(dataset, "train"), prepared(dataset, "test")) else {
        return None;
    };
    let refs = reference(dataset);
    let compat = crate::common::pr_compat();
    let runs = &compat["datasets"][dataset];
    let privileged = refs["conventions"]["privileged_value"].as_str().unwrap();
    let (mut own_gap, mut from_gap) = (0.0_f64, 0.0_f64);
    for (key, v) in refs["prejudice_remover"]["variants"].as_object().unwrap() {
        let eta = num(&v["eta"]);
        let params = PrejudiceRemover::params().eta(eta).aif360_compat(true);
        let model = params.clone().fit(&train.data).unwrap();
        assert!(model.aif360_compat());
        let schema = model.schema();
        let code_priv = schema.code_of_label(privileged).unwrap();
        // Kamishima's row 0 = unprivileged, row 1 = privileged.
        let row_code = [1 - code_priv, code_priv];
        let rows = |m: &Value| -> Vec<Vec<f64>> {
            m.as_array()
                .unwrap()
                .iter()
                .map(|r| r.as_array().unwrap().iter().map(num).collect())
                .collect()
        };
        let want = rows(&v["coefficients"]);
        let gap_of = |m: &PrejudiceRemover| {
            (0..2)
                .flat_map(|k| {
                    let got = m.coefficients(row_code[k]).unwrap();
                    let w = want[k].clone();
                    got.into_iter().zip(w).map(|(a, b)| (a - b).abs())
                })
                .fold(0.0_f64, f64::max)
        };
        // The optimizer alone: from AIF360's own start (scikit-learn's per-group fits), where
        // pr_compat.json has the dataset (COMPAS always: asserted below).
        let Some(run) = runs.get(key.as_str()) else {
            println!("{dataset} {key}: no AIF360 start in pr_compat.json; own start only");
            let p = model
                .predict(test.data.features(), test.data.groups())
                .unwrap();
            let p: Vec<f64> = p.iter().map(|&b| f64::from(u8::from(b))).collect();
            let (acc, dp) = test.accuracy_dp(&p);
            let gap = gap_of(&model);
            own_gap = own_gap.max(gap);
            let (a_acc, a_dp) = (
                num(&v["test"]["accuracy"]),
                num(&v["test"]["demographic_parity_difference"]),
            );
            println!(
                "{dataset} {key} aif360-compat: acc {acc:.6} dp {dp:.6} | AIF360 acc {a_acc:.6} \
                 dp {a_dp:.6} | coefficient gap {gap:.3e} (own start)"
            );
            assert!(
                (acc - a_acc).abs() <= 0.01,
                "{dataset} {key}: accuracy {acc} vs {a_acc}"
            );
            assert!(
                (dp - a_dp).abs() <= 0.02,
                "{dataset} {key}: DP {dp} vs {a_dp}"
            );
            // From fairkit's own start the coefficients are not compared: scikit-learn stops
            // AIF360's starting fits early (tol 1e-4), and on Adult (eta 1: no progress from
            // the start at all) that difference stays in the result (0.52 at most here). The
            // strict check is the one from AIF360's start above, once the reference holds it.
            continue;
        };
        let start = rows(&run["start"]);
        let mut start_by_code = ndarray::Array2::<f64>::zeros((2, want[0].len()));
        for k in 0..2 {
            start_by_code
                .row_mut(row_code[k] as usize)
                .assign(&ndarray::Array1::from(start[k].clone()));
        }
        let from = params
            .check()
            .unwrap()
            .fit_from(&train.data, start_by_code.view())
            .unwrap();
        let (gap, gap_from) = (gap_of(&model), gap_of(&from));
        own_gap = own_gap.max(gap);
        from_gap = from_gap.max(gap_from);
        let p = model
            .predict(test.data.features(), test.data.groups())
            .unwrap();
        let p: Vec<f64> = p.iter().map(|&b| f64::from(u8::from(b))).collect();
        let (acc, dp) = test.accuracy_dp(&p);
        let (a_acc, a_dp) = (
            num(&v["test"]["accuracy"]),
            num(&v["test"]["demographic_parity_difference"]),
        );
        println!(
            "{dataset} {key} aif360-compat: acc {acc:.6} dp {dp:.6} loss {:.6} (iters {}) | AIF360 \
             acc {a_acc:.6} dp {a_dp:.6} loss {:.6} | coefficient gap {gap:.3e} (own start), \
             {gap_from:.3e} (AIF360's start, loss {:.6})",
            model.loss(),
            model.iterations(),
            num(&v["final_loss"]),
            from.loss(),
        );
        assert!(
            (acc - a_acc).abs() <= 0.01,
            "{dataset} {key}: accuracy {acc} vs {a_acc}"
        );
        assert!(
            (dp - a_dp).abs() <= 0.02,
            "{dataset} {key}: DP {dp} vs {a_dp}"
        );
        // From fairkit's own start the coefficients agree only where scikit-learn's starting
        // fits (tol 1e-4) converge: on COMPAS. On Adult scikit-learn stops them early and, at
        // eta 1, fmin_cg makes no progress from the start, so the start's difference stays in
        // the result (0.52 at most); there the strict check is the one from AIF360's start.
        if dataset == "compas" {
            assert!(
                gap <= 1e-3,
                "{dataset} {key}: coefficients {gap} from AIF360's"
            );
        }
        // Relative to the coefficients' size (Adult's reach 3): 41 to 61 evaluations of sums
        // over 32,561 rows carry round-off of that order.
        let scale = want.iter().flatten().fold(1.0_f64, |m, c| m.max(c.abs()));
        assert!(
            gap_from <= 1e-9 * scale,
            "{dataset} {key}: from AIF360's start, {gap_from}"
        );
        let loss = num(&v["final_loss"]);
        assert!(
            (from.loss() - loss).abs() <= 1e-9 * loss,
            "{dataset} {key}: loss"
        );
    }
    Some((own_gap, from_gap))
}

#[test]
fn compas_aif360_compat_reproduces_aif360() {
    assert!(
        crate::common::pr_compat()["datasets"]
            .get("compas")
            .is_some()
    );
    if let Some(g) = check_compat("compas") {
        println!("compas: largest coefficient gaps {g:?}");
    }
}

#[test]
fn adult_aif360_compat_reproduces_aif360() {
    assert!(
        crate::common::pr_compat()["datasets"]
            .get("adult")
            .is_some()
    );
    if let Some(g) = check_compat("adult") {
        println!("adult: largest coefficient gaps {g:?}");
    }
}

#[test]
fn aif360_compat_refuses_weights_and_a_misshapen_start() {
    use fairkit_core::{FairDataset, Groups};
    let (x, y, g) = synthetic();
    let data = FairDataset::new(x.clone(), y, Groups::from_labels("g", &g).unwrap()).unwrap();
    let weighted = data.clone().with_weights(vec![1.0; x.nrows()]).unwrap();
    let err = PrejudiceRemover::params()
        .aif360_compat(true)
        .fit(&weighted)
        .unwrap_err()
        .to_string();
    assert!(err.contains("does not support sample weights"), "{err}");
    // The default mode honours them.
    assert!(PrejudiceRemover::params().fit(&weighted).is_ok());
    let params = PrejudiceRemover::params()
        .aif360_compat(true)
        .check()
        .unwrap();
    let err = params
        .fit_from(&data, ndarray::Array2::zeros((2, 2)).view())
        .unwrap_err()
        .to_string();
    assert!(err.contains("start") && err.contains("2 x 3"), "{err}");
}
