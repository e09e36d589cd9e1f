//! `fairkit mitigate --method massaging | lfr`: the label-changing and representation-learning
//! pre-processors (docs/preprocessing.md#massaging,
//! docs/preprocessing.md#learning-fair-representations) through the binary. Massaging fed
//! AIF360's own COMPAS scores (`--score`) relabels exactly the rows of the reference
//! implementation (tests/data/aif360/compas.json); LFR on COMPAS lands within AIF360 0.6.1's
//! spread over five seeds; saved models predict the run's rows byte for byte; bad parameters
//! and weighted data for massaging are one-line errors with exit status 2.

use serde_json::Value;

use crate::two_group::{compas_with_scores, mitigate, predict_round_trip};
use crate::util::{SIM_FLAGS, assert_bad_input, compare_results, run, stderr, write_file};

fn reference() -> Value {
    let path = fairkit_testkit::repo_root().join("tests/data/aif360/compas.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

#[test]
fn massaging_on_aif360_scores_relabels_the_reference_rows() {
    let dir = tempfile::tempdir().unwrap();
    let Some((train, test)) = compas_with_scores(dir.path()) else {
        return;
    };
    let want = &reference()["massaging"];
    // The reference ranked the raw scores and refitted on the prepared features as they are.
    let args = [
        "--method",
        "massaging",
        "--score",
        "score",
        "--data",
        &train,
        "--test",
        &test,
        "--no-standardize",
    ];
    let (report, model, predictions) = mitigate(dir.path(), "massaging", &args);
    let fitted = &model["fitted"];
    assert_eq!(fitted["method"], "massaging");
    assert_eq!(fitted["ranker_column"]["name"], "score");
    let m = &fitted["massaging"];
    assert_eq!(m["m"], want["m"]);
    assert!((num(&m["m_exact"]) - num(&want["m_exact"])).abs() <= 1e-9);
    assert_eq!(m["promoted"], want["promoted_rows"]);
    assert_eq!(m["demoted"], want["demoted_rows"]);
    assert_eq!(m["privileged"], "African-American");
    for (k, side) in ["privileged", "unprivileged"].into_iter().enumerate() {
        for (ours, theirs) in [
            ("base_rates_before", "train_base_rates_before"),
            ("base_rates_after", "train_base_rates_after"),
        ] {
            assert!((num(&m[ours][k]) - num(&want[theirs][side])).abs() <= 1e-9);
        }
    }
    // The refit is fairkit's logistic regression, not scikit-learn's: close, not bit for bit.
    let refit = &want["relabelled_fit"]["test"];
    let acc = num(&report["overall"]["accuracy"]);
    let dp = num(&report["disparities"]["demographic_parity_difference"]);
    eprintln!(
        "massaging on AIF360's scores: accuracy {acc:.6} DP {dp:.6}; reference LR refit {:.6} / {:.6}",
        num(&refit["accuracy"]),
        num(&refit["demographic_parity_difference"])
    );
    assert!((acc - num(&refit["accuracy"])).abs() <= 0.005);
    assert!((dp - num(&refit["demographic_parity_difference"])).abs() <= 0.01);
    predict_round_trip(dir.path(), "massaging", &test, &predictions);
}

#[test]
fn lfr_on_compas_lands_within_aif360s_spread() {
    let (Some(train), Some(test)) = (
        fairkit_testkit::shared("reference/prepared/compas_train.csv"),
        fairkit_testkit::shared("reference/prepared/compas_test.csv"),
    ) else {
        return;
    };
    let (train, test) = (train.to_str().unwrap(), test.to_str().unwrap());
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "--method",
        "lfr",
        "--data",
        train,
        "--test",
        test,
        "--no-standardize",
    ];
    let (report, model, predictions) = mitigate(dir.path(), "lfr", &args);
    let summary = &reference()["lfr"]["summary"];
    let span = |key: &str| (num(&summary[key]["min"]), num(&summary[key]["max"]));
    let (acc_lo, acc_hi) = span("test_accuracy");
    let (dp_lo, dp_hi) = span("test_demographic_parity_difference");
    let acc = num(&report["overall"]["accuracy"]);
    let dp = num(&report["disparities"]["demographic_parity_difference"]);
    eprintln!(
        "lfr on COMPAS (seed 3): accuracy {acc:.4} DP {dp:.4}, {} iterations, objective {}; \
         AIF360 over 5 seeds: accuracy {acc_lo:.4}..{acc_hi:.4}, DP {dp_lo:.4}..{dp_hi:.4}",
        report["iterations"], report["loss"]
    );
    assert!(
        acc >= acc_lo - 0.01 && acc <= acc_hi + 0.01,
        "accuracy {acc}"
    );
    assert!(dp >= dp_lo - 0.02 && dp <= dp_hi + 0.02, "DP {dp}");
    assert_eq!(report["estimator"], Value::Null);
    assert_eq!(model["fitted"]["method"], "lfr");
    assert_eq!(model["fitted"]["model"]["w"].as_array().unwrap().len(), 5);
    predict_round_trip(dir.path(), "lfr", test, &predictions);
}

/// Massaging with the estimator as ranker, LFR's own labels and LFR with the estimator on the
/// representation, on the built-in scenario: saved models predict the run's rows.
#[test]
fn saved_models_predict_the_runs_rows() {
    let dir = tempfile::tempdir().unwrap();
    let (train, test) = crate::util::simulated(dir.path());
    for (name, extra) in [
        ("massaging", &["--method", "massaging"][..]),
        (
            "massaging-tree",
            &["--method", "massaging", "--estimator", "tree"],
        ),
        ("lfr", &["--method", "lfr", "--k", "3", "--az", "10"]),
        (
            "lfr-estimator",
            &[
                "--method",
                "lfr",
                "--k",
                "3",
                "--fit-estimator",
                "--estimator",
                "tree",
            ],
        ),
    ] {
        let model = dir.path().join(format!("{name}.model.json"));
        let predictions = dir.path().join(format!("{name}.csv"));
        let mut args = vec![
            "mitigate",
            "--format",
            "json",
            "--seed",
            "3",
            "--data",
            &train,
            "--test",
            &test,
            "--save-model",
            model.to_str().unwrap(),
            "--predictions",
            predictions.to_str().unwrap(),
        ];
        args.extend(extra);
        args.extend(SIM_FLAGS);
        let out = run(&args);
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(report["method"], name.trim_end_matches("-tree"), "{name}");
        let saved: Value = serde_json::from_str(&std::fs::read_to_string(&model).unwrap()).unwrap();
        match name {
            "massaging" | "massaging-tree" => {
                let m = &saved["fitted"]["massaging"];
                assert!(m["m"].as_u64().unwrap() > 0, "{m}");
                assert_eq!(
                    m["promoted"].as_array().unwrap().len(),
                    m["m"].as_u64().unwrap() as usize
                );
                let rates = &m["base_rates_after"];
                assert!((num(&rates[0]) - num(&rates[1])).abs() < 0.01, "{rates}");
            }
            "lfr" => {
                assert_eq!(saved["fitted"]["method"], "lfr");
                assert_eq!(saved["method"]["az"], 10.0);
                assert!(report["loss"].is_number() && report["iterations"].is_number());
            }
            _ => {
                assert_eq!(saved["fitted"]["method"], "lfr-estimator");
                assert_eq!(saved["estimator"]["name"], "tree");
            }
        }
        predict_round_trip(dir.path(), name, &test, &predictions);
    }
    // Same seed, same model; another seed, another start.
    let lfr = |seed: &str| {
        let mut args = vec![
            "mitigate", "--format", "json", "--seed", seed, "--data", &train,
        ];
        args.extend(["--method", "lfr", "--k", "3", "--az", "10"]);
        args.extend(SIM_FLAGS);
        let out = run(&args);
        assert!(out.status.success(), "{}", stderr(&out));
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        report["loss"].clone()
    };
    assert_eq!(lfr("5"), lfr("5"));
    assert_ne!(lfr("5"), lfr("6"));
}

#[test]
fn bad_parameters_and_weighted_massaging_are_one_line_errors() {
    let dir = tempfile::tempdir().unwrap();
    let (train, _) = crate::util::simulated(dir.path());
    let bad = |data: &str, extra: &[&str], needles: &[&str]| {
        let mut args = vec!["mitigate", "--data", data];
        args.extend(SIM_FLAGS);
        args.extend(extra);
        let out = run(&args);
        assert_bad_input(&out, needles);
        assert_eq!(stderr(&out).trim().lines().count(), 1, "{}", stderr(&out));
    };
    bad(
        &train,
        &["--method", "lfr", "--k", "0"],
        &["k", "at least 1"],
    );
    bad(
        &train,
        &["--method", "lfr", "--k", "5000"],
        &["k", "at most 1000"],
    );
    bad(&train, &["--method", "lfr", "--az", "-1"], &["az", "-1"]);
    bad(
        &train,
        &["--method", "lfr", "--threshold", "2"],
        &["threshold", "2"],
    );
    bad(
        &train,
        &["--method", "lfr", "--max-iter", "0"],
        &["max-iter"],
    );
    bad(
        &train,
        &["--method", "lfr", "--estimator", "tree"],
        &[
            "--estimator does not apply to --method lfr",
            "--fit-estimator",
        ],
    );
    bad(
        &train,
        &["--method", "massaging", "--az", "1"],
        &["--az does not apply to --method massaging"],
    );
    bad(
        &train,
        &["--method", "massaging", "--fit-estimator"],
        &["--fit-estimator does not apply to --method massaging"],
    );
    bad(
        &train,
        &["--method", "reweighing", "--k", "3"],
        &["--k does not apply to --method reweighing"],
    );
    bad(
        &train,
        &["--method", "massaging", "--score", "scroe"],
        &["score", "scroe"],
    );
    bad(
        &train,
        &["--method", "massaging", "--privileged", "nobody"],
        &["privileged", "nobody"],
    );
    // Weighted data: massaging counts rows and refuses; LFR honours the weights.
    let text = std::fs::read_to_string(&train).unwrap();
    let mut lines = text.lines();
    let mut weighted = format!("{},w\n", lines.next().unwrap());
    for (i, l) in lines.enumerate() {
        weighted.push_str(&format!("{l},{}\n", 1 + i % 3));
    }
    let weighted = write_file(dir.path(), "weighted.csv", weighted.as_bytes());
    bad(
        &weighted,
        &["--method", "massaging", "--weights", "w"],
        &["massaging does not take sample weights"],
    );
    let mut args = vec!["mitigate", "--data", &weighted, "--weights", "w"];
    args.extend(["--method", "lfr", "--k", "2", "--max-iter", "20"]);
    args.extend(SIM_FLAGS);
    let out = run(&args);
    assert!(out.status.success(), "{}", stderr(&out));
}

/// Both in `compare`: preset names, experiment-file keys (AIF360's `Az` too), rows in the
/// results, and LFR's `Az` as the sweep knob.
#[test]
fn compare_runs_both_from_names_and_experiment_keys() {
    let dir = tempfile::tempdir().unwrap();
    let config = write_file(
        dir.path(),
        "experiment.toml",
        br#"
seeds = 1
methods = [
    "massaging",
    "lfr",
    { name = "lfr-small", method = "lfr", k = 3, Az = 5, max_iter = 200 },
    { name = "lfr-tree", method = "lfr", k = 3, fit_estimator = true, estimator = "tree" },
    { name = "massaging-b", method = "massaging", privileged = "B" },
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
    assert_eq!(
        names,
        ["massaging", "lfr", "lfr-small", "lfr-tree", "massaging-b"]
    );
    assert_eq!(rows[1]["estimator"], "own learner");
    assert_ne!(rows[3]["estimator"], "own learner");
    let methods = &results["config"]["methods"];
    assert_eq!(methods[2]["az"], 5.0);
    assert_eq!(methods[2]["max_iter"], 200);
    assert_eq!(methods[3]["fit_estimator"], true);
    assert!(methods[1].get("fit_estimator").is_none());
    let md = std::fs::read_to_string(dir.path().join("out/report.md")).unwrap();
    assert!(md.contains("lfr-small") && md.contains("massaging-b"));
    let html = std::fs::read_to_string(dir.path().join("out/report.html")).unwrap();
    assert!(html.contains("Zemel et al. 2013") && html.contains("Kamiran and Calders 2012"));

    let bad = write_file(
        dir.path(),
        "key.toml",
        br#"methods = [{ name = "l", method = "lfr", kk = 3 }]"#,
    );
    let out = run(&[
        "compare",
        "--config",
        &bad,
        "--out",
        dir.path().join("bad.out").to_str().unwrap(),
    ]);
    assert_bad_input(&out, &["kk"]);

    // The sweep: LFR's Az over its grid, massaging as a single point.
    let out_dir = dir.path().join("sweep");
    let out = run(&[
        "compare",
        "--methods",
        "massaging,lfr",
        "--sweep",
        "--seeds",
        "1",
        "--rows",
        "800",
        "--out",
        out_dir.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(out_dir.join("results.json")).unwrap();
    let sweep: Value = serde_json::from_str(&text).unwrap();
    let rows = sweep["results"].as_array().unwrap();
    let lfr: Vec<f64> = rows
        .iter()
        .filter(|r| r["method"] == "lfr")
        .map(|r| {
            assert_eq!(r["knob"], "az");
            num(&r["knob_value"])
        })
        .collect();
    assert_eq!(lfr, [0.0, 1.0, 10.0, 50.0, 100.0]);
    let massaging: Vec<&Value> = rows.iter().filter(|r| r["method"] == "massaging").collect();
    assert_eq!(massaging.len(), 1);
    assert!(massaging[0].get("knob").is_none());
}
