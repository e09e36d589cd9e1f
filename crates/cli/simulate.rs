//! `fairkit simulate`: write a simulated dataset as CSV.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use fairkit_data::sim;

use crate::common::emit;

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
    /// Number of rows.
    #[arg(long, default_value_t = sim::DEFAULT_ROWS)]
    rows: usize,
    /// Seed of every random draw.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Output file (written atomically); standard output without it.
    #[arg(long)]
    out: Option<PathBuf>,
}

/// Runs the command.
pub fn run(args: Args) -> Result<ExitCode> {
    let table = sim::simulate(&args.scenario, args.rows, args.seed)?;
    let mut bytes = Vec::new();
    table.write_csv(&mut bytes)?;
    emit(&bytes, args.out.as_deref())?;
    Ok(ExitCode::SUCCESS)
}
