//! Cross-check against Fairlearn 0.15: every hard-prediction column of the shared
//! `{credit,compas}_test_predictions.csv` against the `test` block of `{credit,compas}.json`.

use fairkit_core::Groups;
use fairkit_metrics::{
    ComputeReport, ConfusionTable, Disparity, GroupedReport, Metric, ReportInput,
};
use fairkit_testkit::shared;
use serde_json::Value;

/// Which method of the JSON a prediction column belongs to.
fn method_of(column: &str) -> &'static str {
    match column {
        "lr_pred" => "baseline_lr",
        "dt_pred" => "baseline_dt",
        "eg_dp_pred_rs42" => "eg_dp",
        "eg_eo_pred_rs42" => "eg_eo",
        "eg_tprp_pred_rs42" => "eg_tprp",
        "to_dp_pred_rs42" => "to_dp",
        "to_eo_pred_rs42" => "to_eo",
        "rw_lr_pred" => "reweigh_lr",
        other => panic!("unknown prediction column {other}"),
    }
}

fn bit(s: &str) -> bool {
    match s {
        "0" => false,
        "1" => true,
        other => panic!("not a 0/1 label: {other}"),
    }
}

#[track_caller]
fn check(what: &str, got: f64, want: &Value, checked: &mut usize) {
    let want = want
        .as_f64()
        .unwrap_or_else(|| panic!("{what}: not a number"));
    assert!(
        (got - want).abs() <= 1e-12,
        "{what}: fairkit {got}, fairlearn {want}"
    );
    *checked += 1;
}

/// One dataset's expected JSON and test predictions.
struct Reference {
    expected: Value,
    headers: csv::StringRecord,
    records: Vec<csv::StringRecord>,
    y: Vec<bool>,
    groups: Groups,
}

impl Reference {
    fn load(dataset: &str) -> Option<Self> {
        let csv_path = shared(&format!(
            "reference/expected/{dataset}_test_predictions.csv"
        ))?;
        let json_path = shared(&format!("reference/expected/{dataset}.json"))?;
        let expected = serde_json::from_str(&std::fs::read_to_string(json_path).unwrap()).unwrap();
        let mut reader = csv::Reader::from_path(csv_path).unwrap();
        let headers = reader.headers().unwrap().clone();
        let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        let mut r = Reference {
            expected,
            headers,
            records,
            y: Vec::new(),
            groups: Groups::from_labels("sensitive", &["-"]).unwrap(),
        };
        let label = r.column("label");
        r.y = r.records.iter().map(|row| bit(&row[label])).collect();
        let s = r.column("sensitive");
        let sensitive: Vec<&str> = r.records.iter().map(|row| &row[s]).collect();
        r.groups = Groups::from_labels("sensitive", &sensitive).unwrap();
        Some(r)
    }

    fn column(&self, name: &str) -> usize {
        self.headers.iter().position(|h| h == name).unwrap()
    }

    fn values(&self, column: usize) -> impl Iterator<Item = &str> {
        self.records.iter().map(move |r| &r[column])
    }
}

/// Compares a report with a block of the JSON: the per-group fields overall and by group,
/// balanced accuracy, and the disparities that every block has.
fn check_block(name: &str, report: &GroupedReport, t: &Value, checked: &mut usize) {
    let fields = [
        ("count", Metric::Count),
        ("base_rate", Metric::BaseRate),
        ("selection_rate", Metric::SelectionRate),
        ("accuracy", Metric::Accuracy),
        ("tpr", Metric::TruePositiveRate),
        ("fpr", Metric::FalsePositiveRate),
        ("ppv", Metric::PositivePredictiveValue),
    ];
    for (key, m) in fields {
        check(
            &format!("{name} overall {key}"),
            report.overall(m),
            &t["overall"][key],
            checked,
        );
        for (code, label) in report.labels().iter().enumerate() {
            let got = report.value(m, code as u32);
            check(
                &format!("{name} {label} {key}"),
                got,
                &t["by_group"][label][key],
                checked,
            );
        }
    }
    let bal = report.overall(Metric::BalancedAccuracy);
    check(
        &format!("{name} balanced accuracy"),
        bal,
        &t["balanced_accuracy"],
        checked,
    );
    let disparities = [
        (
            "demographic_parity_difference",
            Disparity::DemographicParityDifference,
        ),
        (
            "demographic_parity_ratio",
            Disparity::DemographicParityRatio,
        ),
        (
            "equalized_odds_difference",
            Disparity::EqualizedOddsDifference,
        ),
        (
            "equal_opportunity_difference",
            Disparity::EqualOpportunityDifference,
        ),
        (
            "predictive_parity_gap",
            Disparity::PredictiveParityDifference,
        ),
        ("tpr_gap", Disparity::EqualOpportunityDifference),
    ];
    for (key, d) in disparities {
        check(
            &format!("{name} {key}"),
            report.disparity(d),
            &t[key],
            checked,
        );
    }
    let fpr_gap = report.aggregate(Metric::FalsePositiveRate).difference;
    check(&format!("{name} fpr_gap"), fpr_gap, &t["fpr_gap"], checked);
}

/// Every hard-prediction column against its method's `test` block.
fn cross_check(dataset: &str) {
    let Some(r) = Reference::load(dataset) else {
        return;
    };
    let mut checked = 0;
    let mut columns = 0;
    for (j, name) in r.headers.iter().enumerate() {
        if !name.contains("_pred") {
            continue;
        }
        columns += 1;
        let p: Vec<bool> = r.values(j).map(bit).collect();
        let report = GroupedReport::params()
            .compute(ReportInput::new(&r.y, &p, &r.groups))
            .unwrap();
        let t = &r.expected["methods"][method_of(name)]["test"];
        check_block(name, &report, t, &mut checked);
        let bal = report.overall(Metric::BalancedAccuracy);
        check(
            &format!("{name} overall balanced accuracy"),
            bal,
            &t["overall"]["balanced_accuracy"],
            &mut checked,
        );
        let acc = report.overall(Metric::Accuracy);
        check(
            &format!("{name} accuracy"),
            acc,
            &t["accuracy"],
            &mut checked,
        );
        let eo_ratio = report.disparity(Disparity::EqualizedOddsRatio);
        check(
            &format!("{name} EO ratio"),
            eo_ratio,
            &t["equalized_odds_ratio_fairlearn"],
            &mut checked,
        );
    }
    assert_eq!(columns, 8, "{dataset}: prediction columns");
    // 8 columns x (7 fields x 3 rows + 1 + 7 disparities + 3 more).
    assert_eq!(
        checked,
        8 * (7 * 3 + 1 + 7 + 3),
        "{dataset}: values compared"
    );
}

/// The randomized predictors' `expected_under_randomization` blocks, from the `*_pmf` columns
/// through expected counts.
fn cross_check_expected(dataset: &str) {
    let Some(r) = Reference::load(dataset) else {
        return;
    };
    let mut checked = 0;
    for method in ["eg_dp", "eg_eo", "eg_tprp", "to_dp", "to_eo"] {
        let j = r.column(&format!("{method}_pmf"));
        let pmf: Vec<f64> = r.values(j).map(|v| v.parse().unwrap()).collect();
        let (codes, n_groups) = (r.groups.codes(), r.groups.n_groups());
        let table = ConfusionTable::accumulate_expected(&r.y, &pmf, codes, n_groups, None).unwrap();
        let report = GroupedReport::params()
            .compute_table(&table, r.groups.schema())
            .unwrap();
        let t = &r.expected["methods"][method]["test"]["expected_under_randomization"];
        check_block(method, &report, t, &mut checked);
    }
    assert_eq!(checked, 5 * (7 * 3 + 1 + 7), "{dataset}: values compared");
}

#[test]
fn credit_expected_under_randomization() {
    cross_check_expected("credit");
}

#[test]
fn compas_expected_under_randomization() {
    cross_check_expected("compas");
}

#[test]
fn credit_matches_fairlearn() {
    cross_check("credit");
}

#[test]
fn compas_matches_fairlearn() {
    cross_check("compas");
}

/// Consistency (k = 5) against scikit-learn's ball tree, which AIF360 uses, on the prepared
/// test features: of the labels and of the logistic regression's predictions.
/// `tolerance` allows for rows at tied distances, whose neighbours the ball tree picks in an
/// unspecified order (COMPAS has many duplicate rows); without ties the values agree exactly.
fn consistency_check(dataset: &str, want_labels: f64, want_lr: f64, tolerance: f64) {
    let (Some(features), Some(r)) = (
        shared(&format!("reference/prepared/{dataset}_test.csv")),
        Reference::load(dataset),
    ) else {
        return;
    };
    let mut reader = csv::Reader::from_path(features).unwrap();
    let width = reader
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "label")
        .unwrap();
    let mut values = Vec::new();
    for row in reader.records() {
        let row = row.unwrap();
        values.extend((0..width).map(|j| row[j].parse::<f64>().unwrap()));
    }
    let x = ndarray::Array2::from_shape_vec((r.y.len(), width), values).unwrap();
    let lr: Vec<bool> = r.values(r.column("lr_pred")).map(bit).collect();
    let c = |y: &[bool]| fairkit_metrics::consistency::consistency(x.view(), y, 5).unwrap();
    assert!(
        (c(&r.y) - want_labels).abs() <= tolerance,
        "{dataset} labels: {}",
        c(&r.y)
    );
    assert!(
        (c(&lr) - want_lr).abs() <= tolerance,
        "{dataset} lr_pred: {}",
        c(&lr)
    );
}

#[test]
fn consistency_matches_scikit_learn() {
    // sklearn.neighbors.NearestNeighbors(n_neighbors=5, algorithm="ball_tree"), scikit-learn 1.9.
    consistency_check("credit", 0.6263333333333334, 0.9987333333333334, 1e-15);
    consistency_check("compas", 0.6631313131313131, 0.9776515151515152, 5e-4);
}
