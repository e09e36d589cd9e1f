//! The `fairkit` command line: a thin layer over the library crates.
//!
//! Every subcommand lives in its own module with an `Args` struct (clap) and a `run` function.
//! Exit status: 0 success, 1 a gate check failed, 2 bad input or usage.

use std::process::ExitCode;

use clap::{Command as ClapCommand, CommandFactory, FromArgMatches, Parser, Subcommand};

mod assess;
mod audit;
mod columns;
mod common;
mod compare;
mod data_args;
mod gate;
mod mitigate;
mod monitor;
mod predict;
mod simulate;
mod single;
mod train;
mod transform;
mod verify;

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
    /// Simulate a dataset (CSV to stdout, or CSV or Parquet to --out).
    Simulate(simulate::Args),
    Assess(assess::Args),
    Audit(audit::Args),
    /// Fit a baseline model and report its test metrics by group.
    Train(Box<train::Args>),
    /// Fit a mitigation method and report its test metrics by group.
    Mitigate(Box<mitigate::Args>),
    /// Predict the rows of a CSV or Parquet file with a saved model.
    Predict(predict::Args),
    /// Fit a feature repair and write the repaired data as CSV.
    Transform(Box<transform::Args>),
    /// Compare methods over several seeds: table, JSON, CSV, Markdown and a trade-off plot.
    Compare(Box<compare::Args>),
    /// Check test predictions against fairness thresholds (CI gate; exit 0 pass, 1 fail).
    Gate(gate::Args),
    /// Watch a JSON-lines stream of predictions and labels for fairness drift.
    Monitor(monitor::Args),
    /// Replay a gate decision or a comparison from its evidence directory (exit 0 identical,
    /// 1 different).
    Verify(verify::Args),
}

/// Parses a command line (program name first) as `main` does.
fn parse<I, T>(argv: I) -> Result<Cli, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    allow_negative_numbers(Cli::command())
        .try_get_matches_from(argv)
        .and_then(|matches| Cli::from_arg_matches(&matches))
}

/// `command` and its subcommands with every value-taking flag accepting negative numbers
/// (`--positive-label -1`, not only `--positive-label=-1`).
fn allow_negative_numbers(command: ClapCommand) -> ClapCommand {
    command
        .mut_args(|arg| {
            if arg.get_action().takes_values() {
                arg.allow_negative_numbers(true)
            } else {
                arg
            }
        })
        .mut_subcommands(allow_negative_numbers)
}

fn main() -> ExitCode {
    // Staged outputs (`.fairkit-*.tmp`) are removed on Ctrl-C and SIGTERM.
    if let Err(e) = fairkit_harness::io::remove_staged_on_signals() {
        eprintln!("error: {e:#}");
        return ExitCode::from(2);
    }
    // The command line as given, recorded by the commands that write evidence.
    let argv: Vec<String> = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let parsed = parse(&argv);
    let cli = match parsed {
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
        Command::Train(args) => train::run(*args),
        Command::Mitigate(args) => mitigate::run(*args),
        Command::Predict(args) => predict::run(args),
        Command::Transform(args) => transform::run(*args),
        Command::Compare(args) => compare::run(*args, &argv),
        Command::Gate(args) => gate::run(args, &argv),
        Command::Monitor(args) => monitor::run(args),
        Command::Verify(args) => verify::run(args),
    };
    match result {
        Ok(code) => code,
        Err(e) if common::is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            // Messages are built on one line; a line break that slipped into one (a value
            // from a file, an operating-system message) must not split it.
            let message = format!("{e:#}")
                .replace("\r\n", " ")
                .replace(['\n', '\r'], " ");
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}
