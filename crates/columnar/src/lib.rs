//! Parquet and Arrow in and out for fairkit (docs/parquet.md).
//!
//! * [`read_parts`]: a Parquet file, or the files of a partitioned dataset (hive-style
//!   `key=value` folders: [`partition_keys`]), read into the same [`fairkit_data::Table`] the
//!   CSV reader makes: columns by name, only the selected ones decoded, types checked (integer,
//!   float, boolean, string, dictionary-encoded), nulls refused naming file, row and column.
//! * [`accumulate_parts`]: the same files counted into cells (`fairkit_data::counts`) without
//!   holding the rows, row groups in parallel: `fairkit assess` over Parquet streams this way.
//! * [`write_table`], [`write_rows`] and [`write_partitioned`]: tables and streamed rows (the
//!   simulator's) written as Parquet, each column as the narrowest type that reads back as the
//!   same text.
//!
//! Like every library crate, it opens no files: it reads any [`parquet::file::reader::ChunkReader`]
//! (an open file, bytes in memory) and writes any [`std::io::Write`]; the harness walks
//! directories and opens files. The arrow and parquet crates are large; only the crates that
//! read or write data files depend on this one.
#![deny(missing_docs)]

mod error;
mod read;
mod stream;
mod write;

pub use error::{ColumnarError, Result};
pub use read::{
    NULL_PARTITION, Part, has_parquet_extension, is_data_file, partition_keys, read_parts,
};
pub use stream::{ReadAt, Shared, SharedRead, accumulate_parts};
pub use write::{
    BATCH_ROWS, ColumnType, RowSource, escape, write_partitioned, write_rows, write_table,
};
