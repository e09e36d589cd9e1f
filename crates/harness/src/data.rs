//! Where a run's data comes from: the simulator, the public Adult and COMPAS files, or any CSV
//! or Parquet file (a directory of Parquet files included).

use std::path::{Path, PathBuf};

use fairkit_core::limits;
use fairkit_data::{CsvFormat, CsvLayout, DatasetSpec, FileFormat, Prepared, Table, public, sim};
use serde::{Deserialize, Serialize};

use crate::{HarnessError, Result, io};

/// A data source, as named on the command line or in an experiment file.
///
/// In an experiment file (the `[data]` table) every key but the ones a source cannot do
/// without takes the default of the matching flag: `source` is `scenario` (no `--data`),
/// `name` `biased-credit`, `rows` 10,000 and `seed` 0 (`--sim-seed`); a `csv` source needs
/// `path` and a `[data.spec]` with `label` and `sensitive` (`--data`, `--label`,
/// `--sensitive`; the other spec keys default as their flags do), `adult`, `compas` and
/// `german` need `path` (`--path`).
///
/// ```
/// use fairkit_harness::data::DataSource;
///
/// let d: DataSource = toml::from_str("source = \"scenario\"").unwrap();
/// assert_eq!(d, DataSource::default());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(
    tag = "source",
    rename_all = "kebab-case",
    deny_unknown_fields,
    try_from = "RawSource"
)]
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
    /// Statlog German credit: the `german.data` file (split per seed; sensitive `sex` from
    /// attribute 9, see [`fairkit_data::public::german`]).
    German {
        /// The file.
        path: PathBuf,
    },
    /// Any CSV or Parquet file (or directory of Parquet files: by the name, or
    /// `format = "parquet"` under `[data.layout]`), with an optional separate test file.
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

/// The `[data]` table as written: every key optional, checked against its `source` when
/// converted.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    source: Option<String>,
    name: Option<String>,
    rows: Option<usize>,
    seed: Option<u64>,
    path: Option<PathBuf>,
    test: Option<PathBuf>,
    spec: Option<DatasetSpec>,
    layout: Option<CsvLayout>,
}

impl TryFrom<RawSource> for DataSource {
    type Error = String;

    fn try_from(raw: RawSource) -> Result<Self, String> {
        let source = raw.source.as_deref().unwrap_or("scenario");
        let keys: [(&str, bool); 7] = [
            ("name", raw.name.is_some()),
            ("rows", raw.rows.is_some()),
            ("seed", raw.seed.is_some()),
            ("path", raw.path.is_some()),
            ("test", raw.test.is_some()),
            ("spec", raw.spec.is_some()),
            ("layout", raw.layout.is_some()),
        ];
        let allowed: &[&str] = match source {
            "scenario" => &["name", "rows", "seed"],
            "adult" | "compas" | "german" => &["path"],
            "csv" => &["path", "test", "spec", "layout"],
            other => {
                return Err(format!(
                    "key 'source': unknown source {}{}; expected \"scenario\", \"csv\", \
                     \"adult\", \"compas\" or \"german\"",
                    fairkit_core::text::quote(other),
                    fairkit_core::suggest::hint(
                        other,
                        &["scenario", "csv", "adult", "compas", "german"]
                    )
                ));
            }
        };
        if let Some((key, _)) = keys
            .iter()
            .find(|(k, given)| *given && !allowed.contains(k))
        {
            return Err(format!(
                "key '{key}' does not apply to source = \"{source}\" (its keys: {})",
                allowed.join(", ")
            ));
        }
        let needs = |key: &str, what: &str| {
            format!("key '{key}' is missing: source = \"{source}\" needs it ({what})")
        };
        if let Some(rows) = raw.rows {
            fairkit_core::limits::ROWS_IN_MEMORY
                .check_usize("rows", rows)
                .map_err(|e| format!("key 'rows': {e}"))?;
        }
        Ok(match source {
            "scenario" => DataSource::Scenario {
                name: raw.name.unwrap_or_else(|| sim::DEFAULT_SCENARIO.into()),
                rows: raw.rows.unwrap_or(sim::DEFAULT_ROWS),
                seed: raw.seed.unwrap_or(0),
            },
            "adult" => DataSource::Adult {
                path: raw.path.ok_or_else(|| {
                    needs("path", "the directory holding adult.data and adult.test")
                })?,
            },
            "compas" => DataSource::Compas {
                path: raw
                    .path
                    .ok_or_else(|| needs("path", "the compas-scores-two-years.csv file"))?,
            },
            "german" => DataSource::German {
                path: raw
                    .path
                    .ok_or_else(|| needs("path", "the german.data file"))?,
            },
            _ => DataSource::Csv {
                path: raw.path.ok_or_else(|| needs("path", "the CSV file"))?,
                test: raw.test,
                spec: raw.spec.ok_or_else(|| {
                    needs(
                        "spec",
                        "a [data.spec] table with at least label and sensitive, as --label \
                         and --sensitive",
                    )
                })?,
                layout: raw.layout.unwrap_or_default(),
            },
        })
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

/// Whether `path` is read as Parquet under `format`: as given, or by its name
/// ([`FileFormat::Auto`]: a directory or a name ending in `.parquet` / `.pq`).
pub fn is_parquet(path: &Path, format: FileFormat) -> bool {
    match format {
        FileFormat::Parquet => true,
        FileFormat::Csv => false,
        FileFormat::Auto => path.is_dir() || fairkit_columnar::has_parquet_extension(path),
    }
}

/// Reads a data file into a table: a Parquet file or dataset when its name says so
/// ([`is_parquet`] with [`FileFormat::Auto`]), otherwise a CSV file laid out as `format` says;
/// only the columns in `format.select` are kept. Errors name the file.
///
/// # Errors
/// Unreadable files, every CSV error of `fairkit-data` (empty file, ragged rows, ...) and
/// every Parquet error of `fairkit-columnar` (not Parquet, unsupported type, null value, ...).
pub fn read_table(path: &Path, format: &CsvFormat) -> Result<Table> {
    if is_parquet(path, FileFormat::Auto) {
        return crate::parquet::read(path, format.select.as_deref());
    }
    let name = path.display().to_string();
    Ok(Table::from_csv_with(io::open(path)?, &name, format)?)
}

/// Reads a data file laid out as `layout` says (CSV or Parquet: [`CsvLayout::file_format`],
/// by the name unless given) into a table, keeping only the columns in `select` (all without
/// it); errors name the file (and the line or row where known).
///
/// # Errors
/// Unreadable files, column names for a CSV file with a header row, a selected column that is
/// missing, and every CSV or Parquet error (see [`read_table`]).
pub fn read_table_with(
    path: &Path,
    layout: &CsvLayout,
    select: Option<Vec<String>>,
) -> Result<Table> {
    if is_parquet(path, layout.file_format) {
        return crate::parquet::read(path, select.as_deref());
    }
    let format = CsvFormat {
        select,
        ..layout.format()?
    };
    let name = path.display().to_string();
    Ok(Table::from_csv_with(io::open(path)?, &name, &format)?)
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
    /// The name its loaded data has ([`LoadedData::name`]): the scenario, `adult`, `compas`,
    /// `german`, or the CSV file's name.
    pub fn name(&self) -> String {
        match self {
            DataSource::Scenario { name, .. } => name.clone(),
            DataSource::Adult { .. } => "adult".into(),
            DataSource::Compas { .. } => "compas".into(),
            DataSource::German { .. } => "german".into(),
            DataSource::Csv { path, .. } => file_name(path),
        }
    }

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
            DataSource::German { path } => {
                let (train, spec) = public::german(io::open(path)?)?;
                Ok(LoadedData {
                    name: "german".into(),
                    train,
                    test: None,
                    spec,
                })
            }
            DataSource::Csv {
                path,
                test,
                spec,
                layout,
            } => {
                // Both files are read at once; the training file's error comes first.
                let (train, test) = rayon::join(
                    || read_table_with(path, layout, None),
                    || {
                        test.as_deref()
                            .map(|t| read_table_with(t, layout, None))
                            .transpose()
                    },
                );
                Ok(LoadedData {
                    name: file_name(path),
                    train: train?,
                    test: test?,
                    spec: spec.clone(),
                })
            }
        }
    }
}

/// How each seed gets its train and test rows.
///
/// A key missing from an experiment file's `[split]` table takes the default of
/// `fairkit compare`'s flags: `test-size` 0.3, `stratify` false, `fixed` false (a new split
/// per seed, as without `--fixed-split`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct SplitPolicy {
    /// Share of rows in the test set when a split is drawn.
    #[serde(default = "default_test_size")]
    pub test_size: f64,
    /// Keep the base rate in both sets.
    #[serde(default)]
    pub stratify: bool,
    /// Use the source's fixed train/test pair (Adult's official files, COMPAS's reference
    /// split, `--test`) for every seed instead of drawing a split per seed.
    #[serde(default)]
    pub fixed: bool,
}

fn default_test_size() -> f64 {
    0.3
}

impl Default for SplitPolicy {
    fn default() -> Self {
        Self {
            test_size: default_test_size(),
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
                // Encoded once as a pair first, so that a bad cell is reported with its own
                // file and line (the pooled table numbers its rows anew).
                Prepared::from_tables(&self.spec, &self.train, test)?;
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

impl LoadedData {
    /// `e` with the file and line of the first row it concerns, where it names a group by its
    /// values ([`fairkit_core::Error::GroupNotInTraining`]): the rows are searched in the
    /// training table, then the test table.
    pub fn locate(&self, mut e: HarnessError) -> HarnessError {
        if let HarnessError::Input(fairkit_core::Error::GroupNotInTraining {
            values, location, ..
        }) = &mut e
            && location.is_empty()
            && let Some((table, i)) = self.find_group(values)
        {
            *location = format!(
                "{}: line {}, row {}, column(s) {}: ",
                table.file(),
                table.line(i),
                i + 1,
                fairkit_core::text::quote(&self.spec.sensitive.join(","))
            );
        }
        e
    }

    /// Whether [`locate`](Self::locate) would add a location to `e` given the tables (it
    /// names a group by its values and no location yet).
    pub fn locatable(e: &HarnessError) -> bool {
        matches!(
            e,
            HarnessError::Input(fairkit_core::Error::GroupNotInTraining { location, .. })
                if location.is_empty()
        )
    }

    /// The table and row of the first row whose sensitive values are `values`.
    fn find_group(&self, values: &[String]) -> Option<(&Table, usize)> {
        std::iter::once(&self.train)
            .chain(self.test.as_ref())
            .find_map(|table| {
                let columns: Vec<_> = self
                    .spec
                    .sensitive
                    .iter()
                    .map(|c| table.column(c).ok())
                    .collect::<Option<_>>()?;
                (0..table.n_rows())
                    .find(|&i| columns.iter().zip(values).all(|(c, v)| c.get(i) == v))
                    .map(|i| (table, i))
            })
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
