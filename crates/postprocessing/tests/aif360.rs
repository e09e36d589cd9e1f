//! The two-group post-processors against AIF360 0.6.1 (tests/data/aif360, written by
//! scripts/aif360_reference.py): fed AIF360's own base scores on the prepared COMPAS and Adult
//! files, the fitted parameters equal AIF360's and the expected test metrics agree to 1e-9.

use std::path::{Path, PathBuf};

use fairkit_core::Groups;
use fairkit_postprocessing::{
    CalibratedEqOddsParams, CostConstraint, Disparity, EqOddsParams, FitTwoGroups,
    RejectOptionParams,
};
use serde_json::Value;

use fairkit_testkit::shared;

/// One split: AIF360's base scores, the labels and the groups of the prepared file.
pub struct Split {
    pub scores: Vec<f64>,
    pub labels: Vec<bool>,
    pub groups: Groups,
}

/// A dataset's reference JSON and its two splits.
pub struct Case {
    pub json: Value,
    pub train: Split,
    pub test: Split,
}

fn repo_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read_split(prepared: &Path, scores: &Path) -> Split {
    let mut reader = csv::Reader::from_path(prepared).unwrap();
    let header = reader.headers().unwrap().clone();
    let label = header.iter().position(|h| h == "label").unwrap();
    let sensitive = header.iter().position(|h| h == "sensitive").unwrap();
    let (mut labels, mut names) = (vec![], vec![]);
    for record in reader.records() {
        let record = record.unwrap();
        labels.push(&record[label] == "1");
        names.push(record[sensitive].to_string());
    }
    let mut reader = csv::Reader::from_path(scores).unwrap();
    assert_eq!(&reader.headers().unwrap()[0], "score");
    let scores: Vec<f64> = reader
        .records()
        .map(|r| r.unwrap()[0].parse().unwrap())
        .collect();
    assert_eq!(scores.len(), labels.len(), "{}", scores.len());
    Split {
        scores,
        labels,
        groups: Groups::from_labels("sensitive", &names).unwrap(),
    }
}

/// The reference case of `dataset` (`compas` or `adult`), or `None` with a notice when the
/// prepared files are absent.
pub fn case(dataset: &str) -> Option<Case> {
    let train = shared(&format!("reference/prepared/{dataset}_train.csv"))?;
    let test = shared(&format!("reference/prepared/{dataset}_test.csv"))?;
    let data = repo_dir().join("tests/data/aif360");
    let json: Value = serde_json::from_str(
        &std::fs::read_to_string(data.join(format!("{dataset}.json"))).unwrap(),
    )
    .unwrap();
    Some(Case {
        train: read_split(&train, &data.join(format!("{dataset}_train_scores.csv"))),
        test: read_split(&test, &data.join(format!("{dataset}_test_scores.csv"))),
        json,
    })
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// The metrics block of tests/data/aif360/README.md from per-row probabilities of label 1
/// (expected counts), compared key by key with `reference` to `tol`.
fn assert_metrics(
    what: &str,
    p: &[f64],
    split: &Split,
    privileged: &str,
    reference: &Value,
    tol: f64,
) {
    #[derive(Default, Clone, Copy)]
    struct C {
        tp: f64,
        fp: f64,
        tn: f64,
        fn_: f64,
    }
    let mut c = [C::default(); 2];
    let schema = split.groups.schema();
    for ((&pi, &y), &code) in p.iter().zip(&split.labels).zip(split.groups.codes()) {
        let k = usize::from(schema.label(code) == privileged);
        if y {
            c[k].tp += pi;
            c[k].fn_ += 1.0 - pi;
        } else {
            c[k].fp += pi;
            c[k].tn += 1.0 - pi;
        }
    }
    let all = C {
        tp: c[0].tp + c[1].tp,
        fp: c[0].fp + c[1].fp,
        tn: c[0].tn + c[1].tn,
        fn_: c[0].fn_ + c[1].fn_,
    };
    let n = |c: &C| c.tp + c.fp + c.tn + c.fn_;
    let tpr = |c: &C| c.tp / (c.tp + c.fn_);
    let fpr = |c: &C| c.fp / (c.fp + c.tn);
    let sr = |c: &C| (c.tp + c.fp) / n(c);
    let [u, pr] = c;
    let mut checks = vec![
        ("accuracy", (all.tp + all.tn) / n(&all)),
        (
            "balanced_accuracy",
            0.5 * (tpr(&all) + all.tn / (all.tn + all.fp)),
        ),
        ("selection_rate", sr(&all)),
        ("statistical_parity_difference", sr(&u) - sr(&pr)),
        ("equal_opportunity_difference", tpr(&u) - tpr(&pr)),
        ("fpr_difference", fpr(&u) - fpr(&pr)),
        (
            "average_odds_difference",
            0.5 * ((fpr(&u) - fpr(&pr)) + (tpr(&u) - tpr(&pr))),
        ),
    ];
    for (name, g) in [("unprivileged", &u), ("privileged", &pr)] {
        let r = &reference["groups"][name];
        for (key, v) in [
            ("tp", g.tp),
            ("fp", g.fp),
            ("tn", g.tn),
            ("fn", g.fn_),
            ("tpr", tpr(g)),
            ("fpr", fpr(g)),
            ("selection_rate", sr(g)),
        ] {
            let want = f(&r[key]);
            let scale = if matches!(key, "tp" | "fp" | "tn" | "fn") {
                n(g).max(1.0)
            } else {
                1.0
            };
            assert!(
                (v - want).abs() <= tol * scale,
                "{what}: groups.{name}.{key} = {v}, AIF360 {want}"
            );
        }
    }
    for (key, v) in checks.drain(..) {
        let want = f(&reference[key]);
        assert!(
            (v - want).abs() <= tol,
            "{what}: {key} = {v}, AIF360 {want}"
        );
    }
}

fn privileged(case: &Case) -> String {
    case.json["conventions"]["privileged_value"]
        .as_str()
        .unwrap()
        .to_string()
}

fn eq_odds(dataset: &str) {
    let Some(case) = case(dataset) else { return };
    let reference = &case.json["eq_odds"];
    let tr = &case.train;
    let fitted = EqOddsParams::new()
        .fit_scores(&tr.scores, &tr.labels, &tr.groups, None)
        .unwrap();
    // The privileged group is the one of higher training base rate, as in the reference.
    assert_eq!(fitted.groups().privileged, privileged(&case));
    for (side, rates) in [
        ("privileged", fitted.privileged_rates()),
        ("unprivileged", fitted.unprivileged_rates()),
    ] {
        let m = &reference["mixing"][side];
        for (key, got) in [("p2p", rates.p2p), ("n2p", rates.n2p)] {
            let want = f(&m[key]);
            assert!(
                (got - want).abs() <= 1e-9,
                "{dataset} eq-odds {side} {key} = {got}, AIF360 {want}"
            );
        }
    }
    let p = fitted
        .probability(&case.test.scores, &case.test.groups)
        .unwrap();
    assert_metrics(
        &format!("{dataset} eq-odds test"),
        &p,
        &case.test,
        &privileged(&case),
        &reference["test_expected"],
        1e-9,
    );
    // The input metrics pin the base prediction (score > 0.5).
    let hard: Vec<f64> = case
        .test
        .scores
        .iter()
        .map(|&s| f64::from(u8::from(s > 0.5)))
        .collect();
    assert_metrics(
        &format!("{dataset} eq-odds input"),
        &hard,
        &case.test,
        &privileged(&case),
        &reference["test_input_metrics"],
        1e-12,
    );
}

#[test]
fn eq_odds_matches_aif360_on_compas() {
    eq_odds("compas");
}

#[test]
fn eq_odds_matches_aif360_on_adult() {
    eq_odds("adult");
}

fn calibrated(dataset: &str) {
    let Some(case) = case(dataset) else { return };
    let tr = &case.train;
    for (name, constraint) in [
        ("fnr", CostConstraint::Fnr),
        ("fpr", CostConstraint::Fpr),
        ("weighted", CostConstraint::Weighted),
    ] {
        let reference = &case.json["calibrated_eq_odds"]["variants"][name];
        let fitted = CalibratedEqOddsParams::new()
            .cost_constraint(constraint)
            .fit_scores(&tr.scores, &tr.labels, &tr.groups, None)
            .unwrap();
        assert_eq!(fitted.groups().privileged, privileged(&case));
        let what = format!("{dataset} calibrated-eq-odds {name}");
        for (k, side) in ["unprivileged", "privileged"].into_iter().enumerate() {
            for (got, want) in [
                (fitted.mix_rates()[k], &reference["mix_rates"][side]),
                (
                    fitted.replacement_probabilities()[k],
                    &reference["effective_replacement_probability"][side],
                ),
                (fitted.base_rates()[k], &reference["base_rates"][side]),
                (fitted.costs()[k], &reference["fit_internals"][side]["cost"]),
                (
                    fitted.trivial_costs()[k],
                    &reference["fit_internals"][side]["trivial_cost"],
                ),
            ] {
                let want = f(want);
                assert!(
                    (got - want).abs() <= 1e-9,
                    "{what} {side}: {got} vs AIF360 {want}"
                );
            }
        }
        assert_eq!(
            !fitted.costs_equalized(),
            reference["mix_rates_above_one"].as_bool().unwrap(),
            "{what}"
        );
        let p = fitted
            .probability(&case.test.scores, &case.test.groups)
            .unwrap();
        assert_metrics(
            &format!("{what} test"),
            &p,
            &case.test,
            &privileged(&case),
            &reference["test_expected"],
            1e-9,
        );
    }
}

#[test]
fn calibrated_eq_odds_matches_aif360_on_compas() {
    calibrated("compas");
}

#[test]
fn calibrated_eq_odds_matches_aif360_on_adult() {
    calibrated("adult");
}

fn reject_option(dataset: &str) {
    let Some(case) = case(dataset) else { return };
    let tr = &case.train;
    for metric in Disparity::ALL {
        let reference = &case.json["reject_option"]["variants"][metric.name()];
        let fitted = RejectOptionParams::new()
            .metric(metric)
            .fit_scores(&tr.scores, &tr.labels, &tr.groups, None)
            .unwrap();
        let what = format!("{dataset} reject-option {metric}");
        assert_eq!(fitted.groups().privileged, privileged(&case));
        // The same grid point, hence the same doubles.
        let index: Vec<usize> = reference["grid_index"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap() as usize)
            .collect();
        assert_eq!(fitted.grid_index().to_vec(), index, "{what}");
        assert_eq!(
            fitted.classification_threshold(),
            f(&reference["classification_threshold"]),
            "{what}"
        );
        assert_eq!(fitted.roc_margin(), f(&reference["roc_margin"]), "{what}");
        assert!(fitted.bound_met());
        for (got, key) in [
            (fitted.train_balanced_accuracy(), "train_balanced_accuracy"),
            (fitted.train_metric(), "train_metric"),
        ] {
            let want = f(&reference[key]);
            assert!((got - want).abs() <= 1e-12, "{what} {key}: {got} vs {want}");
        }
        for (split, key) in [(&case.train, "train"), (&case.test, "test")] {
            let p = fitted.probability(&split.scores, &split.groups).unwrap();
            assert_metrics(
                &format!("{what} {key}"),
                &p,
                split,
                &privileged(&case),
                &reference[key],
                1e-12,
            );
        }
    }
}

#[test]
fn reject_option_matches_aif360_on_compas() {
    reject_option("compas");
}

#[test]
fn reject_option_matches_aif360_on_adult() {
    reject_option("adult");
}
