//! `fairkit mitigate --method reject-option | eq-odds | calibrated-eq-odds`: AIF360's
//! two-group post-processors (docs/postprocessing-aif360.md). Fed AIF360's own COMPAS scores
//! (`--score`), their fitted parameters and expected test metrics equal AIF360 0.6.1's
//! (tests/data/aif360/compas.json) to 1e-9; on an estimator's scores, eq-odds equalizes the
//! expected rates of the fitting rows; saved models predict the same rows through
//! `fairkit predict`; bad parameters are one-line errors naming the flag.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::util::{
    assert_bad_input, column, compare_results, json, read_csv, run, stderr, write_file,
};

const FLAGS: [&str; 4] = ["--label", "label", "--sensitive", "sensitive"];

fn close(got: &Value, want: &Value, what: &str) {
    let (g, w) = (got.as_f64().unwrap(), want.as_f64().unwrap());
    assert!((g - w).abs() <= 1e-9, "{what}: fairkit {g}, AIF360 {w}");
}

fn reference() -> Value {
    let text =
        std::fs::read_to_string(fairkit_testkit::repo_root().join("tests/data/aif360/compas.json"))
            .unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The prepared COMPAS split with AIF360's base scores appended as column `score`, written to
/// `dir`; `None` (with a notice) when the shared folder is absent.
pub fn compas_with_scores(dir: &Path) -> Option<(String, String)> {
    let mut out = Vec::new();
    for split in ["train", "test"] {
        let prepared = fairkit_testkit::shared(&format!("reference/prepared/compas_{split}.csv"))?;
        let scores = fairkit_testkit::repo_root()
            .join(format!("tests/data/aif360/compas_{split}_scores.csv"));
        let (header, rows) = read_csv(&prepared);
        let s = column(&scores, "score");
        assert_eq!(rows.len(), s.len(), "{split}: scores are row-aligned");
        let mut text = format!("{},score\n", header.join(","));
        for (r, s) in rows.iter().zip(&s) {
            text.push_str(&format!("{},{s}\n", r.join(",")));
        }
        out.push(write_file(dir, &format!("{split}.csv"), text.as_bytes()));
    }
    Some((out[0].clone(), out[1].clone()))
}

/// Runs `mitigate` with `args` and the prepared files' flags (COMPAS's and Adult's), saving the model and the predictions in
/// `dir`; returns the JSON report, the saved model and the predictions file.
pub fn mitigate(dir: &Path, name: &str, args: &[&str]) -> (Value, Value, PathBuf) {
    let model = dir.join(format!("{name}.model.json"));
    let predictions = dir.join(format!("{name}.csv"));
    let mut all = vec![
        "mitigate",
        "--format",
        "json",
        "--seed",
        "3",
        "--save-model",
        model.to_str().unwrap(),
        "--predictions",
        predictions.to_str().unwrap(),
    ];
    all.extend(args);
    all.extend(FLAGS);
    let report = json(&run(&all));
    let model_json = serde_json::from_str(&std::fs::read_to_string(&model).unwrap()).unwrap();
    (report, model_json, predictions)
}

/// `fairkit predict` with the saved model on `data` gives the rows' expected probabilities and
/// sampled labels of the run that saved it.
pub fn predict_round_trip(dir: &Path, name: &str, data: &str, predictions: &Path) {
    let model = dir.join(format!("{name}.model.json"));
    let out = run(&[
        "predict",
        "--model",
        model.to_str().unwrap(),
        "--data",
        data,
        "--seed",
        "3",
    ]);
    assert!(out.status.success(), "{name}: {}", stderr(&out));
    let predicted = write_file(dir, &format!("{name}.predicted.csv"), &out.stdout);
    for col in ["expected", "pred"] {
        assert_eq!(
            column(predictions, col),
            column(Path::new(&predicted), col),
            "{name}: {col}"
        );
    }
}

/// The test metrics AIF360 reports and fairkit's report of the same quantities, in
/// expectation over the method's randomization (the plain ones for reject option).
fn same_metrics(report: &Value, want: &Value, what: &str) {
    let got = &report["expected"];
    for (ours, theirs) in [
        ("accuracy", "accuracy"),
        ("balanced_accuracy", "balanced_accuracy"),
        ("selection_rate", "selection_rate"),
    ] {
        close(
            &got["overall"][ours],
            &want[theirs],
            &format!("{what}: {ours}"),
        );
    }
    for (ours, theirs) in [
        (
            "demographic_parity_difference",
            "demographic_parity_difference",
        ),
        ("equalized_odds_difference", "equalized_odds_difference"),
    ] {
        close(
            &got["disparities"][ours],
            &want[theirs],
            &format!("{what}: {ours}"),
        );
    }
    for (group, side) in [
        ("African-American", "privileged"),
        ("Caucasian", "unprivileged"),
    ] {
        for (ours, theirs) in [
            ("true_positive_rate", "tpr"),
            ("false_positive_rate", "fpr"),
            ("selection_rate", "selection_rate"),
        ] {
            close(
                &got["by_group"][group][ours],
                &want["groups"][side][theirs],
                &format!("{what}: {group} {ours}"),
            );
        }
    }
}

#[test]
fn eq_odds_on_aif360_scores_matches_aif360() {
    let dir = tempfile::tempdir().unwrap();
    let Some((train, test)) = compas_with_scores(dir.path()) else {
        return;
    };
    let want = &reference()["eq_odds"];
    let args = [
        "--method", "eq-odds", "--data", &train, "--test", &test, "--score", "score",
    ];
    let (report, model, predictions) = mitigate(dir.path(), "eq-odds", &args);
    let fitted = &model["fitted"]["thresholder"];
    assert_eq!(fitted["groups"]["privileged"], "African-American");
    for side in ["privileged", "unprivileged"] {
        for rate in ["p2p", "n2p"] {
            close(
                &fitted[side][rate],
                &want["mixing"][side][rate],
                &format!("{side} {rate}"),
            );
        }
    }
    same_metrics(&report, &want["test_expected"], "eq-odds");
    predict_round_trip(dir.path(), "eq-odds", &test, &predictions);
}

#[test]
fn calibrated_eq_odds_on_aif360_scores_matches_aif360_for_every_cost() {
    let dir = tempfile::tempdir().unwrap();
    let Some((train, test)) = compas_with_scores(dir.path()) else {
        return;
    };
    let reference = reference();
    for cost in ["fnr", "fpr", "weighted"] {
        let want = &reference["calibrated_eq_odds"]["variants"][cost];
        let name = format!("calibrated-{cost}");
        let args = [
            "--method",
            "calibrated-eq-odds",
            "--cost-constraint",
            cost,
            "--data",
            &train,
            "--test",
            &test,
            "--score",
            "score",
        ];
        let (report, model, predictions) = mitigate(dir.path(), &name, &args);
        let fitted = &model["fitted"]["thresholder"];
        for (k, side) in ["unprivileged", "privileged"].into_iter().enumerate() {
            close(
                &fitted["mix_rates"][k],
                &want["mix_rates"][side],
                &format!("{cost}: {side} mixing rate"),
            );
            close(
                &fitted["base_rates"][k],
                &want["base_rates"][side],
                &format!("{cost}: {side} base rate"),
            );
        }
        same_metrics(&report, &want["test_expected"], &name);
        predict_round_trip(dir.path(), &name, &test, &predictions);
    }
}

#[test]
fn reject_option_on_aif360_scores_matches_aif360_for_every_metric() {
    let dir = tempfile::tempdir().unwrap();
    let Some((train, test)) = compas_with_scores(dir.path()) else {
        return;
    };
    let reference = reference();
    for metric in [
        "statistical_parity_difference",
        "average_odds_difference",
        "equal_opportunity_difference",
    ] {
        let want = &reference["reject_option"]["variants"][metric];
        let name = format!("reject-{metric}");
        let args = [
            "--method",
            "reject-option",
            "--metric",
            metric,
            "--data",
            &train,
            "--test",
            &test,
            "--score",
            "score",
        ];
        let (report, model, predictions) = mitigate(dir.path(), &name, &args);
        // Deterministic: the expected metrics are the sampled ones.
        assert_eq!(report["expected"]["overall"], report["overall"], "{metric}");
        let fitted = &model["fitted"]["thresholder"];
        assert_eq!(fitted["grid_index"], want["grid_index"], "{metric}");
        assert_eq!(
            fitted["classification_threshold"], want["classification_threshold"],
            "{metric}"
        );
        assert_eq!(fitted["roc_margin"], want["roc_margin"], "{metric}");
        close(
            &fitted["train_balanced_accuracy"],
            &want["train_balanced_accuracy"],
            metric,
        );
        same_metrics(&report, &want["test"], &name);
        predict_round_trip(dir.path(), &name, &test, &predictions);
    }
}

/// On an estimator's scores (any scoring estimator), eq-odds fitted and evaluated on the same
/// rows equalizes the groups' expected true and false positive rates, and reject option keeps
/// the training statistical parity difference within its bounds.
#[test]
fn on_estimator_scores_the_training_rows_meet_the_constraints() {
    let Some(train) = fairkit_testkit::shared("reference/prepared/compas_train.csv") else {
        return;
    };
    let train = train.to_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    for estimator in ["logistic", "tree", "naive-bayes", "svm"] {
        let name = format!("eq-odds-{estimator}");
        let args = [
            "--method",
            "eq-odds",
            "--estimator",
            estimator,
            "--data",
            train,
            "--test",
            train,
        ];
        let (report, model, predictions) = mitigate(dir.path(), &name, &args);
        assert_eq!(model["fitted"]["scores"], "model", "{name}");
        let by_group = &report["expected"]["by_group"];
        for rate in ["true_positive_rate", "false_positive_rate"] {
            let (a, c) = (
                by_group["African-American"][rate].as_f64().unwrap(),
                by_group["Caucasian"][rate].as_f64().unwrap(),
            );
            assert!((a - c).abs() < 1e-9, "{name}: {rate} {a} vs {c}");
        }
        predict_round_trip(dir.path(), &name, train, &predictions);

        let name = format!("reject-{estimator}");
        let args = [
            "--method",
            "reject-option",
            "--estimator",
            estimator,
            "--data",
            train,
            "--test",
            train,
        ];
        let (report, _, predictions) = mitigate(dir.path(), &name, &args);
        let dp = report["disparities"]["demographic_parity_difference"]
            .as_f64()
            .unwrap();
        assert!(dp <= 0.05 + 1e-12, "{name}: {dp}");
        predict_round_trip(dir.path(), &name, train, &predictions);
    }
}

#[test]
fn bad_parameters_are_one_line_errors_naming_the_flag() {
    let Some(train) = fairkit_testkit::shared("reference/prepared/compas_train.csv") else {
        return;
    };
    let train = train.to_str().unwrap();
    let bad = |extra: &[&str], needles: &[&str]| {
        let mut args = vec!["mitigate", "--data", train];
        args.extend(FLAGS);
        args.extend(extra);
        let out = run(&args);
        assert_bad_input(&out, needles);
        assert_eq!(stderr(&out).trim().lines().count(), 1, "{}", stderr(&out));
    };
    bad(
        &["--method", "reject-option", "--metric", "parity"],
        &["--metric", "'parity'", "statistical_parity_difference"],
    );
    bad(
        &[
            "--method",
            "reject-option",
            "--metric-lb",
            "0.1",
            "--metric-ub",
            "-0.1",
        ],
        &["metric_lb"],
    );
    bad(
        &["--method", "reject-option", "--num-roc-margin", "0"],
        &["num_roc_margin"],
    );
    bad(
        &["--method", "calibrated-eq-odds", "--cost-constraint", "fdr"],
        &["--cost-constraint", "'fdr'", "fnr, fpr, weighted"],
    );
    bad(
        &["--method", "eq-odds", "--cost-constraint", "fnr"],
        &["--cost-constraint does not apply to --method eq-odds"],
    );
    bad(
        &["--method", "eq-odds", "--privileged", "Martian"],
        &["privileged group 'Martian'", "African-American"],
    );
    // The SVM's scores are decision values, not the probabilities the method needs.
    bad(
        &["--method", "calibrated-eq-odds", "--estimator", "svm"],
        &["not a probability in [0, 1]"],
    );
    bad(&["--method", "eq-od"], &["eq-odds"]);
}

/// The three in an experiment file: keys as the flags' names, entries named in the results, and an
/// unknown key is an error naming it.
#[test]
fn experiment_files_take_their_keys() {
    let dir = tempfile::tempdir().unwrap();
    let config = write_file(
        dir.path(),
        "experiment.toml",
        br#"
seeds = 1
methods = [
    "eq-odds",
    { name = "ro-aod", method = "reject-option", metric = "average_odds_difference", metric_ub = 0.02, num_roc_margin = 20 },
    { name = "ceo-fnr", method = "calibrated-eq-odds", cost_constraint = "fnr", estimator = "tree" },
]

[data]
source = "scenario"
name = "biased-credit"
rows = 1500
seed = 2
"#,
    );
    let results = compare_results(&config, &dir.path().join("out"));
    let names: Vec<&str> = results["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["method"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["eq-odds", "ro-aod", "ceo-fnr"]);
    let methods = &results["config"]["methods"];
    assert_eq!(methods[1]["metric_ub"], 0.02);
    assert_eq!(methods[1]["num_roc_margin"], 20);
    assert_eq!(methods[1]["metric_lb"], -0.05, "defaults are spelled out");

    let bad = write_file(
        dir.path(),
        "bad.toml",
        br#"methods = [{ name = "e", method = "eq-odds", treshold = 0.4 }]"#,
    );
    let out = run(&[
        "compare",
        "--config",
        &bad,
        "--out",
        dir.path().join("bad").to_str().unwrap(),
    ]);
    assert_bad_input(&out, &["treshold"]);
}
