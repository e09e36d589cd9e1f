//! `fairkit compare`: the outputs, their documented schema, reproducibility and bad input.

use std::path::Path;
use std::process::Output;

use serde_json::Value;

use crate::util::{assert_bad_input, compare_results, fairkit, run, stderr, stdout, write_file};

const METHODS: &str = "baseline,reweighing,expgrad-dp,threshold-dp,threshold-eo";

/// `compare` on 2,000 simulated rows, 2 seeds and `methods`, into `out_dir`, quietly.
fn small_compare<'a>(out_dir: &'a str, methods: &'a str, extra: &[&'a str]) -> Output {
    let mut args = vec![
        "compare",
        "--rows",
        "2000",
        "--seeds",
        "2",
        "--methods",
        methods,
        "--out",
        out_dir,
        "--quiet",
    ];
    args.extend(extra);
    run(&args)
}

fn compare_into(dir: &Path, extra: &[&str]) -> Value {
    let out = small_compare(dir.to_str().unwrap(), METHODS, extra);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(dir.join("results.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn summary<'a>(results: &'a Value, method: &str) -> &'a Value {
    results["summary"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["method"] == method)
        .unwrap()
}

const METRICS: [&str; 6] = [
    "accuracy",
    "balanced_accuracy",
    "demographic_parity_difference",
    "demographic_parity_ratio",
    "equalized_odds_difference",
    "equal_opportunity_difference",
];

#[test]
fn writes_seven_files_matching_the_documented_schema() {
    let dir = tempfile::tempdir().unwrap();
    let results = compare_into(dir.path(), &[]);
    for name in [
        "results.json",
        "results.csv",
        "report.md",
        "tradeoff.svg",
        "report.html",
        "experiment.toml",
        "evidence.json",
    ] {
        assert!(dir.path().join(name).exists(), "{name}");
    }
    assert_eq!(results["dataset"], "biased-credit");
    assert!(results["config"]["methods"].is_array());
    assert_eq!(results["config"]["seeds"], serde_json::json!([0, 1]));
    assert!(results["fairkit_version"].is_string());
    let rows = results["results"].as_array().unwrap();
    assert_eq!(rows.len(), 5 * 2);
    for row in rows {
        for key in ["method", "estimator", "seed", "fit_seconds"] {
            assert!(!row[key].is_null(), "{key} in {row}");
        }
        for key in METRICS {
            assert!(row[key].is_f64(), "{key} in {row}");
            assert!(row["expected"][key].is_f64(), "expected {key} in {row}");
        }
    }
    let summary = results["summary"].as_array().unwrap();
    assert_eq!(summary.len(), 5);
    for row in summary {
        for key in METRICS.iter().chain(&["fit_seconds"]) {
            assert!(row[format!("{key}_mean")].is_f64(), "{key}_mean in {row}");
            assert!(row[format!("{key}_std")].is_f64(), "{key}_std in {row}");
        }
        assert!(row["pareto"].is_boolean());
    }
    assert!(summary.iter().any(|r| r["pareto"] == true));
    let csv = std::fs::read_to_string(dir.path().join("results.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1 + 10);
    assert!(csv.starts_with("method,estimator,seed,accuracy,"));
    let md = std::fs::read_to_string(dir.path().join("report.md")).unwrap();
    assert!(md.contains("| method | accuracy |") && md.contains("tradeoff.svg"));
    let svg = std::fs::read_to_string(dir.path().join("tradeoff.svg")).unwrap();
    assert!(svg.contains("<svg") && svg.contains("threshold-dp") && svg.contains("Pareto front"));
}

#[test]
fn mitigations_lower_their_target_disparity() {
    let dir = tempfile::tempdir().unwrap();
    let results = compare_into(dir.path(), &[]);
    let mean = |m: &str, k: &str| summary(&results, m)[format!("{k}_mean")].as_f64().unwrap();
    let dp = "demographic_parity_difference";
    for m in ["reweighing", "expgrad-dp", "threshold-dp"] {
        assert!(mean(m, dp) < mean("baseline", dp), "{m}");
    }
    let eo = "equalized_odds_difference";
    assert!(mean("threshold-eo", eo) < mean("baseline", eo));
}

fn without_timings(mut v: Value) -> Value {
    for row in v["results"].as_array_mut().unwrap() {
        row.as_object_mut().unwrap().remove("fit_seconds");
    }
    for row in v["summary"].as_array_mut().unwrap() {
        let row = row.as_object_mut().unwrap();
        row.remove("fit_seconds_mean");
        row.remove("fit_seconds_std");
    }
    v
}

#[test]
fn same_config_same_results_on_any_thread_count() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let first = compare_into(a.path(), &[]);
    let out = fairkit()
        .env("RAYON_NUM_THREADS", "1")
        .args([
            "compare",
            "--rows",
            "2000",
            "--seeds",
            "2",
            "--methods",
            METHODS,
            "--out",
            b.path().to_str().unwrap(),
            "--quiet",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(b.path().join("results.json")).unwrap();
    let second: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(without_timings(first), without_timings(second));
}

#[test]
fn recorded_config_reruns_to_the_same_results() {
    let dir = tempfile::tempdir().unwrap();
    let config = write_file(
        dir.path(),
        "experiment.toml",
        br#"
estimator = "logistic"
seeds = [3, 7]
disparity = "equalized_odds"
methods = [
    "baseline",
    "baseline-tree",
    { name = "eg-loose", method = "expgrad", constraint = "equalized_odds", bound = { difference = 0.05 } },
]

[data]
source = "scenario"
name = "biased-credit"
rows = 1500
seed = 11
"#,
    );
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    for out_dir in [&a, &b] {
        let out = run(&[
            "compare",
            "--config",
            &config,
            "--out",
            out_dir.to_str().unwrap(),
            "--quiet",
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(stdout(&out).contains("eg-loose"));
    }
    let read = |d: &Path| -> Value {
        serde_json::from_str(&std::fs::read_to_string(d.join("results.json")).unwrap()).unwrap()
    };
    let first = read(&a);
    assert_eq!(first["config"]["seeds"], serde_json::json!([3, 7]));
    assert_eq!(first["config"]["disparity"], "equalized_odds");
    assert_eq!(first["results"][2]["estimator"], "tree");
    assert_eq!(without_timings(first), without_timings(read(&b)));
}

#[test]
fn every_learner_runs_from_an_experiment_file_and_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let config = write_file(
        dir.path(),
        "learners.toml",
        br#"
estimator = { name = "forest", n_estimators = 10, seed = 3 }
seeds = 1
methods = [
    "baseline",
    "baseline-naive-bayes",
    "baseline-svm",
    { name = "svm-threshold", method = "threshold", constraint = "demographic_parity", estimator = "svm" },
    { name = "nb-reweighing", method = "reweighing", estimator = "naive-bayes" },
    { name = "tree-eg", method = "expgrad", constraint = "demographic_parity", estimator = { name = "tree", max_depth = 3, criterion = "entropy" } },
]

[data]
source = "scenario"
name = "biased-credit"
rows = 1500
seed = 2
"#,
    );
    let results = compare_results(&config, &dir.path().join("out"));
    let estimators: Vec<&str> = results["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["estimator"].as_str().unwrap())
        .collect();
    assert_eq!(
        estimators,
        ["forest", "naive-bayes", "svm", "svm", "naive-bayes", "tree"]
    );
    let recorded = &results["config"]["estimator"];
    assert_eq!(recorded["name"], "forest");
    assert_eq!(recorded["seed"], 3);
    assert_eq!(recorded["max_features"], "sqrt");
    for r in results["results"].as_array().unwrap() {
        let accuracy = r["accuracy"].as_f64().unwrap();
        assert!(accuracy > 0.55, "{}: {accuracy}", r["method"]);
    }
    // the command line takes the new names too
    let with_flags = compare_into(&dir.path().join("flags"), &["--estimator", "naive-bayes"]);
    assert_eq!(with_flags["results"][0]["estimator"], "naive-bayes");
}

#[test]
fn table_marks_pareto_methods() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(&[
        "compare",
        "--rows",
        "1500",
        "--seeds",
        "2",
        "--methods",
        "baseline,threshold-dp",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    let text = stdout(&out);
    assert!(text.contains("Pareto-optimal"), "{text}");
    assert!(text.lines().any(|l| l.starts_with("* ")), "{text}");
    assert!(text.contains(" ± "), "{text}");
}

#[test]
fn bad_input_exits_2_without_writing() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("out");
    let o = out_dir.to_str().unwrap();
    assert_bad_input(
        &run(&["compare", "--methods", "magic", "--out", o]),
        &["magic"],
    );
    assert_bad_input(&run(&["compare", "--seeds", "0", "--out", o]), &["seeds"]);
    assert_bad_input(
        &run(&["compare", "--methods", "baseline,baseline", "--out", o]),
        &["baseline", "twice"],
    );
    assert_bad_input(
        &run(&["compare", "--disparity", "fairness", "--out", o]),
        &["fairness"],
    );
    let config = write_file(dir.path(), "bad.toml", b"seedz = 3\n");
    assert_bad_input(
        &run(&["compare", "--config", &config, "--out", o]),
        &["seedz"],
    );
    let config = write_file(
        dir.path(),
        "score.toml",
        br#"methods = [{ name = "t", method = "threshold", constraint = "demographic_parity", score = "s" }]"#,
    );
    assert_bad_input(
        &run(&["compare", "--config", &config, "--out", o]),
        &[
            "method t thresholds a score column",
            "fairkit mitigate --score",
        ],
    );
    let config = write_file(dir.path(), "ok.toml", b"seeds = 1\n");
    assert_bad_input(
        &run(&["compare", "--config", &config, "--seeds", "2", "--out", o]),
        &["--config"],
    );
    assert!(!out_dir.exists());
}

/// A results.json as text without the lines of its timings (`fit_seconds`, `_mean`, `_std`),
/// the only values that differ between two runs of the same configuration.
pub fn without_timing_lines(path: &Path) -> String {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.trim_start().starts_with("\"fit_seconds"))
        .map(|l| format!("{l}\n"))
        .collect()
}

#[test]
fn a_run_replays_byte_for_byte_from_its_results_json_and_experiment_toml() {
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("first");
    compare_into(
        &first,
        &["--disparity", "equalized_odds", "--estimator", "tree"],
    );
    let toml = std::fs::read_to_string(first.join("experiment.toml")).unwrap();
    assert!(toml.contains("disparity = \"equalized_odds\""), "{toml}");
    for (i, config) in ["results.json", "experiment.toml"].iter().enumerate() {
        let again = dir.path().join(format!("again{i}"));
        let out = run(&[
            "compare",
            "--config",
            first.join(config).to_str().unwrap(),
            "--out",
            again.to_str().unwrap(),
            "--quiet",
        ]);
        assert!(out.status.success(), "{config}: {}", stderr(&out));
        let replayed = without_timing_lines(&again.join("results.json"));
        assert_eq!(
            replayed,
            without_timing_lines(&first.join("results.json")),
            "{config}"
        );
        // Every line but the timings, and the recorded configuration itself.
        assert!(replayed.lines().count() > 100);
        assert_eq!(
            std::fs::read_to_string(again.join("experiment.toml")).unwrap(),
            toml,
            "{config}"
        );
    }
}

#[test]
fn format_json_prints_results_json() {
    let dir = tempfile::tempdir().unwrap();
    let out = small_compare(
        dir.path().to_str().unwrap(),
        "baseline,reweighing",
        &["--format", "json"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        out.stdout,
        std::fs::read(dir.path().join("results.json")).unwrap()
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    // The built-in groups are large: no warning.
    assert_eq!(v["warnings"], serde_json::json!([]));
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
}

#[test]
fn unknown_names_list_every_accepted_name_and_suggest_the_closest() {
    let dir = tempfile::tempdir().unwrap();
    let o = dir.path().join("out");
    let o = o.to_str().unwrap();
    let out = run(&["compare", "--methods", "baseline,reweigting", "--out", o]);
    assert_bad_input(
        &out,
        &[
            "reweigting",
            "did you mean 'reweighing'?",
            "baseline-tree",
            "baseline-linfa-logistic",
            "threshold-eo",
        ],
    );
    assert_bad_input(
        &run(&["compare", "--methods", "baseline-treee", "--out", o]),
        &["did you mean 'baseline-tree'?"],
    );
    assert_bad_input(
        &run(&["compare", "--dataset", "adutl", "--out", o]),
        &[
            "did you mean 'adult'?",
            "biased-credit, credit, adult, compas",
        ],
    );
    assert_bad_input(
        &run(&["compare", "--estimator", "logistc", "--out", o]),
        &["did you mean 'logistic'?"],
    );
    assert_bad_input(
        &run(&["compare", "--disparity", "equalised_odds", "--out", o]),
        &["did you mean 'equalized_odds'?"],
    );
    let config = write_file(dir.path(), "typo.toml", b"seedz = 3\n");
    assert_bad_input(
        &run(&["compare", "--config", &config, "--out", o]),
        &["seedz", "did you mean 'seeds'?"],
    );
    assert!(!std::path::Path::new(o).exists());
}

#[test]
fn help_shows_the_defaults() {
    let help = stdout(&run(&["compare", "--help"]));
    for (flag, default) in [
        ("--seeds", "[default: 5]"),
        ("--estimator", "[default: logistic]"),
        ("--dataset", "[default: biased-credit]"),
        ("--delimiter", "[default: comma]"),
    ] {
        let text = crate::util::flag_help(&help, flag);
        assert!(text.contains(default), "{flag}: {text}");
    }
}

#[test]
fn a_sweep_reruns_from_its_results_json_to_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("first");
    let out = small_compare(
        first.to_str().unwrap(),
        "baseline,expgrad-dp,threshold-dp",
        &["--sweep"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("expgrad-dp bound=0.001"),
        "{}",
        stdout(&out)
    );
    let results: Value =
        serde_json::from_str(&std::fs::read_to_string(first.join("results.json")).unwrap())
            .unwrap();
    assert_eq!(results["config"]["sweep"], true);
    let rows = results["results"].as_array().unwrap();
    // baseline, then 6 bounds and 6 tolerances, 2 seeds each.
    assert_eq!(rows.len(), 2 * (1 + 6 + 6));
    assert_eq!(rows[2]["knob"], "bound");
    assert_eq!(rows[2]["knob_value"], 0.001);
    assert_eq!(rows[14]["knob"], "tol");
    assert_eq!(results["summary"].as_array().unwrap().len(), 13);
    let again = dir.path().join("again");
    let replayed = compare_results(first.join("results.json").to_str().unwrap(), &again);
    assert_eq!(replayed["config"], results["config"]);
    assert_eq!(
        without_timing_lines(&again.join("results.json")),
        without_timing_lines(&first.join("results.json"))
    );
    // The picture does not depend on timings: the same bytes.
    assert_eq!(
        std::fs::read(again.join("tradeoff.svg")).unwrap(),
        std::fs::read(first.join("tradeoff.svg")).unwrap()
    );
}

#[test]
fn a_bad_sweep_value_exits_2_naming_its_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let config = write_file(
        dir.path(),
        "experiment.toml",
        b"seeds = 2\nmethods = [\n  { name = \"eg\", method = \"expgrad\", constraint = \"demographic_parity\", sweep = [0.01, -0.5] },\n]\n",
    );
    let out_dir = dir.path().join("out");
    let out = run(&[
        "compare",
        "--config",
        &config,
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert_bad_input(
        &out,
        &[
            "experiment.toml: line 3, column 73: key 'sweep': invalid parameter sweep = -0.5",
            "bound of method eg must be in [0, 1]",
        ],
    );
    assert!(!out_dir.exists());
}

#[test]
fn all_is_every_method_family_at_its_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("out");
    let out = run(&[
        "compare",
        "--rows",
        "600",
        "--seeds",
        "1",
        "--methods",
        "all",
        "--out",
        out_dir.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(out_dir.join("results.json")).unwrap();
    let results: Value = serde_json::from_str(&text).unwrap();
    let names: Vec<&str> = results["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["method"].as_str().unwrap())
        .collect();
    assert_eq!(names, fairkit::harness::method::PRESETS);
    assert_eq!(names.len(), 21);
    for family in [
        "massaging",
        "lfr",
        "adversarial",
        "gerryfair",
        "reject-option",
    ] {
        assert!(names.contains(&family), "{family} missing from {names:?}");
    }
    assert!(!names.iter().any(|n| n.starts_with("baseline-")));

    // In an experiment file, beside a custom entry.
    let config = r#"
seeds = 1
methods = ["all", { name = "pr-10", method = "prejudice-remover", eta = 10 }]

[data]
source = "scenario"
name = "biased-credit"
rows = 600
seed = 1
"#;
    let config = write_file(dir.path(), "all.toml", config.as_bytes());
    let results = compare_results(&config, &dir.path().join("file"));
    let rows = results["results"].as_array().unwrap();
    assert_eq!(rows.len(), 22);
    assert_eq!(rows[21]["method"], "pr-10");

    // A name listed twice through `all` is refused, nothing written.
    let again = dir.path().join("again");
    let out = run(&[
        "compare",
        "--rows",
        "600",
        "--methods",
        "all,baseline",
        "--out",
        again.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("baseline"), "{}", stderr(&out));
    assert!(!again.exists());
}
