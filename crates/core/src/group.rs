use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// The table of sensitive groups: the sensitive column names and, per column, its sorted
/// distinct values (levels).
///
/// A group is one combination of levels, identified by a dense code in
/// `0..n_groups()`. Codes enumerate the full Cartesian product of the columns' levels in
/// lexicographic order (first column slowest), so with two or more columns the combinations
/// that have no rows still have a code and are reported as empty, as fairlearn's MetricFrame
/// does. With one column every level occurs in the data the schema was fitted on.
///
/// Deserialization checks what [`GroupSchema::new`] checks, and that the levels are already
/// sorted and distinct (re-sorting them would change the codes of a saved model).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "SchemaParts")]
pub struct GroupSchema {
    columns: Vec<String>,
    levels: Vec<Vec<String>>,
}

/// The serialized form of a [`GroupSchema`], checked before it becomes one.
#[derive(Deserialize)]
struct SchemaParts {
    columns: Vec<String>,
    levels: Vec<Vec<String>>,
}

impl TryFrom<SchemaParts> for GroupSchema {
    type Error = Error;

    fn try_from(parts: SchemaParts) -> Result<Self> {
        let schema = Self::new(parts.columns, parts.levels.clone())?;
        if schema.levels != parts.levels {
            return Err(Error::inconsistent(
                "group schema",
                "the levels of a sensitive column are not sorted and distinct",
            ));
        }
        Ok(schema)
    }
}

/// Sorts distinct level values the way users expect: numerically when every value parses as a
/// finite number (so `"9"` comes before `"10"`), otherwise by their UTF-8 bytes. Duplicates are
/// removed.
pub fn sort_levels(mut values: Vec<String>) -> Vec<String> {
    values.sort();
    values.dedup();
    let numbers: Option<Vec<f64>> = values
        .iter()
        .map(|v| v.trim().parse::<f64>().ok().filter(|x| x.is_finite()))
        .collect();
    if let Some(numbers) = numbers {
        let mut pairs: Vec<(f64, String)> = numbers.into_iter().zip(values).collect();
        // Stable, so "1" and "1.0" keep their byte order.
        pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
        pairs.into_iter().map(|(_, v)| v).collect()
    } else {
        values
    }
}

/// Writes one value of a multi-column key with `\` and `,` escaped, so that joined labels stay
/// unambiguous (the convention of fairlearn's merged keys).
fn escape_into(out: &mut String, value: &str) {
    for c in value.chars() {
        if c == '\\' || c == ',' {
            out.push('\\');
        }
        out.push(c);
    }
}

impl GroupSchema {
    /// Builds a schema from column names and each column's levels. The levels are sorted with
    /// [`sort_levels`].
    ///
    /// # Errors
    /// No columns, a column with no levels, a count of columns and level lists that differ, or
    /// more than `u32::MAX` combinations.
    pub fn new(columns: Vec<String>, levels: Vec<Vec<String>>) -> Result<Self> {
        if columns.is_empty() {
            return Err(Error::invalid(
                "sensitive",
                "(none)",
                "at least one sensitive column is needed",
            ));
        }
        Error::check_len("sensitive levels", columns.len(), levels.len())?;
        let levels: Vec<Vec<String>> = levels.into_iter().map(sort_levels).collect();
        let mut total: u64 = 1;
        for (name, l) in columns.iter().zip(&levels) {
            if l.is_empty() {
                return Err(Error::Empty {
                    what: format!("sensitive column {name}"),
                });
            }
            total = total.saturating_mul(l.len() as u64);
        }
        if total > u32::MAX as u64 {
            return Err(Error::invalid(
                "sensitive",
                columns.join(","),
                "too many intersectional groups",
            ));
        }
        Ok(Self { columns, levels })
    }

    /// Fits a schema on rows of sensitive values (one `Vec` per row, one entry per column).
    ///
    /// # Errors
    /// As [`GroupSchema::new`], and a row whose width differs from `columns`.
    pub fn fit<'a, I, R>(columns: Vec<String>, rows: I) -> Result<Self>
    where
        I: IntoIterator<Item = R>,
        R: AsRef<[&'a str]>,
    {
        let mut seen: Vec<std::collections::BTreeSet<&'a str>> =
            vec![Default::default(); columns.len()];
        for row in rows {
            let row = row.as_ref();
            Error::check_len("sensitive values of a row", columns.len(), row.len())?;
            for (set, v) in seen.iter_mut().zip(row) {
                set.insert(v);
            }
        }
        let levels = seen
            .into_iter()
            .map(|s| s.into_iter().map(str::to_string).collect())
            .collect();
        Self::new(columns, levels)
    }

    /// The sensitive column names.
    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    /// The sorted levels of each column.
    pub fn levels(&self) -> &[Vec<String>] {
        &self.levels
    }

    /// Number of groups: the product of the level counts.
    pub fn n_groups(&self) -> usize {
        self.levels.iter().map(Vec::len).product()
    }

    /// The code of a combination of values, or `None` if a value is not a known level.
    pub fn code(&self, values: &[&str]) -> Option<u32> {
        if values.len() != self.columns.len() {
            return None;
        }
        let mut code: u64 = 0;
        for (levels, v) in self.levels.iter().zip(values) {
            let i = levels.iter().position(|l| l == v)?;
            code = code * levels.len() as u64 + i as u64;
        }
        Some(code as u32)
    }

    /// The level index of each column for a code.
    pub fn level_indices(&self, code: u32) -> Vec<usize> {
        let mut rest = code as usize;
        let mut out = vec![0; self.levels.len()];
        for (slot, levels) in out.iter_mut().zip(&self.levels).rev() {
            *slot = rest % levels.len();
            rest /= levels.len();
        }
        out
    }

    /// The values of each column for a code.
    pub fn values(&self, code: u32) -> Vec<&str> {
        self.level_indices(code)
            .into_iter()
            .zip(&self.levels)
            .map(|(i, l)| l[i].as_str())
            .collect()
    }

    /// The display label of a group: the value itself for one column, the values joined with
    /// `,` for several (a `,` or `\` inside a value is escaped with `\`).
    pub fn label(&self, code: u32) -> String {
        let values = self.values(code);
        if values.len() == 1 {
            return values[0].to_string();
        }
        let mut out = String::new();
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            escape_into(&mut out, v);
        }
        out
    }

    /// Labels of every group, indexed by code.
    pub fn labels(&self) -> Vec<String> {
        (0..self.n_groups() as u32).map(|c| self.label(c)).collect()
    }

    /// The label prefixed by the column names, e.g. `sex=F` or `sex=F,race=x`, for messages and
    /// human-readable rules.
    pub fn describe(&self, code: u32) -> String {
        self.columns
            .iter()
            .zip(self.values(code))
            .map(|(c, v)| format!("{c}={v}"))
            .collect::<Vec<_>>()
            .join(",")
    }

    /// The code whose [`label`](Self::label) equals `label`.
    pub fn code_of_label(&self, label: &str) -> Option<u32> {
        (0..self.n_groups() as u32).find(|&c| self.label(c) == label)
    }
}

/// Per-row group membership: a shared [`GroupSchema`] and one code per row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Groups {
    schema: Arc<GroupSchema>,
    codes: Vec<u32>,
}

impl Groups {
    /// Row codes under a schema.
    ///
    /// # Errors
    /// A code outside `0..schema.n_groups()`.
    pub fn new(schema: Arc<GroupSchema>, codes: Vec<u32>) -> Result<Self> {
        let n = schema.n_groups();
        if let Some(row) = codes.iter().position(|&c| c as usize >= n) {
            return Err(Error::invalid(
                "group code",
                codes[row],
                &format!("row {row}: codes must be below {n}"),
            ));
        }
        Ok(Self { schema, codes })
    }

    /// Fits a schema on the rows' values and encodes them. `columns[j][i]` is row `i`'s value
    /// of sensitive column `names[j]`.
    ///
    /// # Errors
    /// As [`GroupSchema::new`], and columns of different lengths.
    pub fn from_columns<S: AsRef<str>>(names: &[&str], columns: &[Vec<S>]) -> Result<Self> {
        Error::check_len("sensitive columns", names.len(), columns.len())?;
        let n = columns.first().map_or(0, Vec::len);
        for (name, col) in names.iter().zip(columns) {
            Error::check_len(&format!("sensitive column {name}"), n, col.len())?;
        }
        let rows: Vec<Vec<&str>> = (0..n)
            .map(|i| columns.iter().map(|c| c[i].as_ref()).collect())
            .collect();
        let schema = GroupSchema::fit(names.iter().map(|s| s.to_string()).collect(), &rows)?;
        let codes = rows
            .iter()
            .map(|r| {
                schema
                    .code(r)
                    .expect("every value is a level of the fitted schema")
            })
            .collect();
        Ok(Self {
            schema: Arc::new(schema),
            codes,
        })
    }

    /// One sensitive column given as labels.
    ///
    /// # Errors
    /// No rows.
    pub fn from_labels<S: AsRef<str>>(name: &str, labels: &[S]) -> Result<Self> {
        let column: Vec<&str> = labels.iter().map(AsRef::as_ref).collect();
        Self::from_columns(&[name], &[column])
    }

    /// The schema.
    pub fn schema(&self) -> &GroupSchema {
        &self.schema
    }

    /// The shared schema, to build other `Groups` under the same codes.
    pub fn schema_arc(&self) -> &Arc<GroupSchema> {
        &self.schema
    }

    /// One code per row.
    pub fn codes(&self) -> &[u32] {
        &self.codes
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.codes.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }

    /// Number of groups in the schema (including empty ones).
    pub fn n_groups(&self) -> usize {
        self.schema.n_groups()
    }

    /// Row count of every group, indexed by code.
    pub fn counts(&self) -> Vec<usize> {
        let mut counts = vec![0; self.n_groups()];
        for &c in &self.codes {
            counts[c as usize] += 1;
        }
        counts
    }

    /// Codes of the groups that have at least one row, ascending.
    pub fn present(&self) -> Vec<u32> {
        self.counts()
            .iter()
            .enumerate()
            .filter(|&(_, &n)| n > 0)
            .map(|(c, _)| c as u32)
            .collect()
    }

    /// Codes of the groups that have rows, in order of their first row (the order fairlearn's
    /// reductions use).
    pub fn first_appearance(&self) -> Vec<u32> {
        let mut seen = vec![false; self.n_groups()];
        let mut out = Vec::new();
        for &c in &self.codes {
            if !std::mem::replace(&mut seen[c as usize], true) {
                out.push(c);
            }
        }
        out
    }

    /// The rows at `indices`, in that order, under the same schema.
    pub fn select(&self, indices: &[usize]) -> Self {
        Self {
            schema: Arc::clone(&self.schema),
            codes: indices.iter().map(|&i| self.codes[i]).collect(),
        }
    }

    /// The rows' group codes expressed in the schema of a fit (`fitted`).
    ///
    /// Data split from the fitting data shares its schema and keeps its codes. Data whose
    /// schema was built separately (e.g. a test file read on its own) is matched by the groups'
    /// values, so that a level order that differs does not mix groups up.
    ///
    /// # Errors
    /// Sensitive columns that differ ([`Error::InvalidParameter`]), or a row whose group is not
    /// a level combination of `fitted` ([`Error::UnseenGroup`]). Whether the group had rows at
    /// fit time is for the caller to check.
    pub fn codes_in(&self, fitted: &GroupSchema) -> Result<Vec<u32>> {
        let schema = self.schema();
        if schema == fitted {
            return Ok(self.codes.clone());
        }
        if schema.columns() != fitted.columns() {
            return Err(Error::invalid(
                "sensitive",
                schema.columns().join(","),
                &format!(
                    "the fit used the sensitive column(s) {}",
                    fitted.columns().join(",")
                ),
            ));
        }
        let map: Vec<Option<u32>> = (0..schema.n_groups() as u32)
            .map(|c| fitted.code(&schema.values(c)))
            .collect();
        self.codes
            .iter()
            .map(|&c| {
                map[c as usize].ok_or_else(|| Error::UnseenGroup {
                    group: schema.describe(c),
                })
            })
            .collect()
    }

    /// Errors unless at least two groups have rows.
    ///
    /// # Errors
    /// [`Error::Empty`] without rows, [`Error::SingleGroup`] with one group.
    pub fn require_two_groups(&self) -> Result<()> {
        let present = self.present();
        match present.len() {
            0 => Err(Error::Empty {
                what: "sensitive groups".into(),
            }),
            1 => Err(Error::SingleGroup {
                columns: self.schema.columns().join(","),
                group: self.schema.label(present[0]),
            }),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_in_another_schema_are_matched_by_value() {
        let fit = Groups::from_labels("g", &["a", "b", "c"]).unwrap();
        let new = Groups::from_labels("g", &["c", "a", "c"]).unwrap();
        assert_eq!(new.codes(), &[1, 0, 1]);
        assert_eq!(new.codes_in(fit.schema()).unwrap(), vec![2, 0, 2]);
        assert_eq!(fit.codes_in(fit.schema()).unwrap(), vec![0, 1, 2]);
        let unseen = Groups::from_labels("g", &["a", "z"]).unwrap();
        assert!(matches!(
            unseen.codes_in(fit.schema()),
            Err(Error::UnseenGroup { group }) if group == "g=z"
        ));
        let other = Groups::from_labels("h", &["a", "b"]).unwrap();
        let err = other.codes_in(fit.schema()).unwrap_err();
        assert!(
            err.to_string()
                .contains("the fit used the sensitive column(s) g"),
            "{err}"
        );
    }

    #[test]
    fn deserialization_checks_the_schema() {
        let schema =
            GroupSchema::new(vec!["g".into()], vec![vec!["b".into(), "a".into()]]).unwrap();
        let json = serde_json::to_string(&schema).unwrap();
        assert_eq!(serde_json::from_str::<GroupSchema>(&json).unwrap(), schema);
        for (bad, needle) in [
            (r#"{"columns": ["g"], "levels": [[]]}"#, "no rows"),
            (r#"{"columns": [], "levels": []}"#, "at least one"),
            (
                r#"{"columns": ["g"], "levels": [["a"], ["b"]]}"#,
                "length mismatch",
            ),
            (
                r#"{"columns": ["g"], "levels": [["b", "a"]]}"#,
                "not sorted",
            ),
            (
                r#"{"columns": ["g"], "levels": [["a", "a"]]}"#,
                "not sorted",
            ),
        ] {
            let err = serde_json::from_str::<GroupSchema>(bad).unwrap_err();
            assert!(err.to_string().contains(needle), "{bad}: {err}");
        }
    }

    #[test]
    fn levels_sort_numerically_when_all_numbers() {
        let sorted = sort_levels(vec!["10".into(), "9".into(), "1".into(), "9".into()]);
        assert_eq!(sorted, vec!["1", "9", "10"]);
        let sorted = sort_levels(vec!["b".into(), "10".into(), "9".into()]);
        assert_eq!(sorted, vec!["10", "9", "b"]);
    }

    #[test]
    fn intersection_codes_cover_the_cartesian_product() {
        // O2/E4: sex x race, with (F, y) empty.
        let sex = vec!["F", "F", "M", "M", "M", "M"];
        let race = vec!["x", "x", "x", "x", "y", "y"];
        let g = Groups::from_columns(&["sex", "race"], &[sex, race]).unwrap();
        assert_eq!(g.n_groups(), 4);
        assert_eq!(g.schema().labels(), vec!["F,x", "F,y", "M,x", "M,y"]);
        assert_eq!(g.counts(), vec![2, 0, 2, 2]);
        assert_eq!(g.present(), vec![0, 2, 3]);
        assert_eq!(g.schema().code(&["M", "y"]), Some(3));
        assert_eq!(g.schema().values(1), vec!["F", "y"]);
        assert_eq!(g.schema().describe(2), "sex=M,race=x");
        assert_eq!(g.schema().code_of_label("M,y"), Some(3));
    }

    #[test]
    fn labels_escape_commas_in_multi_column_keys() {
        let g = Groups::from_columns(&["a", "b"], &[vec!["x,y"], vec!["z"]]).unwrap();
        assert_eq!(g.schema().label(0), "x\\,y,z");
    }

    #[test]
    fn single_group_is_reported() {
        let g = Groups::from_labels("sex", &["F", "F"]).unwrap();
        let err = g.require_two_groups().unwrap_err();
        assert!(matches!(err, Error::SingleGroup { .. }));
        assert!(err.to_string().contains("sex"));
    }

    #[test]
    fn first_appearance_order() {
        let g = Groups::from_labels("g", &["b", "a", "b", "c"]).unwrap();
        assert_eq!(g.first_appearance(), vec![1, 0, 2]);
    }

    #[test]
    fn codes_out_of_range_are_rejected() {
        let g = Groups::from_labels("g", &["a", "b"]).unwrap();
        assert!(Groups::new(g.schema_arc().clone(), vec![0, 2]).is_err());
    }
}
