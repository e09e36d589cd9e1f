//! What every teaching example shares: the data, the test-set reports and a side-by-side table.
//!
//! Not an example itself (cargo only builds `examples/*.rs`); each example includes it with
//! `mod common;`. Each example uses some of these helpers, hence `allow(dead_code)`.
#![allow(dead_code)]

use std::error::Error;

use fairkit::core::FairDataset;
use fairkit::data::{Prepared, sim};
use fairkit::metrics::{
    ComputeReport, ConfusionTable, Disparity, GroupedReport, Metric, ReportInput,
};

/// A boxed error, so that `?` works on every crate's error type.
pub type Result<T> = std::result::Result<T, Box<dyn Error>>;

/// Seed of the simulated population: the same seed gives the same 10,000 applicants. It is the
/// seed `fairkit` itself simulates with (`--sim-seed`, default 0).
pub const DATA_SEED: u64 = 0;
/// Seed of the 70/30 train/test split and of the coin flips of randomized predictions.
pub const SEED: u64 = 0;

/// The built-in `biased-credit` scenario (10,000 loan applicants, group `B` disadvantaged by
/// an income gap, a proxy feature and historically biased labels), encoded and split 70/30.
/// The sensitive column `group` is never a feature.
pub fn credit_data() -> Result<Prepared> {
    let table = sim::simulate(sim::DEFAULT_SCENARIO, sim::DEFAULT_ROWS, DATA_SEED)?;
    Ok(Prepared::split(
        &sim::default_spec(),
        &table,
        0.3,
        SEED,
        false,
    )?)
}

/// The grouped report of hard predictions (0 or 1 per row) on `data`.
pub fn report(data: &FairDataset, predicted: &[bool]) -> Result<GroupedReport> {
    let input = ReportInput::new(data.labels(), predicted, data.groups());
    Ok(GroupedReport::params().compute(input)?)
}

/// The grouped report of a randomized predictor *in expectation*: each row counts as
/// positive with its probability `p` (and as negative with `1 - p`), so the rates are the
/// averages over every possible draw of the coins. They do not depend on a seed.
pub fn expected_report(data: &FairDataset, probability: &[f64]) -> Result<GroupedReport> {
    let groups = data.groups();
    let table = ConfusionTable::accumulate_expected(
        data.labels(),
        probability,
        groups.codes(),
        groups.n_groups(),
        None,
    )?;
    Ok(GroupedReport::params().compute_table(&table, groups.schema())?)
}

/// Prints reports side by side: accuracy, each group's selection, true positive and false
/// positive rates, and the headline disparities, with `target` (what the mitigation
/// constrains), if any, marked.
pub fn print_side_by_side(columns: &[(&str, &GroupedReport)], target: Option<Disparity>) {
    let Some((_, first)) = columns.first() else {
        return;
    };
    let mut rows: Vec<(String, Vec<f64>)> = Vec::new();
    let mut row = |name: String, value: &dyn Fn(&GroupedReport) -> f64| {
        rows.push((name, columns.iter().map(|(_, r)| value(r)).collect()));
    };
    row("accuracy".into(), &|r| r.overall(Metric::Accuracy));
    for metric in [
        Metric::SelectionRate,
        Metric::TruePositiveRate,
        Metric::FalsePositiveRate,
    ] {
        for (code, label) in first.labels().iter().enumerate() {
            let name = format!("{} of group {label}", metric.name().replace('_', " "));
            row(name, &|r| r.value(metric, code as u32));
        }
    }
    for d in [
        Disparity::DemographicParityDifference,
        Disparity::DemographicParityRatio,
        Disparity::EqualizedOddsDifference,
    ] {
        let name = d.name().replace('_', " ");
        let name = if Some(d) == target {
            format!("{name} (target)")
        } else {
            name
        };
        row(name, &|r| r.disparity(d));
    }
    let width = rows.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
    let mut header = format!("{:width$}", "");
    for (title, _) in columns {
        header.push_str(&format!("  {title:>16}"));
    }
    println!("{header}");
    println!("{}", "-".repeat(header.len()));
    for (name, values) in rows {
        let mut line = format!("{name:width$}");
        for v in values {
            line.push_str(&format!("  {v:>16.4}"));
        }
        println!("{line}");
    }
}
