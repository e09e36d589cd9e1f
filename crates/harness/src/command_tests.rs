//! Unit tests of the library forms of `assess`, `gate` and `audit` on O1
//! (docs/test-oracles.md#o1), without the binary.

use std::path::{Path, PathBuf};

use fairkit_data::DataError;
use fairkit_data::predictions::PredictionColumns;
use fairkit_gate::{CheckKind, GateConfig, Status};
use fairkit_metrics::{Disparity, Metric};
use fairkit_testkit::fixtures::{O1_GROUPS, O1_LABELS, O1_PREDICTIONS};

use crate::assess::{self, AssessConfig, ConsistencyConfig};
use crate::audit::{self, AuditConfig};
use crate::{HarnessError, gate};

/// O1 as a CSV file `g,y,p,x` (x: a feature, the row number) in `dir`.
fn o1_file(dir: &Path) -> PathBuf {
    let mut text = String::from("g,y,p,x\n");
    for i in 0..12 {
        text.push_str(&format!(
            "{},{},{},{i}\n",
            O1_GROUPS[i], O1_LABELS[i], O1_PREDICTIONS[i]
        ));
    }
    let path = dir.join("o1.csv");
    std::fs::write(&path, text).expect("a temporary file");
    path
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

#[test]
fn assess_reports_the_o1_rates_and_what_it_read() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let config = AssessConfig::new(o1_file(dir.path()), PredictionColumns::new("y", "p", ["g"]));
    let a = assess::run(&config).expect("O1 assesses");
    assert!(close(a.report.value(Metric::SelectionRate, 0), 0.5));
    assert!(close(a.report.value(Metric::SelectionRate, 1), 1.0 / 6.0));
    assert!(close(
        a.report.value(Metric::TruePositiveRate, 0),
        2.0 / 3.0
    ));
    assert!(close(
        a.report.disparity(Disparity::DemographicParityDifference),
        1.0 / 3.0
    ));
    assert!(close(
        a.report.disparity(Disparity::EqualizedOddsDifference),
        1.0 / 3.0
    ));
    assert!(a.individual.is_none());
    assert_eq!(a.input.rows, 12);
    assert_eq!(
        (
            a.input.positive_label.as_str(),
            a.input.negative_label.as_str()
        ),
        ("1", "0")
    );
    // The JSON: the report's keys, then inequality and input; no `individual` without it.
    let json = serde_json::to_value(&a).expect("JSON");
    assert!(json.get("individual").is_none());
    assert_eq!(json["input"]["prediction"], "p");
    assert!(json["inequality"]["theil_index"].is_number());
    // The CSV: a row per group and overall, the selection rate as computed.
    let csv = String::from_utf8(a.render_csv().expect("CSV")).expect("UTF-8");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 4, "{csv}");
    assert!(
        lines[0].starts_with("group,count,selection_rate,"),
        "{}",
        lines[0]
    );
    assert!(lines[1].starts_with("a,6,0.5,"), "{}", lines[1]);
    assert!(
        lines[3].starts_with("overall,12,0.3333333333333333,"),
        "{}",
        lines[3]
    );
    // The table ends with the inequality block.
    assert!(
        a.render_table()
            .contains("inequality of benefits b = 1 + pred - label")
    );
}

#[test]
fn assess_with_consistency_and_control() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let mut config =
        AssessConfig::new(o1_file(dir.path()), PredictionColumns::new("y", "p", ["g"]));
    config.consistency = Some(ConsistencyConfig {
        k: 1,
        features: None,
        standardize: true,
    });
    let a = assess::run(&config).expect("O1 assesses");
    let individual = a.individual.as_ref().expect("consistency");
    // k = 1: each row's only neighbour is itself, so consistency is exactly 1.
    assert_eq!(individual.consistency.0, 1.0);
    assert_eq!(individual.features, ["x"]);
    assert!(
        a.render_table()
            .contains("consistency (k = 1, 1 features, standardized) 1.0000")
    );

    // The label as a control feature: two control levels, each with its groups.
    config.consistency = None;
    config.control = vec!["y".into()];
    let a = assess::run(&config).expect("O1 assesses");
    let csv = String::from_utf8(a.render_csv().expect("CSV")).expect("UTF-8");
    assert!(csv.starts_with("control,group,"), "{csv}");
    assert_eq!(csv.lines().count(), 1 + 3 * 3, "{csv}");
}

#[test]
fn assess_errors_keep_their_place_and_type() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("bad.csv");
    std::fs::write(&path, "g,y,p\na,1,1\nb,0,2\n").expect("a temporary file");
    let config = AssessConfig::new(&path, PredictionColumns::new("y", "p", ["g"]));
    match assess::run(&config) {
        Err(HarnessError::Data(e)) => match *e {
            DataError::UnknownPrediction {
                line, row, value, ..
            } => assert_eq!((line, row, value.as_str()), (3, 2, "2")),
            other => panic!("expected an unknown prediction, got {other:?}"),
        },
        other => panic!("expected an unknown prediction, got {other:?}"),
    }
    let same = AssessConfig::new(&path, PredictionColumns::new("y", "y", ["g"]));
    let e = assess::run(&same).expect_err("the label is no prediction");
    assert_eq!(
        e.to_string(),
        "the prediction and label columns are the same column 'y'"
    );
    let mut none = AssessConfig::new(&path, PredictionColumns::new("y", "y", ["g"]));
    none.columns.prediction = "p".into();
    none.consistency = Some(ConsistencyConfig {
        k: 1,
        features: Some(Vec::new()),
        standardize: false,
    });
    std::fs::write(&path, "g,y,p\na,1,1\nb,0,0\n").expect("a temporary file");
    assert!(matches!(
        assess::run(&none),
        Err(HarnessError::NoFeatures { .. })
    ));
    let missing = AssessConfig::new(dir.path().join("absent.csv"), none.columns.clone());
    assert!(matches!(
        assess::run(&missing),
        Err(HarnessError::Io { .. })
    ));
}

#[test]
fn gate_decides_on_o1() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = o1_file(dir.path());
    let columns = PredictionColumns::new("y", "p", ["g"]);
    // The default minimum group size (100) leaves every fairness check undecided.
    let input = gate::GateInput::new(&path, columns);
    let report = gate::run(&input, &GateConfig::default()).expect("the gate runs");
    let status = |report: &fairkit_gate::GateReport, kind: CheckKind| {
        report
            .checks
            .iter()
            .find(|c| c.check == kind)
            .map(|c| (c.status, c.value))
            .expect("the check")
    };
    assert_eq!(
        status(&report, CheckKind::DemographicParityDifference).0,
        Status::Inconclusive
    );
    // Small minima: demographic parity 1/3 > 0.1 fails, and the gate fails.
    let config = GateConfig {
        min_samples_per_group: 1,
        min_positives_per_group: 1,
        min_negatives_per_group: 1,
        ..GateConfig::default()
    };
    let report = gate::run(&input, &config).expect("the gate runs");
    let (dp, value) = status(&report, CheckKind::DemographicParityDifference);
    assert_eq!(dp, Status::Fail);
    assert!(close(value.expect("a value"), 1.0 / 3.0));
    assert_eq!(report.exit_code(), 1);
}

#[test]
fn gate_compares_with_a_baseline_column_or_file_on_the_same_rows() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    // The candidate selects everyone in group a and nobody in b (DP 1); the baseline is exact.
    let mut text = String::from("g,y,p,base\n");
    for i in 0..40 {
        let (g, y) = (if i < 20 { "a" } else { "b" }, i % 2);
        text.push_str(&format!("{g},{y},{},{y}\n", u8::from(i < 20)));
    }
    let data = dir.path().join("rows.csv");
    std::fs::write(&data, &text).expect("write");
    let config = GateConfig {
        min_samples_per_group: 1,
        min_positives_per_group: 1,
        min_negatives_per_group: 1,
        ..GateConfig::default()
    };
    let mut input = gate::GateInput::new(&data, PredictionColumns::new("y", "p", ["g"]));
    input.baseline = Some(gate::Baseline::Column("base".into()));
    let report = gate::run(&input, &config).expect("the gate runs");
    let dp = &report.comparisons[0];
    assert_eq!(dp.metric, "demographic_parity_difference");
    assert_eq!(
        (dp.candidate, dp.baseline, dp.difference),
        (Some(1.0), Some(0.0), Some(1.0))
    );
    assert_eq!(dp.status, Status::Fail);

    // The same baseline from its own file (column `p` there), then a file whose rows differ.
    let base = dir.path().join("base.csv");
    let own: String = text
        .lines()
        .map(|l| {
            let c: Vec<&str> = l.split(',').collect();
            let p = if c[3] == "base" { "p" } else { c[3] };
            format!("{},{},{p}\n", c[0], c[1])
        })
        .collect();
    std::fs::write(&base, &own).expect("write");
    input.baseline = Some(gate::Baseline::File {
        path: base.clone(),
        column: None,
    });
    let from_file = gate::run(&input, &config).expect("the gate runs");
    assert_eq!(from_file.comparisons, report.comparisons);
    std::fs::write(&base, own.replacen("a,0,0", "b,0,0", 1)).expect("write");
    let e = gate::run(&input, &config).expect_err("other rows");
    assert!(
        e.to_string()
            .contains("line 2, row 1, column 'g': value 'b' differs from 'a'"),
        "{e}"
    );
    // The evidence record names both files with their digests.
    let record = gate::evidence(&input, None, &config, &["fairkit".into()]).expect("evidence");
    let roles: Vec<&str> = record.inputs.iter().map(|i| i.role.as_str()).collect();
    assert_eq!(roles, ["--data", "--baseline"]);
}

#[test]
fn audit_reports_the_o1_base_rates() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let config = AuditConfig {
        data: Some(o1_file(dir.path())),
        label: Some("y".into()),
        sensitive: Some(vec!["g".into()]),
        features: Some(vec!["x".into()]),
        ..AuditConfig::default()
    };
    let report = audit::run(&config).expect("O1 audits");
    assert_eq!(report.n_rows, 12);
    let rates: Vec<f64> = report.groups.iter().map(|g| g.base_rate).collect();
    assert!(
        close(rates[0], 0.5) && close(rates[1], 2.0 / 6.0),
        "{rates:?}"
    );
    assert!(close(
        report.label_demographic_parity_difference,
        0.5 - 2.0 / 6.0
    ));
    // The built-in scenario without a file.
    let builtin = audit::run(&AuditConfig::default()).expect("the scenario audits");
    assert_eq!(builtin.n_rows, 10_000);
}

/// O1's counts (docs/counts.md), one cell split in two listed rows and one count of 0: the
/// report from counts is O1's exactly (the same unweighted integers, divided the same way), the
/// inequality indices O1's to rounding, and the options that need the rows are refused.
#[test]
fn assess_counts_is_the_o1_assessment() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    // O1: a has tp 2, fn 1, fp 1, tn 2; b has tp 1, fn 1, fp 0, tn 4.
    let text = "g,y,p,n\nb,0,0,4\na,1,1,1\na,1,0,1\na,0,1,1\na,0,0,2\nb,1,1,1\nb,1,0,1\na,1,1,1\nb,0,1,0\n";
    let path = dir.path().join("o1_counts.csv");
    std::fs::write(&path, text).expect("a temporary file");
    let rows = AssessConfig::new(o1_file(dir.path()), PredictionColumns::new("y", "p", ["g"]));
    let mut counts = AssessConfig::new(&path, PredictionColumns::new("y", "p", ["g"]));
    counts.counts = Some("n".into());
    let (a, b) = (
        assess::run(&rows).expect("O1 rows"),
        assess::run(&counts).expect("O1 counts"),
    );
    assert_eq!(a.report, b.report);
    // The indices to rounding, against O1's exact values (docs/test-oracles.md#o5).
    let (i, j) = (a.inequality, b.inequality);
    for (x, want) in [
        (j.generalized_entropy_index, 35.0 / 242.0),
        (j.between_group_generalized_entropy_index, 1.0 / 242.0),
        (j.between_group_coefficient_of_variation, 1.0 / 11.0),
        (j.theil_index, i.theil_index),
        (j.between_group_theil_index, i.between_group_theil_index),
    ] {
        assert!(close(x, want), "{x} vs {want}");
    }
    assert_eq!((b.input.rows, b.input.counts.as_deref()), (12, Some("n")));
    counts.consistency = Some(ConsistencyConfig {
        k: 3,
        features: None,
        standardize: true,
    });
    assert!(matches!(
        assess::run(&counts),
        Err(HarnessError::NeedsRows {
            what: "--consistency"
        })
    ));
}
