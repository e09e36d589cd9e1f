//! `fairkit transform`: fit a feature repair and write the repaired data as CSV.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, bail};
use fairkit_harness::data::read_table_with;
use fairkit_harness::method::MethodSpec;
use fairkit_harness::repair::TableRepair;

use fairkit_harness::io::Outputs;

use crate::common::finish;
use crate::data_args::DataArgs;
use crate::mitigate::RepairArgs;

/// What `fairkit transform --help` adds after the options.
const HELP: &str = "\
The repair is fitted on every row of --data (or of the built-in scenario without --data). The
output holds the encoded features with repaired values (numeric columns, standardized unless
--no-standardize, and one-hot columns named `col=level`), then the sensitive columns, the
weights column and the label column as they were. It is exactly what `fairkit mitigate
--method di-remover` (or correlation-remover) fits its estimator on, and goes straight back
into `fairkit train --data OUT --label COL --sensitive COL --no-standardize` or any other tool.

With --apply FILE, the output is that file (e.g. the test set) repaired with the repair fitted
on --data: same encoding (a categorical level unseen in --data becomes all zeros), same
repair; a group without rows in --data is an error. Its label and weights columns are copied
when present. The output file is written atomically; on an error none is written.";

/// Fit a feature repair (the disparate-impact remover or the correlation remover) and write
/// the repaired data as CSV (`--help` shows [`HELP`]).
#[derive(Debug, clap::Args)]
#[command(after_long_help = HELP)]
pub struct Args {
    /// The repair: di-remover or correlation-remover.
    #[arg(long, value_name = "NAME")]
    method: String,
    #[command(flatten)]
    repair: RepairArgs,
    #[command(flatten)]
    data: DataArgs,
    /// Seed of the simulated scenario (the built-in data).
    #[arg(long, value_name = "S", default_value_t = 0)]
    sim_seed: u64,
    /// Repair this CSV or Parquet file (same feature and sensitive columns as --data) with the
    /// repair fitted on --data, instead of --data itself.
    #[arg(long, value_name = "FILE", requires = "data")]
    apply: Option<PathBuf>,
    /// Output CSV file (written atomically).
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
}

/// Runs the command.
pub fn run(args: Args) -> Result<ExitCode> {
    let method = method_spec(&args)?;
    let mut outputs = Outputs::new();
    let out = outputs.file(&args.out, "--out")?;
    if args.data.test.is_some() {
        bail!(
            "transform fits on every row of --data; repair another file with --apply FILE \
             instead of --test"
        );
    }
    let (source, _) = args.data.source(args.sim_seed, false)?;
    let loaded = source.load()?;
    let repair = TableRepair::fit(&method, &loaded.spec, &loaded.train)?;
    let repaired = match &args.apply {
        Some(path) => repair.apply(&read_table_with(path, &args.data.layout.layout(), None)?)?,
        None => repair.apply(&loaded.train)?,
    };
    let mut bytes = Vec::new();
    repaired.write_csv(&mut bytes)?;
    finish(outputs, Some(out), |w| w.write_all(&bytes))?;
    Ok(ExitCode::SUCCESS)
}

/// The repair and its parameters; a flag of the other repair is an error.
fn method_spec(args: &Args) -> Result<MethodSpec> {
    let spec = match args.method.as_str() {
        "di-remover" | "correlation-remover" => args.method.parse()?,
        other => bail!(
            "unknown repair '{other}': {}",
            fairkit_core::suggest::one_of(other, &["di-remover", "correlation-remover"])
        ),
    };
    args.repair.repair_spec(spec, &args.method)
}
