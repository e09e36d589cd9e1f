//! Flags and plumbing shared by several subcommands.

use std::io::Write;
use std::path::Path;

use anyhow::Result;
use clap::ValueEnum;
use fairkit_harness::io::write_bytes_atomic;

/// Output format of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A table for people.
    Table,
    /// The stable JSON shape shared by every command.
    Json,
}

/// Writes `bytes` to `out` atomically, or to standard output without `out`.
pub fn emit(bytes: &[u8], out: Option<&Path>) -> Result<()> {
    match out {
        Some(path) => write_bytes_atomic(path, bytes)?,
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(bytes)?;
            stdout.flush()?;
        }
    }
    Ok(())
}

/// Prints one `warning: CONTEXT: ...` line per item on standard error (the small groups of a
/// report; the JSON output carries them as its `warnings` list).
pub fn warn<T: std::fmt::Display>(context: &str, items: impl IntoIterator<Item = T>) {
    for item in items {
        eprintln!("warning: {context}: {item}");
    }
}

/// Whether an error is a closed standard output (`fairkit ... | head`), which is not a failure.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
