//! Where a run's data comes from: the simulator, the public Adult and COMPAS files, or any CSV.

use std::path::{Path, PathBuf};

use fairkit_core::limits;
use fairkit_data::{CsvFormat, CsvLayout, DatasetSpec, Prepared, Table, public, sim};
use serde::{Deserialize, Serialize};

use crate::{Result, io};

/// A data source, as named on the command line or in an experiment file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "source", rename_all = "kebab-case", deny_unknown_fields)]
pub enum DataSource {
    /// A simulator scenario (the built-in default data is `biased-credit`).
    Scenario {
        /// Scenario name, e.g. `biased-credit`.
        name: String,
        /// Rows to simulate.
        rows: usize,
        /// Simulator seed (separate from the split seeds).
        seed: u64,
    },
    /// UCI Adult: the directory holding `adult.data` and `adult.test`.
    Adult {
        /// The directory.
        path: PathBuf,
    },
    /// ProPublica COMPAS: the `compas-scores-two-years.csv` file.
    Compas {
        /// The file.
        path: PathBuf,
    },
    /// Any CSV file, with an optional separate test file.
    Csv {
        /// The training (or only) file.
        path: PathBuf,
        /// The test file; without it each seed splits `path`.
        test: Option<PathBuf>,
        /// Which columns are the label, the sensitive attributes, the features and the weights.
        spec: DatasetSpec,
        /// The files' delimiter and header (comma-separated with a header row by default).
        #[serde(default)]
        layout: CsvLayout,
    },
}

impl Default for DataSource {
    fn default() -> Self {
        DataSource::Scenario {
            name: sim::DEFAULT_SCENARIO.into(),
            rows: sim::DEFAULT_ROWS,
            seed: 0,
        }
    }
}

/// Raw tables of a loaded source: one table to be split per seed, or a fixed train/test pair.
#[derive(Debug, Clone)]
pub struct LoadedData {
    /// A short name for reports, e.g. `biased-credit` or the file name.
    pub name: String,
    /// The training table (all rows when there is no fixed test table).
    pub train: Table,
    /// The fixed test table, if the source has one.
    pub test: Option<Table>,
    /// How the tables are encoded.
    pub spec: DatasetSpec,
}

/// Reads a CSV file laid out as `format` says into a table; errors name the file.
///
/// # Errors
/// Unreadable files and every CSV error of `fairkit-data` (empty file, ragged rows, ...).
pub fn read_table(path: &Path, format: &CsvFormat) -> Result<Table> {
    let name = path.display().to_string();
    Ok(Table::from_csv_with(io::open(path)?, &name, format)?)
}

/// `rows` if a simulated table of that many rows may be held in memory: at most
/// [`limits::ROWS_IN_MEMORY`], and planned at [`limits::BYTES_PER_ROW_IN_MEMORY`] each within
/// the machine's memory. `name` is the flag or key that gave the count (`--rows`, `rows`).
///
/// # Errors
/// [`fairkit_core::Error::InvalidParameter`] naming `name` and the limit.
pub fn scenario_rows(name: &str, rows: usize) -> Result<usize> {
    limits::ROWS_IN_MEMORY.check_usize(name, rows)?;
    limits::check_memory(name, rows as u64, limits::BYTES_PER_ROW_IN_MEMORY, None)?;
    Ok(rows)
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

impl DataSource {
    /// Reads (or simulates) the raw tables.
    ///
    /// # Errors
    /// Unreadable files and every data error of `fairkit-data`, naming file, row and column.
    pub fn load(&self) -> Result<LoadedData> {
        match self {
            DataSource::Scenario { name, rows, seed } => Ok(LoadedData {
                train: sim::simulate(name, scenario_rows("rows", *rows)?, *seed)?,
                name: name.clone(),
                test: None,
                spec: sim::spec(name)?,
            }),
            DataSource::Adult { path } => {
                let data = public::adult(
                    io::open(&path.join("adult.data"))?,
                    io::open(&path.join("adult.test"))?,
                )?;
                Ok(LoadedData {
                    name: "adult".into(),
                    train: data.train,
                    test: Some(data.test),
                    spec: data.spec,
                })
            }
            DataSource::Compas { path } => {
                let data = public::compas(io::open(path)?)?;
                Ok(LoadedData {
                    name: "compas".into(),
                    train: data.train,
                    test: Some(data.test),
                    spec: data.spec,
                })
            }
            DataSource::Csv {
                path,
                test,
                spec,
                layout,
            } => {
                let format = layout.format()?;
                Ok(LoadedData {
                    name: file_name(path),
                    train: read_table(path, &format)?,
                    test: test
                        .as_deref()
                        .map(|t| read_table(t, &format))
                        .transpose()?,
                    spec: spec.clone(),
                })
            }
        }
    }
}

/// How each seed gets its train and test rows.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct SplitPolicy {
    /// Share of rows in the test set when a split is drawn.
    pub test_size: f64,
    /// Keep the base rate in both sets.
    pub stratify: bool,
    /// Use the source's fixed train/test pair (Adult's official files, COMPAS's reference
    /// split, `--test`) for every seed instead of drawing a split per seed.
    pub fixed: bool,
}

impl Default for SplitPolicy {
    fn default() -> Self {
        Self {
            test_size: 0.3,
            stratify: false,
            fixed: true,
        }
    }
}

impl LoadedData {
    /// Encodes the train and test rows for one seed. A fixed pair is used as is when the policy
    /// says so; otherwise the rows (a fixed pair pooled) are split with `seed`. The encoder is
    /// always fitted on the training rows only.
    ///
    /// # Errors
    /// Every encoding error of `fairkit-data`.
    pub fn prepare(&self, split: &SplitPolicy, seed: u64) -> Result<Prepared> {
        match (&self.test, split.fixed) {
            (Some(test), true) => Ok(Prepared::from_tables(&self.spec, &self.train, test)?),
            (Some(test), false) => {
                let pooled = concat(&self.train, test)?;
                Ok(Prepared::split(
                    &self.spec,
                    &pooled,
                    split.test_size,
                    seed,
                    split.stratify,
                )?)
            }
            (None, _) => Ok(Prepared::split(
                &self.spec,
                &self.train,
                split.test_size,
                seed,
                split.stratify,
            )?),
        }
    }
}

/// The rows of `a` followed by the rows of `b` (same header).
fn concat(a: &Table, b: &Table) -> Result<Table> {
    if a.header() != b.header() {
        return Err(fairkit_core::Error::invalid(
            "test",
            b.file(),
            &format!("has other columns than {}", a.file()),
        )
        .into());
    }
    let columns: Vec<Vec<&str>> = (0..a.n_columns())
        .map(|j| a.column_at(j).iter().chain(b.column_at(j).iter()).collect())
        .collect();
    Ok(Table::from_columns(
        &format!("{} + {}", a.file(), b.file()),
        a.header().to_vec(),
        &columns,
    )?)
}
