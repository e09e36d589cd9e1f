//! Flags and plumbing shared by several subcommands.

use std::io::Write;
use std::path::Path;

use anyhow::Result;
use clap::ValueEnum;
use fairkit_core::limits::{self, Limit};
use fairkit_harness::io::{OutputId, Outputs};

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
    let mut outputs = Outputs::new();
    let id = claim(&mut outputs, out, "--out")?;
    finish(outputs, id, |w| w.write_all(bytes))
}

/// Claims the output file of `flag` when it was given.
pub fn claim(outputs: &mut Outputs, path: Option<&Path>, flag: &str) -> Result<Option<OutputId>> {
    Ok(path.map(|p| outputs.file(p, flag)).transpose()?)
}

/// Writes the main output with `write` (to the claimed file `out`, or to standard output
/// without it) and commits every claimed output.
pub fn finish<F>(mut outputs: Outputs, out: Option<OutputId>, write: F) -> Result<()>
where
    F: FnOnce(&mut dyn Write) -> std::io::Result<()>,
{
    match out {
        Some(id) => outputs.write(id, write)?,
        None => {
            let mut stdout = std::io::stdout().lock();
            write(&mut stdout)?;
            stdout.flush()?;
        }
    }
    outputs.commit()?;
    Ok(())
}

/// Prints one `warning: CONTEXT: ...` line per item on standard error (the small groups of a
/// report; the JSON output carries them as its `warnings` list).
pub fn warn<T: std::fmt::Display>(context: &str, items: impl IntoIterator<Item = T>) {
    for item in items {
        eprintln!("warning: {context}: {item}");
    }
}

/// A clap parser of a count of at least `min` and at most `limit` (see
/// [`fairkit_core::limits`]); clap's error names the flag, this message the limit.
pub fn count(
    limit: Limit,
    min: u64,
) -> impl Fn(&str) -> std::result::Result<u64, String> + Clone + Send + Sync + 'static {
    move |text| {
        let value: u64 = text
            .parse()
            .map_err(|_| format!("expected a whole number from {min} to {}", limit.max))?;
        if value < min {
            return Err(format!("must be at least {min}"));
        }
        if value > limit.max {
            return Err(limit.describe());
        }
        Ok(value)
    }
}

/// The count parser of `--rows` for a scenario held in memory: [`limits::ROWS_IN_MEMORY`], and
/// [`limits::BYTES_PER_ROW_IN_MEMORY`] each within the machine's memory.
pub fn rows_in_memory(text: &str) -> std::result::Result<u64, String> {
    let rows = count(limits::ROWS_IN_MEMORY, 0)(text)?;
    limits::check_memory("--rows", rows, limits::BYTES_PER_ROW_IN_MEMORY, None).map_err(
        |e| match e {
            fairkit_core::Error::InvalidParameter { reason, .. } => reason,
            other => other.to_string(),
        },
    )?;
    Ok(rows)
}

/// Whether an error is a closed standard output (`fairkit ... | head`), which is not a failure.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
