//! The stable JSON shape of reports (issue 3 item 4).

use fairkit_core::Groups;
use fairkit_metrics::{BootstrapParams, ComputeReport, GroupedReport, ReportInput};
use serde_json::Value;

fn bits(v: &[u8]) -> Vec<bool> {
    v.iter().map(|&b| b == 1).collect()
}

/// The keys of a JSON object in document order (serde_json's `Value` sorts them, so read them
/// from the text).
fn keys_in_order(text: &str, object: &Value) -> Vec<String> {
    let mut keys: Vec<(usize, String)> = object
        .as_object()
        .unwrap()
        .keys()
        .map(|k| (text.find(&format!("\"{k}\":")).unwrap(), k.clone()))
        .collect();
    keys.sort();
    keys.into_iter().map(|(_, k)| k).collect()
}

#[test]
fn o1_report_json_shape() {
    let g = Groups::from_labels(
        "g",
        &["a", "a", "a", "a", "a", "a", "b", "b", "b", "b", "b", "b"],
    )
    .unwrap();
    let y = bits(&[1, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0]);
    let p = bits(&[1, 1, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0]);
    let r = GroupedReport::params()
        .min_group_size(6)
        .compute(ReportInput::new(&y, &p, &g))
        .unwrap();
    let text = serde_json::to_string(&r).unwrap();
    assert!(
        text.starts_with(
            "{\"overall\":{\"count\":12,\"selection_rate\":0.3333333333333333,\
             \"true_positive_rate\":0.6,\"false_positive_rate\":0.14285714285714285,\
             \"false_negative_rate\":0.4,\"true_negative_rate\":0.8571428571428571,\
             \"positive_predictive_value\":0.75,\"negative_predictive_value\":0.75,\
             \"accuracy\":0.75,\"balanced_accuracy\":0.7285714285714285},\
             \"by_group\":{\"a\":{\"count\":6,\"selection_rate\":0.5,"
        ),
        "{text}"
    );
    let v: Value = serde_json::from_str(&text).unwrap();
    let top: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
    let mut expected_top = vec![
        "aggregates",
        "by_group",
        "disparities",
        "overall",
        "settings",
        "sizes",
        "warnings",
    ];
    expected_top.sort();
    assert_eq!(top, expected_top);
    // Six rows pass min_group_size 6, but 3 and 2 positives are too few (fairkit_metrics::small).
    let w = &v["warnings"];
    assert_eq!(w.as_array().unwrap().len(), 2);
    assert_eq!(
        (&w[1]["group"], &w[1]["rows"]),
        (&Value::from("b"), &Value::from(6))
    );
    assert_eq!(
        (&w[1]["positives"], &w[1]["negatives"]),
        (&Value::from(2.0), &Value::from(4.0))
    );
    assert!(
        w[0]["message"]
            .as_str()
            .unwrap()
            .contains("fewer than 10 positives and 10 negatives")
    );
    assert_eq!(v["by_group"]["b"]["selection_rate"], 1.0 / 6.0);
    let d = &v["disparities"];
    for key in [
        "demographic_parity_difference",
        "demographic_parity_ratio",
        "equalized_odds_difference",
        "equalized_odds_ratio",
        "equal_opportunity_difference",
        "predictive_parity_difference",
        "four_fifths",
    ] {
        assert!(d.get(key).is_some(), "disparities.{key}");
    }
    assert_eq!(d["demographic_parity_ratio"], 1.0 / 3.0);
    assert_eq!(d["equalized_odds_ratio"], 0.0);
    let ff = &d["four_fifths"];
    assert_eq!(ff["reference_group"], "a");
    assert_eq!(ff["ratios"]["a"], 1.0);
    assert_eq!(ff["ratios"]["b"], 1.0 / 3.0);
    assert_eq!(ff["pass"], false);
    assert_eq!(ff["status"], "fail");
    assert_eq!(
        d["extreme_groups"]["demographic_parity_difference"]["max"],
        "a"
    );
    assert_eq!(
        d["extreme_groups"]["equalized_odds_difference"]["metric"],
        "false_positive_rate"
    );
    assert_eq!(v["sizes"]["by_group"]["b"]["count"], 6);
    assert_eq!(
        v["sizes"]["by_group"]["b"]["warnings"],
        Value::Array(vec![])
    );
    assert_eq!(v["aggregates"]["selection_rate"]["argmin"], "b");
    // Key order is stable: the report order of metrics and disparities.
    let order = keys_in_order(&text, &v["disparities"]);
    assert_eq!(
        &order[..3],
        [
            "demographic_parity_difference",
            "demographic_parity_ratio",
            "equalized_odds_difference"
        ]
    );
}

#[test]
fn undefined_values_are_null() {
    // E4: (F, y) is empty: count 0, every rate null.
    let sex = vec!["F", "F", "M", "M", "M", "M"];
    let race = vec!["x", "x", "x", "x", "y", "y"];
    let g = Groups::from_columns(&["sex", "race"], &[sex, race]).unwrap();
    let y = bits(&[1, 0, 1, 0, 1, 1]);
    let p = bits(&[1, 1, 0, 0, 1, 0]);
    let r = GroupedReport::params()
        .compute(ReportInput::new(&y, &p, &g))
        .unwrap();
    let v: Value = serde_json::to_value(&r).unwrap();
    let empty = &v["by_group"]["F,y"];
    assert_eq!(empty["count"], 0);
    assert_eq!(empty["selection_rate"], Value::Null);
    assert_eq!(empty["true_positive_rate"], Value::Null);
    assert_eq!(v["sizes"]["by_group"]["F,y"]["warnings"][0], "empty");
    assert_eq!(
        v["disparities"]["four_fifths"]["ratios"]["F,y"],
        Value::Null
    );
    assert_eq!(v["disparities"]["four_fifths"]["pass"], Value::Null);
    assert_eq!(v["disparities"]["four_fifths"]["status"], "inconclusive");
}

#[test]
fn intervals_and_control_serialize() {
    let g = Groups::from_labels("g", &["a", "b", "a", "b", "a", "b", "a", "b"]).unwrap();
    let c = Groups::from_labels("c", &["u", "u", "u", "u", "v", "v", "v", "v"]).unwrap();
    let y = bits(&[1, 0, 1, 1, 0, 0, 1, 0]);
    let p = bits(&[1, 0, 0, 1, 1, 0, 1, 1]);
    let r = GroupedReport::params()
        .bootstrap(BootstrapParams::new(50, 7))
        .compute(ReportInput::new(&y, &p, &g).control(&c))
        .unwrap();
    let v: Value = serde_json::to_value(&r).unwrap();
    let iv = &v["intervals"];
    assert_eq!(iv["n_boot"], 50);
    assert_eq!(iv["quantiles"].as_array().unwrap().len(), 2);
    assert_eq!(iv["overall"]["selection_rate"].as_array().unwrap().len(), 2);
    assert!(iv["by_group"]["a"]["accuracy"].is_array());
    assert!(iv["disparities"]["demographic_parity_difference"].is_array());
    assert!(iv["disparities"]["four_fifths"]["ratio"].is_array());
    assert!(iv["control"]["levels"]["v"]["overall"]["accuracy"].is_array());
    assert_eq!(v["control"]["columns"][0], "c");
    assert_eq!(v["control"]["levels"]["u"]["overall"]["count"], 4);
    assert_eq!(
        v["control"]["levels"]["u"]["sizes"]["by_group"]["a"]["count"],
        2
    );
    let lo = iv["overall"]["selection_rate"][0].as_f64().unwrap();
    let hi = iv["overall"]["selection_rate"][1].as_f64().unwrap();
    assert!(lo <= 0.5 && 0.5 <= hi && lo < hi, "{lo} {hi}");
}

#[test]
fn table_with_intervals_and_control() {
    let g = Groups::from_labels("g", &["a", "b", "a", "b", "a", "b", "a", "b"]).unwrap();
    let c = Groups::from_labels("c", &["u", "u", "u", "u", "v", "v", "v", "v"]).unwrap();
    let y = bits(&[1, 0, 1, 1, 0, 0, 1, 0]);
    let p = bits(&[1, 0, 0, 1, 1, 0, 1, 1]);
    let r = GroupedReport::params()
        .bootstrap(BootstrapParams::new(20, 3))
        .compute(ReportInput::new(&y, &p, &g).control(&c))
        .unwrap();
    let t = r.render_table();
    assert_eq!(t.matches("disparities (between_groups)").count(), 3, "{t}");
    assert!(t.contains("\n== control c = u ==\n"), "{t}");
    assert!(t.contains("at q=[0.025, 0.975]"), "{t}");
    // Every disparity line of every section has an interval.
    assert_eq!(t.matches("at q=[").count(), 3 * 10);
}
