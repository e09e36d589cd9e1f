//! Fairlearn 0.15.0 runs on seeded random data (`data/fairlearn_golden.json`, made by
//! `data/make_fairlearn_golden.py`), reproduced bit for bit: every constraint and objective,
//! grids of 7, 10 and 1000, flipped rules, relaxed tolerances, coarse scores with many ties.

use fairkit_core::Groups;
use fairkit_postprocessing::{FitThresholds, GroupRule, ThresholdOptimizerParams};
use serde::Deserialize;

#[derive(Deserialize)]
struct File {
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    constraint: String,
    objective: String,
    grid_size: usize,
    flip: bool,
    tol: Option<f64>,
    scores: Vec<f64>,
    labels: Vec<u8>,
    groups: Vec<String>,
    x_best: Option<f64>,
    y_best: f64,
    rules: std::collections::BTreeMap<String, GroupRule>,
    pmf: Vec<f64>,
}

#[test]
fn fairlearn_runs_are_reproduced_exactly() {
    let text = include_str!("data/fairlearn_golden.json");
    let file: File = serde_json::from_str(text).unwrap();
    assert_eq!(file.cases.len(), 48);
    for (i, case) in file.cases.iter().enumerate() {
        let mut params = ThresholdOptimizerParams::new()
            .constraint(case.constraint.parse().unwrap())
            .objective(case.objective.parse().unwrap())
            .grid_size(case.grid_size)
            .flip(case.flip);
        if let Some(tol) = case.tol {
            params = params.tol(tol);
        }
        let labels: Vec<bool> = case.labels.iter().map(|&v| v == 1).collect();
        let groups = Groups::from_labels("g", &case.groups).unwrap();
        let fitted = params
            .fit_scores(&case.scores, &labels, &groups, None)
            .unwrap();
        let what = format!(
            "case {i}: {} / {} grid {} flip {} tol {:?}",
            case.constraint, case.objective, case.grid_size, case.flip, case.tol
        );
        assert_eq!(fitted.x_best(), case.x_best, "{what}");
        assert_eq!(fitted.y_best(), case.y_best, "{what}");
        assert_eq!(fitted.groups().len(), case.rules.len(), "{what}");
        for g in fitted.groups() {
            let label = g.group.trim_start_matches("g=");
            assert_eq!(&g.rule, &case.rules[label], "{what}, group {label}");
        }
        let pmf = fitted.probability(&case.scores, &groups).unwrap();
        assert_eq!(pmf, case.pmf, "{what}");
    }
}
