//! `fairkit mitigate --method adversarial`: adversarial debiasing
//! (docs/inprocessing.md#adversarial-debiasing) from the CLI on the prepared COMPAS files:
//! test metrics inside AIF360 0.6.1's 5-seed spread (tests/data/aif360/compas.json) widened by
//! the issue's tolerances, the seed of the run reproduces the fit, the saved model predicts the
//! same rows through `fairkit predict`, every parameter is a flag and an experiment-file key,
//! and bad parameters are one-line errors naming the flag.

use std::path::Path;

use serde_json::Value;

use crate::util::{assert_bad_input, column, compare_results, json, run, stderr, write_file};

const FLAGS: [&str; 4] = ["--label", "label", "--sensitive", "sensitive"];

fn compas() -> Option<(String, String)> {
    let train = fairkit_testkit::shared("reference/prepared/compas_train.csv")?;
    let test = fairkit_testkit::shared("reference/prepared/compas_test.csv")?;
    Some((
        train.to_str().unwrap().to_string(),
        test.to_str().unwrap().to_string(),
    ))
}

fn summary(key: &str) -> (f64, f64) {
    let text =
        std::fs::read_to_string(fairkit_testkit::repo_root().join("tests/data/aif360/compas.json"))
            .unwrap();
    let refs: Value = serde_json::from_str(&text).unwrap();
    let s = &refs["adversarial"]["summary"][key];
    (s["min"].as_f64().unwrap(), s["max"].as_f64().unwrap())
}

/// `mitigate --method adversarial` with `extra`, saving the model and predictions in `dir`.
fn mitigate(dir: &Path, name: &str, data: (&str, &str), extra: &[&str]) -> Value {
    let model = dir.join(format!("{name}.model.json"));
    let predictions = dir.join(format!("{name}.csv"));
    let mut args = vec![
        "mitigate",
        "--method",
        "adversarial",
        "--format",
        "json",
        "--data",
        data.0,
        "--test",
        data.1,
        "--save-model",
        model.to_str().unwrap(),
        "--predictions",
        predictions.to_str().unwrap(),
    ];
    args.extend(FLAGS);
    args.extend(extra);
    json(&run(&args))
}

#[test]
fn compas_from_the_cli_lands_in_aif360s_spread_and_round_trips() {
    let Some((train, test)) = compas() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let report = mitigate(dir.path(), "a", (&train, &test), &["--seed", "0"]);
    let acc = report["overall"]["accuracy"].as_f64().unwrap();
    let dp = report["disparities"]["demographic_parity_difference"]
        .as_f64()
        .unwrap();
    let (acc_lo, acc_hi) = summary("test_accuracy");
    let (dp_lo, dp_hi) = summary("test_demographic_parity_difference");
    println!(
        "CLI compas seed 0: acc {acc:.4} dp {dp:.4}; AIF360 acc {acc_lo:.4}..{acc_hi:.4} dp {dp_lo:.4}..{dp_hi:.4}"
    );
    assert!(
        acc >= acc_lo - 0.01 && acc <= acc_hi + 0.01,
        "accuracy {acc}"
    );
    assert!(dp >= dp_lo - 0.02 && dp <= dp_hi + 0.02, "DP {dp}");

    // The run's seed is the fit's: the same seed gives the same model file, another differs.
    let model = |name: &str| std::fs::read(dir.path().join(format!("{name}.model.json"))).unwrap();
    mitigate(dir.path(), "b", (&train, &test), &["--seed", "0"]);
    assert_eq!(model("a"), model("b"));
    mitigate(dir.path(), "c", (&train, &test), &["--seed", "1"]);
    assert_ne!(model("a"), model("c"));

    // The saved model predicts the test rows as the run did.
    let out = run(&[
        "predict",
        "--model",
        dir.path().join("a.model.json").to_str().unwrap(),
        "--data",
        &test,
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let predicted = write_file(dir.path(), "a.predicted.csv", &out.stdout);
    for col in ["expected", "pred"] {
        assert_eq!(
            column(&dir.path().join("a.csv"), col),
            column(Path::new(&predicted), col),
            "{col}"
        );
    }
}

#[test]
fn every_parameter_is_a_flag() {
    let Some((train, test)) = compas() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let report = mitigate(
        dir.path(),
        "p",
        (&train, &test),
        &[
            "--adversary-loss-weight",
            "5",
            "--num-epochs",
            "3",
            "--batch-size",
            "64",
            "--hidden-units",
            "16",
            "--debias",
            "true",
            "--adversary-target",
            "demographic-parity",
        ],
    );
    let saved: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("p.model.json")).unwrap())
            .unwrap();
    let m = &saved["method"];
    assert_eq!(m["method"], "adversarial");
    assert_eq!(m["adversary_loss_weight"], 5.0);
    assert_eq!(m["num_epochs"], 3);
    assert_eq!(m["batch_size"], 64);
    assert_eq!(m["hidden_units"], 16);
    assert_eq!(m["target"], "demographic-parity");
    assert_eq!(report["method"], "adversarial-dp");
    // 3 epochs of ⌊3694 / 64⌋ batches.
    assert_eq!(saved["fitted"]["model"]["steps"], 3 * (3694 / 64));
}

#[test]
fn bad_parameters_are_one_line_errors_naming_the_flag() {
    let Some((train, _)) = compas() else {
        return;
    };
    let bad = |extra: &[&str], needles: &[&str]| {
        let mut args = vec!["mitigate", "--method", "adversarial", "--data", &train];
        args.extend(FLAGS);
        args.extend(extra);
        let out = run(&args);
        assert_bad_input(&out, needles);
        assert_eq!(stderr(&out).trim().lines().count(), 1, "{}", stderr(&out));
    };
    bad(
        &["--adversary-loss-weight", "-1"],
        &["adversary-loss-weight"],
    );
    bad(&["--num-epochs", "0"], &["num-epochs"]);
    bad(&["--num-epochs", "1000000"], &["num-epochs", "100000"]);
    bad(&["--hidden-units", "0"], &["hidden-units"]);
    bad(
        &["--batch-size", "5000"],
        &["batch-size", "at most the number of training rows"],
    );
    bad(
        &["--adversary-target", "parity"],
        &["adversary-target", "demographic-parity"],
    );
    bad(
        &["--metric", "spd"],
        &["--metric does not apply to --method adversarial"],
    );
    let mut args = vec![
        "mitigate",
        "--method",
        "adversarial",
        "--weights",
        "age",
        "--data",
        &train,
    ];
    args.extend(FLAGS);
    assert_bad_input(&run(&args), &["sample weights"]);
}

#[test]
fn experiment_files_take_the_keys() {
    let dir = tempfile::tempdir().unwrap();
    let config = write_file(
        dir.path(),
        "experiment.toml",
        br#"
seeds = 2
methods = [
    { name = "adv", method = "adversarial", num_epochs = 2, hidden_units = 8, batch_size = 64 },
    { name = "plain", method = "adversarial", num_epochs = 2, hidden_units = 8, batch_size = 64, debias = false },
    { name = "dp", method = "adversarial", num_epochs = 2, hidden_units = 8, target = "demographic-parity", adversary_loss_weight = 1.0 },
]

[data]
source = "scenario"
name = "biased-credit"
rows = 1000
seed = 2
"#,
    );
    let results = compare_results(&config, &dir.path().join("out"));
    let methods = &results["config"]["methods"];
    assert_eq!(methods[0]["num_epochs"], 2);
    assert_eq!(
        methods[0]["adversary_loss_weight"], 0.1,
        "defaults are spelled out"
    );
    assert_eq!(methods[1]["debias"], false);
    assert_eq!(methods[2]["target"], "demographic-parity");
    let bad = write_file(
        dir.path(),
        "bad.toml",
        br#"methods = [{ name = "a", method = "adversarial", epochs = 3 }]"#,
    );
    let out = run(&[
        "compare",
        "--config",
        &bad,
        "--out",
        dir.path().join("bad").to_str().unwrap(),
    ]);
    assert_bad_input(&out, &["epochs"]);
}
