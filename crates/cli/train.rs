//! `fairkit train`: fit a baseline estimator and report its test metrics by group.

use std::process::ExitCode;

use anyhow::Result;
use fairkit_harness::method::MethodSpec;

use crate::single::{self, RunArgs};

/// Fit a baseline model and report accuracy and fairness by group on the test rows.
///
/// Without --data it runs on the built-in biased-credit scenario, split 70/30 with --seed.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    run: RunArgs,
}

/// Runs the command.
pub fn run(args: Args) -> Result<ExitCode> {
    single::run(MethodSpec::Baseline, &args.run)
}
