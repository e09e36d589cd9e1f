//! The learners against their scikit-learn counterparts on the prepared Adult and COMPAS files
//! (features as in the files, no standardization). The recorded values come from
//! `scripts/sklearn_learners.py` (scikit-learn 1.9.1), in `tests/data/sklearn_learners.json`.

use crate::common::{accuracy, prepared, reweighing};
use fairkit_core::{Classifier, FairDataset, Learner};
use fairkit_learners::{ForestParams, NaiveBayesParams, Svm, SvmParams, TreeParams};
use ndarray::Array1;
use serde_json::Value;

fn recorded(dataset: &str) -> Value {
    let all: Value =
        serde_json::from_str(include_str!("data/sklearn_learners.json")).expect("valid JSON");
    all["datasets"][dataset].clone()
}

fn bits(v: &Value) -> Vec<bool> {
    v.as_str()
        .expect("a string of 0/1")
        .bytes()
        .map(|b| b == b'1')
        .collect()
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("an array")
        .iter()
        .map(|x| x.as_f64().expect("a number"))
        .collect()
}

fn mismatches(predicted: &Array1<bool>, recorded: &[bool]) -> usize {
    assert_eq!(predicted.len(), recorded.len());
    predicted
        .iter()
        .zip(recorded)
        .filter(|(p, r)| p != r)
        .count()
}

/// Largest absolute difference between fitted and recorded coefficients and intercepts.
fn coefficient_gap(model: &Svm, recorded: &Value) -> f64 {
    let coef = floats(&recorded["coef"]);
    let intercept = recorded["intercept"].as_f64().unwrap();
    model
        .coefficients()
        .iter()
        .zip(&coef)
        .map(|(a, b)| (a - b).abs())
        .fold((model.intercept() - intercept).abs(), f64::max)
}

fn fit<L: Learner>(learner: &L, train: &FairDataset, weights: Option<&Array1<f64>>) -> L::Model {
    learner
        .fit(
            train.features(),
            train.labels_view(),
            weights.map(|w| w.view()),
        )
        .expect("fits")
}

#[test]
fn tree_predictions_are_scikit_learns() {
    for (dataset, allowed) in [("adult", 5), ("compas", 0)] {
        let Some((train, test)) = prepared(dataset) else {
            return;
        };
        let want = recorded(dataset);
        let tree = fit(&TreeParams::default(), &train, None);
        let predicted = tree.predict(test.features());
        let differ = mismatches(&predicted, &bits(&want["tree"]["predictions"]));
        let acc = accuracy(&predicted, &test);
        eprintln!(
            "{dataset} tree (depth 5): {differ} of {} test predictions differ from scikit-learn's \
             (random_state 1-4 change {} of scikit-learn's own); accuracy {acc:.6}, scikit-learn \
             {:.6}; {} leaves, scikit-learn {}",
            test.n_rows(),
            want["tree"]["changed_by_random_state_1_to_4"],
            want["tree"]["accuracy"].as_f64().unwrap(),
            tree.n_leaves(),
            want["tree"]["leaves"]
        );
        assert!(differ <= allowed, "{dataset}: {differ}");
    }
}

#[test]
fn weighted_tree_and_naive_bayes_are_scikit_learns() {
    let Some((train, test)) = prepared("compas") else {
        return;
    };
    let want = &recorded("compas")["weighted"];
    let weights = reweighing(&train);
    let tree = fit(&TreeParams::default(), &train, Some(&weights));
    let differ = mismatches(
        &tree.predict(test.features()),
        &bits(&want["tree_predictions"]),
    );
    eprintln!("COMPAS reweighed tree: {differ} test predictions differ from scikit-learn's");
    assert_eq!(differ, 0);
    let nb = fit(&NaiveBayesParams::default(), &train, Some(&weights));
    let gap = nb
        .score(test.features())
        .iter()
        .zip(floats(&want["naive_bayes_probabilities"]))
        .fold(0.0_f64, |m, (a, b)| m.max((a - b).abs()));
    eprintln!("COMPAS reweighed naive Bayes: largest probability gap {gap:.2e}");
    assert!(gap < 1e-6, "{gap}");
}

#[test]
fn naive_bayes_is_scikit_learns() {
    for dataset in ["adult", "compas"] {
        let Some((train, test)) = prepared(dataset) else {
            return;
        };
        let want = &recorded(dataset)["naive_bayes"];
        let nb = fit(&NaiveBayesParams::default(), &train, None);
        let predicted = nb.predict(test.features());
        let acc = accuracy(&predicted, &test);
        let differ = mismatches(&predicted, &bits(&want["predictions"]));
        let sk = want["accuracy"].as_f64().unwrap();
        eprintln!(
            "{dataset} naive Bayes: accuracy {acc:.6}, scikit-learn {sk:.6}; {differ} test \
             predictions differ"
        );
        assert!((acc - sk).abs() <= 0.005);
        assert!(differ <= test.n_rows() / 1000, "{differ}");
    }
}

#[test]
fn svm_reaches_scikit_learns_optimum() {
    for dataset in ["adult", "compas"] {
        let Some((train, test)) = prepared(dataset) else {
            return;
        };
        let want = &recorded(dataset)["svm"];
        let svm = fit(&SvmParams::default(), &train, None);
        let predicted = svm.predict(test.features());
        let acc = accuracy(&predicted, &test);
        let sk = want["accuracy"].as_f64().unwrap();
        let optimum_gap = coefficient_gap(&svm, &want["optimum"]);
        let default_gap = coefficient_gap(&svm, want);
        eprintln!(
            "{dataset} linear SVM: accuracy {acc:.6}, scikit-learn {sk:.6}; {} test predictions \
             differ; {} Newton iterations; coefficients within {optimum_gap:.1e} of the optimum \
             (scikit-learn at tol=1e-12), {default_gap:.1e} of scikit-learn's default fit",
            mismatches(&predicted, &bits(&want["predictions"])),
            svm.iterations()
        );
        assert!(svm.converged());
        assert!((acc - sk).abs() <= 0.005);
        assert!(optimum_gap < 1e-4, "{optimum_gap}");
    }
    let Some((train, _)) = prepared("compas") else {
        return;
    };
    let weights = reweighing(&train);
    let svm = fit(&SvmParams::default(), &train, Some(&weights));
    let gap = coefficient_gap(&svm, &recorded("compas")["weighted"]["svm_optimum"]);
    eprintln!("COMPAS reweighed linear SVM: coefficients within {gap:.1e} of scikit-learn's");
    assert!(gap < 1e-4, "{gap}");
}

/// Five forests of 100 trees per dataset; Adult's (32,561 rows) only in an optimised build
/// without debug assertions (`cargo test --release`), COMPAS's always.
#[test]
fn forest_accuracy_is_within_scikit_learns_spread() {
    for dataset in ["compas", "adult"] {
        if dataset == "adult" && cfg!(debug_assertions) {
            eprintln!("skipping the Adult forests: a debug build (run cargo test --release)");
            continue;
        }
        let Some((train, test)) = prepared(dataset) else {
            return;
        };
        let sk = floats(&recorded(dataset)["forest"]["accuracies"]);
        let (lo, hi) = sk
            .iter()
            .fold((1.0_f64, 0.0_f64), |(lo, hi), &a| (lo.min(a), hi.max(a)));
        let ours: Vec<f64> = (0..5)
            .map(|seed| {
                let forest = fit(&ForestParams::default().seed(seed), &train, None);
                accuracy(&forest.predict(test.features()), &test)
            })
            .collect();
        let mean = ours.iter().sum::<f64>() / 5.0;
        eprintln!(
            "{dataset} forest (100 trees): accuracies {ours:.4?}, mean {mean:.4}; scikit-learn \
             {sk:.4?} ({lo:.4} to {hi:.4})"
        );
        assert!((lo..=hi).contains(&mean), "{mean} outside {lo}..{hi}");
    }
}
