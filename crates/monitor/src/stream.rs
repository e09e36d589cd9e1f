//! Driving a monitor from a JSON-lines input.

use std::io::{self, BufRead};
use std::sync::mpsc;

use crate::event::{
    Event, EventId, EventReader, EventRef, IdRef, Kind, Malformed, fast, parse_event,
};
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
            Some((line, Ok(event))) => monitor.record_only(event.as_ref()).map_err(|e| Malformed {
                line,
                message: e.to_string(),
            }),
            Some((_, Err(malformed))) => Err(malformed),
        };
        match outcome {
            Ok(due) => {
                summary.events += 1;
                if due {
                    sink(StreamItem::Evaluation(&monitor.evaluate()))?;
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

/// [`run_stream`] on two threads: a thread of its own reads and parses blocks of whole lines
/// (what the input has at hand, so a live stream is not held back) while this thread records
/// the events of the blocks before, in input order, so that the evaluations, alerts and
/// malformed lines handed to `sink` are the same, in the same order, as [`run_stream`]'s
/// (docs/gate-and-monitor.md#reading-events-fast). The reading thread owns `input`; when this
/// function returns early (an error of the sink), it is left to stop at its next block.
///
/// # Errors
/// An error of the reader, or the first error the sink returns.
pub fn run_stream_parallel<R, F>(
    monitor: &mut FairnessMonitor,
    mut input: R,
    mut sink: F,
) -> io::Result<StreamSummary>
where
    R: BufRead + Send + 'static,
    F: FnMut(StreamItem<'_>) -> io::Result<()>,
{
    // Two parsed blocks may wait while one is recorded.
    let (to_recorder, parsed) = mpsc::sync_channel::<io::Result<Option<ParsedBlock>>>(2);
    std::thread::Builder::new()
        .name("fairkit-events".into())
        .spawn(move || {
            let mut carry = Vec::new();
            let mut line = 0;
            loop {
                let block = next_block(&mut input, &mut carry)
                    .map(|bytes| bytes.map(|bytes| ParsedBlock::parse(bytes, &mut line)));
                let last = !matches!(block, Ok(Some(_)));
                if to_recorder.send(block).is_err() || last {
                    return;
                }
            }
        })?;
    let mut summary = StreamSummary::default();
    loop {
        let block = parsed.recv().map_err(|_| {
            io::Error::other("the thread reading events stopped before the end of the input")
        })??;
        let Some(block) = block else {
            return Ok(summary);
        };
        summary.lines += block.lines;
        record_block(monitor, &block, &mut summary, &mut sink)?;
    }
}

/// The next block of whole lines (the last one may lack its line break), or `None` at the end.
/// `carry` holds the start of a line that the input's buffer ended in.
fn next_block<R: BufRead>(input: &mut R, carry: &mut Vec<u8>) -> io::Result<Option<Vec<u8>>> {
    loop {
        let available = input.fill_buf()?;
        if available.is_empty() {
            return Ok((!carry.is_empty()).then(|| std::mem::take(carry)));
        }
        let taken = available.len();
        match memchr::memrchr(b'\n', available) {
            Some(end) => {
                let mut block = std::mem::take(carry);
                block.extend_from_slice(&available[..=end]);
                input.consume(end + 1);
                return Ok(Some(block));
            }
            None => {
                carry.extend_from_slice(available);
                input.consume(taken);
            }
        }
    }
}

/// Records a parsed block's events in order, handing evaluations and malformed lines to `sink`.
fn record_block<F>(
    monitor: &mut FairnessMonitor,
    block: &ParsedBlock,
    summary: &mut StreamSummary,
    sink: &mut F,
) -> io::Result<()>
where
    F: FnMut(StreamItem<'_>) -> io::Result<()>,
{
    for (line, item) in &block.items {
        let outcome = match item {
            Ok(event) => monitor
                .record_only(event.event(&block.bytes))
                .map_err(|e| e.to_string()),
            Err(message) => Err(message.clone()),
        };
        match outcome {
            Ok(due) => {
                summary.events += 1;
                if due {
                    sink(StreamItem::Evaluation(&monitor.evaluate()))?;
                }
            }
            Err(message) => {
                summary.malformed += 1;
                let malformed = Malformed {
                    line: *line,
                    message,
                };
                sink(StreamItem::Malformed(&malformed))?;
            }
        }
    }
    Ok(())
}

/// A block of lines and their events, located in the block's bytes so that the block can
/// cross to the recording thread with them.
struct ParsedBlock {
    bytes: Vec<u8>,
    /// Each non-blank line's number and its event or what is wrong with it.
    items: Vec<(u64, Result<Located, String>)>,
    /// Lines in the block, blank ones included.
    lines: u64,
}

impl ParsedBlock {
    /// Parses every line of `bytes`; `line` is the number of the line before the block and
    /// ends as the number of its last line.
    fn parse(bytes: Vec<u8>, line: &mut u64) -> Self {
        let first = *line;
        // Lines of the usual events are 40 to 100 bytes long.
        let mut items = Vec::with_capacity(bytes.len() / 48);
        let base = bytes.as_ptr() as usize;
        let block = base..base + bytes.len();
        let mut start = 0;
        let ends = memchr::memchr_iter(b'\n', &bytes).map(|end| end + 1);
        // The last line may lack its line break (split_inclusive's lines).
        let unended = !bytes.is_empty() && bytes.last() != Some(&b'\n');
        for end in ends.chain(unended.then_some(bytes.len())) {
            let text = &bytes[start..end];
            start = end;
            *line += 1;
            if text.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            // The line break is not part of the event (see `EventReader::next_event`).
            let text = text.strip_suffix(b"\n").unwrap_or(text);
            let text = text.strip_suffix(b"\r").unwrap_or(text);
            // The usual line is read straight into its located fields; any other, and one
            // that lacks a field (for the message), is parsed whole.
            let item = match fast::fields(text).and_then(|f| Located::of_fields(&f, &block)) {
                Some(located) => Ok(located),
                None => parse_event(text).map(|event| Located::of(&event, &block)),
            };
            items.push((*line, item));
        }
        ParsedBlock {
            items,
            lines: *line - first,
            bytes,
        }
    }
}

/// Text of an event: where it lies in the block, or its own copy (a string with escapes).
enum Text {
    At(usize, usize),
    Owned(Box<[u8]>),
}

impl Text {
    /// `text` located in the block at `block` (its address range) when it lies there, else
    /// copied (a string unescaped by serde_json).
    fn of(text: &[u8], block: &std::ops::Range<usize>) -> Self {
        let start = text.as_ptr() as usize;
        if block.contains(&start) && start + text.len() <= block.end {
            Text::At(start - block.start, start - block.start + text.len())
        } else {
            Text::Owned(text.into())
        }
    }

    fn get<'a>(&'a self, bytes: &'a [u8]) -> &'a [u8] {
        match self {
            Text::At(start, end) => &bytes[*start..*end],
            Text::Owned(s) => s,
        }
    }
}

enum LocatedId {
    Int(i64),
    Str(Text),
}

/// An [`Event`] with its text located in the block (the score, which the window does not
/// record, left out).
enum Located {
    Prediction {
        id: LocatedId,
        ts: f64,
        group: Text,
        prediction: bool,
    },
    Label {
        id: LocatedId,
        label: bool,
    },
}

impl Located {
    fn of(event: &Event<'_>, block: &std::ops::Range<usize>) -> Self {
        let id = |id: &EventId<'_>| match id {
            EventId::Int(v) => LocatedId::Int(*v),
            EventId::Str(s) => LocatedId::Str(Text::of(s.as_bytes(), block)),
        };
        match event {
            Event::Prediction(p) => Located::Prediction {
                id: id(&p.id),
                ts: p.ts,
                group: Text::of(p.group.as_bytes(), block),
                prediction: p.prediction,
            },
            Event::Label(l) => Located::Label {
                id: id(&l.id),
                label: l.label,
            },
        }
    }

    /// The event of a line's fields when it has all it needs (else the line's own parse
    /// says what it lacks).
    fn of_fields(f: &fast::Fields<'_>, block: &std::ops::Range<usize>) -> Option<Self> {
        let id = match f.id? {
            fast::Id::Int(v) => LocatedId::Int(v),
            fast::Id::Str(s) => LocatedId::Str(Text::of(s, block)),
        };
        let bit = |b: Option<u8>| b.map(|b| b == 1);
        Some(match f.kind {
            Kind::Prediction => Located::Prediction {
                id,
                ts: f.ts?,
                group: Text::of(f.group?, block),
                prediction: bit(f.prediction)?,
            },
            Kind::Label => Located::Label {
                id,
                label: bit(f.label)?,
            },
        })
    }

    /// The event as the window records it, its text read from the block's bytes.
    fn event<'a>(&'a self, bytes: &'a [u8]) -> EventRef<'a> {
        let id = |id: &'a LocatedId| match id {
            LocatedId::Int(v) => IdRef::Int(*v),
            LocatedId::Str(s) => IdRef::Str(s.get(bytes)),
        };
        match self {
            Located::Prediction {
                id: i,
                ts,
                group,
                prediction,
            } => EventRef::Prediction {
                id: id(i),
                ts: *ts,
                group: group.get(bytes),
                prediction: *prediction,
            },
            Located::Label { id: i, label } => EventRef::Label {
                id: id(i),
                label: *label,
            },
        }
    }
}
