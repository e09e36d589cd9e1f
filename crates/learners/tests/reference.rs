//! Baselines on the shared reference data (scikit-learn 1.9.1 through Fairlearn 0.15's scripts):
//! the prepared COMPAS and Adult files, read with fairkit-data without standardization.

use crate::common::{accuracy, prepared, reweighing, shared, table};
use fairkit_core::{Classifier, Learner};
use fairkit_learners::{Logistic, LogisticParams, LogisticSolver, TreeParams};
use serde_json::Value;

/// One numeric column of the recorded test predictions.
fn recorded_column(column: &str) -> Option<Vec<f64>> {
    let path = shared("reference/expected/compas_test_predictions.csv")?;
    let t = table(&path);
    let c = t.column(column).unwrap();
    Some(c.iter().map(|v| v.parse().unwrap()).collect())
}

fn compas_json() -> Option<Value> {
    let path = shared("reference/expected/compas.json")?;
    Some(serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap())
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

/// Compares a fitted logistic model with a recorded scikit-learn one on what the data identify:
/// COMPAS's two one-hot pairs (charge degree F/M, sex) are collinear with the intercept, and
/// scikit-learn stops (gtol 1e-4) before settling the flat direction that L2 fixes, so compare
/// the numeric coefficients and the within-pair contrasts (both solvers stop at gradient
/// tolerance 1e-4, so they agree to a few 1e-3; the predictions agree exactly).
fn assert_identified_coefficients_close(model: &Logistic, recorded: &Value, tol: f64) {
    let want = floats(&recorded["coef"]);
    let got = model.coefficients();
    let contrast = |c: &[f64]| [c[0], c[1], c[2], c[3], c[4], c[5] - c[6], c[7] - c[8]];
    for (i, (g, w)) in contrast(got).iter().zip(contrast(&want)).enumerate() {
        eprintln!("identified coefficient {i}: fairkit {g:.6}, scikit-learn {w:.6}");
        assert!((g - w).abs() <= tol, "coefficient {i}: {g} vs {w}");
    }
}

#[test]
fn compas_logistic_matches_scikit_learn() {
    let (Some((train, test)), Some(json), Some(proba), Some(pred)) = (
        prepared("compas"),
        compas_json(),
        recorded_column("lr_proba"),
        recorded_column("lr_pred"),
    ) else {
        return;
    };
    let recorded = &json["methods"]["baseline_lr"];
    for solver in [LogisticSolver::Lbfgs, LogisticSolver::NewtonCholesky] {
        let model = LogisticParams::default()
            .solver(solver)
            .fit(train.features(), train.labels_view(), None)
            .unwrap();
        let predicted = model.predict(test.features());
        let acc = accuracy(&predicted, &test);
        let want = recorded["test"]["accuracy"].as_f64().unwrap();
        eprintln!(
            "COMPAS logistic ({solver:?}): accuracy {acc:.6} (scikit-learn {want:.6}), {} iterations",
            model.iterations()
        );
        assert!((acc - want).abs() <= 1e-12);
        // every test prediction agrees, probabilities within 2e-3
        let mismatches = predicted
            .iter()
            .zip(&pred)
            .filter(|(p, r)| **p != (**r == 1.0))
            .count();
        assert_eq!(mismatches, 0);
        let gap = model
            .score(test.features())
            .iter()
            .zip(&proba)
            .fold(0.0_f64, |m, (a, b)| m.max((a - b).abs()));
        eprintln!("COMPAS logistic: max probability gap {gap:.3e}");
        assert!(gap < 2e-3);
        assert_identified_coefficients_close(&model, &recorded["model"], 5e-3);
    }
}

#[test]
fn compas_reweighed_logistic_matches_scikit_learn() {
    let (Some((train, test)), Some(json), Some(proba)) = (
        prepared("compas"),
        compas_json(),
        recorded_column("rw_lr_proba"),
    ) else {
        return;
    };
    // Kamiran-Calders weights w(g, y) = P(g) P(y) / P(g, y) on the training rows
    let weights = reweighing(&train);
    let recorded = &json["methods"]["reweigh_lr"];
    let model = LogisticParams::default()
        .fit(train.features(), train.labels_view(), Some(weights.view()))
        .unwrap();
    let acc = accuracy(&model.predict(test.features()), &test);
    let want = recorded["test"]["accuracy"].as_f64().unwrap();
    eprintln!("COMPAS reweighed logistic: accuracy {acc:.6} (scikit-learn {want:.6})");
    assert!((acc - want).abs() <= 1e-12);
    let gap = model
        .score(test.features())
        .iter()
        .zip(&proba)
        .fold(0.0_f64, |m, (a, b)| m.max((a - b).abs()));
    eprintln!("COMPAS reweighed logistic: max probability gap {gap:.3e}");
    assert!(gap < 2e-3);
    assert_identified_coefficients_close(&model, &recorded["model"], 5e-3);
}

#[test]
fn compas_tree_is_scikit_learns() {
    let (Some((train, test)), Some(json), Some(proba), Some(pred)) = (
        prepared("compas"),
        compas_json(),
        recorded_column("dt_proba"),
        recorded_column("dt_pred"),
    ) else {
        return;
    };
    let tree = TreeParams::default()
        .fit(train.features(), train.labels_view(), None)
        .unwrap();
    let predicted = tree.predict(test.features());
    let acc = accuracy(&predicted, &test);
    let want = json["methods"]["baseline_dt"]["test"]["accuracy"]
        .as_f64()
        .unwrap();
    let mismatches = predicted
        .iter()
        .zip(&pred)
        .filter(|(p, r)| **p != (**r == 1.0))
        .count();
    let gap = tree
        .score(test.features())
        .iter()
        .zip(&proba)
        .fold(0.0_f64, |m, (a, b)| m.max((a - b).abs()));
    eprintln!(
        "COMPAS tree: accuracy {acc:.6} (scikit-learn {want:.6}), {mismatches} test predictions \
         differ, largest probability gap {gap:.1e}, depth {}, {} leaves",
        tree.depth(),
        tree.n_leaves()
    );
    assert_eq!(mismatches, 0);
    assert!(gap < 1e-12);
    assert_eq!(acc, want);
}

#[test]
fn adult_logistic_matches_scikit_learn_accuracy() {
    let Some((train, test)) = prepared("adult") else {
        return;
    };
    for solver in [LogisticSolver::Lbfgs, LogisticSolver::NewtonCholesky] {
        let model = LogisticParams::default()
            .solver(solver)
            .fit(train.features(), train.labels_view(), None)
            .unwrap();
        let acc = accuracy(&model.predict(test.features()), &test);
        eprintln!(
            "Adult logistic ({solver:?}): accuracy {acc:.6} (scikit-learn 0.8530), {} iterations",
            model.iterations()
        );
        assert!(model.converged());
        assert!((acc - 0.8530).abs() <= 0.003);
    }
}
