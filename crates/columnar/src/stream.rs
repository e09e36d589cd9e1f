//! Parquet rows counted into cells without holding them (docs/parquet.md#streaming): only the
//! key and weight columns are decoded, row group by row group, the row groups in parallel, each
//! counted on its own and merged in file order.

use std::collections::HashMap;
use std::io::Read;
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray};
use arrow::datatypes::{
    DataType, Field, Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type, Schema,
    UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use bytes::Bytes;
use fairkit_core::moments::WeightMoments;
use fairkit_data::DataError;
use fairkit_data::counts::CellAccumulator;
use foldhash::fast::FixedState;
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder,
};
use parquet::file::reader::{ChunkReader, Length};
use rayon::prelude::*;

use crate::read::{BATCH_ROWS, check_type, guarded, partition_names};
use crate::{ColumnarError, NULL_PARTITION, Part, Result};

/// Bytes read at offsets, from any thread: what the harness gives [`Shared`] for an open file
/// (`pread`), so that threads decode row groups of one file at once without sharing a file
/// position. (This crate opens no files.)
pub trait ReadAt: Send + Sync {
    /// Reads into `buf` from `offset`; the bytes read (0 at the end).
    ///
    /// # Errors
    /// The system's read error.
    fn read_at(&self, buf: &mut [u8], offset: u64) -> std::io::Result<usize>;

    /// The length in bytes.
    fn len(&self) -> u64;

    /// Whether there are no bytes.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A [`ReadAt`] shared between threads, read by the Parquet reader ([`accumulate_parts`]).
#[derive(Debug)]
pub struct Shared<T>(Arc<T>);

impl<T> Shared<T> {
    /// Shares `inner`.
    pub fn new(inner: T) -> Self {
        Shared(Arc::new(inner))
    }
}

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(Arc::clone(&self.0))
    }
}

impl<T: ReadAt> Length for Shared<T> {
    fn len(&self) -> u64 {
        self.0.len()
    }
}

/// A reader of a [`Shared`] from an offset on.
#[derive(Debug)]
pub struct SharedRead<T> {
    shared: Shared<T>,
    at: u64,
}

impl<T: ReadAt> Read for SharedRead<T> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.shared.0.read_at(buf, self.at)?;
        self.at += n as u64;
        Ok(n)
    }
}

impl<T: ReadAt> ChunkReader for Shared<T> {
    type T = SharedRead<T>;

    fn get_read(&self, start: u64) -> parquet::errors::Result<SharedRead<T>> {
        Ok(SharedRead {
            shared: self.clone(),
            at: start,
        })
    }

    fn get_bytes(&self, start: u64, length: usize) -> parquet::errors::Result<Bytes> {
        let mut buffer = vec![0u8; length];
        let mut done = 0;
        while done < length {
            let n = self
                .0
                .read_at(&mut buffer[done..], start + done as u64)
                .map_err(|e| parquet::errors::ParquetError::External(Box::new(e)))?;
            if n == 0 {
                return Err(parquet::errors::ParquetError::EOF(format!(
                    "expected {length} bytes at {start}, read {done}"
                )));
            }
            done += n;
        }
        Ok(buffer.into())
    }
}

/// Where a key column's values come from in one part.
#[derive(Debug, Clone)]
enum Source {
    /// The file's column of this name.
    Column(String),
    /// A partition key: the same value on every row.
    Constant(String),
}

/// One row group to count: its part, its index, and the dataset row of its first row.
struct Task {
    part: usize,
    row_group: usize,
    first_row: u64,
    /// Part-local row of its first row (for messages).
    part_row: u64,
}

/// One part opened: its name, bytes, metadata (string key columns read as dictionaries) and
/// where each key column comes from.
struct Opened<R> {
    name: String,
    reader: R,
    meta: ArrowReaderMetadata,
    keys: Vec<Source>,
    mask: ProjectionMask,
}

/// Counts the rows of a Parquet dataset's parts (or one file) into cells keyed by the text of
/// the columns `keys` (as [`crate::read_parts`] would give it: decimal integers, shortest
/// round-trip floats, `true`/`false`, strings, dictionary values decoded), with the weights of
/// column `weights` summed per cell. Only those columns are decoded; row groups are counted in
/// parallel and merged in dataset order, so the result (weight sums included, bit for bit)
/// does not depend on the thread count. Each cell's line is its first row's dataset row
/// plus one, as for the table [`crate::read_parts`] gives.
///
/// The values are mapped to text once per distinct value (for dictionary columns, once per
/// dictionary entry of a batch), not once per row.
///
/// # Errors
/// Those of [`crate::read_parts`] (corrupt files, unsupported types, nulls naming the part, its
/// row and the column, missing columns, parts that disagree), a weights column that is not
/// numeric ([`ColumnarError::UnsupportedType`]), and a weight that is negative or not finite
/// ([`DataError::NegativeWeight`] / [`DataError::NonFinite`] at its dataset row). A dataset
/// without rows gives an empty accumulator.
pub fn accumulate_parts<R: ChunkReader + Clone + 'static>(
    name: &str,
    parts: Vec<Part<R>>,
    keys: &[String],
    weights: Option<&str>,
) -> Result<CellAccumulator> {
    let key_names = partition_names(name, &parts)?;
    let mut opened: Vec<Opened<R>> = Vec::with_capacity(parts.len());
    let mut tasks = Vec::new();
    let mut row = 0u64;
    for (p, part) in parts.into_iter().enumerate() {
        let reader = part.reader;
        let meta = guarded(&part.name, || {
            ArrowReaderMetadata::load(&reader, ArrowReaderOptions::new()).map_err(|e| e.to_string())
        })?;
        let schema = meta.schema().clone();
        let header = || {
            schema
                .fields()
                .iter()
                .map(|f| f.name().clone())
                .chain(key_names.iter().cloned())
                .collect::<Vec<_>>()
                .join(", ")
        };
        if let Some(k) = key_names
            .iter()
            .find(|k| schema.column_with_name(k).is_some())
        {
            return Err(ColumnarError::Dataset {
                file: part.name,
                message: format!(
                    "column {} is both in the file and a partition key of its folders",
                    fairkit_core::text::quote(k)
                ),
            });
        }
        let mut sources = Vec::with_capacity(keys.len());
        let mut indices = Vec::new();
        let mut fields: Vec<Field> = schema.fields().iter().map(|f| (**f).clone()).collect();
        let roles = keys
            .iter()
            .map(|k| (k.as_str(), false))
            .chain(weights.map(|w| (w, true)));
        for (key, is_weight) in roles {
            if let Some((j, field)) = schema.column_with_name(key) {
                check_type(&part.name, key, field.data_type())?;
                if is_weight && !crate::read::is_number(field.data_type()) {
                    return Err(ColumnarError::UnsupportedType {
                        file: part.name,
                        column: key.to_string(),
                        data_type: field.data_type().to_string(),
                    });
                }
                if !is_weight {
                    // Strings as dictionaries: the file's dictionary pages are kept, and each
                    // entry is looked up once per batch.
                    let string = match field.data_type() {
                        DataType::Utf8 => Some(DataType::Utf8),
                        DataType::LargeUtf8 => Some(DataType::LargeUtf8),
                        _ => None,
                    };
                    if let Some(values) = string {
                        fields[j] = field.clone().with_data_type(DataType::Dictionary(
                            Box::new(DataType::Int32),
                            Box::new(values),
                        ));
                    }
                    sources.push(Source::Column(key.to_string()));
                }
                indices.push(j);
            } else if let Some(k) = key_names.iter().position(|k| k == key) {
                if is_weight {
                    return Err(ColumnarError::UnsupportedType {
                        file: part.name,
                        column: key.to_string(),
                        data_type: "Utf8 (a partition key)".into(),
                    });
                }
                let value = part.keys[k].1.clone();
                if value == NULL_PARTITION {
                    return Err(ColumnarError::Null {
                        file: part.name,
                        row: 1,
                        column: key.to_string(),
                    });
                }
                sources.push(Source::Constant(value));
            } else if p == 0 {
                return Err(DataError::MissingColumn {
                    file: name.to_string(),
                    column: key.to_string(),
                    available: header(),
                }
                .into());
            } else {
                return Err(ColumnarError::Dataset {
                    file: part.name,
                    message: format!(
                        "has no column {} (the dataset's first file has it; its columns: {})",
                        fairkit_core::text::quote(key),
                        header()
                    ),
                });
            }
        }
        let options = ArrowReaderOptions::new().with_schema(Arc::new(Schema::new(fields)));
        let meta = ArrowReaderMetadata::try_new(meta.metadata().clone(), options).map_err(|e| {
            ColumnarError::Corrupt {
                file: part.name.clone(),
                message: e.to_string(),
            }
        })?;
        let mask = ProjectionMask::roots(meta.parquet_schema(), indices);
        let mut part_row = 0u64;
        for (g, rg) in meta.metadata().row_groups().iter().enumerate() {
            let rows = u64::try_from(rg.num_rows()).unwrap_or(0);
            tasks.push(Task {
                part: p,
                row_group: g,
                first_row: row,
                part_row,
            });
            row += rows;
            part_row += rows;
        }
        opened.push(Opened {
            name: part.name,
            reader,
            meta,
            keys: sources,
            mask,
        });
    }
    let weighted = weights.is_some();
    let counted: Vec<Result<CellAccumulator>> = tasks
        .par_iter()
        .map(|task| count_row_group(&opened[task.part], task, keys.len(), weights))
        .collect();
    let mut total = CellAccumulator::new(keys.len(), weighted);
    for cells in counted {
        total.merge(cells?);
    }
    Ok(total)
}

/// A column's distinct values seen so far, each with a code (in order of first appearance)
/// and its text.
#[derive(Default)]
struct Coder {
    numbers: HashMap<u64, u32, FixedState>,
    strings: HashMap<Box<str>, u32, FixedState>,
    texts: Vec<String>,
}

impl Coder {
    fn number(&mut self, bits: u64, text: impl FnOnce() -> String) -> u32 {
        let next = self.texts.len() as u32;
        let texts = &mut self.texts;
        *self.numbers.entry(bits).or_insert_with(|| {
            texts.push(text());
            next
        })
    }

    fn string(&mut self, value: &str) -> u32 {
        if let Some(&c) = self.strings.get(value) {
            return c;
        }
        let next = self.texts.len() as u32;
        self.texts.push(value.to_string());
        self.strings.insert(value.into(), next);
        next
    }

    /// The codes of `array`'s values, appended to `out`; `Err` with the type when it is not
    /// read.
    fn codes(&mut self, array: &dyn Array, out: &mut Vec<u32>) -> std::result::Result<(), String> {
        macro_rules! ints {
            ($t:ty) => {{
                let values = array.as_primitive::<$t>().values();
                // Runs of one value (sorted or constant columns) skip the lookup.
                let mut last: Option<(i128, u32)> = None;
                for &v in values.iter() {
                    let key = v as i128;
                    let code = match last {
                        Some((k, c)) if k == key => c,
                        _ => {
                            let c = self.number(key as u64, || v.to_string());
                            last = Some((key, c));
                            c
                        }
                    };
                    out.push(code);
                }
            }};
        }
        match array.data_type() {
            DataType::Int8 => ints!(Int8Type),
            DataType::Int16 => ints!(Int16Type),
            DataType::Int32 => ints!(Int32Type),
            DataType::Int64 => ints!(Int64Type),
            DataType::UInt8 => ints!(UInt8Type),
            DataType::UInt16 => ints!(UInt16Type),
            DataType::UInt32 => ints!(UInt32Type),
            DataType::UInt64 => ints!(UInt64Type),
            DataType::Float64 => {
                for &v in array.as_primitive::<Float64Type>().values().iter() {
                    out.push(self.number(v.to_bits(), || v.to_string()));
                }
            }
            DataType::Float32 => {
                for &v in array.as_primitive::<Float32Type>().values().iter() {
                    let v = f64::from(v);
                    out.push(self.number(v.to_bits(), || v.to_string()));
                }
            }
            DataType::Boolean => {
                for v in array.as_boolean().values().iter() {
                    out.push(self.number(u64::from(v), || v.to_string()));
                }
            }
            DataType::Utf8 => array
                .as_string::<i32>()
                .iter()
                .for_each(|v| out.push(self.string(v.unwrap_or("")))),
            DataType::LargeUtf8 => array
                .as_string::<i64>()
                .iter()
                .for_each(|v| out.push(self.string(v.unwrap_or("")))),
            DataType::Utf8View => array
                .as_string_view()
                .iter()
                .for_each(|v| out.push(self.string(v.unwrap_or("")))),
            DataType::Dictionary(_, _) => {
                let dict = array.as_any_dictionary();
                let mut entries = Vec::with_capacity(dict.values().len());
                self.codes(dict.values().as_ref(), &mut entries)?;
                out.extend(dict.normalized_keys().into_iter().map(|k| entries[k]));
            }
            other => return Err(other.to_string()),
        }
        Ok(())
    }
}

/// A row group's cells: each distinct combination of the key columns' codes, found column by
/// column (`(code so far, next column's code)` pairs), with its count, weights and first row.
struct Counter {
    coders: Vec<Coder>,
    /// Per key column after the first: `(combination so far, code)` → combination.
    pairs: Vec<HashMap<u64, u32, FixedState>>,
    /// Per key column after the first: each combination's `(combination so far, code)`.
    parents: Vec<Vec<(u32, u32)>>,
    /// Per full combination: rows, weights, first dataset row.
    cells: Vec<(u64, WeightMoments, u64)>,
}

impl Counter {
    fn new(n_keys: usize) -> Self {
        Counter {
            coders: (0..n_keys).map(|_| Coder::default()).collect(),
            pairs: (1..n_keys).map(|_| HashMap::default()).collect(),
            parents: (1..n_keys).map(|_| Vec::new()).collect(),
            cells: Vec::new(),
        }
    }

    /// Folds the codes of one more column into `combined`.
    fn fold(&mut self, level: usize, combined: &mut [u32], codes: &[u32]) {
        let (pairs, parents) = (&mut self.pairs[level], &mut self.parents[level]);
        let mut last: Option<(u64, u32)> = None;
        for (c, &code) in combined.iter_mut().zip(codes) {
            let key = (u64::from(*c) << 32) | u64::from(code);
            let id = match last {
                Some((k, id)) if k == key => id,
                _ => {
                    let next = parents.len() as u32;
                    let id = *pairs.entry(key).or_insert_with(|| {
                        parents.push((*c, code));
                        next
                    });
                    last = Some((key, id));
                    id
                }
            };
            *c = id;
        }
    }

    /// The key texts of full combination `id`.
    fn texts(&self, id: u32) -> Vec<&[u8]> {
        let n = self.coders.len();
        let mut codes = vec![0u32; n];
        let mut id = id;
        for level in (1..n).rev() {
            let (prev, code) = self.parents[level - 1][id as usize];
            codes[level] = code;
            id = prev;
        }
        codes[0] = id;
        codes
            .iter()
            .zip(&self.coders)
            .map(|(&c, coder)| coder.texts[c as usize].as_bytes())
            .collect()
    }
}

/// Counts one row group into cells.
fn count_row_group<R: ChunkReader + Clone + 'static>(
    part: &Opened<R>,
    task: &Task,
    n_keys: usize,
    weights: Option<&str>,
) -> Result<CellAccumulator> {
    let file = &part.name;
    let corrupt = |message: String| ColumnarError::Corrupt {
        file: file.clone(),
        message,
    };
    let reader = guarded(file, || {
        ParquetRecordBatchReaderBuilder::new_with_metadata(part.reader.clone(), part.meta.clone())
            .with_projection(part.mask.clone())
            .with_row_groups(vec![task.row_group])
            .with_batch_size(BATCH_ROWS)
            .build()
            .map_err(|e| e.to_string())
    })?;
    let mut counter = Counter::new(n_keys);
    let mut combined: Vec<u32> = Vec::with_capacity(BATCH_ROWS);
    let mut codes: Vec<u32> = Vec::with_capacity(BATCH_ROWS);
    let mut w: Vec<f64> = Vec::with_capacity(BATCH_ROWS);
    let mut done = 0u64;
    let mut batches = reader;
    loop {
        let next = guarded(file, || Ok(batches.next()))?;
        let Some(batch) = next else { break };
        let batch = batch.map_err(|e| corrupt(e.to_string()))?;
        let n = batch.num_rows();
        let column = |name: &str| -> Result<ArrayRef> {
            let array = batch
                .column_by_name(name)
                .cloned()
                .ok_or_else(|| corrupt(format!("column {name} was not decoded")))?;
            if array.null_count() > 0
                && let Some(i) = (0..array.len()).find(|&i| array.is_null(i))
            {
                return Err(ColumnarError::Null {
                    file: file.clone(),
                    row: task.part_row + done + i as u64 + 1,
                    column: name.to_string(),
                });
            }
            Ok(array)
        };
        for (j, source) in part.keys.iter().enumerate() {
            let out = if j == 0 { &mut combined } else { &mut codes };
            out.clear();
            match source {
                Source::Constant(value) => {
                    let code = counter.coders[j].string(value);
                    out.resize(n, code);
                }
                Source::Column(name) => {
                    let array = column(name)?;
                    counter.coders[j]
                        .codes(array.as_ref(), out)
                        .map_err(|data_type| ColumnarError::UnsupportedType {
                            file: file.clone(),
                            column: name.clone(),
                            data_type,
                        })?;
                }
            }
            if j > 0 {
                counter.fold(j - 1, &mut combined, &codes);
            }
        }
        if let Some(name) = weights {
            let array = column(name)?;
            w.clear();
            numbers(array.as_ref(), &mut w);
            if let Some(i) = w.iter().position(|x| !(x.is_finite() && *x >= 0.0)) {
                let value = w[i].to_string();
                let (file, line, row, column) = (
                    file.clone(),
                    task.first_row + done + i as u64 + 2,
                    (task.part_row + done) as usize + i + 1,
                    name.to_string(),
                );
                return Err(if w[i].is_finite() {
                    DataError::NegativeWeight {
                        file,
                        line,
                        row,
                        column,
                        value,
                    }
                } else {
                    DataError::NonFinite {
                        file,
                        line,
                        row,
                        column,
                        value,
                    }
                }
                .into());
            }
        }
        let cells = &mut counter.cells;
        for (i, &id) in combined.iter().enumerate() {
            let id = id as usize;
            if id == cells.len() {
                cells.push((
                    0,
                    WeightMoments::default(),
                    task.first_row + done + i as u64,
                ));
            }
            let cell = &mut cells[id];
            cell.0 += 1;
            if weights.is_some() {
                cell.1.add(w[i]);
            }
        }
        done += n as u64;
    }
    let mut out = CellAccumulator::new(n_keys, weights.is_some());
    for (id, (count, moments, first)) in counter.cells.iter().enumerate() {
        out.add_counted(first + 2, counter.texts(id as u32), *count, moments);
    }
    Ok(out)
}

/// The values of a numeric column as `f64` (integers converted exactly as parsing their
/// decimal text would, 32-bit floats widened).
fn numbers(array: &dyn Array, out: &mut Vec<f64>) {
    macro_rules! widen {
        ($t:ty) => {
            out.extend(
                array
                    .as_primitive::<$t>()
                    .values()
                    .iter()
                    .map(|&v| v as f64),
            )
        };
    }
    match array.data_type() {
        DataType::Int8 => widen!(Int8Type),
        DataType::Int16 => widen!(Int16Type),
        DataType::Int32 => widen!(Int32Type),
        DataType::Int64 => widen!(Int64Type),
        DataType::UInt8 => widen!(UInt8Type),
        DataType::UInt16 => widen!(UInt16Type),
        DataType::UInt32 => widen!(UInt32Type),
        DataType::UInt64 => widen!(UInt64Type),
        DataType::Float32 => out.extend(
            array
                .as_primitive::<Float32Type>()
                .values()
                .iter()
                .map(|&v| f64::from(v)),
        ),
        DataType::Float64 => out.extend_from_slice(array.as_primitive::<Float64Type>().values()),
        _ => {}
    }
}
