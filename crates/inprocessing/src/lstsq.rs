//! Ordinary least squares with an intercept, the regression oracle of GerryFair
//! (docs/inprocessing.md#gerryfair): scikit-learn's `LinearRegression` semantics (centre the
//! columns and the target, minimum-norm least-squares coefficients, intercept from the means).
//!
//! One design matrix is regressed on many targets, so the factorization is done once: the
//! centred Gram matrix `X_cᵀX_c` is diagonalized (linfa-linalg's symmetric eigensolver) and its
//! pseudo-inverse kept. Directions whose eigenvalue is below [`RELATIVE_CUTOFF`] times the
//! largest are dropped, which gives the minimum-norm solution when columns are linearly
//! dependent (a one-hot block beside its complement, a protected column repeated among the
//! features); the fitted values are then the same as with any other least-squares solution.

use linfa_linalg::eigh::Eigh;
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis};
use serde::{Deserialize, Serialize};

use crate::{InprocessingError, Result};

/// Eigenvalues of the centred Gram matrix below this fraction of the largest count as zero.
const RELATIVE_CUTOFF: f64 = 1e-10;

/// An affine function `x ↦ coef · x + intercept`: a fitted least-squares regression.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinearFunction {
    /// One coefficient per column.
    pub coef: Vec<f64>,
    /// The constant term.
    pub intercept: f64,
}

impl LinearFunction {
    /// The value at one row (`row.len()` must equal `coef.len()`).
    pub fn value(&self, row: ArrayView1<'_, f64>) -> f64 {
        row.iter().zip(&self.coef).map(|(a, b)| a * b).sum::<f64>() + self.intercept
    }

    /// The values at every row of `x`.
    pub fn values(&self, x: ArrayView2<'_, f64>) -> Array1<f64> {
        x.dot(&ArrayView1::from(&self.coef[..])) + self.intercept
    }
}

/// A design matrix prepared for repeated least-squares fits.
#[derive(Debug, Clone)]
pub(crate) struct LeastSquares {
    mean: Array1<f64>,
    centred: Array2<f64>,
    /// Pseudo-inverse of the centred Gram matrix.
    gram_pinv: Array2<f64>,
}

impl LeastSquares {
    /// Prepares `x` (rows × columns, finite, at least one row).
    pub(crate) fn new(x: ArrayView2<'_, f64>) -> Result<Self> {
        let mean = x
            .mean_axis(Axis(0))
            .unwrap_or_else(|| Array1::zeros(x.ncols()));
        // Row-major, so that the products below run along contiguous rows.
        let mut centred = x.as_standard_layout().into_owned();
        centred -= &mean;
        let gram = centred.t().dot(&centred);
        let (values, vectors) = gram.eigh().map_err(|e| InprocessingError::Numerical {
            method: "least squares",
            message: e.to_string(),
        })?;
        let largest = values.iter().fold(0.0_f64, |m, &v| m.max(v));
        let inverse: Array1<f64> = values.mapv(|v| {
            if largest > 0.0 && v > largest * RELATIVE_CUTOFF {
                1.0 / v
            } else {
                0.0
            }
        });
        let scaled = &vectors * &inverse;
        let gram_pinv = scaled.dot(&vectors.t());
        Ok(Self {
            mean,
            centred,
            gram_pinv,
        })
    }

    /// The least-squares fit of `target` (one value per row).
    pub(crate) fn fit(&self, target: &[f64]) -> LinearFunction {
        let n = target.len().max(1) as f64;
        let target_mean = target.iter().sum::<f64>() / n;
        let centred: Array1<f64> = target.iter().map(|t| t - target_mean).collect();
        // Xᵀc accumulated row by row (contiguous rows of the row-major centred matrix).
        let mut xtc = Array1::<f64>::zeros(self.centred.ncols());
        for (row, &c) in self.centred.rows().into_iter().zip(&centred) {
            xtc.scaled_add(c, &row);
        }
        let coef = self.gram_pinv.dot(&xtc);
        let intercept = target_mean - self.mean.dot(&coef);
        LinearFunction {
            coef: coef.to_vec(),
            intercept,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn exact_fit_of_an_affine_target() {
        let x = array![[1.0, 0.0], [2.0, 1.0], [3.0, 5.0], [4.0, 2.0]];
        let ls = LeastSquares::new(x.view()).unwrap();
        let target: Vec<f64> = x
            .rows()
            .into_iter()
            .map(|r| 2.0 * r[0] - 3.0 * r[1] + 0.5)
            .collect();
        let f = ls.fit(&target);
        assert!((f.coef[0] - 2.0).abs() < 1e-12);
        assert!((f.coef[1] + 3.0).abs() < 1e-12);
        assert!((f.intercept - 0.5).abs() < 1e-12);
    }

    #[test]
    fn dependent_columns_give_the_minimum_norm_solution() {
        // Column 1 repeats column 0: the minimum-norm solution splits the slope evenly.
        let x = array![[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]];
        let ls = LeastSquares::new(x.view()).unwrap();
        let f = ls.fit(&[1.0, 3.0, 5.0]);
        assert!((f.coef[0] - 1.0).abs() < 1e-12 && (f.coef[1] - 1.0).abs() < 1e-12);
        assert!((f.intercept - 1.0).abs() < 1e-12);
        // A zero target gives exactly zero (scikit-learn's b0 of GerryFair).
        let z = ls.fit(&[0.0; 3]);
        assert!(z.coef.iter().all(|&c| c == 0.0) && z.intercept == 0.0);
    }

    #[test]
    fn least_squares_residuals_are_orthogonal_to_the_columns() {
        let x = array![[0.3, 1.0], [1.1, -2.0], [2.4, 0.5], [0.2, 0.1], [5.0, 3.0]];
        let t = [1.0, -1.0, 0.3, 2.0, 0.7];
        let f = LeastSquares::new(x.view()).unwrap().fit(&t);
        let resid: Vec<f64> = x
            .rows()
            .into_iter()
            .zip(&t)
            .map(|(r, t)| t - f.value(r))
            .collect();
        assert!(resid.iter().sum::<f64>().abs() < 1e-12);
        for j in 0..2 {
            let dot: f64 = resid.iter().zip(x.column(j)).map(|(r, v)| r * v).sum();
            assert!(dot.abs() < 1e-12, "{dot}");
        }
    }
}
