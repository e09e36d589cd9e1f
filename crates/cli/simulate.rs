//! `fairkit simulate`: write a simulated dataset as CSV or Parquet.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, bail};
use fairkit_data::{FileFormat, sim};

use fairkit_core::limits;
use fairkit_harness::data::is_parquet;
use fairkit_harness::io::Outputs;

use crate::common::{claim, finish};

/// Simulate a dataset from a named scenario.
///
/// Scenarios: `biased-credit` (the built-in default data: a proxy feature, group-dependent
/// feature distributions and historically biased labels; label `approved`, sensitive `group`)
/// and `credit` (the reference material's generator as written; label `approved`, sensitive
/// `gender`). The same scenario, rows and seed give the same bytes.
///
/// `--out FILE.parquet` (or `--format parquet`) writes one Parquet file; `--out DIR
/// --partition-by COL` writes a hive-partitioned Parquet dataset: `DIR/COL=VALUE/part-00000.parquet`
/// per value of COL, without that column (readers add it back from the folder names). Each
/// column is written as integers, floats or strings, whichever reads back as the same text
/// (docs/parquet.md).
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
    /// Output file, or directory with --partition-by (staged beside it and moved into place
    /// when complete; an interrupted run leaves nothing); standard output (CSV) without it.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Output format: auto (Parquet for a name ending in .parquet or .pq, CSV otherwise), csv
    /// or parquet.
    #[arg(long, value_name = "FORMAT", default_value = "auto")]
    format: FileFormat,
    /// Write a hive-partitioned Parquet dataset into the directory --out (new or empty): one
    /// folder COL=VALUE per value of this column.
    #[arg(long, value_name = "COL", requires = "out")]
    partition_by: Option<String>,
}

/// Runs the command: rows are generated and written one at a time, in constant memory.
pub fn run(args: Args) -> Result<ExitCode> {
    let mut outputs = Outputs::new();
    let mut rows = sim::stream(&args.scenario, args.rows, args.seed)?;
    if let (Some(column), Some(dir)) = (&args.partition_by, &args.out) {
        if args.format == FileFormat::Csv {
            bail!("--partition-by writes Parquet; leave out --format csv");
        }
        let id = outputs.dir(dir, "--out", &[])?;
        let staged = outputs.staged_dir(id)?.to_path_buf();
        let name = dir.display().to_string();
        fairkit_harness::parquet::write_partitioned(&mut rows, &staged, &name, column)?;
        outputs.commit()?;
        return Ok(ExitCode::SUCCESS);
    }
    let parquet = match (&args.out, args.format) {
        (_, FileFormat::Parquet) => true,
        (Some(path), FileFormat::Auto) => is_parquet(path, FileFormat::Auto),
        _ => false,
    };
    let out = claim(&mut outputs, args.out.as_deref(), "--out")?;
    if parquet {
        let Some(path) = &args.out else {
            bail!("--format parquet needs --out FILE (Parquet is not written to standard output)");
        };
        let name = path.display().to_string();
        finish(outputs, out, |w| {
            fairkit_columnar::write_rows(&mut rows, &name, w).map_err(std::io::Error::other)
        })?;
    } else {
        finish(outputs, out, |w| rows.write_csv(w))?;
    }
    Ok(ExitCode::SUCCESS)
}
