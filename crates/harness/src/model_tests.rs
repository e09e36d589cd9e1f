//! Unit tests of saved models (`model.rs`) without the binary: every method family saved,
//! loaded and predicting as before; files of another format or version refused.

use fairkit_data::{Encoder, Table, sim};
use fairkit_learners::Estimator;

use crate::compare::MethodEntry;
use crate::model::{MODEL_FORMAT, MODEL_VERSION, SavedModel};

/// A small table of the built-in scenario, its encoder and the encoded rows.
fn scenario(rows: usize, seed: u64) -> (Table, Encoder, fairkit_core::FairDataset) {
    let table = sim::simulate(sim::DEFAULT_SCENARIO, rows, seed).expect("the scenario");
    let encoder = Encoder::fit(&sim::default_spec(), &table, &[]).expect("an encoder");
    let data = encoder.transform(&table).expect("encoded rows");
    (table, encoder, data)
}

/// One preset per family: learner, reductions (both), post-processing, pre-processing (all).
const PRESETS: [&str; 7] = [
    "baseline",
    "expgrad-dp",
    "gridsearch-eo",
    "threshold-eo",
    "reweighing",
    "di-remover",
    "correlation-remover",
];

fn model(preset: &str, encoder: &Encoder, train: &fairkit_core::FairDataset) -> SavedModel {
    let spec = MethodEntry::preset(preset).expect("a preset").spec;
    let estimator = Estimator::default();
    let fitted = spec.fit(&estimator, train).expect("the preset fits");
    SavedModel::new(estimator, spec, encoder.clone(), fitted)
}

#[test]
fn every_family_round_trips_through_a_file_and_predicts_the_same() {
    let (_, encoder, train) = scenario(400, 1);
    let (rows, _, _) = scenario(60, 2);
    let dir = tempfile::tempdir().expect("a temporary folder");
    for preset in PRESETS {
        let saved = model(preset, &encoder, &train);
        let path = dir.path().join(format!("{preset}.json"));
        saved.save(&path).expect("the model saves");
        let loaded = SavedModel::load(&path).expect("the model loads");
        assert_eq!(loaded.to_json(), saved.to_json(), "{preset}");
        assert_eq!(loaded.source, path.display().to_string());
        assert_eq!(
            (loaded.format.as_str(), loaded.version),
            (MODEL_FORMAT, MODEL_VERSION)
        );
        let (a, b) = (
            saved.predict(&rows, 9).expect("predicts"),
            loaded.predict(&rows, 9).expect("predicts"),
        );
        assert_eq!(a.expected, b.expected, "{preset}");
        assert_eq!(a.score, b.score, "{preset}");
        assert_eq!(a.predicted, b.predicted, "{preset}");
        assert_eq!(a.expected.len(), 60);
        assert!(
            a.expected.iter().all(|p| (0.0..=1.0).contains(p)),
            "{preset}"
        );
        if !saved.method.is_randomized() {
            // A deterministic method predicts positive exactly where its expected
            // probability is 1.
            for (p, label) in a.expected.iter().zip(&a.predicted) {
                assert!(*p == 0.0 || *p == 1.0, "{preset}: {p}");
                assert_eq!(*label, *p == 1.0, "{preset}");
            }
        }
    }
}

#[test]
fn randomized_predictions_follow_the_seed() {
    let (_, encoder, train) = scenario(400, 1);
    let (rows, _, _) = scenario(200, 3);
    let saved = model("threshold-eo", &encoder, &train);
    assert!(saved.method.is_randomized());
    let (a, b, c) = (
        saved.predict(&rows, 1).expect("predicts"),
        saved.predict(&rows, 1).expect("predicts"),
        saved.predict(&rows, 2).expect("predicts"),
    );
    assert_eq!(a.predicted, b.predicted);
    assert_eq!(a.expected, c.expected);
    // Strictly fractional probabilities give labels that depend on the seed.
    if a.expected.iter().any(|p| *p > 0.0 && *p < 1.0) {
        assert_ne!(a.predicted, c.predicted);
    }
}

#[test]
fn another_format_or_version_is_refused_with_its_reason() {
    let (_, encoder, train) = scenario(300, 1);
    let text = model("baseline", &encoder, &train).to_json();
    let newer = text.replacen(
        &format!("\"version\": {MODEL_VERSION}"),
        &format!("\"version\": {}", MODEL_VERSION + 1),
        1,
    );
    let e = SavedModel::from_json(&newer, "m.json").expect_err("another version");
    let message = e.to_string();
    assert!(
        message.contains("m.json") && message.contains("version"),
        "{message}"
    );
    let other = text.replacen(MODEL_FORMAT, "something-else", 1);
    let e = SavedModel::from_json(&other, "m.json").expect_err("another format");
    assert!(e.to_string().contains("not a fairkit model file"), "{e}");
    let e = SavedModel::from_json("{", "m.json").expect_err("not JSON");
    assert!(e.to_string().contains("m.json"), "{e}");
}

#[test]
fn predicting_rows_without_a_feature_column_names_it() {
    let (table, encoder, train) = scenario(300, 1);
    let saved = model("baseline", &encoder, &train);
    let keep: Vec<String> = table
        .header()
        .iter()
        .filter(|c| c.as_str() != "income")
        .cloned()
        .collect();
    let mut text = keep.join(",");
    text.push('\n');
    let first: Vec<&str> = keep
        .iter()
        .map(|c| {
            table
                .column(c)
                .expect("a column")
                .iter()
                .next()
                .expect("a row")
        })
        .collect();
    text.push_str(&first.join(","));
    text.push('\n');
    let rows = Table::from_csv(text.as_bytes(), "rows.csv").expect("a table");
    let e = saved.predict(&rows, 0).expect_err("a missing feature");
    let message = e.to_string();
    assert!(
        message.contains("rows.csv") && message.contains("income"),
        "{message}"
    );
}
