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

/// An event as the window records it: ids and groups as bytes, the score left out (it is not
/// recorded). The stream drivers build it straight from the bytes they read.
#[derive(Debug, Clone, Copy)]
pub(crate) enum EventRef<'a> {
    Prediction {
        id: IdRef<'a>,
        ts: f64,
        group: &'a [u8],
        prediction: bool,
    },
    Label {
        id: IdRef<'a>,
        label: bool,
    },
}

/// An [`EventId`] as bytes.
#[derive(Debug, Clone, Copy)]
pub(crate) enum IdRef<'a> {
    Int(i64),
    Str(&'a [u8]),
}

impl<'a> From<&'a EventId<'_>> for IdRef<'a> {
    fn from(id: &'a EventId<'_>) -> Self {
        match id {
            EventId::Int(v) => IdRef::Int(*v),
            EventId::Str(s) => IdRef::Str(s.as_bytes()),
        }
    }
}

impl Event<'_> {
    /// The event as the window records it.
    pub(crate) fn as_ref(&self) -> EventRef<'_> {
        match self {
            Event::Prediction(p) => EventRef::Prediction {
                id: (&p.id).into(),
                ts: p.ts,
                group: p.group.as_bytes(),
                prediction: p.prediction,
            },
            Event::Label(l) => EventRef::Label {
                id: (&l.id).into(),
                label: l.label,
            },
        }
    }
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

#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Kind {
    Prediction,
    Label,
}

/// The wire form: flat, so that serde_json parses it in one pass without buffering (tagged
/// enums would go through serde's internal `Content` buffer).
#[derive(Debug, PartialEq, Deserialize)]
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
    let raw = match fast::parse(line) {
        Some(raw) => raw,
        None => parse_raw(line)?,
    };
    event_of(raw)
}

/// The wire form by serde_json: every line the fast path passes over, with its messages.
fn parse_raw(line: &[u8]) -> Result<Raw<'_>, String> {
    serde_json::from_slice(line).map_err(|e| {
        let text = e.to_string();
        let what = text.split(" at line ").next().unwrap_or(&text);
        // In a JSON stream a table is an object and a list an array.
        let words = fairkit_core::text::user_words(what)
            .replace("a table", "a JSON object")
            .replace("list", "array");
        format!("{words} (column {})", e.column())
    })
}

/// The event a parsed line holds, or what it lacks.
fn event_of(raw: Raw<'_>) -> Result<Event<'_>, String> {
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

/// The common case without serde: a flat object of ASCII keys and values, no escapes, no
/// nesting, each known key at most once, numbers in JSON's grammar, `type` one of the two
/// kinds, integer ids that fit in `i64`, `prediction` and `label` written `0` or `1`. Any
/// other line, valid or not, goes to serde_json ([`parse_raw`]), so that what is accepted
/// and every message are serde_json's; this path only decides sooner, by reading just the
/// fields the monitor uses (docs/gate-and-monitor.md#reading-events-fast).
pub(crate) mod fast {
    use std::borrow::Cow;

    use super::{EventId, Kind, Raw};

    /// A cursor over one line's bytes.
    struct Cursor<'a> {
        s: &'a [u8],
        i: usize,
    }

    /// One scalar value, as written.
    enum Value<'a> {
        /// A string's ASCII text.
        Str(&'a [u8]),
        /// A number's text and whether it is an integer (no fraction, no exponent).
        Num(&'a [u8], bool),
        /// `true`, `false` or `null`.
        Word,
    }

    impl<'a> Cursor<'a> {
        fn ws(&mut self) {
            while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.s.get(self.i) {
                self.i += 1;
            }
        }

        fn eat(&mut self, b: u8) -> Option<()> {
            self.ws();
            (self.s.get(self.i) == Some(&b)).then(|| self.i += 1)
        }

        /// A string of ASCII text without escapes or control characters.
        fn string(&mut self) -> Option<&'a [u8]> {
            self.eat(b'"')?;
            // Strings here are short: a plain loop beats a call to memchr.
            let rest = &self.s[self.i..];
            let end = rest
                .iter()
                .position(|&c| c == b'"' || c == b'\\' || !(0x20..0x80).contains(&c))?;
            if rest[end] != b'"' {
                return None;
            }
            self.i += end + 1;
            Some(&rest[..end])
        }

        fn digits(&mut self) -> usize {
            let start = self.i;
            while self.s.get(self.i).is_some_and(u8::is_ascii_digit) {
                self.i += 1;
            }
            self.i - start
        }

        /// A number in JSON's grammar: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
        fn number(&mut self) -> Option<(&'a [u8], bool)> {
            let start = self.i;
            if self.s.get(self.i) == Some(&b'-') {
                self.i += 1;
            }
            let int_start = self.i;
            match self.digits() {
                0 => return None,
                1 => {}
                _ if self.s[int_start] == b'0' => return None,
                _ => {}
            }
            let mut integer = true;
            if self.s.get(self.i) == Some(&b'.') {
                self.i += 1;
                if self.digits() == 0 {
                    return None;
                }
                integer = false;
            }
            if let Some(b'e' | b'E') = self.s.get(self.i) {
                self.i += 1;
                if let Some(b'+' | b'-') = self.s.get(self.i) {
                    self.i += 1;
                }
                if self.digits() == 0 {
                    return None;
                }
                integer = false;
            }
            Some((&self.s[start..self.i], integer))
        }

        /// Exactly the bytes `text`, no white space before.
        fn lit<const N: usize>(&mut self, text: &[u8; N]) -> Option<()> {
            // Arrays of a known length compare without a call.
            (self.s.get(self.i..)?.first_chunk::<N>()? == text).then(|| self.i += N)
        }

        fn value(&mut self) -> Option<Value<'a>> {
            self.ws();
            match *self.s.get(self.i)? {
                b'"' => self.string().map(Value::Str),
                b'-' | b'0'..=b'9' => self.number().map(|(t, int)| Value::Num(t, int)),
                _ => {
                    for word in [&b"true"[..], b"false", b"null"] {
                        if self.s[self.i..].starts_with(word) {
                            self.i += word.len();
                            return Some(Value::Word);
                        }
                    }
                    None
                }
            }
        }
    }

    /// ASCII bytes as text (every ASCII byte string is UTF-8).
    fn text(bytes: &[u8]) -> Option<&str> {
        std::str::from_utf8(bytes).ok()
    }

    /// A number as serde_json reads it into an `f64`: a correctly rounded parse (integers
    /// too, as `as f64` rounds them). `-0` written as an integer and numbers out of range are
    /// left to serde_json.
    fn float(number: &[u8], integer: bool) -> Option<f64> {
        if integer && number == b"-0" {
            return None;
        }
        if let Some(x) = short_decimal(number) {
            return Some(x);
        }
        text(number)?.parse().ok().filter(|x: &f64| x.is_finite())
    }

    /// A number without an exponent and with at most 15 digits: its digits `m` (below 2^53,
    /// exact in an `f64`) divided by 10^k for its k ≤ 15 decimals (exact too), which one
    /// correctly rounded division turns into the correctly rounded value (Clinger 1990's fast
    /// path, which every correct parser takes first). `None` for any other number.
    pub(super) fn short_decimal(number: &[u8]) -> Option<f64> {
        const POW10: [f64; 16] = [
            1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
        ];
        let (negative, rest) = match number {
            [b'-', rest @ ..] => (true, rest),
            rest => (false, rest),
        };
        let (mut m, mut digits, mut decimals) = (0u64, 0, None);
        for &c in rest {
            match c {
                b'0'..=b'9' => {
                    m = 10 * m + u64::from(c - b'0');
                    digits += 1;
                    if let Some(k) = decimals.as_mut() {
                        *k += 1;
                    }
                }
                b'.' => decimals = Some(0),
                _ => return None,
            }
            if digits > 15 {
                return None;
            }
        }
        let x = m as f64 / POW10[decimals.unwrap_or(0)];
        Some(if negative { -x } else { x })
    }

    /// An integer in JSON's grammar as an `i64`, if it fits (as `str::parse` reads it).
    fn int(number: &[u8]) -> Option<i64> {
        let (negative, digits) = match number {
            [b'-', digits @ ..] => (true, digits),
            digits => (false, digits),
        };
        // Accumulated below zero, which reaches i64::MIN.
        let mut v: i64 = 0;
        for &d in digits {
            v = v.checked_mul(10)?.checked_sub(i64::from(d - b'0'))?;
        }
        if negative { Some(v) } else { v.checked_neg() }
    }

    /// An id: a string, or an integer that fits in `i64` (`-0` left to serde_json).
    fn id(v: Value<'_>) -> Option<Id<'_>> {
        match v {
            Value::Str(s) => Some(Id::Str(s)),
            Value::Num(t, true) if t != b"-0" => Some(Id::Int(int(t)?)),
            _ => None,
        }
    }

    /// `0` or `1` as written.
    fn bit(v: Value<'_>) -> Option<u8> {
        match v {
            Value::Num(b"0", true) => Some(0),
            Value::Num(b"1", true) => Some(1),
            _ => None,
        }
    }

    /// An id as written: an integer that fits in `i64`, or a string's ASCII text.
    #[derive(Debug, Clone, Copy, PartialEq)]
    pub(crate) enum Id<'a> {
        Int(i64),
        Str(&'a [u8]),
    }

    /// The fields of a line the fast path reads, text left where it lies in the line.
    #[derive(Debug, PartialEq)]
    pub(crate) struct Fields<'a> {
        pub(crate) kind: Kind,
        pub(crate) id: Option<Id<'a>>,
        pub(crate) ts: Option<f64>,
        pub(crate) group: Option<&'a [u8]>,
        pub(crate) prediction: Option<u8>,
        /// The score's text, known to be a finite number (read only on demand: the window
        /// does not use it).
        pub(crate) score: Option<(&'a [u8], bool)>,
        pub(crate) label: Option<u8>,
    }

    impl<'a> Fields<'a> {
        /// No field read yet.
        fn empty() -> Self {
            Fields {
                kind: Kind::Label,
                id: None,
                ts: None,
                group: None,
                prediction: None,
                score: None,
                label: None,
            }
        }

        /// The wire form, as serde_json would give it.
        pub(super) fn raw(self) -> Option<Raw<'a>> {
            Some(Raw {
                kind: self.kind,
                id: match self.id {
                    None => None,
                    Some(Id::Int(v)) => Some(EventId::Int(v)),
                    Some(Id::Str(s)) => Some(EventId::Str(Cow::Borrowed(text(s)?))),
                },
                ts: self.ts,
                group: match self.group {
                    None => None,
                    Some(g) => Some(Cow::Borrowed(text(g)?)),
                },
                prediction: self.prediction,
                score: match self.score {
                    None => None,
                    Some((t, int)) => Some(float(t, int)?),
                },
                label: self.label,
            })
        }
    }

    /// Whether a number's text reads as a finite `f64` that the fast path takes: without an
    /// exponent and with fewer than 300 digits it is finite, whatever its digits.
    fn finite(number: &[u8], integer: bool) -> bool {
        if integer && number == b"-0" {
            return false;
        }
        let plain = number.len() < 300 && !number.iter().any(|&c| c == b'e' || c == b'E');
        plain || float(number, integer).is_some()
    }

    /// The line's fields, or `None` to leave the line to serde_json.
    pub(super) fn parse(line: &[u8]) -> Option<Raw<'_>> {
        fields(line)?.raw()
    }

    /// The line's fields, text where it lies, or `None` to leave the line to serde_json. A
    /// byte outside ASCII anywhere sends the line to serde_json: outside a string it breaks
    /// the grammar, and [`Cursor::string`] refuses it.
    pub(crate) fn fields(line: &[u8]) -> Option<Fields<'_>> {
        canonical(line).or_else(|| any_order(line))
    }

    /// The fields of a line written as `fairkit monitor --help` shows the events: these keys
    /// in this order, no white space. It reads the same values as [`any_order`] (which takes
    /// every line this takes) without matching keys.
    pub(super) fn canonical(line: &[u8]) -> Option<Fields<'_>> {
        let mut c = Cursor { s: line, i: 0 };
        let mut f = Fields::empty();
        c.lit(b"{\"type\":\"")?;
        if c.lit(b"prediction\",\"id\":").is_some() {
            f.kind = Kind::Prediction;
        } else {
            c.lit(b"label\",\"id\":")?;
        }
        f.id = Some(id(c.value()?)?);
        match f.kind {
            Kind::Prediction => {
                c.lit(b",\"ts\":")?;
                let (t, int) = c.number()?;
                f.ts = Some(float(t, int)?);
                c.lit(b",\"group\":")?;
                f.group = Some(c.string()?);
                c.lit(b",\"prediction\":")?;
                f.prediction = Some(bit(c.value()?)?);
                if c.lit(b",\"score\":").is_some() {
                    let (t, int) = c.number()?;
                    f.score = finite(t, int).then_some((t, int));
                    f.score?;
                }
            }
            Kind::Label => {
                c.lit(b",\"label\":")?;
                f.label = Some(bit(c.value()?)?);
            }
        }
        c.lit(b"}")?;
        (c.i == c.s.len()).then_some(f)
    }

    /// The fields of any flat object, keys in any order.
    pub(super) fn any_order(line: &[u8]) -> Option<Fields<'_>> {
        let mut c = Cursor { s: line, i: 0 };
        c.eat(b'{')?;
        let mut kind = None;
        let mut f = Fields::empty();
        c.ws();
        if c.s.get(c.i) != Some(&b'}') {
            loop {
                let key = c.string()?;
                c.eat(b':')?;
                let v = c.value()?;
                // Keys matched byte by byte (no call to compare slices).
                match key {
                    [b't', b'y', b'p', b'e'] if kind.is_none() => {
                        kind = Some(match v {
                            Value::Str(b"prediction") => Kind::Prediction,
                            Value::Str(b"label") => Kind::Label,
                            _ => return None,
                        });
                    }
                    [b'i', b'd'] if f.id.is_none() => {
                        f.id = Some(id(v)?);
                    }
                    [b't', b's'] if f.ts.is_none() => match v {
                        Value::Num(t, int) => f.ts = Some(float(t, int)?),
                        _ => return None,
                    },
                    [b's', b'c', b'o', b'r', b'e'] if f.score.is_none() => match v {
                        Value::Num(t, int) if finite(t, int) => f.score = Some((t, int)),
                        _ => return None,
                    },
                    [b'g', b'r', b'o', b'u', b'p'] if f.group.is_none() => match v {
                        Value::Str(s) => f.group = Some(s),
                        _ => return None,
                    },
                    [b'p', b'r', b'e', b'd', b'i', b'c', b't', b'i', b'o', b'n']
                        if f.prediction.is_none() =>
                    {
                        f.prediction = Some(bit(v)?)
                    }
                    [b'l', b'a', b'b', b'e', b'l'] if f.label.is_none() => f.label = Some(bit(v)?),
                    b"type" | b"id" | b"ts" | b"score" | b"group" | b"prediction" | b"label" => {
                        return None;
                    }
                    _ => {}
                }
                c.ws();
                match c.s.get(c.i)? {
                    b',' => c.i += 1,
                    b'}' => break,
                    _ => return None,
                }
            }
        }
        c.i += 1;
        c.ws();
        if c.i != c.s.len() {
            return None;
        }
        f.kind = kind?;
        Some(f)
    }
}

/// Reads events from JSON lines, one at a time. A line that lies whole in the input's buffer
/// is parsed where it is; only a line split across two fills is copied into a line buffer.
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
    /// Bytes of the input's buffer that the last line, parsed in place, still borrows.
    consumed: usize,
    line: u64,
    malformed: u64,
}

impl<R: BufRead> EventReader<R> {
    /// A reader over any buffered input (a file, stdin, a byte slice). A larger buffer (a
    /// `BufReader` of 64 KiB, say) leaves fewer lines split across fills.
    pub fn new(input: R) -> Self {
        Self {
            input,
            buf: Vec::with_capacity(256),
            consumed: 0,
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
        let whole = loop {
            self.input.consume(std::mem::take(&mut self.consumed));
            let available = self.input.fill_buf()?;
            if available.is_empty() {
                return Ok(None);
            }
            self.line += 1;
            let whole = match memchr::memchr(b'\n', available) {
                Some(end) => {
                    self.consumed = end + 1;
                    true
                }
                None => {
                    // The line goes on past this fill: gather it.
                    self.buf.clear();
                    self.input.read_until(b'\n', &mut self.buf)?;
                    false
                }
            };
            let text = if whole {
                &self.input.fill_buf()?[..self.consumed]
            } else {
                &self.buf[..]
            };
            if !text.iter().all(u8::is_ascii_whitespace) {
                break whole;
            }
        };
        let line = self.line;
        let text = if whole {
            // The bytes are still in the input's buffer: nothing was consumed since.
            &self.input.fill_buf()?[..self.consumed]
        } else {
            &self.buf[..]
        };
        // The line break is not part of the event: left in, an error at the end of the line
        // (an unterminated string) would be reported at column 0 of a next line.
        let text = text.strip_suffix(b"\n").unwrap_or(text);
        let text = text.strip_suffix(b"\r").unwrap_or(text);
        let malformed = &mut self.malformed;
        let event = parse_event(text).map_err(|message| {
            *malformed += 1;
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

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{EventReader, Raw, fast, parse_raw};

    /// Keys and values chosen to sit on the edges of the fast path's grammar.
    const KEYS: [&str; 9] = [
        "type",
        "id",
        "ts",
        "group",
        "prediction",
        "score",
        "label",
        "extra",
        "ty\\u0070e",
    ];
    const VALUES: [&str; 34] = [
        "\"prediction\"",
        "\"label\"",
        "\"Label\"",
        "\"a\"",
        "\"a\\\"b\"",
        "\"\"",
        "0",
        "1",
        "2",
        "255",
        "256",
        "-1",
        "-0",
        "-0.0",
        "01",
        "1.",
        ".5",
        "+1",
        "1.5",
        "0.1e-3",
        "1E5",
        "1e400",
        "-1e-400",
        "9223372036854775807",
        "9223372036854775808",
        "-9223372036854775808",
        "18446744073709551616",
        "1700000000.25",
        "null",
        "true",
        "[1]",
        "{}",
        "-",
        "\"\u{e9}\"",
    ];

    fn same(a: &Raw<'_>, b: &Raw<'_>) -> bool {
        let bits = |x: Option<f64>| x.map(f64::to_bits);
        a == b && bits(a.ts) == bits(b.ts) && bits(a.score) == bits(b.score)
    }

    fn line() -> impl Strategy<Value = String> {
        let pair = (0..KEYS.len(), 0..VALUES.len(), 0..3usize);
        (
            proptest::collection::vec(pair, 0..8),
            0..4usize,
            proptest::option::of("[ ,}x\t]{1,2}"),
        )
            .prop_map(|(pairs, sep, tail)| {
                let space = [",", ", ", " ,\t", ","][sep];
                let fields: Vec<String> = pairs
                    .iter()
                    .map(|&(k, v, ws)| {
                        let gap = [":", " : ", ":\t"][ws];
                        format!("\"{}\"{gap}{}", KEYS[k], VALUES[v])
                    })
                    .collect();
                format!("{{{}}}{}", fields.join(space), tail.unwrap_or_default())
            })
    }

    /// Lines in the order `--help` shows, with values from the edge cases (text and bits
    /// mostly from their own short lists, so that many lines are events).
    fn canonical_line() -> impl Strategy<Value = String> {
        const TEXT: [&str; 5] = ["\"a\"", "\"\"", "\"a\\\"b\"", "\"\u{e9}\"", "1"];
        const BITS: [&str; 7] = ["0", "1", "2", "01", "1.0", "-0", "true"];
        let v = || 0..VALUES.len();
        prop_oneof![
            (v(), v(), 0..TEXT.len(), 0..BITS.len(), proptest::option::of(v())).prop_map(
                |(i, t, g, p, s)| {
                    let score = s.map(|s| format!(",\"score\":{}", VALUES[s]));
                    format!(
                        "{{\"type\":\"prediction\",\"id\":{},\"ts\":{},\"group\":{},\"prediction\":{}{}}}",
                        VALUES[i],
                        VALUES[t],
                        TEXT[g],
                        BITS[p],
                        score.unwrap_or_default()
                    )
                }
            ),
            (v(), 0..BITS.len()).prop_map(|(i, l)| {
                format!("{{\"type\":\"label\",\"id\":{},\"label\":{}}}", VALUES[i], BITS[l])
            }),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        /// Short decimals read to the same bits as the standard library's correctly rounded
        /// parse (serde_json's with `float_roundtrip`).
        #[test]
        fn short_decimals_read_correctly_rounded(
            digits in "-?[0-9]{1,16}",
            point in 0..17usize,
        ) {
            let (sign, digits) = digits.split_at(usize::from(digits.starts_with('-')));
            let text = if point == 0 || point >= digits.len() {
                format!("{sign}{digits}")
            } else {
                format!("{sign}{}.{}", &digits[..point], &digits[point..])
            };
            let want: f64 = text.parse().unwrap();
            match fast::short_decimal(text.as_bytes()) {
                Some(x) => prop_assert_eq!(x.to_bits(), want.to_bits(), "{}", text),
                None => prop_assert!(digits.len() > 15, "{}", text),
            }
        }

        /// The reading of lines in the usual order reads what the reading of any order
        /// reads, and serde_json agrees.
        #[test]
        fn the_usual_order_reads_as_any_order(text in canonical_line()) {
            if let Some(usual) = fast::canonical(text.as_bytes()) {
                let any = fast::any_order(text.as_bytes());
                let bits = |f: &fast::Fields<'_>| f.ts.map(f64::to_bits);
                prop_assert!(
                    any.as_ref().is_some_and(|any| *any == usual && bits(any) == bits(&usual)),
                    "{text}: {usual:?} vs {any:?}"
                );
                let slow = parse_raw(text.as_bytes());
                let fast = usual.raw();
                prop_assert!(
                    fast.as_ref().is_some_and(|f| slow.as_ref().is_ok_and(|s| same(f, s))),
                    "{text}: fast {fast:?}, serde_json {slow:?}"
                );
            }
        }

        /// Whatever the fast path accepts, serde_json reads the same way, bit for bit.
        #[test]
        fn the_fast_path_agrees_with_serde_json(text in line()) {
            if let Some(fast) = fast::parse(text.as_bytes()) {
                let slow = parse_raw(text.as_bytes());
                prop_assert!(
                    slow.as_ref().is_ok_and(|slow| same(&fast, slow)),
                    "{text}: fast {fast:?}, serde_json {slow:?}"
                );
            }
        }
    }

    #[test]
    fn the_usual_events_take_the_fast_path() {
        for text in [
            r#"{"type":"prediction","id":17,"ts":1700000000.5,"group":"a","prediction":1,"score":0.83}"#,
            r#"{"type":"label","id":"req-00000017","label":0}"#,
            r#" { "label" : 1 , "id" : -4, "type" : "label", "note": null } "#,
            r#"{"type":"prediction","id":"x","ts":17,"group":"","prediction":0}"#,
        ] {
            let fast = fast::parse(text.as_bytes()).expect(text);
            assert!(same(&fast, &parse_raw(text.as_bytes()).unwrap()), "{text}");
        }
    }

    /// Lines split across the input's fills (a 7-byte buffer splits nearly all of them) read
    /// as they do from one slice, blank and broken lines included.
    #[test]
    fn lines_split_across_fills_read_the_same() {
        let input = "{\"type\":\"label\",\"id\":\"x\",\"label\":1}\r\n\n  \nnot json\n\
                     {\"type\":\"prediction\",\"id\":3,\"ts\":2.5,\"group\":\"g\",\"prediction\":0}";
        let read = |mut reader: EventReader<&mut dyn std::io::BufRead>| {
            let mut out = Vec::new();
            while let Some((line, event)) = reader.next_event().unwrap() {
                out.push(format!("{line}: {event:?}"));
            }
            (out, reader.lines(), reader.malformed())
        };
        let whole = read(EventReader::new(&mut input.as_bytes()));
        for capacity in [1, 7, 40] {
            let mut small = std::io::BufReader::with_capacity(capacity, input.as_bytes());
            assert_eq!(
                read(EventReader::new(&mut small)),
                whole,
                "capacity {capacity}"
            );
        }
        assert_eq!(whole.0.len(), 3);
        assert_eq!((whole.1, whole.2), (5, 1));
        assert!(whole.0[2].starts_with("5: Ok(Prediction"), "{:?}", whole.0);
    }

    #[test]
    fn edge_cases_are_left_to_serde_json() {
        for text in [
            r#"{"type":"label","id":1,"label":1,"label":0}"#,
            r#"{"type":"label","id":-0,"label":1}"#,
            r#"{"type":"label","id":9223372036854775808,"label":1}"#,
            r#"{"type":"prediction","id":1,"ts":1e400,"group":"a","prediction":1}"#,
            r#"{"type":"label","id":"a\"b","label":1}"#,
            r#"{"type":"label","id":"é","label":1}"#,
            r#"{"type":"label","id":1,"label":2}"#,
            r#"{"type":"label","id":1,"label":null}"#,
            r#"{"type":"other","id":1}"#,
            r#"{"id":1,"label":1}"#,
            r#"{"type":"label","id":1,"label":1,"x":[1]}"#,
            r#"{"type":"label","id":1,"label":1} x"#,
            r#"{"type":"label","id":1,"label":1,}"#,
            r#"{"type":"label","id":01,"label":1}"#,
        ] {
            assert_eq!(fast::parse(text.as_bytes()), None, "{text}");
        }
    }
}
