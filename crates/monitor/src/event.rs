//! Prediction and label events, and the JSON-lines reader.
//!
//! One event per line:
//!
//! ```text
//! {"type":"prediction","id":17,"ts":1700000000.5,"group":"a","prediction":1,"score":0.83}
//! {"type":"label","id":17,"label":0}
//! ```
//!
//! `id` is an integer or a string (the two kinds never match each other: `1` and `"1"` are
//! different ids), `ts` a number (any unit, used for the time window, the label timeout and
//! the cooldown), `prediction` and `label` are `0` or `1`, `score` is optional and carried but
//! not used by the metrics yet. Other fields are ignored. A line that is not such an event is
//! returned as [`Malformed`] with its line number; it never stops the stream. Blank lines are
//! skipped.

use std::borrow::Cow;
use std::fmt;
use std::io::{self, BufRead};

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};

/// The id that joins a prediction with its later label.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(untagged)]
pub enum EventId<'a> {
    /// A numeric id (any JSON integer that fits in `i64`).
    Int(i64),
    /// A string id.
    Str(Cow<'a, str>),
}

impl From<i64> for EventId<'_> {
    fn from(v: i64) -> Self {
        EventId::Int(v)
    }
}

impl<'a> From<&'a str> for EventId<'a> {
    fn from(v: &'a str) -> Self {
        EventId::Str(Cow::Borrowed(v))
    }
}

impl From<String> for EventId<'_> {
    fn from(v: String) -> Self {
        EventId::Str(Cow::Owned(v))
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for EventId<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct IdVisitor;
        impl<'de> Visitor<'de> for IdVisitor {
            type Value = EventId<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an integer or a string id")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(EventId::Int(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                i64::try_from(v).map(EventId::Int).map_err(|_| {
                    E::custom(format!("id {v} does not fit in a 64-bit signed integer"))
                })
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(EventId::Str(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(EventId::Str(Cow::Owned(v.to_owned())))
            }
        }
        d.deserialize_any(IdVisitor)
    }
}

/// A model's prediction for one record.
#[derive(Debug, Clone, PartialEq)]
pub struct Prediction<'a> {
    /// Joins the later label.
    pub id: EventId<'a>,
    /// When the prediction was made.
    pub ts: f64,
    /// The sensitive group (any string; groups are registered as they appear).
    pub group: Cow<'a, str>,
    /// The predicted label.
    pub prediction: bool,
    /// The model's score, if sent (carried, not used by the metrics yet).
    pub score: Option<f64>,
}

impl<'a> Prediction<'a> {
    /// A prediction without a score.
    pub fn new(id: impl Into<EventId<'a>>, ts: f64, group: &'a str, prediction: bool) -> Self {
        Prediction {
            id: id.into(),
            ts,
            group: Cow::Borrowed(group),
            prediction,
            score: None,
        }
    }
}

/// The true label of an earlier prediction.
#[derive(Debug, Clone, PartialEq)]
pub struct Label<'a> {
    /// The prediction's id.
    pub id: EventId<'a>,
    /// The true label.
    pub label: bool,
}

impl<'a> Label<'a> {
    /// A label event.
    pub fn new(id: impl Into<EventId<'a>>, label: bool) -> Self {
        Label {
            id: id.into(),
            label,
        }
    }
}

/// One input event.
#[derive(Debug, Clone, PartialEq)]
pub enum Event<'a> {
    /// A prediction.
    Prediction(Prediction<'a>),
    /// A delayed label.
    Label(Label<'a>),
}

/// A line that is not a valid event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Malformed {
    /// One-based line number in the input.
    pub line: u64,
    /// What is wrong with it.
    pub message: String,
}

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum Kind {
    Prediction,
    Label,
}

/// The wire form: flat, so that serde_json parses it in one pass without buffering (tagged
/// enums would go through serde's internal `Content` buffer).
#[derive(Deserialize)]
struct Raw<'a> {
    #[serde(rename = "type")]
    kind: Kind,
    #[serde(borrow)]
    id: Option<EventId<'a>>,
    ts: Option<f64>,
    #[serde(borrow)]
    group: Option<Cow<'a, str>>,
    prediction: Option<u8>,
    score: Option<f64>,
    label: Option<u8>,
}

fn binary(name: &str, v: Option<u8>) -> Result<bool, String> {
    match v {
        Some(0) => Ok(false),
        Some(1) => Ok(true),
        Some(other) => Err(format!("\"{name}\" must be 0 or 1, got {other}")),
        None => Err(format!("missing field \"{name}\"")),
    }
}

fn required<T>(name: &str, v: Option<T>) -> Result<T, String> {
    v.ok_or_else(|| format!("missing field \"{name}\""))
}

/// Parses one event from one line of JSON (without its line break).
///
/// # Errors
/// A message saying what is wrong: invalid JSON, an unknown `type`, a missing field, a
/// `prediction` or `label` other than 0 or 1.
pub fn parse_event(line: &[u8]) -> Result<Event<'_>, String> {
    let raw: Raw<'_> = serde_json::from_slice(line).map_err(|e| {
        let text = e.to_string();
        let what = text.split(" at line ").next().unwrap_or(&text);
        // In a JSON stream a table is an object and a list an array.
        let words = fairkit_core::text::user_words(what)
            .replace("a table", "a JSON object")
            .replace("list", "array");
        format!("{words} (column {})", e.column())
    })?;
    let id = required("id", raw.id)?;
    Ok(match raw.kind {
        Kind::Prediction => Event::Prediction(Prediction {
            id,
            ts: required("ts", raw.ts).and_then(|ts| {
                if ts.is_finite() {
                    Ok(ts)
                } else {
                    Err(format!("\"ts\" must be finite, got {ts}"))
                }
            })?,
            group: required("group", raw.group)?,
            prediction: binary("prediction", raw.prediction)?,
            score: raw.score,
        }),
        Kind::Label => Event::Label(Label {
            id,
            label: binary("label", raw.label)?,
        }),
    })
}

/// Reads events from JSON lines, one at a time, reusing one line buffer.
///
/// ```
/// use fairkit_monitor::{Event, EventReader};
///
/// let input = "{\"type\":\"label\",\"id\":\"x\",\"label\":1}\nnot json\n";
/// let mut reader = EventReader::new(input.as_bytes());
/// assert!(matches!(reader.next_event().unwrap(), Some((1, Ok(Event::Label(_))))));
/// let (line, bad) = reader.next_event().unwrap().unwrap();
/// assert_eq!((line, bad.unwrap_err().line), (2, 2));
/// assert_eq!(reader.next_event().unwrap(), None);
/// assert_eq!(reader.malformed(), 1);
/// ```
#[derive(Debug)]
pub struct EventReader<R> {
    input: R,
    buf: Vec<u8>,
    line: u64,
    malformed: u64,
}

impl<R: BufRead> EventReader<R> {
    /// A reader over any buffered input (a file, stdin, a byte slice).
    pub fn new(input: R) -> Self {
        Self {
            input,
            buf: Vec::with_capacity(256),
            line: 0,
            malformed: 0,
        }
    }

    /// The next line's number (1-based) and its event or why it is malformed; `None` at the
    /// end of the input. Blank lines are skipped. Bytes that are not UTF-8 make the line
    /// malformed, not the stream fail.
    ///
    /// # Errors
    /// Only an error of the underlying reader.
    #[allow(clippy::type_complexity)]
    pub fn next_event(&mut self) -> io::Result<Option<(u64, Result<Event<'_>, Malformed>)>> {
        loop {
            self.buf.clear();
            if self.input.read_until(b'\n', &mut self.buf)? == 0 {
                return Ok(None);
            }
            self.line += 1;
            if !self.buf.iter().all(u8::is_ascii_whitespace) {
                break;
            }
        }
        let line = self.line;
        // The line break is not part of the event: left in, an error at the end of the line
        // (an unterminated string) would be reported at column 0 of a next line.
        let text = self.buf.strip_suffix(b"\n").unwrap_or(&self.buf);
        let text = text.strip_suffix(b"\r").unwrap_or(text);
        let event = parse_event(text).map_err(|message| {
            self.malformed += 1;
            Malformed { line, message }
        });
        Ok(Some((line, event)))
    }

    /// Lines read so far, blank ones included.
    pub fn lines(&self) -> u64 {
        self.line
    }

    /// Malformed lines so far.
    pub fn malformed(&self) -> u64 {
        self.malformed
    }
}
