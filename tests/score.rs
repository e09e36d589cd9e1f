//! `fairkit mitigate --method threshold --score COL`: the threshold optimizer fitted on a score
//! column of the data instead of a fitted estimator. It gives exactly what the estimator path
//! gives when the column holds that estimator's scores, matches Fairlearn on COMPAS with
//! scikit-learn's scores, saves models that `fairkit predict` reads, and refuses bad scores.

use std::path::Path;
use std::process::Output;

use serde_json::Value;

use crate::util::{
    Lcg, SIM_FLAGS, assert_bad_input, column, json, read_csv, run, simulated, stderr, stdout,
    write_file,
};

/// Rows whose score `s` is the label plus noise, shifted up for group `b` (so thresholds at
/// one cut give group `b` a higher selection rate), and a text column that is not an input.
fn scored_csv(rows: usize, seed: u64) -> String {
    let mut r = Lcg(seed);
    let mut out = String::from("note,s,g,y\n");
    for i in 0..rows {
        let b = r.next() < 0.4;
        let y = r.next() < if b { 0.5 } else { 0.35 };
        let normal =
            (-2.0 * (1.0 - r.next()).ln()).sqrt() * (2.0 * std::f64::consts::PI * r.next()).cos();
        let s = f64::from(u8::from(y)) + 0.6 * normal + if b { 0.4 } else { 0.0 };
        let (g, y) = (if b { "b" } else { "a" }, u8::from(y));
        out.push_str(&format!("row {i},{s},{g},{y}\n"));
    }
    out
}

fn mitigate_json(args: &[&str]) -> Value {
    let mut all = vec!["mitigate", "--format", "json"];
    all.extend(args);
    json(&run(&all))
}

/// Runs `mitigate --method METHOD --data DATA` on a file of [`scored_csv`] rows (label `y`,
/// group `g`) with `extra` flags.
fn mitigate_scored(method: &str, data: &str, extra: &[&str]) -> Output {
    let mut args = vec![
        "mitigate",
        "--method",
        method,
        "--data",
        data,
        "--label",
        "y",
        "--sensitive",
        "g",
    ];
    args.extend(extra);
    run(&args)
}

fn expected_dp(report: &Value) -> f64 {
    report["expected"]["disparities"]["demographic_parity_difference"]
        .as_f64()
        .unwrap()
}

#[test]
fn thresholds_a_noisy_score_column_and_saves_a_model_predict_reads() {
    let dir = tempfile::tempdir().unwrap();
    let train = write_file(dir.path(), "train.csv", scored_csv(600, 1).as_bytes());
    let test = write_file(dir.path(), "test.csv", scored_csv(300, 2).as_bytes());
    let model = dir.path().join("m.json");
    let predictions = dir.path().join("p.csv");
    let report = json(&mitigate_scored(
        "threshold-dp",
        &train,
        &[
            "--test",
            &test,
            "--score",
            "s",
            "--seed",
            "7",
            "--save-model",
            model.to_str().unwrap(),
            "--predictions",
            predictions.to_str().unwrap(),
            "--format",
            "json",
        ],
    ));
    assert_eq!(report["method"], "threshold-dp");
    assert_eq!(report["method_params"]["score"], "s");
    assert_eq!(report["estimator"], Value::Null);
    assert_eq!(report["score_column"], "s");
    let rules = report["rules"].as_array().unwrap();
    assert!(
        rules[0].as_str().unwrap().starts_with("g=a: score > "),
        "{rules:?}"
    );
    assert!(
        rules[1].as_str().unwrap().starts_with("g=b: score > "),
        "{rules:?}"
    );
    // A single cut on the raw scores is far from parity; the per-group thresholds are not.
    let dp = expected_dp(&report);
    assert!(dp < 0.06, "DP difference {dp}");
    let accuracy = report["expected"]["overall"]["accuracy"].as_f64().unwrap();
    assert!(accuracy > 0.7, "accuracy {accuracy}");
    let text = stdout(&mitigate_scored(
        "threshold-dp",
        &train,
        &["--score", "s", "--test", &test],
    ));
    assert!(
        text.starts_with("threshold-dp with the scores of column 's' on train.csv"),
        "{text}"
    );

    // The saved model reads the score and group columns only.
    let m: Value = serde_json::from_str(&std::fs::read_to_string(&model).unwrap()).unwrap();
    assert_eq!(m["fitted"]["method"], "score-threshold");
    assert_eq!(m["fitted"]["column"], "s");
    assert_eq!(m["encoder"]["feature_names"], serde_json::json!(["s"]));
    let (_, rows) = read_csv(Path::new(&test));
    let mut slim = String::from("g,s\n");
    for r in &rows {
        slim.push_str(&format!("{},{}\n", r[2], r[1]));
    }
    let slim = write_file(dir.path(), "slim.csv", slim.as_bytes());
    let out = run(&[
        "predict",
        "--model",
        model.to_str().unwrap(),
        "--data",
        &slim,
        "--seed",
        "7",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let predicted = write_file(dir.path(), "predicted.csv", &out.stdout);
    for col in ["g", "score", "expected", "pred"] {
        assert_eq!(
            column(&predictions, col),
            column(Path::new(&predicted), col),
            "{col}"
        );
    }
}

#[test]
fn a_column_of_the_estimators_scores_gives_exactly_the_estimator_path() {
    let dir = tempfile::tempdir().unwrap();
    let (train, test) = simulated(dir.path());
    // The logistic baseline's scores of the training rows and of the test rows.
    let scores = |test_file: &str, name: &str| {
        let path = dir.path().join(name).to_str().unwrap().to_string();
        let mut args = vec![
            "train",
            "--data",
            &train,
            "--test",
            test_file,
            "--predictions",
            &path,
        ];
        args.extend(SIM_FLAGS);
        assert!(run(&args).status.success());
        path
    };
    let train_scores = scores(&train, "train_scores.csv");
    let test_scores = scores(&test, "test_scores.csv");
    for method in ["threshold-dp", "threshold-eo"] {
        let mut fitted = vec!["--method", method, "--data", &train, "--test", &test];
        fitted.extend(SIM_FLAGS);
        let mut scored = vec![
            "--method",
            method,
            "--score",
            "score",
            "--data",
            &train_scores,
            "--test",
            &test_scores,
        ];
        scored.extend(SIM_FLAGS);
        let (a, b) = (mitigate_json(&fitted), mitigate_json(&scored));
        for key in ["rules", "expected", "overall", "by_group", "disparities"] {
            assert_eq!(a[key], b[key], "{method}: {key}");
        }
    }
}

/// COMPAS: thresholds fitted on the training rows' scores of fairkit's logistic regression,
/// evaluated on scikit-learn's own test scores (`lr_proba`), against Fairlearn's
/// ThresholdOptimizer over scikit-learn's model.
#[test]
fn compas_with_scikit_learn_test_scores_matches_fairlearn() {
    let Some(train) = fairkit_testkit::shared("reference/prepared/compas_train.csv") else {
        return;
    };
    let reference =
        fairkit_testkit::shared("reference/expected/compas_test_predictions.csv").unwrap();
    let expected = fairkit_testkit::shared("reference/expected/compas.json").unwrap();
    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(expected).unwrap()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let flags = ["--label", "label", "--sensitive", "sensitive"];
    let train_scores = dir.path().join("train_scores.csv");
    let train = train.to_str().unwrap();
    // L-BFGS stops short of the optimum close to where scikit-learn's lbfgs does on COMPAS, so
    // the training scores rank the rows as Fairlearn's did and the thresholds interpolate
    // identically.
    let mut args = vec![
        "train",
        "--data",
        train,
        "--test",
        train,
        "--no-standardize",
        "--solver",
        "lbfgs",
        "--predictions",
        train_scores.to_str().unwrap(),
    ];
    args.extend(flags);
    assert!(run(&args).status.success());
    let (labels, groups, proba) = (
        column(&reference, "label"),
        column(&reference, "sensitive"),
        column(&reference, "lr_proba"),
    );
    let mut test = String::from("label,sensitive,score\n");
    for i in 0..labels.len() {
        test.push_str(&format!("{},{},{}\n", labels[i], groups[i], proba[i]));
    }
    let test = write_file(dir.path(), "test_scores.csv", test.as_bytes());
    for (method, key, disparity) in [
        ("threshold-dp", "to_dp", "demographic_parity_difference"),
        ("threshold-eo", "to_eo", "equalized_odds_difference"),
    ] {
        let model = dir.path().join(format!("{method}.json"));
        let mut args = vec![
            "--method",
            method,
            "--score",
            "score",
            "--data",
            train_scores.to_str().unwrap(),
            "--test",
            &test,
            "--save-model",
            model.to_str().unwrap(),
        ];
        args.extend(flags);
        let report = mitigate_json(&args);
        let want = &expected["methods"][key]["test"]["expected_under_randomization"];
        let accuracy = report["expected"]["overall"]["accuracy"].as_f64().unwrap();
        let gap = report["expected"]["disparities"][disparity]
            .as_f64()
            .unwrap();
        let (want_accuracy, want_gap) = (
            want["accuracy"].as_f64().unwrap(),
            want[disparity].as_f64().unwrap(),
        );
        assert!(
            (accuracy - want_accuracy).abs() <= 0.005,
            "{method}: accuracy {accuracy} vs Fairlearn {want_accuracy}"
        );
        assert!(
            (gap - want_gap).abs() <= 0.01,
            "{method}: {disparity} {gap} vs Fairlearn {want_gap}"
        );
        if method == "threshold-eo" {
            // Equalized odds lands on the same interpolation as Fairlearn: every row's
            // probability equals its `to_eo_pmf`.
            let out = run(&[
                "predict",
                "--model",
                model.to_str().unwrap(),
                "--data",
                &test,
            ]);
            let ours = write_file(dir.path(), "eo.csv", &out.stdout);
            let ours = column(Path::new(&ours), "expected");
            let theirs = column(&reference, "to_eo_pmf");
            for (i, (a, b)) in ours.iter().zip(&theirs).enumerate() {
                let (a, b): (f64, f64) = (a.parse().unwrap(), b.parse().unwrap());
                assert!((a - b).abs() <= 1e-12, "row {i}: {a} vs Fairlearn {b}");
            }
        }
    }
}

#[test]
fn bad_scores_and_flags_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let good = scored_csv(200, 3);
    let train = write_file(dir.path(), "train.csv", good.as_bytes());
    let mut lines: Vec<String> = good.lines().map(str::to_string).collect();
    lines[5] = "row 4,NaN,a,1".into();
    let nan = write_file(dir.path(), "nan.csv", (lines.join("\n") + "\n").as_bytes());
    // The rows of group b rewritten from their fields (note, s, g, y).
    let group_b = |name: &str, row: fn(&[&str]) -> String| {
        let text: String = good
            .lines()
            .enumerate()
            .map(|(i, l)| {
                let f: Vec<&str> = l.split(',').collect();
                if i > 0 && f[2] == "b" {
                    row(&f) + "\n"
                } else {
                    format!("{l}\n")
                }
            })
            .collect();
        write_file(dir.path(), name, text.as_bytes())
    };
    let constant = group_b("constant.csv", |f| format!("{},0.5,b,{}", f[0], f[3]));
    // Every row of group b is positive.
    let one_class = group_b("one_class.csv", |f| format!("{},{},b,1", f[0], f[1]));
    let cases: [(&str, &[&str], &[&str]); 10] = [
        (
            &one_class,
            &[],
            &["Degenerate labels", "g=b", "every group needs both labels"],
        ),
        (&train, &["--tol=-1"], &["invalid tol -1"]),
        (
            &nan,
            &[],
            &["nan.csv", "line 6", "column 's'", "NaN or infinite"],
        ),
        (&constant, &[], &["scores of group g=b equal 0.5"]),
        (
            &train,
            &["--score", "note"],
            &["note", "must be a numeric column"],
        ),
        (
            &train,
            &["--score", "g"],
            &["score = g", "sensitive column"],
        ),
        (&train, &["--score", "y"], &["label column"]),
        (
            &train,
            &["--score", "missing"],
            &["missing column 'missing'"],
        ),
        (
            &train,
            &["--score", "s", "--features", "s"],
            &["feature and categorical columns do not apply"],
        ),
        (
            &train,
            &["--score", "s", "--estimator", "tree"],
            &["'--score <COL>' cannot be used with '--estimator <NAME>'"],
        ),
    ];
    for (data, extra, needles) in cases {
        let mut flags = extra.to_vec();
        if !extra.contains(&"--score") {
            flags.extend(["--score", "s"]);
        }
        assert_bad_input(&mitigate_scored("threshold-dp", data, &flags), needles);
    }
    for method in ["reweighing", "expgrad-dp", "baseline"] {
        assert_bad_input(
            &mitigate_scored(method, &train, &["--score", "s"]),
            &[&format!("--score does not apply to --method {method}")],
        );
    }
    // Equalized odds allows only accuracy and balanced accuracy.
    assert_bad_input(
        &mitigate_scored(
            "threshold-eo",
            &train,
            &["--objective", "selection_rate", "--score", "s"],
        ),
        &["objective selection_rate cannot be combined with constraint equalized_odds"],
    );
    // The built-in scenario has no score column.
    assert_bad_input(
        &run(&["mitigate", "--method", "threshold-dp", "--score", "s"]),
        &["missing column 's'"],
    );
}
