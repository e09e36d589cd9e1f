//! Cross-check against Fairlearn 0.15: every hard-prediction column of the shared
//! `{credit,compas}_test_predictions.csv` against the `test` block of `{credit,compas}.json`.

use std::path::{Path, PathBuf};

use fairkit_core::Groups;
use fairkit_metrics::{Disparity, GroupedReport, Metric, ReportInput};
use serde_json::Value;

/// A shared file, or `None` with a notice (a panic under `FAIRKIT_REQUIRE_SHARED=1`).
fn shared(relative: &str) -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared")
        .join(relative);
    if path.exists() {
        return Some(path);
    }
    if std::env::var("FAIRKIT_REQUIRE_SHARED").as_deref() == Ok("1") {
        panic!("required shared file {} is missing", path.display());
    }
    eprintln!("skipping: shared file {} is absent", path.display());
    None
}

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

fn cross_check(dataset: &str) {
    let (Some(csv_path), Some(json_path)) = (
        shared(&format!(
            "reference/expected/{dataset}_test_predictions.csv"
        )),
        shared(&format!("reference/expected/{dataset}.json")),
    ) else {
        return;
    };
    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(json_path).unwrap()).unwrap();
    let mut reader = csv::Reader::from_path(csv_path).unwrap();
    let headers = reader.headers().unwrap().clone();
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let y: Vec<bool> = records.iter().map(|r| bit(&r[col("label")])).collect();
    let sensitive: Vec<&str> = records.iter().map(|r| &r[col("sensitive")]).collect();
    let groups = Groups::from_labels("sensitive", &sensitive).unwrap();
    let mut checked = 0;
    let mut columns = 0;
    for (j, name) in headers.iter().enumerate() {
        if !name.contains("_pred") {
            continue;
        }
        columns += 1;
        let p: Vec<bool> = records.iter().map(|r| bit(&r[j])).collect();
        let report = GroupedReport::params()
            .compute(ReportInput::new(&y, &p, &groups))
            .unwrap();
        let t = &expected["methods"][method_of(name)]["test"];
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
                &mut checked,
            );
            for (code, label) in report.labels().iter().enumerate() {
                check(
                    &format!("{name} {label} {key}"),
                    report.value(m, code as u32),
                    &t["by_group"][label][key],
                    &mut checked,
                );
            }
        }
        let bal = report.overall(Metric::BalancedAccuracy);
        check(
            &format!("{name} balanced accuracy"),
            bal,
            &t["overall"]["balanced_accuracy"],
            &mut checked,
        );
        check(
            &format!("{name} balanced accuracy"),
            bal,
            &t["balanced_accuracy"],
            &mut checked,
        );
        check(
            &format!("{name} accuracy"),
            report.overall(Metric::Accuracy),
            &t["accuracy"],
            &mut checked,
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
            (
                "equalized_odds_ratio_fairlearn",
                Disparity::EqualizedOddsRatio,
            ),
        ];
        for (key, d) in disparities {
            check(
                &format!("{name} {key}"),
                report.disparity(d),
                &t[key],
                &mut checked,
            );
        }
        let fpr_gap = report.aggregate(Metric::FalsePositiveRate).difference;
        check(
            &format!("{name} fpr_gap"),
            fpr_gap,
            &t["fpr_gap"],
            &mut checked,
        );
    }
    assert_eq!(columns, 8, "{dataset}: prediction columns");
    // 8 columns x (7 fields x 3 rows + 3 + 8) values.
    assert_eq!(checked, 8 * (7 * 3 + 3 + 8), "{dataset}: values compared");
}

#[test]
fn credit_matches_fairlearn() {
    cross_check("credit");
}

#[test]
fn compas_matches_fairlearn() {
    cross_check("compas");
}
