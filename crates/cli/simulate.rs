//! `fairkit simulate`: write a simulated dataset as CSV.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use fairkit_data::sim;

use fairkit_core::limits;
use fairkit_harness::io::Outputs;

use crate::common::{claim, finish};

/// Simulate a dataset from a named scenario.
///
/// Scenarios: `biased-credit` (the built-in default data: a proxy feature, group-dependent
/// feature distributions and historically biased labels; label `approved`, sensitive `group`)
/// and `credit` (the reference material's generator as written; label `approved`, sensitive
/// `gender`). The same scenario, rows and seed give the same bytes.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Scenario name.
    #[arg(long, default_value = sim::DEFAULT_SCENARIO)]
    scenario: String,
    /// Number of rows, at most 10000000000 (streamed: memory does not grow with it).
    #[arg(long, default_value_t = sim::DEFAULT_ROWS as u64,
          value_parser = crate::common::count(limits::SIMULATE_ROWS, 0))]
    rows: u64,
    /// Seed of every random draw.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Output file (staged beside it and moved into place when complete; an interrupted run
    /// leaves no file); standard output without it.
    #[arg(long)]
    out: Option<PathBuf>,
}

/// Runs the command: rows are generated and written one at a time, in constant memory.
pub fn run(args: Args) -> Result<ExitCode> {
    let mut outputs = Outputs::new();
    let out = claim(&mut outputs, args.out.as_deref(), "--out")?;
    let rows = sim::stream(&args.scenario, args.rows, args.seed)?;
    finish(outputs, out, |w| rows.write_csv(w))?;
    Ok(ExitCode::SUCCESS)
}
