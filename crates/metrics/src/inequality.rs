//! Inequality indices of individual benefits (docs/metrics.md#inequality-indices, AIF360's
//! `generalized_entropy_index` family).
//!
//! Each row gets a benefit `b_i = 1 + ŷ_i − y_i`: 0 for a false negative, 2 for a false positive,
//! 1 when correct. The indices measure how unequally the benefit is spread, over individuals or
//! (between-group versions) after replacing each `b_i` by its group's mean. Sample weights are
//! ignored, as in AIF360.
//!
//! ```
//! use fairkit_metrics::inequality::{generalized_entropy_index, theil_index};
//! // O5 (docs/test-oracles.md#o5), AIF360's own case.
//! let y = [1, 0, 0, 1, 0, 0, 1, 0, 1, 1].map(|v| v == 1);
//! let p = [1, 0, 0, 0, 1, 1, 1, 0, 1, 0].map(|v| v == 1);
//! assert!((generalized_entropy_index(&y, &p, 2.0, false)? - 0.2).abs() < 1e-12);
//! assert!((theil_index(&y, &p)? - 0.4 * 2f64.ln()).abs() < 1e-12);
//! # Ok::<(), fairkit_metrics::MetricsError>(())
//! ```

use fairkit_core::{Error, Groups};
use serde::Serialize;

use crate::ConfusionTable;
use crate::error::{Result, invalid};
use crate::ser::nan_as_null;

/// The benefits `b_i = 1 + ŷ_i − y_i`.
///
/// # Errors
/// Inputs of different lengths or no rows.
pub fn benefits(y_true: &[bool], y_pred: &[bool]) -> Result<Vec<f64>> {
    Error::check_len("y_pred", y_true.len(), y_pred.len())?;
    if y_true.is_empty() {
        return Err(Error::Empty {
            what: "y_true".into(),
        }
        .into());
    }
    Ok(y_true
        .iter()
        .zip(y_pred)
        .map(|(&y, &p)| 1.0 + f64::from(u8::from(p)) - f64::from(u8::from(y)))
        .collect())
}

/// The generalized entropy index `GE(α)` of non-negative values `b`.
///
/// * `α ∉ {0, 1}`: `mean((b/μ)^α − 1) / (α(α − 1))`;
/// * `α = 1` (Theil): `mean((b/μ) ln(b/μ))` with `0 ln 0 = 0`;
/// * `α = 0` (mean log deviation): the textbook `−mean(ln(b/μ))`, or with `aif360_compat` what
///   AIF360 computes, `−mean(ln(b/μ)/μ)`. Either is `+∞` when some `b_i = 0`.
///
/// NaN when `b` is empty or its mean is 0.
pub fn generalized_entropy(b: &[f64], alpha: f64, aif360_compat: bool) -> f64 {
    let n = b.len() as f64;
    let mu = b.iter().sum::<f64>() / n;
    if b.is_empty() || mu == 0.0 {
        return f64::NAN;
    }
    if alpha == 1.0 {
        b.iter()
            .map(|&v| {
                let r = v / mu;
                if r == 0.0 { 0.0 } else { r * r.ln() }
            })
            .sum::<f64>()
            / n
    } else if alpha == 0.0 {
        let scale = if aif360_compat { mu } else { 1.0 };
        -b.iter().map(|&v| (v / mu).ln() / scale).sum::<f64>() / n
    } else {
        let mean = b.iter().map(|&v| (v / mu).powf(alpha) - 1.0).sum::<f64>() / n;
        mean / (alpha * (alpha - 1.0))
    }
}

/// `GE(α)` of values given with multiplicities (`(value, how many rows)`), as
/// [`generalized_entropy`] of the rows they stand for; pairs with multiplicity 0 are left out.
fn generalized_entropy_counted(pairs: &[(f64, f64)], alpha: f64) -> f64 {
    let pairs: Vec<(f64, f64)> = pairs.iter().copied().filter(|p| p.1 > 0.0).collect();
    let n: f64 = pairs.iter().map(|p| p.1).sum();
    if pairs.is_empty() {
        return f64::NAN;
    }
    let mu = pairs.iter().map(|(v, c)| v * c).sum::<f64>() / n;
    if mu == 0.0 {
        return f64::NAN;
    }
    let mean = |f: &dyn Fn(f64) -> f64| pairs.iter().map(|&(v, c)| c * f(v / mu)).sum::<f64>() / n;
    if alpha == 1.0 {
        mean(&|r| if r == 0.0 { 0.0 } else { r * r.ln() })
    } else if alpha == 0.0 {
        -mean(&|r| r.ln())
    } else {
        mean(&|r| r.powf(alpha) - 1.0) / (alpha * (alpha - 1.0))
    }
}

/// Each value replaced by the mean of its group.
fn group_means(b: &[f64], codes: &[u32], n_groups: usize) -> Vec<f64> {
    let mut sum = vec![0.0; n_groups];
    let mut count = vec![0usize; n_groups];
    for (&v, &g) in b.iter().zip(codes) {
        sum[g as usize] += v;
        count[g as usize] += 1;
    }
    codes
        .iter()
        .map(|&g| sum[g as usize] / count[g as usize] as f64)
        .collect()
}

fn check_alpha(alpha: f64) -> Result<()> {
    if alpha.is_finite() {
        Ok(())
    } else {
        Err(invalid("alpha", alpha, "must be finite"))
    }
}

/// `GE(α)` of the benefits (AIF360's `generalized_entropy_index`; default `α = 2`).
///
/// # Errors
/// Inputs of different lengths, no rows, or a non-finite `alpha`.
pub fn generalized_entropy_index(
    y_true: &[bool],
    y_pred: &[bool],
    alpha: f64,
    aif360_compat: bool,
) -> Result<f64> {
    check_alpha(alpha)?;
    Ok(generalized_entropy(
        &benefits(y_true, y_pred)?,
        alpha,
        aif360_compat,
    ))
}

/// The Theil index, `GE(1)`.
///
/// # Errors
/// As [`generalized_entropy_index`].
pub fn theil_index(y_true: &[bool], y_pred: &[bool]) -> Result<f64> {
    generalized_entropy_index(y_true, y_pred, 1.0, false)
}

/// The coefficient of variation, `sqrt(2 GE(2))`.
///
/// # Errors
/// As [`generalized_entropy_index`].
pub fn coefficient_of_variation(y_true: &[bool], y_pred: &[bool]) -> Result<f64> {
    Ok((2.0 * generalized_entropy_index(y_true, y_pred, 2.0, false)?).sqrt())
}

/// Between-group `GE(α)` over all groups of `groups` (AIF360's
/// `between_all_groups_generalized_entropy_index`): each benefit is replaced by its group's mean.
///
/// # Errors
/// As [`generalized_entropy_index`], and groups of another length.
pub fn between_group_generalized_entropy_index(
    y_true: &[bool],
    y_pred: &[bool],
    groups: &Groups,
    alpha: f64,
    aif360_compat: bool,
) -> Result<f64> {
    check_alpha(alpha)?;
    let b = benefits(y_true, y_pred)?;
    Error::check_len("sensitive groups", b.len(), groups.len())?;
    let means = group_means(&b, groups.codes(), groups.n_groups());
    Ok(generalized_entropy(&means, alpha, aif360_compat))
}

/// Between-group Theil index.
///
/// # Errors
/// As [`between_group_generalized_entropy_index`].
pub fn between_group_theil_index(y_true: &[bool], y_pred: &[bool], groups: &Groups) -> Result<f64> {
    between_group_generalized_entropy_index(y_true, y_pred, groups, 1.0, false)
}

/// Between-group coefficient of variation, `sqrt(2 GE_between(2))`.
///
/// # Errors
/// As [`between_group_generalized_entropy_index`].
pub fn between_group_coefficient_of_variation(
    y_true: &[bool],
    y_pred: &[bool],
    groups: &Groups,
) -> Result<f64> {
    Ok((2.0 * between_group_generalized_entropy_index(y_true, y_pred, groups, 2.0, false)?).sqrt())
}

/// All inequality indices at once, for reports. Undefined values serialize as `null` (GE(0)
/// is `+∞` as soon as one row is a false negative, and is then `null` too).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct InequalityIndices {
    /// The `α` of `generalized_entropy_index`.
    pub alpha: f64,
    /// `GE(α)`.
    #[serde(serialize_with = "nan_as_null")]
    pub generalized_entropy_index: f64,
    /// `GE(1)`.
    #[serde(serialize_with = "nan_as_null")]
    pub theil_index: f64,
    /// `sqrt(2 GE(2))`.
    #[serde(serialize_with = "nan_as_null")]
    pub coefficient_of_variation: f64,
    /// Between-group `GE(α)`.
    #[serde(serialize_with = "nan_as_null")]
    pub between_group_generalized_entropy_index: f64,
    /// Between-group `GE(1)`.
    #[serde(serialize_with = "nan_as_null")]
    pub between_group_theil_index: f64,
    /// Between-group `sqrt(2 GE(2))`.
    #[serde(serialize_with = "nan_as_null")]
    pub between_group_coefficient_of_variation: f64,
}

impl InequalityIndices {
    /// Computes every index (textbook `GE(0)` if `alpha = 0`).
    ///
    /// # Errors
    /// As [`between_group_generalized_entropy_index`].
    pub fn compute(y_true: &[bool], y_pred: &[bool], groups: &Groups, alpha: f64) -> Result<Self> {
        check_alpha(alpha)?;
        let b = benefits(y_true, y_pred)?;
        Error::check_len("sensitive groups", b.len(), groups.len())?;
        let means = group_means(&b, groups.codes(), groups.n_groups());
        Ok(Self {
            alpha,
            generalized_entropy_index: generalized_entropy(&b, alpha, false),
            theil_index: generalized_entropy(&b, 1.0, false),
            coefficient_of_variation: (2.0 * generalized_entropy(&b, 2.0, false)).sqrt(),
            between_group_generalized_entropy_index: generalized_entropy(&means, alpha, false),
            between_group_theil_index: generalized_entropy(&means, 1.0, false),
            between_group_coefficient_of_variation: (2.0 * generalized_entropy(&means, 2.0, false))
                .sqrt(),
        })
    }
}

impl InequalityIndices {
    /// Every index from confusion counts (docs/counts.md): the benefit of a row is a function of
    /// its cell, so the unweighted row counts of a [`ConfusionTable`] give the indices of the
    /// rows they count, equal to [`compute`](Self::compute) up to rounding. Weights are ignored,
    /// as there.
    ///
    /// # Errors
    /// No rows, or a non-finite `alpha`.
    pub fn from_table(table: &ConfusionTable, alpha: f64) -> Result<Self> {
        check_alpha(alpha)?;
        // Benefit 1 + ŷ - y of each cell 2y + ŷ: tn 1, fp 2, fn 0, tp 1.
        const BENEFIT: [f64; 4] = [1.0, 2.0, 0.0, 1.0];
        let mut rows = Vec::new();
        let mut means = Vec::new();
        for g in 0..table.n_groups() {
            let cells = table.unweighted_cells(g);
            let n: u64 = cells.iter().sum();
            let b: f64 = (0..4).map(|k| BENEFIT[k] * cells[k] as f64).sum();
            rows.extend((0..4).map(|k| (BENEFIT[k], cells[k] as f64)));
            means.push((if n == 0 { 0.0 } else { b / n as f64 }, n as f64));
        }
        if rows.iter().all(|r| r.1 == 0.0) {
            return Err(Error::Empty {
                what: "y_true".into(),
            }
            .into());
        }
        Ok(Self {
            alpha,
            generalized_entropy_index: generalized_entropy_counted(&rows, alpha),
            theil_index: generalized_entropy_counted(&rows, 1.0),
            coefficient_of_variation: (2.0 * generalized_entropy_counted(&rows, 2.0)).sqrt(),
            between_group_generalized_entropy_index: generalized_entropy_counted(&means, alpha),
            between_group_theil_index: generalized_entropy_counted(&means, 1.0),
            between_group_coefficient_of_variation: (2.0
                * generalized_entropy_counted(&means, 2.0))
            .sqrt(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::testutil::o1;

    #[test]
    fn o5_on_o1() {
        let (y, p, g) = o1();
        assert_eq!(
            benefits(&y, &p).unwrap(),
            vec![1., 1., 0., 2., 1., 1., 1., 0., 1., 1., 1., 1.]
        );
        let ge2 = generalized_entropy_index(&y, &p, 2.0, false).unwrap();
        assert!((ge2 - 35.0 / 242.0).abs() < 1e-12, "{ge2}");
        let r: f64 = 12.0 / 11.0;
        let theil = (9.0 * r * r.ln() + 2.0 * r * (2.0 * r).ln()) / 12.0;
        assert!((theil_index(&y, &p).unwrap() - theil).abs() < 1e-12);
        assert!((theil - 0.213038).abs() < 1e-6);
        let cv = coefficient_of_variation(&y, &p).unwrap();
        assert!((cv - (70.0f64 / 242.0).sqrt()).abs() < 1e-12);
        assert!((cv - 0.537825).abs() < 1e-6);
        assert_eq!(
            generalized_entropy_index(&y, &p, 0.0, false).unwrap(),
            f64::INFINITY
        );
        assert_eq!(
            generalized_entropy_index(&y, &p, 0.0, true).unwrap(),
            f64::INFINITY
        );
        let ge3 = generalized_entropy_index(&y, &p, 3.0, false).unwrap();
        assert!((ge3 - 0.139870).abs() < 1e-6, "{ge3}");
        let bge2 = between_group_generalized_entropy_index(&y, &p, &g, 2.0, false).unwrap();
        assert!((bge2 - 1.0 / 242.0).abs() < 1e-12, "{bge2}");
        let bt = between_group_theil_index(&y, &p, &g).unwrap();
        assert!((bt - 0.004138).abs() < 1e-6, "{bt}");
        let all = InequalityIndices::compute(&y, &p, &g, 2.0).unwrap();
        assert_eq!(all.generalized_entropy_index, ge2);
        assert_eq!(all.between_group_theil_index, bt);
        assert_eq!(
            all.between_group_coefficient_of_variation,
            (2.0 * bge2).sqrt()
        );
    }

    /// From counts, every index equals the rows' to rounding: O1, and O1 with its rows
    /// repeated unevenly (counts 1 to 4), and GE(0) infinite as from rows.
    #[test]
    fn from_table_equals_rows() {
        let (y, p, g) = o1();
        for alpha in [2.0, 0.0, 1.0, 3.0, 0.5] {
            let counts: Vec<u64> = (0..y.len() as u64).map(|i| 1 + i % 4).collect();
            let rep = |v: &[bool]| -> Vec<bool> {
                v.iter()
                    .zip(&counts)
                    .flat_map(|(&x, &c)| std::iter::repeat_n(x, c as usize))
                    .collect()
            };
            let (ry, rp) = (rep(&y), rep(&p));
            let rg: Vec<u32> = g
                .codes()
                .iter()
                .zip(&counts)
                .flat_map(|(&x, &c)| std::iter::repeat_n(x, c as usize))
                .collect();
            let rg = Groups::new(g.schema_arc().clone(), rg).unwrap();
            let want = InequalityIndices::compute(&ry, &rp, &rg, alpha).unwrap();
            let table = ConfusionTable::from_counts(&y, &p, g.codes(), 2, &counts, None).unwrap();
            let got = InequalityIndices::from_table(&table, alpha).unwrap();
            let pairs = [
                (
                    got.generalized_entropy_index,
                    want.generalized_entropy_index,
                ),
                (got.theil_index, want.theil_index),
                (got.coefficient_of_variation, want.coefficient_of_variation),
                (
                    got.between_group_generalized_entropy_index,
                    want.between_group_generalized_entropy_index,
                ),
                (
                    got.between_group_theil_index,
                    want.between_group_theil_index,
                ),
                (
                    got.between_group_coefficient_of_variation,
                    want.between_group_coefficient_of_variation,
                ),
            ];
            for (a, b) in pairs {
                assert!(a == b || (a - b).abs() < 1e-12, "alpha {alpha}: {a} vs {b}");
            }
        }
        let empty = ConfusionTable::new(2, false);
        assert!(InequalityIndices::from_table(&empty, 2.0).is_err());
    }

    #[test]
    fn ge0_textbook_and_aif360_differ_by_mu() {
        // No zeros: both are finite and differ by the factor 1/μ.
        let b = [1.0, 2.0, 1.0, 1.0];
        let mu: f64 = 1.25;
        let text = generalized_entropy(&b, 0.0, false);
        let want = -(3.0 * (1.0 / mu).ln() + (2.0 / mu).ln()) / 4.0;
        assert!((text - want).abs() < 1e-15);
        assert!((generalized_entropy(&b, 0.0, true) - want / mu).abs() < 1e-15);
    }

    #[test]
    fn bad_input() {
        assert!(benefits(&[true], &[]).is_err());
        assert!(benefits(&[], &[]).is_err());
        assert!(generalized_entropy_index(&[true], &[true], f64::NAN, false).is_err());
        // All false negatives: μ = 0, undefined.
        assert!(
            generalized_entropy_index(&[true], &[false], 2.0, false)
                .unwrap()
                .is_nan()
        );
    }
}
