//! File input and atomic file output.

use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::Path;

use crate::{HarnessError, Result};

/// Opens a file for reading; the error names the file.
///
/// # Errors
/// [`HarnessError::Io`] when the file cannot be opened.
pub fn open(path: &Path) -> Result<BufReader<File>> {
    File::open(path)
        .map(BufReader::new)
        .map_err(|source| HarnessError::Io {
            action: "cannot read",
            path: path.to_path_buf(),
            source,
        })
}

/// Writes a file atomically: the content goes to a temporary file in the same directory, which
/// is flushed, synced and then renamed over `path`. Readers see the old file or the whole new
/// one, never a partial file, and a failure in `write` leaves `path` untouched.
///
/// # Errors
/// [`HarnessError::Io`] when the directory is not writable, or the error of `write`.
pub fn write_atomic<F>(path: &Path, write: F) -> Result<()>
where
    F: FnOnce(&mut dyn Write) -> std::io::Result<()>,
{
    let io_err = |source| HarnessError::Io {
        action: "cannot write",
        path: path.to_path_buf(),
        source,
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let tmp = tempfile::Builder::new()
        .prefix(".fairkit-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(io_err)?;
    {
        let mut out = BufWriter::new(tmp.as_file());
        write(&mut out).map_err(io_err)?;
        out.flush().map_err(io_err)?;
    }
    // Temporary files are created private (0600); the result gets the permissions of the
    // file it replaces, or the usual 0644.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).map_or(0o644, |m| m.permissions().mode());
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))
            .map_err(io_err)?;
    }
    tmp.as_file().sync_all().map_err(io_err)?;
    tmp.persist(path).map_err(|e| io_err(e.error))?;
    Ok(())
}

/// Writes bytes atomically (see [`write_atomic`]).
///
/// # Errors
/// As [`write_atomic`].
pub fn write_bytes_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic(path, |w| w.write_all(bytes))
}

/// Creates a directory and its parents; the error names it.
///
/// # Errors
/// [`HarnessError::Io`].
pub fn create_dir(path: &Path) -> Result<()> {
    std::fs::create_dir_all(path).map_err(|source| HarnessError::Io {
        action: "cannot create directory",
        path: path.to_path_buf(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.txt");
        write_bytes_atomic(&path, b"first").unwrap();
        write_bytes_atomic(&path, b"second").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn new_files_are_readable_by_others_and_replacements_keep_their_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.txt");
        write_bytes_atomic(&path, b"a").unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o644);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        write_bytes_atomic(&path, b"b").unwrap();
        assert_eq!(mode(&path), 0o600);
    }

    #[test]
    fn failed_write_keeps_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.txt");
        write_bytes_atomic(&path, b"old").unwrap();
        let err = write_atomic(&path, |w| {
            w.write_all(b"partial")?;
            Err(std::io::Error::other("boom"))
        });
        assert!(err.is_err());
        assert_eq!(std::fs::read(&path).unwrap(), b"old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn missing_file_error_names_it() {
        let err = open(Path::new("/no/such/file.csv")).unwrap_err();
        assert!(err.to_string().contains("/no/such/file.csv"));
    }
}
