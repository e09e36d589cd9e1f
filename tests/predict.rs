//! `fairkit predict`: a saved model predicts new rows exactly as the run that saved it, for
//! every method; the model file records what it needs; bad models and bad data are refused
//! with exit status 2.

use std::path::Path;

use crate::util::{
    CATEGORICAL_FLAGS, SIM_FLAGS, assert_bad_input, categorical_csv, column, json, run, simulated,
    stderr, stdout, write_file,
};

/// Every method, by its `mitigate` name.
pub const METHODS: [&str; 9] = [
    "baseline",
    "reweighing",
    "di-remover",
    "correlation-remover",
    "expgrad-dp",
    "expgrad-eo",
    "gridsearch-dp",
    "threshold-dp",
    "threshold-eo",
];

/// Runs `mitigate --method METHOD --estimator ESTIMATOR --save-model MODEL` with `args`
/// (data and other flags) and returns its standard output; panics when it fails.
fn mitigate_saving(model: &Path, method: &str, estimator: &str, args: &[&str]) -> Vec<u8> {
    let mut all = vec![
        "mitigate",
        "--method",
        method,
        "--estimator",
        estimator,
        "--save-model",
        model.to_str().unwrap(),
    ];
    all.extend(args);
    let out = run(&all);
    assert!(
        out.status.success(),
        "{method} {estimator}: {}",
        stderr(&out)
    );
    out.stdout
}

/// Runs `mitigate` with a saved model and a predictions file, then `predict` on the test file
/// with the same seed, and checks that both give the same sensitive values, scores, expected
/// probabilities and labels for every row.
fn round_trip(dir: &Path, data: &[&str], method: &str, estimator: &str, keep: &str) {
    let tag = format!("{method}-{estimator}");
    let model = dir.join(format!("{tag}.json"));
    let saved = dir.join(format!("{tag}-mitigate.csv"));
    let predicted = dir.join(format!("{tag}-predict.csv"));
    let mut args = vec![
        "--seed",
        "3",
        "--predictions",
        saved.to_str().unwrap(),
        "--format",
        "json",
    ];
    args.extend(data);
    let report: serde_json::Value =
        serde_json::from_slice(&mitigate_saving(&model, method, estimator, &args)).unwrap();
    let test = data[data.iter().position(|&a| a == "--test").unwrap() + 1];
    let out = run(&[
        "predict",
        "--model",
        model.to_str().unwrap(),
        "--data",
        test,
        "--seed",
        "3",
        "--keep",
        keep,
        "--out",
        predicted.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{tag}: {}", stderr(&out));
    assert!(stdout(&out).is_empty(), "--out writes no standard output");
    for col in ["score", "expected", "pred", keep] {
        let (a, b) = (column(&saved, col), column(&predicted, col));
        assert_eq!(a.len(), report["test_rows"].as_u64().unwrap() as usize);
        assert_eq!(a, b, "{tag}: column {col}");
    }
    let expected: Vec<f64> = column(&predicted, "expected")
        .iter()
        .map(|v| v.parse().unwrap())
        .collect();
    let randomized = expected.iter().any(|&p| p > 0.0 && p < 1.0);
    if method.starts_with("expgrad") || method.starts_with("threshold") {
        // Another seed samples other labels where the method randomizes.
        if randomized {
            let out = run(&[
                "predict",
                "--model",
                model.to_str().unwrap(),
                "--data",
                test,
                "--seed",
                "4",
            ]);
            let text = stdout(&out);
            let preds: Vec<&str> = text
                .lines()
                .skip(1)
                .map(|l| l.rsplit(',').next().unwrap())
                .collect();
            assert_ne!(preds, column(&predicted, "pred"), "{tag}: seed 4 vs 3");
        }
    } else {
        assert!(!randomized, "{tag}: a deterministic method gives 0 or 1");
    }
}

#[test]
fn every_method_predicts_the_simulated_test_rows_as_mitigate_did() {
    let dir = tempfile::tempdir().unwrap();
    let (train, test) = simulated(dir.path());
    let mut data = vec!["--data", &train, "--test", &test];
    data.extend(SIM_FLAGS);
    for method in METHODS {
        round_trip(dir.path(), &data, method, "logistic", "approved");
    }
    for method in ["baseline", "di-remover", "threshold-eo"] {
        round_trip(dir.path(), &data, method, "tree", "approved");
    }
}

#[test]
fn every_method_predicts_a_categorical_csv_as_mitigate_did() {
    let dir = tempfile::tempdir().unwrap();
    let train = write_file(dir.path(), "train.csv", categorical_csv(500, 11).as_bytes());
    let test = write_file(dir.path(), "test.csv", categorical_csv(200, 12).as_bytes());
    let mut data = vec!["--data", &train, "--test", &test];
    data.extend(CATEGORICAL_FLAGS);
    for method in METHODS {
        round_trip(dir.path(), &data, method, "logistic", "outcome");
    }
    for method in [
        "reweighing",
        "correlation-remover",
        "expgrad-eo",
        "threshold-dp",
    ] {
        round_trip(dir.path(), &data, method, "tree", "outcome");
    }
    // Labels come out in the label column's values.
    let pred = column(&dir.path().join("baseline-logistic-predict.csv"), "pred");
    assert!(pred.iter().all(|p| p == "yes" || p == "no"), "{pred:?}");
    assert!(pred.iter().any(|p| p == "yes") && pred.iter().any(|p| p == "no"));
}

#[test]
fn every_estimator_saves_a_model_that_predicts_as_mitigate_did() {
    let dir = tempfile::tempdir().unwrap();
    let train = write_file(dir.path(), "train.csv", categorical_csv(400, 21).as_bytes());
    let test = write_file(dir.path(), "test.csv", categorical_csv(150, 22).as_bytes());
    let mut data = vec!["--data", &train, "--test", &test];
    data.extend(CATEGORICAL_FLAGS);
    for estimator in ["forest", "naive-bayes", "svm", "linfa-tree"] {
        for method in ["baseline", "reweighing", "expgrad-dp", "threshold-eo"] {
            round_trip(dir.path(), &data, method, estimator, "outcome");
        }
    }
    // the SVM's score column holds decision values, not probabilities
    let scores: Vec<f64> = column(&dir.path().join("baseline-svm-predict.csv"), "score")
        .iter()
        .map(|v| v.parse().unwrap())
        .collect();
    assert!(
        scores.iter().any(|&s| !(0.0..=1.0).contains(&s)),
        "{scores:?}"
    );
}

/// Trains a logistic baseline on the categorical CSV and saves it; returns (model, test).
fn saved_baseline(dir: &Path, method: &str) -> (String, String) {
    let train = write_file(dir, "train.csv", categorical_csv(300, 5).as_bytes());
    let test = write_file(dir, "test.csv", categorical_csv(20, 6).as_bytes());
    let model = dir.join(format!("{method}.json"));
    let mut args = vec!["--data", &train, "--test", &test];
    args.extend(CATEGORICAL_FLAGS);
    mitigate_saving(&model, method, "logistic", &args);
    (model.to_str().unwrap().to_string(), test)
}

#[test]
fn model_file_records_format_version_encoder_and_method() {
    let dir = tempfile::tempdir().unwrap();
    let (model, _) = saved_baseline(dir.path(), "threshold-eo");
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&model).unwrap()).unwrap();
    assert_eq!(m["format"], "fairkit-model");
    assert_eq!(m["version"], 1);
    assert_eq!(m["fairkit_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(m["estimator"]["name"], "logistic");
    assert_eq!(m["method"]["method"], "threshold");
    assert_eq!(m["method"]["constraint"], "equalized_odds");
    let enc = &m["encoder"];
    assert_eq!(enc["spec"]["label"], "outcome");
    assert_eq!(enc["spec"]["sensitive"], serde_json::json!(["sex"]));
    assert_eq!(
        enc["feature_names"],
        serde_json::json!(["x1", "colour=blue", "colour=green", "colour=red"])
    );
    assert_eq!(enc["positive"], "yes");
    assert_eq!(enc["negative"], "no");
    assert!(enc["columns"][0]["Numeric"]["scale"].as_f64().unwrap() > 0.0);
    assert_eq!(m["fitted"]["method"], "threshold");
    assert_eq!(m["fitted"]["base"]["kind"], "logistic");
    assert_eq!(
        m["fitted"]["base"]["coefficients"]
            .as_array()
            .unwrap()
            .len(),
        4
    );
}

#[test]
fn unseen_categorical_level_encodes_as_zeros() {
    let dir = tempfile::tempdir().unwrap();
    let (model, _) = saved_baseline(dir.path(), "baseline");
    let data = write_file(
        dir.path(),
        "new.csv",
        b"x1,colour,sex\n0.5,purple,F\n0.5,red,F\n",
    );
    let out = run(&["predict", "--model", &model, "--data", &data]);
    assert!(out.status.success(), "{}", stderr(&out));
    let path = write_file(dir.path(), "out.csv", &out.stdout);
    let score: Vec<f64> = column(Path::new(&path), "score")
        .iter()
        .map(|v| v.parse().unwrap())
        .collect();
    // The logistic model's probability with every colour feature at zero, and with red on.
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&model).unwrap()).unwrap();
    let w: Vec<f64> = m["fitted"]["model"]["coefficients"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    let b = m["fitted"]["model"]["intercept"].as_f64().unwrap();
    let num = &m["encoder"]["columns"][0]["Numeric"];
    let x1 = (0.5 - num["mean"].as_f64().unwrap()) / num["scale"].as_f64().unwrap();
    let sigmoid = |z: f64| 1.0 / (1.0 + (-z).exp());
    assert!(
        (score[0] - sigmoid(b + w[0] * x1)).abs() < 1e-12,
        "{score:?}"
    );
    assert!((score[1] - sigmoid(b + w[0] * x1 + w[3])).abs() < 1e-12);
    assert_ne!(score[0], score[1]);
}

#[test]
fn unseen_group_is_refused_only_by_methods_that_use_groups() {
    let dir = tempfile::tempdir().unwrap();
    let data = write_file(
        dir.path(),
        "new.csv",
        b"x1,colour,sex\n0.5,red,F\n0.1,blue,X\n",
    );
    for method in ["threshold-dp", "expgrad-dp", "gridsearch-dp", "di-remover"] {
        let (model, _) = saved_baseline(dir.path(), method);
        let out = run(&["predict", "--model", &model, "--data", &data]);
        assert_bad_input(&out, &["sex=X"]);
    }
    for method in ["baseline", "reweighing"] {
        let (model, _) = saved_baseline(dir.path(), method);
        let out = run(&["predict", "--model", &model, "--data", &data]);
        assert!(out.status.success(), "{method}: {}", stderr(&out));
        let text = stdout(&out);
        assert!(text.lines().nth(2).unwrap().starts_with("2,X,"), "{text}");
    }
}

#[test]
fn json_output_and_kept_columns() {
    let dir = tempfile::tempdir().unwrap();
    let (model, test) = saved_baseline(dir.path(), "expgrad-dp");
    let report = json(&run(&[
        "predict", "--model", &model, "--data", &test, "--format", "json",
    ]));
    assert_eq!(report["method"], "expgrad-dp");
    assert_eq!(report["estimator"]["name"], "logistic");
    let rows = report["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 20);
    assert_eq!(rows[0]["row"], "1");
    for r in rows {
        let p = r["expected"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&p));
        assert!(r["pred"] == "yes" || r["pred"] == "no");
        assert!(r["sex"] == "F" || r["sex"] == "M");
    }
    // Kept columns replace the row number; a sensitive column is not repeated.
    let text = stdout(&run(&[
        "predict", "--model", &model, "--data", &test, "--keep", "sex,x1",
    ]));
    assert!(
        text.starts_with("sex,x1,score,expected,pred\n"),
        "{}",
        text.lines().next().unwrap()
    );
    let out = run(&[
        "predict", "--model", &model, "--data", &test, "--keep", "height",
    ]);
    assert_bad_input(&out, &["missing column 'height'"]);
}

#[test]
fn model_of_another_version_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (model, test) = saved_baseline(dir.path(), "baseline");
    let text = std::fs::read_to_string(&model).unwrap();
    assert!(text.contains("\"version\": 1,"));
    let old = write_file(
        dir.path(),
        "v99.json",
        text.replacen("\"version\": 1,", "\"version\": 99,", 1)
            .as_bytes(),
    );
    let out_file = dir.path().join("out.csv");
    let out = run(&[
        "predict",
        "--model",
        &old,
        "--data",
        &test,
        "--out",
        out_file.to_str().unwrap(),
    ]);
    assert_bad_input(
        &out,
        &[
            "v99.json",
            "model format version 99 is not supported",
            "reads version 1",
        ],
    );
    assert!(!out_file.exists(), "no output file on error");
}

#[test]
fn not_a_model_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (_, test) = saved_baseline(dir.path(), "baseline");
    let out = run(&["predict", "--model", &test, "--data", &test]);
    assert_bad_input(&out, &["test.csv", "not a fairkit model file"]);
    let other = write_file(
        dir.path(),
        "other.json",
        br#"{"format": "onnx", "version": 1}"#,
    );
    let out = run(&["predict", "--model", &other, "--data", &test]);
    assert_bad_input(&out, &["not a fairkit model file", "onnx"]);
    let broken = write_file(
        dir.path(),
        "broken.json",
        br#"{"format": "fairkit-model", "version": 1, "method": 3}"#,
    );
    let out = run(&["predict", "--model", &broken, "--data", &test]);
    assert_bad_input(&out, &["malformed model"]);
    let out = run(&["predict", "--model", "/no/such/model.json", "--data", &test]);
    assert_bad_input(&out, &["/no/such/model.json"]);
}

#[test]
fn bad_data_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (model, _) = saved_baseline(dir.path(), "threshold-dp");
    let cases: [(&str, &[u8], &[&str]); 5] = [
        (
            "nofeature.csv",
            b"colour,sex\nred,F\n",
            &["missing column 'x1'"],
        ),
        (
            "nosens.csv",
            b"x1,colour\n1,red\n",
            &["missing column 'sex'"],
        ),
        (
            "ragged.csv",
            b"x1,colour,sex\n1,red,F\n2,blue\n",
            &["ragged.csv", "line 3"],
        ),
        (
            "text.csv",
            b"x1,colour,sex\nabc,red,F\n",
            &["column 'x1'", "non-numeric"],
        ),
        ("empty.csv", b"", &["empty.csv"]),
    ];
    for (name, content, needles) in cases {
        let data = write_file(dir.path(), name, content);
        let out = run(&["predict", "--model", &model, "--data", &data]);
        assert_bad_input(&out, needles);
    }
}

/// A model file edited in one place.
type Edit = fn(&mut serde_json::Value);

/// The value at a JSON pointer of a model file.
fn at<'a>(m: &'a mut serde_json::Value, pointer: &str) -> &'a mut serde_json::Value {
    m.pointer_mut(pointer)
        .unwrap_or_else(|| panic!("the model file has no {pointer}"))
}

/// Removes the last element of the array at `pointer`.
fn pop(m: &mut serde_json::Value, pointer: &str) {
    at(m, pointer).as_array_mut().unwrap().pop();
}

#[test]
fn corrupted_models_are_refused_before_predicting() {
    use serde_json::json;
    let dir = tempfile::tempdir().unwrap();
    let (train, test) = simulated(dir.path());
    let cases: [(&str, &str, Edit, &[&str]); 19] = [
        (
            "di-remover",
            "logistic",
            |m| *at(m, "/fitted/repair/features/0/strata/0/position/0") = json!(1_000_000),
            &["quantile table of stratum 0 of feature 0"],
        ),
        (
            "di-remover",
            "logistic",
            |m| *at(m, "/fitted/repair/features/2/strata/1/distinct") = json!([]),
            &["quantile table of stratum 1 of feature 2"],
        ),
        (
            "di-remover",
            "logistic",
            |m| {
                at(m, "/fitted/repair/stratum_of")
                    .as_array_mut()
                    .unwrap()
                    .push(json!(0))
            },
            &["3 stratum entries for 2 groups"],
        ),
        (
            "di-remover",
            "logistic",
            |m| *at(m, "/fitted/repair/repair_level") = json!(1.5),
            &["repair_level"],
        ),
        (
            "di-remover",
            "logistic",
            |m| pop(m, "/fitted/repair/features"),
            &[
                "disparate-impact remover",
                "reads 4 features, the encoding gives 5",
            ],
        ),
        (
            "correlation-remover",
            "logistic",
            |m| pop(m, "/fitted/remover/shares"),
            &["1 shares and 2 coefficient rows for 2 groups"],
        ),
        (
            "expgrad-dp",
            "logistic",
            |m| pop(m, "/fitted/model/weights"),
            &["non-negative weights"],
        ),
        (
            "expgrad-dp",
            "logistic",
            |m| pop(m, "/fitted/model/predictors/0/Learned/coefficients"),
            &["a predictor has 4 features, the reduction 5"],
        ),
        (
            "gridsearch-dp",
            "logistic",
            |m| *at(m, "/fitted/model/best_idx") = json!(99),
            &["the selected predictor 99 is not one of the 10"],
        ),
        (
            "threshold-dp",
            "logistic",
            |m| *at(m, "/fitted/thresholder/groups/0/rule/p0") = json!(2.0),
            &["the rule of group=A"],
        ),
        (
            "threshold-dp",
            "logistic",
            |m| *at(m, "/fitted/thresholder/groups/1/code") = json!(0),
            &["group codes must ascend"],
        ),
        (
            "threshold-dp",
            "logistic",
            |m| *at(m, "/fitted/thresholder/params/grid_size") = json!(0),
            &["invalid grid_size 0"],
        ),
        (
            "threshold-dp",
            "logistic",
            |m| *at(m, "/method") = json!({"method": "baseline"}),
            &["its fit is not one of method baseline"],
        ),
        (
            "baseline",
            "logistic",
            |m| pop(m, "/fitted/model/coefficients"),
            &["model", "reads 4 features, the encoding gives 5"],
        ),
        (
            "baseline",
            "tree",
            |m| *at(m, "/fitted/model/nodes/1/split/left") = json!(0),
            &["decision tree", "node 1 has child 0"],
        ),
        (
            "baseline",
            "tree",
            |m| *at(m, "/fitted/model/nodes/0/split/feature") = json!(7),
            &["node 0 splits on feature 7 of 5"],
        ),
        (
            "baseline",
            "boosting",
            |m| *at(m, "/fitted/model/booster/trees/3/nodes/0/right_child") = json!(999),
            &["boosted ensemble", "node 0 has child 999"],
        ),
        (
            "baseline",
            "logistic",
            |m| pop(m, "/encoder/feature_names"),
            &["encoder", "feature names"],
        ),
        (
            "baseline",
            "logistic",
            |m| *at(m, "/encoder/columns/1/Numeric/scale") = json!(0.0),
            &["column 'debt_ratio' has mean"],
        ),
    ];
    let out_file = dir.path().join("out.csv");
    for (i, (method, estimator, edit, needles)) in cases.into_iter().enumerate() {
        let model = dir.path().join(format!("{method}-{estimator}.json"));
        if !model.exists() {
            let mut args = vec!["--data", &train, "--test", &test];
            args.extend(SIM_FLAGS);
            mitigate_saving(&model, method, estimator, &args);
            // The file as saved is fine.
            let out = run(&[
                "predict",
                "--model",
                model.to_str().unwrap(),
                "--data",
                &test,
            ]);
            assert!(
                out.status.success(),
                "{method} {estimator}: {}",
                stderr(&out)
            );
        }
        let mut m: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&model).unwrap()).unwrap();
        edit(&mut m);
        let bad = write_file(
            dir.path(),
            &format!("bad{i}.json"),
            m.to_string().as_bytes(),
        );
        let out = run(&[
            "predict",
            "--model",
            &bad,
            "--data",
            &test,
            "--out",
            out_file.to_str().unwrap(),
        ]);
        assert_bad_input(&out, &[&format!("bad{i}.json"), "corrupted model"]);
        assert_bad_input(&out, needles);
        assert!(!out_file.exists(), "case {i}: no output file on error");
    }
    // A schema whose levels are not sorted would change every group's code.
    let model = dir.path().join("baseline-logistic.json");
    let text = std::fs::read_to_string(&model).unwrap();
    let mut m: serde_json::Value = serde_json::from_str(&text).unwrap();
    at(&mut m, "/encoder/schema/levels/0")
        .as_array_mut()
        .unwrap()
        .reverse();
    let bad = write_file(dir.path(), "levels.json", m.to_string().as_bytes());
    let out = run(&["predict", "--model", &bad, "--data", &test]);
    assert_bad_input(
        &out,
        &["malformed model", "group schema", "not sorted and distinct"],
    );
}
