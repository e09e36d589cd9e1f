//! Raw tables: a header and string columns, read from CSV or built in memory.

use std::io::{Read, Write};
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;

use crate::{DataError, Delimiter, Result};

/// One column of text values, stored compactly: runs of values, each one buffer plus 32-bit end
/// offsets (a file read in blocks keeps one run per block, so reading never copies a column
/// twice), and optionally the rows picked from them ([`Table::select_rows`] shares the values
/// instead of copying them). See docs/csv.md#memory.
#[derive(Debug, Clone, Default)]
pub struct TextColumn {
    chunks: Arc<Vec<Chunk>>,
    /// The first row of each chunk (shared by the columns of one table where they agree).
    starts: Arc<Vec<usize>>,
    /// The (chunk, position) of each row, when the rows were picked from the chunks.
    rows: Option<Arc<Vec<(u32, u32)>>>,
    len: usize,
}

/// A run of values: their text one after the other and where each ends (from the chunk's
/// start), or, when every value is a number written as fairkit would write it back, only the
/// numbers (docs/csv.md#memory).
#[derive(Debug, Clone)]
enum Chunk {
    Text {
        text: String,
        ends: Vec<u32>,
    },
    Numbers {
        values: Vec<f64>,
        kind: Written,
        /// The text, written from the numbers when it is first asked for.
        text: OnceLock<(String, Vec<u32>)>,
    },
}

/// How the numbers of a chunk were written, so that writing them back gives the same text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Written {
    /// Whole numbers of 1 to 15 digits without leading zeros (`0`, `7`, `1234`).
    Whole,
    /// The shortest text that reads back to the number, as the `ryu` crate writes it
    /// (`0.25`, `1.0`, `-3.5e-7`).
    Shortest,
}

impl Default for Chunk {
    fn default() -> Self {
        Chunk::Text {
            text: String::new(),
            ends: Vec::new(),
        }
    }
}

/// The value ending at `ends[k]` of `text`.
fn cut<'t>(text: &'t str, ends: &[u32], k: usize) -> &'t str {
    let start = if k == 0 { 0 } else { ends[k - 1] as usize };
    &text[start..ends[k] as usize]
}

impl Chunk {
    fn len(&self) -> usize {
        match self {
            Chunk::Text { ends, .. } => ends.len(),
            Chunk::Numbers { values, .. } => values.len(),
        }
    }

    fn get(&self, k: usize) -> &str {
        match self {
            Chunk::Text { text, ends } => cut(text, ends, k),
            Chunk::Numbers { values, kind, text } => {
                let (text, ends) = text.get_or_init(|| write_numbers(values, *kind));
                cut(text, ends, k)
            }
        }
    }

    /// The numbers, when the chunk holds only numbers.
    fn numbers(&self) -> Option<&[f64]> {
        match self {
            Chunk::Numbers { values, .. } => Some(values),
            Chunk::Text { .. } => None,
        }
    }

    /// Chunks of `text` cut at value ends (`ends` from its start), each under 4 GiB.
    fn split(text: String, ends: &[usize]) -> Vec<Chunk> {
        if text.len() <= u32::MAX as usize {
            let ends = ends.iter().map(|&e| e as u32).collect();
            return vec![Chunk::Text { text, ends }];
        }
        let mut out = Vec::new();
        let (mut chunk, mut chunk_ends) = (String::new(), Vec::new());
        let mut start = 0;
        for &end in ends {
            let value = &text[start..end];
            if chunk.len() + value.len() > u32::MAX as usize {
                out.push(Chunk::Text {
                    text: std::mem::take(&mut chunk),
                    ends: std::mem::take(&mut chunk_ends),
                });
            }
            chunk.push_str(value);
            chunk_ends.push(chunk.len() as u32);
            start = end;
        }
        out.push(Chunk::Text {
            text: chunk,
            ends: chunk_ends,
        });
        out
    }
}

/// The value of a whole number of 1 to 15 digits without leading zeros (exact in f64, the
/// bits `parse::<f64>` gives).
fn whole(b: &[u8]) -> Option<f64> {
    if b.is_empty() || b.len() > 15 || (b[0] == b'0' && b.len() > 1) {
        return None;
    }
    let mut n = 0u64;
    for &d in b {
        if !d.is_ascii_digit() {
            return None;
        }
        n = n * 10 + u64::from(d - b'0');
    }
    Some(n as f64)
}

/// The numbers written back as [`Chunk::numbers_of`] read them.
fn write_numbers(values: &[f64], kind: Written) -> (String, Vec<u32>) {
    let mut text = String::with_capacity(values.len() * 4);
    let mut ends = Vec::with_capacity(values.len());
    let mut buffer = ryu::Buffer::new();
    for &x in values {
        match kind {
            Written::Whole => {
                use std::fmt::Write as _;
                let _ = write!(text, "{}", x as u64);
            }
            Written::Shortest => text.push_str(buffer.format_finite(x)),
        }
        ends.push(text.len() as u32);
    }
    (text, ends)
}

/// The (chunk, position) of each picked row.
type Picks = Arc<Vec<(u32, u32)>>;

/// A part's columns as chunks, and each row's line.
type PartColumns = (Vec<Vec<Chunk>>, Vec<u64>);

/// Where the rows of a column are, for sharing picked rows between columns stored alike.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Layout {
    /// At most one chunk, rows in order.
    Whole,
    /// Rows in order over chunks starting at these rows.
    Starts(*const Vec<usize>),
    /// Rows picked.
    Picked(*const Vec<(u32, u32)>),
}

impl TextColumn {
    /// A column of the values of `chunks` (empty ones left out), in order.
    fn from_chunks(chunks: Vec<Chunk>) -> Self {
        let mut starts = Vec::with_capacity(chunks.len());
        let mut kept = Vec::with_capacity(chunks.len());
        let mut len = 0;
        for chunk in chunks {
            if chunk.len() > 0 {
                starts.push(len);
                len += chunk.len();
                kept.push(chunk);
            }
        }
        TextColumn {
            chunks: Arc::new(kept),
            starts: Arc::new(starts),
            rows: None,
            len,
        }
    }

    fn push(&mut self, value: &str) {
        debug_assert!(self.rows.is_none(), "values are pushed to new columns only");
        let chunks = Arc::make_mut(&mut self.chunks);
        let room = |c: &Chunk| match c {
            Chunk::Text { text, .. } => text.len() + value.len() <= u32::MAX as usize,
            Chunk::Numbers { .. } => false,
        };
        if !chunks.last().is_some_and(room) {
            Arc::make_mut(&mut self.starts).push(self.len);
            chunks.push(Chunk::default());
        }
        if let Some(Chunk::Text { text, ends }) = chunks.last_mut() {
            text.push_str(value);
            ends.push(text.len() as u32);
        }
        self.len += 1;
    }

    fn layout(&self) -> Layout {
        match &self.rows {
            Some(rows) => Layout::Picked(Arc::as_ptr(rows)),
            None if self.chunks.len() <= 1 => Layout::Whole,
            None => Layout::Starts(Arc::as_ptr(&self.starts)),
        }
    }

    /// The chunk and position of row `i`.
    fn locate(&self, i: usize) -> (usize, usize) {
        match &self.rows {
            Some(rows) => {
                let (c, k) = rows[i];
                (c as usize, k as usize)
            }
            None if self.chunks.len() == 1 => (0, i),
            None => {
                let c = self.starts.partition_point(|&s| s <= i) - 1;
                (c, i - self.starts[c])
            }
        }
    }

    /// Number of values.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are no values.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The value of row `i` (0-based).
    ///
    /// # Panics
    /// If `i >= len()`.
    pub fn get(&self, i: usize) -> &str {
        assert!(i < self.len, "row {i} of a column of {} values", self.len);
        let (c, k) = self.locate(i);
        self.chunks[c].get(k)
    }

    /// The values in row order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        self.range(0, self.len)
    }

    /// The values of rows `start..end` in order.
    ///
    /// # Panics
    /// If `start > end` or `end > len()`.
    pub(crate) fn range(&self, start: usize, end: usize) -> Values<'_> {
        assert!(start <= end && end <= self.len);
        let (chunk, offset) = if start < end && self.rows.is_none() {
            self.locate(start)
        } else {
            (0, 0)
        };
        Values {
            column: self,
            next: start,
            end,
            chunk,
            offset,
        }
    }

    /// The numbers of rows `start..end` when every one of them was stored as a number (read
    /// from a file whose values write back to their own text: docs/csv.md#memory), else
    /// `None`. They are the numbers `str::parse::<f64>` gives for the values.
    pub(crate) fn numbers(&self, start: usize, end: usize) -> Option<Vec<f64>> {
        let mut out = Vec::with_capacity(end - start);
        self.numbers_into(start, end, &mut out).then_some(out)
    }

    /// [`numbers`](Self::numbers) appended to `out`; `false` (with `out` in any state) when a
    /// row is not stored as a number.
    fn numbers_into(&self, start: usize, end: usize, out: &mut Vec<f64>) -> bool {
        if start >= end {
            return true;
        }
        match &self.rows {
            Some(rows) => {
                for &(c, k) in &rows[start..end] {
                    match self.chunks[c as usize].numbers() {
                        Some(values) => out.push(values[k as usize]),
                        None => return false,
                    }
                }
                true
            }
            None => {
                let (mut c, mut k) = self.locate(start);
                let mut left = end - start;
                while left > 0 {
                    let Some(values) = self.chunks[c].numbers() else {
                        return false;
                    };
                    let take = (values.len() - k).min(left);
                    out.extend_from_slice(&values[k..k + take]);
                    left -= take;
                    (c, k) = (c + 1, 0);
                }
                true
            }
        }
    }

    /// Whether every value is stored as a number ([`numbers`](Self::numbers)).
    pub(crate) fn all_numbers(&self) -> bool {
        match &self.rows {
            None => self.chunks.iter().all(|c| c.numbers().is_some()),
            Some(rows) => rows
                .iter()
                .all(|&(c, _)| self.chunks[c as usize].numbers().is_some()),
        }
    }

    /// The rows at `picks` (each below `len()`), sharing the values; `shared` holds the picks
    /// already made for columns stored alike, so that they share them too.
    fn pick(&self, picks: &[usize], shared: &mut Vec<(Layout, Picks)>) -> Self {
        let layout = self.layout();
        let rows = match shared.iter().find(|(l, _)| *l == layout) {
            Some((_, rows)) => Arc::clone(rows),
            None => {
                let rows: Picks = Arc::new(
                    picks
                        .iter()
                        .map(|&i| {
                            let (c, k) = self.locate(i);
                            (c as u32, k as u32)
                        })
                        .collect(),
                );
                shared.push((layout, Arc::clone(&rows)));
                rows
            }
        };
        TextColumn {
            chunks: Arc::clone(&self.chunks),
            starts: Arc::clone(&self.starts),
            len: rows.len(),
            rows: Some(rows),
        }
    }
}

impl PartialEq for TextColumn {
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len && self.iter().eq(other.iter())
    }
}

impl Eq for TextColumn {}

/// The values of a range of a column's rows, in order ([`TextColumn::iter`]).
pub(crate) struct Values<'a> {
    column: &'a TextColumn,
    next: usize,
    end: usize,
    /// Where row `next` is, when the rows are in chunk order.
    chunk: usize,
    offset: usize,
}

impl<'a> Iterator for Values<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        if self.next >= self.end {
            return None;
        }
        let chunks = &self.column.chunks;
        let value = match &self.column.rows {
            Some(rows) => {
                let (c, k) = rows[self.next];
                chunks[c as usize].get(k as usize)
            }
            None => {
                while self.offset >= chunks[self.chunk].len() {
                    self.chunk += 1;
                    self.offset = 0;
                }
                self.offset += 1;
                chunks[self.chunk].get(self.offset - 1)
            }
        };
        self.next += 1;
        Some(value)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.end - self.next;
        (n, Some(n))
    }
}

impl ExactSizeIterator for Values<'_> {}

/// How a CSV file is laid out. The default is a comma-separated file whose first record is the
/// header, fields taken as they are, and repeated column names rejected.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CsvFormat {
    /// The field delimiter (one byte, or runs of whitespace).
    pub delimiter: Delimiter,
    /// Trim leading and trailing whitespace of every field (for `", "`-separated files).
    pub trim: bool,
    /// Column names for a file without a header row; `None` means the first record is the
    /// header (unless `numbered`).
    pub names: Option<Vec<String>>,
    /// The file has no header row and `names` is `None`: the columns are named `c1`, `c2`, ...
    /// after the first record's field count.
    pub numbered: bool,
    /// Rename a repeated column name `x` to `x.1`, `x.2`, ... (as pandas does) instead of
    /// rejecting it.
    pub rename_duplicates: bool,
    /// Keep only these columns (in file order); `None` keeps every column. The others are
    /// still parsed (ragged rows are rejected) but neither checked for UTF-8 nor stored, which
    /// saves time and memory on wide files. A name that is not in the header is a
    /// [`DataError::MissingColumn`].
    pub select: Option<Vec<String>>,
}

/// A raw table: column names and string values, with the source name and each row's line in
/// the source kept for error messages.
///
/// Every row has one value per column (ragged rows are rejected when reading), there is at least
/// one row, and column names are distinct.
///
/// ```
/// use fairkit_data::Table;
///
/// let csv = "x,group,y\n1.5,a,1\n2.5,b,0\n";
/// let table = Table::from_csv(csv.as_bytes(), "toy.csv").unwrap();
/// assert_eq!(table.n_rows(), 2);
/// assert_eq!(table.column("group").unwrap().get(1), "b");
/// assert!(table.column("z").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    file: String,
    header: Vec<String>,
    columns: Vec<TextColumn>,
    lines: Vec<u64>,
    /// The delimiter the file probably has, when its header was read as one field holding
    /// another delimiter (for the missing-column message).
    other_delimiter: Option<Delimiter>,
}

impl Table {
    /// Reads a comma-separated file with a header row.
    ///
    /// # Errors
    /// Empty file, header only, duplicate column names, ragged rows, non-UTF-8 bytes, read
    /// errors; every message names `file` and the line.
    pub fn from_csv(reader: impl Read, file: &str) -> Result<Self> {
        Self::from_csv_with(reader, file, &CsvFormat::default())
    }

    /// Reads a CSV file laid out as `format` says.
    ///
    /// The input is read whole, then its records are parsed in parallel blocks when that is
    /// safe (docs/csv.md): a one-byte delimiter, no `"` anywhere in the input (so every line
    /// break ends a record) and a header that is not generated from the first record. The
    /// table, and the error reported for a bad file, are the same either way.
    ///
    /// # Errors
    /// As [`from_csv`](Self::from_csv), and a selected column missing from the header.
    pub fn from_csv_with(mut reader: impl Read, file: &str, format: &CsvFormat) -> Result<Self> {
        let mut bytes = Vec::new();
        reader
            .read_to_end(&mut bytes)
            .map_err(|e| read_error(file, &e))?;
        Self::from_csv_bytes(&bytes, file, format)
    }

    /// [`from_csv_with`](Self::from_csv_with) on bytes in memory.
    ///
    /// # Errors
    /// As [`from_csv_with`](Self::from_csv_with).
    pub fn from_csv_bytes(bytes: &[u8], file: &str, format: &CsvFormat) -> Result<Self> {
        Self::from_csv_blocks(bytes, file, format, BLOCK)
    }

    /// [`from_csv_bytes`](Self::from_csv_bytes) in blocks of `block` bytes, when the input holds
    /// at least two.
    fn from_csv_blocks(bytes: &[u8], file: &str, format: &CsvFormat, block: usize) -> Result<Self> {
        let mut records = Records::new(bytes, format);
        let head = Head::read(&mut records, file, format)?;
        let mut builder = Builder::new(file, head.header.clone())?;
        builder.other_delimiter = head.other_delimiter;
        let consumed = bytes.len() - records.input.len() - (records.len - records.pos);
        let body = &bytes[consumed..];
        if head.pending.is_none() && blocks_are_safe(format, body) && body.len() >= 2 * block {
            let blocks = split_blocks(body, block);
            // The line each block starts on: the lines before it, counted in parallel.
            let breaks: Vec<u64> = blocks.par_iter().map(|b| count_lines(b)).collect();
            let mut starts = Vec::with_capacity(blocks.len());
            let mut line = records.line;
            for n in &breaks {
                starts.push(line);
                line += n;
            }
            let parts: Vec<Result<PartColumns>> = blocks
                .par_iter()
                .zip(&starts)
                .enumerate()
                .map(|(k, (block, &line))| {
                    let mut part = Part::new(head.keep.len());
                    match head.read_quote_free(block, line, format, file, k == 0, &mut part) {
                        Ok(()) => part.columns(file, &head.keep),
                        Err(e) => Err(part.first_error(file, &head.keep, e)),
                    }
                })
                .collect();
            let mut rows = 0;
            let mut ok = Vec::with_capacity(parts.len());
            for part in parts {
                match part {
                    Ok(part) => {
                        rows += part.1.len();
                        ok.push(part);
                    }
                    Err(e) => return Err(shift_row(e, rows)),
                }
            }
            // The blocks' values are kept where they are: one chunk per block and column.
            builder.lines = Vec::with_capacity(rows);
            let mut by_column: Vec<Vec<Chunk>> =
                vec![Vec::with_capacity(ok.len()); head.keep.len()];
            for (columns, mut lines) in ok {
                builder.lines.append(&mut lines);
                for (j, chunks) in columns.into_iter().enumerate() {
                    by_column[j].extend(chunks);
                }
            }
            builder.columns = by_column.into_iter().map(TextColumn::from_chunks).collect();
            // Columns whose chunks start at the same rows share one list of starts.
            if let [first, rest @ ..] = &mut builder.columns[..] {
                for column in rest {
                    if column.starts == first.starts {
                        column.starts = Arc::clone(&first.starts);
                    }
                }
            }
            return builder.finish();
        }
        let mut part = Part::new(head.keep.len());
        let mut read = || {
            if let Some(line) = head.pending {
                head.push(&records.row(&head.keep), file, line, true, &mut part)?;
            }
            head.read_rows(&mut records, file, true, &mut part)
        };
        if let Err(e) = read() {
            return Err(part.first_error(file, &head.keep, e));
        }
        let (columns, lines) = part.columns(file, &head.keep)?;
        builder.columns = columns.into_iter().map(TextColumn::from_chunks).collect();
        builder.lines = lines;
        builder.finish()
    }

    /// A table from in-memory columns (`columns[j]` holds the values of `header[j]`). Row `i` is
    /// reported as line `i + 2`, as if the table were written as CSV with its header.
    ///
    /// # Errors
    /// No columns or rows, duplicate names, columns of different lengths.
    pub fn from_columns<S: AsRef<str>>(
        file: &str,
        header: Vec<String>,
        columns: &[Vec<S>],
    ) -> Result<Self> {
        fairkit_core::Error::check_len("columns", header.len(), columns.len())?;
        let n = columns.first().map_or(0, Vec::len);
        let mut builder = Builder::new(file, header)?;
        for (j, (name, values)) in builder.header.iter().zip(columns).enumerate() {
            fairkit_core::Error::check_len(&format!("column {name}"), n, values.len())?;
            for v in values {
                builder.columns[j].push(v.as_ref());
            }
        }
        builder.lines = (0..n as u64).map(|i| i + 2).collect();
        builder.finish()
    }

    /// [`from_columns`](Self::from_columns) with the source line of each row.
    pub(crate) fn from_columns_at<S: AsRef<str>>(
        file: &str,
        header: Vec<String>,
        columns: &[Vec<S>],
        lines: Vec<u64>,
    ) -> Result<Self> {
        let mut table = Self::from_columns(file, header, columns)?;
        fairkit_core::Error::check_len("lines", table.lines.len(), lines.len())?;
        table.lines = lines;
        Ok(table)
    }

    /// The source name used in messages.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// The column names, in file order.
    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// Number of data rows (at least one).
    pub fn n_rows(&self) -> usize {
        self.lines.len()
    }

    /// Number of columns.
    pub fn n_columns(&self) -> usize {
        self.header.len()
    }

    /// The position of a column.
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    /// The values of a column.
    ///
    /// # Errors
    /// [`DataError::MissingColumn`].
    pub fn column(&self, name: &str) -> Result<&TextColumn> {
        match self.column_index(name) {
            Some(j) => Ok(&self.columns[j]),
            None => Err(missing_column(
                &self.file,
                name,
                &self.header,
                self.other_delimiter,
            )),
        }
    }

    /// The values of the column at position `j` (0-based).
    ///
    /// # Panics
    /// If `j >= n_columns()`.
    pub fn column_at(&self, j: usize) -> &TextColumn {
        &self.columns[j]
    }

    /// The 1-based source line of row `i` (0-based), for messages.
    pub fn line(&self, i: usize) -> u64 {
        self.lines[i]
    }

    /// The rows at `indices`, in that order (they keep their source lines).
    ///
    /// # Errors
    /// No indices, or an index out of range.
    pub fn select_rows(&self, indices: &[usize]) -> Result<Self> {
        if let Some(&bad) = indices.iter().find(|&&i| i >= self.n_rows()) {
            return Err(fairkit_core::Error::invalid(
                "row index",
                bad,
                &format!("{} has {} rows", self.file, self.n_rows()),
            )
            .into());
        }
        let mut builder = Builder::new(&self.file, self.header.clone())?;
        builder.other_delimiter = self.other_delimiter;
        // The values are shared, not copied (docs/csv.md#memory).
        let mut shared = Vec::new();
        builder.columns = self
            .columns
            .iter()
            .map(|c| c.pick(indices, &mut shared))
            .collect();
        builder.lines = indices.iter().map(|&i| self.lines[i]).collect();
        builder.finish()
    }

    /// The columns named in `names`, in that order.
    ///
    /// # Errors
    /// A missing column, or a name listed twice.
    pub fn select_columns<S: AsRef<str>>(&self, names: &[S]) -> Result<Self> {
        let header: Vec<String> = names.iter().map(|n| n.as_ref().to_string()).collect();
        let mut builder = Builder::new(&self.file, header)?;
        for (out, name) in builder.columns.iter_mut().zip(names) {
            *out = self.column(name.as_ref())?.clone();
        }
        builder.lines = self.lines.clone();
        builder.finish()
    }

    /// Replaces every value of a column by `f(value)`.
    pub(crate) fn map_column(&mut self, name: &str, f: impl Fn(&str) -> &str) -> Result<()> {
        let column = self.column(name)?;
        let mut out = TextColumn::default();
        for v in column.iter() {
            out.push(f(v));
        }
        if let Some(j) = self.column_index(name) {
            self.columns[j] = out;
        }
        Ok(())
    }

    /// Writes the table as comma-separated text with a header row.
    ///
    /// # Errors
    /// [`DataError::Write`] when the writer fails.
    pub fn write_csv(&self, writer: impl Write) -> Result<()> {
        let write_err = |e: &dyn std::fmt::Display| DataError::Write {
            message: e.to_string(),
        };
        let mut w = csv::Writer::from_writer(writer);
        w.write_record(&self.header).map_err(|e| write_err(&e))?;
        let mut values: Vec<_> = self.columns.iter().map(TextColumn::iter).collect();
        let mut row = Vec::with_capacity(self.n_columns());
        for _ in 0..self.n_rows() {
            row.clear();
            row.extend(values.iter_mut().map(|v| v.next().unwrap_or_default()));
            w.write_record(&row).map_err(|e| write_err(&e))?;
        }
        w.flush().map_err(|e| write_err(&e))
    }
}

/// The size of the blocks a file is parsed in, in parallel (docs/csv.md): a block ends at the
/// first line break at or after this many bytes. Fixed, so that the blocks (and every sum made
/// block by block) do not depend on the thread count.
pub(crate) const BLOCK: usize = 1 << 20;

/// Whether the records of `body` can be split at any line break: a one-byte delimiter and no
/// quote anywhere (a quoted field may hold line breaks; csv_core also takes a `"` inside an
/// unquoted field literally, which a scan for quotes alone cannot tell apart).
pub(crate) fn blocks_are_safe(format: &CsvFormat, body: &[u8]) -> bool {
    matches!(format.delimiter, Delimiter::Byte(d) if d != b'\n' && d != b'\r' && d != b'"')
        && !body.contains(&b'"')
}

/// `body` cut after the first line break at or after every `size` bytes.
pub(crate) fn split_blocks(body: &[u8], size: usize) -> Vec<&[u8]> {
    let mut blocks = Vec::with_capacity(body.len() / size + 1);
    let mut rest = body;
    while !rest.is_empty() {
        let cut = match rest
            .get(size..)
            .and_then(|tail| tail.iter().position(|&b| b == b'\n'))
        {
            Some(k) => size + k + 1,
            None => rest.len(),
        };
        let (block, tail) = rest.split_at(cut);
        blocks.push(block);
        rest = tail;
    }
    blocks
}

/// The number of line feeds in `bytes`.
pub(crate) fn count_lines(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| b == b'\n').count() as u64
}

/// The error `e` of a block that starts after `rows` data rows, with its row number made
/// global.
pub(crate) fn shift_row(mut e: DataError, rows: usize) -> DataError {
    match &mut e {
        DataError::RaggedRow { row, .. }
        | DataError::NonNumeric { row, .. }
        | DataError::NonFinite { row, .. }
        | DataError::NegativeWeight { row, .. }
        | DataError::EmptyValue { row, .. } => *row += rows,
        _ => {}
    }
    e
}

/// The error for a failed read of `file` (an unterminated quote is carried in an I/O error).
fn read_error(file: &str, e: &std::io::Error) -> DataError {
    match Unterminated::of(e) {
        Some(u) => DataError::UnterminatedQuote {
            file: file.to_string(),
            line: u.line,
            column: u.column,
            end: u.end,
        },
        None => DataError::Read {
            file: file.to_string(),
            line: None,
            message: e.to_string(),
        },
    }
}

/// Rows read from (part of) a file: the kept columns and each row's line.
///
/// The values are kept as bytes and checked for UTF-8 a whole column at a time
/// ([`Part::columns`]), which is several times faster than field by field.
struct Part {
    columns: Vec<Column>,
    lines: Vec<u64>,
    /// Reused to write numbers back ([`Written::Shortest`]).
    ryu: ryu::Buffer,
}

/// A column of a part: numbers while every value is one that writes back to its own text
/// ([`Written`], decided by the first value), text from the first value that is not
/// (docs/csv.md#memory).
#[derive(Clone)]
enum Column {
    Numbers {
        values: Vec<f64>,
        kind: Option<Written>,
    },
    Text {
        text: Vec<u8>,
        ends: Vec<usize>,
    },
}

impl Column {
    fn push(&mut self, field: &[u8], ryu: &mut ryu::Buffer) {
        if let Column::Numbers { values, kind } = self {
            let written = *kind.get_or_insert_with(|| {
                if whole(field).is_some() {
                    Written::Whole
                } else {
                    Written::Shortest
                }
            });
            if let Some(x) = read_written(field, written, ryu) {
                values.push(x);
                return;
            }
            // The values so far, written back as they were read, then this one as text.
            let (text, ends) = write_numbers(values, written);
            *self = Column::Text {
                text: text.into_bytes(),
                ends: ends.into_iter().map(|e| e as usize).collect(),
            };
        }
        if let Column::Text { text, ends } = self {
            // Short fields byte by byte: cheaper than a call to copy them.
            if field.len() <= 4 {
                for &b in field {
                    text.push(b);
                }
            } else {
                text.extend_from_slice(field);
            }
            ends.push(text.len());
        }
    }
}

/// The number `field` holds when it is written as `kind` writes it, else `None`.
fn read_written(field: &[u8], kind: Written, ryu: &mut ryu::Buffer) -> Option<f64> {
    match kind {
        Written::Whole => whole(field),
        Written::Shortest => {
            // Only what ryu writes: digits, sign, point and exponent.
            if !field
                .iter()
                .all(|&b| b.is_ascii_digit() || b == b'-' || b == b'.' || b == b'e')
            {
                return None;
            }
            let text = std::str::from_utf8(field).ok()?;
            let x: f64 = text.parse().ok()?;
            (x.is_finite() && ryu.format_finite(x).as_bytes() == field).then_some(x)
        }
    }
}

impl Part {
    fn new(n_columns: usize) -> Self {
        Part {
            columns: vec![
                Column::Numbers {
                    values: Vec::new(),
                    kind: None,
                };
                n_columns
            ],
            lines: Vec::new(),
            ryu: ryu::Buffer::new(),
        }
    }

    /// The columns as chunks, or the error for the first value (in row, then column order)
    /// that is not UTF-8; `keep` are the columns' file positions.
    fn columns(self, file: &str, keep: &[usize]) -> Result<PartColumns> {
        let mut out = Vec::with_capacity(self.columns.len());
        let mut first_bad: Option<(usize, usize)> = None;
        for (k, column) in self.columns.into_iter().enumerate() {
            let (text, ends) = match column {
                Column::Numbers { values, kind } => {
                    out.push(vec![Chunk::Numbers {
                        values,
                        kind: kind.unwrap_or(Written::Whole),
                        text: OnceLock::new(),
                    }]);
                    continue;
                }
                Column::Text { text, ends } => (text, ends),
            };
            match String::from_utf8(text) {
                Ok(text) => out.push(Chunk::split(text, &ends)),
                Err(e) => {
                    let text = e.into_bytes();
                    let bad = (0..ends.len()).find(|&i| {
                        let start = if i == 0 { 0 } else { ends[i - 1] };
                        std::str::from_utf8(&text[start..ends[i]]).is_err()
                    });
                    if let Some(i) = bad
                        && first_bad.is_none_or(|(r, _)| i < r)
                    {
                        first_bad = Some((i, k));
                    }
                }
            }
        }
        match first_bad {
            Some((i, k)) => Err(DataError::NonUtf8 {
                file: file.to_string(),
                line: self.lines[i],
                column: keep[k] + 1,
            }),
            None => Ok((out, self.lines)),
        }
    }

    /// `e`, unless a value of the rows read before it is not UTF-8 (that error comes first).
    fn first_error(self, file: &str, keep: &[usize], e: DataError) -> DataError {
        match self.columns(file, keep) {
            Err(utf8) => utf8,
            Ok(_) => e,
        }
    }
}

/// A file's header and how its records map to the kept columns.
pub(crate) struct Head {
    /// The kept column names.
    pub(crate) header: Vec<String>,
    /// The file positions of the kept columns.
    pub(crate) keep: Vec<usize>,
    /// Fields per record.
    expected: usize,
    /// The names were given (the file has no header row).
    names_given: bool,
    other_delimiter: Option<Delimiter>,
    /// The line of a first record that is data although it was read to size the header.
    pending: Option<u64>,
}

impl Head {
    /// Reads the header record (unless the names are given) and selects the kept columns.
    fn read<R: Read>(records: &mut Records<R>, file: &str, format: &CsvFormat) -> Result<Self> {
        let mut pending = None;
        let mut other_delimiter = None;
        let header = match &format.names {
            Some(names) => names.clone(),
            None => {
                let Some(line) = records.next().map_err(|e| read_error(file, &e))? else {
                    return Err(DataError::EmptyFile {
                        file: file.to_string(),
                    });
                };
                if format.numbered {
                    pending = Some(line);
                    (1..=records.n_fields()).map(|j| format!("c{j}")).collect()
                } else {
                    let mut names = Vec::with_capacity(records.n_fields());
                    for j in 0..records.n_fields() {
                        names.push(utf8(records.field(j), file, line, j)?.to_string());
                    }
                    if let [only] = &names[..] {
                        other_delimiter = format.delimiter.guess_other(only);
                    }
                    names
                }
            }
        };
        let header = if format.rename_duplicates {
            rename_duplicates(header)
        } else {
            header
        };
        check_header(file, &header)?;
        let expected = header.len();
        let (header, keep) = select(header, format.select.as_deref(), file, other_delimiter)?;
        Ok(Head {
            header,
            keep,
            expected,
            names_given: format.names.is_some(),
            other_delimiter,
            pending,
        })
    }

    /// Checks the width of a record (read from `line`; `first`: the file's first data row)
    /// and appends its kept fields to `part`.
    fn push(
        &self,
        fields: &Row<'_>,
        file: &str,
        line: u64,
        first: bool,
        part: &mut Part,
    ) -> Result<()> {
        self.check(fields.spans.len(), file, line, first, part.lines.len() + 1)?;
        let Part { columns, ryu, .. } = part;
        for (k, column) in columns.iter_mut().enumerate() {
            column.push(fields.get(k), ryu);
        }
        part.lines.push(line);
        Ok(())
    }

    /// Checks the width of a record of `got` fields, data row `row` (1-based) read from
    /// `line`.
    fn check(&self, got: usize, file: &str, line: u64, first: bool, row: usize) -> Result<()> {
        if self.names_given && first && got != self.expected {
            return Err(DataError::ColumnNames {
                file: file.to_string(),
                line,
                names: self.expected,
                got,
            });
        }
        if got != self.expected {
            return Err(DataError::RaggedRow {
                file: file.to_string(),
                line,
                row,
                expected: self.expected,
                got,
            });
        }
        Ok(())
    }

    /// Reads the remaining records into `part`; `first`: `part` starts at the file's first
    /// data row.
    fn read_rows<R: Read>(
        &self,
        records: &mut Records<R>,
        file: &str,
        first: bool,
        part: &mut Part,
    ) -> Result<()> {
        while let Some(line) = records.next().map_err(|e| read_error(file, &e))? {
            self.push(
                &records.row(&self.keep),
                file,
                line,
                first && part.lines.is_empty(),
                part,
            )?;
        }
        Ok(())
    }

    /// [`read_rows`](Self::read_rows) for a block without quotes, starting on `line`: the
    /// records are cut straight from the block (see [`quote_free_records`]).
    fn read_quote_free(
        &self,
        block: &[u8],
        line: u64,
        format: &CsvFormat,
        file: &str,
        first: bool,
        part: &mut Part,
    ) -> Result<()> {
        // Sized for the block up front (its line feeds bound its rows; text shared evenly),
        // which saves most of the regrowing.
        let rows = count_lines(block) as usize + 1;
        for column in &mut part.columns {
            if let Column::Numbers { values, .. } = column {
                values.reserve(rows);
            }
        }
        quote_free_records(block, line, format, &self.keep, |line, row| {
            self.push(row, file, line, first && part.lines.is_empty(), part)
        })
    }
}

/// The kept fields of one record, as [`scan_csv`] hands them out.
pub(crate) struct Row<'r> {
    /// The bytes the fields are cut from.
    base: &'r [u8],
    /// Where every field of the record is in `base` (trimmed if the format says so).
    spans: &'r [(usize, usize)],
    keep: &'r [usize],
}

impl Row<'_> {
    /// Kept field `k` (in the order of the kept columns).
    pub(crate) fn get(&self, k: usize) -> &[u8] {
        let (start, end) = self.spans[self.keep[k]];
        &self.base[start..end]
    }
}

/// The records of `block`, which holds no `"` and starts at a record on `line`, handed to
/// `each` with their line, exactly as csv_core reads them (docs/csv.md): a record ends at `\r`
/// or `\n`, runs of them are blank lines, fields are split at the delimiter. Fields are not
/// copied.
fn quote_free_records(
    block: &[u8],
    mut line: u64,
    format: &CsvFormat,
    keep: &[usize],
    mut each: impl FnMut(u64, &Row<'_>) -> Result<()>,
) -> Result<()> {
    let delimiter = match format.delimiter {
        Delimiter::Byte(b) => b,
        Delimiter::Whitespace => b' ',
    };
    let mut spans: Vec<(usize, usize)> = Vec::with_capacity(64);
    let mut i = 0;
    let n = block.len();
    while i < n {
        match block[i] {
            b'\n' => {
                line += 1;
                i += 1;
                continue;
            }
            b'\r' => {
                i += 1;
                continue;
            }
            _ => {}
        }
        spans.clear();
        let mut start = i;
        while i < n {
            let b = block[i];
            if b == delimiter {
                spans.push((start, i));
                start = i + 1;
            } else if b == b'\n' || b == b'\r' {
                break;
            }
            i += 1;
        }
        spans.push((start, i));
        if format.trim {
            for span in &mut spans {
                let field = &block[span.0..span.1];
                let lead = field.len() - field.trim_ascii_start().len();
                let trail = field.len() - field.trim_ascii_end().len();
                *span = if lead == field.len() {
                    (span.0, span.0)
                } else {
                    (span.0 + lead, span.1 - trail)
                };
            }
        }
        each(
            line,
            &Row {
                base: block,
                spans: &spans,
                keep,
            },
        )?;
    }
    Ok(())
}

/// How many bytes [`scan_csv`] holds at once: this many blocks of [`BLOCK`] bytes.
const BLOCKS_AT_ONCE: usize = 32;

/// Reads CSV rows laid out as `format` says without holding the file: the input is read a few
/// dozen blocks of `block` bytes at a time, and the blocks' records are handed to `visit` in parallel, each
/// block into its own `T` (from `init`, with the record's line, its data row counted from
/// the block's first (errors of `visit` naming a row get the global one) and its kept fields
/// in file order), then handed to `merge` in file order, so that the result does not depend on the
/// thread count. An input holding a `"` (from the first block that holds one) or a
/// whitespace-separated one is read one record after the other into a single `T`
/// (docs/csv.md). Returns the kept column names.
///
/// # Errors
/// Those of [`Table::from_csv_with`] (a header only is no error here), and those of `visit`.
pub(crate) fn scan_csv<R, T, I, V, M>(
    mut reader: R,
    file: &str,
    format: &CsvFormat,
    block: usize,
    init: I,
    visit: V,
    mut merge: M,
) -> Result<Vec<String>>
where
    R: Read,
    T: Send,
    I: Fn(&[String]) -> T + Sync,
    V: Fn(&mut T, u64, usize, &Row<'_>) -> Result<()> + Sync,
    M: FnMut(T),
{
    let size = block.saturating_mul(BLOCKS_AT_ONCE);
    let mut buf = Vec::with_capacity(size.saturating_add(block).min(1 << 30));
    let fill = |reader: &mut R, buf: &mut Vec<u8>| -> Result<bool> {
        let want = size.saturating_sub(buf.len()) as u64;
        let got = reader
            .by_ref()
            .take(want)
            .read_to_end(buf)
            .map_err(|e| read_error(file, &e))?;
        Ok(got as u64 == want)
    };
    let mut more = fill(&mut reader, &mut buf)?;
    let mut records = Records::new(&buf[..], format);
    let head = Head::read(&mut records, file, format)?;
    let consumed = buf.len() - records.input.len() - (records.len - records.pos);
    let mut line = records.line;
    let pending = head.pending;
    // Whether the header record ended inside the bytes read (it always does at the end).
    let whole = !more || consumed < buf.len();
    let mut rows = 0;
    if pending.is_none() && whole {
        buf.drain(..consumed);
        loop {
            // Up to the last line break (all of it at the end of the input).
            let cut = if more {
                buf.iter().rposition(|&b| b == b'\n').map_or(0, |k| k + 1)
            } else {
                buf.len()
            };
            if !blocks_are_safe(format, &buf[..cut]) || (cut == 0 && more) {
                break;
            }
            let blocks = split_blocks(&buf[..cut], block);
            let breaks: Vec<u64> = blocks.par_iter().map(|b| count_lines(b)).collect();
            let mut starts = Vec::with_capacity(blocks.len());
            for n in &breaks {
                starts.push(line);
                line += n;
            }
            let parts: Vec<Result<(T, usize)>> = blocks
                .par_iter()
                .zip(&starts)
                .enumerate()
                .map(|(k, (block, &line))| {
                    let mut acc = init(&head.header);
                    let first = rows == 0 && k == 0;
                    let mut n = 0;
                    quote_free_records(block, line, format, &head.keep, |line, row| {
                        n += 1;
                        head.check(row.spans.len(), file, line, first && n == 1, n)?;
                        visit(&mut acc, line, n, row)
                    })?;
                    Ok((acc, n))
                })
                .collect();
            for part in parts {
                let (acc, n) = part.map_err(|e| shift_row(e, rows))?;
                rows += n;
                merge(acc);
            }
            buf.drain(..cut);
            if !more {
                return Ok(head.header);
            }
            more = fill(&mut reader, &mut buf)?;
        }
        // The rest one record after the other.
        let mut records = Records::new(std::io::Cursor::new(&buf[..]).chain(reader), format);
        records.line = line;
        read_one_by_one(&mut records, &head, file, rows, &init, &visit, &mut merge)?;
    } else {
        // The header was read from the start of the buffer: read on from where it ended.
        let mut records =
            Records::new(std::io::Cursor::new(&buf[consumed..]).chain(reader), format);
        records.line = line;
        let mut acc = init(&head.header);
        let mut n = 0;
        if let Some(line) = pending {
            // The first record (already read to size the header) is data; read it again.
            let mut again = Records::new(&buf[..], format);
            again.next().map_err(|e| read_error(file, &e))?;
            n += 1;
            head.check(again.n_fields(), file, line, true, n)?;
            visit(&mut acc, line, n, &again.row(&head.keep))?;
        }
        while let Some(line) = records.next().map_err(|e| read_error(file, &e))? {
            n += 1;
            head.check(records.n_fields(), file, line, n == 1, n)?;
            visit(&mut acc, line, n, &records.row(&head.keep))?;
        }
        merge(acc);
    }
    Ok(head.header)
}

/// The records of `records` into one `T`, after `rows` data rows.
fn read_one_by_one<R, T, I, V, M>(
    records: &mut Records<R>,
    head: &Head,
    file: &str,
    rows: usize,
    init: &I,
    visit: &V,
    merge: &mut M,
) -> Result<()>
where
    R: Read,
    I: Fn(&[String]) -> T,
    V: Fn(&mut T, u64, usize, &Row<'_>) -> Result<()>,
    M: FnMut(T),
{
    let mut acc = init(&head.header);
    let mut n = rows;
    while let Some(line) = records.next().map_err(|e| read_error(file, &e))? {
        n += 1;
        head.check(records.n_fields(), file, line, n == 1, n)?;
        visit(&mut acc, line, n, &records.row(&head.keep))?;
    }
    merge(acc);
    Ok(())
}

/// Collects columns and checks the table invariants once.
struct Builder {
    file: String,
    header: Vec<String>,
    columns: Vec<TextColumn>,
    lines: Vec<u64>,
    other_delimiter: Option<Delimiter>,
}

impl Builder {
    fn new(file: &str, header: Vec<String>) -> Result<Self> {
        check_header(file, &header)?;
        Ok(Self {
            file: file.to_string(),
            columns: vec![TextColumn::default(); header.len()],
            header,
            lines: Vec::new(),
            other_delimiter: None,
        })
    }

    fn finish(self) -> Result<Table> {
        if self.lines.is_empty() {
            return Err(DataError::HeaderOnly { file: self.file });
        }
        Ok(Table {
            file: self.file,
            header: self.header,
            columns: self.columns,
            lines: self.lines,
            other_delimiter: self.other_delimiter,
        })
    }
}

/// CSV records read from a stream in blocks (the whole input is never held), with the 1-based
/// line on which each record starts counted exactly: blank lines, CRLF terminators and line
/// breaks inside quoted fields included (the csv crate's own line numbers drift after the first
/// two).
struct Records<R> {
    input: R,
    core: csv_core::Reader,
    /// Fields are separated by runs of whitespace (read here, not by `core`).
    whitespace: bool,
    trim: bool,
    buf: Vec<u8>,
    pos: usize,
    len: usize,
    eof: bool,
    line: u64,
    /// The current record's field bytes, and where each field ends in them.
    fields: Vec<u8>,
    ends: Vec<usize>,
    /// Where each field of the current record is in `fields`, trimmed if the format says so.
    spans: Vec<(usize, usize)>,
    n_fields: usize,
    /// The raw bytes of the record in progress taken from earlier blocks (to check its quoting
    /// when the input ends inside it), and the field delimiter.
    raw: Vec<u8>,
    delimiter: u8,
}

impl<R: Read> Records<R> {
    fn new(input: R, format: &CsvFormat) -> Self {
        Self {
            input,
            core: csv_core::ReaderBuilder::new()
                .delimiter(match format.delimiter {
                    Delimiter::Byte(b) => b,
                    Delimiter::Whitespace => b' ',
                })
                .build(),
            whitespace: format.delimiter == Delimiter::Whitespace,
            trim: format.trim,
            buf: vec![0; 1 << 16],
            pos: 0,
            len: 0,
            eof: false,
            line: 1,
            fields: vec![0; 1 << 10],
            ends: vec![0; 64],
            spans: Vec::new(),
            n_fields: 0,
            raw: Vec::new(),
            delimiter: match format.delimiter {
                Delimiter::Byte(b) => b,
                Delimiter::Whitespace => b' ',
            },
        }
    }

    /// Refills the buffer once it is used up.
    fn fill(&mut self) -> std::io::Result<()> {
        loop {
            match self.input.read(&mut self.buf) {
                Ok(n) => {
                    (self.pos, self.len, self.eof) = (0, n, n == 0);
                    return Ok(());
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// Reads the next record and returns the line it starts on, or `None` at the end.
    fn next(&mut self) -> std::io::Result<Option<u64>> {
        if self.whitespace {
            return self.next_whitespace();
        }
        // Line terminators before the record (blank lines) are skipped here, so that the
        // record's first line is known.
        loop {
            if self.pos == self.len {
                if self.eof {
                    return Ok(None);
                }
                self.fill()?;
                continue;
            }
            match self.buf[self.pos] {
                b'\n' => self.line += 1,
                b'\r' => {}
                _ => break,
            }
            self.pos += 1;
        }
        let start = self.line;
        let (mut nout, mut nend) = (0, 0);
        // Where this record's bytes start in the current block.
        let mut from = self.pos;
        self.raw.clear();
        loop {
            if self.eof && self.pos == self.len {
                self.raw.extend_from_slice(&self.buf[from..self.len]);
                from = self.len;
                self.check_closed(start)?;
            }
            let input = &self.buf[self.pos..self.len];
            let (result, nin, out, end) =
                self.core
                    .read_record(input, &mut self.fields[nout..], &mut self.ends[nend..]);
            self.line += input[..nin].iter().filter(|&&b| b == b'\n').count() as u64;
            self.pos += nin;
            nout += out;
            nend += end;
            match result {
                csv_core::ReadRecordResult::InputEmpty if !self.eof => {
                    self.raw.extend_from_slice(&self.buf[from..self.len]);
                    self.fill()?;
                    from = 0;
                }
                csv_core::ReadRecordResult::OutputFull => {
                    self.fields.resize(self.fields.len() * 2, 0);
                }
                csv_core::ReadRecordResult::OutputEndsFull => {
                    self.ends.resize(self.ends.len() * 2, 0);
                }
                csv_core::ReadRecordResult::Record => {
                    self.set_spans(nend);
                    return Ok(Some(start));
                }
                _ => return Ok(None),
            }
        }
    }

    /// The next byte without consuming it, or `None` at the end of the input.
    fn peek(&mut self) -> std::io::Result<Option<u8>> {
        while self.pos == self.len {
            if self.eof {
                return Ok(None);
            }
            self.fill()?;
        }
        Ok(Some(self.buf[self.pos]))
    }

    /// [`next`](Self::next) for fields separated by runs of spaces and tabs: spaces at either
    /// end of a line are ignored, lines of spaces only are blank, a field that starts with `"`
    /// runs to the closing quote (`""` is a quote; spaces and line breaks inside are kept).
    fn next_whitespace(&mut self) -> std::io::Result<Option<u64>> {
        let space = |b: u8| matches!(b, b' ' | b'\t' | b'\r');
        self.fields.clear();
        self.ends.clear();
        loop {
            match self.peek()? {
                None => return Ok(None),
                Some(b'\n') => self.line += 1,
                Some(b) if space(b) => {}
                Some(_) => break,
            }
            self.pos += 1;
        }
        let start = self.line;
        loop {
            // At the first byte of a field.
            let mut quoted = false;
            let field_line = self.line;
            if self.peek()? == Some(b'"') {
                quoted = true;
                self.pos += 1;
            }
            loop {
                let Some(b) = self.peek()? else {
                    if quoted {
                        return Err(std::io::Error::new(
                            std::io::ErrorKind::InvalidData,
                            Unterminated {
                                line: field_line,
                                column: self.ends.len() + 1,
                                // The last line: a final line break ends it.
                                end: (self.line - u64::from(self.fields.last() == Some(&b'\n')))
                                    .max(field_line),
                            },
                        ));
                    }
                    break;
                };
                if !quoted && (space(b) || b == b'\n') {
                    break;
                }
                self.pos += 1;
                match b {
                    b'"' if quoted => {
                        if self.peek()? == Some(b'"') {
                            self.pos += 1;
                            self.fields.push(b'"');
                        } else {
                            quoted = false;
                        }
                    }
                    b'\n' => {
                        self.line += 1;
                        self.fields.push(b);
                    }
                    _ => self.fields.push(b),
                }
            }
            self.ends.push(self.fields.len());
            self.n_fields = self.ends.len();
            loop {
                match self.peek()? {
                    None => {
                        self.set_spans(self.ends.len());
                        return Ok(Some(start));
                    }
                    Some(b'\n') => {
                        self.pos += 1;
                        self.line += 1;
                        self.set_spans(self.ends.len());
                        return Ok(Some(start));
                    }
                    Some(b) if space(b) => self.pos += 1,
                    Some(_) => break,
                }
            }
        }
    }

    /// At the end of the input, before the last record is completed: errors if that record
    /// ends inside a quoted field (csv_core would take the rest of the file as its value). Its
    /// raw bytes are scanned as csv_core reads them: a field that starts with `"` is quoted up
    /// to a `"` that is not doubled; elsewhere a `"` is an ordinary byte.
    fn check_closed(&self, start: u64) -> std::io::Result<()> {
        let raw = &self.raw;
        let (mut line, mut field, mut field_line) = (start, 0, start);
        let (mut at_start, mut quoted) = (true, false);
        let mut i = 0;
        while i < raw.len() {
            let b = raw[i];
            i += 1;
            if quoted {
                if b == b'"' {
                    if raw.get(i) == Some(&b'"') {
                        i += 1;
                    } else {
                        quoted = false;
                    }
                } else if b == b'\n' {
                    line += 1;
                }
                continue;
            }
            if b == self.delimiter {
                (field, at_start) = (field + 1, true);
                continue;
            }
            if at_start && b == b'"' {
                (quoted, field_line) = (true, line);
            }
            at_start = false;
        }
        if !quoted {
            return Ok(());
        }
        let end = line - u64::from(raw.last() == Some(&b'\n'));
        Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            Unterminated {
                line: field_line,
                column: field + 1,
                end: end.max(field_line),
            },
        ))
    }

    /// The kept fields of the current record.
    fn row<'r>(&'r self, keep: &'r [usize]) -> Row<'r> {
        Row {
            base: &self.fields,
            spans: &self.spans,
            keep,
        }
    }

    /// Records where the current record's `n` fields are (trimmed if the format says so).
    fn set_spans(&mut self, n: usize) {
        self.n_fields = n;
        self.spans.clear();
        for j in 0..n {
            let start = if j == 0 { 0 } else { self.ends[j - 1] };
            let (mut a, mut b) = (start, self.ends[j]);
            if self.trim {
                while a < b && self.fields[a].is_ascii_whitespace() {
                    a += 1;
                }
                while b > a && self.fields[b - 1].is_ascii_whitespace() {
                    b -= 1;
                }
            }
            self.spans.push((a, b));
        }
    }

    /// Number of fields of the current record.
    fn n_fields(&self) -> usize {
        self.n_fields
    }

    /// Field `j` of the current record (trimmed if the format says so).
    fn field(&self, j: usize) -> &[u8] {
        let (start, end) = self.spans[j];
        &self.fields[start..end]
    }
}

/// A quoted field left open at the end of the input (carried in an I/O error out of
/// [`Records::next`]).
#[derive(Debug)]
struct Unterminated {
    line: u64,
    column: usize,
    end: u64,
}

impl Unterminated {
    fn of(e: &std::io::Error) -> Option<&Self> {
        e.get_ref().and_then(|inner| inner.downcast_ref::<Self>())
    }
}

impl std::fmt::Display for Unterminated {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unterminated quote at line {}", self.line)
    }
}

impl std::error::Error for Unterminated {}

fn utf8<'a>(field: &'a [u8], file: &str, line: u64, j: usize) -> Result<&'a str> {
    std::str::from_utf8(field).map_err(|_| DataError::NonUtf8 {
        file: file.to_string(),
        line,
        column: j + 1,
    })
}

/// A header needs at least one column and distinct names.
fn check_header(file: &str, header: &[String]) -> Result<()> {
    if header.is_empty() {
        return Err(DataError::EmptyFile {
            file: file.to_string(),
        });
    }
    for (second, name) in header.iter().enumerate() {
        if let Some(first) = header[..second].iter().position(|h| h == name) {
            return Err(DataError::DuplicateColumn {
                file: file.to_string(),
                column: name.clone(),
                first: first + 1,
                second: second + 1,
            });
        }
    }
    Ok(())
}

/// The header restricted to `select` (in file order), and the file positions of the kept
/// columns.
fn select(
    header: Vec<String>,
    select: Option<&[String]>,
    file: &str,
    other_delimiter: Option<Delimiter>,
) -> Result<(Vec<String>, Vec<usize>)> {
    let Some(names) = select else {
        let keep = (0..header.len()).collect();
        return Ok((header, keep));
    };
    if let Some(missing) = names.iter().find(|n| !header.contains(n)) {
        return Err(missing_column(file, missing, &header, other_delimiter));
    }
    let keep: Vec<usize> = (0..header.len())
        .filter(|&j| names.contains(&header[j]))
        .collect();
    let header = keep.iter().map(|&j| header[j].clone()).collect();
    Ok((header, keep))
}

/// The error for a column that is not in `header`: a [`DataError::OtherDelimiter`] when the
/// header is one field that holds another delimiter, else a [`DataError::MissingColumn`].
fn missing_column(
    file: &str,
    column: &str,
    header: &[String],
    other_delimiter: Option<Delimiter>,
) -> DataError {
    match (other_delimiter, header) {
        (Some(guess), [only]) => DataError::OtherDelimiter {
            file: file.to_string(),
            column: column.to_string(),
            header: shorten(only),
            looks: guess.describe(),
            delimiter: guess.to_string(),
        },
        _ => DataError::MissingColumn {
            file: file.to_string(),
            column: column.to_string(),
            available: header.join(", "),
        },
    }
}

/// At most 80 characters of `text`, with `...` when cut.
fn shorten(text: &str) -> String {
    match text.char_indices().nth(77) {
        Some((cut, _)) if text.chars().count() > 80 => format!("{}...", &text[..cut]),
        _ => text.to_string(),
    }
}

/// pandas' renaming of repeated names: the second `x` becomes `x.1`, the third `x.2`.
fn rename_duplicates(header: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(header.len());
    for name in header {
        let mut candidate = name.clone();
        let mut k = 0;
        while out.contains(&candidate) {
            k += 1;
            candidate = format!("{name}.{k}");
        }
        out.push(candidate);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &[u8]) -> Result<Table> {
        Table::from_csv(text, "t.csv")
    }

    #[test]
    fn reads_columns_and_lines() {
        let t = read(b"a,b\n1,x\n\n2,\"y\nz\"\n3,w\n").unwrap();
        let crlf = read(b"a,b\r\n1,x\r\n\r\n\r\n2,y\r\n").unwrap();
        assert_eq!((crlf.line(0), crlf.line(1)), (2, 5));
        assert_eq!(t.header(), &["a", "b"]);
        assert_eq!(t.n_rows(), 3);
        assert_eq!(
            t.column("b").unwrap().iter().collect::<Vec<_>>(),
            ["x", "y\nz", "w"]
        );
        assert_eq!((t.line(0), t.line(1), t.line(2)), (2, 4, 6));
    }

    /// Hands out one byte per read, so that records, quoted fields and line terminators span
    /// every block boundary.
    struct OneByte<'a>(&'a [u8]);

    impl Read for OneByte<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            match (self.0.split_first(), buf.first_mut()) {
                (Some((&b, rest)), Some(slot)) => {
                    *slot = b;
                    self.0 = rest;
                    Ok(1)
                }
                _ => Ok(0),
            }
        }
    }

    #[test]
    fn lines_are_exact_across_read_boundaries() {
        let text = b"a,b\r\n1,x\r\n\r\n\n2,\"y\r\nz\"\n\"3\",\"w\"\"\"\r\n4,v";
        let whole = read(text).unwrap();
        let bytewise = Table::from_csv(OneByte(text), "t.csv").unwrap();
        assert_eq!(whole, bytewise);
        assert_eq!(whole.lines, [2, 5, 7, 8]);
        assert_eq!(
            whole.column("b").unwrap().iter().collect::<Vec<_>>(),
            ["x", "y\r\nz", "w\"", "v"]
        );
        // Many rows with long fields: records cross the 64 KiB blocks and outgrow the field
        // buffer.
        let long = "q".repeat(3000);
        let mut big = String::from("a,b\n");
        for i in 0..100 {
            big.push_str(&format!("{i},\"{long}\n{i}\"\n\n"));
        }
        let t = read(big.as_bytes()).unwrap();
        assert_eq!(t.n_rows(), 100);
        assert_eq!(t.line(99), 2 + 99 * 3);
        assert_eq!(t.column("b").unwrap().get(99), format!("{long}\n99"));
    }

    #[test]
    fn empty_file() {
        let e = read(b"").unwrap_err();
        assert!(matches!(&e, DataError::EmptyFile { file } if file == "t.csv"));
        assert!(e.to_string().contains("t.csv: the file is empty"));
    }

    #[test]
    fn header_only() {
        let e = read(b"a,b\n").unwrap_err();
        assert!(matches!(e, DataError::HeaderOnly { .. }));
        assert!(e.to_string().contains("no data rows"));
    }

    #[test]
    fn missing_column() {
        let e = read(b"a,b\n1,2\n").unwrap().column("c").unwrap_err();
        assert!(matches!(&e, DataError::MissingColumn { column, .. } if column == "c"));
        assert!(e.to_string().contains("missing column 'c' (columns: a, b)"));
    }

    #[test]
    fn duplicate_column() {
        let e = read(b"a,b,a\n1,2,3\n").unwrap_err();
        assert!(matches!(
            e,
            DataError::DuplicateColumn {
                first: 1,
                second: 3,
                ..
            }
        ));
        assert!(e.to_string().contains("duplicate column name 'a'"));
        let format = CsvFormat {
            rename_duplicates: true,
            ..CsvFormat::default()
        };
        let t = Table::from_csv_with(&b"a,b,a,a\n1,2,3,4\n"[..], "t.csv", &format).unwrap();
        assert_eq!(t.header(), &["a", "b", "a.1", "a.2"]);
    }

    #[test]
    fn ragged_row() {
        let e = read(b"a,b\n1,2\n3\n").unwrap_err();
        assert!(matches!(
            e,
            DataError::RaggedRow {
                line: 3,
                row: 2,
                expected: 2,
                got: 1,
                ..
            }
        ));
        assert!(
            e.to_string()
                .contains("t.csv: line 3: row 2 has 1 fields but the header has 2")
        );
    }

    #[test]
    fn unterminated_quote_names_where_it_opens() {
        for (text, line, column, end) in [
            (&b"a,b,c\n1,2,3\n4,\"5,6\n7,8,9\n"[..], 3, 2, 4),
            (b"a,b,c\n1,2,3\n4,5,\"6", 3, 3, 3),
            (b"a,b\n1,\"x\ny\",\"z\n2,3\n\n", 3, 3, 5),
            (b"a,\"b\n1,2\n", 1, 2, 2),
        ] {
            let e = read(text).unwrap_err();
            assert!(
                matches!(e, DataError::UnterminatedQuote { line: l, column: c, end: n, .. }
                    if (l, c, n) == (line, column, end)),
                "{e:?}"
            );
            let bytewise = Table::from_csv(OneByte(text), "t.csv").unwrap_err();
            assert_eq!(bytewise, e);
        }
        let msg = read(b"a,b\n1,\"2\n3,4\n").unwrap_err().to_string();
        assert!(
            msg.starts_with("t.csv: line 2, column 2: unterminated quote"),
            "{msg}"
        );
        assert!(!msg.contains('\n'));
        // Closed quotes, escaped quotes and a literal quote inside an unquoted last field are
        // fine.
        let t = read(b"a,b\n1,\"x\"\"\"\n2,y\"z").unwrap();
        assert_eq!(
            t.column("b").unwrap().iter().collect::<Vec<_>>(),
            ["x\"", "y\"z"]
        );
        let t = read(b"a,b\n1,\"x\"").unwrap();
        assert_eq!(t.column("b").unwrap().get(0), "x");
    }

    #[test]
    fn non_utf8() {
        let e = read(b"a,b\n1,2\n3,\xff\xfe\n").unwrap_err();
        assert!(matches!(
            e,
            DataError::NonUtf8 {
                line: 3,
                column: 2,
                ..
            }
        ));
        assert!(
            e.to_string()
                .contains("line 3, column 2: the bytes are not valid UTF-8")
        );
    }

    #[test]
    fn read_error() {
        struct Broken;
        impl Read for Broken {
            fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
                Err(std::io::Error::other("disk on fire"))
            }
        }
        let e = Table::from_csv(Broken, "t.csv").unwrap_err();
        assert!(matches!(e, DataError::Read { line: None, .. }));
        assert_eq!(e.to_string(), "t.csv: cannot read: disk on fire");
    }

    #[test]
    fn selects_columns_in_file_order() {
        let format = CsvFormat {
            select: Some(vec!["c".into(), "a".into()]),
            ..CsvFormat::default()
        };
        let text = b"a,b,c\n1,\xff,x\n2,y,\"z,w\"\n";
        let t = Table::from_csv_with(&text[..], "t.csv", &format).unwrap();
        // Column b is skipped, so its bytes are not checked for UTF-8.
        assert_eq!(t.header(), &["a", "c"]);
        assert_eq!(
            t.column("c").unwrap().iter().collect::<Vec<_>>(),
            ["x", "z,w"]
        );
        assert_eq!((t.n_rows(), t.line(1)), (2, 3));
        assert!(t.column("b").is_err());
        // Rows are still checked for width; a missing selected column names the header.
        let e = Table::from_csv_with(&b"a,b,c\n1,2\n"[..], "t.csv", &format).unwrap_err();
        assert!(matches!(e, DataError::RaggedRow { expected: 3, .. }));
        let format = CsvFormat {
            select: Some(vec!["d".into()]),
            ..CsvFormat::default()
        };
        let e = Table::from_csv_with(&b"a,b\n1,2\n"[..], "t.csv", &format).unwrap_err();
        assert!(e.to_string().contains("missing column 'd' (columns: a, b)"));
    }

    #[test]
    fn trims_and_names_headerless_files() {
        let format = CsvFormat {
            trim: true,
            names: Some(vec!["a".into(), "b".into()]),
            ..CsvFormat::default()
        };
        let t = Table::from_csv_with(&b"1, x\n2, ?\n"[..], "t", &format).unwrap();
        assert_eq!(
            t.column("b").unwrap().iter().collect::<Vec<_>>(),
            ["x", "?"]
        );
        assert_eq!(t.line(0), 1);
    }

    #[test]
    fn select_and_write_round_trip() {
        let t = read(b"a,b\n1,x\n2,\"y,z\"\n3,w\n").unwrap();
        let s = t.select_rows(&[2, 1]).unwrap();
        assert_eq!(s.line(0), 4);
        let mut out = Vec::new();
        s.select_columns(&["b", "a"])
            .unwrap()
            .write_csv(&mut out)
            .unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "b,a\nw,3\n\"y,z\",2\n");
        assert!(t.select_rows(&[3]).is_err());
        struct Full;
        impl Write for Full {
            fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
                Err(std::io::Error::other("disk full"))
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let e = t.write_csv(Full).unwrap_err();
        assert_eq!(e.to_string(), "cannot write the table: disk full");
        assert!(matches!(
            t.select_rows(&[]),
            Err(DataError::HeaderOnly { .. })
        ));
    }

    fn with(text: &[u8], format: &CsvFormat) -> Result<Table> {
        Table::from_csv_with(text, "t.data", format)
    }

    fn whitespace() -> CsvFormat {
        CsvFormat {
            delimiter: Delimiter::Whitespace,
            ..CsvFormat::default()
        }
    }

    fn values(t: &Table, column: &str) -> Vec<String> {
        t.column(column)
            .unwrap()
            .iter()
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn reads_other_single_byte_delimiters() {
        for (d, text) in [
            (b'\t', &b"a\tb\n1\t\"x\ty\"\n2\t\n"[..]),
            (b';', &b"a;b\n1;\"x;y\"\n2;\n"[..]),
            (b'|', &b"a|b\n1|\"x|y\"\n2|\n"[..]),
        ] {
            let format = CsvFormat {
                delimiter: Delimiter::Byte(d),
                ..CsvFormat::default()
            };
            let t = with(text, &format).unwrap();
            assert_eq!(t.header(), ["a", "b"]);
            assert_eq!(values(&t, "b"), [format!("x{}y", d as char), String::new()]);
        }
    }

    #[test]
    fn whitespace_runs_separate_fields_with_exact_lines() {
        // Leading and trailing spaces, tabs, CRLF, blank and space-only lines, a quoted field
        // with spaces, a quote and a line break.
        let text = b"  a \t b\tc \r\n1  2 3\n\n   \n\t4 \"five \"\"5\"\"\n5\" 6  \r\n7 8 9";
        let t = with(text, &whitespace()).unwrap();
        assert_eq!(t.header(), ["a", "b", "c"]);
        assert_eq!(values(&t, "a"), ["1", "4", "7"]);
        assert_eq!(values(&t, "b"), ["2", "five \"5\"\n5", "8"]);
        assert_eq!(values(&t, "c"), ["3", "6", "9"]);
        assert_eq!(t.lines, [2, 5, 7]);
        // The same bytes one at a time: records cross every read boundary.
        assert_eq!(
            Table::from_csv_with(OneByte(text), "t.data", &whitespace()).unwrap(),
            t
        );
        // A ragged row names its line.
        let e = with(b"a b\n1 2\n\n3\n", &whitespace()).unwrap_err();
        assert!(matches!(
            e,
            DataError::RaggedRow {
                line: 4,
                row: 2,
                got: 1,
                ..
            }
        ));
        // Quoted empty fields are fields; a quote left open is an error naming where it opens
        // (its line and field) and where the file ends.
        let t = with(b"a b\n\"\" x\n\"y z\" w", &whitespace()).unwrap();
        assert_eq!(values(&t, "a"), ["", "y z"]);
        let e = with(b"a b\n1 \"y\nz\n", &whitespace()).unwrap_err();
        assert!(
            matches!(
                e,
                DataError::UnterminatedQuote {
                    line: 2,
                    column: 2,
                    end: 3,
                    ..
                }
            ),
            "{e:?}"
        );
    }

    #[test]
    fn files_without_a_header_row() {
        let numbered = CsvFormat {
            delimiter: Delimiter::Whitespace,
            numbered: true,
            ..CsvFormat::default()
        };
        let text = b"\nA11 6 1\nA12  48 2 \n";
        let t = with(text, &numbered).unwrap();
        assert_eq!(t.header(), ["c1", "c2", "c3"]);
        assert_eq!(values(&t, "c2"), ["6", "48"]);
        assert_eq!((t.n_rows(), t.line(0), t.line(1)), (2, 2, 3));
        let named = CsvFormat {
            names: Some(vec!["status".into(), "months".into(), "class".into()]),
            ..whitespace()
        };
        assert_eq!(values(&with(text, &named).unwrap(), "class"), ["1", "2"]);
        let short = CsvFormat {
            names: Some(vec!["status".into(), "months".into()]),
            ..whitespace()
        };
        let e = with(text, &short).unwrap_err();
        assert!(matches!(
            e,
            DataError::ColumnNames {
                line: 2,
                names: 2,
                got: 3,
                ..
            }
        ));
        assert_eq!(
            e.to_string(),
            "t.data: line 2 has 3 fields, but 2 column names were given for this file without \
             a header row"
        );
        // Selection works on generated names too; a lone record is a data row.
        let select = CsvFormat {
            select: Some(vec!["c3".into()]),
            ..numbered.clone()
        };
        let t = with(b"x y z", &select).unwrap();
        assert_eq!((t.header(), t.n_rows()), (&["c3".to_string()][..], 1));
        assert!(matches!(
            with(b"", &numbered),
            Err(DataError::EmptyFile { .. })
        ));
    }

    #[test]
    fn a_one_field_header_names_the_likely_delimiter() {
        let t = read(b"A11 6 A34 x\nA12 48 A32 y\n").unwrap();
        let e = t.column("class").unwrap_err();
        assert!(
            matches!(&e, DataError::OtherDelimiter { delimiter, .. } if delimiter == "whitespace")
        );
        assert_eq!(
            e.to_string(),
            "t.csv: missing column 'class': the header was read as the single field \
             'A11 6 A34 x'; the file looks separated by runs of spaces: pass --delimiter \
             whitespace"
        );
        let format = CsvFormat {
            select: Some(vec!["y".into()]),
            ..CsvFormat::default()
        };
        let e = with(b"x\ty\n1\t2\n", &format).unwrap_err();
        assert!(
            e.to_string()
                .ends_with("looks tab-separated: pass --delimiter tab"),
            "{e}"
        );
        let e = with(b"x,y\n1,2\n", &whitespace())
            .unwrap()
            .column("z")
            .unwrap_err();
        assert!(e.to_string().ends_with("pass --delimiter comma"), "{e}");
        // Long headers are cut; a plain one-column file keeps the usual message.
        let long = format!("{}\n1\n", "a;".repeat(60));
        let e = read(long.as_bytes()).unwrap().column("b").unwrap_err();
        let DataError::OtherDelimiter { header, .. } = &e else {
            panic!("{e}")
        };
        assert_eq!(
            (header.chars().count(), header.ends_with("...")),
            (80, true)
        );
        let e = read(b"x\n1\n").unwrap().column("y").unwrap_err();
        assert!(matches!(e, DataError::MissingColumn { .. }));
    }

    #[test]
    fn in_memory_tables_check_lengths() {
        let t = Table::from_columns("mem", vec!["a".into()], &[vec!["1", "2"]]).unwrap();
        assert_eq!(t.line(1), 3);
        assert!(
            Table::from_columns("mem", vec!["a".into(), "b".into()], &[vec!["1"], vec![]]).is_err()
        );
    }

    /// Values that write back to their own text are stored as numbers (the bits
    /// `parse::<f64>` gives) and written back byte for byte; any other value keeps its column
    /// chunk as text, the values before it included.
    #[test]
    fn numbers_are_stored_when_they_write_back_to_their_text() {
        let columns: [(&str, &[&str], bool); 9] = [
            ("whole", &["0", "1", "1234", "999999999999999"], true),
            (
                "shortest",
                &["0.5", "-1.0", "1e-7", "42429.05329075552", "-0.0"],
                true,
            ),
            ("leading zero", &["1", "01"], false),
            ("mixed forms", &["0.5", "1"], false),
            ("exponent as Python writes it", &["0.5", "1e-05"], false),
            (
                "fixed where ryu uses an exponent",
                &["0.5", "0.0000001"],
                false,
            ),
            ("sixteen digits", &["1", "1234567890123456"], false),
            ("text", &["1", "x"], false),
            ("space", &["2.5", " 3"], false),
        ];
        for (what, values, stored) in columns {
            let text = format!("v\n{}\n", values.join("\n"));
            for block in [1, 4, usize::MAX / 4] {
                let t =
                    Table::from_csv_blocks(text.as_bytes(), "t.csv", &CsvFormat::default(), block)
                        .unwrap();
                let column = t.column("v").unwrap();
                assert_eq!(column.iter().collect::<Vec<_>>(), values, "{what}");
                if block > 4 {
                    let numbers = column.numbers(0, column.len());
                    assert_eq!(numbers.is_some(), stored, "{what}");
                    for (x, v) in numbers.iter().flatten().zip(values) {
                        assert_eq!(x.to_bits(), v.parse::<f64>().unwrap().to_bits(), "{what}");
                    }
                }
                // Rows picked from the chunks read the same numbers and text.
                let picked = t.select_rows(&[values.len() - 1, 0]).unwrap();
                let column = picked.column("v").unwrap();
                assert_eq!(column.get(0), values[values.len() - 1], "{what}");
                assert_eq!(column.get(1), values[0], "{what}");
            }
        }
    }

    /// Files read whole and in blocks of many sizes (records and blank lines across every
    /// boundary) give the same table, and the same first error.
    #[test]
    fn blocks_read_as_the_whole_file() {
        let mut text = String::from("a,b,c\r\n");
        for i in 0..400 {
            text.push_str(&format!("{i}, {} ,{}\r\n", i % 7, i as f64 / 3.0));
            if i % 50 == 0 {
                text.push_str("\r\n\n");
            }
        }
        let bytes = text.as_bytes();
        let formats = [
            CsvFormat::default(),
            CsvFormat {
                select: Some(vec!["c".into(), "a".into()]),
                trim: true,
                ..CsvFormat::default()
            },
            CsvFormat {
                names: Some(vec!["x".into(), "y".into(), "z".into()]),
                ..CsvFormat::default()
            },
        ];
        let whole = |bytes: &[u8], format: &CsvFormat| {
            Table::from_csv_blocks(bytes, "t.csv", format, usize::MAX / 4)
        };
        for format in &formats {
            let one = whole(bytes, format).unwrap();
            assert_eq!(one.n_rows(), 400 + usize::from(format.names.is_some()));
            for block in [1, 7, 64, 1000] {
                assert_eq!(
                    Table::from_csv_blocks(bytes, "t.csv", format, block).unwrap(),
                    one
                );
            }
        }
        // A ragged row, bad UTF-8 and a wrong width for the given names, far into the file.
        let ragged = text.replacen("300, 6 ,100\r\n", "300,6\r\n", 1);
        let bad = text
            .replacen("350, 0 ,", "350, \u{fffd} ,", 1)
            .replace('\u{fffd}', "\u{1}");
        let mut bad = bad.into_bytes();
        let at = bad.iter().position(|&b| b == 1).unwrap();
        bad[at] = 0xff;
        for (input, format) in [
            (ragged.as_bytes(), &formats[0]),
            (ragged.as_bytes(), &formats[1]),
            (&bad[..], &formats[0]),
            (b"1,2\n1,2,3\n", &formats[2]),
        ] {
            let e = whole(input, format).unwrap_err();
            assert!(
                matches!(
                    e,
                    DataError::RaggedRow { row: 301, .. }
                        | DataError::NonUtf8 { .. }
                        | DataError::ColumnNames { .. }
                ),
                "{e:?}"
            );
            for block in [1, 7, 64, 1000] {
                assert_eq!(
                    Table::from_csv_blocks(input, "t.csv", format, block).unwrap_err(),
                    e
                );
            }
        }
    }
}
