//! Pre-aggregated predictions (docs/counts.md): each row of the table stands for `count` rows
//! of the raw predictions sharing its sensitive values, label and prediction, and with
//! weights its weight column holds their weight sum. `fairkit assess --counts` reads them; a
//! SQL `GROUP BY` ([`sql`]) or `fairkit monitor --emit-counts` writes them.
//!
//! ```
//! use fairkit_data::Table;
//! use fairkit_data::counts::CountColumns;
//! use fairkit_data::predictions::PredictionColumns;
//!
//! let table = Table::from_csv(&b"g,y,p,count\na,1,1,3\na,0,0,2\nb,1,0,4\n"[..], "c.csv")?;
//! let columns = CountColumns::new(PredictionColumns::new("y", "p", ["g"]));
//! let read = columns.encode(&table)?;
//! assert_eq!(read.counts, [3, 2, 4]);
//! assert_eq!(read.predictions.predicted, [true, false, false]);
//! # Ok::<(), fairkit_data::DataError>(())
//! ```

use std::collections::HashMap;
use std::io::Read;

use fairkit_core::moments::WeightMoments;
use foldhash::fast::FixedState;

use crate::predictions::{FeatureColumns, PredictionColumns, Predictions};
use crate::table::{BLOCK, Row, scan_csv};
use crate::{CsvFormat, DataError, Result, Table};

/// The largest count a row may hold: 2^53, so that every count and every sum of counts up to
/// it is an exact `f64` as well.
pub const MAX_COUNT: u64 = 1 << 53;

/// Where pre-aggregated predictions are in a table: the usual prediction columns (the weights
/// column, if any, holds weight sums) and the count column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountColumns {
    /// Label, prediction, sensitive and weight-sum columns.
    pub columns: PredictionColumns,
    /// The column of row counts (`count` by default).
    pub count: String,
}

/// Pre-aggregated predictions read from a table.
#[derive(Debug, Clone)]
pub struct Counts {
    /// The labels, predictions, groups and weight sums of each listed row, encoded as the raw
    /// rows would be.
    pub predictions: Predictions,
    /// How many rows each listed row stands for.
    pub counts: Vec<u64>,
}

impl CountColumns {
    /// The `columns` with the count column `count`.
    pub fn new(columns: PredictionColumns) -> Self {
        CountColumns {
            columns,
            count: "count".to_string(),
        }
    }

    /// The columns to keep when reading the file: the roles and the count column.
    pub fn select(&self) -> Vec<String> {
        let mut roles = self.columns.roles();
        roles.push(self.count.clone());
        roles
    }

    /// Encodes `table`: labels, predictions, groups and weight sums exactly as
    /// [`PredictionColumns::encode`] encodes raw rows (so the groups and label classes are the
    /// raw rows' when the same values appear), and the counts.
    ///
    /// # Errors
    /// Those of [`PredictionColumns::encode`]; the count column doubling as another column; a
    /// count that is not a whole number in `0..=2^53` (a number such as `3.0` is read as 3); a
    /// positive weight sum on a count of 0. Each names the file, line, row and column.
    pub fn encode(&self, table: &Table) -> Result<Counts> {
        let c = &self.columns;
        let roles = [(&c.label, "label"), (&c.prediction, "prediction")]
            .into_iter()
            .chain(c.sensitive.iter().map(|s| (s, "sensitive")))
            .chain(c.weights.iter().map(|w| (w, "weights")));
        for (column, role) in roles {
            if *column == self.count {
                return Err(DataError::CountIsRole {
                    column: column.clone(),
                    role: role.to_string(),
                });
            }
        }
        let counts = counts(table, &self.count)?;
        let predictions = c.encode(table, &FeatureColumns::None, false)?;
        if let (Some(name), Some(w)) = (&c.weights, predictions.data.weights())
            && let Some(i) = (0..counts.len()).find(|&i| counts[i] == 0 && w[i] != 0.0)
        {
            return Err(DataError::WeightWithoutRows {
                file: table.file().to_string(),
                line: table.line(i),
                row: i + 1,
                column: name.clone(),
                value: table.column(name)?.get(i).to_string(),
            });
        }
        Ok(Counts {
            predictions,
            counts,
        })
    }
}

/// The counts in `column`: whole numbers in `0..=2^53`, written as integers or as numbers
/// equal to one (`3.0`, `3e2`).
fn counts(table: &Table, column: &str) -> Result<Vec<u64>> {
    let values = table.column(column)?;
    let mut out = Vec::with_capacity(values.len());
    for (i, v) in values.iter().enumerate() {
        let t = v.trim();
        let n = match t.parse::<u64>() {
            Ok(n) => Some(n),
            Err(_) => t
                .parse::<f64>()
                .ok()
                .filter(|x| x.fract() == 0.0 && (0.0..=MAX_COUNT as f64).contains(x))
                .map(|x| x as u64),
        };
        match n {
            Some(n) if n <= MAX_COUNT => out.push(n),
            _ => {
                return Err(DataError::BadCount {
                    file: table.file().to_string(),
                    line: table.line(i),
                    row: i + 1,
                    column: column.to_string(),
                    value: v.to_string(),
                });
            }
        }
    }
    Ok(out)
}

/// How a SQL engine quotes identifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SqlDialect {
    /// SQL-92 delimited identifiers: `"name"`, embedded `"` doubled (DuckDB, PostgreSQL,
    /// Trino, Snowflake, SQLite; Spark SQL with `spark.sql.ansi.doubleQuotedIdentifiers`).
    #[default]
    Ansi,
    /// Backticks, embedded backticks doubled (Spark SQL and Hive by default, MySQL).
    Spark,
    /// Backticks, embedded backticks and backslashes escaped with a backslash (BigQuery, where
    /// double quotes delimit strings).
    BigQuery,
}

impl SqlDialect {
    /// `name` as a delimited identifier, so that any column name works.
    ///
    /// ```
    /// use fairkit_data::counts::SqlDialect;
    /// assert_eq!(SqlDialect::Ansi.quote("a\"b"), "\"a\"\"b\"");
    /// assert_eq!(SqlDialect::Spark.quote("a`b"), "`a``b`");
    /// assert_eq!(SqlDialect::BigQuery.quote("a`b\\c"), "`a\\`b\\\\c`");
    /// ```
    pub fn quote(self, name: &str) -> String {
        match self {
            SqlDialect::Ansi => format!("\"{}\"", name.replace('"', "\"\"")),
            SqlDialect::Spark => format!("`{}`", name.replace('`', "``")),
            SqlDialect::BigQuery => {
                format!("`{}`", name.replace('\\', "\\\\").replace('`', "\\`"))
            }
        }
    }
}

impl CountColumns {
    /// The SQL query that aggregates raw predictions in table `table` into the counts
    /// [`CountColumns::encode`] reads: `SELECT <sensitive>, <label>, <prediction>, COUNT(*) AS
    /// <count>[, SUM(<weights>) AS <weights>] FROM <table> GROUP BY <sensitive>, <label>,
    /// <prediction>`. Every identifier is delimited in `dialect`'s way, so any column name works;
    /// `table` is split at dots into a qualified name (`db.preds` is `"db"."preds"`), each part
    /// delimited on its own.
    ///
    /// ```
    /// use fairkit_data::counts::{CountColumns, SqlDialect};
    /// use fairkit_data::predictions::PredictionColumns;
    ///
    /// let columns = CountColumns::new(PredictionColumns::new("y", "p", ["sex", "ra\"ce"]));
    /// assert_eq!(
    ///     columns.sql("preds", SqlDialect::Ansi),
    ///     "SELECT \"sex\", \"ra\"\"ce\", \"y\", \"p\", COUNT(*) AS \"count\"\nFROM \"preds\"\nGROUP BY \"sex\", \"ra\"\"ce\", \"y\", \"p\";\n"
    /// );
    /// ```
    pub fn sql(&self, table: &str, dialect: SqlDialect) -> String {
        let q = |c: &str| dialect.quote(c);
        let c = &self.columns;
        let keys: Vec<String> = c
            .sensitive
            .iter()
            .chain([&c.label, &c.prediction])
            .map(|name| q(name))
            .collect();
        let keys = keys.join(", ");
        let mut select = format!("{keys}, COUNT(*) AS {}", q(&self.count));
        if let Some(w) = &c.weights {
            let w = q(w);
            select.push_str(&format!(", SUM({w}) AS {w}"));
        }
        let from: Vec<String> = table.split('.').map(q).collect();
        format!(
            "SELECT {select}\nFROM {}\nGROUP BY {keys};\n",
            from.join(".")
        )
    }
}

/// Per-cell row counts and weight sums of raw predictions, accumulated without holding the
/// rows (docs/counts.md#streaming): a cell is one combination of the key columns' values (the
/// sensitive values, label and prediction, and any control values), kept as the raw text.
///
/// Readers fill one accumulator per block of rows ([`add`](Self::add)), possibly in
/// parallel, and [`merge`](Self::merge) them in file order; [`finish`](Self::finish) gives the
/// table of cells that [`CountColumns::encode`] reads, one row per cell in order of first
/// appearance, each on the line of its first row, so that an error about a value names where it
/// first occurs. Counts are exact; weight sums are added block by block in a fixed order, so
/// the same blocks give the same bits on any thread count.
///
/// ```
/// use fairkit_data::counts::CellAccumulator;
///
/// let mut a = CellAccumulator::new(2, false);
/// a.add(2, [&b"x"[..], b"1"], 1.0);
/// let mut b = CellAccumulator::new(2, false);
/// b.add(3, [&b"y"[..], b"0"], 1.0);
/// b.add(4, [&b"x"[..], b"1"], 1.0);
/// a.merge(b);
/// let t = a.finish("p.csv", &["g".into(), "y".into()], "count", None)?;
/// assert_eq!(t.column("count")?.iter().collect::<Vec<_>>(), ["2", "1"]);
/// assert_eq!((t.line(0), t.line(1)), (2, 3));
/// # Ok::<(), fairkit_data::DataError>(())
/// ```
#[derive(Debug, Clone)]
pub struct CellAccumulator {
    n_keys: usize,
    weighted: bool,
    /// Cell index by encoded key (each value's length, then its bytes).
    index: HashMap<Box<[u8]>, usize, FixedState>,
    cells: Vec<Cell>,
    rows: u64,
    /// Reused to encode a row's key.
    scratch: Vec<u8>,
}

/// One cell: its encoded key, rows, weight sums and the line of its first row.
#[derive(Debug, Clone)]
struct Cell {
    key: Box<[u8]>,
    count: u64,
    weight: WeightMoments,
    line: u64,
}

impl CellAccumulator {
    /// An empty accumulator of cells keyed by `n_keys` values, with weight sums when
    /// `weighted`.
    pub fn new(n_keys: usize, weighted: bool) -> Self {
        CellAccumulator {
            n_keys,
            weighted,
            index: HashMap::with_hasher(FixedState::default()),
            cells: Vec::new(),
            rows: 0,
            scratch: Vec::new(),
        }
    }

    /// Adds one row, read from `line`, with its `n_keys` key values and its weight (ignored
    /// unless weighted).
    pub fn add<'a>(&mut self, line: u64, keys: impl IntoIterator<Item = &'a [u8]>, weight: f64) {
        self.scratch.clear();
        for value in keys {
            // Lengths first: no two different value lists share an encoding.
            self.scratch
                .extend_from_slice(&(value.len() as u64).to_le_bytes());
            self.scratch.extend_from_slice(value);
        }
        self.add_encoded(line, 1, weight);
    }

    /// Adds `count` rows, read from `line` on (the first of them), with their `n_keys` key
    /// values and the sums of their weights (ignored unless weighted): what a reader that
    /// counts a block of rows itself (a Parquet row group) hands over.
    pub fn add_counted<'a>(
        &mut self,
        line: u64,
        keys: impl IntoIterator<Item = &'a [u8]>,
        count: u64,
        weight: &WeightMoments,
    ) {
        self.scratch.clear();
        for value in keys {
            self.scratch
                .extend_from_slice(&(value.len() as u64).to_le_bytes());
            self.scratch.extend_from_slice(value);
        }
        self.add_moments(line, count, weight);
    }

    fn add_encoded(&mut self, line: u64, count: u64, weight: f64) {
        let mut one = WeightMoments::default();
        if self.weighted {
            one.add(weight);
        }
        self.add_moments(line, count, &one);
    }

    fn add_moments(&mut self, line: u64, count: u64, weight: &WeightMoments) {
        self.rows += count;
        let weighted = self.weighted;
        match self.index.get(&self.scratch[..]) {
            Some(&c) => {
                let cell = &mut self.cells[c];
                cell.count += count;
                if weighted {
                    cell.weight.merge(weight);
                }
            }
            None => {
                let key: Box<[u8]> = self.scratch.as_slice().into();
                self.index.insert(key.clone(), self.cells.len());
                self.cells.push(Cell {
                    key,
                    count,
                    weight: if weighted {
                        *weight
                    } else {
                        WeightMoments::default()
                    },
                    line,
                });
            }
        }
    }

    /// Adds the cells of `later`, whose rows come after this accumulator's in the file.
    pub fn merge(&mut self, later: CellAccumulator) {
        for cell in later.cells {
            self.scratch.clear();
            self.scratch.extend_from_slice(&cell.key);
            self.add_moments(cell.line, cell.count, &cell.weight);
        }
    }

    /// The rows added.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// The cells so far.
    pub fn n_cells(&self) -> usize {
        self.cells.len()
    }

    /// The cells as a table of counts: the key columns named `names`, the row counts in column
    /// `count` and, when weighted, the weight sums in column `weights` (written so that they
    /// read back to the same bits). Each row is on the line of its cell's first row.
    ///
    /// # Errors
    /// A key value that is not UTF-8 ([`DataError::NonUtf8`] at the cell's first line), no
    /// rows ([`DataError::HeaderOnly`]), names that are not distinct or not `n_keys` long.
    pub fn finish(
        self,
        file: &str,
        names: &[String],
        count: &str,
        weights: Option<&str>,
    ) -> Result<Table> {
        self.finish_with(file, names, count, weights, None)
    }

    /// As [`finish`](Self::finish), with, when weighted and `variances` names a column, the
    /// population variance of each cell's weights in it (0 when they are all equal): what the
    /// bootstrap over cells needs to keep the spread of weights within a cell
    /// (docs/counts.md#bootstrap-from-cells).
    ///
    /// # Errors
    /// As [`finish`](Self::finish).
    pub fn finish_with(
        self,
        file: &str,
        names: &[String],
        count: &str,
        weights: Option<&str>,
        variances: Option<&str>,
    ) -> Result<Table> {
        fairkit_core::Error::check_len("key names", self.n_keys, names.len())?;
        let variances = variances.filter(|_| weights.is_some());
        let mut header = names.to_vec();
        header.push(count.to_string());
        header.extend(weights.map(str::to_string));
        header.extend(variances.map(str::to_string));
        let mut columns: Vec<Vec<String>> =
            vec![Vec::with_capacity(self.cells.len()); header.len()];
        for cell in &self.cells {
            let mut rest = &cell.key[..];
            for (j, column) in columns.iter_mut().take(self.n_keys).enumerate() {
                let (len, tail) = rest.split_at(8);
                let len = u64::from_le_bytes(len.try_into().unwrap_or_default()) as usize;
                let (value, tail) = tail.split_at(len);
                rest = tail;
                let value = std::str::from_utf8(value).map_err(|_| DataError::NonUtf8 {
                    file: file.to_string(),
                    line: cell.line,
                    column: j + 1,
                })?;
                column.push(value.to_string());
            }
            columns[self.n_keys].push(cell.count.to_string());
            if weights.is_some() {
                columns[self.n_keys + 1].push(cell.weight.sum.to_string());
            }
            if variances.is_some() {
                columns[self.n_keys + 2].push(cell.weight.variance(cell.count).to_string());
            }
        }
        let lines = self.cells.iter().map(|c| c.line).collect();
        Table::from_columns_at(file, header, &columns, lines)
    }
}

/// Reads raw predictions from CSV into per-cell counts without holding the rows: the file is
/// read in blocks, the blocks are counted in parallel and merged in file order
/// (docs/counts.md#streaming). `keys` are the key columns (sensitive, label, prediction,
/// control; each once) and `weights` the weights column.
///
/// # Errors
/// The CSV errors of [`Table::from_csv_with`] (file, line, row and column), a missing column,
/// and a weight that is empty, not a finite number or negative.
pub fn accumulate_csv(
    reader: impl Read,
    file: &str,
    format: &CsvFormat,
    keys: &[String],
    weights: Option<&str>,
) -> Result<CellAccumulator> {
    accumulate_blocks(reader, file, format, keys, weights, BLOCK)
}

/// [`accumulate_csv`] in blocks of `block` bytes.
fn accumulate_blocks(
    reader: impl Read,
    file: &str,
    format: &CsvFormat,
    keys: &[String],
    weights: Option<&str>,
    block: usize,
) -> Result<CellAccumulator> {
    let mut select = keys.to_vec();
    select.extend(weights.map(str::to_string));
    let format = CsvFormat {
        select: Some(select),
        ..format.clone()
    };
    let weighted = weights.is_some();
    // Kept columns are in file order: each block finds the place of every role among them.
    let init = |kept: &[String]| {
        let at = |name: &str| kept.iter().position(|k| k == name).unwrap_or(0);
        Block {
            cells: CellAccumulator::new(keys.len(), weighted),
            keys: keys.iter().map(|k| at(k)).collect(),
            weights: weights.map(at),
        }
    };
    let visit = |b: &mut Block, line: u64, row: usize, fields: &Row<'_>| {
        let weight = match (b.weights, weights) {
            (Some(j), Some(name)) => weight(fields.get(j), file, line, row, name)?,
            _ => 1.0,
        };
        let Block { cells, keys, .. } = b;
        cells.add(line, keys.iter().map(|&k| fields.get(k)), weight);
        Ok(())
    };
    let mut total = CellAccumulator::new(keys.len(), weighted);
    scan_csv(reader, file, &format, block, init, visit, |b| {
        total.merge(b.cells)
    })?;
    Ok(total)
}

/// A block's cells and where the roles are among the kept columns.
struct Block {
    cells: CellAccumulator,
    keys: Vec<usize>,
    weights: Option<usize>,
}

/// A row's weight: a finite, non-negative number (the checks of the encoder's weights, one
/// row at a time).
fn weight(raw: &[u8], file: &str, line: u64, row: usize, column: &str) -> Result<f64> {
    let text = String::from_utf8_lossy(raw);
    let at = || (file.to_string(), line, row, column.to_string());
    if text.trim().is_empty() {
        let (file, line, row, column) = at();
        return Err(DataError::EmptyValue {
            file,
            line,
            row,
            column,
        });
    }
    match crate::encode::number(&text) {
        Some(x) if x.is_finite() && x >= 0.0 => Ok(x),
        Some(x) if x.is_finite() => {
            let (file, line, row, column) = at();
            Err(DataError::NegativeWeight {
                file,
                line,
                row,
                column,
                value: text.into_owned(),
            })
        }
        Some(_) => {
            let (file, line, row, column) = at();
            Err(DataError::NonFinite {
                file,
                line,
                row,
                column,
                value: text.into_owned(),
            })
        }
        None => {
            let (file, line, row, column) = at();
            Err(DataError::NonNumeric {
                file,
                line,
                row,
                column,
                value: text.into_owned(),
                hint: String::new(),
            })
        }
    }
}
