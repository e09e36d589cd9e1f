//! COMPAS reference (../shared/reference): reweighing factors against compas.json.

use fairkit_core::{Classifier, FairDataset};
use fairkit_data::{DatasetSpec, Prepared, Table};
use fairkit_learners::Logistic;
use fairkit_preprocessing::Reweighing;

use fairkit_testkit::shared;

/// The prepared COMPAS train and test sets, as the reference used them (no standardization:
/// the prepared files are standardized already).
fn compas() -> Option<(FairDataset, FairDataset)> {
    let train = shared("reference/prepared/compas_train.csv")?;
    let test = shared("reference/prepared/compas_test.csv")?;
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

#[test]
fn compas_reweighing_factors_match_the_reference() {
    let (Some((data, _)), Some(expected)) = (compas(), shared("reference/expected/compas.json"))
    else {
        return;
    };
    let rw = Reweighing::fit(&data).unwrap();
    let json = std::fs::read_to_string(expected).unwrap();
    let mut checked = 0;
    for group in ["African-American", "Caucasian"] {
        let code = data.groups().schema().code_of_label(group).unwrap();
        for label in [false, true] {
            let key = format!("\"{group}|y={}\"", u8::from(label));
            let expected = json_number_after(&json, &key, "\"weight\":");
            let count = json_number_after(&json, &key, "\"count\":");
            let got = rw.factor(code, label).unwrap();
            assert!((got - expected).abs() < 1e-12, "{key}: {got} vs {expected}");
            assert_eq!(rw.cell_mass(code, label), count);
            checked += 1;
        }
    }
    assert_eq!(checked, 4);
}

/// The number following `field` in the JSON object that follows `key` (a flat reader that is
/// enough for compas.json's weight table).
fn json_number_after(json: &str, key: &str, field: &str) -> f64 {
    let start = json
        .find(key)
        .unwrap_or_else(|| panic!("{key} not in compas.json"));
    let rest = &json[start..];
    let at = rest.find(field).unwrap() + field.len();
    let number: String = rest[at..]
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | 'e' | 'E' | '+'))
        .collect();
    number.parse().unwrap()
}

/// Reweighing plus fairkit's weighted logistic regression against `reweigh_lr` (scikit-learn's
/// lbfgs LogisticRegression, C = 1, refit with the same weights): test accuracy within 0.005,
/// demographic parity difference within 0.01, test probabilities within 5e-3.
#[test]
fn compas_reweighing_with_logistic_regression_matches_the_reference() {
    let (Some((train, test)), Some(expected)) =
        (compas(), shared("reference/expected/compas.json"))
    else {
        return;
    };
    let json = std::fs::read_to_string(expected).unwrap();
    let method = &json[json.find("\"reweigh_lr\"").unwrap()..];
    let rw = Reweighing::fit(&train).unwrap();
    let model = rw.fit_learner(&Logistic::params(), &train).unwrap();

    let predicted = model.predict(test.features());
    let accuracy = predicted
        .iter()
        .zip(test.labels())
        .filter(|(p, y)| p == y)
        .count() as f64
        / test.n_rows() as f64;
    let mut selected = [0.0; 2];
    let mut sizes = [0.0; 2];
    for (&p, &g) in predicted.iter().zip(test.groups().codes()) {
        sizes[g as usize] += 1.0;
        selected[g as usize] += f64::from(u8::from(p));
    }
    let dp = (selected[0] / sizes[0] - selected[1] / sizes[1]).abs();
    let ref_accuracy = json_number_after(method, "\"test\"", "\"accuracy\":");
    let ref_dp = json_number_after(method, "\"test\"", "\"demographic_parity_difference\":");
    assert!(
        (accuracy - ref_accuracy).abs() < 0.005,
        "accuracy {accuracy} vs {ref_accuracy}"
    );
    assert!((dp - ref_dp).abs() < 0.01, "DP difference {dp} vs {ref_dp}");

    // The predicted probabilities agree with scikit-learn's. (The coefficients of the two
    // one-hot sex columns and the intercept are collinear, so only the penalty separates
    // them, and they are compared through the probabilities.)
    let Some(predictions) = shared("reference/expected/compas_test_predictions.csv") else {
        return;
    };
    let text = std::fs::read_to_string(predictions).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let column = header.iter().position(|&h| h == "rw_lr_proba").unwrap();
    let reference: Vec<f64> = lines
        .map(|l| l.split(',').nth(column).unwrap().parse().unwrap())
        .collect();
    let scores = model.score(test.features());
    assert_eq!(reference.len(), scores.len());
    let max_diff = scores
        .iter()
        .zip(&reference)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max);
    let differing = predicted
        .iter()
        .zip(&reference)
        .filter(|(p, r)| **p != (**r >= 0.5))
        .count();
    assert!(max_diff < 5e-3, "max |p - p_sklearn| = {max_diff}");
    eprintln!(
        "COMPAS reweighing + LR: accuracy {accuracy} (reference {ref_accuracy}), DP difference \
         {dp} (reference {ref_dp}), max |p - p_sklearn| = {max_diff:e}, {differing} predictions differ"
    );
}
