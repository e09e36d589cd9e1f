//! `fairkit mitigate --method prejudice-remover | gerryfair`: the in-processing methods
//! (docs/inprocessing.md) through the binary on the prepared COMPAS and Adult files, against
//! tests/data/aif360. GerryFair reproduces AIF360 0.6.1 (expected test metrics and the training
//! subgroup's weighted disparity to 1e-9); the prejudice remover lands on the converged optimum
//! of AIF360's objective (`converged_reference`: test accuracy within 0.01, demographic-parity
//! difference within 0.02, training loss no higher), not on AIF360's unconverged figures. Saved
//! models predict the same rows; bad parameters are one-line errors naming the flag or key.

use serde_json::Value;

use crate::two_group::{mitigate, predict_round_trip};
use crate::util::{assert_bad_input, compare_results, run, stderr, write_file};

fn reference(dataset: &str) -> Value {
    let path = fairkit_testkit::repo_root().join(format!("tests/data/aif360/{dataset}.json"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The prepared train and test files of `dataset`, or `None` (with a notice) when absent.
fn prepared(dataset: &str) -> Option<(String, String)> {
    let path = |split: &str| {
        fairkit_testkit::shared(&format!("reference/prepared/{dataset}_{split}.csv"))
            .map(|p| p.to_str().unwrap().to_string())
    };
    Some((path("train")?, path("test")?))
}

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// The prejudice remover at `etas` on `dataset`, against the converged reference.
fn prejudice_remover(dataset: &str, etas: &[&str]) {
    let Some((train, test)) = prepared(dataset) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let variants = &reference(dataset)["prejudice_remover"]["variants"];
    for eta in etas {
        let name = format!("{dataset}-pr-{eta}");
        // The prepared files are standardized already; AIF360 saw them as they are.
        let args = [
            "--method",
            "prejudice-remover",
            "--eta",
            eta,
            "--data",
            &train,
            "--test",
            &test,
            "--no-standardize",
        ];
        let (report, model, predictions) = mitigate(dir.path(), &name, &args);
        let want = &variants[format!("eta_{eta}")];
        let converged = &want["converged_reference"];
        let acc = num(&report["overall"]["accuracy"]);
        let dp = num(&report["disparities"]["demographic_parity_difference"]);
        let (ref_acc, ref_dp) = (
            num(&converged["test"]["accuracy"]),
            num(&converged["test"]["demographic_parity_difference"]),
        );
        eprintln!(
            "{name}: fairkit accuracy {acc:.4} DP {dp:.4}; converged reference {ref_acc:.4} / \
             {ref_dp:.4}; AIF360 0.6.1 {:.4} / {:.4}",
            num(&want["test"]["accuracy"]),
            num(&want["test"]["demographic_parity_difference"]),
        );
        assert!(
            (acc - ref_acc).abs() <= 0.01,
            "{name}: accuracy {acc} vs {ref_acc}"
        );
        assert!((dp - ref_dp).abs() <= 0.02, "{name}: DP {dp} vs {ref_dp}");
        let loss = num(&report["loss"]);
        let ref_loss = num(&converged["final_loss"]);
        assert!(
            loss <= ref_loss * (1.0 + 1e-7),
            "{name}: loss {loss} vs {ref_loss}"
        );
        assert_eq!(report["converged"], true, "{name}");
        assert_eq!(report["estimator"], Value::Null, "{name}");
        assert_eq!(report["learner"], "its own logistic regression per group");
        // Deterministic: the expected metrics are the predicted ones.
        assert_eq!(report["expected"]["overall"], report["overall"], "{name}");
        assert_eq!(model["method"]["eta"], eta.parse::<f64>().unwrap());
        predict_round_trip(dir.path(), &name, &test, &predictions);
    }
}

#[test]
fn prejudice_remover_reaches_the_converged_optimum_on_compas() {
    prejudice_remover("compas", &["1", "25", "100"]);
}

#[test]
fn prejudice_remover_reaches_the_converged_optimum_on_adult() {
    prejudice_remover("adult", &["1"]);
}

/// `--aif360-compat` at `etas` on `dataset`: AIF360 0.6.1's own test accuracy and DP.
fn prejudice_remover_compat(dataset: &str, etas: &[&str]) {
    let Some((train, test)) = prepared(dataset) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let variants = &reference(dataset)["prejudice_remover"]["variants"];
    for eta in etas {
        let name = format!("{dataset}-pr-compat-{eta}");
        let args = [
            "--method",
            "prejudice-remover",
            "--eta",
            eta,
            "--aif360-compat",
            "--data",
            &train,
            "--test",
            &test,
            "--no-standardize",
        ];
        let (report, model, predictions) = mitigate(dir.path(), &name, &args);
        let want = &variants[format!("eta_{eta}")];
        let acc = num(&report["overall"]["accuracy"]);
        let dp = num(&report["disparities"]["demographic_parity_difference"]);
        let (ref_acc, ref_dp) = (
            num(&want["test"]["accuracy"]),
            num(&want["test"]["demographic_parity_difference"]),
        );
        eprintln!(
            "{name}: fairkit accuracy {acc:.6} DP {dp:.6}; AIF360 0.6.1 {ref_acc:.6} / {ref_dp:.6}"
        );
        assert!(
            (acc - ref_acc).abs() <= 0.01,
            "{name}: accuracy {acc} vs {ref_acc}"
        );
        assert!((dp - ref_dp).abs() <= 0.02, "{name}: DP {dp} vs {ref_dp}");
        // AIF360's runs end in a failed line search, not at the gradient tolerance.
        assert_eq!(report["converged"], false, "{name}");
        assert_eq!(model["method"]["aif360_compat"], true);
        predict_round_trip(dir.path(), &name, &test, &predictions);
    }
}

#[test]
fn prejudice_remover_aif360_compat_gives_aif360s_numbers_on_compas() {
    prejudice_remover_compat("compas", &["1", "25", "100"]);
}

#[test]
fn prejudice_remover_aif360_compat_gives_aif360s_numbers_on_adult() {
    prejudice_remover_compat("adult", &["25"]);
}

/// GerryFair with AIF360's defaults on `dataset`: AIF360's expected test metrics and training
/// subgroup.
fn gerryfair(dataset: &str) {
    let Some((train, test)) = prepared(dataset) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let want = &reference(dataset)["gerryfair"];
    let name = format!("{dataset}-gerryfair");
    let args = [
        "--method",
        "gerryfair",
        "--data",
        &train,
        "--test",
        &test,
        "--no-standardize",
    ];
    let (report, model, predictions) = mitigate(dir.path(), &name, &args);
    let soft = &want["test_expected_soft"];
    let expected = &report["expected"];
    for (ours, theirs) in [
        (&expected["overall"]["accuracy"], &soft["accuracy"]),
        (
            &expected["overall"]["balanced_accuracy"],
            &soft["balanced_accuracy"],
        ),
        (
            &expected["disparities"]["demographic_parity_difference"],
            &soft["demographic_parity_difference"],
        ),
        (
            &expected["disparities"]["equalized_odds_difference"],
            &soft["equalized_odds_difference"],
        ),
    ] {
        assert!(
            (num(ours) - num(theirs)).abs() <= 1e-9,
            "{name}: {ours} vs {theirs}"
        );
    }
    let audit = &want["train_audit_soft"];
    let subgroup = &report["subgroup"];
    assert!(
        (num(&subgroup["weighted_disparity"]) - num(&audit["weighted_disparity"])).abs() <= 1e-9,
        "{name}: {subgroup} vs {audit}"
    );
    assert!((num(&subgroup["baseline"]) - num(&audit["fp_baseline"])).abs() <= 1e-9);
    assert_eq!(subgroup["fairness"], "FP");
    assert_eq!(
        subgroup["columns"].as_array().unwrap().len(),
        1,
        "{subgroup}"
    );
    assert_eq!(
        report["iterations"].as_u64(),
        want["classifiers"].as_u64(),
        "{name}"
    );
    assert_eq!(model["fitted"]["method"], "gerryfair");
    predict_round_trip(dir.path(), &name, &test, &predictions);
}

#[test]
fn gerryfair_matches_aif360_on_compas() {
    gerryfair("compas");
}

#[test]
fn gerryfair_matches_aif360_on_adult() {
    gerryfair("adult");
}

#[test]
fn bad_parameters_are_one_line_errors_naming_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let (train, _) = crate::util::simulated(dir.path());
    let bad = |extra: &[&str], needles: &[&str]| {
        let mut args = vec!["mitigate", "--data", &train];
        args.extend(crate::util::SIM_FLAGS);
        args.extend(extra);
        let out = run(&args);
        assert_bad_input(&out, needles);
        assert_eq!(stderr(&out).trim().lines().count(), 1, "{}", stderr(&out));
    };
    bad(
        &["--method", "prejudice-remover", "--eta", "-1"],
        &["eta", "-1"],
    );
    bad(&["--method", "gerryfair", "--c", "0"], &["C", "positive"]);
    bad(
        &["--method", "gerryfair", "--max-iters", "1"],
        &["max-iters", "at least 2"],
    );
    bad(
        &["--method", "gerryfair", "--max-iters", "100000000"],
        &["--max-iters"],
    );
    bad(
        &["--method", "gerryfair", "--fairness", "FDR"],
        &["--fairness", "FDR", "FP, FN"],
    );
    bad(
        &["--method", "gerryfair", "--protected-features", "incme"],
        &["protected-features", "incme", "income"],
    );
    bad(
        &["--method", "prejudice-remover", "--gamma", "0.1"],
        &["--gamma does not apply to --method prejudice-remover"],
    );
    bad(
        &["--method", "gerryfair", "--eta", "2"],
        &["--eta does not apply to --method gerryfair"],
    );
    bad(
        &["--method", "gerryfair", "--estimator", "tree"],
        &[
            "--estimator does not apply to --method gerryfair",
            "cost-sensitive",
        ],
    );
    bad(
        &["--method", "prejudice-remover", "--solver", "lbfgs"],
        &["--solver does not apply to --method prejudice-remover"],
    );
    bad(&["--method", "gerryfar"], &["gerryfair"]);
}

/// Both in an experiment file: keys as the flags' names (AIF360's `C` too), GerryFair's
/// subgroup in the results, and an entry's own estimator refused.
#[test]
fn experiment_files_take_their_keys() {
    let dir = tempfile::tempdir().unwrap();
    let config = write_file(
        dir.path(),
        "experiment.toml",
        br#"
seeds = 1
methods = [
    "prejudice-remover",
    { name = "pr-10", method = "prejudice-remover", eta = 10, C = 2 },
    { name = "pr-aif360", method = "prejudice-remover", eta = 10, aif360_compat = true },
    { name = "gf-fn", method = "gerryfair", fairness = "FN", gamma = 0.005, max_iters = 6, c = 5 },
]

[data]
source = "scenario"
name = "biased-credit"
rows = 1500
seed = 2
"#,
    );
    let results = compare_results(&config, &dir.path().join("out"));
    let rows = results["results"].as_array().unwrap();
    let names: Vec<&str> = rows.iter().map(|r| r["method"].as_str().unwrap()).collect();
    assert_eq!(names, ["prejudice-remover", "pr-10", "pr-aif360", "gf-fn"]);
    assert_eq!(rows[0]["estimator"], "own learner");
    assert!(rows[0].get("subgroup").is_none());
    assert_eq!(rows[3]["subgroup"]["fairness"], "FN");
    let methods = &results["config"]["methods"];
    assert_eq!(methods[1]["c"], 2.0);
    assert_eq!(methods[1]["eta"], 10.0);
    assert_eq!(methods[2]["aif360_compat"], true);
    // The default mode leaves the key out (saved models and results keep their shape).
    assert!(methods[1].get("aif360_compat").is_none());
    let metrics = |r: &Value| {
        (
            r["accuracy"].clone(),
            r["demographic_parity_difference"].clone(),
        )
    };
    assert_ne!(metrics(&rows[1]), metrics(&rows[2]), "the modes differ");
    assert_eq!(methods[3]["max_iters"], 6);
    assert_eq!(
        methods[3]["aif360_quirks"], true,
        "defaults are spelled out"
    );

    for (name, text, needles) in [
        (
            "estimator.toml",
            &br#"methods = [{ name = "p", method = "prejudice-remover", estimator = "tree" }]"#[..],
            &["estimator", "fits its own logistic regression"][..],
        ),
        (
            "key.toml",
            br#"methods = [{ name = "g", method = "gerryfair", gama = 0.1 }]"#,
            &["gama"],
        ),
    ] {
        let bad = write_file(dir.path(), name, text);
        let out = run(&[
            "compare",
            "--config",
            &bad,
            "--out",
            dir.path()
                .join(name)
                .with_extension("out")
                .to_str()
                .unwrap(),
        ]);
        assert_bad_input(&out, needles);
    }
}
