//! Tables and streamed rows written as Parquet, one file or a hive-partitioned dataset
//! (docs/parquet.md).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow::array::{ArrayRef, Float64Builder, Int64Builder, StringBuilder};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use arrow::record_batch::RecordBatch;
use fairkit_data::Table;
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

use crate::read::NULL_PARTITION;
use crate::{ColumnarError, Result};

/// Rows per written batch, and the rows a streamed column's type is chosen from.
pub const BATCH_ROWS: usize = 64 * 1024;

/// The Parquet type a text column is written as: the narrowest of the three that gives back
/// exactly the same text when read (see [`crate::read_parts`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// 64-bit integers: every value is an integer in its shortest decimal form.
    Int,
    /// 64-bit floats: every value is a number in Rust's shortest round-trip form.
    Float,
    /// Strings (dictionary-encoded by the writer).
    Text,
}

impl ColumnType {
    /// The type of a column holding `values`.
    pub fn of<'a>(values: impl IntoIterator<Item = &'a str> + Clone) -> Self {
        if values.clone().into_iter().all(|v| int(v).is_some()) {
            ColumnType::Int
        } else if values.into_iter().all(|v| float(v).is_some()) {
            ColumnType::Float
        } else {
            ColumnType::Text
        }
    }

    fn data_type(self) -> DataType {
        match self {
            ColumnType::Int => DataType::Int64,
            ColumnType::Float => DataType::Float64,
            ColumnType::Text => DataType::Utf8,
        }
    }

    fn what(self) -> &'static str {
        match self {
            ColumnType::Int => "a whole number in its shortest form",
            ColumnType::Float => "a number in its shortest round-trip form",
            ColumnType::Text => "text",
        }
    }
}

/// `v` as an integer when that is its exact text.
fn int(v: &str) -> Option<i64> {
    v.parse::<i64>().ok().filter(|x| x.to_string() == v)
}

/// `v` as a float when Rust writes that float back as `v`.
fn float(v: &str) -> Option<f64> {
    v.parse::<f64>().ok().filter(|x| x.to_string() == v)
}

/// One Parquet output fed a row at a time.
struct Sink<W: Write + Send> {
    name: String,
    types: Vec<ColumnType>,
    schema: SchemaRef,
    ints: Vec<Int64Builder>,
    floats: Vec<Float64Builder>,
    texts: Vec<StringBuilder>,
    pending: usize,
    rows: u64,
    writer: ArrowWriter<W>,
}

fn properties() -> WriterProperties {
    WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .build()
}

impl<W: Write + Send> Sink<W> {
    fn new(name: &str, header: &[&str], types: &[ColumnType], out: W) -> Result<Self> {
        let schema: SchemaRef = Arc::new(Schema::new(
            header
                .iter()
                .zip(types)
                .map(|(h, t)| Field::new(*h, t.data_type(), false))
                .collect::<Vec<_>>(),
        ));
        let writer = ArrowWriter::try_new(out, schema.clone(), Some(properties()))
            .map_err(|e| write_error(name, &e))?;
        let count = |t| types.iter().filter(|&&x| x == t).count();
        Ok(Self {
            name: name.to_string(),
            types: types.to_vec(),
            schema,
            ints: (0..count(ColumnType::Int))
                .map(|_| Int64Builder::new())
                .collect(),
            floats: (0..count(ColumnType::Float))
                .map(|_| Float64Builder::new())
                .collect(),
            texts: (0..count(ColumnType::Text))
                .map(|_| StringBuilder::new())
                .collect(),
            pending: 0,
            rows: 0,
            writer,
        })
    }

    /// Appends one row (its values in header order, `skip` left out).
    fn push<'a>(&mut self, row: impl Iterator<Item = &'a str>, header: &[&str]) -> Result<()> {
        self.rows += 1;
        let (mut i, mut f, mut s) = (0, 0, 0);
        for ((v, t), column) in row.zip(&self.types).zip(header) {
            let bad = || ColumnarError::TypeChanged {
                file: self.name.clone(),
                row: self.rows,
                column: (*column).to_string(),
                value: v.to_string(),
                what: t.what(),
                rows: BATCH_ROWS,
            };
            match t {
                ColumnType::Int => {
                    self.ints[i].append_value(int(v).ok_or_else(bad)?);
                    i += 1;
                }
                ColumnType::Float => {
                    self.floats[f].append_value(float(v).ok_or_else(bad)?);
                    f += 1;
                }
                ColumnType::Text => {
                    self.texts[s].append_value(v);
                    s += 1;
                }
            }
        }
        self.pending += 1;
        if self.pending == BATCH_ROWS {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<()> {
        if self.pending == 0 {
            return Ok(());
        }
        let (mut i, mut f, mut s) = (0, 0, 0);
        let mut arrays: Vec<ArrayRef> = Vec::with_capacity(self.types.len());
        for t in &self.types {
            let a: ArrayRef = match t {
                ColumnType::Int => {
                    i += 1;
                    Arc::new(self.ints[i - 1].finish())
                }
                ColumnType::Float => {
                    f += 1;
                    Arc::new(self.floats[f - 1].finish())
                }
                ColumnType::Text => {
                    s += 1;
                    Arc::new(self.texts[s - 1].finish())
                }
            };
            arrays.push(a);
        }
        let batch = RecordBatch::try_new(self.schema.clone(), arrays)
            .map_err(|e| write_error(&self.name, &e))?;
        self.writer
            .write(&batch)
            .map_err(|e| write_error(&self.name, &e))?;
        self.pending = 0;
        Ok(())
    }

    fn close(mut self) -> Result<W> {
        self.flush()?;
        let name = self.name.clone();
        self.writer.into_inner().map_err(|e| write_error(&name, &e))
    }
}

impl Sink<Vec<u8>> {
    /// Moves the bytes the Parquet writer has put out so far to `out` (after a batch is
    /// written), so that memory stays bounded while `out` needs not be `Send`. The writer
    /// counts its offsets itself, so taking bytes out of its buffer changes nothing it wrote.
    fn drain(&mut self, out: &mut impl Write) -> Result<()> {
        if self.pending != 0 {
            return Ok(());
        }
        let buffer = self.writer.inner_mut();
        if !buffer.is_empty() {
            out.write_all(buffer)
                .map_err(|e| write_error(&self.name, &e))?;
            buffer.clear();
        }
        Ok(())
    }
}

fn write_error(name: &str, e: &dyn std::fmt::Display) -> ColumnarError {
    ColumnarError::Write {
        file: name.to_string(),
        message: e.to_string(),
    }
}

/// Writes `table` as one Parquet file to `out` (`name` is the output in messages). Each column
/// gets the [`ColumnType`] of all its values, so reading the file back with
/// [`crate::read_parts`] gives the same table, value for value.
///
/// # Errors
/// [`ColumnarError::Write`] when the writer fails.
pub fn write_table(table: &Table, name: &str, mut out: impl Write) -> Result<()> {
    let header: Vec<&str> = table.header().iter().map(String::as_str).collect();
    let types: Vec<ColumnType> = (0..table.n_columns())
        .map(|j| {
            let values: Vec<&str> = table.column_at(j).iter().collect();
            ColumnType::of(values.iter().copied())
        })
        .collect();
    let mut sink = Sink::new(name, &header, &types, Vec::new())?;
    for i in 0..table.n_rows() {
        sink.push(
            (0..table.n_columns()).map(|j| table.column_at(j).get(i)),
            &header,
        )?;
        sink.drain(&mut out)?;
    }
    let rest = sink.close()?;
    out.write_all(&rest)
        .and_then(|()| out.flush())
        .map_err(|e| write_error(name, &e))
}

/// Rows produced one at a time: `next(row)` fills `row` (one value per column) and returns
/// `false` at the end.
pub trait RowSource {
    /// The column names.
    fn header(&self) -> Vec<String>;
    /// Puts the next row into `row`; `false` when there are no more.
    fn next_row(&mut self, row: &mut Vec<String>) -> bool;
}

impl RowSource for fairkit_data::sim::SimRows {
    fn header(&self) -> Vec<String> {
        fairkit_data::sim::SimRows::header(self)
            .iter()
            .map(|h| h.to_string())
            .collect()
    }

    fn next_row(&mut self, row: &mut Vec<String>) -> bool {
        fairkit_data::sim::SimRows::next_row(self, row)
    }
}

/// The first [`BATCH_ROWS`] rows of `rows`, and the type of each column chosen from them.
fn first_rows(rows: &mut impl RowSource, n_columns: usize) -> (Vec<Vec<String>>, Vec<ColumnType>) {
    let mut buffered = Vec::new();
    let mut row = Vec::new();
    while buffered.len() < BATCH_ROWS && rows.next_row(&mut row) {
        buffered.push(row.clone());
    }
    let types = (0..n_columns)
        .map(|j| ColumnType::of(buffered.iter().map(|r| r[j].as_str())))
        .collect();
    (buffered, types)
}

/// Writes the rows of `rows` as one Parquet file to `out`, in constant memory: each column's
/// type is chosen from the first [`BATCH_ROWS`] rows.
///
/// # Errors
/// [`ColumnarError::TypeChanged`] when a later value does not fit its column's type,
/// [`ColumnarError::Write`] when the writer fails.
pub fn write_rows(rows: &mut impl RowSource, name: &str, mut out: impl Write) -> Result<()> {
    let header = rows.header();
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let (buffered, types) = first_rows(rows, header.len());
    let mut sink = Sink::new(name, &header, &types, Vec::new())?;
    for r in &buffered {
        sink.push(r.iter().map(String::as_str), &header)?;
        sink.drain(&mut out)?;
    }
    let mut row = Vec::new();
    while rows.next_row(&mut row) {
        sink.push(row.iter().map(String::as_str), &header)?;
        sink.drain(&mut out)?;
    }
    let rest = sink.close()?;
    out.write_all(&rest)
        .and_then(|()| out.flush())
        .map_err(|e| write_error(name, &e))
}

/// Hive's escaping of a partition value in a folder name: bytes other than ASCII letters,
/// digits, `-`, `_` and `.` become `%XX`; an empty value is [`NULL_PARTITION`].
pub fn escape(value: &str) -> String {
    if value.is_empty() {
        return NULL_PARTITION.to_string();
    }
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Writes the rows of `rows` as a hive-partitioned dataset: the rows whose column
/// `partition_by` holds `v` go to the file `COL=v/part-00000.parquet` ([`escape`]d) that
/// `create` makes (given that path relative to the dataset's directory; it creates the folder),
/// without that column; the other columns' types are chosen from the first [`BATCH_ROWS`]
/// rows. `name` is the dataset in messages. Returns each file's relative path and its writer
/// (to flush and sync), in path order. Memory grows with the number of distinct values, not
/// with the rows.
///
/// # Errors
/// [`fairkit_data::DataError::MissingColumn`] when `partition_by` is not a column,
/// [`ColumnarError::Dataset`] when it is the only one, [`ColumnarError::TypeChanged`],
/// [`ColumnarError::Io`] (from `create`) and [`ColumnarError::Write`].
pub fn write_partitioned<W, F>(
    rows: &mut impl RowSource,
    name: &str,
    partition_by: &str,
    mut create: F,
) -> Result<Vec<(PathBuf, W)>>
where
    W: Write + Send,
    F: FnMut(&Path) -> std::io::Result<W>,
{
    let header = rows.header();
    let Some(p) = header.iter().position(|h| h == partition_by) else {
        return Err(fairkit_data::DataError::MissingColumn {
            file: name.to_string(),
            column: partition_by.to_string(),
            available: header.join(", "),
        }
        .into());
    };
    if header.len() == 1 {
        return Err(ColumnarError::Dataset {
            file: name.to_string(),
            message: format!(
                "cannot be partitioned by its only column {}",
                fairkit_core::text::quote(partition_by)
            ),
        });
    }
    let rest: Vec<&str> = header
        .iter()
        .enumerate()
        .filter(|&(j, _)| j != p)
        .map(|(_, h)| h.as_str())
        .collect();
    let (buffered, all_types) = first_rows(rows, header.len());
    let types: Vec<ColumnType> = all_types
        .iter()
        .enumerate()
        .filter(|&(j, _)| j != p)
        .map(|(_, t)| *t)
        .collect();
    let mut sinks: BTreeMap<String, (PathBuf, Sink<W>)> = BTreeMap::new();
    let mut route = |r: &[String]| -> Result<()> {
        let value = &r[p];
        if !sinks.contains_key(value) {
            let path = Path::new(&format!("{}={}", escape(partition_by), escape(value)))
                .join("part-00000.parquet");
            let label = format!("{name}/{}", path.display());
            let out = create(&path).map_err(|source| ColumnarError::Io {
                action: "cannot write",
                path: Path::new(name).join(&path),
                source,
            })?;
            let sink = Sink::new(&label, &rest, &types, out)?;
            sinks.insert(value.clone(), (path, sink));
        }
        let (_, sink) = sinks.get_mut(value).expect("inserted above");
        let values = r
            .iter()
            .enumerate()
            .filter(|&(j, _)| j != p)
            .map(|(_, v)| v.as_str());
        sink.push(values, &rest)
    };
    for r in &buffered {
        route(r)?;
    }
    let mut row = Vec::new();
    while rows.next_row(&mut row) {
        route(&row)?;
    }
    let mut written: Vec<(PathBuf, W)> = Vec::with_capacity(sinks.len());
    for (_, (path, sink)) in sinks {
        written.push((path, sink.close()?));
    }
    written.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(written)
}
