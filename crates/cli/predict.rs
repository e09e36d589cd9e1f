//! `fairkit predict`: predict the rows of a CSV file with a saved model.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, bail};
use clap::ValueEnum;
use fairkit_data::Table;
use fairkit_harness::data::read_table_with;
use fairkit_harness::io::Outputs;
use fairkit_harness::model::{Predictions, SavedModel};
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use crate::common::{claim, finish};
use crate::data_args::LayoutArgs;

/// What `fairkit predict --help` adds after the options.
const HELP: &str = "\
The model file comes from `fairkit train` or `fairkit mitigate` (--save-model FILE). It records
its format (fairkit-model) and version, and a file of another version, or one whose parts do
not agree (edited or damaged), is refused with exit status 2.

The rows are encoded exactly as the model's training data was (the saved one-hot levels and
standardization; a categorical level unseen in training becomes all zeros), so the file needs
the model's feature and sensitive columns; a label column is not needed and is ignored. A
group unseen in training is an error for methods that use groups (every mitigation but
reweighing), not for the baseline.

Output, one line per input row: `row` (the 1-based row number; with --keep, the kept columns
instead), the sensitive columns, `score` (increases with the positive class: the model's
probability, or the expected probability for randomized methods), `expected` (the
probability of a positive prediction: 0 or 1 for deterministic methods) and `pred` (the
predicted label, in the label column's values). Randomized methods (exponentiated gradient,
threshold optimizer) sample `pred` with --seed: the seed of the `mitigate` run that saved the
model gives the same labels on the same rows.";

/// Predict the rows of a CSV file with a saved model (`--help` shows [`HELP`]).
#[derive(Debug, clap::Args)]
#[command(after_long_help = HELP)]
pub struct Args {
    /// The model file (written by --save-model).
    #[arg(long, value_name = "FILE")]
    model: PathBuf,
    /// CSV or Parquet file (or dataset directory) of the rows to predict.
    #[arg(long, value_name = "FILE")]
    data: PathBuf,
    /// Seed of the sampled labels of randomized methods.
    #[arg(long, value_name = "S", default_value_t = 0)]
    seed: u64,
    /// Columns of the data to copy into the output (instead of the row number).
    #[arg(long, value_name = "COLS", value_delimiter = ',')]
    keep: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Csv)]
    format: OutputFormat,
    /// Output file (written atomically); standard output without it.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    #[command(flatten)]
    layout: LayoutArgs,
}

/// Output format of the predictions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum OutputFormat {
    /// One CSV line per row, with a header.
    Csv,
    /// `{"method", "estimator", "fairkit_version", "rows": [{column: value}]}`.
    Json,
}

/// Runs the command.
pub fn run(args: Args) -> Result<ExitCode> {
    let mut outputs = Outputs::new();
    let out = claim(&mut outputs, args.out.as_deref(), "--out")?;
    let model = SavedModel::load(&args.model)?;
    let table = read_table_with(&args.data, &args.layout.layout(), None)?;
    let predictions = model.predict(&table, args.seed)?;
    let output = Output::new(&model, &table, &predictions, &args.keep)?;
    let bytes = match args.format {
        OutputFormat::Csv => output.csv()?,
        OutputFormat::Json => serde_json::to_vec_pretty(&output)?,
    };
    finish(outputs, out, |w| w.write_all(&bytes))?;
    Ok(ExitCode::SUCCESS)
}

/// The output table: text columns copied from the data, then the predictions.
struct Output<'a> {
    model: &'a SavedModel,
    /// Copied columns: the row number or the kept columns, then the sensitive columns.
    text: Vec<(String, Vec<String>)>,
    predictions: &'a Predictions,
}

impl<'a> Output<'a> {
    fn new(
        model: &'a SavedModel,
        table: &Table,
        predictions: &'a Predictions,
        keep: &[String],
    ) -> Result<Self> {
        let mut text: Vec<(String, Vec<String>)> = Vec::new();
        if keep.is_empty() {
            text.push((
                "row".into(),
                (1..=table.n_rows()).map(|i| i.to_string()).collect(),
            ));
        }
        for name in keep.iter().chain(&model.encoder.spec().sensitive) {
            if text.iter().any(|(n, _)| n == name) {
                continue;
            }
            if ["score", "expected", "pred"].contains(&name.as_str()) {
                bail!("--keep {name}: the output has its own '{name}' column");
            }
            let values = table.column(name)?.iter().map(str::to_string).collect();
            text.push((name.clone(), values));
        }
        Ok(Self {
            model,
            text,
            predictions,
        })
    }

    fn label(&self, pred: bool) -> &str {
        let encoder = &self.model.encoder;
        if pred {
            encoder.positive_label()
        } else {
            encoder.negative_label()
        }
    }

    fn csv(&self) -> Result<Vec<u8>> {
        let mut out = csv::Writer::from_writer(Vec::new());
        let mut header: Vec<&str> = self.text.iter().map(|(n, _)| n.as_str()).collect();
        header.extend(["score", "expected", "pred"]);
        out.write_record(&header)?;
        let p = self.predictions;
        for i in 0..p.score.len() {
            let mut row: Vec<String> = self.text.iter().map(|(_, v)| v[i].clone()).collect();
            row.extend([
                p.score[i].to_string(),
                p.expected[i].to_string(),
                self.label(p.predicted[i]).to_string(),
            ]);
            out.write_record(&row)?;
        }
        Ok(out.into_inner()?)
    }
}

impl Serialize for Output<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let m = self.model;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("method", &m.method.name())?;
        map.serialize_entry("method_params", &m.method)?;
        match m.method.score_column() {
            Some(column) => map.serialize_entry("score_column", column)?,
            None => map.serialize_entry("estimator", &m.estimator)?,
        }
        map.serialize_entry("fairkit_version", &m.fairkit_version)?;
        let rows: Vec<Row<'_>> = (0..self.predictions.score.len())
            .map(|i| Row { output: self, i })
            .collect();
        map.serialize_entry("rows", &rows)?;
        map.end()
    }
}

/// One output row as a JSON object, in column order.
struct Row<'a> {
    output: &'a Output<'a>,
    i: usize,
}

impl Serialize for Row<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let (o, i) = (self.output, self.i);
        let p = o.predictions;
        let mut map = serializer.serialize_map(None)?;
        for (name, values) in &o.text {
            map.serialize_entry(name, &values[i])?;
        }
        map.serialize_entry("score", &p.score[i])?;
        map.serialize_entry("expected", &p.expected[i])?;
        map.serialize_entry("pred", o.label(p.predicted[i]))?;
        map.end()
    }
}
