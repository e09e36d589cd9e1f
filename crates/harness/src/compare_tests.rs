//! Unit tests of the comparison (`compare.rs`) without the binary: the order and determinism
//! of the results, the summary across seeds and the Pareto front.

use crate::compare::{CompareConfig, Comparison, compare};
use crate::evaluate::Headline;
use crate::summary::mean_std;

const EXPERIMENT: &str = r#"
seeds = [1, 2, 5]
disparity = "demographic_parity"
methods = ["baseline", "threshold-dp", "expgrad-dp", "reweighing"]

[data]
source = "scenario"
name = "biased-credit"
rows = 800
seed = 3
"#;

fn run() -> Comparison {
    let config = CompareConfig::from_toml(EXPERIMENT, "experiment.toml").expect("a valid file");
    compare(&config, &|_| {}).expect("the comparison runs")
}

#[test]
fn results_are_method_major_in_config_order_and_reproducible() {
    let first = run();
    let order: Vec<(&str, u64)> = first
        .results
        .iter()
        .map(|r| (r.method.as_str(), r.seed))
        .collect();
    let mut want = Vec::new();
    for m in ["baseline", "threshold-dp", "expgrad-dp", "reweighing"] {
        for s in [1, 2, 5] {
            want.push((m, s));
        }
    }
    assert_eq!(order, want);
    // The same configuration gives the same numbers (timings aside).
    let second = run();
    for (a, b) in first.results.iter().zip(&second.results) {
        assert_eq!(a.predicted, b.predicted);
        assert_eq!(a.expected, b.expected);
    }
    // Deterministic methods predict their expectation.
    for r in first.results.iter().filter(|r| r.method == "baseline") {
        assert_eq!(r.predicted, r.expected);
    }
    assert_eq!(first.dataset, "biased-credit");
}

#[test]
fn the_summary_is_the_mean_and_sample_sd_of_the_expected_headline() {
    let c = run();
    assert_eq!(c.summary.len(), 4);
    for row in &c.summary {
        let mine: Vec<&Headline> = c
            .results
            .iter()
            .filter(|r| r.method == row.method)
            .map(|r| &r.expected)
            .collect();
        assert_eq!(mine.len(), 3);
        for (k, (mean, sd)) in row.metrics.iter().enumerate() {
            let values: Vec<f64> = mine.iter().map(|h| h.values()[k]).collect();
            let m = values.iter().sum::<f64>() / 3.0;
            let s = (values.iter().map(|v| (v - m).powi(2)).sum::<f64>() / 2.0).sqrt();
            assert!(
                (mean - m).abs() < 1e-12 && (sd - s).abs() < 1e-12,
                "{}",
                row.method
            );
            assert_eq!((*mean, *sd), mean_std(&values));
        }
    }
}

#[test]
fn the_pareto_front_holds_exactly_the_undominated_methods() {
    let c = run();
    // Accuracy (higher is better) against demographic parity difference (lower is better).
    let axis = Headline::KEYS
        .iter()
        .position(|k| *k == "demographic_parity_difference")
        .expect("the key");
    let points: Vec<(f64, f64)> = c
        .summary
        .iter()
        .map(|r| (r.metrics[0].0, r.metrics[axis].0))
        .collect();
    for (i, row) in c.summary.iter().enumerate() {
        let (acc, dp) = points[i];
        let dominated = points
            .iter()
            .enumerate()
            .any(|(j, &(a, d))| j != i && a >= acc && d <= dp && (a > acc || d < dp));
        assert_eq!(row.pareto, !dominated, "{}", row.method);
    }
    assert!(c.summary.iter().any(|r| r.pareto));
}

#[test]
fn the_csv_has_a_row_per_result_and_the_table_a_marked_line_per_method() {
    let c = run();
    let csv = c.render_csv();
    assert_eq!(csv.lines().count(), 1 + c.results.len());
    // One line per method, marked `*` exactly when it is on the Pareto front.
    let table = c.render_table();
    for row in &c.summary {
        let mark = if row.pareto { "* " } else { "  " };
        let line = format!("{mark}{} ", row.method);
        assert_eq!(
            table.lines().filter(|l| l.starts_with(&line)).count(),
            1,
            "{line:?} in\n{table}"
        );
    }
}

/// A sweep on the simulated data: exponentiated gradient over two bounds of its own, the
/// threshold optimizer over its default grid, grid search's whole grid, an unswept baseline.
const SWEEP: &str = r#"
seeds = [1, 2]
sweep = true
methods = [
    "baseline",
    { name = "eg", method = "expgrad", constraint = "demographic_parity", sweep = [0.05, 0.01] },
    "threshold-dp",
    { name = "gs", method = "gridsearch", constraint = "demographic_parity", grid_size = 5 },
]

[data]
source = "scenario"
name = "biased-credit"
rows = 800
seed = 3
"#;

fn sweep() -> Comparison {
    let config = CompareConfig::from_toml(SWEEP, "experiment.toml").expect("a valid file");
    compare(&config, &|_| {}).expect("the sweep runs")
}

#[test]
fn a_sweep_records_the_knob_and_its_value_on_every_row() {
    let c = sweep();
    let rows: Vec<(&str, Option<&str>, Option<f64>, u64)> = c
        .results
        .iter()
        .map(|r| (r.method.as_str(), r.knob.as_deref(), r.knob_value, r.seed))
        .collect();
    let mut want = Vec::new();
    let mut add = |m: &'static str, knob: Option<&'static str>, values: &[f64]| {
        for &v in values {
            for s in [1, 2] {
                want.push((m, knob, knob.map(|_| v), s));
            }
        }
    };
    add("baseline", None, &[0.0]);
    add("eg", Some("bound"), &[0.05, 0.01]);
    add("threshold-dp", Some("tol"), &crate::method::BOUND_GRID);
    add("gs", Some("grid_point"), &[0.0, 1.0, 2.0, 3.0, 4.0]);
    assert_eq!(rows, want);
    // The JSON rows carry the knob; an unswept row has neither key.
    let json: serde_json::Value = serde_json::from_str(&c.render_json().unwrap()).unwrap();
    let results = json["results"].as_array().unwrap();
    assert!(results[0].get("knob").is_none() && results[0].get("knob_value").is_none());
    assert_eq!(results[2]["knob"], "bound");
    assert_eq!(results[2]["knob_value"], 0.05);
    assert_eq!(json["summary"][1]["knob"], "bound");
    assert_eq!(json["summary"][1]["knob_value"], 0.05);
    // A tighter bound gives a smaller disparity, in expectation on the training rows; on the
    // test rows at least not a larger one than the looser bound by more than the noise.
    let csv = c.render_csv();
    assert!(
        csv.starts_with("method,estimator,seed,knob,knob_value,accuracy,"),
        "{csv}"
    );
    assert!(csv.contains("\neg,logistic,1,bound,0.05,"), "{csv}");
    assert!(csv.contains("\nbaseline,logistic,1,,,"), "{csv}");
}

#[test]
fn a_sweep_summarizes_each_method_and_knob_value_over_seeds() {
    let c = sweep();
    assert_eq!(c.summary.len(), 1 + 2 + 6 + 5);
    for row in &c.summary {
        let mine: Vec<&Headline> = c
            .results
            .iter()
            .filter(|r| r.method == row.method && r.knob_value == row.knob_value)
            .map(|r| &r.expected)
            .collect();
        assert_eq!(mine.len(), 2, "{}", row.label());
        for (k, &(mean, sd)) in row.metrics.iter().enumerate() {
            let want = mean_std(&mine.iter().map(|h| h.values()[k]).collect::<Vec<_>>());
            assert_eq!(mean.to_bits(), want.0.to_bits(), "{} {k}", row.label());
            assert_eq!(sd.to_bits(), want.1.to_bits(), "{} {k}", row.label());
        }
    }
    assert_eq!(c.summary[1].label(), "eg bound=0.05");
    assert_eq!(c.summary[0].label(), "baseline");
}

#[test]
fn the_pareto_front_of_a_sweep_is_over_all_points() {
    let c = sweep();
    let dp = Headline::KEYS
        .iter()
        .position(|k| *k == "demographic_parity_difference")
        .unwrap();
    let points: Vec<(f64, f64)> = c
        .summary
        .iter()
        .map(|r| (r.metrics[0].0, r.metrics[dp].0))
        .collect();
    let marked: Vec<bool> = c.summary.iter().map(|r| r.pareto).collect();
    assert_eq!(marked, crate::pareto::front(&points));
    // Points of one method compete with each other: a grid point that another point of
    // the same grid dominates is off the front.
    let grid: Vec<usize> = (0..c.summary.len())
        .filter(|&i| c.summary[i].method == "gs")
        .collect();
    for &i in &grid {
        let dominated_in_grid = grid.iter().any(|&j| {
            points[j].0 >= points[i].0
                && points[j].1 <= points[i].1
                && (points[j].0 > points[i].0 || points[j].1 < points[i].1)
        });
        if dominated_in_grid {
            assert!(!marked[i], "{}", c.summary[i].label());
        }
    }
    assert!(marked.iter().any(|&m| m));
}

#[test]
fn a_sweep_draws_one_curve_per_method_with_the_same_bytes_each_run() {
    let (a, b) = (sweep(), sweep());
    let svg = a.render_svg().unwrap();
    assert_eq!(svg, b.render_svg().unwrap());
    for name in [
        "eg over bound",
        "threshold-dp over tol",
        "gs over grid_point",
        "baseline",
    ] {
        assert!(svg.contains(name), "{name}");
    }
    assert!(svg.contains("demographic parity difference (lower is fairer)"));
    assert!(svg.contains("accuracy (higher is better)"));
    // One curve per method, its points in order of the knob; the swept ones are joined.
    let curves = a.curves().unwrap();
    let names: Vec<&str> = curves.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["baseline", "eg", "threshold-dp", "gs"]);
    let labels: Vec<&str> = curves[1].points.iter().map(|p| p.label.as_str()).collect();
    assert_eq!(labels, ["0.01", "0.05"]);
    assert_eq!(curves[3].points.len(), 5);
    assert!(curves[0].baseline && !curves[1].baseline);
    let figure = crate::plot::curves_figure(&curves, "t", "x");
    let joined: Vec<bool> = figure.panels[0].series.iter().map(|s| s.joined).collect();
    assert_eq!(joined, [false, true, true, true]);
    let on_front = c_front(&a);
    assert_eq!(figure.panels[0].guides.len(), usize::from(on_front > 1));
}

#[test]
fn a_bad_sweep_value_names_the_key_line_and_column() {
    let text = "methods = [\n  \"baseline\",\n  { name = \"di\", method = \"di-remover\",\n    sweep = [0.5, 1.5] },\n]\n";
    let err = CompareConfig::from_toml(text, "x.toml").unwrap_err();
    assert_eq!(
        err.to_string(),
        "x.toml: line 4, column 5: key 'sweep': invalid parameter sweep = 1.5: \
         repair_level of method di must be in [0, 1]"
    );
    let text = "methods = [{ name = \"b\", method = \"baseline\", sweep = [1] }]\n";
    let err = CompareConfig::from_toml(text, "x.toml")
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("x.toml: line 1, column "), "{err}");
    assert!(err.contains("method b has no knob to sweep"), "{err}");
    let text = "methods = [{ name = \"g\", method = \"gridsearch\", constraint = \"demographic_parity\",\n sweep = [1] }]\n";
    let err = CompareConfig::from_toml(text, "x.toml")
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("x.toml: line 2, column 2: key 'sweep'"),
        "{err}"
    );
    assert!(err.contains("whole grid"), "{err}");
    let text = "methods = [{ name = \"e\", method = \"expgrad\", constraint = \"demographic_parity\",\n sweep = [\"a\"] }]\n";
    let err = CompareConfig::from_toml(text, "x.toml")
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("x.toml: line "), "{err}");
    let text = "sweep = 3\n";
    let err = CompareConfig::from_toml(text, "x.toml")
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("x.toml: line 1, column "), "{err}");
}

#[test]
fn a_sweep_configuration_reads_back_from_its_toml_and_json() {
    let config = CompareConfig::from_toml(SWEEP, "experiment.toml").unwrap();
    assert!(config.sweep && config.sweeps());
    let toml = config.to_toml().unwrap();
    assert!(toml.contains("sweep = true"), "{toml}");
    assert_eq!(CompareConfig::from_toml(&toml, "e.toml").unwrap(), config);
    let json = serde_json::to_string(&config).unwrap();
    assert_eq!(CompareConfig::from_text(&json, "c.json").unwrap(), config);
    // A configuration without a sweep writes no sweep key (earlier files stay as they were).
    let plain = CompareConfig::default().to_toml().unwrap();
    assert!(!plain.contains("sweep"), "{plain}");
}

fn c_front(c: &Comparison) -> usize {
    c.summary.iter().filter(|r| r.pareto).count()
}
