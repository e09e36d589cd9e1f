//! When a group is too small for its rates to mean much: one rule for every report.
//!
//! A group's rates are proportions estimated from its rows, and a proportion from few rows is
//! mostly noise. The rule flags a group with
//!
//! * fewer than [`MIN_ROWS`] rows (30 by default; the report's `min_group_size`): a selection
//!   rate or accuracy from 30 rows has a standard error of up to `sqrt(0.25 / 30) = 0.09`, as
//!   large as the 0.1 usually allowed for a demographic parity difference; or
//! * fewer than [`MIN_CLASS`] positives or negatives (10): the true positive rate rests on the
//!   positives alone and the false positive rate on the negatives alone, so with fewer than 10
//!   of either the equalized odds and equal opportunity figures are noise (standard error up to
//!   0.16). Ten of each outcome is the "success/failure condition" of introductory statistics
//!   for treating a proportion as approximately normal (`np >= 10` and `n(1 - p) >= 10`, as in
//!   Moore's *The Basic Practice of Statistics*).
//!
//! Positives and negatives are the actual labels (weighted sums when the data has weights).
//! The rule warns; it never changes a value.
//!
//! ```
//! use fairkit_metrics::small::{SmallGroup, MIN_ROWS};
//!
//! let warning = SmallGroup::check("A91", 15, 11.0, 4.0, MIN_ROWS).unwrap();
//! assert_eq!(
//!     warning.to_string(),
//!     "group 'A91' has 15 rows (11 positive, 4 negative): fewer than 30 rows and 10 \
//!      negatives, too few for its rates to mean much"
//! );
//! assert!(SmallGroup::check("A93", 160, 110.0, 50.0, MIN_ROWS).is_none());
//! ```

use std::fmt;

use fairkit_core::Groups;
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use crate::ConfusionTable;
use crate::error::Result;

/// Fewest rows a group needs (the default of the report's `min_group_size`).
pub const MIN_ROWS: u64 = 30;
/// Fewest positives, and fewest negatives, a group needs.
pub const MIN_CLASS: f64 = 10.0;

/// A group too small for its rates to mean much, with its counts.
#[derive(Debug, Clone, PartialEq)]
pub struct SmallGroup {
    /// The group label.
    pub group: String,
    /// Rows, unweighted.
    pub rows: u64,
    /// Actual positives (weighted).
    pub positives: f64,
    /// Actual negatives (weighted).
    pub negatives: f64,
    /// The row threshold it was checked against.
    pub min_rows: u64,
}

impl SmallGroup {
    /// The warning for a group with these counts, or `None` when it has at least `min_rows`
    /// rows, [`MIN_CLASS`] positives and [`MIN_CLASS`] negatives.
    pub fn check(
        group: &str,
        rows: u64,
        positives: f64,
        negatives: f64,
        min_rows: u64,
    ) -> Option<Self> {
        let small = rows < min_rows || positives < MIN_CLASS || negatives < MIN_CLASS;
        small.then(|| SmallGroup {
            group: group.to_string(),
            rows,
            positives,
            negatives,
            min_rows,
        })
    }

    /// What falls short, e.g. `["fewer than 30 rows", "fewer than 10 positives"]`.
    pub fn reasons(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.rows < self.min_rows {
            out.push(format!("fewer than {} rows", self.min_rows));
        }
        if self.positives < MIN_CLASS {
            out.push(format!("fewer than {MIN_CLASS} positives"));
        }
        if self.negatives < MIN_CLASS {
            out.push(format!("fewer than {MIN_CLASS} negatives"));
        }
        out
    }
}

/// The small groups of labelled rows (before any prediction: the rule looks at rows and
/// labels only), in group order.
///
/// # Errors
/// Inputs of different lengths, or invalid weights.
pub fn small_groups(
    y_true: &[bool],
    groups: &Groups,
    weights: Option<&[f64]>,
    min_rows: u64,
) -> Result<Vec<SmallGroup>> {
    let table =
        ConfusionTable::accumulate(y_true, y_true, groups.codes(), groups.n_groups(), weights)?;
    let schema = groups.schema();
    Ok((0..groups.n_groups())
        .filter_map(|g| {
            let c = table.group(g);
            SmallGroup::check(
                &schema.label(g as u32),
                c.rows,
                c.positives(),
                c.negatives(),
                min_rows,
            )
        })
        .collect())
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// A count as written in messages: an integer when it is one.
fn count(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    }
}

impl fmt::Display for SmallGroup {
    /// `group 'A91' has 15 rows (11 positive, 4 negative): fewer than ... , too few for its
    /// rates to mean much`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.rows == 0 {
            return write!(
                f,
                "group '{}' has no rows: its rates are undefined",
                self.group
            );
        }
        write!(
            f,
            "group '{}' has {} rows ({} positive, {} negative): fewer than {}, too few for its \
             rates to mean much",
            self.group,
            self.rows,
            count(self.positives),
            count(self.negatives),
            // One "fewer than" for the whole list.
            and_list(
                &self
                    .reasons()
                    .iter()
                    .map(|r| r.trim_start_matches("fewer than ").to_string())
                    .collect::<Vec<_>>()
            )
        )
    }
}

/// `{"group", "rows", "positives", "negatives", "message"}`.
impl Serialize for SmallGroup {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(5))?;
        map.serialize_entry("group", &self.group)?;
        map.serialize_entry("rows", &self.rows)?;
        map.serialize_entry("positives", &self.positives)?;
        map.serialize_entry("negatives", &self.negatives)?;
        map.serialize_entry("message", &self.to_string())?;
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_threshold_is_strict() {
        // Exactly at the thresholds: no warning; one below any of them: a warning.
        assert!(SmallGroup::check("g", 30, 10.0, 20.0, 30).is_none());
        let all = SmallGroup::check("g", 12, 3.0, 9.0, 30).unwrap();
        assert_eq!(
            all.to_string(),
            "group 'g' has 12 rows (3 positive, 9 negative): fewer than 30 rows, 10 positives \
             and 10 negatives, too few for its rates to mean much"
        );
        let rows = SmallGroup::check("g", 29, 10.0, 19.0, 30).unwrap();
        assert_eq!(rows.reasons(), ["fewer than 30 rows"]);
        let pos = SmallGroup::check("g", 100, 9.0, 91.0, 30).unwrap();
        assert_eq!(pos.reasons(), ["fewer than 10 positives"]);
        let neg = SmallGroup::check("g", 100, 91.0, 9.5, 30).unwrap();
        assert_eq!(neg.reasons(), ["fewer than 10 negatives"]);
        assert!(neg.to_string().contains("(91 positive, 9.50 negative)"));
        // min_group_size 0 leaves the class counts.
        assert!(SmallGroup::check("g", 12, 10.0, 10.0, 0).is_none());
        let empty = SmallGroup::check("g", 0, 0.0, 0.0, 30).unwrap();
        assert_eq!(
            empty.to_string(),
            "group 'g' has no rows: its rates are undefined"
        );
    }

    #[test]
    fn small_groups_of_labelled_rows() {
        let g = Groups::from_labels("g", &["a", "a", "a", "b", "b", "b"]).unwrap();
        let y = [true, false, true, false, false, true];
        let small = small_groups(&y, &g, None, 3).unwrap();
        assert_eq!(small.len(), 2);
        assert_eq!(
            (small[1].group.as_str(), small[1].rows, small[1].positives),
            ("b", 3, 1.0)
        );
        let weighted = small_groups(&y, &g, Some(&[5.0, 5.0, 5.0, 4.0, 4.0, 4.0]), 3).unwrap();
        assert_eq!((weighted[0].positives, weighted[0].negatives), (10.0, 5.0));
        assert!(small_groups(&y, &g, Some(&[1.0]), 3).is_err());
    }

    #[test]
    fn serializes_counts_and_message() {
        let w = SmallGroup::check("A91", 15, 11.0, 4.0, 30).unwrap();
        let json = serde_json::to_value(&w).unwrap();
        assert_eq!(json["group"], "A91");
        assert_eq!(json["rows"], 15);
        assert_eq!(json["negatives"], 4.0);
        assert_eq!(json["message"], w.to_string());
    }
}
