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
