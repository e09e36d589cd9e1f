//! Parquet on disk: the files of a dataset directory found and opened for
//! `fairkit-columnar`, which reads and writes them (docs/parquet.md).

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use fairkit_columnar::{Part, RowSource};
use fairkit_data::Table;

use crate::{HarnessError, Result};

fn read_error(path: &Path) -> impl Fn(std::io::Error) -> HarnessError + '_ {
    move |source| HarnessError::Io {
        action: "cannot read",
        path: path.to_path_buf(),
        source,
    }
}

/// Reads a Parquet file, or a directory of them (a partitioned dataset), into a table keeping
/// the columns in `select` (all without it). In a directory every file whose name does not
/// start with `.` or `_` is read, in the byte order of their paths; `key=value` folders on the
/// way add the column `key` ([`fairkit_columnar::read_parts`]).
///
/// # Errors
/// Unreadable files and directories, and every error of [`fairkit_columnar::read_parts`].
pub fn read(path: &Path, select: Option<&[String]>) -> Result<Table> {
    let name = path.display().to_string();
    let parts = parts(path, |file| File::open(file).map_err(read_error(file)))?;
    Ok(fairkit_columnar::read_parts(&name, parts, select)?)
}

/// Counts the rows of a Parquet file or dataset (found as [`read`] finds it) into cells keyed
/// by the columns `keys`, with the weights of column `weights` summed per cell, without holding
/// the rows: row groups in parallel, merged in dataset order
/// ([`fairkit_columnar::accumulate_parts`], docs/parquet.md#streaming).
///
/// # Errors
/// Unreadable files and directories, and every error of
/// [`fairkit_columnar::accumulate_parts`].
pub fn accumulate(
    path: &Path,
    keys: &[String],
    weights: Option<&str>,
) -> Result<fairkit_data::counts::CellAccumulator> {
    let name = path.display().to_string();
    let parts = parts(path, |file| {
        File::open(file)
            .and_then(PreadFile::new)
            .map(fairkit_columnar::Shared::new)
            .map_err(read_error(file))
    })?;
    Ok(fairkit_columnar::accumulate_parts(
        &name, parts, keys, weights,
    )?)
}

/// An open file read at offsets (`pread`), for [`fairkit_columnar::Shared`].
#[derive(Debug)]
struct PreadFile {
    file: File,
    len: u64,
}

impl PreadFile {
    fn new(file: File) -> std::io::Result<Self> {
        let len = file.metadata()?.len();
        Ok(PreadFile { file, len })
    }
}

impl fairkit_columnar::ReadAt for PreadFile {
    fn read_at(&self, buf: &mut [u8], offset: u64) -> std::io::Result<usize> {
        #[cfg(unix)]
        {
            std::os::unix::fs::FileExt::read_at(&self.file, buf, offset)
        }
        #[cfg(windows)]
        {
            std::os::windows::fs::FileExt::seek_read(&self.file, buf, offset)
        }
    }

    fn len(&self) -> u64 {
        self.len
    }
}

/// The parts of the Parquet file or dataset at `path`, each opened by `open`.
fn parts<R>(path: &Path, open: impl Fn(&Path) -> Result<R>) -> Result<Vec<Part<R>>> {
    let meta = std::fs::metadata(path).map_err(read_error(path))?;
    let mut files = Vec::new();
    if meta.is_dir() {
        walk(path, &mut Vec::new(), &mut files)?;
    } else {
        files.push((path.to_path_buf(), Vec::new()));
    }
    let mut parts = Vec::with_capacity(files.len());
    for (file, folders) in files {
        let keys = fairkit_columnar::partition_keys(&folders).map_err(|e| match e {
            fairkit_columnar::ColumnarError::Dataset { message, .. } => {
                fairkit_columnar::ColumnarError::Dataset {
                    file: file.parent().unwrap_or(&file).display().to_string(),
                    message,
                }
            }
            other => other,
        })?;
        parts.push(Part {
            name: file.display().to_string(),
            reader: open(&file)?,
            keys,
        });
    }
    Ok(parts)
}

/// The data files under `dir`, in path order, each with the folder names on the way to it.
fn walk(
    dir: &Path,
    folders: &mut Vec<String>,
    out: &mut Vec<(PathBuf, Vec<String>)>,
) -> Result<()> {
    let mut entries: Vec<(String, PathBuf, bool)> = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(read_error(dir))? {
        let entry = entry.map_err(read_error(dir))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !fairkit_columnar::is_data_file(&name) {
            continue;
        }
        let path = entry.path();
        let is_dir = std::fs::metadata(&path)
            .map_err(read_error(&path))?
            .is_dir();
        entries.push((name, path, is_dir));
    }
    entries.sort();
    for (name, path, is_dir) in entries {
        if is_dir {
            folders.push(name);
            walk(&path, folders, out)?;
            folders.pop();
        } else {
            out.push((path, folders.clone()));
        }
    }
    Ok(())
}

/// Writes `rows` as a hive-partitioned dataset by column `partition_by` into the directory
/// `staged` (the staged copy of an output directory named `name` in messages), each file
/// flushed and synced ([`fairkit_columnar::write_partitioned`]).
///
/// # Errors
/// Every error of [`fairkit_columnar::write_partitioned`], and files that cannot be written.
pub fn write_partitioned(
    rows: &mut impl RowSource,
    staged: &Path,
    name: &str,
    partition_by: &str,
) -> Result<()> {
    let written = fairkit_columnar::write_partitioned(rows, name, partition_by, |relative| {
        let path = staged.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        Ok(BufWriter::new(File::create(path)?))
    })?;
    for (relative, out) in written {
        let target = Path::new(name).join(&relative);
        let io = |source| HarnessError::Io {
            action: "cannot write",
            path: target.clone(),
            source,
        };
        let file = out.into_inner().map_err(|e| io(e.into_error()))?;
        file.sync_all().map_err(io)?;
    }
    Ok(())
}
