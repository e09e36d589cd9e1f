//! Unit tests of `--resume`: rows read back to the same bytes, a resumed run equal to an
//! uninterrupted one, and the refusals.

use std::path::Path;

use super::*;
use crate::compare::compare;
use crate::multi::compare_many;

/// Two datasets, an unswept method, a method with its own sweep values, grid search's whole
/// grid and a method over its default grid (threshold-dp's six tolerances), with scores.
const EXPERIMENT: &str = r#"
seeds = [1, 4]
methods = [
    "baseline",
    { name = "eg", method = "expgrad", constraint = "demographic_parity", sweep = [0.01, 0.05] },
    { name = "gs", method = "gridsearch", constraint = "demographic_parity", grid_size = 3 },
    "threshold-dp",
]
sweep = true

[[datasets]]
source = "scenario"
name = "biased-credit"
rows = 400
seed = 3

[[datasets]]
source = "scenario"
name = "credit"
rows = 400
seed = 5
"#;

fn config(methods: &[&str]) -> CompareConfig {
    let mut c = CompareConfig::from_toml(EXPERIMENT, "experiment.toml").expect("a valid file");
    c.methods.retain(|m| methods.contains(&m.name.as_str()));
    c
}

fn write(outcome: &Outcome, dir: &Path) {
    let mut outputs = io::Outputs::new();
    let id = crate::compare::claim_run_dir(&mut outputs, dir, "--out").unwrap();
    outcome.stage(&mut outputs, id, &["test".into()]).unwrap();
    outputs.commit().unwrap();
}

fn run(config: &CompareConfig) -> Outcome {
    Outcome::Many(compare_many(config, &|_, _| {}).unwrap())
}

fn results_json(outcome: &Outcome) -> String {
    match outcome {
        Outcome::One(c) => c.render_json().unwrap(),
        Outcome::Many(m) => m.render_json().unwrap(),
    }
}

#[test]
fn json_keeps_key_order_and_numbers_as_written() {
    let text = r#"{"b":1,"a":[0.1,-2,null,true,"x\"y",1.0,1e-7,5e+300],"c":{"z":1.0,"y":0.30000000000000004}}"#;
    let value: Json = serde_json::from_str(text).unwrap();
    assert_eq!(serde_json::to_string(&value).unwrap(), text);
    assert_eq!(value.entries()[0].0, "b");
    assert_eq!(
        value.get("c").unwrap().get("y").unwrap().number(),
        0.1 + 0.2
    );
    assert!(Json::Null.number().is_nan());
    assert_eq!(Json::I64(-2).number(), -2.0);
}

#[test]
fn rows_read_back_to_the_same_bytes() {
    let outcome = run(&config(&["baseline", "eg", "gs", "threshold-dp"]));
    let json = results_json(&outcome);
    let dir = tempfile::tempdir().unwrap();
    write(&outcome, dir.path());
    let recorded = Recorded::read(dir.path()).unwrap();
    let Outcome::Many(multi) = &outcome else {
        unreachable!()
    };
    let rows: Vec<&ResultRow> = multi.runs.iter().flat_map(|r| &r.results).collect();
    assert_eq!(recorded.rows.len(), rows.len());
    // 2 datasets x 2 seeds x (baseline + 2 bounds + 3 grid points + 6 tolerances).
    assert_eq!(rows.len(), 2 * 2 * 12);
    assert!(rows.iter().any(|r| r.scores.is_some()));
    for (read, fitted) in recorded.rows.iter().zip(&rows) {
        assert_eq!(
            serde_json::to_string_pretty(read).unwrap(),
            serde_json::to_string_pretty(fitted).unwrap()
        );
        assert_eq!(read.expected, fitted.expected);
        // The recorded scores keep their values and curves.
        if let (Some(a), Some(b)) = (&read.scores, &fitted.scores) {
            assert_eq!(a, b);
            assert_eq!(a.labels().len(), 2);
            let (pred, truth) = a.calibration(&a.labels()[0]).unwrap();
            assert!(!pred.is_empty() && pred.len() == truth.len());
            for m in ScoreMetric::ALL {
                assert_eq!(a.overall(m).to_bits(), b.overall(m).to_bits());
                assert_eq!(a.value(m, 1).to_bits(), b.value(m, 1).to_bits());
            }
        }
    }
    assert_eq!(recorded.config, outcome_config(&outcome));
    assert!(json.contains("\"knob\": \"grid_point\""));
}

fn outcome_config(outcome: &Outcome) -> CompareConfig {
    match outcome {
        Outcome::One(c) => c.config.clone(),
        Outcome::Many(m) => m.config.clone(),
    }
}

/// Run A: every method. Run B: two methods, then resumed with every method and a third seed
/// missing from B. With A's fit times (the only measurements), B's results.json is A's byte
/// for byte.
#[test]
fn a_resumed_run_equals_an_uninterrupted_one() {
    let full = config(&["baseline", "eg", "gs", "threshold-dp"]);
    let a = run(&full);
    let dir = tempfile::tempdir().unwrap();
    let mut part = config(&["baseline", "gs"]);
    part.seeds = vec![1];
    write(&run(&part), dir.path());
    let resumed = resume(&full, dir.path(), &|_, _| {}).unwrap();
    // B fitted seed 1 of baseline (1 row) and gs (3 rows) on each dataset.
    assert_eq!(
        (resumed.reused, resumed.fitted),
        (2 * 4, 2 * 2 * 12 - 2 * 4)
    );
    let (Outcome::Many(a), Outcome::Many(b)) = (&a, resumed.outcome) else {
        unreachable!()
    };
    let a_json = a.render_json().unwrap();
    let b = b.with_fit_seconds_of(&a_json, "a/results.json").unwrap();
    assert_eq!(b.render_json().unwrap(), a_json);
    assert_eq!(b.render_csv(), a.render_csv());
    // Resuming a complete run fits nothing and changes nothing but the fit times.
    write(&Outcome::Many(b), dir.path());
    let again = resume(&full, dir.path(), &|_, _| {}).unwrap();
    assert_eq!((again.reused, again.fitted), (2 * 2 * 12, 0));
}

#[test]
fn one_dataset_resumes_too() {
    let mut full = config(&["baseline", "threshold-dp"]);
    full.data = full.datasets[0].clone();
    full.datasets.clear();
    full.sweep = false;
    let a = compare(&full, &|_| {}).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut part = full.clone();
    part.methods.truncate(1);
    write(&Outcome::One(compare(&part, &|_| {}).unwrap()), dir.path());
    let resumed = resume(&full, dir.path(), &|_, _| {}).unwrap();
    assert_eq!((resumed.reused, resumed.fitted), (2, 2));
    let Outcome::One(b) = resumed.outcome else {
        unreachable!()
    };
    let a_json = a.render_json().unwrap();
    let b = b.with_fit_seconds_of(&a_json, "a").unwrap();
    assert_eq!(b.render_json().unwrap(), a_json);
}

fn refusal(change: impl Fn(&mut CompareConfig)) -> String {
    let base = config(&["baseline", "eg"]);
    let dir = tempfile::tempdir().unwrap();
    write(&run(&base), dir.path());
    let mut changed = base.clone();
    change(&mut changed);
    let e = resume(&changed, dir.path(), &|_, _| {})
        .unwrap_err()
        .to_string();
    let file = dir.path().join("results.json").display().to_string();
    assert!(e.starts_with(&format!("{file}: ")), "{e}");
    assert!(!e.contains('\n'), "{e}");
    e[file.len() + 2..].to_string()
}

#[test]
fn a_run_configured_otherwise_is_refused_naming_the_setting() {
    let e = refusal(|c| c.split.test_size = 0.25);
    assert_eq!(
        e,
        "the split differs from the recorded run's (recorded \
         {\"test-size\":0.3,\"stratify\":false,\"fixed\":false}, now \
         {\"test-size\":0.25,\"stratify\":false,\"fixed\":false}): resume only with the recorded \
         settings, or write to a new --out"
    );
    let e = refusal(|c| c.estimator = "tree".parse().unwrap());
    assert!(e.starts_with("the estimator differs"), "{e}");
    let e = refusal(|c| {
        if let DataSource::Scenario { rows, .. } = &mut c.datasets[1] {
            *rows = 500;
        }
    });
    assert!(
        e.starts_with("the data source of dataset credit differs"),
        "{e}"
    );
    let e = refusal(|c| {
        c.methods[1].spec =
            crate::method::MethodSpec::expgrad(crate::method::ReductionConstraint::EqualizedOdds);
        c.methods[1].sweep = Some(vec![0.01, 0.05]);
    });
    assert!(e.starts_with("method eg differs"), "{e}");
    // Dropping a recorded row (a seed, a knob value, a method, a dataset) is refused.
    let dropped = |e: &str, row: &str| {
        assert!(
            e.starts_with(&format!(
                "the recorded run has a row this run does not ask for ({row}), which resuming \
                 would drop"
            )),
            "{e}"
        );
    };
    dropped(
        &refusal(|c| c.seeds = vec![1]),
        "dataset biased-credit, baseline, seed 4",
    );
    dropped(
        &refusal(|c| c.methods[1].sweep = Some(vec![0.01])),
        "dataset biased-credit, eg bound=0.05, seed 1",
    );
    dropped(
        &refusal(|c| c.methods.truncate(1)),
        "dataset biased-credit, eg bound=0.01, seed 1",
    );
    dropped(
        &refusal(|c| {
            c.datasets.remove(0);
        }),
        "dataset biased-credit, baseline, seed 1",
    );
    // Adding seeds, knob values, methods and datasets, or another disparity axis, is fine.
    let base = config(&["baseline", "eg"]);
    let dir = tempfile::tempdir().unwrap();
    write(&run(&base), dir.path());
    let mut more = config(&["baseline", "eg", "threshold-dp"]);
    more.seeds.push(9);
    more.methods[1].sweep = Some(vec![0.01, 0.05, 0.1]);
    more.disparity = crate::compare::DisparityAxis::EqualizedOdds;
    let r = resume(&more, dir.path(), &|_, _| {}).unwrap();
    // Per dataset and seed: baseline, 3 bounds, 6 tolerances.
    assert_eq!(r.reused, 2 * 2 * 3);
    assert_eq!(r.fitted, 2 * 3 * 10 - 2 * 2 * 3);
}

#[test]
fn a_missing_or_broken_results_file_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("results.json");
    let e = resume(&config(&["baseline"]), dir.path(), &|_, _| {})
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        format!(
            "--resume: {} does not exist: there is no run to resume in {} (run without \
             --resume)",
            file.display(),
            dir.path().display()
        )
    );
    std::fs::write(&file, "{\"fairkit_version\": \"0.1.0\",\n \"results\": 3}").unwrap();
    let e = Recorded::read(dir.path()).unwrap_err().to_string();
    assert_eq!(
        e,
        format!(
            "{}: line 2, column 13: not the results.json of a fairkit comparison (invalid \
             type: integer `3`, expected a sequence)",
            file.display()
        )
    );
    std::fs::write(&file, "{\"fairkit_version\": \"0.1.0\", \"results\": []}").unwrap();
    let e = Recorded::read(dir.path()).unwrap_err().to_string();
    assert!(e.contains("results.json") && e.contains("config"), "{e}");
}
