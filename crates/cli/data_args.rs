//! The flags that choose a run's data: the built-in scenario, a public dataset or any CSV.

use std::path::PathBuf;

use anyhow::{Result, bail};
use fairkit_data::{CsvLayout, DatasetSpec, Delimiter, FileFormat, sim};
use fairkit_harness::data::{DataSource, SplitPolicy};

/// How the data files are laid out: the flags of every command that reads a CSV file.
#[derive(Debug, Clone, clap::Args)]
pub struct LayoutArgs {
    /// Field delimiter of the data files: one character (`;`, `|`, ...) or a name: comma, tab,
    /// semicolon, pipe, space (exactly one space), whitespace (runs of spaces and tabs, as in
    /// UCI's space-separated files).
    #[arg(long, value_name = "CHAR", default_value = "comma")]
    pub delimiter: Delimiter,
    /// The data files have no header row: the first line is data. Name the columns with
    /// --columns; without it they are named c1, c2, ... in field order.
    #[arg(long)]
    pub no_header: bool,
    /// Column names of files without a header row (--no-header), comma-separated, in field
    /// order.
    #[arg(
        long,
        value_name = "NAMES",
        value_delimiter = ',',
        requires = "no_header"
    )]
    pub columns: Option<Vec<String>>,
    /// Format of the data files: auto (Parquet for a directory or a name ending in .parquet or
    /// .pq, CSV otherwise), csv or parquet. A directory is read as a Parquet dataset: every
    /// file in it, hive-style key=value folders adding their keys as columns.
    #[arg(long, value_name = "FORMAT", default_value = "auto")]
    pub data_format: FileFormat,
}

impl LayoutArgs {
    /// The layout the flags describe.
    pub fn layout(&self) -> CsvLayout {
        CsvLayout {
            delimiter: self.delimiter,
            header: !self.no_header,
            columns: self.columns.clone(),
            file_format: self.data_format,
        }
    }
}

/// Where the data comes from and how it is split.
#[derive(Debug, Clone, clap::Args)]
pub struct DataArgs {
    /// Training CSV or Parquet file, or directory of Parquet files (or the only data, split per
    /// seed). Without it, the built-in
    /// `biased-credit` scenario is simulated.
    #[arg(long, value_name = "FILE")]
    pub data: Option<PathBuf>,
    /// Test CSV or Parquet file (or directory); without it, the data is split with --test-size and --seed.
    #[arg(long, value_name = "FILE", requires = "data")]
    pub test: Option<PathBuf>,
    /// A named dataset instead of --data: a simulator scenario (biased-credit, credit), adult
    /// (with --path DIR holding adult.data and adult.test), compas (with --path FILE) or
    /// german (with --path FILE, german.data) [default: biased-credit].
    #[arg(long, value_name = "NAME", conflicts_with = "data")]
    pub dataset: Option<String>,
    /// The directory (adult) or file (compas, german) of a public dataset.
    #[arg(long, value_name = "PATH")]
    pub path: Option<PathBuf>,
    /// Label column of the CSV.
    #[arg(long, value_name = "COL")]
    pub label: Option<String>,
    /// The label value of the favourable outcome (label 1).
    #[arg(long, value_name = "VALUE", default_value = "1")]
    pub positive_label: String,
    /// Sensitive column(s) of the CSV; several form intersectional groups.
    #[arg(long, value_name = "COL[,COL]", value_delimiter = ',')]
    pub sensitive: Vec<String>,
    /// Feature columns (default: every column but the label, sensitive and weights columns).
    #[arg(long, value_name = "COLS", value_delimiter = ',')]
    pub features: Option<Vec<String>>,
    /// Feature columns to one-hot encode even though they hold numbers.
    #[arg(long, value_name = "COLS", value_delimiter = ',')]
    pub categorical: Vec<String>,
    /// Column of non-negative sample weights.
    #[arg(long, value_name = "COL")]
    pub weights: Option<String>,
    /// Keep numeric features as they are (no standardization with training statistics).
    #[arg(long)]
    pub no_standardize: bool,
    /// Share of rows in the test set when the data is split.
    #[arg(long, value_name = "F", default_value_t = 0.3)]
    pub test_size: f64,
    /// Keep the label's base rate in both sides of the split.
    #[arg(long)]
    pub stratify: bool,
    /// Rows to simulate for a scenario, held in memory: at most 100000000, and about 600 bytes
    /// each within the machine's memory (`fairkit simulate` streams more).
    #[arg(long, value_name = "N", default_value_t = sim::DEFAULT_ROWS as u64,
          value_parser = crate::common::rows_in_memory)]
    pub rows: u64,
    #[command(flatten)]
    pub layout: LayoutArgs,
}

impl DataArgs {
    /// The data source and split policy the flags describe. A fixed test set (--test, Adult's
    /// official files, COMPAS's reference split) is used as is unless `resplit`.
    pub fn source(&self, seed: u64, resplit: bool) -> Result<(DataSource, SplitPolicy)> {
        let split = SplitPolicy {
            test_size: self.test_size,
            stratify: self.stratify,
            fixed: !resplit,
        };
        let layout = self.layout.layout();
        let csv_flags_given = self.label.is_some()
            || !self.sensitive.is_empty()
            || self.features.is_some()
            || self.weights.is_some()
            || !layout.is_default();
        let source = match (&self.data, self.dataset.as_deref()) {
            (Some(path), _) => {
                let Some(label) = &self.label else {
                    bail!("--data needs --label COL (the label column)");
                };
                if self.sensitive.is_empty() {
                    bail!("--data needs --sensitive COL[,COL] (the sensitive column or columns)");
                }
                DataSource::Csv {
                    path: path.clone(),
                    test: self.test.clone(),
                    spec: DatasetSpec {
                        positive_label: self.positive_label.clone(),
                        features: self.features.clone(),
                        weights: self.weights.clone(),
                        categorical: self.categorical.clone(),
                        standardize: !self.no_standardize,
                        ..DatasetSpec::new(label, self.sensitive.iter().cloned())
                    },
                    layout,
                }
            }
            (None, Some("adult")) => DataSource::Adult {
                path: self
                    .public_path("adult", "the directory holding adult.data and adult.test")?,
            },
            (None, Some("compas")) => DataSource::Compas {
                path: self.public_path("compas", "compas-scores-two-years.csv")?,
            },
            (None, Some("german")) => DataSource::German {
                path: self.public_path("german", "the german.data file")?,
            },
            (None, name) => {
                if let Some(name) = name.filter(|n| !sim::SCENARIOS.contains(n)) {
                    let mut known = sim::SCENARIOS.to_vec();
                    known.extend(["adult", "compas", "german"]);
                    return Err(fairkit_core::Error::unknown("--dataset", name, &known).into());
                }
                if csv_flags_given {
                    bail!(
                        "--label, --sensitive, --features, --weights, --delimiter, --no-header, \
                         --columns and --data-format describe a data file: give it with --data FILE"
                    );
                }
                DataSource::Scenario {
                    name: name.unwrap_or(sim::DEFAULT_SCENARIO).to_string(),
                    rows: usize::try_from(self.rows)?,
                    seed,
                }
            }
        };
        Ok((source, split))
    }

    fn public_path(&self, name: &str, what: &str) -> Result<PathBuf> {
        match &self.path {
            Some(p) => Ok(p.clone()),
            None => bail!("--dataset {name} needs --path ({what})"),
        }
    }
}
