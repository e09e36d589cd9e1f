//! How user values appear in messages and tables: quoted, on one line, at most
//! [`QUOTE_LIMIT`] characters; and how a deserializer's message is put in the user's words.
//!
//! Every error message of fairkit names a value the way [`quote`] does, so that a 2 MB cell or
//! a value holding a line break never floods a terminal or splits a message over lines. Tables
//! shorten long names with [`ellipsize`].
//!
//! ```
//! use fairkit_core::text::{ellipsize, quote};
//!
//! assert_eq!(quote("abc"), "'abc'");
//! assert_eq!(quote("a\nb"), r"'a\nb'");
//! let long = "x".repeat(100);
//! assert_eq!(quote(&long), format!("'{}…' (100 characters)", "x".repeat(79)));
//! assert_eq!(ellipsize("abcdef", 4), "abc…");
//! assert_eq!(ellipsize("abc", 4), "abc");
//! ```

use std::borrow::Cow;
use std::fmt::Write;

/// The most characters of a value that a message quotes.
pub const QUOTE_LIMIT: usize = 80;

/// The characters of `value` with line breaks, tabs and other control characters escaped (as
/// `\n`, `\t`, `\u{1b}`), so that the result stays on one line.
fn escaped(value: &str) -> impl Iterator<Item = char> + '_ {
    value.chars().flat_map(|c| {
        let escape: Option<String> = if c.is_control() {
            Some(c.escape_default().collect())
        } else {
            None
        };
        match escape {
            Some(e) => e.chars().collect::<Vec<_>>().into_iter(),
            None => vec![c].into_iter(),
        }
    })
}

/// `value` in single quotes, on one line, at most [`QUOTE_LIMIT`] characters between the quotes:
/// control characters are escaped, and a longer value is cut with an ellipsis and followed by
/// its length in characters.
pub fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len().min(QUOTE_LIMIT * 4) + 2);
    out.push('\'');
    let mut cut = false;
    for (shown, c) in escaped(value).enumerate() {
        if shown == QUOTE_LIMIT {
            cut = true;
            break;
        }
        out.push(c);
    }
    if cut {
        // Replace the last shown character by the ellipsis, keeping QUOTE_LIMIT in all.
        out.pop();
        out.push('…');
        out.push('\'');
        let _ = write!(out, " ({} characters)", value.chars().count());
    } else {
        out.push('\'');
    }
    out
}

/// `name` on one line and at most `max` characters (at least 1): a longer name keeps its first
/// `max - 1` characters and ends with `…`. For table cells.
pub fn ellipsize(name: &str, max: usize) -> Cow<'_, str> {
    let max = max.max(1);
    let plain = !name.chars().any(char::is_control);
    if plain && name.chars().nth(max).is_none() {
        return Cow::Borrowed(name);
    }
    let chars: Vec<char> = escaped(name).collect();
    if chars.len() <= max {
        return Cow::Owned(chars.into_iter().collect());
    }
    let mut out: String = chars[..max - 1].iter().collect();
    out.push('…');
    Cow::Owned(out)
}

/// A list of names for a message: each [`quote`]d, joined with `, `, at most `max` of them
/// (then `and N more`).
pub fn quote_list<S: AsRef<str>>(names: &[S], max: usize) -> String {
    let mut parts: Vec<String> = names.iter().take(max).map(|n| quote(n.as_ref())).collect();
    if names.len() > max {
        parts.push(format!("and {} more", names.len() - max));
    }
    parts.join(", ")
}

/// A message of serde (a deserializer of TOML or JSON) in the user's words: Rust type names
/// (`u64`, `f64`, `struct X`, `untagged enum X`, `sequence`, `map`) become what the user writes
/// (a whole number, a number, a table, a list), and the message is kept to one line.
pub fn user_words(message: &str) -> String {
    let mut text = message.replace(['\n', '\r'], " ");
    // Whole phrases first, then single type names.
    let phrases: [(&str, &str); 8] = [
        (
            "data did not match any variant of untagged enum",
            "the value has none of the accepted forms of",
        ),
        ("a sequence", "a list"),
        ("sequence", "list"),
        ("a map", "a table"),
        ("unit value", "nothing"),
        ("a borrowed string", "a string"),
        ("string or map", "a string or a table"),
        ("newtype struct", "value"),
    ];
    for (from, to) in phrases {
        text = text.replace(from, to);
    }
    let mut out = String::with_capacity(text.len());
    let words: Vec<&str> = text.split(' ').collect();
    let mut i = 0;
    while i < words.len() {
        let w = words[i];
        let (core, tail) = split_punct(w);
        let prev_a = out.ends_with("a ") || out.ends_with("an ");
        let replaced = match core {
            "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => Some("a whole number of at least 0"),
            "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => Some("a whole number"),
            "f32" | "f64" => Some("a number"),
            "bool" => Some("true or false"),
            "char" => Some("a single character"),
            _ => None,
        };
        if let Some(r) = replaced {
            if prev_a {
                // "expected a u64" never occurs in serde, but keep the article right if it does.
                let cut = if out.ends_with("an ") { 3 } else { 2 };
                out.truncate(out.len() - cut);
            }
            out.push_str(r);
            out.push_str(tail);
        } else if (core == "struct" || core == "enum") && i + 1 < words.len() {
            // `struct Raw with 7 elements`, `struct GateConfig`, `enum Kind`: a table / one of
            // the listed values.
            let (name, name_tail) = split_punct(words[i + 1]);
            let is_type = name.chars().next().is_some_and(char::is_uppercase);
            if is_type {
                if out.ends_with("a ") || out.ends_with("an ") {
                    let cut = if out.ends_with("an ") { 3 } else { 2 };
                    out.truncate(out.len() - cut);
                }
                out.push_str(if core == "struct" {
                    "a table"
                } else {
                    "one of the accepted values"
                });
                out.push_str(name_tail);
                i += 2;
                // Drop "with N elements" after a struct name.
                if words.get(i) == Some(&"with")
                    && words.get(i + 2).is_some_and(|w| w.starts_with("element"))
                {
                    let (_, t) = split_punct(words[i + 2]);
                    out.push_str(t);
                    i += 3;
                }
                if i < words.len() {
                    out.push(' ');
                }
                continue;
            }
            out.push_str(w);
        } else if core.len() > 1
            && core.chars().next().is_some_and(char::is_uppercase)
            && core.chars().skip(1).any(char::is_lowercase)
            && core.chars().skip(1).any(char::is_uppercase)
            && core.chars().all(char::is_alphanumeric)
        {
            // A CamelCase type name left over (e.g. after "untagged enum"): drop it.
            out.push_str("it");
            out.push_str(tail);
        } else {
            out.push_str(w);
        }
        i += 1;
        if i < words.len() {
            out.push(' ');
        }
    }
    out.trim().to_string()
}

/// A word without its trailing punctuation, and that punctuation.
fn split_punct(word: &str) -> (&str, &str) {
    let end = word
        .char_indices()
        .rev()
        .take_while(|(_, c)| matches!(c, ',' | '.' | ';' | ':' | ')' | '`'))
        .last()
        .map_or(word.len(), |(i, _)| i);
    let start = usize::from(word.starts_with('`'));
    let start = start.min(end);
    (&word[start..end], &word[end..])
}

/// One line for an error in a configuration file (TOML): `file: line L, column C: key 'k':
/// what is wrong`, in the user's words.
///
/// `span` is the byte range the parser blames, and `detail` its message as printed without the
/// file's text: the message, then optionally a line ``in `a.b` `` naming the key (as the
/// `toml` crate prints an error whose input is unset). Serde's vocabulary becomes the file's:
/// fields are keys, variants values, type names what the user writes ([`user_words`]). When
/// the message names a key (``unknown field `k` ``, `key 'k'`) that the file holds after the
/// blamed position, the line and column are that key's. An empty `file` is left out.
///
/// ```
/// use fairkit_core::text::config_message;
///
/// let text = "[data]\nsource = \"csv\"\nlabl = \"y\"\n";
/// let msg = config_message("x.toml", text, Some(0..6), "unknown field `labl`, expected `label`\nin `data`\n");
/// assert_eq!(msg, "x.toml: line 3, column 1: key 'data.labl': unknown key 'labl', expected 'label'");
/// ```
pub fn config_message(
    file: &str,
    text: &str,
    span: Option<std::ops::Range<usize>>,
    detail: &str,
) -> String {
    let mut lines = detail.lines();
    let message = lines.next().unwrap_or_default().trim();
    let mut key = lines
        .find_map(|l| l.strip_prefix("in `").and_then(|k| k.strip_suffix('`')))
        .map(str::to_string);
    let mut message = message
        .replace("missing field `", "missing key `")
        .replace("unknown field `", "unknown key `")
        .replace("unknown variant `", "unknown value `");
    // Backticked names become quoted ones.
    while let Some(start) = message.find('`') {
        let Some(len) = message[start + 1..].find('`') else {
            break;
        };
        let inner = message[start + 1..start + 1 + len].to_string();
        message.replace_range(start..start + len + 2, &format!("'{inner}'"));
    }
    let message = user_words(&message);
    let mut at = span.map(|s| s.start);
    // A key named in the message, found after the blamed position (a table's header), is a
    // more exact place.
    let named = ["unknown key '", "key '"]
        .iter()
        .find_map(|p| message.find(p).map(|i| i + p.len()))
        .and_then(|i| {
            message[i..]
                .find('\'')
                .map(|j| message[i..i + j].to_string())
        });
    if let Some(name) = named {
        let from = at.unwrap_or(0).min(text.len());
        if let Some(offset) = find_key(text, from, &name) {
            at = Some(offset);
            key = Some(match key {
                Some(table) if table != name && !table.ends_with(&format!(".{name}")) => {
                    format!("{table}.{name}")
                }
                Some(table) => table,
                None => name,
            });
        }
    }
    if at.is_none()
        && let Some(k) = &key
    {
        at = find_key(text, 0, k.rsplit('.').next().unwrap_or(k));
    }
    // A message that starts by naming the key it is placed at does not name it twice.
    let mut message = message.as_str();
    if let Some(k) = &key {
        let last = k.rsplit('.').next().unwrap_or(k);
        message = message
            .strip_prefix(&format!("key '{last}': "))
            .unwrap_or(message);
    }
    let mut out = String::new();
    if !file.is_empty() {
        out.push_str(file);
        out.push_str(": ");
    }
    if let Some(offset) = at {
        let (line, column) = line_column(text, offset);
        let _ = write!(out, "line {line}, column {column}: ");
    }
    if let Some(k) = key {
        let _ = write!(out, "key {}: ", quote(&k));
    }
    out.push_str(message);
    out
}

/// The byte offset of the first line at or after `from` that assigns `key` (`key = ...`,
/// possibly quoted).
fn find_key(text: &str, from: usize, key: &str) -> Option<usize> {
    let mut from = from.min(text.len());
    while !text.is_char_boundary(from) {
        from -= 1;
    }
    let start = text[..from].rfind('\n').map_or(0, |i| i + 1);
    let mut offset = start;
    for line in text[start..].split_inclusive('\n') {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let rest = trimmed
            .strip_prefix(key)
            .or_else(|| trimmed.strip_prefix(&format!("\"{key}\"")));
        if let Some(rest) = rest
            && rest.trim_start().starts_with('=')
        {
            return Some(offset + indent);
        }
        offset += line.len();
    }
    None
}

/// The 1-based line and column (in characters) of byte `offset` of `text`.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[start..].chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_is_one_line_and_bounded() {
        assert_eq!(quote(""), "''");
        let exactly = "é".repeat(QUOTE_LIMIT);
        assert_eq!(quote(&exactly), format!("'{exactly}'"));
        let over = "é".repeat(QUOTE_LIMIT + 1);
        let q = quote(&over);
        assert_eq!(q, format!("'{}…' (81 characters)", "é".repeat(79)));
        let cell = "a\"b\r\nc".repeat(400_000);
        let q = quote(&cell);
        assert!(!q.contains('\n') && !q.contains('\r'), "{q}");
        let inside = &q[1..q.rfind("' (").unwrap()];
        assert_eq!(inside.chars().count(), QUOTE_LIMIT);
        assert!(inside.starts_with(r#"a"b\r\nca"b"#), "{inside}");
        assert!(q.ends_with("(2400000 characters)"), "{q}");
    }

    #[test]
    fn ellipsize_keeps_short_names() {
        assert_eq!(ellipsize("group=A", 40), "group=A");
        let long = "G".repeat(70_000);
        let e = ellipsize(&long, 40);
        assert_eq!(e.chars().count(), 40);
        assert!(e.ends_with('…'));
        assert_eq!(ellipsize("a\nb", 10), r"a\nb");
        assert_eq!(ellipsize("abc", 0), "…");
    }

    #[test]
    fn quote_list_caps_the_count() {
        assert_eq!(quote_list(&["a", "b", "c"], 2), "'a', 'b', and 1 more");
        assert_eq!(quote_list::<&str>(&[], 2), "");
    }

    #[test]
    fn serde_messages_in_user_words() {
        assert_eq!(
            user_words("invalid type: string \"x\", expected u64"),
            "invalid type: string \"x\", expected a whole number of at least 0"
        );
        assert_eq!(
            user_words("invalid type: sequence, expected struct Raw with 7 elements"),
            "invalid type: list, expected a table"
        );
        assert_eq!(
            user_words("invalid type: integer `3`, expected a boolean"),
            "invalid type: integer `3`, expected a boolean"
        );
        assert_eq!(
            user_words("invalid type: string, expected f64"),
            "invalid type: string, expected a number"
        );
        let untagged = user_words("data did not match any variant of untagged enum SeedsItem");
        assert!(
            !untagged.contains("SeedsItem") && !untagged.contains("untagged"),
            "{untagged}"
        );
        assert_eq!(user_words("missing field `label`"), "missing field `label`");
    }

    #[test]
    fn positions() {
        let t = "a = 1\nbé = x\n";
        assert_eq!(line_column(t, 0), (1, 1));
        assert_eq!(line_column(t, 6), (2, 1));
        assert_eq!(line_column(t, t.find('x').unwrap()), (2, 6));
        assert_eq!(line_column(t, 999), (3, 1));
    }
}
