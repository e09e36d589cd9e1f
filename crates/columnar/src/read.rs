//! Parquet files and hive-partitioned datasets read into [`Table`]s (docs/parquet.md).

use std::fmt::Write as _;
use std::path::Path;

use arrow::array::{Array, ArrayRef, AsArray};
use arrow::datatypes::{
    DataType, Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type, UInt8Type,
    UInt16Type, UInt32Type, UInt64Type,
};
use fairkit_data::{DataError, Table};
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::file::reader::ChunkReader;

use crate::{ColumnarError, Result};

/// The folder name hive-style writers (Spark, Hive, pyarrow) give a null partition value.
pub const NULL_PARTITION: &str = "__HIVE_DEFAULT_PARTITION__";

/// Rows decoded at a time.
pub(crate) const BATCH_ROWS: usize = 64 * 1024;

/// Whether a path names Parquet by its name: one ending in `.parquet` or `.pq` (any case).
pub fn has_parquet_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("parquet") || e.eq_ignore_ascii_case("pq"))
}

/// Whether a file of a dataset directory is data: its name does not start with `.` or `_`
/// (Spark's `_SUCCESS`, checksum files `.part-0.crc`, ...).
pub fn is_data_file(name: &str) -> bool {
    !(name.starts_with('.') || name.starts_with('_'))
}

/// The partition values of a file whose folders below the dataset's directory are `folders`
/// (each `key=value`, hive's `%XX` escapes decoded).
///
/// ```
/// use fairkit_columnar::partition_keys;
///
/// let keys = partition_keys(&["group=A", "year=2024%2F25"]).unwrap();
/// assert_eq!(keys, [("group".into(), "A".into()), ("year".into(), "2024/25".into())]);
/// assert!(partition_keys(&["misc"]).is_err());
/// ```
///
/// # Errors
/// [`ColumnarError::Dataset`] naming a folder that is not `key=value`.
pub fn partition_keys<S: AsRef<str>>(folders: &[S]) -> Result<Vec<(String, String)>> {
    folders
        .iter()
        .map(|f| {
            let f = f.as_ref();
            match f.split_once('=') {
                Some((k, v)) if !k.is_empty() => Ok((unescape(k), unescape(v))),
                _ => Err(ColumnarError::Dataset {
                    file: f.to_string(),
                    message: "a folder of a dataset must be named key=value (a hive-style \
                              partition)"
                        .into(),
                }),
            }
        })
        .collect()
}

/// One file of a Parquet dataset: its name for messages, the partition values its folders
/// give it ([`partition_keys`]), and its bytes.
#[derive(Debug)]
pub struct Part<R> {
    /// The file's name in messages (its path).
    pub name: String,
    /// `(key, value)` of each `key=value` folder on the way to it, outermost first.
    pub keys: Vec<(String, String)>,
    /// The file's bytes (an open file, bytes in memory, ...).
    pub reader: R,
}

/// Reads the parts of a Parquet dataset (or one file: one part without keys) into one table,
/// named `name` in messages, keeping only the columns in `select` (every column without it;
/// the others are not decoded).
///
/// Column values become text as the CSV reader would hold them: integers in decimal, floats
/// in Rust's shortest round-trip form (a 32-bit float widened to 64 bits first, so that the
/// encoder sees exactly the value the file holds), booleans as `true` / `false`, strings as
/// they are, dictionary-encoded columns decoded. The partition keys become columns after the
/// file's own ones. Rows follow the parts' order; messages about one part name it and its
/// own 1-based row.
///
/// # Errors
/// [`ColumnarError::Corrupt`] (not Parquet, truncated), [`ColumnarError::UnsupportedType`],
/// [`ColumnarError::Null`], [`ColumnarError::Dataset`] (parts that disagree, no parts), and
/// [`DataError::MissingColumn`] / [`DataError::HeaderOnly`] (a selected column that is not
/// there; no rows).
pub fn read_parts<R: ChunkReader + 'static>(
    name: &str,
    parts: Vec<Part<R>>,
    select: Option<&[String]>,
) -> Result<Table> {
    let keys = partition_names(name, &parts)?;
    let first_name = parts[0].name.clone();
    let mut opened = Vec::with_capacity(parts.len());
    for part in parts {
        let reader = part.reader;
        let builder = guarded(&part.name, move || {
            ParquetRecordBatchReaderBuilder::try_new(reader).map_err(|e| e.to_string())
        })?;
        opened.push((part.name, part.keys, builder));
    }
    let mut header: Vec<String> = Vec::new();
    for f in opened[0].2.schema().fields() {
        header.push(f.name().clone());
    }
    let n_file = header.len();
    for key in &keys {
        if header.contains(key) {
            return Err(ColumnarError::Dataset {
                file: first_name,
                message: format!(
                    "column {} is both in the file and a partition key of its folders",
                    fairkit_core::text::quote(key)
                ),
            });
        }
        header.push(key.clone());
    }
    let keep: Vec<usize> = match select {
        None => (0..header.len()).collect(),
        Some(names) => {
            if let Some(n) = names.iter().find(|n| !header.contains(n)) {
                return Err(DataError::MissingColumn {
                    file: name.to_string(),
                    column: n.clone(),
                    available: header.join(", "),
                }
                .into());
            }
            (0..header.len())
                .filter(|&j| names.contains(&header[j]))
                .collect()
        }
    };
    let n_wanted = keep.iter().filter(|&&j| j < n_file).count();
    let wanted: Vec<String> = keep[..n_wanted]
        .iter()
        .map(|&j| header[j].clone())
        .collect();
    let mut columns: Vec<TextBuffer> = keep.iter().map(|_| TextBuffer::default()).collect();
    for (part, part_keys, builder) in opened {
        let rows = guarded(&part, || {
            Ok(read_part(&part, builder, &wanted, &mut columns[..n_wanted]))
        })??;
        for (buffer, &j) in columns[n_wanted..].iter_mut().zip(&keep[n_wanted..]) {
            let value = &part_keys[j - n_file].1;
            if value == NULL_PARTITION && rows > 0 {
                return Err(ColumnarError::Null {
                    file: part,
                    row: 1,
                    column: header[j].clone(),
                });
            }
            for _ in 0..rows {
                buffer.push(value);
            }
        }
    }
    let header: Vec<String> = keep.iter().map(|&j| header[j].clone()).collect();
    let values: Vec<Vec<&str>> = columns.iter().map(TextBuffer::values).collect();
    Ok(Table::from_columns(name, header, &values)?)
}

/// The partition keys of a dataset's parts (those of the first; every part must have the
/// same).
///
/// # Errors
/// No parts, or parts whose folders give other keys ([`ColumnarError::Dataset`]).
pub(crate) fn partition_names<R>(name: &str, parts: &[Part<R>]) -> Result<Vec<String>> {
    let Some(first) = parts.first() else {
        return Err(ColumnarError::Dataset {
            file: name.to_string(),
            message: "holds no data files (names starting with '.' or '_' are skipped)".into(),
        });
    };
    let keys: Vec<String> = first.keys.iter().map(|(k, _)| k.clone()).collect();
    for part in parts {
        let these: Vec<&str> = part.keys.iter().map(|(k, _)| k.as_str()).collect();
        if these != keys {
            return Err(ColumnarError::Dataset {
                file: part.name.clone(),
                message: format!(
                    "its folders give the partition keys [{}] but {} gives [{}]; every \
                     file of a dataset needs the same key=value folders",
                    these.join(", "),
                    first.name,
                    keys.join(", ")
                ),
            });
        }
    }
    Ok(keys)
}

/// Runs `read`, turning its error and any panic of the parquet crate on damaged input (some
/// damaged footers make it index out of range) into [`ColumnarError::Corrupt`] for `file`.
pub(crate) fn guarded<T>(
    file: &str,
    read: impl FnOnce() -> std::result::Result<T, String>,
) -> Result<T> {
    let corrupt = |message: String| ColumnarError::Corrupt {
        file: file.to_string(),
        message,
    };
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(read)) {
        Ok(result) => result.map_err(corrupt),
        Err(panic) => Err(corrupt(
            panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "the reader failed on it".into()),
        )),
    }
}

/// Hive's escaping undone: `%XX` is the byte XX (hex); anything else stays.
fn unescape(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(b) = text
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Whether fairkit reads a column of this type; the error names the column and the type.
pub(crate) fn check_type(file: &str, column: &str, data_type: &DataType) -> Result<()> {
    let ok = match data_type {
        DataType::Dictionary(_, values) => is_plain(values),
        other => is_plain(other),
    };
    if ok {
        Ok(())
    } else {
        Err(ColumnarError::UnsupportedType {
            file: file.to_string(),
            column: column.to_string(),
            data_type: data_type.to_string(),
        })
    }
}

/// Whether `data_type` is an integer or floating-point type.
pub(crate) fn is_number(data_type: &DataType) -> bool {
    matches!(
        data_type,
        DataType::Int8
            | DataType::Int16
            | DataType::Int32
            | DataType::Int64
            | DataType::UInt8
            | DataType::UInt16
            | DataType::UInt32
            | DataType::UInt64
            | DataType::Float32
            | DataType::Float64
    )
}

fn is_plain(data_type: &DataType) -> bool {
    is_number(data_type)
        || matches!(
            data_type,
            DataType::Boolean | DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View
        )
}

/// Decodes the columns `wanted` of one file into `out` (one buffer each); returns its rows.
fn read_part<R: ChunkReader + 'static>(
    file: &str,
    builder: ParquetRecordBatchReaderBuilder<R>,
    wanted: &[String],
    out: &mut [TextBuffer],
) -> Result<usize> {
    let file = file.to_string();
    let schema = builder.schema().clone();
    let mut indices = Vec::with_capacity(wanted.len());
    for name in wanted {
        let Some((j, field)) = schema.column_with_name(name) else {
            return Err(ColumnarError::Dataset {
                file,
                message: format!(
                    "has no column {} (the dataset's first file has it; its columns: {})",
                    fairkit_core::text::quote(name),
                    schema
                        .fields()
                        .iter()
                        .map(|f| f.name().as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            });
        };
        check_type(&file, name, field.data_type())?;
        indices.push(j);
    }
    let mask = ProjectionMask::roots(builder.parquet_schema(), indices.iter().copied());
    let reader = builder
        .with_projection(mask)
        .with_batch_size(BATCH_ROWS)
        .build()
        .map_err(|e| ColumnarError::Corrupt {
            file: file.clone(),
            message: e.to_string(),
        })?;
    let mut rows = 0usize;
    for batch in reader {
        let batch = batch.map_err(|e| ColumnarError::Corrupt {
            file: file.clone(),
            message: e.to_string(),
        })?;
        for (buffer, name) in out.iter_mut().zip(wanted) {
            let column = batch
                .column_by_name(name)
                .ok_or_else(|| ColumnarError::Corrupt {
                    file: file.clone(),
                    message: format!("column {name} was not decoded"),
                })?;
            if column.null_count() > 0
                && let Some(i) = (0..column.len()).find(|&i| column.is_null(i))
            {
                return Err(ColumnarError::Null {
                    file,
                    row: (rows + i + 1) as u64,
                    column: name.clone(),
                });
            }
            push_texts(column, buffer).map_err(|data_type| ColumnarError::UnsupportedType {
                file: file.clone(),
                column: name.clone(),
                data_type,
            })?;
        }
        rows += batch.num_rows();
    }
    Ok(rows)
}

/// Appends the values of `array` as text; `Err` with the type's name when it is not read.
fn push_texts(array: &ArrayRef, out: &mut TextBuffer) -> std::result::Result<(), String> {
    macro_rules! numbers {
        ($t:ty) => {
            for v in array.as_primitive::<$t>().values() {
                out.push_display(v)
            }
        };
    }
    match array.data_type() {
        DataType::Int8 => numbers!(Int8Type),
        DataType::Int16 => numbers!(Int16Type),
        DataType::Int32 => numbers!(Int32Type),
        DataType::Int64 => numbers!(Int64Type),
        DataType::UInt8 => numbers!(UInt8Type),
        DataType::UInt16 => numbers!(UInt16Type),
        DataType::UInt32 => numbers!(UInt32Type),
        DataType::UInt64 => numbers!(UInt64Type),
        DataType::Float64 => numbers!(Float64Type),
        DataType::Float32 => {
            for &v in array.as_primitive::<Float32Type>().values() {
                out.push_display(f64::from(v));
            }
        }
        DataType::Boolean => {
            for v in array.as_boolean().values() {
                out.push(if v { "true" } else { "false" });
            }
        }
        DataType::Utf8 => array
            .as_string::<i32>()
            .iter()
            .for_each(|v| out.push(v.unwrap_or(""))),
        DataType::LargeUtf8 => array
            .as_string::<i64>()
            .iter()
            .for_each(|v| out.push(v.unwrap_or(""))),
        DataType::Utf8View => array
            .as_string_view()
            .iter()
            .for_each(|v| out.push(v.unwrap_or(""))),
        DataType::Dictionary(_, values) if is_plain(values) => {
            let plain: ArrayRef =
                arrow::compute::cast(array, values).map_err(|_| array.data_type().to_string())?;
            return push_texts(&plain, out);
        }
        other => return Err(other.to_string()),
    }
    Ok(())
}

/// A column's text: one buffer and the end of each value.
#[derive(Debug, Default)]
struct TextBuffer {
    text: String,
    ends: Vec<usize>,
}

impl TextBuffer {
    fn push(&mut self, value: &str) {
        self.text.push_str(value);
        self.ends.push(self.text.len());
    }

    fn push_display(&mut self, value: impl std::fmt::Display) {
        let _ = write!(self.text, "{value}");
        self.ends.push(self.text.len());
    }

    fn values(&self) -> Vec<&str> {
        let mut start = 0;
        self.ends
            .iter()
            .map(|&end| {
                let v = &self.text[start..end];
                start = end;
                v
            })
            .collect()
    }
}
