use thiserror::Error;

/// Result alias with [`DataError`].
pub type Result<T, E = DataError> = std::result::Result<T, E>;

/// What is wrong with a data file or a data request.
///
/// Every variant that concerns a file names it (`file`, the source name given by the caller) and,
/// where known, the 1-based line of the file, the 1-based data row (the header is not a row) and
/// the column, so that the message can be shown to the user as is.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum DataError {
    /// An error of the shared vocabulary (lengths, weights, unseen groups, parameters).
    #[error(transparent)]
    Core(#[from] fairkit_core::Error),
    /// The file could not be read (an I/O error or malformed CSV quoting).
    #[error("{file}: cannot read{}: {message}", at_line(*line))]
    Read {
        /// The source name.
        file: String,
        /// 1-based line, when known.
        line: Option<u64>,
        /// The reader's message.
        message: String,
    },
    /// Writing a table failed.
    #[error("cannot write the table: {message}")]
    Write {
        /// The writer's message.
        message: String,
    },
    /// The file holds nothing, not even a header.
    #[error("{file}: the file is empty (no header, no rows)")]
    EmptyFile {
        /// The source name.
        file: String,
    },
    /// The file has a header but no data rows.
    #[error("{file}: the file has a header but no data rows")]
    HeaderOnly {
        /// The source name.
        file: String,
    },
    /// A column that is needed does not exist.
    #[error("{file}: missing column '{column}' (columns: {available})")]
    MissingColumn {
        /// The source name.
        file: String,
        /// The column asked for.
        column: String,
        /// The columns that exist, joined with `, `.
        available: String,
    },
    /// Two columns have the same name.
    #[error("{file}: duplicate column name '{column}' (columns {first} and {second})")]
    DuplicateColumn {
        /// The source name.
        file: String,
        /// The repeated name.
        column: String,
        /// 1-based position of its first occurrence.
        first: usize,
        /// 1-based position of the repeat.
        second: usize,
    },
    /// A row whose field count differs from the header's.
    #[error("{file}: line {line}: ragged row {row} has {got} fields, the header has {expected}")]
    RaggedRow {
        /// The source name.
        file: String,
        /// 1-based line.
        line: u64,
        /// 1-based data row.
        row: usize,
        /// Fields in the header.
        expected: usize,
        /// Fields in this row.
        got: usize,
    },
    /// Text in a numeric column (or in a column that mixes numbers and text).
    #[error(
        "{file}: line {line}, row {row}, column '{column}': non-numeric value '{value}' in a numeric column{hint}"
    )]
    NonNumeric {
        /// The source name.
        file: String,
        /// 1-based line.
        line: u64,
        /// 1-based data row.
        row: usize,
        /// The column.
        column: String,
        /// The value.
        value: String,
        /// Advice, e.g. to declare the column categorical (may be empty).
        hint: String,
    },
    /// NaN or infinity in a numeric column.
    #[error(
        "{file}: line {line}, row {row}, column '{column}': value '{value}' is NaN or infinite; only finite numbers are allowed"
    )]
    NonFinite {
        /// The source name.
        file: String,
        /// 1-based line.
        line: u64,
        /// 1-based data row.
        row: usize,
        /// The column.
        column: String,
        /// The value as written.
        value: String,
    },
    /// An empty field in a column that is used.
    #[error(
        "{file}: line {line}, row {row}, column '{column}': empty value (missing values must be filled in)"
    )]
    EmptyValue {
        /// The source name.
        file: String,
        /// 1-based line.
        line: u64,
        /// 1-based data row.
        row: usize,
        /// The column.
        column: String,
    },
    /// The label column holds one class only.
    #[error("{file}: label column '{column}' has a single class ('{class}'); two are needed")]
    SingleClass {
        /// The source name.
        file: String,
        /// The label column.
        column: String,
        /// The one value present.
        class: String,
    },
    /// The label column holds more than two classes.
    #[error("{file}: label column '{column}' is not binary: it holds {count} classes ({found})")]
    TooManyClasses {
        /// The source name.
        file: String,
        /// The label column.
        column: String,
        /// How many distinct values.
        count: usize,
        /// The first few distinct values, joined with `, `.
        found: String,
    },
    /// The positive-label value does not occur in the label column.
    #[error(
        "{file}: positive label '{positive}' does not occur in label column '{column}' (values: {found})"
    )]
    PositiveLabelAbsent {
        /// The source name.
        file: String,
        /// The label column.
        column: String,
        /// The positive-label value asked for.
        positive: String,
        /// The values present, joined with `, `.
        found: String,
    },
    /// A label value (in a file transformed after fitting) that is neither training class.
    #[error(
        "{file}: line {line}, row {row}, label column '{column}': value '{value}' is not one of the training classes ({classes})"
    )]
    UnknownLabel {
        /// The source name.
        file: String,
        /// 1-based line.
        line: u64,
        /// 1-based data row.
        row: usize,
        /// The label column.
        column: String,
        /// The value.
        value: String,
        /// The two training classes, joined with `, `.
        classes: String,
    },
    /// The sensitive column(s) hold one group only.
    #[error(
        "{file}: sensitive column(s) '{columns}' hold a single group ('{group}'); fairness needs at least two"
    )]
    SingleGroup {
        /// The source name.
        file: String,
        /// The sensitive columns, joined with `,`.
        columns: String,
        /// The one group present.
        group: String,
    },
    /// Bytes that are not valid UTF-8.
    #[error("{file}: line {line}, column {column}: the bytes are not valid UTF-8 text")]
    NonUtf8 {
        /// The source name.
        file: String,
        /// 1-based line.
        line: u64,
        /// 1-based column position (field number).
        column: usize,
    },
    /// A simulator scenario that does not exist.
    #[error(
        "unknown scenario '{name}'{} (known: {known})",
        fairkit_core::suggest::hint(name, &known.split(", ").collect::<Vec<_>>())
    )]
    UnknownScenario {
        /// The name asked for.
        name: String,
        /// The known names, joined with `, `.
        known: String,
    },
    /// A request for zero rows.
    #[error("zero rows requested; ask for at least one row")]
    ZeroRows,
    /// A file without a header row whose first record does not have one field per given
    /// column name.
    #[error(
        "{file}: line {line} has {got} fields, but {names} column names were given for this file without a header row"
    )]
    ColumnNames {
        /// The source name.
        file: String,
        /// 1-based line of the first record.
        line: u64,
        /// How many names were given.
        names: usize,
        /// Fields in the first record.
        got: usize,
    },
    /// A needed column is missing, and the header, read as one field, holds another delimiter:
    /// the file is most likely not separated the way it was read.
    #[error(
        "{file}: missing column '{column}': the header was read as the single field '{header}'; the file looks {looks}: pass --delimiter {delimiter}"
    )]
    OtherDelimiter {
        /// The source name.
        file: String,
        /// The column asked for.
        column: String,
        /// The header's one field (at most 80 characters).
        header: String,
        /// How the file looks, e.g. `tab-separated`.
        looks: String,
        /// The `--delimiter` value to try, e.g. `tab`.
        delimiter: String,
    },
}

fn at_line(line: Option<u64>) -> String {
    line.map(|l| format!(" at line {l}")).unwrap_or_default()
}
