//! The `fairkit` command line: a thin layer over the library crates.
//!
//! Every subcommand lives in its own module with an `Args` struct (clap) and a `run` function.
//! Exit status: 0 success, 1 a gate check failed, 2 bad input or usage.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod assess;
mod audit;
mod columns;
mod common;
mod simulate;

/// Assess and mitigate unfairness in binary classifiers.
///
/// Every command runs on the built-in biased credit scenario when no data is given, and every
/// random draw takes a seed, so the same command gives the same output.
#[derive(Debug, Parser)]
#[command(name = "fairkit", version, about, long_about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Simulate a dataset (CSV to stdout, or to --out).
    Simulate(simulate::Args),
    Assess(assess::Args),
    Audit(audit::Args),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let result = match cli.command {
        Command::Simulate(args) => simulate::run(args),
        Command::Assess(args) => assess::run(args),
        Command::Audit(args) => audit::run(args),
    };
    match result {
        Ok(code) => code,
        Err(e) if common::is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
