//! Grid generation (docs/reductions.md#grid-generation).

use serde::{Deserialize, Serialize};

use crate::GridBasis;

/// Above this many free dimensions fairlearn warns that the grid is too coarse to be useful.
pub const GRID_DIMENSION_WARN_THRESHOLD: usize = 4;

/// A warning about the generated grid (fairlearn logs these; fairkit returns them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum GridWarning {
    /// The grid has more than [`GRID_DIMENSION_WARN_THRESHOLD`] free dimensions.
    HighDimension {
        /// The free dimension.
        dimension: usize,
    },
    /// `grid_size < 2^dimension`: not even the corners of the grid are covered.
    SmallGrid {
        /// The grid size asked for.
        grid_size: usize,
        /// `2^dimension`.
        recommended: usize,
    },
}

/// The integer grid points `z ∈ ℤ^d` in fairlearn's recursive order, the first `grid_size` of
/// them, and the number of units `n_units` used (docs/reductions.md#grid-generation, steps 2-4).
///
/// With `force_l1`, every point has L1 norm `n_units` exactly (the last coordinate takes the
/// remaining budget). If the grid cannot grow to `grid_size` points (no dimensions, or a single
/// forced dimension), the points of the smallest grid are returned.
pub fn integer_grid(
    neg_allowed: &[bool],
    force_l1: bool,
    grid_size: usize,
) -> (Vec<Vec<i64>>, i64) {
    let dim = neg_allowed.len();
    let true_dim = if force_l1 { dim.saturating_sub(1) } else { dim };
    let n_neg = neg_allowed.iter().filter(|&&b| b).count() as i32;
    let mut n_units = if true_dim == 0 {
        0
    } else {
        let v = (grid_size as f64 / 2f64.powi(n_neg)).powf(1.0 / true_dim as f64) - 1.0;
        v.floor().max(0.0) as i64
    };
    loop {
        let mut points = Vec::new();
        let mut entry = vec![0i64; dim];
        accumulate(
            neg_allowed,
            force_l1,
            0,
            n_units,
            &mut entry,
            &mut points,
            grid_size,
        );
        if points.len() >= grid_size || true_dim == 0 {
            points.truncate(grid_size);
            return (points, n_units);
        }
        n_units += 1;
    }
}

fn accumulate(
    neg_allowed: &[bool],
    force_l1: bool,
    index: usize,
    budget: i64,
    entry: &mut Vec<i64>,
    out: &mut Vec<Vec<i64>>,
    limit: usize,
) {
    if out.len() >= limit {
        return;
    }
    if index == neg_allowed.len() {
        out.push(entry.clone());
        return;
    }
    let values: Vec<i64> = if index + 1 == neg_allowed.len() && force_l1 {
        if neg_allowed[index] && budget > 0 {
            vec![-budget, budget]
        } else {
            vec![budget]
        }
    } else {
        let low = if neg_allowed[index] { -budget } else { 0 };
        (low..=budget).collect()
    };
    for v in values {
        entry[index] = v;
        accumulate(
            neg_allowed,
            force_l1,
            index + 1,
            budget - v.abs(),
            entry,
            out,
            limit,
        );
    }
}

/// The grid of multiplier vectors (each of length `n_constraints`) for a basis, and the
/// warnings fairlearn would log (docs/reductions.md#grid-generation, step 5).
pub fn generate_grid(
    basis: &GridBasis,
    n_constraints: usize,
    grid_size: usize,
    grid_limit: f64,
    offset: Option<&[f64]>,
) -> (Vec<Vec<f64>>, Vec<GridWarning>) {
    let neg_allowed = basis.neg_allowed();
    let force_l1 = basis.objective_in_span;
    let dim = basis.dim();
    let true_dim = if force_l1 { dim.saturating_sub(1) } else { dim };
    let mut warnings = Vec::new();
    if true_dim > GRID_DIMENSION_WARN_THRESHOLD {
        warnings.push(GridWarning::HighDimension {
            dimension: true_dim,
        });
    }
    let recommended = 1usize.checked_shl(true_dim as u32).unwrap_or(usize::MAX);
    if grid_size < recommended {
        warnings.push(GridWarning::SmallGrid {
            grid_size,
            recommended,
        });
    }
    let (points, n_units) = integer_grid(&neg_allowed, force_l1, grid_size);
    let scale = if n_units == 0 {
        0.0
    } else {
        grid_limit / n_units as f64
    };
    let grid = points
        .iter()
        .map(|z| {
            let mut lambda = offset.map_or_else(|| vec![0.0; n_constraints], <[f64]>::to_vec);
            for (k, &zk) in z.iter().enumerate() {
                let coef = zk as f64 * scale;
                if coef > 0.0 {
                    lambda[basis.pos[k]] += coef;
                } else if coef < 0.0
                    && let Some(j) = basis.neg[k]
                {
                    lambda[j] += -coef;
                }
            }
            lambda
        })
        .collect();
    (grid, warnings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn o8_two_groups_coefficients() {
        let (points, n_units) = integer_grid(&[true], false, 10);
        assert_eq!(n_units, 5);
        let coefs: Vec<f64> = points.iter().map(|z| z[0] as f64 * 2.0 / 5.0).collect();
        let expected = [-2.0, -1.6, -1.2, -0.8, -0.4, 0.0, 0.4, 0.8, 1.2, 1.6];
        for (c, e) in coefs.iter().zip(expected) {
            assert!((c - e).abs() < 1e-12, "{coefs:?}");
        }
    }

    #[test]
    fn o8_three_groups_points() {
        let (points, n_units) = integer_grid(&[true, true], false, 10);
        assert_eq!(n_units, 2);
        let expected: Vec<Vec<i64>> = vec![
            vec![-2, 0],
            vec![-1, -1],
            vec![-1, 0],
            vec![-1, 1],
            vec![0, -2],
            vec![0, -1],
            vec![0, 0],
            vec![0, 1],
            vec![0, 2],
            vec![1, -1],
        ];
        assert_eq!(points, expected);
    }

    #[test]
    fn o8_bounded_group_loss_forces_the_l1_norm() {
        // Three groups, no negative parts, objective in the span: n_units = 3, scaled by 2/3.
        let basis = GridBasis {
            pos: vec![0, 1, 2],
            neg: vec![None; 3],
            objective_in_span: true,
        };
        let (grid, warnings) = generate_grid(&basis, 3, 10, 2.0, None);
        assert!(warnings.is_empty());
        let thirds: Vec<Vec<i64>> = vec![
            vec![0, 0, 3],
            vec![0, 1, 2],
            vec![0, 2, 1],
            vec![0, 3, 0],
            vec![1, 0, 2],
            vec![1, 1, 1],
            vec![1, 2, 0],
            vec![2, 0, 1],
            vec![2, 1, 0],
            vec![3, 0, 0],
        ];
        assert_eq!(grid.len(), 10);
        for (point, z) in grid.iter().zip(&thirds) {
            for (v, &k) in point.iter().zip(z) {
                assert!((v - k as f64 * 2.0 / 3.0).abs() < 1e-12, "{grid:?}");
            }
        }
    }

    #[test]
    fn warnings_and_degenerate_grids() {
        let basis = GridBasis {
            pos: (0..5).collect(),
            neg: (5..10).map(Some).collect(),
            objective_in_span: false,
        };
        let (grid, warnings) = generate_grid(&basis, 10, 10, 2.0, None);
        assert_eq!(grid.len(), 10);
        assert_eq!(
            warnings,
            vec![
                GridWarning::HighDimension { dimension: 5 },
                GridWarning::SmallGrid {
                    grid_size: 10,
                    recommended: 32
                }
            ]
        );
        // A single point: n_units stays 0 and the grid is λ = 0 (no division by zero).
        let one = GridBasis {
            pos: vec![0],
            neg: vec![Some(1)],
            objective_in_span: false,
        };
        let (grid, _) = generate_grid(&one, 2, 1, 2.0, Some(&[0.5, 0.0]));
        assert_eq!(grid, vec![vec![0.5, 0.0]]);
    }
}
