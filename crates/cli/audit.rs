//! `fairkit audit`: the audit of a dataset before training.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use fairkit_data::sim;
use fairkit_harness::audit::{self, AuditConfig};
use fairkit_metrics::audit::AuditParams;

use crate::common::{Format, emit, warn};
use crate::data_args::LayoutArgs;

/// Audit a dataset before training: group sizes, label base rates, proxy candidates.
///
/// Who is in the data, how the labels differ by group, and which features could stand in for
/// the sensitive attribute. Reports each sensitive group's size and share of the rows (and of the weight), its label
/// base rate (weighted share of the favourable label), the label demographic parity difference
/// (max - min base rate) and disparate impact (min / max base rate), warnings for small groups,
/// empty intersections and groups with a single label class, and the proxy candidates: the
/// features most associated with the sensitive groups, ranked by the correlation ratio eta²
/// (the share of a feature's variance explained by the group means; 1 means the feature
/// determines the group mean exactly). Text columns are one-hot encoded first, so each level
/// `col=value` is ranked on its own.
///
/// Without --data the built-in scenario is audited (biased-credit, 10,000 rows, seed 0; label
/// `approved`, sensitive `group`).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// CSV file with a header row, or Parquet file or dataset directory (default: the built-in biased-credit scenario).
    #[arg(long, value_name = "FILE", requires_all = ["label", "sensitive"])]
    data: Option<PathBuf>,
    /// Column of labels (two classes); required with --data.
    #[arg(long, value_name = "COL")]
    label: Option<String>,
    /// Sensitive column(s), comma-separated; several give intersectional groups. Required with
    /// --data.
    #[arg(long, value_name = "COL[,COL]", value_delimiter = ',')]
    sensitive: Option<Vec<String>>,
    /// The label value of the favourable outcome (a number also matches e.g. `1.0`).
    #[arg(long, value_name = "V", default_value = "1")]
    positive_label: String,
    /// Column of non-negative sample weights, used for shares and base rates.
    #[arg(long, value_name = "COL")]
    weights: Option<String>,
    /// Feature columns to rank as proxy candidates, comma-separated (default: every column that
    /// is not the label, sensitive or weights column).
    #[arg(long, value_name = "COLS", value_delimiter = ',')]
    features: Option<Vec<String>>,
    /// Groups with fewer rows are flagged as small.
    #[arg(long, value_name = "N", default_value_t = 30)]
    min_group_size: u64,
    /// Show only the N strongest proxy candidates (default: all).
    #[arg(long, value_name = "N")]
    top: Option<usize>,
    /// Output format: a table for people, or JSON.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Output file (written atomically); standard output without it.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    #[command(flatten)]
    layout: LayoutArgs,
}

/// Runs the command.
pub fn run(args: Args) -> Result<ExitCode> {
    // With --data, clap requires --label and --sensitive, so the defaults serve the built-in
    // scenario only.
    if args.data.is_none() && !args.layout.layout().is_default() {
        anyhow::bail!(
            "--delimiter, --no-header, --columns and --data-format describe a data file: give it with \
             --data FILE"
        );
    }
    let source = args.data.as_ref().map_or_else(
        || sim::DEFAULT_SCENARIO.to_string(),
        |p| p.display().to_string(),
    );
    let config = AuditConfig {
        data: args.data,
        layout: args.layout.layout(),
        label: args.label,
        sensitive: args.sensitive,
        positive_label: args.positive_label,
        weights: args.weights,
        features: args.features,
        params: AuditParams {
            min_group_size: args.min_group_size,
            top_proxies: args.top,
        },
    };
    let report = audit::run(&config)?;
    let bytes = match args.format {
        Format::Table => report.render_table().into_bytes(),
        Format::Json => {
            let mut bytes = serde_json::to_vec_pretty(&report)?;
            bytes.push(b'\n');
            bytes
        }
    };
    emit(&bytes, args.out.as_deref())?;
    warn(&source, &report.small_groups);
    Ok(ExitCode::SUCCESS)
}
