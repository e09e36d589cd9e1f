//! `fairkit assess`: the group fairness report of a classifier's predictions in a CSV file.

use anyhow::{Context, Result};
use clap::ValueEnum;
use std::path::PathBuf;
use std::process::ExitCode;

use fairkit_data::counts::{CountColumns, SqlDialect};
use fairkit_harness::assess::{self, AssessConfig, ConsistencyConfig};
use fairkit_harness::io::Outputs;
use fairkit_harness::report_html;
use fairkit_metrics::{
    Aggregation, BootstrapParams, EqualizedOddsAgg, GroupedReport, ZeroDivision,
};

use crate::columns::ColumnArgs;
use crate::common::{claim, finish, warn};

/// Assess a classifier's predictions: per-group rates, disparities, four-fifths rule, inequality.
///
/// Reads a CSV file holding, for each row, the true label (--label), the predicted label
/// (--pred, in the same value set as the label: `1`/`0`, or e.g. `>50K`/`<=50K`) and the
/// sensitive attribute(s) (--sensitive). Reports, overall and per group (several sensitive
/// columns: every combination, empty ones included), the count, selection rate, TPR, FPR, FNR,
/// TNR, PPV, NPV, accuracy and balanced accuracy; the named disparities (demographic parity,
/// equalized odds, equal opportunity, predictive parity, error rate; differences and ratios) and
/// the four-fifths rule; and the inequality indices of the individual benefits
/// b = 1 + pred - label (generalized entropy index with alpha 2, Theil index, coefficient of
/// variation, each also between groups). In the table, disparities past the usual thresholds
/// (difference > 0.1, ratio < 0.8) are marked `!`. Undefined values are `null` in JSON, empty in
/// CSV and `-` in the table; groups where a rate is undefined carry a warning (e.g.
/// `no_positives`).
///
/// With --consistency K the report adds individual fairness: AIF360's consistency, one minus the
/// mean absolute difference between each row's prediction and the mean prediction of its K
/// nearest rows (itself included) in Euclidean distance over the feature columns. Features are
/// encoded as for training: numeric columns standardized to mean 0 and
/// population standard deviation 1 over this file (unless --no-standardize), text columns
/// one-hot encoded with sorted levels. The search is exact and costs O(rows² × features).
///
/// With --counts FILE instead of --data, each row of the file stands for a number of rows (its
/// --count-column, `count` by default) sharing its sensitive values, label and prediction, and
/// the --weights column holds their weight sum: the report is the one of those rows (to
/// rounding), bootstrap intervals included (docs/counts.md). --emit-sql --table NAME prints the
/// SQL GROUP BY that makes such a file from a table of rows in a database or warehouse.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// CSV file with a header row (or Parquet file or dataset directory: --data-format) holding the
    /// label, prediction and sensitive columns, one
    /// row per prediction.
    #[arg(long, value_name = "FILE", required_unless_present_any = ["counts", "emit_sql"])]
    data: Option<PathBuf>,
    /// CSV or Parquet file of counts instead of rows: the sensitive, label and prediction columns, a count
    /// column (--count-column) and, with --weights, the weight sum of the rows counted. Counts
    /// are whole numbers >= 0; a combination listed twice adds up.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["data", "emit_sql"])]
    counts: Option<PathBuf>,
    /// The count column of --counts and of the query --emit-sql prints.
    #[arg(long, value_name = "COL", default_value = "count")]
    count_column: String,
    /// Print the SQL query that makes a --counts file from the rows in --table (GROUP BY the
    /// sensitive, label and prediction columns; COUNT(*), and SUM of --weights) and exit.
    #[arg(long, requires = "table", conflicts_with = "data")]
    emit_sql: bool,
    /// The table (or view) of rows that --emit-sql reads; dots separate schema and table.
    #[arg(long, value_name = "NAME", requires = "emit_sql")]
    table: Option<String>,
    /// How --emit-sql quotes identifiers: ansi (double quotes: DuckDB, PostgreSQL, Trino,
    /// Snowflake), spark (backticks: Spark SQL, Hive) or bigquery (backticks, backslash
    /// escapes).
    #[arg(long, value_enum, value_name = "DIALECT", default_value_t = Dialect::Ansi)]
    sql_dialect: Dialect,
    #[command(flatten)]
    columns: ColumnArgs,
    /// Control feature column(s), comma-separated: aggregates and disparities are also reported
    /// within each control level.
    #[arg(long, value_name = "COL[,COL]", value_delimiter = ',')]
    control: Vec<String>,
    /// Bootstrap confidence intervals from N resamples of the rows (at most 1000000; with
    /// --counts, of the rows counted).
    #[arg(long, value_name = "N",
          value_parser = crate::common::count(fairkit_core::limits::BOOTSTRAP, 1))]
    bootstrap: Option<u64>,
    /// Quantiles of the bootstrap intervals, comma-separated, each strictly inside (0, 1).
    #[arg(
        long,
        value_name = "Q,Q",
        value_delimiter = ',',
        default_value = "0.025,0.975",
        value_parser = quantile
    )]
    quantiles: Vec<f64>,
    /// Seed of the bootstrap resampling (same seed, same intervals).
    #[arg(long, value_name = "S", default_value_t = 0)]
    seed: u64,
    /// How differences and ratios compare groups: between groups (max - min, min / max) or each
    /// group to the overall value.
    #[arg(long, value_enum, default_value_t = Method::BetweenGroups)]
    method: Method,
    /// How equalized odds combines its TPR and FPR parts: the worse one, or their mean.
    #[arg(long, value_enum, default_value_t = EoAgg::WorstCase)]
    eo_agg: EoAgg,
    /// What a rate with a zero denominator becomes: 0 (fairlearn) or undefined (null; AIF360).
    #[arg(long, value_enum, default_value_t = ZeroDiv::Zero)]
    zero_division: ZeroDiv,
    /// Groups with fewer rows are flagged `small` and make the four-fifths rule inconclusive.
    #[arg(long, value_name = "N", default_value_t = 30)]
    min_group_size: u64,
    /// Add the consistency score with K nearest neighbours over the feature columns.
    #[arg(long, value_name = "K", value_parser = clap::value_parser!(u64).range(1..),
          conflicts_with = "counts")]
    consistency: Option<u64>,
    /// Feature columns for --consistency, comma-separated (default: every column that is not
    /// the label, prediction, sensitive or weights column).
    #[arg(
        long,
        value_name = "COLS",
        value_delimiter = ',',
        requires = "consistency"
    )]
    features: Option<Vec<String>>,
    /// Keep numeric features as they are for --consistency instead of standardizing them.
    #[arg(long, requires = "consistency")]
    no_standardize: bool,
    /// Column of scores (the predicted probability of the favourable label, in [0, 1]): adds
    /// ROC AUC, average precision, Brier score, log loss and expected calibration error per
    /// group with their differences and ratios (bootstrap intervals with --bootstrap) and a
    /// calibration curve per group, as scikit-learn computes them (docs/metrics.md).
    #[arg(long, value_name = "COL", conflicts_with = "counts")]
    score: Option<String>,
    /// Output format: a table for people, the stable JSON report, or CSV (one row per group and
    /// `overall`, one column per metric; point values only, intervals are in the JSON).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Output file (written atomically); standard output without it.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Also write the report as one self-contained HTML page (tables, per-group bar charts,
    /// calibration curves with --score; no script or network), committed with --out.
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
}

/// Output formats of `assess`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// A table for people.
    Table,
    /// The stable JSON report.
    Json,
    /// One row per group, one column per metric.
    Csv,
}

/// `--sql-dialect`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Dialect {
    /// Double quotes, embedded ones doubled (SQL-92).
    Ansi,
    /// Backticks, embedded ones doubled.
    Spark,
    /// Backticks, backslash escapes.
    Bigquery,
}

/// `--method`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Method {
    /// max - min and min / max over groups.
    #[value(name = "between_groups")]
    BetweenGroups,
    /// The largest gap to the overall value, the smallest ratio to it (folded to <= 1).
    #[value(name = "to_overall")]
    ToOverall,
}

/// `--eo-agg`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum EoAgg {
    /// The larger difference, the smaller ratio.
    #[value(name = "worst_case")]
    WorstCase,
    /// The mean of the two parts.
    Mean,
}

/// `--zero-division`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ZeroDiv {
    /// 0, as fairlearn.
    Zero,
    /// Undefined (null), as AIF360's classic API.
    Nan,
}

fn quantile(s: &str) -> std::result::Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(q) if q > 0.0 && q < 1.0 => Ok(q),
        Ok(q) => Err(format!("{q} is not strictly inside (0, 1)")),
        Err(e) => Err(format!("'{s}' is not a number: {e}")),
    }
}

/// Runs the command.
pub fn run(args: Args) -> Result<ExitCode> {
    if args.emit_sql {
        let columns = CountColumns {
            columns: args.columns.columns(),
            count: args.count_column,
        };
        let dialect = match args.sql_dialect {
            Dialect::Ansi => SqlDialect::Ansi,
            Dialect::Spark => SqlDialect::Spark,
            Dialect::Bigquery => SqlDialect::BigQuery,
        };
        let table = args.table.context("--emit-sql needs --table")?;
        let sql = columns.sql(&table, dialect);
        let mut outputs = Outputs::new();
        let out = claim(&mut outputs, args.out.as_deref(), "--out")?;
        finish(outputs, out, |w| w.write_all(sql.as_bytes()))?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut report = GroupedReport::params()
        .method(match args.method {
            Method::BetweenGroups => Aggregation::BetweenGroups,
            Method::ToOverall => Aggregation::ToOverall,
        })
        .equalized_odds_agg(match args.eo_agg {
            EoAgg::WorstCase => EqualizedOddsAgg::WorstCase,
            EoAgg::Mean => EqualizedOddsAgg::Mean,
        })
        .zero_division(match args.zero_division {
            ZeroDiv::Zero => ZeroDivision::Zero,
            ZeroDiv::Nan => ZeroDivision::NaN,
        })
        .min_group_size(args.min_group_size);
    if let Some(n) = args.bootstrap {
        let n = usize::try_from(n).context("--bootstrap is too large")?;
        report =
            report.bootstrap(BootstrapParams::new(n, args.seed).with_quantiles(args.quantiles));
    }
    let (data, counts) = match (args.data, args.counts) {
        (Some(data), _) => (data, None),
        (None, Some(counts)) => (counts, Some(args.count_column)),
        (None, None) => anyhow::bail!("--data or --counts is needed"),
    };
    let config = AssessConfig {
        data,
        counts,
        layout: args.columns.layout.layout(),
        columns: args.columns.columns(),
        control: args.control,
        report,
        consistency: args.consistency.map(|k| ConsistencyConfig {
            k,
            features: args.features,
            standardize: !args.no_standardize,
        }),
        score: args.score,
    };
    let mut outputs = Outputs::new();
    let out = claim(&mut outputs, args.out.as_deref(), "--out")?;
    let html = claim(&mut outputs, args.html.as_deref(), "--html")?;
    let assessment = assess::run(&config)?;
    let bytes = match args.format {
        Format::Table => assessment.render_table().into_bytes(),
        Format::Json => {
            let mut bytes = serde_json::to_vec_pretty(&assessment)?;
            bytes.push(b'\n');
            bytes
        }
        Format::Csv => assessment.render_csv()?,
    };
    if let Some(id) = html {
        let page = report_html::assessment(&assessment);
        outputs.write(id, |w| w.write_all(page.as_bytes()))?;
    }
    finish(outputs, out, |w| w.write_all(&bytes))?;
    warn(&assessment.input.file, assessment.report.small_groups());
    Ok(ExitCode::SUCCESS)
}
