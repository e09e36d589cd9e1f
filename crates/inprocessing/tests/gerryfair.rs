//! GerryFair against tests/data/aif360 (docs/inprocessing.md#gerryfair).

use fairkit_inprocessing::{FairnessDef, GerryFair, GerryFairParams, audit};

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
    let model = GerryFair::params()
        .protected_features(train.columns(&extra))
        .fit(&train.data)
        .unwrap();
    // The auditor's space is built from the groups: one indicator (of the second group in
    // sorted order, which is AIF360's privileged group on Adult and its complement on COMPAS;
    // the same affine span) and the rich columns.
    let test_prot = model
        .protected()
        .build(test.data.features(), test.data.groups())
        .unwrap();
    let soft = model
        .expected_positive(test.data.features(), test.data.groups())
        .unwrap();
    let hard: Vec<f64> = model
        .predict(test.data.features(), test.data.groups())
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
fn compas_rich() -> Option<(crate::common::Prepared, GerryFairParams)> {
    let train = prepared("compas", "train")?;
    let params = GerryFair::params().protected_features(train.columns(&["sex=Female", "age"]));
    Some((train, params))
}

#[test]
fn without_the_quirks_the_subgroup_rate_is_its_own_and_the_fit_differs() {
    let Some((train, params)) = compas_rich() else {
        return;
    };
    let faithful = params.clone().fit(&train.data).unwrap();
    let paper = params.aif360_quirks(false).fit(&train.data).unwrap();
    assert_ne!(faithful.errors(), paper.errors());
    let soft = paper
        .expected_positive(train.data.features(), train.data.groups())
        .unwrap();
    let prot = paper
        .protected()
        .build(train.data.features(), train.data.groups())
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
    let groups = Groups::from_labels("g", &g).unwrap();
    let data = FairDataset::new(x.clone(), y.clone(), groups.clone()).unwrap();
    let weighted = data.clone().with_weights(vec![1.0; n]).unwrap();
    let err = GerryFair::params().fit(&weighted).unwrap_err();
    assert!(err.to_string().contains("sample weights"), "{err}");
    let err = GerryFair::params().max_iters(1).fit(&data).unwrap_err();
    assert!(err.to_string().contains("max-iters"), "{err}");
    let err = GerryFair::params().c(0.0).fit(&data).unwrap_err();
    assert!(err.to_string().contains('C'), "{err}");
    let err = GerryFair::params()
        .protected_features(vec![2])
        .fit(&data)
        .unwrap_err();
    assert!(err.to_string().contains("protected-features"), "{err}");
    let one = FairDataset::new(
        x.clone(),
        y.clone(),
        Groups::from_labels("g", &vec!["a"; n]).unwrap(),
    )
    .unwrap();
    assert!(GerryFair::params().fit(&one).is_err());
    let model = GerryFair::params()
        .protected_features(vec![1])
        .fit(&data)
        .unwrap();
    assert_eq!(model.protected().n_columns(), 2);
    let err = model
        .expected_positive(x.slice(ndarray::s![.., ..1]), &groups)
        .unwrap_err();
    assert!(err.to_string().contains("feature count"), "{err}");
    let err = model
        .expected_positive(x.slice(ndarray::s![..3, ..]), &groups)
        .unwrap_err();
    assert!(err.to_string().contains("group values"), "{err}");
    let other = Groups::from_labels("g", &vec!["c"; n]).unwrap();
    let err = model.expected_positive(x.view(), &other).unwrap_err();
    assert!(err.to_string().contains('c'), "{err}");
    let back: GerryFair = serde_json::from_str(&serde_json::to_string(&model).unwrap()).unwrap();
    assert_eq!(back, model);
    let p = model.expected_positive(x.view(), &groups).unwrap();
    assert!(p.iter().all(|&v| (0.0..=1.0).contains(&v)));
    assert_eq!(back.expected_positive(x.view(), &groups).unwrap(), p);
    back.validate().unwrap();
    let mut v = serde_json::to_value(&model).unwrap();
    v["classifiers"][0]["b1"]["coef"]
        .as_array_mut()
        .unwrap()
        .pop();
    let broken: GerryFair = serde_json::from_value(v).unwrap();
    let err = broken.validate().unwrap_err();
    assert!(
        err.to_string().contains("3 coefficients for 4 columns"),
        "{err}"
    );
    assert_eq!(model.classifiers().len(), model.errors().len());
}

#[test]
fn the_fit_is_a_randomized_predictor_of_the_mixture() {
    use fairkit_core::{Predictor, Result};
    let Some((train, params)) = compas_rich() else {
        return;
    };
    let model = params.fit(&train.data).unwrap();
    let p: &dyn Predictor = &model;
    assert!(p.is_randomized());
    assert_eq!(p.n_features(), train.data.n_features());
    let (x, groups) = (train.data.features(), train.data.groups());
    let soft = model.expected_positive(x, groups).unwrap().to_vec();
    assert_eq!(p.expected(x, groups).unwrap(), soft);
    assert!(
        soft.iter().any(|&v| v > 0.0 && v < 1.0),
        "some rows are mixed"
    );
    // Shares of the k classifiers: exactly count / k, never above 1.
    let k = model.classifiers().len() as f64;
    for &v in &soft {
        assert!((0.0..=1.0).contains(&v), "{v}");
        assert_eq!(v, (v * k).round() / k, "{v}");
    }
    assert!(soft.contains(&1.0) || soft.contains(&0.0));
    let none: Result<Option<Vec<f64>>> = p.score(x, groups);
    assert_eq!(none.unwrap(), None);
    p.check_groups(groups).unwrap();
    p.validate().unwrap();
}
