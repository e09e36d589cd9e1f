//! The saved-model loader of `fairkit predict`.
//!
//! Input: model JSON, then optionally a NUL byte and bytes that choose the rows to predict.
//! A model either is refused by `SavedModel::from_json` with an error, or it loads, predicts
//! rows built from its own encoder (numbers from the input, known and unseen levels and
//! groups) without panicking, gives one prediction per row with expected values in [0, 1],
//! and survives saving and loading again.
#![no_main]

#[path = "common.rs"]
mod common;

use common::split_nul;
use fairkit_data::{FeatureColumn, Table};
use fairkit_harness::model::SavedModel;
use libfuzzer_sys::fuzz_target;

/// `n` values, each one of `levels` or (one time in `levels.len() + 1`) `unseen`.
fn draw_levels(
    n: usize,
    levels: &[String],
    unseen: &str,
    next: &mut impl FnMut() -> u8,
) -> Vec<String> {
    (0..n)
        .map(|_| {
            let k = usize::from(next()) % (levels.len() + 1);
            levels.get(k).map_or(unseen, String::as_str).to_string()
        })
        .collect()
}

/// Rows for `model`'s encoder: every feature and sensitive column (labels are not needed to
/// predict), values drawn from `bytes` (numbers around the training mean, levels, and now and
/// then a level or group it has never seen).
fn rows(model: &SavedModel, bytes: &[u8]) -> Option<Table> {
    let encoder = &model.encoder;
    let n = (bytes.len() / 2).clamp(1, 16);
    let mut pick = bytes.iter().copied().cycle();
    let mut next = move || pick.next().unwrap_or(0);
    let mut header = Vec::new();
    let mut columns: Vec<Vec<String>> = Vec::new();
    for column in encoder.columns() {
        let values = match column {
            FeatureColumn::Numeric { mean, scale, .. } => (0..n)
                .map(|_| (mean + scale * (f64::from(next() as i8) / 16.0)).to_string())
                .collect(),
            FeatureColumn::Categorical { levels, .. } => {
                draw_levels(n, levels, "unseen", &mut next)
            }
        };
        header.push(column.name().to_string());
        columns.push(values);
    }
    let schema = encoder.schema();
    for (name, levels) in schema.columns().iter().zip(schema.levels()) {
        if !header.contains(name) {
            header.push(name.clone());
            columns.push(draw_levels(n, levels, "new-group", &mut next));
        }
    }
    Table::from_columns("rows.csv", header, &columns).ok()
}

fuzz_target!(|data: &[u8]| {
    let (model_bytes, row_bytes) = split_nul(data);
    let Ok(text) = std::str::from_utf8(model_bytes) else {
        return;
    };
    let model = match SavedModel::from_json(text, "fuzz-model.json") {
        Ok(model) => model,
        Err(e) => return drop(e.to_string()),
    };
    let again = SavedModel::from_json(&model.to_json(), "saved-again.json")
        .unwrap_or_else(|e| panic!("a loaded model does not load after saving: {e}"));
    assert_eq!(again.to_json(), model.to_json());
    let Some(table) = rows(&model, row_bytes) else {
        return;
    };
    let seed = row_bytes.first().map_or(0, |&b| u64::from(b));
    if let Ok(p) = model.predict(&table, seed) {
        let n = table.n_rows();
        assert_eq!(
            (
                p.score.len(),
                p.expected.len(),
                p.predicted.len(),
                p.groups.len()
            ),
            (n, n, n, n)
        );
        for e in &p.expected {
            assert!((0.0..=1.0).contains(e), "expected value {e} outside [0, 1]");
        }
    }
});
