//! Massaging and LFR against the AIF360 0.6.1 reference (tests/data/aif360, README there), on
//! the prepared COMPAS and Adult files of ../shared/reference/prepared.

use fairkit_core::{Classifier, FairDataset};
use fairkit_data::{DatasetSpec, Prepared, Table};
use fairkit_learners::Logistic;
use fairkit_preprocessing::{FitFeatureTransform, Lfr, Massaging};
use serde_json::Value;

use fairkit_testkit::shared;

/// The prepared train and test sets of `name` (`compas`, `adult`), as the reference read them.
pub fn prepared(name: &str) -> Option<(FairDataset, FairDataset)> {
    let train = shared(&format!("reference/prepared/{name}_train.csv"))?;
    let test = shared(&format!("reference/prepared/{name}_test.csv"))?;
    let read = |p: &std::path::Path| {
        let file = std::fs::File::open(p).unwrap();
        Table::from_csv(file, &p.display().to_string()).unwrap()
    };
    let spec = DatasetSpec {
        standardize: false,
        ..DatasetSpec::new("label", ["sensitive"])
    };
    let p = Prepared::from_tables(&spec, &read(&train), &read(&test)).unwrap();
    Some((p.train, p.test))
}

/// tests/data/aif360/<name>.json (committed with the repository).
pub fn reference(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/data/aif360")
        .join(format!("{name}.json"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The committed base scores of `<name>_<split>` (one `score` column, Python `repr`).
fn scores(name: &str, split: &str) -> Vec<f64> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/data/aif360")
        .join(format!("{name}_{split}_scores.csv"));
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("score"));
    lines.map(|l| l.parse().unwrap()).collect()
}

fn indices(v: &Value) -> Vec<usize> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|i| i.as_u64().unwrap() as usize)
        .collect()
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap()
}

/// Accuracy and signed statistical parity difference (unprivileged minus privileged selection
/// rate) of hard predictions, with the reference's privileged group.
pub fn accuracy_and_spd(pred: &[bool], data: &FairDataset, privileged: &str) -> (f64, f64) {
    let schema = data.groups().schema();
    let p = schema.code_of_label(privileged).unwrap();
    let (mut selected, mut sizes) = ([0.0; 2], [0.0; 2]);
    let mut correct = 0usize;
    for ((&yhat, &y), &g) in pred.iter().zip(data.labels()).zip(data.groups().codes()) {
        let slot = usize::from(g == p);
        sizes[slot] += 1.0;
        selected[slot] += f64::from(u8::from(yhat));
        correct += usize::from(yhat == y);
    }
    (
        correct as f64 / pred.len() as f64,
        selected[0] / sizes[0] - selected[1] / sizes[1],
    )
}

/// The relabelled rows, `M` and the base rates equal the reference's exactly (rows) or to 1e-9.
fn massaging_matches(name: &str) {
    let Some((train, test)) = prepared(name) else {
        return;
    };
    let doc = reference(name);
    let expected = &doc["massaging"];
    let fitted = Massaging::params()
        .fit(&train, &scores(name, "train"))
        .unwrap();
    assert_eq!(
        fitted.privileged(),
        doc["conventions"]["privileged_value"].as_str().unwrap()
    );
    assert_eq!(fitted.m(), expected["m"].as_u64().unwrap() as usize);
    assert!((fitted.m_exact() - f(&expected["m_exact"])).abs() < 1e-9);
    assert_eq!(fitted.promoted(), indices(&expected["promoted_rows"]));
    assert_eq!(fitted.demoted(), indices(&expected["demoted_rows"]));
    assert_eq!(
        fitted.promotion_candidates() as u64,
        expected["promotion_candidates"].as_u64().unwrap()
    );
    assert_eq!(
        fitted.demotion_candidates() as u64,
        expected["demotion_candidates"].as_u64().unwrap()
    );
    for (key, got) in [
        ("train_base_rates_before", fitted.base_rates_before()),
        ("train_base_rates_after", fitted.base_rates_after()),
    ] {
        let want = [
            f(&expected[key]["privileged"]),
            f(&expected[key]["unprivileged"]),
        ];
        for (g, w) in got.iter().zip(want) {
            assert!((g - w).abs() < 1e-9, "{key}: {got:?} vs {want:?}");
        }
    }
    // The one-more-row lists: the next candidates in rank order follow the chosen ones, so a
    // larger M would extend the sets as the reference's lists say.
    let next_p = indices(&expected["next_promotion_candidates"]);
    let next_d = indices(&expected["next_demotion_candidates"]);
    let (m, np) = (fitted.m(), next_p.len());
    let all_rows = train.n_rows();
    let train_scores = scores(name, "train");
    // Promoting the next candidates instead would need a score at most the M-th one.
    let last_p = train_scores[*fitted.promoted().last().unwrap()];
    assert!(
        next_p
            .iter()
            .all(|&i| train_scores[i] <= last_p && i < all_rows)
    );
    let last_d = train_scores[*fitted.demoted().last().unwrap()];
    assert!(next_d.iter().all(|&i| train_scores[i] >= last_d));
    assert!(m > 0 && np == 10);

    // The massaged labels feed any learner: fairkit's logistic regression lands close to the
    // reference's scikit-learn refit (a different solver, so not bit for bit).
    let model = fitted.fit_learner(&Logistic::params(), &train).unwrap();
    let pred = model.predict(test.features()).to_vec();
    let (acc, spd) = accuracy_and_spd(&pred, &test, fitted.privileged());
    let want = &expected["relabelled_fit"]["test"];
    let (ref_acc, ref_spd) = (
        f(&want["accuracy"]),
        f(&want["statistical_parity_difference"]),
    );
    eprintln!("{name} massaging + LR: accuracy {acc} (reference {ref_acc}), SPD {spd} ({ref_spd})");
    assert!((acc - ref_acc).abs() < 0.005, "{acc} vs {ref_acc}");
    assert!((spd - ref_spd).abs() < 0.01, "{spd} vs {ref_spd}");
}

#[test]
fn compas_massaging_relabels_the_reference_rows() {
    massaging_matches("compas");
}

#[test]
fn adult_massaging_relabels_the_reference_rows() {
    massaging_matches("adult");
}

/// Test accuracy and |SPD| of fairkit's LFR for seeds 0-4 against AIF360's spread over the same
/// seeds (`lfr.summary`), widened by 0.01 (accuracy) and 0.02 (DP difference). Returns fairkit's
/// final objectives and AIF360's (`lfr.seeds[].final_objective`).
fn lfr_within_spread(name: &str) -> Option<(Vec<f64>, Vec<f64>)> {
    let (train, test) = prepared(name)?;
    let doc = reference(name);
    let Some(lfr) = doc.get("lfr") else {
        panic!("{name}.json has no lfr results");
    };
    assert_eq!(lfr["complete"], Value::Bool(true), "{name}: AIF360's seeds");
    let summary = &lfr["summary"];
    let privileged = doc["conventions"]["privileged_value"].as_str().unwrap();
    let span = |key: &str| (f(&summary[key]["min"]), f(&summary[key]["max"]));
    let (acc_lo, acc_hi) = span("test_accuracy");
    let (dp_lo, dp_hi) = span("test_demographic_parity_difference");
    let mut objectives = Vec::new();
    for seed in 0..5 {
        let lfr = Lfr::params().seed(seed).fit(&train).unwrap();
        let pred = lfr.predict(test.features()).to_vec();
        let (acc, spd) = accuracy_and_spd(&pred, &test, privileged);
        eprintln!(
            "{name} lfr seed {seed}: accuracy {acc:.4}, DP {:.4}, objective {:.6}, {} iterations ({}) \
             (AIF360 accuracy {acc_lo:.4}..{acc_hi:.4}, DP {dp_lo:.4}..{dp_hi:.4})",
            spd.abs(),
            lfr.loss().total,
            lfr.iterations(),
            lfr.termination()
        );
        assert!(
            acc >= acc_lo - 0.01 && acc <= acc_hi + 0.01,
            "seed {seed}: accuracy {acc}"
        );
        assert!(
            spd.abs() >= dp_lo - 0.02 && spd.abs() <= dp_hi + 0.02,
            "seed {seed}: DP {spd}"
        );
        objectives.push(lfr.loss().total);
    }
    let theirs = lfr["seeds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| f(&s["final_objective"]))
        .collect();
    Some((objectives, theirs))
}

#[test]
fn compas_lfr_lands_within_aif360s_spread() {
    lfr_within_spread("compas");
}

/// Adult: within AIF360's spread (every AIF360 seed predicts label 0 for every test row), at a
/// lower objective: AIF360's `maxfun` stops it after a few finite-difference gradient steps,
/// so fairkit's seeds end lower on average and at best (the starts differ, so seeds are not
/// paired, and one local minimum may sit above one of AIF360's stopping points).
#[test]
fn adult_lfr_lands_within_aif360s_spread_at_a_lower_objective() {
    let Some((ours, theirs)) = lfr_within_spread("adult") else {
        return;
    };
    eprintln!("adult lfr objectives: fairkit {ours:.4?}, AIF360 {theirs:.4?}");
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let min = |v: &[f64]| v.iter().copied().fold(f64::INFINITY, f64::min);
    assert!(mean(&ours) < mean(&theirs), "{ours:?} vs {theirs:?}");
    assert!(min(&ours) < min(&theirs), "{ours:?} vs {theirs:?}");
}
