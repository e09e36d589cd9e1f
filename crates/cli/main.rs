//! The `fairkit` command line: a thin layer over the library crates.
//!
//! Exit status: 0 success, 1 a check failed (the gate), 2 bad input or usage.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Assess and mitigate unfairness in binary classifiers.
#[derive(Debug, Parser)]
#[command(name = "fairkit", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match cli.command {}
}
