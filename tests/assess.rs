//! `fairkit assess`: the reference values of Fairlearn 0.15, the three output formats, the
//! consistency and inequality indices, and every bad-input rule.

use std::path::Path;

use serde_json::Value;

use crate::util::{approx, assert_bad_input, flag_help, json, run, stderr, stdout, write_file};

/// Runs `fairkit assess` and parses its JSON output, failing on a non-zero exit.
fn assess_json(args: &[&str]) -> Value {
    let mut all = vec!["assess", "--format", "json"];
    all.extend_from_slice(args);
    json(&run(&all))
}

/// `--data FILE --label y --pred p --sensitive g`: the columns of the small test files.
fn ypg(data: &str) -> Vec<&str> {
    vec![
        "--data",
        data,
        "--label",
        "y",
        "--pred",
        "p",
        "--sensitive",
        "g",
    ]
}

/// `fairkit assess` followed by `args`.
fn assess<'a>(args: &[&'a str]) -> Vec<&'a str> {
    let mut all = vec!["assess"];
    all.extend_from_slice(args);
    all
}

// ---------------------------------------------------------------------------------------------
// Reference values (Fairlearn 0.15 on the shared test predictions)

/// The method of the reference JSON that a prediction column of the shared CSV belongs to.
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

#[track_caller]
fn close(what: &str, got: &Value, want: &Value) {
    let (g, w) = (got.as_f64(), want.as_f64());
    let (Some(g), Some(w)) = (g, w) else {
        panic!("{what}: fairkit {got}, fairlearn {want}");
    };
    assert!((g - w).abs() <= 1e-12, "{what}: fairkit {g}, fairlearn {w}");
}

/// Every hard-prediction column of `{dataset}_test_predictions.csv` through `fairkit assess`
/// against the `test` block of its method in `{dataset}.json`. Returns the values compared.
fn reproduce(dataset: &str) -> usize {
    let Some(csv) = fairkit_testkit::shared(&format!(
        "reference/expected/{dataset}_test_predictions.csv"
    )) else {
        return 0;
    };
    let Some(json) = fairkit_testkit::shared(&format!("reference/expected/{dataset}.json")) else {
        return 0;
    };
    let expected: Value = serde_json::from_str(&std::fs::read_to_string(json).unwrap()).unwrap();
    let header = std::fs::read_to_string(&csv).unwrap();
    let columns: Vec<&str> = header
        .lines()
        .next()
        .unwrap()
        .split(',')
        .filter(|c| c.ends_with("_pred") || c.ends_with("_pred_rs42"))
        .collect();
    assert_eq!(columns.len(), 8, "{columns:?}");
    let mut compared = 0;
    for column in columns {
        let got = assess_json(&[
            "--data",
            csv.to_str().unwrap(),
            "--label",
            "label",
            "--sensitive",
            "sensitive",
            "--pred",
            column,
        ]);
        let want = &expected["methods"][method_of(column)]["test"];
        let fields = [
            ("count", "count"),
            ("selection_rate", "selection_rate"),
            ("accuracy", "accuracy"),
            ("tpr", "true_positive_rate"),
            ("fpr", "false_positive_rate"),
            ("ppv", "positive_predictive_value"),
        ];
        let groups = want["by_group"].as_object().unwrap();
        assert_eq!(groups.len(), 2);
        assert_eq!(got["by_group"].as_object().unwrap().len(), 2);
        for (theirs, ours) in fields {
            let what = format!("{dataset} {column} overall {ours}");
            close(&what, &got["overall"][ours], &want["overall"][theirs]);
            compared += 1;
            for label in groups.keys() {
                let what = format!("{dataset} {column} {label} {ours}");
                close(
                    &what,
                    &got["by_group"][label][ours],
                    &want["by_group"][label][theirs],
                );
                compared += 1;
            }
        }
        let bal = &got["overall"]["balanced_accuracy"];
        close(&format!("{column} bal"), bal, &want["balanced_accuracy"]);
        close(
            &format!("{column} bal"),
            bal,
            &want["overall"]["balanced_accuracy"],
        );
        let d = &got["disparities"];
        let disparities = [
            (
                "demographic_parity_difference",
                &d["demographic_parity_difference"],
            ),
            ("demographic_parity_ratio", &d["demographic_parity_ratio"]),
            ("equalized_odds_difference", &d["equalized_odds_difference"]),
            ("equalized_odds_ratio_fairlearn", &d["equalized_odds_ratio"]),
            (
                "equal_opportunity_difference",
                &d["equal_opportunity_difference"],
            ),
            ("predictive_parity_gap", &d["predictive_parity_difference"]),
            (
                "tpr_gap",
                &got["aggregates"]["true_positive_rate"]["difference"],
            ),
            (
                "fpr_gap",
                &got["aggregates"]["false_positive_rate"]["difference"],
            ),
        ];
        for (theirs, value) in disparities {
            close(
                &format!("{dataset} {column} {theirs}"),
                value,
                &want[theirs],
            );
        }
        compared += 2 + disparities.len();
    }
    compared
}

#[test]
fn reproduces_fairlearn_on_credit() {
    let n = reproduce("credit");
    assert!(n == 0 || n == 8 * 28, "{n}");
}

#[test]
fn reproduces_fairlearn_on_compas() {
    let n = reproduce("compas");
    assert!(n == 0 || n == 8 * 28, "{n}");
}

// ---------------------------------------------------------------------------------------------
// O1 (docs/test-oracles.md#o1) through the command line: formats, labels as strings, weights,
// options

/// O1 (docs/test-oracles.md#o1) with string labels: group, label, prediction.
const O1: &str = "\
g,y,p,w
a,yes,yes,2
a,yes,yes,1
a,yes,no,1
a,no,yes,1
a,no,no,1
a,no,no,1
b,yes,yes,1
b,yes,no,1
b,no,no,1
b,no,no,1
b,no,no,1
b,no,no,3
";

fn o1_file(dir: &Path) -> String {
    write_file(dir, "o1.csv", O1.as_bytes())
}

const O1_ARGS: [&str; 8] = [
    "--label",
    "y",
    "--pred",
    "p",
    "--sensitive",
    "g",
    "--positive-label",
    "yes",
];

fn o1_json(extra: &[&str]) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let data = o1_file(dir.path());
    let mut args = vec!["--data", data.as_str()];
    args.extend_from_slice(&O1_ARGS);
    args.extend_from_slice(extra);
    assess_json(&args)
}

#[test]
fn o1_values_with_string_labels() {
    let r = o1_json(&[]);
    approx(&r["by_group"]["a"]["selection_rate"], 0.5);
    approx(&r["by_group"]["b"]["selection_rate"], 1.0 / 6.0);
    approx(&r["overall"]["balanced_accuracy"], 0.728571428571428_6);
    assert_eq!(r["overall"]["count"], 12);
    approx(
        &r["disparities"]["demographic_parity_difference"],
        1.0 / 3.0,
    );
    approx(&r["disparities"]["equalized_odds_difference"], 1.0 / 3.0);
    approx(&r["disparities"]["equalized_odds_ratio"], 0.0);
    assert_eq!(r["disparities"]["four_fifths"]["reference_group"], "a");
    assert_eq!(r["disparities"]["four_fifths"]["status"], "inconclusive");
    assert_eq!(r["input"]["positive_label"], "yes");
    assert_eq!(r["input"]["negative_label"], "no");
    // O5: the inequality indices are always reported.
    approx(&r["inequality"]["generalized_entropy_index"], 35.0 / 242.0);
    approx(
        &r["inequality"]["between_group_generalized_entropy_index"],
        1.0 / 242.0,
    );
    approx(
        &r["inequality"]["coefficient_of_variation"],
        (70.0f64 / 242.0).sqrt(),
    );
    assert!(r.get("intervals").is_none());
    assert!(r.get("individual").is_none());
}

#[test]
fn o1_options_method_agg_weights_min_group_size() {
    let r = o1_json(&["--method", "to_overall", "--eo-agg", "mean"]);
    approx(
        &r["disparities"]["demographic_parity_difference"],
        1.0 / 6.0,
    );
    approx(&r["disparities"]["demographic_parity_ratio"], 0.5);
    assert_eq!(r["settings"]["method"], "to_overall");
    let r = o1_json(&["--eo-agg", "mean"]);
    approx(&r["disparities"]["equalized_odds_difference"], 0.25);
    approx(&r["disparities"]["equalized_odds_ratio"], 0.375);
    // Weighted (O1, docs/test-oracles.md#o1): DP difference 25/56, ratio 7/32.
    let r = o1_json(&["--weights", "w"]);
    approx(
        &r["disparities"]["demographic_parity_difference"],
        25.0 / 56.0,
    );
    approx(&r["disparities"]["demographic_parity_ratio"], 7.0 / 32.0);
    // Groups of 6 rows pass a minimum of 6: the four-fifths rule is decided.
    let r = o1_json(&["--min-group-size", "6"]);
    assert_eq!(r["disparities"]["four_fifths"]["status"], "fail");
    assert_eq!(
        r["sizes"]["by_group"]["a"]["warnings"],
        serde_json::json!([])
    );
}

#[test]
fn o1_bootstrap_intervals_are_seeded() {
    let a = o1_json(&[
        "--bootstrap",
        "50",
        "--seed",
        "7",
        "--quantiles",
        "0.1,0.5,0.9",
    ]);
    let b = o1_json(&[
        "--bootstrap",
        "50",
        "--seed",
        "7",
        "--quantiles",
        "0.1,0.5,0.9",
    ]);
    let c = o1_json(&[
        "--bootstrap",
        "50",
        "--seed",
        "8",
        "--quantiles",
        "0.1,0.5,0.9",
    ]);
    let iv = &a["intervals"];
    assert_eq!(iv["n_boot"], 50);
    assert_eq!(iv["quantiles"], serde_json::json!([0.1, 0.5, 0.9]));
    let dp = iv["disparities"]["demographic_parity_difference"]
        .as_array()
        .unwrap();
    assert_eq!(dp.len(), 3);
    let q: Vec<f64> = dp.iter().map(|v| v.as_f64().unwrap()).collect();
    assert!(
        q[0] <= q[1] && q[1] <= q[2] && q[0] >= 0.0 && q[2] <= 1.0,
        "{q:?}"
    );
    assert_eq!(a["intervals"], b["intervals"]);
    assert_ne!(a["intervals"], c["intervals"]);
}

#[test]
fn control_features_give_per_level_results() {
    // E5 (docs/test-oracles.md#e5): O1 with a control feature.
    let cf = ["u", "u", "u", "v", "v", "v", "u", "u", "v", "v", "v", "u"];
    let mut text = String::from("g,y,p,cf\n");
    for (line, c) in O1.lines().skip(1).zip(cf) {
        let f: Vec<&str> = line.split(',').collect();
        text.push_str(&format!("{},{},{},{c}\n", f[0], f[1], f[2]));
    }
    let dir = tempfile::tempdir().unwrap();
    let data = write_file(dir.path(), "e5.csv", text.as_bytes());
    let mut args = vec!["--data", &data, "--control", "cf"];
    args.extend_from_slice(&O1_ARGS);
    let r = assess_json(&args);
    let levels = &r["control"]["levels"];
    approx(&levels["u"]["overall"]["selection_rate"], 0.5);
    approx(&levels["v"]["by_group"]["a"]["selection_rate"], 1.0 / 3.0);
    approx(&levels["u"]["disparities"]["demographic_parity_ratio"], 0.5);
    approx(&levels["v"]["disparities"]["demographic_parity_ratio"], 0.0);
    // CSV: a control column, the whole data first (control empty), then each level.
    args[0] = "--data";
    let mut csv_args = vec!["assess", "--format", "csv"];
    csv_args.extend_from_slice(&args);
    let out = run(&csv_args);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1 + 3 * 3);
    assert!(lines[0].starts_with("control,group,count,selection_rate,"));
    assert!(lines[1].starts_with(",a,6,0.5,"), "{}", lines[1]);
    assert!(
        lines[4].starts_with("u,a,3,0.6666666666666666,"),
        "{}",
        lines[4]
    );
}

#[test]
fn intersectional_groups_keep_empty_combinations() {
    // E4 (docs/test-oracles.md#e4): (F,y) has no rows: count 0, every rate null, skipped by the
    // aggregates.
    let csv = "sex,race,y,p\nF,x,1,1\nF,x,0,1\nM,x,1,0\nM,x,0,0\nM,y,1,1\nM,y,1,0\n";
    let dir = tempfile::tempdir().unwrap();
    let data = write_file(dir.path(), "e4.csv", csv.as_bytes());
    let mut args = ypg(&data);
    args[7] = "sex,race";
    let r = assess_json(&args);
    let labels: Vec<&String> = r["by_group"].as_object().unwrap().keys().collect();
    assert_eq!(labels, ["F,x", "F,y", "M,x", "M,y"]);
    assert_eq!(r["by_group"]["F,y"]["count"], 0);
    assert!(r["by_group"]["F,y"]["selection_rate"].is_null());
    assert_eq!(
        r["sizes"]["by_group"]["F,y"]["warnings"],
        serde_json::json!(["empty"])
    );
    approx(&r["by_group"]["M,y"]["selection_rate"], 0.5);
    let sr = &r["aggregates"]["selection_rate"];
    approx(&sr["difference"], 1.0);
    approx(&sr["ratio"], 0.0);
    approx(&sr["difference_to_overall"], 0.5);
}

#[test]
fn csv_has_one_row_per_group_and_overall() {
    let dir = tempfile::tempdir().unwrap();
    let data = o1_file(dir.path());
    let mut args = vec!["assess", "--format", "csv", "--data", data.as_str()];
    args.extend_from_slice(&O1_ARGS);
    let out = run(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let rows: Vec<Vec<&str>> = text.lines().map(|l| l.split(',').collect()).collect();
    assert_eq!(
        rows[0],
        [
            "group",
            "count",
            "selection_rate",
            "true_positive_rate",
            "false_positive_rate",
            "false_negative_rate",
            "true_negative_rate",
            "positive_predictive_value",
            "negative_predictive_value",
            "accuracy",
            "balanced_accuracy"
        ]
    );
    assert_eq!(rows.len(), 4);
    assert_eq!(&rows[1][..3], ["a", "6", "0.5"]);
    assert_eq!(rows[2][0], "b");
    assert_eq!(rows[2][4], "0"); // FPR_b
    assert_eq!(&rows[3][..2], ["overall", "12"]);
    assert_eq!(rows[3][9], "0.75"); // accuracy
}

#[test]
fn table_flags_disparities_past_the_thresholds() {
    let dir = tempfile::tempdir().unwrap();
    let data = o1_file(dir.path());
    let mut args = vec!["assess", "--data", data.as_str()];
    args.extend_from_slice(&O1_ARGS);
    let out = run(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("g ") && lines[0].contains("SR"),
        "{text}"
    );
    assert!(
        lines[1].starts_with("a ") && lines[2].starts_with("b "),
        "{text}"
    );
    assert!(lines[3].starts_with("overall"), "{text}");
    // DP difference 1/3 > 0.1 and ratio 1/3 < 0.8 are flagged; error rate difference too.
    assert!(
        text.contains("! demographic_parity_difference   0.3333"),
        "{text}"
    );
    assert!(text.contains("! demographic_parity_ratio"), "{text}");
    assert!(
        text.contains("generalized entropy index (alpha 2)            0.1446          0.0041"),
        "{text}"
    );
}

#[test]
fn out_writes_the_report_to_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let data = o1_file(dir.path());
    let report = dir.path().join("report.json");
    let mut args = vec![
        "assess",
        "--format",
        "json",
        "--data",
        data.as_str(),
        "--out",
        report.to_str().unwrap(),
    ];
    args.extend_from_slice(&O1_ARGS);
    let out = run(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    let r: Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    approx(
        &r["disparities"]["demographic_parity_difference"],
        1.0 / 3.0,
    );
}

// ---------------------------------------------------------------------------------------------
// Consistency (O6, docs/test-oracles.md#o6)

/// O6: x = 0, 1, 2, 10, 11, 12 with predictions 1, 1, 0, 0, 0, 1 (labels equal to predictions,
/// two groups).
const O6: &str = "x,g,y,p\n0,a,1,1\n1,b,1,1\n2,a,0,0\n10,b,0,0\n11,a,0,0\n12,b,1,1\n";

#[test]
fn consistency_matches_o6_with_raw_features() {
    let dir = tempfile::tempdir().unwrap();
    let data = write_file(dir.path(), "o6.csv", O6.as_bytes());
    let mut base = ypg(&data);
    base.extend(["--consistency", "3"]);
    let mut raw = base.to_vec();
    raw.push("--no-standardize");
    let r = assess_json(&raw);
    approx(&r["individual"]["consistency"], 5.0 / 9.0);
    assert_eq!(r["individual"]["k"], 3);
    assert_eq!(r["individual"]["features"], serde_json::json!(["x"]));
    assert_eq!(r["individual"]["standardized"], false);
    // Standardizing one column keeps the neighbours; explicit --features gives the same.
    let mut explicit = base.to_vec();
    explicit.extend(["--features", "x"]);
    let r = assess_json(&explicit);
    approx(&r["individual"]["consistency"], 5.0 / 9.0);
    assert_eq!(r["individual"]["standardized"], true);
    // The table shows it too.
    let out = run(&assess(&base));
    assert!(
        stdout(&out).contains("consistency (k = 3, 1 features, standardized) 0.5556"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn consistency_errors_name_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let data = write_file(dir.path(), "o6.csv", O6.as_bytes());
    let args = assess(&ypg(&data));
    // More neighbours than rows.
    let mut too_many = args.to_vec();
    too_many.extend(["--consistency", "7"]);
    let out = run(&too_many);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--consistency"), "{}", stderr(&out));
    // No feature column left.
    let dir2 = tempfile::tempdir().unwrap();
    let bare = write_file(dir2.path(), "bare.csv", b"g,y,p\na,1,1\nb,0,0\n");
    let mut none = args.to_vec();
    none[2] = &bare;
    none.extend(["--consistency", "1"]);
    let out = run(&none);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("feature columns"), "{}", stderr(&out));
    // --features without --consistency is a usage error.
    let mut stray = args.to_vec();
    stray.extend(["--features", "x"]);
    let out = run(&stray);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--consistency"), "{}", stderr(&out));
}

// ---------------------------------------------------------------------------------------------
// Bad input: exit status 2, a message naming the problem, no output file, no panic

/// Runs `assess` on `csv` with `--out`, expecting failure whose message contains each of
/// `needles`.
#[track_caller]
fn rejects(csv: &[u8], extra: &[&str], needles: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let data = write_file(dir.path(), "bad.csv", csv);
    let report = dir.path().join("report.json");
    let mut args = assess(&ypg(&data));
    args.extend(["--format", "json", "--out", report.to_str().unwrap()]);
    args.extend_from_slice(extra);
    let out = run(&args);
    assert_bad_input(&out, needles);
    assert!(out.stdout.is_empty());
    assert!(!report.exists(), "a partial output file was left");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn bad_ragged_row() {
    rejects(
        b"g,y,p\na,1,1\nb,0\n",
        &[],
        &["bad.csv", "line 3: row 2 has 2 fields but the header has 3"],
    );
}

#[test]
fn bad_prediction_outside_the_label_set() {
    rejects(
        b"g,y,p\na,1,1\nb,0,0\nb,1,2\n",
        &[],
        &[
            "line 4, row 3",
            "prediction column 'p'",
            "'2'",
            "('0', '1')",
        ],
    );
}

#[test]
fn bad_single_group() {
    rejects(b"g,y,p\na,1,1\na,0,0\n", &[], &["single group", "'g'"]);
}

#[test]
fn bad_nan_weight() {
    rejects(
        b"g,y,p,w\na,1,1,1\nb,0,0,NaN\n",
        &["--weights", "w"],
        &["line 3, row 2, column 'w'", "NaN"],
    );
}

#[test]
fn bad_negative_weight() {
    rejects(
        b"g,y,p,w\na,1,1,1\nb,0,0,-2\n",
        &["--weights", "w"],
        &["line 3, row 2, column 'w'", "negative weight '-2'"],
    );
}

#[test]
fn bad_unknown_column() {
    rejects(
        b"g,y,p\na,1,1\nb,0,0\n",
        &["--control", "nope"],
        &["missing column 'nope'", "columns: g, y, p"],
    );
    rejects(b"g,y,q\na,1,1\nb,0,0\n", &[], &["missing column 'p'"]);
}

#[test]
fn bad_prediction_column_is_the_label() {
    let dir = tempfile::tempdir().unwrap();
    let data = write_file(dir.path(), "same.csv", b"g,y\na,1\nb,0\n");
    let mut args = assess(&ypg(&data));
    args[6] = "y";
    assert_bad_input(
        &run(&args),
        &["prediction and label columns are the same column 'y'"],
    );
}

#[test]
fn bad_empty_file() {
    rejects(b"", &[], &["bad.csv", "empty"]);
}

#[test]
fn bad_header_only() {
    rejects(b"g,y,p\n", &[], &["bad.csv", "no data rows"]);
}

#[test]
fn bad_non_utf8() {
    rejects(
        b"g,y,p\na,1,1\nb\xff\xfe,0,0\n",
        &[],
        &["line 3, column 1", "UTF-8"],
    );
}

#[test]
fn bad_more_than_two_label_classes() {
    rejects(
        b"g,y,p\na,1,1\nb,0,0\nb,2,0\n",
        &[],
        &["label column 'y'", "not binary", "3 classes"],
    );
}

#[test]
fn bad_bootstrap_zero() {
    rejects(
        b"g,y,p\na,1,1\nb,0,0\n",
        &["--bootstrap", "0"],
        &["--bootstrap"],
    );
}

#[test]
fn bad_quantiles() {
    let csv = b"g,y,p\na,1,1\nb,0,0\n";
    rejects(
        csv,
        &["--bootstrap", "10", "--quantiles", "0.5,1.5"],
        &["--quantiles", "1.5 is not strictly inside (0, 1)"],
    );
    rejects(
        csv,
        &["--bootstrap", "10", "--quantiles", "low"],
        &["--quantiles", "'low' is not a number"],
    );
}

#[test]
fn missing_data_is_a_usage_error() {
    let out = run(&["assess", "--label", "y", "--pred", "p", "--sensitive", "g"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--data"), "{}", stderr(&out));
}

#[test]
fn group_without_positives_reports_undefined_rates() {
    // Group b has no actual positives: TPR and FNR are undefined there. Not an error: the
    // default reports 0 (fairlearn) with a warning, --zero-division nan reports null.
    let csv = "g,y,p\na,1,1\na,0,1\na,1,0\nb,0,0\nb,0,1\nb,0,0\n";
    let dir = tempfile::tempdir().unwrap();
    let data = write_file(dir.path(), "e1.csv", csv.as_bytes());
    let args = ypg(&data);
    let r = assess_json(&args);
    assert_eq!(r["by_group"]["b"]["true_positive_rate"], 0.0);
    let warnings = r["sizes"]["by_group"]["b"]["warnings"].as_array().unwrap();
    assert!(
        warnings.contains(&Value::from("no_positives")),
        "{warnings:?}"
    );
    let mut nan = args.to_vec();
    nan.extend(["--zero-division", "nan"]);
    let r = assess_json(&nan);
    assert!(r["by_group"]["b"]["true_positive_rate"].is_null());
    assert!(r["by_group"]["b"]["false_negative_rate"].is_null());
    approx(&r["by_group"]["b"]["false_positive_rate"], 1.0 / 3.0);
    // The equal-opportunity difference skips the undefined group: one group left, difference 0.
    approx(&r["disparities"]["equal_opportunity_difference"], 0.0);
    // The table shows the warning and a dash.
    let out = run(&assess(&nan));
    let text = stdout(&out);
    let b = text.lines().find(|l| l.starts_with("b ")).unwrap();
    assert!(b.contains("no_positives") && b.contains(" -"), "{b}");
}

#[test]
fn numeric_predictions_match_integer_labels() {
    // `1.0` and `0.0` in the prediction column are the label classes `1` and `0`.
    let csv = "g,y,p\na,1,1.0\na,0,0.0\nb,1,0.0\nb,0,1\n";
    let dir = tempfile::tempdir().unwrap();
    let data = write_file(dir.path(), "f.csv", csv.as_bytes());
    let r = assess_json(&ypg(&data));
    approx(&r["by_group"]["a"]["accuracy"], 1.0);
    approx(&r["by_group"]["b"]["accuracy"], 0.0);
}

// ---------------------------------------------------------------------------------------------
// Help

#[test]
fn help_explains_every_flag() {
    let out = run(&["assess", "--help"]);
    assert!(out.status.success());
    let text = stdout(&out);
    let flags = [
        ("--data", "CSV file"),
        ("--label", "true labels"),
        ("--pred", "predicted labels"),
        ("--sensitive", "intersectional"),
        ("--positive-label", "favourable outcome"),
        ("--weights", "sample weights"),
        ("--control", "control level"),
        ("--bootstrap", "confidence intervals"),
        ("--quantiles", "strictly inside (0, 1)"),
        ("--seed", "resampling"),
        ("--method", "to the overall value"),
        ("--eo-agg", "their mean"),
        ("--zero-division", "zero denominator"),
        ("--min-group-size", "four-fifths rule inconclusive"),
        ("--consistency", "nearest neighbours"),
        ("--features", "Feature columns"),
        ("--no-standardize", "instead of standardizing"),
        ("--format", "CSV"),
        ("--out", "atomically"),
    ];
    for (flag, purpose) in flags {
        let help = flag_help(&text, flag);
        assert!(
            help.contains(purpose),
            "{flag}: {purpose:?} not in {help:?}"
        );
    }
    for value in [
        "between_groups",
        "to_overall",
        "worst_case",
        "mean",
        "zero",
        "nan",
    ] {
        assert!(text.contains(value), "{value} missing from help");
    }
    assert!(
        text.contains("standardized"),
        "feature encoding is documented"
    );
}
