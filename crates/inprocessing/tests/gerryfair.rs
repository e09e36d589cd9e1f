//! GerryFair against tests/data/aif360 (docs/inprocessing.md#gerryfair).

use fairkit_inprocessing::{FairnessDef, GerryFair, audit};

use crate::common::{num, prepared, reference};

fn check(dataset: &str, key: &str) {
    let (Some(train), Some(test)) = (prepared(dataset, "train"), prepared(dataset, "test")) else {
        return;
    };
    let r = &reference(dataset)[key];
    let extra: Vec<&str> = r["protected_attributes"]
        .as_array()
        .map_or(&[][..], |a| &a[1..])
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let prot = train.protected(&extra);
    let model = GerryFair::params().fit(&train.data, prot.view()).unwrap();
    let test_prot = test.protected(&extra);
    let soft = model
        .expected_positive(test.data.features(), test_prot.view())
        .unwrap();
    let hard: Vec<f64> = model
        .predict(test.data.features(), test_prot.view())
        .unwrap()
        .iter()
        .map(|&b| f64::from(u8::from(b)))
        .collect();
    let (acc, dp) = test.accuracy_dp(&hard);
    let sub = audit(
        test_prot.view(),
        test.data.labels(),
        soft.as_slice().unwrap(),
        FairnessDef::FalsePositive,
        true,
    )
    .unwrap();
    let ra = &r["test_audit_soft"];
    println!(
        "{dataset} {key}: fairkit acc {acc:.4} dp {dp:.4} gamma {:.6} size {:.6}; AIF360 acc {:.4} dp {:.4} gamma {:.6} size {:.6}",
        sub.weighted_disparity,
        sub.size,
        num(&r["test"]["accuracy"]),
        num(&r["test"]["demographic_parity_difference"]),
        num(&ra["weighted_disparity"]),
        num(&ra["group_size"]),
    );
    // The fictitious play follows AIF360's trace.
    let close = |a: &[f64], b: &serde_json::Value| {
        let b: Vec<f64> = b.as_array().unwrap().iter().map(num).collect();
        a.len() == b.len() && a.iter().zip(&b).all(|(x, y)| (x - y).abs() <= 1e-9)
    };
    assert!(
        close(model.errors(), &r["errors"]),
        "{dataset} {key}: errors {:?}",
        model.errors()
    );
    assert!(
        close(model.fairness_violations(), &r["fairness_violations"]),
        "{dataset} {key}: violations {:?}",
        model.fairness_violations()
    );
    assert!((acc - num(&r["test"]["accuracy"])).abs() <= 0.01);
    assert!((sub.weighted_disparity - num(&ra["weighted_disparity"])).abs() <= 0.02);
    assert!((sub.weighted_disparity - num(&ra["weighted_disparity"])).abs() <= 1e-9);
    // The auditor's most unfair subgroup on train: AIF360's, or its complement among the
    // audited rows (the two candidates tie exactly; docs/inprocessing.md#gerryfair).
    let rt = &r["train_audit_soft"];
    let t = model.train_subgroup();
    assert!((t.weighted_disparity - num(&rt["weighted_disparity"])).abs() <= 1e-9);
    assert!((t.baseline - num(&rt["fp_baseline"])).abs() <= 1e-9);
    let audited =
        train.data.labels().iter().filter(|&&y| !y).count() as f64 / train.data.n_rows() as f64;
    let same = (t.size - num(&rt["group_size"])).abs() <= 1e-12
        && i64::from(t.direction) == rt["disparity_direction"].as_i64().unwrap();
    let complement = (t.size + num(&rt["group_size"]) - audited).abs() <= 1e-12
        && i64::from(t.direction) == -rt["disparity_direction"].as_i64().unwrap();
    assert!(same || complement, "{dataset} {key}: {t:?}");
}

#[test]
fn compas_matches_aif360() {
    check("compas", "gerryfair");
}

#[test]
fn compas_rich_matches_aif360() {
    check("compas", "gerryfair_rich");
}

#[test]
fn adult_matches_aif360() {
    check("adult", "gerryfair");
}

#[test]
fn adult_rich_matches_aif360() {
    check("adult", "gerryfair_rich");
}

/// COMPAS train with the rich protected columns, or `None` when ../shared is absent.
fn compas_rich() -> Option<(crate::common::Prepared, ndarray::Array2<f64>)> {
    let train = prepared("compas", "train")?;
    let prot = train.protected(&["sex=Female", "age"]);
    Some((train, prot))
}

#[test]
fn without_the_quirks_the_subgroup_rate_is_its_own_and_the_fit_differs() {
    let Some((train, prot)) = compas_rich() else {
        return;
    };
    let faithful = GerryFair::params().fit(&train.data, prot.view()).unwrap();
    let paper = GerryFair::params()
        .aif360_quirks(false)
        .fit(&train.data, prot.view())
        .unwrap();
    assert_ne!(faithful.errors(), paper.errors());
    let soft = paper
        .expected_positive(train.data.features(), prot.view())
        .unwrap();
    let sub = paper.train_subgroup();
    let members = sub.contains(prot.view());
    let (s, k) = soft
        .iter()
        .zip(&members)
        .zip(train.data.labels())
        .filter(|&((_, &m), &y)| m && !y)
        .fold((0.0, 0.0), |(s, k), ((p, _), _)| (s + p, k + 1.0));
    assert!(k > 0.0);
    assert!((sub.group_rate - s / k).abs() < 1e-12);
    assert!((sub.disparity - (sub.group_rate - sub.baseline).abs()).abs() < 1e-12);
    let n = train.data.n_rows() as f64;
    assert!((sub.size - k / n).abs() < 1e-12);
    assert!((sub.weighted_disparity - sub.size * sub.disparity).abs() < 1e-15);
}

#[test]
fn weights_and_bad_input_are_refused() {
    use fairkit_core::{FairDataset, Groups};
    let n = 40;
    let x = ndarray::Array2::from_shape_fn((n, 2), |(i, j)| ((i * 5 + j * 3) % 7) as f64);
    let g: Vec<&str> = (0..n).map(|i| if i % 2 == 0 { "a" } else { "b" }).collect();
    let y: Vec<bool> = (0..n).map(|i| (i * 3) % 5 < 2).collect();
    let prot = ndarray::Array2::from_shape_fn((n, 1), |(i, _)| (i % 2) as f64);
    let data =
        FairDataset::new(x.clone(), y.clone(), Groups::from_labels("g", &g).unwrap()).unwrap();
    let weighted = data.clone().with_weights(vec![1.0; n]).unwrap();
    let err = GerryFair::params().fit(&weighted, prot.view()).unwrap_err();
    assert!(err.to_string().contains("sample weights"), "{err}");
    let err = GerryFair::params()
        .fit(&data, prot.slice(ndarray::s![..3, ..]))
        .unwrap_err();
    assert!(err.to_string().contains("protected rows"), "{err}");
    let err = GerryFair::params()
        .max_iters(1)
        .fit(&data, prot.view())
        .unwrap_err();
    assert!(err.to_string().contains("max-iters"), "{err}");
    let err = GerryFair::params()
        .c(0.0)
        .fit(&data, prot.view())
        .unwrap_err();
    assert!(err.to_string().contains('C'), "{err}");
    let mut nan = prot.clone();
    nan[[4, 0]] = f64::NAN;
    let err = GerryFair::params().fit(&data, nan.view()).unwrap_err();
    assert!(err.to_string().contains("protected columns"), "{err}");
    let model = GerryFair::params().fit(&data, prot.view()).unwrap();
    let err = model
        .expected_positive(x.slice(ndarray::s![.., ..1]), prot.view())
        .unwrap_err();
    assert!(err.to_string().contains("feature count"), "{err}");
    let back: GerryFair = serde_json::from_str(&serde_json::to_string(&model).unwrap()).unwrap();
    assert_eq!(back, model);
    let p = model.expected_positive(x.view(), prot.view()).unwrap();
    assert!(p.iter().all(|&v| (0.0..=1.0).contains(&v)));
    assert_eq!(model.classifiers().len(), model.errors().len());
}
