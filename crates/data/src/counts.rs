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

use crate::predictions::{FeatureColumns, PredictionColumns, Predictions};
use crate::{DataError, Result, Table};

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
