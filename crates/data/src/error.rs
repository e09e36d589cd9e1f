use fairkit_core::text::{ellipsize, quote};
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
    #[error("{file}: missing column {} (columns: {})", quote(.column), ellipsize(.available, 160))]
    MissingColumn {
        /// The source name.
        file: String,
        /// The column asked for.
        column: String,
        /// The columns that exist, joined with `, `.
        available: String,
    },
    /// Two columns have the same name.
    #[error("{file}: duplicate column name {} (columns {first} and {second})", quote(.column))]
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
    #[error(
        "{file}: line {line}: row {row} has {got} fields but the header has {expected}; every row needs one field per column (check the delimiter and the quoting)"
    )]
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
        "{file}: line {line}, row {row}, column {}: non-numeric value {} in a numeric column{hint}",
        quote(.column),
        quote(.value)
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
        "{file}: line {line}, row {row}, column {}: value {} is NaN or infinite; only finite numbers are allowed",
        quote(.column),
        quote(.value)
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
    /// A finite value whose encoding (standardization, a repair) is not finite: the value is
    /// too large for the arithmetic applied to it.
    #[error("{file}: line {line}, row {row}, column {}: {message}", quote(.column))]
    NonFiniteResult {
        /// The source name.
        file: String,
        /// 1-based line.
        line: u64,
        /// 1-based data row.
        row: usize,
        /// The column (as the user named it, or the encoded feature `col=level`).
        column: String,
        /// What was computed, its result and what would fix it, e.g. `value '1e308' is a
        /// finite input, but standardizing ... gives a non-finite result (inf); rescale ...`.
        message: String,
    },
    /// A score (predicted probability) outside `[0, 1]`.
    #[error(
        "{file}: line {line}, row {row}, column {}: score {} is not a probability; scores must be in [0, 1]",
        quote(.column),
        quote(.value)
    )]
    NotAProbability {
        /// The source name.
        file: String,
        /// 1-based line.
        line: u64,
        /// 1-based data row.
        row: usize,
        /// The score column.
        column: String,
        /// The value as written.
        value: String,
    },
    /// A row count that is not a whole number at least 0 (docs/counts.md).
    #[error(
        "{file}: line {line}, row {row}, column {}: count {} is not a whole number >= 0; each row of a counts file counts rows",
        quote(.column),
        quote(.value)
    )]
    BadCount {
        /// The source name.
        file: String,
        /// 1-based line.
        line: u64,
        /// 1-based data row.
        row: usize,
        /// The count column.
        column: String,
        /// The value as written.
        value: String,
    },
    /// A positive weight sum on a row of a counts file that counts no rows.
    #[error(
        "{file}: line {line}, row {row}, column {}: weight sum {} for a count of 0; rows that are not there weigh nothing",
        quote(.column),
        quote(.value)
    )]
    WeightWithoutRows {
        /// The source name.
        file: String,
        /// 1-based line.
        line: u64,
        /// 1-based data row.
        row: usize,
        /// The weights column.
        column: String,
        /// The weight sum as written.
        value: String,
    },
    /// The count column is also the label, prediction, sensitive or weights column.
    #[error("the count column '{column}' is also the {role} column")]
    CountIsRole {
        /// The column.
        column: String,
        /// Its other role.
        role: String,
    },
    /// A negative sample weight.
    #[error(
        "{file}: line {line}, row {row}, column {}: negative weight {}; sample weights must be zero or positive",
        quote(.column),
        quote(.value)
    )]
    NegativeWeight {
        /// The source name.
        file: String,
        /// 1-based line.
        line: u64,
        /// 1-based data row.
        row: usize,
        /// The weights column.
        column: String,
        /// The weight as written.
        value: String,
    },
    /// Every sample weight is zero.
    #[error(
        "{file}: lines {first}-{last}, column {}: all {rows} weights are zero; at least one must be positive",
        quote(.column)
    )]
    ZeroWeights {
        /// The source name.
        file: String,
        /// 1-based line of the first row.
        first: u64,
        /// 1-based line of the last row.
        last: u64,
        /// Number of rows.
        rows: usize,
        /// The weights column.
        column: String,
    },
    /// Weights so large that a sum of as many of them as there are rows overflows.
    #[error(
        "{file}: line {line}, row {row}, column {}: weight {} is too large: {rows} weights of this size sum past the largest number (about 1.8e308), as weighted totals and bootstrap resamples need; divide every weight by the same factor (rates depend only on the weights' ratios)",
        quote(.column),
        quote(.value)
    )]
    WeightsOverflow {
        /// The source name.
        file: String,
        /// 1-based line of the largest weight.
        line: u64,
        /// 1-based data row of the largest weight.
        row: usize,
        /// The weights column.
        column: String,
        /// The largest weight as written.
        value: String,
        /// Number of rows.
        rows: usize,
    },
    /// A sensitive value (or combination) that the encoder was not fitted on.
    #[error("{file}: line {line}, row {row}, {message}")]
    UnseenGroup {
        /// The source name.
        file: String,
        /// 1-based line.
        line: u64,
        /// 1-based data row.
        row: usize,
        /// The group, e.g. `sex=X`.
        group: String,
        /// The sensitive columns, the group, the known groups and what to do, e.g.
        /// `column(s) 'sex': group 'sex=X' was not seen when fitting (known groups: ...); ...`.
        message: String,
    },
    /// A quoted field that is never closed: the rest of the file would be one value.
    #[error(
        "{file}: line {line}, column {column}: unterminated quote: the field opened with '\"' here is never closed, so the rest of the file (through line {end}) would be one value; add the closing '\"' (a quote inside a quoted field is written \"\")"
    )]
    UnterminatedQuote {
        /// The source name.
        file: String,
        /// 1-based line where the quoted field starts.
        line: u64,
        /// 1-based position of the field in its record.
        column: usize,
        /// The last line of the file.
        end: u64,
    },
    /// An empty field in a column that is used.
    #[error(
        "{file}: line {line}, row {row}, column {}: empty value (missing values must be filled in)",
        quote(.column)
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
    #[error(
        "{file}: label column {} has a single class ({}); two are needed",
        quote(.column),
        quote(.class)
    )]
    SingleClass {
        /// The source name.
        file: String,
        /// The label column.
        column: String,
        /// The one value present.
        class: String,
    },
    /// The label column holds more than two classes.
    #[error(
        "{file}: label column {} is not binary: it holds {count} classes ({found})",
        quote(.column)
    )]
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
        "{file}: positive label {} does not occur in label column {} (values: {found}); give --positive-label one of them",
        quote(.positive),
        quote(.column)
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
        "{file}: line {line}, row {row}, label column {}: value {} is not one of the training classes ({classes})",
        quote(.column),
        quote(.value)
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
    /// A prediction column that is the label column.
    #[error("the prediction and label columns are the same column '{column}'")]
    SameColumn {
        /// The column.
        column: String,
    },
    /// A predicted label that is neither class of the label column.
    #[error(
        "{file}: line {line}, row {row}, prediction column {}: value {} is not one of the label classes ({classes}) of column {}",
        quote(.column),
        quote(.value),
        quote(.label)
    )]
    UnknownPrediction {
        /// The source name.
        file: String,
        /// 1-based line.
        line: u64,
        /// 1-based data row.
        row: usize,
        /// The prediction column.
        column: String,
        /// The value.
        value: String,
        /// The two label classes, quoted and joined with `, ` (boxed, as the label column, to
        /// keep the error small).
        classes: Box<str>,
        /// The label column.
        label: Box<str>,
    },
    /// The sensitive column(s) hold one group only.
    #[error(
        "{file}: sensitive column(s) {} hold a single group ({}); fairness needs at least two",
        quote(.columns),
        quote(.group)
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
        "unknown scenario {}{} (known: {known})",
        quote(.name),
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
