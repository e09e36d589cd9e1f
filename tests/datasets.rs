//! `fairkit compare --datasets` and `[[datasets]]`: several datasets in one run, each row
//! naming its dataset, the cross-dataset summary, and bad dataset names or folders.

use std::path::Path;

use serde_json::Value;

use crate::util::{assert_bad_input, compare_results, run, stderr, write_file};

/// The rows of `results` (an array key) whose `dataset` is `name`, without `fit_seconds`
/// (a measurement) and `dataset` (absent from nothing, compared separately).
fn rows_of(results: &Value, key: &str, name: &str) -> Vec<Value> {
    results[key]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["dataset"] == name)
        .map(|r| {
            let mut r = r.clone();
            let map = r.as_object_mut().unwrap();
            map.retain(|k, _| !k.starts_with("fit_seconds"));
            r
        })
        .collect()
}

const TWO_SCENARIOS: &str = r#"
seeds = 2
methods = ["baseline", "reweighing", "threshold-dp"]

[[datasets]]
source = "scenario"
name = "biased-credit"
rows = 2000

[[datasets]]
source = "scenario"
name = "credit"
rows = 2000
seed = 3
"#;

/// An experiment file's `[[datasets]]`: every row and summary entry names its dataset, each
/// dataset's rows are exactly those of a one-dataset run of the same configuration, and the
/// cross-dataset summary is the baseline's means minus each method's.
#[test]
fn datasets_in_an_experiment_file_run_one_after_another() {
    let dir = tempfile::tempdir().unwrap();
    let config = write_file(dir.path(), "multi.toml", TWO_SCENARIOS.as_bytes());
    let multi = compare_results(&config, &dir.path().join("multi"));
    assert_eq!(
        multi["datasets"],
        serde_json::json!(["biased-credit", "credit"])
    );
    let rows = multi["results"].as_array().unwrap();
    assert_eq!(rows.len(), 2 * 3 * 2);
    assert!(rows[..6].iter().all(|r| r["dataset"] == "biased-credit"));
    assert!(rows[6..].iter().all(|r| r["dataset"] == "credit"));
    assert_eq!(multi["summary"].as_array().unwrap().len(), 6);

    for (name, data) in [
        ("biased-credit", "name = \"biased-credit\"\nrows = 2000\n"),
        ("credit", "name = \"credit\"\nrows = 2000\nseed = 3\n"),
    ] {
        let one = format!(
            "seeds = 2\nmethods = [\"baseline\", \"reweighing\", \"threshold-dp\"]\n\n[data]\n{data}"
        );
        let path = write_file(dir.path(), &format!("{name}.toml"), one.as_bytes());
        let single = compare_results(&path, &dir.path().join(name));
        assert_eq!(single["dataset"], name);
        assert!(
            single["results"]
                .as_array()
                .unwrap()
                .iter()
                .all(|r| r["dataset"] == name)
        );
        assert_eq!(
            rows_of(&multi, "results", name),
            rows_of(&single, "results", name)
        );
        assert_eq!(
            rows_of(&multi, "summary", name),
            rows_of(&single, "summary", name)
        );
    }

    let cross = multi["cross_dataset"]["by_dataset"].as_array().unwrap();
    assert_eq!(multi["cross_dataset"]["baseline"], "baseline");
    assert_eq!(cross.len(), 6);
    for c in cross {
        let summary = multi["summary"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["dataset"] == c["dataset"]);
        let of = |m: &str, k: &str| -> f64 {
            summary.clone().find(|s| s["method"] == m).unwrap()[k]
                .as_f64()
                .unwrap()
        };
        let m = c["method"].as_str().unwrap();
        let acc = "accuracy_mean";
        let dp = "demographic_parity_difference_mean";
        assert_eq!(
            c["accuracy_loss"].as_f64().unwrap(),
            of("baseline", acc) - of(m, acc)
        );
        assert_eq!(
            c["disparity_reduction"].as_f64().unwrap(),
            of("baseline", dp) - of(m, dp)
        );
        assert_eq!(c["accuracy_sd"].as_f64().unwrap(), of(m, "accuracy_std"));
        // Ranks: 1 + the number of methods strictly better on this dataset.
        let better = summary
            .clone()
            .filter(|s| s[dp].as_f64().unwrap() < of(m, dp))
            .count();
        assert_eq!(c["disparity_rank"].as_u64().unwrap(), 1 + better as u64);
    }
    let out = multi_dir_files(&dir.path().join("multi"));
    assert_eq!(
        out,
        [
            "evidence.json",
            "experiment.toml",
            "report.html",
            "report.md",
            "results.csv",
            "results.json",
            "tradeoff-biased-credit.svg",
            "tradeoff-credit.svg",
            "tradeoff.svg"
        ]
    );
    let csv = std::fs::read_to_string(dir.path().join("multi/results.csv")).unwrap();
    assert!(csv.starts_with("dataset,method,estimator,seed,"), "{csv}");
    assert_eq!(csv.lines().filter(|l| l.starts_with("credit,")).count(), 6);
    let report = std::fs::read_to_string(dir.path().join("multi/report.md")).unwrap();
    assert!(report.contains("## Across datasets"), "{report}");
    assert!(report.contains("](tradeoff-credit.svg)"), "{report}");
    // The small multiples: one panel title per dataset.
    let svg = std::fs::read_to_string(dir.path().join("multi/tradeoff.svg")).unwrap();
    assert!(svg.contains(">\nbiased-credit\n</text>") && svg.contains(">\ncredit\n</text>"));

    // The recorded run replays, and running again replaces it whole.
    let out = run(&["verify", dir.path().join("multi").to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let again = compare_results(&config, &dir.path().join("multi"));
    assert_eq!(
        rows_of(&again, "results", "credit"),
        rows_of(&multi, "results", "credit")
    );
}

/// Under a sweep a method whose default operating point was not swept (the threshold
/// optimizer: a plain run solves exactly, the sweep relaxes by `tol`) has no values and no
/// rank in the cross-dataset summary; the others are ranked among themselves.
#[test]
fn a_method_without_its_default_point_is_unranked_under_a_sweep() {
    let dir = tempfile::tempdir().unwrap();
    let swept = TWO_SCENARIOS.replacen("seeds = 2", "seeds = 2\nsweep = true", 1);
    let config = write_file(dir.path(), "swept.toml", swept.as_bytes());
    let multi = compare_results(&config, &dir.path().join("swept"));
    let cross = multi["cross_dataset"]["by_dataset"].as_array().unwrap();
    assert_eq!(cross.len(), 2 * 3);
    for c in cross {
        if c["method"] == "threshold-dp" {
            assert!(c["accuracy_loss"].is_null(), "{c}");
            assert!(
                c["accuracy_rank"].is_null() && c["disparity_rank"].is_null(),
                "{c}"
            );
        } else {
            let rank = c["accuracy_rank"].as_u64().unwrap();
            assert!((1..=2).contains(&rank), "{c}");
        }
    }
    let means = multi["cross_dataset"]["by_method"].as_array().unwrap();
    let threshold = means
        .iter()
        .find(|m| m["method"] == "threshold-dp")
        .unwrap();
    assert!(threshold["accuracy_rank_mean"].is_null(), "{threshold}");
    let report = std::fs::read_to_string(dir.path().join("swept/report.md")).unwrap();
    assert!(
        report.contains("| threshold-dp | - | - | - | - |"),
        "{report}"
    );
}

fn multi_dir_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// `--datasets german,biased-credit --data-dir DIR` on the shared data: the German rows are
/// those of `--dataset german --path FILE`.
#[test]
fn datasets_flag_reads_the_public_files_from_the_data_dir() {
    let Some(data) = fairkit_testkit::shared("data/german/german.data") else {
        return;
    };
    let data_dir = data.parent().unwrap().parent().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let common = [
        "--seeds",
        "2",
        "--methods",
        "baseline,threshold-dp",
        "--rows",
        "2000",
        "--quiet",
    ];
    let multi_out = dir.path().join("multi");
    let mut args = vec![
        "compare",
        "--datasets",
        "german,biased-credit",
        "--data-dir",
        data_dir.to_str().unwrap(),
        "--out",
        multi_out.to_str().unwrap(),
    ];
    args.extend(common);
    let out = run(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    let multi: Value =
        serde_json::from_str(&std::fs::read_to_string(multi_out.join("results.json")).unwrap())
            .unwrap();
    let single_out = dir.path().join("single");
    let mut args = vec![
        "compare",
        "--dataset",
        "german",
        "--path",
        data.to_str().unwrap(),
        "--out",
        single_out.to_str().unwrap(),
    ];
    args.extend(common);
    let out = run(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    let single: Value =
        serde_json::from_str(&std::fs::read_to_string(single_out.join("results.json")).unwrap())
            .unwrap();
    let german = rows_of(&multi, "results", "german");
    assert_eq!(german.len(), 4);
    assert_eq!(german, rows_of(&single, "results", "german"));
    assert_eq!(rows_of(&multi, "results", "biased-credit").len(), 4);
}

#[test]
fn bad_dataset_names_and_folders_are_refused_with_their_path() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("out");
    let out = out_dir.to_str().unwrap();
    let r = run(&["compare", "--datasets", "adlt,german", "--out", out]);
    assert_bad_input(&r, &["adlt", "did you mean 'adult'?"]);
    let missing = dir.path().join("no-such-data");
    let r = run(&[
        "compare",
        "--datasets",
        "german",
        "--data-dir",
        missing.to_str().unwrap(),
        "--out",
        out,
    ]);
    assert_bad_input(
        &r,
        &[&format!(
            "--data-dir {}: no such directory",
            missing.display()
        )],
    );
    // A folder without the dataset's file names the file it looked for.
    let r = run(&[
        "compare",
        "--datasets",
        "german",
        "--data-dir",
        dir.path().to_str().unwrap(),
        "--out",
        out,
    ]);
    let want = dir.path().join("german").join("german.data");
    assert_bad_input(
        &r,
        &[&format!("needs {}, which does not exist", want.display())],
    );
    let r = run(&["compare", "--datasets", "compas", "--out", out]);
    assert_bad_input(&r, &["--datasets compas needs --data-dir DIR"]);
    // The same dataset twice in an experiment file.
    let twice = "[[datasets]]\nname = \"credit\"\n\n[[datasets]]\nname = \"credit\"\n";
    let config = write_file(dir.path(), "twice.toml", twice.as_bytes());
    let r = run(&["compare", "--config", &config, "--out", out]);
    assert_bad_input(&r, &["twice.toml", "credit", "is listed twice", "datasets"]);
    // Nothing was written.
    assert!(!out_dir.exists());
}
