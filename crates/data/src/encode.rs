//! From raw tables to model inputs: the dataset spec and the fitted [`Encoder`].

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use fairkit_core::text::{quote, quote_list};
use fairkit_core::{Error, FairDataset, GroupSchema, Groups, sort_levels};
use ndarray::Array2;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::{DataError, Result, Table};

/// Which columns of a table play which role, and how features are encoded.
///
/// ```
/// use fairkit_data::DatasetSpec;
///
/// let spec = DatasetSpec {
///     positive_label: ">50K".into(),
///     standardize: false,
///     ..DatasetSpec::new("income", ["sex"])
/// };
/// assert_eq!(spec.sensitive, ["sex"]);
/// assert!(spec.features.is_none()); // every other column
/// ```
///
/// Read from a file (e.g. an experiment file's `[data.spec]`), only `label` and `sensitive` are
/// required; the other keys default as the command-line flags do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatasetSpec {
    /// The label column.
    pub label: String,
    /// The label value that means the favourable outcome (`true`, label 1). Default `"1"`. A
    /// value that equals it as a number (e.g. `1.0`) also counts.
    #[serde(default = "default_positive_label")]
    pub positive_label: String,
    /// The sensitive columns (at least one); the group key is the tuple of their values.
    pub sensitive: Vec<String>,
    /// The feature columns, in the order wanted; `None` means every column other than the
    /// label, the sensitive columns and the weights column, in file order.
    pub features: Option<Vec<String>>,
    /// An optional column of non-negative sample weights.
    pub weights: Option<String>,
    /// Feature columns to one-hot encode even though their values are numbers (or mix numbers
    /// and text).
    #[serde(default)]
    pub categorical: Vec<String>,
    /// Standardize numeric features with the training mean and population standard deviation.
    /// Default `true`.
    #[serde(default = "default_standardize")]
    pub standardize: bool,
}

fn default_positive_label() -> String {
    "1".into()
}

fn default_standardize() -> bool {
    true
}

impl DatasetSpec {
    /// A spec with the given label and sensitive columns and defaults for the rest.
    pub fn new<S: Into<String>>(label: &str, sensitive: impl IntoIterator<Item = S>) -> Self {
        Self {
            label: label.to_string(),
            positive_label: default_positive_label(),
            sensitive: sensitive.into_iter().map(Into::into).collect(),
            features: None,
            weights: None,
            categorical: Vec::new(),
            standardize: default_standardize(),
        }
    }

    /// The feature columns of `table` under this spec.
    fn feature_columns(&self, table: &Table) -> Result<Vec<String>> {
        let not_feature = |c: &str| {
            c == self.label
                || self.sensitive.iter().any(|s| s == c)
                || self.weights.as_deref() == Some(c)
        };
        let features = match &self.features {
            Some(list) => {
                for f in list {
                    if f == &self.label || self.weights.as_deref() == Some(f.as_str()) {
                        return Err(Error::invalid(
                            "features",
                            f,
                            "the label and weights columns cannot be features",
                        )
                        .into());
                    }
                    table.column(f)?;
                }
                list.clone()
            }
            None => table
                .header()
                .iter()
                .filter(|c| !not_feature(c))
                .cloned()
                .collect(),
        };
        if let Some(c) = self.categorical.iter().find(|c| !features.contains(c)) {
            return Err(Error::invalid("categorical", c, "is not a feature column").into());
        }
        Ok(features)
    }

    fn validate(&self) -> Result<()> {
        if self.sensitive.is_empty() {
            return Err(Error::invalid(
                "sensitive",
                "(none)",
                "at least one sensitive column is needed",
            )
            .into());
        }
        if self.sensitive.contains(&self.label) {
            return Err(
                Error::invalid("sensitive", &self.label, "is also the label column").into(),
            );
        }
        let mut all: Vec<&String> = self.sensitive.iter().collect();
        all.extend(self.features.iter().flatten());
        let mut seen = BTreeSet::new();
        if let Some(dup) = all.iter().find(|c| !seen.insert(c.as_str())) {
            return Err(Error::invalid("columns", dup, "listed twice").into());
        }
        Ok(())
    }
}

/// How one input column becomes feature columns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum FeatureColumn {
    /// A numeric column: `(x - mean) / scale` (mean 0 and scale 1 without standardization).
    Numeric {
        /// Column name.
        name: String,
        /// Training mean subtracted.
        mean: f64,
        /// Training population standard deviation divided by (1 when it is zero).
        scale: f64,
    },
    /// A categorical column, one-hot encoded: one feature `name=level` per training level; a
    /// value not seen in training sets all of them to zero.
    Categorical {
        /// Column name.
        name: String,
        /// Sorted training levels.
        levels: Vec<String>,
    },
}

impl FeatureColumn {
    /// The input column name.
    pub fn name(&self) -> &str {
        match self {
            Self::Numeric { name, .. } | Self::Categorical { name, .. } => name,
        }
    }

    fn width(&self) -> usize {
        match self {
            Self::Numeric { .. } => 1,
            Self::Categorical { levels, .. } => levels.len(),
        }
    }
}

/// The encoding of a dataset fitted on a training table: feature columns (standardized numbers
/// and one-hot categories), the two label classes and the sensitive-group schema.
///
/// Feature order is the numeric columns first, then the one-hot blocks, each in feature order
/// (file order by default). One-hot levels are sorted by their bytes, or numerically when every
/// level is a number (as scikit-learn orders a numeric column). Serializable, so that a saved
/// model can encode new data exactly as its training data was.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Encoder {
    spec: DatasetSpec,
    columns: Vec<FeatureColumn>,
    feature_names: Vec<String>,
    positive: String,
    negative: String,
    schema: Arc<GroupSchema>,
}

impl Encoder {
    /// Fits the encoding on `train`. The group schema is built from the sensitive values of
    /// `train` and of every table in `others` (e.g. the test file), so that group codes are
    /// shared between them.
    ///
    /// # Errors
    /// A missing column; an empty, non-numeric or non-finite value; a label column with one
    /// class or more than two, or without the positive label; a single sensitive group in
    /// `train`; an invalid spec.
    pub fn fit(spec: &DatasetSpec, train: &Table, others: &[&Table]) -> Result<Self> {
        Ok(Self::fit_parsed(spec, train, others)?.0)
    }

    /// [`fit`](Self::fit), with the numbers of each numeric column of `train` as parsed while
    /// fitting (`None` for the other columns), in the encoder's column order, so that encoding
    /// `train` does not parse them again.
    fn fit_parsed(
        spec: &DatasetSpec,
        train: &Table,
        others: &[&Table],
    ) -> Result<(Self, Vec<Option<Vec<f64>>>)> {
        spec.validate()?;
        let (positive, negative) = label_classes(spec, train)?;
        let mut levels = Vec::with_capacity(spec.sensitive.len());
        for name in &spec.sensitive {
            let mut seen = BTreeSet::new();
            for table in std::iter::once(train).chain(others.iter().copied()) {
                seen.extend(distinct(non_empty(table, name)?)?);
            }
            levels.push(seen.into_iter().map(str::to_string).collect());
        }
        let schema = GroupSchema::new(spec.sensitive.clone(), levels)?;
        let train_codes = group_codes(spec, &schema, train)?;
        if let [first, rest @ ..] = &train_codes[..]
            && rest.iter().all(|c| c == first)
        {
            return Err(DataError::SingleGroup {
                file: train.file().to_string(),
                columns: spec.sensitive.join(","),
                group: schema.label(*first),
            });
        }
        let mut numeric = Vec::new();
        let mut categorical = Vec::new();
        // Columns are fitted in parallel; the first error in column order is reported, as
        // one after the other would.
        let fitted: Vec<Result<(FeatureColumn, Option<Vec<f64>>)>> = spec
            .feature_columns(train)?
            .par_iter()
            .map(|name| {
                let forced = spec.categorical.contains(name);
                fit_column(train, name, forced, spec.standardize)
            })
            .collect();
        for column in fitted {
            match column? {
                c @ (FeatureColumn::Numeric { .. }, _) => numeric.push(c),
                c @ (FeatureColumn::Categorical { .. }, _) => categorical.push(c),
            }
        }
        numeric.extend(categorical);
        let (numeric, parsed): (Vec<FeatureColumn>, Vec<Option<Vec<f64>>>) =
            numeric.into_iter().unzip();
        let feature_names = numeric
            .iter()
            .flat_map(|c| match c {
                FeatureColumn::Numeric { name, .. } => vec![name.clone()],
                FeatureColumn::Categorical { name, levels } => {
                    levels.iter().map(|l| format!("{name}={l}")).collect()
                }
            })
            .collect();
        let encoder = Self {
            spec: spec.clone(),
            columns: numeric,
            feature_names,
            positive,
            negative,
            schema: Arc::new(schema),
        };
        Ok((encoder, parsed))
    }

    /// Encodes a table with labels (and weights when the spec has a weights column).
    ///
    /// # Errors
    /// As [`transform_features`](Self::transform_features), and a label that is neither
    /// training class.
    pub fn transform(&self, table: &Table) -> Result<FairDataset> {
        self.transform_parsed(table, &[])
    }

    /// [`transform`](Self::transform), with numeric columns already parsed from `table`
    /// ([`fit_parsed`](Self::fit_parsed)).
    fn transform_parsed(&self, table: &Table, parsed: &[Option<Vec<f64>>]) -> Result<FairDataset> {
        self.transform_as(table, parsed, true)
    }

    /// [`transform_parsed`](Self::transform_parsed); without `store`, the features are checked
    /// as they would be encoded but not kept (the dataset has none).
    fn transform_as(
        &self,
        table: &Table,
        parsed: &[Option<Vec<f64>>],
        store: bool,
    ) -> Result<FairDataset> {
        let x = self.fill_features(table, parsed, store)?;
        let groups = self.groups(table)?;
        let label = table.column(&self.spec.label)?;
        let mut y = Vec::with_capacity(table.n_rows());
        for (i, v) in label.iter().enumerate() {
            y.push(if v == self.positive || same_number(v, &self.positive) {
                true
            } else if v == self.negative || same_number(v, &self.negative) {
                false
            } else {
                return Err(DataError::UnknownLabel {
                    file: table.file().to_string(),
                    line: table.line(i),
                    row: i + 1,
                    column: self.spec.label.clone(),
                    value: v.to_string(),
                    classes: quote_list(&[&self.negative, &self.positive], 2),
                });
            });
        }
        let data = match x {
            Some(x) => FairDataset::with_names(x, y, groups, self.feature_names.clone())?,
            None => FairDataset::with_names(Array2::zeros((y.len(), 0)), y, groups, Vec::new())?,
        };
        match &self.spec.weights {
            Some(w) => Ok(data.with_weights(weights(table, w)?)?),
            None => Ok(data),
        }
    }

    /// The sample weights of `table` when the spec has a weights column (`None` without one),
    /// checked as every command checks them.
    ///
    /// # Errors
    /// A missing column, a value that is not a finite number, a negative weight, all weights
    /// zero, or weights so large that their sums overflow: each naming the file, line and
    /// column.
    pub fn weights(&self, table: &Table) -> Result<Option<Vec<f64>>> {
        self.spec
            .weights
            .as_deref()
            .map(|w| weights(table, w))
            .transpose()
    }

    /// Encodes the features and groups of a table, without labels (which may be absent), for
    /// prediction.
    ///
    /// # Errors
    /// As [`features`](Self::features) and [`groups`](Self::groups).
    pub fn transform_features(&self, table: &Table) -> Result<(Array2<f64>, Groups)> {
        Ok((self.features(table)?, self.groups(table)?))
    }

    /// Encodes the feature columns of a table (row-major). A categorical value not seen when
    /// fitting sets all of its column's one-hot features to zero.
    ///
    /// # Errors
    /// A missing column; an empty, non-numeric or non-finite value in a numeric column.
    pub fn features(&self, table: &Table) -> Result<Array2<f64>> {
        self.features_parsed(table, &[])
    }

    /// [`features`](Self::features), taking the numbers of numeric column `k` from
    /// `parsed[k]` where given (they were parsed from `table`).
    ///
    /// The matrix is filled row-major in place, blocks of rows in parallel, every column of a
    /// block in turn (no second copy, no per-cell allocation). The error reported is the first
    /// in column order, then row order, as a column-by-column pass would find it.
    fn features_parsed(&self, table: &Table, parsed: &[Option<Vec<f64>>]) -> Result<Array2<f64>> {
        match self.fill_features(table, parsed, true)? {
            Some(x) => Ok(x),
            None => unreachable!("stored features are returned"),
        }
    }

    /// [`features_parsed`](Self::features_parsed), returning the matrix when `store`; without
    /// it, each block of rows is encoded into a scratch buffer, only for its errors.
    fn fill_features(
        &self,
        table: &Table,
        parsed: &[Option<Vec<f64>>],
        store: bool,
    ) -> Result<Option<Array2<f64>>> {
        let n = table.n_rows();
        let width = self.feature_names.len();
        let mut x = store.then(|| Array2::zeros((n, width)));
        if width == 0 {
            return Ok(x);
        }
        let columns: Vec<Result<&crate::TextColumn>> = self
            .columns
            .iter()
            .map(|c| table.column(c.name()))
            .collect();
        let mut offsets = Vec::with_capacity(self.columns.len());
        let mut at = 0;
        for c in &self.columns {
            offsets.push(at);
            at += c.width();
        }
        let indexes: Vec<Option<HashMap<&str, usize>>> = self
            .columns
            .iter()
            .map(|c| match c {
                FeatureColumn::Numeric { .. } => None,
                FeatureColumn::Categorical { levels, .. } => Some(
                    levels
                        .iter()
                        .enumerate()
                        .map(|(k, l)| (l.as_str(), k))
                        .collect(),
                ),
            })
            .collect();
        let rows = (1 << 16) / width + 1;
        // An error is keyed by its column, then 0 for a value that is not a number or 1 for
        // one whose standardized value overflows (a column is parsed whole before it is
        // standardized), then its row.
        type Located = (usize, u8, usize, Box<DataError>);
        let fill = |b: usize, out: &mut [f64]| -> std::result::Result<(), Located> {
            let start = b * rows;
            let m = out.len() / width;
            for (k, c) in self.columns.iter().enumerate() {
                let column = columns[k]
                    .as_ref()
                    .map_err(|e| (k, 0, 0, Box::new(e.clone())))?;
                let off = offsets[k];
                let values = column.range(start, start + m);
                match c {
                    FeatureColumn::Numeric { name, mean, scale } => {
                        let mut overflow = None;
                        let mut put = |r: usize, value: f64| {
                            let slot = &mut out[r * width + off];
                            *slot = (value - mean) / scale;
                            if !slot.is_finite() && overflow.is_none() {
                                overflow = Some((start + r, *slot));
                            }
                        };
                        match parsed.get(k).and_then(Option::as_ref) {
                            Some(numbers) => {
                                for (r, &value) in numbers[start..start + m].iter().enumerate() {
                                    put(r, value);
                                }
                            }
                            None => match column.numbers(start, start + m) {
                                Some(numbers) => {
                                    for (r, value) in numbers.into_iter().enumerate() {
                                        put(r, value);
                                    }
                                }
                                None => {
                                    for (r, v) in values.enumerate() {
                                        match classify(v) {
                                            Cell::Finite(x) => put(r, x),
                                            cell => {
                                                let i = start + r;
                                                let e = cell_error(table, name, i, v, &cell, "");
                                                return Err((k, 0, i, Box::new(e)));
                                            }
                                        }
                                    }
                                }
                            },
                        }
                        if let Some((i, result)) = overflow {
                            let e = standardize_overflow(table, name, i, result);
                            return Err((k, 1, i, Box::new(e)));
                        }
                    }
                    FeatureColumn::Categorical { name, .. } => {
                        let index = indexes[k].as_ref();
                        for (r, v) in values.enumerate() {
                            if v.trim().is_empty() {
                                let i = start + r;
                                return Err((k, 0, i, Box::new(empty_value(table, name, i))));
                            }
                            if let Some(&level) = index.and_then(|index| index.get(v)) {
                                out[r * width + off + level] = 1.0;
                            }
                        }
                    }
                }
            }
            Ok(())
        };
        let key = |(k, class, i, _): &Located| (*k, *class, *i);
        let first = match x.as_mut().and_then(|x| x.as_slice_mut()) {
            Some(slice) => slice
                .par_chunks_mut(rows * width)
                .enumerate()
                .filter_map(|(b, out)| fill(b, out).err())
                .min_by_key(key),
            None => (0..n.div_ceil(rows))
                .into_par_iter()
                .filter_map(|b| {
                    let mut out = vec![0.0; rows.min(n - b * rows) * width];
                    fill(b, &mut out).err()
                })
                .min_by_key(key),
        };
        match first {
            Some((_, _, _, e)) => Err(*e),
            None => Ok(x),
        }
    }

    /// The rows' groups under the fitted schema.
    ///
    /// # Errors
    /// A missing or empty sensitive value, or a sensitive value not seen when fitting
    /// ([`DataError::UnseenGroup`], naming the first such row).
    pub fn groups(&self, table: &Table) -> Result<Groups> {
        let codes = group_codes(&self.spec, &self.schema, table)?;
        Ok(Groups::new(Arc::clone(&self.schema), codes)?)
    }

    /// The rows' groups, where sensitive values not seen when fitting are allowed: under the
    /// fitted schema when every value is one of its levels, else under the fitted schema
    /// extended with the new levels (so codes differ from the fitted ones, and consumers match
    /// groups by value, as every fitted method of fairkit does). A model that ignores groups at
    /// prediction can then predict rows of a new group, and one that uses them names it.
    ///
    /// # Errors
    /// A missing or empty sensitive value.
    pub fn open_groups(&self, table: &Table) -> Result<Groups> {
        match self.groups(table) {
            Err(DataError::UnseenGroup { .. }) => {}
            known => return known,
        }
        let mut levels: Vec<BTreeSet<&str>> = self
            .schema
            .levels()
            .iter()
            .map(|l| l.iter().map(String::as_str).collect())
            .collect();
        for (set, name) in levels.iter_mut().zip(&self.spec.sensitive) {
            for v in non_empty(table, name)? {
                set.insert(v?);
            }
        }
        let levels = levels
            .into_iter()
            .map(|s| s.into_iter().map(str::to_string).collect())
            .collect();
        let schema = GroupSchema::new(self.spec.sensitive.clone(), levels)?;
        let codes = group_codes(&self.spec, &schema, table)?;
        Ok(Groups::new(Arc::new(schema), codes)?)
    }

    /// Checks that a deserialized encoder is consistent (what [`fit`](Self::fit) guarantees):
    /// a valid spec, one feature name per encoded column (`col`, `col=level`), finite means
    /// and positive finite scales, sorted distinct one-hot levels, two distinct label classes
    /// and a group schema over the spec's sensitive columns.
    ///
    /// # Errors
    /// [`Error::Inconsistent`] naming what does not fit.
    pub fn validate(&self) -> Result<()> {
        let bad = |reason: String| DataError::from(Error::inconsistent("encoder", reason));
        self.spec.validate()?;
        let mut names = Vec::new();
        for c in &self.columns {
            match c {
                FeatureColumn::Numeric { name, mean, scale } => {
                    if !mean.is_finite() || !scale.is_finite() || *scale <= 0.0 {
                        return Err(bad(format!(
                            "column '{name}' has mean {mean} and scale {scale}; the mean must \
                             be finite and the scale finite and positive"
                        )));
                    }
                    names.push(name.clone());
                }
                FeatureColumn::Categorical { name, levels } => {
                    if levels.is_empty() || sort_levels(levels.clone()) != *levels {
                        return Err(bad(format!(
                            "the levels of column '{name}' are not sorted, distinct and non-empty"
                        )));
                    }
                    names.extend(levels.iter().map(|l| format!("{name}={l}")));
                }
            }
        }
        if names != self.feature_names {
            return Err(bad(format!(
                "its feature names ({}) do not match its columns ({})",
                self.feature_names.join(", "),
                names.join(", ")
            )));
        }
        if self.positive == self.negative {
            return Err(bad(format!("both label classes are '{}'", self.positive)));
        }
        if self.schema.columns() != self.spec.sensitive.as_slice() {
            return Err(bad(format!(
                "its group schema is over {} but its sensitive columns are {}",
                self.schema.columns().join(","),
                self.spec.sensitive.join(",")
            )));
        }
        Ok(())
    }

    /// The spec it was fitted with.
    pub fn spec(&self) -> &DatasetSpec {
        &self.spec
    }

    /// The encoded feature names (`col` for numbers, `col=level` for one-hot columns).
    pub fn feature_names(&self) -> &[String] {
        &self.feature_names
    }

    /// How each input column is encoded, in output order.
    pub fn columns(&self) -> &[FeatureColumn] {
        &self.columns
    }

    /// The label value read as `true` (as written in the training file).
    pub fn positive_label(&self) -> &str {
        &self.positive
    }

    /// The label value read as `false`.
    pub fn negative_label(&self) -> &str {
        &self.negative
    }

    /// The sensitive-group schema shared by every table this encoder transforms.
    pub fn schema(&self) -> &Arc<GroupSchema> {
        &self.schema
    }
}

/// A training and a test dataset encoded by one [`Encoder`] fitted on the training rows.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The encoder fitted on the training table.
    pub encoder: Encoder,
    /// The encoded training rows.
    pub train: FairDataset,
    /// The encoded test rows.
    pub test: FairDataset,
}

impl Prepared {
    /// Fits on `train` (groups from both tables) and encodes both.
    ///
    /// # Errors
    /// As [`Encoder::fit`] and [`Encoder::transform`].
    pub fn from_tables(spec: &DatasetSpec, train: &Table, test: &Table) -> Result<Self> {
        let (encoder, parsed) = Encoder::fit_parsed(spec, train, &[test])?;
        let train = encoder.transform_parsed(train, &parsed)?;
        drop(parsed);
        Ok(Self {
            train,
            test: encoder.transform(test)?,
            encoder,
        })
    }

    /// Splits one table with [`FairDataset::split_indices`] (`ceil(test_size * n)` test rows,
    /// optionally stratified by label, seeded), then fits on the training rows only, so that
    /// no test statistic leaks into the standardization.
    ///
    /// # Errors
    /// As [`from_tables`](Self::from_tables) and [`FairDataset::split_indices`].
    pub fn split(
        spec: &DatasetSpec,
        table: &Table,
        test_size: f64,
        seed: u64,
        stratify: bool,
    ) -> Result<Self> {
        // The whole table is encoded first, for its errors and labels, without keeping its
        // features; only the split is kept.
        let s = {
            let (encoder, parsed) = Encoder::fit_parsed(spec, table, &[])?;
            let whole = encoder.transform_as(table, &parsed, false)?;
            whole.split_indices(test_size, seed, stratify)?
        };
        // The selected tables share the table's values (docs/csv.md#memory).
        Self::from_tables(
            spec,
            &table.select_rows(&s.train)?,
            &table.select_rows(&s.test)?,
        )
    }
}

/// Whether two label values are the same number (`1` and `1.0`).
pub(crate) fn same_number(a: &str, b: &str) -> bool {
    matches!((a.trim().parse::<f64>(), b.trim().parse::<f64>()), (Ok(x), Ok(y)) if x == y)
}

/// The (positive, negative) label values of the training table.
fn label_classes(spec: &DatasetSpec, train: &Table) -> Result<(String, String)> {
    let column = &spec.label;
    let classes = distinct(non_empty(train, column)?)?;
    let file = train.file().to_string();
    let listed = |k: usize| quote_list(&classes.iter().copied().collect::<Vec<_>>(), k);
    if classes.len() > 2 {
        return Err(DataError::TooManyClasses {
            file,
            column: column.clone(),
            count: classes.len(),
            found: listed(5),
        });
    }
    let positive = classes
        .iter()
        .find(|&&c| c == spec.positive_label)
        .or_else(|| {
            classes
                .iter()
                .find(|&&c| same_number(c, &spec.positive_label))
        });
    let Some(&positive) = positive else {
        return Err(DataError::PositiveLabelAbsent {
            file,
            column: column.clone(),
            positive: spec.positive_label.clone(),
            found: listed(2),
        });
    };
    match classes.iter().find(|&&c| c != positive) {
        Some(&negative) => Ok((positive.to_string(), negative.to_string())),
        None => Err(DataError::SingleClass {
            file,
            column: column.clone(),
            class: positive.to_string(),
        }),
    }
}

/// The distinct values, sorted; fast when there are few (labels, groups, categories).
fn distinct<'t>(values: impl Iterator<Item = Result<&'t str>>) -> Result<BTreeSet<&'t str>> {
    const FEW: usize = 16;
    let mut few: Vec<&str> = Vec::with_capacity(FEW);
    let mut many = BTreeSet::new();
    for v in values {
        let v = v?;
        if few.contains(&v) {
            continue;
        }
        if few.len() < FEW {
            few.push(v);
        } else {
            many.insert(v);
        }
    }
    many.extend(few);
    Ok(many)
}

/// The group code of every row of `table` under `schema` (its levels are the sensitive
/// columns' values), one column at a time without per-row allocations.
///
/// # Errors
/// A missing sensitive column, an empty value, or a combination with a value the schema lacks.
fn group_codes(spec: &DatasetSpec, schema: &GroupSchema, table: &Table) -> Result<Vec<u32>> {
    let columns = spec
        .sensitive
        .iter()
        .map(|name| table.column(name))
        .collect::<Result<Vec<_>>>()?;
    let mut codes = vec![0u32; table.n_rows()];
    for (name, levels) in spec.sensitive.iter().zip(schema.levels()) {
        let index: HashMap<&str, u32> = levels
            .iter()
            .enumerate()
            .map(|(k, l)| (l.as_str(), k as u32))
            .collect();
        let radix = levels.len() as u32;
        for (i, (code, v)) in codes.iter_mut().zip(non_empty(table, name)?).enumerate() {
            let v = v?;
            // A short list is searched faster than hashed.
            let level = if levels.len() <= 8 {
                levels.iter().position(|l| l == v).map(|k| k as u32)
            } else {
                index.get(v).copied()
            };
            let Some(k) = level else {
                let group = spec
                    .sensitive
                    .iter()
                    .zip(&columns)
                    .map(|(c, values)| format!("{c}={}", values.get(i)))
                    .collect::<Vec<_>>()
                    .join(",");
                let labels: Vec<String> = (0..schema.n_groups() as u32)
                    .map(|g| schema.describe(g))
                    .collect();
                return Err(DataError::UnseenGroup {
                    file: table.file().to_string(),
                    line: table.line(i),
                    row: i + 1,
                    message: format!(
                        "column(s) {}: group {} was not seen when fitting (known groups: {}); \
                         what was fitted without this group cannot be applied to its rows: fit \
                         on data that holds the group, or leave its rows out",
                        quote(&spec.sensitive.join(",")),
                        quote(&group),
                        quote_list(&labels, 8)
                    ),
                    group,
                });
            };
            // Below the schema's group count, which fits in u32.
            *code = *code * radix + k;
        }
    }
    Ok(codes)
}

/// The values of a column, each an error if it is empty.
fn non_empty<'t>(
    table: &'t Table,
    name: &str,
) -> Result<impl Iterator<Item = Result<&'t str>> + 't> {
    let column = table.column(name)?;
    let name = name.to_string();
    Ok(column.iter().enumerate().map(move |(i, v)| {
        if v.trim().is_empty() {
            Err(empty_value(table, &name, i))
        } else {
            Ok(v)
        }
    }))
}

/// What a cell holds.
enum Cell {
    Finite(f64),
    NonFinite,
    Text,
}

fn classify(v: &str) -> Cell {
    // Whole numbers of at most 15 digits are exact in f64, so converting the integer gives
    // the bits `parse::<f64>` gives, several times faster (docs/csv.md#numbers).
    let b = v.as_bytes();
    if !b.is_empty() && b.len() <= 15 && b.iter().all(u8::is_ascii_digit) {
        let n = b.iter().fold(0u64, |n, &d| n * 10 + u64::from(d - b'0'));
        return Cell::Finite(n as f64);
    }
    // Trimmed only when an end may be (Unicode) whitespace.
    let edge = |c: &u8| c.is_ascii_whitespace() || !c.is_ascii();
    let v = if b.first().is_some_and(edge) || b.last().is_some_and(edge) {
        v.trim()
    } else {
        v
    };
    match v.parse::<f64>() {
        Ok(x) if x.is_finite() => Cell::Finite(x),
        Ok(_) => Cell::NonFinite,
        Err(_) => Cell::Text,
    }
}

/// `v` as a number (trimmed): `Some` of a finite or non-finite number, `None` for text.
pub(crate) fn number(v: &str) -> Option<f64> {
    match classify(v) {
        Cell::Finite(x) => Some(x),
        Cell::NonFinite => Some(f64::INFINITY),
        Cell::Text => None,
    }
}

/// The values of a numeric column; `hint` is appended to a non-numeric error.
pub(crate) fn numbers(table: &Table, name: &str, hint: &str) -> Result<Vec<f64>> {
    let column = table.column(name)?;
    if let Some(values) = column.numbers(0, column.len()) {
        return Ok(values);
    }
    let mut out = Vec::with_capacity(table.n_rows());
    for (i, v) in column.iter().enumerate() {
        match classify(v) {
            Cell::Finite(x) => out.push(x),
            cell => return Err(cell_error(table, name, i, v, &cell, hint)),
        }
    }
    Ok(out)
}

/// The error for value `v` of row `i` of numeric column `name`, which is not a finite
/// number (`cell`); `hint` is appended to a non-numeric error.
#[cold]
fn cell_error(table: &Table, name: &str, i: usize, v: &str, cell: &Cell, hint: &str) -> DataError {
    let (file, line, row, column) = (
        table.file().to_string(),
        table.line(i),
        i + 1,
        name.to_string(),
    );
    if v.trim().is_empty() {
        DataError::EmptyValue {
            file,
            line,
            row,
            column,
        }
    } else if let Cell::NonFinite = cell {
        DataError::NonFinite {
            file,
            line,
            row,
            column,
            value: v.to_string(),
        }
    } else {
        DataError::NonNumeric {
            file,
            line,
            row,
            column,
            value: v.to_string(),
            hint: hint.to_string(),
        }
    }
}

/// The error for an empty value in row `i` of column `name`.
#[cold]
fn empty_value(table: &Table, name: &str, i: usize) -> DataError {
    DataError::EmptyValue {
        file: table.file().to_string(),
        line: table.line(i),
        row: i + 1,
        column: name.to_string(),
    }
}

/// The error for row `i` of a numeric column whose standardized value is not finite.
fn standardize_overflow(table: &Table, name: &str, i: usize, result: f64) -> DataError {
    let value = table
        .column(name)
        .map_or_else(|_| String::new(), |c| c.get(i).to_string());
    DataError::NonFiniteResult {
        file: table.file().to_string(),
        line: table.line(i),
        row: i + 1,
        column: name.to_string(),
        message: format!(
            "value {} is a finite input, but standardizing the column (x - mean) / standard \
             deviation over the training rows gives a non-finite result ({result}); the values \
             are too large for that arithmetic: rescale the column (e.g. to other units), or \
             keep the values as they are with --no-standardize",
            quote(&value)
        ),
    }
}

/// The sample weights of column `name`, checked as [`Error::check_weights`] does, with every
/// error naming the file, line and column: a weight that is not a finite number, a negative
/// weight, all weights zero, or weights so large that a sum of as many as there are rows
/// overflows.
fn weights(table: &Table, name: &str) -> Result<Vec<f64>> {
    let w = numbers(table, name, "")?;
    let at = |row: usize| (table.file().to_string(), table.line(row), row + 1);
    let raw = |row: usize| {
        table
            .column(name)
            .map_or_else(|_| String::new(), |c| c.get(row).into())
    };
    match Error::check_weights(&w).and_then(|()| Error::check_some_weight(&w)) {
        Ok(()) => Ok(w),
        Err(Error::NegativeWeight { row, .. }) => {
            let (file, line, row1) = at(row);
            Err(DataError::NegativeWeight {
                file,
                line,
                row: row1,
                column: name.to_string(),
                value: raw(row),
            })
        }
        Err(Error::ZeroWeights { rows }) => Err(DataError::ZeroWeights {
            file: table.file().to_string(),
            first: table.line(0),
            last: table.line(rows.saturating_sub(1)),
            rows,
            column: name.to_string(),
        }),
        Err(Error::WeightsOverflow { row, rows, .. }) => {
            let (file, line, row1) = at(row);
            Err(DataError::WeightsOverflow {
                file,
                line,
                row: row1,
                column: name.to_string(),
                value: raw(row),
                rows,
            })
        }
        Err(e) => Err(e.into()),
    }
}

/// Decides a column's type on the training table and fits its encoding.
/// With a numeric column, its numbers as parsed.
fn fit_column(
    train: &Table,
    name: &str,
    forced: bool,
    standardize: bool,
) -> Result<(FeatureColumn, Option<Vec<f64>>)> {
    let column = train.column(name)?;
    let stored = column.all_numbers();
    let any_number = stored
        || column
            .iter()
            .any(|v| matches!(classify(v), Cell::Finite(_)));
    if forced || !any_number {
        let levels = distinct(non_empty(train, name)?)?;
        return Ok((
            FeatureColumn::Categorical {
                name: name.to_string(),
                levels: sort_levels(levels.into_iter().map(str::to_string).collect()),
            },
            None,
        ));
    }
    let hint = " (a column that mixes numbers and text is one-hot encoded when listed as \
                categorical: --categorical COL, or categorical in a [data.spec] table)";
    let values = numbers(train, name, hint)?;
    let (mean, scale) = if standardize {
        mean_and_scale(&values).ok_or_else(|| {
            // The statistics overflow: blame the value farthest from the others' centre.
            let centre = values.iter().map(|v| v / values.len() as f64).sum::<f64>();
            let far = (0..values.len())
                .max_by(|&a, &b| {
                    (values[a] - centre)
                        .abs()
                        .total_cmp(&(values[b] - centre).abs())
                        .then(b.cmp(&a))
                })
                .unwrap_or(0);
            standardize_overflow(train, name, far, f64::INFINITY)
        })?
    } else {
        (0.0, 1.0)
    };
    Ok((
        FeatureColumn::Numeric {
            name: name.to_string(),
            mean,
            scale,
        },
        // Numbers the table stores are read from it again when encoding (no second copy).
        (!stored).then_some(values),
    ))
}

/// The mean and population standard deviation, computed as scikit-learn's `StandardScaler`
/// does (numpy's pairwise sums, a correction term for the variance), so that standardized
/// values agree with it to the last bits; a constant column gets scale 1. `None` when the mean
/// or the variance overflows (values near the largest number, or whose squares exceed it).
fn mean_and_scale(values: &[f64]) -> Option<(f64, f64)> {
    let n = values.len() as f64;
    let mean = pairwise_sum(values) / n;
    let centred: Vec<f64> = values.iter().map(|v| v - mean).collect();
    let correction = pairwise_sum(&centred);
    let squares: Vec<f64> = centred.iter().map(|d| d * d).collect();
    let var = (pairwise_sum(&squares) - correction * correction / n) / n;
    if !mean.is_finite() || !var.is_finite() {
        return None;
    }
    // scikit-learn's `_is_constant_feature`: variance within rounding error of zero.
    let eps = f64::EPSILON;
    let constant = var <= n * eps * var + (n * mean * eps).powi(2);
    Some((mean, if constant { 1.0 } else { var.sqrt() }))
}

/// numpy's pairwise summation of a contiguous array (blocks of 128 summed with 8
/// accumulators, halves split at a multiple of 8).
fn pairwise_sum(a: &[f64]) -> f64 {
    let n = a.len();
    if n < 8 {
        a.iter().fold(0.0, |s, &x| s + x)
    } else if n <= 128 {
        let mut r = [0.0; 8];
        r.copy_from_slice(&a[..8]);
        let whole = n - n % 8;
        for chunk in a[8..whole].chunks_exact(8) {
            for (acc, &x) in r.iter_mut().zip(chunk) {
                *acc += x;
            }
        }
        let res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        a[whole..].iter().fold(res, |s, &x| s + x)
    } else {
        let half = n / 2;
        let half = half - half % 8;
        pairwise_sum(&a[..half]) + pairwise_sum(&a[half..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOY: &str = "age,colour,sex,y\n30,red,F,1\n40,blue,M,0\n50,red,M,1\n20,green,F,0\n";

    fn table(text: &str) -> Table {
        Table::from_csv(text.as_bytes(), "toy.csv").unwrap()
    }

    #[test]
    fn validate_accepts_a_fit_and_refuses_inconsistent_encoders() {
        let fitted = Encoder::fit(&DatasetSpec::new("y", ["sex"]), &table(TOY), &[]).unwrap();
        fitted.validate().unwrap();
        let refused = |edit: fn(&mut Encoder), needle: &str| {
            let mut e = fitted.clone();
            edit(&mut e);
            let err = e.validate().unwrap_err().to_string();
            assert!(err.contains(needle), "{err}");
        };
        refused(|e| e.feature_names.truncate(3), "do not match its columns");
        refused(|e| e.feature_names.swap(1, 2), "do not match its columns");
        refused(
            |e| {
                if let FeatureColumn::Numeric { scale, .. } = &mut e.columns[0] {
                    *scale = 0.0;
                }
            },
            "column 'age' has mean",
        );
        refused(
            |e| {
                if let FeatureColumn::Categorical { levels, .. } = &mut e.columns[1] {
                    levels.reverse();
                }
            },
            "levels of column 'colour'",
        );
        refused(|e| e.negative = e.positive.clone(), "both label classes");
        refused(
            |e| e.spec.sensitive = vec!["age".into()],
            "group schema is over sex",
        );
        refused(
            |e| e.spec.sensitive.clear(),
            "at least one sensitive column",
        );
    }

    fn fit_err(text: &str, spec: &DatasetSpec) -> DataError {
        Encoder::fit(spec, &table(text), &[]).unwrap_err()
    }

    #[test]
    fn encodes_numbers_and_one_hot_blocks() {
        let spec = DatasetSpec::new("y", ["sex"]);
        let train = table(TOY);
        let test = table("age,colour,sex,y\n35,purple,F,1\n");
        let p = Prepared::from_tables(&spec, &train, &test).unwrap();
        assert_eq!(
            p.encoder.feature_names(),
            ["age", "colour=blue", "colour=green", "colour=red"]
        );
        let scale = 125f64.sqrt();
        assert_eq!(
            p.train.features().row(0).to_vec(),
            [-5.0 / scale, 0.0, 0.0, 1.0]
        );
        // Unseen level: all zeros.
        assert_eq!(p.test.features().row(0).to_vec(), [0.0, 0.0, 0.0, 0.0]);
        assert_eq!(p.train.labels(), [true, false, true, false]);
        assert_eq!(p.train.groups().codes(), [0, 1, 1, 0]);
        assert!(Arc::ptr_eq(
            p.train.groups().schema_arc(),
            p.test.groups().schema_arc()
        ));
    }

    #[test]
    fn raw_values_without_standardization_and_forced_categorical() {
        let spec = DatasetSpec {
            standardize: false,
            categorical: vec!["age".into()],
            features: Some(vec!["colour".into(), "age".into()]),
            ..DatasetSpec::new("y", ["sex"])
        };
        let e = Encoder::fit(&spec, &table(TOY), &[]).unwrap();
        assert_eq!(
            e.feature_names(),
            [
                "colour=blue",
                "colour=green",
                "colour=red",
                "age=20",
                "age=30",
                "age=40",
                "age=50"
            ]
        );
        let spec = DatasetSpec {
            standardize: false,
            ..DatasetSpec::new("y", ["sex"])
        };
        let d = Encoder::fit(&spec, &table(TOY), &[])
            .unwrap()
            .transform(&table(TOY))
            .unwrap();
        assert_eq!(d.features().column(0).to_vec(), [30.0, 40.0, 50.0, 20.0]);
    }

    #[test]
    fn constant_column_gets_scale_one() {
        assert_eq!(
            mean_and_scale(&[0.1, 0.1, 0.1]),
            Some((0.30000000000000004 / 3.0, 1.0))
        );
        let (m, s) = mean_and_scale(&[1.0, 2.0, 3.0, 4.0]).unwrap();
        assert_eq!((m, s), (2.5, 1.25f64.sqrt()));
    }

    const NUMPY_SUMS: [(usize, f64); 7] = [
        (5, 78333.33333333333),
        (9, 74563.49206349206),
        (100, 68817.21793101948),
        (129, 69700.8126867899),
        (1000, 69264.74305598199),
        (8193, 69320.82045421429),
        (32561, 69316.25361178858),
    ];

    #[test]
    fn pairwise_sum_matches_numpy() {
        // np.sum(1.0 / np.arange(1, n + 1) * (-1.0) ** np.arange(n) * 1e5) for these n.
        let sum = |n: usize| {
            let v: Vec<f64> = (0..n)
                .map(|i| 1.0 / (i + 1) as f64 * if i % 2 == 0 { 1e5 } else { -1e5 })
                .collect();
            pairwise_sum(&v)
        };
        for (n, want) in NUMPY_SUMS {
            assert_eq!(sum(n).to_bits(), want.to_bits(), "n = {n}");
        }
    }

    #[test]
    fn weights_groups_and_positive_label_strings() {
        let text = "x,race,sex,w,income\n1,a,F,2,>50K\n2,b,M,0.5,<=50K\n3,a,M,1,>50K\n";
        let spec = DatasetSpec {
            positive_label: ">50K".into(),
            weights: Some("w".into()),
            ..DatasetSpec::new("income", ["race", "sex"])
        };
        let e = Encoder::fit(&spec, &table(text), &[]).unwrap();
        assert_eq!(e.feature_names(), ["x"]);
        let d = e.transform(&table(text)).unwrap();
        assert_eq!(d.weights().unwrap(), [2.0, 0.5, 1.0]);
        assert_eq!(d.labels(), [true, false, true]);
        assert_eq!(d.groups().n_groups(), 4);
        assert_eq!(d.groups().schema().label(d.groups().codes()[1]), "b,M");
        // Numeric positive label matches "1.0".
        let e = Encoder::fit(
            &DatasetSpec::new("y", ["s"]),
            &table("s,y\na,1.0\nb,0.0\n"),
            &[],
        );
        assert_eq!(e.unwrap().positive_label(), "1.0");
    }

    #[test]
    fn serde_round_trip_keeps_the_encoding() {
        let spec = DatasetSpec::new("y", ["sex"]);
        let e = Encoder::fit(&spec, &table(TOY), &[]).unwrap();
        let back: Encoder = serde_json::from_str(&serde_json::to_string(&e).unwrap()).unwrap();
        assert_eq!(back, e);
        assert_eq!(
            back.transform(&table(TOY)).unwrap(),
            e.transform(&table(TOY)).unwrap()
        );
    }

    #[test]
    fn features_only_for_prediction() {
        let spec = DatasetSpec::new("y", ["sex"]);
        let e = Encoder::fit(&spec, &table(TOY), &[]).unwrap();
        let (x, g) = e
            .transform_features(&table("age,colour,sex\n30,red,M\n"))
            .unwrap();
        assert_eq!(x.shape(), [1, 4]);
        assert_eq!(g.codes(), [1]);
        let err = e
            .transform_features(&table("age,colour,sex\n30,red,X\n"))
            .unwrap_err();
        assert!(matches!(
            err,
            DataError::UnseenGroup {
                line: 2,
                row: 1,
                ..
            }
        ));
        assert!(
            err.to_string()
                .contains("toy.csv: line 2, row 1, column(s) 'sex': group 'sex=X'"),
            "{err}"
        );
    }

    #[test]
    fn open_groups_extend_the_schema_with_new_levels() {
        let spec = DatasetSpec::new("y", ["sex"]);
        let e = Encoder::fit(&spec, &table(TOY), &[]).unwrap();
        // Known levels only: the fitted schema and codes.
        let known = table("age,colour,sex\n30,red,M\n31,red,F\n");
        assert_eq!(e.open_groups(&known).unwrap(), e.groups(&known).unwrap());
        // A new level: the schema gains it (sorted), values are kept.
        let g = e
            .open_groups(&table("age,colour,sex\n30,red,X\n31,red,F\n"))
            .unwrap();
        assert_eq!(g.schema().levels(), [vec!["F", "M", "X"]]);
        assert_eq!(g.schema().label(g.codes()[0]), "X");
        assert_eq!(g.schema().label(g.codes()[1]), "F");
        let err = e
            .open_groups(&table("age,colour,sex\n30,red,\n"))
            .unwrap_err();
        assert!(matches!(err, DataError::EmptyValue { .. }));
    }

    #[test]
    fn split_fits_on_training_rows() {
        let rows: String = (0..20)
            .map(|i| format!("{i},{},{}\n", i % 2, i % 3 % 2))
            .collect();
        let t = table(&format!("x,s,y\n{rows}"));
        let p = Prepared::split(&DatasetSpec::new("y", ["s"]), &t, 0.3, 7, true).unwrap();
        assert_eq!((p.train.n_rows(), p.test.n_rows()), (14, 6));
        let train_x = p.train.features().column(0).sum();
        assert!(train_x.abs() < 1e-12, "training features are centred");
    }

    #[test]
    fn non_numeric_value_in_numeric_column() {
        let e = fit_err("a,s,y\n1,u,1\nx,v,0\n", &DatasetSpec::new("y", ["s"]));
        assert!(
            matches!(&e, DataError::NonNumeric { line: 3, row: 2, value, column, .. } if value == "x" && column == "a")
        );
        assert!(
            e.to_string()
                .contains("toy.csv: line 3, row 2, column 'a': non-numeric value 'x'")
        );
        assert!(e.to_string().contains("categorical"));
        // The same file with the column declared categorical is fine.
        let spec = DatasetSpec {
            categorical: vec!["a".into()],
            ..DatasetSpec::new("y", ["s"])
        };
        assert!(Encoder::fit(&spec, &table("a,s,y\n1,u,1\nx,v,0\n"), &[]).is_ok());
        // A test file with text in a numeric column.
        let enc = Encoder::fit(
            &DatasetSpec::new("y", ["s"]),
            &table("a,s,y\n1,u,1\n2,v,0\n"),
            &[],
        );
        let e = enc
            .unwrap()
            .transform(&table("a,s,y\n1,u,1\noops,v,0\n"))
            .unwrap_err();
        assert!(matches!(e, DataError::NonNumeric { row: 2, .. }));
    }

    #[test]
    fn nan_or_infinity() {
        for bad in ["NaN", "inf", "-infinity"] {
            let e = fit_err(
                &format!("a,s,y\n1,u,1\n{bad},v,0\n"),
                &DatasetSpec::new("y", ["s"]),
            );
            assert!(matches!(&e, DataError::NonFinite { row: 2, value, .. } if value == bad));
            assert!(e.to_string().contains("is NaN or infinite"));
        }
    }

    #[test]
    fn empty_value() {
        let e = fit_err("a,s,y\n1,u,1\n,v,0\n", &DatasetSpec::new("y", ["s"]));
        assert!(matches!(&e, DataError::EmptyValue { row: 2, column, .. } if column == "a"));
        assert!(e.to_string().contains("column 'a': empty value"));
    }

    #[test]
    fn label_with_one_class() {
        let e = fit_err("a,s,y\n1,u,1\n2,v,1\n", &DatasetSpec::new("y", ["s"]));
        assert!(matches!(&e, DataError::SingleClass { class, .. } if class == "1"));
        assert!(
            e.to_string()
                .contains("label column 'y' has a single class ('1')")
        );
    }

    #[test]
    fn label_with_three_classes() {
        let e = fit_err(
            "a,s,y\n1,u,1\n2,v,0\n3,v,2\n",
            &DatasetSpec::new("y", ["s"]),
        );
        assert!(matches!(e, DataError::TooManyClasses { count: 3, .. }));
        assert!(
            e.to_string()
                .contains("is not binary: it holds 3 classes ('0', '1', '2')")
        );
    }

    #[test]
    fn positive_label_absent() {
        let spec = DatasetSpec {
            positive_label: ">50K".into(),
            ..DatasetSpec::new("y", ["s"])
        };
        let e = fit_err("a,s,y\n1,u,a\n2,v,b\n", &spec);
        assert!(
            matches!(&e, DataError::PositiveLabelAbsent { positive, .. } if positive == ">50K")
        );
        assert!(e.to_string().contains(
            "positive label '>50K' does not occur in label column 'y' (values: 'a', 'b')"
        ));
    }

    #[test]
    fn unknown_label_in_test_file() {
        let e = Encoder::fit(
            &DatasetSpec::new("y", ["s"]),
            &table("a,s,y\n1,u,1\n2,v,0\n"),
            &[],
        );
        let err = e
            .unwrap()
            .transform(&table("a,s,y\n1,u,yes\n"))
            .unwrap_err();
        assert!(matches!(err, DataError::UnknownLabel { row: 1, .. }));
        assert!(
            err.to_string()
                .contains("'yes' is not one of the training classes ('0', '1')")
        );
    }

    #[test]
    fn sensitive_column_with_one_group() {
        let e = fit_err("a,s,y\n1,u,1\n2,u,0\n", &DatasetSpec::new("y", ["s"]));
        assert!(matches!(&e, DataError::SingleGroup { group, .. } if group == "u"));
        assert!(
            e.to_string()
                .contains("sensitive column(s) 's' hold a single group ('u')")
        );
    }

    #[test]
    fn missing_columns_in_spec() {
        let e = fit_err(TOY, &DatasetSpec::new("label", ["sex"]));
        assert!(matches!(&e, DataError::MissingColumn { column, .. } if column == "label"));
        let e = fit_err(TOY, &DatasetSpec::new("y", ["gender"]));
        assert!(e.to_string().contains("missing column 'gender'"));
        let spec = DatasetSpec {
            features: Some(vec!["height".into()]),
            ..DatasetSpec::new("y", ["sex"])
        };
        assert!(matches!(
            fit_err(TOY, &spec),
            DataError::MissingColumn { .. }
        ));
    }

    #[test]
    fn invalid_specs() {
        let spec = DatasetSpec::new("y", Vec::<String>::new());
        assert!(matches!(
            fit_err(TOY, &spec),
            DataError::Core(Error::InvalidParameter { .. })
        ));
        let spec = DatasetSpec::new("y", ["y"]);
        assert!(fit_err(TOY, &spec).to_string().contains("also the label"));
        let spec = DatasetSpec {
            features: Some(vec!["y".into()]),
            ..DatasetSpec::new("y", ["sex"])
        };
        assert!(
            fit_err(TOY, &spec)
                .to_string()
                .contains("cannot be features")
        );
        let spec = DatasetSpec {
            categorical: vec!["sex".into()],
            ..DatasetSpec::new("y", ["sex"])
        };
        assert!(
            fit_err(TOY, &spec)
                .to_string()
                .contains("is not a feature column")
        );
    }

    #[test]
    fn negative_weight_is_rejected() {
        let text = "a,s,w,y\n1,u,1,1\n2,v,-1,0\n";
        let spec = DatasetSpec {
            weights: Some("w".into()),
            ..DatasetSpec::new("y", ["s"])
        };
        let e = Encoder::fit(&spec, &table(text), &[])
            .unwrap()
            .transform(&table(text))
            .unwrap_err();
        assert!(matches!(
            e,
            DataError::NegativeWeight {
                line: 3,
                row: 2,
                ..
            }
        ));
        assert_eq!(
            e.to_string(),
            "toy.csv: line 3, row 2, column 'w': negative weight '-1'; sample weights must be \
             zero or positive"
        );
    }

    /// Every bad weight column is refused by the encoder with the file, line and column.
    #[test]
    fn degenerate_weights_are_located() {
        let spec = DatasetSpec {
            weights: Some("w".into()),
            ..DatasetSpec::new("y", ["s"])
        };
        let err = |w: [&str; 3]| {
            let text = format!("a,s,w,y\n1,u,{},1\n2,v,{},0\n3,v,{},1\n", w[0], w[1], w[2]);
            let t = table(&text);
            let e = Encoder::fit(&spec, &t, &[])
                .unwrap()
                .transform(&t)
                .unwrap_err();
            e.to_string()
        };
        assert_eq!(
            err(["0", "0", "0.0"]),
            "toy.csv: lines 2-4, column 'w': all 3 weights are zero; at least one must be positive"
        );
        let big = err(["1", "1e308", "1e308"]);
        assert!(
            big.starts_with(
                "toy.csv: line 3, row 2, column 'w': weight '1e308' is too large: 3 weights"
            ),
            "{big}"
        );
        // Large weights whose sums stay finite are fine.
        let t = table("a,s,w,y\n1,u,1e300,1\n2,v,1e300,0\n");
        let d = Encoder::fit(&spec, &t, &[]).unwrap().transform(&t).unwrap();
        assert_eq!(d.weights().unwrap(), [1e300, 1e300]);
        assert!(
            err(["1", "inf", "1"])
                .contains("line 3, row 2, column 'w': value 'inf' is NaN or infinite")
        );
        assert!(
            err(["1", "-0.5", "1"]).contains("line 3, row 2, column 'w': negative weight '-0.5'")
        );
    }

    /// A finite value whose standardization overflows names its line and says what happened;
    /// without standardization the same file encodes.
    #[test]
    fn standardization_overflow_is_located() {
        let text = "a,s,y\n1,u,1\n2,v,0\n1e308,v,1\n3,u,0\n";
        let e = fit_err(text, &DatasetSpec::new("y", ["s"]));
        let msg = e.to_string();
        assert!(
            msg.starts_with("toy.csv: line 4, row 3, column 'a': value '1e308' is a finite input, but standardizing"),
            "{msg}"
        );
        assert!(
            msg.contains("non-finite result") && msg.contains("--no-standardize"),
            "{msg}"
        );
        // Squares that overflow (values of 1e154 and more) are caught the same way.
        let e = fit_err(
            "a,s,y\n-2e154,u,1\n2e154,v,0\n",
            &DatasetSpec::new("y", ["s"]),
        );
        assert!(matches!(e, DataError::NonFiniteResult { .. }), "{e}");
        let raw = DatasetSpec {
            standardize: false,
            ..DatasetSpec::new("y", ["s"])
        };
        let d = Encoder::fit(&raw, &table(text), &[])
            .unwrap()
            .transform(&table(text))
            .unwrap();
        assert_eq!(d.features()[[2, 0]], 1e308);
        // A test value that overflows with the training statistics.
        let enc = Encoder::fit(
            &DatasetSpec::new("y", ["s"]),
            &table("a,s,y\n1e-150,u,1\n3e-150,v,0\n"),
            &[],
        )
        .unwrap();
        let e = enc
            .transform(&table("a,s,y\n1,u,1\n1e300,v,0\n"))
            .unwrap_err();
        assert!(
            matches!(
                e,
                DataError::NonFiniteResult {
                    line: 3,
                    row: 2,
                    ..
                }
            ),
            "{e}"
        );
    }
}
