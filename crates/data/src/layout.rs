//! How a delimited text file is laid out, in the user's words: the field delimiter, whether the
//! first line is a header, and the names of the columns of a file without one.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::table::CsvFormat;
use crate::{DataError, Result};

/// What separates the fields of a record.
///
/// Written (and parsed) as a name, `comma`, `tab`, `semicolon`, `pipe`, `space` or
/// `whitespace`, or as the character itself (`,`, `;`, `|`, ...).
///
/// ```
/// use fairkit_data::Delimiter;
///
/// assert_eq!("tab".parse::<Delimiter>().unwrap(), Delimiter::Byte(b'\t'));
/// assert_eq!(";".parse::<Delimiter>().unwrap().to_string(), "semicolon");
/// assert_eq!("whitespace".parse::<Delimiter>().unwrap(), Delimiter::Whitespace);
/// assert!("ab".parse::<Delimiter>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Delimiter {
    /// One byte (an ASCII character) separates two fields; two in a row enclose an empty
    /// field. Fields may be quoted with `"` (a quoted field can hold the delimiter, line breaks
    /// and `""` for a quote).
    Byte(u8),
    /// Runs of spaces and tabs separate fields, and spaces at the start or end of a line are
    /// ignored (pandas' `sep=r"\s+"`); lines holding only spaces are blank. A field that starts
    /// with `"` is quoted as above, so it can hold spaces.
    Whitespace,
}

impl Default for Delimiter {
    fn default() -> Self {
        Delimiter::Byte(b',')
    }
}

/// The named single-byte delimiters.
const NAMED: [(&str, u8); 5] = [
    ("comma", b','),
    ("tab", b'\t'),
    ("semicolon", b';'),
    ("pipe", b'|'),
    ("space", b' '),
];

impl Delimiter {
    /// The names [`FromStr`] accepts besides a single character.
    pub const NAMES: [&'static str; 6] =
        ["comma", "tab", "semicolon", "pipe", "space", "whitespace"];

    /// How a file separated by this delimiter is described, e.g. `tab-separated`.
    pub fn describe(self) -> String {
        match self {
            Delimiter::Whitespace => "separated by runs of spaces".into(),
            Delimiter::Byte(b) => match NAMED.iter().find(|(_, v)| *v == b) {
                Some((name, _)) => format!("{name}-separated"),
                None => format!("separated by '{}'", b as char),
            },
        }
    }

    /// A guess at the delimiter of a file whose header, read with `self`, is the single field
    /// `header`: the first of tab, semicolon, comma, pipe and a space that the field holds
    /// (a space suggests [`Delimiter::Whitespace`]). `None` when it holds none of them.
    pub fn guess_other(self, header: &str) -> Option<Delimiter> {
        let candidates = [
            (b'\t', Delimiter::Byte(b'\t')),
            (b';', Delimiter::Byte(b';')),
            (b',', Delimiter::Byte(b',')),
            (b'|', Delimiter::Byte(b'|')),
            (b' ', Delimiter::Whitespace),
        ];
        candidates
            .into_iter()
            .filter(|&(_, d)| d != self)
            .find(|&(b, _)| header.as_bytes().contains(&b))
            .map(|(_, d)| d)
    }
}

impl fmt::Display for Delimiter {
    /// The name [`FromStr`] reads back: `comma`, `tab`, ..., or the character itself.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Delimiter::Whitespace => f.write_str("whitespace"),
            Delimiter::Byte(b) => match NAMED.iter().find(|(_, v)| v == b) {
                Some((name, _)) => f.write_str(name),
                None => write!(f, "{}", *b as char),
            },
        }
    }
}

impl FromStr for Delimiter {
    type Err = fairkit_core::Error;

    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        if s == "whitespace" {
            return Ok(Delimiter::Whitespace);
        }
        if let Some((_, b)) = NAMED.iter().find(|(name, _)| *name == s) {
            return Ok(Delimiter::Byte(*b));
        }
        if s == "\\t" {
            return Ok(Delimiter::Byte(b'\t'));
        }
        match s.as_bytes() {
            [b] if b.is_ascii() && !matches!(b, b'"' | b'\n' | b'\r') => Ok(Delimiter::Byte(*b)),
            _ => Err(fairkit_core::Error::invalid(
                "delimiter",
                s,
                &format!(
                    "must be one ASCII character other than a quote or a line break, or one of {}",
                    Self::NAMES.join(", ")
                ),
            )),
        }
    }
}

impl Serialize for Delimiter {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Delimiter {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

fn yes() -> bool {
    true
}

/// What kind of file a data file is: told by its name ([`FileFormat::Auto`]: a name ending in
/// `.parquet` or `.pq`, or a directory, is Parquet; anything else CSV) or given (`--format`,
/// `format` under `[data.layout]` in an experiment file).
///
/// ```
/// use fairkit_data::FileFormat;
///
/// assert_eq!("parquet".parse::<FileFormat>().unwrap(), FileFormat::Parquet);
/// assert_eq!(FileFormat::default().to_string(), "auto");
/// assert!("xls".parse::<FileFormat>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileFormat {
    /// By the name: Parquet for a directory or a `.parquet` / `.pq` file, CSV otherwise.
    #[default]
    Auto,
    /// Delimited text, laid out as the rest of the layout says.
    Csv,
    /// A Parquet file, or a directory of Parquet files (a partitioned dataset).
    Parquet,
}

impl FileFormat {
    /// The names [`FromStr`] accepts.
    pub const NAMES: [&'static str; 3] = ["auto", "csv", "parquet"];

    /// Whether this is [`FileFormat::Auto`].
    pub fn is_auto(&self) -> bool {
        *self == FileFormat::Auto
    }
}

impl fmt::Display for FileFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FileFormat::Auto => "auto",
            FileFormat::Csv => "csv",
            FileFormat::Parquet => "parquet",
        })
    }
}

impl FromStr for FileFormat {
    type Err = fairkit_core::Error;

    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        match s {
            "auto" => Ok(FileFormat::Auto),
            "csv" => Ok(FileFormat::Csv),
            "parquet" => Ok(FileFormat::Parquet),
            other => Err(fairkit_core::Error::unknown("format", other, &Self::NAMES)),
        }
    }
}

/// How a data file is laid out: what `--delimiter`, `--no-header` and `--columns` say, and
/// what an experiment file records under `[data.layout]`. The default is a comma-separated
/// file whose first line is the header.
///
/// A file without a header row takes its column names from `columns`, or, without them, is
/// named `c1`, `c2`, ... in field order.
///
/// ```
/// use fairkit_data::{CsvLayout, Delimiter, Table};
///
/// let layout = CsvLayout {
///     delimiter: Delimiter::Whitespace,
///     header: false,
///     ..CsvLayout::default()
/// };
/// let t = Table::from_csv_with(&b"A11  6 1\nA12 48 2\n"[..], "g.data", &layout.format()?)?;
/// assert_eq!(t.header(), ["c1", "c2", "c3"]);
/// assert_eq!(t.column("c2")?.get(1), "48");
/// # Ok::<(), fairkit_data::DataError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CsvLayout {
    /// The field delimiter.
    #[serde(default)]
    pub delimiter: Delimiter,
    /// Whether the first line is the header (the column names).
    #[serde(default = "yes")]
    pub header: bool,
    /// The column names of a file without a header row, in field order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub columns: Option<Vec<String>>,
    /// CSV or Parquet (by the file's name unless given). The delimiter, header and column
    /// names apply to CSV only.
    #[serde(
        default,
        rename = "format",
        skip_serializing_if = "FileFormat::is_auto"
    )]
    pub file_format: FileFormat,
}

impl Default for CsvLayout {
    fn default() -> Self {
        Self {
            delimiter: Delimiter::default(),
            header: true,
            columns: None,
            file_format: FileFormat::Auto,
        }
    }
}

impl CsvLayout {
    /// Whether this is the default layout (comma-separated, header row).
    pub fn is_default(&self) -> bool {
        *self == Self::default()
    }

    /// The reader's format for this layout.
    ///
    /// # Errors
    /// Column names for a file that has a header row.
    pub fn format(&self) -> Result<CsvFormat> {
        if self.header && self.columns.is_some() {
            return Err(DataError::Core(fairkit_core::Error::invalid(
                "columns",
                self.columns.as_deref().unwrap_or_default().join(","),
                "name the columns of a file without a header row: give --no-header too \
                 (header = false in an experiment file)",
            )));
        }
        Ok(CsvFormat {
            delimiter: self.delimiter,
            names: self.columns.clone(),
            numbered: !self.header && self.columns.is_none(),
            ..CsvFormat::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for name in Delimiter::NAMES {
            let d: Delimiter = name.parse().unwrap();
            assert_eq!(d.to_string(), name);
        }
        for (text, d) in [
            (",", Delimiter::Byte(b',')),
            ("\t", Delimiter::Byte(b'\t')),
            ("\\t", Delimiter::Byte(b'\t')),
            (":", Delimiter::Byte(b':')),
        ] {
            assert_eq!(text.parse::<Delimiter>().unwrap(), d);
        }
        assert_eq!(":".parse::<Delimiter>().unwrap().to_string(), ":");
        for bad in ["", "\"", "\n", "ab", "é", "tabs"] {
            let e = bad.parse::<Delimiter>().unwrap_err().to_string();
            assert!(e.contains("delimiter") && e.contains("whitespace"), "{e}");
        }
    }

    #[test]
    fn guesses_the_delimiter_of_a_one_field_header() {
        let comma = Delimiter::default();
        assert_eq!(comma.guess_other("a\tb"), Some(Delimiter::Byte(b'\t')));
        assert_eq!(comma.guess_other("a;b"), Some(Delimiter::Byte(b';')));
        assert_eq!(comma.guess_other("A11 6 A34"), Some(Delimiter::Whitespace));
        assert_eq!(comma.guess_other("ab"), None);
        assert_eq!(
            Delimiter::Whitespace.guess_other("a,b"),
            Some(Delimiter::Byte(b','))
        );
        assert_eq!(Delimiter::Byte(b'\t').guess_other("a,b"), Some(comma));
        assert_eq!(Delimiter::Byte(b'\t').describe(), "tab-separated");
        assert_eq!(Delimiter::Byte(b':').describe(), "separated by ':'");
    }

    #[test]
    fn layout_serializes_in_the_users_words() {
        let layout = CsvLayout {
            delimiter: Delimiter::Byte(b';'),
            header: false,
            columns: Some(vec!["a".into(), "b".into()]),
            file_format: FileFormat::Auto,
        };
        let json = serde_json::to_string(&layout).unwrap();
        assert_eq!(
            json,
            r#"{"delimiter":"semicolon","header":false,"columns":["a","b"]}"#
        );
        assert_eq!(serde_json::from_str::<CsvLayout>(&json).unwrap(), layout);
        assert_eq!(
            serde_json::from_str::<CsvLayout>("{}").unwrap(),
            CsvLayout::default()
        );
        assert!(serde_json::from_str::<CsvLayout>(r#"{"delimiter":"ab"}"#).is_err());
        let named_with_header = CsvLayout {
            header: true,
            ..layout
        };
        let e = named_with_header.format().unwrap_err().to_string();
        assert!(e.contains("--no-header"), "{e}");
    }
}
