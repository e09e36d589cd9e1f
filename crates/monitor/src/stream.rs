//! Driving a monitor from a JSON-lines input.

use std::io::{self, BufRead};

use crate::event::{EventReader, Malformed};
use crate::{Evaluation, FairnessMonitor};

/// Something the stream produced for the caller to write out.
#[derive(Debug)]
pub enum StreamItem<'a> {
    /// An evaluation (snapshot and alerts).
    Evaluation(&'a Evaluation),
    /// A line that was skipped.
    Malformed(&'a Malformed),
}

/// Totals of one run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StreamSummary {
    /// Lines read, blank ones included.
    pub lines: u64,
    /// Events recorded.
    pub events: u64,
    /// Malformed lines skipped.
    pub malformed: u64,
}

/// Reads every event of `input` into `monitor`, handing each evaluation and each malformed
/// line to `sink` as it happens. A malformed line (bad JSON, missing field, non-finite
/// timestamp) is reported and skipped; it never stops the stream.
///
/// # Errors
/// An error of the reader, or the first error the sink returns.
pub fn run_stream<R, F>(
    monitor: &mut FairnessMonitor,
    input: R,
    mut sink: F,
) -> io::Result<StreamSummary>
where
    R: BufRead,
    F: FnMut(StreamItem<'_>) -> io::Result<()>,
{
    let mut reader = EventReader::new(input);
    let mut summary = StreamSummary::default();
    let mut rejected = 0;
    loop {
        let outcome = match reader.next_event()? {
            None => break,
            Some((line, Ok(event))) => monitor.record(&event).map_err(|e| Malformed {
                line,
                message: e.to_string(),
            }),
            Some((_, Err(malformed))) => Err(malformed),
        };
        match outcome {
            Ok(evaluation) => {
                summary.events += 1;
                if let Some(evaluation) = evaluation {
                    sink(StreamItem::Evaluation(&evaluation))?;
                }
            }
            Err(malformed) => {
                rejected += 1;
                sink(StreamItem::Malformed(&malformed))?;
            }
        }
    }
    summary.lines = reader.lines();
    summary.malformed = rejected;
    Ok(summary)
}
