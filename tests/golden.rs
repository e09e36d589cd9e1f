//! Format stability: the golden files under `tests/data/golden` (written by
//! `scripts/golden.sh`) hold a saved model per method family, the predictions each gave when
//! it was saved, and the `results.json` of a small deterministic comparison.
//!
//! A change of a saved model's serialized shape fails here until `MODEL_VERSION` is bumped
//! and the goldens are regenerated (then old files are refused with a clear message instead of
//! being misread); a change of `results.json`'s shape or values fails until the goldens are
//! regenerated and the change is noted in CHANGELOG.md.

use std::path::{Path, PathBuf};

use fairkit::harness::model::{MODEL_FORMAT, MODEL_VERSION, SavedModel};

use crate::util::{run, stderr};

/// How to fix a failure here.
const REGENERATE: &str = "if the change is intended: bump MODEL_VERSION in \
    crates/harness/src/model.rs when a saved model's shape changed, note the change in \
    CHANGELOG.md, and regenerate the goldens with scripts/golden.sh";

/// One model per method family: the learners, the reductions, post-, pre- and in-processing.
const MODELS: [&str; 17] = [
    "baseline-logistic",
    "baseline-tree",
    "baseline-boosting",
    "expgrad-dp-logistic",
    "gridsearch-eo-logistic",
    "threshold-eo-logistic",
    "reweighing-logistic",
    "di-remover-logistic",
    "correlation-remover-tree",
    "reject-option-logistic",
    "eq-odds-logistic",
    "calibrated-eq-odds-logistic",
    "prejudice-remover",
    "gerryfair",
    "adversarial",
    "massaging-logistic",
    "lfr",
];

fn golden(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/golden")
        .join(relative)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

#[test]
fn every_method_family_has_a_golden_model() {
    let mut found: Vec<String> = std::fs::read_dir(golden("models"))
        .expect("tests/data/golden/models")
        .map(|e| {
            e.expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    found.sort();
    let mut expected: Vec<String> = MODELS.iter().map(|m| format!("{m}.json")).collect();
    expected.sort();
    assert_eq!(found, expected);
    // Each file is another fitted method, or the same one over another learner.
    let mut kinds: Vec<String> = MODELS
        .iter()
        .map(|m| {
            let json: serde_json::Value =
                serde_json::from_str(&read(&golden(&format!("models/{m}.json")))).expect("JSON");
            let kind = json["fitted"]["method"]
                .as_str()
                .expect("the fitted method");
            let estimator = json["estimator"]["name"].as_str().expect("the estimator");
            format!("{kind}/{estimator}")
        })
        .collect();
    kinds.sort();
    kinds.dedup();
    assert_eq!(kinds.len(), MODELS.len(), "{kinds:?}");
}

#[test]
fn golden_models_read_back_to_the_same_bytes() {
    for name in MODELS {
        let path = golden(&format!("models/{name}.json"));
        let text = read(&path);
        let model = SavedModel::from_json(&text, &path.display().to_string()).unwrap_or_else(|e| {
            panic!("{name}: the golden model no longer loads: {e}; {REGENERATE}")
        });
        assert_eq!(model.format, MODEL_FORMAT);
        assert_eq!(model.version, MODEL_VERSION, "{name}: {REGENERATE}");
        assert!(
            model.to_json() == text,
            "{name}: the saved model's serialized shape changed; {REGENERATE}"
        );
    }
}

#[test]
fn golden_models_predict_as_when_they_were_saved() {
    let rows = golden("rows.csv");
    for name in MODELS {
        let model = golden(&format!("models/{name}.json"));
        let out = run(&[
            "predict",
            "--model",
            model.to_str().expect("a UTF-8 path"),
            "--data",
            rows.to_str().expect("a UTF-8 path"),
            "--seed",
            "5",
        ]);
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        let want = read(&golden(&format!("predictions/{name}.csv")));
        assert!(
            String::from_utf8_lossy(&out.stdout) == want,
            "{name}: the predictions of the golden model changed; {REGENERATE}"
        );
    }
}

/// `results.json` with the timings (which vary run to run) replaced by `_`.
fn without_timings(text: &str) -> String {
    text.lines()
        .map(|line| match line.find("\"fit_seconds") {
            Some(i) => {
                let colon = line[i..].find(':').map_or(line.len(), |c| i + c);
                let comma = if line.ends_with(',') { "," } else { "" };
                format!("{}: _{comma}", &line[..colon])
            }
            None => line.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_golden_comparison_gives_the_golden_results_json() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let out_dir = dir.path().join("run");
    let config = golden("experiment.toml");
    let out = run(&[
        "compare",
        "--config",
        config.to_str().expect("a UTF-8 path"),
        "--out",
        out_dir.to_str().expect("a UTF-8 path"),
        "--quiet",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let got = without_timings(&read(&out_dir.join("results.json")));
    let want = without_timings(&read(&golden("results.json")));
    assert!(!want.contains("\"fit_seconds\": 0"), "timings are masked");
    assert!(
        got == want,
        "results.json of tests/data/golden/experiment.toml changed; {REGENERATE}\n--- got\n{got}"
    );
}

#[test]
fn timings_are_masked_and_nothing_else() {
    let text = "{\n  \"fit_seconds\": 0.25,\n  \"fit_seconds_std\": 1e-3\n  \"accuracy\": 0.5\n}";
    assert_eq!(
        without_timings(text),
        "{\n  \"fit_seconds\": _,\n  \"fit_seconds_std\": _\n  \"accuracy\": 0.5\n}"
    );
}
