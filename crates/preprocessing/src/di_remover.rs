//! The disparate-impact remover (Feldman et al. 2015, as AIF360 runs it through BlackBoxAuditing),
//! docs/preprocessing.md#disparate-impact-remover, with a stored fit and a transform for new data.

use serde::{Deserialize, Serialize};
use std::sync::Arc;

use fairkit_core::{Error, FairDataset, GroupSchema, Groups};
use linfa::ParamGuard;
use ndarray::{Array2, ArrayView1, ArrayView2};

use crate::error::check_unit;
use crate::groups::{resolve_rows, unseen};
use crate::{FeatureTransform, FitFeatureTransform, PreprocessingError, Result};

/// How rows are put into the strata whose feature distributions the repair aligns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Strata {
    /// One stratum per group: the exact value (or, with several sensitive columns, the exact
    /// combination of values) of the sensitive attribute. The default.
    #[default]
    Groups,
    /// AIF360's behaviour: the protected attribute is read as a number and cut into
    /// Freedman–Diaconis bins (width `2·IQR·n^(−1/3)` over the rows, quartiles interpolated
    /// linearly as numpy does, width 1 when the IQR is 0; bins `[start, start + width)` from the
    /// minimum, empty bins dropped), and each non-empty bin is a stratum. Distinct groups can
    /// share a bin: codes {0, 1, 2} with 9 rows merge 0 and 1 (oracle O13,
    /// docs/test-oracles.md#d3).
    ///
    /// A group's number is its level parsed as a float when the schema has one sensitive column
    /// whose levels are all numbers (as AIF360's numeric protected column); otherwise it is the
    /// group code (levels sorted, several columns combined in lexicographic order).
    Aif360Binning,
}

/// Validated parameters of the [`DisparateImpactRemover`].
#[derive(Debug, Clone, PartialEq)]
pub struct DisparateImpactRemoverValidParams {
    repair_level: f64,
    strata: Strata,
}

/// Parameters of the [`DisparateImpactRemover`], checked when fitting (linfa's
/// [`ParamGuard`] idiom).
///
/// | name | default | meaning | range |
/// |---|---|---|---|
/// | `repair_level` | 1.0 | how far each value moves towards its bucket's target, in rank positions | `[0, 1]` |
/// | `strata` | [`Strata::Groups`] | how rows form strata | |
#[derive(Debug, Clone, PartialEq)]
pub struct DisparateImpactRemoverParams(DisparateImpactRemoverValidParams);

impl Default for DisparateImpactRemoverParams {
    fn default() -> Self {
        Self(DisparateImpactRemoverValidParams {
            repair_level: 1.0,
            strata: Strata::default(),
        })
    }
}

impl DisparateImpactRemoverParams {
    /// Sets the repair level: 0 leaves the data unchanged, 1 gives every stratum the same
    /// distribution of each feature.
    pub fn repair_level(mut self, repair_level: f64) -> Self {
        self.0.repair_level = repair_level;
        self
    }

    /// Sets how rows form strata.
    pub fn strata(mut self, strata: Strata) -> Self {
        self.0.strata = strata;
        self
    }
}

impl ParamGuard for DisparateImpactRemoverParams {
    type Checked = DisparateImpactRemoverValidParams;
    type Error = PreprocessingError;

    fn check_ref(&self) -> Result<&Self::Checked> {
        check_unit("repair_level", self.0.repair_level)?;
        Ok(&self.0)
    }

    fn check(self) -> Result<Self::Checked> {
        self.check_ref()?;
        Ok(self.0)
    }
}

impl DisparateImpactRemoverValidParams {
    /// The repair level.
    pub fn repair_level(&self) -> f64 {
        self.repair_level
    }

    /// How rows form strata.
    pub fn strata(&self) -> Strata {
        self.strata
    }
}

/// `fit_transform` gives AIF360's `fit_transform` results (numeric mode): every feature is
/// repaired; labels, groups and weights are unchanged.
impl FitFeatureTransform for DisparateImpactRemoverValidParams {
    type Object = DisparateImpactRemover;

    /// Fits the repair on training data: for every feature, the sorted distinct values of the
    /// column, each stratum's quantile table (its sorted distinct values and their quantile
    /// buckets) and each bucket's target value.
    ///
    /// # Errors
    /// No rows, a single group with rows, a stratum with a single row
    /// ([`PreprocessingError::SingleRowGroup`]), or (with [`Strata::Aif360Binning`]) a bin
    /// width so small against the range of the group values that binning would take more than
    /// ten million steps (and, through the unchecked parameters, a repair level outside
    /// `[0, 1]` or NaN).
    fn fit(&self, data: &FairDataset) -> Result<DisparateImpactRemover> {
        let groups = data.groups();
        groups.require_two_groups()?;
        let stratum_of = match self.strata {
            Strata::Groups => exact_strata(groups),
            Strata::Aif360Binning => binned_strata(groups)?,
        };
        let row_strata: Vec<usize> = groups
            .codes()
            .iter()
            .map(|&c| stratum_of[c as usize].unwrap_or(usize::MAX))
            .collect();
        let n_strata = stratum_of.iter().flatten().max().map_or(0, |&s| s + 1);
        let mut sizes = vec![0usize; n_strata];
        for &s in &row_strata {
            sizes[s] += 1;
        }
        if let Some(s) = sizes.iter().position(|&n| n == 1) {
            let members: Vec<String> = (0..groups.n_groups() as u32)
                .filter(|&c| stratum_of[c as usize] == Some(s))
                .map(|c| groups.schema().describe(c))
                .collect();
            return Err(PreprocessingError::SingleRowGroup {
                group: members.join("|"),
            });
        }
        let features = data
            .features()
            .columns()
            .into_iter()
            .map(|col| FeatureRepair::fit(col, &row_strata, n_strata))
            .collect();
        Ok(DisparateImpactRemover {
            repair_level: self.repair_level,
            strata: self.strata,
            schema: Arc::clone(groups.schema_arc()),
            stratum_of,
            features,
        })
    }
}

/// A fitted disparate-impact repair (docs/preprocessing.md#disparate-impact-remover).
///
/// For each feature, the strata's sorted **distinct** values are cut into `Q` quantile buckets,
/// `Q` being the smallest number of distinct values of any stratum (bucket bounds rounded half to
/// even, as Python does). Each bucket's target is the lower median of the strata's bucket lower
/// medians. A value `v` moves from its rank `pos(v)` among the column's distinct training values
/// `V` to `V[pos(v) + round_half_even((pos(target) − pos(v)) · repair_level)]`, so repaired
/// values are always training values and partial repair moves by ranks, not by value. With
/// `repair_level = 0` the output equals the input.
///
/// Notes on AIF360 parity and the extensions:
///
/// * On its training data the repair gives exactly AIF360's `fit_transform` (numeric mode); the
///   default strata are the exact groups, and [`Strata::Aif360Binning`] reproduces AIF360's
///   binning of a numeric protected column.
/// * AIF360 has no transform for new data. Here a value of new data is looked up in its
///   stratum's stored distinct values; a value not seen at fit time is first replaced by the
///   nearest of them (the lower one on a tie, the extreme one beyond the range) and then repaired
///   like it. New data therefore also gets only training values (except at `repair_level = 0`,
///   which returns the input unchanged).
/// * A feature that is constant has a single distinct value and is left as it is. A feature
///   with a single distinct value inside one stratum only (e.g. a one-hot column that is always
///   0 in one group) gives `Q = 1`, and a full repair then sets the whole column to one value,
///   as AIF360 does.
/// * A stratum with a single row would force `Q = 1` for every feature and is refused.
///
/// ```
/// use fairkit_core::{FairDataset, Groups};
/// use fairkit_preprocessing::{DisparateImpactRemover, FitFeatureTransform};
/// use ndarray::Array2;
///
/// // O13 D1 (docs/test-oracles.md#d1): x = 1..8, the first four rows in group 1.
/// let g = Groups::from_labels("g", &["1", "1", "1", "1", "0", "0", "0", "0"])?;
/// let x = Array2::from_shape_fn((8, 1), |(i, _)| (i + 1) as f64);
/// let data = FairDataset::new(x, vec![true; 8], g)?;
/// let repaired = DisparateImpactRemover::params().repair_level(0.5).fit_transform(&data)?;
/// assert_eq!(repaired.features().column(0).to_vec(), [1., 2., 3., 4., 3., 4., 5., 6.]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DisparateImpactRemover {
    repair_level: f64,
    strata: Strata,
    schema: Arc<GroupSchema>,
    /// The stratum of each group code of `schema`; `None` for groups without rows at fit time.
    stratum_of: Vec<Option<usize>>,
    features: Vec<FeatureRepair>,
}

/// One feature's repair tables.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct FeatureRepair {
    /// The sorted distinct values of the column at fit time (`V`).
    values: Vec<f64>,
    /// Number of quantile buckets (`Q`).
    n_buckets: usize,
    /// One table per stratum.
    strata: Vec<StratumTable>,
}

/// A stratum's quantile table for one feature.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct StratumTable {
    /// The stratum's sorted distinct values (`D_g`).
    distinct: Vec<f64>,
    /// The rank in `V` of each distinct value.
    position: Vec<usize>,
    /// The rank in `V` of the target of each distinct value's bucket.
    target: Vec<usize>,
}

impl DisparateImpactRemover {
    /// Parameters with the defaults (`repair_level = 1`, [`Strata::Groups`]).
    pub fn params() -> DisparateImpactRemoverParams {
        DisparateImpactRemoverParams::default()
    }

    /// The repair level.
    pub fn repair_level(&self) -> f64 {
        self.repair_level
    }

    /// How rows were put into strata.
    pub fn strata(&self) -> Strata {
        self.strata
    }

    /// Number of strata.
    pub fn n_strata(&self) -> usize {
        self.features.first().map_or_else(
            || self.stratum_of.iter().flatten().max().map_or(0, |&s| s + 1),
            |f| f.strata.len(),
        )
    }

    /// The stratum of a group code, `None` for a group that had no rows at fit time.
    pub fn stratum_of(&self, group: u32) -> Option<usize> {
        self.stratum_of.get(group as usize).copied().flatten()
    }

    /// Number of quantile buckets of a feature (`None` for a feature index out of range).
    pub fn n_buckets(&self, feature: usize) -> Option<usize> {
        self.features.get(feature).map(|f| f.n_buckets)
    }
}

impl FeatureTransform for DisparateImpactRemover {
    fn n_features(&self) -> usize {
        self.features.len()
    }

    fn name(&self) -> &'static str {
        "disparate-impact remover"
    }

    /// Checks that a deserialized repair is consistent, so that
    /// [`transform_features`](FeatureTransform::transform_features) cannot panic: a repair
    /// level in `[0, 1]`, one stratum entry per group of the schema, and for every feature
    /// sorted distinct finite training values and, per stratum, a non-empty sorted quantile
    /// table whose ranks and targets point into those values (each rank at its own value).
    ///
    /// # Errors
    /// [`fairkit_core::Error::Inconsistent`] naming what does not fit.
    fn validate(&self) -> fairkit_core::Result<()> {
        let bad = |reason: String| Error::inconsistent("disparate-impact remover", reason);
        check_unit("repair_level", self.repair_level)?;
        if self.stratum_of.len() != self.schema.n_groups() {
            return Err(bad(format!(
                "{} stratum entries for {} groups",
                self.stratum_of.len(),
                self.schema.n_groups()
            )));
        }
        let n_strata = self.n_strata();
        if self.stratum_of.iter().flatten().any(|&s| s >= n_strata) {
            return Err(bad(format!(
                "a group's stratum is not one of the {n_strata}"
            )));
        }
        let sorted = |v: &[f64]| v.iter().all(|x| x.is_finite()) && v.is_sorted_by(|a, b| a < b);
        for (j, f) in self.features.iter().enumerate() {
            if f.strata.len() != n_strata || !sorted(&f.values) {
                return Err(bad(format!(
                    "feature {j} has {} strata (expected {n_strata}) or unsorted values",
                    f.strata.len()
                )));
            }
            for (s, t) in f.strata.iter().enumerate() {
                let points_in = |ranks: &[usize]| {
                    ranks.len() == t.distinct.len() && ranks.iter().all(|&r| r < f.values.len())
                };
                let consistent = !t.distinct.is_empty()
                    && sorted(&t.distinct)
                    && points_in(&t.position)
                    && points_in(&t.target)
                    && t.position
                        .iter()
                        .zip(&t.distinct)
                        .all(|(&p, &v)| f.values[p] == v);
                if !consistent {
                    return Err(bad(format!(
                        "the quantile table of stratum {s} of feature {j} does not match the \
                         feature's values"
                    )));
                }
            }
        }
        Ok(())
    }

    /// Repairs a feature matrix whose rows belong to `groups`.
    fn transform_features(
        &self,
        x: ArrayView2<'_, f64>,
        groups: &Groups,
    ) -> fairkit_core::Result<Array2<f64>> {
        let strata = resolve_rows(&self.schema, self.features.len(), x, groups)?
            .into_iter()
            .map(|c| self.stratum_of(c).ok_or_else(|| unseen(&self.schema, c)))
            .collect::<Result<Vec<usize>, Error>>()?;
        let mut out = x.to_owned();
        if self.repair_level == 0.0 {
            return Ok(out);
        }
        for (j, feature) in self.features.iter().enumerate() {
            let repaired = feature.repaired(self.repair_level);
            let col: Vec<f64> = x
                .column(j)
                .iter()
                .zip(&strata)
                .map(|(&v, &s)| repaired[s][nearest(&feature.strata[s].distinct, v)])
                .collect();
            out.column_mut(j).assign(&ArrayView1::from(&col[..]));
        }
        Ok(out)
    }
}

/// Python's `round` on floats: to the nearest integer, ties to even.
fn round_half_even(x: f64) -> i64 {
    x.round_ties_even() as i64
}

/// Sorted distinct values (all finite).
fn sorted_distinct(values: impl IntoIterator<Item = f64>) -> Vec<f64> {
    let mut v: Vec<f64> = values.into_iter().collect();
    v.sort_unstable_by(f64::total_cmp);
    v.dedup();
    v
}

/// The rank in the sorted distinct `values` of each of the sorted distinct `subset`, which
/// must be drawn from `values` (a merge walk).
fn ranks(values: &[f64], subset: &[f64]) -> Vec<usize> {
    let mut i = 0;
    subset
        .iter()
        .map(|&v| {
            while values[i] < v {
                i += 1;
            }
            i
        })
        .collect()
}

impl FeatureRepair {
    fn fit(column: ArrayView1<'_, f64>, row_strata: &[usize], n_strata: usize) -> Self {
        let values = sorted_distinct(column.iter().copied());
        let mut per_stratum: Vec<Vec<f64>> = vec![Vec::new(); n_strata];
        for (&v, &s) in column.iter().zip(row_strata) {
            per_stratum[s].push(v);
        }
        let distinct: Vec<Vec<f64>> = per_stratum.into_iter().map(sorted_distinct).collect();
        let positions: Vec<Vec<usize>> = distinct.iter().map(|d| ranks(&values, d)).collect();
        let n_buckets = distinct.iter().map(Vec::len).min().unwrap_or(0);
        let unit = 1.0 / n_buckets as f64;
        // bucket_of[s][k]: the bucket of stratum s's k-th distinct value, if any.
        let mut bucket_of: Vec<Vec<Option<usize>>> =
            distinct.iter().map(|d| vec![None; d.len()]).collect();
        // medians[q]: the ranks in V of the strata's lower medians in bucket q.
        let mut medians: Vec<Vec<usize>> = vec![Vec::new(); n_buckets];
        for (position, buckets) in positions.iter().zip(&mut bucket_of) {
            let m = position.len() as i64;
            let mut offset = 0.0;
            for (q, bucket_medians) in medians.iter_mut().enumerate() {
                let start = round_half_even(offset * m as f64).clamp(0, m);
                let end = round_half_even((offset + unit) * m as f64).clamp(start, m);
                offset += unit;
                let (start, end) = (start as usize, end as usize);
                if end > start {
                    buckets[start..end].fill(Some(q));
                    bucket_medians.push(position[start + (end - start - 1) / 2]);
                }
            }
        }
        let targets: Vec<usize> = medians
            .into_iter()
            .map(|mut m| {
                m.sort_unstable();
                m.get(m.len().saturating_sub(1) / 2).copied().unwrap_or(0)
            })
            .collect();
        let strata = distinct
            .into_iter()
            .zip(positions)
            .zip(bucket_of)
            .map(|((d, position), buckets)| {
                // A value in no bucket (impossible unless rounding leaves a gap) stays put.
                let target = position
                    .iter()
                    .zip(buckets)
                    .map(|(&p, b)| b.map_or(p, |q| targets[q]))
                    .collect();
                StratumTable {
                    distinct: d,
                    position,
                    target,
                }
            })
            .collect();
        Self {
            values,
            n_buckets,
            strata,
        }
    }

    /// The repaired value of every stratum's every distinct value at `repair_level`.
    fn repaired(&self, repair_level: f64) -> Vec<Vec<f64>> {
        self.strata
            .iter()
            .map(|table| {
                table
                    .position
                    .iter()
                    .zip(&table.target)
                    .map(|(&p, &t)| {
                        let (p, t) = (p as i64, t as i64);
                        self.values[(p + round_half_even((t - p) as f64 * repair_level)) as usize]
                    })
                    .collect()
            })
            .collect()
    }
}

/// The index of `v` in the sorted, non-empty `distinct`, or of the nearest value (the lower one
/// on a tie) when `v` is not there.
fn nearest(distinct: &[f64], v: f64) -> usize {
    let i = distinct.partition_point(|&u| u < v);
    if i == distinct.len() {
        return i - 1;
    }
    if i == 0 || distinct[i] == v {
        return i;
    }
    if distinct[i] - v < v - distinct[i - 1] {
        i
    } else {
        i - 1
    }
}

/// One stratum per group with rows, in code order.
fn exact_strata(groups: &Groups) -> Vec<Option<usize>> {
    let mut stratum_of = vec![None; groups.n_groups()];
    for (s, c) in groups.present().into_iter().enumerate() {
        stratum_of[c as usize] = Some(s);
    }
    stratum_of
}

/// AIF360's strata: Freedman–Diaconis bins of the groups' numeric values.
fn binned_strata(groups: &Groups) -> Result<Vec<Option<usize>>> {
    let value_of = numeric_group_values(groups.schema());
    let row_values: Vec<f64> = groups
        .codes()
        .iter()
        .map(|&c| value_of[c as usize])
        .collect();
    let width = freedman_diaconis_width(&row_values);
    let present = groups.present();
    // Present groups by value; equal values share a bin.
    let mut by_value: Vec<(f64, u32)> =
        present.iter().map(|&c| (value_of[c as usize], c)).collect();
    by_value.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut stratum_of = vec![None; groups.n_groups()];
    let (mut start, mut bin, mut stratum) = (by_value[0].0, 0u64, 0usize);
    let mut last_bin = 0u64;
    const MAX_STEPS: u64 = 10_000_000;
    for (v, c) in by_value {
        // Bins are [start, start + width), start growing by repeated addition from the minimum.
        while start + width <= v {
            start += width;
            bin += 1;
            if bin > MAX_STEPS {
                return Err(Error::invalid(
                    "strata",
                    "aif360_binning",
                    &format!("the Freedman-Diaconis width {width} gives too many bins"),
                )
                .into());
            }
        }
        if bin != last_bin {
            stratum += 1;
            last_bin = bin;
        }
        stratum_of[c as usize] = Some(stratum);
    }
    Ok(stratum_of)
}

/// Each group's number for binning: the parsed level with one numeric sensitive column, else
/// the code.
fn numeric_group_values(schema: &GroupSchema) -> Vec<f64> {
    let parsed: Option<Vec<f64>> = match schema.levels() {
        [levels] => levels
            .iter()
            .map(|l| l.trim().parse::<f64>().ok().filter(|x| x.is_finite()))
            .collect(),
        _ => None,
    };
    parsed.unwrap_or_else(|| (0..schema.n_groups()).map(|c| c as f64).collect())
}

/// Freedman–Diaconis bin width `2·IQR·n^(−1/3)` with numpy's linear quartiles; 1 when it is 0.
fn freedman_diaconis_width(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_unstable_by(f64::total_cmp);
    let iqr = percentile_linear(&sorted, 0.75) - percentile_linear(&sorted, 0.25);
    let width = 2.0 * iqr * (sorted.len() as f64).powf(-1.0 / 3.0);
    if width == 0.0 { 1.0 } else { width }
}

/// numpy's default (`linear`) percentile of sorted, non-empty data, with numpy's lerp.
fn percentile_linear(sorted: &[f64], q: f64) -> f64 {
    let last = sorted.len() - 1;
    let virtual_index = last as f64 * q;
    let below = virtual_index.floor();
    if virtual_index >= last as f64 {
        return sorted[last];
    }
    let (a, b) = (sorted[below as usize], sorted[below as usize + 1]);
    let t = virtual_index - below;
    let diff = b - a;
    if t >= 0.5 {
        b - diff * (1.0 - t)
    } else {
        a + diff * t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validate_accepts_a_fit_and_refuses_inconsistent_tables() {
        let g = Groups::from_labels("g", &["a", "a", "a", "b", "b", "b"]).unwrap();
        let x = Array2::from_shape_fn((6, 2), |(i, j)| (i * (j + 1)) as f64);
        let data = FairDataset::new(x, vec![true, false, true, false, true, false], g).unwrap();
        let fitted = DisparateImpactRemover::params().fit(&data).unwrap();
        fitted.validate().unwrap();
        let refused = |edit: fn(&mut DisparateImpactRemover), needle: &str| {
            let mut r = fitted.clone();
            edit(&mut r);
            let err = r.validate().unwrap_err().to_string();
            assert!(err.contains(needle), "{err}");
        };
        let table = "the quantile table of stratum";
        refused(|r| r.features[1].strata[0].position[0] = 99, table);
        refused(|r| r.features[1].strata[1].target.truncate(1), table);
        refused(|r| r.features[0].strata[1].distinct.clear(), table);
        refused(|r| r.features[0].strata[0].distinct.reverse(), table);
        // A rank that points at another value.
        refused(|r| r.features[0].strata[0].position[0] = 1, table);
        refused(|r| r.features[1].values.reverse(), "unsorted values");
        refused(
            |r| r.features[1].strata.truncate(1),
            "1 strata (expected 2)",
        );
        refused(
            |r| r.stratum_of.push(None),
            "3 stratum entries for 2 groups",
        );
        refused(|r| r.stratum_of[1] = Some(7), "not one of the 2");
        refused(|r| r.repair_level = f64::NAN, "repair_level");
    }

    #[test]
    fn percentiles_match_numpy() {
        // numpy.percentile([0,0,0,1,1,1,2,2,2], [75, 25]) = [2., 0.]
        let s = [0., 0., 0., 1., 1., 1., 2., 2., 2.];
        assert_eq!(percentile_linear(&s, 0.75), 2.0);
        assert_eq!(percentile_linear(&s, 0.25), 0.0);
        // numpy.percentile([1, 2, 4, 8], [75, 25]) = [5., 1.75]
        let s = [1., 2., 4., 8.];
        assert_eq!(percentile_linear(&s, 0.75), 5.0);
        assert_eq!(percentile_linear(&s, 0.25), 1.75);
    }

    #[test]
    fn nearest_snaps_down_on_ties() {
        let d = [1.0, 3.0, 7.0];
        assert_eq!(nearest(&d, 3.0), 1);
        assert_eq!(nearest(&d, 2.0), 0);
        assert_eq!(nearest(&d, 2.1), 1);
        assert_eq!(nearest(&d, -5.0), 0);
        assert_eq!(nearest(&d, 9.0), 2);
        assert_eq!(nearest(&d, 5.5), 2);
    }

    #[test]
    fn round_half_even_is_bankers() {
        let r: Vec<i64> = [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5]
            .map(round_half_even)
            .to_vec();
        assert_eq!(r, vec![-2, -2, 0, 0, 2, 2]);
    }
}
