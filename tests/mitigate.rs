//! `fairkit mitigate`: every method on the built-in scenario lowers its target disparity, and
//! bad parameters or data are refused with exit status 2.

use serde_json::Value;

use crate::util::{assert_bad_input, json, run, stderr, write_file};

fn mitigate(args: &[&str]) -> Value {
    let mut all = vec!["mitigate", "--format", "json"];
    all.extend(args);
    json(&run(&all))
}

fn expected(report: &Value, key: &str) -> f64 {
    report["expected"]["disparities"][key].as_f64().unwrap()
}

fn baseline() -> Value {
    json(&run(&["train", "--format", "json"]))
}

#[test]
fn every_method_lowers_its_target_disparity() {
    let base = baseline();
    let cases = [
        ("reweighing", "demographic_parity_difference"),
        ("di-remover", "demographic_parity_difference"),
        ("correlation-remover", "demographic_parity_difference"),
        ("expgrad-dp", "demographic_parity_difference"),
        ("gridsearch-dp", "demographic_parity_difference"),
        ("threshold-dp", "demographic_parity_difference"),
        ("expgrad-eo", "equalized_odds_difference"),
        ("threshold-eo", "equalized_odds_difference"),
        ("expgrad-tpr", "equal_opportunity_difference"),
    ];
    for (method, key) in cases {
        let report = mitigate(&["--method", method]);
        let before = expected(&base, key);
        let after = expected(&report, key);
        assert!(
            after < before * 0.7,
            "{method}: {key} {after} not well below the baseline's {before}"
        );
        assert_eq!(report["method"], method);
    }
}

#[test]
fn reductions_meet_their_bound_up_to_sampling_noise() {
    // The bound (0.01 per group against the overall rate, so 0.02 between groups) holds on
    // the training data; the test set adds sampling noise of a few hundredths.
    for (constraint, key) in [
        ("demographic_parity", "demographic_parity_difference"),
        ("equalized_odds", "equalized_odds_difference"),
        ("true_positive_rate_parity", "equal_opportunity_difference"),
    ] {
        let report = mitigate(&["--method", "expgrad", "--constraint", constraint]);
        let value = expected(&report, key);
        assert!(value <= 0.02 + 0.04, "{constraint}: {key} = {value}");
        assert!(report["iterations"].as_u64().unwrap() >= 6);
        assert!(report["oracle_calls"].as_u64().unwrap() >= 6);
        assert!(report["best_gap"].as_f64().unwrap() >= 0.0);
    }
}

#[test]
fn looser_bound_keeps_more_accuracy() {
    let tight = mitigate(&["--method", "expgrad-dp"]);
    let loose = mitigate(&["--method", "expgrad-dp", "--difference-bound", "0.1"]);
    let acc = |r: &Value| r["expected"]["overall"]["accuracy"].as_f64().unwrap();
    assert!(
        acc(&loose) >= acc(&tight) - 1e-9,
        "{} {}",
        acc(&loose),
        acc(&tight)
    );
    assert!(
        expected(&loose, "demographic_parity_difference")
            >= expected(&tight, "demographic_parity_difference")
    );
}

#[test]
fn threshold_reports_its_rules() {
    let report = mitigate(&[
        "--method",
        "threshold",
        "--constraint",
        "demographic_parity",
    ]);
    let rules = report["rules"].as_array().unwrap();
    assert!(
        rules[0].as_str().unwrap().starts_with("group=A: score > "),
        "{rules:?}"
    );
    assert!(
        rules[1].as_str().unwrap().starts_with("group=B: score > "),
        "{rules:?}"
    );
    let text = crate::util::stdout(&run(&["mitigate", "--method", "threshold-dp"]));
    assert!(
        text.contains("thresholds (fitted on the training data)"),
        "{text}"
    );
}

#[test]
fn reweighing_reports_its_weights() {
    let report = mitigate(&["--method", "reweighing"]);
    let weights = report["weights"].as_array().unwrap();
    assert_eq!(weights.len(), 4);
    for w in weights {
        let f = w["factor"].as_f64().unwrap();
        assert!(f > 0.5 && f < 2.0, "{w}");
    }
}

#[test]
fn sampled_predictions_follow_the_seed() {
    let a = mitigate(&["--method", "expgrad-eo", "--seed", "1"]);
    let b = mitigate(&["--method", "expgrad-eo", "--seed", "1"]);
    assert_eq!(a["overall"], b["overall"]);
    assert_eq!(a["expected"], b["expected"]);
}

#[test]
fn weight_blind_learner_is_refused() {
    for method in ["reweighing", "expgrad-dp", "gridsearch-dp"] {
        let out = run(&[
            "mitigate",
            "--method",
            method,
            "--estimator",
            "linfa-logistic",
        ]);
        assert_bad_input(&out, &["linfa-logistic", "ignores sample weights"]);
    }
    // It is fine where no weights are needed.
    let out = run(&[
        "mitigate",
        "--method",
        "threshold-dp",
        "--estimator",
        "linfa-logistic",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn invalid_parameters_exit_2() {
    let cases: [(&[&str], &[&str]); 9] = [
        (&["--method", "expgrad-dp", "--eps", "0"], &["eps"]),
        (
            &["--method", "expgrad-dp", "--ratio-bound", "1.5"],
            &["ratio"],
        ),
        (
            &["--method", "gridsearch-dp", "--ratio-bound", "0"],
            &["ratio"],
        ),
        (
            &[
                "--method",
                "threshold",
                "--constraint",
                "equalized_odds",
                "--objective",
                "selection_rate",
            ],
            &["selection_rate", "equalized_odds"],
        ),
        (&["--method", "threshold-eo", "--tol", "0.1"], &["tol"]),
        (
            &["--method", "di-remover", "--repair-level", "2"],
            &["repair"],
        ),
        (
            &["--method", "correlation-remover", "--alpha=-1"],
            &["alpha"],
        ),
        (
            &["--method", "reweighing", "--eps", "0.1"],
            &["--eps", "reweighing"],
        ),
        (&["--method", "expgrad"], &["--constraint"]),
    ];
    for (args, needles) in cases {
        let mut all = vec!["mitigate"];
        all.extend(args);
        assert_bad_input(&run(&all), needles);
    }
    assert_bad_input(
        &run(&["mitigate", "--method", "magic"]),
        &["magic", "expgrad-dp"],
    );
    assert_bad_input(
        &run(&[
            "mitigate",
            "--method",
            "expgrad",
            "--constraint",
            "fairness",
        ]),
        &["fairness", "demographic_parity"],
    );
}

#[test]
fn test_group_unseen_in_training_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut train = String::from("x,g,y\n");
    for i in 0..40 {
        let g = if i % 2 == 0 { "a" } else { "b" };
        train.push_str(&format!("{i},{g},{}\n", (i / 2) % 2));
    }
    let train = write_file(dir.path(), "train.csv", train.as_bytes());
    let test = write_file(dir.path(), "test.csv", b"x,g,y\n1,a,1\n2,c,0\n3,b,1\n");
    for method in ["expgrad-dp", "threshold-dp", "di-remover"] {
        let out = run(&[
            "mitigate",
            "--method",
            method,
            "--data",
            &train,
            "--test",
            &test,
            "--label",
            "y",
            "--sensitive",
            "g",
        ]);
        assert_bad_input(
            &out,
            &[
                "test.csv: line 3, row 2, column(s) 'g': group 'g=c' has 1 test row(s) but no \
                 training rows",
                method,
            ],
        );
    }
}

#[test]
fn group_with_one_label_class_is_refused_by_threshold() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("x,g,y\n");
    for i in 0..40 {
        let (g, y) = if i % 2 == 0 {
            ("a", (i / 2) % 2)
        } else {
            ("b", 1)
        };
        csv.push_str(&format!("{i},{g},{y}\n"));
    }
    let data = write_file(dir.path(), "d.csv", csv.as_bytes());
    let out = run(&[
        "mitigate",
        "--method",
        "threshold-dp",
        "--data",
        &data,
        "--label",
        "y",
        "--sensitive",
        "g",
    ]);
    assert_bad_input(&out, &["b"]);
}
