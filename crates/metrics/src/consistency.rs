//! Individual fairness: consistency of predictions among nearest neighbours
//! (docs/metrics.md#consistency, AIF360's `consistency`).
//!
//! `consistency = 1 − (1/n) Σ_i |ŷ_i − mean_{j ∈ N_k(i)} ŷ_j|`, where `N_k(i)` are the `k`
//! nearest rows to row `i` in Euclidean distance over all feature columns, **the row itself
//! included** (distance 0). Weights are ignored, as in AIF360.
//!
//! Neighbours are found by exact brute force, parallel over blocks of rows with rayon. Each
//! block's squared distances are first estimated as `|a|² + |b|² − 2 a·b` with one matrix
//! product (ndarray's `dot`, which uses SIMD kernels), the candidates within a rounding margin
//! of the k-th estimate are then re-ranked by their exact distance `Σ (a_j − b_j)²`, ties going
//! to the lower row index (AIF360's ball tree leaves ties unspecified). The cost is
//! `O(n² d)` flops and `O(n · block)` memory: about 5·10¹⁰ flops for 16,000 rows × 100 features.
//! No tree structure helps at that dimension, so no spatial-index crate is used.
//!
//! ```
//! use fairkit_metrics::consistency::consistency;
//! use ndarray::array;
//! // O6 (docs/test-oracles.md#o6).
//! let x = array![[0.0], [1.0], [2.0], [10.0], [11.0], [12.0]];
//! let y = [1, 1, 0, 0, 0, 1].map(|v| v == 1);
//! assert!((consistency(x.view(), &y, 3)? - 5.0 / 9.0).abs() < 1e-15);
//! # Ok::<(), fairkit_metrics::MetricsError>(())
//! ```

use fairkit_core::Error;
use ndarray::{Array2, ArrayView2, s};
use rayon::prelude::*;

use crate::error::{Result, invalid};

/// Elements of the distance block each task holds at once.
const BLOCK_ELEMENTS: usize = 1 << 20;

/// Feature values up to `2^LARGEST_EXPONENT` in magnitude are searched as they are; larger ones
/// are first scaled down by a power of two (see [`within_range`]).
const LARGEST_EXPONENT: i32 = 400;

/// `x`, or `x` times a power of two when its largest magnitude exceeds `2^400`, so that squared
/// distances (sums of `d` squares of differences up to twice that magnitude) stay finite.
/// Multiplying by a power of two is exact (barring values that fall below `f64::MIN_POSITIVE`
/// in the process, whose distances are then negligible anyway) and scales every distance by
/// the same factor, so the neighbours are the same ones.
fn within_range(x: ArrayView2<'_, f64>) -> Option<Array2<f64>> {
    let largest = x.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let limit = 2f64.powi(LARGEST_EXPONENT);
    if largest <= limit {
        return None;
    }
    let exponent = largest.log2().ceil() as i32;
    let factor = 2f64.powi(LARGEST_EXPONENT - exponent);
    Some(x.mapv(|v| v * factor))
}

fn check(x: ArrayView2<'_, f64>, k: usize) -> Result<()> {
    let n = x.nrows();
    if n == 0 {
        return Err(Error::Empty {
            what: "features".into(),
        }
        .into());
    }
    if k == 0 || k > n {
        return Err(invalid(
            "k",
            k,
            &format!("must be between 1 and the number of rows ({n})"),
        ));
    }
    if let Some(((row, col), v)) = x.indexed_iter().find(|(_, v)| !v.is_finite()) {
        return Err(Error::NonFinite {
            what: format!("feature column {col}"),
            row,
            value: v.to_string(),
        }
        .into());
    }
    Ok(())
}

fn exact_sq(a: ndarray::ArrayView1<'_, f64>, b: ndarray::ArrayView1<'_, f64>) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum()
}

/// The `k` nearest rows of every row (itself included), nearest first: `out[[i, r]]` is the
/// `r`-th neighbour of row `i`. Ties in exact distance go to the lower row index.
///
/// # Errors
/// No rows, `k` outside `1..=n`, or a non-finite feature.
pub fn nearest_neighbors(x: ArrayView2<'_, f64>, k: usize) -> Result<Array2<usize>> {
    check(x, k)?;
    let scaled = within_range(x);
    let x = match &scaled {
        Some(s) => s.view(),
        None => x.reborrow(),
    };
    let (n, d) = x.dim();
    let norms: Vec<f64> = x.rows().into_iter().map(|r| r.dot(&r)).collect();
    let max_norm = norms.iter().copied().fold(0.0, f64::max);
    // Bound on the rounding of |a|² + |b|² − 2 a·b relative to |a|² + |b|².
    let rel = 4.0 * (d as f64 + 4.0) * f64::EPSILON;
    let block = (BLOCK_ELEMENTS / n).clamp(8, 256);
    let xt = x.t();
    let blocks: Vec<Vec<usize>> = (0..n.div_ceil(block))
        .into_par_iter()
        .map(|b| {
            let start = b * block;
            let rows = block.min(n - start);
            let xb: ArrayView2<'_, f64> = x.slice(s![start..start + rows, ..]);
            let gram: Array2<f64> = xb.dot(&xt);
            let mut scratch = vec![0.0; n];
            let mut sel = vec![0.0; n];
            let mut cand: Vec<(f64, usize)> = Vec::new();
            let mut found = Vec::with_capacity(rows * k);
            for r in 0..rows {
                let i = start + r;
                let g = gram.row(r);
                for (j, slot) in scratch.iter_mut().enumerate() {
                    *slot = norms[i] + norms[j] - 2.0 * g[j];
                }
                sel.copy_from_slice(&scratch);
                let (_, kth, _) = sel.select_nth_unstable_by(k - 1, f64::total_cmp);
                let limit = *kth + 2.0 * rel * (norms[i] + max_norm) + f64::MIN_POSITIVE;
                cand.clear();
                cand.extend(
                    scratch
                        .iter()
                        .enumerate()
                        .filter(|&(_, &v)| v <= limit)
                        .map(|(j, _)| (exact_sq(x.row(i), x.row(j)), j)),
                );
                cand.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                found.extend(cand[..k].iter().map(|c| c.1));
            }
            found
        })
        .collect();
    let out = Array2::from_shape_vec((n, k), blocks.concat()).expect("n rows of k neighbours");
    Ok(out)
}

/// AIF360's consistency score with `k` neighbours (AIF360's default is `k = 5`).
///
/// # Errors
/// As [`nearest_neighbors`], and labels of another length.
pub fn consistency(x: ArrayView2<'_, f64>, y_pred: &[bool], k: usize) -> Result<f64> {
    Error::check_len("predictions", x.nrows(), y_pred.len())?;
    let nn = nearest_neighbors(x, k)?;
    // Σ_i |k ŷ_i − #positive neighbours| in integers, so the only rounding is the last division.
    let total: usize = nn
        .rows()
        .into_iter()
        .zip(y_pred)
        .map(|(row, &yi)| {
            let positives = row.iter().filter(|&&j| y_pred[j]).count();
            (k * usize::from(yi)).abs_diff(positives)
        })
        .sum();
    Ok(1.0 - total as f64 / (k * x.nrows()) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn o6_neighbourhoods() {
        let x = array![[0.0], [1.0], [2.0], [10.0], [11.0], [12.0]];
        let nn = nearest_neighbors(x.view(), 3).unwrap();
        for i in 0..3 {
            let mut row = nn.row(i).to_vec();
            assert_eq!(row[0], i);
            row.sort();
            assert_eq!(row, vec![0, 1, 2]);
        }
        let y = [1, 1, 0, 0, 0, 1].map(|v| v == 1);
        assert_eq!(
            consistency(x.view(), &y, 3).unwrap(),
            1.0 - (8.0 / 3.0) / 6.0
        );
    }

    #[test]
    fn matches_naive_search_with_duplicates_and_large_offsets() {
        // Rows far from the origin make the Gram estimate inexact; duplicates make exact ties.
        let mut r = fairkit_core::rng::seeded(3);
        let n = 300;
        let x = Array2::from_shape_fn((n, 7), |(i, j)| {
            let base = if i % 10 == 0 {
                (i / 10) as f64
            } else {
                i as f64
            };
            1e6 + base * 0.01
                + j as f64
                + 0.001 * fairkit_core::rng::uniform(&mut r) * f64::from(u8::from(i % 10 != 0))
        });
        for k in [1, 4, 9] {
            let nn = nearest_neighbors(x.view(), k).unwrap();
            for i in 0..n {
                let mut all: Vec<(f64, usize)> =
                    (0..n).map(|j| (exact_sq(x.row(i), x.row(j)), j)).collect();
                all.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                let want: Vec<usize> = all[..k].iter().map(|p| p.1).collect();
                assert_eq!(nn.row(i).to_vec(), want, "row {i}, k {k}");
            }
        }
    }

    /// Feature values near the largest number (whose squares overflow) find the same
    /// neighbours as the same values scaled down: no overflow, no panic.
    #[test]
    fn huge_values_find_the_same_neighbours() {
        let base = array![
            [0.0, 1.0],
            [1.0, 1.0],
            [2.0, -3.0],
            [10.0, 0.5],
            [11.0, 7.0],
            [-12.0, 2.0]
        ];
        let y = [1, 1, 0, 0, 0, 1].map(|v| v == 1);
        for scale in [1e154, -1e154, 1e300, 1e307] {
            let big = base.mapv(|v| v * scale);
            for k in 1..=6 {
                assert_eq!(
                    nearest_neighbors(big.view(), k).unwrap(),
                    nearest_neighbors(base.view(), k).unwrap(),
                    "scale {scale}, k {k}"
                );
                assert_eq!(
                    consistency(big.view(), &y, k).unwrap(),
                    consistency(base.view(), &y, k).unwrap()
                );
            }
        }
        // The largest and smallest finite numbers side by side.
        let extreme = array![[f64::MAX], [-f64::MAX], [0.0], [1.0]];
        let nn = nearest_neighbors(extreme.view(), 2).unwrap();
        assert_eq!(nn.row(2).to_vec(), [2, 3]);
        assert_eq!(nn.row(0)[0], 0);
    }

    #[test]
    fn bad_input() {
        let x = array![[0.0], [1.0]];
        assert!(consistency(x.view(), &[true], 1).is_err());
        assert!(consistency(x.view(), &[true, false], 0).is_err());
        assert!(consistency(x.view(), &[true, false], 3).is_err());
        let bad = array![[0.0], [f64::NAN]];
        assert!(consistency(bad.view(), &[true, false], 1).is_err());
    }
}
