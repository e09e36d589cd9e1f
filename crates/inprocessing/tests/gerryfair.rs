//! GerryFair against tests/data/aif360 (docs/inprocessing.md#gerryfair).

use fairkit_inprocessing::{FairnessDef, GerryFair, audit};

use crate::common::{num, prepared, reference};

fn check(dataset: &str, key: &str) {
    let (Some(train), Some(test)) = (prepared(dataset, "train"), prepared(dataset, "test")) else {
        return;
    };
    let r = &reference(dataset)[key];
    let extra: Vec<&str> = r["protected_attributes"].as_array().unwrap()[1..]
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let prot = train.protected(&extra);
    let model = GerryFair::params().fit(&train.data, prot.view()).unwrap();
    let test_prot = test.protected(&extra);
    let soft = model.expected_positive(test.data.features(), test_prot.view()).unwrap();
    let hard: Vec<f64> = model
        .predict(test.data.features(), test_prot.view())
        .unwrap()
        .iter()
        .map(|&b| f64::from(u8::from(b)))
        .collect();
    let (acc, dp) = test.accuracy_dp(&hard);
    let sub = audit(test_prot.view(), test.data.labels(), soft.as_slice().unwrap(), FairnessDef::FalsePositive, true).unwrap();
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
    println!("errors {:?}\nref    {:?}", model.errors(), r["errors"]);
    println!("viol   {:?}\nref    {:?}", model.fairness_violations(), r["fairness_violations"]);
    println!("train subgroup {:?}\nref {}", model.train_subgroup(), r["train_audit_soft"]);
    assert!((acc - num(&r["test"]["accuracy"])).abs() <= 0.01);
    assert!((sub.weighted_disparity - num(&ra["weighted_disparity"])).abs() <= 0.02);
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
