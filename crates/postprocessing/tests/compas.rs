//! COMPAS reference data (shared/reference): Fairlearn's `to_dp` and `to_eo`, fitted on the
//! training split over scikit-learn's logistic baseline, evaluated on the test split.
//!
//! The baseline's scores are recomputed from the coefficients recorded in `compas.json`
//! (checked against the recorded test probabilities, column `lr_proba`), so this test pins the
//! optimizer itself: thresholds, mixing probabilities, every test row's probability and the
//! expected test metrics must match Fairlearn's.

use std::collections::BTreeMap;
use std::path::Path;

use fairkit_core::{Classifier, FairDataset};
use fairkit_data::{DatasetSpec, Prepared, Table};
use fairkit_postprocessing::{
    Constraint, FitThresholds, InterpolatedThresholder, ThresholdOptimizerParams,
};
use ndarray::{Array1, ArrayView2};
use serde_json::Value;

use crate::util::expected;
use fairkit_testkit::shared;

/// Reads a prepared train/test pair as they are (no standardization): the feature columns,
/// then `label`, then `sensitive`.
pub fn read_prepared(train: &Path, test: &Path) -> Prepared {
    let table = |p: &Path| {
        let file = std::fs::File::open(p).unwrap();
        Table::from_csv(std::io::BufReader::new(file), &p.display().to_string()).unwrap()
    };
    let spec = DatasetSpec {
        standardize: false,
        ..DatasetSpec::new("label", ["sensitive"])
    };
    Prepared::from_tables(&spec, &table(train), &table(test)).unwrap()
}

/// Reads named float columns of a CSV.
pub fn read_columns(path: &Path, names: &[&str]) -> BTreeMap<String, Vec<f64>> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let index: Vec<usize> = names
        .iter()
        .map(|n| header.iter().position(|h| h == n).unwrap())
        .collect();
    let mut out: BTreeMap<String, Vec<f64>> =
        names.iter().map(|n| (n.to_string(), vec![])).collect();
    for record in reader.records() {
        let record = record.unwrap();
        for (n, &j) in names.iter().zip(&index) {
            out.get_mut(*n).unwrap().push(record[j].parse().unwrap());
        }
    }
    out
}

/// A logistic model with given coefficients: `P(y = 1) = 1 / (1 + exp(−(x·w + b)))`.
pub struct Logistic {
    pub coef: Vec<f64>,
    pub intercept: f64,
}

impl Classifier for Logistic {
    fn n_features(&self) -> usize {
        self.coef.len()
    }

    fn predict(&self, x: ArrayView2<'_, f64>) -> Array1<bool> {
        self.score(x).mapv(|p| p > 0.5)
    }

    fn score(&self, x: ArrayView2<'_, f64>) -> Array1<f64> {
        x.rows()
            .into_iter()
            .map(|row| {
                let z =
                    row.iter().zip(&self.coef).map(|(a, b)| a * b).sum::<f64>() + self.intercept;
                1.0 / (1.0 + (-z).exp())
            })
            .collect()
    }
}

/// Expected accuracy, demographic parity difference and equalized odds difference of
/// probabilities on labelled rows with two groups.
pub fn test_metrics(p: &[f64], data: &FairDataset) -> (f64, f64, f64) {
    let (y, codes) = (data.labels(), data.groups().codes());
    let overall = expected(p, y, codes, None);
    let a = expected(p, y, codes, Some(0));
    let b = expected(p, y, codes, Some(1));
    let dp = (a.selection_rate - b.selection_rate).abs();
    let eo = (a.tpr - b.tpr).abs().max((a.fpr - b.fpr).abs());
    (overall.accuracy, dp, eo)
}

pub struct Compas {
    pub json: Value,
    pub train: FairDataset,
    pub test: FairDataset,
    pub predictions: BTreeMap<String, Vec<f64>>,
}

pub fn load() -> Option<Compas> {
    let json_path = shared("reference/expected/compas.json")?;
    let train = shared("reference/prepared/compas_train.csv")?;
    let test = shared("reference/prepared/compas_test.csv")?;
    let predictions = shared("reference/expected/compas_test_predictions.csv")?;
    let json: Value = serde_json::from_str(&std::fs::read_to_string(json_path).unwrap()).unwrap();
    let prepared = read_prepared(&train, &test);
    Some(Compas {
        json,
        train: prepared.train,
        test: prepared.test,
        predictions: read_columns(&predictions, &["lr_proba", "to_dp_pmf", "to_eo_pmf"]),
    })
}

/// Compares the fitted rules with the recorded `interpolation` section.
pub fn assert_interpolation_matches(
    fitted: &InterpolatedThresholder,
    recorded: &Value,
    threshold_tol: f64,
    p_tol: f64,
) {
    for g in fitted.groups() {
        let label = fitted.schema().label(g.code);
        let label = label.as_str();
        let r = &recorded[label];
        let close = |got: f64, key: &str, tol: f64| {
            let want = r[key].as_f64().unwrap();
            assert!((got - want).abs() <= tol, "{label} {key}: {got} vs {want}");
        };
        close(g.rule.p0, "p0", p_tol);
        close(g.rule.p1, "p1", p_tol);
        for (op, key) in [
            (g.rule.operation0, "operation0"),
            (g.rule.operation1, "operation1"),
        ] {
            assert_eq!(
                op.operator.to_string(),
                r[key]["operator"].as_str().unwrap()
            );
            let want = r[key]["threshold"].as_f64().unwrap();
            assert!(
                (op.threshold - want).abs() <= threshold_tol,
                "{label} {key}: {} vs {want}",
                op.threshold
            );
        }
        match g.rule.ignore {
            Some(m) => {
                close(m.p_ignore, "p_ignore", p_tol);
                close(m.prediction_constant, "prediction_constant", 0.0);
            }
            None => assert!(r.get("p_ignore").is_none()),
        }
    }
}

#[test]
fn compas_threshold_optimizer_matches_fairlearn() {
    let Some(c) = load() else { return };
    let model = &c.json["methods"]["baseline_lr"]["model"];
    let model = Logistic {
        coef: model["coef"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect(),
        intercept: model["intercept"].as_f64().unwrap(),
    };
    // The recomputed baseline equals scikit-learn's test probabilities to rounding.
    let scores = model.score(c.test.features());
    let gap = scores
        .iter()
        .zip(&c.predictions["lr_proba"])
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max);
    assert!(gap < 1e-15, "baseline scores differ from lr_proba by {gap}");

    for (name, constraint, column) in [
        ("to_dp", Constraint::DemographicParity, "to_dp_pmf"),
        ("to_eo", Constraint::EqualizedOdds, "to_eo_pmf"),
    ] {
        let method = &c.json["methods"][name];
        let fitted = ThresholdOptimizerParams::new()
            .constraint(constraint)
            .fit(&model, &c.train)
            .unwrap();
        assert_interpolation_matches(&fitted, &method["interpolation"], 1e-12, 1e-12);
        let p = fitted.probability_on(&model, &c.test).unwrap();
        let row_gap = p
            .iter()
            .zip(&c.predictions[column])
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max);
        assert!(
            row_gap < 1e-12,
            "{name}: test probabilities differ by {row_gap}"
        );
        let want = &method["test"]["expected_under_randomization"];
        let (acc, dp, eo) = test_metrics(&p, &c.test);
        let close = |got: f64, key: &str| {
            let w = want[key].as_f64().unwrap();
            assert!((got - w).abs() < 1e-12, "{name} {key}: {got} vs {w}");
        };
        close(acc, "accuracy");
        close(dp, "demographic_parity_difference");
        close(eo, "equalized_odds_difference");
        // The training-set expectation too.
        let train_p = fitted.probability_on(&model, &c.train).unwrap();
        let train_acc =
            expected(&train_p, c.train.labels(), c.train.groups().codes(), None).accuracy;
        let w = method["train_expected"]["accuracy"].as_f64().unwrap();
        assert!(
            (train_acc - w).abs() < 1e-12,
            "{name} train accuracy {train_acc} vs {w}"
        );
        println!(
            "{name}: test expected accuracy {acc:.6}, DP difference {dp:.6}, EO difference \
             {eo:.6} (largest row gap to Fairlearn {row_gap:e}, baseline score gap {gap:e})"
        );
        for line in fitted.describe() {
            println!("  {line}");
        }
    }
}

/// The largest absolute difference between two vectors.
fn max_gap(a: &[f64], b: &[f64]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f64::max)
}

/// The end-to-end check of the issue: fairkit's own logistic baseline fitted on the training
/// split, the optimizer fitted on the training split, expected metrics on the test split.
///
/// scikit-learn's recorded baseline stopped about 1e-3 (in probability) short of the optimum
/// of the same objective (fairkit's fit is that far from it however tightly it converges), so
/// near-tied hull vertices can change and thresholds are compared exactly only in
/// [`compas_threshold_optimizer_matches_fairlearn`], on scikit-learn's own scores. Here the
/// expected test accuracy must be within 0.005 and the target disparity within 0.01.
#[test]
fn compas_over_the_fairkit_logistic_baseline() {
    use fairkit_core::Learner;
    let Some(c) = load() else { return };
    let model = fairkit_learners::Logistic::params()
        .fit(c.train.features(), c.train.labels_view(), None)
        .unwrap();
    let score_gap = max_gap(
        &model.score(c.test.features()).to_vec(),
        &c.predictions["lr_proba"],
    );
    println!("fairkit logistic vs scikit-learn test probabilities: max gap {score_gap:e}");
    for (name, constraint, disparity_key) in [
        (
            "to_dp",
            Constraint::DemographicParity,
            "demographic_parity_difference",
        ),
        (
            "to_eo",
            Constraint::EqualizedOdds,
            "equalized_odds_difference",
        ),
    ] {
        let method = &c.json["methods"][name];
        let fitted = ThresholdOptimizerParams::new()
            .constraint(constraint)
            .fit(&model, &c.train)
            .unwrap();
        let p = fitted.probability_on(&model, &c.test).unwrap();
        let (acc, dp, eo) = test_metrics(&p, &c.test);
        let disparity = if constraint == Constraint::EqualizedOdds {
            eo
        } else {
            dp
        };
        let want = &method["test"]["expected_under_randomization"];
        let want_acc = want["accuracy"].as_f64().unwrap();
        let want_disparity = want[disparity_key].as_f64().unwrap();
        println!(
            "{name}: expected test accuracy {acc:.4} (Fairlearn {want_acc:.4}), {disparity_key} \
             {disparity:.4} (Fairlearn {want_disparity:.4})"
        );
        assert!(
            (acc - want_acc).abs() < 0.005,
            "{name} accuracy {acc} vs {want_acc}"
        );
        assert!(
            (disparity - want_disparity).abs() < 0.01,
            "{name} {disparity_key} {disparity} vs {want_disparity}"
        );
        for line in fitted.describe() {
            println!("  {line}");
        }
    }
}
