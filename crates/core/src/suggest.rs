//! "Did you mean ...?" for names the user mistyped: methods, datasets, estimators, constraints,
//! experiment-file keys. One rule everywhere, so that every list of accepted names reads the
//! same.
//!
//! ```
//! use fairkit_core::suggest::{did_you_mean, one_of};
//!
//! let methods = ["baseline", "baseline-tree", "reweighing"];
//! assert_eq!(did_you_mean("reweigting", &methods), Some("reweighing"));
//! assert_eq!(did_you_mean("magic", &methods), None);
//! assert_eq!(
//!     one_of("reweigting", &methods),
//!     "did you mean 'reweighing'? It must be one of baseline, baseline-tree, reweighing"
//! );
//! ```

/// The candidate `input` most likely stands for: the closest one by Damerau-Levenshtein
/// distance (case-insensitive; a swap of two neighbours counts as one edit) when at most a
/// third of the input's characters differ (at least one for inputs of three characters or
/// more, none below), else the first candidate that starts with an input of three characters
/// or more (`expgrad` for `expgrad-dp`). Ties go to the
/// earlier candidate. `None` when nothing is close, or `input` is itself a candidate.
pub fn did_you_mean<'a>(input: &str, candidates: &[&'a str]) -> Option<&'a str> {
    if candidates.contains(&input) {
        return None;
    }
    let lower = input.to_lowercase();
    let len = lower.chars().count();
    let allowed = if len < 3 { 0 } else { (len / 3).max(1) };
    let closest = candidates
        .iter()
        .map(|&c| (strsim::damerau_levenshtein(&lower, &c.to_lowercase()), c))
        .min_by_key(|&(d, _)| d)
        .filter(|&(d, _)| d <= allowed)
        .map(|(_, c)| c);
    closest.or_else(|| {
        (lower.chars().count() >= 3)
            .then(|| {
                candidates
                    .iter()
                    .find(|c| c.to_lowercase().starts_with(&lower))
            })
            .flatten()
            .copied()
    })
}

/// The reason an unknown name is refused: `did you mean 'x'? It must be one of a, b, c`, or
/// `must be one of a, b, c` when no candidate is close.
pub fn one_of(input: &str, candidates: &[&str]) -> String {
    let list = candidates.join(", ");
    match did_you_mean(input, candidates) {
        Some(c) => format!("did you mean '{c}'? It must be one of {list}"),
        None => format!("must be one of {list}"),
    }
}

/// ` (did you mean 'x'?)` when a candidate is close to `input`, else nothing: for messages that
/// list the accepted names themselves.
pub fn hint(input: &str, candidates: &[&str]) -> String {
    did_you_mean(input, candidates)
        .map(|c| format!(" (did you mean '{c}'?)"))
        .unwrap_or_default()
}

/// A serde message about an unknown key or value (serde's ``unknown field `x`, expected one of
/// `a`, `b` `` or ``unknown variant `x`, expected `a` or `b` ``), with `; did you mean `y`?`
/// added after the list when a listed name is close. Other messages come back unchanged, and
/// so does the text around the sentence (a TOML excerpt, say).
pub fn annotate_unknown(message: &str) -> String {
    let mut out = String::with_capacity(message.len() + 32);
    let mut rest = message;
    while let Some(at) = ["unknown field `", "unknown variant `"]
        .iter()
        .filter_map(|p| rest.find(p).map(|i| (i, p.len())))
        .min()
    {
        let (start, skip) = at;
        let after = &rest[start + skip..];
        let Some(end) = after.find('`') else { break };
        let input = &after[..end];
        // The expected names: every `...` up to the end of the sentence's line.
        let tail = &after[end + 1..];
        let line_end = tail.find('\n').unwrap_or(tail.len());
        let names: Vec<&str> = tail[..line_end].split('`').skip(1).step_by(2).collect();
        let cut = start + skip + end + 1 + tail[..line_end].rfind('`').map_or(0, |i| i + 1);
        out.push_str(&rest[..cut]);
        if let Some(c) = did_you_mean(input, &names) {
            out.push_str(&format!("; did you mean `{c}`?"));
        }
        rest = &rest[cut..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_swaps_and_prefixes() {
        let methods = [
            "baseline",
            "baseline-tree",
            "expgrad-dp",
            "expgrad-eo",
            "threshold-dp",
        ];
        assert_eq!(
            did_you_mean("baseline-treee", &methods),
            Some("baseline-tree")
        );
        assert_eq!(did_you_mean("expgrad-oe", &methods), Some("expgrad-eo"));
        assert_eq!(did_you_mean("Baseline", &methods), Some("baseline"));
        assert_eq!(did_you_mean("expgrad", &methods), Some("expgrad-dp"));
        assert_eq!(did_you_mean("thresh", &methods), Some("threshold-dp"));
        assert_eq!(did_you_mean("ex", &methods), None);
        assert_eq!(did_you_mean("magic", &methods), None);
        assert_eq!(did_you_mean("baseline", &methods), None);
        assert_eq!(
            did_you_mean("adutl", &["biased-credit", "credit", "adult"]),
            Some("adult")
        );
        assert_eq!(hint("crdit", &["credit"]), " (did you mean 'credit'?)");
        assert_eq!(hint("x", &["credit"]), "");
        assert_eq!(one_of("x", &["a", "b"]), "must be one of a, b");
        assert_eq!(did_you_mean("A", &["a", "b"]), Some("a"));
    }

    #[test]
    fn serde_messages_get_a_suggestion() {
        let m = "TOML parse error at line 1, column 1\n  |\n1 | seedz = 3\n  | ^^^^^\nunknown \
                 field `seedz`, expected one of `data`, `split`, `seeds`, `disparity`\n";
        assert_eq!(
            annotate_unknown(m),
            m.replace("`disparity`\n", "`disparity`; did you mean `seeds`?\n")
        );
        let v = "unknown variant `scenaro`, expected one of `scenario`, `adult`, `csv` at line 3";
        assert_eq!(
            annotate_unknown(v),
            "unknown variant `scenaro`, expected one of `scenario`, `adult`, `csv`; did you \
             mean `scenario`? at line 3"
        );
        let two = "unknown variant `tre`, expected `tree` or `logistic`";
        assert!(annotate_unknown(two).ends_with("; did you mean `tree`?"));
        for plain in [
            "unknown field `zzz`, expected `a` or `b`",
            "missing field `x`",
            "",
        ] {
            assert_eq!(annotate_unknown(plain), plain);
        }
    }
}
